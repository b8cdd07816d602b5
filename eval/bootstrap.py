"""Document-level (cluster) bootstrap over per-document count rows, vectorized.

A resample draws whole documents with replacement; its counts are the multiplicity-weighted sum of
the documents' count rows, so all resamples of a block cost one matrix product. Scores are then
recomputed from the summed counts (never averaged over documents). Seeded with numpy's Generator:
the same counts, resample count and seed always give the same intervals.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from gaiko.eval.metrics import KEY_INDEX, KEYS, macro_arrays, prf_arrays

CONFIDENCE = 0.95
_BLOCK = 200  # resamples per matrix product: bounds memory at BLOCK × documents weights
_LABELLED = np.array([key[2] is not None for key in KEYS])


def _distinct_rows(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows and, per document, the index of its row (hashing rows beats sorting them)."""
    index: dict[bytes, int] = {}
    pool = np.fromiter((index.setdefault(row.tobytes(), len(index)) for row in counts), np.int64, len(counts))
    return counts[np.unique(pool, return_index=True)[1]], pool


def resampled_sums(counts: np.ndarray, n_resamples: int, seed: int) -> Iterator[np.ndarray]:
    """Blocks of resampled count sums shaped (block, KEYS, 4) from counts shaped (documents, KEYS, 4).

    Only how often each distinct count row is drawn matters, so documents with equal rows are pooled
    and the pools' weights multiply a sparse matrix of their rows (count rows are mostly zeros). The
    sums are of integers, so they are exactly those of adding up the drawn documents.
    """
    from scipy.sparse import csr_matrix

    n_docs = counts.shape[0]
    rng = np.random.default_rng(seed)
    flat = counts.reshape(n_docs, -1)
    rows, pool = _distinct_rows(flat)
    rows_t = csr_matrix(rows.T.astype(float))  # columns × pools
    for start in range(0, n_resamples, _BLOCK):
        block = min(_BLOCK, n_resamples - start)
        # int32 draws are the same numbers as the default int64 ones, written faster
        picks = rng.integers(0, n_docs, size=(block, n_docs), dtype=np.int32) if n_docs else np.zeros((block, 0), int)
        cells = pool[picks]  # resample r's draw of pool k counts in cell r·pools + k
        cells += np.arange(0, block * len(rows), len(rows), dtype=pool.dtype)[:, None]
        weights = np.bincount(cells.ravel(), minlength=block * len(rows)).reshape(block, len(rows)).astype(float)
        yield np.asarray(rows_t @ weights.T).T.reshape(block, *counts.shape[1:])


def _interval(values: np.ndarray) -> list[float]:
    """Percentile interval of resampled scores; NaN (score undefined in a resample) is left out."""
    tail = (1 - CONFIDENCE) / 2 * 100
    finite = values[~np.isnan(values)]
    if not len(finite):
        return [0.0, 0.0]
    low, high = np.percentile(finite, [tail, 100 - tail])
    return [float(low), float(high)]


def resampled_scores(counts: np.ndarray, n_resamples: int, seed: int) -> dict[tuple, np.ndarray]:
    """Per key: F1 of every resample (accuracy for realis; NaN for a type absent from a resample),
    and per ("macro", section, metric): macro F1 of every resample."""
    f1_blocks, macro_blocks = [], {}
    realis = KEY_INDEX[("realis", "accuracy", None)]
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


def intervals(counts: np.ndarray, n_resamples: int, seed: int) -> dict[tuple, list[float]]:
    """95% percentile intervals of F1 for every key and every macro F1 (accuracy for realis)."""
    return {key: _interval(values) for key, values in resampled_scores(counts, n_resamples, seed).items()}


def paired_test(counts_a: np.ndarray, counts_b: np.ndarray, n_resamples: int, seed: int,
                keys: list[tuple]) -> dict[tuple, dict]:
    """Paired bootstrap (Berg-Kirkpatrick et al. 2012) of B against A on the same documents.

    Both systems are resampled with the same document draws. For δ = score(B) - score(A) observed
    on the full set, p = share of resamples with δ_b > 2δ (the test of whether the observed sign
    of δ could be chance); δ = 0 gives p = 1. Also reports the 95% interval of δ_b.
    """
    both = np.concatenate([counts_a, counts_b], axis=1)  # documents × 2·KEYS × 4: one draw for both
    n_keys = len(KEYS)
    observed_a, observed_b = _point_scores(counts_a.sum(0)), _point_scores(counts_b.sum(0))
    deltas: dict[tuple, list[np.ndarray]] = {k: [] for k in keys}
    for sums in resampled_sums(both, n_resamples, seed):
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
                  "ci": _interval(resampled) if len(resampled) else [delta, delta]}
    return out


def _point_scores(sums: np.ndarray) -> dict[tuple, np.ndarray]:
    """Micro F1 per (section, metric, None) key, macro F1 per ("macro", section, metric), realis accuracy."""
    precision, _, f1 = prf_arrays(sums)
    out = {key: f1[..., i] for i, key in enumerate(KEYS) if key[2] is None}
    out[("realis", "accuracy", None)] = precision[..., KEY_INDEX[("realis", "accuracy", None)]]
    out.update({("macro", *group): v[2] for group, v in macro_arrays(sums).items()})
    return out


def compare(gold_docs: list[dict], a_by_id: dict[str, dict], b_by_id: dict[str, dict], n_resamples: int,
            seed: int) -> dict:
    """Paired comparison of two systems' valid predictions on the same gold documents."""
    from gaiko.eval.metrics import count_documents

    counts_a, counts_b = (count_documents(gold_docs, by_id)[0] for by_id in (a_by_id, b_by_id))
    keys = [key for key in _point_scores(counts_a.sum(0))]
    tested = paired_test(counts_a, counts_b, n_resamples, seed, keys)
    metrics = {(f"{k[1]}.{k[2]}.macro.f1" if k[0] == "macro" else
                "realis.accuracy" if k[0] == "realis" else f"{k[0]}.{k[1]}.micro.f1"): v for k, v in tested.items()}
    return {"documents": len(gold_docs), "resamples": n_resamples, "seed": seed, "metrics": metrics}
