"""Hostile: prints a marker on stderr, then sleeps (the harness is then sent SIGTERM by the test)."""
import sys
import time

print("READY", file=sys.stderr, flush=True)
time.sleep(3600)
