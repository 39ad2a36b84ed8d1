"""Pooling, padding, upsampling, pixel shuffle and fold/unfold (torch.nn.functional).

Each torch kernel is one pure JAX function run through `apply_fn`, so the grad_fn names
match torch's (MaxPool2DWithIndicesBackward0, AvgPool2DBackward0, ReflectionPad2DBackward0,
UpsampleBilinear2DBackward0, Im2ColBackward0, ...) and gradients come from `jax.vjp`.
Index tables, masks, interpolation indices and weights are computed with numpy at trace
time in torch's own arithmetic (float32 for float/half inputs), so boundary decisions
(`floor` of a source index, the windows of a ceil_mode pooling) are the same as torch's.
The 1-d variants run the 2-d kernel on `input.unsqueeze(-2)` (or `-1`) and squeeze the
result, as torch does (their grad_fn is SqueezeBackward1).
"""
from __future__ import annotations

import functools
import itertools
import math
import operator
import warnings

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _dtype
from .._registry import apply_fn, op, type_name
from .._tensor import Tensor
from .conversion import keep_memory_format
from .reduction import _plus_zero

_NS = "torch.nn.functional"
_HALF = (_dtype.float16, _dtype.bfloat16)
_WORDS = {1: "one", 2: "two", 3: "three"}
_HIGHEST = lax.Precision.HIGHEST


# ================================================================ argument helpers
def _is_index(v) -> bool:
    return not isinstance(v, float) and hasattr(v, "__index__")


def _int_seq(value, fn, arg, n):
    """torch's IntArrayRef[n] argument: an int (repeated n times) or a sequence of ints."""
    if isinstance(value, (list, tuple)):
        out = []
        for i, v in enumerate(value):
            if not _is_index(v):
                raise TypeError(f"{fn}(): argument '{arg}' failed to unpack the object at pos {i + 2} with error "
                                f"\"type must be tuple of ints,but got {type(v).__name__}\"")
            out.append(operator.index(v))
        return tuple(out)
    if not _is_index(value):
        raise TypeError(f"{fn}(): argument '{arg}' must be tuple of ints, not {type(value).__name__}")
    return (operator.index(value),) * n


def _expand(values, n, message):
    if len(values) == 1:
        return tuple(values) * n
    if len(values) != n:
        raise RuntimeError(message)
    return tuple(values)


def _check1d(fn, arg, values):
    if len(values) != 1:
        raise RuntimeError(f"{fn}() argument '{arg}' should contain one int (got {len(values)})")


def _check_dim_range(fn, input, low, high):
    if not low <= input.dim() < high:
        raise RuntimeError(f"Expected {low} to {high - 1} dimensions, but got {input.dim()}-dimensional tensor for "
                           f"argument #1 'self' (while checking arguments for {fn})")


def _not_implemented(kernel, dtype):
    return NotImplementedError(f'"{kernel}" not implemented for \'{type_name(dtype)}\'')


def _is_float(dtype) -> bool:
    return dtype.category == _dtype.FLOAT


def _size_str(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _squeeze(t: Tensor, dim: int) -> Tensor:
    """`t.squeeze(dim)` as a view recorded as torch's SqueezeBackward1."""
    from .._views import Reshape
    from .views import make_view

    dim = t._wrap_dim(dim)
    if t._shape[dim] != 1:
        return t
    shape = t._shape[:dim] + t._shape[dim + 1:]
    strides = t.stride()[:dim] + t.stride()[dim + 1:]
    return make_view(t, Reshape(shape), shape, strides, t._offset, "SqueezeBackward1")


def _trunc_div(a, b):
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


# ================================================================ sliding windows
def _windows(x, kernel, stride, padding, dilation, outs, pad_value):
    """(*lead, *spatial) -> (*lead, *outs, K): every window's elements, in torch's scan
    order (row-major over the kernel offsets), padded with `pad_value`."""
    n = len(kernel)
    lead = x.ndim - n
    pads = [(0, 0)] * lead
    for size, k, s, p, d, o in zip(x.shape[lead:], kernel, stride, padding, dilation, outs):
        need = (o - 1) * s + d * (k - 1) + 1
        pads.append((p, max(need - p - size, 0)))
    if any(lo or hi for lo, hi in pads):
        x = jnp.pad(x, pads, constant_values=pad_value)
    slices = []
    for offsets in itertools.product(*[range(k) for k in kernel]):
        index = (Ellipsis,) + tuple(slice(j * d, j * d + (o - 1) * s + 1, s)
                                    for j, d, o, s in zip(offsets, dilation, outs, stride))
        slices.append(x[index])
    return jnp.stack(slices, axis=-1)


# ================================================================ max pooling
def _pool_out_size(size, k, p, s, d, ceil_mode):
    """torch's pooling_output_shape, with its checks."""
    if s == 0:
        raise RuntimeError("stride should not be zero")
    if p < 0:
        raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
    if p > _trunc_div((k - 1) * d + 1, 2):
        raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, kernel_size={k} "
                           f"and dilation={d}")
    out = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


_LABELS = {2: ("H", "W"), 3: ("T", "H", "W")}


def _pool_shape_check(n, input, kernel, stride, padding, dilation, outs, fn_name, check_input_size=False):
    """torch's pool2d_shape_check / pool3d_shape_check."""
    labels = _LABELS[n]
    kernel_, stride_, dil_ = kernel, stride, dilation
    if any(k <= 0 for k in kernel_):
        raise RuntimeError("kernel size should be greater than zero, but got " +
                           " ".join(f"k{c}: {k}" for c, k in zip(labels, kernel_)))
    if any(s <= 0 for s in stride_):
        raise RuntimeError("stride should be greater than zero, but got " +
                           " ".join(f"d{c}: {s}" for c, s in zip(labels, stride_)))
    if any(d <= 0 for d in dil_):
        raise RuntimeError("dilation should be greater than zero, but got " +
                           " ".join(f"dilation{c}: {d}" for c, d in zip(labels, dil_)))
    shape = tuple(input.shape)
    if n == 2:
        ndim = len(shape)
        valid = shape[-3] != 0 and shape[-2] != 0 and shape[-1] != 0
        if not valid:
            raise RuntimeError("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but "
                               f"got:{_size_str(shape)}")
    else:
        for i in range(1, len(shape)):
            if shape[i] <= 0:
                raise RuntimeError(f"{fn_name}: Expected input's non-batch dimensions to have positive length, but "
                                   f"input has a shape of {_size_str(shape)} and non-batch dimension {i} has length "
                                   "zero!")
        if check_input_size and any(size < k for size, k in zip(shape[-3:], kernel)):
            raise RuntimeError(f"input image (T: {shape[-3]} H: {shape[-2]} W: {shape[-1]}) smaller than kernel size "
                               f"(kT: {kernel[0]} kH: {kernel[1]} kW: {kernel[2]})")
    if any(k // 2 < p for k, p in zip(kernel, padding)):
        if n == 2:
            raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got padW = "
                               f"{padding[1]}, padH = {padding[0]}, kW = {kernel[1]}, kH = {kernel[0]}")
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got kT: {kernel[0]} kW: "
                           f"{kernel[2]} kH: {kernel[1]} padT: {padding[0]} padW: {padding[2]} padH: {padding[1]}")
    if any(o < 1 for o in outs):
        planes = shape[-n - 1]
        raise RuntimeError(f"Given input size: ({'x'.join(str(s) for s in (planes,) + shape[-n:])}). Calculated output "
                           f"size: ({'x'.join(str(s) for s in (planes,) + tuple(outs))}). Output size is too small")


def _pool_args(n, name, kernel_size, stride, padding, dilation=None, must="must either be"):
    word = _WORDS[n]
    kernel = _expand(_int_seq(kernel_size, name, "kernel_size", n), n,
                     f"{name}: kernel_size {must} a single int, or a tuple of {word} ints")
    if stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0):
        stride = kernel
    else:
        stride = _expand(_int_seq(stride, name, "stride", n), n,
                         f"{name}: stride {must} omitted, a single int, or a tuple of {word} ints")
    padding = _expand(_int_seq(padding, name, "padding", n), n,
                      f"{name}: padding {must} a single int, or a tuple of {word} ints")
    if dilation is None:
        return kernel, stride, padding
    dilation = _expand(_int_seq(dilation, name, "dilation", n), n,
                       f"{name}: dilation must be either a single int, or a tuple of {word} ints")
    return kernel, stride, padding, dilation


def _select_later(a, b, floating):
    """The reduction behind torch's max kernels as an associative choice between two
    (value, flat index) candidates: NaN beats everything (the later NaN wins), then the
    larger value, then, for equal values, the earlier index."""
    va, ia = a
    vb, ib = b
    later = ib > ia
    if floating:
        na, nb = jnp.isnan(va), jnp.isnan(vb)
        take_b = jnp.where(na | nb, nb & (~na | later), (vb > va) | ((vb == va) & ~later))
    else:
        take_b = (vb > va) | ((vb == va) & ~later)
    return jnp.where(take_b, vb, va), jnp.where(take_b, ib, ia)


