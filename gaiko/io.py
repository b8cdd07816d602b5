"""Small I/O helpers shared by every command: one error type, strict JSONL reading, atomic writes."""

from __future__ import annotations

import errno
import fnmatch
import gc
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import msgspec

MAX_INTEGER_DIGITS = 30  # an offset, id or timestamp; longer is an attack or garbage
# Arrays and objects inside each other: no input nests a tenth as deep. A fixed bound, far below the
# interpreter's recursion limit, so whether a value is refused never depends on how deep the stack is.
MAX_NESTING = 100


class GaikoError(Exception):
    """An input problem reported to the user as one line (file, line or record, problem)."""

    def __init__(self, problem: str, file: str | os.PathLike | None = None, line: int | None = None):
        self.problem, self.file, self.line = problem, file, line
        where = "" if file is None else f"{file}:{line}: " if line is not None else f"{file}: "
        super().__init__(f"{where}{problem}")


MAX_INPUT_BYTES = 2 * 1024**3  # any input file; override with GAIKO_MAX_INPUT_BYTES (bytes)


def input_limit() -> int:
    """The size cap of every input file: a positive integer from the environment, else MAX_INPUT_BYTES."""
    value = os.environ.get("GAIKO_MAX_INPUT_BYTES")
    if value is None:
        return MAX_INPUT_BYTES
    if not value.isdigit() or int(value) <= 0:
        raise GaikoError(f"GAIKO_MAX_INPUT_BYTES must be a positive whole number of bytes, got {brief(value)}")
    return int(value)


