"""The generic cleaner on the five seeds and on an article it has never seen."""

import subprocess
import sys
import unicodedata

import pytest

from gaiko.cleaning import clean, to_raw_offset
from gaiko.corpus import RAW_DIR, clean_documents, ingest

# (document, first body characters, last body characters)
SEED_BODIES = {
    "000_e0b3454f0372ab4e": ("4日(現地時間)ロシアのプーチン大統領は", "象徴するものと分析されている。"),
    "001_94a10ff815f9a20c": ("ロシアのセルゲイ・ラブロフ外相は、18~19日", "韓国研究センター、主任研究員"),
    "002_7ef3493c8e19d0eb": ("■ 金正恩とプーチン、19日に首脳会談", "同盟レベルの連携を強化すると見込まれる。"),
    "003_928b56e06e5931a4": ("ロシアのプーチン大統領は19日、北朝鮮の", "「無敵で恒久的」であることを示すものだとした。"),
    "004_67f1b6c8a60996e1": ("ソウル、韓国(AP通信)—ロシアのウラジミール", "米国大使館報道官は声明で述べた。"),
}
RESIDUE = ["@", "http", "コメント0", "ランキング", "こんな記事も", "スキップ", "アクセス", "+7495", "•",
           "Copyright", "写真", "via REUTERS", "[nL6N", "cosmosfarm", "2023-10-20T", "MIA"]


@pytest.fixture(scope="module")
def documents():
    return {d["id"]: d for d in clean_documents()}


@pytest.mark.parametrize("doc_id", sorted(SEED_BODIES))
def test_seed_body_start_and_end(documents, doc_id):
    doc = documents[doc_id]
    title, body = doc["text"].split("\n\n", 1)
    assert title == doc["title"]
    first, last = SEED_BODIES[doc_id]
    assert body.startswith(first)
    assert body.endswith(last)


@pytest.mark.parametrize("doc_id", sorted(SEED_BODIES))
def test_seed_has_no_page_residue(documents, doc_id):
    text = documents[doc_id]["text"]
    for residue in RESIDUE:
        assert residue not in text, residue
    assert unicodedata.is_normalized("NFC", text) and "\r" not in text
    assert "\n\n\n" not in text


def test_sputnik_duplicates_and_hard_wraps_are_resolved(documents):
    text = documents["001_94a10ff815f9a20c"]["text"]
    # the page carries the body twice (a one-line copy in the metadata block): it is kept once
    assert text.count("虚心坦懐の意見が交換され") == 1
    # hard-wrapped lines are rejoined into one paragraph
    assert "ラブロフ外相は19日の金委員長との接見で、9月の露朝首脳会談で合意した" in text


@pytest.mark.parametrize("doc_id", sorted(SEED_BODIES))
def test_alignment_points_back_to_the_raw_file(documents, doc_id):
    doc = documents[doc_id]
    raw = (RAW_DIR / f"{doc_id}.txt").read_text(encoding="utf-8")
    covered = 0
    for run in doc["raw_alignment"]:
        s, r, n = run["start"], run["raw_start"], run["length"]
        assert doc["text"][s:s + n] == raw[r:r + n]
        covered += n
    # only the inserted paragraph separators are outside the runs
    assert len(doc["text"]) - covered == doc["text"].count("\n")


def test_seed_metadata_says_what_is_inferred(documents):
    assert documents["001_94a10ff815f9a20c"]["url"] == "https://sputniknews.jp/20231020/17487928.html"
    assert documents["003_928b56e06e5931a4"]["date"] == "2024-06-19"
    assert documents["000_e0b3454f0372ab4e"]["date_note"].startswith("inferred")
    assert all(d["language"] == "ja" for d in documents.values())


NEW_ARTICLE = (
    "トップページへ移動 メニューをスキップ\r\n"
    "ホーム 国際 日ロ外相が電話会談\r\n"
    "日ロ外相が電話会談、漁業協議の再開で一致\r\n"
    "山田花子 アクセス\r\n"
    "2025年3月2日(日)10時05分\r\n"
    "12\r\n"
    "\r\n"
    "田中撮影、外務省提供の写真(共同通信経由)\r\n"
    "電話会談に臨む外相。\r\n"
    "\r\n"
    "日本の外相は1日、ロシアのラブロフ外相と電話で会談し、北方水域での漁業協議を再開することで一致した。\r\n"
    "\r\n"
    "外務省によると、会談は約30分間行われた。問い合わせは info@example.jp または 03-1234-5678 まで。\r\n"
    "\r\n"
    "両外相は、次回の会談を東京で開くことも確認した。なお、閣僚は「さか\u3099しい」と述べた。\r\n"
    "\r\n"
    "日本の外相は1日、ロシアのラブロフ外相と電話で会談し、北方水域での漁業協議を再開することで一致した。\r\n"
    "\r\n"
    "山田花子\r\n"
    "yamada@example.jp\r\n"
    "\r\n"
    "関連記事\r\n"
    "  • 別の記事の見出し\r\n"
)


def test_generic_cleaner_on_an_unseen_article():
    result = clean(NEW_ARTICLE)
    assert result.title == "日ロ外相が電話会談、漁業協議の再開で一致"
    body = result.text.split("\n\n", 1)[1].split("\n")
    assert body[0].startswith("日本の外相は1日")
    assert body[-1] == "両外相は、次回の会談を東京で開くことも確認した。なお、閣僚は「さがしい」と述べた。"
    assert len(body) == 3  # the repeated lead paragraph is dropped
    assert "example.jp" not in result.text and "03-1234-5678" not in result.text
    assert "電話会談に臨む外相" not in result.text  # the photo caption
    assert result.date == "2025-03-02"
    reasons = result.summary()
    for reason in ("navigation", "byline", "counter", "photo credit", "caption", "email", "phone",
                   "duplicate paragraph", "dateline"):
        assert reasons[reason] >= 1, reason
    # NFC composition maps the composed character to its first raw character
    i = result.text.index("さが") + 1
    assert NEW_ARTICLE[to_raw_offset(result.alignment, i)] == "か"


def run_gaiko(*args):
    return subprocess.run([sys.executable, "-m", "gaiko", *args], capture_output=True, text=True)


def test_ingest_reports_what_it_removed(tmp_path):
    raw = tmp_path / "new.txt"
    raw.write_bytes(NEW_ARTICLE.encode())
    out = tmp_path / "doc.jsonl"
    proc = run_gaiko("ingest", str(raw), "--out", str(out), "-v")
    assert proc.returncode == 0, proc.stderr
    assert "removed:" in proc.stderr and "photo credit" in proc.stderr
    doc, _ = ingest(raw)
    assert out.read_text(encoding="utf-8").count("\n") == 1 and doc["id"] == "new"


@pytest.mark.parametrize("content, problem", [
    (b"", "empty file"),
    (b"\x00\x01\x02binary\xff", "not UTF-8"),
    ("ナビ\n短い\n".encode(), "no headline"),
    ("\ufeff見出しになるはずの長い行です\n本文。\n".encode(), "byte order mark"),
])
def test_ingest_rejects_bad_raw_input_with_one_line(tmp_path, content, problem):
    raw = tmp_path / "bad.txt"
    raw.write_bytes(content)
    out = tmp_path / "doc.jsonl"
    proc = run_gaiko("ingest", str(raw), "--out", str(out))
    assert proc.returncode == 2
    assert problem in proc.stderr and "bad.txt" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert not out.exists()
