"""Elementwise math: trigonometry, rounding, special functions, floating-point
manipulation and closeness tests, plus torch's aliases of the elementwise ops.

Each op is declared once with `pointwise`; its torch.* function, Tensor method, in-place
`_` variant and `out=` variant are derived. Where torch records a different autograd
node for another overload (a Python-number operand, `round(decimals=)`), the overload is
a second private declaration that the public function routes to.

Differences from torch: transcendental functions come from XLA and may differ from
torch's (Sleef/libm) results in the last ulp or two; complex `logaddexp` is computed as
log(exp(a) + exp(b)).
"""
from __future__ import annotations

import builtins
import functools
import math

import jax
import jax.numpy as jnp
import jax.scipy.special as jsp
import ml_dtypes
import numpy as np
from jax import lax

from .. import _dtype
from .._dtype import BOOL, COMPLEX, FLOAT, INT, Promote
from .._registry import OP_TABLE, OpDef, apply_fn, op, pointwise, register, type_name, write_out
from .._tensor import Tensor
from .pointwise import _common, _require_tensors
from .reduction import return_type
from .special import _gammainc, _gammaincc

DEFAULT, INT_TO_FLOAT, ALWAYS_BOOL, NO_OPMATH = Promote.DEFAULT, Promote.INT_TO_FLOAT, Promote.ALWAYS_BOOL, \
    Promote.NO_OPMATH


# ----------------------------------------------------------------- checks
def _check(name, kernel=None, missing=(), tensors=("input",), complex_error=None, extra=None):
    """A `check` raising torch's errors: TypeError for a Python number among `tensors`,
    `complex_error` (type, message) for a complex common dtype, NotImplementedError naming
    the CPU `kernel` for the categories in `missing`, then `extra(keys, result, common, *static)`."""

    def check(keys, result, *static):
        _require_tensors(name, keys, tensors)
        common = _common(keys)
        if complex_error is not None and common.is_complex:
            raise complex_error[0](complex_error[1])
        if common.category in missing:
            raise NotImplementedError(f'"{kernel}" not implemented for \'{type_name(common)}\'')
        if extra is not None:
            extra(keys, result, common, *static)

    return check


def _same_dtype(message):
    """torch's RuntimeError when two tensor operands differ in dtype."""

    def extra(keys, result, common, *static):
        dtypes = [k[0] for k in keys if isinstance(k, tuple)]
        if len(set(dtypes)) > 1:
            raise RuntimeError(message(dtypes))

    return extra


def _is_int(x):
    return jnp.issubdtype(x.dtype, jnp.integer) or x.dtype == jnp.bool_


# ----------------------------------------------------------------- unary float math
def _unary_float(name, fn, saves=("input",), kernel=None, complex_error=None, wide=True, grad_name=None,
                 method=True):
    """An INT_TO_FLOAT unary op; complex inputs raise `complex_error` or torch's
    "`kernel`" NotImplementedError when given, else are computed."""
    missing = (COMPLEX,) if kernel else ()

    def body(input):
        return _wide(fn, input) if wide else fn(input)

    body.__name__ = name
    return pointwise(INT_TO_FLOAT, name=name, saves=saves, grad_name=grad_name, method=method,
                     check=_check(name, kernel, missing, complex_error=complex_error))(body)


_WIDER = {np.dtype(np.float32): jnp.float64, np.dtype(np.complex64): jnp.complex128}


def _wide(fn, *arrays):
    """fn on float32/complex64 arrays computed in double precision and rounded once: XLA's
    single-precision kernels can be several ulps off where torch's are within one."""
    wider = _WIDER.get(np.dtype(arrays[0].dtype))
    if wider is None:
        return fn(*arrays)
    return fn(*(a.astype(wider) for a in arrays)).astype(arrays[0].dtype)


@jax.custom_jvp
def _erfc(x):
    """erfc, accurate for large x in float64 too. XLA's evaluates exp(-x * x) with x * x
    rounded, a relative error of about x² ulps (255 ulps at x = 16); here erfc is taken at
    h, x with its low 27 significand bits cleared (so h * h is exact), and carried to x by
    its Taylor series in d = x - h (|d| < 2**-26 x; the d**4 term is below an ulp)."""
    if x.dtype != jnp.float64:
        return lax.erfc(x)
    bits = lax.bitcast_convert_type(x, jnp.uint64)
    h = lax.bitcast_convert_type(bits & np.uint64(~((1 << 27) - 1) & (2 ** 64 - 1)), jnp.float64)
    d = x - h
    series = -d + d * d * h - d * d * d * (4 * h * h - 2) / 6
    near = lax.erfc(h) + np.float64(2 / math.sqrt(math.pi)) * jnp.exp(-(h * h)) * series
    return jnp.where(jnp.isfinite(x) & (x > 1), near, lax.erfc(x))


@_erfc.defjvp
def _erfc_jvp(primals, tangents):
    (x,), (dx,) = primals, tangents
    return _erfc(x), jax.jvp(lax.erfc, (x,), (dx,))[1]


def _exp2(x):
    """2 ** x as 2 ** n * 2 ** f, n = round(x): exact for integers (XLA's exp2 is not)."""
    if jnp.iscomplexobj(x):
        return jnp.exp2(x)
    n = jnp.round(x)
    f = x - n
    n = jnp.clip(jnp.where(jnp.isfinite(n), n, 0), -2000, 2000).astype(jnp.int32)
    # two steps so that neither factor overflows before the product does
    half = n // 2
    result = jnp.exp(f * np.asarray(math.log(2), x.dtype)) * jnp.ldexp(jnp.ones_like(x), half)
    result = result * jnp.ldexp(jnp.ones_like(x), n - half)
    return jnp.where(jnp.isfinite(x), result, jnp.where(x == -jnp.inf, jnp.zeros_like(x), x))


def _digamma_positive(x):
    """psi(x) for x > 0 as torch's calc_digamma: the recurrence up to x >= 10, then the
    asymptotic series (XLA's digamma is only good to about 1e-7, even in float64)."""
    result = jnp.zeros_like(x)
    for _ in range(10):
        small = x < 10
        result = jnp.where(small, result - 1 / jnp.where(small, x, 1), result)
        x = jnp.where(small, x + 1, x)
    coefficients = (8.33333333333333333333e-2, -2.10927960927960927961e-2, 7.57575757575757575758e-3,
                    -4.16666666666666666667e-3, 3.96825396825396825397e-3, -8.33333333333333333333e-3,
                    8.33333333333333333333e-2)
    z = 1 / (x * x)
    polynomial = jnp.zeros_like(x)
    for c in coefficients:
        polynomial = polynomial * z + np.asarray(c, x.dtype)
    series = jnp.where(x < 1e17, z * polynomial, jnp.zeros_like(x))
    psi_10 = np.asarray(2.25175258906672110764, x.dtype)
    return jnp.where(x == 10, result + psi_10, result + jnp.log(x) - 0.5 / x - series)


@jax.custom_jvp
def _digamma(x):
    """torch's calc_digamma: -inf at +0, +inf at -0, nan at negative integers, the
    reflection formula below 0."""
    safe = jnp.where(x < 0, 1 - x, jnp.where(x == 0, 1, x))
    result = _digamma_positive(safe)
    reflected = result - np.asarray(math.pi, x.dtype) / jnp.tan(np.asarray(math.pi, x.dtype) * (x - jnp.trunc(x)))
    result = jnp.where(x < 0, reflected, result)
    result = jnp.where((x < 0) & (x == jnp.floor(x)), jnp.nan, result)
    return jnp.where(x == 0, jnp.copysign(jnp.full_like(x, jnp.inf), -x), result)


@jax.custom_jvp
def _sinc(x):
    safe = jnp.where(x == 0, jnp.ones_like(x), x)
    product = np.asarray(math.pi, x.dtype) * safe
    return jnp.where(x == 0, jnp.ones_like(x), jnp.sin(product) / product)


@_sinc.defjvp
def _sinc_jvp(primals, tangents):
    """torch's sinc derivative: (πx cos πx - sin πx) / (x x π), 0 where that denominator is
    0 (so at tiny x whose square underflows, too)."""
    (x,), (t,) = primals, tangents
    pi = np.asarray(math.pi, x.dtype)
    x_pi, squared_pi = x * pi, x * x * pi
    zero = squared_pi == 0
    slope = (x_pi * jnp.cos(x_pi) - jnp.sin(x_pi)) / jnp.where(zero, jnp.ones_like(x), squared_pi)
    return _sinc(x), jnp.where(zero, jnp.zeros_like(t), t * jnp.where(zero, jnp.zeros_like(slope), slope))


