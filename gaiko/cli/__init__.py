"""The `gaiko` command. Each verb is a thin shell over one function of the package.

One module per group of verbs, each with `register(subparsers)`; a verb's handler is `<verb>_command(args)` and
returns an `ExitCode`. Library modules that load heavy third-party packages (numpy, scikit-learn, Label Studio's
SDK, jinja2, datasets) are imported inside the handlers, so `gaiko --help` starts quickly; a command that names
its verb imports only that verb's group.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from gaiko.cli.options import ExitCode
from gaiko.io import GaikoError, printable

# Each group of verbs and the verbs it registers, in the order `gaiko --help` lists them.
VERB_GROUPS = {
    "gaiko.cli.corpus": ("add", "status", "diff", "ingest", "sheet", "build", "stats", "check", "docs"),
    "gaiko.cli.annotation": ("ls", "agreement"),
    "gaiko.cli.eval": ("validate", "score", "compare"),
    "gaiko.cli.runs": ("run", "gate", "align", "show"),
    "gaiko.cli.baselines": ("leaderboard", "predict"),
}
GROUP_OF = {verb: group for group, verbs in VERB_GROUPS.items() for verb in verbs}


class _Parser(argparse.ArgumentParser):
    """A usage error is one line naming the verb and the problem (`gaiko --help` shows the usage)."""

    def error(self, message: str):
        self.exit(ExitCode.ERROR, f"{self.prog}: error: {message}\n")


def build_parser(verb: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or with `verb` (a known one) only its group's verbs."""
    parser = _Parser(
        prog="gaiko",
        description="Japanese diplomacy news corpus: build the dataset, annotate in Label Studio, "
        "score extractors.",
    )
    subparsers = parser.add_subparsers(dest="verb", metavar="VERB", required=True, parser_class=_Parser)
    for group in ([GROUP_OF[verb]] if verb in GROUP_OF else VERB_GROUPS):
        importlib.import_module(group).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv[0] if argv else None).parse_args(argv)
    try:
        return ExitCode(args.handler(args))
    except GaikoError as e:
        print(f"gaiko {args.verb}: error: {printable(str(e))}", file=sys.stderr)  # one line, whatever the input held
        return ExitCode.ERROR
    except BrokenPipeError:  # the reader went away (`gaiko ... | head`): not an error of ours
        sys.stderr.close()
        return ExitCode.OK
    except KeyboardInterrupt:
        print(f"gaiko {args.verb}: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
