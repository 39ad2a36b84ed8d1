"""Shape and indexing ops that return new tensors (copies): joining, flipping and
rolling, repeating, gather/scatter and the index_* family, masks, sorting, triangles
and diagonals, and small utilities. The view ops live in `views.py`.

Index arguments are bounds-checked on the host first, because JAX clamps silently.
Ops whose output shape depends on values (nonzero, masked_select, unique, ...) read
those values on the host, as torch does, and then gather on the device so that
gradients still flow through `jax.vjp`.
"""
from __future__ import annotations

import collections
import functools
import math
import warnings
from numbers import Number

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._dtype import Promote
from .._registry import (OP_TABLE, apply_fn, broadcast_shapes as _broadcast, check_same_device, convert, op,
                         pointwise, type_name)
from .._tensor import Size, Tensor
from . import views

_jit = functools.lru_cache(maxsize=4096)


def _tensor_list(name, tensors, arg="tensors"):
    """The tensors of a list argument, with torch's TypeErrors."""
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name}(): argument '{arg}' (position 1) must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return list(tensors)


def _dims_arg(name, dims, arg="dims", pos=2):
    if isinstance(dims, int) or not isinstance(dims, (list, tuple, Size)):
        raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be tuple of ints, not {type(dims).__name__}")
    return tuple(dims)


def _promoted(tensors):
    result = tensors[0].dtype
    for t in tensors[1:]:
        result = _dtype.promote_types(result, t.dtype)
    return result


def _host(t: Tensor) -> np.ndarray:
    return np.asarray(t._data)


def _long(values, device) -> Tensor:
    """A host-computed int64 index array as a Tensor (an input of the jitted op)."""
    return Tensor._make(jnp.asarray(np.asarray(values, np.int64)), _dtype.int64, device)


# ----------------------------------------------------------------- joining
@_jit
def _cat_fn(dim, dtype, shapes):
    """Concatenate along `dim` after reshaping input i to shapes[i] (None: keep)."""

    def run(*xs):
        xs = [convert(x, dtype) if s is None else convert(x, dtype).reshape(s) for x, s in zip(xs, shapes)]
        return jnp.concatenate(xs, axis=dim)

    return jax.jit(run)


def _cat(tensors, dim, shapes=None, name="cat"):
    """Concatenation of `tensors` seen with `shapes`; torch's checks and legacy rule
    that 1-D empty tensors are skipped (they still take part in type promotion)."""
    shapes = shapes or [t._shape for t in tensors]
    dtype = _promoted(tensors)
    check_same_device(tensors)
    kept = [i for i, s in enumerate(shapes) if s != (0,)]
    for i, s in enumerate(shapes):
        if len(s) == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    if not kept:
        return apply_fn("CatBackward0", _cat_fn(0, dtype, tuple(shapes)), tensors, dtype)
    ref = shapes[kept[0]]
    dim = tensors[kept[0]]._wrap_dim(dim, len(ref))
    for i in kept:
        s = shapes[i]
        if len(s) != len(ref):
            raise RuntimeError(f"Tensors must have same number of dimensions: got {len(ref)} and {len(s)}")
        for d, (a, b) in enumerate(zip(ref, s)):
            if d != dim and a != b:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {dim}. Expected size {a} but "
                                   f"got size {b} for tensor number {i} in the list.")
    inputs = [tensors[i] for i in kept]
    fn = _cat_fn(dim, dtype, tuple(None if shapes[i] == tensors[i]._shape else shapes[i] for i in kept))
    return apply_fn("CatBackward0", fn, inputs, dtype)