def _erfinv(y):
    """XLA's erf_inv refined by two Newton steps (torch's calc_erfinv does the same)."""
    x = lax.erf_inv(y)
    for _ in range(2):
        finite = jnp.isfinite(x)
        step = (lax.erf(x) - y) / (np.asarray(2 / math.sqrt(math.pi), y.dtype) * jnp.exp(-x * x))
        x = jnp.where(finite, x - jnp.where(finite, step, 0), x)
    return x


def _trigamma(x):
    """torch's calc_trigamma."""
    small = x < 0.5
    sin_pi_x = jnp.sin(np.asarray(math.pi, x.dtype) * x)
    result = jnp.where(small, -np.asarray(math.pi ** 2, x.dtype) / (sin_pi_x * sin_pi_x), jnp.zeros_like(x))
    x = jnp.where(small, 1 - x, x)
    for _ in range(6):
        result = result + 1 / (x * x)
        x = x + 1
    ixx = 1 / (x * x)
    result = result + (1 + 1 / (2 * x) + ixx * (1 / 6 - ixx * (1 / 30 - ixx * (1 / 42)))) / x
    return jnp.where(small, -result, result)


_trigamma = jax.custom_jvp(_trigamma)


@_digamma.defjvp
def _digamma_jvp(primals, tangents):
    (x,), (dx,) = primals, tangents
    return _digamma(x), _trigamma(x) * dx


@_trigamma.defjvp
def _trigamma_jvp(primals, tangents):
    (x,), (dx,) = primals, tangents
    return _trigamma(x), _wide(lambda v: jsp.polygamma(2, v), x) * dx


def _rsqrt(x):
    return 1 / (_csqrt(x) if jnp.iscomplexobj(x) else jnp.sqrt(x))


# ---- complex kernels: XLA's complex functions ignore the sign of a zero imaginary part on
# their branch cuts and lose all relative precision where both parts of the result are tiny
# (acos near 1); torch's (glibc's) follow C99. These use the C99 symmetries and Kahan's
# formulas ("Branch cuts for complex elementary functions"), XLA's kernel only for
# non-finite inputs.
def _finite_complex(z):
    return jnp.isfinite(z.real) & jnp.isfinite(z.imag)


def _csqrt(z):
    """sqrt with C99's sign conventions: sqrt(conj z) = conj(sqrt z), so sqrt(-a - 0j) = -i sqrt(a)."""
    negative = jnp.signbit(z.imag)
    root = jnp.sqrt(jnp.where(negative, jnp.conj(z), z))
    return jnp.where(negative, jnp.conj(root), root)


def _complex_or(real_fn, complex_fn):
    """real_fn for real arrays; complex_fn for finite complex values, real_fn (XLA) elsewhere."""

    def fn(x):
        if not jnp.iscomplexobj(x):
            return real_fn(x)
        finite = _finite_complex(x)
        safe = jnp.where(finite, x, jnp.zeros_like(x))
        return jnp.where(finite, complex_fn(safe), real_fn(x))

    return fn


def _plus(z, real, sign=1):
    """real + sign * z with the signed zero of the imaginary part kept (-(+0) is -0)."""
    return lax.complex(real + sign * z.real, sign * z.imag)


def _kahan_acos(z):
    a, b = _csqrt(_plus(z, 1, -1)), _csqrt(_plus(z, 1))
    return lax.complex(2 * jnp.arctan2(a.real, b.real), jnp.arcsinh((jnp.conj(b) * a).imag))


def _kahan_asin(z):
    a, b = _csqrt(_plus(z, 1, -1)), _csqrt(_plus(z, 1))
    return lax.complex(jnp.arctan2(z.real, (a * b).real), jnp.arcsinh((jnp.conj(a) * b).imag))


def _acos(x):
    """complex64: C99's cacos (torch maps std::acos); complex128: torch's vectorized
    pi/2 - asin(z), which keeps no relative precision where the result is tiny."""
    if x.dtype == jnp.complex64:
        return _complex_or(jnp.arccos, _kahan_acos)(x.astype(jnp.complex128)).astype(jnp.complex64)
    if x.dtype == jnp.complex128:
        def acos128(z):
            w = _kahan_asin(z)
            return lax.complex(np.float64(math.pi / 2) - w.real, 0.0 - w.imag)
        return _complex_or(jnp.arccos, acos128)(x)
    return _wide(jnp.arccos, x)


def _kahan_acosh(z):
    a, b = _csqrt(_plus(z, -1)), _csqrt(_plus(z, 1))
    return lax.complex(jnp.arcsinh((jnp.conj(a) * b).real), 2 * jnp.arctan2(a.imag, b.real))


def _odd_conjugate(fn):
    """An odd function with f(conj z) = conj f(z) (C99's casinh, catanh, catan, ctan),
    evaluated in the first quadrant so that signed zeros come out as C99 says."""

    def symmetric(z):
        w = fn(lax.complex(jnp.abs(z.real), jnp.abs(z.imag)))
        w = jnp.where(jnp.signbit(z.imag), jnp.conj(w), w)
        return jnp.where(jnp.signbit(z.real), -jnp.conj(w), w)

    return symmetric


acos = _unary_float("acos", _acos, wide=False)
asin = _unary_float("asin", _complex_or(jnp.arcsin, _kahan_asin))
atan = _unary_float("atan", _complex_or(jnp.arctan, _odd_conjugate(jnp.arctan)))
acosh = _unary_float("acosh", _complex_or(jnp.arccosh, _kahan_acosh))
asinh = _unary_float("asinh", _complex_or(jnp.arcsinh, _odd_conjugate(jnp.arcsinh)))
atanh = _unary_float("atanh", _complex_or(jnp.arctanh, _odd_conjugate(jnp.arctanh)))
def _cosh(x):
    if jnp.iscomplexobj(x):  # cosh(a + ib) = cosh a cos b + i sinh a sin b
        return _complex_or(jnp.cosh, lambda z: lax.complex(_cosh(z.real) * jnp.cos(z.imag),
                                                           _sinh(z.real) * jnp.sin(z.imag)))(x)
    e = jnp.exp(jnp.abs(x))
    return 0.5 * e + 0.5 / e


@jax.custom_jvp
def _i0(x):
    """jax's i0 (in double precision for float32), but inf where exp(|x|) overflows the
    input's precision (float32 for half), as in torch's Cephes i0: i0(89.) is inf in float32."""
    compute = jnp.float32 if x.dtype in (jnp.float16, jnp.bfloat16) else x.dtype
    overflow = jnp.isinf(jnp.exp(jnp.abs(x).astype(compute)))
    return jnp.where(overflow, jnp.full_like(x, jnp.inf), _wide(jsp.i0, x))


@_i0.defjvp
def _i0_jvp(primals, tangents):
    # torch's grad * i1(x) (jax's derivative of i0 is 1 at 0, not i1(0) = 0)
    (x,), (t,) = primals, tangents
    i1 = _wide(lambda v: lax.bessel_i1e(v) * jnp.exp(jnp.abs(v)), x)
    return _i0(x), t * jnp.where(x == 0, jnp.zeros_like(i1), i1)  # i1(-0) is +0 in torch


@jax.custom_jvp
def _real_sinh(x):
    u = jnp.expm1(jnp.abs(x))
    return jnp.copysign(jnp.where(u < 1e30, 0.5 * (u + u / (u + 1)), 0.5 * u), x)


@_real_sinh.defjvp
def _real_sinh_jvp(primals, tangents):
    # torch's grad * cosh(x): 1 at -0 too (copysign's derivative would flip it)
    (x,), (t,) = primals, tangents
    return _real_sinh(x), t * _cosh(x)


def _sinh(x):
    """From expm1, which has no cancellation near 0 (XLA's float64 sinh is a few ulps off)."""
    if jnp.iscomplexobj(x):  # sinh(a + ib) = sinh a cos b + i cosh a sin b (XLA's loses tiny a)
        return _complex_or(jnp.sinh, lambda z: lax.complex(_sinh(z.real) * jnp.cos(z.imag),
                                                           _cosh(z.real) * jnp.sin(z.imag)))(x)
    return _real_sinh(x)


