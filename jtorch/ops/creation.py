"""Tensor creation: tensor/as_tensor/from_numpy, constant fills, ranges, eye, *_like and new_*.

Values whose exact bits follow from torch's C++ code (torch.tensor's per-element
conversion, arange/linspace/logspace) are computed on the host with numpy, replaying
torch's arithmetic step by step, and then placed on the device. Constant fills run as
one jitted fill.
"""
from __future__ import annotations

import functools
import math
import operator
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import _device, _dtype
from .._dtype import BOOL, COMPLEX, FLOAT, INT
from .._registry import type_name, write_into
from .._tensor import Size, Tensor, contiguous_strides
from .._views import Reshape, dense_strides_like, non_overlapping_and_dense
from ..autograd.grad_mode import STATE
from .conversion import _copy_strides as _layout_of, _laid_out, channels_last, channels_last_3d, channels_last_strides
from .conversion import preserve_format
from .views import as_strided, make_view

_py_range = range  # this module defines torch.range
_MISSING = object()  # an argument not given, where None is an error


def place(array, device) -> Tensor | object:
    """`array` (numpy or jax) as a jax array on the canonical jtorch `device`."""
    return _device.from_host(array, _device.jax_device(device))


def _resolve(dtype, device):
    return dtype, _device.canonical(device)


def _requires_grad(t: Tensor, requires_grad) -> Tensor:
    if requires_grad:
        if t.dtype.category < FLOAT:
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t._requires_grad = True
    return t


# ----------------------------------------------------------------- argument parsing
def _tp_name(x) -> str:
    """The type name torch's argument errors print (C types keep their module: numpy.float64)."""
    if isinstance(x, Tensor):
        return "Tensor"
    tp = type(x)
    return tp.__name__ if tp.__module__ == "builtins" else f"{tp.__module__}.{tp.__name__}"


_PY_DTYPES = {float: _dtype.float64, int: _dtype.int64, bool: _dtype.bool, complex: _dtype.complex128}


def dtype_arg(fn, dtype):
    """A `dtype=` argument: a torch dtype, or a Python type torch maps to one (float -> float64)."""
    if dtype is None or isinstance(dtype, _dtype.dtype):
        return dtype
    if isinstance(dtype, type) and dtype in _PY_DTYPES:
        return _PY_DTYPES[dtype]
    raise TypeError(f"{fn}(): argument 'dtype' must be torch.dtype, not {_tp_name(dtype)}")


def _as_int(x):
    """`x` as an int where torch's int arguments accept it (ints, numpy ints, integer 0-d tensors)."""
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return int(x)
    if isinstance(x, Tensor) and x.dim() == 0 and x.dtype.category == INT:
        return int(x.item())
    return None


def size_arg(fn, args, *, varargs=True, keyword=False, name="size", pos=1) -> tuple:
    """A size: ints as varargs (where the signature allows), or one tuple, list or torch.Size."""
    where = "" if keyword else f" (position {pos})"
    if len(args) > 1 and isinstance(args[0], (tuple, list)):
        raise TypeError(f"{fn}() takes 1 positional argument but {len(args)} were given")
    items = args
    if len(args) == 1 and not (varargs and _as_int(args[0]) is not None):
        if not isinstance(args[0], (tuple, list)):
            raise TypeError(f"{fn}(): argument '{name}'{where} must be tuple of ints, not {_tp_name(args[0])}")
        items = args[0]
    size = []
    for i, item in enumerate(items):
        if isinstance(item, bool):
            raise TypeError(f"{fn}(): argument '{name}'{where} must be tuple of ints, but found element of type "
                            f"bool at pos {i}")
        value = _as_int(item)
        error = None if value is not None else f"type must be tuple of ints,but got {_tp_name(item)}"
        if value is not None and not -2**63 <= value < 2**63:
            error = "Overflow when unpacking long long\n"  # torch appends a C++ backtrace here
        if error:
            raise TypeError(f"{fn}(): argument '{name}' failed to unpack the object at pos {i + 1} with error "
                            f"\"{error}\"")
        size.append(value)
    return tuple(size)


def _sizes(fn, args, size) -> tuple:
    """The size of a factory taking `*size` or `size=`."""
    if size is not None:
        if args:
            raise TypeError(f"{fn}() got multiple values for argument 'size'")
        return size_arg(fn, (size,), varargs=False, keyword=True)
    if not args:
        raise TypeError(f'{fn}() missing 1 required positional arguments: "size"')
    return size_arg(fn, args)


def _check_size(fn, size):
    for s in size:
        if s < 0:
            if fn == "zeros":
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")


def int_arg(fn, name, pos, value) -> int:
    result = _as_int(value)
    if result is None:
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be int, not {_tp_name(value)}")
    return result


def scalar_arg(fn, name, pos, value):
    """A Number argument as torch parses it: a Python or numpy number, or a 0-d tensor not
    requiring grad, as a Python bool, int, float or complex (ints up to 2**64 - 1)."""
    if isinstance(value, Tensor):
        if value.dim() == 0 and not value.requires_grad:
            return value.item()
    elif isinstance(value, bool):
        return value
    elif isinstance(value, (int, np.integer)):
        value = int(value)
        if value >= 2**64:
            raise OverflowError("int too big to convert")
        if value < -2**63:
            raise OverflowError("can't convert negative int to unsigned")
        return value
    elif isinstance(value, complex):
        return complex(value)
    elif isinstance(value, (float, np.number, np.bool_)):
        return float(value)  # numpy's complex64 warns and drops the imaginary part, as in torch
    raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Number, not {_tp_name(value)}")


