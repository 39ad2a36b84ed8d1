"""torch.optim.NAdam: one jitted update per param group, mirroring `_single_tensor_nadam`."""
from __future__ import annotations

import jax.numpy as jnp

from ..ops.creation import tensor as _tensor, zeros_like
from ._common import (KernelOptimizer, addcdiv, addcmul, advance_steps, check_lr, f, host_values, lerp,
                      scalar_dtype, to_scalar)
from .adamax import check_betas


def _nadam(p, g, exp_avg, exp_avg_sq, h):
    g = -g if h["maximize"] else g
    if h["has_decay"]:
        if h["decoupled_weight_decay"]:
            p = p * f(1 - h["lr"] * h["weight_decay"], p)
        else:
            g = g + f(h["weight_decay"], p) * p
    exp_avg = lerp(exp_avg, g, 1 - h["beta1"])
    exp_avg_sq = addcmul(exp_avg_sq * f(h["beta2"], p), g, g, 1 - h["beta2"])
    denom = jnp.sqrt(exp_avg_sq / f(h["bias_correction2"], p)) + f(h["eps"], p)
    p = addcdiv(p, g, denom, h["grad_coef"])
    p = addcdiv(p, exp_avg, denom, h["exp_avg_coef"])
    return p, exp_avg, exp_avg_sq


class NAdam(KernelOptimizer):
    """Implements `torch.optim.NAdam` (state: step, mu_product, exp_avg, exp_avg_sq).

    `mu_product` is a 0-d tensor of the scalar dtype updated on the host in that dtype,
    as torch's `mu_product *= mu` does."""

    kernel = _nadam
    state_keys = ("exp_avg", "exp_avg_sq")

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        check_lr(lr)
        check_betas(eps, betas, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def _init_state(self, group, p, state):
        state["step"] = _tensor(0.0, dtype=scalar_dtype())
        state["mu_product"] = _tensor(1.0, dtype=scalar_dtype())
        state["exp_avg"] = zeros_like(p)
        state["exp_avg_sq"] = zeros_like(p)

    def _prepare(self, group, states):
        lr, (beta1, beta2), decay = to_scalar(group["lr"]), group["betas"], group["momentum_decay"]
        steps = advance_steps(states)
        products = host_values([s["mu_product"] for s in states])
        scalars = []
        for s, step, product in zip(states, steps, products):
            mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * decay))
            mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * decay))
            product = product * product.dtype.type(mu)  # in the state's dtype, as torch's in-place mul
            s["mu_product"]._write(jnp.asarray(product))
            product_next = float(product) * mu_next
            scalars.append({"bias_correction2": 1 - beta2 ** step,
                            "grad_coef": -lr * (1.0 - mu) / (1.0 - float(product)),
                            "exp_avg_coef": -lr * mu_next / (1.0 - product_next)})
        return scalars, None

    def _static(self, group):
        return {**super()._static(group), "decoupled_weight_decay": group["decoupled_weight_decay"]}

    def _hyper(self, group):
        beta1, beta2 = group["betas"]
        return {**super()._hyper(group), "eps": group["eps"], "beta1": beta1, "beta2": beta2}
