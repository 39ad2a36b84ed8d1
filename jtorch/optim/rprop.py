"""torch.optim.Rprop: one jitted update per param group, mirroring `_single_tensor_rprop`."""
from __future__ import annotations

import jax.numpy as jnp

from ..ops.creation import full_like, tensor as _tensor, zeros_like
from ._common import KernelOptimizer, addcmul, check_lr, f, scalar_dtype, to_scalar


def _rprop(p, g, prev, step_size, h):
    g = -g if h["maximize"] else g
    etaminus, etaplus = f(h["etaminus"], p), f(h["etaplus"], p)
    # the same three in-place replacements as torch (NaN signs stay NaN)
    sign = jnp.sign(g * prev)
    sign = jnp.where(sign > 0, etaplus, sign)
    sign = jnp.where(sign < 0, etaminus, sign)
    sign = jnp.where(sign == 0, jnp.ones_like(sign), sign)
    step_size = jnp.clip(step_size * sign, f(h["step_size_min"], p), f(h["step_size_max"], p))
    g = jnp.where(sign == etaminus, jnp.zeros_like(g), g)
    p = addcmul(p, jnp.sign(g), step_size, -1)
    return p, g, step_size


class Rprop(KernelOptimizer):
    """Implements `torch.optim.Rprop` (state: step, prev, step_size)."""

    kernel = _rprop
    state_keys = ("prev", "step_size")

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def _init_state(self, group, p, state):
        lr = float(to_scalar(group["lr"]))
        state["step"] = _tensor(0.0, dtype=scalar_dtype())
        state["prev"] = zeros_like(p)
        state["step_size"] = full_like(p, complex(lr, lr) if p.dtype.is_complex else lr)

    def _static(self, group):
        return {"maximize": group["maximize"]}

    def _hyper(self, group):
        (etaminus, etaplus), (step_size_min, step_size_max) = group["etas"], group["step_sizes"]
        return {"etaminus": etaminus, "etaplus": etaplus, "step_size_min": step_size_min,
                "step_size_max": step_size_max}