@op(method=False)
def cat(tensors, dim=0):
    """Concatenate tensors along an existing dim, promoting dtypes. Implements `torch.cat`."""
    tensors = _tensor_list("cat", tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    return _cat(tensors, dim)


@op(method=False)
def concat(tensors, dim=0):
    """Alias of `cat`. Implements `torch.concat`."""
    return cat(tensors, dim)


@op(method=False)
def concatenate(tensors, axis=0):
    """Alias of `cat` with numpy's argument name. Implements `torch.concatenate`."""
    return cat(tensors, axis)


@op(method=False)
def stack(tensors, dim=0):
    """Join equal-shape tensors along a new dim. Implements `torch.stack`."""
    tensors = _tensor_list("stack", tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    first = tensors[0]._shape
    for i, t in enumerate(tensors):
        if t._shape != first:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 and "
                               f"{list(t._shape)} at entry {i}")
    dim = tensors[0]._wrap_dim(dim, len(first) + 1)
    shape = first[:dim] + (1,) + first[dim:]
    dtype = _promoted(tensors)
    check_same_device(tensors)
    return apply_fn("StackBackward0", _cat_fn(dim, dtype, (shape,) * len(tensors)), tensors, dtype)


def _atleast_shape(shape, n):
    if len(shape) >= n:
        return shape
    if n == 3 and len(shape) == 2:
        return shape + (1,)
    if n == 3 and len(shape) == 1:
        return (1,) + shape + (1,)
    return (1,) * (n - len(shape)) + shape if shape else (1,) * n


def _stack_family(name, tensors, ndim, dim_of):
    tensors = _tensor_list(name, tensors)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    shapes = [_atleast_shape(t._shape, ndim) for t in tensors]
    return _cat(tensors, dim_of(shapes), shapes)


@op(method=False)
def hstack(tensors):
    """Concatenate column-wise (dim 1, or dim 0 for 1-D inputs). Implements `torch.hstack`."""
    return _stack_family("hstack", tensors, 1, lambda shapes: 0 if len(shapes[0]) == 1 else 1)


@op(method=False)
def vstack(tensors):
    """Concatenate row-wise after `atleast_2d`. Implements `torch.vstack`."""
    return _stack_family("vstack", tensors, 2, lambda shapes: 0)


row_stack = vstack


@op(method=False)
def dstack(tensors):
    """Concatenate depth-wise (dim 2) after `atleast_3d`. Implements `torch.dstack`."""
    return _stack_family("dstack", tensors, 3, lambda shapes: 2)


@op(method=False)
def column_stack(tensors):
    """Stack 0-D/1-D tensors as columns and concatenate along dim 1. Implements `torch.column_stack`."""
    tensors = _tensor_list("column_stack", tensors)
    if not tensors:
        raise RuntimeError("column_stack expects a non-empty TensorList")
    shapes = [(t.numel(), 1) if t.dim() <= 1 else t._shape for t in tensors]
    return _cat(tensors, 1, shapes)


# ----------------------------------------------------------------- flips and rolls
@_jit
def _flip_fn(dims):
    return jax.jit(lambda x: jnp.flip(x, dims) if dims else x)


def _unique_dims(input, dims):
    wrapped = tuple(input._wrap_dim(d) for d in dims)
    for i, d in enumerate(wrapped):
        if d in wrapped[:i]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return wrapped


@op(out=False)
def flip(input, dims):
    """Reverse the order of elements along `dims`. Implements `torch.flip`."""
    dims = _unique_dims(input, _dims_arg("flip", dims)) if input.dim() else ()
    return apply_fn("FlipBackward0", _flip_fn(dims), (input,), input.dtype)


@op(out=False)
def fliplr(input):
    """Flip left-right (dim 1). Implements `torch.fliplr`."""
    if input.dim() < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


@op(out=False)
def flipud(input):
    """Flip up-down (dim 0). Implements `torch.flipud`."""
    if input.dim() < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


@_jit
def _roll_fn(shifts, dims, shape):
    if dims is None:
        return jax.jit(lambda x: jnp.roll(x.reshape(-1), shifts[0]).reshape(shape))
    return jax.jit(lambda x: jnp.roll(x, shifts, dims))


@op(out=False)
def roll(input, shifts, dims=None):
    """Rotate elements along `dims` (the flattened tensor if None). Implements `torch.roll`."""
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dims = () if dims is None else (dims,) if isinstance(dims, int) else tuple(dims)
    if not shifts:
        raise RuntimeError("`shifts` required")
    if dims == () and len(shifts) == 1:
        fn = _roll_fn(shifts, None, input._shape)
    else:
        if len(shifts) != len(dims):
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
        if input.dim() == 0:
            raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
        fn = _roll_fn(shifts, tuple(input._wrap_dim(d) for d in dims), None)
    return apply_fn("RollBackward0", fn, (input,), input.dtype)


@_jit
def _rot90_fn(k, d0, d1):
    def run(x):
        if k == 1:
            return jnp.swapaxes(jnp.flip(x, d1), d0, d1)
        if k == 2:
            return jnp.flip(x, (d0, d1))
        if k == 3:
            return jnp.swapaxes(jnp.flip(x, d0), d0, d1)
        return x

    return jax.jit(run)


@op(out=False)
def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90 degrees `k` times in the plane of `dims`. Implements `torch.rot90`."""
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.dim() < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.dim()}")
    d0, d1 = input._wrap_dim(dims[0]), input._wrap_dim(dims[1])
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}")
    return apply_fn("Rot90Backward0", _rot90_fn(k % 4, d0, d1), (input,), input.dtype)


# ----------------------------------------------------------------- repeating
@_jit
def _tile_fn(reps):
    return jax.jit(lambda x: jnp.tile(x, reps))


def repeat(self, *sizes):
    """Tile the tensor `sizes` times along each dim. Implements `torch.Tensor.repeat`."""
    if not sizes:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    sizes = views.shape_arg(sizes)
    if len(sizes) < self.dim():
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           "tensor")
    padded = (1,) * (len(sizes) - self.dim()) + self._shape
    shape = [a * b for a, b in zip(padded, sizes)]
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {shape}")
    return apply_fn("RepeatBackward0", _tile_fn(sizes), (self,), self.dtype)


@op(out=False)
def tile(input, dims):
    """Repeat like numpy's tile: `dims` is padded with leading ones. Implements `torch.tile`."""
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    dims = (1,) * (input.dim() - len(dims)) + dims
    return repeat(input, dims)


@_jit
def _index_select_fn(dim, flat):
    def run(x, index):
        return jnp.take(x.reshape(-1) if flat else x, index, axis=0 if flat else dim)

    return jax.jit(run)


@_jit
def _repeat_int_fn(repeats, dim, flat):
    def run(x):
        x = x.reshape(-1) if flat else x
        return jnp.repeat(x, repeats, axis=0 if flat else dim)

    return jax.jit(run)


@op(out=False)
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each element `repeats` times along `dim` (flattened if None); with a
    single tensor argument, the indices repeated by its counts. Implements
    `torch.repeat_interleave`."""
    if repeats is None:
        counts = input
        if counts.dim() > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        values = _host(counts).reshape(-1)
        if counts.dtype.category != _dtype.INT:
            raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for '{type_name(counts.dtype)}'")
        if (values < 0).any():
            raise RuntimeError("repeats can not be negative")
        result = np.repeat(np.arange(len(values), dtype=counts.dtype.np), values)
        return Tensor._make(jnp.asarray(result), counts.dtype, counts.device)
    flat = dim is None
    if not flat:
        if input.dim() == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        dim = input._wrap_dim(dim)
    size = input.numel() if flat else (input._shape[dim] if input.dim() else 1)
    if isinstance(repeats, Tensor):
        if repeats.dim() > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        if repeats.dtype.category != _dtype.INT:
            raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for '{type_name(repeats.dtype)}'")
        counts = _host(repeats).reshape(-1)
        if len(counts) not in (1, size):
            raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                               f"{len(counts)} and input.size(0) = {size}")
        if (counts < 0).any():
            raise RuntimeError("repeats can not be negative")
        index = _long(np.repeat(np.arange(size), np.broadcast_to(counts, (size,))), input.device)
        fn = _index_select_fn(0 if flat or input.dim() == 0 else dim, flat or input.dim() == 0)
        return apply_fn("IndexSelectBackward0", fn, (input, index), input.dtype)
    repeats = int(repeats)
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    flat = flat or input.dim() == 0
    return apply_fn("ViewBackward0", _repeat_int_fn(repeats, dim, flat), (input,), input.dtype)


# ----------------------------------------------------------------- gather and scatter
_C_NAMES = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short int", "int32": "int",
            "int64": "long int", "float16": "c10::Half", "bfloat16": "c10::BFloat16", "float32": "float",
            "float64": "double", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}
_CTYPES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t"}
_INDEX_DTYPES = (_dtype.int64, _dtype.int32)


def _first_out_of_bounds(values: np.ndarray, size: int, negative=False):
    """The first index (in C order) outside [0, size), or [-size, size) if `negative`."""
    bad = (values >= size) | (values < (-size if negative else 0))
    return int(values[bad].flat[0]) if bad.any() else None


def _check_bounds(index: Tensor, size: int, dim: int, negative=False, error=RuntimeError, prefix=""):
    bad = _first_out_of_bounds(_host(index), size, negative)
    if bad is not None:
        raise error(f"{prefix}index {bad} is out of bounds for dimension {dim} with size {size}")


def _scalar_value(name, value, dtype: _dtype.dtype):
    """A Python number converted to `dtype` as torch's Scalar conversion does (errors on
    overflow and on complex to real)."""
    if isinstance(value, complex) and not dtype.is_complex:
        raise RuntimeError(f"{name}(): Converting complex Scalar to non-complex type is not supported")
    if dtype.category == _dtype.INT and not isinstance(value, bool):
        info = np.iinfo(dtype.np)
        if not (math.isfinite(value) and info.min <= value <= info.max):
            raise RuntimeError(f"value cannot be converted to type {_CTYPES[dtype.name]} without overflow")
    return jnp.asarray(np.asarray(value).astype(dtype.np))


def _as_1d(x):
    return x.reshape(x.shape or (1,))


def _scatter_where(idx, dim):
    """The index tuple that scatters along `dim` with `idx` (and iota elsewhere)."""
    where = list(jnp.indices(idx.shape, sparse=True))
    where[dim] = idx
    return tuple(where)


@_jit
def _gather_fn(dim):
    def run(x, idx):
        shape = idx.shape
        x, idx = _as_1d(x), _as_1d(idx)
        crop = tuple(slice(None) if d == dim else slice(0, s) for d, s in enumerate(idx.shape))
        return jnp.take_along_axis(x[crop], idx, axis=dim).reshape(shape)

    return jax.jit(run)


def _gather_checks(name, input, dim, index):
    dim = input._wrap_dim(dim)
    if index.dtype not in _INDEX_DTYPES:
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    if max(index.dim(), 1) != max(input.dim(), 1) and index.numel():
        what = "input" if name == "gather" else "self"
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {what} tensor")
    return dim


@op()
def gather(input, dim, index, *, sparse_grad=False):
    """Values of `input` at `index` along `dim`. Implements `torch.gather`."""
    dim = _gather_checks("gather", input, dim, index)
    in_shape, idx_shape = input._shape or (1,), index._shape or (1,)
    if index.numel():
        for d, (a, b) in enumerate(zip(idx_shape, in_shape)):
            if d != dim and a > b:
                raise RuntimeError(f"Size does not match at dimension {d} expected index {list(index._shape)} to be "
                                   f"no larger than self {list(input._shape)} apart from dimension {dim}")
        _check_bounds(index, in_shape[dim], dim)
    return apply_fn("GatherBackward0", _gather_fn(dim), (input, index), input.dtype)


@_jit
def _scatter_fn(dim, mode, scalar):
    def run(x, idx, src):
        shape = x.shape
        x, idx = _as_1d(x), _as_1d(idx)
        if not scalar:
            src = _as_1d(src)[tuple(slice(0, s) for s in idx.shape)]
        ref = x.at[_scatter_where(idx, dim)]
        return getattr(ref, mode)(src).reshape(shape)

    return jax.jit(run)


def _scatter_checks(name, input, dim, index, src):
    dim = _gather_checks(name, input, dim, index)
    if src is not None and src.dtype is not input.dtype:
        raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype")
    if not index.numel():
        return dim
    idx_shape, in_shape = index._shape or (1,), input._shape or (1,)
    if src is not None:
        src_shape = src._shape or (1,)
        if len(src_shape) < len(idx_shape):
            raise IndexError(f"Dimension out of range (expected to be in range of [{-len(src_shape)}, "
                             f"{len(src_shape) - 1}], but got {len(src_shape)})")
    for d, s in enumerate(idx_shape):
        if (d != dim and s > in_shape[d]) or (src is not None and s > src_shape[d]):
            raise RuntimeError(f"Expected index {list(index._shape)} to be no larger than self {list(input._shape)} "
                               f"apart from dimension {dim}" + ("" if src is None else
                                                               f" and to be no larger size than src {list(src._shape)}"))
    _check_bounds(index, in_shape[dim], dim)
    return dim


@op(inplace=True)
def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """`input` with `src` (or the number `value`) written at `index` along `dim`.
    Implements `torch.scatter`.

    Differences from torch: with repeated indices the value written is unspecified in
    both libraries and may differ, and only the written src element gets a gradient."""
    if isinstance(src, Number) or (src is None and value is not None):
        value, src = (src if src is not None else value), None
    if src is None and value is None:
        raise TypeError("scatter() missing required argument 'src' or 'value'")
    mode = "set"
    if reduce is not None:
        modes = {"add": "add", "multiply": "multiply"}
        if reduce not in modes:
            raise RuntimeError("reduce argument must be either add or multiply.")
        mode = modes[reduce]
        if src is not None:
            warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated and will be removed in a "
                          "future PyTorch release. Use torch.scatter_reduce instead for more reduction options.",
                          UserWarning, stacklevel=3)
    dim = _scatter_checks("scatter", input, dim, index, src)
    if src is not None:
        name = "ScatterBackward0" if reduce is None else "NotImplemented"
        return apply_fn(name, _scatter_fn(dim, mode, False), (input, index, src), input.dtype)
    fill = Tensor._make(_scalar_value("scatter", value, input.dtype), input.dtype, input.device)
    name = "ScatterBackward1" if reduce is None else "NotImplemented"
    return apply_fn(name, _scatter_fn(dim, mode, True), (input, index, fill), input.dtype)


@op(inplace=True)
def scatter_add(input, dim, index, src):
    """`input` with `src` added at `index` along `dim`. Implements `torch.scatter_add`."""
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_add(): argument 'src' (position 4) must be Tensor, not {type(src).__name__}")
    dim = _scatter_checks("scatter", input, dim, index, src)
    return apply_fn("ScatterAddBackward0", _scatter_fn(dim, "add", False), (input, index, src), input.dtype)


def _lowest(dtype, highest=False):
    if jnp.issubdtype(dtype, jnp.floating):
        return jnp.inf if highest else -jnp.inf
    if dtype == jnp.bool_:
        return highest
    info = jnp.iinfo(dtype)
    return info.max if highest else info.min


@_jit
def _scatter_reduce_fn(dim, reduce, include_self):
    def run(x, idx, src):
        shape = x.shape
        x, idx = _as_1d(x), _as_1d(idx)
        src = _as_1d(src)[tuple(slice(0, s) for s in idx.shape)]
        where = _scatter_where(idx, dim)
        if reduce in ("sum", "mean"):
            total = (x if include_self else x.at[where].set(0)).at[where].add(src)
            if reduce == "sum":
                return total.reshape(shape)
            count = jnp.full(x.shape, int(include_self), x.dtype).at[where].add(1)
            safe = jnp.maximum(count, 1)
            mean = total // safe if jnp.issubdtype(x.dtype, jnp.integer) else total / safe
            return jnp.where(count == 0, x, mean).reshape(shape)
        if reduce == "prod":
            return _scatter_prod(x, src, idx, dim, include_self).reshape(shape)
        init = _lowest(x.dtype, highest=reduce == "amin")
        base = x if include_self else x.at[where].set(init)
        ref = base.at[where]
        return (ref.max(src) if reduce == "amax" else ref.min(src)).reshape(shape)

    return jax.jit(run)


@functools.partial(jax.custom_vjp, nondiff_argnums=(3, 4))
def _scatter_prod(x, src, idx, dim, include_self):
    where = _scatter_where(idx, dim)
    return (x if include_self else x.at[where].set(1)).at[where].multiply(src)


def _scatter_prod_fwd(x, src, idx, dim, include_self):
    result = _scatter_prod(x, src, idx, dim, include_self)
    return result, (x, src, idx, result)


def _scatter_prod_bwd(dim, include_self, saved, grad):
    # torch's rule: products that exclude the element itself, so zeros get exact gradients.
    x, src, idx, result = saved
    where = _scatter_where(idx, dim)
    masked_x = jnp.where(x == 0, 1, x)
    grad_x = grad * _scatter_prod(masked_x, src, idx, dim, include_self) / masked_x
    if not include_self:
        grad_x = grad_x.at[where].set(0)
    src_zero = src == 0
    zeros = jnp.zeros(x.shape, x.dtype).at[where].add(src_zero.astype(x.dtype))[where]
    single_zero = src_zero & (zeros == 1)
    others = _scatter_prod(x, jnp.where(single_zero, 1, src), idx, dim, include_self)
    grad_src = jnp.where(single_zero, (grad * others)[where], (grad * result)[where] / jnp.where(src_zero, 1, src))
    return grad_x, grad_src, None


_scatter_prod.defvjp(_scatter_prod_fwd, _scatter_prod_bwd)


@op(inplace=True)
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """Reduce `src` into `input` at `index` along `dim` with sum, prod, mean, amax or
    amin. Implements `torch.scatter_reduce`."""
    if reduce not in ("sum", "prod", "mean", "amax", "amin"):
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    dim = _scatter_checks("scatter", input, dim, index, src)
    fn = _scatter_reduce_fn(dim, reduce, bool(include_self))
    return apply_fn("ScatterReduceBackward0", fn, (input, index, src), input.dtype)


# ----------------------------------------------------------------- index_* ops
@_jit
def _index_select_fn(dim, flat):
    def run(x, index):
        out = jnp.take(x.reshape(-1) if flat else _as_1d(x), index.reshape(-1), axis=0 if flat else dim)
        return out.reshape(()) if x.ndim == 0 and not flat else out

    return jax.jit(run)


@op()
def index_select(input, dim, index):
    """The slices of `input` along `dim` at `index`. Implements `torch.index_select`."""
    dim = input._wrap_dim(dim)
    if index.dtype not in _INDEX_DTYPES:
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if index.dim() > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if input.dim() == 0 and index.numel() != 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {index.numel()} value(s)")
    size = input._shape[dim] if input.dim() else 1
    bad = _first_out_of_bounds(_host(index), size)
    if input.dim() > 1 and input.numel() == 0 and index.numel():  # torch takes another path for empty inputs
        if size == 0:
            raise RuntimeError("index_select(): self indexing axis dim should be positive")
        if bad is not None:
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={size}")
    if bad is not None:
        raise IndexError("index out of range in self")
    return apply_fn("IndexSelectBackward0", _index_select_fn(dim, False), (input, index), input.dtype)


@_jit
def _index_update_fn(dim, mode):
    def run(x, idx, src, alpha):
        shape = x.shape
        x, src = _as_1d(x), _as_1d(src)
        where = (slice(None),) * dim + (idx.reshape(-1),)
        if mode == "add":
            src = src * alpha if x.dtype != jnp.bool_ else src & alpha
        return getattr(x.at[where], mode)(src).reshape(shape)

    return jax.jit(run)


def _slice_shape(shape, dim):
    return tuple(s for d, s in enumerate(shape) if d != dim)


@op(inplace=True)
def index_add(input, dim, index, source, *, alpha=1):
    """`input` with `alpha * source` added to the slices at `index` along `dim`.
    Implements `torch.index_add`."""
    dim = input._wrap_dim(dim)
    if index.dtype not in _INDEX_DTYPES:
        raise RuntimeError(f"index_add_(): Expected dtype int32/int64 for index but got: {type_name(index.dtype)}")
    if index.dim() > 1:
        raise IndexError(f"index_add_(): Index is supposed to be a vector, but got dim: {index.dim()} with type: "
                         f"{type_name(index.dtype)} and size: {list(index._shape)}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_add_(): self ({type_name(input.dtype)}) and source ({type_name(source.dtype)}) "
                           "must have the same scalar type")
    source_size = (source._shape or (1,))[source._wrap_dim(dim)]
    if index.numel() != source_size:
        raise RuntimeError(f"index_add_(): Number of indices ({index.numel()}) should be equal to source.size(dim): "
                           f"({source_size}), for dim: {dim}")
    if len(source._shape) != len(input._shape) or _slice_shape(source._shape, dim) != _slice_shape(input._shape, dim):
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the specified dimension. Got "
                           f"self.shape = {list(input._shape)} source.shape = {list(source._shape)}")
    if input.numel() or input.dim() <= 1:  # torch does not check indices into an empty matrix
        if input.numel() == 0 and index.numel():
            raise IndexError("index out of range in self")
        _check_bounds(index, (input._shape or (1,))[dim], dim)
    alpha = Tensor._make(_scalar_value("index_add", alpha, input.dtype), input.dtype, input.device)
    return apply_fn("IndexAddBackward0", _index_update_fn(dim, "add"), (input, index, source, alpha), input.dtype)


@op(inplace=True)
def index_copy(input, dim, index, source):
    """`input` with the slices at `index` along `dim` replaced by `source`.
    Implements `torch.index_copy`."""
    dim = input._wrap_dim(dim)
    if index.dtype is not _dtype.int64:
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got {type_name(index.dtype)}")
    if index.dim() > 1:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {index.dim()})")
    if source.dtype is not input.dtype:
        raise RuntimeError("index_copy_(): self and source expected to have the same dtype, but got (self) "
                           f"{type_name(input.dtype)} and (source) {type_name(source.dtype)}")
    if source.dim() != input.dim() and source.dim() and input.dim():
        raise IndexError("index_copy_(): When source and destination are not scalars, their dimensionality must "
                         f"match. Source dimensionality ({source.dim()}), destination dimensionality ({input.dim()})")
    source_size = (source._shape or (1,))[dim]
    if index.numel() != source_size:
        raise IndexError(f"index_copy_(): Number of indices ({index.numel()}) should be equal to source.size(dim) "
                         f"({source_size})")
    for d, (a, b) in enumerate(zip(input._shape, source._shape)):
        if d != dim and a != b:
            raise RuntimeError(f"index_copy_(): Source/destination tensor must have same slice shapes. Destination "
                               f"slice shape: {a} at dimension {d} and source slice shape: {b} at dimension 0.")
    if input.numel() or input.dim() <= 1:  # torch does not check indices into an empty matrix
        _check_bounds(index, (input._shape or (1,))[dim], dim, error=IndexError, prefix="index_copy_(): ")
    none = Tensor._make(jnp.zeros((), input.dtype.np), input.dtype, input.device)
    return apply_fn("IndexCopyBackward0", _index_update_fn(dim, "set"), (input, index, source, none), input.dtype)


@_jit
def _fill_where_fn(dim):
    """Fill the slices at `idx` along `dim` with the 0-d `value`."""

    def run(x, idx, value):
        size = (x.shape or (1,))[dim]
        mask = jnp.zeros(size, bool).at[idx.reshape(-1)].set(True)
        mask = mask.reshape((size,) + (1,) * (x.ndim - dim - 1)) if x.ndim else mask.reshape(())
        return jnp.where(mask, convert(value, _dtype.from_numpy_dtype(x.dtype)), x)

    return jax.jit(run)


def _fill_operand(name, value, dtype, device):
    """(0-d tensor holding `value`, is_tensor) for the fill ops' value argument."""
    if isinstance(value, Tensor):
        if value.dim():
            raise RuntimeError(f"{name} only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.dim()} dimension(s).")
        return value, True
    return Tensor._make(_scalar_value(name.rstrip("_"), value, dtype), dtype, device), False


