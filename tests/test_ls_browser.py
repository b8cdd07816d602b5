"""Annotators in the real Label Studio UI (headless chromium, mouse and keyboard) against the test session's
server: nothing is lost between the editor and the gold.

One test walks the whole loop: push the five gold documents, a fresh document and a pre-annotated one; in the
browser, annotate the fresh one (a mention with its entity id, a trigger with its realis, two roles between the
same trigger and mention), accept the pre-annotations, and save every gold task through the editor; adjudicate
the fresh task between its UI annotation and a pushed one with `gaiko ls adjudicate`; pull, and compare the
converted gold with what was made or pushed, exactly. A second test presses the keys the editor lets act on
any selected region and checks that pull refuses the result. Every step leaves a screenshot under the test's
tmp_path; a failing step names that folder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from gaiko.annotation import studio
from gaiko.annotation.convert import convert_export
from gaiko.cli import main
from gaiko.corpus import clean_documents
from gaiko.io import write_jsonl_atomic

pytestmark = [pytest.mark.browser, pytest.mark.label_studio]

EXPORT = Path(__file__).parents[1] / "annotation" / "exports" / "gaiko.json"
PROJECT = "gaiko browser"
FRESH = {"id": "ui_fresh", "title": "fresh", "text": "プーチン大統領は平壌を訪問し、金正恩氏と会談した。"}
PRE = {"id": "ui_pre", "title": "pre-annotated", "text": "ラブロフ外相が平壌を訪問した。"}
# The pre-annotations: a recipient and a place on the same mention (two relations between one pair of regions).
PREDICTION = {"id": "ui_pre", "entities": [{"start": 0, "end": 4, "label": "PERSON"},
                                           {"start": 7, "end": 9, "label": "GPE"}],
              "events": [{"type": "CONSULT", "realis": "ACTUAL", "trigger": {"start": 10, "end": 12},
                          "arguments": [{"role": "actor", "start": 0, "end": 4},
                                        {"role": "recipient", "start": 7, "end": 9},
                                        {"role": "place", "start": 7, "end": 9}]}]}
# The character rectangle [start, end) of the editor's text: left/middle of the first character and
# right/middle of the last one, found through the text nodes (the editor shows the task text as is).
CHAR_BOX = """([start, end]) => {
  const root = document.querySelector('.lsf-richtext');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let pos = 0, node, begun = false;
  while ((node = walker.nextNode())) {
    const n = node.textContent.length;
    if (!begun && start < pos + n) { range.setStart(node, start - pos); begun = true; }
    if (begun && end <= pos + n) { range.setEnd(node, end - pos); break; }
    pos += n;
  }
  const rects = range.getClientRects(), a = rects[0], b = rects[rects.length - 1];
  return [a.left + 1, (a.top + a.bottom) / 2, b.right - 1, (b.top + b.bottom) / 2];
}"""


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


class Editor:
    """The Label Studio page, driven the way an annotator does: labels, drags, clicks, keys."""

    def __init__(self, page, url: str, project_id: int, shots: Path):
        self.page, self.url, self.project_id, self.shots, self.count = page, url, project_id, shots, 0

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """A screenshot after every step; a failing step says which one and where the screenshots are."""
        self.count += 1
        shot = self.shots / f"{self.count:02d}-{name.replace(' ', '_')}.png"
        try:
            yield
        except Exception as e:
            self.page.screenshot(path=str(shot.with_stem(shot.stem + "-FAILED")))
            raise AssertionError(f"browser step {name!r} failed ({type(e).__name__}: {e}); screenshots of "
                                 f"every step so far are in {self.shots}") from e
        self.page.screenshot(path=str(shot))

    def login(self, email: str, password: str) -> None:
        self.page.goto(f"{self.url}/user/login")
        self.page.fill("input[name=email]", email)
        self.page.fill("input[name=password]", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(lambda url: "/user/login" not in url)

    def open(self, task_id: int, button: str) -> None:
        self.page.goto(f"{self.url}/projects/{self.project_id}/data?task={task_id}")
        self.page.locator(f"button[aria-label='{button}']").wait_for()
        self.page.locator(".lsf-richtext").wait_for()

    def box(self, start: int, end: int) -> list[float]:
        return self.page.evaluate(CHAR_BOX, [start, end])

    def label(self, name: str, start: int, end: int) -> None:
        """Pick the label first, then drag over the characters (the other order creates nothing)."""
        self.page.get_by_text(name, exact=True).first.click()
        x1, y1, x2, y2 = self.box(start, end)
        self.page.mouse.move(x1, y1)
        self.page.mouse.down()
        self.page.mouse.move(x2, y2, steps=5)
        self.page.mouse.up()

    def select(self, start: int, end: int) -> None:
        x1, y1, x2, _ = self.box(start, end)
        self.page.mouse.click((x1 + x2) / 2, y1)

    def relation_to(self, target: tuple[int, int]) -> None:
        """From the selected region: Alt+R, then click the target region."""
        self.page.keyboard.press("Alt+r")
        self.page.wait_for_timeout(200)
        self.select(*target)
        self.page.wait_for_timeout(200)

    def role(self, index: int, role: str) -> None:
        """Pick the role of the index-th relation in the Relations panel."""
        self.page.get_by_text("Relations", exact=True).first.click()
        item = self.page.locator(".lsf-relations__item").nth(index)
        item.hover()
        item.locator("button[aria-label='Show Relation Labels']").click()
        item.locator(".lsf-relation-meta [data-testid=select-trigger]").click()
        self.page.get_by_role("option", name=role, exact=True).click()
        self.page.keyboard.press("Escape")
        item.hover()
        item.locator("button[aria-label='Hide Relation Labels']").click()

    def save(self, button: str, method: str) -> None:
        """Click Submit or Update and wait until the server has the annotation (the screenshot shows the
        annotation as it was saved; the editor moves on after saving)."""
        self.page.screenshot(path=str(self.shots / f"{self.count:02d}-before-saving.png"))
        with self.page.expect_response(lambda r: "/annotations" in r.url and r.request.method == method) as answer:
            self.page.locator(f"button[aria-label='{button}']").click()
        assert answer.value.ok, f"{method} {answer.value.url}: HTTP {answer.value.status}"

    def holds_relations(self, expected: int) -> None:
        """Wait until the open annotation holds `expected` relations (the editor loads them after the text)."""
        try:
            self.page.wait_for_function(
                "n => window.Htx?.annotationStore?.selected?.relationStore?.relations?.length === n", arg=expected,
                timeout=10_000)
        except Exception:
            held = self.page.evaluate("() => window.Htx?.annotationStore?.selected?.relationStore?.relations?.length")
            raise AssertionError(f"the editor holds {held} relations, expected {expected}") from None


def logged_in_editor(page, url: str, project_id: int, shots: Path) -> Editor:
    """The editor of a project, logged in as the session's user; screenshots of each step go to `shots`."""
    shots.mkdir()
    page.set_default_timeout(20_000)
    ui = Editor(page, url, project_id, shots)
    with ui.step("log in"):
        ui.login(os.environ["LABEL_STUDIO_USERNAME"], os.environ["LABEL_STUDIO_PASSWORD"])
    return ui