@contextmanager
def _open_regular(path: str | os.PathLike) -> Iterator[Any]:
    """Open an input file once and refuse anything but a regular file (after symlinks) before reading."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        raise GaikoError(f"cannot read: {e.strerror}", path) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):  # checked before the descriptor becomes a file object, which refuses a folder
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a device, FIFO or socket)"
        raise GaikoError(f"is {kind}; give a regular file", path)
    with os.fdopen(fd, "rb") as file:
        yield file


def _read(file: Any, size: int, path: str | os.PathLike) -> bytes:
    try:
        return file.read(size)
    except OSError as e:
        raise GaikoError(f"cannot read: {e.strerror}", path) from None


def read_bytes(path: str | os.PathLike, max_bytes: int | None = None) -> bytes:
    """The one reader of input files: a regular file (after symlinks), at most `max_bytes` bytes.

    A device, FIFO, socket or folder is refused before it is read (`/dev/zero` or a FIFO would never end),
    and at most `max_bytes + 1` bytes are ever read, so a file that grows while read cannot exhaust memory.
    """
    limit = input_limit() if max_bytes is None else max_bytes
    with _open_regular(path) as file:
        data = _read(file, limit + 1, path)
    if len(data) > limit:
        raise GaikoError(f"file is larger than the {limit} byte limit", path)
    return data


_BLOCK = 1 << 20


def iter_lines(path: str | os.PathLike, max_bytes: int | None = None) -> Iterator[bytes]:
    """The lines of an input file (without their newline), read in blocks: the streaming form of
    `read_bytes`, with its checks (one open, a regular file, at most `max_bytes` bytes, counted as read)."""
    for lines in _line_blocks(path, max_bytes):
        yield from lines


WHOLE = (0, None)  # the byte range of a whole file, as `line_parts` gives parts


def iter_line_batches(path: str | os.PathLike, size: int,
                      part: tuple[int, int | None] = WHOLE) -> Iterator[tuple[int, list[bytes]]]:
    """(number of the first line, the next `size` lines) of an input file until its end: `iter_lines`
    a list at a time, for readers that decode many lines in one call. `part`: only the lines of that
    byte range (`line_parts`), numbered as in the whole file."""
    first, pending = 1 + _newlines_before(path, part[0]), []
    for lines in _line_blocks(path, None, part):
        pending += lines
        while len(pending) >= size:
            yield first, pending[:size]
            first, pending = first + size, pending[size:]
    if pending:
        yield first, pending


def nonblank(lines: list[bytes]) -> list[bytes]:
    """The lines that are not blank (only ASCII whitespace, which every reader skips)."""
    return lines if all(map(bytes.strip, lines)) else [line for line in lines if line.strip()]


def blank(line: str) -> bool:
    """Whether a decoded line is blank: only ASCII whitespace, as `nonblank` (`str.strip` would also
    take U+3000 and other Unicode spaces for blank, and skip such a line silently)."""
    return not line.strip(_ASCII_SPACE)


_ASCII_SPACE = " \t\n\r\x0b\x0c"  # what bytes.strip() strips


def _line_blocks(path: str | os.PathLike, max_bytes: int | None,
                 part: tuple[int, int | None] = WHOLE) -> Iterator[list[bytes]]:
    limit = input_limit() if max_bytes is None else max_bytes
    start, stop = part
    end = limit + 1 if stop is None else min(stop, limit + 1)
    with _open_regular(path) as file:
        file.seek(start)
        total, pieces = start, []  # bytes up to the end of the last block read, from the file's start
        while total < end and (block := _read(file, min(_BLOCK, end - total), path)):
            total += len(block)
            if total > limit:
                raise GaikoError(f"file is larger than the {limit} byte limit", path)
            if b"\n" not in block:  # part of a long line: joined once, when it ends
                pieces.append(block)
                continue
            lines = block.split(b"\n")
            lines[0] = b"".join([*pieces, lines[0]])
            pieces = [lines.pop()]
            yield lines
    last = b"".join(pieces)
    if stop is None or last:  # a part ends after a newline: the empty piece after it is the next part's
        yield [last]


def _newlines_before(path: str | os.PathLike, offset: int) -> int:
    count = 0
    if offset:
        with _open_regular(path) as file:
            while offset and (block := _read(file, min(_BLOCK, offset), path)):
                count += block.count(b"\n")
                offset -= len(block)
    return count


def line_parts(path: str | os.PathLike, parts: int, min_bytes: int) -> list[tuple[int, int | None]]:
    """Byte ranges (start, stop) that cut a regular input file after a newline into up to `parts` parts
    of about equal size and at least `min_bytes` each, for readers that share out a file's lines (the
    last stops at the end: None). A file that cannot be cut (too small, not a regular file, over the
    size limit) is one part, `WHOLE`, which its reader then checks."""
    try:
        with _open_regular(path) as file:
            size = os.fstat(file.fileno()).st_size
            parts = min(parts, size // max(min_bytes, 1))
            if parts < 2 or size > input_limit():
                return [WHOLE]
            starts = [0]
            for i in range(1, parts):
                file.seek(i * size // parts)
                at = _read(file, _BLOCK, path).find(b"\n")
                start = i * size // parts + at + 1
                if at >= 0 and starts[-1] < start < size:
                    starts.append(start)
    except GaikoError:
        return [WHOLE]
    return list(zip(starts, [*starts[1:], None]))


def read_head(path: str | os.PathLike, size: int) -> bytes:
    """The first `size` bytes of an input file (to recognise its format before reading it as text)."""
    with _open_regular(path) as file:
        return _read(file, size, path)


def read_text(path: str | os.PathLike, max_bytes: int | None = None) -> str:
    """Read a UTF-8 file strictly; a BOM or undecodable byte is an error naming the file and line."""
    data = read_bytes(path, max_bytes)
    if data.startswith(b"\xef\xbb\xbf"):
        raise GaikoError("starts with a UTF-8 byte order mark; save it without one", path, 1)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise GaikoError("is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8", path, 1)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line_start = data.rfind(b"\n", 0, e.start) + 1
        raise GaikoError(not_utf8(data[line_start:], e.start - line_start), path,
                         data[: e.start].count(b"\n") + 1) from None


def not_utf8(line: bytes, at: int) -> str:
    """The problem of a line whose byte `at` cannot be decoded as UTF-8 (the column counts bytes)."""
    return f"not UTF-8: byte 0x{line[at]:02x} at column {at + 1} cannot be decoded"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    obj = dict(pairs)
    if len(obj) < len(pairs):
        seen: set[str] = set()
        duplicate = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise ValueError(f"duplicate key {brief(duplicate)} (a JSON reader would silently keep only one)")
    return obj


def _integer(digits: str) -> int:
    if len(digits) > MAX_INTEGER_DIGITS:
        raise ValueError(f"a number with {len(digits)} digits")
    return int(digits)


_FAST_DECODER = msgspec.json.Decoder()
_LARGE = 10**18  # an integer this long is left to the strict decoder, which names one over MAX_INTEGER_DIGITS


def _members(value: Any, depth: int = 0) -> int:
    """How many members the objects of a decoded value hold in all; -1 if an integer is too large to trust
    or containers nest more than MAX_NESTING deep (the strict decoder then words the problem)."""
    if depth >= MAX_NESTING:
        return -1
    kind = type(value)
    if kind is dict:
        total, values = len(value), value.values()
    elif kind is list:
        total, values = 0, value
    else:
        return -1 if kind is int and not -_LARGE < value < _LARGE else 0
    for item in values:
        if type(item) in (dict, list, int):
            found = _members(item, depth + 1)
            if found < 0:
                return -1
            total += found
    return total


def unique_keys(raw: str | bytes, members: int) -> bool:
    """True when a JSON text whose decoded objects hold `members` members in all has no duplicate key.

    Every key is a string followed by optional whitespace and a colon. With no whitespace after any
    closing quote, each key ends in `":`, so the text holds at least as many `":` as members written
    (escaped spellings of a key included); as many as the decoded members means none was a duplicate.
    A `":` inside a string value only makes the count larger: then the caller takes the strict path.
    """
    if isinstance(raw, str):
        return raw.count('":') == members and _GAP_STR.search(raw) is None
    return raw.count(b'":') == members and _GAP_BYTES.search(raw) is None


_GAP_STR = re.compile('"[ \t\r\n]')  # whitespace after a quote: maybe between a key and its colon
_GAP_BYTES = re.compile(b'"[ \t\r\n]')


def _strict_loads(text: str) -> Any:
    try:
        value = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys, parse_int=_integer)
    except RecursionError:
        value = _TOO_DEEP
    if value is _TOO_DEEP or _too_deep(value):
        raise ValueError(f"nested too deeply (more than {MAX_NESTING} arrays or objects inside each other)")
    if _SURROGATE_ESCAPE.search(text) and (lone := _lone_surrogate(value)):
        raise ValueError(f"a string holds \\u{lone:04x}, half of a UTF-16 surrogate pair without its other half: "
                         "not a character, and UTF-8 cannot hold it")
    return value


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # how JSON spells half of a surrogate pair
_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(value: Any) -> int | None:
    """The code point of the first lone surrogate in the strings (keys included) of a decoded value, if any:
    `json.loads` decodes an unpaired escape into one, msgspec refuses it."""
    level = [value]
    while level:
        for item in level:
            if type(item) is str and (found := _SURROGATE.search(item)):
                return ord(found.group())
        level = [x for v in level if type(v) in (dict, list)
                 for x in ([*v, *v.values()] if type(v) is dict else v)]
    return None


_TOO_DEEP = object()


def _too_deep(value: Any) -> bool:
    """Whether containers nest more than MAX_NESTING deep; level by level, so at any depth without recursion."""
    level = [value]
    for _ in range(MAX_NESTING):
        level = [item for v in level if type(v) in (dict, list) for item in (v.values() if type(v) is dict else v)]
        if not level:
            return False
    return any(type(v) in (dict, list) for v in level)


def loads(text: str) -> Any:
    """Strict `json.loads`: NaN/Infinity, duplicate keys, absurdly long numbers and absurd nesting are
    ValueErrors too (a JSONDecodeError keeps its line number).

    msgspec decodes first (in C, several times faster); whatever it accepts is kept only when it has
    no duplicate key and no over-long integer, else the standard decoder decides, so the values and
    every error are exactly those of `json.loads` with the checks above.
    """
    try:
        value = _FAST_DECODER.decode(text)
    except (msgspec.MsgspecError, RecursionError):
        return _strict_loads(text)
    members = _members(value)
    return value if members >= 0 and unique_keys(text, members) else _strict_loads(text)


def json_problem(error: ValueError) -> str:
    """What is wrong with a JSON text, without the decoder's own 'line 1 column 7 (char 6)' wording
    (the caller names the line; the column is kept)."""
    if isinstance(error, json.JSONDecodeError):
        there = error.doc[error.pos:error.pos + 1]
        unseen = f" (there: U+{ord(there):04X}, a character that does not show)" if there and not there.isprintable() else ""
        return f"invalid JSON: {error.msg.removesuffix(' at')} at column {error.colno}{unseen}"  # '...character at'
    return f"invalid JSON: {error}"


def brief(value: Any, limit: int = 60) -> str:
    """repr() of a value for an error message, cut to `limit` characters (input can be megabytes); what was
    read from JSON as JSON spells it: the constants (`null`, not Python's `None`), objects and arrays."""
    if value is None or type(value) is bool:
        shown = _JSON_CONSTANTS[value]
    elif type(value) in (dict, list):
        try:
            shown = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError):  # not read from JSON
            shown = repr(value)
    else:
        shown = repr(value)
    return shown if len(shown) <= limit else f"{shown[:limit]}... ({len(shown)} characters)"


