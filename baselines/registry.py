"""Every system of the leaderboard by name: a factory returning an object with fit(train) and extract(docs)."""

from __future__ import annotations

from collections.abc import Callable

from gaiko.baselines.crf import CharCRF
from gaiko.baselines.gazetteer import Gazetteer
from gaiko.baselines.ginza import GinzaNER
from gaiko.baselines.rules import RuleSystem
from gaiko.io import GaikoError

# Each system's class; its third-party libraries (sklearn-crfsuite, GiNZA) are imported when it is used.
SYSTEMS: dict[str, Callable] = {
    "gazetteer": Gazetteer,
    "rules": RuleSystem,
    "crf": CharCRF,
    "ginza": GinzaNER,
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
