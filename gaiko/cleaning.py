"""Turn a raw web-page text dump into a clean document: headline + article body only.

The cleaner is generic: it classifies lines with the small pattern tables below (navigation, bylines,
counters, captions, ranking lists, contact data, ...), takes the body after the headline's last
occurrence and stops at the first end-of-article marker. Every character of the result keeps its
offset in the raw file, so any span can be traced back; every removed line is reported with a reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

# Lines that end the article: comment boxes, ranking and "related" lists, footers.
END_MARKERS: tuple[tuple[str, str], ...] = (
    ("comments", r"^コメント\s*\d*$"),
    ("ranking", r"^\[ニュース\]\s*ランキング|^人気ランキング$|^ランキング$"),
    ("related", r"^(あわせて読みたい|関連ニュース|関連記事|こんな記事も読まれています|おすすめニュース|もっとニュース)"),
    ("footer", r"^(Copyright|©|\(C\)|返事を書く$|シェア$)"),
)

# Lines dropped wherever they are (before the end marker).
DROP_LINES: tuple[tuple[str, str], ...] = (
    ("navigation", r"スキップ|^ホーム\s|^(最新記事|トップ|ニュース速報)$"),
    ("byline", r"^\S{1,20}\s+アクセス$"),
    ("url", r"^\S*https?://\S*$"),
    ("contact", r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$|^\+?\d[\d\s()-]{7,}$"),
    ("counter", r"^\d{1,6}$"),
    ("credit", r"^\[(ロイター|AP|共同|時事|新華社|聯合|AFP)\]$|^トムソンロイター|^MIA\s"),
    ("dateline", r"^\d{4}年\d{1,2}月\d{1,2}日(\([月火水木金土日]\))?\s*(\d{1,2}時\d{2}分)?$"
                 r"|^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"),
    ("tags", r"^[^\s。、,]{1,24}(,\s*[^\s。、,]{1,24})+$"),
    ("list", r"^\s*[•・●◆]\s"),
)

# A photo credit: the credit line is dropped, and so is the caption paragraph right after it.
PHOTO_CREDIT = r"(写真|撮影|提供)[^。]*\([^)]*経由\)$|\(AP Photo[^)]*\)$"
# A caption that carries its own credit at its end.
CAPTION = r"via REUTERS\)$|\((写真|Photo)[:：][^)]*\)$"

# Metadata prefixed to the first body paragraph ("2023年10月20日, 16:00 (更新: ...) 本文").
LEADING_DATELINE = r"^\d{4}年\d{1,2}月\d{1,2}日,\s*\d{1,2}:\d{2}(\s*\(更新:[^)]*\))?\s*"

# Inline removals inside kept text: personal data and wire-service reference codes.
INLINE_REMOVALS: tuple[tuple[str, str], ...] = (
    ("email", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    ("phone", r"\+\d{8,15}|(?<!\d)0\d{1,4}-\d{1,4}-\d{3,4}(?!\d)"),
    ("url", r"https?://[^\s」』)]+"),
    ("reference code", r"\[n[A-Z0-9]{6,}\]"),
)

# A line ending in one of these continues on the next line when no blank line separates them
# (hard-wrapped text): hiragana particles and the reading comma never end a sentence.
SOFT_BREAK_END = re.compile(r"[\u3041-\u309f、,]$")
SENTENCE_END = re.compile(r"[。．！？!?」』）)]$")
# Short lines (an attribution under a quote) legitimately repeat; only longer repeats are page duplicates.
MIN_DUPLICATE_LENGTH = 30
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")

_END = [(name, re.compile(p)) for name, p in END_MARKERS]
_DROP = [(name, re.compile(p)) for name, p in DROP_LINES]
_PHOTO_CREDIT, _CAPTION = re.compile(PHOTO_CREDIT), re.compile(CAPTION)
_LEADING_DATELINE = re.compile(LEADING_DATELINE)
_INLINE = [(name, re.compile(p)) for name, p in INLINE_REMOVALS]
_ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}")
_JA_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日(\([月火水木金土日]\))?\s*(\d{1,2}時\d{2}分)?$")


@dataclass
class Aligned:
    """A string whose every character remembers its code-point offset in the raw text."""

    text: str
    raw: list[int]

    def __getitem__(self, item: slice) -> Aligned:
        return Aligned(self.text[item], self.raw[item])

    def __add__(self, other: Aligned) -> Aligned:
        return Aligned(self.text + other.text, self.raw + other.raw)

    def strip(self) -> Aligned:
        start = len(self.text) - len(self.text.lstrip())
        end = len(self.text.rstrip())
        return self[start:max(start, end)]

    def remove(self, pattern: re.Pattern) -> tuple[Aligned, list[str]]:
        """Remove every match of `pattern`; return the rest and the removed strings."""
        keep, removed, last = [], [], 0
        for m in pattern.finditer(self.text):
            keep.append(self[last:m.start()])
            removed.append(m.group())
            last = m.end()
        keep.append(self[last:])
        out = Aligned("", [])
        for part in keep:
            out = out + part
        return out, removed


def nfc(s: Aligned) -> Aligned:
    """NFC-normalize, mapping each composed character to the raw offset of its first source character."""
    if unicodedata.is_normalized("NFC", s.text):
        return s
    text, raw, i = [], [], 0
    while i < len(s.text):
        j = i + 1
        # a cluster: a starter plus the characters NFC may fold into it
        while j < len(s.text) and (unicodedata.combining(s.text[j]) or "\u1160" <= s.text[j] <= "\u11ff"):
            j += 1
        composed = unicodedata.normalize("NFC", s.text[i:j])
        text.append(composed)
        raw.extend(s.raw[i:j] if len(composed) == j - i else [s.raw[i]] * len(composed))
        i = j
    return Aligned("".join(text), raw)


@dataclass
class CleanResult:
    title: str
    text: str
    alignment: list[dict]  # runs {"start", "raw_start", "length"}; uncovered characters are separators
    removed: list[tuple[int, str, str]] = field(default_factory=list)  # (raw line number, reason, content)
    date: str | None = None
    date_note: str | None = None
    url: str | None = None

    def summary(self) -> Counter:
        return Counter(reason for _, reason, _ in self.removed)


def _lines(raw: str) -> list[tuple[int, Aligned]]:
    """Split raw text into (line number, aligned line); '\\r\\n' and '\\r' end lines like '\\n'."""
    out, start, number = [], 0, 1
    for m in re.finditer(r"\r\n|\r|\n", raw + "\n"):
        out.append((number, Aligned(raw[start:m.start()], list(range(start, m.start())))))
        start, number = m.end(), number + 1
    return out


def _classify(line: str) -> str | None:
    for name, pattern in _DROP:
        if pattern.search(line):
            return name
    return None


def _find_title(lines: list[tuple[int, Aligned]]) -> int:
    """Index of the headline: the first substantial line that no rule drops and that is not prose.

    When the page repeats the headline (metadata blocks, summaries), the article follows its last
    occurrence, so that index is returned.
    """
    for i, (_, line) in enumerate(lines):
        t = line.text.strip()
        if len(t) >= 8 and CJK.search(t) and not _classify(t) and not t.endswith("。"):
            last = max(k for k, (_, other) in enumerate(lines) if other.text.strip() == t)
            return last
    raise ValueError("no headline found: no line of 8+ characters with Japanese text before the body")


def _extract_metadata(lines: list[tuple[int, Aligned]]) -> tuple[str | None, str | None, str | None]:
    url = date = note = None
    for _, line in lines:
        t = line.text.strip()
        if url is None and re.fullmatch(r"https?://\S+\.html?", t):
            url = t
        if date is None and (m := _ISO_DATE.match(t)):
            date, note = m.group(1), f"from the page metadata ({t})"
        if date is None and (m := _JA_DATE.match(t)):
            date = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            note = f"from the dateline ({t})"
    return url, date, note


def clean(raw: str) -> CleanResult:
    """Clean one raw article. Raises ValueError when no headline or body can be recognised."""
    if "\x00" in raw:
        raise ValueError("binary data (NUL bytes), not a text article")
    lines = _lines(raw)
    url, date, date_note = _extract_metadata(lines)
    title_index = _find_title(lines)
    removed = [(n, _classify(line.text.strip()) or "before headline", line.text.strip())
               for n, line in lines[:title_index] if line.text.strip()]
    title = nfc(lines[title_index][1].strip())

    authors: set[str] = set()
    paragraphs: list[Aligned] = []
    joinable = False  # the previous kept line was hard-wrapped and continues on this one
    after_credit = False
    for k in range(title_index + 1, len(lines)):
        number, line = lines[k]
        line = line.strip()
        t = line.text
        if not t:
            joinable = after_credit = False
            continue
        if ended := next((name for name, p in _END if p.search(t)), None):
            removed.extend((n, f"after end marker ({ended})", ln.text.strip())
                           for n, ln in lines[k:] if ln.text.strip())
            break
        reason = _classify(t) or ("byline" if t in authors else None)
        if reason == "byline":
            authors.add(t.split()[0])
        if reason is None and _PHOTO_CREDIT.search(t):
            reason, after_credit = "photo credit", True
        elif reason is None and (after_credit or _CAPTION.search(t)):
            reason, after_credit = "caption", False
        if reason is None and t == title.text:
            reason = "repeated headline"
        if reason:
            removed.append((number, reason, t))
            joinable = False
            continue
        if m := _LEADING_DATELINE.match(t):
            removed.append((number, "dateline", m.group().strip()))
            line = line[m.end():]
        if joinable and paragraphs:
            paragraphs[-1] = paragraphs[-1] + line
        else:
            paragraphs.append(line)
        joinable = bool(SOFT_BREAK_END.search(line.text)) and not SENTENCE_END.search(line.text)

    body: list[Aligned] = []
    for p in paragraphs:
        for name, pattern in _INLINE:
            p, gone = p.remove(pattern)
            removed.extend((0, name, g) for g in gone)
        p = nfc(p.strip())
        if not p.text:
            continue
        if len(p.text) >= MIN_DUPLICATE_LENGTH and any(p.text == q.text for q in body):
            removed.append((0, "duplicate paragraph", p.text))
            continue
        body.append(p)
    if not body:
        raise ValueError("no article body found after the headline")

    parts = [title, *body]
    text = "\n\n".join(part.text for part in parts[:1]) + "\n\n" + "\n".join(part.text for part in body)
    runs: list[dict] = []
    offset = 0
    for i, part in enumerate(parts):
        for j, raw_index in enumerate(part.raw):
            run = runs[-1] if runs else None
            if run and run["start"] + run["length"] == offset + j and run["raw_start"] + run["length"] == raw_index:
                run["length"] += 1
            else:
                runs.append({"start": offset + j, "raw_start": raw_index, "length": 1})
        offset += len(part.text) + (2 if i == 0 else 1)
    return CleanResult(title.text, text, runs, removed, date, date_note, url)


def to_raw_offset(alignment: list[dict], offset: int) -> int | None:
    """Raw-file offset of clean-text character `offset` (None for an inserted separator)."""
    for run in alignment:
        if run["start"] <= offset < run["start"] + run["length"]:
            return run["raw_start"] + offset - run["start"]
    return None