_NO_INDEX = np.iinfo(np.int64).max


def _flat_iota(sizes):
    """Each spatial position's flat index (what torch's max indices count)."""
    return np.arange(int(np.prod(sizes)), dtype=np.int64).reshape(sizes)


@functools.lru_cache(maxsize=512)
def _max_pool_fn(sizes, kernel, stride, padding, dilation, outs, with_indices):
    n = len(kernel)

    def pool(x):
        lead = x.ndim - n
        floating = jnp.issubdtype(x.dtype, jnp.floating)
        low = np.array(-np.inf if floating else np.iinfo(x.dtype).min, x.dtype)
        pads = [(0, 0)] * lead
        for size, k, s, p, d, o in zip(sizes, kernel, stride, padding, dilation, outs):
            pads.append((p, max((o - 1) * s + d * (k - 1) + 1 - p - size, 0)))
        iota = jnp.broadcast_to(_flat_iota(sizes), x.shape)
        _, idx = lax.reduce_window((lax.stop_gradient(x), iota), (low, np.array(_NO_INDEX, np.int64)),
                                   lambda a, b: _select_later(a, b, floating), (1,) * lead + kernel,
                                   (1,) * lead + stride, pads, window_dilation=(1,) * lead + dilation)
        flat_idx = idx.reshape(idx.shape[:lead] + (math.prod(outs),))
        flat_x = x.reshape(x.shape[:lead] + (math.prod(sizes),))
        value = jnp.take_along_axis(flat_x, flat_idx, axis=-1).reshape(idx.shape)
        return (value, idx) if with_indices else value

    return jax.jit(pool)


def _max_pool_nd(n, input, kernel_size, stride, padding, dilation, ceil_mode, with_indices):
    """max_pool2d/3d_with_indices: (values, indices) or values."""
    name = f"max_pool{n}d"
    kernel, stride, padding, dilation = _pool_args(n, name, kernel_size, stride, padding, dilation)
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected for input")
    sizes = tuple(input.shape[-n:])
    outs = tuple(_pool_out_size(*args, ceil_mode) for args in zip(sizes, kernel, padding, stride, dilation))
    _pool_shape_check(n, input, kernel, stride, padding, dilation, outs, "max_pool3d_with_indices_out_cpu_template()")
    if input.dtype is _dtype.bool or input.dtype.is_complex:
        raise _not_implemented(name if n == 2 else "max_pool3d_out_frame", input.dtype)
    fn = _max_pool_fn(sizes, kernel, stride, padding, dilation, outs, with_indices)
    grad_name = f"MaxPool{n}DWithIndicesBackward0"
    if with_indices:
        return keep_memory_format(apply_fn(grad_name, fn, (input,), (input.dtype, _dtype.int64), saved=(input,)), input)
    return keep_memory_format(apply_fn(grad_name, fn, (input,), input.dtype, saved=(input,)), input)


def _max_pool1d_impl(input, kernel_size, stride, padding, dilation, ceil_mode, with_indices):
    kernel = _int_seq(kernel_size, "max_pool1d", "kernel_size", 1)
    stride = () if stride is None else _int_seq(stride, "max_pool1d", "stride", 1)
    padding = _int_seq(padding, "max_pool1d", "padding", 1)
    dilation = _int_seq(dilation, "max_pool1d", "dilation", 1)
    if with_indices:
        stride = stride or kernel
        _check_dim_range("max_pool1d", input, 2, 4)
        for arg, values in (("kernel_size", kernel), ("stride", stride), ("padding", padding), ("dilation", dilation)):
            _check1d("max_pool1d", arg, values)
    else:
        shape = tuple(input.shape)
        if not ((input.dim() == 2 and shape[0] != 0 and shape[1] != 0) or
                (input.dim() == 3 and shape[1] != 0 and shape[2] != 0)):
            raise RuntimeError("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                               f"input, but got:{_size_str(shape)}")
        for arg, values, what in (("kernel_size", kernel, "an int, list of ints or tuple of ints"),
                                  ("stride", stride or (0,), "None, an int, list of ints, or tuple of ints"),
                                  ("padding", padding, "an int, list of ints, or tuple of ints"),
                                  ("dilation", dilation, "an int, list of ints or tuple of ints")):
            if len(values) != 1:
                raise RuntimeError(f"max_pool1d() {arg} must be {what} of size 1 but got size {len(values)}")
        stride = stride or kernel
        k, s, p, d = kernel[0], stride[0], padding[0], dilation[0]
        if k <= 0:
            raise RuntimeError(f"max_pool1d() kernel_size must be greater than zero, but got {k}")
        if s <= 0:
            raise RuntimeError(f"max_pool1d() stride must be greater than zero, but got {s}")
        if p < 0:
            raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {p}")
        if p > k // 2:
            raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got padding={p} and "
                               f"kernel_size={k}")
        if d <= 0:
            raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {d}")
        out = _pool_out_size(shape[-1], k, p, s, d, ceil_mode)
        if out <= 0:
            raise RuntimeError(f"max_pool1d() Invalid computed output size: {out}")
        if not _is_float(input.dtype):
            raise _not_implemented("max_pool1d_impl", input.dtype)
    result = _max_pool_nd(2, input.unsqueeze(-2), (1, kernel[0]), (1, stride[0]), (0, padding[0]), (1, dilation[0]),
                          ceil_mode, with_indices)
    if with_indices:
        return _squeeze(result[0], -2), _squeeze(result[1], -2)
    return _squeeze(result, -2)


@op(namespace=_NS, method=False, out=False)
def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """Implements `torch.nn.functional.max_pool1d_with_indices`: (values, indices)."""
    return _max_pool1d_impl(input, kernel_size, stride, padding, dilation, ceil_mode, True)


@op(namespace=_NS, method=False, out=False)
def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Implements `torch.nn.functional.max_pool1d`."""
    return _max_pool1d_impl(input, kernel_size, stride, padding, dilation, ceil_mode, bool(return_indices))


@op(namespace=_NS, method=False, out=False)
def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """Implements `torch.nn.functional.max_pool2d_with_indices`: (values, indices)."""
    return _max_pool_nd(2, input, kernel_size, stride, padding, dilation, ceil_mode, True)


@op(namespace=_NS, method=False, out=False)
def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Implements `torch.nn.functional.max_pool2d`."""
    return _max_pool_nd(2, input, kernel_size, stride, padding, dilation, ceil_mode, bool(return_indices))


@op(namespace=_NS, method=False, out=False)
def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """Implements `torch.nn.functional.max_pool3d_with_indices`: (values, indices)."""
    return _max_pool_nd(3, input, kernel_size, stride, padding, dilation, ceil_mode, True)


