"""Elementwise ops. Each body sees arrays already cast to the computation dtype; the
`pointwise` declaration derives the function, method, in-place and out= variants."""
from __future__ import annotations

import builtins
import functools
import math

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np
from jax import lax

from .. import _dtype
from .._dtype import BOOL, COMPLEX, FLOAT, INT, Promote, elementwise_dtypes
from .._registry import OP_TABLE, assign_inplace, broadcast_shapes, check_target, op, pointwise, type_name
from .._tensor import Tensor

DEFAULT, INT_TO_FLOAT, ALWAYS_BOOL = Promote.DEFAULT, Promote.INT_TO_FLOAT, Promote.ALWAYS_BOOL
NO_OPMATH = Promote.NO_OPMATH


# ----------------------------------------------------------------- dtype checks
def _common(keys) -> _dtype.dtype:
    return elementwise_dtypes(keys, NO_OPMATH)[1]


def _require_operands(op_name, keys):
    """torch's TypeError for an operand that is neither a Tensor nor a Number (None)."""
    if None in keys:
        position = keys.index(None)
        raise TypeError(f"{op_name}(): argument '{('input', 'other')[position]}' (position {position + 1}) must be "
                        "Tensor, not NoneType")


def _require_tensors(op_name, keys, names):
    """torch's TypeError for a Python number where the op takes only Tensors."""
    _require_operands(op_name, keys)
    for position, (key, arg) in enumerate(zip(keys, names), 1):
        if isinstance(key, int):
            raise TypeError(f"{op_name}(): argument '{arg}' (position {position}) must be Tensor, not "
                            f"{('bool', 'int', 'float', 'complex')[key]}")


def _kernel_check(kernel, *missing, tensors=(), op_name=None):
    """A `check` raising torch's errors: NotImplementedError when the CPU kernel `kernel`
    has no version for the common dtype's category (`missing`), TypeError when one of
    the operands named in `tensors` is a Python number."""

    def check(keys, result, *static):
        _require_tensors(op_name or kernel, keys, tensors)
        common = _common(keys)
        if common.category in missing:
            raise NotImplementedError(f'"{kernel}" not implemented for \'{type_name(common)}\'')

    return check


def _operands_check(op_name):
    def check(keys, result, *static):
        _require_operands(op_name, keys)

    return check


def _check_scalar_fits(value, dtype: _dtype.dtype):
    """torch's checked conversion of a Python number to `dtype` (for alpha and pow's exponent)."""
    if isinstance(value, (complex, np.complexfloating)):
        return
    if dtype.category == INT:
        info = np.iinfo(dtype.np)
        low = -info.max if info.min == 0 else info.min  # negative values wrap into unsigned types
        fits = not isinstance(value, (float, np.floating)) and low <= value <= info.max
    elif dtype in (_dtype.float16, _dtype.bfloat16):
        fits = not math.isfinite(value) or builtins.abs(value) <= float(ml_dtypes.finfo(dtype.np).max)
    else:
        return
    if not fits:
        c_name = "c10::Half" if dtype is _dtype.float16 else "c10::BFloat16" if dtype is _dtype.bfloat16 \
            else f"{dtype.name}_t"
        raise RuntimeError(f"value cannot be converted to type {c_name} without overflow")


def _check_alpha(keys, result, alpha, kernel_alpha=None):
    """torch's checks of add's alpha; the kernel gets `kernel_alpha` (-alpha for sub)."""
    _require_operands("add", keys)
    # torch's alpha_check, in its order.
    if isinstance(alpha, (builtins.bool, np.bool_)) and result is not _dtype.bool:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if result.category < FLOAT and not isinstance(alpha, (int, np.integer, np.bool_)):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if not result.is_complex and isinstance(alpha, (complex, np.complexfloating)):
        raise RuntimeError("For non-complex input tensors, argument alpha must not be a complex number.")
    if result.category == INT or result in (_dtype.float16, _dtype.bfloat16):
        _check_scalar_fits(alpha if kernel_alpha is None else kernel_alpha, result)


def _check_sub(keys, result, alpha):
    _require_operands("sub", keys)
    if any(k == BOOL or isinstance(k, tuple) and k[0] is _dtype.bool for k in keys):
        if result is _dtype.bool:
            raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                               "`logical_xor()` operator instead.")
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")
    _check_alpha(keys, result, alpha, -alpha)


