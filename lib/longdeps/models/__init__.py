"""Models: the networks the book trains (one module per model)."""