@op(namespace=_NS, method=False, out=False)
def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Implements `torch.nn.functional.max_pool3d`."""
    return _max_pool_nd(3, input, kernel_size, stride, padding, dilation, ceil_mode, bool(return_indices))


# torch.max_pool1d/2d/3d and torch.max_pool1d_with_indices (no return_indices argument)
@op(name="max_pool1d", namespace="torch", method=False, out=False)
def _torch_max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _max_pool1d_impl(input, kernel_size, stride or None, padding, dilation, ceil_mode, False)


@op(name="max_pool1d_with_indices", namespace="torch", method=False, out=False)
def _torch_max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _max_pool1d_impl(input, kernel_size, stride or None, padding, dilation, ceil_mode, True)


@op(name="max_pool2d", namespace="torch", method=False, out=False)
def _torch_max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _max_pool_nd(2, input, kernel_size, stride or None, padding, dilation, ceil_mode, False)


@op(name="max_pool3d", namespace="torch", method=False, out=False)
def _torch_max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _max_pool_nd(3, input, kernel_size, stride or None, padding, dilation, ceil_mode, False)


# ================================================================ max unpooling
def _unpool_output_size(input, kernel, stride, padding, output_size):
    sizes = tuple(input.shape)
    n = len(kernel)
    default = [(sizes[-n + d] - 1) * stride[d] + kernel[d] - 2 * padding[d] for d in range(n)]
    if output_size is None:
        result = default
    else:
        output_size = list(output_size)
        if len(output_size) == n + 2:
            output_size = output_size[2:]
        if len(output_size) != n:
            raise ValueError(f"output_size should be a sequence containing {n} or {n + 2} elements, but it has a "
                             f"length of '{len(output_size)}'")
        for d in range(n):
            low, high = default[d] - stride[d], default[d] + stride[d]
            if not low < output_size[d] < high:
                raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between {low} and {high})')
        result = output_size
    for d in range(n):
        if result[d] < 0:
            raise ValueError(f"max_unpooling: output_size must contain non-negative spatial dimensions, but got "
                             f"output_size[{d}]={result[d]}")
    return [int(s) for s in result]


@functools.lru_cache(maxsize=256)
def _unpool_fn(n, out_sizes):
    total = int(np.prod(out_sizes))

    @jax.custom_vjp
    def scatter(xf, idf):
        rows = jnp.arange(xf.shape[0])[:, None]
        return jnp.zeros((xf.shape[0], total), xf.dtype).at[rows, idf].set(xf, mode="drop")

    def scatter_fwd(xf, idf):
        return scatter(xf, idf), idf

    def scatter_bwd(idf, g):
        # torch's backward gathers the gradient at every index, also at repeated ones
        return jnp.take_along_axis(g, idf, axis=1), np.zeros(idf.shape, jax.dtypes.float0)

    scatter.defvjp(scatter_fwd, scatter_bwd)

    def unpool(x, idx):
        lead = x.shape[:-n]
        rows = int(np.prod(lead)) if lead else 1
        count = math.prod(x.shape[len(lead):])
        out = scatter(x.reshape(rows, count), idx.reshape(rows, count))
        return out.reshape(lead + tuple(out_sizes))

    return jax.jit(unpool)


def _max_unpool_nd(n, input, indices, out_sizes):
    if indices.dtype is not _dtype.int64:
        raise RuntimeError(f"elements in indices should be type int64 but got: {type_name(indices.dtype)}")
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"Input to max_unpooling{n}d should be a {n + 1}d or {n + 2}d Tensor, but got a tensor "
                           f"with {input.dim()} dimensions.")
    if tuple(input.shape) != tuple(indices.shape):
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({_size_str(input.shape)}) but got indices tensor with shape: {_size_str(indices.shape)}")
    for i in range(1, input.dim()):
        if input.shape[i] <= 0:
            raise RuntimeError(f"max_unpooling{n}d_forward_out_cpu(): Expected input to have non-zero size for "
                               f"non-batch dimensions, but got {_size_str(input.shape)} with dimension {i} being "
                               "empty.")
    if not _is_float(input.dtype):
        raise _not_implemented(f"max_unpool{n}d", input.dtype)
    total = int(np.prod(out_sizes))
    flat = np.asarray(indices._data).reshape(-1)
    bad = np.nonzero((flat < 0) | (flat >= total))[0]
    if bad.size:
        raise RuntimeError(f"Found an invalid max index: {int(flat[bad[0]])} (output volumes are of size "
                           f"{'x'.join(str(s) for s in out_sizes)}")
    fn = _unpool_fn(n, tuple(out_sizes))
    return apply_fn(f"MaxUnpool{n}DBackward0", fn, (input, indices), input.dtype, saved=(indices,))


@op(namespace=_NS, method=False, out=False)
def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Implements `torch.nn.functional.max_unpool1d`."""
    kernel = _int_seq(kernel_size, "max_unpool1d", "kernel_size", 1)[:1]
    stride = kernel if stride is None else _int_seq(stride, "max_unpool1d", "stride", 1)[:1]
    padding = _int_seq(padding, "max_unpool1d", "padding", 1)[:1]
    out_sizes = _unpool_output_size(input, kernel, stride, padding, output_size) + [1]
    return _squeeze(_max_unpool_nd(2, input.unsqueeze(-1), indices.unsqueeze(-1), out_sizes), -1)


@op(namespace=_NS, method=False, out=False)
def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Implements `torch.nn.functional.max_unpool2d`."""
    kernel = _expand(_int_seq(kernel_size, "max_unpool2d", "kernel_size", 2), 2, "kernel_size must have 2 values")
    stride = kernel if stride is None else _expand(_int_seq(stride, "max_unpool2d", "stride", 2), 2,
                                                   "stride must have 2 values")
    padding = _expand(_int_seq(padding, "max_unpool2d", "padding", 2), 2, "padding must have 2 values")
    out_sizes = _unpool_output_size(input, kernel, stride, padding, output_size)
    return _max_unpool_nd(2, input, indices, out_sizes)


@op(namespace=_NS, method=False, out=False)
def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Implements `torch.nn.functional.max_unpool3d`."""
    kernel = _expand(_int_seq(kernel_size, "max_unpool3d", "kernel_size", 3), 3, "kernel_size must have 3 values")
    stride = kernel if stride is None else _expand(_int_seq(stride, "max_unpool3d", "stride", 3), 3,
                                                   "stride must have 3 values")
    padding = _expand(_int_seq(padding, "max_unpool3d", "padding", 3), 3, "padding must have 3 values")
    out_sizes = _unpool_output_size(input, kernel, stride, padding, output_size)
    if input.dim() in (4, 5) and any(s <= 0 for s in stride):
        raise RuntimeError(f"strides should be greater than zero, but got stride: {list(stride)}")
    return _max_unpool_nd(3, input, indices, out_sizes)


# ================================================================ average pooling
def _avg_divisor(sizes, kernel, stride, padding, outs, count_include_pad, divisor_override):
    if divisor_override is not None:
        return np.full(outs, divisor_override, np.int64)
    total = np.ones((), np.int64)
    n = len(sizes)
    for i, (size, k, s, p, o) in enumerate(zip(sizes, kernel, stride, padding, outs)):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, size + p)
        if count_include_pad:
            length = end - start
        else:
            length = np.minimum(end, size) - np.maximum(start, 0)
        shape = [1] * n
        shape[i] = o
        total = total * length.reshape(shape)
    return np.broadcast_to(total, outs)


@functools.lru_cache(maxsize=512)
def _avg_pool_fn(sizes, kernel, stride, padding, outs, count_include_pad, divisor_override):
    n = len(kernel)
    divisor = _avg_divisor(sizes, kernel, stride, padding, outs, count_include_pad, divisor_override)

    def pool(x):
        lead = x.ndim - n
        compute = jnp.float32 if x.dtype in (jnp.float16, jnp.bfloat16) else x.dtype
        xs = x.astype(compute)
        pads = [(0, 0)] * lead
        for size, k, s, p, o in zip(sizes, kernel, stride, padding, outs):
            pads.append((p, max((o - 1) * s + k - p - size, 0)))
        summed = _plus_zero(lax.reduce_window(xs, np.zeros((), compute), lax.add, (1,) * lead + kernel,
                                              (1,) * lead + stride, pads))
        div = jnp.broadcast_to(jnp.asarray(divisor, compute), summed.shape)
        out = lax.div(summed, div) if jnp.issubdtype(compute, jnp.integer) else summed / div
        return out.astype(x.dtype)

    return jax.jit(pool)


def _avg_pool_nd(n, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    name = f"avg_pool{n}d"
    if n == 2:
        kernel, stride, padding = _pool_args(2, name, kernel_size, stride, padding)
    else:
        kernel, stride, padding = _pool_args(3, name, kernel_size, stride, padding, must="must be")
        if input.dim() not in (4, 5):
            raise RuntimeError("non-empty 4D or 5D (batch mode) tensor expected for input")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    if input.dim() < n + 1:
        d = input.dim()
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(d, 1)}, {max(d, 1) - 1}], but "
                         f"got {-n - 1})")
    sizes = tuple(input.shape[-n:])
    outs = tuple(_pool_out_size(size, k, p, s, 1, ceil_mode)
                 for size, k, p, s in zip(sizes, kernel, padding, stride))
    if n == 2 and input.dim() not in (3, 4):
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:"
                           f"{_size_str(input.shape)}")
    _pool_shape_check(n, input, kernel, stride, padding, (1,) * n, outs, "avg_pool3d()", check_input_size=n == 3)
    dtype = input.dtype
    if not (_is_float(dtype) or dtype is _dtype.int64) or (n == 3 and dtype in _HALF):
        raise _not_implemented(name if n == 2 else "avg_pool3d_out_frame", dtype)
    fn = _avg_pool_fn(sizes, kernel, stride, padding, outs, bool(count_include_pad),
                      None if divisor_override is None else int(divisor_override))
    out = apply_fn(f"AvgPool{n}DBackward0", fn, (input,), dtype)
    return keep_memory_format(out, input) if n == 2 else out  # (torch's avg_pool3d gives row-major results)


@op(namespace=_NS, method=False, out=False)
def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """Implements `torch.nn.functional.avg_pool1d`."""
    kernel = _int_seq(kernel_size, "avg_pool1d", "kernel_size", 1)
    stride = kernel if stride is None or stride == () or stride == [] else _int_seq(stride, "avg_pool1d", "stride", 1)
    padding = _int_seq(padding, "avg_pool1d", "padding", 1)
    _check_dim_range("avg_pool1d", input, 2, 4)
    for arg, values in (("kernel_size", kernel), ("stride", stride), ("padding", padding)):
        _check1d("avg_pool1d", arg, values)
    out = _avg_pool_nd(2, input.unsqueeze(-2), (1, kernel[0]), (1, stride[0]), (0, padding[0]), ceil_mode,
                       count_include_pad, None)
    return _squeeze(out, -2)


