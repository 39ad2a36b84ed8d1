"""Tensor.__getitem__ / __setitem__ with torch's semantics.

An index is processed as torch's `python_variable_indexing.cpp` does. First the basic
items are applied left to right as views: ints select, slices slice, None and bools
unsqueeze, and `...` skips dims. Along the way the advanced items (int and bool tensors,
lists, numpy arrays, bools) are recorded against the dims of that view. If none was
recorded the view is the result; writes copy into it. Otherwise the result is a gather
from the view (a copy), and a write scatters into it (`index_put_`). The layout of the
result is numpy's, which is also torch's.

The advanced indices are checked on the host before JAX sees them, because JAX clamps
out-of-range indices silently. That costs a device-to-host copy of each index tensor;
torch syncs here too. The gathers and scatters are jitted once for each index structure,
with the index arrays passed as arguments.
"""
from __future__ import annotations

import functools
import math
import operator
import sys
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import _device, _dtype
from .._registry import check_inplace_allowed, scalar_array, type_name
from .._tensor import Tensor, warn_once
from .._views import ViewPlan, reader, specialized_reader
from ..autograd.grad_mode import STATE
from ..autograd.tape import capture_history, record, record_inplace
from . import views
from .conversion import COMPLEX_TO_REAL

_INT64_MIN, _INT64_MAX = -2 ** 63, 2 ** 63 - 1
_SLICE_MIN = -2 ** 62  # torch's SymInt::min_representable_int(); smaller slice bounds are clipped
_INDEX_DTYPES = (np.dtype(np.int64), np.dtype(np.int32), np.dtype(np.uint8), np.dtype(np.bool_))
_MASK_DTYPES = (np.dtype(np.uint8), np.dtype(np.bool_))

_SEQUENCE_WARNING = (
    "Using a non-tuple sequence for multidimensional indexing is deprecated and will be changed in pytorch 2.9; use "
    "x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will be interpreted as tensor index, x[torch.tensor(seq)], "
    "which will result either in an error or a different result (Triggered internally at "
    "/__w/pytorch/pytorch/torch/csrc/autograd/python_variable_indexing.cpp:{line}.)"
)
_UINT8_WARNING = (
    "indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead. (Triggered internally "
    "at /__w/pytorch/pytorch/aten/src/ATen/native/IndexingUtils.h:37.)"
)
_OVERLAP_ERROR = (
    "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory "
    "location. Please clone() the tensor before performing the operation."
)


# ---------------------------------------------------------------- public entry points
def getitem(self, index):
    """self[index]: a view for basic indices, a copy for advanced ones. Implements `Tensor.__getitem__`."""
    plan_key = _plan_key(self, index) if index.__class__ is tuple else None
    if plan_key is not None:
        plan = _INDEX_PLANS.get(plan_key)
        if plan is not None:  # hot path: a basic index seen before on this layout
            hits = plan.hits = plan.hits + 1
            if hits == _SPECIALIZE_AFTER:
                plan.pair = (plan.steps, specialized_reader(plan.steps))
            return self._planned_view(plan)
    # A lone int, slice, None or `...` takes torch's shortcut, which differs from the
    # tuple path in a few messages and in slicing a whole dim (a view, not an alias).
    if _is_int(index):
        return _select_top(self, index)
    if isinstance(index, slice):
        return _slice(self, 0, index, skip_full=False)
    if index is None:
        return views.unsqueeze(self, 0)
    if index is Ellipsis:
        return views.alias(self)
    view, advanced = _apply_slicing(self, _as_tuple(index))
    if not advanced:
        if view is self:
            return views.alias(self)
        if plan_key is not None and self._chain is None and view._storage is self._storage:
            if len(_INDEX_PLANS) > 4096:
                _INDEX_PLANS.clear()
            _INDEX_PLANS[plan_key] = ViewPlan(view._chain, view._shape, view._strides, view._offset,
                                              reader(view._chain))
        return view
    slots, arrays = _check_advanced(view, advanced)
    fn = _gatherer(slots)
    inputs = (view._data,) + tuple(arrays)
    out = Tensor._make(fn(*inputs), view.dtype, view.device)
    if STATE.enabled and view._requires_grad:
        record("IndexBackward0", fn, inputs, (view,) + (None,) * len(arrays), out)
    return out


