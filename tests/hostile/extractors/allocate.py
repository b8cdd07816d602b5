"""Hostile: allocates 10 GB."""
block = bytearray(10 * 1024**3)
print(len(block))