@op(namespace=_NS, method=False, out=False)
def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Implements `torch.nn.functional.avg_pool2d`."""
    return _avg_pool_nd(2, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


@op(namespace=_NS, method=False, out=False)
def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Implements `torch.nn.functional.avg_pool3d`."""
    return _avg_pool_nd(3, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


@op(name="avg_pool1d", namespace="torch", method=False, out=False)
def _torch_avg_pool1d(input, kernel_size, stride=(), padding=0, ceil_mode=False, count_include_pad=True):
    return avg_pool1d(input, kernel_size, stride or None, padding, ceil_mode, count_include_pad)


# ================================================================ adaptive pooling
def _adaptive_bounds(in_size, out_size):
    i = np.arange(out_size)
    start = (i * in_size) // out_size
    end = ((i + 1) * in_size + out_size - 1) // out_size
    return start, end


def _output_size_list(output_size, input, n):
    """F.adaptive_*_pool{2,3}d's `_list_with_default`: None entries take the input's size."""
    if _is_index(output_size):
        return (operator.index(output_size),) * n
    output_size = list(output_size)
    sizes = tuple(input.shape)
    if len(sizes) <= len(output_size):
        raise ValueError(f"Input dimension should be at least {len(output_size) + 1}")
    return tuple(sizes[-len(output_size) + i] if v is None else v for i, v in enumerate(output_size))


def _adaptive_taps(in_size, out_size):
    """Each adaptive window along one dim as (indices, mask), (out, longest window)."""
    start, end = _adaptive_bounds(in_size, out_size)
    length = int((end - start).max()) if out_size else 1
    pos = start[:, None] + np.arange(length)[None, :]
    return np.minimum(pos, in_size - 1), pos < end[:, None], start, end


@functools.lru_cache(maxsize=256)
def _adaptive_avg_fn(sizes, outs):
    n = len(sizes)
    counts = np.ones((), np.float64)
    taps = []
    for i, (size, o) in enumerate(zip(sizes, outs)):
        index, mask, start, end = _adaptive_taps(size, o)
        taps.append((index, mask))
        shape = [1] * n
        shape[i] = o
        counts = counts * (end - start).reshape(shape)
    counts = np.broadcast_to(counts, outs)

    def pool(x):
        lead = x.ndim - n
        compute = jnp.float32 if x.dtype in (jnp.float16, jnp.bfloat16) else x.dtype
        y = x.astype(compute)
        for i in reversed(range(n)):
            y = _along_axis(y, lead + i, taps[i][0], None, taps[i][1])
        return (_plus_zero(y) / jnp.asarray(counts, compute)).astype(x.dtype)

    return jax.jit(pool)


def _adaptive_avg_nd(n, input, outs):
    name = f"adaptive_avg_pool{n}d"
    if len(outs) != n:
        raise RuntimeError(f"{name}: output_size must be {n}")
    if any(o < 0 for o in outs):
        raise RuntimeError(f"{name}: elements of output_size must be greater than or equal to 0 but received "
                           "{" + ", ".join(str(o) for o in outs) + "}")
    if all(o == 1 for o in outs):
        from .reduction import mean

        return keep_memory_format(mean(input, tuple(range(-1, -n - 1, -1)), keepdim=True), input)
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"{name}(): Expected {n + 1}D or {n + 2}D tensor, but got {_size_str(input.shape)}")
    for i in range(-n, 0) if n == 2 else range(1, input.dim()):
        if input.shape[i] <= 0:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch dimensions, but input "
                               f"has sizes {_size_str(input.shape)} with dimension {i % input.dim()} being empty")
    if not _is_float(input.dtype):
        raise _not_implemented(name if n == 2 else "adaptive_avg_pool3d_cpu", input.dtype)
    fn = _adaptive_avg_fn(tuple(input.shape[-n:]), outs)
    out = apply_fn(f"AdaptiveAvgPool{n}DBackward0", fn, (input,), input.dtype)
    return keep_memory_format(out, input) if n == 2 else out  # (torch's 3-d one gives row-major results)


@op(namespace=_NS, method=False, out=False)
def adaptive_avg_pool1d(input, output_size):
    """Implements `torch.nn.functional.adaptive_avg_pool1d`."""
    outs = _int_seq(output_size, "adaptive_avg_pool1d", "output_size", 1)
    _check_dim_range("adaptive_avg_pool1d", input, 2, 4)
    _check1d("adaptive_avg_pool1d", "output_size", outs)
    return _squeeze(_adaptive_avg_nd(2, input.unsqueeze(-2), (1, outs[0])), -2)


@op(namespace=_NS, method=False, out=False)
def adaptive_avg_pool2d(input, output_size):
    """Implements `torch.nn.functional.adaptive_avg_pool2d`."""
    return _adaptive_avg_nd(2, input, _output_size_list(output_size, input, 2))


@op(namespace=_NS, method=False, out=False)
def adaptive_avg_pool3d(input, output_size):
    """Implements `torch.nn.functional.adaptive_avg_pool3d`."""
    return _adaptive_avg_nd(3, input, _output_size_list(output_size, input, 3))


@op(name="adaptive_avg_pool1d", namespace="torch", method=False, out=False)
def _torch_adaptive_avg_pool1d(input, output_size):
    return adaptive_avg_pool1d(input, output_size)


@functools.lru_cache(maxsize=256)
def _adaptive_max_fn(sizes, outs):
    n = len(sizes)
    taps = [_adaptive_taps(size, o)[:2] for size, o in zip(sizes, outs)]

    def pool(x):
        lead = x.ndim - n
        floating = jnp.issubdtype(x.dtype, jnp.floating)
        low = jnp.asarray(-jnp.inf if floating else jnp.iinfo(x.dtype).min, x.dtype)
        values = lax.stop_gradient(x)
        index = jnp.broadcast_to(_flat_iota(sizes), x.shape)
        # the (value, flat index) order of _select_later is total, so the window's choice can
        # be reduced one dim at a time
        for i in reversed(range(n)):
            axis = lead + i
            table, mask = taps[i]
            best = None
            for t in range(table.shape[1]):
                v = jnp.take(values, jnp.asarray(table[:, t]), axis=axis)
                j = jnp.take(index, jnp.asarray(table[:, t]), axis=axis)
                if not mask[:, t].all():
                    keep = _bcast(mask[:, t], axis, x.ndim)
                    v, j = jnp.where(keep, v, low), jnp.where(keep, j, _NO_INDEX)
                best = (v, j) if best is None else _select_later(best, (v, j), floating)
            values, index = best
        flat_index = index.reshape(index.shape[:lead] + (math.prod(outs),))
        flat_x = x.reshape(x.shape[:lead] + (math.prod(sizes),))
        value = jnp.take_along_axis(flat_x, flat_index, axis=-1).reshape(index.shape)
        return value, index

    return jax.jit(pool)


def _adaptive_max_nd(n, input, outs):
    name = f"adaptive_max_pool{n}d"
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"{name}(): Expected {n + 1}D or {n + 2}D tensor, but got: {_size_str(input.shape)}")
    for i in range(1, input.dim()):
        if input.shape[i] <= 0:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch dimensions, but input "
                               f"has sizes {_size_str(input.shape)} with dimension {i} being empty")
    if len(outs) != n:
        raise RuntimeError(f"{name}(): internal error: output_size.size() must be {n}")
    if any(o < 0 for o in outs):
        raise RuntimeError(f"{name}(): elements of output_size must be greater than or equal to 0")
    if not _is_float(input.dtype):
        raise _not_implemented(name, input.dtype)
    fn = _adaptive_max_fn(tuple(input.shape[-n:]), outs)
    out = apply_fn(f"AdaptiveMaxPool{n}DBackward0", fn, (input,), (input.dtype, _dtype.int64), saved=(input,))
    return keep_memory_format(out, input) if n == 2 else out  # (torch's 3-d one gives row-major results)


def _adaptive_max1d(input, output_size):
    outs = _int_seq(output_size, "adaptive_max_pool1d", "output_size", 1)
    _check_dim_range("adaptive_max_pool1d", input, 2, 4)
    _check1d("adaptive_max_pool1d", "output_size", outs)
    values, indices = _adaptive_max_nd(2, input.unsqueeze(-2), (1, outs[0]))
    return _squeeze(values, -2), _squeeze(indices, -2)


@op(namespace=_NS, method=False, out=False)
def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    """Implements `torch.nn.functional.adaptive_max_pool1d_with_indices`."""
    return _adaptive_max1d(input, output_size)


@op(namespace=_NS, method=False, out=False)
def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Implements `torch.nn.functional.adaptive_max_pool1d`."""
    result = _adaptive_max1d(input, output_size)
    return result if return_indices else result[0]


@op(namespace=_NS, method=False, out=False)
def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    """Implements `torch.nn.functional.adaptive_max_pool2d_with_indices`."""
    return _adaptive_max_nd(2, input, _output_size_list(output_size, input, 2))


@op(namespace=_NS, method=False, out=False)
def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Implements `torch.nn.functional.adaptive_max_pool2d`."""
    result = _adaptive_max_nd(2, input, _output_size_list(output_size, input, 2))
    return result if return_indices else result[0]


