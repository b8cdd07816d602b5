"""Hostile: prints lines that are not valid predictions (line 1 is valid, the rest are not)."""
import json
import sys

doc_id = json.loads(sys.stdin.readline())["id"]
print(json.dumps({"id": doc_id, "entities": [{"start": 0, "end": 3, "label": "GPE"}], "events": []}))
print("this is not json")
print(json.dumps([1, 2, 3]))
print(json.dumps({"id": "no-such-document", "entities": [], "events": []}))
print('{"id": "x", "entities": [{"start": NaN, "end": 1, "label": "GPE"}]}')