cosh = _unary_float("cosh", _cosh)
sinh = _unary_float("sinh", _sinh)
tan = _unary_float("tan", _complex_or(jnp.tan, _odd_conjugate(jnp.tan)), saves=("result",))
exp2 = _unary_float("exp2", _exp2, saves=("result",))
expm1 = _unary_float("expm1", jnp.expm1, saves=("result",))
log10 = _unary_float("log10", jnp.log10)
log1p = _unary_float("log1p", jnp.log1p, grad_name="Log1PBackward0")
log2 = _unary_float("log2", jnp.log2)
rsqrt = _unary_float("rsqrt", _rsqrt, saves=("result",))
sinc = _unary_float("sinc", _sinc, wide=False)
erf = _unary_float("erf", lax.erf, kernel="erf_vml_cpu")


def _fma32(a, b, c):
    """a * b + c rounded once to float32 (the product is exact in float64)."""
    return (a.astype(jnp.float64) * b.astype(jnp.float64) + c).astype(jnp.float32)


@jax.custom_jvp
def _erf_vectorized(x):
    """torch's erf for float16/bfloat16 on x86 CPUs: ATen's AVX2/AVX-512 Vectorized<float>::erf
    (those dtypes take it; float32/float64 take MKL's accurate verf), Abramowitz & Stegun
    7.1.26 in float32 with fused multiply-adds: sign(x) (1 - r(t) t exp(-x²)), t = 1 / (1 +
    p |x|). Its absolute error is about 1e-7, so erf of |x| < ~1e-7 comes out 0."""
    a = jnp.abs(x)
    t = 1 / _fma32(np.float32(0.3275911), a, 1.0)
    r = _fma32(np.float32(1.061405429), t, float(np.float32(-1.453152027)))
    for c in (1.421413741, -0.284496736, 0.254829592):
        r = _fma32(r, t, float(np.float32(c)))
    return jnp.copysign(_fma32(-jnp.exp(-(x * x)) * t, r, 1.0), x)


@_erf_vectorized.defjvp
def _erf_vectorized_jvp(primals, tangents):
    (x,), (dx,) = primals, tangents
    return _erf_vectorized(x), jax.jvp(lax.erf, (x,), (dx,))[1]


_erf_reduced = _unary_float("_erf_reduced", _erf_vectorized, kernel="erf_vml_cpu", wide=False,
                            grad_name="ErfBackward0", method=False)
erfc = _unary_float("erfc", _erfc, kernel="erfc_vml_cpu")
erfinv = _unary_float("erfinv", _erfinv, kernel="erfinv_vml_cpu")
lgamma = _unary_float("lgamma", lax.lgamma, kernel="lgamma_vml_cpu")
digamma = _unary_float("digamma", _digamma, kernel="digamma", wide=False)
i0 = _unary_float("i0", _i0, kernel="i0_vml_cpu", wide=False)
deg2rad = _unary_float("deg2rad", lambda x: x * np.asarray(math.pi / 180, x.dtype), saves=(), wide=False,
                       grad_name="Deg2RadBackward0",
                       complex_error=(RuntimeError, "deg2rad is not supported for complex tensors."))
rad2deg = _unary_float("rad2deg", lambda x: x * np.asarray(180 / math.pi, x.dtype), saves=(), wide=False,
                       grad_name="Rad2DegBackward0",
                       complex_error=(RuntimeError, "rad2deg is not supported for complex tensors."))


@pointwise(INT_TO_FLOAT, saves=("input",), check=_check("logit", "logit_cpu", (COMPLEX,)))
def logit(input, *, eps=None):
    """log(p / (1 - p)), p clamped to [eps, 1 - eps] when eps is given. Implements `torch.logit`."""
    return _logit(input, -1.0 if eps is None else float(eps))


@functools.partial(jax.custom_jvp, nondiff_argnums=(1,))
def _logit(x, eps):
    if eps >= 0:
        low, high = np.asarray(eps, x.dtype), np.asarray(1 - eps, x.dtype)
        x = jnp.where(x < low, low, jnp.where(x > high, high, x))
    return jnp.log(x / (1 - x))


@_logit.defjvp
def _logit_jvp(eps, primals, tangents):
    # torch's logit_backward: g / (x (1 - x)); outside [0, 1] nan, or 0 outside [eps, 1 - eps]
    (x,), (t,) = primals, tangents
    if eps >= 0:
        outside = (x < np.asarray(eps, x.dtype)) | (x > np.asarray(1 - eps, x.dtype))
        fill = jnp.zeros_like(x)
    else:
        outside, fill = (x < 0) | (x > 1), jnp.full_like(x, jnp.nan)
    safe = jnp.where(outside, jnp.full_like(x, 0.5), x)
    return _logit(x, eps), t * jnp.where(outside, fill, 1 / (safe * (1 - safe)))


def _check_polygamma(keys, result, n):
    _require_tensors("polygamma", keys, ("input",))
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    common = _common(keys)
    if common.is_complex:
        raise NotImplementedError(f'"{("digamma", "trigamma")[n] if n < 2 else "polygamma"}" not implemented for '
                                  f"'{type_name(common)}'")


@pointwise(INT_TO_FLOAT, name="_polygamma", grad_name="PolygammaBackward0", method=False, saves=("input",),
           check=_check_polygamma)
def _polygamma(input, *, n=0):
    if n == 0:
        return _digamma(input)
    if n == 1:
        return _trigamma(input)
    return _wide(lambda x: jsp.polygamma(n, x), input)


def _check_n(n):
    if not isinstance(n, (int, np.integer)) or isinstance(n, (builtins.bool, np.bool_)):
        raise TypeError(f"polygamma(): argument 'n' (position 1) must be int, not {type(n).__name__}")


def polygamma(n, input, *, out=None):
    """The n-th derivative of the digamma function. Implements `torch.polygamma`."""
    _check_n(n)
    return _polygamma(input, n=int(n), out=out)


def _polygamma_method(self, n):
    _check_n(n)
    return _polygamma(self, n=int(n))


def _polygamma_inplace(self, n):
    _check_n(n)
    return OP_TABLE["torch._polygamma"].inplace_function(self, n=int(n))


def _check_mvlgamma(keys, result, common, p):
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")


@pointwise(INT_TO_FLOAT, name="_mvlgamma", grad_name="MvlgammaBackward0", method=False, saves=("input",),
           check=_check("mvlgamma", "arange_cpu", (COMPLEX,), extra=_check_mvlgamma))  # torch fails in arange
def _mvlgamma(input, *, p):
    offsets = jnp.arange(-p / 2 + 0.5, 0.5, 0.5, dtype=input.dtype)[:p]
    terms = _wide(lax.lgamma, input[..., None] + offsets)
    return jnp.sum(terms, axis=-1) + np.asarray(p * (p - 1) * math.log(math.pi) / 4, input.dtype)


def mvlgamma(input, p, *, out=None):
    """The multivariate log-gamma function of dimension p. Implements `torch.mvlgamma`."""
    return _mvlgamma(input, p=p, out=out)


def _mvlgamma_inplace(self, p):
    return OP_TABLE["torch._mvlgamma"].inplace_function(self, p=p)


register(OpDef("mvlgamma", mvlgamma, None, True, True, True, "torch"))
OP_TABLE["torch.mvlgamma"].inplace_function = _mvlgamma_inplace


# ----------------------------------------------------------------- rounding
def _rounding(name):
    return _check(name, f"{name}_vml_cpu", (BOOL,),
                  complex_error=(NotImplementedError, f"{name} is not supported for complex inputs"))


@pointwise(DEFAULT, check=_rounding("ceil"))
def ceil(input):
    """Rounds up; integer tensors are returned unchanged (a copy). Implements `torch.ceil`."""
    return input if _is_int(input) else jnp.ceil(input)


@pointwise(DEFAULT, check=_rounding("floor"))
def floor(input):
    """Rounds down; integer tensors are returned unchanged (a copy). Implements `torch.floor`."""
    return input if _is_int(input) else jnp.floor(input)


@pointwise(DEFAULT, check=_rounding("trunc"))
def trunc(input):
    """Rounds toward zero; integer tensors are returned unchanged (a copy). Implements `torch.trunc`."""
    return input if _is_int(input) else jnp.trunc(input)


def _round_half_even(x):
    return lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN)


@pointwise(DEFAULT, check=_check("round", "round_vml_cpu", (BOOL, COMPLEX)))
def round(input, *, decimals=0):  # noqa: A001 - torch's name
    """Rounds half to even, to `decimals` decimal places. Implements `torch.round`."""
    if _is_int(input):
        return input
    if decimals == 0:
        return _round_half_even(input)
    return _round_to(input, decimals)


