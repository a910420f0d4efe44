"""EM target propagation (Bengio & Frasconi 1994, Sections 6-7): the discrete-state model trained by
EM, its rows of Tables 1-4, and the diffusion of credit behind its tricks.  One module per artifact:

* :mod:`.common` -- the Section 7 models, the learner with the paper's tricks, one trial;
* :mod:`.tables` -- the EM cells of Tables 1-4 and their claims;
* :mod:`.diffusion` -- diffusion of credit measured (backward targets, determinants) and the
  ablations of the tricks, with their claims;
* :mod:`.explore` -- the explorer's backend (not an experiment).
"""

from __future__ import annotations

from .common import CHAPTER, TABLE_CONFIG, EMConfig, make_learner, make_model, make_task, train_trial
from .diffusion import ABLATIONS, diffusion
from .explore import em_iteration
from .tables import PAPER, paper_cell, tables

__all__ = [
    "ABLATIONS",
    "CHAPTER",
    "PAPER",
    "TABLE_CONFIG",
    "EMConfig",
    "diffusion",
    "em_iteration",
    "make_learner",
    "make_model",
    "make_task",
    "paper_cell",
    "tables",
    "train_trial",
]
