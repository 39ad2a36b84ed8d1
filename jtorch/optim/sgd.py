"""SGD and Adam/AdamW, each step one jitted update over a whole param group.

The arithmetic mirrors torch's single-tensor CPU implementation operation by operation
(Python-float hyperparameters, bias corrections computed in double precision on the
host), so parameters and state match torch's step for step.
"""
from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp

from .. import _dtype
from .._tensor import Tensor
from ._common import advance_steps
from .optimizer import Optimizer, required


def _f(x, like):
    """A hyperparameter cast to the parameter's dtype, as torch casts Python scalars."""
    return jnp.asarray(x).astype(like.dtype)


def _sgd_math(p, g, b, is_first, momentum_on, nesterov, maximize, has_decay, lr, momentum, dampening,
              weight_decay):
    """One parameter's update, as torch's `_single_tensor_sgd` computes it."""
    g = -g if maximize else g
    if has_decay:
        g = g + _f(weight_decay, p) * p
    if momentum_on:
        if is_first:
            b = g
        else:
            b = b * _f(momentum, p) + _f(1 - dampening, p) * g
        g = g + _f(momentum, p) * b if nesterov else b
    return p + _f(-lr, p) * g, b


@functools.lru_cache(maxsize=None)
def _sgd_update(momentum_on, nesterov, maximize, has_decay, first):
    def update(params, grads, bufs, lr, momentum, dampening, weight_decay):
        new_params, new_bufs = [], []
        for p, g, b, is_first in zip(params, grads, bufs, first):
            p, b = _sgd_math(p, g, b, is_first, momentum_on, nesterov, maximize, has_decay, lr, momentum, dampening,
                             weight_decay)
            new_params.append(p)
            new_bufs.append(b)
        return new_params, new_bufs

    return jax.jit(update)


@functools.lru_cache(maxsize=None)
def _sgd_update_flat(nesterov, maximize, has_decay, shapes, first):
    """SGD with momentum whose momentum buffers live in ONE flat array (in and out):
    every array crossing the jit boundary costs dispatch time, so this halves the outputs."""
    offsets = [0]
    for shape in shapes:
        offsets.append(offsets[-1] + math.prod(shape))

    def update(params, grads, flat, lr, momentum, dampening, weight_decay):
        new_params, new_bufs = [], []
        for i, (p, g) in enumerate(zip(params, grads)):
            b = None if first else flat[offsets[i]:offsets[i + 1]].reshape(shapes[i])
            p, b = _sgd_math(p, g, b, first, True, nesterov, maximize, has_decay, lr, momentum, dampening,
                             weight_decay)
            new_params.append(p)
            new_bufs.append(b.reshape(-1))
        return new_params, jnp.concatenate(new_bufs)

    return jax.jit(update)


class SGD(Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False,
                 foreach=None, differentiable=False, fused=None):
        if lr is not required and lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov,
                        maximize=maximize, foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def _step_group(self, group, params):
        momentum_on = group["momentum"] != 0
        if momentum_on and self._step_flat(group, params):
            return
        states = [self.state[p] for p in params] if momentum_on else [{} for _ in params]
        first = tuple("momentum_buffer" not in s or s["momentum_buffer"] is None for s in states)
        bufs = [None if f else s["momentum_buffer"]._data for f, s in zip(first, states)]
        fn = _sgd_update(momentum_on, group["nesterov"], group["maximize"], group["weight_decay"] != 0, first)
        new_params, new_bufs = fn([p._data for p in params], [p._grad._data for p in params], bufs, group["lr"],
                                  group["momentum"], group["dampening"], group["weight_decay"])
        for p, s, value, buf in zip(params, states, new_params, new_bufs):
            p._write(value)
            if momentum_on:
                if s.get("momentum_buffer") is None:
                    s["momentum_buffer"] = Tensor._make(buf, p.dtype, p.device)
                else:
                    s["momentum_buffer"]._write(buf)

    def _step_flat(self, group, params):
        """The momentum step with the group's buffers as views of one flat tensor that this
        optimizer created on the first step. Returns False (nothing done) when that layout
        does not hold: mixed dtypes or devices, complex parameters, some buffers present and
        some not, or buffers replaced since (e.g. by load_state_dict); the per-tensor path
        then updates whatever buffers there are in place."""
        dtype, device = params[0].dtype, params[0].device
        if dtype.is_complex or any(p.dtype != dtype or p.device != device for p in params):
            return False
        states = [self.state[p] for p in params]
        layout = getattr(self, "_flat_buffers", {}).get(id(group))
        if layout is not None and layout[0] == tuple(map(id, params)) and all(
                s.get("momentum_buffer") is view for s, view in zip(states, layout[2])):
            first, flat = False, layout[1]
        elif all(s.get("momentum_buffer") is None for s in states):
            first, flat = True, None
        else:
            return False
        shapes = tuple(p._shape for p in params)
        fn = _sgd_update_flat(group["nesterov"], group["maximize"], group["weight_decay"] != 0, shapes, first)
        new_params, new_flat = fn([p._data for p in params], [p._grad._data for p in params],
                                  None if first else flat._data, group["lr"], group["momentum"], group["dampening"],
                                  group["weight_decay"])
        for p, value in zip(params, new_params):
            p._write(value)
        if not first:
            flat._write(new_flat)
            return True
        flat = Tensor._make(new_flat, dtype, device)
        views, start = [], 0
        for s, shape in zip(states, shapes):
            size = math.prod(shape)
            view = flat[start:start + size].view(shape)
            s["momentum_buffer"] = view
            views.append(view)
            start += size
        if not hasattr(self, "_flat_buffers"):
            self._flat_buffers = {}
        self._flat_buffers[id(group)] = (tuple(map(id, params)), flat, tuple(views))
        return True