def _check_rsub(keys, result, alpha):
    _require_tensors("rsub", keys, ("input",))
    _check_sub(keys, result, alpha)


def _check_integer_division(op):
    """Wrap the function and in-place method of the registered `op` with torch's CPU check
    for an integer division by zero, which raises RuntimeError("ZeroDivisionError"). The
    check reads the divisor on the host, a sync, but only when both operands are integers."""
    opdef = OP_TABLE[f"torch.{op.__name__}"]
    function, inplace = opdef.function, opdef.inplace_function

    def checked(*args, **kwargs):
        input = args[0] if args else kwargs.get("input")
        _check_divisor(input, args[1] if len(args) > 1 else kwargs.get("other"))
        return function(*args, **kwargs)

    def checked_inplace(self, *args, **kwargs):
        _check_divisor(self, args[0] if args else kwargs.get("other"))
        return inplace(self, *args, **kwargs)

    functools.update_wrapper(checked, function)
    functools.update_wrapper(checked_inplace, inplace)
    opdef.function, opdef.inplace_function = checked, checked_inplace
    return checked


def _category(x) -> int | None:
    d = getattr(x, "dtype", None)
    if isinstance(d, _dtype.dtype):
        return d.category
    return _dtype.number_category(x) if isinstance(x, (int, np.integer, np.bool_)) else None


def _check_divisor(input, other):
    categories = (_category(input), _category(other))
    if None in categories or max(categories) != INT:  # not an integer division (bool ones raise later)
        return
    if isinstance(input, Tensor) and input.numel() == 0:
        return
    if not isinstance(other, Tensor):
        has_zero = other == 0
    else:
        data = other._data
        # torch's CUDA kernels do not check; a value traced by jax.jit cannot be read.
        if other.numel() == 0 or other.device.type != "cpu" or isinstance(data, jax.core.Tracer):
            return
        has_zero = not np.asarray(data).all()
    if has_zero:
        raise RuntimeError("ZeroDivisionError")


# ----------------------------------------------------------------- arithmetic helpers
def _opmath(*arrays):
    """float16/bfloat16 arrays widened to float32, for the ops declared NO_OPMATH because
    their bodies need the result dtype (add's alpha and pow's exponent are cast to it)."""
    return [a.astype(jnp.float32) if a.dtype in (jnp.float16, jnp.bfloat16) else a for a in arrays]


def _scaled(x, alpha, dtype):
    """alpha * x as torch's add kernel computes it: alpha cast to the operands' `dtype`, and
    complex products by the textbook formula, which XLA may not simplify away (so
    (1+0j) * (inf+0j) is inf+nanj, as in torch)."""
    a = np.asarray(alpha).astype(dtype)
    if x.dtype == jnp.bool_:
        return jnp.logical_and(a, x)
    a = a.astype(x.dtype)
    if jnp.iscomplexobj(x):
        xr, xi = jnp.real(x), jnp.imag(x)
        return lax.complex(a.real * xr - a.imag * xi, a.real * xi + a.imag * xr)
    return a * x


def _add(input, other, alpha):
    """torch's add kernel: input + alpha * other, skipping alpha = 1 for real dtypes (exact)."""
    dtype = input.dtype
    input, other = _opmath(input, other)
    if alpha == 1 and not jnp.iscomplexobj(input):
        return jnp.logical_or(input, other) if dtype == jnp.bool_ else input + other
    return input + _scaled(other, alpha, dtype)


def _broadcast_divisor(x, y):
    """x and y broadcast together, y behind an optimization barrier when it needed
    broadcasting: XLA turns a division by a broadcast value into a multiplication by its
    reciprocal, which is not exact (5 / 3 would give 1.6666667 in float32)."""
    shape = jnp.broadcast_shapes(x.shape, y.shape)
    if y.shape != shape:
        y = lax.optimization_barrier(jnp.broadcast_to(y, shape))
    return jnp.broadcast_to(x, shape), y


