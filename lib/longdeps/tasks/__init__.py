"""Tasks: the sequence problems the book trains on (one module per task)."""
