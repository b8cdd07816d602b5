"""Hand-written rules: temporal and numeric expressions, lexicons, name-before-title patterns, trigger words.

Every rule is a row of a table: (label, regular expression). The mention is the named group `m` when
the expression has one (context that must be there but is not part of the mention), else the whole
match. All rules run over the whole text; overlapping candidates are resolved longest first, then by
table order. Boundaries follow the annotation guidelines (頃 and ぶり inside, 約 and 同 outside;
19日未明 → DATE + TIME; プーチン|大統領 → PERSON + TITLE; 露朝 → GPE + GPE).

The lexicons hold general domain knowledge (countries, capitals, well-known leaders, common titles,
international organizations, the usual Japanese words for PLOVER actions: `TRIGGERS`, kept with the event
machinery in `gaiko.baselines.events`), not surfaces learned from the gold; `gazetteer` is the system that
memorizes the training split.
"""

from __future__ import annotations

import re

from gaiko.baselines.common import Span, alternation, entity_records, flatten
from gaiko.baselines.events import TRIGGERS, lexicon_events

KANJI = r"\u3400-\u4dbf\u4e00-\u9fff々"
KATAKANA = r"\u30a1-\u30faー\u30fc-\u30ff"
DIGITS = r"[0-9０-９]+"
_KANJI_DIGITS = "[〇一二三四五六七八九十百千]+"
# 1万2000, 90億, 3千, 2.5: digits or kanji numerals, with 兆/億/万/千 groups.
NUMBER = (rf"(?:(?:{DIGITS}(?:[.,．][0-9０-９]+)?|{_KANJI_DIGITS})(?:[兆億万千](?:{DIGITS}|{_KANJI_DIGITS})?)*"
          rf"|数[十百千万]?|何)")
WEEKDAY = r"[月火水木金土日]曜日?"
PART_OF_PERIOD = r"(?:末|初め|初頭|初旬|上旬|中旬|下旬|半ば|前半|後半|春|夏|秋|冬)"

