"""Tensor.__getitem__ / __setitem__.

Basic indices (ints, slices, None, ...) give views through the `views` ops. Advanced
indices (int tensors, lists, bool masks) give copies laid out as torch (= numpy) lays
them out; they are bounds-checked on the host first, because JAX would silently clamp.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype
from .._registry import apply_fn, check_inplace_allowed, write_into
from .._tensor import Tensor
from . import views


def _is_advanced(item) -> bool:
    return isinstance(item, (Tensor, list, np.ndarray, bool)) and not (
        isinstance(item, Tensor) and item.dim() == 0 and item.dtype.category == _dtype.INT
    )


def _normalize(index) -> tuple:
    if not isinstance(index, tuple):
        index = (index,)
    for item in index:
        if not (item is None or item is Ellipsis or isinstance(item, (slice, int, Tensor, list, np.ndarray, bool,
                                                                       np.integer))):
            raise IndexError(
                "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices "
                f"(got {type(item).__name__})"
            )
    return index


def _consumed(item) -> int:
    """How many input dims an index item consumes."""
    if item is None or item is Ellipsis or isinstance(item, bool):
        return 0
    if isinstance(item, Tensor) and item.dtype is _dtype.bool:
        return item.dim()
    if isinstance(item, np.ndarray) and item.dtype == np.bool_:
        return item.ndim
    return 1


def _expand_ellipsis(self, index):
    used = sum(_consumed(i) for i in index)
    if used > self.dim():
        raise IndexError(f"too many indices for tensor of dimension {self.dim()}")
    if sum(1 for i in index if i is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    out = []
    for item in index:
        if item is Ellipsis:
            out.extend([slice(None)] * (self.dim() - used))
        else:
            out.append(item)
    if Ellipsis not in index:
        out.extend([slice(None)] * (self.dim() - used))
    return out


def _basic(self, index):
    """Apply ints, slices and None as views; advanced items are left as placeholders
    (slice(None)) and returned with the dim they index in the view's coordinates."""
    result, dim, advanced = self, 0, []
    for item in index:
        if item is None:
            result = views.unsqueeze(result, dim)
            dim += 1
        elif isinstance(item, slice):
            step = 1 if item.step is None else item.step.__index__()
            if step <= 0:
                raise ValueError("step must be greater than zero")
            start = None if item.start is None else item.start.__index__()
            stop = None if item.stop is None else item.stop.__index__()
            if not (start is None and stop is None and step == 1):
                result = views.slice_dim(result, dim, start, stop, step)
            dim += 1
        elif _is_advanced(item):
            advanced.append((dim, item))
            dim += _consumed(item) if not isinstance(item, bool) else 0
            if isinstance(item, bool):
                result = views.unsqueeze(result, dim)
                advanced[-1] = (dim, item)
                dim += 1
        else:
            result = views.select(result, dim, item.__index__())
    return result, advanced


def _index_arrays(view, advanced):
    """Convert advanced items to int64 numpy index arrays (bounds-checked), keyed by dim."""
    arrays = []
    for dim, item in advanced:
        if isinstance(item, bool):
            arrays.append((dim, np.zeros(1 if item else 0, np.int64)))
            continue
        value = np.asarray(item._data) if isinstance(item, Tensor) else np.asarray(item)
        if value.dtype == np.bool_ or value.dtype == np.uint8 and isinstance(item, Tensor):
            value = value.astype(bool)
            shape = view._shape[dim:dim + value.ndim]
            for k, (m, s) in enumerate(zip(value.shape, shape)):
                if m != s:
                    raise IndexError(
                        f"The shape of the mask {list(value.shape)} at index {k} does not match the shape of the "
                        f"indexed tensor {list(view._shape)} at index {dim + k}"
                    )
            for k, positions in enumerate(np.nonzero(value)):
                arrays.append((dim + k, positions.astype(np.int64)))
            continue
        if value.size == 0 and value.dtype.kind not in "iu":
            value = value.astype(np.int64)
        if value.dtype.kind not in "iu":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        size = view._shape[dim]
        bad = (value >= size) | (value < -size)
        if bad.any():
            raise IndexError(f"index {int(value[bad].flat[0])} is out of bounds for dimension {dim} with size {size}")
        arrays.append((dim, np.where(value < 0, value + size, value).astype(np.int64)))
    return arrays


def _jax_index(ndim, arrays):
    index = [slice(None)] * ndim
    for dim, array in arrays:
        index[dim] = array
    return tuple(index)


def getitem(self, index):
    index = _expand_ellipsis(self, _normalize(index))
    if self.dim() == 0 and not index:
        return views.alias(self)
    view, advanced = _basic(self, index)
    if not advanced:
        return view if view is not self else views.alias(self)
    jax_index = _jax_index(view.dim(), _index_arrays(view, advanced))
    return apply_fn("IndexBackward0", lambda x: x[jax_index], (view,), view.dtype)


def setitem(self, index, value):
    check_inplace_allowed(self)
    index = _expand_ellipsis(self, _normalize(index))
    view, advanced = _basic(self, index)
    if not advanced:
        target = view if view is not self else self
        if isinstance(value, Tensor):
            target.copy_(value)
        else:
            target.fill_(value)
        return
    jax_index = _jax_index(view.dim(), _index_arrays(view, advanced))
    if isinstance(value, Tensor):
        update = value.to(view.dtype)._data
    else:
        update = np.asarray(value).astype(view.dtype.np)
    new = view._data.at[jax_index].set(update)
    write_into(view, new, view.dtype, inplace=True)
