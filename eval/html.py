"""HTML pages: the score report with every error in place, the comparison of two systems, the gold viewer.

Each page is one self-contained file (styles, script and plots inline, nothing fetched), so it opens from
disk and travels as a CI artifact. Every entity, trigger and argument is one element whose text is the
document's text at its offsets, carrying `data-layer`, `data-side` (gold, pred), `data-label` (the entity
label, the event type, or TYPE/role for an argument, as in errors.tsv), `data-start`/`data-end` and, on a
score page, `data-error`: a script (or a test) can count what the page shows and compare it with
report.json and errors.tsv. Error kinds are read from the error listing itself (a span absent from it is
correct), so the page cannot disagree with errors.tsv.
"""

from __future__ import annotations

import base64
import json
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from gaiko import schema
from gaiko.documents import mention_index
from gaiko.eval.metrics import evaluate
from gaiko.eval.plots import PER_TYPE_PLOTS
from gaiko.eval.report import OUTPUT_FILES, _ci, _counts_sentence, _rows, format_errors
from gaiko.io import output_folder

LAYERS = ("entity", "trigger", "argument")
ERROR_KINDS = ("correct", "missed", "spurious", "wrong_type", "wrong_boundary", "wrong_boundary_and_type",
               "wrong_role")
COLORS = {t.name: t.color for t in (*schema.ENTITY_TYPES, *schema.EVENT_TYPES)}
CONTEXT = 12  # characters of text shown on each side of a trigger or argument in the tables
# What one page shows in full: a page costs about 120 bytes per character of text (every span on every
# side, the tables), so beyond this it grows past what a browser opens quickly (20,000 synthetic documents
# made a 50 MB page). The summary and errors.tsv still cover every document.
MAX_DOCUMENTS, MAX_CHARACTERS = 300, 30_000

_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)


@dataclass
class Side:
    """One column of the page: the gold, or one system's predictions (`system` is '' on a score page,
    'a'/'b' on a comparison page, None on the gold viewer where nothing is scored)."""

    side: str
    system: str | None
    heading: str
    statuses: dict[tuple, tuple[str, int]] = field(default_factory=dict)  # span key -> (kind, errors.tsv line)


@dataclass
class Element:
    id: str
    layer: str
    side: Side
    start: int
    end: int
    label: str
    errors: dict[str, tuple[str, int | None]]  # system -> (kind, errors.tsv line)
    attrs: dict[str, str] = field(default_factory=dict)
    differs: bool = False

    @property
    def key(self) -> tuple:
        return self.layer, self.start, self.end, self.label


def _statuses(errors: list[dict]) -> dict[tuple, tuple[str, int]]:
    """(document, layer, side, start, end, label) -> (error kind, line in errors.tsv; the header is line 1)."""
    out = {}
    for line, row in enumerate(errors, start=2):
        for side in ("gold", "pred"):
            if row[f"{side}_start"] is not None:
                key = (row["document"], row["layer"], side, row[f"{side}_start"], row[f"{side}_end"],
                       row[f"{side}_label"])
                out[key] = (row["error"], line)
    return out


def markup_text(text: str, spans: list[tuple[int, int, str, str]]) -> Markup:
    """The escaped text with each (start, end, opening tag, closing tag) around its characters.

    Spans must nest or be disjoint (each side's mentions are flat; callers place nothing that crosses).
    """
    out, pos, stack = [], 0, []
    for start, end, opening, closing in sorted(spans, key=lambda s: (s[0], -s[1])):
        while stack and stack[-1][0] <= start:
            stop, tag = stack.pop()
            out += [escape(text[pos:stop]), tag]
            pos = stop
        if stack and end > stack[-1][0]:
            raise ValueError(f"span {start}-{end} crosses span ending at {stack[-1][0]}")
        out += [escape(text[pos:start]), opening]
        pos = start
        stack.append((end, closing))
    while stack:
        stop, tag = stack.pop()
        out += [escape(text[pos:stop]), tag]
        pos = stop
    out.append(escape(text[pos:]))
    return Markup("".join(out))


