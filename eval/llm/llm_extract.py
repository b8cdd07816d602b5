"""An LLM extractor: asks an OpenAI-compatible chat-completions endpoint for string-level answers in
structured-output mode (prompt.md, strings.schema.json) and places them in the text with gaiko's
aligner. It needs the network, so it runs outside `gaiko run`'s sandbox (see extractor.toml).

    python3 llm_extract.py [--split test] > predictions.jsonl     # or documents JSONL on stdin

Settings come from the environment: GAIKO_LLM_MODEL (required), GAIKO_LLM_API_KEY (sent as a bearer
token, never printed), GAIKO_LLM_BASE_URL (default https://api.openai.com/v1).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.request
from pathlib import Path

from gaiko.dataset import load_split
from gaiko.documents import strip_annotations
from gaiko.eval.align import align

HERE = Path(__file__).resolve().parent


def ask(document: dict, prompt: str, schema: dict, base_url: str, model: str, key: str | None) -> dict:
    """One document's answer from the endpoint (the message content, parsed)."""
    body = {"model": model, "temperature": 0,
            "messages": [{"role": "system", "content": prompt},
                         {"role": "user", "content": json.dumps({"id": document["id"], "title": document.get("title"),
                                                                 "text": document["text"]}, ensure_ascii=False)}],
            "response_format": {"type": "json_schema",
                                "json_schema": {"name": "gaiko_answer", "strict": True,
                                                "schema": {k: v for k, v in schema.items() if k != "$schema"}}}}
    request = urllib.request.Request(base_url.rstrip("/") + "/chat/completions", method="POST",
                                     data=json.dumps(body).encode("utf-8"),
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {key}"} if key else {})})
    with urllib.request.urlopen(request, timeout=600) as response:
        reply = json.load(response)
    answer = json.loads(reply["choices"][0]["message"]["content"])
    answer["id"] = document["id"]  # the document is known; a model that garbles the id loses nothing
    return answer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", help="read the documents of this dataset split (without annotations) "
                        "instead of stdin")
    args = parser.parse_args(argv)
    model = os.environ.get("GAIKO_LLM_MODEL")
    if not model:
        print("llm_extract: set GAIKO_LLM_MODEL (and GAIKO_LLM_API_KEY, GAIKO_LLM_BASE_URL)", file=sys.stderr)
        return 2
    if args.split:
        documents = [strip_annotations(d) for d in load_split(args.split)]
    else:
        documents = [json.loads(line) for line in sys.stdin if line.strip()]
    prompt = (HERE / "prompt.md").read_text(encoding="utf-8")
    schema = json.loads((HERE / "strings.schema.json").read_text(encoding="utf-8"))
    base_url = os.environ.get("GAIKO_LLM_BASE_URL", "https://api.openai.com/v1")
    answers = [(n, ask(d, prompt, schema, base_url, model, os.environ.get("GAIKO_LLM_API_KEY")))
               for n, d in enumerate(documents, start=1)]
    result = align(answers, documents, "ordered")
    for problem in result.problems:
        print(problem.format("answers"), file=sys.stderr)
    for prediction in result.predictions:
        print(json.dumps(prediction, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