@op(inplace=True, out=False)
def index_fill(input, dim, index, value):
    """`input` with the slices at `index` along `dim` set to `value`. Implements `torch.index_fill`."""
    dim = input._wrap_dim(dim)
    if index.dtype is not _dtype.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    if index.dim() > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    value, is_tensor = _fill_operand("index_fill_", value, input.dtype, input.device)
    if input.numel():  # torch does not check indices into an empty tensor
        _check_bounds(index, (input._shape or (1,))[dim], dim, negative=True, error=IndexError)
    name = "IndexFillBackward1" if is_tensor else "IndexFillBackward0"
    return apply_fn(name, _fill_where_fn(dim), (input, index, value), input.dtype)


def _index_put_arrays(input, indices):
    """Host int64 arrays (negatives wrapped, bounds-checked) for `index_put`'s indices."""
    arrays, dim = [], 0
    for i, t in enumerate(indices):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 1, but got {type(t).__name__}")
        value = _host(t)
        if t.dtype in (_dtype.bool, _dtype.uint8):
            if t.dim() + dim > input.dim():
                raise IndexError(f"too many indices for tensor of dimension {input.dim()} (got {len(indices)})")
            for k, (m, s) in enumerate(zip(value.shape, input._shape[dim:])):
                if m != s:
                    raise IndexError(f"The shape of the mask {list(value.shape)} at index {k} does not match the "
                                     f"shape of the indexed tensor {list(input._shape)} at index {dim + k}")
            arrays.extend(np.nonzero(value.astype(bool)))
            dim += t.dim()
            continue
        if t.dtype.category != _dtype.INT:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if dim >= input.dim():
            raise IndexError(f"too many indices for tensor of dimension {input.dim()} (got {len(indices)})")
        size = input._shape[dim]
        bad = _first_out_of_bounds(value, size, negative=True)
        if bad is not None:
            raise IndexError(f"index {bad} is out of bounds for dimension {dim} with size {size}")
        arrays.append(np.where(value < 0, value + size, value))
        dim += 1
    return [a.astype(np.int64) for a in arrays]


