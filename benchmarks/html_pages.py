"""How fast the HTML pages load in a browser, against spaCy's displaCy page of the same entity spans.

    .venv/bin/python benchmarks/html_pages.py [--repeats N] [--markdown FILE]

Pages for the test split: report.html of the lexicon submission (`gaiko score --out`), the comparison of
the lexicon with the rules baseline (`gaiko compare --out`) and the gold viewer (`gaiko show`). The peer is
displaCy's entity page (`displacy.render(style="ent", manual=True, page=True)`) of the same documents with
the same spans: gold and predicted for the report (gold, A and B for the comparison), gold for the
viewer; it shows no events, no error kinds, no tables and no plots. Each page is opened from disk in
Debian's headless chromium, in a fresh tab per repeat; "load" is the navigation's loadEventEnd and
"first frame" the next animation frame after it (layout and paint of the whole page). Medians.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from gaiko.paths import PROJECT_ROOT, SUBMISSIONS_DIR

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(PROJECT_ROOT / "tests"))

from conftest import CHROMIUM_ARGS  # noqa: E402

from gaiko.cli import main  # noqa: E402
from gaiko.dataset import load_split  # noqa: E402

from timing import Table, ratio, seconds  # noqa: E402

LEXICON = SUBMISSIONS_DIR / "lexicon-predictions" / "predictions.jsonl"
TARGET = 1.0  # seconds: the test split's page loads in under a second
MEASURE = """async () => {
  const nav = performance.getEntriesByType('navigation')[0];
  const frame = await new Promise((done) => requestAnimationFrame(() => done(performance.now())));
  return [nav.loadEventEnd / 1000, frame / 1000, document.querySelectorAll('*').length];
}"""


def displacy_page(docs: list[dict], sides: list[tuple[str, dict[str, dict]]]) -> str:
    """displaCy's entity page with one figure per document and side."""
    from spacy import displacy

    parsed = [{"text": d["text"], "title": f"{d['id']} {name}",
               "ents": sorted(({"start": m["start"], "end": m["end"], "label": m["label"]}
                               for m in (records.get(d["id"]) or {}).get("entities") or []),
                              key=lambda m: m["start"])}
              for d in docs for name, records in sides]
    return displacy.render(parsed, style="ent", manual=True, page=True)


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def pages(work: Path) -> list[tuple[str, Path, float, Path, float]]:
    """(name, our page, seconds to write it, displaCy page, seconds to render it) for each page."""
    docs = load_split("test")
    gold = {d["id"]: d for d in docs}
    os.chdir(work)
    read = lambda path: {json.loads(line)["id"]: json.loads(line) for line in path.read_text().splitlines()}  # noqa: E731
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["predict", "rules", "--split", "test", "--out", "rules.jsonl"]) == 0
        steps = {
            "report.html (gaiko score --out)": (["score", "--pred", str(LEXICON), "--split", "test", "--out", "score"],
                                                "score/report.html", [("gold", gold), ("pred", read(LEXICON))]),
            "comparison (gaiko compare --out)": (["compare", str(LEXICON), "rules.jsonl", "--split", "test",
                                                  "--bootstrap", "1", "--out", "compare"], "compare/report.html",
                                                 [("gold", gold), ("A", read(LEXICON)), ("B", read(work / "rules.jsonl"))]),
            "gold viewer (gaiko show)": (["show", "--split", "test", "--out", "show.html"], "show.html", [("gold", gold)]),
        }
        out = []
        for name, (argv, page, sides) in steps.items():
            for _ in range(2):  # the second, warm run is timed (imports and caches out of the way)
                ours, code = timed(lambda: main(argv))
                assert code == 0, argv
                peer, html = timed(lambda: displacy_page(docs, sides))
            (work / f"displacy_{len(out)}.html").write_text(html, encoding="utf-8")
            out.append((name, work / page, ours, work / f"displacy_{len(out)}.html", peer))
    return out


def load_times(browser, path: Path, repeats: int) -> tuple[float, float, int]:
    loads, frames, elements = [], [], 0
    for _ in range(repeats):
        tab = browser.new_page()
        tab.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
        tab.goto(path.as_uri())
        load, frame, elements = tab.evaluate(MEASURE)
        loads.append(load)
        frames.append(frame)
        tab.close()
    return statistics.median(loads), statistics.median(frames), elements


def run(repeats: int) -> Table:
    from playwright.sync_api import sync_playwright

    table = Table("HTML pages of the test split in headless chromium (median of %d loads)" % repeats,
                  ("page", "size", "elements", "load", "first frame", "displaCy first frame", "ours / displaCy",
                   "written in", "displaCy render"))
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS)
        for name, ours, write_s, peer, render_s in pages(Path(tmp)):
            load, frame, elements = load_times(browser, ours, repeats)
            _, peer_frame, _ = load_times(browser, peer, repeats)
            table.add(name, f"{ours.stat().st_size // 1024} KB", elements, seconds(load), seconds(frame),
                      seconds(peer_frame), ratio(frame, peer_frame), seconds(write_s), seconds(render_s))
            met = "met" if frame < TARGET else "MISSED"
            table.notes.append(f"{met}: {name} shows its first frame in under {TARGET:.0f} s — {seconds(frame)}")
        browser.close()
    table.notes.append("written in: the whole command, warm, in process (score also writes the report, errors.tsv and "
                       "four PNG plots; compare runs 1 resample); displaCy render: displacy.render of the same entity "
                       "spans, warm")
    return table


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--markdown", type=Path, help="also write the table as markdown to this file")
    args = parser.parse_args()
    result = run(args.repeats)
    print(result.text())
    if args.markdown:
        args.markdown.write_text(result.markdown(), encoding="utf-8")
