"""Push documents, pre-annotations and typed gold into a Label Studio project, and pull its export back.

Everything goes through label-studio-sdk. The server URL and token come only from the environment
(LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY, or LABEL_STUDIO_USER_TOKEN); the token is never printed, and SDK
errors are re-raised as one line without request or response headers.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError

from gaiko.annotation.convert import (PUSHED_RELATIONS, Conversion, ConversionReport, ExportTask,
                                      annotation_to_document, convert_export, documents_to_results,
                                      predictions_to_results, task_data, text_sha256)
from gaiko.annotation.labeling import DEFAULT_PROJECT, labeling_config
from gaiko.corpus import clean_documents
from gaiko.documents import load_documents
from gaiko.io import GaikoError, write_text_atomic
from gaiko.predictions import clean_records
from gaiko.predictions import load_predictions as read_checked
from gaiko.problems import first_and_more

URL_ENV = "LABEL_STUDIO_URL"
TOKEN_ENVS = ("LABEL_STUDIO_API_KEY", "LABEL_STUDIO_USER_TOKEN")


def _token() -> str | None:
    return next((os.environ[name] for name in TOKEN_ENVS if os.environ.get(name)), None)


def _scrub(message: str) -> str:
    token = _token()
    return message.replace(token, "***") if token else message


@contextmanager
def api(action: str) -> Iterator[None]:
    """Turn SDK and network failures into one GaikoError line (status and body, never headers or token)."""
    try:
        yield
    except ApiError as e:
        body = e.body if isinstance(e.body, str) else json.dumps(e.body, ensure_ascii=False, default=str)
        body = " ".join(_scrub(body).split())[:500]  # scrubbed before it is cut: no token prefix survives
        raise GaikoError(_scrub(f"cannot {action}: Label Studio answered HTTP {e.status_code}: {body}")) from None
    except httpx.HTTPError as e:
        raise GaikoError(_scrub(f"cannot {action}: {type(e).__name__}: {e}")) from None


def connect() -> LabelStudio:
    url, token = os.environ.get(URL_ENV), _token()
    if not url or not token:
        raise GaikoError(f"set {URL_ENV} and {TOKEN_ENVS[0]} (or {TOKEN_ENVS[1]}) in the environment")
    client = LabelStudio(base_url=url, api_key=token)
    with api(f"connect to Label Studio at {url}"):
        client.users.whoami()
    return client


def find_project(client: LabelStudio, title: str) -> int | None:
    with api(f"list projects titled {title!r}"):
        matches = [p.id for p in client.projects.list(title=title) if p.title == title]
    if len(matches) > 1:
        raise GaikoError(f"{len(matches)} projects are titled {title!r} (ids {matches}); rename all but one")
    return matches[0] if matches else None


def ensure_project(client: LabelStudio, title: str) -> tuple[int, str]:
    """The project's id, created with the generated config or brought up to date with it."""
    config = labeling_config()
    project_id = find_project(client, title)
    if project_id is None:
        with api(f"create project {title!r}"):
            return client.projects.create(title=title, label_config=config).id, "created"
    with api(f"read project {title!r}"):
        current = client.projects.get(id=project_id).label_config
    if current.strip() == config.strip():  # the server drops the final newline
        return project_id, "unchanged"
    with api(f"update the labeling config of project {title!r}"):
        client.projects.update(id=project_id, label_config=config)
    return project_id, "config updated"


def tasks_by_doc_id(client: LabelStudio, project_id: int) -> dict[str, Any]:
    tasks: dict[str, Any] = {}
    with api("list tasks"):
        for task in client.tasks.list(project=project_id):
            doc_id = (task.data or {}).get("doc_id")
            if doc_id in tasks:
                raise GaikoError(f"tasks {tasks[doc_id].id} and {task.id} both show document {doc_id!r}")
            tasks[doc_id] = task
    return tasks


def _user_id(client: LabelStudio, email: str) -> int:
    """The id of the annotator with this email, creating the user if needed."""
    with api("list users"):
        for user in client.users.list():
            if user.email == email:
                return user.id
    with api(f"create user {email}"):
        return client.users.create(username=email, email=email).id


def load_predictions(path: str | Path, documents: list[dict]) -> dict[str, dict]:
    """Predictions by document id; any problem the harness would report is an error here (nothing pushed)."""
    return _checked(read_checked(path, documents), path)


def checked_predictions(predictions: list[dict], documents: list[dict], source: str) -> dict[str, dict]:
    """Predictions made by the caller (an extractor run on `documents`) by document id, checked like a
    predictions file; `source` names them in an error."""
    return _checked(clean_records(list(enumerate(predictions, start=1)), documents), source)


def _checked(predictions, source: str | Path) -> dict[str, dict]:
    if predictions.problems:
        raise GaikoError(first_and_more(predictions.problems, "problems", show=lambda p: p.format(source)))
    return predictions.by_id


