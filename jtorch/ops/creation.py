"""Tensor creation: tensor/as_tensor/from_numpy, constant fills, ranges, eye, *_like and new_*."""
from __future__ import annotations

import functools
import math
import numbers
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import _device, _dtype
from .._tensor import Tensor
from .views import shape_arg


def place(array, device) -> Tensor | object:
    """`array` (numpy or jax) as a jax array on the canonical jtorch `device`."""
    return jax.device_put(array, _device.jax_device(device))


def new_tensor_from(array, dtype, device, requires_grad=False) -> Tensor:
    t = Tensor._make(array, dtype, device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _resolve(dtype, device):
    return dtype, _device.canonical(device)


# ----------------------------------------------------------------- from data
def _infer_dtype(data) -> _dtype.dtype:
    """torch.tensor's dtype for Python data: the highest category of its scalars."""
    category = -1
    found_dtypes = []

    def walk(x):
        nonlocal category
        if isinstance(x, Tensor):
            found_dtypes.append(x.dtype)
            category = max(category, x.dtype.category)
        elif isinstance(x, np.ndarray):
            d = _dtype.from_numpy_dtype(x.dtype)
            found_dtypes.append(d)
            category = max(category, d.category)
        elif isinstance(x, (list, tuple)):
            for item in x:
                walk(item)
        elif isinstance(x, np.generic):
            d = _dtype.from_numpy_dtype(x.dtype)
            category = max(category, d.category)
        elif isinstance(x, numbers.Number):
            category = max(category, _dtype.number_category(x))
        else:
            raise TypeError(f"new(): invalid data type '{type(x).__name__}'")

    walk(data)
    if isinstance(data, (Tensor, np.ndarray, np.generic)):
        return _dtype.from_numpy_dtype(np.asarray(data).dtype) if not isinstance(data, Tensor) else data.dtype
    if category <= 0:
        return _dtype.bool if category == 0 else _dtype.get_default_dtype()
    if category == _dtype.INT:
        return _dtype.int64
    if category == _dtype.FLOAT:
        return _dtype.get_default_dtype()
    return _dtype.get_default_dtype().to_complex()


def _check_ragged(data, dim=0):
    """torch's ValueError for nested sequences of unequal lengths."""
    if not isinstance(data, (list, tuple)) or not data:
        return
    first = data[0]
    if isinstance(first, (list, tuple)):
        length = len(first)
        for item in data:
            if not isinstance(item, (list, tuple)):
                raise ValueError(f"expected sequence of length {length} at dim {dim + 1} (got {type(item).__name__})")
            if len(item) != length:
                raise ValueError(f"expected sequence of length {length} at dim {dim + 1} (got {len(item)})")
        for item in data:
            _check_ragged(item, dim + 1)


def _to_numpy(data, dtype: _dtype.dtype) -> np.ndarray:
    if isinstance(data, Tensor):
        return np.asarray(data.detach()._data).astype(dtype.np)
    if isinstance(data, (list, tuple)):
        _check_ragged(data)
        data = _unwrap_nested(data)
    array = np.asarray(data)
    if array.dtype.kind == "c" and not dtype.is_complex:
        array = array.real
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return array.astype(dtype.np)


def _unwrap_nested(data):
    if isinstance(data, (list, tuple)):
        return [_unwrap_nested(x) for x in data]
    if isinstance(data, Tensor):
        if data.numel() != 1 and data.dim() == 0:
            return data.item()
        return np.asarray(data.detach()._data).tolist() if data.dim() else data.item()
    return data


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """A new tensor copying `data` (nested sequences, numpy arrays, scalars, tensors)."""
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
            "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning, stacklevel=2,
        )
    if requires_grad and dtype is not None and dtype.category < _dtype.FLOAT:
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    dtype = dtype or _infer_dtype(data)
    device = _device.canonical(device if device is not None or not isinstance(data, Tensor) else data.device)
    return new_tensor_from(place(_to_numpy(data, dtype), device), dtype, device, requires_grad)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Shares memory with `data` where torch would (a Tensor, or a CPU numpy array)."""
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype) if device is not None or dtype is not None else data
    if isinstance(data, np.ndarray) and (device is None or _device.canonical(device).type == "cpu"):
        shared = from_numpy(data)
        return shared if dtype is None or dtype is shared.dtype else shared.to(dtype)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(array: np.ndarray) -> Tensor:
    """A CPU tensor sharing `array`'s memory: writes on either side show on the other."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    if not array.dtype.isnative:
        raise ValueError(
            "given numpy array has byte order different from the native byte order. Conversion between byte orders "
            "is currently not supported."
        )
    dtype = _dtype.from_numpy_dtype(array.dtype)
    if any(s < 0 for s in array.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with negative strides are not "
            "currently supported. (You can probably work around this by making a copy of your array  with "
            "array.copy().) "
        )
    if any(s % array.itemsize for s in array.strides):
        raise ValueError("given numpy array strides not a multiple of the element byte size. Copy the numpy array "
                         "to reallocate the memory.")
    if not array.flags.writeable:
        warnings.warn(
            "The given NumPy array is not writable, and PyTorch does not support non-writable tensors. This means "
            "writing to this tensor will result in undefined behavior. You may want to copy the array to protect its "
            "data or make it writable before converting it to a tensor. This type of warning will be suppressed for "
            "the rest of this program.", UserWarning, stacklevel=2,
        )
    t = Tensor._make(None, dtype, _device.CPU, host=array)
    t._strides = tuple(s // array.itemsize for s in array.strides)
    return t


# ----------------------------------------------------------------- constant fills
@functools.lru_cache(maxsize=4096)
def _filler(shape, np_dtype):
    return jax.jit(lambda value: jnp.full(shape, value, np_dtype))


def _fill_dtype(fill_value) -> _dtype.dtype:
    if isinstance(fill_value, Tensor):
        return fill_value.dtype
    category = _dtype.number_category(fill_value)
    return (_dtype.bool, _dtype.int64, _dtype.get_default_dtype(), _dtype.get_default_dtype().to_complex())[category]


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False) -> Tensor:
    size = shape_arg((size,))
    if any(s < 0 for s in size):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: {list(size)}")
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    dtype = dtype or (out.dtype if out is not None else _fill_dtype(fill_value))
    if requires_grad and dtype.category < _dtype.FLOAT:
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    device = _device.canonical(device if device is not None else (out.device if out is not None else None))
    value = np.asarray(fill_value).astype(dtype.np) if not dtype.is_complex else np.asarray(fill_value, dtype.np)
    with jax.default_device(_device.jax_device(device)):
        array = _filler(size, dtype.np)(value)
    if out is not None:
        from .._registry import write_into
        return write_into(out, array, dtype, inplace=False)
    return new_tensor_from(array, dtype, device, requires_grad)


