"""The cleaner's time against the page size (it must stay linear) and its HTML reader against peers.

    .venv/bin/python benchmarks/cleaning.py [--quick]

1. A hard-wrapped page (the case that once took 15 s for 90 kB) and an HTML page, each repeated to
   growing sizes: time per kB at each size over the time per kB at the smallest size (1.0 = linear).
2. Turning the HTML page into text: gaiko's aligned reader (every character keeps its raw offset) against
   Python's `html.parser` collecting text nodes and, when installed, `lxml.html` `text_content()` (neither
   keeps offsets). Ratios are peer / ours, measured in the same run.
The kept text is asserted at every size (the article's paragraphs all survive), so a fast but lossy
cleaner fails.
"""

from __future__ import annotations

import argparse
import sys
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gaiko.cleaning import clean, html_to_text  # noqa: E402

from timing import median_time  # noqa: E402

PAGES = Path(__file__).resolve().parent.parent / "tests" / "data" / "pages"
FLAT = 1.5  # per-kB time at the largest size within this factor of that at the smallest


def hard_wrapped(kb: int) -> tuple[str, str]:
    """A hard-wrapped article of about `kb` kB (UTF-8) and one of its paragraphs, rejoined."""
    head = (PAGES / "hard_wrapped.txt").read_text(encoding="utf-8").split("\n\n", 1)[0] + "\n\n"
    unit = "北朝鮮とロシアは軍事協力を一段と強化することで\n合意したと両国の政府がそれぞれ発表した。\n\n"
    n = max(1, kb * 1024 // len(unit.encode("utf-8")))
    return head + unit * n, unit.replace("\n", "")


def html_page(kb: int) -> tuple[str, str]:
    raw = (PAGES / "html_page.html").read_text(encoding="utf-8")
    start, end = raw.index("<p>ロシアと"), raw.index("</article>")
    body = raw[start:end]
    n = max(1, kb * 1024 // len(body.encode("utf-8")))
    return raw[:start] + "".join(body.replace("20日", f"{k}日", 1) for k in range(n)) + raw[end:], \
        "ロシア側の担当者は「数年以内に完成させたい」と述べた。"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def stdlib_text(raw: str) -> str:
    parser = _Text()
    parser.feed(raw)
    parser.close()
    return "".join(parser.parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a few seconds)")
    args = parser.parse_args()
    sizes, repeats = ((10, 30, 90), 3) if args.quick else ((10, 30, 90, 270, 810), 5)

    print("1. Cleaning time against page size (time per kB / time per kB at the smallest size)")
    for name, make in (("hard-wrapped text", hard_wrapped), ("HTML", html_page)):
        base = None
        for kb in sizes:
            raw, paragraph = make(kb)
            seconds, result = median_time(lambda raw=raw: clean(raw), repeats)
            assert paragraph in result.text, f"{name} {kb} kB: a paragraph was lost"
            per_kb = seconds / (len(raw.encode("utf-8")) / 1024)
            base = base or per_kb
            print(f"  {name:<18} {len(raw.encode('utf-8')) / 1024:>7.0f} kB  {seconds * 1000:>9.1f} ms  "
                  f"{per_kb / base:>5.2f}")
        verdict = "met" if per_kb / base <= FLAT else "MISSED"
        print(f"  {verdict}: per-kB time at {sizes[-1]} kB within {FLAT}× of that at {sizes[0]} kB "
              f"({per_kb / base:.2f}×)")

    raw, _ = html_page(sizes[-1])
    ours, (page, _) = median_time(lambda: html_to_text(raw), repeats)
    print(f"\n2. HTML → text on {len(raw.encode('utf-8')) / 1024:.0f} kB (peer / ours; ours keeps raw offsets)")
    print(f"  gaiko html_to_text (aligned)       {ours * 1000:>9.1f} ms  1.00×")
    peer, text = median_time(lambda: stdlib_text(raw), repeats)
    assert "数年以内に完成させたい" in text and "数年以内に完成させたい" in page.text
    print(f"  html.parser text nodes (stdlib)    {peer * 1000:>9.1f} ms  {peer / ours:.2f}×")
    try:
        import lxml.html
    except ImportError:
        print("  lxml.html: not installed")
    else:
        peer, _ = median_time(lambda: lxml.html.fromstring(raw).text_content(), repeats)
        print(f"  lxml.html text_content (C)         {peer * 1000:>9.1f} ms  {peer / ours:.2f}×")


if __name__ == "__main__":
    main()