@_jit
def _index_put_fn(n, accumulate):
    def run(x, values, *idx):
        return getattr(x.at[idx], "add" if accumulate else "set")(values)

    return jax.jit(run)


@op(inplace=True, out=False)
def index_put(input, indices, values, accumulate=False):
    """`input` with `values` written (or added) at the advanced index `indices`.
    Implements `torch.index_put`."""
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put(): argument 'indices' (position 2) must be tuple of Tensors, not "
                        f"{type(indices).__name__}")
    if values.dtype is not input.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{type_name(input.dtype)} for the destination and {type_name(values.dtype)} for the source.")
    arrays = _index_put_arrays(input, indices)
    try:
        target = np.broadcast_shapes(*(a.shape for a in arrays)) + input._shape[len(arrays):]
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes "
                         + " ".join(str(list(a.shape)) for a in arrays)) from None
    try:
        np.broadcast_shapes(values._shape, target)
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(values._shape)} cannot be broadcast to "
                           f"indexing result of shape {list(target)}") from None
    idx = [_long(a, input.device) for a in arrays]
    fn = _index_put_fn(len(idx), bool(accumulate))
    return apply_fn("IndexPutBackward0", fn, (input, values, *idx), input.dtype)


# ----------------------------------------------------------------- masks
def _check_bool_mask(message, mask):
    if mask.dtype is not _dtype.bool:
        raise RuntimeError(message.format(_C_NAMES[mask.dtype.name], type_name(mask.dtype)))


@_jit
def _masked_fill_fn(shape):
    def run(x, mask, value):
        return jnp.broadcast_to(jnp.where(mask, convert(value, _dtype.from_numpy_dtype(x.dtype)), x), shape)

    return jax.jit(run)


@op(inplace=True, out=False)
def masked_fill(input, mask, value):
    """`input` with `value` where `mask` is True. Implements `torch.masked_fill`."""
    _check_bool_mask("masked_fill_ only supports boolean masks, but got mask with dtype {0}", mask)
    value, is_tensor = _fill_operand("masked_fill_", value, input.dtype, input.device)
    shape = _broadcast(input._shape, mask._shape)
    name = "MaskedFillBackward1" if is_tensor else "MaskedFillBackward0"
    return apply_fn(name, _masked_fill_fn(shape), (input, mask, value), input.dtype)


def _mask_positions(mask, shape, device):
    """Flat positions (C order) where `mask`, broadcast to `shape`, is True."""
    return _long(np.flatnonzero(np.broadcast_to(_host(mask), shape)), device)


@_jit
def _masked_scatter_fn(shape):
    def run(x, positions, source):
        flat = jnp.broadcast_to(x, shape).reshape(-1)
        count = positions.shape[0]
        return flat.at[positions].set(source.reshape(-1)[:count]).reshape(shape)

    return jax.jit(run)


@op(inplace=True, out=False)
def masked_scatter(input, mask, source):
    """`input` with the elements of `source`, in order, where `mask` is True.
    Implements `torch.masked_scatter`."""
    _check_bool_mask("masked_scatter_ only supports boolean masks, but got mask with dtype {1}", mask)
    if source.dtype is not input.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got"
                           f"{type_name(input.dtype)} and {type_name(source.dtype)}")
    shape = _broadcast(input._shape, mask._shape)
    positions = _mask_positions(mask, shape, input.device)
    if positions.numel() > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return apply_fn("MaskedScatterBackward0", _masked_scatter_fn(shape), (input, positions, source), input.dtype)