_INDEX_PLANS: dict = {}  # (shape, strides, index key) -> its _views.ViewPlan
# A plan's reader starts as the one shared by every index of its structure (x[:, 0],
# x[:, 1], ... compile once); after this many hits it gets its own, with the index
# compiled in, which is a little faster per call (a loop over columns compiles nothing).
_SPECIALIZE_AFTER = 16


def _plan_key(self, index):
    """A hashable key for a tuple of basic index items (ints, plain slices, None, ...) on a
    tensor that records no autograd: (shape, strides, one entry per item), or None where the
    full path must run (tensors and sequences as indices, huge slice bounds that warn,
    autograd records)."""
    if self._requires_grad and STATE.enabled or self._attr_version is not None and (
            self._view_lock is not None or self._stale_view()):
        return None  # (a stale view may gain autograd history when it is refreshed; a locked view locks its views)
    key = [self._shape, self._strides]
    for item in index:
        kind = item.__class__
        if kind is slice:
            start, stop, step = item.start, item.stop, item.step
            if start is None and stop is None and step is None:
                key.append(_WHOLE)
            elif _small_bound(start) and _small_bound(stop) and _small_bound(step):
                key.append((start, stop, step))
            else:
                return None
        elif kind is int or item is None or item is Ellipsis:
            key.append(item)
        else:
            return None
    return tuple(key)


def _small_bound(bound) -> bool:
    return bound is None or type(bound) is int and -_PLAN_BOUND < bound < _PLAN_BOUND


_PLAN_BOUND = 2 ** 62
_WHOLE = ":"  # the key of a whole slice (no index item is a string: its hash is cached)


def setitem(self, index, value):
    """self[index] = value. Implements `Tensor.__setitem__`."""
    value = _value_tensor(self, value)
    if index is False:  # torch returns at once (even the version stays)
        return
    if _is_int(index):
        return _copy_to(_select_top(self, index), value)
    if isinstance(index, slice):
        return _copy_to(_slice(self, 0, index, skip_full=True), value)
    if index is None or index is True:
        return _copy_to(views.unsqueeze(self, 0), value)
    if index is Ellipsis:
        return _copy_to(self, value)
    view, advanced = _apply_slicing(self, _as_tuple(index))
    if not advanced:
        return _copy_to(view, value)
    _index_put(view, advanced, value)


def delitem(self, index):
    """`del self[index]`, which torch refuses."""
    raise TypeError("Tensor does not support deleting items")


# ---------------------------------------------------------------- index items
def _warn(message, once=False):
    """A UserWarning pointing at the user's line (the first frame outside this module);
    `once`: once per process, as torch's TORCH_WARN_ONCE."""
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame, level = frame.f_back, level + 1
    if once:
        warn_once(message, UserWarning, level + 1)
    else:
        warnings.warn(message, UserWarning, stacklevel=level)


def _warn_complex_once():
    _warn(COMPLEX_TO_REAL, once=True)  # (shared with copy_ and to: torch warns once for all)


def _is_int(item) -> bool:
    return type(item) is int or isinstance(item, (int, np.integer)) and not isinstance(item, bool)


def _to_int(item) -> int:
    value = int(item)
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise ValueError("Overflow when unpacking long long")
    return value


def _is_sequence(obj) -> bool:
    """Python's PySequence_Check, roughly: lists, tuples, arrays, tensors, strings..."""
    return hasattr(type(obj), "__getitem__") and not isinstance(obj, (dict, np.generic))


def _type_name(obj) -> str:
    """The name CPython prints for obj's type (`float`, `numpy.float32`)."""
    t = type(obj)
    return f"numpy.{t.__name__}" if t.__module__ == "numpy" else t.__name__


def _as_tuple(index) -> tuple:
    """The index as a tuple of items. torch (like old numpy) reads a short list holding a
    sequence, tensor, slice, None or `...` as a tuple of items, and warns."""
    if isinstance(index, tuple):
        return index
    if isinstance(index, (Tensor, np.ndarray)) or not _is_sequence(index) or hasattr(index, "__array__"):
        return (index,)
    try:
        n = len(index)
    except TypeError:
        return (index,)
    if n >= 32:
        return (index,)
    for item in index:
        line = 349 if isinstance(item, (Tensor, slice)) or _is_sequence(item) else (
            359 if item is None or item is Ellipsis else None)
        if line is not None:
            _warn(_SEQUENCE_WARNING.format(line=line))
            return tuple(index)
    return (index,)


