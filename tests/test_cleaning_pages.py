"""The cleaner on pages it was not written for: eleven site styles with their expected clean text, the
hostile inputs that used to lose or keep the wrong text, and a property test (prose survives any
boilerplate around it)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaiko.cleaning import clean, is_phone

PAGES = Path(__file__).parent / "data" / "pages"
RAW_PAGES = sorted(p for p in PAGES.iterdir() if not p.name.endswith(".expected.txt"))

# Removal reasons each page must report (what makes its site style).
REASONS = {
    "wire_credit": {"credit", "dateline", "after end marker (related)"},
    "tv_timestamp": {"dateline", "caption", "navigation", "after end marker (related)"},
    "korean_outlet": {"navigation", "byline", "contact", "after end marker (comments)"},
    "blog_quote": {"navigation", "dateline", "tags", "email", "after end marker (footer)"},
    "already_clean": set(),
    "captions_before_headline": {"before headline", "dateline", "caption", "credit"},
    "hard_wrapped": {"dateline"},
    "html_page": {"html head", "navigation", "caption", "related", "footer", "dateline"},
    "fullwidth_pii": {"email", "phone", "url", "contact", "byline", "dateline"},
    "no_headline": {"navigation", "credit"},
    "repeated_headline": {"dateline", "phone", "repeated headline", "after end marker (footer)"},
}


def test_every_page_has_an_expected_text_and_a_style():
    assert len(RAW_PAGES) >= 10
    assert {p.stem for p in RAW_PAGES} == set(REASONS)
    for page in RAW_PAGES:
        assert (PAGES / f"{page.stem}.expected.txt").is_file(), page.name


@pytest.mark.parametrize("page", RAW_PAGES, ids=lambda p: p.stem)
def test_page_cleans_to_its_expected_text(page):
    raw = page.read_text(encoding="utf-8")
    result = clean(raw)
    assert result.text + "\n" == (PAGES / f"{page.stem}.expected.txt").read_text(encoding="utf-8")
    assert REASONS[page.stem] <= set(result.summary()), result.summary()
    # every kept character points back to the raw page (a decoded HTML character reference to its `&`)
    for run in result.alignment:
        s, r, n = run["start"], run["raw_start"], run["length"]
        for k in range(n):
            assert result.text[s + k] == raw[r + k] or (page.suffix == ".html" and raw[r + k] in "&\t\n "), (s + k)


def test_fallback_headline_is_the_first_prose_line_with_a_warning():
    result = clean((PAGES / "no_headline.txt").read_text(encoding="utf-8"))
    assert result.title.startswith("北朝鮮の朝鮮中央通信は5日")
    assert result.warnings == ["no headline found: the first prose line is used as the title"]


HEADLINE = "北朝鮮とロシアが首脳会談を開催へ\n\n"


def body(raw_body: str) -> tuple[str, list]:
    result = clean(HEADLINE + raw_body + "\n")
    return result.text.split("\n\n", 1)[1], result.removed


@pytest.mark.parametrize("raw_body, kept, gone", [
    # an address glued to kana: only the address goes (`\w` once swallowed the whole sentence)
    ("北朝鮮外務省報道官taro@example.comまで連絡した。", "北朝鮮外務省報道官まで連絡した。", "taro@example.com"),
    # a URL glued to a sentence: only the URL goes, not the line
    ("詳細はhttps://www.mofa.go.jp/press/release.htmlで発表された。", "詳細はで発表された。",
     "https://www.mofa.go.jp/press/release.html"),
    ("声明はwww.kcna.kp/jp/article.htmlに掲載。", "声明はに掲載。", "www.kcna.kp/jp/article.html"),
    # full-width and international forms
    ("連絡先は０３－１２３４－５６７８です。", "連絡先はです。", "０３－１２３４－５６７８"),
    ("連絡先はｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐです。", "連絡先はです。", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ"),
    ("ソウル支局は+82-2-123-4567へ。", "ソウル支局はへ。", "+82-2-123-4567"),
    ("東京は(03)1234-5678へ。", "東京はへ。", "(03)1234-5678"),
    ("サイトはｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ／ａで見られる。", "サイトはで見られる。", "ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ／ａ"),
])
def test_personal_data_goes_as_the_smallest_span(raw_body, kept, gone):
    text, removed = body(raw_body)
    assert text == kept
    (removal,) = [r for r in removed if r.inline]
    assert removal.text == gone and removal.in_sentence


@pytest.mark.parametrize("date", ["06-19-2024", "2024-06-19", "19-06-2024", "2024/06/19"])
def test_a_date_is_never_a_phone_number(date):
    text, removed = body(f"会談は{date}に開かれた。")
    assert text == f"会談は{date}に開かれた。" and not removed
    assert not is_phone(date)


@pytest.mark.parametrize("phone", ["03-1234-5678", "090-1234-5678", "0120-123-456", "+7 495 645 6601"])
def test_phone_numbers_are_recognised(phone):
    assert is_phone(phone)


def test_a_headline_repeated_after_the_body_does_not_replace_it():
    raw = (HEADLINE + "プーチン大統領は19日、平壌に到着した。\n\n両首脳は条約に署名した。\n\n"
           + HEADLINE + "関連記事\n・別の記事\n")
    result = clean(raw)
    assert result.text == "北朝鮮とロシアが首脳会談を開催へ\n\nプーチン大統領は19日、平壌に到着した。\n両首脳は条約に署名した。"
    assert result.summary()["repeated headline"] == 1


def test_verbose_ingest_marks_removals_inside_a_sentence(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "gaiko", "ingest", "-v", str(PAGES / "fullwidth_pii.txt")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert any("inside a sentence" in ln and "phone" in ln and "０３－１２３４－５６７８" in ln for ln in lines)
    assert any(re.search(r"line\s+12\s+line\s+contact", ln) for ln in lines)
    # every removal is listed: one line each after the summary
    assert len(lines) == 1 + sum(int(n) for n in re.findall(r"(\d+) [a-z]", lines[0].split("removed:")[1]))


# ------------------------------------------------------------------------------------------ property

WORDS = ["ロシア", "北朝鮮", "大統領", "外相", "会談", "協力", "平壌", "モスクワ", "条約", "署名", "軍事",
         "経済", "首脳", "訪問", "国防相", "関係", "強化", "発表", "19日", "2024年", "プーチン氏", "金総書記",
         "「戦略的」", "（タス）", "約3時間", "国連", "制裁", "スキップ", "ランキング", "コメント", "写真"]
PARTICLES = ["は", "が", "を", "に", "で", "と", "の", "、", "も"]
ENDINGS = ["した。", "と述べた。", "を確認した。", "とみられる。", "だ。", "か？", "と伝えた」。"]

BOILERPLATE = [
    "メインメニューへスキップ", "ホーム 国際 アジア", "トップ > 国際 > アジア", "山田太郎 アクセス", "12", "0",
    "2024年6月19日(水) 20時38分", "NHK 2025年3月22日 5時35分", "2024/06/19 08:15 更新", "(c)AFP", "【共同】",
    "©時事", "[ロイター]", "カテゴリー: 国際, 朝鮮半島", "北朝鮮, ロシア, 国際", "写真：会談する両首脳",
    "会談に臨む両首脳＝19日、平壌（タス＝共同）", "yamada@example.jp", "03-1234-5678", "https://example.com/a.html",
    "ガブリイル・グリゴロフ撮影の写真(AP経由)\n会談する両首脳。",
]
ENDERS = ["関連記事", "コメント0", "あわせて読みたい", "Copyright 2024 Example", "[ニュース] ランキング"]


@st.composite
def sentences(draw):
    words = draw(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(PARTICLES)), min_size=2, max_size=8))
    return "".join(w + p for w, p in words) + draw(st.sampled_from(ENDINGS))


@st.composite
def pages(draw):
    paragraphs = draw(st.lists(st.lists(sentences(), min_size=1, max_size=3).map("".join), min_size=1,
                               max_size=6, unique=True))
    noise = st.lists(st.sampled_from(BOILERPLATE), max_size=3)
    lines = [*draw(noise), "ロシア外相が訪朝、協力強化で一致"]
    for p in paragraphs:
        lines += ["", *draw(noise), "", p]
    lines += ["", *draw(noise), "", *draw(st.lists(st.sampled_from(ENDERS), max_size=2)), *draw(noise)]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + newline, paragraphs


@settings(max_examples=300, deadline=None)
@given(pages())
def test_article_prose_survives_any_boilerplate(page):
    raw, paragraphs = page
    result = clean(raw)
    assert result.title == "ロシア外相が訪朝、協力強化で一致"
    kept = result.text.split("\n\n", 1)[1].split("\n")
    assert kept == paragraphs
