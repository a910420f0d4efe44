"""The minimal task (Bengio, Simard & Frasconi 1994, Sections II-III, Figs. 1-2), plus two things the
paper says without showing: training on short sequences first, and random weight guessing
(Hochreiter et al. 2001, Section 4).  One module per figure, each with its protocol constants, its
experiment and the claims it judges:

* :mod:`.common` -- the choices the paper leaves open (:data:`~.common.CHOICES`), the set-up of a
  batch of runs and the "solvable at all" check;
* :mod:`.fig1b` -- Fig. 1b, the inputs as a successful run learned them;
* :mod:`.fig2a` -- Fig. 2a, convergence over (w0, s), at two learning rates;
* :mod:`.sensitivity` -- Fig. 2a's open choices one at a time (why large w0 without noise fails);
* :mod:`.fig2b` -- Fig. 2b in both readings (w frozen at 1.25, w trained from 1.25);
* :mod:`.fig2b_choices` -- Fig. 2b under training-set size and tolerance;
* :mod:`.curriculum` -- short sequences first (Section VI);
* :mod:`.guessing` -- random weight guessing;
* :mod:`.explore` -- the explorer's backend (not an experiment).

Every experiment runs all of its runs (all grid cells, all T) as one array computation through
:func:`longdeps.runner.run_trials`; sequences of different lengths are padded to the longest T and
read out at their own end.
"""

from __future__ import annotations

from .common import CHAPTER, CHOICES, FIG2B_S, FIG2B_W0, PROTOCOL, SEED, Choices
from .curriculum import curriculum
from .explore import train_one
from .fig1b import fig1b
from .fig2a import SMALL_LR, _fig2a_trials, corners, fig2a
from .fig2b import fall_numbers, fig2b
from .fig2b_choices import _fig2b_choices_trials, fig2b_choices
from .guessing import guessing
from .sensitivity import VARIANTS, sensitivity

__all__ = [
    "CHAPTER",
    "CHOICES",
    "FIG2B_S",
    "FIG2B_W0",
    "PROTOCOL",
    "SEED",
    "SMALL_LR",
    "VARIANTS",
    "Choices",
    "_fig2a_trials",
    "_fig2b_choices_trials",
    "corners",
    "curriculum",
    "fall_numbers",
    "fig1b",
    "fig2a",
    "fig2b",
    "fig2b_choices",
    "guessing",
    "sensitivity",
    "train_one",
]
