"""The dataset card (`dataset/README.md`): Hub template sections, with every table generated."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from gaiko import schema
from gaiko.corpus import ROOT

AGREEMENT_FILE = ROOT / "annotation" / "agreement.json"
CARD_NOTES = ROOT / "annotation" / "CARD.md"  # the hand-written prose sections, kept with the annotation


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def entity_table() -> str:
    return _table(["label", "definition", "canonical id"],
                  [[t.name, t.description, "yes" if t.coref else "no"] for t in schema.ENTITY_TYPES])


def event_table() -> str:
    return _table(["type", "definition"], [[t.name, t.description] for t in schema.EVENT_TYPES])


def _yaml_header(rows: dict, features: dict) -> str:
    from gaiko.build import CONFIGS, SPLITS

    header = {
        "pretty_name": "gaiko: Japanese diplomacy news with entities and PLOVER events",
        "language": ["ja"],
        "license": "other",
        "task_categories": ["token-classification"],
        "task_ids": ["named-entity-recognition"],
        "size_categories": ["n<1K"],
        "configs": [
            {"config_name": c, **({"default": True} if c == "documents" else {}),
             # a split without rows is left out: `datasets` refuses an empty data file
             "data_files": [{"split": s, "path": f"data/{c}/{s}.parquet"} for s in SPLITS if rows[c][s]]}
            for c in CONFIGS if any(rows[c].values())
        ],
        "dataset_info": [{"config_name": c, "features": features[c]._to_yaml_list()}
                         for c in CONFIGS if any(rows[c].values())],
    }
    return "---\n" + yaml.safe_dump(header, allow_unicode=True, sort_keys=False, width=120) + "---\n"


def _statistics_section(rows: dict) -> str:
    from gaiko.build import SPLITS, statistics

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


def _agreement_section() -> str:
    """Tables from `annotation/agreement.json` (the output of `gaiko agreement --json` on the export)."""
    if not AGREEMENT_FILE.exists():
        return "Not measured yet: no double-annotated export has been compared."
    a = json.loads(AGREEMENT_FILE.read_text(encoding="utf-8"))

    def f(x: float | None) -> str:
        return "–" if x is None else f"{x:.3f}"

    ents = a["entities"]
    per_type = _table(["label", "pass 1", "pass 2", "exact matches", "strict F1", "overlap F1"],
                      [[t["label"], t["a"], t["b"], t["strict_matches"], f(t["strict_f1"]), f(t["overlap_f1"])]
                       for t in ents["per_type"]]
                      + [["**all**", ents["a"], ents["b"], ents["strict_matches"], f(ents["strict_f1"]),
                          f(ents["overlap_f1"])]])
    events = _table(["measure", "pass 1", "pass 2", "matches", "F1 / agreement"], [
        ["triggers (span + type)", a["triggers"]["a"], a["triggers"]["b"], a["triggers"]["matches"],
         f(a["triggers"]["f1"])],
        ["arguments (trigger span, type, role, argument span)", a["arguments"]["a"], a["arguments"]["b"],
         a["arguments"]["matches"], f(a["arguments"]["f1"])],
        ["realis on matched triggers", "", "", f"{a['realis']['agree']}/{a['realis']['matched']}",
         f(a["realis"]["agreement"])],
        ["entity id on matched mentions", "", "", f"{a['entity_id']['agree']}/{a['entity_id']['matched']}",
         f(a["entity_id"]["agreement"])],
    ])
    return (f"Measured on {a['tasks_compared']} double-annotated documents before adjudication "
            f"({len(a['disagreements'])} disagreements, all adjudicated). Cohen's kappa on character labels: "
            f"entities {f(a['kappa']['entity'])}, triggers {f(a['kappa']['trigger'])}.\n\n"
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
    from gaiko.corpus import SPLIT_POLICY

    docs = [d for split in rows["documents"].values() for d in split]

    notes = CARD_NOTES.read_text(encoding="utf-8") if CARD_NOTES.exists() else ""
    bio = ", ".join(f"{i}={t}" for i, t in enumerate(schema.BIO_TAGS))
    sections = {
        "entity-table": entity_table(),
        "event-table": event_table(),
        "realis-table": _table(["realis", "meaning"], [list(r) for r in schema.REALIS]),
        "role-table": _table(["role", "meaning", "argument types"],
                             [[r.name, r.description, ", ".join(r.entity_types)] for r in schema.ROLES]),
        "bio-tags": f"`ner_tags` ids: {bio}.",
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
    return ROOT / "annotation" / "GUIDELINES.md"