@functools.lru_cache(maxsize=None)
def _adam_update(amsgrad, maximize, decoupled, has_decay):
    def update(params, grads, exp_avgs, exp_avg_sqs, max_sqs, lr, beta1, beta2, eps, weight_decay,
               bias_correction1, bias_correction2_sqrt):
        out = []
        for i, (p, g, m, v) in enumerate(zip(params, grads, exp_avgs, exp_avg_sqs)):
            g = -g if maximize else g
            if has_decay:
                if decoupled:
                    p = p * _f(1 - lr * weight_decay, p)
                else:
                    g = g + _f(weight_decay, p) * p
            m = m + _f(1 - beta1, p) * (g - m)  # lerp with weight < 0.5, as torch computes it
            v = v * _f(beta2, p) + _f(1 - beta2, p) * g * g
            step_size = lr / bias_correction1
            if amsgrad:
                vmax = jnp.maximum(max_sqs[i], v)
                denom = jnp.sqrt(vmax) / _f(bias_correction2_sqrt, p) + _f(eps, p)
            else:
                vmax = None
                denom = jnp.sqrt(v) / _f(bias_correction2_sqrt, p) + _f(eps, p)
            p = p + _f(-step_size, p) * m / denom
            out.append((p, m, v, vmax))
        return out

    return jax.jit(update)


class Adam(Optimizer):
    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay or self._decoupled)
        super().__init__(params, defaults)

    def _step_group(self, group, params):
        states = [self.state[p] for p in params]
        self._init_state(group, params, states)
        self._apply_update(group, params, states)

    def _init_state(self, group, params, states):
        from ..ops.creation import tensor, zeros_like

        for p, s in zip(params, states):
            if not s:
                s["step"] = tensor(0.0, dtype=_dtype.float32)
                s["exp_avg"] = zeros_like(p)
                s["exp_avg_sq"] = zeros_like(p)
                if group["amsgrad"]:
                    s["max_exp_avg_sq"] = zeros_like(p)

    def _apply_update(self, group, params, states):
        beta1, beta2 = group["betas"]
        by_step = {}
        for p, s, step in zip(params, states, advance_steps(states)):
            by_step.setdefault(step, []).append((p, s))
        # parameters at different step counts (added later) need their own bias corrections
        for step, members in by_step.items():
            ps = [p for p, _ in members]
            ss = [s for _, s in members]
            fn = _adam_update(group["amsgrad"], group["maximize"], group["decoupled_weight_decay"],
                              group["weight_decay"] != 0)
            results = fn([p._data for p in ps], [p._grad._data for p in ps], [s["exp_avg"]._data for s in ss],
                         [s["exp_avg_sq"]._data for s in ss],
                         [s["max_exp_avg_sq"]._data for s in ss] if group["amsgrad"] else None,
                         group["lr"], beta1, beta2, group["eps"], group["weight_decay"],
                         1 - beta1 ** step, math.sqrt(1 - beta2 ** step))
            for p, s, (new_p, m, v, vmax) in zip(ps, ss, results):
                p._write(new_p)
                s["exp_avg"]._write(m)
                s["exp_avg_sq"]._write(v)
                if vmax is not None:
                    s["max_exp_avg_sq"]._write(vmax)


class AdamW(Adam):
    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)