class _Page:
    """Builds the elements of every document for a list of sides, and the rows of the tables."""

    def __init__(self, sides: list[Side]):
        self.sides = sides
        self.systems = [s.system for s in sides if s.side == "pred" and s.system is not None]
        self.count = 0
        self.by_line: dict[tuple[str, int], list[str]] = defaultdict(list)  # (system, line) -> element ids

    def element(self, doc_id: str, layer: str, side: Side, start: int, end: int, label: str, **attrs) -> Element:
        self.count += 1
        el = Element(f"s{self.count}", layer, side, start, end, label, {},
                     {k: str(v) for k, v in attrs.items() if v is not None})
        key = (doc_id, layer, side.side, start, end, label)
        if side.side == "gold":
            for sys_side in self.sides:
                if sys_side.side == "pred" and sys_side.system is not None:
                    el.errors[sys_side.system] = sys_side.statuses.get(key, ("correct", None))
        elif side.system is not None:
            el.errors[side.system] = side.statuses.get(key, ("correct", None))
        for system, (_, line) in el.errors.items():
            if line is not None:
                self.by_line[(system, line)].append(el.id)
        return el

    def tag(self, el: Element, extra: dict[str, str] | None = None) -> tuple[Markup, Markup]:
        """Opening and closing tag of an element: a link to its errors.tsv row when it is an error."""
        attrs = {"id": el.id, "class": "s", "data-layer": el.layer, "data-side": el.side.side, "data-label": el.label,
                 "data-start": el.start, "data-end": el.end, **el.attrs, **(extra or {})}
        if el.side.side == "pred" and len(self.systems) > 1:
            attrs["data-system"] = el.side.system
        kinds = [kind for kind, _ in el.errors.values()]
        lines = [(system, line) for system, (_, line) in el.errors.items() if line is not None]
        if len(self.systems) == 1 or el.side.side == "pred":
            if kinds:
                attrs["data-error"] = kinds[0]
        else:
            attrs.update({f"data-error-{system}": kind for system, (kind, _) in el.errors.items()})
        for system, line in lines:  # the errors.tsv line (the header is line 1) of each system's error
            attrs[f"data-row-{system}" if system else "data-row"] = line
        if el.differs:
            attrs["data-differs"] = "1"
        etype = el.label.split("/")[0]
        attrs["style"] = f"--c:{COLORS.get(etype, '#999')}"
        where = f"{el.label} {el.start}-{el.end}" + "".join(
            f" · {system.upper() + ': ' if system else ''}{kind}" for system, (kind, _) in el.errors.items())
        attrs["title"] = where + "".join(f" · errors.tsv line {line}" for _, line in lines)
        if lines:
            attrs["href"] = f"#{_row_id(*lines[0])}"
        name = "a" if "href" in attrs else "span"
        rendered = " ".join(f'{k}="{escape(v)}"' for k, v in attrs.items())
        return Markup(f"<{name} {rendered}>"), Markup(f"</{name}>")

    def inline(self, el: Element, text: str, extra: dict[str, str] | None = None) -> Markup:
        opening, closing = self.tag(el, extra)
        return opening + escape(text[el.start:el.end]) + closing

    def mark_differences(self, elements: list[Element]) -> None:
        """On a comparison page: a gold span whose kind differs between A and B, a predicted span that the
        other system lacks or gets differently."""
        if len(self.systems) < 2:
            return
        kinds = {(el.side.system, el.key): el.errors[el.side.system][0] for el in elements if el.side.side == "pred"}
        a, b = self.systems
        for el in elements:
            if el.side.side == "gold":
                el.differs = el.errors[a][0] != el.errors[b][0]
            else:
                other = b if el.side.system == a else a
                el.differs = kinds.get((other, el.key)) != kinds[(el.side.system, el.key)]