def _specified_dims(items) -> int:
    """How many dims the items index, counted as torch does for its "too many indices"
    check (a bool tensor counts its dims; a list or numpy mask counts one)."""
    count = 0
    for item in items:
        if isinstance(item, Tensor):
            count += item.dim() if item.dtype is _dtype.bool or item.dtype is _dtype.uint8 else 1
        elif not (item is None or item is Ellipsis or item is True or item is False):
            count += 1
    return count


def _sequence_to_index(obj) -> np.ndarray:
    """A list or numpy array as an index array: bool and uint8 stay masks, anything else
    becomes int64 (floats truncate), as torch's indexing_tensor_from_data does."""
    array = np.asarray(obj)
    kind = array.dtype.kind
    if array.dtype in _MASK_DTYPES or array.dtype == np.int64:
        return array
    if kind in "iuf":
        return array.astype(np.int64)
    if isinstance(obj, np.ndarray):
        if kind != "c":
            raise TypeError(
                f"can't convert np.ndarray of type numpy.{array.dtype.type.__name__}. The only supported types are: "
                "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint64, uint32, uint16, "
                "uint8, and bool."
            )
        _warn_complex_once()
        return array.real.astype(np.int64)
    if kind == "O" and all(isinstance(v, int) for v in array.flat):
        if any(not _INT64_MIN <= v <= _INT64_MAX for v in array.flat):
            raise ValueError("Overflow when unpacking long long")
        return array.astype(np.int64)
    if kind == "c":
        raise TypeError("'complex' object cannot be interpreted as an integer")
    raise TypeError(f"new(): invalid data type '{ {'U': 'str', 'S': 'bytes'}.get(kind, array.dtype.name)}'")


def _apply_slicing(self, items):
    """Apply the basic items as views. Returns (view, advanced): the advanced items as
    (dim in the view, Tensor or numpy array) pairs."""
    ndim = self.dim()
    specified = _specified_dims(items)
    if specified > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    result, dim, advanced = self, 0, []
    for position, item in enumerate(items):
        if _is_int(item):
            result = _select(result, dim, _to_int(item), position)
        elif isinstance(item, slice):
            result = _slice(result, dim, item, skip_full=True)
            dim += 1
        elif item is Ellipsis:
            dim += ndim - specified
        elif item is None:
            result = views.unsqueeze(result, dim)
            dim += 1
        elif item is True or item is False:
            result = views.unsqueeze(result, dim)
            advanced.append((dim, np.zeros(1 if item else 0, np.int64)))
            dim += 1
        else:
            if isinstance(item, Tensor):
                index = item
            elif _is_sequence(item):
                index = _sequence_to_index(item)
            else:
                try:
                    index = operator.index(item)
                except TypeError:
                    raise IndexError(
                        "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
                        f"indices (got {_type_name(item)})"
                    ) from None
                result = _select(result, dim, _to_int(index), position)
                continue
            np_dtype = index.dtype.np if isinstance(index, Tensor) else index.dtype
            mask = np_dtype in _MASK_DTYPES
            if index.ndim == 0 and np_dtype.kind in "biu":
                if not mask:  # a 0-d integer index selects, giving a view
                    result = _select(result, dim, _to_int(index.item()), position)
                    continue
                # A 0-d mask adds a dim of size 1 and keeps it (True) or empties it (False).
                result = views.unsqueeze(result, dim)
                advanced.append((dim, np.zeros(1 if bool(index.item()) else 0, np.int64)))
                dim += 1
                continue
            advanced.append((dim, index))
            dim += index.ndim if mask else 1
    return result, advanced


def _select_top(self, index):
    """self[int]: torch's shortcut, with its own message for 0-d tensors."""
    index = _to_int(index)
    if self.dim() == 0:
        if index == 0:
            raise IndexError(
                "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to "
                "convert a 0-dim tensor to a number"
            )
        raise IndexError(f"index {index} is out of bounds for dimension 0 with size 0")
    return _select(self, 0, index, 0)


