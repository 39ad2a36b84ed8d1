"""Gather and scatter ops: gather/scatter/scatter_add/scatter_reduce, the index_* family,
index_put, masked_fill/masked_scatter/masked_select, take and take_along_dim.

Index arguments are bounds-checked on the host first, because JAX clamps silently;
masks are read on the host (the result's shape depends on them), then the values are
gathered or scattered on the device so gradients flow through `jax.vjp`.
"""
from __future__ import annotations

import functools
import math
import warnings
from numbers import Number

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._registry import apply_fn, broadcast_shapes as _broadcast, convert, op, type_name
from .._tensor import Tensor
from .shape import _as_1d, _host, _index_select_fn, _jit, _long, gather_flat


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


def _overflows(value, dtype: _dtype.dtype) -> bool:
    """torch's checked Scalar conversion: integers may wrap negatives into uint8; floats
    must fit (NaN never fits an integer type); inf and NaN fit floating types."""
    if isinstance(value, bool) or dtype.category in (_dtype.BOOL, _dtype.COMPLEX):
        return False
    if dtype.category == _dtype.INT:
        info = np.iinfo(dtype.np)
        if isinstance(value, int):
            low = -info.max if dtype is _dtype.uint8 else info.min
            return not low <= value <= info.max
        return math.isnan(value) or not info.min <= value <= info.max
    return math.isfinite(value) and abs(value) > float(jnp.finfo(dtype.np).max)


def _scalar_value(name, value, dtype: _dtype.dtype):
    """A Python number converted to `dtype` as torch's Scalar conversion does (errors on
    overflow and on complex to real)."""
    if isinstance(value, complex) and not dtype.is_complex:
        raise RuntimeError(f"{name}(): Converting complex Scalar to non-complex type is not supported")
    if _overflows(value, dtype):
        raise RuntimeError(f"value cannot be converted to type {_CTYPES.get(dtype.name, _C_NAMES[dtype.name])} "
                           "without overflow")
    return jnp.asarray(np.asarray(value).astype(dtype.np))


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
        _scalar_value(name.rstrip("_"), value.item(), dtype)  # torch converts the value with the same checks
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
    return jax.jit(lambda x, positions: gather_flat(jnp.broadcast_to(x, shape), positions))


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
    _check_flat_index(index, input.numel(), "take(): tried to take from an empty tensor")
    return apply_fn("TakeBackward0", _take_fn(), (input, index), input.dtype)


def _check_flat_index(index, n, empty_error):
    """torch's checks of indices into the flattened elements (n of them) of a tensor."""
    if index.numel():
        if n == 0:
            raise IndexError(empty_error)
        bad = _first_out_of_bounds(_host(index), n, negative=True)
        if bad is not None:
            raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")


@_jit
def _put_fn(accumulate):
    def run(x, index, source):
        flat, idx = x.reshape(-1), index.reshape(-1)
        at = flat.at[jnp.where(idx < 0, idx + flat.shape[0], idx)]
        return (at.add if accumulate else at.set)(source.reshape(-1)).reshape(x.shape)

    return jax.jit(run)


@op(inplace=True, out=False)
def put(input, index, source, accumulate=False):
    """`input` with the elements of `source` written (or added) at the flat positions
    `index` of its row-major order (negatives wrap). Implements `torch.put`."""
    if index.dtype is not _dtype.int64:
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got {type_name(index.dtype)}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got self.dtype = "
                           f"{type_name(input.dtype)} and source.dtype = {type_name(source.dtype)}")
    if index.numel() != source.numel():
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, but got "
                         f"source.numel() = {source.numel()}, index.numel() = {index.numel()}")
    _check_flat_index(index, input.numel(), "put_(): Tried to put elements into an empty tensor")
    return apply_fn("PutBackward0", _put_fn(bool(accumulate)), (input, index, source), input.dtype)


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
