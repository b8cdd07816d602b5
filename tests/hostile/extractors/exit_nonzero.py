"""Hostile: fails with a message on stderr and exit code 7."""
import sys

print("loading model...", file=sys.stderr)
print("fatal: model file weights.bin not found", file=sys.stderr)
sys.exit(7)