def _select(result, dim, index, position):
    """result.select(dim, index); torch names the item's position in the index tuple
    (not the tensor dim) when it is out of bounds."""
    size = result._shape[dim] if dim < result.dim() else 0
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of bounds for dimension {position} with size {size}")
    return views.select(result, dim, index)


def _slice_bound(value, default) -> int:
    if value is None:
        return default
    if not hasattr(type(value), "__index__"):
        raise TypeError("slice indices must be integers or None or have an __index__ method")
    value = min(max(operator.index(value), _INT64_MIN), _INT64_MAX)  # Python clamps to ssize_t
    if value < _SLICE_MIN:
        _warn("Truncating the start/stop/step of slice. This is likely because of saved old models when the "
              "start/stop/step were larger.")
        value = _SLICE_MIN
    return value


def _slice(result, dim, item: slice, *, skip_full: bool):
    """result[..., start:stop:step, ...] at `dim`. With `skip_full`, a slice from 0 to the
    end with step 1 returns `result` itself, as torch's tuple path does."""
    step = _slice_bound(item.step, 1)
    if step == 0:
        raise ValueError("slice step cannot be zero")
    start = _slice_bound(item.start, 0 if step > 0 else _INT64_MAX)
    stop = _slice_bound(item.stop, _INT64_MAX if step > 0 else _SLICE_MIN)
    if step < 0:
        raise ValueError("step must be greater than zero")
    if result.dim() == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    dim = result._wrap_dim(dim)
    if skip_full and start == 0 and stop >= result._shape[dim] and step == 1:
        return result
    return views.slice_dim(result, dim, start, stop, step)


# ---------------------------------------------------------------- advanced indices
def _check_advanced(view, advanced, check_result=None):
    """Check the advanced indices as torch's index/index_put_ do, on the host, calling
    `check_result(result shape)` where torch checks a written value. Returns (slots,
    arrays): `slots[d]` tells whether view dim d is indexed, by the next of `arrays`
    (bool masks become their nonzero positions).

    Differences from torch: under `jax.jit` an integer index tensor that is being traced
    is not bounds-checked (its values are unknown), and bool masks cannot be traced."""
    for _, index in advanced:
        if (index.dtype.np if isinstance(index, Tensor) else index.dtype) not in _INDEX_DTYPES:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    dims, arrays, hosts = [], [], []  # hosts: numpy values, or None for a traced index
    for dim, index in advanced:
        data = index._data if isinstance(index, Tensor) else index
        mask = data.dtype in _MASK_DTYPES
        host = None if isinstance(data, jax.core.Tracer) and not mask else np.asarray(data)
        if mask:
            if host.dtype == np.uint8:
                _warn(_UINT8_WARNING)
            _check_mask_shape(view, dim, host.shape)
            for j, positions in enumerate(np.nonzero(host)):
                dims.append(dim + j)
                arrays.append(positions)
                hosts.append(positions)
        else:
            if dim >= view.dim():
                view._wrap_dim(dim)  # raises torch's IndexError
            dims.append(dim)
            # Index tensors on another device (CPU indices into an accelerator tensor) go as host arrays.
            on_device = isinstance(index, Tensor) and index.device == view.device
            arrays.append(data if on_device or host is None else host)
            hosts.append(host)
    shapes = [tuple(a.shape) for a in arrays]
    try:
        shape = shapes[0] if len(shapes) == 1 else np.broadcast_shapes(*shapes)
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes "
                         + ", ".join(str(list(s)) for s in shapes)) from None
    sizes = [view._shape[d] for d in dims]
    if 0 in sizes and 0 not in shape:
        raise IndexError("index is out of bounds for dimension with size 0")
    # Indices on adjacent dims put their dims in place; separated ones put them first.
    if dims[-1] - dims[0] == len(dims) - 1:
        result_shape = view._shape[:dims[0]] + shape + view._shape[dims[-1] + 1:]
    else:
        result_shape = shape + tuple(s for d, s in enumerate(view._shape) if d not in dims)
    if check_result is not None:
        check_result(result_shape)
    # torch checks bounds while copying: not at all when nothing is copied.
    if math.prod(result_shape) and all(h is not None for h in hosts):
        _check_bounds(hosts, sizes, shape)
    return tuple(d in dims for d in range(dims[-1] + 1)), arrays


