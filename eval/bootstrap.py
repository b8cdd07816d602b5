"""Bootstrap intervals, the paired bootstrap and an exact sign-flip test over count rows, vectorized.

A resample draws units (documents, or paragraphs or sentences) with replacement; its counts are the
multiplicity-weighted sum of the units' count rows, and every score is recomputed from those sums
(never averaged over units). Units with equal count rows are pooled first (most rows are alike). A
resample draws how often each pool is taken, exactly: one multinomial over the large pools and the
small ones together, then as many integer draws among the small pools' units as the small pools got;
its sums are a dense product of those weights with the pools' rows. Pools are ordered by a hash of their
rows, so the intervals depend only on the multiset of rows: the same counts in any order, or merged
from parts, give the same intervals for a seed.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from gaiko.eval.counts import KEY_INDEX, KEYS, REALIS, WIDTH, Counts, macro_arrays, prf_arrays
from gaiko.eval.matching import count

CONFIDENCE = 0.95
FEW_UNITS = 10  # below this many units the report warns how few distinct resamples there are
EXACT_MAX_UNITS = 16  # the sign-flip test enumerates 2^m assignments of the m units where systems differ
_WEIGHTS = 1 << 23  # at most this many pool weights held at once (blocks of 50 to 500 resamples)
_DRAWN = 100  # resamples whose integer draws are made at once
_BINOMIAL_POOL = 12  # a pool this large gets one binomial draw per resample (as dear as about 12 integer draws)
_DENSE_BLOCK = 1 << 22  # values in one dense block of pool rows
_DENSE_KEPT = 1 << 24  # pool rows with up to this many values are kept dense for all resamples
_LABELLED = np.array([key[2] is not None for key in KEYS])


def small_sample_warning(units: int, unit: str) -> str | None:
    """A warning when there are too few units for a percentile interval to mean much."""
    if units >= FEW_UNITS:
        return None
    distinct = math.comb(2 * units - 1, units) if units else 0
    return (f"only {units} {unit}{'s' * (units != 1)} to resample: the bootstrap has {distinct} distinct "
            f"resample{'s' * (distinct != 1)}, so its intervals are coarse (a finer --resample-unit gives more)")


class _Rows:
    """Sparse count rows (unit, column, value; sorted by unit, then column) of `n` units, `width` columns,
    pooled by equal rows.

    Pools are numbered large first (at least `_BINOMIAL_POOL` units, in hash order), then small (in hash
    order); `unit_pool` gives the pool of each unit of the small pools, in that order."""

    def __init__(self, units: np.ndarray, columns: np.ndarray, values: np.ndarray, n: int, width: int):
        self.n, self.width = n, width
        coefficients = np.random.default_rng(20_241_119).integers(1, 2**20, size=(2, width)).astype(float)
        hashes = [np.bincount(units, values * c[columns], n) for c in coefficients]  # exact: integers < 2^53
        order = np.lexsort(hashes[::-1])
        first = np.ones(n, dtype=bool)
        first[1:] = (hashes[0][order][1:] != hashes[0][order][:-1]) | (hashes[1][order][1:] != hashes[1][order][:-1])
        pool = np.empty(n, dtype=np.int64)
        pool[order] = np.cumsum(first) - 1
        representative = order[first][pool]  # per unit: the first unit of its pool
        if not _equal_rows(units, columns, values, n, representative):  # a hash collision: pool by the rows
            pool, representative = _pools_by_rows(units, columns, values, n)
        sizes = np.bincount(pool, minlength=int(pool.max()) + 1 if n else 0)
        large = sizes >= _BINOMIAL_POOL
        renumber = np.empty(len(sizes), dtype=np.int64)
        renumber[np.concatenate([np.flatnonzero(large), np.flatnonzero(~large)])] = np.arange(len(sizes))
        self.n_large = int(large.sum())
        self.sizes = np.bincount(renumber[pool], minlength=len(sizes))
        small = len(sizes) - self.n_large  # the gather of each draw's pool is cheapest from the smallest table
        self.unit_pool = np.repeat(np.arange(small, dtype=np.uint16 if small <= 2**16 else np.int32),
                                   self.sizes[self.n_large:])
        keep = representative[units] == units
        self.pool_of_entry, self.column_of_entry = renumber[pool[units[keep]]], columns[keep]
        self.value_of_entry = values[keep]
        # Sums of integer products are exact in float32 below 2^24, which no resample exceeds when n · max value
        # stays below it; float32 halves the product's time.
        self.dtype = np.float32 if n * int(values.max(initial=0)) < 2**24 else np.float64
        self._dense: list[tuple[int, np.ndarray]] | None = None
        by_pool = np.argsort(self.pool_of_entry, kind="stable")
        self.used = np.unique(self.column_of_entry)  # the products skip columns that are zero in every row
        self._entries = (self.pool_of_entry[by_pool], np.searchsorted(self.used, self.column_of_entry[by_pool]),
                         self.value_of_entry[by_pool])

    @classmethod
    def of(cls, counts: Counts | np.ndarray) -> _Rows:
        counts = counts if isinstance(counts, Counts) else Counts.from_dense(counts)
        return cls(counts.units, counts.columns, counts.values, counts.n_units, WIDTH)

    def weights(self, rng: np.random.Generator, block: int) -> np.ndarray:
        """How often each pool is drawn in `block` resamples of n units (block × pools): a multinomial over
        the large pools and the small pools together, then that many integer draws among the small pools' units."""
        k, small_units = len(self.sizes), len(self.unit_pool)
        drawn = rng.multinomial(self.n, np.append(self.sizes[:self.n_large], small_units) / self.n, size=block)
        out = np.empty((block, k), dtype=self.dtype)
        out[:, :self.n_large] = drawn[:, :-1]
        for first in range(0, block, _DRAWN):  # the draws of a few resamples at a time stay in the cache
            rest = drawn[first:first + _DRAWN, -1]
            draws = rng.integers(0, small_units, size=int(rest.sum()), dtype=np.int32) if small_units else rest[:0]
            pools = np.take(self.unit_pool, draws)
            ends = np.cumsum(rest)
            for row, (start, end) in enumerate(zip((ends - rest).tolist(), ends.tolist()), start=first):
                out[row, self.n_large:] = np.bincount(pools[start:end], minlength=k - self.n_large)
        return out

    def sums(self, weights: np.ndarray) -> np.ndarray:
        """Summed count rows of resamples with the given pool weights (block × width): dense products of
        integers, so exact."""
        used = np.zeros((len(weights), len(self.used)), dtype=self.dtype)
        for start, rows in self._dense_rows():
            used += weights[:, start:start + len(rows)].astype(self.dtype, copy=False) @ rows
        out = np.zeros((len(weights), self.width))
        out[:, self.used] = used
        return out

    def _dense_rows(self) -> Iterator[tuple[int, np.ndarray]]:
        """The pools' rows (their `used` columns) as dense blocks (first pool, rows); kept between calls when
        they are small."""
        if self._dense is not None:
            yield from self._dense
            return
        pools, columns, values = self._entries
        k, width = len(self.sizes), len(self.used)
        step = max(1, _DENSE_BLOCK // max(1, width))
        kept = [] if k * width <= _DENSE_KEPT else None
        for start in range(0, k, step):
            stop = min(k, start + step)
            lo, hi = np.searchsorted(pools, [start, stop])
            rows = np.zeros((stop - start, width), dtype=self.dtype)
            rows[pools[lo:hi] - start, columns[lo:hi]] = values[lo:hi]
            if kept is not None:
                kept.append((start, rows))
            yield start, rows
        if kept is not None:
            self._dense = kept


def _pools_by_rows(units, columns, values, n) -> tuple[np.ndarray, np.ndarray]:
    """Pools of equal rows found by comparing the rows themselves (each pool, and the first unit of each
    unit's pool), numbered in the order of the rows' bytes: slower than hashing, as independent of the order
    of the units."""
    bounds = np.searchsorted(units, np.arange(n + 1)).tolist()
    rows = [columns[a:b].tobytes() + values[a:b].astype(np.int64).tobytes() for a, b in zip(bounds, bounds[1:])]
    number = {row: i for i, row in enumerate(sorted(set(rows)))}
    pool = np.array([number[row] for row in rows], dtype=np.int64)
    first = np.full(len(number), n, dtype=np.int64)
    np.minimum.at(first, pool, np.arange(n))
    return pool, first[pool]


def _equal_rows(units, columns, values, n, representative) -> bool:
    """Whether every unit's row equals its representative's (entries sorted by unit, then column)."""
    nnz = np.bincount(units, minlength=n)
    if not np.array_equal(nnz, nnz[representative]):
        return False
    start = np.concatenate([[0], np.cumsum(nnz)[:-1]])
    mirror = start[representative[units]] + np.arange(len(units)) - start[units]
    return bool(np.array_equal(columns, columns[mirror]) and np.array_equal(values, values[mirror]))


def resampled_sums(counts: Counts | np.ndarray, n_resamples: int, seed: int) -> Iterator[np.ndarray]:
    """Blocks of resampled count sums shaped (block, KEYS, 4); sums of integers, so exact."""
    yield from _resampled(_Rows.of(counts), n_resamples, seed, len(KEYS))


def _resampled(rows: _Rows, n_resamples: int, seed: int, keys: int) -> Iterator[np.ndarray]:
    rng = np.random.default_rng(seed)
    block = max(50, min(500, _WEIGHTS // max(1, len(rows.sizes))))  # 500 rows make the products fast
    for start in range(0, n_resamples, block):
        size = min(block, n_resamples - start)
        if rows.n == 0:
            yield np.zeros((size, keys, 4))
            continue
        yield rows.sums(rows.weights(rng, size)).reshape(size, keys, 4)


def _intervals(values: np.ndarray) -> list[list[float]]:
    """Percentile intervals of the resampled scores of each column (resamples × columns), as
    `np.percentile` gives them on the column's finite values (NaN: score undefined in a resample),
    for all columns at once; [0, 0] for a column without any."""
    tail = (1 - CONFIDENCE) / 2 * 100
    q = np.true_divide([tail, 100 - tail], 100)[:, None]
    ordered = np.sort(values, axis=0)  # NaN last
    finite = values.shape[0] - np.isnan(values).sum(0)
    last = np.maximum(finite - 1, 0)
    index = (finite - 1) * q  # numpy's "linear" method, step by step
    below = np.floor(index)
    top = index >= finite - 1
    columns = np.arange(values.shape[1])
    a = ordered[np.where(top, last, below).astype(np.int64), columns]
    b = ordered[np.where(top, last, below + 1).astype(np.int64), columns]
    gamma = index - np.where(top, -1, below)
    difference = b - a
    out = np.where(gamma >= 0.5, b - difference * (1 - gamma), a + difference * gamma)
    out[:, finite == 0] = 0.0
    return out.T.tolist()


def resampled_scores(counts: Counts | np.ndarray, n_resamples: int, seed: int) -> dict[tuple, np.ndarray]:
    """Per key: F1 of every resample (accuracy for realis; NaN for a type absent from a resample),
    and per ("macro", section, metric): macro F1 of every resample."""
    f1_blocks, macro_blocks = [], {}
    realis = KEY_INDEX[REALIS]
    for sums in resampled_sums(counts, n_resamples, seed):
        precision, _, f1 = prf_arrays(sums)
        f1[:, realis] = precision[:, realis]
        f1[(sums.sum(-1) == 0) & _LABELLED] = np.nan
        f1_blocks.append(f1)
        for group, (_, _, macro_f1, _) in macro_arrays(sums).items():
            macro_blocks.setdefault(("macro", *group), []).append(macro_f1)
    f1_all = np.concatenate(f1_blocks) if f1_blocks else np.zeros((0, len(KEYS)))
    out = {key: f1_all[:, i] for i, key in enumerate(KEYS)}
    out.update({k: np.concatenate(v) for k, v in macro_blocks.items()})
    return out


def intervals(counts: Counts | np.ndarray, n_resamples: int, seed: int) -> dict[tuple, list[float]]:
    """95% percentile intervals of F1 for every key and every macro F1 (accuracy for realis)."""
    scores = resampled_scores(counts, n_resamples, seed)
    return dict(zip(scores, _intervals(np.stack(list(scores.values()), axis=1)), strict=True))


def _paired_rows(counts_a: Counts | np.ndarray, counts_b: Counts | np.ndarray) -> tuple[Counts, Counts, _Rows]:
    a, b = (c if isinstance(c, Counts) else Counts.from_dense(c) for c in (counts_a, counts_b))
    if a.n_units != b.n_units:
        raise ValueError(f"paired counts need the same units, got {a.n_units} and {b.n_units}")
    units, columns = np.concatenate([a.units, b.units]), np.concatenate([a.columns, b.columns + WIDTH])
    order = np.lexsort((columns, units))  # each unit's entries together, as `_Rows` expects
    both = _Rows(units[order], columns[order], np.concatenate([a.values, b.values])[order], a.n_units, 2 * WIDTH)
    return a, b, both


def paired_test(counts_a: Counts | np.ndarray, counts_b: Counts | np.ndarray, n_resamples: int, seed: int,
                keys: list[tuple]) -> dict[tuple, dict]:
    """Paired bootstrap (Berg-Kirkpatrick et al. 2012) of B against A on the same units.

    Both systems are resampled with the same draws. For δ = score(B) - score(A) observed on the full
    set, p = share of resamples with δ_b > 2δ (the test of whether the observed sign of δ could be
    chance); δ = 0 gives p = 1. Also reports the 95% interval of δ_b.
    """
    a, b, both = _paired_rows(counts_a, counts_b)
    n_keys = len(KEYS)
    observed_a, observed_b = _point_scores(a.totals()), _point_scores(b.totals())
    deltas: dict[tuple, list[np.ndarray]] = {k: [] for k in keys}
    for sums in _resampled(both, n_resamples, seed, 2 * n_keys):
        scores_a, scores_b = _point_scores(sums[:, :n_keys]), _point_scores(sums[:, n_keys:])
        for k in keys:
            deltas[k].append(scores_b[k] - scores_a[k])
    out = {}
    for k in keys:
        delta = float(observed_b[k] - observed_a[k])
        resampled = np.concatenate(deltas[k]) if deltas[k] else np.zeros(0)
        if delta == 0 or not len(resampled):
            p = 1.0
        else:
            p = float(np.mean(np.sign(delta) * resampled > 2 * abs(delta)))
        out[k] = {"a": float(observed_a[k]), "b": float(observed_b[k]), "delta": delta, "p_value": p,
                  "ci": _intervals(resampled[:, None])[0] if len(resampled) else [delta, delta]}
    return out


def sign_flip_test(counts_a: Counts, counts_b: Counts, keys: list[tuple]) -> dict | None:
    """Exact paired permutation (sign-flip) test over units: every assignment of each unit's two count
    rows to the systems is enumerated, and p = share of assignments with |δ| ≥ the observed |δ|
    (two-sided; the observed assignment is one of them). Units where both rows are equal change
    nothing, so only the m units where the systems differ are flipped. None when m > EXACT_MAX_UNITS."""
    flat = np.concatenate([c.units.astype(np.int64) * WIDTH + c.columns for c in (counts_a, counts_b)])
    cells, where = np.unique(flat, return_inverse=True)
    difference = np.bincount(where, np.concatenate([counts_a.values, -counts_b.values]), len(cells))
    cells, difference = cells[difference != 0], difference[difference != 0]
    units = np.unique(cells // WIDTH)
    m = len(units)
    if m > EXACT_MAX_UNITS:
        return None
    rows = np.zeros((m, WIDTH))  # per differing unit: A's row minus B's
    rows[np.searchsorted(units, cells // WIDTH), cells % WIDTH] = difference
    total_a, total_b = (c.totals().reshape(-1).astype(float) for c in (counts_a, counts_b))
    observed = {k: abs(float(v)) for k, v in _deltas(total_a, total_b, keys).items()}
    extreme = dict.fromkeys(keys, 0)
    for start in range(0, 2**m, 4096):
        codes = np.arange(start, min(2**m, start + 4096))
        shift = ((codes[:, None] >> np.arange(m)) & 1).astype(float) @ rows  # swapping unit u moves its difference
        for k, delta in _deltas(total_a - shift, total_b + shift, keys).items():
            extreme[k] += int(np.sum(np.abs(delta) >= observed[k] - 1e-12))
    return {"units_differing": m, "assignments": 2**m, "p_values": {k: extreme[k] / 2**m for k in keys}}


def _deltas(sums_a: np.ndarray, sums_b: np.ndarray, keys: list[tuple]) -> dict[tuple, np.ndarray]:
    """score(B) - score(A) per key, for flat summed rows (..., WIDTH)."""
    a, b = (_point_scores(x.reshape(*x.shape[:-1], len(KEYS), 4)) for x in (sums_a, sums_b))
    return {k: b[k] - a[k] for k in keys}


def _point_scores(sums: np.ndarray) -> dict[tuple, np.ndarray]:
    """Micro F1 per (section, metric, None) key, macro F1 per ("macro", section, metric), realis accuracy."""
    precision, _, f1 = prf_arrays(sums)
    out = {key: f1[..., i] for i, key in enumerate(KEYS) if key[2] is None}
    out[REALIS] = precision[..., KEY_INDEX[REALIS]]
    out.update({("macro", *group): v[2] for group, v in macro_arrays(sums).items()})
    return out


def metric_name(key: tuple) -> str:
    return (f"{key[1]}.{key[2]}.macro.f1" if key[0] == "macro" else
            "realis.accuracy" if key[0] == "realis" else f"{key[0]}.{key[1]}.micro.f1")


def compare_counts(counts_a: Counts, counts_b: Counts, n_resamples: int, seed: int,
                   rejected: dict | None = None) -> dict:
    """Paired comparison of two systems' counts on the same units: bootstrap and, for few units, the
    exact sign-flip test. `rejected` (what validation left out of each system) is reported with it."""
    keys = list(_point_scores(counts_a.totals()))
    tested = paired_test(counts_a, counts_b, n_resamples, seed, keys)
    exact = sign_flip_test(counts_a, counts_b, keys)
    metrics = {}
    for key, result in tested.items():
        if exact is not None:
            result["exact_p_value"] = exact["p_values"][key]
        metrics[metric_name(key)] = result
    return {"documents": counts_a.documents, "unit": counts_a.unit, "units": counts_a.n_units,
            "resamples": n_resamples, "seed": seed,
            "exact_test": None if exact is None else {k: v for k, v in exact.items() if k != "p_values"},
            "warning": small_sample_warning(counts_a.n_units, counts_a.unit), "metrics": metrics,
            **({} if rejected is None else {"rejected": rejected})}


def compare(gold_docs: list[dict], a_by_id: dict[str, dict], b_by_id: dict[str, dict], n_resamples: int,
            seed: int, unit: str = "document", rejected: dict | None = None) -> dict:
    """Paired comparison of two systems' valid predictions on the same gold documents."""
    return compare_counts(count(gold_docs, a_by_id, unit), count(gold_docs, b_by_id, unit), n_resamples, seed,
                          rejected)
