"""Matrix products (the op library issue extends this family)."""
from __future__ import annotations

import jax
import jax.numpy as jnp

from .._registry import apply_fn, check_same_device, type_name, write_into

_matmul = jax.jit(jnp.matmul)


def _check(name, a, b):
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {a.dtype.name.replace('float32', 'float')} != "
            f"{b.dtype.name.replace('float32', 'float')}" if name == "mm" else
            f"expected scalar type {type_name(a.dtype)} but found {type_name(b.dtype)}"
        )
    check_same_device((a, b))


def matmul(input, other, *, out=None):
    """Matrix product with numpy broadcasting rules. Implements `torch.matmul`."""
    if input.dim() == 0 or other.dim() == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {input.dim()}D and {other.dim()}D")
    _check("mm", input, other)
    if input._shape[-1] != other._shape[-2 if other.dim() > 1 else 0]:
        if input.dim() == 2 and other.dim() == 2:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({input._shape[0]}x{input._shape[1]} and "
                f"{other._shape[0]}x{other._shape[1]})")
        raise RuntimeError(f"size mismatch, got input ({input._shape[-1]}), mat ({'x'.join(map(str, other._shape))})")
    if out is not None:
        return write_into(out, _matmul(input._data, other._data), input.dtype, inplace=False,
                          grad_inputs=(input, other))
    name = {(2, 2): "MmBackward0", (1, 1): "DotBackward0", (2, 1): "MvBackward0"}.get(
        (input.dim(), other.dim()), "UnsafeViewBackward0" if input.dim() > 2 else "BmmBackward0")
    return apply_fn(name, _matmul, (input, other), input.dtype)


def mm(input, mat2, *, out=None):
    if input.dim() != 2 or mat2.dim() != 2:
        raise RuntimeError(f"self must be a matrix" if input.dim() != 2 else "mat2 must be a matrix")
    return matmul(input, mat2, out=out)
