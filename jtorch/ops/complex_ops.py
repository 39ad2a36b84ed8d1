"""Complex-number helpers: angle, conj (a view), conj_physical, view_as_real and
view_as_complex (views), polar and complex (constructors)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import jax.numpy as jnp
from jax import lax

from .. import _dtype
from .._registry import apply_fn, broadcast_shapes, check_same_device, op, preserve_layout, type_name
from .._views import Conj, Step
from .linalg import compiled
from .views import make_view


def _angle(a, result):
    if jnp.iscomplexobj(a):
        return jnp.angle(a).astype(result.np)
    a = lax.stop_gradient(a.astype(result.np))  # torch's gradient for real inputs is zero, NaN included
    return jnp.where(jnp.isnan(a), a, jnp.where(a < 0, math.pi, 0)).astype(result.np)


@op(inplace=False)
def angle(input):
    """Argument of each element (0 or pi for real numbers). Implements `torch.angle`."""
    d = input.dtype
    result = d.to_real() if d.category >= _dtype.FLOAT else _dtype.get_default_dtype()
    return preserve_layout(apply_fn("AngleBackward0", compiled(_angle, result), (input,), result), input)


@op(inplace=False, out=False)
def conj(input):
    """Complex conjugate (the tensor itself when real). Implements `torch.conj`: the result
    is a view of `input` flagged `is_conj()`, as torch's conjugate bit."""
    if not input.dtype.is_complex:
        return input
    result = make_view(input, Conj(), input._shape, input.stride(), input._offset, "ConjBackward0")
    result._is_conj = not getattr(input, "_is_conj", False)
    return result


def _conj_physical(a):
    return jnp.conj(a) if jnp.iscomplexobj(a) else a + 0


@op(inplace=True)
def conj_physical(input):
    """Complex conjugate, materialized. Implements `torch.conj_physical`."""
    if not input.dtype.is_complex:
        return input  # torch returns real tensors themselves
    return apply_fn("ConjPhysicalBackward0", compiled(_conj_physical), (input,), input.dtype)


@op(inplace=False, out=False)
def is_conj(input):
    """Whether `input` is a conjugated view. Implements `torch.is_conj`."""
    return bool(getattr(input, "_is_conj", False))


@op(inplace=False, out=False)
def resolve_conj(input):
    """A materialized copy of a conjugated view, else the tensor itself. Implements `torch.resolve_conj`."""
    if not is_conj(input):
        return input
    return apply_fn("CloneBackward0", compiled(_copy), (input,), input.dtype)


def _copy(a):
    return a + 0


@dataclass(frozen=True)
class AsReal(Step):
    """A complex tensor seen as real pairs along a new last dimension."""

    def read(self, x):
        return jnp.stack([jnp.real(x), jnp.imag(x)], -1)

    def scatter(self, x, v):
        return (v[..., 0] + 1j * v[..., 1]).astype(x.dtype)


@dataclass(frozen=True)
class AsComplex(Step):
    """Real pairs along the last dimension seen as complex numbers."""

    def read(self, x):
        return x[..., 0] + 1j * x[..., 1]

    def scatter(self, x, v):
        return jnp.stack([jnp.real(v), jnp.imag(v)], -1).astype(x.dtype)


@op(inplace=False, out=False, method=False)
def view_as_real(input):
    """A real view of a complex tensor with a last dimension of size 2. Implements `torch.view_as_real`."""
    if not input.dtype.is_complex:
        raise RuntimeError("view_as_real is only supported for complex tensors")
    if getattr(input, "_is_conj", False):
        raise RuntimeError("view_as_real doesn't work on unresolved conjugated tensors.  To resolve the conjugate "
                           "tensor so you can view it as real, use self.resolve_conj()")
    strides = tuple(2 * s for s in input.stride()) + (1,)
    return make_view(input, AsReal(), input._shape + (2,), strides, 2 * input._offset, "ViewAsRealBackward0",
                     input.dtype.to_real())


@op(inplace=False, out=False, method=False)
def view_as_complex(input):
    """A complex view of a real tensor whose last dimension holds (real, imag). Implements `torch.view_as_complex`."""
    if input.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError("view_as_complex is only supported for half, float and double tensors, but got a tensor "
                           f"of scalar type: {type_name(input.dtype)}")
    if input.dim() == 0 or input._shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if input.stride()[-1] != 1:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(s % 2 for s in input.stride()[:-1]) or input._offset % 2:
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    strides = tuple(s // 2 for s in input.stride()[:-1])
    return make_view(input, AsComplex(), input._shape[:-1], strides, input._offset // 2, "ViewAsComplexBackward0",
                     input.dtype.to_complex())


def _check_pair(a, b):
    for t in (a, b):
        if t.dtype not in (_dtype.float32, _dtype.float64, _dtype.float16):
            raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                               f"{type_name(a.dtype)} and {type_name(b.dtype)}")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"Expected object of scalar type {type_name(a.dtype)} but got scalar type "
                           f"{type_name(b.dtype)} for second argument")
    check_same_device((a, b))
    broadcast_shapes(a._shape, b._shape)
    return a.dtype.to_complex()


def _polar(r, theta, result):
    # torch's PolarBackward0 gives abs the gradient real(conj(grad) * sgn(result)): the true
    # derivative times sign(abs), 0 at abs == 0. Same value, that gradient:
    r = lax.stop_gradient(r) + lax.stop_gradient(jnp.sign(r)) * (r - lax.stop_gradient(r))
    return (r * jnp.cos(theta) + 1j * (r * jnp.sin(theta))).astype(result.np)


def _complex(re, im, result):
    return (re + 1j * im).astype(result.np)


@op(inplace=False, method=False)
def polar(abs, angle):  # noqa: A002 - torch's argument names
    """abs * (cos(angle) + i sin(angle)). Implements `torch.polar`."""
    result = _check_pair(abs, angle)
    return apply_fn("PolarBackward0", compiled(_polar, result), (abs, angle), result)


@op(name="complex", inplace=False, method=False)
def complex_(real, imag):
    """real + i imag. Implements `torch.complex`."""
    result = _check_pair(real, imag)
    return apply_fn("ComplexBackward0", compiled(_complex, result), (real, imag), result)