@_jit
def _take_flat_fn(shape):
    """Elements at flat `positions` of `x` broadcast to `shape`."""
    return jax.jit(lambda x, positions: jnp.broadcast_to(x, shape).reshape(-1)[positions])


@op()
def masked_select(input, mask):
    """The elements of `input` where `mask` is True, as a 1-D tensor. Implements `torch.masked_select`."""
    if mask.dtype is not _dtype.bool:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = _broadcast(input._shape, mask._shape)
    positions = _mask_positions(mask, shape, input.device)
    return apply_fn("MaskedSelectBackward0", _take_flat_fn(shape), (input, positions), input.dtype)


@_jit
def _take_fn():
    def run(x, index):
        flat = x.reshape(-1)
        return flat[jnp.where(index < 0, index + flat.shape[0], index)]

    return jax.jit(run)


@op()
def take(input, index):
    """Elements of the flattened `input` at `index` (negatives wrap). Implements `torch.take`."""
    if index.dtype is not _dtype.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {type_name(index.dtype)}")
    n = input.numel()
    if index.numel():
        if n == 0:
            raise IndexError("take(): tried to take from an empty tensor")
        bad = _first_out_of_bounds(_host(index), n, negative=True)
        if bad is not None:
            raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    return apply_fn("TakeBackward0", _take_fn(), (input, index), input.dtype)


@_jit
def _take_along_fn(dim, in_shape, idx_shape):
    def run(x, idx):
        if dim is None:
            return jnp.take_along_axis(x.reshape(-1), idx.reshape(-1), axis=0)
        return jnp.take_along_axis(jnp.broadcast_to(x, in_shape), jnp.broadcast_to(idx, idx_shape), axis=dim)

    return jax.jit(run)


@op()
def take_along_dim(input, indices, dim=None):
    """Values of `input` at `indices` along `dim`, broadcasting the other dims
    (the flattened input if `dim` is None). Implements `torch.take_along_dim`.

    Differences from torch: out-of-range indices always raise (torch reads arbitrary
    elements when the index is broadcast)."""
    if indices.dtype is not _dtype.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{type_name(indices.dtype)}")
    if dim is None:
        if indices.numel():
            _check_bounds(indices, input.numel(), 0)
        return apply_fn("GatherBackward0", _take_along_fn(None, None, None), (input, indices), input.dtype)
    dim = input._wrap_dim(dim)
    if input.dim() != indices.dim():
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input.dim()} dimensions for input, and {indices.dim()} dimensions for indices")
    in_shape, idx_shape = list(input._shape), list(indices._shape)
    in_shape[dim] = idx_shape[dim] = 1
    common = _broadcast(tuple(in_shape), tuple(idx_shape))
    in_shape = common[:dim] + input._shape[dim:dim + 1] + common[dim + 1:]
    idx_shape = common[:dim] + indices._shape[dim:dim + 1] + common[dim + 1:]
    if indices.numel():
        _check_bounds(indices, input._shape[dim], dim)
    fn = _take_along_fn(dim, in_shape, idx_shape)
    return apply_fn("GatherBackward0", fn, (input, indices), input.dtype)


# ----------------------------------------------------------------- where and clamp
@pointwise(Promote.NO_OPMATH, name="_where", grad_name="WhereBackward0", method=False, inplace=False,
           promote_operands=("input", "other"))
def _where(condition, input, other):
    if condition.dtype not in (jnp.bool_, jnp.uint8):
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{type_name(_dtype.from_numpy_dtype(condition.dtype))}")
    return jnp.where(condition.astype(bool), input, other)


@op(method=False, out=False)
def where(condition, input=None, other=None, *, out=None):
    """Elements of `input` where `condition` holds, else of `other`, with both promoted
    together; with only `condition`, `nonzero(condition, as_tuple=True)`. Implements
    `torch.where`."""
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    if input is None or other is None:
        raise TypeError("where() received an invalid combination of arguments")
    if out is not None and not (isinstance(input, Tensor) and isinstance(other, Tensor)):
        raise TypeError(f"where(): argument '{'input' if not isinstance(input, Tensor) else 'other'}' must be Tensor, "
                        f"not {type(input if not isinstance(input, Tensor) else other).__name__}")
    if condition.dtype is _dtype.uint8:
        warnings.warn("where received a uint8 condition tensor. This behavior is deprecated and will be removed in a "
                      "future version of PyTorch. Use a boolean condition instead.", UserWarning, stacklevel=3)
    return _where(condition, input, other, out=out)


def where_method(self, condition, other):
    """`torch.where(condition, self, other)`. Implements `torch.Tensor.where`."""
    return where(condition, self, other)


def _clamp_body(input, min, max):
    """Clamp with torch's gradients: to the input where min <= x <= max, to a tensor
    bound only where it is the result (min when min < max, max when max wins)."""
    if input.dtype == jnp.bool_:
        raise NotImplementedError("\"clamp_scalar_cpu\" not implemented for 'Bool'")
    low = input if min is None else jnp.maximum(input, min)
    value = jax.lax.stop_gradient(low if max is None else jnp.minimum(low, max))
    if min is None:
        return jnp.where(input <= max, input, jnp.where(input > max, max, value))
    if max is None:
        return jnp.where(input >= min, input, jnp.where(input < min, min, value))
    result = jnp.where((input > max) | (max < min), max, value)
    result = jnp.where((input < min) & (min < max), min, result)
    return jnp.where((input >= min) & (input <= max), input, result)


@pointwise(Promote.DEFAULT, name="_clamp", grad_name="ClampBackward1", method=False)
def _clamp(input, min=None, max=None):
    return _clamp_body(input, min, max)


@pointwise(Promote.DEFAULT, name="_clamp_tensor", grad_name="ClampBackward0", method=False)
def _clamp_tensor(input, min=None, max=None):
    return _clamp_body(input, min, max)


@pointwise(Promote.DEFAULT, name="_clamp_min", grad_name="ClampMinBackward0", method=False)
def _clamp_min(input, min):
    return _clamp_body(input, min, None)


@pointwise(Promote.DEFAULT, name="_clamp_min_tensor", grad_name="ClampMinBackward1", method=False)
def _clamp_min_tensor(input, min):
    return _clamp_body(input, min, None)


@pointwise(Promote.DEFAULT, name="_clamp_max", grad_name="ClampMaxBackward0", method=False)
def _clamp_max(input, max):
    return _clamp_body(input, None, max)


@pointwise(Promote.DEFAULT, name="_clamp_max_tensor", grad_name="ClampMaxBackward1", method=False)
def _clamp_max_tensor(input, max):
    return _clamp_body(input, None, max)


def _clamp_dispatch(name, input, bounds, scalar_op, tensor_op):
    """The scalar-bound or tensor-bound op (torch's two overloads; mixing is a TypeError)."""
    given = [b for b in bounds if b is not None]
    if not given:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    kinds = {isinstance(b, Tensor) for b in given}
    if len(kinds) > 1:
        raise TypeError(f"{name}() received an invalid combination of arguments - got (Tensor, Tensor, Number)")
    return tensor_op if True in kinds else scalar_op


@op(inplace=True, out=False)
def clamp(input, min=None, max=None, *, out=None):
    """Each element limited to [min, max] (scalar or tensor bounds, promoted with the
    input). Implements `torch.clamp`."""
    fn = _clamp_dispatch("clamp", input, (min, max), _clamp, _clamp_tensor)
    return fn(input, min, max, out=out)


@op(inplace=True, out=False)
def clip(input, min=None, max=None, *, out=None):
    """Alias of `clamp`. Implements `torch.clip`."""
    return clamp(input, min, max, out=out)


@op(inplace=True, out=False)
def clamp_min(input, min, *, out=None):
    """max(input, min). Implements `torch.clamp_min`."""
    return _clamp_dispatch("clamp_min", input, (min,), _clamp_min, _clamp_min_tensor)(input, min, out=out)


@op(inplace=True, out=False)
def clamp_max(input, max, *, out=None):
    """min(input, max). Implements `torch.clamp_max`."""
    return _clamp_dispatch("clamp_max", input, (max,), _clamp_max, _clamp_max_tensor)(input, max, out=out)


