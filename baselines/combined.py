"""The combined system: the character CRF with the rules' and the training gazetteer's tags as features.

Stacking lets the CRF learn from the training split when to trust each source (rules are reliable
for dates, times, quantities and titles; memorized surfaces for the names that recur across
articles) instead of a fixed priority between them. Rule mentions then fill the gaps the CRF leaves: types
that are rare in training (TIME, EVENT) are learned too weakly to follow the hint. The gazetteer tags of each training document
come from a gazetteer of the other training documents, so the CRF sees memorization as it behaves
on unseen text.
"""

from __future__ import annotations

from gaiko.baselines.crf import CharCRF


def combined() -> CharCRF:
    return CharCRF("combined", hints=("rules", "gazetteer"), rule_backoff=True)
