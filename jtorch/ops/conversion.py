"""Copies, casts, device moves, fills and resizing: to/type/cpu/cuda, clone, contiguous,
copy_, fill_, zero_, detach, requires_grad_, resize_."""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp

from .. import _device, _dtype
from .._registry import apply_fn, check_inplace_allowed, convert, scalar_array, write_into
from .._tensor import Tensor, _Storage
from ..autograd.grad_mode import STATE
from ..autograd.tape import record


@functools.lru_cache(maxsize=None)
def _caster(dtype):
    return jax.jit(lambda x: convert(x, dtype))


_copy = jax.jit(lambda x: jnp.array(x, copy=True))


def clone(input, *, memory_format=None) -> Tensor:
    """A new base tensor with a copy of the value (contiguous)."""
    return apply_fn("CloneBackward0", _copy, (input,), input.dtype)


def contiguous(input, memory_format=None) -> Tensor:
    return input if input.is_contiguous() else clone(input)


def detach(input) -> Tensor:
    """A tensor sharing storage with `input`, outside the autograd graph."""
    out = object.__new__(Tensor)
    for name in Tensor.__slots__[:-2]:
        setattr(out, name, getattr(input, name))
    out._requires_grad = False
    out._grad = None
    out.grad_fn = None
    out._grad_acc = None
    out._retains_grad = False
    out._hooks = None
    out._cache = None
    out._cache_version = -1
    if input._chain is not None and input._base is not None:
        out._base = input._base
    return out


def detach_(input) -> Tensor:
    input.grad_fn = None
    input._requires_grad = False
    return input


def requires_grad_(input, requires_grad=True) -> Tensor:
    if input.grad_fn is not None and not requires_grad:
        raise RuntimeError(
            "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a "
            "subgraph that doesn't require differentiation use var_no_grad = var.detach()."
        )
    if requires_grad and input.dtype.category < _dtype.FLOAT:
        raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
    if input.grad_fn is None:
        input._requires_grad = bool(requires_grad)
    return input


def _parse_to(args, kwargs):
    """torch's `to(...)` overloads: (dtype), (device, dtype), (tensor), and keywords."""
    device = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() received an invalid combination of arguments - got unexpected keyword "
                        f"'{next(iter(kwargs))}'")
    rest = list(args)
    if rest and isinstance(rest[0], Tensor):
        other = rest.pop(0)
        device, dtype = other.device, other.dtype
    if rest and isinstance(rest[0], (str, int, _device.device)) and not isinstance(rest[0], bool):
        device = rest.pop(0)
    if rest and isinstance(rest[0], _dtype.dtype):
        dtype = rest.pop(0)
    if rest and isinstance(rest[0], bool):  # non_blocking
        rest.pop(0)
        if rest and isinstance(rest[0], bool):
            copy = rest.pop(0)
    if rest:
        raise TypeError(f"to() received an invalid combination of arguments - got {tuple(type(a).__name__ for a in args)}")
    return device, dtype, copy


def to(input, *args, **kwargs) -> Tensor:
    """A tensor with the requested device and/or dtype; `input` itself if nothing changes."""
    device, dtype, copy = _parse_to(args, kwargs)
    device = input.device if device is None else _device.canonical(device)
    dtype = input.dtype if dtype is None else dtype
    if device == input.device and dtype is input.dtype and not copy:
        return input
    fn = _caster(dtype)
    if device != input.device:
        target = _device.jax_device(device)
        fn = _mover(dtype, target)
    return apply_fn("ToCopyBackward0", fn, (input,), dtype, device)


@functools.lru_cache(maxsize=None)
def _mover(dtype, target):
    cast = _caster(dtype)
    return lambda x: cast(jax.device_put(x, target))


def cpu(input, memory_format=None) -> Tensor:
    return to(input, "cpu")


def cuda(input, device=None, non_blocking=False, memory_format=None) -> Tensor:
    return to(input, "cuda" if device is None else _device.device("cuda", device) if isinstance(device, int) else device)


def type_(input, dtype=None, non_blocking=False, **kwargs):
    """Tensor.type(): the type string (`torch.FloatTensor`) or a cast."""
    if dtype is None:
        name = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
                "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
                "complex64": "ComplexFloat", "complex128": "ComplexDouble"}[input.dtype.name]
        return f"torch.{'cuda.' if input.is_cuda else ''}{name}Tensor"
    if isinstance(dtype, str):
        dtype = {v: k for k, v in _TYPE_STRINGS.items()}[dtype]
    return to(input, dtype)


_TYPE_STRINGS = {}


def _cast_method(dtype):
    def method(self, memory_format=None):
        return to(self, dtype)

    method.__name__ = dtype.name
    return method


def copy_(self, src, non_blocking=False) -> Tensor:
    """Copy `src` (broadcast, cast) into self, in place."""
    check_inplace_allowed(self)
    if isinstance(src, Tensor):
        value = src._data
        if src.device != self.device:
            value = jax.device_put(value, _device.jax_device(self.device))
    else:
        value = scalar_array(src, self.dtype)
    shape = jnp.broadcast_shapes(tuple(value.shape), self._shape) if value.shape != self._shape else self._shape
    if shape != self._shape:
        raise RuntimeError(
            f"output with shape {list(self._shape)} doesn't match the broadcast shape {list(shape)}")
    new = _broadcast_cast(self._shape, self.dtype)(value)
    self._write(new)
    if STATE.enabled and isinstance(src, Tensor) and src._requires_grad:
        record("CopyBackwards", _broadcast_cast(self._shape, self.dtype), (value,), (src,), self)
    return self


@functools.lru_cache(maxsize=4096)
def _broadcast_cast(shape, dtype):
    return jax.jit(lambda v: jnp.broadcast_to(convert(v, dtype), shape))


def fill_(self, value) -> Tensor:
    check_inplace_allowed(self)
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with {value.dim()} dimensions.")
        value = value.item()
    return copy_(self, value)


def zero_(self) -> Tensor:
    return fill_(self, 0)


def resize_(self, *size, memory_format=None) -> Tensor:
    """Resize in place: the values are kept in order where they fit, the rest are zeros."""
    from .views import shape_arg

    size = shape_arg(size)
    if size == self._shape:
        return self
    flat = jnp.ravel(self._data)
    n = 1
    for s in size:
        n *= s
    flat = flat[:n] if flat.shape[0] >= n else jnp.concatenate([flat, jnp.zeros(n - flat.shape[0], flat.dtype)])
    self._storage = _Storage(flat.reshape(size), self.device)
    self._chain = None
    self._shape = size
    self._strides = None
    self._offset = 0
    self._base = None
    return self


def resize_as_(self, other, memory_format=None):
    return resize_(self, other._shape)
