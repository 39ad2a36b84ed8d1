"""Shape ops that return new tensors (copies) or views built from the view ops:
joining, flipping and rolling, repeating, where and clamp, nonzero, triangles and
diagonals, grids and broadcasting, atleast_*, narrow_copy and the split aliases.
Gather/scatter ops live in `scatter.py`, sorting and searching in `sorting.py`, and
the view ops in `views.py`.

Ops whose output shape depends on values (nonzero, repeat_interleave with a tensor)
read those values on the host, as torch does, and then gather on the device so that
gradients still flow through `jax.vjp`.
"""
from __future__ import annotations

import functools
import operator
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._dtype import Promote
from .._registry import (apply_fn, broadcast_shapes as _broadcast, check_same_device, convert, op, pointwise,
                         preserve_layout, type_name)
from .._tensor import Size, Tensor
from . import views
from .reduction import _plus_zero  # sums that are never -0.0, as torch's

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


def _as_1d(x):
    return x.reshape(x.shape or (1,))


@jax.custom_vjp
def gather_flat(x, positions):
    """`x.reshape(-1)[positions]`, whose gradient keeps the sign of a lone -0.0
    contribution, as torch's backwards that write (not add) gradients do."""
    return x.reshape(-1)[positions]


def _gather_flat_fwd(x, positions):
    return gather_flat(x, positions), (jnp.zeros_like(x), positions)


def _gather_flat_bwd(res, g):
    zeros, positions = res
    flat = jnp.full(zeros.size, -0.0, zeros.dtype).at[positions].add(g)  # -0.0 + g == g, even for g = -0.0
    touched = jnp.zeros(zeros.size, bool).at[positions].set(True)
    return jnp.where(touched, flat, jnp.zeros((), zeros.dtype)).reshape(zeros.shape), None


gather_flat.defvjp(_gather_flat_fwd, _gather_flat_bwd)


def _long(values, device) -> Tensor:
    """A host-computed int64 index array as a Tensor (an input of the jitted op)."""
    return Tensor._make(jnp.asarray(np.asarray(values, np.int64)), _dtype.int64, device)


# ----------------------------------------------------------------- joining
@_jit
def _cat_fn(dim, dtype, shapes):
    """Concatenate along `dim` after reshaping input i to shapes[i] (None: keep; "skip":
    leave out, so the input gets a zero gradient)."""

    def run(*xs):
        xs = [convert(x, dtype) if s is None else convert(x, dtype).reshape(s) for x, s in zip(xs, shapes)
              if s != "skip"]
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
    layout = tuple("skip" if i not in kept else None if s == t._shape else s
                   for i, (s, t) in enumerate(zip(shapes, tensors)))
    return apply_fn("CatBackward0", _cat_fn(dim, dtype, layout), tensors, dtype)


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
    dim = tensors[0]._wrap_dim(dim, len(first) + 1)
    for i, t in enumerate(tensors):
        if t._shape != first:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 and "
                               f"{list(t._shape)} at entry {i}")
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


@op(method=False)
def row_stack(tensors):
    """Alias of `vstack`. Implements `torch.row_stack`."""
    return vstack(tensors)


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


@op(out=False, method=False)
def flip(input, dims):
    """Reverse the order of elements along `dims`. Implements `torch.flip`."""
    dims = _unique_dims(input, _dims_arg("flip", dims))
    dims = dims if input.dim() else ()
    return preserve_layout(apply_fn("FlipBackward0", _flip_fn(dims), (input,), input.dtype), input)


def _flip_method(self, *dims, **kwargs):
    """Tensor.flip takes the dims as one sequence, as varargs or as `dims=`."""
    if "dims" in kwargs and not dims:
        dims = kwargs.pop("dims")
    elif not dims:
        raise TypeError('flip() missing 1 required positional arguments: "dims"')
    elif len(dims) == 1 and isinstance(dims[0], (list, tuple, Size)):
        dims = dims[0]
    if kwargs:
        raise TypeError(f"flip() got an unexpected keyword argument '{next(iter(kwargs))}'")
    return flip(self, tuple(dims))


Tensor.flip = _flip_method


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
def _index_select_fn(dim, flat):
    def run(x, index):
        out = jnp.take(x.reshape(-1) if flat else _as_1d(x), index.reshape(-1), axis=0 if flat else dim)
        return out.reshape(()) if x.ndim == 0 and not flat else out

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
    # max wins when max < min, even for a NaN input (whose result stays NaN, x - x being NaN)
    wins = jnp.where(input == input, max, max + (input - input))
    result = jnp.where((input > max) | (max < min), wins, value)
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
    out = _long(positions, input.device)
    out._strides = (1, len(positions))  # torch's nonzero result is column-major
    return out


@op(method=False, out=False)
def nonzero_static(*args, size=None, fill_value=-1):
    """The first `size` rows of nonzero(input), padded with rows of `fill_value` to exactly
    `size` rows. Implements `torch.nonzero_static`."""
    if len(args) != 1:
        raise TypeError(f"nonzero_static() takes from 2 to 1 positional arguments but {len(args)} were given")
    return _nonzero_static(args[0], size, fill_value)


def _nonzero_static_method(self, *args, size=None, fill_value=-1):
    if args:
        raise TypeError(f"nonzero_static() takes from 1 to 0 positional arguments but {len(args)} were given")
    return _nonzero_static(self, size, fill_value)


def _nonzero_static(input, size, fill_value):
    if size is None:
        raise TypeError('nonzero_static() missing 1 required positional arguments: "size"')
    if not isinstance(size, int) and not (hasattr(size, "__index__") and not isinstance(size, float)):
        raise TypeError(f"nonzero_static(): argument 'size' must be int, not {type(size).__name__}")
    size = operator.index(size)
    if size < 0:
        raise RuntimeError("nonzero_static: 'size' must be an non-negative integer")
    values = _host(input)
    found = (np.argwhere(values) if input.dim() else np.zeros((int(values != 0), 0), np.int64))[:size]
    padding = np.full((size - len(found), input.dim()), fill_value, np.int64)
    return _long(np.concatenate([found.astype(np.int64), padding]), input.device)


Tensor.nonzero_static = _nonzero_static_method


@op(out=False)
def argwhere(input):
    """Indices of the non-zero elements as an (n, ndim) tensor. Implements `torch.argwhere`."""
    return nonzero(input)


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
    # torch's sum starts from +0.0, so a diagonal of -0.0 sums to +0.0
    return jax.jit(lambda x: _plus_zero(jnp.trace(convert(x, compute))).astype(dtype.np))


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
    return jax.jit(lambda x, index: gather_flat(x, index))


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
