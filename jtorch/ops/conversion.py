"""Copies, casts, device moves, fills and resizing: to/type/cpu/cuda, clone, contiguous,
copy_, fill_, zero_, detach, requires_grad_, resize_."""
from __future__ import annotations

import functools
import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import _device, _dtype
from .._registry import apply_fn, broadcast_shapes, check_inplace_allowed, check_overlap, convert, scalar_array
from .._tensor import Tensor, _Storage, contiguous_strides, warn_once
from .._views import AsStrided, Permute, dense_strides_like, memory_order, non_overlapping_and_dense
from .._views import channels_last_strides as _channels_last_strides
from ..autograd.grad_mode import STATE
from ..autograd.tape import capture_history, record_inplace


class memory_format:
    """torch.memory_format: how a copy lays out its elements."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"torch.{self.name}"

    def __reduce__(self):
        return self.name


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")


@functools.lru_cache(maxsize=None)
def _caster(dtype):
    return jax.jit(lambda x: convert(x, dtype))


_copy = jax.jit(lambda x: jnp.array(x, copy=True))


def clone(input, *, memory_format=None) -> Tensor:
    """A copy of `input` owning new memory. With torch's default preserve_format the copy
    keeps `input`'s strides when they are dense (e.g. a transpose), else it keeps their
    dim order; contiguous_format gives a row-major copy."""
    out = apply_fn("CloneBackward0", _copy, (input,), input.dtype)
    return _laid_out(out, _copy_strides(input, memory_format))


def contiguous(input, memory_format=None) -> Tensor:
    """input itself when it is contiguous in `memory_format` (default: row-major), else a copy laid out so."""
    fmt = contiguous_format if memory_format is None else memory_format
    if input.is_contiguous(memory_format=fmt):
        return input
    if fmt is preserve_format:
        raise RuntimeError("preserve memory format is unsupported by the contiguous operator")
    return clone(input, memory_format=fmt)


def suggest_memory_format(t):
    """The memory format t's strides look like (torch's suggest_memory_format): channels_last(_3d)
    when its strides order C innermost, then W, H (, D), N, else contiguous_format (also
    for the ambiguous cases torch resolves to contiguous)."""
    shape, strides = t._shape, t.stride()
    for fmt, order in ((channels_last, (1, 3, 2, 0)), (channels_last_3d, (1, 4, 3, 2, 0))):
        if len(shape) != len(order) or strides[1] == 0:
            continue
        least = 0
        for d in order:
            if shape[d] == 0 or strides[d] < least or (d == 0 and least == strides[1]):
                break
            least = strides[d] * (shape[d] if shape[d] > 1 else 1)
        else:
            return fmt
    return contiguous_format


def keep_memory_format(result, *sources):
    """Lay out the fresh result(s) of a CNN op (conv, pooling, batch_norm, upsampling) in
    channels_last(_3d) when a 4-d/5-d source's strides suggest it, as torch's kernels do."""
    for source in sources:
        if source is not None and source.dim() in (4, 5):
            fmt = suggest_memory_format(source)
            if fmt is not contiguous_format:
                for t in result if isinstance(result, tuple) else (result,):
                    if t.dim() == source.dim():
                        _laid_out(t, channels_last_strides(t._shape, fmt))
                break
    return result


def channels_last_strides(shape, fmt) -> tuple:
    """torch's strides for `shape` in channels_last(_3d) (`_views.channels_last_strides`),
    with torch's error for a shape of the wrong rank."""
    ndim = 4 if fmt is channels_last else 5
    if len(shape) != ndim:
        raise RuntimeError(f"required rank {ndim} tensor to use {fmt.name} format")
    return _channels_last_strides(shape)


def _copy_strides(input, fmt):
    """The strides torch gives a copy of `input` (empty_like's rules), None for row-major."""
    if fmt is channels_last or fmt is channels_last_3d:
        return channels_last_strides(input._shape, fmt)
    if input._strides is None or fmt is contiguous_format:
        return None
    shape, strides = input._shape, input._strides
    if non_overlapping_and_dense(shape, strides):
        return strides
    return dense_strides_like(shape, strides)


def _laid_out(t, strides):
    """Give the fresh base tensor `t` (a row-major value) the dense layout `strides`: its
    storage holds the elements in memory order and `t` reads them through a Permute, so
    aliasing, numpy() and resizing all see torch's memory."""
    if strides is None or strides == contiguous_strides(t._shape):
        return t
    order = memory_order(t._shape, strides)
    if order is not None:
        value = t._data
        t._storage.set(_transposer(order)(value))
        inverse = tuple(sorted(range(len(order)), key=order.__getitem__))
        t._chain = (Permute(inverse),)
        t._cache, t._cache_version = value, t._storage.version
    t._strides = tuple(strides)
    return t


