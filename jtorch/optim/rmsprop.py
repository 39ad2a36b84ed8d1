"""torch.optim.RMSprop: one jitted update per param group, mirroring `_single_tensor_rmsprop`."""
from __future__ import annotations

import jax.numpy as jnp

from ..ops.creation import tensor as _tensor, zeros_like
from ._common import KernelOptimizer, addcdiv, addcmul, check_lr, f, lerp, scalar_dtype


def _rmsprop(p, g, square_avg, grad_avg, buf, h):
    g = -g if h["maximize"] else g
    if h["has_decay"]:
        g = g + f(h["weight_decay"], p) * p
    square_avg = addcmul(square_avg * f(h["alpha"], p), g, g, 1 - h["alpha"])
    if h["centered"]:
        grad_avg = lerp(grad_avg, g, 1 - h["alpha"])
        avg = jnp.sqrt(addcmul(square_avg, grad_avg, grad_avg, -1))
    else:
        avg = jnp.sqrt(square_avg)
    avg = avg + f(h["eps"], p)
    if h["has_momentum"]:
        buf = addcdiv(buf * f(h["momentum"], p), g, avg, 1)
        p = p + f(-h["lr"], p) * buf
    else:
        p = addcdiv(p, g, avg, -h["lr"])
    return p, square_avg, grad_avg, buf


class RMSprop(KernelOptimizer):
    """Implements `torch.optim.RMSprop` (state: step, square_avg, momentum_buffer, grad_avg)."""

    kernel = _rmsprop
    state_keys = ("square_avg", "grad_avg", "momentum_buffer")

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered, weight_decay=weight_decay,
                        capturable=capturable, foreach=foreach, maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def _init_state(self, group, p, state):
        state["step"] = _tensor(0.0, dtype=scalar_dtype())
        state["square_avg"] = zeros_like(p)
        if group["momentum"] > 0:
            state["momentum_buffer"] = zeros_like(p)
        if group["centered"]:
            state["grad_avg"] = zeros_like(p)

    def _static(self, group):
        return {**super()._static(group), "centered": group["centered"], "has_momentum": group["momentum"] > 0}

    def _hyper(self, group):
        return {**super()._hyper(group), "alpha": group["alpha"], "eps": group["eps"], "momentum": group["momentum"]}