# ----------------------------------------------------------------- nonzero
@op()
def nonzero(input, *, as_tuple=False):
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or one 1-D tensor
    per dim with `as_tuple`. Implements `torch.nonzero`."""
    values = _host(input)
    if as_tuple:
        if input.dim() == 0:
            return (_long(np.zeros(int(values != 0)), input.device),)
        return tuple(_long(a, input.device) for a in np.nonzero(values))
    positions = np.argwhere(values) if input.dim() else np.zeros((int(values != 0), 0))
    return _long(positions, input.device)


@op(out=False)
def argwhere(input):
    """Indices of the non-zero elements as an (n, ndim) tensor. Implements `torch.argwhere`."""
    return nonzero(input)


# ----------------------------------------------------------------- sorting
from .reduction import RETURN_TYPES, return_type  # noqa: E402

for _name in ("sort", "topk", "kthvalue"):
    RETURN_TYPES.setdefault(_name, return_type(_name, ("values", "indices")))


def _sort_key(x):
    """Keys that sort as torch does: -0.0 equals 0.0 and every NaN is largest."""
    if x.dtype == jnp.bool_:
        return x.astype(jnp.int8)
    if jnp.issubdtype(x.dtype, jnp.floating):
        return jnp.where(jnp.isnan(x), jnp.nan, jnp.where(x == 0, jnp.zeros((), x.dtype), x))
    return x


def _sorted_indices(x, dim, descending):
    """Stable sort order along `dim`; descending keeps equal elements in input order."""
    key = _sort_key(x)
    if not descending:
        return jnp.argsort(key, axis=dim, stable=True)
    n = x.shape[dim]
    return n - 1 - jnp.flip(jnp.argsort(jnp.flip(key, dim), axis=dim, stable=True), dim)


@_jit
def _sort_fn(dim, descending, k=None):
    def run(x):
        if x.ndim == 0:
            return x, jnp.zeros((), jnp.int64)
        idx = _sorted_indices(x, dim, descending)
        if k is not None:
            idx = jax.lax.slice_in_dim(idx, 0, k, axis=dim)
        return jnp.take_along_axis(x, idx, axis=dim), idx.astype(jnp.int64)

    return jax.jit(run)


def _check_sortable(name, input):
    if input.dtype.is_complex:
        raise RuntimeError(f"{name}(): input tensor must be real, not complex")


def _sort_arguments(name, args, kwargs, stable):
    """(dim, descending) from torch's two overloads: `(input, dim=-1, descending=False)`
    and `(input, *, stable, dim=-1, descending=False)` (no positional dim with stable)."""
    if stable is not None and args or len(args) > 2:
        raise TypeError(f"{name}() received an invalid combination of arguments")
    values = dict(zip(("dim", "descending"), args))
    for key, value in kwargs.items():
        if key not in ("dim", "descending") or key in values:
            raise TypeError(f"{name}() got an unexpected keyword argument '{key}'")
        values[key] = value
    return values.get("dim", -1), bool(values.get("descending", False))


@op()
def sort(input, *args, stable=None, **kwargs):
    """Values sorted along `dim` and their original indices: `sort(input, dim=-1,
    descending=False)` or `sort(input, *, stable, dim=-1, descending=False)`. The sort is
    always stable (equal elements keep their order) and NaN sorts as the largest.
    Implements `torch.sort`."""
    dim, descending = _sort_arguments("sort", args, kwargs, stable)
    _check_sortable("sort", input)
    dim = input._wrap_dim(dim)
    result = apply_fn("SortBackward0", _sort_fn(dim, descending), (input,), (input.dtype, _dtype.int64))
    return RETURN_TYPES["sort"](result)


@op(out=False)
def argsort(input, *args, stable=None, **kwargs):
    """The indices that sort `input` along `dim` (arguments as `sort`). Implements `torch.argsort`."""
    dim, descending = _sort_arguments("argsort", args, kwargs, stable)
    return sort(input, dim=dim, descending=descending)[1]


@op()
def msort(input):
    """`input` sorted along dim 0. Implements `torch.msort`."""
    return sort(input, 0)[0]


@op()
def topk(input, k, dim=-1, largest=True, sorted=True):
    """The `k` largest (or smallest) values along `dim` and their indices.
    Implements `torch.topk`.

    Differences from torch: among equal values the lowest indices are chosen; torch
    leaves that order unspecified."""
    if input.dtype is _dtype.bool:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    _check_sortable("topk", input)
    dim = input._wrap_dim(dim)
    size = input._shape[dim] if input.dim() else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    fn = _sort_fn(dim, bool(largest), k)
    return RETURN_TYPES["topk"](apply_fn("TopkBackward0", fn, (input,), (input.dtype, _dtype.int64)))


@_jit
def _kth_fn(dim, k, keepdim):
    def run(x):
        shape = x.shape
        x = _as_1d(x)
        idx = jax.lax.slice_in_dim(_sorted_indices(x, dim, False), k - 1, k, axis=dim)
        values = jnp.take_along_axis(x, idx, axis=dim)
        if not keepdim or not shape:
            values, idx = values.squeeze(dim), idx.squeeze(dim)
        return values.reshape(values.shape if shape else ()), idx.reshape(idx.shape if shape else ())

    return jax.jit(run)


@op()
def kthvalue(input, k, dim=-1, keepdim=False):
    """The k-th smallest value along `dim` and its index. Implements `torch.kthvalue`.

    Differences from torch: among equal values the lowest index is returned."""
    if input.dtype is _dtype.bool:
        raise NotImplementedError("\"kthvalue_cpu\" not implemented for 'Bool'")
    dim = input._wrap_dim(dim)
    size = input._shape[dim] if input.dim() else 1
    if size == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {dim} to have non-zero size.")
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")
    fn = _kth_fn(dim, k, bool(keepdim))
    return RETURN_TYPES["kthvalue"](apply_fn("KthvalueBackward0", fn, (input,), (input.dtype, _dtype.int64)))


# ----------------------------------------------------------------- unique
def _unique_outputs(input, groups, return_inverse, return_counts, grad_name):
    """torch's unique result: the values alone, or a tuple with the requested extras.
    The values are gathered on the device from flat positions so they carry a grad_fn."""
    positions, inverse, counts = groups
    device = input.device
    flat = _long(positions.reshape(-1), device)
    out = apply_fn(grad_name, _unique_gather_fn(positions.shape), (input, flat), input.dtype)
    if not (return_inverse or return_counts):
        return out
    result = [out]
    if return_inverse:
        result.append(_long(inverse, device))
    if return_counts:
        result.append(_long(counts, device))
    return tuple(result)


@_jit
def _unique_gather_fn(shape):
    return jax.jit(lambda x, positions: x.reshape(-1)[positions].reshape(shape))


def _host_values(input):
    values = _host(input)
    return values.astype(np.float32) if input.dtype is _dtype.bfloat16 else values


def _unique_groups(values, dim, consecutive):
    """(flat positions of the representatives laid out as the output, inverse, counts)
    of the unique elements (dim None) or slices along `dim` of the host array `values`."""
    moved = values.reshape(-1, 1) if dim is None else np.moveaxis(values, dim, 0).reshape(values.shape[dim], -1)
    n = moved.shape[0]
    if consecutive:
        order = np.arange(n)
    else:
        order = np.lexsort(moved.T[::-1]) if moved.shape[1] else np.arange(n)
    ordered = moved[order]
    new = np.ones(n, bool)
    if n > 1:
        new[1:] = (ordered[1:] != ordered[:-1]).any(axis=1) if moved.shape[1] else False
    group = np.cumsum(new) - 1
    inverse = np.empty(n, np.int64)
    inverse[order] = group
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, n))
    firsts = order[starts]
    if dim is None:
        return firsts, inverse.reshape(values.shape), counts
    index = np.moveaxis(np.arange(values.size).reshape(values.shape), dim, 0)[firsts]
    return np.moveaxis(index, 0, dim), inverse, counts


@op(out=False)
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The sorted distinct elements (or slices along `dim`), optionally with the inverse
    indices and counts. Implements `torch.unique`."""
    if dim is not None:
        dim = input._wrap_dim(dim)
    groups = _unique_groups(_host_values(input), dim, consecutive=False)
    grad_name = "Unique2Backward0" if dim is None else "UniqueDimBackward0"
    return _unique_outputs(input, groups, return_inverse, return_counts, grad_name)


