"""Elementwise ops. Each body sees arrays already cast to the computation dtype; the
`pointwise` declaration derives the function, method, in-place and out= variants."""
from __future__ import annotations

import jax.numpy as jnp
from jax import lax

from .._dtype import Promote
from .._registry import pointwise

DEFAULT, INT_TO_FLOAT, ALWAYS_BOOL = Promote.DEFAULT, Promote.INT_TO_FLOAT, Promote.ALWAYS_BOOL


# ----------------------------------------------------------------- arithmetic
@pointwise(DEFAULT)
def add(input, other, *, alpha=1):
    """input + alpha * other. Implements `torch.add`."""
    return input + other if alpha == 1 else input + alpha * other


@pointwise(DEFAULT)
def sub(input, other, *, alpha=1):
    """input - alpha * other. Implements `torch.sub`."""
    if input.dtype == jnp.bool_:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` "
            "operator instead."
        )
    return input - other if alpha == 1 else input - alpha * other


@pointwise(DEFAULT)
def mul(input, other):
    """input * other. Implements `torch.mul`."""
    return jnp.logical_and(input, other) if input.dtype == jnp.bool_ else input * other


@pointwise(INT_TO_FLOAT, grad_name="DivBackward0")
def true_divide(input, other):
    """input / other in floating point. Implements `torch.true_divide` and `torch.div`."""
    return input / other


@pointwise(DEFAULT)
def floor_divide(input, other):
    """Floor of input / other. Implements `torch.floor_divide`."""
    if jnp.issubdtype(input.dtype, jnp.floating):
        return jnp.floor(input / other)
    return jnp.floor_divide(input, other)


@pointwise(DEFAULT, name="_trunc_divide", method=False)
def _trunc_divide(input, other):
    if jnp.issubdtype(input.dtype, jnp.floating):
        return jnp.trunc(input / other)
    return lax.div(input, other)


@pointwise(DEFAULT)
def remainder(input, other):
    """Python-style modulus: the result has the sign of the divisor. Implements `torch.remainder`."""
    return jnp.remainder(input, other)


@pointwise(DEFAULT)
def fmod(input, other):
    """C-style modulus: the result has the sign of the dividend. Implements `torch.fmod`."""
    return jnp.fmod(input, other)


@pointwise(Promote.BOOL_TO_LONG)
def pow(input, exponent):  # noqa: A001 - torch's name
    """input ** exponent. Implements `torch.pow`."""
    return jnp.power(input, exponent)


@pointwise(DEFAULT)
def neg(input):
    """-input. Implements `torch.neg`."""
    if input.dtype == jnp.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use "
            "the `~` or `logical_not()` operator instead."
        )
    return -input


@pointwise(DEFAULT)
def positive(input):
    return input


@pointwise(Promote.COMPLEX_TO_FLOAT)
def abs(input):  # noqa: A001
    """|input|. Implements `torch.abs`."""
    return input if input.dtype == jnp.bool_ else jnp.abs(input)


@pointwise(INT_TO_FLOAT)
def reciprocal(input):
    return 1 / input


# ----------------------------------------------------------------- unary float math
@pointwise(INT_TO_FLOAT)
def exp(input):
    """e ** input. Implements `torch.exp`."""
    return jnp.exp(input)


@pointwise(INT_TO_FLOAT)
def log(input):
    """Natural logarithm. Implements `torch.log`."""
    return jnp.log(input)


@pointwise(INT_TO_FLOAT)
def sqrt(input):
    """Square root. Implements `torch.sqrt`."""
    return jnp.sqrt(input)


@pointwise(INT_TO_FLOAT)
def sin(input):
    return jnp.sin(input)


@pointwise(INT_TO_FLOAT)
def cos(input):
    return jnp.cos(input)


@pointwise(INT_TO_FLOAT)
def tanh(input):
    return jnp.tanh(input)


@pointwise(INT_TO_FLOAT)
def sigmoid(input):
    return 1 / (1 + jnp.exp(-input))


@pointwise(DEFAULT)
def relu(input):
    return jnp.maximum(input, 0)


# ----------------------------------------------------------------- comparisons
@pointwise(ALWAYS_BOOL)
def eq(input, other):
    return input == other


@pointwise(ALWAYS_BOOL)
def ne(input, other):
    return input != other


@pointwise(ALWAYS_BOOL)
def lt(input, other):
    return input < other


@pointwise(ALWAYS_BOOL)
def le(input, other):
    return input <= other


@pointwise(ALWAYS_BOOL)
def gt(input, other):
    return input > other


@pointwise(ALWAYS_BOOL)
def ge(input, other):
    return input >= other


@pointwise(ALWAYS_BOOL)
def isnan(input):
    return jnp.isnan(input)


# ----------------------------------------------------------------- bitwise and logical
def _integral(op_name, x):
    if jnp.issubdtype(x.dtype, jnp.inexact):
        raise RuntimeError(f'"{op_name}_cpu" not implemented for \'{"Float" if x.dtype == jnp.float32 else x.dtype}\'')
    return x


@pointwise(DEFAULT)
def bitwise_and(input, other):
    return _integral("bitwise_and", input) & other


@pointwise(DEFAULT)
def bitwise_or(input, other):
    return _integral("bitwise_or", input) | other


@pointwise(DEFAULT)
def bitwise_xor(input, other):
    return _integral("bitwise_xor", input) ^ other


@pointwise(DEFAULT)
def bitwise_not(input):
    return ~_integral("bitwise_not", input)


@pointwise(DEFAULT)
def bitwise_left_shift(input, other):
    return jnp.left_shift(_integral("lshift", input), other)


@pointwise(DEFAULT)
def bitwise_right_shift(input, other):
    return jnp.right_shift(_integral("rshift", input), other)


@pointwise(ALWAYS_BOOL)
def logical_not(input):
    return jnp.logical_not(input)


@pointwise(ALWAYS_BOOL)
def logical_and(input, other):
    return jnp.logical_and(input, other)


@pointwise(ALWAYS_BOOL)
def logical_or(input, other):
    return jnp.logical_or(input, other)


@pointwise(ALWAYS_BOOL)
def logical_xor(input, other):
    return jnp.logical_xor(input, other)