@op(namespace=_NS, method=False, out=False)
def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    """Implements `torch.nn.functional.adaptive_max_pool3d_with_indices`."""
    return _adaptive_max_nd(3, input, _output_size_list(output_size, input, 3))


@op(namespace=_NS, method=False, out=False)
def adaptive_max_pool3d(input, output_size, return_indices=False):
    """Implements `torch.nn.functional.adaptive_max_pool3d`."""
    result = _adaptive_max_nd(3, input, _output_size_list(output_size, input, 3))
    return result if return_indices else result[0]


@op(name="adaptive_max_pool1d", namespace="torch", method=False, out=False)
def _torch_adaptive_max_pool1d(input, output_size):
    return _adaptive_max1d(input, output_size)


# ================================================================ power-average pooling
def _lp_pool(n, input, norm_type, kernel_size, stride, ceil_mode):
    pools = {1: (max_pool1d, avg_pool1d), 2: (max_pool2d, avg_pool2d), 3: (max_pool3d, avg_pool3d)}[n]
    if isinstance(norm_type, (int, float)):
        if norm_type == float("inf"):
            return pools[0](input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        if norm_type == -float("inf"):
            return -pools[0](-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    scale = kernel_size if n == 1 else math.prod(_int_seq(kernel_size, f"lp_pool{n}d", "kernel_size", n))
    if stride is not None:
        out = pools[1](input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    else:
        out = pools[1](input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    # torch: (sign(out) * relu(abs(out))).mul(kernel numel).pow(1 / norm_type)
    signed = apply_fn("MulBackward0", _signed_relu_fn, (out,), out.dtype)
    return signed.mul(scale).pow(1.0 / norm_type)


@jax.jit
def _signed_relu_fn(x):
    return jnp.sign(x) * jnp.maximum(jnp.abs(x), jnp.zeros((), x.dtype))


@op(namespace=_NS, method=False, out=False)
def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Implements `torch.nn.functional.lp_pool1d`."""
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


@op(namespace=_NS, method=False, out=False)
def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Implements `torch.nn.functional.lp_pool2d`."""
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


@op(namespace=_NS, method=False, out=False)
def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Implements `torch.nn.functional.lp_pool3d`."""
    return _lp_pool(3, input, norm_type, kernel_size, stride, ceil_mode)


# ================================================================ padding
_NON_CONSTANT_MODES = ("reflect", "replicate", "circular")


def _pad_ints(pad):
    if not isinstance(pad, (list, tuple)):
        raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, not {type(pad).__name__}")
    out = []
    for i, v in enumerate(pad):
        if not _is_index(v):
            raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, but found element of type "
                            f"{type(v).__name__} at pos {i}")
        out.append(operator.index(v))
    return tuple(out)


@functools.lru_cache(maxsize=512)
def _constant_pad_fn(config, value, dtype_name):
    def pad_(x):
        fill = np.asarray(value).astype(x.dtype) if not jnp.iscomplexobj(x) else np.asarray(value, x.dtype)
        return lax.pad(x, jnp.asarray(fill, x.dtype), config)

    return jax.jit(pad_)


def _constant_pad(input, pads, value):
    if len(pads) % 2:
        raise RuntimeError(f"Length of pad must be even but instead it equals {len(pads)}")
    ndim = input.dim()
    if len(pads) // 2 > ndim:
        raise RuntimeError(f"Length of pad should be no more than twice the number of dimensions of the input. Pad "
                           f"length is {len(pads)}while the input has {ndim}dimensions.")
    config = [(0, 0, 0)] * ndim
    for i in range(len(pads) // 2):
        dim = ndim - 1 - i
        lo, hi = pads[2 * i], pads[2 * i + 1]
        size = input.shape[dim]
        if lo < 0:
            if size + lo < 0:
                raise RuntimeError("narrow(): length must be non-negative.")
            size += lo
        if hi < 0 and size + hi < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
        config[dim] = (lo, hi, 0)
    if value is None:
        value = 0
    if isinstance(value, Tensor):
        value = value.item()
    if input.dtype is _dtype.bool:
        value = bool(value)
    elif input.dtype.category == _dtype.INT and isinstance(value, float) and math.isfinite(value):
        value = int(value)
    fn = _constant_pad_fn(tuple(config), value, input.dtype.name)
    return apply_fn("ConstantPadNdBackward0", fn, (input,), input.dtype)


def _reflect_index(size, lo, hi):
    out = size + lo + hi
    o_start, i_start = max(0, lo), max(0, -lo)
    j = np.arange(out)
    ip = np.where(j < lo, 2 * lo - j, np.where(j < size + lo, j, (size + lo - 1) * 2 - j))
    return ip - o_start + i_start


def _replicate_index(size, lo, hi):
    out = size + lo + hi
    o_start, i_start = max(0, lo), max(0, -lo)
    j = np.arange(out)
    ip = np.where(j < lo, lo, np.where(j < size + lo, j, size + lo - 1))
    return ip - o_start + i_start


def _circular_index(size, lo, hi):
    out = size + lo + hi
    kept = size - max(-lo, 0) - max(-hi, 0)
    j = np.arange(out)
    return max(-lo, 0) + (j - max(lo, 0)) % max(kept, 1)


@functools.lru_cache(maxsize=512)
def _gather_pad_fn(tables):
    def pad_(x):
        for axis, table in tables:
            x = jnp.take(x, jnp.asarray(np.asarray(table, np.int64)), axis=axis)
        return x

    return jax.jit(pad_)


def _check_valid_input(input, n):
    ndim = input.dim()
    shape = tuple(input.shape)
    if ndim == n + 2:
        ok = all(s != 0 for s in shape[1:])
    else:
        ok = ndim == n + 1 and all(s != 0 for s in shape)
    if not ok:
        raise RuntimeError(f"Expected {n + 1}D or {n + 2}D (batch mode) tensor with possibly 0 batch size and other "
                           f"non-zero dimensions for input, but got: {_size_str(shape)}")


def _mode_pad(input, pads, mode):
    n = len(pads) // 2
    ndim = input.dim()
    shape = tuple(input.shape)
    if mode == "circular":
        outs = []
        for i in range(n):
            dim = ndim - n + i
            lo, hi = pads[2 * (n - i - 1)], pads[2 * (n - i - 1) + 1]
            size = shape[dim]
            if lo > size or hi > size:
                raise RuntimeError("Padding value causes wrapping around more than once.")
            if size + lo + hi < 0:
                raise RuntimeError("Negative padding value is resulting in an empty dimension")
        make, grad_name = _circular_index, "CopySlices"
    else:
        _check_valid_input(input, n)
        if input.dtype is _dtype.bool:
            kernel = ("reflection_pad" if mode == "reflect" else "replication_pad") + f"{n}d"
            raise _not_implemented(kernel, input.dtype)
        labels = ("W", "H", "D")
        if mode == "reflect":
            for i in range(n):
                dim = ndim - 1 - i
                lo, hi = pads[2 * i], pads[2 * i + 1]
                if not (lo < shape[dim] and hi < shape[dim]):
                    raise RuntimeError(f"Argument #{4 + 2 * i}: Padding size should be less than the corresponding "
                                       f"input dimension, but got: padding ({lo}, {hi}) at dimension {dim} of input "
                                       f"{_size_str(shape)}")
        outs = [shape[ndim - 1 - i] + pads[2 * i] + pads[2 * i + 1] for i in range(n)]
        if (outs[0] < 1) if n == 1 else all(o < 1 for o in outs):
            ins = ", ".join(f"{labels[i]}: {shape[ndim - 1 - i]}" for i in reversed(range(n)))
            res = " ".join(f"{labels[i]}: {outs[i]}" for i in reversed(range(n)))
            raise RuntimeError(f"input ({ins}) is too small. Calculated output {res}")
        if any(o < 0 for o in outs):
            shape_out = list(shape[:ndim - n]) + [outs[i] for i in reversed(range(n))]
            raise RuntimeError(f"Trying to create tensor with negative dimension {min(outs)}: {shape_out}")
        make = _reflect_index if mode == "reflect" else _replicate_index
        grad_name = ("ReflectionPad" if mode == "reflect" else "ReplicationPad") + f"{n}DBackward0"
    tables = tuple((ndim - 1 - i, tuple(make(shape[ndim - 1 - i], pads[2 * i], pads[2 * i + 1]).tolist()))
                   for i in range(n))
    return apply_fn(grad_name, _gather_pad_fn(tables), (input,), input.dtype)


@op(namespace=_NS, method=False, out=False)
def pad(input, pad, mode="constant", value=None):
    """Implements `torch.nn.functional.pad` (constant, reflect, replicate, circular)."""
    pads = _pad_ints(pad)
    if mode not in ("constant",) + _NON_CONSTANT_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    ndim = input.dim()
    if len(pads) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pads) > ndim * 2:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pads)} and input of dimension {ndim}")
    if mode == "constant":
        return _constant_pad(input, pads, 0.0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    n = len(pads) // 2
    if not (1 <= n <= 3 and ndim in (n + 1, n + 2)):
        raise NotImplementedError(
            f"Padding size {len(pads)} is not supported for {ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    return _mode_pad(input, pads, mode)


@op(namespace="torch", method=False, out=False)
def constant_pad_nd(input, pad, value=0):
    """Implements `torch.constant_pad_nd`."""
    return _constant_pad(input, _pad_ints(pad), value)


# ================================================================ interpolation
def _opmath_np(dtype):
    return np.float64 if dtype is _dtype.float64 else np.float32


def _scale_value(scale, in_size, out_size, t):
    """torch's compute_scales_value<T>."""
    if scale is not None and scale > 0:
        return t(1.0 / scale)
    return t(in_size) / t(out_size)


def _area_scale(in_size, out_size, align_corners, scale, t):
    """torch's area_pixel_compute_scale<T>."""
    if align_corners:
        return t(in_size - 1) / t(out_size - 1) if out_size > 1 else t(0)
    return _scale_value(scale, in_size, out_size, t)


def _source_index(scale, dst, align_corners, cubic, t):
    """torch's area_pixel_compute_source_index<T> over an array of output indices."""
    dst = dst.astype(t)
    if align_corners:
        return (scale * dst).astype(t)
    # torch's compiled kernel fuses this multiply-subtract (one rounding): emulated in float64
    src = (np.float64(scale) * (dst + t(0.5)).astype(np.float64) - 0.5).astype(t)
    return src if cubic else np.where(src < 0, t(0), src).astype(t)


def _guard(real, in_size, t):
    """torch's guard_index_and_lambda: (floor index, lambda in [0, 1])."""
    index = np.minimum(np.floor(real.astype(np.float32)).astype(np.int64), in_size - 1)
    lam = np.minimum(np.maximum(real - index.astype(t), t(0)), t(1)).astype(t)
    return index, lam


def _nearest_table(in_size, out_size, scale, exact, t):
    scale_ = _area_scale(in_size, out_size, False, scale, t)
    dst = np.arange(out_size)
    if exact:
        real = _source_index(scale_, dst, False, False, t)
        index = np.floor((real + t(0.5)).astype(np.float32)).astype(np.int64)
    else:
        real = _source_index(scale_, dst, True, False, t)
        index = np.floor(real.astype(np.float32)).astype(np.int64)
    return np.minimum(index, in_size - 1)


def _linear_table(in_size, out_size, align_corners, scale, t):
    dst = np.arange(out_size)
    if out_size == in_size:
        return dst, dst, np.ones(out_size, t), np.zeros(out_size, t)
    ratio = _area_scale(in_size, out_size, align_corners, scale, t)
    real = _source_index(ratio, dst, align_corners, False, t)
    i0, l1 = _guard(real, in_size, t)
    i1 = i0 + (i0 < in_size - 1)
    return i0, i1, (t(1) - l1).astype(t), l1


def _cubic_coefficients(x, a):
    def conv1(v):
        return ((a + 2) * v - (a + 3)) * v * v + 1

    def conv2(v):
        return ((a * v - 5 * a) * v + 8 * a) * v - 4 * a

    return [conv2(x + 1), conv1(x), conv1(1 - x), conv2(2 - x)]


def _cubic_table(in_size, out_size, align_corners, scale, t):
    dst = np.arange(out_size)
    ratio = _area_scale(in_size, out_size, align_corners, scale, t)
    real = _source_index(ratio, dst, align_corners, True, t)
    index, lam = _guard(real, in_size, t)
    coeffs = [c.astype(t) for c in _cubic_coefficients(lam, t(-0.75))]
    indices = [np.clip(index - 1 + j, 0, in_size - 1) for j in range(4)]
    return indices, coeffs


def _aa_filter(x, bicubic):
    x = np.abs(x)
    if bicubic:
        a = -0.5
        c1 = ((a + 2) * x - (a + 3)) * x * x + 1
        c2 = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
        return np.where(x < 1, c1, np.where(x < 2, c2, 0.0))
    return np.where(x < 1, 1 - x, 0.0)


def _aa_taps(in_size, out_size, align_corners, scale, bicubic, t):
    """torch's antialiased resampling weights along one dim: (indices, weights, mask), each
    (out, taps); a tap is used where `mask` holds (torch loops over each window's size)."""
    interp_size = 4 if bicubic else 2
    scale_ = _area_scale(in_size, out_size, align_corners, scale, t)
    support = t(interp_size * 0.5) * scale_ if scale_ >= 1.0 else t(interp_size * 0.5)
    max_size = int(math.ceil(support)) * 2 + 1
    invscale = t(1.0) / scale_ if scale_ >= 1.0 else t(1.0)
    index = np.zeros((out_size, max_size), np.int64)
    weights = np.zeros((out_size, max_size), t)
    mask = np.zeros((out_size, max_size), bool)
    for i in range(out_size):
        center = scale_ * t(i + 0.5)
        xmin = max(int(center - support + t(0.5)), 0)
        xsize = min(int(center + support + t(0.5)), in_size) - xmin
        xsize = min(max(xsize, 0), max_size)
        j = np.arange(xsize)
        w = _aa_filter(((j + xmin - center + t(0.5)) * invscale).astype(t), bicubic).astype(t)
        total = w.sum(dtype=t)
        if total != 0:
            w = (w / total).astype(t)
        index[i] = np.minimum(xmin + np.arange(max_size), in_size - 1)
        weights[i, :xsize] = w
        mask[i, :xsize] = True
    return index, weights, mask


_DENSE_LIMIT = 1 << 14


def _bcast(values, axis, ndim, dtype=None):
    shape = [1] * ndim
    shape[axis] = -1
    return jnp.asarray(values if dtype is None else values.astype(dtype)).reshape(shape)


def _along_axis(x, axis, index, weights=None, mask=None, grad_index=None):
    """Along `axis`: out[o] = sum over taps t (in order) of x[index[o, t]] * weights[o, t],
    skipping taps where `mask` is False (so non-finite inputs propagate only as in torch's
    loops). The backward is the transpose, spread over `grad_index` (torch's backward
    kernels' own index tables) when given: one matmul with the dense (out, in) matrix for
    small sizes (XLA compiles it much faster than a scatter-add), a scatter-add otherwise."""
    in_size = x.shape[axis]
    out_size, taps = index.shape
    grad_index = index if grad_index is None else grad_index
    keep = np.ones(index.shape, bool) if mask is None else mask
    w = np.ones(index.shape) if weights is None else np.where(keep, weights, 0)

    def forward(x):
        acc = None
        for t in range(taps):
            term = jnp.take(x, jnp.asarray(index[:, t]), axis=axis)
            if weights is not None:
                term = term * _bcast(weights[:, t], axis, x.ndim, x.dtype)
            if not keep[:, t].all():
                term = jnp.where(_bcast(keep[:, t], axis, x.ndim), term, jnp.zeros((), x.dtype))
            acc = term if acc is None else acc + term
        return acc

    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return forward(x)

    def backward(_, g):
        if out_size * in_size <= _DENSE_LIMIT:
            dense = np.zeros((out_size, in_size), np.float64)
            rows = np.broadcast_to(np.arange(out_size)[:, None], index.shape)
            np.add.at(dense, (rows[keep], grad_index[keep]), w[keep])
            grad = jnp.tensordot(g, jnp.asarray(dense.astype(g.dtype)), axes=([axis], [0]), precision=_HIGHEST)
            return (jnp.moveaxis(grad, -1, axis),)
        gm = jnp.moveaxis(g, axis, 0)
        out = jnp.zeros((in_size,) + gm.shape[1:], g.dtype)
        for t in range(taps):
            contribution = gm * jnp.asarray(w[:, t].astype(g.dtype)).reshape((-1,) + (1,) * (gm.ndim - 1))
            out = out.at[jnp.asarray(grad_index[:, t])].add(contribution)
        return (jnp.moveaxis(out, 0, axis),)

    @jax.custom_vjp
    def apply(x):
        return forward(x)

    apply.defvjp(lambda x: (forward(x), None), backward)
    return apply(x)


@functools.lru_cache(maxsize=512)
def _interp_fn(mode, sizes, outs, align_corners, scales, antialias, opmath):
    n = len(sizes)
    t = np.dtype(opmath).type

    def interp(x):
        lead = x.ndim - n
        compute = jnp.float64 if opmath == "float64" else jnp.float32
        y = x if mode in ("nearest", "nearest-exact") else x.astype(compute)
        for i in reversed(range(n)):  # the last (contiguous) dim first, as torch's kernels
            axis = lead + i
            in_size, out_size, scale = sizes[i], outs[i], scales[i]
            if mode in ("nearest", "nearest-exact"):
                exact = mode == "nearest-exact"
                table = _nearest_table(in_size, out_size, scale, exact, t)
                grad_table = table
                if not exact:
                    # torch's nearest backward kernels (and its 2-d forward) copy when the sizes
                    # match and halve the index for a 2x output, whatever the scale factor
                    if out_size in (in_size, 2 * in_size):
                        grad_table = np.arange(out_size) // (out_size // in_size)
                    else:
                        grad_table = _nearest_table(in_size, out_size, scale, False, np.float32)
                    if n == 2:
                        table = grad_table
                y = _along_axis(y, axis, table[:, None], grad_index=grad_table[:, None])
            elif antialias:
                if in_size != out_size:  # torch skips the dims whose size does not change
                    y = _along_axis(y, axis, *_aa_taps(in_size, out_size, align_corners, scale, mode == "bicubic", t))
            elif mode == "bicubic":
                indices, coeffs = _cubic_table(in_size, out_size, align_corners, scale, t)
                y = _along_axis(y, axis, np.stack(indices, 1), np.stack(coeffs, 1))
            else:
                i0, i1, l0, l1 = _linear_table(in_size, out_size, align_corners, scale, t)
                y = _along_axis(y, axis, np.stack([i0, i1], 1), np.stack([l0, l1], 1))
        return y.astype(x.dtype)

    return jax.jit(interp)


_INTERP_GRAD = {("nearest", 1): "UpsampleNearest1DBackward0", ("nearest", 2): "UpsampleNearest2DBackward0",
                ("nearest", 3): "UpsampleNearest3DBackward0",
                ("nearest-exact", 1): "UpsampleNearestExact1DBackward0",
                ("nearest-exact", 2): "UpsampleNearestExact2DBackward0",
                ("nearest-exact", 3): "UpsampleNearestExact3DBackward0",
                ("linear", 1): "UpsampleLinear1DBackward0", ("bilinear", 2): "UpsampleBilinear2DBackward0",
                ("trilinear", 3): "UpsampleTrilinear3DBackward0", ("bicubic", 2): "UpsampleBicubic2DBackward0"}
_KERNEL_NAMES = {"nearest": "upsample_nearest{n}d", "nearest-exact": "_upsample_nearest_exact{n}d",
                 "linear": "upsample_linear1d", "bilinear": "upsample_bilinear2d", "trilinear": "upsample_trilinear3d",
                 "bicubic": "upsample_bicubic2d"}


def _upsample(input, mode, output_size, scale_factors, align_corners=False, antialias=False):
    n = input.dim() - 2
    sizes = tuple(input.shape[2:])
    if output_size is None:
        outs = tuple(int(s * float(f)) for s, f in zip(sizes, scale_factors))
    else:
        outs = tuple(operator.index(o) for o in output_size)
    labels = ("D", "H", "W")[3 - n:]
    if any(s <= 0 for s in sizes + outs):
        ins = ", ".join(f"{c}: {s}" for c, s in zip(labels, sizes))
        res = ", ".join(f"{c}: {s}" for c, s in zip(labels, outs))
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({ins}) output ({res})")
    if input.numel() == 0 and math.prod(input.shape[1:]) == 0:
        raise RuntimeError(f"Non-empty {n + 2}D data tensor expected but got a tensor with sizes "
                           f"{_size_str(input.shape)}")
    dtype = input.dtype
    kernel = _KERNEL_NAMES[mode].format(n=n)
    if not (_is_float(dtype) or (dtype is _dtype.uint8 and mode in ("nearest", "nearest-exact"))):
        if dtype is _dtype.uint8 and mode in ("bilinear", "bicubic"):
            raise NotImplementedError(f"{kernel}: uint8 input (torch's fixed-point kernel) is not supported by "
                                      "jtorch; convert to float first")
        raise _not_implemented(kernel, dtype)
    scales = (None,) * n if scale_factors is None else tuple(float(f) for f in scale_factors)
    opmath = "float64" if dtype is _dtype.float64 else "float32"
    fn = _interp_fn(mode, sizes, outs, bool(align_corners), scales, bool(antialias), opmath)
    grad_name = _INTERP_GRAD[(mode, n)]
    if antialias:
        grad_name = grad_name.replace("2DBackward0", "2DAaBackward0")
    return keep_memory_format(apply_fn(grad_name, fn, (input,), dtype), input)


def _is_integer(x) -> bool:
    if isinstance(x, bool):
        return True
    if isinstance(x, (int, np.integer)):
        return True
    return isinstance(x, Tensor) and not x.is_floating_point()


@op(namespace=_NS, method=False, out=False)
def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None,
                antialias=False):
    """Implements `torch.nn.functional.interpolate` (nearest, nearest-exact, (bi/tri)linear, bicubic, area;
    antialias for bilinear/bicubic)."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        scale_factors = None
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got input with spatial "
                    f"dimensions of {list(input.shape[2:])} and output size of {size}. Please provide input tensor in "
                    "(N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
            if not all(_is_integer(x) for x in size):
                raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] or "
                                f"Tuple[int, int, int], but got size with types {[type(x) for x in size]}")
            output_size = [operator.index(x) for x in size]
        else:
            if not _is_integer(size):
                raise TypeError(f"upsample(): argument 'output_size' must be tuple of ints, but found element of "
                                f"type {type(size).__name__} at pos 0")
            output_size = [operator.index(size)] * dim
    elif scale_factor is not None:
        output_size = None
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    "Input and scale_factor must have the same number of spatial dimensions, but got input with "
                    f"spatial dimensions of {list(input.shape[2:])} and scale_factor of shape {scale_factor}. Please "
                    "provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) "
                    "format.")
            scale_factors = list(scale_factor)
        else:
            scale_factors = [scale_factor] * dim
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor is not None and recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and output_size is None:
        recompute_scale_factor = True
    if recompute_scale_factor is not None and recompute_scale_factor:
        output_size = [math.trunc(input.shape[i + 2] * float(scale_factors[i])) for i in range(dim)]
        scale_factors = None
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.dim() == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D "
                         "tensor as input")
    ndim = input.dim()
    if mode in ("nearest", "nearest-exact") and ndim in (3, 4, 5):
        return _upsample(input, mode, output_size, scale_factors)
    if mode == "area" and ndim in (3, 4, 5):
        return (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d)[ndim - 3](input, output_size)
    if (mode, ndim) in (("linear", 3), ("bilinear", 4), ("trilinear", 5), ("bicubic", 4)):
        return _upsample(input, mode, output_size, scale_factors, align_corners, antialias)
    if mode == "lanczos" and ndim == 4:
        if align_corners:
            raise ValueError("Lanczos mode does not support align_corners=True")
        if not antialias:
            raise ValueError("Lanczos mode requires antialias=True")
        raise NotImplementedError("interpolate(mode='lanczos') is not supported by jtorch")
    needs = {"linear": 3, "bilinear": 4, "trilinear": 5}
    if mode in needs and ndim in (3, 4, 5):
        raise NotImplementedError(f"Got {ndim}D input, but {mode} mode needs {needs[mode]}D input")
    raise NotImplementedError(
        f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {ndim}D) for the modes: nearest | linear | "
        f"bilinear | bicubic | trilinear | lanczos | area | nearest-exact (got {mode})")


@op(namespace=_NS, method=False, out=False)
def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Implements the deprecated `torch.nn.functional.upsample`."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=3)
    return interpolate(input, size, scale_factor, mode, align_corners)


@op(namespace=_NS, method=False, out=False)
def upsample_nearest(input, size=None, scale_factor=None):
    """Implements the deprecated `torch.nn.functional.upsample_nearest`."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=3)
    return interpolate(input, size, scale_factor, mode="nearest")


@op(namespace=_NS, method=False, out=False)
def upsample_bilinear(input, size=None, scale_factor=None):
    """Implements the deprecated `torch.nn.functional.upsample_bilinear`."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=3)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ================================================================ pixel shuffle
def _factor(value, fn, arg):
    if not _is_index(value):
        raise TypeError(f"{fn}(): argument '{arg}' (position 2) must be int, not {type(value).__name__}")
    return operator.index(value)


@functools.lru_cache(maxsize=256)
def _shuffle_fn(shape, r, inverse):
    lead, (c, h, w) = shape[:-3], shape[-3:]
    k = len(lead)

    def shuffle(x):
        if inverse:  # (*, C, H*r, W*r) -> (*, C*r*r, H, W)
            y = x.reshape(lead + (c, h // r, r, w // r, r))
            y = jnp.transpose(y, tuple(range(k)) + (k, k + 2, k + 4, k + 1, k + 3))
            return y.reshape(lead + (c * r * r, h // r, w // r))
        y = x.reshape(lead + (c // (r * r), r, r, h, w))
        y = jnp.transpose(y, tuple(range(k)) + (k, k + 3, k + 1, k + 4, k + 2))
        return y.reshape(lead + (c // (r * r), h * r, w * r))

    return jax.jit(shuffle)


def _pixel_shuffle(input, upscale_factor):
    r = _factor(upscale_factor, "pixel_shuffle", "upscale_factor")
    if input.dim() < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    c = input.shape[-3]
    if c % (r * r):
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    return apply_fn("PixelShuffleBackward0", _shuffle_fn(tuple(input.shape), r, False), (input,), input.dtype)


def _pixel_unshuffle(input, downscale_factor):
    r = _factor(downscale_factor, "pixel_unshuffle", "downscale_factor")
    if input.dim() < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    h, w = input.shape[-2:]
    if h % r:
        raise RuntimeError(f"pixel_unshuffle expects height to be divisible by downscale_factor, but "
                           f"input.size(-2)={h} is not divisible by {r}")
    if w % r:
        raise RuntimeError(f"pixel_unshuffle expects width to be divisible by downscale_factor, but "
                           f"input.size(-1)={w} is not divisible by {r}")
    return apply_fn("PixelUnshuffleBackward0", _shuffle_fn(tuple(input.shape), r, True), (input,), input.dtype)


@op(namespace=_NS, method=False, out=False)
def pixel_shuffle(input, upscale_factor):
    """Implements `torch.nn.functional.pixel_shuffle`."""
    return _pixel_shuffle(input, upscale_factor)


@op(namespace=_NS, method=False, out=False)
def pixel_unshuffle(input, downscale_factor):
    """Implements `torch.nn.functional.pixel_unshuffle`."""
    return _pixel_unshuffle(input, downscale_factor)


@op(name="pixel_shuffle", namespace="torch", method=False, out=False)
def _torch_pixel_shuffle(input, upscale_factor):
    return _pixel_shuffle(input, upscale_factor)


@op(name="pixel_unshuffle", namespace="torch", method=False, out=False)
def _torch_pixel_unshuffle(input, downscale_factor):
    return _pixel_unshuffle(input, downscale_factor)


# ================================================================ fold / unfold (im2col / col2im)
def _pair_arg(value, fn, arg):
    values = _int_seq(value, fn, arg, 2)
    if len(values) != 2:
        raise RuntimeError(f"It is expected {arg} equals to 2, but got size {len(values)}")
    return values


def _im2col_checks(kernel, dilation, padding, stride):
    if kernel[0] <= 0 or kernel[1] <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: {kernel[0]} "
                           f"kernel_width: {kernel[1]}")
    if dilation[0] <= 0 or dilation[1] <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilation_height: {dilation[0]} "
                           f"dilation_width: {dilation[1]}")
    if padding[0] < 0 or padding[1] < 0:
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {padding[0]} pad_width: "
                           f"{padding[1]}")
    if stride[0] <= 0 or stride[1] <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got stride_height: {stride[0]} stride_width: "
                           f"{stride[1]}")


def _blocks(size, k, d, p, s):
    return (size + 2 * p - (d * (k - 1) + 1)) // s + 1


@functools.lru_cache(maxsize=256)
def _unfold_fn(kernel, dilation, padding, stride, outs):
    def unfold_(x):
        patches = _windows(x, kernel, stride, padding, dilation, outs, 0)  # (*lead, C, oh, ow, K)
        patches = jnp.moveaxis(patches, -1, -3)  # (*lead, C, K, oh, ow)
        lead = patches.shape[:-4]
        c, k = patches.shape[-4], patches.shape[-3]
        return patches.reshape(lead + (c * k, outs[0] * outs[1]))

    return jax.jit(unfold_)


@op(namespace=_NS, method=False, out=False)
def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Implements `torch.nn.functional.unfold` (im2col)."""
    kernel = _pair_arg(kernel_size, "im2col", "kernel_size")
    dilation = _pair_arg(dilation, "im2col", "dilation")
    padding = _pair_arg(padding, "im2col", "padding")
    stride = _pair_arg(stride, "im2col", "stride")
    _im2col_checks(kernel, dilation, padding, stride)
    ndim, shape = input.dim(), tuple(input.shape)
    if ndim < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(ndim, 1)}, {max(ndim, 1) - 1}], "
                         "but got 2)")
    valid = shape[1] != 0 and shape[2] != 0
    if not ((ndim == 3 and shape[0] != 0 and valid) or (ndim == 4 and valid and shape[3] != 0)):
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                           f"dimensions for input, but got: {_size_str(shape)}")
    h, w = shape[-2:]
    outs = (_blocks(h, kernel[0], dilation[0], padding[0], stride[0]),
            _blocks(w, kernel[1], dilation[1], padding[1], stride[1]))
    if outs[0] < 1 or outs[1] < 1:
        raise RuntimeError(f"Given input with spatial size ({h}, {h}), kernel_size=({kernel[0]}, {kernel[1]}), "
                           f"dilation=({dilation[0]}, {dilation[1]}), padding=({padding[0]}, {padding[1]}), calculated "
                           f"shape of the array of sliding blocks as ({outs[0]}, {outs[1]}), but its components must "
                           "be at least one.")
    if not (_is_float(input.dtype) or input.dtype.is_complex or input.dtype is _dtype.bool):
        raise _not_implemented("im2col_out_cpu", input.dtype)
    return apply_fn("Im2ColBackward0", _unfold_fn(kernel, dilation, padding, stride, outs), (input,), input.dtype)


