"""The command-line layer: every verb's handler returns an ExitCode, `gaiko --help` stays light, and project
paths do not depend on the current folder."""

from __future__ import annotations

import argparse
import ast
import importlib
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from gaiko.cli import build_parser, main
from gaiko.cli.options import ExitCode
from gaiko.dataset import load_split
from gaiko.io import write_jsonl_atomic
from gaiko.paths import DEFAULT_EXPORT, EXPORTS_DIR, PROJECT_ROOT

HEAVY = ("numpy", "datasets", "spacy", "scipy", "sklearn", "label_studio_sdk", "matplotlib", "jinja2", "pyarrow")


def handlers(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], object]:
    """Every verb (and sub-verb) of the parser with its handler."""
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.update(handlers(sub, (*prefix, name)))
    handler = parser.get_default("handler")
    if handler is not None:
        found[prefix] = handler
    return found


def test_every_verb_has_one_handler_named_after_it_that_returns_an_exit_code():
    found = handlers(build_parser())
    assert len(found) >= 20
    for verb, handler in found.items():
        assert handler.__module__.startswith("gaiko.cli."), verb
        assert handler.__name__ == "_".join(verb) + "_command", verb
        assert typing.get_type_hints(handler)["return"] is ExitCode, verb


def test_exit_codes_keep_their_numbers():
    assert [(c.name, int(c)) for c in ExitCode] == [("OK", 0), ("FAILED", 1), ("ERROR", 2), ("INTERRUPTED", 130)]


def test_handlers_return_exit_codes(tmp_path, capsys):
    """The verbs that run quickly on small inputs, called through their handler."""
    gold = tmp_path / "gold.jsonl"
    docs = load_split("test")[:1]
    write_jsonl_atomic(gold, docs)
    empty = tmp_path / "empty.jsonl"
    write_jsonl_atomic(empty, [{"id": docs[0]["id"], "entities": [], "events": []}])
    runs = {
        ("docs", "--check"): ExitCode.OK,
        ("status",): ExitCode.OK,
        ("ls", "config"): ExitCode.OK,
        ("align", "--schema"): ExitCode.OK,
        ("validate", str(gold), "--gold", str(gold)): ExitCode.FAILED,  # gold records are not predictions
        ("validate", str(empty), "--gold", str(gold)): ExitCode.OK,
        ("score", "--pred", str(empty), "--gold", str(gold)): ExitCode.OK,
        ("score", "--pred", str(empty), "--gold", str(gold), "--fail-under", "ner.strict.micro.f1=0.5"):
            ExitCode.FAILED,
        ("show", "--gold", str(gold), "--out", str(tmp_path / "show.html")): ExitCode.OK,
    }
    for argv, expected in runs.items():
        args = build_parser().parse_args(argv)
        result = args.handler(args)
        assert type(result) is ExitCode and result == expected, argv
    capsys.readouterr()


def test_main_returns_exit_codes(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "missing.jsonl"), "--gold", str(tmp_path / "missing.jsonl")]) \
        is ExitCode.ERROR
    with pytest.raises(SystemExit) as usage:
        main(["score"])
    assert usage.value.code == ExitCode.ERROR
    capsys.readouterr()


def test_help_does_not_load_heavy_libraries():
    program = ("import sys\nfrom gaiko.cli import build_parser\nbuild_parser()\n"
               f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == ""
    shown = subprocess.run([sys.executable, "-m", "gaiko", "--help"], capture_output=True, text=True)
    assert shown.returncode == ExitCode.OK and "leaderboard" in shown.stdout


def test_pull_writes_the_export_build_reads_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pull = build_parser().parse_args(["ls", "pull"])
    build = build_parser().parse_args(["build"])
    assert pull.out == DEFAULT_EXPORT and pull.out.is_absolute()
    assert pull.out.parent == build.exports == EXPORTS_DIR
    assert EXPORTS_DIR.is_relative_to(PROJECT_ROOT)


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return modules


def test_library_layers_do_not_import_the_command_line():
    root = Path(PROJECT_ROOT)
    library = [*root.glob("gaiko/*.py"), *root.glob("annotation/*.py"), *root.glob("eval/*.py"),
               *root.glob("baselines/*.py")]
    assert library
    for path in library:
        if path.name == "__main__.py":  # `python -m gaiko` runs the command
            continue
        assert not any(m == "gaiko.cli" or m.startswith("gaiko.cli.") for m in imported_modules(path)), path
    studio = imported_modules(root / "annotation" / "studio.py")
    assert not any(m.startswith("gaiko.baselines") for m in studio), "the push takes predictions from its caller"


def test_verb_groups_list_every_verb_where_it_is_registered():
    """`gaiko VERB` imports only VERB's group, so the table must say where each verb lives."""
    from gaiko.cli import VERB_GROUPS

    registered = {}
    for group in VERB_GROUPS:
        parser = argparse.ArgumentParser()
        subparsers = parser.add_subparsers()
        importlib.import_module(group).register(subparsers)
        registered[group] = tuple(subparsers.choices)
    assert registered == VERB_GROUPS
    assert list(build_parser()._subparsers._group_actions[0].choices) == [v for vs in VERB_GROUPS.values() for v in vs]


def test_a_named_verb_loads_only_its_group():
    program = ("import sys\nfrom gaiko.cli import build_parser\n"
               "build_parser('score').parse_args(['score', '--pred', 'p'])\n"
               "print(' '.join(sorted(m for m in sys.modules if m.startswith('gaiko.cli.'))))")
    loaded = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == ["gaiko.cli.eval", "gaiko.cli.options"]  # not the group of run, gate, align and show