@dataclass
class PushReport:
    project_id: int
    project: str
    tasks_created: int = 0
    tasks_present: int = 0
    predictions_created: int = 0
    predictions_present: int = 0
    annotations_created: int = 0
    annotations_present: int = 0
    annotations_updated: int = 0
    regions: int = 0
    roles_dropped: list[str] = field(default_factory=list)  # predicted third roles on one pair: not shown


def push(client: LabelStudio, documents: list[dict], title: str = DEFAULT_PROJECT,
         predictions: dict[str, dict] | None = None, model_version: str | None = None,
         gold: list[dict] | None = None, annotator: str | None = None, ground_truth: bool = False) -> PushReport:
    """Create or update the project idempotently: tasks are matched by doc_id, a prediction by its
    model_version and an annotation by its annotator, so re-running adds nothing twice; an annotator's
    annotation whose spans or events differ from the pushed gold is updated in place."""
    project_id, state = ensure_project(client, title)
    report = PushReport(project_id, f"{title} ({state})")
    existing = tasks_by_doc_id(client, project_id)
    for doc in documents:
        task = existing.get(doc["id"])
        if task is not None and task.data.get("text_sha256") != text_sha256(doc["text"]):
            raise GaikoError(f"task {task.id} shows another text of document {doc['id']!r}; delete the task first")
    new = [{"data": task_data(doc)} for doc in documents if doc["id"] not in existing]
    if new:
        with api("import tasks"):
            client.projects.import_tasks(id=project_id, request=new)
    report.tasks_created, report.tasks_present = len(new), len(documents) - len(new)
    tasks = tasks_by_doc_id(client, project_id)
    texts = {doc["id"]: doc["text"] for doc in documents}

    for doc_id, prediction in (predictions or {}).items():
        task = tasks[doc_id]
        with api(f"list predictions of task {task.id}"):
            present = any(p.model_version == model_version for p in client.predictions.list(task=task.id))
        if present:
            report.predictions_present += 1
            continue
        result = predictions_to_results(texts[doc_id], prediction, f"prediction {doc_id!r}",
                                        report.roles_dropped)
        with api(f"create a prediction for task {task.id}"):
            created = client.predictions.create(task=task.id, result=result, model_version=model_version)
        _record_relations(client, task, f"prediction:{created.id}", result)
        report.predictions_created += 1

    if gold:
        user_id = _user_id(client, annotator)
        for doc in gold:
            task = tasks.get(doc["id"])
            if task is None or task.data.get("text_sha256") != text_sha256(doc["text"]):
                raise GaikoError(f"gold document {doc['id']!r} has no task with the same text; push its clean "
                                 "document first")
            with api(f"list annotations of task {task.id}"):
                mine = [a for a in client.annotations.list(id=task.id) if a.completed_by == user_id]
            result = documents_to_results(doc)
            if mine and _same_annotation(task, mine[0], doc):
                report.annotations_present += 1
                continue
            if mine:
                with api(f"update annotation {mine[0].id} of task {task.id}"):
                    client.annotations.update(id=mine[0].id, result=result, ground_truth=ground_truth)
                annotation_id = mine[0].id
                report.annotations_updated += 1
            else:
                with api(f"create an annotation for task {task.id}"):
                    annotation_id = client.annotations.create(
                        id=task.id, result=result, completed_by=user_id, ground_truth=ground_truth,
                        was_cancelled=False, lead_time=0).id
                report.annotations_created += 1
            _record_relations(client, task, f"annotation:{annotation_id}", result)
            report.regions += sum(1 for r in result if r["type"] in ("labels", "relation"))
    return report


def _record_relations(client: LabelStudio, task: Any, key: str, result: list[dict]) -> None:
    """Keep in the task's meta how many relations a pushed annotation or prediction held, so that a pull can
    tell when the editor dropped some (see `convert.lost_relations`)."""
    with api(f"read task {task.id}"):
        meta = dict(client.tasks.get(id=task.id).meta or {})
    pushed = dict(meta.get(PUSHED_RELATIONS) or {})
    pushed[key] = sum(1 for r in result if r["type"] == "relation")
    with api(f"update the meta of task {task.id}"):
        client.tasks.update(id=task.id, meta={**meta, PUSHED_RELATIONS: pushed})


def _same_annotation(task: Any, annotation: Any, doc: dict) -> bool:
    """Whether a stored annotation holds exactly the gold document's mentions and events, in a form the editor
    keeps (one relation per ordered pair of regions: an older push may have stored two)."""

    data = annotation.model_dump()
    pairs = [(r.get("from_id"), r.get("to_id")) for r in data.get("result") or [] if r.get("type") == "relation"]
    if len(pairs) != len(set(pairs)):
        return False
    stored = annotation_to_document(ExportTask({"id": task.id, "data": task.data}, "Label Studio"), data,
                                    ConversionReport())
    return (stored["entities"], stored["events"]) == (doc["entities"], doc["events"])