def lone_trigger(doc: dict) -> dict:
    """An event whose trigger overlaps no mention, so a click on it selects the trigger."""
    return next(e for e in doc["events"]
                if all(m["end"] <= e["trigger"]["start"] or e["trigger"]["end"] <= m["start"] for m in doc["entities"]))


def test_annotators_in_the_real_ui_lose_nothing(label_studio, browser, tmp_path, capsys):
    server, _ = label_studio
    clean = clean_documents()
    by_id = {d["id"]: d for d in clean}
    gold = convert_export(json.loads(EXPORT.read_text(encoding="utf-8")), str(EXPORT), by_id).documents
    assert sum(len(e["arguments"]) for d in gold for e in d["events"]) == 684
    extra = [{**FRESH, "entities": [], "events": []}, {**PRE, "entities": [], "events": []}]
    write_jsonl_atomic(documents := tmp_path / "documents.jsonl", [*clean, *extra])
    write_jsonl_atomic(gold_path := tmp_path / "gold.jsonl", gold)
    write_jsonl_atomic(pred_path := tmp_path / "pred.jsonl", [PREDICTION])
    common = ("--project", PROJECT, "--documents", str(documents))
    for argv in (("--predictions", str(pred_path), "--model-version", "ui-1"),
                 ("--annotations", str(gold_path), "--annotator", "lead@gaiko.test", "--ground-truth")):
        code, out = run(capsys, "ls", "push", *common, *argv)
        assert code == 0, out
    client = studio.connect()
    project_id = studio.find_project(client, PROJECT)
    tasks = studio.tasks_by_doc_id(client, project_id)

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    ui = logged_in_editor(page, server.url, project_id, tmp_path / "screenshots")
    try:

        text = FRESH["text"]
        kim, talks = (text.index("金正恩"), text.index("金正恩") + 3), (text.index("会談"), text.index("会談") + 2)
        with ui.step("open a fresh task"):
            ui.open(tasks["ui_fresh"].id, "Submit current annotation")
        with ui.step("mention with entity id"):
            ui.label("PERSON", *kim)
            ui.select(*kim)
            page.locator("input[name=entity_id]").click()
            page.keyboard.type("kim_jong_un")
            page.keyboard.press("Enter")
            page.keyboard.press("Escape")  # deselect: a label picked now would go to the selected mention
        with ui.step("trigger with realis"):
            ui.label("CONSULT", *talks)
            ui.select(*talks)
            page.locator("input[name=ACTUAL]").click()
        with ui.step("two relations between the same trigger and mention"):
            ui.relation_to(kim)  # from the trigger, still selected
            ui.select(*kim)
            ui.relation_to(talks)  # the second one drawn the other way: the editor keeps one per direction
            ui.holds_relations(2)
        with ui.step("their roles"):
            ui.role(0, "actor")
            ui.role(1, "recipient")
        with ui.step("submit"):
            ui.save("Submit current annotation", "POST")

        with ui.step("accept the pre-annotations"):
            ui.open(tasks["ui_pre"].id, "Submit current annotation")
            ui.holds_relations(3)
            ui.save("Submit current annotation", "POST")

        for doc in gold:
            event = lone_trigger(doc)
            realis = event["realis"]
            other = next(v for v in ("ACTUAL", "GENERIC", "OTHER") if v != realis)
            with ui.step(f"update gold {doc['id'][:3]} unchanged"):
                ui.open(tasks[doc["id"]].id, "submit")
                ui.holds_relations(sum(len(e["arguments"]) for e in doc["events"]))
                ui.select(event["trigger"]["start"], event["trigger"]["end"])
                # The editor enables Update only after an edit: set another realis and back.
                page.locator(f"input[name={other}]").click()
                page.locator(f"input[name={realis}]").click()
                ui.save("submit", "PATCH")
    finally:
        page.close()

    # The fresh task gets a second, typed annotation: pull refuses until it is adjudicated.
    mine = {**FRESH, "entities": [{"id": "m1", "start": kim[0], "end": kim[1], "label": "PERSON", "text": "金正恩",
                                   "entity_id": "kim_jong_un"}],
            "events": [{"id": "e1", "type": "CONSULT", "realis": "ACTUAL",
                        "trigger": {"start": talks[0], "end": talks[1], "text": "会談"},
                        "arguments": [{"role": "actor", "mention_id": "m1"},
                                      {"role": "recipient", "mention_id": "m1"}]}]}
    theirs = {**mine, "events": [{**mine["events"][0], "realis": "OTHER", "arguments": []}]}
    write_jsonl_atomic(theirs_path := tmp_path / "theirs.jsonl", [theirs])
    code, out = run(capsys, "ls", "push", *common, "--annotations", str(theirs_path), "--annotator", "b@gaiko.test")
    assert code == 0, out
    export_path = tmp_path / "export.json"
    code, out = run(capsys, "ls", "pull", *common, "--out", str(export_path))
    assert code == 2 and "gaiko ls adjudicate ui_fresh --annotation ID" in out, out
    code, out = run(capsys, "ls", "adjudicate", "ui_fresh", "--project", PROJECT, "--annotator",
                    os.environ["LABEL_STUDIO_USERNAME"])
    assert code == 0 and "is now the ground truth" in out, out

    code, out = run(capsys, "ls", "pull", *common, "--out", str(export_path))
    assert code == 0 and "warning" not in out, out
    pulled = {d["id"]: d for d in convert_export(json.loads(export_path.read_text(encoding="utf-8")), "x",
                                                 {d["id"]: d for d in [*clean, *extra]}).documents}
    assert sorted(pulled) == sorted([*by_id, "ui_fresh", "ui_pre"])
    for doc in gold:
        assert pulled[doc["id"]] == doc, doc["id"]
    assert sum(len(e["arguments"]) for d in gold for e in pulled[d["id"]]["events"]) == 684
    assert pulled["ui_fresh"] == mine
    assert pulled["ui_pre"] == {
        **PRE, "entities": [{"id": "m1", "start": 0, "end": 4, "label": "PERSON", "text": "ラブロフ", "entity_id": None},
                            {"id": "m2", "start": 7, "end": 9, "label": "GPE", "text": "平壌", "entity_id": None}],
        "events": [{"id": "e1", "type": "CONSULT", "realis": "ACTUAL",
                    "trigger": {"start": 10, "end": 12, "text": "訪問"},
                    "arguments": [{"role": "actor", "mention_id": "m1"}, {"role": "recipient", "mention_id": "m2"},
                                  {"role": "place", "mention_id": "m2"}]}]}
    assert f"mentions {sum(len(d['entities']) for d in pulled.values())}" in out