_JSON_CONSTANTS = {None: "null", True: "true", False: "false"}


def printable(text: str) -> str:
    """Text as one safe line: control and format characters (newlines, terminal escapes, bidi overrides,
    undecodable bytes of a file name) shown as escapes, so nobody's output can forge another line."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape", "backslashreplace").decode("ascii")
                   for ch in text)


def decoded_line(path: str | os.PathLike, number: int, raw: bytes) -> str:
    """Line `number` of a UTF-8 file as text, with the errors of `read_text`."""
    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raise GaikoError("starts with a UTF-8 byte order mark; save it without one", path, 1)
    if number == 1 and raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise GaikoError("is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8", path, 1)
    if raw.startswith(b"\xef\xbb\xbf"):
        raise GaikoError(JOINED_BOM, path, number)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise GaikoError(not_utf8(raw, e.start), path, number) from None


JOINED_BOM = ("starts with a UTF-8 byte order mark inside the file, as when files saved with one are joined; "
              "remove it")


def jsonl_value(path: str | os.PathLike, number: int, line: str, decode: Callable[[str], Any] | None = None) -> Any:
    """The value of a non-blank JSON line; a bad line raises GaikoError. `decode` replaces `loads` (it
    must decide alike)."""
    try:
        return (decode or loads)(line)
    except ValueError as e:
        raise GaikoError(json_problem(e), path, number) from None


def iter_jsonl(path: str | os.PathLike, text: str | None = None,
               decode: Callable[[str], Any] | None = None) -> Iterator[tuple[int, Any]]:
    """Yield (line number, object) for each non-blank line, reading the file as a stream unless its
    `text` is given; any bad line raises GaikoError (`jsonl_value`)."""
    lines = (decoded_line(path, n, raw) for n, raw in enumerate(iter_lines(path), start=1)) if text is None \
        else text.split("\n")
    for number, line in enumerate(lines, start=1):
        if not blank(line):
            yield number, jsonl_value(path, number, line, decode)


def dumps_line(obj: Any) -> str:
    """One canonical JSON line: the same object always gives the same bytes."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    import ctypes  # only here: importing it costs every command several milliseconds

    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def check_output_file(target: str | os.PathLike, inputs: Iterable[str | os.PathLike | None]) -> None:
    """Refuse, before a command's work, an output file that `atomic_path` would refuse (a device, FIFO or
    socket, a link loop) or that is one of the command's inputs (after symbolic links): the output would
    replace it."""
    _output_target(Path(target), "a file")
    for source in filter(None, inputs):
        try:
            same = os.path.samefile(target, source)
        except OSError:  # either is missing (or unreadable): not the same existing file
            continue
        if same:
            raise GaikoError(f"is also an input of this command ({printable(str(source))}); writing the output "
                             "there would replace it: give another path", target)