def _check_mask_shape(view, dim, mask_shape):
    for j, size in enumerate(mask_shape):
        if dim + j >= view.dim():
            view._wrap_dim(dim + j)  # raises torch's IndexError
        if size != view._shape[dim + j]:
            raise IndexError(
                f"The shape of the mask {list(mask_shape)} at index {j} does not match the shape of the indexed "
                f"tensor {list(view._shape)} at index {dim + j}"
            )


def _check_bounds(hosts, sizes, shape):
    """torch's error for the first out-of-range index (in row-major order over the
    broadcast index shape, then by index), naming the index's number, not its dim."""
    for host, size in zip(hosts, sizes):
        if host.size and (host.max() >= size or host.min() < -size):
            break
    else:
        return
    bad = np.stack([np.broadcast_to((h >= s) | (h < -s), shape) for h, s in zip(hosts, sizes)])
    bad = bad.reshape(len(hosts), -1)
    position = int(bad.any(axis=0).argmax())
    j = int(bad[:, position].argmax())
    value = np.broadcast_to(hosts[j], shape).reshape(-1)[position]
    raise IndexError(f"index {value} is out of bounds for dimension {j} with size {sizes[j]}")


def _jax_index(slots, arrays) -> tuple:
    arrays = iter(arrays)
    return tuple(next(arrays) if indexed else slice(None) for indexed in slots)


@functools.lru_cache(maxsize=1024)
def _gatherer(slots):
    """x, *index arrays -> x[index], jitted once for each index structure."""

    def gather(x, *arrays):
        return x.at[_jax_index(slots, arrays)].get(mode="promise_in_bounds")

    return jax.jit(gather)


@functools.lru_cache(maxsize=1024)
def _putter(slots):
    """x, value, *index arrays -> x with x[index] = value, jitted once for each index
    structure. Its gradient is torch's: with repeated indices every copy of a value
    gets the gradient, where JAX's would give it only to the copy that was written."""

    @jax.custom_vjp
    def put(x, v, *arrays):
        v = _cast(v.reshape(_strip_ones(v.shape)), x.dtype)
        return x.at[_jax_index(slots, arrays)].set(v, mode="promise_in_bounds")

    def put_fwd(x, v, *arrays):
        return put(x, v, *arrays), (v, arrays)

    def put_bwd(residuals, g):
        v, arrays = residuals
        index = _jax_index(slots, arrays)
        gv = _sum_to(g.at[index].get(mode="promise_in_bounds"), _strip_ones(v.shape)).reshape(v.shape)
        return (g.at[index].set(0), _cast(gv, v.dtype)) + (None,) * len(arrays)

    put.defvjp(put_fwd, put_bwd)
    return jax.jit(put)


def _sum_to(g, shape):
    """Sum a broadcast gradient back to `shape`."""
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and g.shape[lead + i] != 1)
    return jnp.sum(g, axis=axes, keepdims=True).reshape(shape) if axes else g.reshape(shape)


def _cast(v, dtype):
    """torch's conversion: complex to real keeps the real part, complex to bool tests both."""
    if jnp.iscomplexobj(v) and not jnp.issubdtype(dtype, jnp.complexfloating):
        v = v != 0 if dtype == np.bool_ else jnp.real(v)
    return v.astype(dtype)


# ---------------------------------------------------------------- writes
def _value_tensor(self, value) -> Tensor:
    """The value of `self[index] = value` as a Tensor: Python numbers become 0-d tensors
    of self's dtype, with torch's overflow checks."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, bool) or _is_int(value):
        value = _to_int(value)
    elif isinstance(value, float):
        value = float(value)
    elif isinstance(value, complex):
        value = complex(value)
    else:
        raise TypeError(f"can't assign a {_type_name(value)} to a {self.type()}")
    return Tensor._make(_scalar_array(value, self.dtype), self.dtype, self.device, shape=())


_C_TYPE_NAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
                 "float32": "float", "float64": "double", "float16": "double", "bfloat16": "double",
                 "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}
_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _scalar_array(value, dtype: _dtype.dtype):
    """A Python number converted to `dtype` as torch converts a Scalar, raising where
    torch's checked conversion finds an overflow (which includes a non-zero imaginary
    part into a real dtype, NaN into an integer, and fractions outside an int's range)."""
    if dtype is _dtype.bool:
        return scalar_array(bool(value), dtype)
    parts = (value.real, value.imag) if isinstance(value, complex) else (value,)
    if (isinstance(value, complex) and value.imag and not dtype.is_complex) or any(
            _overflows(p, dtype) for p in parts):
        raise RuntimeError(f"value cannot be converted to type {_C_TYPE_NAMES[dtype.name]} without overflow")
    if isinstance(value, complex) and not dtype.is_complex:
        value = value.real
    if dtype.itemsize == 2 and dtype.is_floating_point:
        with np.errstate(over="ignore"):  # float16 saturates to inf silently, as in torch
            return scalar_array(value, dtype)
    return scalar_array(value, dtype)