@functools.lru_cache(maxsize=None)
def _transposer(order):
    return jax.jit(lambda x: jnp.transpose(x, order))


def detach(input) -> Tensor:
    """A tensor sharing storage (and view layout) with `input`, outside the autograd graph."""
    out = object.__new__(Tensor)
    out._storage, out._chain, out._shape, out.dtype = input._storage, input._chain, input._shape, input.dtype
    out._requires_grad, out._grad_fn, out._base = False, None, None  # not a view, for torch (even of a view)
    out._strides, out._offset = input._strides, input._offset
    if getattr(input, "_is_conj", False):  # torch's detach keeps the conjugate bit
        out._is_conj = True
    if input._family is not None:  # detach shares the version counter
        out._family = input._family
    return out


def detach_(input) -> Tensor:
    if input._base is not None:
        raise RuntimeError(
            "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for "
            "training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence "
            "detach_() cannot be called on these gradients. To fix this error, please refer to the "
            "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.")
    input._grad_fn = None
    input._requires_grad = False
    input._attr_version = input._view_lock = None  # out of the graph: nothing to regenerate or refuse
    return input


def requires_grad_(input, requires_grad=True) -> Tensor:
    if input.grad_fn is not None and not requires_grad:
        raise RuntimeError(
            "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a "
            "subgraph that doesn't require differentiation use var_no_grad = var.detach()."
        )
    if requires_grad and input.dtype.category < _dtype.FLOAT:
        raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
    if requires_grad and input._storage.inference and not STATE.inference:
        raise RuntimeError("Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.")
    if input.grad_fn is None:
        input._requires_grad = bool(requires_grad)
    return input


_TO_SIGNATURES = (
    " * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n"
    " * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n"
    " * (Tensor tensor, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n"
)
# torch accepts Python's number types where it takes a dtype: x.to(float) is float64.
_PY_TYPE_DTYPES = {float: _dtype.float64, int: _dtype.int64, bool: _dtype.bool, complex: _dtype.complex128}


def _as_dtype(value):
    return _PY_TYPE_DTYPES.get(value, value) if isinstance(value, type) else value


def _is_device(value) -> bool:
    return value is None or isinstance(value, (str, _device.device)) or type(value) is int


# torch's three `to` overloads: positional names, then a check of each name's value.
_TO_OVERLOADS = (
    (("device", "dtype", "non_blocking", "copy"),
     {"device": _is_device, "dtype": lambda v: v is None or isinstance(_as_dtype(v), _dtype.dtype)}),
    (("dtype", "non_blocking", "copy"), {"dtype": lambda v: isinstance(_as_dtype(v), _dtype.dtype)}),
    (("tensor", "non_blocking", "copy"), {"tensor": lambda v: isinstance(v, Tensor)}),
)


def _parse_to(args, kwargs):
    """(device, dtype, copy) from torch's `to(...)` overloads: (device, dtype), (dtype), (tensor)."""
    if not kwargs and len(args) == 1 and isinstance(args[0], _dtype.dtype):
        return None, args[0], False
    for names, checks in _TO_OVERLOADS:
        bound = dict(zip(names, args))
        if (len(args) > len(names) or bound.keys() & kwargs.keys()
                or kwargs.keys() - set(names) - {"memory_format"}):
            continue
        bound.update(kwargs)
        if (all(check(bound.get(name)) for name, check in checks.items())
                and all(isinstance(bound.get(flag, False), bool) for flag in ("non_blocking", "copy"))):
            break
    else:
        raise _device.invalid_arguments("to", args, kwargs, _TO_SIGNATURES)
    if "tensor" in bound:
        return bound["tensor"].device, bound["tensor"].dtype, bound.get("copy", False)
    return bound.get("device"), _as_dtype(bound.get("dtype")), bound.get("copy", False)


