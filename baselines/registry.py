"""Every system of the leaderboard by name: a factory returning an object with fit(train) and extract(docs)."""

from __future__ import annotations

from collections.abc import Callable

from gaiko.io import GaikoError


def _gazetteer():
    from gaiko.baselines.gazetteer import Gazetteer

    return Gazetteer()


def _rules():
    from gaiko.baselines.rules import RuleSystem

    return RuleSystem()


def _crf():
    from gaiko.baselines.crf import CharCRF

    return CharCRF()


def _ginza():
    from gaiko.baselines.ginza import GinzaNER

    return GinzaNER()


SYSTEMS: dict[str, Callable] = {
    "gazetteer": _gazetteer,
    "rules": _rules,
    "crf": _crf,
    "ginza": _ginza,
}
# The third-party reference the goal is stated against.
REFERENCE_SYSTEM = "ginza"


def create(name: str):
    if name not in SYSTEMS:
        raise GaikoError(f"unknown system {name!r} (known: {', '.join(SYSTEMS)})")
    return SYSTEMS[name]()


def parse_names(spec: str | None) -> list[str]:
    """A comma-separated list of systems (all when None), each checked."""
    names = list(SYSTEMS) if not spec else [n.strip() for n in spec.split(",") if n.strip()]
    for name in names:
        if name not in SYSTEMS:
            raise GaikoError(f"unknown system {name!r} (known: {', '.join(SYSTEMS)})")
    return names
