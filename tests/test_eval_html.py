"""report.html (`gaiko score --out`, `gaiko compare --out`) and the gold viewer (`gaiko show`), rendered in
headless Chromium: what the page shows must be what report.json and errors.tsv say, span for span."""

from __future__ import annotations

import csv
import json
import random
from collections import Counter
from pathlib import Path

import pytest

from gaiko.cli import main
from gaiko.dataset import load_split
from gaiko.paths import SUBMISSIONS_DIR

from support.documents import make_doc

pytestmark = pytest.mark.browser

# Characters outside the BMP (𠮷, 𩸽, 𠀋) before and inside spans: a UTF-16 offset would be off by one.
TEXT_1 = "𠮷田氏は𩸽を食べ、プーチン大統領と平壌で会談した。"
TEXT_2 = "露朝首脳が𠀋で合意した。"
TEXT_3 = "𠮷田氏が来日した。"


def at(text: str, surface: str) -> tuple[int, int]:
    start = text.index(surface)
    return start, start + len(surface)


GOLD = [
    make_doc("d1", TEXT_1,
             [(*at(TEXT_1, "𠮷田"), "PERSON", "yoshida"), (*at(TEXT_1, "プーチン"), "PERSON", "vladimir_putin"),
              (*at(TEXT_1, "大統領"), "TITLE"), (*at(TEXT_1, "平壌"), "GPE", "pyongyang")],
             [("CONSULT", "ACTUAL", at(TEXT_1, "会談"), [("actor", 0), ("recipient", 1), ("place", 3)])]),
    make_doc("d2", TEXT_2, [(0, 1, "GPE", "russia"), (1, 2, "GPE", "north_korea")],
             [("AGREE", "OTHER", at(TEXT_2, "合意"), [("actor", 0)])]),
    make_doc("d3", TEXT_3, [(*at(TEXT_3, "𠮷田"), "PERSON", "yoshida")],
             [("CONSULT", "ACTUAL", at(TEXT_3, "来日"), [("actor", 0)])]),
]


def pred_args(text, *args):
    return [{"role": role, "start": s, "end": e} for role, (s, e) in ((r, at(text, x)) for r, x in args)]


# Every error kind: correct, wrong_boundary (プーチン大統領 ~ プーチン), missed (大統領, 朝, d3), wrong_type
# (平壌 LOC; trigger 合意 SUPPORT), spurious (𩸽; trigger 食べ), wrong_boundary_and_type (露朝 ORG ~ 露),
# wrong_role (平壌 as actor); d3 has no prediction line.
PRED_A = [
    {"id": "d1", "entities": [{"start": s, "end": e, "label": lab} for s, e, lab in (
        (*at(TEXT_1, "𠮷田"), "PERSON"), (*at(TEXT_1, "𩸽"), "PRODUCT"), (*at(TEXT_1, "プーチン大統領"), "PERSON"),
        (*at(TEXT_1, "平壌"), "LOC"))],
     "events": [{"type": "CONSULT", "realis": "OTHER", "trigger": dict(zip(("start", "end"), at(TEXT_1, "会談"))),
                 "arguments": pred_args(TEXT_1, ("actor", "𠮷田"), ("recipient", "プーチン大統領"), ("actor", "平壌"))},
                {"type": "ASSAULT", "trigger": dict(zip(("start", "end"), at(TEXT_1, "食べ")))}]},
    {"id": "d2", "entities": [{"start": 0, "end": 2, "label": "ORG"}],
     "events": [{"type": "SUPPORT", "realis": "OTHER", "trigger": dict(zip(("start", "end"), at(TEXT_2, "合意"))),
                 "arguments": [{"role": "actor", "start": 0, "end": 2}]}]},
]
# B: d1 perfect on entities, no events; d2 as A.
PRED_B = [{"id": "d1", "entities": [{"start": m["start"], "end": m["end"], "label": m["label"]}
                                    for m in GOLD[0]["entities"]]}, PRED_A[1]]

KINDS = ("correct", "missed", "spurious", "wrong_type", "wrong_boundary", "wrong_boundary_and_type", "wrong_role")


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("html")
    return (write_jsonl(folder / "gold.jsonl", GOLD), write_jsonl(folder / "a.jsonl", PRED_A),
            write_jsonl(folder / "b.jsonl", PRED_B), folder)


