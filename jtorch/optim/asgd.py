"""torch.optim.ASGD: one jitted update per param group, mirroring `_single_tensor_asgd`."""
from __future__ import annotations

import jax.numpy as jnp

from ..ops.creation import tensor as _tensor, zeros_like
from ._common import KernelOptimizer, advance_steps, check_lr, f, host_values, scalar_dtype, to_scalar


def _asgd(p, g, ax, h):
    g = -g if h["maximize"] else g
    if h["has_decay"]:
        g = g + f(h["weight_decay"], p) * p
    p = p * f(1 - h["lambd"] * h["eta"], p)
    p = p + f(-h["eta"], p) * g
    if h["per_param"]:  # mu != 1, decided on the host as torch's `mu.item() != 1`
        ax = ax + (p - ax) * f(h["mu"], p)
    else:
        ax = p
    return p, ax


class ASGD(KernelOptimizer):
    """Implements `torch.optim.ASGD` (state: step, eta, mu, ax; eta and mu are 0-d tensors
    of the scalar dtype updated on the host, as in torch's non-capturable path)."""

    kernel = _asgd
    state_keys = ("ax",)

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        check_lr(lr)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def _init_state(self, group, p, state):
        state["step"] = _tensor(0.0, dtype=scalar_dtype())
        state["eta"] = _tensor(float(to_scalar(group["lr"])), dtype=scalar_dtype())
        state["mu"] = _tensor(1.0, dtype=scalar_dtype())
        state["ax"] = zeros_like(p)

    def _prepare(self, group, states):
        lr, lambd, alpha, t0 = to_scalar(group["lr"]), group["lambd"], group["alpha"], group["t0"]
        steps = advance_steps(states)
        etas = host_values([s["eta"] for s in states])
        mus = host_values([s["mu"] for s in states])
        scalars = [{"eta": float(eta), "mu": float(mu)} for eta, mu in zip(etas, mus)]
        averaging = [float(mu) != 1 for mu in mus]
        for s, step in zip(states, steps):
            new_eta = lr / (1 + lambd * lr * step) ** alpha
            new_mu = 1 / max(1, step - t0)
            s["eta"]._write(jnp.asarray(new_eta, dtype=s["eta"]._data.dtype))
            s["mu"]._write(jnp.asarray(new_mu, dtype=s["mu"]._data.dtype))
        return scalars, averaging

    def _hyper(self, group):
        return {"weight_decay": group["weight_decay"], "lambd": group["lambd"]}