def _overflows(value, dtype: _dtype.dtype) -> bool:
    if dtype.category == _dtype.INT:
        info = np.iinfo(dtype.np)
        if isinstance(value, int):  # unsigned types also take negatives down to -max (they wrap)
            low = -int(info.max) if info.min == 0 else int(info.min)
            return not low <= value <= int(info.max)
        return math.isnan(value) or not float(info.min) <= value <= float(info.max)
    if dtype.name in ("float32", "complex64") and isinstance(value, float):
        return math.isfinite(value) and abs(value) > _FLOAT32_MAX
    return False


def _strip_ones(shape) -> tuple:
    """The shape without its leading 1s (torch drops them from values before writing)."""
    i = 0
    while i < len(shape) and shape[i] == 1:
        i += 1
    return tuple(shape[i:])


def _write(target, grad_name, fn, inputs, tensors):
    """Overwrite `target` with fn(*inputs), recording autograd as torch does for an
    in-place op (a CopySlices on the base when `target` is a view)."""
    grad = STATE.enabled and any(t is not None and t._requires_grad for t in tensors)
    history = capture_history(target) if grad else None
    target._write(fn(*inputs))
    if grad:
        record_inplace(history, grad_name, fn, inputs, tensors)


@functools.lru_cache(maxsize=1024)
def _copier(shape, dtype):
    """old, value -> value cast to dtype and broadcast to `shape` (after dropping its leading 1s)."""

    def copy(old, v):
        return jnp.broadcast_to(_cast(v.reshape(_strip_ones(v.shape)), dtype), shape)

    return jax.jit(copy)


def _copy_to(dst, src):
    """dst[...] = src for a basic index: torch copies (or fills, from a 0-d value)."""
    check_inplace_allowed(dst)
    if src.dtype.is_complex and not dst.dtype.is_complex:
        _warn_complex_once()
    if src._shape == dst._shape:
        grad_name = "CopyBackwards"
        if src is not dst and _overlap(dst, src, src._shape, src.stride()) == "partial":
            raise RuntimeError(_OVERLAP_ERROR)
    elif not src._shape:
        grad_name = "FillBackward3"
    else:
        grad_name = "CopyBackwards"
        shape = _strip_ones(src._shape)
        strides = _expanded_strides(src, shape, dst._shape)
        if _overlap(dst, src, dst._shape, strides) == "partial":
            raise RuntimeError(_OVERLAP_ERROR)
    value = src._data
    if src.device != dst.device:
        value = jax.device_put(value, _device.jax_device(dst.device))
    # The copy ignores dst's old value, which is read (through dst's view chain) only for autograd.
    old = dst._data if STATE.enabled and (dst._requires_grad or src._requires_grad) else None
    _write(dst, grad_name, _copier(dst._shape, dst.dtype.np), (old, value), (dst, src))


def _expanded_strides(src, shape, target) -> tuple:
    """The strides of src (seen with `shape`, its leading 1s dropped) expanded to
    `target`, with torch's errors where it does not expand."""
    if len(shape) > len(target):
        raise RuntimeError(
            f"expand({_type_string(src)}{{{list(shape)}}}, size={list(target)}): the number of sizes provided "
            f"({len(target)}) must be greater or equal to the number of dimensions in the tensor ({len(shape)})"
        )
    old_strides = src.stride()[len(src._shape) - len(shape):]
    lead = len(target) - len(shape)
    strides = [0] * len(target)
    for i in reversed(range(len(shape))):  # torch checks from the last dim
        size = shape[i]
        if size == target[lead + i]:
            strides[lead + i] = old_strides[i]
        elif size != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({target[lead + i]}) must match the existing size ({size}) at "
                f"non-singleton dimension {lead + i}.  Target sizes: {list(target)}.  Tensor sizes: {list(shape)}"
            )
    return tuple(strides)