@op(out=False)
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """The elements (or slices along `dim`) with consecutive repeats removed, optionally
    with inverse indices and counts. Implements `torch.unique_consecutive`."""
    if dim is not None:
        dim = input._wrap_dim(dim)
    groups = _unique_groups(_host_values(input), dim, consecutive=True)
    return _unique_outputs(input, groups, return_inverse, return_counts, "UniqueConsecutiveBackward0")


# ----------------------------------------------------------------- triangles and diagonals
@_jit
def _tri_fn(lower, diagonal):
    def run(x):
        rows, cols = x.shape[-2:]
        keep = jnp.tri(rows, cols, diagonal, dtype=bool)
        return jnp.where(keep if lower else ~jnp.tri(rows, cols, diagonal - 1, dtype=bool), x, jnp.zeros((), x.dtype))

    return jax.jit(run)


@op(inplace=True)
def tril(input, diagonal=0):
    """The lower triangle of the last two dims (others zeroed). Implements `torch.tril`."""
    if input.dim() < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return apply_fn("TrilBackward0", _tri_fn(True, int(diagonal)), (input,), input.dtype)


@op(inplace=True)
def triu(input, diagonal=0):
    """The upper triangle of the last two dims (others zeroed). Implements `torch.triu`."""
    if input.dim() < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return apply_fn("TriuBackward0", _tri_fn(False, int(diagonal)), (input,), input.dtype)


def _tri_indices(name, lower, row, col, offset, dtype, device):
    from .creation import _resolve

    dtype, device = _resolve(dtype or _dtype.int64, device)
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    if dtype.category != _dtype.INT:
        raise NotImplementedError(f"\"{name}\" not implemented for '{type_name(dtype)}'")
    if lower:
        rows, cols = np.nonzero(np.tri(row, col, offset, dtype=bool))
    else:
        rows, cols = np.nonzero(~np.tri(row, col, offset - 1, dtype=bool))
    return Tensor._make(jnp.asarray(np.stack([rows, cols]).astype(dtype.np)), dtype, device)


@op(method=False, out=False)
def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (2, N) coordinates of the lower triangle of a row x col matrix. Implements `torch.tril_indices`."""
    return _tri_indices("tril_indices", True, row, col, offset, dtype, device)


@op(method=False, out=False)
def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (2, N) coordinates of the upper triangle of a row x col matrix. Implements `torch.triu_indices`."""
    return _tri_indices("triu_indices", False, row, col, offset, dtype, device)


@_jit
def _diag_embed_fn(offset, dim1, dim2):
    def run(x):
        n = x.shape[-1]
        m = n + abs(offset)
        rows = jnp.arange(n) + max(-offset, 0)
        cols = jnp.arange(n) + max(offset, 0)
        out = jnp.zeros(x.shape[:-1] + (m, m), x.dtype).at[..., rows, cols].set(x)
        return jnp.moveaxis(out, (-2, -1), (dim1, dim2))

    return jax.jit(run)


@op(out=False)
def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Matrices (in dims `dim1`, `dim2`) whose `offset` diagonal holds the last dim of
    `input`. Implements `torch.diag_embed`."""
    d1, d2 = input._wrap_dim(dim1, input.dim() + 1), input._wrap_dim(dim2, input.dim() + 1)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    if input.dim() == 0:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got -2)")
    return apply_fn("DiagEmbedBackward0", _diag_embed_fn(int(offset), d1, d2), (input,), input.dtype)


@_jit
def _diagonal_fn(offset):
    return jax.jit(lambda x: jnp.diagonal(x, offset))


@op()
def diag(input, diagonal=0):
    """The matrix with `input` (1-D) on a diagonal, or the diagonal of a matrix (2-D).
    Implements `torch.diag`."""
    if input.dim() == 1:
        return apply_fn("DiagEmbedBackward0", _diag_embed_fn(int(diagonal), 0, 1), (input,), input.dtype)
    if input.dim() != 2:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.dim()}D")
    return apply_fn("DiagonalBackward0_copy", _diagonal_fn(int(diagonal)), (input,), input.dtype)


@op(out=False)
def diagflat(input, offset=0):
    """The matrix with the flattened `input` on the `offset` diagonal. Implements `torch.diagflat`."""
    fn = _diag_embed_fn(int(offset), 0, 1)
    return apply_fn("DiagEmbedBackward0", _flat_then(fn), (input,), input.dtype)


@_jit
def _flat_then(fn):
    return jax.jit(lambda x: fn(x.reshape(-1)))


@_jit
def _trace_fn(dtype):
    compute = _dtype.float32 if dtype in (_dtype.float16, _dtype.bfloat16) else dtype
    return jax.jit(lambda x: jnp.trace(convert(x, compute)).astype(dtype.np))


@op(out=False)
def trace(input):
    """The sum of the main diagonal of a matrix (integers sum to int64). Implements `torch.trace`."""
    if input.dtype is _dtype.bool:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    if input.dim() != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.dim()}")
    dtype = _dtype.int64 if input.dtype.category == _dtype.INT else input.dtype
    return apply_fn("TraceBackward0", _trace_fn(dtype), (input,), dtype)


# ----------------------------------------------------------------- broadcasting and grids
def _varargs_tensors(tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return list(tensors[0])
    return list(tensors)


@op(method=False, out=False)
def meshgrid(*tensors, indexing=None):
    """Coordinate grids (views) from 0-D/1-D tensors, 'ij' or 'xy' indexed. Implements `torch.meshgrid`."""
    tensors = _varargs_tensors(tensors)
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=3)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        if t.dim() > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    check_same_device(tensors)
    swap = indexing == "xy" and len(tensors) >= 2
    order = [1, 0] + list(range(2, len(tensors))) if swap else list(range(len(tensors)))
    sizes = [tensors[i].numel() for i in order]
    grids = [None] * len(tensors)
    for position, i in enumerate(order):
        shape = [1] * len(tensors)
        shape[position] = sizes[position]
        grids[i] = views.expand(views.reshape(tensors[i], tuple(shape)), tuple(sizes))
    return tuple(grids)


@op(method=False, out=False)
def broadcast_tensors(*tensors):
    """The tensors expanded (as views) to their common broadcast shape. Implements `torch.broadcast_tensors`."""
    tensors = _varargs_tensors(tensors)
    shape = _broadcast(*(t._shape for t in tensors))
    return tuple(t if t._shape == shape else views.expand(t, shape) for t in tensors)


@op(method=False, out=False)
def broadcast_shapes(*shapes):
    """The broadcast of the given shapes (ints or sequences) as a Size. Implements `torch.broadcast_shapes`."""
    shapes = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    ndim = max((len(s) for s in shapes), default=0)
    result = [1] * ndim
    for shape in shapes:
        for size in shape:
            if size < 0:
                raise ValueError("Attempting to broadcast a dimension with negative length!")
    for i, shape in enumerate(shapes):
        for k, size in enumerate(shape):
            d = ndim - len(shape) + k
            if result[d] == 1 or result[d] == size:
                result[d] = size
            elif size != 1:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {size} at {k - len(shape)}! "
                                   f"Mismatching argument at index {i} had {shape}; but expected shape should be "
                                   f"broadcastable to {result}")
    return Size(result)


@_jit
def _cartesian_fn(n):
    def run(*xs):
        grids = jnp.meshgrid(*xs, indexing="ij")
        return jnp.stack([g.reshape(-1) for g in grids], axis=1)

    return jax.jit(run)


@op(method=False, out=False)
def cartesian_prod(*tensors):
    """All combinations of elements of the 1-D tensors, one per row. Implements `torch.cartesian_prod`."""
    tensors = _varargs_tensors(tensors)
    for t in tensors:
        if t.dim() != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t._shape)}")
    if len(tensors) == 1:
        return tensors[0]
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if any(t.dtype is not tensors[0].dtype for t in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    return apply_fn("StackBackward0", _cartesian_fn(len(tensors)), tensors, tensors[0].dtype)


@_jit
def _take_rows_fn():
    return jax.jit(lambda x, index: x[index])


@op(method=False, out=False)
def combinations(input, r=2, with_replacement=False):
    """All length-`r` combinations of the elements of a 1-D tensor, one per row.
    Implements `torch.combinations`."""
    import itertools

    if input.dim() != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input._shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return Tensor._make(jnp.zeros((0,), input.dtype.np), input.dtype, input.device)
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    index = np.array(list(pick(range(input._shape[0]), r)), np.int64).reshape(-1, r)
    return apply_fn("StackBackward0", _take_rows_fn(), (input, _long(index, input.device)), input.dtype)


# ----------------------------------------------------------------- searching and counting
@_jit
def _searchsorted_fn(right, batched, dtype):
    side = "right" if right else "left"

    def run(sequence, values, sorter):
        if sorter is not None:
            sequence = jnp.take_along_axis(sequence, sorter, axis=-1)
        sequence, values = convert(sequence, dtype), convert(values, dtype)
        if not batched:
            return jnp.searchsorted(sequence, values, side=side)
        rows = sequence.reshape(-1, sequence.shape[-1])
        found = jax.vmap(lambda s, v: jnp.searchsorted(s, v, side=side))(rows, values.reshape(rows.shape[0], -1))
        return found.reshape(values.shape)

    return jax.jit(run)


@op(method=False)
def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    """Indices where `input` would be inserted to keep the innermost dim of
    `sorted_sequence` sorted. Implements `torch.searchsorted`."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    if sorted_sequence.dim() == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 "
                           "dimension")
    batched = sorted_sequence.dim() > 1
    if not isinstance(input, Tensor):
        if batched:
            raise RuntimeError("torch.searchsorted(): input value can be a scalar only when boundaries tensor "
                               f"dimension is 1, but we got boundaries tensor dim({sorted_sequence.dim()}) and input "
                               "value's dim(0) numel(1)")
        array = _scalar_value_array(input)
        input = Tensor._make(jnp.asarray(array), _dtype.from_numpy_dtype(array.dtype), sorted_sequence.device)
    if batched and sorted_sequence._shape[:-1] != input._shape[:-1]:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                           "dimensions of boundaries tensor and input value tensor must match, but we got boundaries "
                           f"tensor {list(sorted_sequence._shape)} and input value tensor {list(input._shape)}")
    dtype = _dtype.promote_types(sorted_sequence.dtype, input.dtype)
    out_dtype = _dtype.int32 if out_int32 else _dtype.int64
    fn = _searchsorted_fn(bool(right), batched, dtype)
    arrays = (sorted_sequence._data, input._data, None if sorter is None else sorter._data)
    return Tensor._make(fn(*arrays).astype(out_dtype.np), out_dtype, sorted_sequence.device)