def _round_to(input, decimals):
    """torch's round_decimals kernel; the division is kept one (XLA would turn a division by
    a constant into an inexact multiplication by its reciprocal)."""
    scale = lax.optimization_barrier(jnp.full(input.shape, 10.0 ** builtins.abs(decimals), input.dtype))
    if decimals < 0:
        return _round_half_even(input / scale) * scale
    return _round_half_even(input * scale) / scale


def _check_round_decimals(keys, result, decimals):
    kernel = "round_cpu" if decimals != 0 else "round_vml_cpu"
    _check("round", kernel, (BOOL, INT, COMPLEX))(keys, result)


@pointwise(DEFAULT, name="_round_decimals", grad_name="RoundBackward1", method=False,
           check=_check_round_decimals)
def _round_decimals(input, *, decimals=0):
    return _round_to(input, decimals)


@pointwise(DEFAULT, check=_check("frac", "frac_cpu", (BOOL, INT, COMPLEX)))
def frac(input):
    """input - trunc(input). Implements `torch.frac`."""
    return input - jnp.trunc(input)


# ----------------------------------------------------------------- sign
def _sign(x):
    if x.dtype == jnp.bool_:
        return x
    one, zero = jnp.ones((), x.dtype), jnp.zeros((), x.dtype)
    if jnp.issubdtype(x.dtype, jnp.unsignedinteger):
        return jnp.where(x > 0, one, zero)
    return jnp.where(x > 0, one, jnp.where(x < 0, -one, zero))


@pointwise(DEFAULT, check=_check("sign", complex_error=(
    NotImplementedError, "Unlike NumPy, torch.sign is not intended to support complex numbers. Please use torch.sgn "
    "instead.")))
def sign(input):
    """-1, 0 or 1 by the sign of input (0 for nan and -0.0). Implements `torch.sign`."""
    return _sign(input)


@pointwise(DEFAULT, saves=("input", "result"), check=_check("sgn"))
def sgn(input):
    """sign for real tensors; input / |input| (0 at 0) for complex ones. Implements `torch.sgn`."""
    if not jnp.iscomplexobj(input):
        return _sign(input)
    zero = input == 0
    magnitude = jnp.abs(jnp.where(zero, jnp.ones_like(input), input))
    return jnp.where(zero, jnp.zeros_like(input), input / magnitude)


@pointwise(ALWAYS_BOOL, inplace=False, check=_check("signbit", complex_error=(
    NotImplementedError, "signbit is not implemented for complex tensors.")))
def signbit(input):
    """Whether the sign bit is set (True for -0.0). Implements `torch.signbit`."""
    if input.dtype == jnp.bool_:
        return jnp.zeros(input.shape, jnp.bool_)
    if _is_int(input):
        return input < 0
    return jnp.signbit(input)


# ----------------------------------------------------------------- classification
@pointwise(ALWAYS_BOOL, inplace=False, out=False, check=_check("isinf"))
def isinf(input):
    """Implements `torch.isinf`."""
    if _is_int(input):
        return jnp.zeros(input.shape, jnp.bool_)
    if jnp.iscomplexobj(input):
        return jnp.isinf(input.real) | jnp.isinf(input.imag)
    return jnp.isinf(input)


@pointwise(ALWAYS_BOOL, inplace=False, out=False, check=_check("isfinite"))
def isfinite(input):
    """Implements `torch.isfinite`."""
    if _is_int(input):
        return jnp.ones(input.shape, jnp.bool_)
    if jnp.iscomplexobj(input):
        return jnp.isfinite(input.real) & jnp.isfinite(input.imag)
    return jnp.isfinite(input)


@pointwise(ALWAYS_BOOL, inplace=False, check=_check("isposinf", complex_error=(
    RuntimeError, "isposinf does not support complex inputs.")))
def isposinf(input):
    """Implements `torch.isposinf`."""
    return jnp.zeros(input.shape, jnp.bool_) if _is_int(input) else input == jnp.inf


@pointwise(ALWAYS_BOOL, inplace=False, check=_check("isneginf", complex_error=(
    RuntimeError, "isneginf does not support complex inputs.")))
def isneginf(input):
    """Implements `torch.isneginf`."""
    return jnp.zeros(input.shape, jnp.bool_) if _is_int(input) else input == -jnp.inf


@pointwise(ALWAYS_BOOL, inplace=False, out=False, check=_check("isreal"))
def isreal(input):
    """True where the imaginary part is 0 (everywhere for real tensors). Implements `torch.isreal`."""
    if jnp.iscomplexobj(input):
        return input.imag == 0
    return jnp.ones(input.shape, jnp.bool_)


def _finfo(dtype):
    return ml_dtypes.finfo(dtype) if dtype == ml_dtypes.bfloat16 else np.finfo(dtype)


@pointwise(NO_OPMATH, saves=("input",), check=_check("nan_to_num"))
def nan_to_num(input, *, nan=0.0, posinf=None, neginf=None):
    """nan, +inf and -inf replaced by `nan`, `posinf` and `neginf` (the dtype's largest and
    smallest finite values by default). Implements `torch.nan_to_num`."""
    if _is_int(input):
        return input
    return _nan_to_num_body(input, nan, posinf, neginf)


def _nan_to_num_body(input, nan, posinf, neginf):
    if jnp.iscomplexobj(input):
        return lax.complex(_nan_to_num_body(input.real, nan, posinf, neginf),
                           _nan_to_num_body(input.imag, nan, posinf, neginf))
    info = _finfo(input.dtype)
    big = np.asarray(info.max if posinf is None else posinf).astype(input.dtype)
    small = np.asarray(info.min if neginf is None else neginf).astype(input.dtype)
    result = jnp.where(input == jnp.inf, big, jnp.where(input == -jnp.inf, small, input))
    return jnp.where(jnp.isnan(input), np.asarray(nan).astype(input.dtype), result)


# ----------------------------------------------------------------- binary float math
def _tensors2(name, kernel, missing, names=("input", "other"), extra=None):
    return _check(name, kernel, missing, tensors=names, extra=extra)


@pointwise(INT_TO_FLOAT, saves=("input", "other"), check=_tensors2("atan2", "atan2_cpu", (COMPLEX,)))
def atan2(input, other, *, integers=(None, None)):
    """The angle of (other, input). `integers` names the integer dtypes input and other had
    before promotion, for the gradient. Implements `torch.atan2`."""
    return _atan2(integers, input, other)


@functools.partial(jax.custom_jvp, nondiff_argnums=(0,))
def _atan2(integers, y, x):
    return jnp.arctan2(y, x)


@_atan2.defjvp
def _atan2_jvp(integers, primals, tangents):
    """torch's atan2 derivative: (x dy + (-y) dx) / (x² + y²), 0 where that sum is 0; an
    integer operand is squared (and y negated) in its own dtype, wrapping as torch's does
    (16 * 16 is 0 in uint8, -15 is 241)."""
    (y, x), (dy, dx) = primals, tangents
    squares = _in_dtype(integers[1], lambda v: v * v, x) + _in_dtype(integers[0], lambda v: v * v, y)
    recip = jnp.where(squares == 0, jnp.zeros_like(squares), 1 / jnp.where(squares == 0, 1, squares))
    return _atan2(integers, y, x), (x * dy + _in_dtype(integers[0], lambda v: -v, y) * dx) * recip


def _in_dtype(integer, fn, value):
    """fn(value), computed in the integer dtype `integer` (when not None) that value came from."""
    if integer is None:
        return fn(value)
    return fn(value.astype(integer)).astype(value.dtype)


@pointwise(DEFAULT, inplace=False, saves=("input", "other"), check=_tensors2("logaddexp", "logaddexp_cpu", (BOOL, INT)))
def logaddexp(input, other):
    """log(exp(input) + exp(other)). Implements `torch.logaddexp`."""
    if jnp.iscomplexobj(input):
        return jnp.log(jnp.exp(input) + jnp.exp(other))
    return _logaddexp(input, other)


@jax.custom_jvp
def _logaddexp(input, other):
    both_inf = jnp.isinf(input) & (input == other)
    high = jnp.where(input == other, input, jnp.maximum(input, other))
    safe = jnp.where(both_inf | (input == other), jnp.zeros_like(high), input - other)
    return jnp.where(both_inf, input, high + jnp.log1p(jnp.exp(-jnp.abs(safe))))