def live_export(client: LabelStudio, title: str = DEFAULT_PROJECT) -> list[dict]:
    """The project's full JSON export, as the server gives it now."""
    project_id = find_project(client, title)
    if project_id is None:
        raise GaikoError(f"no project titled {title!r}")
    with api(f"export project {title!r}"):
        return client.projects.exports.as_json(project_id)


def pull(client: LabelStudio, out: str | Path, title: str = DEFAULT_PROJECT,
         documents: list[dict] | None = None) -> Conversion:
    """Export the project as full JSON (the only export that keeps relations), convert and validate it,
    then write it to `out` in one rename: an export that does not convert replaces nothing."""
    export = live_export(client, title)
    by_id = None if documents is None else {d["id"]: d for d in documents}
    conversion = convert_export(export, f"export of project {title!r}", by_id)
    write_text_atomic(out, json.dumps(export, ensure_ascii=False, indent=1) + "\n")
    return conversion


def clean_or_given_documents(path: str | Path | None) -> list[dict]:
    """The documents to annotate: a documents JSONL file, or the corpus's clean documents."""
    if path is not None:
        return [{**d, "entities": [], "events": []} for d in load_documents(path)]

    return clean_documents()


@dataclass
class Adjudication:
    task_id: int
    doc_id: str
    annotations: list[dict]  # every annotation of the task: id, annotator, cancelled, ground_truth, counts
    chosen: int | None = None
    unset: list[int] | None = None


def adjudicate(client: LabelStudio, doc_id: str, title: str = DEFAULT_PROJECT, annotation_id: int | None = None,
               annotator: str | None = None) -> Adjudication:
    """Make one annotation of a document's task its ground truth (and no other), through the API: the
    Community edition's editor has no ground-truth control. With neither `annotation_id` nor `annotator`,
    only list the task's annotations. The chosen annotation must convert, so the next pull can use it."""

    project_id = find_project(client, title)
    if project_id is None:
        raise GaikoError(f"no project titled {title!r}")
    task = tasks_by_doc_id(client, project_id).get(doc_id)
    if task is None:
        raise GaikoError(f"project {title!r} has no task for document {doc_id!r}")
    with api(f"list annotations of task {task.id}"):
        annotations = [a.model_dump() for a in client.annotations.list(id=task.id)]
    with api("list users"):
        emails = {u.id: u.email for u in client.users.list()}
    export_task = ExportTask({"id": task.id, "data": task.data}, f"task {task.id}")
    rows = []
    for a in annotations:
        row = {"id": a["id"], "annotator": emails.get(a["completed_by"], str(a["completed_by"])),
               "cancelled": bool(a.get("was_cancelled")), "ground_truth": bool(a.get("ground_truth")),
               "problem": None}
        try:
            doc = annotation_to_document(export_task, a, ConversionReport())
            row.update(mentions=len(doc["entities"]), events=len(doc["events"]),
                       arguments=sum(len(e["arguments"]) for e in doc["events"]))
        except GaikoError as e:
            row["problem"] = str(e)
        rows.append(row)
    result = Adjudication(task.id, doc_id, rows)
    if annotation_id is None and annotator is None:
        return result
    if annotation_id is not None and annotator is not None:
        raise GaikoError("give --annotation ID or --annotator EMAIL, not both")
    live = [r for r in rows if not r["cancelled"]]
    if annotation_id is not None:
        picked, what = [r for r in live if r["id"] == annotation_id], f"annotation {annotation_id}"
    else:
        picked, what = [r for r in live if r["annotator"] == annotator], f"annotation by {annotator}"
    if len(picked) != 1:
        known = ", ".join(f"{r['id']} ({r['annotator']})" for r in live) or "none"
        count = f"{len(picked)} annotations by {annotator}" if picked else f"no {what}"
        raise GaikoError(f"task {task.id} ({doc_id}) has {count} (cancelled ones do not count); choose by "
                         f"--annotation ID among: {known}")
    (chosen,) = picked
    if chosen["problem"]:
        raise GaikoError(f"annotation {chosen['id']} does not convert, so it cannot be the gold: {chosen['problem']}")
    result.chosen, result.unset = chosen["id"], [r["id"] for r in rows if r["ground_truth"] and r is not chosen]
    for other in result.unset:
        with api(f"unset the ground truth of annotation {other}"):
            client.annotations.update(id=other, ground_truth=False)
    with api(f"set annotation {chosen['id']} as the ground truth"):
        client.annotations.update(id=chosen["id"], ground_truth=True)
    for r in rows:
        r["ground_truth"] = r is chosen
    return result