def _output_target(target: Path, kind: str) -> Path:
    """What writing `target` replaces: the path itself, or the path a symbolic link leads to; a device, FIFO
    or socket (replacing `/dev/stdout` would replace the link itself) and a link loop are one error line."""
    if found := _special(target):
        raise GaikoError(f"is {found}; give the path of {kind} to write", target)
    return _resolved(target) if target.is_symlink() else target


def _resolved(target: Path) -> Path:
    """The path a symbolic link leads to, or one error line when it leads in a loop."""
    try:
        return target.resolve()
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError for a loop
        raise GaikoError("cannot write here: a symbolic link that leads in a loop", target) from None


def _special(path: Path) -> str | None:
    """What an existing path is (after symbolic links) when it is neither a regular file nor a folder."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"


def check_output_folder(target: str | os.PathLike, outputs: Iterable[str]) -> Path:
    """The folder `target` names (`.` or `dir/` the folder itself), when a folder of outputs may replace it:
    it is missing, empty, or holds only files an earlier output wrote (names matching the `outputs`
    patterns). Any other folder (the current one, one holding the inputs or other files) or a file is
    refused. Commands call this before their work, so that a wrong `--out` costs nothing."""
    folder = _resolved(_output_target(Path(target), "a folder"))
    if folder.exists() and not folder.is_dir():
        raise GaikoError("is a file, and a folder would replace it; give another path", target)
    if folder.is_dir():
        foreign = [p.name for p in folder.iterdir()
                   if not p.is_file() or p.is_symlink() or not any(fnmatch.fnmatchcase(p.name, o) for o in outputs)]
        if foreign:
            raise GaikoError(f"is a folder holding files gaiko did not write ({printable(sorted(foreign)[0])}"
                             f"{f' and {len(foreign) - 1} more' if len(foreign) > 1 else ''}); replacing it would delete them: give a new or "
                             "empty folder, or a folder of earlier outputs", target)
    return folder


@contextmanager
def output_folder(target: str | os.PathLike, outputs: Iterable[str]) -> Iterator[Path]:
    """`atomic_path` for a folder of outputs (a report, a run), checked by `check_output_folder`."""
    with atomic_path(check_output_folder(target, outputs)) as tmp:
        yield tmp


@contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary sibling path; on success it replaces `target` in one step.

    Works for a file or a directory: a failure (or a kill) leaves the old target untouched, and at any
    moment `target` is either the complete old or the complete new version. A directory replaces an old
    one by an atomic exchange on Linux; elsewhere by two renames, between which `target` is briefly missing.
    A kill may leave a hidden `.NAME.*` folder beside the target (never read by the loaders). A symbolic
    link is followed (what it points to is replaced); a device, FIFO or socket is refused (replacing
    `/dev/stdout` would replace the link itself).
    """
    target = _output_target(Path(target), "a file or folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent)) / target.name
    except OSError as e:
        blocked = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
        why = f"{blocked} is a file, not a folder" if blocked else e.strerror
        raise GaikoError(f"cannot write here: {why}", target) from None
    try:
        yield tmp
        if target.is_dir() != tmp.is_dir() and (target.exists() or target.is_symlink()):
            wanted, found = ("a folder", "a file") if tmp.is_dir() else ("a file", "a folder")
            raise GaikoError(f"is {found}, and {wanted} would replace it; give another path", target)
        if tmp.is_dir() and target.is_dir():
            if not _exchange(tmp, target):  # after the exchange `tmp` holds the old tree, removed below
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


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while bulk-loading: the parsed records form no cycles (they are freed
    by reference counting), and each collection would walk every record held, which made loading 2-3x slower."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
