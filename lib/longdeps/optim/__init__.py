"""Optimisers as composable gradient transformations over flat parameters (R, n_params), optax style.

    tx = chain(clip_by_norm(1.0), nesterov(lr=0.01, beta=0.9))
    state = tx.init(theta)
    updates, state = tx.update(grads, state, theta)        # theta_new = theta + updates

* :mod:`.base` -- :class:`GradientTransformation`, :func:`chain`, :func:`masked`, state take/put by run;
* :mod:`.descent` -- :func:`sgd`, :func:`momentum`, :func:`nesterov` (Lasagne form, as in the TPTT code);
* :mod:`.scaling` -- :func:`clip_by_norm` (per run), :func:`scale_by_curvature` (eq. 5 of Bengio,
  Simard & Frasconi 1994, the diagonal pseudo-Newton rescaling).
"""

from .base import GradientTransformation, chain, masked, put_state, take_state
from .descent import momentum, nesterov, sgd
from .scaling import clip_by_norm, scale_by_curvature

__all__ = [
    "GradientTransformation",
    "chain",
    "clip_by_norm",
    "masked",
    "momentum",
    "nesterov",
    "put_state",
    "scale_by_curvature",
    "sgd",
    "take_state",
]