@_logaddexp.defjvp
def _logaddexp_jvp(primals, tangents):
    # torch's: grad / (1 + exp(other - input)) and grad / (1 + exp(input - other)) (nan at equal infinities)
    (x, y), (tx, ty) = primals, tangents
    return _logaddexp(x, y), tx / (1 + jnp.exp(y - x)) + ty / (1 + jnp.exp(x - y))


@pointwise(DEFAULT, inplace=False, saves=("input", "other"),
           check=_tensors2("logaddexp2", "logaddexp2_cpu", (BOOL, INT, COMPLEX)))
def logaddexp2(input, other):
    """log2(2 ** input + 2 ** other). Implements `torch.logaddexp2`."""
    return _logaddexp2(input, other)


@jax.custom_jvp
def _logaddexp2(input, other):
    both_inf = jnp.isinf(input) & (input == other)
    high = jnp.where(input == other, input, jnp.maximum(input, other))
    safe = jnp.where(both_inf | (input == other), jnp.zeros_like(high), input - other)
    return jnp.where(both_inf, input, high + jnp.log1p(_exp2(-jnp.abs(safe))) * (1 / math.log(2)))


@_logaddexp2.defjvp
def _logaddexp2_jvp(primals, tangents):
    # torch's: grad / (1 + 2 ** (other - input)) and grad / (1 + 2 ** (input - other))
    (x, y), (tx, ty) = primals, tangents
    return _logaddexp2(x, y), tx / (1 + jnp.exp2(y - x)) + ty / (1 + jnp.exp2(x - y))


@pointwise(DEFAULT, saves=("input", "other", "result"), check=_tensors2("hypot", "hypot_cpu", (BOOL, INT, COMPLEX)))
def hypot(input, other):
    """sqrt(input ** 2 + other ** 2) without overflow. Implements `torch.hypot`."""
    return _hypot(*jnp.broadcast_arrays(input, other))


@jax.custom_jvp
def _hypot(x, y):
    if x.dtype == jnp.float32:  # exact in float64, then rounded once (as libm's hypotf)
        return jnp.hypot(x.astype(jnp.float64), y.astype(jnp.float64)).astype(jnp.float32)
    return jnp.hypot(x, y)


@_hypot.defjvp
def _hypot_jvp(primals, tangents):
    # torch: grad * input / result and grad * other / result (nan at 0 / 0)
    (x, y), (tx, ty) = primals, tangents
    r = _hypot(x, y)
    return r, tx * (x / r) + ty * (y / r)


@pointwise(NO_OPMATH, check=_tensors2("nextafter", "nextafter_cpu", (BOOL, INT, COMPLEX)))
def nextafter(input, other):
    """The next representable value after input toward other. Implements `torch.nextafter`."""
    return jnp.nextafter(*jnp.broadcast_arrays(input, other))


@pointwise(DEFAULT, saves=("input", "other"), check=_tensors2("igamma", "igamma_cpu", (BOOL, INT, COMPLEX)))
def igamma(input, other):
    """The regularized lower incomplete gamma function P(input, other), with torch's
    derivatives (none in input: backward through it raises torch's NotImplementedError).
    Implements `torch.igamma`."""
    return _gammainc(input, other)


@pointwise(DEFAULT, saves=("input", "other"), check=_tensors2("igammac", "igammac_cpu", (BOOL, INT, COMPLEX)))
def igammac(input, other):
    """The regularized upper incomplete gamma function Q(input, other), with torch's
    derivatives (none in input). Implements `torch.igammac`."""
    return _gammaincc(input, other)


@pointwise(INT_TO_FLOAT, saves=("input", "other"), check=_tensors2("ldexp", None, ()))
def ldexp(input, other, *, power=None, integer=None):
    """input * 2 ** other, the power in other's dtype (the result's for integers), as torch
    computes it. `integer` is (bits, signed) of an integer other's original dtype, for the
    gradient. Implements `torch.ldexp`."""
    if power is not None and power != other.dtype:
        other = other.astype(power)
        return input * _ldexp_power(other).astype(input.dtype)
    if integer is not None:
        return _ldexp_integer(integer, input, other)
    return input * _ldexp_power(other).astype(input.dtype)


@functools.partial(jax.custom_jvp, nondiff_argnums=(0,))
def _ldexp_integer(integer, input, other):
    return input * _ldexp_power(other).astype(input.dtype)


@_ldexp_integer.defjvp
def _ldexp_integer_jvp(integer, primals, tangents):
    # torch's derivative is grad * pow(2, other) evaluated in other's integer dtype: negative
    # exponents give 0 and the power wraps (2**7 is -128 in int8, 2**8 is 0). other arrives
    # promoted to the result's float dtype, which keeps every exponent below the width exact.
    bits, signed = integer
    (x, e), (tx, _) = primals, tangents
    inside = (jnp.real(e) >= 0) & (jnp.real(e) < bits)
    power = jnp.ldexp(jnp.ones(jnp.shape(e), jnp.float32), jnp.where(inside, jnp.real(e), 0).astype(jnp.int32))
    if signed:
        power = jnp.where(jnp.real(e) == bits - 1, -power, power)
    return _ldexp_integer(integer, x, e), tx * jnp.where(inside, power, jnp.zeros_like(power)).astype(tx.dtype)


def _ldexp_power(other):
    if jnp.iscomplexobj(other):
        return jnp.exp2(other)
    if jnp.issubdtype(other.dtype, jnp.floating):
        return _ldexp_float_power(other)
    return _ldexp_exact_power(other)


@jax.custom_jvp
def _ldexp_float_power(other):
    return _ldexp_exact_power(other)


@_ldexp_float_power.defjvp
def _ldexp_float_power_jvp(primals, tangents):
    # d/de 2**e = ln 2 * 2**e (the exact integral branch below has no derivative in e)
    (e,), (te,) = primals, tangents
    power = _ldexp_exact_power(e)
    return power, power * np.asarray(math.log(2), e.dtype) * te


def _ldexp_exact_power(other):
    # 2 ** other exactly for integral exponents (XLA's exp2 need not be exact).
    integral = (other == jnp.round(other)) & (jnp.abs(other) < 4096)
    exponent = jnp.where(integral, other, 0).astype(jnp.int32)
    if other.dtype.itemsize == 2:  # float16/bfloat16: computed in float, rounded once (as torch's half kernels)
        fraction = _wide(_exp2, other.astype(jnp.float32)).astype(other.dtype)
    else:
        fraction = _wide(_exp2, other)
    return jnp.where(integral, jnp.ldexp(jnp.ones_like(other), exponent), fraction)


@jax.custom_jvp
def _copysign(input, other):
    return jnp.copysign(input, other)


@_copysign.defjvp
def _copysign_jvp(primals, tangents):
    # torch: d/dinput = result / input, 0 where input == 0; nothing flows to other
    (x, y), (tx, _) = primals, tangents
    result = jnp.copysign(x, y)
    ratio = jnp.where(x == 0, jnp.zeros_like(x), result / jnp.where(x == 0, jnp.ones_like(x), x))
    return result, tx * ratio


@pointwise(INT_TO_FLOAT, saves=("input", "result"), check=_check("copysign", "copysign_cpu", (COMPLEX,), tensors=("input",)))
def copysign(input, other):
    """|input| with the sign of other (-0.0 counts as negative). Implements `torch.copysign`."""
    return _copysign(input, other)


@pointwise(INT_TO_FLOAT, name="_copysign_scalar", grad_name="CopysignBackward1", method=False,
           saves=("input", "result"), check=_check("copysign", "copysign_cpu", (COMPLEX,), tensors=("input",)))
def _copysign_scalar(input, other):
    return _copysign(input, other)


def _xlogy_value(input, other):
    safe = jnp.where(input == 0, jnp.ones_like(other), other)
    product = jnp.where(input == 0, jnp.zeros_like(input), input * jnp.log(safe))
    return jnp.where(jnp.isnan(other), other, product)


def _xlogy_with_grad(masked):
    """xlogy with torch's derivatives: d/dinput = log(other), but 0 where input == 0 and
    `masked(other)` (other <= 0 for two tensors; not other > 0 for a Python-number other);
    d/dother = input / other (nan at 0 / 0)."""

    @jax.custom_jvp
    def fn(input, other):
        return _xlogy_value(input, other)

    @fn.defjvp
    def jvp(primals, tangents):
        (x, y), (dx, dy) = primals, tangents
        log = jnp.where((x == 0) & masked(y), jnp.zeros_like(y), jnp.log(y))
        return fn(x, y), dx * log + dy * (x / y)

    return fn