def _scalar_value_array(value):
    """A Python number as a 0-d numpy array of torch's dtype for it."""
    if isinstance(value, bool):
        return np.asarray(value)
    if isinstance(value, int):
        return np.asarray(value, np.int64)
    if isinstance(value, float):
        return np.asarray(value, _dtype.get_default_dtype().np)
    return np.asarray(value)


@op(method=False)
def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The bucket of each element of `input` among the 1-D `boundaries`. Implements `torch.bucketize`."""
    if boundaries.dim() != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.dim()})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


@_jit
def _histc_fn(bins, dtype):
    def run(x, low, high):
        x = x.reshape(-1)
        pos = jnp.minimum(((x - low) * bins / (high - low)).astype(jnp.int64), bins - 1)
        inside = (x >= low) & (x <= high)
        return jnp.zeros(bins, dtype.np).at[jnp.where(inside, pos, bins)].add(1, mode="drop")

    return jax.jit(run)


@op()
def histc(input, bins=100, min=0, max=0):
    """A histogram of `input` with `bins` equal bins over [min, max] (the data range
    when min == max). Implements `torch.histc`."""
    if input.dtype.category != _dtype.FLOAT:
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{type_name(input.dtype)}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    low, high = float(min), float(max)
    if low > high:
        raise RuntimeError("torch.histc: max must be larger than min")
    if low == high and input.numel():
        values = _host_values(input)
        low, high = float(values.min()), float(values.max())
    if low == high:
        low, high = low - 1, high + 1
    if not (math.isfinite(low) and math.isfinite(high)):
        raise RuntimeError(f"torch.histc: range of [{low:g}, {high:g}] is not finite")
    bounds = [jnp.asarray(np.asarray(v, input.dtype.np)) for v in (low, high)]
    return Tensor._make(_histc_fn(int(bins), input.dtype)(input._data, *bounds), input.dtype, input.device)


@_jit
def _bincount_fn(length, dtype):
    def run(x, weights):
        values = jnp.ones(x.shape, dtype.np) if weights is None else convert(weights, dtype)
        return jnp.zeros(length, dtype.np).at[x].add(values)

    return jax.jit(run)


@op(out=False)
def bincount(input, weights=None, minlength=0):
    """How often each non-negative integer occurs in the 1-D `input` (summing `weights`
    if given). Implements `torch.bincount`."""
    if input.dtype.category != _dtype.INT:
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{type_name(input.dtype)}'")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    values = _host(input)
    if input.dim() != 1 or (values < 0).any():
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and (weights.dim() != 1 or weights._shape[0] != input._shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    length = max(int(values.max()) + 1 if values.size else 0, minlength)
    if weights is None or not values.size:
        dtype = _dtype.int64
    else:
        dtype = weights.dtype if weights.dtype in (_dtype.float32, _dtype.float64) else _dtype.float64
    fn = _bincount_fn(length, dtype)
    weights = None if weights is None or not values.size else weights._data
    return Tensor._make(fn(input._data, weights), dtype, input.device)


# ----------------------------------------------------------------- atleast, narrow_copy, splits
def _atleast(n, tensors):
    single = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    items = _varargs_tensors(tensors)
    out = []
    for t in items:
        if t.dim() >= n:
            out.append(t)
        elif t.dim() == 0:
            out.append(views.reshape(t, (1,) * n))
        elif n == 3 and t.dim() == 1:
            out.append(views.unsqueeze(views.unsqueeze(t, 0), -1))
        elif n == 3:
            out.append(views.unsqueeze(t, -1))
        else:
            out.append(views.unsqueeze(t, 0))
    return out[0] if single else tuple(out)


@op(method=False, out=False)
def atleast_1d(*tensors):
    """Each tensor viewed with at least 1 dim. Implements `torch.atleast_1d`."""
    return _atleast(1, tensors)


@op(method=False, out=False)
def atleast_2d(*tensors):
    """Each tensor viewed with at least 2 dims. Implements `torch.atleast_2d`."""
    return _atleast(2, tensors)


@op(method=False, out=False)
def atleast_3d(*tensors):
    """Each tensor viewed with at least 3 dims. Implements `torch.atleast_3d`."""
    return _atleast(3, tensors)


@_jit
def _slice_fn(dim, start, length):
    return jax.jit(lambda x: jax.lax.slice_in_dim(x, start, start + length, axis=dim))


@op()
def narrow_copy(input, dim, start, length):
    """A copy of `input.narrow(dim, start, length)`. Implements `torch.narrow_copy`."""
    view = views.narrow(input, dim, start, length)  # torch's checks and errors
    dim = input._wrap_dim(dim)
    start = int(start)
    start = start + input._shape[dim] if start < 0 else start
    return apply_fn("NarrowCopyBackward0", _slice_fn(dim, start, view._shape[dim]), (input,), input.dtype)


def _split_family(name, input, sections, min_dim, dim):
    if input.dim() < min_dim:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dim} dimension, but got a tensor with "
                           f"{input.dim()} dimensions!")
    if isinstance(sections, int) and (sections == 0 or input._shape[dim] % sections):
        raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of the dimension "
                           f"{input._shape[dim]} is not divisible by the split_size {sections}!")
    return views.tensor_split(input, sections, dim)


@op(out=False)
def hsplit(input, indices_or_sections):
    """Split column-wise (dim 1, or 0 for 1-D) into views. Implements `torch.hsplit`."""
    return _split_family("hsplit", input, indices_or_sections, 1, 0 if input.dim() == 1 else 1)


@op(out=False)
def vsplit(input, indices_or_sections):
    """Split row-wise (dim 0) into views. Implements `torch.vsplit`."""
    return _split_family("vsplit", input, indices_or_sections, 2, 0)


@op(out=False)
def dsplit(input, indices_or_sections):
    """Split depth-wise (dim 2) into views. Implements `torch.dsplit`."""
    return _split_family("dsplit", input, indices_or_sections, 3, 2)
