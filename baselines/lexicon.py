"""The trigger lexicon: the usual Japanese words for each PLOVER action, shared by the rule and event systems.

General domain knowledge, not surfaces learned from the gold (audited with the other word lists of
`gaiko.baselines.rules`).
"""

from __future__ import annotations

import re


def alternation(words) -> str:
    """Longest first, so that the regex engine prefers 第一副首相 over 副首相."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


# Trigger words per PLOVER type: the usual Japanese nouns and verb stems for each kind of action.
TRIGGERS: dict[str, tuple[str, ...]] = {
    "CONSULT": ("会談", "首脳会談", "外相会談", "電話会談", "会見", "訪問", "訪朝", "訪露", "訪中", "訪米", "訪日",
                "訪韓", "接見", "面会", "協議", "会合", "対面", "出迎え", "迎え", "話し合わ", "話し合い", "話し合っ", "議論", "訪れ", "到着", "会い", "会っ", "出会い",
                "対話", "同席", "同行", "案内", "交渉", "首脳会議"),
    "AGREE": ("合意", "一致", "約束", "確約", "同意"),
    "SUPPORT": ("署名", "支持", "歓迎", "感謝", "謝意", "称え", "たたえ", "称賛", "評価", "締結", "連帯", "承認", "批准",
                "賛成", "祝賀"),
    "COOPERATE": ("協力", "連携", "交流", "協調"),
    "AID": ("支援", "提供", "供給", "援助", "供与", "輸出", "移転", "贈り", "贈呈"),
    "MOBILIZE": ("派兵", "演習", "派遣", "配備", "発射", "実験", "増強", "動員"),
    "ASSAULT": ("侵攻", "侵略", "攻撃", "戦争", "撃退", "爆撃", "空爆", "砲撃", "戦闘", "射撃"),
    "SANCTION": ("制裁", "禁輸", "断交"),
    "REJECT": ("否定", "反対", "阻止", "拒否権", "拒否", "抵抗", "拒絶", "否決"),
    "ACCUSE": ("非難", "批判", "糾弾", "懸念", "抗議"),
    "THREATEN": ("脅し", "脅迫", "警告", "威嚇"),
    "REQUEST": ("要請", "要求", "求め", "招待", "勧め", "促し", "呼びかけ", "訴え", "要望"),
    "CONCEDE": ("謝罪", "釈放", "解除", "譲歩"),
    "RETREAT": ("撤退", "撤収"),
    "PROTEST": ("デモ", "集会"),
    "COERCE": ("逮捕", "拘束", "追放", "拘留"),
}
TRIGGER_TYPE: dict[str, str] = {word: etype for etype, words in TRIGGERS.items() for word in words}
TRIGGER_REGEX = re.compile(alternation(TRIGGER_TYPE))
