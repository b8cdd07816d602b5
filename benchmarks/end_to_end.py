"""Part 2: the real command line on files, against the floor of just parsing the same files; the
dataset build and `datasets.load_dataset`. Each command runs as its own process, so its wall time
includes the interpreter start and imports, and its peak memory is its own maximum resident set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from gaiko.dataset import CONFIGS
from gaiko.eval.metrics import score_documents
from gaiko.io import dumps_line

from synthetic import Corpus
from timing import Child, run_child

REPO = Path(__file__).resolve().parents[1]
PACKAGE_FOLDERS = ("gaiko", "eval", "annotation", "baselines")  # as mapped in pyproject.toml
GAIKO = [sys.executable, "-m", "gaiko"]  # the installed command line, run by this interpreter
# The floor: read both files and parse every line, nothing else.
FLOOR = "import json, sys\nfor path in sys.argv[1:]:\n    [json.loads(line) for line in open(path, encoding='utf-8')]"
LOAD_DATASET = ("import sys, datasets\ndatasets.disable_progress_bars()\n"
                "d = datasets.load_dataset(sys.argv[1], sys.argv[2])\nprint(sum(len(s) for s in d.values()))")


def compile_package() -> None:
    """The package's bytecode written, as `scripts/install.sh` (and any regular `pip install`) leaves it:
    the commands are timed as installed, not compiling their sources in every process."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", *PACKAGE_FOLDERS], cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL)


def write_files(corpus: Corpus, folder: Path) -> tuple[Path, Path]:
    gold, pred = folder / "gold.jsonl", folder / "pred.jsonl"
    gold.write_text("".join(dumps_line(doc) + "\n" for doc in corpus.gold), encoding="utf-8")
    pred.write_text("".join(dumps_line(corpus.predictions[doc["id"]]) + "\n" for doc in corpus.gold), encoding="utf-8")
    return gold, pred


def scoring_commands(corpus: Corpus, folder: Path, bootstrap: int) -> dict[str, Child]:
    """`gaiko score` on a predictions file; its JSON report must equal the in-memory one."""
    compile_package()
    gold, pred = write_files(corpus, folder)
    runs = {
        "python -c pass (interpreter start)": run_child([sys.executable, "-c", "pass"]),
        "floor: json.loads of every line (gold + predictions)": run_child([sys.executable, "-c", FLOOR, str(gold), str(pred)]),
        "gaiko score --json": run_child([*GAIKO, "score", "--gold", str(gold), "--pred", str(pred), "--json"], cwd=REPO),
        f"gaiko score --bootstrap {bootstrap} --json": run_child(
            [*GAIKO, "score", "--gold", str(gold), "--pred", str(pred), "--json", "--bootstrap", str(bootstrap)], cwd=REPO),
        "gaiko score --out DIR (report, errors.tsv, plots)": run_child(
            [*GAIKO, "score", "--gold", str(gold), "--pred", str(pred), "--out", str(folder / "report")], cwd=REPO),
    }
    expected = score_documents(corpus.gold, corpus.predictions)
    printed = json.loads(runs["gaiko score --json"].stdout)
    for section in ("ner", "events", "realis", "counts"):
        assert printed[section] == json.loads(json.dumps(expected[section])), f"gaiko score: {section} differs"
    with_ci = json.loads(runs[f"gaiko score --bootstrap {bootstrap} --json"].stdout)["ner"]["strict"]["micro"]
    assert with_ci["ci"][0] <= with_ci["f1"] <= with_ci["ci"][1], "bootstrap interval"
    errors = (folder / "report" / "errors.tsv").read_text(encoding="utf-8").count("\n") - 1
    micro = expected["ner"]["strict"]["micro"]
    assert errors >= micro["fn"], "every missed or wrong gold mention is listed in errors.tsv"
    return runs


def dataset_commands(folder: Path) -> dict[str, Child]:
    """`gaiko build` into a scratch folder, then `load_dataset` of each config: cold (fresh cache), warm."""
    out = folder / "dataset"
    runs = {"gaiko build": run_child([*GAIKO, "build", "--out", str(out)], cwd=REPO)}
    env = {**os.environ, "HF_HOME": str(folder / "hf"), "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}
    for config in CONFIGS:
        for state in ("cold", "warm"):
            child = run_child([sys.executable, "-c", LOAD_DATASET, str(out), config], env=env)
            assert int(child.stdout) > 0, f"load_dataset {config}: no rows"
            runs[f'load_dataset(dataset, "{config}"), {state} cache'] = child
    return runs
