"""The Label Studio token comes only from the environment and appears nowhere else: not in the output or
errors of push, pull and agreement (also when a call fails), not in the files they write, not in the server's
logs or its command line."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from gaiko.annotation.server import free_port
from gaiko.cli import build_parser, main

HOSTILE = Path(__file__).parent / "hostile"
GOLD = HOSTILE / "predictions" / "gold.jsonl"
SERVER_DATABASE = (".sqlite3", ".sqlite3-wal", ".sqlite3-shm")  # where the server keeps its users' tokens


def option_strings(parser: argparse.ArgumentParser):
    for action in parser._actions:
        yield from action.option_strings
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from option_strings(sub)


def test_no_command_line_option_takes_a_token():
    found = list(option_strings(build_parser()))
    assert "--project" in found  # the walk reached the ls verbs
    assert not [o for o in found if any(word in o for word in ("token", "key", "password", "secret"))]


@pytest.mark.label_studio
def test_token_never_appears_in_output_errors_files_or_logs(label_studio, tmp_path, capfd, monkeypatch):
    """In-process (capfd captures file descriptors 1 and 2, so library logging is scanned too)."""
    server, token = label_studio
    wrong = token[::-1]
    transcript = []
    monkeypatch.chdir(tmp_path)

    def gaiko(*argv: str, expect: int = 0, **env: str) -> str:
        with monkeypatch.context() as patch:
            for name, value in env.items():
                patch.setenv(name, value)
            code = main(list(argv))
        out, err = capfd.readouterr()
        transcript.append(out + err)
        assert code == expect, out + err
        return out + err

    docs = tmp_path / "documents.jsonl"
    docs.write_bytes(GOLD.read_bytes())
    project = ("--project", "gaiko secrets", "--documents", str(docs))
    gaiko("ls", "push", *project, "--predictions", str(HOSTILE / "predictions" / "valid.jsonl"),
          "--model-version", "v1", "--annotations", str(GOLD), "--annotator", "a@gaiko.test")
    gaiko("ls", "push", *project, "--annotations", str(GOLD), "--annotator", "b@gaiko.test")
    gaiko("agreement", "--project", "gaiko secrets")
    export = tmp_path / "exports" / "gaiko.json"
    assert "adjudicate" in gaiko("ls", "pull", *project, "--out", str(export), expect=2)
    gaiko("ls", "push", *project, "--annotations", str(GOLD), "--annotator", "lead@gaiko.test", "--ground-truth")
    gaiko("ls", "pull", *project, "--out", str(export))
    gaiko("agreement", str(export))

    failures = {
        "wrong token": gaiko("ls", "pull", *project, expect=2, LABEL_STUDIO_API_KEY=wrong),
        # nothing listens there, and the token was pasted into the URL by mistake
        "wrong URL": gaiko("agreement", "--project", "gaiko secrets", expect=2,
                           LABEL_STUDIO_URL=f"http://127.0.0.1:{free_port()}/{token}"),
    }
    assert "HTTP 401" in failures["wrong token"] and "/***: ConnectError" in failures["wrong URL"]
    for message in failures.values():
        assert len(message.strip().splitlines()) == 1, message

    written = [p for p in [*tmp_path.rglob("*"), *server.data_dir.rglob("*")]
               if p.is_file() and not p.name.endswith(SERVER_DATABASE)]
    assert export in written and server.log_path in written
    cmdline = Path(f"/proc/{server.process.pid}/cmdline").read_bytes().decode(errors="replace")
    for secret in (token, wrong):
        for text in transcript:
            assert secret not in text, text
        for path in written:
            assert secret.encode() not in path.read_bytes(), path
        assert secret not in cmdline
