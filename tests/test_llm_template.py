"""The LLM submission template: request format, structured-output schema, alignment of the answers.

The template needs a real endpoint and the network, which tests do not have; a local HTTP server that
speaks the chat-completions protocol answers with the gold written as strings, so everything but the
model itself runs for real (the script, its request, `gaiko.eval.align`, `gaiko score`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import tomllib
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from gaiko.dataset import load_split
from gaiko.eval.align import strings_schema
from gaiko.eval.metrics import evaluate

from support.strings import as_strings

LLM = Path(__file__).resolve().parent.parent / "eval" / "llm"
KEY = "sk-test-not-a-real-key-7f3a"


def test_the_template_asks_with_the_schema_and_aligns_the_answers():
    gold = {d["id"]: d for d in load_split("test")}
    requests = []

    class Endpoint(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            requests.append((self.path, self.headers.get("Authorization"), body))
            asked = json.loads(body["messages"][1]["content"])
            content = json.dumps(as_strings(gold[asked["id"]]), ensure_ascii=False)
            reply = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Endpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = {"PATH": "/usr/bin:/bin", "GAIKO_LLM_MODEL": "test-model", "GAIKO_LLM_API_KEY": KEY,
               "GAIKO_LLM_BASE_URL": f"http://127.0.0.1:{server.server_port}/v1"}
        done = subprocess.run([sys.executable, str(LLM / "llm_extract.py"), "--split", "test"], env=env,
                              capture_output=True, text=True, timeout=120)
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr
    assert KEY not in done.stdout + done.stderr
    path, auth, body = requests[0]
    assert path == "/v1/chat/completions" and auth == f"Bearer {KEY}" and body["model"] == "test-model"
    sent = body["response_format"]["json_schema"]
    assert sent["strict"] and sent["schema"] == {k: v for k, v in strings_schema().items() if k != "$schema"}
    assert body["messages"][0]["content"] == (LLM / "prompt.md").read_text(encoding="utf-8")
    predictions = {p["id"]: p for p in map(json.loads, done.stdout.splitlines())}
    report = evaluate(list(gold.values()), predictions).report
    assert report["ner"]["strict"]["micro"]["f1"] == 1.0
    assert report["events"]["argument_classification"]["micro"]["f1"] == 1.0


def test_the_template_says_it_runs_outside_the_sandbox():
    text = (LLM / "extractor.toml").read_text(encoding="utf-8")
    config = tomllib.loads(text)
    assert config["command"] == "python3 llm_extract.py" and (LLM / "llm_extract.py").exists()
    assert "DOES NOT RUN UNDER `gaiko run`" in text and "outside the sandbox" in text
