"""The Python entry point for extractors, and the stdin/stdout adapter that sandboxes it.

An extractor is any object with `extract(documents) -> predictions`: it receives documents
without annotations (id, title, text and metadata) and returns one prediction dict per document
in the predictions format. `gaiko run --extractor module:object` does not import it into the
harness: it runs `python -m gaiko.eval.extractor module:object` inside the same sandbox as a
command, so a Python extractor gets exactly the same isolation and limits.
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import Protocol, runtime_checkable

from gaiko.io import GaikoError, dumps_line


@runtime_checkable
class Extractor(Protocol):
    def extract(self, documents: list[dict]) -> list[dict]:
        """One predictions dict ({"id", "entities", "events"}) per input document."""


class _FunctionExtractor:
    def __init__(self, function):
        self.extract = function


def load_extractor(spec: str) -> Extractor:
    """Resolve 'module:object' (object may be dotted) to an Extractor.

    The object may be an extractor instance, a class (instantiated without arguments) or a
    plain function `documents -> predictions`.
    """
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise GaikoError(f"extractor {spec!r} must look like 'package.module:object'")
    try:
        obj = importlib.import_module(module_name)
    except ImportError as e:
        raise GaikoError(f"extractor {spec!r}: cannot import {module_name!r}: {e}") from None
    for part in attribute.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise GaikoError(f"extractor {spec!r}: {module_name!r} has no attribute {attribute!r}") from None
    if isinstance(obj, type):
        obj = obj()
    if isinstance(obj, Extractor):
        return obj
    if callable(obj):
        return _FunctionExtractor(obj)
    raise GaikoError(f"extractor {spec!r} is neither callable nor has an extract(documents) method")


def main(argv: list[str] | None = None) -> int:
    """Read documents as JSONL on stdin, write the extractor's predictions as JSONL on stdout."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m gaiko.eval.extractor module:object", file=sys.stderr)
        return 2
    try:
        extractor = load_extractor(argv[0])
    except GaikoError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    documents = [json.loads(line) for line in sys.stdin if line.strip()]
    for prediction in extractor.extract(documents):
        sys.stdout.write(dumps_line(prediction) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
