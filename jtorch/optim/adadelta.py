"""torch.optim.Adadelta: one jitted update per param group, mirroring `_single_tensor_adadelta`."""
from __future__ import annotations

import jax.numpy as jnp

from ..ops.creation import tensor as _tensor, zeros_like
from ._common import KernelOptimizer, addcmul, check_lr, f, scalar_dtype


def _adadelta(p, g, square_avg, acc_delta, h):
    g = -g if h["maximize"] else g
    if h["has_decay"]:
        g = g + f(h["weight_decay"], p) * p
    rho, eps = h["rho"], h["eps"]
    square_avg = addcmul(square_avg * f(rho, p), g, g, 1 - rho)
    std = jnp.sqrt(square_avg + f(eps, p))
    delta = jnp.sqrt(acc_delta + f(eps, p))
    delta = delta / std * g
    acc_delta = addcmul(acc_delta * f(rho, p), delta, delta, 1 - rho)
    p = p + f(-h["lr"], p) * delta
    return p, square_avg, acc_delta


class Adadelta(KernelOptimizer):
    """Implements `torch.optim.Adadelta` (state: step, square_avg, acc_delta)."""

    kernel = _adadelta
    state_keys = ("square_avg", "acc_delta")

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize, capturable=capturable,
                        foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def _init_state(self, group, p, state):
        state["step"] = _tensor(0.0, dtype=scalar_dtype())
        state["square_avg"] = zeros_like(p)
        state["acc_delta"] = zeros_like(p)

    def _hyper(self, group):
        return {**super()._hyper(group), "rho": group["rho"], "eps": group["eps"]}