# ----------------------------------------------------------------- checked number conversion
_C_TYPES = {"bool": "bool", "uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int",
            "int64": "int64_t", "float16": "c10::Half", "bfloat16": "c10::BFloat16", "float32": "float",
            "float64": "double", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def _overflow(name) -> RuntimeError:
    return RuntimeError(f"value cannot be converted to type {name} without overflow")


def _overflows(value, dtype) -> bool:
    """c10::overflows: whether a Python number does not fit `dtype`. Unsigned ints also take
    negative ints down to -max (they wrap); infinities and NaN fit floating dtypes."""
    if dtype is _dtype.bool:
        return False
    if isinstance(value, complex):
        if not dtype.is_complex and value.imag != 0:
            return True
        parts = (value.real, value.imag) if dtype.is_complex else (value.real,)
        return any(_overflows(p, dtype.to_real()) for p in parts)
    if dtype.category == INT:
        info = np.iinfo(dtype.np)
        if isinstance(value, float):
            return not info.min <= value <= info.max  # NaN fails too
        low = -int(info.max) if info.min == 0 else int(info.min)
        return not low <= value <= info.max
    if isinstance(value, float) and not math.isfinite(value):
        return False
    limit = float(jnp.finfo(dtype.to_real().np).max)
    return not -limit <= value <= limit


def cast_float(array: np.ndarray, dtype) -> np.ndarray:
    """`array` cast to a floating or complex dtype as torch's C++ casts do: to half or
    bfloat16 from anything wider goes through float32 (so it rounds twice)."""
    with np.errstate(over="ignore", invalid="ignore"):
        if dtype in (_dtype.float16, _dtype.bfloat16) and array.dtype not in (np.float32, np.float16):
            array = np.real(array).astype(np.float32)
        return array.astype(dtype.np)


def _cast_int(array: np.ndarray, dtype) -> np.ndarray:
    """C's float-to-int cast on x86 (out of range gives the minimum int); types narrower
    than int convert to int first."""
    with np.errstate(invalid="ignore", over="ignore"):
        if dtype.itemsize < 4:
            return array.astype(np.int32).astype(dtype.np)
        return array.astype(dtype.np)


def scalar_to(value, dtype) -> np.generic:
    """c10's Scalar::to<T>: a Python number as a numpy scalar of `dtype`, or torch's overflow
    error. Floats truncate to ints; ints wrap into uint8."""
    if _overflows(value, dtype):
        raise _overflow(_C_TYPES[dtype.name])
    if dtype is _dtype.bool:
        return np.bool_(value != 0)
    if isinstance(value, complex) and not dtype.is_complex:
        value = value.real
    if dtype.category == INT:
        return np.int64(int(value)).astype(dtype.np)
    return cast_float(np.array(value), dtype)[()]


def _fill_value(value, dtype, numel) -> np.generic:
    if numel == 1 and dtype in (_dtype.float16, _dtype.bfloat16):
        # torch fills one-element half tensors through an unchecked cast from double.
        return cast_float(np.array(float(scalar_to(value, _dtype.float64))), dtype)[()]
    return scalar_to(value, dtype)


# ----------------------------------------------------------------- results and out=
def _out_dtype(fn, out, dtype):
    """The dtype to build for `out=`, which a given `dtype` must match (None without out)."""
    if out is None:
        return dtype
    if not isinstance(out, Tensor):
        raise TypeError(f"{fn}(): argument 'out' must be Tensor, not {_tp_name(out)}")
    if dtype is not None and dtype is not out.dtype:
        raise RuntimeError(f"dtype {type_name(dtype)} does not match dtype of out parameter ({type_name(out.dtype)})")
    return out.dtype


def _finish(fn, array, dtype, device, requires_grad=False, out=None, strides=None) -> Tensor:
    """Wrap a jax `array` already on `device` as the result, or store it into `out`."""
    if out is None:
        t = _laid_out(Tensor._make(array, dtype, device, shape=tuple(array.shape)), strides)
        return _requires_grad(t, requires_grad)
    if STATE.enabled and out.requires_grad:
        raise RuntimeError(f"aten::{fn}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    if out._shape != tuple(array.shape):
        out.resize_(tuple(array.shape))  # factories resize `out` without a warning
    write_into(out, array, out.dtype, inplace=False)
    return _requires_grad(out, requires_grad)


def _host_result(fn, values: np.ndarray, dtype, device, requires_grad=False, out=None, strides=None) -> Tensor:
    device = _device.canonical(device if device is not None or out is None else out.device)
    return _finish(fn, place(values, device), dtype, device, requires_grad, out, strides)


def _copy_strides(shape, strides):
    """The strides torch's preserve_format gives a copy: the source's when they are dense
    and non-overlapping, else contiguous ones in the source's dim order."""
    if math.prod(shape) == 0 or non_overlapping_and_dense(shape, strides):
        return tuple(strides)
    return dense_strides_like(shape, strides)


# ----------------------------------------------------------------- from data
_NUMPY_TYPES = ("float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint64, uint32, "
                "uint16, uint8, and bool")
_WARNED = set()


def _warn_once(key, message):
    """torch's TORCH_WARN_ONCE: a warning shown once per process."""
    if key not in _WARNED:
        _WARNED.add(key)
        warnings.warn(message, UserWarning, stacklevel=4)


def numpy_dtype(np_dtype) -> _dtype.dtype:
    """The torch dtype of a numpy dtype, with torch's TypeError for the ones it lacks.

    Differences from torch: jtorch has no uint16, uint32 or uint64 tensors."""
    np_dtype = np.dtype(np_dtype)
    for d in _dtype.ALL_DTYPES:
        if d.np == np_dtype.newbyteorder("=") and d is not _dtype.bfloat16:
            return d
    name = f"{np_dtype.type.__module__}.{np_dtype.type.__name__}"
    if np_dtype.kind == "u":
        raise TypeError(f"can't convert np.ndarray of type {name}: jtorch has no {np_dtype.name} dtype")
    raise TypeError(f"can't convert np.ndarray of type {name}. The only supported types are: {_NUMPY_TYPES}.")


def _numpy_source(array: np.ndarray, warn_readonly: bool):
    """Check `array` as torch's tensor_from_numpy does; returns (dtype, element strides)."""
    if warn_readonly and not array.flags.writeable:
        _warn_once("readonly", "The given NumPy array is not writable, and PyTorch does not support non-writable "
                   "tensors. This means writing to this tensor will result in undefined behavior. You may want to "
                   "copy the array to protect its data or make it writable before converting it to a tensor. This "
                   "type of warning will be suppressed for the rest of this program.")
    dtype = numpy_dtype(array.dtype)
    if any(s % array.itemsize for s in array.strides):
        raise ValueError("given numpy array strides not a multiple of the element byte size. Copy the numpy array "
                         "to reallocate the memory.")
    if any(s < 0 for s in array.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with negative strides are not "
            "currently supported. (You can probably work around this by making a copy of your array  with "
            "array.copy().) ")
    if not array.dtype.isnative:
        raise ValueError("given numpy array has byte order different from the native byte order. Conversion "
                         "between byte orders is currently not supported.")
    return dtype, tuple(s // array.itemsize for s in array.strides)


def _numpy_values(array: np.ndarray, dtype) -> np.ndarray:
    """A C-ordered copy of `array` converted to `dtype` as torch's casts do."""
    if array.dtype.kind == "c" and not dtype.is_complex and dtype is not _dtype.bool:
        array = array.real
    if dtype is _dtype.bool:
        values = array != 0
    elif dtype.category == INT and array.dtype.kind == "f":
        # c10 converts floats to uint8 through int64; other ints take C's cast.
        values = _cast_int(array, _dtype.int64).astype(np.uint8) if dtype is _dtype.uint8 else _cast_int(array, dtype)
    elif dtype.category >= FLOAT:
        values = cast_float(array, dtype)
    else:
        values = array.astype(dtype.np)
    return np.ascontiguousarray(values).reshape(values.shape)  # ascontiguousarray makes 0-d arrays 1-d


def _is_sequence(x) -> bool:
    """Python's PySequence_Check as torch applies it to nested data: tensors, dicts and
    numpy scalars are not sequences; 0-d numpy arrays are (with no len())."""
    if isinstance(x, (list, tuple)):
        return True
    return not isinstance(x, (Tensor, dict, np.generic)) and hasattr(type(x), "__getitem__")


def _compute_sizes(data) -> list:
    """The shape of nested data, following the first element at each level."""
    sizes, seq = [], data
    while _is_sequence(seq):
        if isinstance(seq, str) and seq:
            raise ValueError("too many dimensions 'str'")  # a string's first item is a string, forever
        sizes.append(len(seq))
        if len(sizes) > 64:
            raise ValueError(f"too many dimensions '{_tp_name(seq)}'")
        if not sizes[-1]:
            break
        seq = seq[0]
    return sizes


def _infer_dtype(obj) -> _dtype.dtype:
    """torch.tensor's dtype for data: the promotion of its elements' types (Python ints
    count as int64, floats as the default dtype)."""
    if isinstance(obj, (np.ndarray, np.generic)):
        return numpy_dtype(obj.dtype)
    if isinstance(obj, Tensor):
        return obj.dtype
    if isinstance(obj, bool):
        return _dtype.bool
    if isinstance(obj, int):
        return _dtype.int64
    if isinstance(obj, float):
        return _dtype.get_default_dtype()
    if isinstance(obj, complex):
        return _dtype.get_default_dtype().to_complex()
    if isinstance(obj, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{_tp_name(obj)}'")
    if not _is_sequence(obj):
        raise RuntimeError(f"Could not infer dtype of {_tp_name(obj)}")
    result = _dtype.get_default_dtype() if len(obj) == 0 else None
    simple = {int: _dtype.int64, float: _dtype.get_default_dtype(), bool: _dtype.bool}  # a fast path
    for i in _py_range(len(obj)):
        item = obj[i]
        if item is obj:
            raise TypeError("new(): self-referential lists are incompatible")
        d = simple.get(type(item)) or _infer_dtype(item)
        if d is not result:
            result = d if result is None else _dtype.promote_types(result, d)
        if result is _dtype.complex128:
            break
    return result


def _flatten(obj, sizes, dim, leaves):
    """Append the elements of nested data of shape `sizes` to `leaves`, checking lengths."""
    if dim == len(sizes):
        leaves.append(obj)
        return
    if isinstance(obj, (list, tuple)):
        seq = obj
    else:
        try:
            seq = list(iter(obj))
        except TypeError:
            raise TypeError("not a sequence") from None
    if len(seq) != sizes[dim]:
        raise ValueError(f"expected sequence of length {sizes[dim]} at dim {dim} (got {len(seq)})")
    if dim + 1 == len(sizes) and not any(isinstance(item, np.ndarray) for item in seq):
        leaves.extend(seq)  # a fast path for the innermost level
        return
    for item in seq:
        if isinstance(item, np.ndarray):
            _warn_once("ndarrays", "Creating a tensor from a list of numpy.ndarrays is extremely slow. Please "
                       "consider converting the list to a single numpy.ndarray with numpy.array() before "
                       "converting to a tensor.")
        _flatten(item, sizes, dim + 1, leaves)


# Per-element conversions of torch.tensor's data (torch's store_scalar), which differ from
# Python's int()/float(): they go through __index__ or __float__, and tensors must hold one element.
def _item(t: Tensor):
    if t.numel() != 1:
        raise ValueError("only one element tensors can be converted to Python scalars")
    if t.requires_grad:
        warnings.warn("Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                      "Consider using tensor.detach() first.", UserWarning, stacklevel=5)
    return t.item()


def _index(x) -> int:
    if isinstance(x, Tensor):
        if x.dtype.category > INT or x.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(x.item())
    return operator.index(x)


def _to_float(x) -> float:
    if isinstance(x, float):
        return float(x)
    if isinstance(x, Tensor):
        value = _item(x)
        if isinstance(value, complex):
            if value.imag != 0:
                raise _overflow("double")
            value = value.real
        return float(value)
    tp = type(x)
    if hasattr(tp, "__float__"):
        return tp.__float__(x)
    if hasattr(tp, "__index__"):
        return float(tp.__index__(x))
    raise TypeError(f"must be real number, not {_tp_name(x)}")


def _to_complex(x) -> complex:
    if isinstance(x, complex):
        return complex(x)
    if isinstance(x, Tensor):
        return complex(_item(x))
    if hasattr(type(x), "__complex__"):
        return type(x).__complex__(x)
    return complex(_to_float(x))


def _to_int(x, dtype) -> int:
    if isinstance(x, float):
        value = float(x)
        if _overflows(value, dtype):
            raise _overflow(dtype.name)
        return int(value)
    value = _index(x)
    if not -2**63 <= value < 2**63:
        raise ValueError("Overflow when unpacking long long")
    if _overflows(value, dtype):
        raise _overflow(dtype.name)
    return value


def _to_bool(x) -> bool:
    if isinstance(x, (float, np.bool_)):
        return bool(x)
    if isinstance(x, complex):
        return x != 0
    return _index(x) != 0


def _leaf_values(leaves, dtype) -> np.ndarray:
    """The elements converted to `dtype` (plain Python numbers in range take a fast path)."""
    if dtype.category == BOOL:
        return np.array([x if type(x) is bool else _to_bool(x) for x in leaves], np.bool_)
    if dtype.category == INT:
        info = np.iinfo(dtype.np)
        low, high = -int(info.max) if info.min == 0 else int(info.min), int(info.max)
        values = [x if type(x) is int and low <= x <= high else _to_int(x, dtype) for x in leaves]
        return np.array(values, np.int64).astype(dtype.np)
    if dtype.category == FLOAT:
        return cast_float(np.array([x if type(x) is float else _to_float(x) for x in leaves], np.float64), dtype)
    return np.array([_to_complex(x) for x in leaves], np.complex128).astype(dtype.np)


def _from_data(data, dtype, *, warn_readonly=False):
    """(numpy values, dtype, strides) of a new tensor holding `data`, as torch builds it."""
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{_tp_name(data)}'")
    if isinstance(data, np.ndarray):
        source, strides = _numpy_source(data, warn_readonly)
        dtype = dtype or source
        return _numpy_values(data, dtype), dtype, _copy_strides(data.shape, strides)
    sizes = _compute_sizes(data)
    dtype = dtype or _infer_dtype(data)
    leaves = []
    if math.prod(sizes):  # torch reads no elements when there are none (so [[], [1]] is fine)
        _flatten(data, sizes, 0, leaves)
    return _leaf_values(leaves, dtype).reshape(sizes), dtype, None


_COPY_WARNING = ("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
                 "sourceTensor.detach().clone().requires_grad_(True), rather than {}(sourceTensor).")


def _copy_tensor(data: Tensor, dtype, device) -> Tensor:
    return data.detach().to(device=device, dtype=dtype or data.dtype, copy=True)


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """A new tensor holding a copy of `data`: nested sequences of numbers or 0-d tensors,
    numpy arrays or scalars, Python numbers, or a tensor (with torch's warning).
    Implements `torch.tensor`."""
    dtype = dtype_arg("tensor", dtype)
    if isinstance(data, Tensor):
        warnings.warn(_COPY_WARNING.format("torch.tensor"), UserWarning, stacklevel=2)
        return _requires_grad(_copy_tensor(data, dtype, device), requires_grad)
    values, dtype, strides = _from_data(data, dtype)
    return _host_result("tensor", values, dtype, device, requires_grad, strides=strides)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """`data` as a tensor, sharing memory where torch does: a tensor is returned as is
    (or converted), a CPU numpy array is shared. Implements `torch.as_tensor`."""
    dtype = dtype_arg("as_tensor", dtype)
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype)
    if isinstance(data, np.ndarray):
        shared = from_numpy(data)
        if dtype is None or dtype is shared.dtype:
            return shared.to(device=device)
    values, dtype, strides = _from_data(data, dtype)
    return _host_result("as_tensor", values, dtype, device, strides=strides)


def from_numpy(array) -> Tensor:
    """A CPU tensor sharing `array`'s memory: writes on either side show on the other.
    Implements `torch.from_numpy`."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {_tp_name(array)})")
    dtype, strides = _numpy_source(array, warn_readonly=True)
    t = Tensor._make(None, dtype, _device.CPU, host=array)
    if strides != contiguous_strides(array.shape):
        t._strides = strides
    return t


def legacy_tensor_constructor(cls, *args, **kwargs):
    """torch.Tensor(...): sizes give an uninitialized default-dtype tensor, a sequence or
    numpy array is copied to the default dtype, a tensor is aliased."""
    device = kwargs.pop("device", None)
    if kwargs:
        got = [_tp_name(a) for a in args] + [f"{k}={'torch.dtype' if k == 'dtype' else _tp_name(v)}"
                                              for k, v in kwargs.items()]
        raise TypeError(f"new() received an invalid combination of arguments - got ({', '.join(got)}), but "
                        "expected one of: (*, torch.device device = None), (Tensor other), (tuple of ints size, *, "
                        "torch.device device = None), (object data, *, torch.device device = None)")
    dtype = _dtype.get_default_dtype()
    if len(args) == 1 and isinstance(args[0], Tensor):
        data = args[0]
        return make_view(data, Reshape(data._shape), data._shape, data.stride(), data._offset, "AliasBackward0")
    if len(args) == 1 and not isinstance(args[0], Size) and _as_int(args[0]) is None:
        data = args[0]
        if not _is_sequence(data):
            raise TypeError(f"new(): data must be a sequence (got {_tp_name(data)})")
        values, _, strides = _from_data(data, dtype, warn_readonly=True)
        return _host_result("new", values, dtype, device, strides=strides)
    size = size_arg("new", args) if args else (0,)
    return _fill("new", size, 0, dtype, device)


# ----------------------------------------------------------------- constant fills
@functools.lru_cache(maxsize=4096)
def _filler(shape, np_dtype):
    return jax.jit(lambda value: jnp.full(shape, value, np_dtype))


def _fill(fn, size, value, dtype, device, requires_grad=False, out=None, strides=None) -> Tensor:
    """A tensor of `size` filled with the number `value` converted to `dtype`."""
    _check_size(fn, size)
    value = _fill_value(value, dtype, math.prod(size))
    device = _device.canonical(device if device is not None or out is None else out.device)
    with jax.default_device(_device.jax_device(device)):
        array = _filler(size, dtype.np)(value)
    return _finish(fn, array, dtype, device, requires_grad, out, strides)


def _fill_dtype(value) -> _dtype.dtype:
    """torch.full's dtype for a fill value: bool, int64, or the default (complex) dtype."""
    if isinstance(value, bool):
        return _dtype.bool
    if isinstance(value, int):
        return _dtype.int64
    default = _dtype.get_default_dtype()
    return default.to_complex() if isinstance(value, complex) else default


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False) -> Tensor:
    """A tensor of `size` filled with `fill_value`, whose type gives the dtype when none is
    given (bool, int64, or the default float or complex dtype). Implements `torch.full`."""
    size = size_arg("full", (size,), varargs=False)
    fill_value = scalar_arg("full", "fill_value", 2, fill_value)
    dtype = _out_dtype("full", out, dtype_arg("full", dtype)) or _fill_dtype(fill_value)
    return _fill("full", size, fill_value, dtype, device, requires_grad, out)


def _constant(name, fill):
    def create(*args, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
               pin_memory=False, memory_format=None) -> Tensor:
        shape = _sizes(name, args, size)
        dtype = _out_dtype(name, out, dtype_arg(name, dtype)) or _dtype.get_default_dtype()
        return _fill(name, shape, fill, dtype, device, requires_grad, out, _format_strides(shape, memory_format))

    create.__name__ = create.__qualname__ = name
    create.__doc__ = f"A tensor of the given size filled with {fill}. Implements `torch.{name}`."
    return create


def _format_strides(shape, fmt):
    """The strides torch.empty gives `shape` in memory format `fmt` (None: row-major)."""
    if fmt is preserve_format:
        raise RuntimeError("unsupported memory format Preserve")
    if fmt is channels_last or fmt is channels_last_3d:
        return channels_last_strides(shape, fmt)
    return None


zeros = _constant("zeros", 0)
ones = _constant("ones", 1)
empty = _constant("empty", 0)  # jtorch's "uninitialized" memory is zeros


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                  pin_memory=False) -> Tensor:
    """An uninitialized (zero) tensor reporting the given strides. Implements `torch.empty_strided`."""
    size = size_arg("empty_strided", (size,), varargs=False)
    stride = size_arg("empty_strided", (stride,), varargs=False, name="stride")
    if len(size) != len(stride):
        raise RuntimeError(f"dimensionality of sizes ({len(size)}) must match dimensionality of strides "
                           f"({len(stride)})")
    _check_size("empty_strided", size)
    if any(s < 0 for s in stride):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and strides={list(stride)}")
    dtype = dtype_arg("empty_strided", dtype) or _dtype.get_default_dtype()
    if math.prod(size) == 0 or non_overlapping_and_dense(size, stride):
        return _fill("empty_strided", size, 0, dtype, device, requires_grad, strides=stride)
    # Gaps or repeats: a window onto a storage of the size torch allocates (not a view, as in torch).
    needed = 1 + sum((n - 1) * s for n, s in zip(size, stride))
    t = as_strided(_fill("empty_strided", (needed,), 0, dtype, device), size, stride, 0)
    t._base = None
    return _requires_grad(t, requires_grad)


def _check_tensor(fn, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not {_tp_name(input)}")


def _like(name, fill):
    def create(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
        _check_tensor(name, input)
        dtype = dtype_arg(name, dtype) or input.dtype
        return _fill(name, input._shape, fill, dtype, device if device is not None else input.device,
                     requires_grad, strides=_layout_of(input, memory_format))

    create.__name__ = create.__qualname__ = name
    create.__doc__ = f"A tensor of input's shape filled with {fill}. Implements `torch.{name}`."
    return create


zeros_like, ones_like, empty_like = _like("zeros_like", 0), _like("ones_like", 1), _like("empty_like", 0)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None) -> Tensor:
    """A tensor of input's shape (and dtype) filled with `fill_value`. Implements `torch.full_like`."""
    _check_tensor("full_like", input)
    fill_value = scalar_arg("full_like", "fill_value", 2, fill_value)
    dtype = dtype_arg("full_like", dtype) or input.dtype
    return _fill("full_like", input._shape, fill_value, dtype, device if device is not None else input.device,
                 requires_grad, strides=_layout_of(input, memory_format))


def _new(name, fill):
    def create(self, *args, size=None, dtype=None, layout=None, device=None, requires_grad=False,
               pin_memory=False) -> Tensor:
        shape = _sizes(name, args, size)
        dtype = dtype_arg(name, dtype) or self.dtype
        return _fill(name, shape, fill, dtype, device if device is not None else self.device, requires_grad)

    create.__name__ = create.__qualname__ = name
    create.__doc__ = f"A tensor of self's dtype and device filled with {fill}. Implements `Tensor.{name}`."
    return create


new_zeros, new_ones, new_empty = _new("new_zeros", 0), _new("new_ones", 1), _new("new_empty", 0)


def new_empty_strided(self, size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                      pin_memory=False) -> Tensor:
    """`empty_strided` with self's dtype and device as defaults. Implements `Tensor.new_empty_strided`."""
    return empty_strided(size, stride, dtype=dtype if dtype is not None else self.dtype,
                         device=device if device is not None else self.device, requires_grad=requires_grad)


def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None, requires_grad=False,
                   pin_memory=False) -> Tensor:
    """An uninitialized (zero) tensor of `size` whose memory holds its dims in the order
    `physical_layout` (outermost first). Implements `torch.empty_permuted`."""
    size = size_arg("empty_permuted", (size,), varargs=False)
    order = size_arg("empty_permuted", (physical_layout,), varargs=False, name="physical_layout")
    if len(size) != len(order):
        raise RuntimeError(f"Number of dimensions in size does not match the length of the physical_layout; i.e. "
                           f"len(size) = {len(size)} is not equal to len(physical_layout) = {len(order)}")
    seen = set()
    for i, d in enumerate(order):
        if not 0 <= d < len(size):
            raise RuntimeError(f"Dimension out of range (expected to be between 0 and {len(size) - 1}, but got {d} at "
                               f"index {i}).  NB: negative dims not currently supported; file an issue if you want it.")
        if d in seen:
            raise RuntimeError("Duplicate dim not allowed")
        seen.add(d)
    strides, step = [0] * len(size), 1
    for d in reversed(order):
        strides[d] = step
        step *= max(size[d], 1)
    return empty_strided(size, tuple(strides), dtype=dtype, device=device, requires_grad=requires_grad)


def new_full(self, size, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False) -> Tensor:
    """A tensor of self's dtype and device filled with `fill_value`. Implements `Tensor.new_full`."""
    size = size_arg("new_full", (size,), varargs=False)
    fill_value = scalar_arg("new_full", "fill_value", 2, fill_value)
    dtype = dtype_arg("new_full", dtype) or self.dtype
    return _fill("new_full", size, fill_value, dtype, device if device is not None else self.device, requires_grad)


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None,
               pin_memory=False) -> Tensor:
    """A copy of `data` with self's dtype and device unless given. Implements `Tensor.new_tensor`."""
    dtype = dtype_arg("new_tensor", dtype) or self.dtype
    device = device if device is not None else self.device
    if isinstance(data, Tensor):
        warnings.warn(_COPY_WARNING.format("tensor.new_tensor"), UserWarning, stacklevel=2)
        return _requires_grad(_copy_tensor(data, dtype, device), requires_grad)
    values, dtype, strides = _from_data(data, dtype)
    return _host_result("new_tensor", values, dtype, device, requires_grad, strides=strides)


# ----------------------------------------------------------------- fused multiply-add
# torch's range kernels compute `start + step * i` in C++ compiled with FMA contraction, so
# each value is rounded once. numpy has no fma: this emulates it exactly with error-free
# transformations and round-to-odd (Boldo and Melquiond, "Emulation of FMA and correctly
# rounded sums", 2008), in float32 or float64.
def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _split(a):
    c = a * a.dtype.type(4097.0 if a.dtype == np.float32 else 134217729.0)  # 2**ceil(p/2) + 1
    high = c - (c - a)
    return high, a - high


def _two_product(a, b):
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def fma(a, b, c) -> np.ndarray:
    """a * b + c rounded once, elementwise, in the (common) float dtype of the arguments."""
    a, b, c = np.broadcast_arrays(a, b, c)
    with np.errstate(all="ignore"):
        high, low = _two_product(a, b)
        sum_high, sum_low = _two_sum(c, high)
        v, err = _two_sum(sum_low, low)
        bits = v.view(np.int64 if v.dtype == np.float64 else np.int32)
        toward = np.where(err > 0, np.inf, -np.inf).astype(v.dtype)
        v = np.where((err != 0) & (bits & 1 == 0), np.nextafter(v, toward), v)  # round to odd
        exact = sum_high + v
    # Infinite or NaN intermediates (huge ranges) lose the error terms: use plain arithmetic.
    return np.where(np.isfinite(exact), exact, a * b + c)


# ----------------------------------------------------------------- ranges
_LANE_BYTES = 32  # torch's CPU kernels use 256-bit vectors (AVX2 builds)


def _not_implemented(kernel, dtype):
    return NotImplementedError(f"\"{kernel}\" not implemented for '{type_name(dtype)}'")


def _check_range(start, end, step):
    """torch's arange_check_bounds, in double."""
    if not (step > 0 or step < 0):
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start:g} -> {end:g}")
    if not (step > 0 and end >= start or step < 0 and end <= start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")


def _wrap_int64(value: int) -> int:
    return (value + 2**63) % 2**64 - 2**63


def _arange_size(start, end, step, dtype) -> int:
    if dtype is _dtype.int64:
        # torch computes int64 sizes in int64 arithmetic (wrapping, truncating division).
        xstart, xend, xstep = (int(scalar_to(v, _dtype.int64)) for v in (start, end, step))
        if xstep == 0:
            raise ValueError("step must be nonzero")
        sign = (xstep > 0) - (xstep < 0)
        numerator = _wrap_int64(xend - xstart + xstep - sign)
        quotient = abs(numerator) // abs(xstep)
        size = float(quotient if (numerator < 0) == (xstep < 0) else -quotient)
    else:
        dstart, dend, dstep = (float(scalar_to(v, _dtype.float64)) for v in (start, end, step))
        size = (dend - dstart) / dstep
        size = math.ceil(size) if math.isfinite(size) else size
    if not 0 <= size <= 2.0**63:
        raise RuntimeError("invalid size, possible overflow?")
    return int(size)


def _arange_values(start, step, n, dtype) -> np.ndarray:
    """torch's CPU arange kernel: `start + step * i` in the accumulate type (int64 for
    ints, double for float32/64, float for half types), except that in whole blocks of two
    SIMD vectors each vector's lanes step from its first value: `first + lane * step`."""
    index = np.arange(n, dtype=np.int64)
    if dtype.category == INT:
        first, step = (np.int64(scalar_to(v, _dtype.int64)) for v in (start, step))
        with np.errstate(over="ignore"):
            return (first + step * index).astype(dtype.np)
    acc = _dtype.float64 if dtype.itemsize >= 4 else _dtype.float32
    first, step = (scalar_to(v, acc) for v in (start, step))
    values = fma(step, index.astype(acc.np), first)
    lanes = _LANE_BYTES // dtype.itemsize
    vectorized = n - n % (2 * lanes)
    if vectorized:
        lane = index[:vectorized] % lanes
        base = cast_float(values[index[:vectorized] - lane], dtype).astype(acc.np)
        if dtype is _dtype.bfloat16:  # compiled without a fused multiply-add, unlike the others
            values[:vectorized] = base + lane.astype(acc.np) * step
        else:
            values[:vectorized] = fma(lane.astype(acc.np), step, base)
    return cast_float(values, dtype)


def arange(start=None, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
           pin_memory=False) -> Tensor:
    """Values from `start` (default 0) up to but excluding `end`, `step` apart; int64 when
    all bounds are integers, else the default dtype. Implements `torch.arange`.

    Differences from torch: values match torch's AVX2 CPU kernel bit for bit; AVX-512
    builds of torch group lanes in 64-byte vectors, and ranges over 32768 elements split
    across threads, which can change the last bit of some float values."""
    if end is None:  # arange(end)
        if start is None:
            raise TypeError('arange() missing 1 required positional arguments: "end"')
        start, end = 0, scalar_arg("arange", "end", 1, start)
    else:
        start = scalar_arg("arange", "start", 1, 0 if start is None else start)
        end = scalar_arg("arange", "end", 2, end)
    step = scalar_arg("arange", "step", 3, step)
    dtype = _out_dtype("arange", out, dtype_arg("arange", dtype))
    if dtype is None:
        integral = all(isinstance(v, int) for v in (start, end, step))
        dtype = _dtype.int64 if integral else _dtype.get_default_dtype()
    if dtype.category in (BOOL, COMPLEX):
        raise _not_implemented("arange_cpu", dtype)
    _check_range(*(float(scalar_to(v, _dtype.float64)) for v in (start, end, step)))
    n = _arange_size(start, end, step, dtype)
    if out is not None and out.numel() not in (0, n):
        warnings.warn(f"The number of elements in the out tensor of shape {list(out.shape)} is {out.numel()} which "
                      f"does not match the computed number of elements {n}. Note that this may occur as a result of "
                      f"rounding error. The out tensor will be resized to a tensor of shape ({n},).",
                      UserWarning, stacklevel=2)
    return _host_result("arange", _arange_values(start, step, n, dtype), dtype, device, requires_grad, out)


def range(start=None, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,  # noqa: A001
          requires_grad=False, pin_memory=False) -> Tensor:
    """Deprecated: values from `start` to `end` inclusive, in the default dtype.
    Implements `torch.range`."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=2)
    if end is None:
        raise TypeError('range() missing 1 required positional arguments: "end"')
    start, end, step = (scalar_arg("range", name, i + 1, v) for i, (name, v) in
                        enumerate((("start", start), ("end", end), ("step", step))))
    dtype = _out_dtype("range", out, dtype_arg("range", dtype)) or _dtype.get_default_dtype()
    if dtype.category in (BOOL, COMPLEX):
        raise _not_implemented("range_cpu", dtype)
    acc = _dtype.int64 if dtype.category == INT else _dtype.float64 if dtype.itemsize >= 4 else _dtype.float32
    xstart, xend, xstep = (scalar_to(v, acc) for v in (start, end, step))
    _check_range(*(float(scalar_to(v, _dtype.float64)) for v in (start, end, step)))
    if acc is _dtype.int64:
        span, xstep_int = int(xend) - int(xstart), int(xstep)
        n = abs(span) // abs(xstep_int) * (1 if (span < 0) == (xstep_int < 0) else -1) + 1
        values = xstart + np.arange(max(n, 0), dtype=np.int64) * xstep
    else:
        n = int((xend - xstart) / xstep + 1)
        values = xstart + np.arange(max(n, 0)).astype(acc.np) * xstep
    values = values.astype(dtype.np) if dtype.category == INT else cast_float(values, dtype)
    return _host_result("range", values, dtype, device, requires_grad, out)


def _space_bound(fn, value, name, pos):
    """A start or end of linspace/logspace: a number, or a 0-d tensor's value."""
    if isinstance(value, Tensor):
        return value.item() if value.dim() == 0 else value
    return scalar_arg(fn, name, pos, value)


def _space_args(fn, start, end, steps, out, dtype):
    start, end = _space_bound(fn, start, "start", 1), _space_bound(fn, end, "end", 2)
    bad = [(n, v) for n, v in (("start", start), ("end", end)) if isinstance(v, Tensor)]
    if bad:
        dims = " and ".join(f"{n} with {v.dim()} dimension(s)" for n, v in bad)
        raise RuntimeError(f"{fn} only supports 0-dimensional start and end tensors, but got {dims}.")
    if _as_int(steps) is None:
        got = ", ".join(_tp_name(v) for v in (start, end, steps) if v is not _MISSING)
        raise TypeError(f"{fn}() received an invalid combination of arguments - got ({got}), but expected "
                        f"({fn}(start, end, int steps)")
    steps = _as_int(steps)
    dtype = _out_dtype(fn, out, dtype_arg(fn, dtype))
    if isinstance(start, complex) or isinstance(end, complex):
        inferred = _dtype.get_default_dtype().to_complex()
        if dtype is not None and not dtype.is_complex and out is None:
            raise RuntimeError(f"torch.{fn}(): inferred dtype {_C_TYPES[inferred.name]} can't be safely cast to "
                               f"passed dtype {type_name(dtype)}")
        dtype = dtype or inferred
    dtype = dtype or _dtype.get_default_dtype()
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return start, end, steps, dtype


def _real_linspace(start, end, steps, dtype) -> np.ndarray:
    """torch's linspace kernel on one real component: `start + step * i` for the first
    half, `end - step * (steps - 1 - i)` for the rest, in the dtype's own arithmetic."""
    index = np.arange(steps, dtype=np.int64)
    low = index < steps // 2
    if dtype in (_dtype.float16, _dtype.bfloat16):
        # c10's Half and BFloat16 round every operation to their own precision.
        def r(x):
            return cast_float(np.asarray(x, np.float32), dtype).astype(np.float32)

        start, end = r(start), r(end)
        step = r(r(end - start) / r(steps - 1))
        values = np.where(low, r(start + r(step * r(index))), r(end - r(step * r(steps - 1 - index))))
        return cast_float(values, dtype)
    if dtype.category == INT:  # ints interpolate in double
        acc, start, end = np.float64, np.float64(int(start)), np.float64(int(end))
        step = (end - start) / (steps - 1)
    else:
        acc = dtype.np
        start, end = acc.type(start), acc.type(end)
        step = (end - start) / acc.type(steps - 1)
    values = np.where(low, fma(step, index.astype(acc), start), fma(-step, (steps - 1 - index).astype(acc), end))
    return _cast_int(values, dtype) if dtype.category == INT else values


def linspace(start, end, steps=_MISSING, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False) -> Tensor:
    """`steps` values evenly spaced from `start` to `end` inclusive. Implements `torch.linspace`."""
    start, end, steps, dtype = _space_args("linspace", start, end, steps, out, dtype)
    if steps == 0:  # torch checks no bound then
        return _host_result("linspace", np.zeros(0, dtype.np), dtype, device, requires_grad, out)
    if steps == 1:
        return _fill("linspace", (1,), start, dtype, device, requires_grad, out)
    if steps > 1 and dtype is _dtype.bool:
        raise _not_implemented("linspace_cpu", dtype)
    start, end = scalar_to(start, dtype), scalar_to(end, dtype)
    if dtype.is_complex:
        real = dtype.to_real()
        values = (_real_linspace(start.real, end.real, steps, real)
                  + 1j * _real_linspace(start.imag, end.imag, steps, real)).astype(dtype.np)
    else:
        values = _real_linspace(start, end, steps, dtype)
    return _host_result("linspace", values, dtype, device, requires_grad, out)


def logspace(start, end, steps=_MISSING, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False) -> Tensor:
    """`steps` powers of `base` with exponents evenly spaced from `start` to `end`.
    Implements `torch.logspace`.

    Differences from torch: complex results may differ from torch's in the last bits."""
    start, end, steps, dtype = _space_args("logspace", start, end, steps, out, dtype)
    base = float(scalar_arg("logspace", "base", 4, base))
    if steps == 0:  # torch checks no bound then
        return _host_result("logspace", np.zeros(0, dtype.np), dtype, device, requires_grad, out)
    with np.errstate(all="ignore"):
        if steps == 1:
            value = np.power(complex(base) if dtype.is_complex else base,
                             complex(start) if dtype.is_complex else float(scalar_to(start, _dtype.float64)))
            return _fill("logspace", (1,), complex(value) if dtype.is_complex else float(value), dtype, device,
                         requires_grad, out)
        if steps > 1 and dtype is _dtype.bool:
            raise _not_implemented("logspace_cpu", dtype)
        index = np.arange(steps, dtype=np.int64)
        low = index < steps // 2
        first, last = scalar_to(start, dtype), scalar_to(end, dtype)
        if dtype.is_complex:
            step = (last - first) / dtype.np.type(steps - 1)
            exponents = np.where(low, first + step * index, last - step * (steps - 1 - index))
            values = np.power(dtype.np.type(base), exponents.astype(dtype.np)).astype(dtype.np)
        else:
            # The exponents are in double: start and end in the dtype, their difference too.
            span = float(last - first) if dtype.category != INT else float(int(last) - int(first))
            step = span / (steps - 1)
            exponents = np.where(low, np.float64(first) + step * index, np.float64(last) - step * (steps - 1 - index))
            powers = np.array([_libm_pow(base, e) for e in exponents.tolist()], np.float64)
            values = _cast_int(powers, dtype) if dtype.category == INT else cast_float(powers, dtype)
    return _host_result("logspace", values, dtype, device, requires_grad, out)


def _libm_pow(base: float, exponent: float) -> float:
    """C's pow, as torch's logspace kernel calls it (numpy's vectorised power may use
    other, less exact routines on AVX-512 machines)."""
    try:
        return math.pow(base, exponent)
    except (OverflowError, ValueError):  # math raises where C returns inf or nan
        return float(np.power(np.float64(base), np.float64(exponent)))


def eye(n, m=_MISSING, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
        pin_memory=False) -> Tensor:
    """An n x m matrix (m defaults to n) with ones on the diagonal. Implements `torch.eye`."""
    n = int_arg("eye", "n", 1, n)
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is None:
        raise TypeError("eye() received an invalid combination of arguments - got (int, NoneType), but expected "
                        "(int n, int m)")
    m = n if m is _MISSING else int_arg("eye", "m", 2, m)
    if m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    dtype = _out_dtype("eye", out, dtype_arg("eye", dtype)) or _dtype.get_default_dtype()
    return _host_result("eye", np.eye(n, m, dtype=dtype.np), dtype, device, requires_grad, out)
