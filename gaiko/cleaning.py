"""Turn a raw web page (text dump or HTML) into a clean document: headline + article body only.

The cleaner is generic: it classifies lines with the small pattern tables below (navigation, bylines,
counters, captions, credits, datelines, ranking lists, contact data, ...), takes the body after the
headline and stops at the first end-of-article marker. Two rules keep it from losing the article:
- a line that reads as prose (Japanese text ending a sentence) is never dropped by a pattern: only a
  photo caption under a photo credit, a repeat of an earlier paragraph, or personal data inside it go;
- personal data (e-mail addresses, phone numbers, URLs, in ASCII or full-width forms) is removed as the
  smallest span, never with the line or sentence around it.
Every character of the result keeps its offset in the raw file, so any span can be traced back; every
removal is reported with a reason. Each step is one pass over the page, so time is linear in its size.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

WIRES = r"(ロイター|共同|時事|AP|AFP|EPA|タス|聯合|聯合ニュース|新華社|ゲッティ|Getty|Bloomberg|ブルームバーグ|朝鮮中央通信|KCNA)"

# Lines that end the article: comment boxes, ranking and "related" lists, footers.
END_MARKERS: tuple[tuple[str, str], ...] = (
    ("comments", r"^コメント\s*\d*$"),
    ("ranking", r"^\[ニュース\]\s*ランキング|^人気ランキング$|^ランキング$|^アクセスランキング"),
    ("related", r"^(あわせて読みたい|関連ニュース|関連記事|こんな記事も読まれています|おすすめニュース|もっとニュース"
                r"|関連キーワード$|関連ワード$|タグ[:：]?$)"),
    ("footer", r"^Copyright|^(©|\(C\))\s*\d{4}|^返事を書く$|^(この記事を)?シェア(する)?$"),
)

_DATE = r"(\d{4})年(\d{1,2})月(\d{1,2})日|(\d{4})[/.](\d{1,2})[/.](\d{1,2})"
# A copyright notice ends the article even when it reads as a sentence.
COPYRIGHT_NOTICE = r"著作権は.{0,40}(帰属|有し)|無断(転載|転用|複製)を(禁|お断り)"
TIMESTAMP = (rf"^((最終)?更新|配信|公開|掲載)?[:：]?\s*(\S{{1,20}}\s+)?({_DATE})(\s*[(（][月火水木金土日][)）])?"
             r"(\s*,?\s*(午前|午後)?\s*\d{1,2}(時(\d{1,2}分)?|:\d{2}))?(\s*(更新|配信|公開|掲載))?$")

# Lines dropped wherever they are (before the end marker), unless they read as prose. Matched on the
# page with full-width ASCII folded to ASCII (so `１２` is a counter like `12`).
DROP_LINES: tuple[tuple[str, str], ...] = (
    ("navigation", r"スキップ|^ホーム\s|^(最新記事|トップ|ニュース速報|メニューを開く|メニュー)$|^(文字サイズ|印刷する)"
                   r"|^[^\s>›»]{1,15}(\s*[>›»]\s*[^\s>›»]{1,15})+$"),
    ("byline", r"^\S{1,20}\s+アクセス$|^(取材・文|文・写真|取材|文|記者|執筆)[\s:/]+\S.{0,20}$|^\S{1,12}(記者|特派員)$"),
    ("counter", r"^\d{1,6}$"),
    ("credit", rf"^\[{WIRES}\]$|^トムソンロイター|^MIA\s|^(\([cC]\)|©|Ⓒ)\s*\S.{{0,40}}$"
               rf"|^【([^】]{{0,8}}{WIRES}|{WIRES}[=＝][^】]{{1,8}})】$|^[(（]([^)）]{{0,8}}[=＝])?{WIRES}[)）]$"),
    ("dateline", TIMESTAMP + r"|^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"
                 rf"|^[^。|]{{1,40}}\|\s*(\d{{1,2}}-\d{{1,2}}-\d{{4}}|\d{{4}}-\d{{1,2}}-\d{{1,2}}|{_DATE})(\s+\d{{1,2}}:\d{{2}})?$"),
    ("tags", r"^[^\s。、,]{1,24}(,\s*[^\s。、,]{1,24})+$|^(カテゴリー?|関連タグ|タグ|Tags?)\s*:"),
    ("list", r"^\s*[•・●◆]\s"),
    ("navigation", r"^\S{1,6}(\s+\S{1,6}){2,}$"),  # a menu: three or more short words
)

# A photo credit: the credit line is dropped, and so is the caption paragraph right after it.
PHOTO_CREDIT = r"(写真|撮影|提供)[^。]{0,80}\([^)]{0,40}経由\)$|\(AP Photo[^)]{0,80}\)$"
# Captions: marked at their start (dropped even when they end a sentence) or credited at their end.
CAPTION_START = r"^(写真|画像|動画|映像)\s*[:：=＝]|^【(写真|画像|動画)】|^[▲△▼▽]\s*\S"
CAPTION = rf"via REUTERS\)$|\((写真|Photo)[:：][^)]*\)$|[(（][^)）]{{1,20}}(より|提供|撮影)[)）]$|[=＝]\s*[^、。]{{0,12}}{WIRES}[^、。]{{0,12}}[)）]?$"
# A caption block goes on over short lines (the place and date under a photo) until a blank line.
MAX_CAPTION_LINE = 30

# Metadata prefixed to the first body paragraph ("2023年10月20日, 16:00 (更新: ...) 本文", "【モスクワ共同】本文").
LEADING_DATELINE = (r"^\d{4}年\d{1,2}月\d{1,2}日,\s*\d{1,2}:\d{2}(\s*\(更新:[^)]*\))?\s*"
                    rf"|^【[^】]{{0,10}}{WIRES}】\s*|^[(（][^)）]{{1,10}}[=＝]{WIRES}[)）]\s*")

# Personal data and reference codes removed inside kept text (matched on the folded page, ASCII classes only:
# `\w` would match kana and kanji and swallow the sentence around an address).
EMAIL = (r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
         r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")
URL = (r"(?<![A-Za-z0-9])(?:(?:https?|ftp)://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'*+,;=%]+")
PHONE = (r"(?<![\d+-])(?:\+\d{1,3}(?:[ .-]?(?:\(\d{1,4}\)|\d{1,4})){2,5}"
         r"|\(0\d{1,4}\)\s?\d{1,4}-\d{3,4}|0\d{1,4}-\d{1,4}-\d{3,4}|0\d{9,10})(?![\d-])")
INLINE_REMOVALS: tuple[tuple[str, str], ...] = (
    ("email", EMAIL),
    ("url", URL),
    ("phone", PHONE),
    ("reference code", r"\[n[A-Z0-9]{6,}\]"),
)

# A line ending in one of these continues on the next line when no blank line separates them
# (hard-wrapped text): hiragana particles and the reading comma never end a sentence.
SOFT_BREAK_END = re.compile(r"[\u3041-\u309f、,]$")
SENTENCE_END = re.compile(r"[。．！？!?」』）)]$")
# Prose: Japanese text that ends a sentence (closing brackets after the final mark allowed).
# Short lines (an attribution under a quote) legitimately repeat; only longer repeats are page duplicates.
MIN_DUPLICATE_LENGTH = 30
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")

# Full-width ASCII, the ideographic space and dash look-alikes folded to ASCII, one character for one, so
# a match on the folded page has the same offsets in the original.
FOLD = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3000: 0x20, 0xFE6B: 0x40,
        **{c: 0x2D for c in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212)}}

_END = [(name, re.compile(p)) for name, p in END_MARKERS]
_DROP = [(name, re.compile(p)) for name, p in DROP_LINES]
_PHOTO_CREDIT, _CAPTION, _CAPTION_START = re.compile(PHOTO_CREDIT), re.compile(CAPTION), re.compile(CAPTION_START)
_LEADING_DATELINE, _COPYRIGHT = re.compile(LEADING_DATELINE), re.compile(COPYRIGHT_NOTICE)
_INLINE = [(name, re.compile(p)) for name, p in INLINE_REMOVALS]
_ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}")
_TIMESTAMP, _URL = re.compile(TIMESTAMP), re.compile(URL)
_URL_TRAIL = ".,;:!?'"


def fold(text: str) -> str:
    return text.translate(FOLD)


def is_prose(line: str) -> bool:
    """Japanese text that ends a sentence (closing brackets after the final mark allowed)."""
    end = line.rstrip("」』）)")
    return end[-1:] in ("。", "！", "？") and bool(CJK.search(end))


def _is_date(digits: list[str]) -> bool:
    """Whether number groups read as a date (MM-DD-YYYY, DD-MM-YYYY or YYYY-MM-DD)."""
    if len(digits) != 3:
        return False
    a, b, c = (int(x) for x in digits)
    if len(digits[2]) == 4:
        return (1 <= a <= 12 and 1 <= b <= 31) or (1 <= b <= 12 and 1 <= a <= 31)
    return len(digits[0]) == 4 and 1 <= b <= 12 and 1 <= c <= 31


def is_phone(match: str) -> bool:
    """A phone-shaped match is a phone number when it has a plausible number of digits and is no date."""
    digits = re.findall(r"\d+", match)
    n = sum(len(d) for d in digits)
    if match.startswith("+"):
        return 8 <= n <= 15
    return 10 <= n <= 11 and not _is_date(digits)


@dataclass
class Removal:
    """One removal: a whole line, or a span inside a kept line (`inline`), which is `in_sentence` when
    the text on both sides of it belongs to the same sentence."""

    line: int
    reason: str
    text: str
    inline: bool = False
    in_sentence: bool = False

    def describe(self) -> str:
        where = "inside a sentence" if self.in_sentence else "part of a line" if self.inline else "line"
        return f"line {self.line:>5}  {where:<17}  {self.reason:<22} {self.text[:70]}"


@dataclass
class Aligned:
    """A string whose every character remembers its code-point offset in the raw text."""

    text: str
    raw: list[int]

    def __getitem__(self, item: slice) -> Aligned:
        return Aligned(self.text[item], self.raw[item])

    def strip(self) -> Aligned:
        start = len(self.text) - len(self.text.lstrip())
        end = len(self.text.rstrip())
        return self[start:max(start, end)]

    @staticmethod
    def join(parts: list[Aligned]) -> Aligned:
        raw: list[int] = []
        for part in parts:
            raw.extend(part.raw)
        return Aligned("".join(p.text for p in parts), raw)


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
    removed: list[Removal] = field(default_factory=list)
    date: str | None = None
    date_note: str | None = None
    url: str | None = None
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> Counter:
        return Counter(r.reason for r in self.removed)


# ----------------------------------------------------------------------------------------------- HTML

_HTML_HINT = re.compile(r"<(!doctype\s+html|html|body|p|div|br|h[1-6]|article|span)[\s>/]", re.I)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*>")
_CHARREF = re.compile(r"&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
BLOCK_TAGS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "td", "th", "table",
              "article", "section", "header", "main", "blockquote", "figure", "dd", "dt", "dl", "hr", "title",
              "time", "address", "pre"}
# Elements whose whole content is not article text, with the reason reported for it.
SKIPPED_ELEMENTS = {"script": "html script", "style": "html style", "head": "html head", "noscript": "html script",
                    "template": "html script", "svg": "html image", "iframe": "html embed", "nav": "navigation",
                    "footer": "footer", "aside": "related", "form": "html form", "button": "html form",
                    "select": "html form", "figcaption": "caption"}


def looks_like_html(raw: str) -> bool:
    return bool(_HTML_HINT.search(raw[:4096]))


def html_to_text(raw: str) -> tuple[Aligned, list[tuple[int, str, str]]]:
    """Text of an HTML page, one line per block element, each character aligned to the raw offset it came
    from (a character reference maps to its `&`), and the skipped elements as (raw offset, reason, text).

    One left-to-right scan: every `<` and `&` is looked at once, and a tag never reads past the next `>`.
    """
    chars: list[str] = []
    raw_of: list[int] = []
    skipped: list[tuple[int, str, str]] = []
    skip: list[tuple[str, int]] = []  # open skipped elements: (name, raw start)
    open_count: Counter = Counter()  # names in `skip`, so a stray closing tag costs no scan of the stack
    special = re.compile(r"[<&\t\n\f\r ]")  # HTML whitespace is ASCII only (not U+3000)
    i, n = 0, len(raw)

    def emit(text: str, at: int) -> None:
        if not skip:
            chars.append(text)
            raw_of.extend([at] * len(text))

    while i < n:
        m = special.search(raw, i)
        j = m.start() if m else n
        if not skip and j > i:
            chars.append(raw[i:j])
            raw_of.extend(range(i, j))
        if j >= n:
            break
        c = raw[j]
        if c in "\t\n\f\r ":
            k = j
            while k < n and raw[k] in "\t\n\f\r ":
                k += 1
            run = raw[j:k]
            before = chars[-1][-1:] if chars else ""
            after = raw[k:k + 1]
            if "\n" in run and before >= "\u2e80" and after >= "\u2e80":
                pass  # a source line break inside Japanese text (CJK characters, punctuation) is no space
            else:
                emit(" ", j)
            i = k
        elif c == "&":
            ref = _CHARREF.match(raw, j)
            if ref:
                emit(html.unescape(ref.group()).replace("\xa0", " "), j)
                i = ref.end()
            else:
                emit("&", j)
                i = j + 1
        elif raw.startswith("<!--", j):
            end = raw.find("-->", j + 4)
            i = n if end < 0 else end + 3
        else:
            close = raw.find(">", j)
            tag = _TAG.match(raw, j, close + 1) if close >= 0 else None
            if close < 0:  # no `>` anywhere after: the rest is text
                if not skip:
                    chars.append(raw[j:])
                    raw_of.extend(range(j, n))
                break
            if tag is None:
                if raw[j + 1:j + 2] in ("!", "?"):  # doctype, processing instruction
                    i = close + 1
                    continue
                emit("<", j)
                i = j + 1
                continue
            name, closing = tag.group(2).lower(), bool(tag.group(1))
            if name == "body" and not closing and open_count["head"]:  # `</head>` may be omitted
                skip[:] = [e for e in skip if e[0] != "head"]
                open_count["head"] = 0
            if name in SKIPPED_ELEMENTS and not tag.group().endswith("/>"):
                if not closing:
                    skip.append((name, j))
                    open_count[name] += 1
                elif open_count[name]:
                    while skip[-1][0] != name:  # an unclosed element inside ends with it
                        open_count[skip.pop()[0]] -= 1
                    opened = skip.pop()
                    open_count[name] -= 1
                    if not skip:
                        content = re.sub(r"<[^>]*>", " ", raw[opened[1]:close + 1])
                        content = " ".join(html.unescape(content).split())
                        if content:
                            skipped.append((opened[1], SKIPPED_ELEMENTS[name], content))
            elif name in BLOCK_TAGS:
                emit("\n", j)
            i = close + 1
    return Aligned("".join(chars), raw_of), skipped


# ----------------------------------------------------------------------------------------------- lines

def _lines(page: Aligned, raw: str) -> list[tuple[int, Aligned, str]]:
    """(raw line number, aligned line, folded text) of each line; '\\r\\n' and '\\r' end lines like '\\n'."""
    breaks = [m.start() for m in re.finditer(r"\r\n|\r|\n", raw)]
    out, start = [], 0
    folded = fold(page.text)
    for m in re.finditer(r"\r\n|\r|\n", page.text + "\n"):
        line = page[start:m.start()]
        at = page.raw[start] if start < len(page.raw) else len(raw)
        out.append((bisect.bisect_right(breaks, at - 1) + 1 if breaks else 1, line, folded[start:m.start()]))
        start = m.end()
    return out


def _classify(folded: str) -> str | None:
    for name, pattern in _DROP:
        if pattern.search(folded):
            return name
    if _is_contact(folded):
        return "contact"
    return None


def _is_contact(folded: str) -> bool:
    """A line that is only an e-mail address or a phone number."""
    if re.fullmatch(EMAIL, folded):
        return True
    m = re.fullmatch(PHONE, folded)
    return bool(m) and is_phone(folded)


def _is_url_line(folded: str) -> bool:
    """A line that is a URL with at most a short label around it ("写真: https://...")."""
    urls = list(_URL.finditer(folded))
    return bool(urls) and len(folded) - sum(len(u.group()) for u in urls) <= 4


def _headline_like(t: str, folded: str) -> bool:
    return (len(t) >= 8 and bool(CJK.search(t)) and not _classify(folded) and not t.endswith("。")
            and not is_prose(t) and not _is_caption(t, folded) and not _is_url_line(folded))


def _is_caption(t: str, folded: str) -> bool:
    return bool(_CAPTION_START.search(folded) or _PHOTO_CREDIT.search(t)
                or (not is_prose(t) and _CAPTION.search(folded)))


def _find_title(lines: list[tuple[int, Aligned, str]]) -> tuple[int, str | None]:
    """Index of the headline and a warning when it is a fallback.

    The headline is the first headline-like line before the first prose line (a line after the body has
    begun is a subheading). When the page repeats it (metadata blocks, summaries), the article follows
    its last occurrence with more prose after it than between the first occurrence and it: a repeat
    after the body is not taken. A page with no headline falls back to its first prose line.
    """
    stripped = [line.text.strip() for _, line, _ in lines]
    prose = [0]  # prose[k]: characters of prose in the lines before line k
    for t in stripped:
        prose.append(prose[-1] + (len(t) if is_prose(t) else 0))
    first, caption = None, False
    for k, (_, _, folded) in enumerate(lines):
        t = stripped[k]
        if caption or _is_caption(t, folded.strip()):  # a caption under a photo credit may end a sentence
            caption = bool(t) and not caption and bool(_PHOTO_CREDIT.search(t))
            continue
        if is_prose(t):
            break
        following = next((f.strip() for _, _, f in lines[k + 1:k + 4] if f.strip()), "")
        if _headline_like(t, folded.strip()):
            first = k if first is None else first
            # a site name is followed by its menu; the headline is then a later candidate, if there is one
            if _classify(following) != "navigation" or is_prose(following) or k != first:
                first = k
                break
    if first is not None:
        best = first
        for k in range(first + 1, len(lines)):
            if stripped[k] == stripped[first] and prose[-1] - prose[k + 1] > prose[k] - prose[first + 1]:
                best = k
        return best, None
    for k, t in enumerate(stripped):
        if is_prose(t) and not _is_caption(t, lines[k][2].strip()):
            return k, "no headline found: the first prose line is used as the title"
    raise ValueError("no headline found and no prose line: the page holds no article text")


def _extract_metadata(lines: list[tuple[int, Aligned, str]]) -> tuple[str | None, str | None, str | None]:
    url = date = note = None
    for _, line, folded in lines:
        t, f = line.text.strip(), folded.strip()
        if url is None and re.fullmatch(r"https?://\S+\.html?", t):
            url = t
        if date is None and (m := _ISO_DATE.match(t)):
            date, note = m.group(1), f"from the page metadata ({t})"
        if date is None and (m := _TIMESTAMP.match(f)):
            y, mo, d = (g for g in m.groups()[4:10] if g is not None)
            try:
                date = dt.date(int(y), int(mo), int(d)).isoformat()
                note = f"from the dateline ({t})"
            except ValueError:
                date = None
    return url, date, note


def _remove_inline(p: Aligned, line: int, removed: list[Removal]) -> Aligned:
    """Remove personal data and reference codes from a kept paragraph: only the matched span goes."""
    folded = fold(p.text)
    spans: list[tuple[int, int, str]] = []
    for name, pattern in _INLINE:
        for m in pattern.finditer(folded):
            s, e = m.start(), m.end()
            if name == "url":
                while e > s and folded[e - 1] in _URL_TRAIL:
                    e -= 1
            if name == "phone" and not is_phone(m.group()):
                continue
            spans.append((s, e, name))
    if not spans:
        return p
    spans.sort()
    keep, last = [], 0
    for s, e, name in spans:
        if s < last:  # inside a span already removed (a URL holding an address)
            continue
        before, after = p.text[s - 1:s], p.text[e:e + 1]
        in_sentence = bool(before.strip()) and before not in "。！？" and bool(after.strip())
        removed.append(Removal(line, name, p.text[s:e], inline=True, in_sentence=in_sentence))
        keep.append(p[last:s])
        last = e
    keep.append(p[last:])
    return Aligned.join(keep)


def clean(raw: str) -> CleanResult:
    """Clean one raw article. Raises ValueError when the page holds no article text at all."""
    if "\x00" in raw:
        raise ValueError("binary data (NUL bytes), not a text article")
    removed: list[Removal] = []
    if looks_like_html(raw):
        page, skipped = html_to_text(raw)
        breaks = [m.start() for m in re.finditer(r"\r\n|\r|\n", raw)]
        removed.extend(Removal(bisect.bisect_right(breaks, at - 1) + 1, reason, text) for at, reason, text in skipped)
    else:
        page = Aligned(raw, list(range(len(raw))))
    lines = _lines(page, raw)
    url, date, date_note = _extract_metadata(lines)
    title_index, warning = _find_title(lines)
    removed.extend(Removal(n, _classify(f.strip()) or "before headline", line.text.strip())
                   for n, line, f in lines[:title_index] if line.text.strip())
    title = nfc(lines[title_index][1].strip())

    authors: set[str] = set()
    paragraphs: list[tuple[int, list[Aligned]]] = []
    joinable = False  # the previous kept line was hard-wrapped and continues on this one
    after_credit = in_caption = False
    for k in range(title_index + 1, len(lines)):
        number, line, folded = lines[k]
        line = line.strip()
        t, f = line.text, folded.strip()
        if not t:
            joinable = after_credit = in_caption = False
            continue
        prose = is_prose(t)
        ended = "footer" if _COPYRIGHT.search(f) else None
        if ended or not prose and (ended := next((name for name, p in _END if p.search(f)), None)):
            removed.extend(Removal(n, f"after end marker ({ended})", ln.text.strip())
                           for n, ln, _ in lines[k:] if ln.text.strip())
            break
        reason = None
        if after_credit:
            reason, after_credit = "caption", False
        elif _CAPTION_START.search(f):
            reason, in_caption = "caption", True
        elif not prose:
            reason = _classify(f) or ("byline" if t in authors else None)
            if reason == "byline":
                authors.add(t.split()[0])
            if reason is None and _PHOTO_CREDIT.search(t):
                reason, after_credit = "photo credit", True
            elif reason is None and _CAPTION.search(f):
                reason, in_caption = "caption", True
            elif reason is None and in_caption and len(t) <= MAX_CAPTION_LINE:
                reason = "caption"
            elif reason is None and _is_url_line(f):
                reason = "url"
            if reason is None and t == title.text:
                reason = "repeated headline"
        if reason:
            removed.append(Removal(number, reason, t))
            joinable = False
            continue
        in_caption = False
        if m := _LEADING_DATELINE.match(t):
            removed.append(Removal(number, "dateline", m.group().strip(), inline=True))
            line = line[m.end():]
        if joinable and paragraphs:
            paragraphs[-1][1].append(line)
        else:
            paragraphs.append((number, [line]))
        joinable = bool(SOFT_BREAK_END.search(line.text)) and not SENTENCE_END.search(line.text)

    body: list[Aligned] = []
    seen: set[str] = set()
    for number, pieces in paragraphs:
        p = _remove_inline(Aligned.join(pieces), number, removed)
        p = nfc(p.strip())
        if not p.text:
            continue
        if len(p.text) >= MIN_DUPLICATE_LENGTH and p.text in seen:
            removed.append(Removal(number, "duplicate paragraph", p.text))
            continue
        seen.add(p.text)
        body.append(p)
    removed.sort(key=lambda r: r.line)  # page order (inline removals were found after the line pass)
    if not body and warning is None:
        raise ValueError("no article body found after the headline")

    parts = [title, *body]
    text = title.text + ("\n\n" + "\n".join(part.text for part in body) if body else "")
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
    return CleanResult(title.text, text, runs, removed, date, date_note, url, [warning] if warning else [])


def to_raw_offset(alignment: list[dict], offset: int) -> int | None:
    """Raw-file offset of clean-text character `offset` (None for an inserted separator)."""
    for run in alignment:
        if run["start"] <= offset < run["start"] + run["length"]:
            return run["raw_start"] + offset - run["start"]
    return None
