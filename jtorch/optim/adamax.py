"""torch.optim.Adamax: one jitted update per param group, mirroring `_single_tensor_adamax`."""
from __future__ import annotations

import jax.numpy as jnp

from ..ops.creation import tensor as _tensor, zeros_like
from ._common import KernelOptimizer, addcdiv, advance_steps, check_lr, f, lerp, scalar_dtype, to_scalar


def _adamax(p, g, exp_avg, exp_inf, h):
    g = -g if h["maximize"] else g
    if h["has_decay"]:
        g = g + f(h["weight_decay"], p) * p
    exp_avg = lerp(exp_avg, g, 1 - h["beta1"])
    exp_inf = jnp.maximum(exp_inf * f(h["beta2"], p), jnp.abs(g) + f(h["eps"], p))
    p = addcdiv(p, exp_avg, exp_inf, -h["clr"])
    return p, exp_avg, exp_inf


def check_betas(eps, betas, weight_decay):
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


class Adamax(KernelOptimizer):
    """Implements `torch.optim.Adamax` (state: step, exp_avg, exp_inf)."""

    kernel = _adamax
    state_keys = ("exp_avg", "exp_inf")

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        check_lr(lr)
        check_betas(eps, betas, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def _init_state(self, group, p, state):
        state["step"] = _tensor(0.0, dtype=scalar_dtype())
        state["exp_avg"] = zeros_like(p)
        state["exp_inf"] = zeros_like(p)

    def _prepare(self, group, states):
        lr, beta1 = to_scalar(group["lr"]), group["betas"][0]
        return [{"clr": lr / (1 - beta1 ** step)} for step in advance_steps(states)], None

    def _hyper(self, group):
        beta1, beta2 = group["betas"]
        return {"weight_decay": group["weight_decay"], "eps": group["eps"], "beta1": beta1, "beta2": beta2}
