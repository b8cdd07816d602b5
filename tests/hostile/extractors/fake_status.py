"""Hostile: fails, and prints what a sandbox failure and an out-of-memory death look like, to be misread."""
import sys

sys.stderr.write("bwrap: execvp python3: No such file or directory\n")
sys.stderr.write("MemoryError\nCannot allocate memory\n")
sys.exit(1)