def _row_id(system: str, line: int) -> str:
    return f"{system}-row-{line}" if system else f"row-{line}"


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    left, right = text[max(0, start - CONTEXT):start], text[end:end + CONTEXT]
    return left.replace("\n", " ⏎ "), right.replace("\n", " ⏎ ")


def _arg_span(arg: dict, mentions: dict[str, dict]) -> tuple[int, int]:
    """A gold argument's mention offsets, or a predicted argument's own."""
    span = mentions[arg["mention_id"]] if "mention_id" in arg else arg
    return span["start"], span["end"]


def _events(record: dict, mentions: dict[str, dict]) -> tuple[dict[tuple, list[dict]], list[tuple]]:
    """A side's events grouped by trigger tuple (type, start, end), and its argument tuples (type, start,
    end, role), as scored: a tuple occurs once however many events repeat it."""
    triggers: dict[tuple, list[dict]] = defaultdict(list)
    arguments: dict[tuple, None] = {}
    for ev in record.get("events") or []:
        t = ev["trigger"]
        triggers[(ev["type"], t["start"], t["end"])].append(ev)
        for arg in ev.get("arguments") or []:
            arguments[(ev["type"], *_arg_span(arg, mentions), arg["role"])] = None
    return triggers, list(arguments)


def build_documents(gold_docs: list[dict], records: list[dict[str, dict]], sides: list[Side],
                    findings: dict[str, list[dict]] | None = None) -> tuple[list[dict], _Page]:
    """The view of every document: its text columns and the rows of its event and argument tables.

    `records[i]` maps document id -> the record shown in column i (the gold document itself for a gold
    side, the prediction otherwise); `findings` (gold viewer) maps document id -> located `gaiko check`
    findings.
    """
    page = _Page(sides)
    views = []
    for index, doc in enumerate(gold_docs):
        doc_id, text = doc["id"], doc["text"]
        columns, all_elements = [], []
        trigger_rows: dict[tuple[int, int], list[list]] = {}
        argument_rows: dict[tuple[str, int, int], list[list]] = {}
        per_side = []
        for col, side in enumerate(sides):
            record = records[col].get(doc_id) or {}
            mentions = mention_index(record) if side.side == "gold" else {}
            triggers, arguments = _events(record, mentions)
            ents = []
            for m in record.get("entities") or []:
                attrs = {}
                if side.side == "gold":
                    attrs = {"data-mention-id": m["id"], "data-entity-id": m.get("entity_id")}
                ents.append(page.element(doc_id, "entity", side, m["start"], m["end"], m["label"], **attrs))
            trigs = []
            for (etype, start, end), events in triggers.items():
                realis = "/".join(sorted({str(ev.get("realis")) for ev in events}))
                attrs = {"data-realis": realis}
                if side.side == "gold":
                    attrs["data-event-id"] = " ".join(ev["id"] for ev in events)
                trigs.append((page.element(doc_id, "trigger", side, start, end, etype, **attrs), events))
            # scored pages list the argument tuples as scored; the viewer shows each event's own arguments
            args = [page.element(doc_id, "argument", side, start, end, f"{etype}/{role}", **{"data-role": role})
                    for (etype, start, end, role) in arguments] if page.systems else []
            per_side.append((side, ents, trigs, args, mentions))
            all_elements += ents + [el for el, _ in trigs] + args
        page.mark_differences(all_elements)
        _realis_against_gold(all_elements)
        marks = (findings or {}).get(doc_id, [])
        for col, (side, ents, trigs, args, mentions) in enumerate(per_side):
            mention_el = {(el.start, el.end): el for el in ents}
            spans = []
            for el in ents:
                opening, closing = page.tag(el, _finding_attrs(marks, "entity", el))
                spans.append((el.start, el.end, opening, closing))
            for mark in marks:
                if mark["place"] == "text" and col == 0:
                    opening = Markup(f'<span class="finding" id="{mark["id"]}" data-finding="{escape(mark["check"])}" '
                                     f'data-status="{mark["status"]}" data-start="{mark["start"]}" '
                                     f'data-end="{mark["end"]}" title="{escape(mark["message"])}">')
                    spans.append((mark["start"], mark["end"], opening, Markup("</span>")))
            columns.append({"heading": side.heading, "side": side.side, "system": side.system,
                            "html": markup_text(text, spans)})
            for el, events in trigs:
                left, right = _context(text, el.start, el.end)
                arguments = []
                for ev in events:
                    for arg in ev.get("arguments") or []:
                        start, end = _arg_span(arg, mentions)
                        target = mention_el.get((start, end))
                        item = {"role": arg["role"], "text": text[start:end], "mention": arg.get("mention_id"),
                                "href": f"#{target.id}" if target else None, "element": None}
                        if not page.systems:
                            attrs = {"data-role": arg["role"], "data-mention-id": arg.get("mention_id")}
                            arg_el = page.element(doc_id, "argument", side, start, end, f"{el.label}/{arg['role']}",
                                                  **attrs)
                            item["element"] = page.inline(arg_el, text, {"href": item["href"]} if target else None)
                        arguments.append(item)
                cell = {"left": left, "right": right,
                        "element": page.inline(el, text, _finding_attrs(marks, "trigger", el)),
                        "type": el.label, "realis": el.attrs["data-realis"],
                        "realis_gold": el.attrs.get("data-realis-gold"),
                        "ids": el.attrs.get("data-event-id", ""), "arguments": arguments}
                trigger_rows.setdefault((el.start, el.end), [[] for _ in sides])[col].append(cell)
            for el in args:
                etype, role = el.label.split("/")
                left, right = _context(text, el.start, el.end)
                target = mention_el.get((el.start, el.end))
                cell = {"left": left, "right": right, "element": page.inline(el, text), "role": role,
                        "href": f"#{target.id}" if target else None}
                argument_rows.setdefault((etype, el.start, el.end), [[] for _ in sides])[col].append(cell)
        by_offsets = sorted(argument_rows.items(), key=lambda row: (row[0][1], row[0][2], row[0][0]))
        views.append({"index": index, "id": doc_id, "title": doc.get("title") or "", "columns": columns,
                      "events": [{"start": s, "end": e, "cells": cells}
                                 for (s, e), cells in sorted(trigger_rows.items())],
                      "arguments": [{"type": t, "start": s, "end": e, "cells": cells}
                                    for (t, s, e), cells in by_offsets],
                      "stats": None, "findings": marks, "tally": _tally(all_elements, page.systems)})
    return views, page