def _divide(x, y):
    """x / y; complex division with torch's (and numpy's) algorithm, which scales by the
    larger part of the divisor and divides by each zero part of a zero divisor (so 3 / 0j
    is inf+nanj where XLA gives -inf+nanj)."""
    x, y = _broadcast_divisor(x, y)
    if not jnp.iscomplexobj(x):
        return x / y
    a, b, c, d = jnp.real(x), jnp.imag(x), jnp.real(y), jnp.imag(y)
    c_larger = jnp.abs(c) >= jnp.abs(d)
    zero = (c == 0) & (d == 0)
    larger = jnp.where(zero, 1, jnp.where(c_larger, c, d))  # never 0, so unused branches keep finite gradients
    ratio = jnp.where(c_larger, d, c) / larger
    scale = 1 / (larger + jnp.where(c_larger, d, c) * ratio)
    real = jnp.where(c_larger, a + b * ratio, a * ratio + b) * scale
    imag = jnp.where(c_larger, b - a * ratio, b * ratio - a) * scale
    divisor = jnp.where(zero, 0, 1).astype(a.dtype)
    return lax.complex(jnp.where(zero, a / divisor, real), jnp.where(zero, b / divisor, imag))


def _floor_divide(input, other):
    input, other = _broadcast_divisor(input, other)  # also, lax's div and rem take equal shapes
    if jnp.issubdtype(input.dtype, jnp.integer):
        # Truncating division, one less where it was inexact and the signs differ.
        quot = lax.div(input, other)
        return jnp.where((lax.rem(input, other) != 0) & ((input < 0) != (other < 0)), quot - 1, quot)
    # Python's float floor division, as torch's div_floor_floating: exact where floor(a / b)
    # is not (1 // 0.1 is 9.0), IEEE results for a zero divisor, signed zeros kept.
    mod = lax.rem(input, other)
    div = (input - mod) / other
    div = jnp.where((mod != 0) & ((other < 0) != (mod < 0)), div - 1, div)
    floor = jnp.floor(div)
    floor = jnp.where(div - floor > 0.5, floor + 1, floor)
    floor = jnp.where(div != 0, floor, jnp.copysign(jnp.zeros_like(div), input / other))
    return jnp.where(other == 0, input / other, floor)


def _trunc_divide(input, other):
    input, other = _broadcast_divisor(input, other)
    if jnp.issubdtype(input.dtype, jnp.integer):
        return lax.div(input, other)
    return jnp.trunc(input / other)


# ----------------------------------------------------------------- arithmetic
@pointwise(NO_OPMATH, check=_check_alpha)
def add(input, other, *, alpha=1):
    """input + alpha * other. Implements `torch.add`."""
    return _add(input, other, alpha)


@pointwise(NO_OPMATH, check=_check_sub)
def sub(input, other, *, alpha=1):
    """input - alpha * other. Implements `torch.sub` (which computes input + (-alpha) * other)."""
    return _add(input, other, -alpha)


@pointwise(NO_OPMATH, check=_check_rsub)
def rsub(input, other, *, alpha=1):
    """other - alpha * input, what `number - tensor` computes. Implements `torch.rsub`."""
    return _add(other, input, -alpha)


@pointwise(DEFAULT, saves=("cross",), check=_operands_check("mul"), exact_scalar="other")
def mul(input, other):
    """input * other. Implements `torch.mul`."""
    return jnp.logical_and(input, other) if input.dtype == jnp.bool_ else input * other


@pointwise(INT_TO_FLOAT, grad_name="DivBackward0", saves=("cross",), check=_operands_check("true_divide"),
           exact_scalar="other")
def true_divide(input, other):
    """input / other in floating point. Implements `torch.true_divide` and `torch.div`.

    Differences from torch: a complex division by zero or infinity may give another mix
    of inf and nan (torch's own result depends on its vectorised or scalar code path)."""
    return _divide(input, other)


floor_divide = _check_integer_division(pointwise(
    DEFAULT, name="floor_divide", check=_kernel_check("div_floor_cpu", BOOL, COMPLEX), exact_scalar="other")(
    _floor_divide))
floor_divide.__doc__ = """Rounds input / other toward minus infinity. Implements `torch.floor_divide`."""

# torch.div with a rounding mode: the same kernels, recorded for autograd as DivBackward2.
_div_floor = _check_integer_division(pointwise(
    DEFAULT, name="_div_floor", grad_name="DivBackward2", method=False,
    check=_kernel_check("div_floor_cpu", BOOL, COMPLEX), exact_scalar="other")(_floor_divide))
_div_trunc = _check_integer_division(pointwise(
    DEFAULT, name="_div_trunc", grad_name="DivBackward2", method=False,
    check=_kernel_check("div_trunc_cpu", BOOL, COMPLEX), exact_scalar="other")(_trunc_divide))