def _sized(fill):
    def create(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
               memory_format=None):
        dtype = dtype or (out.dtype if out is not None else _dtype.get_default_dtype())
        return full(shape_arg(size), fill, out=out, dtype=dtype, device=device, requires_grad=requires_grad)

    return create


zeros = _sized(0)
ones = _sized(1)
empty = _sized(0)  # jtorch's "uninitialized" memory is zeros
zeros.__name__, ones.__name__, empty.__name__ = "zeros", "ones", "empty"


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    t = empty(size, dtype=dtype, device=device, requires_grad=requires_grad)
    t._strides = tuple(stride)
    return t


def _like(fill):
    def create(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
        return full(input._shape, fill, dtype=dtype or input.dtype,
                    device=device if device is not None else input.device, requires_grad=requires_grad)

    return create


zeros_like, ones_like, empty_like = _like(0), _like(1), _like(0)
zeros_like.__name__, ones_like.__name__, empty_like.__name__ = "zeros_like", "ones_like", "empty_like"


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return full(input._shape, fill_value, dtype=dtype or input.dtype,
                device=device if device is not None else input.device, requires_grad=requires_grad)


def _new(fill):
    def create(self, *size, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
        return full(shape_arg(size), fill, dtype=dtype or self.dtype,
                    device=device if device is not None else self.device, requires_grad=requires_grad)

    return create


new_zeros, new_ones, new_empty = _new(0), _new(1), _new(0)


def new_full(self, size, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    return full(size, fill_value, dtype=dtype or self.dtype, device=device if device is not None else self.device,
                requires_grad=requires_grad)


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
            "sourceTensor.detach().clone().requires_grad_(True), rather than tensor.new_tensor(sourceTensor).",
            UserWarning, stacklevel=2,
        )
    return tensor(data, dtype=dtype or self.dtype, device=device if device is not None else self.device,
                  requires_grad=requires_grad)


def legacy_tensor_constructor(cls, *args, **kwargs):
    """torch.Tensor(...): sizes make an uninitialized default-dtype tensor, data copies."""
    device = kwargs.pop("device", None)
    if kwargs:
        raise TypeError(f"new() received an invalid combination of arguments - got ({', '.join(kwargs)})")
    if not args:
        return empty(0, device=device)
    if len(args) == 1 and not isinstance(args[0], int):
        data = args[0]
        if isinstance(data, Tensor):
            return data
        return tensor(data, dtype=_dtype.get_default_dtype(), device=device)
    return empty(*args, device=device)


# ----------------------------------------------------------------- ranges
def _range_dtype(*values):
    if any(isinstance(v, Tensor) and v.dtype.category >= _dtype.FLOAT or isinstance(v, (float, np.floating))
           for v in values):
        return _dtype.get_default_dtype()
    return _dtype.int64


def _scalar(v):
    return v.item() if isinstance(v, Tensor) else v


def _created(values: np.ndarray, dtype, device, requires_grad, out):
    device = _device.canonical(device if device is not None else (out.device if out is not None else None))
    if out is not None:
        from .._registry import write_into
        return write_into(out, place(values, device), dtype, inplace=False)
    return new_tensor_from(place(values, device), dtype, device, requires_grad)


def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
           pin_memory=False) -> Tensor:
    """Values from start to end (exclusive); int64 unless some bound is a float."""
    if end is None:
        start, end = 0, start
    start, end, step = _scalar(start), _scalar(end), _scalar(step)
    dtype = dtype or (out.dtype if out is not None and False else _range_dtype(start, end, step))
    for v in (start, end):
        if isinstance(v, float) and not math.isfinite(v):
            raise RuntimeError(f"unsupported range: {start} -> {end}")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0 and end != start:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype.category <= _dtype.INT:
        length = math.ceil((end - start) / step) if not all(isinstance(v, int) for v in (start, end, step)) else \
            -((start - end) // step)
        values = (np.int64(start) + np.arange(max(length, 0), dtype=np.int64) * np.int64(step)) if all(
            isinstance(v, int) for v in (start, end, step)) else (start + np.arange(max(length, 0)) * step)
    else:
        length = math.ceil((end - start) / step)
        values = start + np.arange(max(length, 0), dtype=np.float64) * step
    return _created(np.asarray(values).astype(dtype.np), dtype, device, requires_grad, out)


def range(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):  # noqa: A001
    """Deprecated torch.range: includes `end`."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=2)
    dtype = dtype or _dtype.get_default_dtype()
    length = int(math.floor((end - start) / step)) + 1
    values = start + np.arange(max(length, 0), dtype=np.float64) * step
    return _created(values.astype(dtype.np), dtype, device, requires_grad, out)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    start, end = _scalar(start), _scalar(end)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dtype = dtype or (_dtype.get_default_dtype().to_complex() if isinstance(start, complex) or isinstance(end, complex)
                      else _dtype.get_default_dtype())
    calc = np.complex128 if dtype.is_complex else np.float64
    index = np.arange(steps, dtype=np.float64)
    if steps == 1:
        values = np.full(1, start, calc)
    else:
        step = (end - start) / (steps - 1) if steps > 1 else 0
        halfway = steps // 2
        values = np.where(index < halfway, start + step * index, end - step * (steps - 1 - index)).astype(calc)
    if dtype.category <= _dtype.INT:
        values = np.trunc(np.real(values))
    return _created(values.astype(dtype.np), dtype, device, requires_grad, out)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    dtype = dtype or _dtype.get_default_dtype()
    exponents = np.asarray(linspace(start, end, steps, dtype=_dtype.float64)._data)
    return _created(np.power(base, exponents).astype(dtype.np), dtype, device, requires_grad, out)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    m = n if m is None else m
    if m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    dtype = dtype or _dtype.get_default_dtype()
    return _created(np.eye(n, m, dtype=dtype.np), dtype, device, requires_grad, out)
