"""The CI gate as a script: the same as `gaiko gate` (see `gaiko gate --help` and `gaiko.eval.gate`)."""

from __future__ import annotations

import sys

from gaiko.cli import main as gaiko


def main(argv: list[str] | None = None) -> int:
    return gaiko(["gate", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
