"""The dataset card's code runs as written: Quick start (load, train, predict, score), the evaluation from
a clone and from a dataset copy alone, the folds; its metadata matches the data."""

from __future__ import annotations

import re
import subprocess
import sys

import datasets
import pytest
import yaml

from gaiko import hf
from gaiko.dataset import load_split
from gaiko.paths import DATASET_DIR

CARD = (DATASET_DIR / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The card's text from a heading to the next heading of the same or a higher level."""
    level = title.split(" ")[0]
    start = CARD.index(f"\n{title}\n")
    ends = [m.start() for m in re.finditer(rf"\n#{{1,{len(level)}}} ", CARD) if m.start() > start]
    return CARD[start:min(ends, default=len(CARD))]


def blocks(text: str) -> list[tuple[str, str]]:
    return re.findall(r"```(\w+)\n(.*?)```", text, flags=re.S)


def run_blocks(text: str, cwd, data=DATASET_DIR) -> list[str]:
    """Run a section's python and sh blocks in order, in `cwd`, with DATA pointing at the dataset folder;
    return the output of each sh command."""
    outputs = []
    for language, code in blocks(text):
        if language == "python":
            code = code.replace('DATA = "dataset"', f"DATA = {str(data)!r}")
            if "DATA =" not in code:
                code = f"DATA = {str(data)!r}\n{code}"
            proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True)
            assert proc.returncode == 0, proc.stderr[-3000:]
        elif language == "sh":
            for line in code.strip().splitlines():
                command = line.split()
                assert command[0] == "gaiko", line
                proc = subprocess.run([sys.executable, "-m", "gaiko", *command[1:]], cwd=cwd, capture_output=True,
                                      text=True)
                assert proc.returncode == 0, proc.stderr[-3000:]
                outputs.append(proc.stdout)
    return outputs


def test_quick_start_loads_trains_predicts_and_scores(tmp_path):
    quick = section("## Quick start")
    runnable = quick[:quick.index("### With `transformers`")]
    (table,) = run_blocks(runnable, tmp_path)
    strict = next(line for line in table.splitlines() if line.startswith("ner.strict micro")).split()
    assert 0 < float(strict[4]) < 1  # F1 of a real, imperfect model
    assert (tmp_path / "predictions.jsonl").is_file()


def test_the_transformers_snippet_compiles_and_uses_only_what_gaiko_hf_has():
    (code,) = [c for lang, c in blocks(section("### With `transformers`")) if lang == "python"]
    compile(code, "card", "exec")
    imported = re.search(r"from gaiko\.hf import ([\w, ]+)", code).group(1)
    for name in imported.split(","):
        assert hasattr(hf, name.strip()), name


def test_evaluation_from_a_clone_and_from_a_dataset_copy_alone_print_the_same_table(tmp_path):
    run_blocks(section("## Quick start").split("### With `transformers`")[0], tmp_path)
    from_clone, from_copy = run_blocks(section("## Evaluation"), tmp_path)
    assert from_clone == from_copy and "ner.strict micro" in from_clone
    assert (tmp_path / "gold.jsonl").is_file()


def test_the_folds_snippet_holds_each_document_out_once(tmp_path):
    (code,) = [c for lang, c in blocks(section("### Splits")) if lang == "python"]
    check = ("\nseen.append(held_out)\nassert set(test['document_id']) == {held_out}\n"
             "assert held_out not in set(train['document_id']) and len(train) + len(test) == len(every)\n")
    looped = code.replace("    test = every.filter(lambda row: row[\"document_id\"] == held_out)\n",
                          "    test = every.filter(lambda row: row[\"document_id\"] == held_out)\n"
                          + "".join(f"    {line}\n" for line in check.strip().splitlines()))
    assert looped != code
    program = f"DATA = {str(DATASET_DIR)!r}\nseen = []\n{looped}\nprint(len(seen))\n"
    proc = subprocess.run([sys.executable, "-c", program], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    documents = len(load_split("all"))
    assert int(proc.stdout) == len(re.findall(r"^- fold \d+: test `", CARD, flags=re.M)) == documents


def test_metadata_has_what_the_hub_template_asks_and_matches_the_data(tmp_path):
    meta = yaml.safe_load(CARD.split("---\n")[1])
    for key in ("annotations_creators", "language_creators", "multilinguality", "source_datasets",
                "license_name", "license_link", "tags", "task_categories"):
        assert meta[key], key
    assert (DATASET_DIR / meta["license_link"]).is_file()
    for info in meta["dataset_info"]:
        loaded = datasets.load_dataset(str(DATASET_DIR), info["config_name"], cache_dir=str(tmp_path))
        assert {s["name"]: s["num_examples"] for s in info["splits"]} == {k: len(v) for k, v in loaded.items()}


@pytest.mark.parametrize("heading", ["### Direct Use", "### Out-of-Scope Use", "### Recommendations",
                                     "### Label ids", "### Example", "### Arguments outside the trigger's sentence"])
def test_the_card_has_the_section(heading):
    assert f"\n{heading}\n" in CARD
