"""The dataset card (`dataset/README.md`): Hub template sections, with every table generated."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from gaiko import schema
from gaiko.columns import gold_side, gold_views
from gaiko.dataset import CONFIGS, folds, statistics
from gaiko.manifest import SPLIT_POLICY, SPLITS
from gaiko.paths import AGREEMENT_FILE, CARD_NOTES, GUIDELINES_FILE
from gaiko.tables import NONE, markdown_lines, number_or_none
from gaiko.text import sentence_index, sentences
from gaiko.tuples import EVENT_METRIC_TUPLES, event_tuples


def _table(header: list[str], rows: list[list]) -> str:
    return "\n".join(markdown_lines(header, [[str(c) for c in row] for row in rows]))


def entity_table() -> str:
    return _table(["label", "definition", "canonical id"],
                  [[t.name, t.description, "yes" if t.coref else "no"] for t in schema.ENTITY_TYPES])


def event_table() -> str:
    return _table(["type", "definition"], [[t.name, t.description] for t in schema.EVENT_TYPES])


# `license: other` needs a name and a file: the annotations are CC BY 4.0, the texts stay the publishers'.
LICENSE_FILE = "LICENSE.md"
LICENSE_TEXT = """# Licence of the gaiko dataset

- **Annotations** (offsets, labels, entity ids, events, arguments, splits): Creative Commons
  Attribution 4.0 International (CC BY 4.0), https://creativecommons.org/licenses/by/4.0/.
