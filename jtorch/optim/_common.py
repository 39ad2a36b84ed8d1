"""Machinery shared by the jitted optimizers (RMSprop, Adagrad, Adadelta, Adamax, NAdam, RAdam, ASGD, Rprop).

Each optimizer supplies a *kernel*: a pure function updating ONE parameter,
`kernel(arrays, h) -> new arrays`, where `arrays` is the tuple (param, grad, *state) and
`h` a dict holding the static flags, the group's hyperparameters and the parameter's
own host-computed scalars (bias corrections and the like). `run_kernel` traces the
kernel once per parameter into one jitted function for the whole group; hyperparameters
are traced Python floats, so a scheduler changing `lr` never recompiles.

The kernels mirror torch's `_single_tensor_*` functions operation by operation. Python
scalars are cast to the parameter's dtype before use, as torch casts them; host-side
scalar arithmetic (bias corrections, step sizes) is done in Python doubles, as torch does.
Complex parameters are updated through a real view (`view_as_real`), as in torch.
"""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._tensor import Tensor
from .optimizer import Optimizer


def f(x, like):
    """A Python scalar cast to `like`'s dtype, as torch casts a scalar operand."""
    return jnp.asarray(x).astype(like.dtype)


def addcmul(x, t1, t2, value):
    """torch.addcmul as its CPU kernel evaluates it: x + (value * t1) * t2."""
    return x + f(value, x) * t1 * t2


def addcdiv(x, t1, t2, value):
    """torch.addcdiv as its CPU kernel evaluates it: x + (value * t1) / t2."""
    return x + f(value, x) * t1 / t2


def lerp(start, end, weight):
    """torch.lerp with a scalar weight: two formulas depending on |weight| < 0.5."""
    w = f(weight, start)
    return jnp.where(jnp.abs(w) < 0.5, start + w * (end - start), end - (end - start) * (1 - w))


def _to_real(a):
    return jnp.stack([a.real, a.imag], axis=-1)


def _to_complex(a):
    return jax.lax.complex(a[..., 0], a[..., 1])


@functools.lru_cache(maxsize=None)
def _compiled(kernel, static, per_param_static):
    static = dict(static)

    def update(arrays, scalars, hyper):
        out = []
        for i, (arrs, own) in enumerate(zip(arrays, scalars)):
            is_complex = jnp.iscomplexobj(arrs[0])
            if is_complex:
                arrs = tuple(None if a is None else _to_real(a) for a in arrs)
            h = {**static, **hyper, **own}
            if per_param_static is not None:
                h["per_param"] = per_param_static[i]
            new = kernel(*arrs, h)
            if is_complex:
                new = tuple(None if a is None else _to_complex(a) for a in new)
            out.append(new)
        return out

    return jax.jit(update)


def run_kernel(kernel, arrays, scalars, hyper, static, per_param_static=None):
    """Apply `kernel` to every parameter of a group in one jitted call.

    arrays: per parameter, a tuple of jax arrays (None for absent state).
    scalars: per parameter, a dict of Python floats (traced).
    hyper: a dict of Python floats shared by the group (traced).
    static: a dict of hashable flags (compile-time).
    per_param_static: optional per-parameter hashable flags (compile-time).
    """
    fn = _compiled(kernel, tuple(sorted(static.items())),
                   None if per_param_static is None else tuple(per_param_static))
    return fn(list(arrays), list(scalars), {k: float(v) for k, v in hyper.items()})


def scalar_dtype():
    """torch's `_get_scalar_dtype()`: float64 when that is the default dtype, else float32."""
    return _dtype.float64 if _dtype.get_default_dtype() == _dtype.float64 else _dtype.float32


def to_scalar(x):
    """A hyperparameter as a Python float (a 1-element Tensor lr is read once per step).

    Differences from torch: a Tensor lr is read as a Python float, so the arithmetic on
    it happens in double precision rather than in the tensor's dtype."""
    return x.item() if isinstance(x, Tensor) else x


def host_values(tensors):
    """The values of 0-d tensors as numpy scalars (one transfer for all)."""
    return [np.asarray(v)[()] for v in jax.device_get([t._data for t in tensors])]


def advance_steps(states):
    """`state['step'] += 1` for every state, in the step tensor's dtype as torch adds;
    returns the new steps as Python floats (torch's `_get_value(step_t)`)."""
    steps = [s["step"] for s in states]
    new = [v + v.dtype.type(1) for v in host_values(steps)]
    arrays = {}  # one device array per distinct value: arrays are immutable, so storages may share one
    for t, v in zip(steps, new):
        key = (v.item(), v.dtype)
        array = arrays.get(key)
        if array is None:
            array = arrays[key] = jax.device_put(v, t._data.sharding)
        t._write(array)
    return [float(v) for v in new]


def check_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def reject_sparse(name, params):
    for p in params:
        if getattr(p._grad, "is_sparse", False):
            raise RuntimeError(f"{name} does not support sparse gradients")


def _committed(arrays):
    """Commit fresh (uncommitted) state arrays to the parameter's device: jit's cache key
    includes committedness, so the first step would otherwise compile a second time."""
    if all(a is None or a.committed for a in arrays):
        return arrays
    sharding = arrays[0].sharding
    return tuple(a if a is None or a.committed else jax.device_put(a, sharding) for a in arrays)


class KernelOptimizer(Optimizer):
    """An optimizer whose step is `kernel` applied to every parameter of a group, jitted once.

    Subclasses set `kernel` and `state_keys` (the array state passed to the kernel after
    param and grad, in order) and implement `_init_state`; they override `_prepare` when the
    kernel needs host-computed per-parameter scalars, and `_static` / `_hyper` to choose
    which group options are compile-time flags and which are traced floats.
    """

    kernel = None
    state_keys = ()
    _name = None

    def _init_state(self, group, p, state):
        raise NotImplementedError

    def _static(self, group):
        return {"maximize": group.get("maximize", False), "has_decay": group.get("weight_decay", 0) != 0}

    def _hyper(self, group):
        return {"lr": to_scalar(group["lr"]), "weight_decay": group.get("weight_decay", 0)}

    def _prepare(self, group, states):
        """Per-parameter traced scalars (list of dicts) and compile-time flags (or None)."""
        advance_steps(states)
        return [{} for _ in states], None

    def _step_group(self, group, params):
        reject_sparse(self._name or type(self).__name__, params)
        states = [self.state[p] for p in params]
        for p, s in zip(params, states):
            if len(s) == 0:
                self._init_state(group, p, s)
        scalars, per_param_static = self._prepare(group, states)
        arrays = [_committed((p._data, p._grad._data, *(s[k]._data if k in s else None for k in self.state_keys)))
                  for p, s in zip(params, states)]
        results = run_kernel(type(self).kernel, arrays, scalars, self._hyper(group), self._static(group),
                             per_param_static)
        for p, s, new in zip(params, states, results):
            p._write(new[0])
            for k, value in zip(self.state_keys, new[1:]):
                if value is not None:
                    s[k]._write(value)
