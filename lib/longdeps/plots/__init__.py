"""Figure functions, one module per chapter.  Each takes results (not raw parameters), so a chapter's
static figure and its interactive explorer draw through the same code."""
