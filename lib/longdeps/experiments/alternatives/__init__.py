"""Alternatives to gradient descent: six 1994 algorithms and random guessing on the latch, 2-sequence
and parity problems (Bengio, Simard & Frasconi 1994, Section V and Fig. 4; Bengio & Frasconi 1994,
Section 7 and Tables 1-4; Hochreiter, Bengio, Frasconi & Schmidhuber 2001, Section 4).

* :mod:`.common` -- the protocol (the choices the papers leave open), problems, learners, trial function;
* :mod:`.grid` -- one problem's (T, algorithm) grid through the runner;
* :mod:`.paper` -- the numbers of BF94 Tables 1-4 and the reading of the garbled parity tables;
* :mod:`.tables` -- experiment ``alternatives.tables`` (2-sequence, parity) and one claim per table cell;
* :mod:`.fig4` -- experiment ``alternatives.fig4`` (adds the latch) and the comparative claims;
* :mod:`.readings` -- experiment ``alternatives.readings``: discrete error propagation under a second
  reading of eq. (10), on the parity trials of the tables (no claim);
* :mod:`.explore` -- the explorer's backend (not an experiment).
"""

from __future__ import annotations

from .common import ALGORITHMS, CHAPTER, LABELS, PROBLEM_LABELS, PROBLEMS, PROTOCOL, Protocol
from .explore import explorer_run
from .fig4 import fig4
from .paper import PARITY_COLUMNS, TABLES
from .readings import discrete_readings
from .tables import cell, em_cells, tables

__all__ = [
    "ALGORITHMS",
    "CHAPTER",
    "LABELS",
    "PARITY_COLUMNS",
    "PROBLEMS",
    "PROBLEM_LABELS",
    "PROTOCOL",
    "Protocol",
    "TABLES",
    "cell",
    "discrete_readings",
    "em_cells",
    "explorer_run",
    "fig4",
    "tables",
]