@pointwise(DEFAULT, check=_kernel_check("remainder_cpu", BOOL, COMPLEX))
def remainder(input, other):
    """Python-style modulus: the result has the sign of the divisor. Implements `torch.remainder`."""
    input, other = jnp.broadcast_arrays(input, other)  # lax's rem takes equal shapes
    mod = lax.rem(input, other)
    return jnp.where((mod != 0) & ((mod < 0) != (other < 0)), mod + other, mod)


@pointwise(DEFAULT, check=_kernel_check("fmod_cpu", BOOL, COMPLEX, tensors=("input",), op_name="fmod"))
def fmod(input, other):
    """C-style modulus: the result has the sign of the dividend. Implements `torch.fmod`."""
    return lax.rem(*jnp.broadcast_arrays(input, other))


remainder = _check_integer_division(remainder)
fmod = _check_integer_division(fmod)


# ----------------------------------------------------------------- pow
def _powi(base, exp):
    """Integer power by repeated squaring, wrapping on overflow; a negative exponent gives
    0 except for the bases 1 and -1 (torch's powi)."""

    def step(_, state):
        result, square, e = state
        return jnp.where((e & 1) != 0, result * square, result), square * square, e >> 1

    base, exp = jnp.broadcast_arrays(base, exp)
    result = lax.fori_loop(0, 8 * base.dtype.itemsize, step, (jnp.ones_like(base), base, exp))[0]
    if jnp.issubdtype(base.dtype, jnp.signedinteger):
        odd = (exp & 1) != 0
        negative = jnp.where(base == 1, 1, jnp.where(base == -1, jnp.where(odd, -1, 1), 0)).astype(base.dtype)
        result = jnp.where(exp < 0, negative, result)
    return result


def _complex_pow(base, exponent):
    """C's cpow, which torch calls: exp(exponent * log(base)), the product by the textbook
    formula (so 0 ** (2+1j) is 0, 0 ** 0j is nan+nanj, where XLA's pow gives nan and 1)."""
    log = jnp.log(base)
    a, b, c, d = jnp.real(exponent), jnp.imag(exponent), jnp.real(log), jnp.imag(log)
    x, y = a * c - b * d, a * d + b * c
    result = jnp.exp(lax.complex(x, y))
    # C99's exp where the real part is infinite and the imaginary one is not finite.
    odd = ~jnp.isfinite(y)
    result = jnp.where(odd & (x == -jnp.inf), lax.complex(jnp.zeros_like(x), jnp.copysign(jnp.zeros_like(y), y)), result)
    return jnp.where(odd & (x == jnp.inf), lax.complex(x, y - y), result)


def _pow(input, exponent):
    """Elementwise power as torch's tensor-tensor kernel computes it."""
    if jnp.issubdtype(input.dtype, jnp.integer):
        return _powi(input, exponent)
    input, exponent = _opmath(input, exponent)
    if jnp.iscomplexobj(input):
        return _complex_pow(*jnp.broadcast_arrays(input, exponent))
    return jnp.power(input, exponent)


@pointwise(NO_OPMATH, name="_pow", grad_name="PowBackward1", method=False, inplace=False,
           saves=("cross", "input"), check=_kernel_check("pow", BOOL))
def _pow_tensor(input, exponent):
    return _pow(input, exponent)


@pointwise(NO_OPMATH, name="_pow_scalar_base", grad_name="PowBackward2", method=False, inplace=False,
           saves=("cross",), check=_kernel_check("pow", BOOL))
def _pow_scalar_base(input, exponent):
    result = _pow(input, exponent)
    return jnp.where(input == 1, jnp.ones_like(result), result)  # torch fills 1 ** anything with ones


# Exponents for which torch's tensor ** number kernel skips pow (0 and 1 for every dtype).
_POW_FAST_PATHS = {0: 0, 1: 1, 2: 2, 3: 3, -2: -2, 0.5: 0.5, -0.5: -0.5, -1: -1}


def _check_pow_scalar_exponent(keys, result, fast):
    if fast not in (0, 1):  # torch fills or copies for these without dispatching on the dtype
        _kernel_check("pow", BOOL)(keys, result)


@pointwise(NO_OPMATH, name="_pow_scalar_exponent", grad_name="PowBackward0", method=False, inplace=False,
           saves=("input",), check=_check_pow_scalar_exponent)
