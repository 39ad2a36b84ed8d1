"""torch.optim.Adafactor: one jitted update per param group, mirroring `_single_tensor_adafactor`.

Differences from torch: torch reads ||param|| and ||update|| to the host (`.item()`) and
computes `alpha` and the clipping denominator in Python doubles; here they are computed
inside the jitted kernel in the parameter's dtype (last-bit differences only)."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .._tensor import Tensor
from ..ops.creation import tensor as _tensor, zeros, zeros_like
from ._common import KernelOptimizer, advance_steps, f, lerp, scalar_dtype, to_scalar


def _adafactor(p, g, row_var, col_var, variance, h):
    g = -g if h["maximize"] else g
    eps1 = h["eps1"]
    if eps1 is None:
        eps1 = float(jnp.finfo(p.dtype).eps)
    lr = h["lr"]
    alpha = jnp.maximum(f(h["eps2"], p), jnp.sqrt(jnp.sum(p * p)) / f(np.sqrt(p.size), p)) * f(h["rho_t"], p)
    if h["has_decay"]:
        p = p * f(1 - lr * h["weight_decay"], p)
    beta = h["one_minus_beta2_t"]
    if g.ndim > 1:
        row_mean = jnp.square(jnp.sqrt(jnp.sum(g * g, axis=-1, keepdims=True))) / f(g.shape[-1], g)
        row_var = lerp(row_var, row_mean, beta)
        col_mean = jnp.square(jnp.sqrt(jnp.sum(g * g, axis=-2, keepdims=True))) / f(g.shape[-2], g)
        col_var = lerp(col_var, col_mean, beta)
        var_estimate = jnp.matmul(row_var, col_var, precision="highest")
        var_estimate = var_estimate / jnp.maximum(jnp.mean(row_var, axis=-2, keepdims=True), f(eps1, p))
    else:
        variance = lerp(variance, g * g, beta)
        var_estimate = variance
    update = 1 / jnp.sqrt(jnp.maximum(var_estimate, f(eps1 * eps1, p))) * g
    denom = jnp.maximum(f(1.0, p), jnp.sqrt(jnp.sum(update * update)) / f(np.sqrt(update.size) * h["d"], p))
    p = p + (-alpha / denom) * update
    return p, row_var, col_var, variance


class Adafactor(KernelOptimizer):
    """Implements `torch.optim.Adafactor` (state: step, and row_var/col_var for matrices or variance)."""

    kernel = _adafactor
    state_keys = ("row_var", "col_var", "variance")

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *,
                 foreach=None, maximize=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = {"lr": lr, "beta2_decay": beta2_decay, "eps": eps, "d": d, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize}
        super().__init__(params, defaults)

    def _step_group(self, group, params):
        for p in params:
            if p.is_complex():
                raise RuntimeError("Adafactor does not support complex parameters")
            if getattr(p._grad, "is_sparse", False):
                raise RuntimeError("Adafactor does not support sparse gradients")
        super()._step_group(group, params)

    def _init_state(self, group, p, state):
        state["step"] = _tensor(0.0, dtype=scalar_dtype())
        if p.dim() > 1:
            row_shape = list(p.shape)
            row_shape[-1] = 1
            state["row_var"] = zeros(row_shape, dtype=p.dtype, device=p.device)
            col_shape = list(p.shape)
            col_shape[-2] = 1
            state["col_var"] = zeros(col_shape, dtype=p.dtype, device=p.device)
        else:
            state["variance"] = zeros_like(p)

    def _prepare(self, group, states):
        lr, decay = to_scalar(group["lr"]), group["beta2_decay"]
        return [{"one_minus_beta2_t": step ** decay, "rho_t": min(lr, 1 / (step ** 0.5))}
                for step in advance_steps(states)], None

    def _static(self, group):
        return {"maximize": group["maximize"], "has_decay": group["weight_decay"] != 0, "eps1": group["eps"][0]}

    def _hyper(self, group):
        return {"lr": to_scalar(group["lr"]), "weight_decay": group["weight_decay"], "eps2": group["eps"][1],
                "d": group["d"]}