def to(input, *args, **kwargs) -> Tensor:
    """A tensor with the requested device and/or dtype; `input` itself if nothing changes
    (unless copy=True). A copy keeps `input`'s layout as clone() does."""
    fmt = kwargs.get("memory_format")
    device, dtype, copy = _parse_to(args, kwargs)
    device = input.device if device is None else _device.canonical(device)
    dtype = input.dtype if dtype is None else dtype
    same_format = fmt is None or fmt is preserve_format or suggest_memory_format(input) is fmt
    if device == input.device and dtype is input.dtype and not copy and same_format:
        return input
    if input.dtype.is_complex and dtype.category in (_dtype.INT, _dtype.FLOAT):
        warn_complex_to_real()
    fn = _caster(dtype)
    if device != input.device:
        target = _device.jax_device(device)
        fn = _mover(dtype, target)
    out = apply_fn("ToCopyBackward0", fn, (input,), dtype, device)
    return _laid_out(out, _copy_strides(input, fmt))


@functools.lru_cache(maxsize=None)
def _mover(dtype, target):
    cast = _caster(dtype)
    return lambda x: cast(jax.device_put(x, target))


def cpu(input, memory_format=None) -> Tensor:
    return to(input, "cpu")


def cuda(input, device=None, non_blocking=False, memory_format=None) -> Tensor:
    device = _device.device("cuda" if device is None else device)  # an int names an accelerator, as in torch
    if device.type != "cuda":
        raise RuntimeError("Invalid device, must be cuda device")
    return to(input, device)


def legacy_type_name(dtype, device) -> str:
    """torch's legacy type string of a tensor of `dtype` on `device`: torch.FloatTensor, torch.cuda.LongTensor."""
    return f"torch.{'cuda.' if device.type == 'cuda' else ''}{_TYPE_NAMES[dtype.name]}Tensor"


def type_(input, dtype=None, non_blocking=False, **kwargs):
    """Tensor.type(): the type string (`torch.FloatTensor`) or a cast."""
    if dtype is None:
        return legacy_type_name(input.dtype, input.device)
    if isinstance(dtype, str):
        prefix, _, kind = dtype.rpartition(".")
        dtypes = {f"{name}Tensor": getattr(_dtype, key) for key, name in _TYPE_NAMES.items()}
        if prefix not in ("torch", "torch.cuda") or kind not in dtypes:
            raise ValueError(f"invalid type: '{dtype}'")
        return to(input, "cuda" if prefix == "torch.cuda" else "cpu", dtypes[kind])
    return to(input, dtype)


_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
               "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
               "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _cast_method(dtype):
    def method(self, memory_format=None):
        return to(self, dtype)

    method.__name__ = dtype.name
    return method


def copy_(self, src, non_blocking=False) -> Tensor:
    """Copy `src` (broadcast to self's shape, cast to its dtype) into self, in place."""
    if isinstance(src, Tensor):
        value = src._data
        if src.device != self.device:
            value = jax.device_put(value, _device.jax_device(self.device))
        if src._shape != self._shape:
            if broadcast_shapes(self._shape, src._shape) != self._shape:
                raise RuntimeError(f"output with shape {list(self._shape)} doesn't match the broadcast shape "
                                   f"{list(broadcast_shapes(self._shape, src._shape))}")
        if src.dtype.is_complex and self.dtype.category in (_dtype.INT, _dtype.FLOAT):
            warn_complex_to_real()
    elif isinstance(src, _NUMBERS):
        value, src = np.asarray(src), None
        if value.dtype.kind == "c" and not self.dtype.is_complex:
            value = value != 0 if self.dtype is _dtype.bool else value.real
        value = value.astype(self.dtype.np)
    else:
        raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not {type(src).__name__}")
    return _assign(self, value, src, "CopyBackwards", overlap_ok=False)


def fill_(self, value) -> Tensor:
    """Set every element to `value` (a number, or a 0-d tensor), in place."""
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with {value.dim()} dimensions.")
        if value.dtype.is_complex and self.dtype.category in (_dtype.INT, _dtype.FLOAT):
            warn_complex_to_real()
        return _assign(self, value._data, value, "FillBackward3", overlap_ok=True)
    return _assign(self, checked_scalar(value, self.dtype, self.numel(), "fill_"), None, "FillBackward2",
                   overlap_ok=True)


def zero_(self) -> Tensor:
    return _assign(self, scalar_array(0, self.dtype), None, "ZeroBackward0", overlap_ok=True)