def _pow_scalar_exponent(input, exponent, *, fast=None):
    if fast == 0:
        return jnp.ones_like(input)
    if fast == 1:
        return input
    if jnp.issubdtype(input.dtype, jnp.integer):
        return _powi(input, exponent)
    half = input.dtype == jnp.float16  # torch's float16 kernel has no other fast paths
    x, exponent = _opmath(input, exponent)
    if fast == 0.5 and not half:
        return jnp.sqrt(x)
    if fast == -0.5 and not half:
        return _divide(jnp.ones_like(x), jnp.sqrt(x))
    if fast == -1 and not half:
        return _divide(jnp.ones_like(x), x)
    if fast == 2 and not half:
        return x * x
    if fast == 3 and not half:
        return x * x * x
    if fast == -2 and not half:
        return _divide(jnp.ones_like(x), x * x)
    return _complex_pow(*jnp.broadcast_arrays(x, exponent)) if jnp.iscomplexobj(x) else jnp.power(x, exponent)


@op(inplace=True)
def pow(input, exponent):  # noqa: A001 - torch's name
    """input ** exponent, for tensors or a number and a tensor. Implements `torch.pow`."""
    if isinstance(exponent, Tensor):
        if isinstance(input, Tensor):
            return _pow_tensor(input, exponent)
        return _pow_scalar_base(input, exponent)
    if not isinstance(input, Tensor):
        raise TypeError(f"pow() received an invalid combination of arguments - got ({type(input).__name__}, "
                        f"{type(exponent).__name__}), but expected (Tensor input, Tensor exponent), (Number self, "
                        "Tensor exponent) or (Tensor input, Number exponent)")
    if input.dtype.category <= INT and isinstance(exponent, (int, np.integer, np.bool_)) and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    _check_scalar_fits(exponent, _dtype.result_type(input, exponent))
    fast = _POW_FAST_PATHS.get(exponent) if isinstance(exponent, (int, float, complex, np.number)) else None
    return _pow_scalar_exponent(input, exponent, fast=fast)


def _pow_inplace(self, exponent):
    try:
        result = pow(self, exponent)
    except NotImplementedError:  # torch checks the output's shape and dtype before its kernel
        shape = broadcast_shapes(self._shape, getattr(exponent, "_shape", ()))
        check_target(self, _dtype.result_type(self, exponent), shape, inplace=True)
        raise
    return assign_inplace(self, result)


_pow_inplace.__name__ = "pow_"
OP_TABLE["torch.pow"].inplace_function = _pow_inplace


# ----------------------------------------------------------------- sign
def _check_neg(keys, result):
    _require_tensors("neg", keys, ("input",))
    if result is _dtype.bool:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert "
                           "a mask, use the `~` or `logical_not()` operator instead.")


@pointwise(DEFAULT, check=_check_neg)
def neg(input):
    """-input. Implements `torch.neg`."""
    return -input