GPE_WORDS = (
    "ロシア", "ロシア連邦", "北朝鮮", "朝鮮民主主義人民共和国", "韓国", "大韓民国", "米国", "アメリカ", "アメリカ合衆国",
    "日本", "中国", "中華人民共和国", "台湾", "ウクライナ", "ベラルーシ", "イラン", "イスラエル", "シリア", "ベトナム",
    "インド", "英国", "イギリス", "フランス", "ドイツ", "イタリア", "カナダ", "モンゴル", "トルコ", "ソ連", "ソビエト連邦",
    "平壌", "ピョンヤン", "モスクワ", "ソウル", "ワシントン", "東京", "北京", "キーウ", "キエフ", "ウラジオストク",
    "ハバロフスク", "サンクトペテルブルク", "ミンスク", "テヘラン", "ハノイ", "ウランバートル",
    # more countries and capitals
    "オーストラリア", "フィリピン", "インドネシア", "マレーシア", "シンガポール", "ミャンマー", "カンボジア",
    "ラオス", "パキスタン", "アフガニスタン", "イラク", "サウジアラビア", "エジプト", "キューバ", "ベネズエラ",
    "ブラジル", "メキシコ", "ポーランド", "フィンランド", "スウェーデン", "ノルウェー", "オランダ", "ベルギー", "スイス",
    "オーストリア", "スペイン", "ギリシャ", "ハンガリー", "チェコ", "ルーマニア", "ジョージア", "アルメニア",
    "アゼルバイジャン", "カザフスタン", "ウズベキスタン", "キルギス", "タジキスタン", "トルクメニスタン", "モルドバ",
    "ラトビア", "リトアニア", "エストニア", "南アフリカ", "ニュージーランド",
    "ベルリン", "パリ", "ロンドン", "ローマ", "ワルシャワ", "ヘルシンキ", "ストックホルム", "ブリュッセル", "ウィーン",
    "ジュネーブ", "ニューヨーク", "カイロ", "アンカラ", "ニューデリー", "バンコク", "ジャカルタ", "マニラ", "キャンベラ",
    "オタワ", "ハバナ", "アスタナ", "タシケント", "トビリシ", "エレバン", "バクー", "台北", "香港", "上海", "大阪",
    # the largest cities of the region (North Korea, South Korea, Russia, China near the border, Ukraine)
    "咸興", "清津", "南浦", "元山", "新義州", "開城", "羅先", "羅津", "釜山", "仁川", "大邱", "光州", "大田",
    "ノボシビルスク", "エカテリンブルク", "カザン", "ソチ", "ユジノサハリンスク", "ヤクーツク", "イルクーツク",
    "ウランウデ", "ブラゴベシチェンスク", "ナホトカ", "ハサン", "カリーニングラード", "ベルゴロド", "クルスク",
    "瀋陽", "丹東", "大連", "ハルビン", "ハルキウ", "ハリコフ", "オデーサ", "オデッサ", "リビウ", "ドネツク", "ルハンスク",
    "ザポリージャ", "ヘルソン", "マリウポリ", "クリミア", "沿海地方",
)
# One-character abbreviations; a GPE only next to another one (露朝, 日米韓) or before a body (露外務省).
GPE_ABBREVIATIONS = "露ロ朝米韓日中英仏独"
LOC_WORDS = (
    "朝鮮半島", "東北アジア", "北東アジア", "東アジア", "中央アジア", "アジア", "欧州", "ヨーロッパ", "極東", "ロシア極東",
    "中東", "ユーラシア", "シベリア", "太平洋", "インド太平洋", "日本海", "黄海", "東シナ海", "南シナ海", "北極",
    "鴨緑江", "豆満江", "図們江", "アムール川", "サハリン", "カムチャツカ", "千島列島", "北方領土", "バルト海", "黒海",
)
ORG_WORDS = (
    "国連", "国際連合", "国連安全保障理事会", "国連安保理", "安全保障理事会", "安保理", "国連総会", "北大西洋条約機構",
    "NATO", "EU", "欧州連合", "IAEA", "国際原子力機関", "ASEAN", "BRICS", "G7", "G20", "上海協力機構",
    "朝鮮労働党", "朝鮮中央通信", "KCNA", "朝鮮人民軍", "労働新聞", "タス通信", "タス", "ロイター", "ロイター通信",
    "AP通信", "スプートニク", "聯合ニュース", "新華社", "共同通信", "ホワイトハウス",
    "時事通信", "AFP通信", "NHK", "朝日新聞", "読売新聞", "毎日新聞", "日本経済新聞", "産経新聞", "朝鮮中央テレビ",
    "ノーボスチ通信", "インタファクス通信", "国際刑事裁判所", "世界保健機関", "WHO", "世界食糧計画", "国連人権理事会",
    "独立国家共同体", "欧州安全保障協力機構", "OSCE", "APEC", "集団安全保障条約機構", "最高人民会議", "国務委員会",
    "自衛隊", "在韓米軍", "在日米軍", "国連軍", "国家保衛省", "人民武力省", "朝鮮人民軍", "国情院",
)
# Bodies that are named on their own (the country is understood): 外務省 alone is an ORG, 政府 alone is not.
NAMED_BODIES = ("外務省", "国防省", "国防総省", "国務省", "大統領府", "国家情報院", "統一部", "外交部", "国防部",
                "財務省", "商務省", "防衛省", "連邦保安庁", "安全保障会議")
