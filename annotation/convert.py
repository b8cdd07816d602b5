"""Label Studio results ↔ gold documents, both ways.

Export → gold (`convert_export`): one annotation per task is used — the non-cancelled ground-truth one,
else the only non-cancelled one; several non-adjudicated annotations are an error (adjudicate: `gaiko ls
adjudicate`); a task with none is reported as unannotated. Drafts and predictions are never gold.
Regions labelled by the `entity` control are mentions, by the `trigger` control event triggers (a region with
both is refused); per-region realis / entity-id results share their region's id; a relation links a trigger to
a mention and its label is the role. The relation is oriented by its ends (trigger → mention) whatever its
`direction`, so a second role on one pair can be stored mention → trigger, the only form Label Studio keeps.

The export is read strictly: region ids are strings, flags are booleans, anything else is one error line that
names the task, the annotation and the region by its text and offsets. Task text with `\\r\\n` (or a lone
`\\r`) is normalized to `\\n` and offsets are shifted, so gold texts hold `\\n` only. Offsets are code
points; `value.text` is checked against the text: whitespace collapsed inside the span (Label Studio does that)
is counted and the offsets are trusted, any other difference (also whitespace at an edge) is an error.
Mention ids are m1, m2, … by offset and event ids e1, … by trigger offset, so the gold is deterministic.

Gold → results (`documents_to_results`) is the exact inverse, used to load typed annotations into Label Studio;
`predictions_to_results` turns an extractor's predictions into pre-annotations.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field
from typing import Any

from gaiko import schema
from gaiko.annotation.labeling import ENTITY_CONTROL, ENTITY_ID_CONTROL, REALIS_CONTROL, TEXT_NAME, TRIGGER_CONTROL
from gaiko.documents import argument_order, validate_document
from gaiko.io import GaikoError, brief
from gaiko.problems import Problem
from gaiko.text import overlaps, span_problem

LABELS_OF_CONTROL = {ENTITY_CONTROL: schema.ENTITY_LABELS, TRIGGER_CONTROL: schema.EVENT_LABELS}
RESULT_TYPE_OF_CONTROL = {ENTITY_CONTROL: "labels", TRIGGER_CONTROL: "labels", REALIS_CONTROL: "choices",
                          ENTITY_ID_CONTROL: "textarea"}
DIRECTIONS = ("right", "left", "bi")
# Task meta key: relations per pushed annotation / prediction ("annotation:ID", "prediction:ID" → count).
PUSHED_RELATIONS = "gaiko_pushed_relations"
# The reason code of a label a control does not know.
UNKNOWN_LABEL_OF_CONTROL = {ENTITY_CONTROL: "unknown_label", TRIGGER_CONTROL: "unknown_event_type"}
# The entity type of a mention created for a predicted argument that matches no predicted entity.
DEFAULT_ARGUMENT_TYPE = {r.name: r.entity_types[0] for r in schema.ROLES}


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def task_data(doc: dict) -> dict:
    """The data of the task that shows a document to annotators (the hash detects a text changed since)."""
    return {"text": doc["text"], "doc_id": doc["id"], "title": doc.get("title"), "text_sha256": text_sha256(doc["text"])}


@dataclass
class ConversionReport:
    """What an export contained and what became gold; nothing is dropped without being counted here."""

    tasks: int = 0
    annotations_used: int = 0
    ground_truth_used: int = 0
    cancelled_skipped: int = 0
    superseded_by_ground_truth: int = 0
    drafts_ignored: int = 0
    predictions_ignored: int = 0
    unannotated: list[str] = field(default_factory=list)
    newline_tasks: int = 0
    whitespace_mismatches: int = 0
    relation_losses: list[str] = field(default_factory=list)
    mentions: int = 0
    events: int = 0
    arguments: int = 0


@dataclass
class Conversion:
    documents: list[dict]
    report: ConversionReport


class ExportTask:
    """One exported task: its normalized text and where its errors point."""

    def __init__(self, task: Any, source: str):
        self.source = source
        if not isinstance(task, dict):
            raise Problem(None, "each task of the export must be a JSON object", "not_an_object").error(source)
        self.id, self.doc_id = task.get("id"), None
        data = task.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise self.error("bad_task_data", "data has no 'text' string")
        if not isinstance(data.get("doc_id"), str) or not data["doc_id"]:
            raise self.error("bad_task_data", "data has no 'doc_id' (tasks must be imported with `gaiko ls push`)")
        self.data, self.doc_id, self.raw_text = data, data["doc_id"], data["text"]
        self.removed = [i for i, ch in enumerate(self.raw_text) if ch == "\r" and self.raw_text[i + 1: i + 2] == "\n"]
        self.text = self.raw_text.replace("\r\n", "\n").replace("\r", "\n")

    def problem(self, reason: str, message: str, annotation: Any = None, region: str | None = None) -> Problem:
        """A problem placed by task id and document, annotation id and the region as the UI shows it."""
        where = f"task {self.id}" + (f" ({self.doc_id})" if self.doc_id else "")
        where += f" annotation {brief(annotation)}" if annotation is not None else ""
        where += f" region {region}" if region is not None else ""
        return Problem(None, message, reason, where=where)

    def error(self, reason: str, message: str, annotation: Any = None, region: str | None = None) -> GaikoError:
        """The problem as one error line of the export (`problem`)."""
        return self.problem(reason, message, annotation, region).error(self.source)

    def region(self, rid: Any, start: Any = None, end: Any = None) -> str:
        """A region named by its text and offsets (what an annotator can find) and its id (the Info panel's)."""
        if span_problem(start, end, self.raw_text, check_mention=False) is None:
            return f"{brief(self.raw_text[start:end])} at {start}-{end} (id {brief(rid)})"
        return f"id {brief(rid)}"

    def shift(self, offset: int) -> int:
        """Offset in the raw text → offset in the normalized text (a removed '\\r' maps to its '\\n')."""
        return offset - bisect.bisect_left(self.removed, offset)


def _collapse(s: str) -> str:
    return " ".join(s.split())


def _single(values: Any, allowed: tuple[str, ...], what: str, unknown: str, fail) -> str:
    """The one value of a result, from `allowed`; `unknown` is the reason code of a value not allowed."""
    if not isinstance(values, list) or len(values) != 1:
        raise fail("bad_result", f"expected exactly one {what}, got {brief(values)}")
    if values[0] not in allowed:
        raise fail(unknown, f"unknown {what} {brief(values[0])} (known: {', '.join(allowed)})")
    return values[0]


def _entity_id(values: Any, fail) -> str | None:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise fail("bad_result", f"entity id must be a list of strings, got {brief(values)}")
    ids = sorted({v.strip() for v in values if v.strip()})
    if len(ids) > 1:
        raise fail("several_entity_ids", f"several entity ids {ids!r}; keep one")
    return ids[0] if ids else None


def annotation_to_document(task: ExportTask, annotation: dict, report: ConversionReport) -> dict:
    """The gold document of one annotation (no metadata beyond id, title and text)."""
    aid = annotation.get("id")
    regions: dict[str, dict] = {}
    relations: list[dict] = []
    result = annotation.get("result")
    if not isinstance(result, list):
        raise task.error("not_a_list", "'result' is not a list", aid)
    for r in result:
        if not isinstance(r, dict):
            raise task.error("not_an_object", f"result item is not an object: {brief(r)}", aid)
        if r.get("type") == "relation":
            relations.append(r)
            continue
        rid, value = r.get("id"), r.get("value")
        start, end = (value.get("start"), value.get("end")) if isinstance(value, dict) else (None, None)

        def fail(reason: str, message: str, rid=rid, start=start, end=end) -> GaikoError:
            return task.error(reason, message, aid, task.region(rid, start, end))

        if not isinstance(rid, str) or not rid:
            raise fail("bad_region_id", f"region id must be a non-empty string, got {brief(rid)}")
        control = r.get("from_name")
        if control not in RESULT_TYPE_OF_CONTROL or r.get("to_name", TEXT_NAME) != TEXT_NAME:
            raise fail("unknown_control",
                       f"unknown control {brief(control)} (the project's labeling config is not the generated one)")
        if r.get("type") != RESULT_TYPE_OF_CONTROL[control]:
            raise fail("bad_result", f"control {brief(control)} gave a result of type {brief(r.get('type'))}")
        if not isinstance(value, dict):
            raise fail("bad_result", "result has no 'value' object")
        bad = span_problem(start, end, task.raw_text, check_mention=False)
        if bad == "offsets_not_integers":
            raise fail(bad, f"start/end must be integers, got {brief(start)}/{brief(end)}")
        if bad == "offsets_out_of_range":
            raise fail(bad, f"region {start}-{end} is empty or outside the text (length {len(task.raw_text)})")
        span_text = task.raw_text[start:end]
        shown = value.get("text")
        if isinstance(shown, str) and shown != span_text:
            # Only whitespace collapsed inside the span (Label Studio does that) leaves the offsets right;
            # whitespace gained or lost at an edge means the span is not what the annotator saw.
            inner = shown == shown.strip() and span_text == span_text.strip()
            if not inner or _collapse(shown) != _collapse(span_text):
                raise fail("text_mismatch", f"value.text {brief(shown)} != text[{start}:{end}] {brief(span_text)}")
            report.whitespace_mismatches += 1
        region = regions.setdefault(rid, {"start": start, "end": end})
        if (region["start"], region["end"]) != (start, end):
            raise fail("region_disagrees",
                       f"results of one region disagree on its offsets ({region['start']}-{region['end']} "
                       f"and {start}-{end})")
        if control in region:
            raise fail("region_disagrees", f"region has two {control!r} results")
        if control in LABELS_OF_CONTROL:
            region[control] = _single(value.get("labels"), LABELS_OF_CONTROL[control], f"{control} label",
                                      UNKNOWN_LABEL_OF_CONTROL[control], fail)
        elif control == REALIS_CONTROL:
            region[control] = _single(value.get("choices"), schema.REALIS_VALUES, "realis", "unknown_realis", fail)
        else:
            region[control] = _entity_id(value.get("text"), fail)

    def named(rid: str) -> str:
        return task.region(rid, regions[rid]["start"], regions[rid]["end"]) if rid in regions else task.region(rid)

    for rid, region in regions.items():
        if ENTITY_CONTROL in region and TRIGGER_CONTROL in region:
            raise task.error("entity_and_trigger",
                             f"region has both an entity label ({region[ENTITY_CONTROL]}) and a trigger label "
                             f"({region[TRIGGER_CONTROL]}), e.g. from a label hotkey pressed while it was "
                             "selected; remove one label and label that span again as a separate region",
                             aid, named(rid))
        if ENTITY_CONTROL not in region and TRIGGER_CONTROL not in region:
            raise task.error("unlabelled_region",
                             "per-region result for a region that has no entity or trigger label", aid, named(rid))
        if REALIS_CONTROL in region and TRIGGER_CONTROL not in region:
            raise task.error("misplaced_realis",
                             f"realis {region[REALIS_CONTROL]} on a {region[ENTITY_CONTROL]} mention, e.g. from a "
                             "realis hotkey pressed while it was selected; remove it (the realis applies to "
                             "triggers only)", aid, named(rid))
        if TRIGGER_CONTROL in region and REALIS_CONTROL not in region:
            raise task.error("missing_realis",
                             f"{region[TRIGGER_CONTROL]} trigger has no realis; choose one", aid, named(rid))
        if region.get(ENTITY_ID_CONTROL) and region.get(ENTITY_CONTROL) not in schema.COREF_LABELS:
            raise task.error("entity_id_not_allowed",
                             f"entity id {region[ENTITY_ID_CONTROL]!r} on a region that is not a mention of "
                             f"a type with entity ids ({', '.join(sorted(schema.COREF_LABELS))})", aid, named(rid))

    def span(region: dict) -> tuple[int, int]:
        return task.shift(region["start"]), task.shift(region["end"])

    mention_regions = sorted((rid for rid, g in regions.items() if ENTITY_CONTROL in g),
                             key=lambda rid: (*span(regions[rid]), schema.ENTITY_INDEX[regions[rid][ENTITY_CONTROL]]))
    for a, b in overlaps(mention_regions, lambda rid: span(regions[rid]), drop=False):
        raise task.error("overlapping_entities", f"mention overlaps mention region {named(a)}; mentions are flat",
                         aid, named(b))
    mention_ids = {rid: f"m{i}" for i, rid in enumerate(mention_regions, start=1)}
    trigger_regions = sorted((rid for rid, g in regions.items() if TRIGGER_CONTROL in g),
                             key=lambda rid: (*span(regions[rid]), schema.EVENT_INDEX[regions[rid][TRIGGER_CONTROL]]))
    arguments: dict[str, list[tuple[str, str]]] = {rid: [] for rid in trigger_regions}

    for rel in relations:
        ends = (rel.get("from_id"), rel.get("to_id"))
        where = f"relation {brief(ends[0])}→{brief(ends[1])}"
        for end in ends:
            if not isinstance(end, str):
                raise task.error("bad_region_id", f"{where}: region ids must be strings, got {brief(end)}", aid)
            if end not in regions:
                raise task.error("bad_relation", f"{where}: the region it points to is missing", aid, named(end))
        if rel.get("direction", "right") not in DIRECTIONS:
            raise task.error("bad_relation",
                             f"{where}: unknown direction {brief(rel.get('direction'))}", aid, named(ends[0]))
        # Oriented by its ends (no region is both a trigger and a mention), whatever its direction.
        fits = [(t, m) for t, m in (ends, ends[::-1]) if TRIGGER_CONTROL in regions[t] and ENTITY_CONTROL in regions[m]]
        if not fits:
            raise task.error("bad_relation",
                             f"{where} does not link an event trigger to a mention", aid, named(ends[0]))
        trigger, mention = fits[0]
        role = _single(rel.get("labels"), schema.ROLE_NAMES, "role", "unknown_role",
                       lambda reason, p: task.error(reason, f"{where}: {p}", aid, named(trigger)))
        label = regions[mention][ENTITY_CONTROL]
        if label not in schema.ROLE_ENTITY_TYPES[role]:
            raise task.error("role_type_mismatch",
                             f"{where}: a {role} cannot be a {label} mention", aid, named(mention))
        if (role, mention) in arguments[trigger]:
            raise task.error("duplicate_argument",
                             f"{where}: duplicate {role} relation to mention {named(mention)}", aid, named(trigger))
        arguments[trigger].append((role, mention))

    entities = []
    for rid in mention_regions:
        start, end = span(regions[rid])
        entities.append({"id": mention_ids[rid], "start": start, "end": end, "label": regions[rid][ENTITY_CONTROL],
                         "text": task.text[start:end], "entity_id": regions[rid].get(ENTITY_ID_CONTROL)})
    events = []
    for i, rid in enumerate(trigger_regions, start=1):
        start, end = span(regions[rid])
        args = sorted(arguments[rid], key=lambda a: argument_order(a[0], *span(regions[a[1]])))
        events.append({"id": f"e{i}", "type": regions[rid][TRIGGER_CONTROL], "realis": regions[rid][REALIS_CONTROL],
                       "trigger": {"start": start, "end": end, "text": task.text[start:end]},
                       "arguments": [{"role": role, "mention_id": mention_ids[m]} for role, m in args]})
    return {"id": task.doc_id, "title": task.data.get("title"), "text": task.text, "entities": entities,
            "events": events}


def lost_relations(task: ExportTask, raw_task: dict) -> list[str]:
    """Warnings for annotations that hold fewer relations than were pushed (to them, or to the prediction they
    were made from): the editor drops relations it cannot keep, and a pull should say so."""
    meta = raw_task.get("meta")
    pushed = meta.get(PUSHED_RELATIONS) if isinstance(meta, dict) else None
    if not isinstance(pushed, dict):
        return []
    warnings = []
    for a in raw_task.get("annotations") or []:
        if not isinstance(a, dict) or not isinstance(a.get("result"), list):
            continue
        held = sum(1 for r in a["result"] if isinstance(r, dict) and r.get("type") == "relation")
        for key in (f"annotation:{a.get('id')}", f"prediction:{a.get('parent_prediction')}"):
            if isinstance(pushed.get(key), int) and held < pushed[key]:
                source = key.replace(":", " ")
                warnings.append(f"{task.source}: task {task.id} ({task.doc_id}) annotation {a.get('id')}: holds "
                                f"{held} relations, {pushed[key]} were pushed to {source}; check its arguments")
    return warnings


def _choose_annotation(task: ExportTask, raw_task: dict, report: ConversionReport) -> dict | None:
    annotations = raw_task.get("annotations") or []
    if not isinstance(annotations, list) or not all(isinstance(a, dict) for a in annotations):
        raise task.error("not_a_list", "'annotations' is not a list of objects")
    for a in annotations:
        for flag in ("was_cancelled", "ground_truth"):
            if flag in a and type(a[flag]) is not bool:
                raise task.error("bad_flag", f"{flag!r} must be true or false, got {brief(a[flag])}", a.get("id"))
    live = [a for a in annotations if not a.get("was_cancelled")]
    report.cancelled_skipped += len(annotations) - len(live)
    report.drafts_ignored += len(raw_task.get("drafts") or [])
    report.predictions_ignored += len(raw_task.get("predictions") or [])
    truth = [a for a in live if a.get("ground_truth")]
    if len(truth) > 1:
        raise task.error("several_annotations",
                         f"{len(truth)} ground-truth annotations ({', '.join(str(a.get('id')) for a in truth)}); "
                         f"keep one: gaiko ls adjudicate {task.doc_id} --annotation ID")
    if truth:
        report.ground_truth_used += 1
        report.superseded_by_ground_truth += len(live) - 1
        return truth[0]
    if len(live) > 1:
        raise task.error("several_annotations", f"{len(live)} annotations by different annotators "
                         f"({', '.join(str(a.get('id')) for a in live)}); adjudicate: gaiko ls adjudicate "
                         f"{task.doc_id} --annotation ID")
    return live[0] if live else None


def convert_export(export: Any, source: str, documents: dict[str, dict] | None = None,
                   require_complete: bool = False) -> Conversion:
    """Gold documents from a Label Studio JSON export, with the counts of what was used and skipped.

    `documents` (clean documents by id) adds their metadata and checks that each task shows exactly the
    clean text; `require_complete` makes an unannotated task an error instead of a counted omission.
    """
    if not isinstance(export, list):
        raise Problem(None, "a Label Studio JSON export is a list of tasks", "not_a_task_list").error(source)
    report, docs, seen = ConversionReport(tasks=len(export)), [], {}
    for raw_task in export:
        task = ExportTask(raw_task, source)
        if task.doc_id in seen:
            raise task.error("duplicate_task", f"document {brief(task.doc_id)} is also task {seen[task.doc_id]}")
        seen[task.doc_id] = task.id
        report.newline_tasks += task.text != task.raw_text
        expected = task.data.get("text_sha256")
        if expected is not None and expected != text_sha256(task.text):
            raise task.error("text_changed", "text differs from the text it was imported with (text_sha256 mismatch)")
        clean = None
        if documents is not None:
            clean = documents.get(task.doc_id)
            if clean is None:
                raise task.error("unknown_document", f"no clean document {brief(task.doc_id)}")
            if clean["text"] != task.text:
                raise task.error("text_changed",
                                 f"text differs from the clean document (sha256 {text_sha256(task.text)[:12]} "
                                 f"vs {text_sha256(clean['text'])[:12]}); re-import the task")
        report.relation_losses.extend(lost_relations(task, raw_task))
        annotation = _choose_annotation(task, raw_task, report)
        if annotation is None:
            if require_complete:
                cancelled, predicted = len(raw_task.get("annotations") or []), len(raw_task.get("predictions") or [])
                raise task.error("not_annotated",
                                 f"no usable annotation ({cancelled} cancelled; {predicted} pre-annotations, "
                                 "which are never gold)")
            report.unannotated.append(task.doc_id)
            continue
        doc = annotation_to_document(task, annotation, report)
        if clean is not None:
            doc = {**clean, "entities": doc["entities"], "events": doc["events"]}
        problems = validate_document(doc)
        if problems:
            raise task.error(problems[0].reason, str(problems[0]), annotation.get("id"))
        report.annotations_used += 1
        report.mentions += len(doc["entities"])
        report.events += len(doc["events"])
        report.arguments += sum(len(e["arguments"]) for e in doc["events"])
        docs.append(doc)
    docs.sort(key=lambda d: d["id"])
    return Conversion(docs, report)


def _region(rid: str, control: str, start: int, end: int, text: str | list[str], **value: Any) -> dict:
    """One region result; a TextArea's `text` is its list of entered strings, the others repeat the span."""
    return {"id": rid, "from_name": control, "to_name": TEXT_NAME, "type": RESULT_TYPE_OF_CONTROL[control],
            "value": {"start": start, "end": end, "text": text, **value}}


def _relations(trigger_id: str, arguments: list[tuple[str, str]], where: str,
               dropped: list[str] | None = None) -> list[dict]:
    """Relations of one trigger to its (role, mention region id) arguments, in a form the editor keeps.

    Label Studio keeps one relation per ordered pair of regions (a second one is dropped on load), so a
    second role on the same mention is drawn the other way, mention → trigger; direction "left" still shows
    the arrow on the mention, and the converter orients a relation by its ends. A third role cannot be kept:
    an error, or (pre-annotations) described in `dropped`.
    """
    relations, seen = [], {}
    for role, mention_id in arguments:
        seen[mention_id] = seen.get(mention_id, 0) + 1
        if seen[mention_id] == 1:
            relations.append({"from_id": trigger_id, "to_id": mention_id, "type": "relation", "direction": "right",
                              "labels": [role]})
        elif seen[mention_id] == 2:
            relations.append({"from_id": mention_id, "to_id": trigger_id, "type": "relation", "direction": "left",
                              "labels": [role]})
        elif dropped is not None:
            dropped.append(f"{where}: event {trigger_id}: {role} of region {mention_id}")
        else:
            raise Problem(None, f"event {trigger_id} has three roles on one mention; Label Studio keeps at most two "
                          "relations between two regions (one each way)", "too_many_roles", where=where).error()
    return relations


def documents_to_results(doc: dict) -> list[dict]:
    """Label Studio results that convert back to exactly this (valid) gold document."""
    mention_ids = {m["id"] for m in doc["entities"]}
    clash = mention_ids & {e["id"] for e in doc["events"]}
    if clash:
        raise Problem(None, f"ids {sorted(clash)} name both a mention and an event", "id_clash",
                      where=f"document {doc['id']!r}").error()
    results = []
    for m in doc["entities"]:
        results.append(_region(m["id"], ENTITY_CONTROL, m["start"], m["end"], m["text"], labels=[m["label"]]))
        if m.get("entity_id"):
            results.append(_region(m["id"], ENTITY_ID_CONTROL, m["start"], m["end"], [m["entity_id"]]))
    for ev in doc["events"]:
        t = ev["trigger"]
        results.append(_region(ev["id"], TRIGGER_CONTROL, t["start"], t["end"], t["text"], labels=[ev["type"]]))
        results.append(_region(ev["id"], REALIS_CONTROL, t["start"], t["end"], t["text"], choices=[ev["realis"]]))
        results.extend(_relations(ev["id"], [(a["role"], a["mention_id"]) for a in ev["arguments"]],
                                  f"document {doc['id']!r}"))
    return results


def predictions_to_results(text: str, prediction: dict, where: str, dropped: list[str]) -> list[dict]:
    """Pre-annotations from one predictions record; an argument span that is no predicted entity becomes a
    mention of the first type its role allows (annotators correct it). A third role of one event on one span
    cannot be shown (Label Studio keeps two relations per pair of regions): it is described in `dropped`."""

    def span(obj: Any, what: str) -> tuple[int, int]:
        start, end = (obj.get("start"), obj.get("end")) if isinstance(obj, dict) else (None, None)
        if bad := span_problem(start, end, text, check_mention=False):
            raise fail(bad, f"{what} has bad offsets {brief(start)}-{brief(end)} (text length {len(text)})")
        return start, end

    def known(value: Any, allowed: tuple[str, ...], what: str, reason: str) -> str:
        if value not in allowed:
            raise fail(reason, f"unknown {what} {brief(value)}")
        return value

    def fail(reason: str, message: str) -> GaikoError:
        return Problem(None, message, reason, where=where).error()

    results, mention_at = [], {}
    for i, ent in enumerate(prediction.get("entities") or []):
        start, end = span(ent, f"entity {i}")
        rid = f"m{i + 1}"
        label = known(ent.get("label"), schema.ENTITY_LABELS, "entity label", "unknown_label")
        results.append(_region(rid, ENTITY_CONTROL, start, end, text[start:end], labels=[label]))
        mention_at.setdefault((start, end), rid)
    relations = []  # (trigger region, its (role, mention region) arguments)
    for i, ev in enumerate(prediction.get("events") or []):
        if not isinstance(ev, dict):
            raise fail("not_an_object", f"event {i} is not an object")
        start, end = span(ev.get("trigger"), f"event {i} trigger")
        rid = f"e{i + 1}"
        results.append(_region(rid, TRIGGER_CONTROL, start, end, text[start:end],
                               labels=[known(ev.get("type"), schema.EVENT_LABELS, "event type", "unknown_event_type")]))
        if ev.get("realis") is not None:
            results.append(_region(rid, REALIS_CONTROL, start, end, text[start:end],
                                   choices=[known(ev["realis"], schema.REALIS_VALUES, "realis", "unknown_realis")]))
        arguments = []
        for j, arg in enumerate(ev.get("arguments") or []):
            a_span = span(arg, f"event {i} argument {j}")
            role = known(arg.get("role"), schema.ROLE_NAMES, "role", "unknown_role")
            if a_span not in mention_at:
                mention_at[a_span] = f"a{len(mention_at) + 1}"
                results.append(_region(mention_at[a_span], ENTITY_CONTROL, *a_span, text[slice(*a_span)],
                                       labels=[DEFAULT_ARGUMENT_TYPE[role]]))
            arguments.append((role, mention_at[a_span]))
        relations.extend(_relations(rid, arguments, where, dropped))
    return results + relations
