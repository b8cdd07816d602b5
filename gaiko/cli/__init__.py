"""The `gaiko` command. Each verb is a thin shell over one function of the package.

One module per group of verbs, each with `register(subparsers)`; a verb's handler is `<verb>_command(args)` and
returns an `ExitCode`. Library modules that load heavy third-party packages (numpy, scikit-learn, Label Studio's
SDK, jinja2, datasets) are imported inside the handlers, so `gaiko --help` starts quickly.
"""

from __future__ import annotations

import argparse
import sys

from gaiko.cli import annotation, baselines, corpus
from gaiko.cli import eval as evaluation
from gaiko.cli.options import ExitCode
from gaiko.io import GaikoError

# Groups of verbs, in the order `gaiko --help` lists them.
VERB_MODULES = (corpus, annotation, evaluation, baselines)


class _Parser(argparse.ArgumentParser):
    """A usage error is one line naming the verb and the problem (`gaiko --help` shows the usage)."""

    def error(self, message: str):
        self.exit(ExitCode.ERROR, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gaiko",
        description="Japanese diplomacy news corpus: build the dataset, annotate in Label Studio, "
        "score extractors.",
    )
    subparsers = parser.add_subparsers(dest="verb", metavar="VERB", required=True, parser_class=_Parser)
    for module in VERB_MODULES:
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return ExitCode(args.handler(args))
    except GaikoError as e:
        print(f"gaiko {args.verb}: error: {e}", file=sys.stderr)
        return ExitCode.ERROR
    except BrokenPipeError:  # the reader went away (`gaiko ... | head`): not an error of ours
        sys.stderr.close()
        return ExitCode.OK
    except KeyboardInterrupt:
        print(f"gaiko {args.verb}: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