- **Article texts** (`text`, `title`, and the `tokens`, `sentence`, `context` and `text` fields cut from
  them): copyright of their publishers (see the card's "Dataset Sources"). They are **not** relicensed;
  they are included, cleaned and attributed, for research evaluation only. Check the publishers' terms
  before any other use. A publisher who wants a text removed is answered as the card's "Contact and
  takedown" says.
"""


def _arrow_bytes(rows: list[dict], features) -> int:
    """A split's `num_bytes` for the card: its Arrow table's size (`datasets` recounts it when it loads;
    the Hub's `splits` entries need the field)."""
    import pyarrow as pa

    return pa.Table.from_pylist(rows, schema=features.arrow_schema).nbytes


def _yaml_header(rows: dict, features: dict) -> str:

    header = {
        "pretty_name": "gaiko: Japanese diplomacy news with entities and PLOVER events",
        "language": ["ja"],
        "annotations_creators": ["expert-generated"],
        "language_creators": ["found"],
        "multilinguality": ["monolingual"],
        "source_datasets": ["original"],
        "license": "other",
        "license_name": "cc-by-4.0-annotations-publisher-texts",
        "license_link": LICENSE_FILE,
        "task_categories": ["token-classification"],
        "task_ids": ["named-entity-recognition"],
        "tags": ["event-extraction", "plover", "coreference", "news", "japanese", "diplomacy"],
        "size_categories": ["n<1K"],
        "configs": [
            {"config_name": c, **({"default": True} if c == "documents" else {}),
             # a split without rows is left out: `datasets` refuses an empty data file
             "data_files": [{"split": s, "path": f"data/{c}/{s}.parquet"} for s in SPLITS if rows[c][s]]}
            for c in CONFIGS if any(rows[c].values())
        ],
        "dataset_info": [{"config_name": c, "features": features[c]._to_yaml_list(),
                          "splits": [{"name": s, "num_bytes": _arrow_bytes(rows[c][s], features[c]),
                                      "num_examples": len(rows[c][s])} for s in SPLITS if rows[c][s]]}
                         for c in CONFIGS if any(rows[c].values())],
    }
    return "---\n" + yaml.safe_dump(header, allow_unicode=True, sort_keys=False, width=120) + "---\n"


def _statistics_section(rows: dict) -> str:

    stats = statistics(rows)
    cols = [*SPLITS, "total"]

    def counter_rows(key: str, names: tuple[str, ...]) -> list[list]:
        out = []
        for name in names:
            values = [stats[s][key][name] for s in SPLITS]
            out.append([name, *values, sum(values)])
        out.append(["**all**", *(sum(stats[s][key].values()) for s in SPLITS),
                    sum(sum(stats[s][key].values()) for s in SPLITS)])
        return out

    scalar = [[k, *(stats[s][k] for s in SPLITS), sum(stats[s][k] for s in SPLITS)]
              for k in ("documents", "characters", "sentences")]
    per_doc = _table(["document", "split", "characters", "mentions", "distinct entities", "events", "arguments"],
                     [[d["id"], split, len(d["text"]), len(d["entities"]),
                       len({m["entity_id"] for m in d["entities"] if m["entity_id"]}), len(d["events"]),
                       sum(len(e["arguments"]) for e in d["events"])]
                      for split in SPLITS for d in rows["documents"][split]])
    return "\n\n".join([
        "### Size\n\n" + _table(["", *cols], scalar),
        "### Mentions per type\n\n" + _table(["label", *cols], counter_rows("mentions", schema.ENTITY_LABELS)),
        "### Events per type\n\n" + _table(["type", *cols], counter_rows("events", schema.EVENT_LABELS)),
        "### Arguments per role\n\n" + _table(["role", *cols], counter_rows("arguments", schema.ROLE_NAMES)),
        "### Realis\n\n" + _table(["realis", *cols], counter_rows("realis", schema.REALIS_VALUES)),
        "### Per document\n\n" + per_doc,
    ])


def label_ids_table() -> str:
    """Every ClassLabel of the `ner` and `events` configs: id ↔ name, from the schema."""
    columns = [("`ner_tags`", schema.BIO_TAGS), ("`type`", schema.EVENT_LABELS),
               ("`label`", schema.ENTITY_LABELS), ("`realis`", schema.REALIS_VALUES), ("`role`", schema.ROLE_NAMES)]
    depth = max(len(names) for _, names in columns)
    return _table(["id", *(name for name, _ in columns)],
                  [[i, *(names[i] if i < len(names) else "" for _, names in columns)] for i in range(depth)])


# Distances in sentences from an argument's sentence to its trigger's, grouped for the card's table.
_DISTANCE_BINS = (("after the trigger's sentence", 1, None), ("same sentence", 0, 0), ("1 before", -1, -1),
                  ("2 before", -2, -2), ("3 before", -3, -3), ("4–5 before", -5, -4), ("6–10 before", -10, -6),
                  ("11 or more before", None, -11))


def argument_distances(docs: list[dict]) -> list[int]:
    """For every argument, its sentence index minus its trigger's (0: the same sentence; −1: the one before)."""

    out = []
    for doc in docs:
        bounds, mentions = sentences(doc["text"]), {m["id"]: m for m in doc["entities"]}
        for ev in doc["events"]:
            k = sentence_index(bounds, ev["trigger"]["start"])
            out += [sentence_index(bounds, mentions[a["mention_id"]]["start"]) - k for a in ev["arguments"]]
    return out


def _distance_section(rows: dict) -> str:

    dist = {s: argument_distances(rows["documents"][s]) for s in SPLITS}
    dist["total"] = [d for s in SPLITS for d in dist[s]]

    def count(ds: list[int], low: int | None, high: int | None) -> int:
        return sum((low is None or d >= low) and (high is None or d <= high) for d in ds)

    def share(ds: list[int]) -> str:
        return f"{100 * sum(d != 0 for d in ds) / len(ds):.1f}%" if ds else NONE

    table = _table(["argument's sentence", *SPLITS, "total"],
                   [[name, *(count(dist[c], low, high) for c in (*SPLITS, "total"))]
                    for name, low, high in _DISTANCE_BINS]
                   + [["**outside the trigger's sentence**", *(share(dist[c]) for c in (*SPLITS, "total"))],
                      ["farthest (sentences)", *(max(map(abs, dist[c]), default=0) for c in (*SPLITS, "total"))]])
    return table


def _example_section(rows: dict) -> str:
    """The shortest `events` row whose context is wider than its sentence, and the start of its sentence's
    `ner` row, as `datasets` returns them (ClassLabels as ids)."""

    events = [r for s in SPLITS for r in rows["events"][s]]
    if not events:
        return "This version has no events."
    wider = [r for r in events if r["context"] != r["sentence"]]
    event = min(wider or events, key=lambda r: (len(r["context"]["text"]), r["id"]))
    sentence = next(r for s in SPLITS for r in rows["ner"][s] if r["sentence_id"] == event["sentence_id"])
    shown = 8
    ner = {k: v[:shown] if k in ("tokens", "ner_tags", "token_offsets") else v for k, v in sentence.items()}
    why = " (an argument lies outside the trigger's sentence, so `context` is wider)" if wider else ""
    return (f"An `events` row{why}:\n\n"
            f"```json\n{json.dumps(event, ensure_ascii=False, indent=1)}\n```\n\n"
            f"Its sentence in `ner` (the same `sentence_id`), cut here to its first {shown} tokens:\n\n"
            f"```json\n{json.dumps(ner, ensure_ascii=False)}\n```")


def _tuple_counts(rows: dict) -> str:
    """The gold tuples behind each event metric on the test split: the harness's denominators."""
    docs = rows["documents"]["test"]
    tuples = event_tuples(gold_side(gold_views(docs))).sets
    table = _table(["metric", "tuple", "gold tuples"],
                   [[f"`{metric}`", held, len(tuples[metric])] for metric, held in EVENT_METRIC_TUPLES.items()])
    events = sum(len(d["events"]) for d in docs)
    arguments = sum(len(e["arguments"]) for d in docs for e in d["events"])
    return f"{table}\n\nfrom {events} events with {arguments} arguments."


def _folds_list(rows: dict) -> str:

    ids = sorted(d["id"] for s in SPLITS for d in rows["documents"][s])
    return "\n".join(f"- fold {f['fold']}: test `{f['test'][0]}`" for f in folds(ids))


def _agreement_section() -> str:
    """Tables from `annotation/agreement.json` (the output of `gaiko agreement --json` on the export)."""
    if not AGREEMENT_FILE.exists():
        return "Not measured yet: no double-annotated export has been compared."
    a = json.loads(AGREEMENT_FILE.read_text(encoding="utf-8"))

    ents = a["entities"]
    per_type = _table(["label", "pass 1", "pass 2", "exact matches", "strict F1", "overlap F1"],
                      [[t["label"], t["a"], t["b"], t["strict_matches"], number_or_none(t["strict_f1"]),
                        number_or_none(t["overlap_f1"])] for t in ents["per_type"]]
                      + [["**all**", ents["a"], ents["b"], ents["strict_matches"], number_or_none(ents["strict_f1"]),
                          number_or_none(ents["overlap_f1"])]])
    events = _table(["measure", "pass 1", "pass 2", "matches", "F1 / agreement"], [
        ["triggers (span + type)", a["triggers"]["a"], a["triggers"]["b"], a["triggers"]["matches"],
         number_or_none(a["triggers"]["f1"])],
        ["arguments (trigger span, type, role, argument span)", a["arguments"]["a"], a["arguments"]["b"],
         a["arguments"]["matches"], number_or_none(a["arguments"]["f1"])],
        ["realis on matched triggers", "", "", f"{a['realis']['agree']}/{a['realis']['matched']}",
         number_or_none(a["realis"]["agreement"])],
        ["entity id on matched mentions", "", "", f"{a['entity_id']['agree']}/{a['entity_id']['matched']}",
         number_or_none(a["entity_id"]["agreement"])],
    ])
    return (f"Measured on {a['tasks_compared']} double-annotated documents before adjudication "
            f"({len(a['disagreements'])} disagreements, all adjudicated). Cohen's kappa on character labels: "
            f"entities {number_or_none(a['kappa']['entity'])}, triggers {number_or_none(a['kappa']['trigger'])}.\n\n"
            f"{per_type}\n\n{events}")


def _changelog(versions: list[dict], pending: list[tuple[str, str]]) -> str:
    """The release history (newest first), and the documents of the manifest not in this version yet."""
    table = _table(["version", "documents", "changes"],
                   [[v["version"], v["documents"], v["changes"]] for v in versions])
    waiting = ("\n\nNot in this version yet (still being annotated): "
               + ", ".join(f"{i} ({status})" for i, status in pending) + ".") if pending else ""
    return (f"{table}\n\nA version's changes are what `gaiko diff OLD NEW` lists between it and the previous "
            "version: documents added, removed or moved between splits (major version when removed, moved or "
            f"re-cleaned; minor when added) and mentions, events or arguments changed (patch).{waiting}")


NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def _count(n: int) -> str:
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)


def _date_range(docs: list[dict]) -> str:
    """'October 2023 – November 2024': the months of the oldest and newest dated documents."""
    dates = sorted(d["date"] for d in docs if d.get("date"))
    if not dates:
        return "undated"
    first, last = (f"{MONTHS[int(x[5:7]) - 1]} {x[:4]}" for x in (dates[0], dates[-1]))
    return first if first == last else f"{first} – {last}"


def render_card(rows: dict, features: dict, manifest, versions: list[dict],
                pending: list[tuple[str, str]]) -> str:

    docs = [d for split in rows["documents"].values() for d in split]

    notes = CARD_NOTES.read_text(encoding="utf-8") if CARD_NOTES.exists() else ""
    sections = {
        "entity-table": entity_table(),
        "event-table": event_table(),
        "realis-table": _table(["realis", "meaning"], [list(r) for r in schema.REALIS]),
        "role-table": _table(["role", "meaning", "argument types"],
                             [[r.name, r.description, ", ".join(r.entity_types)] for r in schema.ROLES]),
        "Document-count": _count(len(docs)).capitalize(),
        "document-count": _count(len(docs)),
        "date-range": _date_range(docs),
        "split-rationale": manifest.split_rationale,
        "split-policy": SPLIT_POLICY,
        "version": versions[0]["version"],
        "changelog": _changelog(versions, pending),
        "sources": "\n".join(
            f"| {d['id']} | {d['publisher']} | {d['date']} | {d['date_note']} | {d['url'] or 'not in the raw page'} |"
            for d in sorted((d for split in rows["documents"].values() for d in split), key=lambda d: d["id"])),
        "statistics": _statistics_section(rows),
        "label-ids": label_ids_table(),
        "argument-distances": _distance_section(rows),
        "example": _example_section(rows),
        "folds": _folds_list(rows),
        "tuple-counts": _tuple_counts(rows),
        "agreement": _agreement_section(),
    }
    body = notes
    for name, content in sections.items():
        body = body.replace(f"{{{{{name}}}}}", content)
    return _yaml_header(rows, features) + "\n" + body


def render_generated_blocks(text: str) -> str:
    """Refresh the `<!-- generated: NAME -->` blocks of a Markdown file (the guidelines) from the schema."""
    import re

    tables = {"entity-table": entity_table(), "event-table": event_table()}
    for name, content in tables.items():
        text = re.sub(rf"(<!-- generated: {name} -->\n).*?(\n<!-- end generated -->)",
                      lambda m: m.group(1) + content + m.group(2), text, flags=re.S)
    return text


def guidelines_path() -> Path:
    return GUIDELINES_FILE
