"""Problems of input records: one shape for every reader, and the registry of their reason codes.

The gold document validator (`gaiko.documents`), the predictions reader (`gaiko.predictions`), the Label
Studio export converter (`gaiko.annotation.convert`) and the sheet reader (`gaiko.annotation.sheets`) all
describe what is wrong with their input as `Problem`s: where it is (a file and line, or a record and the
part of it: a task, an annotation, a region, a mention), a stable reason code, a readable message, and the
items it rejects. A reader that stops at the first problem raises it as one `GaikoError` line
(`Problem.error`); one that collects them reports the first with `first_and_more`.

Reason codes are listed once, in `REASONS` (code → what it means), the way Universal Dependencies'
`validate.py` keeps its test ids: a code is counted in reports (`rejection_counts`), so it never changes
meaning, and a code that is not registered is refused when a problem is made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gaiko.io import GaikoError, printable

# code → what it means. Codes are shared by the readers: one code means one thing whichever reader finds it.
REASONS: dict[str, str] = {
    # the file and its lines
    "not_utf8": "the file or a line is not UTF-8",
    "bom": "the file, or a line inside it, starts with a UTF-8 byte order mark",
    "invalid_json": "a line is not valid JSON",
    "empty": "the file holds no record at all",
    "not_an_object": "a record or an item is not a JSON object",
    "not_a_list": "a field that holds a list holds something else",
    "unknown_field": "a record or an item has a field the format does not define",
    "missing_id": "a record has no (string, non-empty) id",
    "duplicate_document": "a second record for one document",
    "unknown_document": "a record for a document that is not in the gold (or the corpus)",
    # text and offsets
    "text_not_string": "a document's text is not a string",
    "carriage_return": "a document's text contains a carriage return",
    "annotations_not_list": "a gold document's entities or events are not a list",
    "control_character": "a document's text holds a control character other than newline and tab, or an id or "
                         "metadata field holds one",
    "bad_alignment": "a raw_alignment entry that is not a non-empty run of the text, after the one before",
    "metadata_not_string": "a gold document's metadata field (title, url, date, ...) is not a string or null",
    "offsets_not_integers": "a span's start or end is not an integer",
    "offsets_out_of_range": "a span is empty or lies outside the text",
    "text_mismatch": "a span's text differs from the document text at its offsets",
    # mentions
    "unknown_label": "an entity label that is not in the schema",
    "overlapping_entities": "two entity mentions overlap; mentions are flat",
    "duplicate_entity": "two entity mentions with the same offsets",
    "duplicate_mention_id": "two mentions of one document share an id",
    "entity_id_not_allowed": "an entity id on a mention of a type that has none",
    "bad_entity_id": "an entity id that is not lower_snake_case ASCII",
    "several_entity_ids": "one region carries several entity ids",
    # events
    "unknown_event_type": "an event type that is not in the schema",
    "unknown_realis": "a realis value that is not in the schema",
    "missing_realis": "an event trigger without a realis",
    "misplaced_realis": "a realis on a region that is not an event trigger",
    "missing_trigger": "an event without a trigger",
    "duplicate_event": "two events of one type on one trigger",
    "duplicate_event_id": "two events of one document share an id",
    "unknown_role": "an argument role that is not in the schema",
    "unknown_mention": "an argument that points to no mention of the document",
    "role_type_mismatch": "an argument whose mention has a type its role does not allow",
    "duplicate_argument": "one event has the same argument twice",
    "too_many_roles": "one event has more than two roles on one mention (Label Studio keeps two)",
    # Label Studio exports
    "not_a_task_list": "an export is not a list of tasks",
    "bad_task_data": "a task's data lacks its text or its document id",
    "duplicate_task": "two tasks show one document",
    "text_changed": "a task's text differs from the text it was imported with, or from the clean document",
    "not_annotated": "a task has no usable annotation",
    "several_annotations": "a task has several annotations and none of them (or several) is the ground truth",
    "bad_flag": "an annotation flag that is not true or false",
    "bad_result": "a result that is not what the generated labeling config produces",
    "bad_region_id": "a region id that is not a non-empty string",
    "unknown_control": "a result from a control the generated labeling config does not have",
    "region_disagrees": "the results of one region disagree (offsets, or a second result of one control)",
    "entity_and_trigger": "one region labelled both as an entity mention and as an event trigger",
    "unlabelled_region": "a per-region result on a region without an entity or trigger label",
    "bad_relation": "a relation that does not link an event trigger to a mention",
    "id_clash": "one id names both a mention and an event",
    # annotation sheets
    "missing_header": "a sheet has no '# document: ID' header or names an unknown document",
    "unknown_paragraph": "a sheet names a paragraph the text does not have",
    "item_before_paragraph": "a sheet item before the first paragraph line",
    "surface_not_found": "a sheet item's surface does not occur in the rest of its paragraph",
    "bad_sheet_line": "a sheet line that is not a mention or trigger line",
}


@dataclass(frozen=True)
class Problem:
    """One problem of an input record.

    `line` is the line of `file` (when the input has lines), `where` the part of the record it is about
    (`entity m3`, `task 7 (doc) annotation 12 region ...`), `reason` a code of `REASONS`, and `rejected`
    the (item kind, how many) it drops, for readers that keep the valid remainder.
    """

    line: int | None
    message: str
    reason: str
    rejected: tuple[tuple[str, int], ...] = ()
    file: str = ""
    where: str = ""

    def __post_init__(self) -> None:
        if self.reason not in REASONS:
            raise ValueError(f"unregistered problem reason {self.reason!r}; add it to gaiko.problems.REASONS")

    def __str__(self) -> str:
        """The problem without its file and line: `where: message`."""
        return f"{self.where}: {self.message}" if self.where else self.message

    def format(self, file: str | Path | None = None) -> str:
        """One line, `file:line: where: message`; the problem's own file, when it has one, wins over `file`."""
        file = self.file or file
        prefix = "" if file is None or file == "" else f"{file}:{self.line}: " if self.line is not None else f"{file}: "
        return printable(f"{prefix}{self}")  # one line, whatever the input held

    def record(self) -> dict[str, Any]:
        """The problem as a JSON object: line, message, reason, rejected, and its file and where when it has them."""
        out: dict[str, Any] = {"line": self.line, "message": self.message, "reason": self.reason,
                               "rejected": self.rejected}
        if self.file:
            out["file"] = self.file
        if self.where:
            out["where"] = self.where
        return out

    def error(self, file: str | Path | None = None, more: str = "") -> GaikoError:
        """The problem as the error a reader raises (`more`: e.g. `and_more(...)` appended to it)."""
        file = self.file or file
        return GaikoError(f"{self}{more}", file if file != "" else None, self.line)


def and_more(count: int, noun: str = "", plural: str | None = None, hint: str = "") -> str:
    """' (and 3 more)', ' (and 1 more problem; hint)', or '' when there is nothing more: what follows the first
    of several problems. `noun` is said after the count (`plural`, default `noun`, when it is above one)."""
    if count <= 0:
        return ""
    word = noun if count == 1 else (plural if plural is not None else noun)
    return f" (and {count} more{' ' + word if word else ''}{'; ' + hint if hint else ''})"


def first_and_more(problems: Sequence[Any], noun: str = "", plural: str | None = None, hint: str = "",
                   show: Callable[[Any], str] = str) -> str:
    """The first problem (as `show` writes it) and how many more there are (`and_more`)."""
    return show(problems[0]) + and_more(len(problems) - 1, noun, plural, hint)
