"""Two readings of eq. (10) of BSF94 for discrete error propagation, side by side on parity.

Eq. (10) as printed, followed by eq. (8)'s filter (a desired change the threshold unit cannot make is
no change), flips a unit that is already right with probability about one half whenever the error
signal reaching it is small.  The paper also says "we must insure that Dy_i is in {2, -2, 0}"; the
*feasible* reading draws Dy_i on {-2 y_i, 0} with E[Dy_i] = g_i where g_i points the way y_i can flip,
which keeps eq. (10)'s expectation and drops most of that noise (:mod:`longdeps.learning.discrete_error`).

The scorecard judges the printed eq. (10) (the ``discrete`` column of :mod:`.tables`); this experiment
runs the feasible reading on the same trials (same training sets, same starts: same seed and T values
as the tables' parity grid) so the chapter can show how much of the gap to BF94 Table 3 is the
reading.  It declares no claim.
"""

from __future__ import annotations

from ...profiles import sizes
from .. import experiment
from .grid import run_problem, summary


@experiment("alternatives.readings")
def discrete_readings(profile: str = "book", seed: int = 1994, executor="processes") -> dict:
    """The parity grid of the feasible reading: the arrays of :func:`~.grid.run_problem` (trials, T, 1)
    plus their :func:`~.grid.summary`, with the T values and budget of ``alternatives.tables``."""
    s = sizes("alternatives.tables", profile)
    r = run_problem(
        "alternatives.readings", "parity", s["parity_T"], s["trials"], s["parity_online_budget"],
        s["search_budget"], seed, executor, algorithms=("discrete_feasible",),
    )  # fmt: skip
    return {**r, **summary(r)}