# Wire services in a dateline: 【北京共同】, 【モスクワ＝タス】.
DATELINE_AGENCIES = ("共同", "時事", "ロイター", "AP", "AFP", "タス", "新華社", "聯合", "聯合ニュース", "ノーボスチ")
ORG_BODIES = (
    "外務省", "国防省", "国防総省", "国務省", "大統領府", "政府", "軍", "大使館", "議会", "外務部", "国防部", "統一部",
    "科学アカデミー", "中央銀行", "安全保障会議", "連邦保安庁", "国家情報院",
    "下院", "上院", "国会", "海軍", "陸軍", "空軍", "財務省", "防衛省", "商務省",
)
PEOPLE = (
    "プーチン", "金正恩", "金与正", "習近平", "バイデン", "トランプ", "ゼレンスキー", "尹錫悦", "ラブロフ", "ショイグ",
    "ペスコフ", "崔善姫", "ブリンケン", "ルカシェンコ",
)
SURNAMES = "金崔李朴尹文習王張鄭趙黄劉楊呉"  # one-kanji family names that head a name before a title
TITLES = (
    "大統領", "副大統領", "首相", "副首相", "第一副首相", "外相", "外務大臣", "外務相", "国防相", "国防大臣", "大臣",
    "長官", "国務長官", "国防長官", "官房長官", "総書記", "書記", "国務委員長", "委員長", "副委員長", "報道官",
    "外交顧問", "補佐官", "顧問", "大使", "特使", "知事", "市長",
    "国家主席", "主席", "事務総長", "議長", "最高指導者", "主任研究員", "研究員", "教授", "所長", "司令官",
    "総司令官", "参謀総長", "次官", "外務次官", "国王", "首長", "議員", "首席",
    "大統領報道官", "副外相", "外務次官", "外交部長", "国防部長", "統一相", "国防長官", "首席補佐官", "特別代表",
    "総理", "総理大臣", "国務総理", "副部長", "部長", "下院議長", "上院議長", "副議長", "元帥", "最高司令官", "総参謀長",
    "次席大使", "政治局員", "党書記", "防衛相", "財務相", "経済相",
)
RESEARCH_HEADS = ("研究所", "研究センター", "研究院", "大学")
FACILITY_HEADS = ("国際空港", "空港", "宮殿", "迎賓館", "宇宙基地", "基地", "宇宙センター", "広場")
NAMED_EVENTS = ("冷戦", "特別軍事作戦", "第二次世界大戦", "第1次世界大戦", "第一次世界大戦", "朝鮮戦争",
                "大祖国戦争", "民族統一の日", "戦勝記念日")

_TITLE = alternation(TITLES)
NOT_NAME_START = "同両前元現新旧副各諸全本当同"  # 同国外相, 両国首脳: a prefix, not a name
NOT_NAME_END = "国省府党軍院部会庁局団界側州県市"  # 韓国外相, 外務省報道官: a body or place before a title
_GPE = alternation(GPE_WORDS)
_KATA_NAME = rf"[{KATAKANA}]{{2,}}(?:[・=＝][{KATAKANA}]{{2,}})*"
_HONORIFIC = r"(?:氏|さん|同志)"