def _type_string(t) -> str:
    """How torch's C++ errors name a tensor's type: the legacy `torch.FloatTensor` names
    where they exist, `CPUBoolType`-style names for the newer dtypes."""
    if t.dtype.name in ("bool", "bfloat16", "complex64", "complex128"):
        return f"{'CUDA' if t.is_cuda else 'CPU'}{type_name(t.dtype)}Type"
    return t.type()


def _index_put(view, advanced, value):
    """view[advanced indices] = value, as torch's index_put_."""
    check_inplace_allowed(view)
    shape = _strip_ones(value._shape)
    masks = [index for _, index in advanced if (index.dtype.np if isinstance(index, Tensor) else index.dtype)
             in _MASK_DTYPES]
    if len(advanced) == 1 and masks and value.numel() == 1 and value.device.type == "cpu":
        # torch fills through one mask with a one-element value: no dtype or shape checks
        # on the value beyond converting its item into view's dtype.
        dim, mask = advanced[0]
        _check_mask_shape(view, dim, mask.shape)
        if mask.dtype.np == np.uint8 if isinstance(mask, Tensor) else mask.dtype == np.uint8:
            raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype unsigned char")
        item = value.item()
        _scalar_array(int(item) if isinstance(item, bool) else item, view.dtype)  # torch's overflow checks
        slots, arrays = _check_advanced(view, advanced)
    else:
        if _overlap(view, value, shape, value.stride()[value.dim() - len(shape):]):
            raise RuntimeError(_OVERLAP_ERROR)
        for _, index in advanced:
            if isinstance(index, Tensor) and _overlap(view, index, index._shape, index.stride()):
                raise RuntimeError(_OVERLAP_ERROR)

        def check_value(result_shape):
            if not _expandable(shape, result_shape):
                raise RuntimeError(f"shape mismatch: value tensor of shape {list(shape)} cannot be broadcast to "
                                   f"indexing result of shape {list(result_shape)}")
            if value.dtype is not view.dtype:
                raise RuntimeError(
                    f"Index put requires the source and destination dtypes match, got {type_name(view.dtype)} for "
                    f"the destination and {type_name(value.dtype)} for the source."
                )

        slots, arrays = _check_advanced(view, advanced, check_value)
    _write(view, "IndexPutBackward0", _putter(slots), (view._data, value._data) + tuple(arrays),
           (view, value) + (None,) * len(arrays))


def _expandable(shape, target) -> bool:
    if len(shape) > len(target):
        return False
    return all(s == t or s == 1 for s, t in zip(reversed(shape), reversed(target)))


# ---------------------------------------------------------------- memory overlap
def _overlap(dst, src, shape, strides):
    """torch's get_overlap_status for dst and src seen with `shape` and `strides`:
    'full', 'partial', or None for no overlap (or one too hard to tell)."""
    if dst._storage is not src._storage or not math.prod(dst._shape) or not math.prod(shape):
        return None
    if not (_dense(dst._shape, dst.stride()) and _dense(shape, strides)):
        return None
    a_begin, b_begin = dst._offset * dst.dtype.itemsize, src._offset * src.dtype.itemsize
    a_end = a_begin + math.prod(dst._shape) * dst.dtype.itemsize
    b_end = b_begin + math.prod(shape) * src.dtype.itemsize
    if a_begin == b_begin and a_end == b_end:
        return "full" if tuple(dst.stride()) == tuple(strides) else "partial"
    return "partial" if a_begin < b_end and b_begin < a_end else None


def _dense(shape, strides) -> bool:
    """Whether the elements fill a block of memory without gaps or repeats."""
    if len(shape) == 1:
        return shape[0] < 2 or strides[0] == 1
    expected = 1
    for stride, size in sorted((st, sz) for sz, st in zip(shape, strides) if sz >= 2):
        if stride != expected:
            return False
        expected *= size
    return True
