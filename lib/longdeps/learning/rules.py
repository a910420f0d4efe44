"""Every learning rule of the book by name (BSF94 Section V, BF94 Section 7, HBFS01 Section 4), so a
chapter loops over rules and a bad name fails with the list of valid ones.

    learner = make_learner("pseudo_newton", model, task, eta=0.01)

Each entry builds a learner of the one protocol (:mod:`.protocol`) from a model, a task and its own
hyperparameters; ``fit`` then runs any of them.  (Imported on demand, so a trial's cache key depends
only on the rules it uses.)
"""

from __future__ import annotations

import importlib

#: name -> (module, class, default hyperparameters); the papers' names and their order in Fig. 4
RULES: dict[str, tuple[str, str, dict]] = {
    "backprop": ("gradient", "GradientLearner", {"online": True}),
    "pseudo_newton": ("pseudo_newton", "PseudoNewton", {}),
    "time_weighted_pseudo_newton": ("pseudo_newton", "TimeWeightedPseudoNewton", {}),
    "discrete_error": ("discrete_error", "DiscreteErrorPropagation", {}),
    "annealing": ("annealing", "SimulatedAnnealing", {}),
    "multigrid": ("multigrid", "MultigridRandomSearch", {}),
    "guessing": ("random_search", "RandomGuessing", {}),
}


def check_rule_name(name: str) -> str:
    if name not in RULES:
        raise KeyError(f"unknown learner {name!r}; valid learners: {', '.join(RULES)}")
    return name


def make_learner(name: str, model, task, **hyper):
    """The learner ``name`` on ``model`` and ``task`` with ``hyper`` over its defaults.  Back-propagation
    takes ``lr`` (plain stochastic gradient descent, as in Section V) unless given a transform ``tx``."""
    module, cls, defaults = RULES[check_rule_name(name)]
    kwargs = {**defaults, **hyper}
    if name == "backprop" and "tx" not in kwargs:
        from ..optim import sgd

        kwargs["tx"] = sgd(kwargs.pop("lr", 0.1))
    learner_cls = getattr(importlib.import_module(f"{__package__}.{module}"), cls)
    return learner_cls(model, task, **kwargs)


def stop_rules(name: str) -> tuple:
    """The stopping rules of Section V-E for rule ``name``: "until ... the task has been learned", and
    for the search rules footnote 1's "stuck" test."""
    from .fit import until_success

    check_rule_name(name)
    if name in ("annealing", "multigrid"):
        from .annealing import until_stuck

        return (until_success, until_stuck)
    return (until_success,)
