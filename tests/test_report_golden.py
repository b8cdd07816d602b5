"""Reports, tables, CLI printouts, CI gate summaries and the leaderboard of fixed inputs are byte for
byte what tests/data/golden/ holds (see tests/golden_reports.py)."""

from __future__ import annotations

import pytest

import golden_reports


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    return golden_reports.outputs()


def expected_names() -> list[str]:
    return sorted(p.name for p in golden_reports.GOLDEN.iterdir() if p.name not in golden_reports.LEADERBOARD)


@pytest.mark.parametrize("name", expected_names())
def test_output_is_unchanged(outputs, name):
    assert outputs[name] == (golden_reports.GOLDEN / name).read_text(encoding="utf-8")


def test_every_output_is_pinned(outputs):
    assert sorted(outputs) == expected_names()


@pytest.mark.models
def test_leaderboard_is_unchanged():
    for name, text in golden_reports.leaderboard_outputs().items():
        assert text == (golden_reports.GOLDEN / name).read_text(encoding="utf-8"), name