@op(out=False)
def positive(input):
    """Returns `input` itself (torch's `+tensor`); a bool tensor is an error. Implements `torch.positive`."""
    if not isinstance(input, Tensor):
        raise TypeError(f"positive(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.dtype is _dtype.bool:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def _two_sum(a, b):
    """a + b and its exact rounding error (Knuth; no products, so FMA contraction can't break it)."""
    total = a + b
    b_part = total - a
    return total, (a - (total - b_part)) + (b - b_part)


def _square_error(a, square):
    """a * a - square exactly, for square = fl(a * a): a split into 26-bit halves by masking."""
    bits = lax.bitcast_convert_type(a, jnp.uint64) & jnp.uint64(0xFFFFFFFFF8000000)
    high = lax.bitcast_convert_type(bits, jnp.float64)
    low = a - high
    return ((high * high - square) + 2 * high * low) + low * low


def _correctly_rounded_hypot(x, y):
    """sqrt(x² + y²) in float64 with one Newton correction from an exactly computed residual,
    matching the correctly rounded libm hypot torch's complex abs uses. Scaled by powers of
    two away from overflow and underflow."""
    x, y = jnp.abs(x), jnp.abs(y)
    largest = jnp.maximum(x, y)
    scale = jnp.where(largest > 2.0 ** 500, 2.0 ** -600, jnp.where(largest < 2.0 ** -500, 2.0 ** 600, 1.0))
    x, y = x * scale, y * scale
    x_sq, y_sq = x * x, y * y
    h = jnp.sqrt(x_sq + y_sq)
    h_sq = h * h
    partial, error1 = _two_sum(h_sq, -x_sq)
    residual, error2 = _two_sum(partial, -y_sq)
    residual = residual + (((error1 + error2) + _square_error(h, h_sq)) - _square_error(x, x_sq)
                           - _square_error(y, y_sq))
    h = jnp.where(h > 0, h - residual / (2 * h), h)
    return h / scale


@pointwise(Promote.COMPLEX_TO_FLOAT, check=_kernel_check("abs_cpu", BOOL, tensors=("input",), op_name="abs"))
def abs(input):  # noqa: A001
    """|input|. Implements `torch.abs`."""
    if jnp.iscomplexobj(input):  # C's cabs (hypot): an infinite part gives inf even beside a nan
        # XLA's, off by an ulp about a third of the time; its gradient is right except at 0,
        # where torch's (grad * sgn(0)) is 0: route 0 through a constant so no gradient flows
        zero = input == 0
        rough = jnp.where(zero, jnp.zeros((), input.real.dtype), jnp.abs(jnp.where(zero, jnp.ones_like(input), input)))
        exact = _correctly_rounded_hypot(input.real.astype(jnp.float64), input.imag.astype(jnp.float64))
        exact = lax.stop_gradient(exact.astype(rough.dtype))  # (its own derivative is nan at 0)
        magnitude = jnp.where(jnp.isfinite(exact), rough + lax.stop_gradient(exact - rough), exact)
        return jnp.where(jnp.isinf(input.real) | jnp.isinf(input.imag), jnp.inf, magnitude)
    if jnp.issubdtype(input.dtype, jnp.floating):
        return _real_abs(input)
    return jnp.abs(input)


def _sign_zero_at_nan(x):
    """torch's sign of a real float: +1, -1, or +0 (at ±0 and NaN)."""
    return (x > 0).astype(x.dtype) - (x < 0).astype(x.dtype)


@jax.custom_jvp
def _real_abs(x):
    return jnp.abs(x)


@_real_abs.defjvp
def _real_abs_jvp(primals, tangents):
    # torch: grad * sgn(x), which is 0 at ±0 (JAX's jnp.abs gives 1 there)
    (x,), (t,) = primals, tangents
    return jnp.abs(x), t * _sign_zero_at_nan(x)


@pointwise(INT_TO_FLOAT, saves=("result",))
def reciprocal(input):
    """1 / input. Implements `torch.reciprocal`."""
    return _divide(jnp.ones_like(input), input)


# ----------------------------------------------------------------- unary float math
@pointwise(INT_TO_FLOAT, saves=("result",))
def exp(input):
    """e ** input. Implements `torch.exp`."""
    return jnp.exp(input)


@pointwise(INT_TO_FLOAT, saves=("input",))
def log(input):
    """Natural logarithm. Implements `torch.log`."""
    return jnp.log(input)


@pointwise(INT_TO_FLOAT, saves=("result",))
def sqrt(input):
    """Square root. Implements `torch.sqrt`."""
    return jnp.sqrt(input)


@pointwise(INT_TO_FLOAT, saves=("input",))
def sin(input):
    return jnp.sin(input)


@pointwise(INT_TO_FLOAT, saves=("input",))
def cos(input):
    return jnp.cos(input)


@pointwise(INT_TO_FLOAT, saves=("result",))
def tanh(input):
    return jnp.tanh(input)


@pointwise(INT_TO_FLOAT, saves=("result",))
def sigmoid(input):
    return _sigmoid(input)


@jax.custom_jvp
def _sigmoid(x):
    return 1 / (1 + jnp.exp(-x))


@_sigmoid.defjvp
def _sigmoid_jvp(primals, tangents):
    # torch's sigmoid_backward, grad * (1 - y) * y: finite where autodiff of the formula
    # overflows (exp(89) is inf in float32, giving inf / inf)
    (x,), (t,) = primals, tangents
    y = _sigmoid(x)
    return y, t * ((1 - y) * y)


@pointwise(DEFAULT)
def relu(input):
    if jnp.issubdtype(input.dtype, jnp.floating):
        return _float_relu(input)
    return jnp.maximum(input, 0)


@jax.custom_jvp
def _float_relu(x):
    # keeps -0.0 and NaN, as torch's relu does
    return jnp.where(x < 0, jnp.zeros_like(x), x)


@_float_relu.defjvp
def _float_relu_jvp(primals, tangents):
    # torch's threshold_backward: no gradient where the result is <= 0 (at 0 too; jnp.maximum would split it)
    (x,), (t,) = primals, tangents
    return _float_relu(x), jnp.where(x <= 0, jnp.zeros_like(t), t)


# ----------------------------------------------------------------- comparisons
# ALWAYS_BOOL compares in the common dtype itself (exact), as torch does.
def _comparison(kernel, *missing):
    return _kernel_check(kernel, *missing, tensors=("input",), op_name=kernel[:2])


@pointwise(ALWAYS_BOOL, check=_comparison("eq_cpu"))
def eq(input, other):
    """input == other. Implements `torch.eq`."""
    return input == other


@pointwise(ALWAYS_BOOL, check=_comparison("ne_cpu"))
def ne(input, other):
    """input != other. Implements `torch.ne`."""
    return input != other


@pointwise(ALWAYS_BOOL, check=_comparison("lt_cpu", COMPLEX))
def lt(input, other):
    """input < other. Implements `torch.lt`."""
    return input < other


@pointwise(ALWAYS_BOOL, check=_comparison("le_cpu", COMPLEX))
def le(input, other):
    """input <= other. Implements `torch.le`."""
    return input <= other


@pointwise(ALWAYS_BOOL, check=_comparison("gt_cpu", COMPLEX))
def gt(input, other):
    """input > other. Implements `torch.gt`."""
    return input > other


@pointwise(ALWAYS_BOOL, check=_comparison("ge_cpu", COMPLEX))
def ge(input, other):
    """input >= other. Implements `torch.ge`."""
    return input >= other


@pointwise(ALWAYS_BOOL)
def isnan(input):
    return jnp.isnan(input)


# ----------------------------------------------------------------- bitwise and logical
# Bitwise ops exist for integers and bool; shifts for integers only.
@pointwise(DEFAULT, check=_kernel_check("bitwise_and_cpu", FLOAT, COMPLEX))
def bitwise_and(input, other):
    """input & other. Implements `torch.bitwise_and`."""
    return input & other


@pointwise(DEFAULT, check=_kernel_check("bitwise_or_cpu", FLOAT, COMPLEX))
def bitwise_or(input, other):
    """input | other. Implements `torch.bitwise_or`."""
    return input | other


@pointwise(DEFAULT, check=_kernel_check("bitwise_xor_cpu", FLOAT, COMPLEX))
def bitwise_xor(input, other):
    """input ^ other. Implements `torch.bitwise_xor`."""
    return input ^ other


@pointwise(DEFAULT, check=_kernel_check("bitwise_not_cpu", FLOAT, COMPLEX, tensors=("input",), op_name="bitwise_not"))
def bitwise_not(input):
    """~input (logical not for bool). Implements `torch.bitwise_not`."""
    return ~input


# XLA's shifts match torch's: a shift by a negative amount or by at least the bit width
# gives 0 (left) or the sign fill (right).
@pointwise(DEFAULT, check=_kernel_check("lshift_cpu", BOOL, FLOAT, COMPLEX))
def bitwise_left_shift(input, other):
    """input << other. Implements `torch.bitwise_left_shift`."""
    return lax.shift_left(*jnp.broadcast_arrays(input, other))


@pointwise(DEFAULT, check=_kernel_check("rshift_cpu", BOOL, FLOAT, COMPLEX))
def bitwise_right_shift(input, other):
    """input >> other, arithmetic for signed types. Implements `torch.bitwise_right_shift`."""
    return jnp.right_shift(input, other)


def _logical(name, n=2):
    def check(keys, result):
        _require_tensors(name, keys, ("input", "other")[:n])

    return check


@pointwise(ALWAYS_BOOL, check=_logical("logical_not", 1))
def logical_not(input):
    """not input (nonzero is true). Implements `torch.logical_not`."""
    return jnp.logical_not(input)


@pointwise(ALWAYS_BOOL, check=_logical("logical_and"))
def logical_and(input, other):
    """input and other (nonzero is true). Implements `torch.logical_and`."""
    return jnp.logical_and(input, other)


@pointwise(ALWAYS_BOOL, check=_logical("logical_or"))
def logical_or(input, other):
    """input or other (nonzero is true). Implements `torch.logical_or`."""
    return jnp.logical_or(input, other)


@pointwise(ALWAYS_BOOL, check=_logical("logical_xor"))
def logical_xor(input, other):
    """input xor other (nonzero is true). Implements `torch.logical_xor`."""
    return jnp.logical_xor(input, other)
