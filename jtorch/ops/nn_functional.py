"""torch.nn.functional ops (the op library issue extends this family)."""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp

from .._registry import apply_fn, op
from .linalg import matmul
from .pointwise import relu as _relu


@functools.lru_cache(maxsize=None)
def _linear_fn(has_bias):
    if has_bias:
        return jax.jit(lambda x, w, b: jnp.matmul(x, w.T) + b)
    return jax.jit(lambda x, w: jnp.matmul(x, w.T))


@op(namespace="torch.nn.functional", method=False, out=False)
def linear(input, weight, bias=None):
    """input @ weight.T + bias. Implements `torch.nn.functional.linear`."""
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_name(input)} and {_name(weight)}")
    if input.shape[-1] != weight.shape[-1]:
        rows = input.numel() // input.shape[-1] if input.dim() else 1
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
                           f"{weight.shape[1]}x{weight.shape[0]})")
    if input.dim() == 2 and bias is not None:
        return apply_fn("AddmmBackward0", _linear_fn(True), (input, weight, bias), input.dtype)
    if bias is None:
        return matmul(input, weight.t())
    return matmul(input, weight.t()) + bias


def _name(t):
    return {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16"}.get(t.dtype.name,
                                                                                                  t.dtype.name)


@op(namespace="torch.nn.functional", method=False, out=False)
def relu(input, inplace=False):
    """max(input, 0). Implements `torch.nn.functional.relu`."""
    return input.relu_() if inplace else _relu(input)
