"""Hand-written rules: temporal and numeric expressions, lexicons, name-before-title patterns, trigger words.

Every rule is a row of a table: (label, regular expression). The mention is the named group `m` when
the expression has one (context that must be there but is not part of the mention), else the whole
match. All rules run over the whole text; overlapping candidates are resolved longest first, then by
table order. Boundaries follow the annotation guidelines (頃 and ぶり inside, 約 and 同 outside;
19日未明 → DATE + TIME; プーチン|大統領 → PERSON + TITLE; 露朝 → GPE + GPE).

The lexicons hold general domain knowledge (countries, capitals, well-known leaders, common titles,
international organizations, the usual Japanese words for PLOVER actions), not surfaces learned from
the gold; `gazetteer` is the system that memorizes the training split.
"""

from __future__ import annotations

import re

from gaiko.baselines.common import Span, entity_records, flatten


def alternation(words) -> str:
    """Longest first, so that the regex engine prefers 第一副首相 over 副首相."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


KANJI = r"\u3400-\u4dbf\u4e00-\u9fff々"
KATAKANA = r"\u30a1-\u30faー\u30fc-\u30ff"
DIGITS = r"[0-9０-９]+"
NUMBER = rf"(?:{DIGITS}(?:[.,．][0-9０-９]+)?|[〇一二三四五六七八九十百千]+|数[十百千]?|何)"
WEEKDAY = r"[月火水木金土日]曜日?"

GPE_WORDS = (
    "ロシア", "ロシア連邦", "北朝鮮", "朝鮮民主主義人民共和国", "韓国", "大韓民国", "米国", "アメリカ", "アメリカ合衆国",
    "日本", "中国", "中華人民共和国", "台湾", "ウクライナ", "ベラルーシ", "イラン", "イスラエル", "シリア", "ベトナム",
    "インド", "英国", "イギリス", "フランス", "ドイツ", "イタリア", "カナダ", "モンゴル", "トルコ", "ソ連", "ソビエト連邦",
    "平壌", "ピョンヤン", "モスクワ", "ソウル", "ワシントン", "東京", "北京", "キーウ", "キエフ", "ウラジオストク",
    "ハバロフスク", "サンクトペテルブルク", "ミンスク", "テヘラン", "ハノイ", "ウランバートル",
)
# One-character abbreviations; a GPE only next to another one (露朝, 日米韓) or before a body (露外務省).
GPE_ABBREVIATIONS = "露ロ朝米韓日中英仏独"
LOC_WORDS = (
    "朝鮮半島", "東北アジア", "北東アジア", "東アジア", "中央アジア", "アジア", "欧州", "ヨーロッパ", "極東", "ロシア極東",
    "中東", "ユーラシア", "シベリア", "太平洋", "インド太平洋", "日本海", "黄海", "東シナ海", "南シナ海", "北極",
)
ORG_WORDS = (
    "国連", "国際連合", "国連安全保障理事会", "国連安保理", "安全保障理事会", "安保理", "国連総会", "北大西洋条約機構",
    "NATO", "EU", "欧州連合", "IAEA", "国際原子力機関", "ASEAN", "BRICS", "G7", "G20", "上海協力機構",
    "朝鮮労働党", "朝鮮中央通信", "KCNA", "朝鮮人民軍", "労働新聞", "タス通信", "タス", "ロイター", "ロイター通信",
    "AP通信", "スプートニク", "聯合ニュース", "新華社", "共同通信", "ホワイトハウス",
)
ORG_BODIES = (
    "外務省", "国防省", "国防総省", "国務省", "大統領府", "政府", "軍", "大使館", "議会", "外務部", "国防部", "統一部",
    "科学アカデミー", "中央銀行", "安全保障会議", "連邦保安庁", "国家情報院",
)
PEOPLE = (
    "プーチン", "金正恩", "金与正", "習近平", "バイデン", "トランプ", "ゼレンスキー", "尹錫悦", "ラブロフ", "ショイグ",
    "ペスコフ", "崔善姫", "ブリンケン", "ルカシェンコ",
)
SURNAMES = "金崔李朴尹文習王張鄭趙黄劉楊呉"  # one-kanji family names that head a name before a title
TITLES = (
    "大統領", "副大統領", "首相", "副首相", "第一副首相", "外相", "外務大臣", "外務相", "国防相", "国防大臣", "大臣",
    "長官", "国務長官", "国防長官", "官房長官", "総書記", "書記", "国務委員長", "委員長", "副委員長", "報道官",
    "外交顧問", "外交政策顧問", "補佐官", "顧問", "大使", "特使", "知事", "市長",
    "国家主席", "主席", "事務総長", "議長", "最高指導者", "主任研究員", "研究員", "教授", "所長", "司令官",
    "総司令官", "参謀総長", "次官", "外務次官", "国王", "首長", "議員", "首席",
)
RESEARCH_HEADS = ("研究所", "研究センター", "研究院", "大学")
FACILITY_HEADS = ("国際空港", "空港", "宮殿", "迎賓館", "宇宙基地", "基地", "宇宙センター", "広場")
NAMED_EVENTS = ("冷戦", "特別軍事作戦", "第二次世界大戦", "第1次世界大戦", "第一次世界大戦", "朝鮮戦争",
                "大祖国戦争", "民族統一の日", "戦勝記念日")

_TITLE = alternation(TITLES)
_GPE = alternation(GPE_WORDS)
_KATA_NAME = rf"[{KATAKANA}]{{2,}}(?:[・=＝][{KATAKANA}]{{2,}})*"
_HONORIFIC = r"(?:氏|さん|同志)"

# (label, pattern). Table order breaks ties between candidates of equal length.
ENTITY_RULES: tuple[tuple[str, str], ...] = (
    ("DATE", rf"{NUMBER}年(?:{DIGITS}月(?:{DIGITS}(?:[~∼〜～]{DIGITS})?日)?)?(?:{WEEKDAY})?(?!間)"),
    ("DATE", rf"{NUMBER}年ぶり|{NUMBER}年代|{NUMBER}年間|{NUMBER}[カヶか]月間?|{NUMBER}週間"),
    ("DATE", rf"(?:{DIGITS}月)?{DIGITS}(?:[~∼〜～・]{DIGITS})?日(?:{WEEKDAY})?(?![本中])"),
    ("DATE", rf"{DIGITS}月(?:末|初め|初旬|上旬|中旬|下旬)?"),
    ("DATE", rf"(?:先|今|来|前|翌|同)(?:月|年|週)(?:{DIGITS}日|末|初め)?|(?:一昨|昨|近)年|ここ数年"),
    ("DATE", rf"(?<![{KANJI}])(?:同|この|前|翌|当|今|昨|その|本)日|{WEEKDAY}"),
    ("TIME", rf"(?:午前|午後)?{DIGITS}時(?:{DIGITS}分|半)?(?:頃|ごろ)?"),
    ("TIME", rf"{NUMBER}時間(?:半)?|{DIGITS}分間?|数分間?|{DIGITS}秒間?"),
    ("TIME", r"未明|早朝|深夜|夕方|今朝|今夜|昨夜|正午|明け方|午前|午後"),
    ("QUANTITY", rf"{NUMBER}(?:名|人|つ|件|回|度目|度|カ国|か国|ヶ国|発|隻|基|倍|番目|項目|歳|社|人目)"),
    ("QUANTITY", rf"{NUMBER}(?:億|万|千)?(?:ドル|円|ウォン|ルーブル|トン)|{NUMBER}(?:%|％|パーセント)"),
    ("ORG", rf"(?:{_GPE}|(?<![{KANJI}])[{GPE_ABBREVIATIONS}])(?:{alternation(ORG_BODIES)})(?!事)"),
    ("ORG", alternation(ORG_WORDS)),
    ("ORG", rf"(?:[{KATAKANA}]{{2,}}|[A-Z]{{2,}})通信(?!社)"),
    ("ORG", r"クレムリン(?!で|に|内|宮)"),
    ("FAC", r"クレムリン(?=で|に|内|宮)"),
    ("ORG", rf"[{KANJI}{KATAKANA}]+?(?:{alternation(RESEARCH_HEADS)})"),
    ("FAC", rf"[{KANJI}{KATAKANA}]+?(?<!国際)(?:{alternation(FACILITY_HEADS)})"),
    ("GPE", _GPE),
    ("GPE", rf"[{KATAKANA}]{{2,}}(?:共和国|州)"),
    ("GPE", rf"(?<![{KANJI}])[{GPE_ABBREVIATIONS}](?=[{GPE_ABBREVIATIONS}](?![{KATAKANA}]))"),
    ("GPE", rf"(?<=[{GPE_ABBREVIATIONS}])(?<![{KANJI}][{GPE_ABBREVIATIONS}])[{GPE_ABBREVIATIONS}](?![{KATAKANA}])"),
    ("GPE", rf"(?<![{KANJI}0-9０-９])(?P<m>[{GPE_ABBREVIATIONS}])(?:{_TITLE})"),
    ("LOC", alternation(LOC_WORDS)),
    ("EVENT", alternation(NAMED_EVENTS) + rf"|(?:{_GPE})大統領選(?:挙)?"),
    ("LAW", rf"[「『](?P<m>[^「」『』]{{2,40}}?(?:条約|協定|決議|憲章|宣言|法))[」』]"),
    ("PRODUCT", r"[A-Z][A-Za-z]{0,3}-[0-9]+"),
    ("TITLE", rf"(?:{_TITLE})(?![府選官室館])"),
    ("PERSON", alternation(PEOPLE)),
    ("PERSON", rf"(?P<m>{_KATA_NAME})(?={_TITLE}|{_HONORIFIC})"),
    ("PERSON", rf"(?:{_TITLE})(?P<m>{_KATA_NAME})"),
    ("PERSON", rf"[{KATAKANA}]{{2,}}[・＝][{KATAKANA}]{{2,}}(?:[・＝][{KATAKANA}]{{2,}})*"),
    ("PERSON", rf"(?<![{KANJI}])(?P<m>[{SURNAMES}][{KANJI}]{{0,2}}?)(?={_TITLE}|{_HONORIFIC})"),
)
_COMPILED = tuple((label, re.compile(pattern)) for label, pattern in ENTITY_RULES)
# Surfaces a name pattern may match that are places or organizations, never people.
NOT_PEOPLE = frozenset(GPE_WORDS) | frozenset(LOC_WORDS) | frozenset(ORG_WORDS)


def rule_candidates(text: str) -> list[tuple[int, int, str, int]]:
    """Every (start, end, label, rule index) any rule proposes, overlaps included."""
    found = []
    for rank, (label, regex) in enumerate(_COMPILED):
        group = "m" if "m" in regex.groupindex else 0
        for match in regex.finditer(text):
            start, end = match.span(group)
            if label == "PERSON" and (text[start:end] in NOT_PEOPLE or
                                      any(part in NOT_PEOPLE for part in re.split("[・＝]", text[start:end]))):
                continue
            found.append((start, end, label, rank))
    return found


def rule_spans(text: str) -> list[Span]:
    return flatten(rule_candidates(text))


# Trigger words per PLOVER type: the usual Japanese nouns and verb stems for each kind of action.
TRIGGERS: dict[str, tuple[str, ...]] = {
    "CONSULT": ("会談", "首脳会談", "外相会談", "電話会談", "会見", "訪問", "訪朝", "訪露", "訪中", "訪米", "訪日",
                "訪韓", "接見", "面会", "協議", "会合", "対面", "迎えた", "出迎え", "話し合", "議論"),
    "AGREE": ("合意", "一致", "約束", "確約"),
    "SUPPORT": ("署名", "支持", "歓迎", "感謝", "謝意", "称え", "評価", "締結", "連帯", "承認"),
    "COOPERATE": ("協力", "連携", "交流", "協調"),
    "AID": ("支援", "提供", "供給", "援助", "供与", "輸出", "移転", "贈り", "贈呈"),
    "MOBILIZE": ("派兵", "演習", "派遣", "配備"),
    "ASSAULT": ("侵攻", "侵略", "攻撃", "戦争", "撃退", "爆撃", "空爆"),
    "SANCTION": ("制裁", "禁輸", "断交"),
    "REJECT": ("否定", "反対", "阻止", "拒否権", "拒否", "抵抗", "拒絶"),
    "ACCUSE": ("非難", "批判", "糾弾"),
    "THREATEN": ("脅し", "脅迫", "警告", "威嚇"),
    "REQUEST": ("要請", "要求", "求め", "招待", "勧め", "促し", "呼びかけ"),
    "CONCEDE": ("謝罪", "釈放", "解除", "譲歩"),
    "RETREAT": ("撤退", "撤収"),
    "PROTEST": ("抗議", "デモ"),
    "COERCE": ("逮捕", "拘束", "追放", "拘留"),
}
TRIGGER_TYPE: dict[str, str] = {word: etype for etype, words in TRIGGERS.items() for word in words}
TRIGGER_REGEX = re.compile(alternation(TRIGGER_TYPE))


class RuleSystem:
    """Rules for mentions, the trigger lexicon for events (realis cues and case-particle arguments)."""

    name = "rules"
    trainable = False
    predicts_events = True

    def fit(self, documents: list[dict]) -> RuleSystem:
        return self

    def extract(self, documents: list[dict]) -> list[dict]:
        from gaiko.baselines.events import lexicon_events

        out = []
        for doc in documents:
            spans = rule_spans(doc["text"])
            out.append({"id": doc["id"], "entities": entity_records(spans),
                        "events": lexicon_events(doc["text"], spans)})
        return out
