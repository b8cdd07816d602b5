"""The `gaiko` command. Each verb is a thin shell over one function of the package."""

from __future__ import annotations

import argparse
import importlib
import sys

from gaiko.io import GaikoError

# Modules that add verbs; each has `register(subparsers)`. Heavy imports stay inside the handlers.
VERB_MODULES = (
    "gaiko.corpus_cli",
    "gaiko.annotation.cli",
    "gaiko.eval.cli",
    "gaiko.eval.run",
    "gaiko.eval.align",
    "gaiko.eval.show",
    "gaiko.baselines.cli",
)


class _Parser(argparse.ArgumentParser):
    """A usage error is one line naming the verb and the problem (`gaiko --help` shows the usage)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gaiko",
        description="Japanese diplomacy news corpus: build the dataset, annotate in Label Studio, "
        "score extractors.",
    )
    subparsers = parser.add_subparsers(dest="verb", metavar="VERB", required=True, parser_class=_Parser)
    for name in VERB_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except GaikoError as e:
        print(f"gaiko {args.verb}: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (`gaiko ... | head`): not an error of ours
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(f"gaiko {args.verb}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
