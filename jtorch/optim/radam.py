"""torch.optim.RAdam: one jitted update per param group, mirroring `_single_tensor_radam`."""
from __future__ import annotations

import jax.numpy as jnp

from ..ops.creation import tensor as _tensor, zeros_like
from ._common import KernelOptimizer, addcmul, advance_steps, check_lr, f, lerp, scalar_dtype
from .adamax import check_betas


def _radam(p, g, exp_avg, exp_avg_sq, h):
    g = -g if h["maximize"] else g
    if h["has_decay"]:
        if h["decoupled_weight_decay"]:
            p = p * f(1 - h["lr"] * h["weight_decay"], p)
        else:
            g = g + f(h["weight_decay"], p) * p
    exp_avg = lerp(exp_avg, g, 1 - h["beta1"])
    exp_avg_sq = addcmul(exp_avg_sq * f(h["beta2"], p), g, g, 1 - h["beta2"])
    corrected = exp_avg / f(h["bias_correction1"], p)
    if h["per_param"]:  # rectified: rho_t > 5, decided on the host as torch does
        # `float / tensor` is `tensor.reciprocal() * float` in torch
        adaptive = 1 / (jnp.sqrt(exp_avg_sq) + f(h["eps"], p)) * f(h["bias_correction2_sqrt"], p)
        update = corrected * f(h["lr"], p) * adaptive * f(h["rect"], p)
    else:
        update = corrected * f(h["lr"], p)
    return p - update, exp_avg, exp_avg_sq


class RAdam(KernelOptimizer):
    """Implements `torch.optim.RAdam` (state: step, exp_avg, exp_avg_sq)."""

    kernel = _radam
    state_keys = ("exp_avg", "exp_avg_sq")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        check_lr(lr)
        check_betas(eps, betas, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def _init_state(self, group, p, state):
        state["step"] = _tensor(0.0, dtype=scalar_dtype())
        state["exp_avg"] = zeros_like(p)
        state["exp_avg_sq"] = zeros_like(p)

    def _prepare(self, group, states):
        beta1, beta2 = group["betas"]
        scalars, rectified = [], []
        for step in advance_steps(states):
            bias_correction1 = 1 - beta1 ** step
            bias_correction2 = 1 - beta2 ** step
            rho_inf = 2 / (1 - beta2) - 1
            rho_t = rho_inf - 2 * step * beta2 ** step / bias_correction2
            rect = 0.0
            if rho_t > 5.0:
                rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            scalars.append({"bias_correction1": bias_correction1, "bias_correction2_sqrt": bias_correction2 ** 0.5,
                            "rect": rect})
            rectified.append(rho_t > 5.0)
        return scalars, rectified

    def _static(self, group):
        return {**super()._static(group), "decoupled_weight_decay": group["decoupled_weight_decay"]}

    def _hyper(self, group):
        beta1, beta2 = group["betas"]
        return {**super()._hyper(group), "eps": group["eps"], "beta1": beta1, "beta2": beta2}