_xlogy = _xlogy_with_grad(lambda other: other <= 0)
_xlogy_number_other = _xlogy_with_grad(lambda other: ~(other > 0))


def _check_xlogy(keys, result, *static):
    if all(isinstance(k, int) for k in keys):
        raise TypeError("xlogy() received an invalid combination of arguments - got (numbers), but expected a Tensor")
    _check("xlogy", "xlogy_cpu", (COMPLEX,), tensors=())(keys, result)


@pointwise(INT_TO_FLOAT, saves=("input", "other"), check=_check_xlogy)
def xlogy(input, other):
    """input * log(other), 0 where input is 0 (unless other is nan). Implements `torch.xlogy`."""
    return _xlogy(input, other)


_xlogy_self = pointwise(INT_TO_FLOAT, name="_xlogy_self", grad_name="XlogyBackward1", method=False,
                        saves=("other",), check=_check_xlogy)(
    lambda input, other: _xlogy(input, other))
_xlogy_other = pointwise(INT_TO_FLOAT, name="_xlogy_other", grad_name="XlogyBackward2", method=False,
                         saves=("input",), check=_check_xlogy)(
    lambda input, other: _xlogy_number_other(input, other))


def _check_heaviside(keys, result, common):
    if common.is_complex:
        raise RuntimeError("heaviside is not yet implemented for complex tensors.")
    dtypes = [k[0] for k in keys if isinstance(k, tuple)]
    if len(set(dtypes)) > 1:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")


@pointwise(DEFAULT, check=_check("heaviside", tensors=("input", "values"), extra=_check_heaviside))
def heaviside(input, values):
    """0 where input < 0, values where input == 0, 1 where input > 0. Implements `torch.heaviside`."""
    if input.dtype == jnp.bool_:
        return jnp.where(input == 0, values, input)
    return jnp.where(input == 0, values, (input > 0).astype(input.dtype))


@pointwise(DEFAULT, check=_tensors2("gcd", "gcd_cpu", (BOOL, FLOAT, COMPLEX)))
def gcd(input, other):
    """The greatest common divisor (non-negative). Implements `torch.gcd`."""
    return _gcd(input, other)


def _gcd(input, other):
    """Euclid's algorithm on |input| and |other|, as torch's calc_gcd."""
    a, b = jnp.broadcast_arrays(jnp.abs(input), jnp.abs(other))

    def step(state):
        a, b = state
        nonzero = a != 0
        return jnp.where(nonzero, lax.rem(b, jnp.where(nonzero, a, 1)), 0), jnp.where(nonzero, a, b)

    return lax.while_loop(lambda s: jnp.any(s[0] != 0), step, (a, b))[1]


@pointwise(DEFAULT, check=_tensors2("lcm", "lcm_cpu", (BOOL, FLOAT, COMPLEX)))
def lcm(input, other):
    """The least common multiple (non-negative). Implements `torch.lcm`."""
    input, other = jnp.broadcast_arrays(input, other)
    g = _gcd(input, other)
    safe = jnp.where(g == 0, jnp.ones_like(g), g)
    # torch's C++ multiplies int8/int16/uint8 values as int (no wrap before abs), wider ones in their own type
    wide = jnp.int32 if input.dtype.itemsize < 4 else input.dtype
    product = jnp.abs(lax.div(input, safe).astype(wide) * other.astype(wide)).astype(input.dtype)
    return jnp.where(g == 0, jnp.zeros_like(g), product)


# ----------------------------------------------------------------- frexp
_FREXP = return_type("frexp", ("mantissa", "exponent"))
_FREXP_OUT = return_type("frexp_out", ("mantissa", "exponent"))


@functools.lru_cache(maxsize=None)
def _frexp_fn():
    def fn(x):
        compute = x.astype(jnp.float32) if x.dtype in (jnp.float16, ml_dtypes.bfloat16) else x
        mantissa, exponent = jnp.frexp(compute)
        finite = jnp.isfinite(compute)
        mantissa = jnp.where(finite, mantissa, compute)
        exponent = jnp.where(finite & (compute != 0), exponent, 0)
        return mantissa.astype(x.dtype), exponent.astype(jnp.int32)

    return jax.jit(fn)


def frexp(input, *, out=None):
    """(mantissa, exponent) with input = mantissa * 2 ** exponent and 0.5 <= |mantissa| < 1.
    Implements `torch.frexp`."""
    if not isinstance(input, Tensor):
        raise TypeError(f"frexp(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if not input.dtype.is_floating_point:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    if out is not None:
        if isinstance(out, (tuple, list)) and len(out) == 2 and isinstance(out[1], Tensor) \
                and out[1].dtype is not _dtype.int32:
            raise RuntimeError(f"torch.frexp() expects exponent to have int dtype but got {_C_NAMES.get(out[1].dtype.name, out[1].dtype.name)}")
    mantissa, exponent = apply_fn("FrexpBackward0", _frexp_fn(), (input,), (input.dtype, _dtype.int32))
    if out is not None:
        return _FREXP_OUT(write_out(out, (mantissa, exponent), "frexp"))
    return _FREXP((mantissa, exponent))


register(OpDef("frexp", frexp, None, True, False, True, "torch"))


# ----------------------------------------------------------------- lerp, addcmul, addcdiv
def _check_scalar_value(name, value, result):
    """torch's conversion of a Python number `value` to the result dtype."""
    c_name = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16"}.get(
        result.name, f"{result.name}_t")
    if isinstance(value, (complex, np.complexfloating)) and not result.is_complex:
        raise RuntimeError(f"{name} cannot be converted to type {c_name} without overflow")
    if result.category == FLOAT and isinstance(value, (int, float, np.number)) and math.isfinite(value):
        limit = float(_finfo(result.np).max)
        if builtins.abs(value) > limit:
            raise RuntimeError(f"{name} cannot be converted to type {c_name} without overflow")


def _lerp(input, end, weight):
    if not jnp.issubdtype(input.dtype, jnp.floating):
        return _lerp_value(input, end, weight)
    return _lerp_real(*jnp.broadcast_arrays(input, end, weight))


def _with_torch_backward(value, backward):
    """A custom_vjp of `value` (on operands of one shape, so that broadcasting's sums come
    after) whose vjp is backward(g, *operands): torch's formula, in torch's order of operations,
    where JAX's derivative of `value` would meet 0 * inf in a branch `where` discards."""
    function = jax.custom_vjp(value)
    function.defvjp(lambda *xs: (value(*xs), xs), lambda xs, g: backward(g, *xs))
    return function


def _lerp_value(input, end, weight):
    small = jnp.abs(weight) < 0.5
    diff = end - input
    if input.dtype == jnp.float32:  # torch's fmadd: one rounding, emulated in float64
        coeff = jnp.where(small, weight, weight - 1).astype(jnp.float64)
        base = jnp.where(small, input, end).astype(jnp.float64)
        return (coeff * diff.astype(jnp.float64) + base).astype(jnp.float32)
    return jnp.where(small, input + weight * diff, end - diff * (1 - weight))


# torch's lerp derivatives: grad * (1 - weight), grad * weight, grad * (end - input)
_lerp_real = _with_torch_backward(_lerp_value, lambda g, x, e, w: (g * (1 - w), g * w, g * (e - x)))


_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
            "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def _lerp_check(kernel):
    def check(keys, result, *static):
        for position, (key, arg) in enumerate(zip(keys[:2], ("input", "end")), 1):
            if isinstance(key, int):
                raise TypeError(f"lerp(): argument '{arg}' (position {position}) must be Tensor, not "
                                f"{('bool', 'int', 'float', 'complex')[key]}")
        names = _C_NAMES
        input_dtype = keys[0][0]
        for key, arg in zip(keys[1:], ("end", "weight")):
            if isinstance(key, tuple) and key[0] is not input_dtype and not (arg == "weight" and key[1]):
                raise RuntimeError(f"expected dtype {names.get(input_dtype.name, input_dtype.name)} for `{arg}` but "
                                   f"got dtype {names.get(key[0].name, key[0].name)}")
        if input_dtype.category < FLOAT:
            raise NotImplementedError(f'"{kernel}" not implemented for \'{type_name(input_dtype)}\'')

    return check


_lerp_scalar = pointwise(DEFAULT, name="_lerp_scalar", grad_name="LerpBackward0", method=False,
                         check=_lerp_check("lerp_kernel_scalar"), promote_operands=("input", "end"))(
    lambda input, end, weight: _lerp(input, end, weight.astype(input.dtype)))