def _realis_against_gold(elements: list[Element]) -> None:
    """A correct predicted trigger carries the gold realis (data-realis-gold): realis accuracy is measured
    on these, and a different value is shown as an error."""
    gold = {el.key: el.attrs["data-realis"] for el in elements if el.layer == "trigger" and el.side.side == "gold"}
    for el in elements:
        if el.layer == "trigger" and el.side.side == "pred" and el.errors.get(el.side.system, ("",))[0] == "correct":
            el.attrs["data-realis-gold"] = gold[el.key]


def _tally(elements: list[Element], systems: list[str]) -> list[dict]:
    """Per system and layer, how many items of each kind a document has: a pair (wrong type, boundary or
    role) counts once, as in errors.tsv, and correct ones count the true positives."""
    rows = []
    for system in systems:
        for layer in LAYERS:
            kinds = Counter(el.errors[system][0] for el in elements if el.layer == layer and system in el.errors
                            and (el.side.side == "gold" or el.errors[system][0] == "spurious"))
            rows.append({"system": system, "layer": layer, "kinds": [kinds[k] for k in ERROR_KINDS]})
    return rows


def _finding_attrs(marks: list[dict], layer: str, el: Element) -> dict[str, str]:
    hits = [m for m in marks if m["place"] == layer and (m["start"], m["end"]) == (el.start, el.end)]
    if el.side.side != "gold" or not hits:
        return {}
    for m in hits:
        m["targets"].append(el.id)
    return {"data-finding": " ".join(sorted({m["check"] for m in hits})),
            "data-status": "open" if any(m["status"] == "open" for m in hits) else "allowed"}


