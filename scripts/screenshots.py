"""Regenerate the README's screenshots of the HTML pages for the lexicon submission (docs/*.png).

    .venv/bin/python scripts/screenshots.py

Renders report.html of `gaiko score --out`, the `gaiko compare --out` page (lexicon against the rules
baseline) and the `gaiko show` pages (the lexicon's predictions and the gold of the test split) in
Debian's headless chromium, scrolled to the first document, and saves them as small palette PNGs.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from gaiko.paths import PROJECT_ROOT, SUBMISSIONS_DIR

sys.path.insert(0, str(PROJECT_ROOT / "tests"))

from conftest import CHROMIUM_ARGS  # noqa: E402  (the flags that keep chromium off the network)

from gaiko.cli import main  # noqa: E402

LEXICON = SUBMISSIONS_DIR / "lexicon-predictions" / "predictions.jsonl"
VIEWPORT = {"width": 1200, "height": 640}


def render(work: Path) -> dict[str, Path]:
    """The pages to photograph, by screenshot name. Run inside `work` with short relative file names, which
    the pages show as headings."""
    os.chdir(work)
    shutil.copy(LEXICON, "lexicon.jsonl")
    steps = [["score", "--pred", "lexicon.jsonl", "--split", "test", "--out", "score"],
             ["predict", "rules", "--split", "test", "--out", "rules.jsonl"],
             ["compare", "lexicon.jsonl", "rules.jsonl", "--split", "test", "--out", "compare"],
             ["show", "--split", "test", "--pred", "lexicon.jsonl", "--out", "show_pred.html"],
             ["show", "--split", "test", "--out", "show_gold.html"]]
    with contextlib.redirect_stdout(io.StringIO()):
        for argv in steps:
            if main(argv) != 0:
                raise SystemExit(f"gaiko {' '.join(argv)} failed")
    return {"html_report.png": work / "score" / "report.html", "html_compare.png": work / "compare" / "report.html",
            "html_show_predictions.png": work / "show_pred.html", "html_show_gold.png": work / "show_gold.html"}


def main_() -> None:
    out = PROJECT_ROOT / "docs"
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        pages = render(Path(tmp))
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                             args=CHROMIUM_ARGS)
        for name, path in pages.items():
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(path.as_uri())
            page.evaluate("window.scrollTo(0, document.querySelector('section.doc').offsetTop"
                          " - document.getElementById('filters').offsetHeight - 8)")
            shot = Path(tmp) / name
            page.screenshot(path=shot)
            Image.open(shot).convert("RGB").quantize(colors=64).save(out / name, optimize=True)
            print(f"wrote docs/{name}: {(out / name).stat().st_size // 1024} KB")
            page.close()
        browser.close()


if __name__ == "__main__":
    main_()