_lerp_tensor = pointwise(DEFAULT, name="_lerp_tensor", grad_name="LerpBackward1", method=False,
                         check=_lerp_check("lerp_kernel_tensor"), saves=("weight",))(
    lambda input, end, weight: _lerp(input, end, weight))


def _lerp_route(args, kwargs):
    weight = args[2] if len(args) > 2 else kwargs.get("weight")
    return "_lerp_tensor" if isinstance(weight, Tensor) else "_lerp_scalar"


def _check_addc(name, integer_error=None):
    def check(keys, result, value):
        _require_tensors(name, keys, ("input", "tensor1", "tensor2"))
        if integer_error is not None and result.category <= INT:
            raise RuntimeError(integer_error)
        if result is _dtype.bool:
            raise NotImplementedError(f'"{name}_cpu_out" not implemented for \'Bool\'')
        _check_scalar_value("value", value, result)

    return check


def _value(value, dtype):
    return np.asarray(value).astype(dtype if not np.iscomplexobj(value) or np.issubdtype(dtype, np.complexfloating)
                                    else np.float64).astype(dtype)


@pointwise(DEFAULT, saves=("tensor1", "tensor2"), check=_check_addc("addcmul"))
def addcmul(input, tensor1, tensor2, *, value=1):
    """input + value * tensor1 * tensor2. Implements `torch.addcmul`."""
    value = _value(value, input.dtype)
    if jnp.iscomplexobj(value) or not jnp.issubdtype(value.dtype, jnp.floating):
        return input + _scale(value, tensor1) * tensor2
    return _addcmul_real(*jnp.broadcast_arrays(input, tensor1, tensor2, value))


# torch's: grad, grad * (tensor2 * value), grad * (tensor1 * value)
_addcmul_real = _with_torch_backward(
    lambda x, t1, t2, v: x + v * t1 * t2,
    lambda g, x, t1, t2, v: (g, g * (t2 * v), g * (t1 * v), jnp.zeros_like(v)))


def _scale(value, tensor):
    """value * tensor as torch's c10::complex product: XLA folds a multiplication by a constant
    1+0j away, but (1+0j) * (-inf+1j) is -inf+nanj in torch, so complex products are expanded
    (the real and imaginary parts of a constant 1 or 0 still fold harmlessly)."""
    if not jnp.iscomplexobj(value):
        return value * tensor
    vr, vi, tr, ti = value.real, value.imag, jnp.real(tensor), jnp.imag(tensor)
    return lax.complex(vr * tr - vi * ti, vr * ti + vi * tr)


_ADDCDIV_INT = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true "
    "division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * "
    "torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) "
    "for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / "
    "tensor2), for all dtypes.")


@pointwise(DEFAULT, saves=("tensor1", "tensor2"), check=_check_addc("addcdiv", _ADDCDIV_INT))
def addcdiv(input, tensor1, tensor2, *, value=1):
    """input + value * tensor1 / tensor2. Implements `torch.addcdiv`."""
    value = _value(value, input.dtype)
    if jnp.iscomplexobj(value) or not jnp.issubdtype(value.dtype, jnp.floating):
        return input + _scale(value, tensor1) / tensor2
    return _addcdiv_real(*jnp.broadcast_arrays(input, tensor1, tensor2, value))


# torch's: grad, grad * (value / tensor2), -grad * value * tensor1 / (tensor2 * tensor2)
_addcdiv_real = _with_torch_backward(
    lambda x, t1, t2, v: x + v * t1 / t2,
    lambda g, x, t1, t2, v: (g, g * (v / t2), -g * v * t1 / (t2 * t2), jnp.zeros_like(v)))


# ----------------------------------------------------------------- float_power
def _float_power_dtype(input, exponent):
    complex_ = any(isinstance(x, (complex, np.complexfloating)) or getattr(getattr(x, "dtype", None), "is_complex",
                                                                             False) for x in (input, exponent))
    return _dtype.complex128 if complex_ else _dtype.float64


def _float_power_value(input, exponent):
    from .pointwise import pow as _pow

    dtype = _float_power_dtype(input, exponent)
    if isinstance(input, Tensor):
        input = input.to(dtype)
    elif not isinstance(exponent, Tensor):
        raise TypeError("float_power() received an invalid combination of arguments")
    if isinstance(exponent, Tensor):
        exponent = exponent.to(dtype)
    elif dtype.is_complex:
        exponent = complex(exponent)
    else:
        exponent = float(exponent)
    if not isinstance(input, Tensor):
        input = complex(input) if dtype.is_complex else float(input)
    return _pow(input, exponent)


def float_power(input, exponent, *, out=None):
    """input ** exponent computed in float64 (complex128 for complex operands). Implements `torch.float_power`."""
    if out is not None:
        dtype = _float_power_dtype(input, exponent)
        if isinstance(out, Tensor) and out.dtype is not dtype:
            raise RuntimeError(f"the output given to float_power has dtype {_dtype.SCALAR_TYPE_NAMES[out.dtype.name]} "
                               f"but the operation's result requires dtype {_dtype.SCALAR_TYPE_NAMES[dtype.name]}")
        return write_out(out, _float_power_value(input, exponent), "float_power")
    return _float_power_value(input, exponent)


def _float_power_inplace(self, exponent):
    from .._registry import assign_inplace

    dtype = _float_power_dtype(self, exponent)
    if self.dtype is not dtype:
        raise RuntimeError(f"the base given to float_power_ has dtype {_dtype.SCALAR_TYPE_NAMES[self.dtype.name]} "
                           f"but the operation's result requires dtype {_dtype.SCALAR_TYPE_NAMES[dtype.name]}")
    return assign_inplace(self, _float_power_value(self, exponent))


# ----------------------------------------------------------------- closeness
def _check_isclose(keys, result, rtol, atol, equal_nan):
    _require_tensors("isclose", keys, ("input", "other"))
    a, b = keys[0][0], keys[1][0]
    if a is not b:
        raise RuntimeError(f"{_dtype.SCALAR_TYPE_NAMES[a.name]} did not match {_dtype.SCALAR_TYPE_NAMES[b.name]}")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol:g}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol:g}")