# (label, pattern). Table order breaks ties between candidates of equal length.
ENTITY_RULES: tuple[tuple[str, str], ...] = (
    ("DATE", rf"{NUMBER}年(?:{DIGITS}月(?:{DIGITS}(?:[~∼〜～]{DIGITS})?日)?)?(?:{WEEKDAY}|{PART_OF_PERIOD})?(?!間)"),
    ("DATE", rf"{NUMBER}年ぶり|{NUMBER}年代|{NUMBER}年間|{NUMBER}[カヶか]月間?|{NUMBER}週間"),
    ("DATE", rf"翌?(?:{DIGITS}月)?{DIGITS}(?:[~∼〜～・]{DIGITS})?日(?:{WEEKDAY})?(?![本中])|{NUMBER}日間"),
    ("DATE", rf"{DIGITS}月{PART_OF_PERIOD}?"),
    # relative year or month with what follows it: 今年6月, 昨年11月末, 先月29日, 来年初め (one span each)
    ("DATE", rf"(?:一昨|昨|今|来|前|翌|同)年(?:{DIGITS}月(?:{DIGITS}日)?)?{PART_OF_PERIOD}?"
             rf"|(?:先|今|来|前|翌|同)(?:月|週)(?:{DIGITS}日|{PART_OF_PERIOD})?|近年|ここ数年"),
    ("DATE", rf"(?<![{KANJI}])(?:同|この|前|翌|当|今|昨|その|本)日|{WEEKDAY}"),
    ("TIME", rf"(?:午前|午後)?{DIGITS}時(?:{DIGITS}分|半)?(?:頃|ごろ)?"),
    ("TIME", rf"{NUMBER}時間(?:半)?|{DIGITS}分間?|数分間?|{DIGITS}秒間?"),
    ("TIME", r"未明|早朝|深夜|夕方|今朝|今夜|昨夜|正午|明け方|午前|午後"),
    ("QUANTITY", rf"{NUMBER}(?:名|人|つ|件|回目|回|度目|度|カ国|か国|ヶ国|発|隻|基|倍|番目|項目|歳|社|人目|機|両|門"
                 rf"|カ所|か所|箇所|キロメートル|キロ|メートル|km)"),
    ("QUANTITY", rf"{NUMBER}(?:ドル|円|ウォン|ルーブル|ユーロ|元|トン)|{NUMBER}(?:%|％|パーセント)"),
    ("QUANTITY", rf"第{NUMBER}(?:回|次|陣|弾|期|代)?"),
    ("ORG", rf"(?:{_GPE}|(?<![{KANJI}])[{GPE_ABBREVIATIONS}])(?:{alternation(ORG_BODIES)})(?!事)"),
    ("ORG", alternation(ORG_WORDS)),
    ("ORG", rf"(?<![{KANJI}]){alternation(NAMED_BODIES)}"),
    ("ORG", r"(?:朝鮮労働党|共産党|労働党)(?:中央軍事委員会|中央委員会|政治局)"),
    ("ORG", rf"(?<=[【＝{KANJI}{KATAKANA}])(?P<m>{alternation(DATELINE_AGENCIES)})(?=】)"),
    ("ORG", rf"(?:[{KATAKANA}]{{2,}}|[A-Z]{{2,}})通信(?!社)"),
    ("ORG", r"クレムリン(?!で|に|内|宮)"),
    ("FAC", r"クレムリン(?=で|に|内|宮)"),
    ("ORG", rf"[{KANJI}{KATAKANA}]+?(?:{alternation(RESEARCH_HEADS)})"),
    ("FAC", rf"[{KANJI}{KATAKANA}]+?(?<!国際)(?:{alternation(FACILITY_HEADS)})"),
    ("GPE", _GPE),
    ("GPE", rf"[{KATAKANA}]{{2,}}(?:共和国|州)"),
    # a run of two to four abbreviations (露朝, 日米韓, 朝ロ): each character is one GPE (group `run`)
    ("GPE", rf"(?<![{KANJI}])(?P<run>[{GPE_ABBREVIATIONS}]{{2,4}})(?![{KATAKANA}])"),
    ("GPE", rf"(?<![{KANJI}0-9０-９])(?P<m>[{GPE_ABBREVIATIONS}])(?:{_TITLE})"),
    ("LOC", alternation(LOC_WORDS)),
    ("EVENT", alternation(NAMED_EVENTS) + rf"|(?:{_GPE})大統領選(?:挙)?"),
    ("LAW", r"[「『](?P<m>[^「」『』]{2,40}?(?:条約|協定|決議|憲章|宣言|法))[」』]"),
    # unquoted: a name of at least four characters before 条約/協定/宣言/憲章 (核拡散防止条約, 日朝平壌宣言)
    ("LAW", rf"(?<![{KANJI}{KATAKANA}・])[{KANJI}{KATAKANA}・]{{4,30}}?(?:条約|協定|共同宣言|宣言|憲章)"),
    ("PRODUCT", r"[A-Z][A-Za-z]{0,3}-[0-9]+"),
    ("TITLE", rf"(?:{_TITLE})(?![府選官室館]|会談)"),
    ("PERSON", alternation(PEOPLE)),
    ("PERSON", rf"(?P<m>{_KATA_NAME})(?=(?:{_GPE}|{alternation(ORG_WORDS)}|[{GPE_ABBREVIATIONS}])?(?:{_TITLE})"
               rf"|{_HONORIFIC})"),
    ("PERSON", rf"(?:{_TITLE})(?P<m>{_KATA_NAME})"),
    ("PERSON", rf"[{KATAKANA}]{{2,}}[・＝][{KATAKANA}]{{2,}}(?:[・＝][{KATAKANA}]{{2,}})*"),
    ("PERSON", rf"(?<![{KANJI}])(?P<m>[{SURNAMES}][{KANJI}]{{0,2}}?)(?={_TITLE}|{_HONORIFIC})"),
    # any two to four kanji right before a title or honorific (趙兌烈外相, 上川陽子外相, 林芳正官房長官)
    ("PERSON", rf"(?<![{KANJI}{KATAKANA}])(?P<m>(?![{NOT_NAME_START}])[{KANJI}]{{2,4}}?)(?<![{NOT_NAME_END}])(?={_TITLE}|{_HONORIFIC})"),
)
_COMPILED = tuple((label, re.compile(pattern)) for label, pattern in ENTITY_RULES)
# Surfaces a name pattern may match that are places or organizations, never people.
NOT_PEOPLE = frozenset(GPE_WORDS) | frozenset(LOC_WORDS) | frozenset(ORG_WORDS) | frozenset(NAMED_BODIES)
_NOT_PEOPLE_PREFIXES = frozenset(w for w in NOT_PEOPLE if len(w) == 2)  # 国連次席, 中国外務: a body, not a name