def shown_documents(docs: list[dict]) -> list[dict]:
    """The documents a page shows: the first ones, up to MAX_DOCUMENTS and MAX_CHARACTERS (at least one)."""
    shown, total = [], 0
    for doc in docs:
        total += len(doc["text"])
        if shown and (total > MAX_CHARACTERS or len(shown) == MAX_DOCUMENTS):
            break
        shown.append(doc)
    return shown


def _omitted(docs: list[dict], shown: list[dict]) -> dict | None:
    if len(shown) == len(docs):
        return None
    return {"shown": len(shown), "total": len(docs), "documents": MAX_DOCUMENTS, "characters": MAX_CHARACTERS}


def _error_tables(page: _Page, shown: list[dict], systems: list[tuple[str, str, list[dict]]]) -> list[dict]:
    """The errors.tsv rows of the shown documents for each system, with their line numbers and the elements
    that show them, and how many rows (of other documents) are only in the file."""
    ids = {doc["id"] for doc in shown}
    tables = []
    for system, errors_file, errors in systems:
        rows = [{**row, "line": line, "row_id": _row_id(system, line),
                 "targets": " ".join(page.by_line[(system, line)])}
                for line, row in enumerate(errors, start=2) if row["document"] in ids]
        tables.append({"system": system, "file": errors_file, "rows": rows, "omitted": len(errors) - len(rows)})
    return tables