@pointwise(ALWAYS_BOOL, inplace=False, out=False, check=_check_isclose)
def isclose(input, other, *, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol * |other|, elementwise. Implements `torch.isclose`."""
    close = input == other
    if equal_nan and not _is_int(input):
        close = close | (jnp.isnan(input) & jnp.isnan(other))
    if atol == 0 and rtol == 0:
        return close
    if _is_int(input):
        input, other = input.astype(_dtype.get_default_dtype().np), other.astype(_dtype.get_default_dtype().np)
    real = jnp.real(input).dtype
    allowed = np.asarray(atol, real) + jnp.abs(other * np.asarray(rtol, real))
    actual = jnp.abs(input - other)
    return close | (jnp.isfinite(actual) & (actual <= allowed))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether every element of input is close to other (see isclose). Implements `torch.allclose`."""
    return builtins.bool(np.asarray(isclose(input, other, rtol=rtol, atol=atol, equal_nan=equal_nan)._data).all())


def equal(input, other):
    """Whether input and other have the same size and elements. Implements `torch.equal`."""
    for position, (arg, value) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(value, Tensor):
            raise TypeError(f"equal(): argument '{arg}' (position {position}) must be Tensor, not "
                            f"{type(value).__name__}")
    if input._shape != other._shape:
        return False
    dtype = _dtype.promote_types(input.dtype, other.dtype)
    a, b = np.asarray(input._data).astype(dtype.np), np.asarray(other._data).astype(dtype.np)
    return builtins.bool(np.array_equal(a, b))


for _name, _fn in (("allclose", allclose), ("equal", equal)):
    register(OpDef(_name, _fn, None, True, False, False, "torch"))


# ----------------------------------------------------------------- routing and aliases
def _route(public, choose):
    """Make the public function and in-place method of the registered op `public` call the
    private op that `choose(args, kwargs)` names (None: the op itself)."""
    opdef = OP_TABLE[f"torch.{public}"]
    function, inplace = opdef.function, opdef.inplace_function

    def routed(*args, **kwargs):
        other = choose(args, kwargs)
        return (function if other is None else OP_TABLE[f"torch.{other}"].function)(*args, **kwargs)

    def routed_inplace(self, *args, **kwargs):
        other = choose((self,) + args, kwargs)
        return (inplace if other is None else OP_TABLE[f"torch.{other}"].inplace_function)(self, *args, **kwargs)

    functools.update_wrapper(routed, function)
    routed_inplace.__name__ = public + "_"
    opdef.function = routed
    if inplace is not None:
        opdef.inplace_function = routed_inplace
    return routed


def _arg(args, kwargs, index, name, default=None):
    return args[index] if len(args) > index else kwargs.get(name, default)


def _is_number(x):
    return isinstance(x, (int, float, complex, np.number, np.bool_)) and not isinstance(x, Tensor)


round = _route("round", lambda a, k: "_round_decimals" if "decimals" in k else None)  # noqa: A001
copysign = _route("copysign", lambda a, k: "_copysign_scalar" if _is_number(_arg(a, k, 1, "other")) else None)
xlogy = _route("xlogy", lambda a, k: "_xlogy_self" if _is_number(_arg(a, k, 0, "input")) and isinstance(
    _arg(a, k, 1, "other"), Tensor) else "_xlogy_other" if _is_number(_arg(a, k, 1, "other")) and isinstance(
    _arg(a, k, 0, "input"), Tensor) else None)

# lerp: one public op routed by the kind of weight.
register(OpDef("lerp", None, None, True, True, True, "torch"))
OP_TABLE["torch.lerp"].function = OP_TABLE["torch._lerp_scalar"].function
OP_TABLE["torch.lerp"].inplace_function = OP_TABLE["torch._lerp_scalar"].inplace_function
lerp = _route("lerp", _lerp_route)
# float16/bfloat16 erf: torch's vectorized approximation (see _erf_vectorized)
erf = _route("erf", lambda a, k: "_erf_reduced" if getattr(_arg(a, k, 0, "input"), "dtype", None) in (
    _dtype.float16, _dtype.bfloat16) else None)
lerp.__name__ = "lerp"
lerp.__doc__ = "input + weight * (end - input), as torch computes it. Implements `torch.lerp`."

register(OpDef("float_power", float_power, None, True, True, True, "torch"))
OP_TABLE["torch.float_power"].inplace_function = _float_power_inplace
register(OpDef("polygamma", polygamma, None, False, False, True, "torch"))


@op(inplace=True)
def square(input):
    """input * input, as torch computes it: pow(input, 2). Implements `torch.square`."""
    from .pointwise import pow as _pow

    if not isinstance(input, Tensor):
        raise TypeError(f"square(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return _pow(input, 2)


def _strict_out(name):
    """torch's check of out= for the ops whose result has the input's dtype exactly."""
    opdef = OP_TABLE[f"torch.{name}"]
    function = opdef.function

    def strict(*args, out=None, **kwargs):
        input = args[0] if args else kwargs.get("input")
        if isinstance(out, Tensor) and isinstance(input, Tensor) and out.dtype is not input.dtype:
            if name == "nan_to_num":
                raise RuntimeError(f"nan_to_num: dtype of out: {type_name(out.dtype)} should be same as input: "
                                   f"{type_name(input.dtype)}")
            raise RuntimeError(f"Found dtype {type_name(out.dtype)} but expected {type_name(input.dtype)}")
        return function(*args, out=out, **kwargs)

    functools.update_wrapper(strict, function)
    opdef.function = strict


for _name in ("ceil", "floor", "round", "trunc", "frac", "sign", "sgn", "nan_to_num"):
    _strict_out(_name)
round = OP_TABLE["torch.round"].function  # noqa: A001


def _bool_out(name):
    opdef = OP_TABLE[f"torch.{name}"]
    function = opdef.function

    def checked(*args, out=None, **kwargs):
        if isinstance(out, Tensor) and out.dtype is not _dtype.bool:
            raise RuntimeError(f"{name} does not support non-boolean outputs.")
        return function(*args, out=out, **kwargs)

    functools.update_wrapper(checked, function)
    opdef.function = checked


for _name in ("signbit", "isposinf", "isneginf"):
    _bool_out(_name)


def _no_out(name):
    opdef = OP_TABLE[f"torch.{name}"]
    function = opdef.function

    def checked(*args, **kwargs):
        if "out" in kwargs:
            raise TypeError(f"{name}() got an unexpected keyword argument 'out'")
        return function(*args, **kwargs)

    functools.update_wrapper(checked, function)
    opdef.function = checked


for _name in ("isinf", "isfinite", "isreal", "isclose"):
    _no_out(_name)


def _ldexp_wrap():
    """Pass ldexp's power dtype (other's, or the default float dtype) to its kernel."""
    opdef = OP_TABLE["torch.ldexp"]
    function, inplace = opdef.function, opdef.inplace_function

    def power_of(other):
        dtype = getattr(other, "dtype", None)
        if not isinstance(dtype, _dtype.dtype):
            return None
        return dtype.np if dtype.category >= FLOAT else None  # integers: in the result's dtype

    def integer_of(other):
        dtype = getattr(other, "dtype", None)
        if not isinstance(dtype, _dtype.dtype) or dtype.category >= FLOAT or dtype.np == np.bool_:
            return None
        info = np.iinfo(dtype.np)
        return (info.bits, info.min < 0)

    def check_bool_power(input, other):
        """torch computes 2 ** other in other's dtype for a real floating input: not for bool."""
        if isinstance(input, Tensor) and input.dtype.category == FLOAT and getattr(other, "dtype", None) is _dtype.bool:
            raise NotImplementedError("\"ldexp_cpu_exp\" not implemented for 'Bool'")

    def ldexp(input, other, *, out=None):
        check_bool_power(input, other)
        return function(input, other, power=power_of(other), integer=integer_of(other), out=out)

    def ldexp_(self, other):
        if isinstance(self, Tensor) and self.dtype.category < FLOAT:  # torch checks this before the shapes
            raise RuntimeError(f"ldexp can't be cast to the desired output type {type_name(self.dtype)}")
        check_bool_power(self, other)
        return inplace(self, other, power=power_of(other), integer=integer_of(other))

    functools.update_wrapper(ldexp, function)
    opdef.function, opdef.inplace_function = ldexp, ldexp_


_ldexp_wrap()


def _atan2_wrap():
    """Pass atan2's operands' integer dtypes to its kernel (its gradient squares them there)."""
    opdef = OP_TABLE["torch.atan2"]
    function, inplace = opdef.function, opdef.inplace_function

    def integer_of(x):
        dtype = getattr(x, "dtype", None)
        if not isinstance(dtype, _dtype.dtype) or dtype.category >= FLOAT or dtype.np == np.bool_:
            return None
        return np.dtype(dtype.np).name

    def atan2(input, other, *, out=None):
        return function(input, other, integers=(integer_of(input), integer_of(other)), out=out)

    def atan2_(self, other):
        return inplace(self, other, integers=(integer_of(self), integer_of(other)))

    functools.update_wrapper(atan2, function)
    functools.update_wrapper(atan2_, inplace)
    opdef.function, opdef.inplace_function = atan2, atan2_


_atan2_wrap()


def _renamed(function, old, new):
    """`function` with torch's TypeErrors naming the alias `new` instead of `old`."""

    def alias(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except TypeError as error:
            if str(error).startswith(old + "("):
                raise TypeError(new + str(error)[len(old):]) from None
            raise

    functools.update_wrapper(alias, function)
    alias.__name__ = alias.__qualname__ = new
    return alias


def _alias(alias, target):
    """Register `alias` as another name of the registered op `target`."""
    source = OP_TABLE[f"torch.{target}"]
    opdef = OpDef(alias, _renamed(source.function, target, alias), source.promote, source.method, source.inplace, source.out, "torch",
                  source.grad_name)
    opdef.inplace_function = getattr(source, "inplace_function", None)
    register(opdef)


for _alias_name, _target in (
        ("arccos", "acos"), ("arcsin", "asin"), ("arctan", "atan"), ("arccosh", "acosh"), ("arcsinh", "asinh"),
        ("arctanh", "atanh"), ("arctan2", "atan2"), ("fix", "trunc"), ("absolute", "abs"), ("negative", "neg"),
        ("multiply", "mul"), ("subtract", "sub"), ("greater", "gt"), ("less", "lt"), ("greater_equal", "ge"),
        ("less_equal", "le"), ("not_equal", "ne")):
    if f"torch.{_alias_name}" not in OP_TABLE and f"torch.{_target}" in OP_TABLE:
        _alias(_alias_name, _target)

Tensor.polygamma = _polygamma_method
Tensor.polygamma_ = _polygamma_inplace
