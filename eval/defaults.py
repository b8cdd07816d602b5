"""Defaults and ranges of the evaluation's settings, shared by the library and the command line."""

from __future__ import annotations

DEFAULT_SPLIT = "test"  # the held-out split scored when no gold file is given
MAX_RESAMPLES = 100_000  # enough for any interval; more only costs memory and time
MAX_SEED = 2**32 - 1
DEFAULT_SEED = 0
SCORE_RESAMPLES = 0  # `gaiko score` and `gaiko run`: intervals only when asked
COMPARE_RESAMPLES = 1000  # `gaiko compare` needs resamples for its paired test
LEADERBOARD_RESAMPLES = 1000
RESAMPLE_UNITS = ("document", "paragraph", "sentence")
DEFAULT_RESAMPLE_UNIT = "document"
