"""The run fixtures: a one-document gold file, the recorded command submission, and the bubblewrap skip mark."""

from __future__ import annotations

import shutil

import pytest

from gaiko.documents import validate_document
from gaiko.eval.run import PROJECT_ROOT

needs_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None,
                                 reason="bubblewrap is not installed (apt-get install -y bubblewrap)")

SUBMISSION = PROJECT_ROOT / "submissions" / "lexicon-command"
TEXT = "ロシアのプーチン大統領は2024年6月19日に平壌を訪問した。\n\n金正恩総書記と会談した。"
MENTIONS = (("ロシア", "GPE", "russia"), ("プーチン", "PERSON", "vladimir_putin"), ("大統領", "TITLE", None),
            ("2024年6月19日", "DATE", None), ("平壌", "GPE", "pyongyang"), ("金正恩", "PERSON", "kim_jong_un"),
            ("総書記", "TITLE", None))


def gold_document() -> dict:
    entities = [{"id": f"m{i}", "start": TEXT.index(s), "end": TEXT.index(s) + len(s), "label": label, "text": s,
                 "entity_id": eid} for i, (s, label, eid) in enumerate(MENTIONS, start=1)]
    t = TEXT.index("訪問")
    doc = {"id": "doc-a", "title": TEXT.split("\n")[0], "text": TEXT, "entities": entities,
           "events": [{"id": "e1", "type": "CONSULT", "realis": "ACTUAL", "trigger": {"start": t, "end": t + 2,
                       "text": "訪問"}, "arguments": [{"role": "actor", "mention_id": "m2"}]}]}
    assert validate_document(doc) == []
    return doc