def _assign(self, value, src, grad_name, overlap_ok):
    """Write `value` (an array broadcastable to self's shape, from the tensor `src` when
    there is one) into self, with torch's aliasing checks and autograd history."""
    check_inplace_allowed(self)
    check_overlap(self, (src,), overlap_ok)
    if isinstance(value, jax.Array) and value.shape == self._shape and value.dtype == self.dtype.np:
        new = value  # arrays are immutable: self can hold src's own
    else:
        new = _broadcast_cast(self._shape, self.dtype)(value)
    grad = STATE.enabled and (self._requires_grad or src is not None and src._requires_grad)
    if not grad:
        self._write(new, overlap_ok)
        return self
    history = capture_history(self)
    old = self._data
    self._write(new, overlap_ok)
    return record_inplace(history, grad_name, _replacer(self._shape, self.dtype), (old, value), (self, src))


COMPLEX_TO_REAL = ("Casting complex values to real discards the imaginary part (Triggered internally at "
                   "/__w/pytorch/pytorch/aten/src/ATen/native/Copy.cpp:307.)")


def warn_complex_to_real():
    """torch's warning for a copy of complex values into a real (non-bool) dtype, given once per
    process by every such copy (copy_, fill_, to, indexing writes)."""
    warn_once(COMPLEX_TO_REAL)


@functools.lru_cache(maxsize=4096)
def _broadcast_cast(shape, dtype):
    return jax.jit(lambda v: jnp.broadcast_to(convert(v, dtype), shape))


@functools.lru_cache(maxsize=4096)
def _replacer(shape, dtype):
    """(old value, new value) -> the new value: what an overwrite computes, for autograd."""
    cast = _broadcast_cast(shape, dtype)
    return jax.jit(lambda old, v: cast(v))


