"""torch.optim.Adagrad: one jitted update per param group, mirroring `_single_tensor_adagrad`."""
from __future__ import annotations

import jax.numpy as jnp

from ..ops.creation import full_like, tensor as _tensor
from ._common import KernelOptimizer, addcdiv, addcmul, advance_steps, check_lr, f, scalar_dtype, to_scalar


def _adagrad(p, g, state_sum, h):
    g = -g if h["maximize"] else g
    if h["has_decay"]:
        g = g + f(h["weight_decay"], p) * p
    state_sum = addcmul(state_sum, g, g, 1)
    std = jnp.sqrt(state_sum) + f(h["eps"], p)
    p = addcdiv(p, g, std, -h["clr"])
    return p, state_sum


class Adagrad(KernelOptimizer):
    """Implements `torch.optim.Adagrad` (state: step, sum).

    As in torch, the state of every parameter is created in the constructor and parameters added later use the constructor's
    `initial_accumulator_value`. Differences from torch: `fused=True` runs the same jitted
    update as the default; sparse gradients are not supported."""

    kernel = _adagrad
    state_keys = ("sum",)

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        check_lr(lr)
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(group, p, self.state[p])

    def _init_state(self, group, p, state):
        init = self.defaults["initial_accumulator_value"]
        state["step"] = _tensor(0.0, dtype=scalar_dtype())
        state["sum"] = full_like(p, complex(init, init) if p.dtype.is_complex else init)

    def _prepare(self, group, states):
        lr, lr_decay = to_scalar(group["lr"]), group["lr_decay"]
        return [{"clr": lr / (1 + (step - 1) * lr_decay)} for step in advance_steps(states)], None

    def _hyper(self, group):
        return {"weight_decay": group["weight_decay"], "eps": group["eps"]}
