"""Reductions (the op library issue extends this family)."""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp

from .. import _dtype
from .._registry import apply_fn, convert, write_into


def _dims(input, dim):
    if dim is None or dim == () or dim == []:
        return None
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    wrapped = tuple(sorted(input._wrap_dim(d) for d in dims))
    if len(set(wrapped)) != len(wrapped):
        raise RuntimeError(f"dim {wrapped[0]} appears multiple times in the list of dims")
    return wrapped


@functools.lru_cache(maxsize=4096)
def _reducer(name, dims, keepdim, dtype):
    reduce = getattr(jnp, name)
    return jax.jit(lambda x: reduce(convert(x, dtype), axis=dims, keepdims=keepdim).astype(dtype.np))


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A001
    """Sum over `dim` (all dims by default); integer and bool inputs sum to int64."""
    dims = _dims(input, dim)
    result = dtype or (_dtype.int64 if input.dtype.category <= _dtype.INT else input.dtype)
    fn = _reducer("sum", dims, bool(keepdim), result)
    if out is not None:
        return write_into(out, fn(input._data), result, inplace=False, grad_inputs=(input,))
    return apply_fn("SumBackward0" if dim is None else "SumBackward1", fn, (input,), result)


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mean over `dim`; like torch, integer inputs need an explicit floating `dtype`."""
    result = dtype or input.dtype
    if result.category < _dtype.FLOAT:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. "
            f"Got: {input.type()[6:-6] if not dtype else result.name}"
        )
    dims = _dims(input, dim)
    fn = _reducer("mean", dims, bool(keepdim), result)
    if out is not None:
        return write_into(out, fn(input._data), result, inplace=False, grad_inputs=(input,))
    return apply_fn("MeanBackward0" if dim is None else "MeanBackward1", fn, (input,), result)