@functools.lru_cache(maxsize=256)
def _fold_fn(output_size, kernel, dilation, padding, stride, blocks):
    (h, w), (kh, kw), (dh, dw), (ph, pw), (sh, sw), (bh, bw) = output_size, kernel, dilation, padding, stride, blocks

    def fold_(x):
        lead = x.shape[:-2]
        c = x.shape[-2] // (kh * kw)
        is_bool = x.dtype == jnp.bool_
        cols = (x.astype(jnp.int32) if is_bool else x).reshape(lead + (c, kh, kw, bh, bw))
        out = jnp.zeros(lead + (c, h + 2 * ph, w + 2 * pw), cols.dtype)
        for i in range(kh):
            for j in range(kw):
                index = (Ellipsis, slice(i * dh, i * dh + (bh - 1) * sh + 1, sh),
                         slice(j * dw, j * dw + (bw - 1) * sw + 1, sw))
                out = out.at[index].add(cols[..., i, j, :, :])
        out = out[..., ph:ph + h, pw:pw + w]
        return out != 0 if is_bool else out

    return jax.jit(fold_)


@op(namespace=_NS, method=False, out=False)
def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Implements `torch.nn.functional.fold` (col2im)."""
    output_size = _pair_arg(output_size, "col2im", "output_size")
    kernel = _pair_arg(kernel_size, "col2im", "kernel_size")
    dilation = _pair_arg(dilation, "col2im", "dilation")
    padding = _pair_arg(padding, "col2im", "padding")
    stride = _pair_arg(stride, "col2im", "stride")
    if kernel[0] <= 0 or kernel[1] <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: {kernel[0]} "
                           f"kernel_width: {kernel[1]}")
    if stride[0] <= 0 or stride[1] <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got stride_height: {stride[0]} stride_width: "
                           f"{stride[1]}")
    if dilation[0] <= 0 or dilation[1] <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilation_height: {dilation[0]} "
                           f"dilation_width: {dilation[1]}")
    if padding[0] < 0 or padding[1] < 0:
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {padding[0]} pad_width: "
                           f"{padding[1]}")
    ndim, shape = input.dim(), tuple(input.shape)
    if not ((ndim == 2 and shape[0] != 0 and shape[1] != 0) or (ndim == 3 and shape[1] != 0 and shape[2] != 0)):
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {_size_str(shape)}")
    planes, length = shape[-2], shape[-1]
    if planes % (kernel[0] * kernel[1]):
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={planes} and kernel_size=({kernel[0]}, {kernel[1]}).")
    blocks = (_blocks(output_size[0], kernel[0], dilation[0], padding[0], stride[0]),
              _blocks(output_size[1], kernel[1], dilation[1], padding[1], stride[1]))
    described = (f"output_size=({output_size[0]}, {output_size[1]}), kernel_size=({kernel[0]}, {kernel[1]}), "
                 f"dilation=({dilation[0]}, {dilation[1]}), padding=({padding[0]}, {padding[1]}), "
                 f"stride=({stride[0]}, {stride[1]})")
    if length != blocks[0] * blocks[1]:
        raise RuntimeError(f"Given {described}, expected size of input's dimension 2 to match the calculated number of "
                           f"sliding blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got "
                           f"input.size(2)={length}.")
    if blocks[0] < 1 or blocks[1] < 1:
        raise RuntimeError(f"Given {described.split(', dilation')[0]}, dilation=({dilation[0]}, {dilation[1]}), "
                           f"padding=({padding[0]}, {padding[1]}), stride=({stride[0]}, {stride[1]}), calculated "
                           f"shape of the array of sliding blocks as ({blocks[0]}, {blocks[1]}), which is invalid.")
    if not (_is_float(input.dtype) or input.dtype.is_complex or input.dtype is _dtype.bool):
        raise _not_implemented("col2im_out_cpu", input.dtype)
    fn = _fold_fn(output_size, kernel, dilation, padding, stride, blocks)
    return apply_fn("Col2ImBackward0", fn, (input,), input.dtype)