def _png(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _summary(report: dict) -> list[dict]:
    return [{"metric": f"{section}.{name}", "p": score["precision"], "r": score["recall"], "f1": score["f1"],
             "ci": _ci(score), "tp": score.get("tp", ""), "fp": score.get("fp", ""), "fn": score.get("fn", ""),
             "partial": score.get("partial", "")} for section, name, score in _rows(report)]


def _filters(views: list[dict], kinds: bool) -> dict:
    return {"documents": [(v["id"], v["title"]) for v in views], "layers": LAYERS,
            "types": [*schema.ENTITY_LABELS, *schema.EVENT_LABELS], "kinds": ERROR_KINDS if kinds else ()}


def _render(page: _Page, **context) -> str:
    return _env.get_template("page.html.j2").render(colors=COLORS, shown=page.count, **context)


def score_page(gold_docs: list[dict], predictions_by_id: dict[str, dict], report: dict, errors: list[dict],
               title: str = "Evaluation report") -> Callable[[Path], str]:
    """report.html of `gaiko score --out`: a function of the report folder, whose PNG plots it embeds."""
    gold = Side("gold", None, "gold")
    pred = Side("pred", "", "predicted", _statuses(errors))
    shown = shown_documents(gold_docs)
    views, page = build_documents(shown, [{d["id"]: d for d in shown}, predictions_by_id], [gold, pred])

    def render(folder: Path) -> str:
        plots = [(name, _png(folder / name)) for name, *_ in PER_TYPE_PLOTS] + \
                [("ner_type_confusion.png", _png(folder / "ner_type_confusion.png"))]
        return _render(page, mode="score", title=title, summary=_summary(report), realis=report["realis"],
                       counts=_counts_sentence(report), plots=plots, documents=views, systems=[""],
                       error_tables=_error_tables(page, shown, [("", "errors.tsv", errors)]),
                       filters=_filters(views, kinds=True), omitted=_omitted(gold_docs, shown))
    return render


def comparison_page(gold_docs: list[dict], a: tuple[str, dict, list[dict]], b: tuple[str, dict, list[dict]],
                    result: dict) -> str:
    """report.html of `gaiko compare --out`: gold, A and B side by side; `a`/`b` are (name, predictions by
    id, errors); spans and rows where the two systems differ carry data-differs."""
    sides = [Side("gold", None, "gold")]
    for system, (name, _, errors) in zip("ab", (a, b), strict=True):
        sides.append(Side("pred", system, f"{system.upper()}: {name}", _statuses(errors)))
    shown = shown_documents(gold_docs)
    views, page = build_documents(shown, [{d["id"]: d for d in shown}, a[1], b[1]], sides)
    metrics = [{"metric": metric, **r} for metric, r in result["metrics"].items()]
    return _render(page, mode="compare", title="Comparison", comparison=metrics, result=result, names=(a[0], b[0]),
                   documents=views, systems=["a", "b"],
                   error_tables=_error_tables(page, shown,
                                              [(s, f"errors_{s}.tsv", x[2])
                                               for s, x in zip("ab", (a, b), strict=True)]),
                   filters=_filters(views, kinds=True), plots=[], omitted=_omitted(gold_docs, shown))


def write_comparison(out_dir: Path, gold_docs: list[dict], a: tuple[str, dict], b: tuple[str, dict],
                     result: dict) -> list[Path]:
    """`gaiko compare --out DIR`, all or nothing: report.html, comparison.json, and per system its report
    (report_a.json, report_b.json) and error listing (errors_a.tsv, errors_b.tsv)."""
    sides = []
    files: dict[str, str] = {"comparison.json": json.dumps(result, ensure_ascii=False, indent=2) + "\n"}
    for system, (name, loaded) in zip("ab", (a, b), strict=True):
        evaluation = evaluate(gold_docs, loaded.by_id, 0, 0, loaded.problems)
        files[f"report_{system}.json"] = json.dumps(evaluation.report, ensure_ascii=False, indent=2) + "\n"
        files[f"errors_{system}.tsv"] = format_errors(evaluation.errors)
        sides.append((name, loaded.by_id, evaluation.errors))
    files["report.html"] = comparison_page(gold_docs, sides[0], sides[1], result)
    with output_folder(out_dir, OUTPUT_FILES) as tmp:
        tmp.mkdir()
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
    return [Path(out_dir) / name for name in sorted(files)]


# ---------------------------------------------------------------------------------------------
# The gold viewer (`gaiko show`)

def document_stats(doc: dict) -> dict:
    """Per-document counts a reviewer checks first."""
    entities, events = doc.get("entities") or [], doc.get("events") or []
    arguments = [arg for ev in events for arg in ev.get("arguments") or []]
    return {"characters": len(doc["text"]), "mentions": len(entities),
            "entity_ids": len({m.get("entity_id") for m in entities if m.get("entity_id")}),
            "events": len(events), "arguments": len(arguments),
            "by_label": Counter(m["label"] for m in entities).most_common(),
            "by_type": Counter(ev["type"] for ev in events).most_common(),
            "by_role": Counter(arg["role"] for arg in arguments).most_common(),
            "by_realis": Counter(str(ev.get("realis")) for ev in events).most_common()}


def locate_findings(docs: list[dict], open_: list, explained: list) -> dict[str, list[dict]]:
    """`gaiko check` findings placed where they point: on a mention (`text@start` subjects, entity ids, a
    conflicting surface), on a trigger, or on an unannotated stretch of text; others are listed only."""
    located: dict[str, list[dict]] = defaultdict(list)
    by_id = {doc["id"]: doc for doc in docs}
    # the documents a corpus-wide finding may point into: those with a mention of its entity id or surface
    holding: dict[tuple[str, str], dict[str, dict]] = defaultdict(dict)
    for doc in docs:
        for m in doc["entities"]:
            holding["text", m["text"]][doc["id"]] = doc
            if m.get("entity_id"):
                holding["entity_id", m["entity_id"]][doc["id"]] = doc
    count = 0
    for finding, reason in [(f, None) for f in open_] + list(explained):
        mark = {"check": finding.check, "subject": finding.subject, "message": finding.message,
                "status": "open" if reason is None else "allowed", "reason": reason}
        if finding.document != "*":
            candidates = [by_id[finding.document]] if finding.document in by_id else []
        elif finding.check in _PLACED_BY:
            candidates = holding[_PLACED_BY[finding.check], finding.subject].values()
        else:
            candidates = docs
        # a corpus-wide finding goes with the documents it concerns, or the first one if none shows it
        places = {doc["id"]: _finding_places(doc, finding) for doc in candidates}
        if finding.document == "*":
            places = {i: p for i, p in places.items() if p} or ({docs[0]["id"]: []} if docs else {})
        for doc_id, spans in places.items():
            for place, start, end in spans or [(None, None, None)]:
                count += 1
                located[doc_id].append({**mark, "id": f"f{count}", "place": place, "start": start, "end": end,
                                        "targets": []})
    return located


# Corpus-wide findings whose subject (without `@`) is placed on the mentions with that field: `_finding_places`.
_PLACED_BY = {"unknown-id": "entity_id", "id-type": "entity_id", "label-conflict": "text"}


def _finding_places(doc: dict, finding) -> list[tuple[str, int, int]]:
    surface, at, start = finding.subject.rpartition("@")
    if at and start.isdigit():
        start = int(start)
        span = (start, start + len(surface))
        if finding.check == "unannotated":
            return [("text", *span)]
        if any((t["trigger"]["start"], t["trigger"]["end"]) == span for t in doc["events"]) and \
                finding.check in ("no-arguments", "trigger-overlap"):
            return [("trigger", *span)]
        return [("entity", *span)]
    if finding.check in ("unknown-id", "id-type"):
        return [("entity", m["start"], m["end"]) for m in doc["entities"] if m.get("entity_id") == finding.subject]
    if finding.check == "label-conflict":
        return [("entity", m["start"], m["end"]) for m in doc["entities"] if m["text"] == finding.subject]
    return []


def _flat_text_marks(marks: list[dict], doc: dict) -> None:
    """Keep in the text only the unannotated stretches that cross no mention and no other stretch; the
    others stay in the findings table (place 'listed')."""
    mentions = sorted((m["start"], m["end"]) for m in doc.get("entities") or [])  # flat: ends sorted too
    ends = [end for _, end in mentions]
    kept_end = 0  # the stretches kept are taken in start order and cross no other: only the last one can cross
    for mark in sorted((m for m in marks if m["place"] == "text"), key=lambda m: (m["start"], -m["end"])):
        first_after = bisect_right(ends, mark["start"])  # the first mention that ends after the stretch starts
        if mark["start"] < kept_end or (first_after < len(mentions) and mentions[first_after][0] < mark["end"]):
            mark["place"] = "listed"
        else:
            kept_end = mark["end"]


def show_page(docs: list[dict], records: dict[str, dict] | None, heading: str,
              findings: dict[str, list[dict]] | None) -> str:
    """The gold viewer: each document's mentions (with entity ids), events and arguments, its statistics and
    the check findings in place; with `records` (predictions by id) that file's spans instead of the gold."""
    side = Side("gold" if records is None else "pred", None, heading)
    shown = shown_documents(docs)
    by_id = {d["id"]: d for d in shown} if records is None else records
    for doc in shown:
        _flat_text_marks((findings or {}).get(doc["id"], []), doc)
    views, page = build_documents(shown, [by_id], [side], findings)
    for view, doc in zip(views, shown, strict=True):
        view["stats"] = document_stats({"text": doc["text"], **(by_id.get(doc["id"]) or {})})
        for mark in view["findings"]:
            if mark["place"] == "text":
                mark["targets"].append(mark["id"])
    return _render(page, mode="show", title=f"gaiko: {heading}", documents=views, systems=[], error_tables=[],
                   filters=_filters(views, kinds=False), plots=[], omitted=_omitted(docs, shown),
                   checked=findings is not None)