# ----------------------------------------------------------------- scalar conversion
_NUMBERS = (bool, int, float, complex, np.number, np.bool_)
_C_NAMES = {"int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t", "uint8": "uint8_t",
            "float16": "c10::Half", "bfloat16": "c10::BFloat16", "float32": "float", "float64": "double",
            "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def checked_scalar(value, dtype, numel, op_name):
    """The Python number `value` as a numpy scalar of `dtype`, refusing values the dtype
    can't hold as torch does ("value cannot be converted to type int8_t without overflow").
    Integers wrap into uint8 from -255 on, floats truncate toward zero into integers, and
    complex numbers need a zero imaginary part to become real."""
    if isinstance(value, np.generic):
        value = value.item()
    if not isinstance(value, _NUMBERS):
        raise TypeError(
            f"{op_name}() received an invalid combination of arguments - got ({type(value).__name__}), but expected "
            f"one of:\n * (Tensor value)\n * (Number value)\n")
    if isinstance(value, int) and not isinstance(value, bool):
        if value >= 2 ** 64:
            raise OverflowError("int too big to convert")
        if value < -2 ** 63:
            raise OverflowError("can't convert negative int to unsigned")
    target = dtype
    if numel == 1 and dtype.name in ("float16", "bfloat16"):
        target = _dtype.float64  # torch checks a single half element as a double
    if _overflows(value, target):
        raise RuntimeError(f"value cannot be converted to type {_C_NAMES[target.name]} without overflow")
    if isinstance(value, complex) and not dtype.is_complex:
        value = value != 0 if dtype is _dtype.bool else value.real
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(value).astype(dtype.np)


def _overflows(value, dtype) -> bool:
    if dtype is _dtype.bool or isinstance(value, bool):
        return False
    if isinstance(value, complex):
        if not dtype.is_complex and value.imag != 0:
            return True
        return _overflows(value.real, dtype.to_real()) or _overflows(value.imag, dtype.to_real())
    if dtype.is_complex:
        dtype = dtype.to_real()
    if dtype.category == _dtype.INT:
        info = np.iinfo(dtype.np)
        if isinstance(value, float):
            return math.isnan(value) or value < info.min or value > info.max
        if info.min == 0 and value < 0:  # negative ints wrap into unsigned types (two's complement)
            return -value > info.max
        return value < info.min or value > info.max
    if math.isinf(value) or value != value:
        return False
    return abs(value) > float(jnp.finfo(dtype.np).max)


# ----------------------------------------------------------------- resizing
def resize_(self, *size, memory_format=None) -> Tensor:
    """Resize in place to a contiguous `size`: the elements are the first ones of the
    storage from self's offset on (its old values where they fit), as torch does."""
    from .views import shape_arg

    size = shape_arg(size)
    if self._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    if any(s < 0 for s in size):
        raise RuntimeError("numel: integer multiplication overflow")
    if size != self._shape:
        resize(self, size)
        self._storage.version += 1
        if self._family is not None:
            self._count_family_write()
    return self


_CPP_TYPE_NAMES = {
    "float16": "c10::Half", "bfloat16": "c10::BFloat16", "float32": "float", "float64": "double",
    "complex64": "c10::complex<float>", "complex128": "c10::complex<double>", "uint8": "unsigned char",
    "int8": "signed char", "int16": "short int", "int32": "int", "int64": "long int", "bool": "bool",
}


def set_(self, source=None, storage_offset=None, size=None, stride=None) -> Tensor:
    """Make self look at `source`'s memory (a tensor's, or an untyped storage's) with
    source's layout, or `size`/`stride` at `storage_offset`; with no source, an empty
    tensor. Implements `Tensor.set_`. Differs from torch: no autograd through it, the
    result is not a view (`_base` None), its `_version` is the source's (torch keeps self's
    counter and bumps it), and a layout beyond the storage raises instead of growing it."""
    from .._tensor import UntypedStorage
    from .creation import empty
    from .views import as_strided

    check_inplace_allowed(self)
    if STATE.enabled and (self._requires_grad or isinstance(source, Tensor) and source._requires_grad):
        raise NotImplementedError("Tensor.set_ of tensors that require grad is not supported by jtorch")
    if source is None:
        source = empty(0, dtype=self.dtype, device=self.device)
    owner = source._tensor if isinstance(source, UntypedStorage) else source
    if not isinstance(owner, Tensor):
        raise TypeError(f"set_(): argument 'source' must be Tensor or Storage, not {type(source).__name__}")
    if owner.dtype is not self.dtype:
        raise RuntimeError(f"Could not set tensor of type {_CPP_TYPE_NAMES[owner.dtype.name]} to a tensor of type "
                           f"{_CPP_TYPE_NAMES[self.dtype.name]}")
    if isinstance(source, UntypedStorage) or size is not None:
        root = owner if owner._base is None else owner._base
        if size is None:  # a whole storage: its elements, flat
            size, stride, storage_offset = (_capacity(owner._storage),), (1,), 0
        elif stride is None:
            stride = contiguous_strides(tuple(size))
        source = as_strided(root.detach(), size, stride, owner._offset if storage_offset is None else storage_offset)
    self._storage, self._chain = source._storage, source._chain
    self._shape, self._strides, self._offset = source._shape, source._strides, source._offset
    self._reader, self._cache, self._cache_version = None, None, -1
    self._base = self._attr_version = self._view_lock = None
    self._family = source._family
    return self


def resize_as_(self, other, memory_format=None):
    return resize_(self, other._shape)


def resize(self, size):
    """Make self a contiguous tensor of `size` at its storage offset, without a version
    bump (the `out=` path). It stays in its storage (and aliased with its family) when
    that holds the elements; otherwise it moves to a new, larger storage holding the old
    one's bytes, and no longer aliases the tensors of the old one (torch grows the
    storage in place, so they would still alias)."""
    size = tuple(size)
    if size == self._shape:
        return self
    n = math.prod(size)
    root = self if self._base is None else self._base
    storage = self._storage
    flat = _memory_flat(root) and root.dtype is self.dtype
    offset = self._offset if flat else 0
    if flat and offset + n <= _capacity(storage):
        self._chain = (AsStrided(size, contiguous_strides(size), offset),)
    else:
        memory = jnp.ravel(storage.get() if flat else self._data)
        if memory.shape[0] < offset + n:
            memory = jnp.concatenate([memory, jnp.zeros(offset + n - memory.shape[0], memory.dtype)])
        new = _Storage(memory, self.device)
        new.version, new.foreign, new.inference = storage.version, storage.foreign, storage.inference
        if offset == 0 and memory.shape[0] == n:
            new.array = memory.reshape(size)
            self._chain = None
        else:
            self._chain = (AsStrided(size, contiguous_strides(size), offset),)
        self._storage = new
        self._base = None
    self._shape = size
    self._strides = None if self._chain is None else contiguous_strides(size)
    self._offset = offset
    self._cache, self._cache_version = None, -1
    return self


def _memory_flat(root) -> bool:
    """Whether `root`'s storage array, flattened, is its memory in order: true for plain
    row-major bases and for those laid out here (by clone/to or resizing)."""
    if root._chain is None:
        return root.is_contiguous()
    return len(root._chain) == 1 and isinstance(root._chain[0], (Permute, AsStrided))


def _capacity(storage) -> int:
    return (storage.host if storage.host is not None else storage.array).size
