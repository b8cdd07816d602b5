"""Small I/O helpers shared by every command: one error type, strict JSONL reading, atomic writes."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class GaikoError(Exception):
    """An input problem reported to the user as one line (file, line or record, problem)."""

    def __init__(self, problem: str, file: str | os.PathLike | None = None, line: int | None = None):
        self.problem, self.file, self.line = problem, file, line
        where = "" if file is None else f"{file}:{line}: " if line is not None else f"{file}: "
        super().__init__(f"{where}{problem}")


def read_text(path: str | os.PathLike, max_bytes: int | None = None) -> str:
    """Read a UTF-8 file strictly; a BOM or undecodable byte is an error naming the file and line."""
    path = Path(path)
    try:
        if max_bytes is not None and path.stat().st_size > max_bytes:
            raise GaikoError(f"file is larger than the {max_bytes} byte limit", path)
        data = path.read_bytes()
    except OSError as e:
        raise GaikoError(f"cannot read: {e.strerror}", path) from None
    if data.startswith(b"\xef\xbb\xbf"):
        raise GaikoError("starts with a UTF-8 byte order mark; save it without one", path, 1)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise GaikoError(f"not UTF-8: byte 0x{data[e.start]:02x} cannot be decoded", path, line) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def iter_jsonl(path: str | os.PathLike, text: str | None = None) -> Iterator[tuple[int, Any]]:
    """Yield (line number, object) for each non-blank line; any bad line raises GaikoError."""
    text = read_text(path) if text is None else text
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line, parse_constant=_reject_constant)
        except (json.JSONDecodeError, ValueError) as e:
            raise GaikoError(f"invalid JSON: {e}", path, number) from None


def dumps_line(obj: Any) -> str:
    """One canonical JSON line: the same object always gives the same bytes."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary sibling path; on success it replaces `target` in one rename.

    Works for a file or a directory: a failure (or a kill) leaves the old target untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent)) / target.name
    try:
        yield tmp
        if tmp.is_dir() and target.is_dir():
            old = target.with_name(f".{target.name}.old.{os.getpid()}")
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old)
        else:
            os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp.parent, ignore_errors=True)


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_jsonl_atomic(path: str | os.PathLike, rows: list[Any]) -> None:
    write_text_atomic(path, "".join(dumps_line(r) + "\n" for r in rows))