def rule_candidates(text: str) -> list[tuple[int, int, str, int]]:
    """Every (start, end, label, rule index) any rule proposes, overlaps included."""
    found = []
    for rank, (label, regex) in enumerate(_COMPILED):
        group = "m" if "m" in regex.groupindex else 0
        for match in regex.finditer(text):
            start, end = match.span(group)
            if "run" in regex.groupindex:  # a run of one-character abbreviations: one mention each
                found += [(i, i + 1, label, rank) for i in range(*match.span("run"))]
                continue
            if label == "PERSON" and (text[start:end] in NOT_PEOPLE or text[start:start + 2] in _NOT_PEOPLE_PREFIXES or
                                      any(part in NOT_PEOPLE for part in re.split("[・＝]", text[start:end]))):
                continue
            found.append((start, end, label, rank))
    return found


def rule_spans(text: str) -> list[Span]:
    return flatten(rule_candidates(text))


# Every word list of the rules, by name, with the kind of general knowledge it holds (audited by
# tests/test_rules_lexicon_audit.py against the held-out documents).
LEXICONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "GPE_WORDS": ("countries, capitals and major cities", GPE_WORDS),
    "LOC_WORDS": ("world regions, seas and rivers", LOC_WORDS),
    "ORG_WORDS": ("international bodies, parties, armed forces and news outlets", ORG_WORDS),
    "NAMED_BODIES": ("ministries and agencies named on their own", NAMED_BODIES),
    "ORG_BODIES": ("kinds of government body after a country", ORG_BODIES),
    "DATELINE_AGENCIES": ("wire services in datelines", DATELINE_AGENCIES),
    "PEOPLE": ("heads of state and ministers in office", PEOPLE),
    "TITLES": ("common titles", TITLES),
    "RESEARCH_HEADS": ("kinds of research body", RESEARCH_HEADS),
    "FACILITY_HEADS": ("kinds of facility", FACILITY_HEADS),
    "NAMED_EVENTS": ("wars, operations and national holidays", NAMED_EVENTS),
    **{f"TRIGGERS.{etype}": ("ordinary words for the PLOVER action", words) for etype, words in TRIGGERS.items()},
}


class RuleSystem:
    """Rules for mentions, the trigger lexicon for events (realis cues and case-particle arguments)."""

    name = "rules"
    trainable = False
    predicts_events = True

    def fit(self, documents: list[dict]) -> RuleSystem:
        return self

    def extract(self, documents: list[dict]) -> list[dict]:
        out = []
        for doc in documents:
            spans = rule_spans(doc["text"])
            out.append({"id": doc["id"], "entities": entity_records(spans),
                        "events": lexicon_events(doc["text"], spans)})
        return out
