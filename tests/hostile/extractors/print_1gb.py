"""Hostile: writes 1 GB to stdout."""
import sys

chunk = b"x" * (1024 * 1024)
for _ in range(1024):
    sys.stdout.buffer.write(chunk)