def test_what_the_editor_lets_through_is_refused_at_pull(label_studio, browser, tmp_path, capsys):
    """Keys act on the selected region whatever its label: a realis key gives a mention a realis, a trigger
    label's key makes a mention a two-label region. The editor saves both; pull refuses each in one line that
    quotes the region's text and offsets, the task and the annotation."""
    server, _ = label_studio
    project = "gaiko browser hotkeys"
    docs = [{**FRESH, "entities": [], "events": []}, {**PRE, "entities": [], "events": []}]
    write_jsonl_atomic(documents := tmp_path / "documents.jsonl", docs)
    code, out = run(capsys, "ls", "push", "--project", project, "--documents", str(documents))
    assert code == 0, out
    client = studio.connect()
    project_id = studio.find_project(client, project)
    tasks = studio.tasks_by_doc_id(client, project_id)
    kim, lavrov = FRESH["text"].index("金正恩"), PRE["text"].index("ラブロフ")

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    ui = logged_in_editor(page, server.url, project_id, tmp_path / "screenshots")
    try:
        with ui.step("a realis key on a selected mention"):
            ui.open(tasks["ui_fresh"].id, "Submit current annotation")
            ui.label("PERSON", kim, kim + 3)
            ui.select(kim, kim + 3)
            page.keyboard.press(page.locator("label:has(input[name=ACTUAL])").inner_text().strip()[-2])  # ACTUAL[j]
            ui.save("Submit current annotation", "POST")
        with ui.step("a trigger label's key on a selected mention"):
            ui.open(tasks["ui_pre"].id, "Submit current annotation")
            ui.label("PERSON", lavrov, lavrov + 4)
            ui.select(lavrov, lavrov + 4)
            page.keyboard.press(page.locator(".lsf-label", has_text="CONSULT").inner_text().split()[-1])
            ui.save("Submit current annotation", "POST")
    finally:
        page.close()

    pull = ("ls", "pull", "--project", project, "--documents", str(documents), "--out", str(tmp_path / "export.json"))
    for doc_id, region, problem in (
            ("ui_fresh", f"'金正恩' at {kim}-{kim + 3}", "realis ACTUAL on a PERSON mention"),
            ("ui_pre", f"'ラブロフ' at {lavrov}-{lavrov + 4}", "region has both an entity label (PERSON) and a "
                                                             "trigger label (CONSULT)")):
        (annotation,) = client.annotations.list(id=tasks[doc_id].id)
        code, out = run(capsys, *pull)
        assert code == 2 and out.count("\n") == 1, out
        assert f"task {tasks[doc_id].id} ({doc_id}) annotation {annotation.id} region {region} (id '" in out, out
        assert problem in out and not (tmp_path / "export.json").exists(), out
        client.annotations.delete(id=annotation.id)  # the next pull reaches the next task
