"""What changed between two versions of the gold: documents added, removed or moved, and per document the
mentions, events and arguments added, removed or changed.

Items are matched by position, not by id (ids are renumbered when a span is inserted): a mention by its
span, an event by its trigger span and type, an argument by its event and its span. A mention whose label,
entity id or text differs, an event whose realis differs and an argument whose role differs are "changed".
"""

from __future__ import annotations

from pathlib import Path

from gaiko.annotation.convert import convert_export
from gaiko.io import GaikoError, json_problem, loads, read_text
from gaiko.manifest import SPLITS

KINDS = ("mentions", "events", "arguments")


def _items(doc: dict) -> dict[str, dict[tuple, tuple]]:
    mentions = {m["id"]: m for m in doc["entities"]}
    items: dict[str, dict[tuple, tuple]] = {k: {} for k in KINDS}
    for m in doc["entities"]:
        items["mentions"][(m["start"], m["end"])] = (m["label"], m.get("entity_id"), m["text"])
    for e in doc["events"]:
        t = e["trigger"]
        key = (t["start"], t["end"], e["type"])
        items["events"][key] = (e["realis"], t["text"])
        for a in e["arguments"]:
            m = mentions[a["mention_id"]]
            items["arguments"][(*key, m["start"], m["end"])] = (a["role"], m["text"])
    return items


def diff_documents(old: dict, new: dict) -> dict:
    """Per kind: added, removed and changed items (empty lists when the two documents agree)."""
    out: dict = {"text_changed": old["text"] != new["text"]}
    a, b = _items(old), _items(new)
    for kind in KINDS:
        out[kind] = {
            "added": [[*k, *b[kind][k]] for k in sorted(b[kind].keys() - a[kind].keys())],
            "removed": [[*k, *a[kind][k]] for k in sorted(a[kind].keys() - b[kind].keys())],
            "changed": [[*k, list(a[kind][k]), list(b[kind][k])]
                        for k in sorted(a[kind].keys() & b[kind].keys()) if a[kind][k] != b[kind][k]],
        }
    return out


def _changed(d: dict) -> bool:
    return d["text_changed"] or any(d[k][c] for k in KINDS for c in ("added", "removed", "changed"))


def diff(old: dict[str, dict], new: dict[str, dict]) -> dict:
    """Compare two collections of documents by id; each document may carry its `split`."""
    result = {
        "added": sorted(new.keys() - old.keys()),
        "removed": sorted(old.keys() - new.keys()),
        "moved": {i: [old[i].get("split"), new[i].get("split")] for i in sorted(old.keys() & new.keys())
                  if old[i].get("split") != new[i].get("split")},
        "documents": {},
    }
    for doc_id in sorted(old.keys() & new.keys()):
        d = diff_documents(old[doc_id], new[doc_id])
        if _changed(d):
            result["documents"][doc_id] = d
    return result


def is_empty(result: dict) -> bool:
    return not (result["added"] or result["removed"] or result["moved"] or result["documents"])


def load_side(path: str | Path) -> dict[str, dict]:
    """Documents by id from a dataset folder (with their split) or a Label Studio JSON export."""
    path = Path(path)
    if path.is_dir():
        import pyarrow.parquet as pq

        docs = {}
        for split in SPLITS:
            file = path / "data" / "documents" / f"{split}.parquet"
            if file.exists():
                for doc in pq.read_table(file).to_pylist():
                    docs[doc["id"]] = {**doc, "split": split}
        if not docs and not (path / "README.md").exists():
            raise GaikoError("not a dataset folder (no data/documents/*.parquet, no README.md)", path)
        return docs
    try:
        export = loads(read_text(path))
    except ValueError as e:
        raise GaikoError(json_problem(e), path, getattr(e, "lineno", None)) from None
    return {d["id"]: d for d in convert_export(export, str(path)).documents}


def format_diff(result: dict) -> list[str]:
    """One line per document added, removed or moved, and per item that changed."""
    lines = [f"added document {i}" for i in result["added"]]
    lines += [f"removed document {i}" for i in result["removed"]]
    lines += [f"moved document {i}: {a} → {b}" for i, (a, b) in result["moved"].items()]
    for doc_id, d in result["documents"].items():
        counts = ", ".join(f"{k} +{len(d[k]['added'])} -{len(d[k]['removed'])} ~{len(d[k]['changed'])}"
                           for k in KINDS)
        lines.append(f"{doc_id}: {'text changed; ' if d['text_changed'] else ''}{counts}")
        for kind in KINDS:
            for sign, change in (("+", "added"), ("-", "removed"), ("~", "changed")):
                lines += [f"  {sign} {kind[:-1]} {' '.join(str(x) for x in item)}" for item in d[kind][change]]
    return lines


def bump(version: str, result: dict) -> str:
    """Semantic version of the next release: documents removed, moved or re-cleaned → major; documents
    added → minor; annotations changed only → patch."""
    major, minor, patch = (int(x) for x in version.split("."))
    if result["removed"] or result["moved"] or any(d["text_changed"] for d in result["documents"].values()):
        return f"{major + 1}.0.0"
    if result["added"]:
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def summary(result: dict) -> str:
    """One sentence for the changelog."""
    parts = []
    if result["added"]:
        parts.append(f"added {', '.join(result['added'])}")
    if result["removed"]:
        parts.append(f"removed {', '.join(result['removed'])}")
    if result["moved"]:
        parts.append("moved " + ", ".join(f"{i} ({a} → {b})" for i, (a, b) in result["moved"].items()))
    for doc_id, d in result["documents"].items():
        n = {k: sum(len(d[k][c]) for c in ("added", "removed", "changed")) for k in KINDS}
        parts.append(f"{doc_id}: " + ", ".join(f"{v} {k} changed" for k, v in n.items() if v))
    return "; ".join(parts)
