"""Sorting, unique and searching ops: sort/argsort/msort/topk/kthvalue,
unique/unique_consecutive, searchsorted/bucketize, histc and bincount.

Sorts are stable with torch's order (NaN largest, -0.0 equal to 0.0); ops whose output
shape depends on values read them on the host, then gather on the device so gradients
still flow through `jax.vjp`.
"""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._registry import apply_fn, apply_not_differentiable, convert, op, preserve_layout, type_name
from .._tensor import Tensor
from .reduction import RETURN_TYPES, _select, return_type  # _select: torch's written (not added) gradient
from .shape import _as_1d, _host, _jit, _long


# ----------------------------------------------------------------- sorting
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
        return _select(x, idx, dim), idx.astype(jnp.int64)

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
    return RETURN_TYPES["sort"](preserve_layout(result, input))


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
        values = _select(x, idx, dim)
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
        if values.size == 0:
            return jnp.zeros(values.shape, jnp.int64)
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


_Histogram = return_type("histogram", ("hist", "bin_edges"))


@op(out=False)
def histogram(input, bins=100, *, range=None, weight=None, density=False):
    """(hist, bin_edges): counts (or summed weights) of `input`'s elements in `bins` equal
    bins over `range` (default: the data's), or between the edges of a 1-d `bins` tensor;
    the last bin includes its right edge. Computed on the host, as torch's CPU kernel, in
    the input's dtype. Implements `torch.histogram` (no `out=`)."""
    from .creation import linspace

    if input.dtype not in (_dtype.float32, _dtype.float64):
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{type_name(input.dtype)}'")
    if weight is not None:
        if weight.dtype is not input.dtype:
            raise RuntimeError(f"torch.histogramdd: if weight tensor is provided, input tensor and weight tensor "
                               f"should have the same dtype, but got input({_C_NAMES[input.dtype]}), and "
                               f"weight({_C_NAMES.get(weight.dtype, weight.dtype.name)})")
        if weight._shape != input._shape:
            raise RuntimeError(f"torch.histogramdd: if weight tensor is provided it should have the same shape as "
                               f"the input tensor excluding its innermost dimension, but got input with shape "
                               f"{[input.numel(), 1]} and weight with shape {list(weight._shape)}")
    if isinstance(bins, Tensor):
        if bins.dtype is not input.dtype:
            raise RuntimeError(f"torch.histogramdd: input tensor and bins tensors should have the same dtype, but "
                               f"got input with dtype {_C_NAMES[input.dtype]} and bins for dimension 0 with dtype "
                               f"{_C_NAMES.get(bins.dtype, bins.dtype.name)}")
        if bins.dim() != 1:
            raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but got {bins.dim()} "
                               f"dimensions in the bins tensor for dimension 0")
        if bins.numel() < 2:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins.numel() - 1} for dimension 0")
        edges = _host(bins)
    else:
        if bins <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
        values = _host(input)
        if range is not None:
            low, high = float(range[0]), float(range[1])
        elif values.size:
            low, high = float(values.min()), float(values.max())
        else:
            low, high = 0.0, 1.0
        if not (math.isfinite(low) and math.isfinite(high)):
            raise RuntimeError(f"torch.histogramdd: dimension 0's range [{low:g}, {high:g}] is not finite")
        if low > high:
            raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {low:g} max {high:g} for "
                               f"dimension 0")
        if low == high:
            low, high = low - 0.5, high + 0.5
        edges = _host(linspace(low, high, bins + 1, dtype=input.dtype))
    x = _host(input).reshape(-1)
    w = np.ones_like(x) if weight is None else _host(weight).reshape(-1)
    count = edges.size - 1
    inside = (x >= edges[0]) & (x <= edges[-1])
    position = np.minimum(np.searchsorted(edges, x[inside], side="right") - 1, count - 1)
    hist = np.zeros(count, x.dtype)
    np.add.at(hist, position, w[inside])
    if density:
        hist = hist / hist.sum(dtype=x.dtype)
        hist = hist / np.diff(edges)
    tensors = [t for t in (input, weight, bins) if isinstance(t, Tensor)]
    return _Histogram(apply_not_differentiable("derivative for aten::histogram is not implemented", tensors,
                                               (hist, edges), (input.dtype, input.dtype)))


_C_NAMES = {_dtype.float32: "float", _dtype.float64: "double", _dtype.int64: "long int", _dtype.int32: "int"}


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