# What the page holds, read in the browser: every span element with its attributes, text and document.
READ_SPANS = """() => Array.from(document.querySelectorAll('[data-layer]')).map((el) => ({
    ...el.dataset, tag: el.tagName, href: el.getAttribute('href'), text: el.textContent,
    doc: el.closest('section.doc').dataset.doc, off: el.classList.contains('off'),
    background: getComputedStyle(el).backgroundColor}))"""


class Opened:
    """A page loaded from disk, with every request and console message it caused."""

    def __init__(self, browser, path: Path):
        self.page = browser.new_page()
        self.requests, self.console = [], []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)

    def spans(self) -> list[dict]:
        return self.page.evaluate(READ_SPANS)

    def assert_quiet(self) -> None:
        assert self.requests == [self.url], "the page fetched something besides itself"
        assert self.console == []

    def close(self) -> None:
        self.page.close()


def read_errors(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def error_counter(rows: list[dict]) -> Counter:
    """(layer, side, kind, label) of every side of every errors.tsv row."""
    return Counter((r["layer"], side, r["error"], r[f"{side}_label"]) for r in rows for side in ("gold", "pred")
                   if r[f"{side}_start"])


def assert_texts(spans: list[dict], texts: dict[str, str]) -> None:
    for s in spans:
        assert s["text"] == texts[s["doc"]][int(s["start"]):int(s["end"])], s


def assert_matches_report(spans: list[dict], report: dict, errors: list[dict], error_attr: str = "error",
                          system: str | None = None) -> None:
    """Per layer and side: element counts = report counts; correct = tp; errors = errors.tsv, kind by kind."""
    gold = [s for s in spans if s["side"] == "gold"]
    pred = [s for s in spans if s["side"] == "pred" and s.get("system") == system]
    metric = {"entity": report["ner"]["strict"]["micro"],
              "trigger": report["events"]["trigger_classification"]["micro"],
              "argument": report["events"]["argument_classification"]["micro"]}
    for layer, score in metric.items():
        g = Counter(s[error_attr] for s in gold if s["layer"] == layer)
        p = Counter(s["error"] for s in pred if s["layer"] == layer)
        assert g["correct"] == p["correct"] == score["tp"], layer
        assert sum(g.values()) - g["correct"] == score["fn"], layer
        assert sum(p.values()) - p["correct"] == score["fp"], layer
    assert len([s for s in gold if s["layer"] == "entity"]) == report["counts"]["gold"]["entities"]
    assert len([s for s in pred if s["layer"] == "entity"]) == report["counts"]["predicted"]["entities"]
    shown = Counter((s["layer"], s["side"], s[error_attr if s["side"] == "gold" else "error"], s["label"])
                    for s in gold + pred if s[error_attr if s["side"] == "gold" else "error"] != "correct")
    assert shown == error_counter(errors)


def assert_links(spans: list[dict], errors: list[dict], system: str | None = None) -> None:
    """Each error element names and links to its errors.tsv row (the header is line 1); a correct one none."""
    suffix = "" if system is None else system.upper()
    for s in spans:
        if s["side"] == "pred" and s.get("system") != system:
            continue
        kind = s["error" + suffix] if s["side"] == "gold" else s["error"]
        if kind == "correct":
            assert "row" + suffix not in s, s
            continue
        line = int(s["row" + suffix])
        row, side = errors[line - 2], s["side"]
        assert (row["document"], row["layer"], row["error"], row[f"{side}_start"], row[f"{side}_end"],
                row[f"{side}_label"]) == (s["doc"], s["layer"], kind, s["start"], s["end"], s["label"])
        # a gold span that is an error of both systems links to A's row
        own = f"#row-{line}" if system is None else f"#{system}-row-{line}"
        assert s["tag"] == "A" and (s["href"] == own or s["side"] == "gold" and s["href"].startswith("#a-row-"))


def score_to(folder: Path, gold_args: list[str], pred: Path) -> Path:
    assert main(["score", "--pred", str(pred), *gold_args, "--out", str(folder)]) == 0
    return folder


def test_score_page_shows_every_span_as_report_and_errors_say(browser, files, tmp_path, capsys):
    gold, a, _, _ = files
    out = score_to(tmp_path / "report", ["--gold", str(gold)], a)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    errors = read_errors(out / "errors.tsv")
    assert {r["error"] for r in errors} == set(KINDS) - {"correct"}  # the fixture covers every kind
    page = Opened(browser, out / "report.html")
    spans = page.spans()
    assert_texts(spans, {d["id"]: d["text"] for d in GOLD})
    assert any(ord(c) > 0xFFFF for s in spans for c in s["text"])
    assert_matches_report(spans, report, errors)
    assert_links(spans, errors)
    # realis is shown on triggers; a correct one carries the gold realis, as realis accuracy counts them
    assert {s["realis"] for s in spans if s["layer"] == "trigger" and s["side"] == "pred"} == {"OTHER", "None"}
    matched = [s for s in spans if "realisGold" in s]
    assert len(matched) == report["realis"]["total"] == 1
    assert sum(s["realis"] == s["realisGold"] for s in matched) == report["realis"]["correct"] == 0
    # arguments are labelled TYPE/role as in errors.tsv
    assert {s["label"] for s in spans if s["layer"] == "argument" and s["side"] == "pred"} >= {"CONSULT/actor"}
    # the per-document tally of kinds adds up to the true positives and to the errors.tsv rows
    tally = Counter()
    for layer, *counts in page.page.evaluate(
            "() => Array.from(document.querySelectorAll('table.tally tr')).filter((tr) => tr.cells[0].tagName === 'TD')"
            ".map((tr) => Array.from(tr.cells).map((c) => c.textContent))"):
        tally.update({(layer, kind): int(n) for kind, n in zip(KINDS, counts)})
    expected = Counter((r["layer"], r["error"]) for r in errors)
    expected.update({("entity", "correct"): report["ner"]["strict"]["micro"]["tp"],
                     ("trigger", "correct"): report["events"]["trigger_classification"]["micro"]["tp"],
                     ("argument", "correct"): report["events"]["argument_classification"]["micro"]["tp"]})
    assert +tally == expected
    # each errors.tsv row of the page points back at the elements that show it
    targets = page.page.evaluate("() => Array.from(document.querySelectorAll('table.errors tr.f'))"
                                 ".map((tr) => tr.dataset.for.split(' ').filter(Boolean).length)")
    assert len(targets) == len(errors) and all(n >= 1 for n in targets)
    # the plots are embedded, not linked
    images = page.page.evaluate("() => Array.from(document.images).map((i) => [i.src.slice(0, 22), i.naturalWidth])")
    assert len(images) == 4 and all(src == "data:image/png;base64," and width > 0 for src, width in images)
    page.assert_quiet()
    page.close()


def visible(spans: list[dict]) -> list[dict]:
    return [s for s in spans if not s["off"]]


def test_score_page_filters_change_what_is_shown(browser, files, tmp_path):
    gold, a, _, _ = files
    out = score_to(tmp_path / "report", ["--gold", str(gold)], a)
    page = Opened(browser, out / "report.html")
    p = page.page
    everything = page.spans()
    assert visible(everything) == everything and p.inner_text("#shown") == f"{len(everything)} spans shown"
    highlighted = everything[0]["background"]
    # error kind: only the missed spans stay highlighted; the rest lose their colour
    for kind in KINDS:
        if kind != "missed":
            p.uncheck(f"input[name=kind][value={kind}]")
    spans = page.spans()
    assert {s["error"] for s in visible(spans)} == {"missed"}
    assert len(visible(spans)) == sum(s["error"] == "missed" for s in everything)
    assert all(s["background"] == "rgba(0, 0, 0, 0)" for s in spans if s["off"]) and highlighted != "rgba(0, 0, 0, 0)"
    # error rows of other kinds are hidden too
    rows = p.evaluate("() => Array.from(document.querySelectorAll('table.errors tr.f')).filter((tr) => !tr.hidden)"
                      ".map((tr) => tr.cells[3].textContent)")
    assert rows and set(rows) == {"missed"}
    for kind in KINDS:
        p.check(f"input[name=kind][value={kind}]")
    # layer and type
    p.uncheck("input[name=layer][value=entity]")
    assert {s["layer"] for s in visible(page.spans())} == {"trigger", "argument"}
    p.check("input[name=layer][value=entity]")
    p.select_option("#f-type", "CONSULT")
    assert {s["label"].split("/")[0] for s in visible(page.spans())} == {"CONSULT"}
    p.select_option("#f-type", "")
    # document: the other documents' sections are hidden
    p.select_option("#f-doc", "d2")
    assert p.is_visible("section[data-doc=d2]") and not p.is_visible("section[data-doc=d1]")
    assert p.inner_text("#shown") == f"{sum(s['doc'] == 'd2' for s in everything)} spans shown"
    page.assert_quiet()
    page.close()


def test_score_page_of_the_lexicon_submission_on_the_test_split(browser, tmp_path):
    out = score_to(tmp_path / "lexicon", ["--split", "test"],
                   SUBMISSIONS_DIR / "lexicon-predictions" / "predictions.jsonl")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    errors = read_errors(out / "errors.tsv")
    page = Opened(browser, out / "report.html")
    spans = page.spans()
    assert_texts(spans, {d["id"]: d["text"] for d in load_split("test")})
    assert_matches_report(spans, report, errors)
    assert_links(spans, errors)
    matched = [s for s in spans if "realisGold" in s]
    assert len(matched) == report["realis"]["total"]
    assert sum(s["realis"] == s["realisGold"] for s in matched) == report["realis"]["correct"]
    page.assert_quiet()
    page.close()


def test_a_large_corpus_page_shows_its_first_documents_and_says_so(browser, files, tmp_path, monkeypatch):
    from gaiko.eval import html

    gold, a, _, _ = files
    monkeypatch.setattr(html, "MAX_CHARACTERS", len(TEXT_1) + 1)  # room for d1 only
    out = score_to(tmp_path / "report", ["--gold", str(gold)], a)
    errors = read_errors(out / "errors.tsv")
    page = Opened(browser, out / "report.html")
    spans = page.spans()
    assert {s["doc"] for s in spans} == {"d1"}
    assert_links(spans, errors)
    shown = Counter((s["layer"], s["side"], s["error"], s["label"]) for s in spans if s["error"] != "correct")
    assert shown == error_counter([r for r in errors if r["document"] == "d1"])
    assert "shows the first 1 of 3 documents" in page.page.inner_text("p.omitted")
    others = sum(r["document"] != "d1" for r in errors)
    assert f"{others} more, of documents not shown, only in the file" in page.page.text_content("h2 >> nth=-1")
    assert page.page.locator("table.errors tr.f").count() == len(errors) - others
    page.assert_quiet()
    page.close()


def test_compare_page_shows_both_systems_and_where_they_differ(browser, files, tmp_path, capsys):
    gold, a, b, _ = files
    out = tmp_path / "cmp"
    assert main(["compare", str(a), str(b), "--gold", str(gold), "--bootstrap", "50", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["comparison.json", "errors_a.tsv", "errors_b.tsv",
                                                      "report.html", "report_a.json", "report_b.json"]
    page = Opened(browser, out / "report.html")
    spans = page.spans()
    assert_texts(spans, {d["id"]: d["text"] for d in GOLD})
    for system in "ab":
        report = json.loads((out / f"report_{system}.json").read_text(encoding="utf-8"))
        errors = read_errors(out / f"errors_{system}.tsv")
        assert_matches_report(spans, report, errors, f"error{system.upper()}", system)
        assert_links(spans, errors, system)
    # gold spans differ where the two systems' kinds differ; d2 is predicted identically
    for s in spans:
        if s["side"] == "gold":
            assert (s.get("differs") == "1") == (s["errorA"] != s["errorB"]), s
    assert not any(s.get("differs") for s in spans if s["doc"] == "d2")
    assert any(s.get("differs") for s in spans if s["doc"] == "d1")
    page.page.check("#f-diff")
    shown = visible(page.spans())
    assert shown and all(s.get("differs") == "1" for s in shown)
    page.assert_quiet()
    page.close()


def test_show_page_renders_the_gold_with_ids_events_and_check_findings(browser, tmp_path, capsys):
    out = tmp_path / "gold.html"
    assert main(["show", "--split", "test", "--out", str(out)]) == 0
    docs = load_split("test")
    page = Opened(browser, out)
    spans = page.spans()
    assert_texts(spans, {d["id"]: d["text"] for d in docs})
    mentions = {(d["id"], m["start"], m["end"], m["label"], m["entity_id"] or "") for d in docs for m in d["entities"]}
    assert {(s["doc"], int(s["start"]), int(s["end"]), s["label"], s.get("entityId", ""))
            for s in spans if s["layer"] == "entity"} == mentions
    assert len([s for s in spans if s["layer"] == "entity"]) == len(mentions)
    events = {(d["id"], e["id"], e["type"], e["realis"]) for d in docs for e in d["events"]}
    assert {(s["doc"], s["eventId"], s["label"], s["realis"]) for s in spans if s["layer"] == "trigger"} == events
    assert all("error" not in s for s in spans)
    # per-document statistics
    stats = page.page.evaluate("() => Array.from(document.querySelectorAll('table.stats')).map((t) => "
                               "Array.from(t.rows[1].cells).slice(0, 5).map((c) => +c.textContent))")
    assert stats == [[len(d["text"]), len(d["entities"]), len({m["entity_id"] for m in d["entities"] if m["entity_id"]}),
                      len(d["events"]), sum(len(e["arguments"]) for e in d["events"])] for d in docs]
    # the event table lists each argument, linked to its mention
    links = page.page.evaluate("() => Array.from(document.querySelectorAll('table.events [data-layer=argument]'))"
                               ".map((a) => [a.dataset.mentionId, document.querySelector(a.getAttribute('href'))"
                               ".dataset.mentionId])")
    assert len(links) == sum(len(e["arguments"]) for d in docs for e in d["events"])
    assert all(own == target for own, target in links)
    # every check finding row links to the element it marks, and that element carries the check's name
    findings = page.page.evaluate("() => Array.from(document.querySelectorAll('tr.finding-row a')).map((a) => "
                                  "[a.closest('tr').dataset.check, document.querySelector(a.getAttribute('href'))"
                                  ".dataset.finding])")
    assert findings and all(check in marked.split() for check, marked in findings)
    arguments = Counter((d["id"], f"{e['type']}/{a['role']}", a["mention_id"]) for d in docs for e in d["events"]
                        for a in e["arguments"])
    assert Counter((s["doc"], s["label"], s["mentionId"]) for s in spans if s["layer"] == "argument") == arguments
    page.assert_quiet()
    page.close()


def test_show_page_marks_check_findings_in_place_and_renders_predictions(browser, files, tmp_path, capsys):
    gold, a, _, folder = files
    # d1: an id missing from entities.tsv (unknown-id), a PERSON without an entity id (missing-id), and
    # second occurrences of 平壌 and 𠮷田 left unannotated (unannotated)
    text = TEXT_1 + "平壌は𠮷田氏を迎えた。"
    doc = make_doc("d1", text, [(0, 2, "PERSON", "yoshida"), (*at(text, "プーチン"), "PERSON"),
                                (*at(text, "平壌"), "GPE", "pyongyang")],
                   [("CONSULT", "ACTUAL", at(text, "会談"), [("actor", 0), ("recipient", 1)])])
    findings_gold = write_jsonl(folder / "findings.jsonl", [doc])
    out = tmp_path / "gold.html"
    assert main(["show", "--gold", str(findings_gold), "--out", str(out)]) == 0
    page = Opened(browser, out)
    spans = page.spans()
    assert_texts(spans, {"d1": text})
    flagged = {s["text"]: s["finding"] for s in spans if "finding" in s}
    assert flagged == {"𠮷田": "unknown-id", "プーチン": "missing-id"}
    marks = page.page.evaluate("() => Array.from(document.querySelectorAll('section.doc .finding')).map((el) => "
                               "[el.dataset.finding, +el.dataset.start, +el.dataset.end, el.textContent])")
    again = [text.index(x, text.index(x) + 1) for x in ("平壌", "𠮷田")]
    assert marks == [["unannotated", at, at + 2, text[at:at + 2]] for at in again]
    rows = page.page.evaluate("() => Array.from(document.querySelectorAll('tr.finding-row')).map((tr) => "
                              "[tr.dataset.check, tr.querySelectorAll('a').length])")
    assert sorted(rows) == [["missing-id", 1], ["unannotated", 1], ["unannotated", 1], ["unknown-id", 1]]
    page.assert_quiet()
    page.close()

    out = tmp_path / "pred.html"
    assert main(["show", "--gold", str(gold), "--pred", str(a), "--out", str(out)]) == 0
    page = Opened(browser, out)
    spans = page.spans()
    assert_texts(spans, {d["id"]: d["text"] for d in GOLD})
    assert {s["side"] for s in spans} == {"pred"}
    assert page.page.locator("table.findings").count() == 0  # the checks are for the gold
    assert Counter(s["layer"] for s in spans) == {"entity": 5, "trigger": 3, "argument": 4}  # as predicted
    page.assert_quiet()
    page.close()


def test_show_refuses_bad_input_with_one_line(files, tmp_path, capsys):
    gold, _, _, _ = files
    out = tmp_path / "x.html"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "d1", "entities": [{"start": 0, "end": 99, "label": "PERSON"}]}\n', encoding="utf-8")
    for argv, message in [(["--doc", "nope"], "no document 'nope' in the dataset"),
                          (["--gold", str(gold), "--pred", str(bad)], f"{bad}:1: entities[0]"),
                          (["--gold", str(bad)], f"{bad}:1: document 'd1'"),
                          (["--gold", str(gold), "--out", str(tmp_path)], f"{tmp_path}: is a folder")]:
        assert main(["show", "--out", str(out), *argv]) == 2
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 1 and err[0].startswith("gaiko show: error: ") and message in err[0], err
        assert not out.exists()


def test_pages_of_a_gold_without_titles(files, tmp_path):
    """A title may be null in the gold: the pages show none instead of failing."""
    _, pred, _, _ = files
    gold = write_jsonl(tmp_path / "gold.jsonl", [{**doc, "title": None} for doc in GOLD])
    assert main(["score", "--pred", str(pred), "--gold", str(gold), "--out", str(tmp_path / "report")]) == 0
    assert main(["show", "--gold", str(gold), "--out", str(tmp_path / "show.html")]) == 0
    for page in (tmp_path / "report" / "report.html", tmp_path / "show.html"):
        assert ">None<" not in page.read_text(encoding="utf-8")


def test_unannotated_stretches_kept_in_the_text_are_those_the_obvious_rule_keeps():
    """Each stretch, in start order (longest first), stays in the text when it crosses no mention and no
    stretch kept before it; found in log time per stretch (a page with many stretches grew quadratically)."""
    from gaiko.eval.html import _flat_text_marks

    def obvious(marks: list[dict], mentions: list[dict]) -> None:
        taken = [(m["start"], m["end"]) for m in mentions]
        for mark in sorted((m for m in marks if m["place"] == "text"), key=lambda m: (m["start"], -m["end"])):
            if any(s < mark["end"] and mark["start"] < e for s, e in taken):
                mark["place"] = "listed"
            else:
                taken.append((mark["start"], mark["end"]))

    rnd = random.Random(7)
    for _ in range(3000):
        size = rnd.randint(2, 30)
        cuts = sorted(rnd.sample(range(size + 1), rnd.randint(0, min(8, size + 1))))
        mentions = [{"start": a, "end": b} for a, b in zip(cuts[::2], cuts[1::2])]
        marks = [{"place": rnd.choice(["text", "text", "entity"]), "start": (a := rnd.randint(0, size - 2)),
                  "end": rnd.randint(a + 1, min(size, a + 5))} for _ in range(rnd.randint(0, 10))]
        expected = [dict(m) for m in marks]
        obvious(expected, mentions)
        _flat_text_marks(marks, {"entities": mentions})
        assert marks == expected
