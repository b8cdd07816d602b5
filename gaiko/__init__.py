"""gaiko: Japanese diplomacy news with gold entities and events, and an evaluation harness."""

__version__ = "0.1.0"
