"""The theorems, computed: latching, hyperbolic attractors and vanishing gradients.

Bengio, Simard & Frasconi 1994 (BSF94) Sections II-IV and Appendix; Bengio & Frasconi 1994 (BF94)
Section 2; Hochreiter, Bengio, Frasconi & Schmidhuber 2001 (HBFS01) Sections 2-3.  One module per
figure, each with its protocol constants, its experiment and the claims it judges:

* :mod:`.attractors` -- the neuron's pitchfork, h*(w), L1(h, w) and the bottleneck law;
* :mod:`.basins` -- beta, Gamma and the ball of uncertainty (Defs. 3-4, Theorems 1-2, Fig. 3);
* :mod:`.theorem3`, :mod:`.decay`, :mod:`.eq4` -- Theorem 3, Theorem 4 and the Lemma, eq. (4);
* :mod:`.symmetric` -- Sec. IV-A's remark on symmetric W;
* :mod:`.module_a` -- Sec. IV-B's module A feeding the latch B, and Sec. II's duality;
* :mod:`.hochreiter`, :mod:`.intuition` -- HBFS01 Sec. 2: the weak bound and the intuitive analysis;
* :mod:`.dilemma` -- robust storage against gradient flow (BF94 Sec. 2, HBFS01 Sec. 3);
* :mod:`.explore` -- the explorer's backend (not an experiment).
"""

from __future__ import annotations

from .attractors import attractors, bottleneck_law
from .basins import basins
from .common import CHAPTER, LATCH_WEIGHTS, W2, attractors_2d, concordance
from .decay import decay
from .dilemma import dilemma
from .eq4 import eq4
from .explore import explorer_run
from .hochreiter import HOCHREITER_CONDITIONS, SMALL_WEIGHT_CONDITIONS, hochreiter
from .intuition import local_factor, local_factor_sweep, peak_net
from .module_a import module_a
from .symmetric import symmetric
from .theorem3 import theorem3

__all__ = [
    "CHAPTER",
    "HOCHREITER_CONDITIONS",
    "LATCH_WEIGHTS",
    "SMALL_WEIGHT_CONDITIONS",
    "W2",
    "attractors",
    "attractors_2d",
    "basins",
    "bottleneck_law",
    "concordance",
    "decay",
    "dilemma",
    "eq4",
    "explorer_run",
    "hochreiter",
    "local_factor",
    "local_factor_sweep",
    "module_a",
    "peak_net",
    "symmetric",
    "theorem3",
]
