"""torch.special's own functions (the ones that are not aliases of torch.* ops).

Each is an elementwise `pointwise` declaration in the "torch.special" namespace. The
Bessel, Airy and orthogonal-polynomial bodies follow the Cephes-derived formulas torch
evaluates (its aten/src/ATen/native/Math.h), step for step in the computation dtype, so
results agree with torch's to a few ulp. Gradients follow torch's derivative formulas
(custom JVPs); where torch defines none, backward raises torch's NotImplementedError, and
the functions torch marks non-differentiable return results that do not require grad.
"""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import jax.scipy.special as jss
from jax import lax
from jax.custom_derivatives import SymbolicZero

from .. import _dtype
from .._dtype import COMPLEX, FLOAT, Promote, elementwise_dtypes
from .._registry import OpDef, pointwise, register, type_name
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad

INT_TO_FLOAT = Promote.INT_TO_FLOAT
_HALF = (_dtype.float16, _dtype.bfloat16)
_NUMBER_NAMES = ("bool", "int", "float", "complex")


# ----------------------------------------------------------------- argument and dtype checks
def _arg_type(key) -> str:
    return "NoneType" if key is None else _NUMBER_NAMES[key]


def _check(kernel, op_name, *, half=True, ints=True, arity=1, tensors_only=False, names=("input", "other")):
    """torch's errors: TypeError for operands that are not Tensors (a Python number is
    allowed for one operand of a binary op unless `tensors_only`), NotImplementedError
    when the CPU kernel `kernel` has no version for the dtype."""

    def check(keys, result, *static):
        scalars = [k is None or isinstance(k, int) for k in keys]
        if arity == 1 or tensors_only:
            for position, (key, scalar) in enumerate(zip(keys, scalars), 1):
                if scalar:
                    raise TypeError(f"special_{op_name}(): argument '{names[position - 1]}' (position {position}) "
                                    f"must be Tensor, not {_arg_type(key)}")
        elif all(scalars) or None in keys:
            got = ", ".join("Tensor" if not s else _arg_type(k) for k, s in zip(keys, scalars))
            raise TypeError(f"special_{op_name}() received an invalid combination of arguments - got ({got}), but "
                            f"expected one of:\n * (Tensor {names[0]}, Tensor {names[1]}, *, Tensor out = None)\n"
                            f" * (Number {names[0]}, Tensor {names[1]}, *, Tensor out = None)\n"
                            f" * (Tensor {names[0]}, Number {names[1]}, *, Tensor out = None)\n")
        common = elementwise_dtypes(keys, Promote.NO_OPMATH)[1]
        kernel_dtype = result if ints else common
        if (kernel_dtype.category == COMPLEX or (not half and kernel_dtype in _HALF)
                or (not ints and common.category < FLOAT)):
            raise NotImplementedError(f'"{kernel}" not implemented for \'{type_name(kernel_dtype)}\'')

    return check


# ----------------------------------------------------------------- derivatives
def _derivative(primal, *partials):
    """`primal` with torch's derivative formulas: partials[i](*args, result) is the
    derivative in operand i, or a string naming torch's missing derivative (backward
    through that operand then raises torch's NotImplementedError)."""
    f = jax.custom_jvp(primal)

    def jvp(primals, tangents):
        result = f(*primals)
        total = None
        for tangent, partial in zip(tangents, partials):
            if isinstance(tangent, SymbolicZero):
                continue
            if isinstance(partial, str):
                raise NotImplementedError(f"the derivative for '{partial}' is not implemented.")
            term = partial(*primals, result) * tangent
            total = term if total is None else total + term
        return result, jnp.zeros_like(result) if total is None else jnp.broadcast_to(total, result.shape)

    f.defjvp(jvp, symbolic_zeros=True)
    return f


def _tiny_safe(x):
    eps = jnp.finfo(x.dtype).eps
    not_tiny = jnp.abs(x) > eps
    return not_tiny, jnp.where(not_tiny, x, eps)


def _wrap(name, function, *, out=True):
    """Register `function` as torch.special.`name`."""
    function.__name__ = function.__qualname__ = name
    register(OpDef(name, function, INT_TO_FLOAT, False, False, out, "torch.special"))
    return function


def _nondifferentiable(name, kernel):
    """torch.special.`name`: the registered `kernel` run without autograd (torch defines no
    derivative for these; their results never require grad)."""

    def function(*args, out=None, **kwargs):
        with no_grad():
            return kernel(*args, out=out, **kwargs)

    function.__doc__ = kernel.__doc__
    return _wrap(name, function)


def _scalar_variants(name, tensor_tensor, number_tensor, tensor_number):
    """torch.special.`name` for a binary op whose autograd node is named after which operand
    is a Python number (torch's ...Backward0/1/2)."""

    def function(input, other, *, out=None):
        if not isinstance(input, Tensor) and isinstance(other, Tensor):
            kernel = number_tensor
        elif isinstance(input, Tensor) and not isinstance(other, Tensor) and other is not None:
            kernel = tensor_number
        else:
            kernel = tensor_tensor
        return kernel(input, other, out=out)

    function.__doc__ = tensor_tensor.__doc__
    return _wrap(name, function)


def _divide_by_constant(x, c):
    """x / c correctly rounded: XLA's CPU backend turns a float32 division by a constant
    into a multiplication by its rounded reciprocal; a float64 quotient rounds exactly."""
    return (x.astype(jnp.float64) / c).astype(x.dtype) if x.dtype == jnp.float32 else x / c


def _polevl(x, coefficients):
    """Horner's rule from the highest coefficient, starting from 0 as torch's loops do."""
    result = jnp.zeros_like(x)
    for c in coefficients:
        result = result * x + c
    return result


def _chbevl(x, coefficients):
    """Clenshaw evaluation of a Chebyshev series (Cephes' chbevl)."""
    b0, b1, b2 = jnp.full_like(x, coefficients[0]), jnp.zeros_like(x), jnp.zeros_like(x)
    for c in coefficients[1:]:
        b2, b1 = b1, b0
        b0 = x * b1 - b2 + c
    return 0.5 * (b0 - b2)


# ----------------------------------------------------------------- entr, xlog1py
def _entr(x):
    return jnp.where(jnp.isnan(x), x, jnp.where(x > 0, -x * jnp.log(x), jnp.where(x == 0, jnp.zeros_like(x), -jnp.inf)))


_entr = _derivative(_entr, lambda x, r: -(1 + jnp.log(x)))


@pointwise(INT_TO_FLOAT, grad_name="SpecialEntrBackward0", method=False, inplace=False, namespace="torch.special",
           saves=("input",), check=_check("entr_cpu", "entr"))
def entr(input):
    """-x * log(x) for x > 0, 0 at 0, -inf below. Implements `torch.special.entr`."""
    return _entr(input)


def _xlog1py_value(x, y):
    result = jnp.where(x == 0, jnp.zeros_like(x * y), x * jnp.log1p(y))
    return jnp.where(jnp.isnan(y), y + x * 0, result)


# torch's derivatives (derivatives.yaml): in x, xlog1py(grad, y) masked to 0 where x == 0 and
# y <= -1 (so a zero incoming gradient gives 0, not 0 * log1p(y) = nan, and no -inf/nan leaks
# into a broadcast sum); in y, grad * x / (y + 1). The vjp depends on the incoming gradient's
# value, which a jvp rule cannot express: custom_vjp on pre-broadcast operands.
@jax.custom_vjp
def _xlog1py_same_shape(x, y):
    return _xlog1py_value(x, y)


def _xlog1py_fwd(x, y):
    return _xlog1py_value(x, y), (x, y)


def _xlog1py_bwd(saved, g):
    x, y = saved
    gx = jnp.where(jnp.isnan(y), y, jnp.where(g == 0, jnp.zeros_like(g), g * jnp.log1p(y)))
    gx = jnp.where((x == 0) & (y <= -1), jnp.zeros_like(gx), gx)
    return gx, g * x / (y + 1)


_xlog1py_same_shape.defvjp(_xlog1py_fwd, _xlog1py_bwd)


def _xlog1py(x, y):
    x, y = jnp.broadcast_arrays(x, y)
    return _xlog1py_same_shape(x, y)


def _xlog1py_kernel(grad_name):
    return pointwise(INT_TO_FLOAT, name="_xlog1py" + grad_name[-1], grad_name=grad_name, method=False, inplace=False,
                     namespace="torch.special", saves=("input", "other"), check=_check("xlog1py_cpu", "xlog1py", arity=2))(
        lambda input, other: _xlog1py(input, other))


xlog1py = _scalar_variants("xlog1py", *(_xlog1py_kernel(f"SpecialXlog1PyBackward{i}") for i in range(3)))
xlog1py.__doc__ = "x * log1p(y), 0 where x == 0 (unless y is nan). Implements `torch.special.xlog1py`."


# ----------------------------------------------------------------- erfcx, ndtr, log_ndtr, ndtri
_SQRT_PI = math.sqrt(math.pi)


def _erfcx_nonnegative(x):
    """erfcx(x) for x >= 0 in float64: exp(x^2) * erfc(x) with x^2 split exactly below 2, a
    continued fraction above (error about 1e-15 relative)."""
    small = jnp.minimum(x, 2.0)
    c = 134217729.0 * small
    high = c - (c - small)
    low = small - high
    square = small * small
    square_low = ((high * high - square) + 2 * high * low) + low * low
    direct = jnp.exp(square) * lax.erfc(small) * (1 + square_low)
    large = jnp.maximum(x, 2.0)
    f = large
    for k in range(60, 0, -1):
        f = large + (k / 2) / f
    fraction = 1 / (_SQRT_PI * f)
    return jnp.where(x < 2, direct, jnp.where(x > 5e7, (1 / _SQRT_PI) / x, fraction))


def _erfcx(x):
    wide = x.astype(jnp.float64)
    positive = _erfcx_nonnegative(jnp.abs(wide)).astype(x.dtype)
    twice = 2 * jnp.exp(x * x)  # torch's exp(x*x) in the input's precision
    negative = jnp.where(x < -26.7, jnp.inf, jnp.where(x < -6.1, twice, twice - positive))
    return jnp.where(jnp.isnan(x), x, jnp.where(x >= 0, positive, negative))


_erfcx = _derivative(_erfcx, lambda x, r: 2.0 * x * r - 2.0 / _SQRT_PI)


@pointwise(INT_TO_FLOAT, grad_name="SpecialErfcxBackward0", method=False, inplace=False, namespace="torch.special",
           saves=("input", "result"), check=_check("erfcx_cpu", "erfcx", half=False))
def erfcx(input):
    """Scaled complementary error function exp(x^2) * erfc(x). Implements `torch.special.erfcx`."""
    return _erfcx(input)


_FRAC_SQRT_2 = 1 / math.sqrt(2)


def _log_ndtr(x):
    t = x * _FRAC_SQRT_2
    low = jnp.log(_erfcx(-t) / 2) - t * t
    high = jnp.log1p(-lax.erfc(t) / 2)
    return jnp.where(x < -1.0, low, high)


_log_ndtr = _derivative(_log_ndtr, lambda x, r: jnp.exp(-(r + x * x / 2)) / math.sqrt(2 * math.pi))


@pointwise(INT_TO_FLOAT, grad_name="SpecialLogNdtrBackward0", method=False, inplace=False,
           namespace="torch.special", saves=("input", "result"), check=_check("log_ndtr_cpu", "log_ndtr", half=False))
def log_ndtr(input):
    """log of the standard normal CDF. Implements `torch.special.log_ndtr`."""
    return _log_ndtr(input)


@pointwise(INT_TO_FLOAT, name="_ndtr", grad_name="MulBackward1", method=False, inplace=False,
           namespace="torch.special", check=_check("erf_vml_cpu", "ndtr"))
def _ndtr_kernel(input, *, rounding=None):
    def rounded(v):  # torch's composite rounds each step to a float16/bfloat16 input's dtype
        return v if rounding is None else v.astype(rounding).astype(v.dtype)

    scaled = rounded(input * math.sqrt(0.5))
    return rounded(1 + rounded(lax.erf(scaled))) * 0.5


def ndtr(input, *, out=None):
    """Standard normal CDF, computed as torch does: (1 + erf(x / sqrt(2))) * 0.5.
    Implements `torch.special.ndtr`."""
    rounding = input.dtype.np if isinstance(input, Tensor) and input.dtype in _HALF else None
    if out is None:
        return _ndtr_kernel(input, rounding=rounding)
    with no_grad():  # torch's composite out= variant has no autograd check
        return _ndtr_kernel(input, rounding=rounding, out=out)


_wrap("ndtr", ndtr)


def _ndtri(x):
    return jss.ndtri(x)


_ndtri = _derivative(_ndtri, lambda x, r: math.sqrt(2 * math.pi) * jnp.exp(r * r / 2))


@pointwise(INT_TO_FLOAT, grad_name="SpecialNdtriBackward0", method=False, inplace=False, namespace="torch.special",
           saves=("result",), check=_check("ndtri_cpu", "ndtri", half=False))
def ndtri(input):
    """Inverse of the standard normal CDF. Implements `torch.special.ndtri`."""
    return _ndtri(input)


# ----------------------------------------------------------------- i0e, i1, i1e
def _i0e(x):
    return lax.bessel_i0e(x)


def _i1e(x):
    return _positive_zero(x, lax.bessel_i1e(x))


def _i1(x):
    return _positive_zero(x, lax.bessel_i1e(x) * jnp.exp(jnp.abs(x)))


def _positive_zero(x, value):
    """value, but +0 at x = ±0: torch's odd Bessel functions of order 1 (Cephes) give +0 at -0."""
    return jnp.where(x == 0, jnp.zeros_like(value), value)


def _i1_grad(x, r):
    not_tiny, safe = _tiny_safe(x)
    i0 = lax.bessel_i0e(safe) * jnp.exp(jnp.abs(safe))
    return jnp.where(not_tiny, i0 - r / safe, 0.5)


def _i1e_grad(x, r):
    not_tiny, safe = _tiny_safe(x)
    return jnp.where(not_tiny, lax.bessel_i0e(safe) - r * (jnp.sign(safe) + 1 / safe), 0.5)


_i0e = _derivative(_i0e, lambda x, r: lax.bessel_i1e(x) - jnp.sign(x) * r)
_i1 = _derivative(_i1, _i1_grad)
_i1e = _derivative(_i1e, _i1e_grad)


@pointwise(INT_TO_FLOAT, grad_name="SpecialI0EBackward0", method=False, inplace=False, namespace="torch.special",
           saves=("input", "result"), check=_check("i0e_cpu", "i0e"))
def i0e(input):
    """Exponentially scaled modified Bessel function of order 0. Implements `torch.special.i0e`."""
    return _i0e(input)


@pointwise(INT_TO_FLOAT, grad_name="SpecialI1Backward0", method=False, inplace=False, namespace="torch.special",
           saves=("input", "result"), check=_check("i1_cpu", "i1"))
def i1(input):
    """Modified Bessel function of the first kind of order 1. Implements `torch.special.i1`."""
    return _i1(input)


@pointwise(INT_TO_FLOAT, grad_name="SpecialI1EBackward0", method=False, inplace=False, namespace="torch.special",
           saves=("input", "result"), check=_check("i1e_cpu", "i1e"))
def i1e(input):
    """Exponentially scaled modified Bessel function of order 1. Implements `torch.special.i1e`."""
    return _i1e(input)


# ----------------------------------------------------------------- zeta, gammainc, gammaincc
_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
           -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15,
           1.8152105401943546773e17, -7.1661652561756670113e18)
_MACHEP = 1.11022302462515654042E-16


def _zeta(x, q):
    """Hurwitz zeta by torch's (Cephes') algorithm, in double precision as torch's CPU
    kernel accumulates: direct summation until the terms are small or a > 9, then the
    Euler-Maclaurin tail."""
    dtype = x.dtype
    x, q = jnp.broadcast_arrays(x.astype(jnp.float64), q.astype(jnp.float64))
    pole = (q <= 0) & (q == jnp.floor(q))
    early = (x <= 1.0) | pole | ((q <= 0) & (x != jnp.floor(x)))  # torch returns before summing
    s = jnp.power(q, -x)

    def cond(state):
        i, a, b, s, done = state
        return jnp.any(~done & ((i < 9) | (a <= 9.0)))

    def body(state):
        i, a, b, s, done = state
        live = ~done & ((i < 9) | (a <= 9.0))
        a = jnp.where(live, a + 1.0, a)
        b = jnp.where(live, jnp.power(a, -x), b)
        s = jnp.where(live, s + b, s)
        done = done | (live & (-_MACHEP * s < b) & (b < _MACHEP * s))
        return i + 1, a, b, s, done

    _, a, b, s, done = lax.while_loop(cond, body, (jnp.zeros((), jnp.int32), q, jnp.zeros_like(q), s, early))
    w = a
    tail = s + b * w / (x - 1.0)
    tail = tail - 0.5 * b
    a = jnp.ones_like(x)
    k = 0.0
    finished = jnp.zeros(q.shape, bool)
    for coefficient in _ZETA_A:
        a = a * (x + k)
        b = b / w
        t = a * b / coefficient
        tail = jnp.where(finished, tail, tail + t)
        finished = finished | (jnp.abs(t / tail) < _MACHEP)
        k += 1.0
        a = a * (x + k)
        b = b / w
        k += 1.0
    result = jnp.where(done, s, tail)
    result = jnp.where((q <= 0) & ~pole & (x != jnp.floor(x)), jnp.nan, result)
    result = jnp.where(pole, jnp.inf, result)
    result = jnp.where(x < 1.0, jnp.nan, result)
    return jnp.where(x == 1.0, jnp.inf, result).astype(dtype)


_zeta = _derivative(_zeta, "zeta", lambda x, q, r: -x * _zeta(x + 1.0, q))


def _zeta_kernel(grad_name):
    return pointwise(INT_TO_FLOAT, name="_zeta" + grad_name[-1], grad_name=grad_name, method=False, inplace=False,
                     namespace="torch.special", saves=("input", "other"),
                     check=_check("zeta_cpu", "zeta", half=False, arity=2))(lambda input, other: _zeta(input, other))


zeta = _scalar_variants("zeta", *(_zeta_kernel(f"SpecialZetaBackward{i}") for i in range(3)))
zeta.__doc__ = "Hurwitz zeta function sum((k + q) ** -x). Implements `torch.special.zeta`."


def _igamma_density(a, x, r):
    return jnp.exp((a - 1) * jnp.log(x) - x - lax.lgamma(a))


def _igamma_edges(a, x, value, complement):
    """torch's boundary values (following SciPy), checked in its order."""
    lower, upper = (1.0, 0.0) if complement else (0.0, 1.0)
    value = jnp.where(jnp.isinf(x), upper, value)
    value = jnp.where(jnp.isinf(a), jnp.where(jnp.isinf(x), jnp.nan, lower), value)
    value = jnp.where(x == 0, lower, value)
    value = jnp.where(a == 0, jnp.where(x > 0, upper, jnp.nan), value)
    return jnp.where((x < 0) | (a < 0), jnp.nan, value)


def _in_double(fn):
    """fn evaluated in float64 and rounded (closer to torch's float32 kernel than JAX's
    float32 series)."""
    return lambda a, x: fn(a.astype(jnp.float64), x.astype(jnp.float64)).astype(jnp.result_type(a, x))


_gammainc = _derivative(lambda a, x: _igamma_edges(a, x, _in_double(jss.gammainc)(a, x), False), "igamma: input",
                        _igamma_density)
_gammaincc = _derivative(lambda a, x: _igamma_edges(a, x, _in_double(jss.gammaincc)(a, x), True), "igammac: input",
                         lambda a, x, r: -_igamma_density(a, x, r))


@pointwise(INT_TO_FLOAT, grad_name="IgammaBackward0", method=False, inplace=False, namespace="torch.special",
           saves=("input", "other"), check=_check("igamma_cpu", "gammainc", ints=False, arity=2, tensors_only=True))
def gammainc(input, other):
    """Regularized lower incomplete gamma function P(a, x). Implements `torch.special.gammainc`."""
    return _gammainc(input, other)


@pointwise(INT_TO_FLOAT, grad_name="IgammacBackward0", method=False, inplace=False, namespace="torch.special",
           saves=("input", "other"), check=_check("igammac_cpu", "gammaincc", ints=False, arity=2, tensors_only=True))
def gammaincc(input, other):
    """Regularized upper incomplete gamma function Q(a, x). Implements `torch.special.gammaincc`."""
    return _gammaincc(input, other)


# ----------------------------------------------------------------- Bessel functions J and Y
_PIO4 = 0.785398163397448309615660845819875721
_THPIO4 = 2.356194490192344928846982537459627163
_SQ2OPI = 0.797884560802865355879892119868763737
_TWOOPI = 0.636619772367581343075535053490057448

_J0_PP = (7.96936729297347051624e-04, 8.28352392107440799803e-02, 1.23953371646414299388e+00,
          5.44725003058768775090e+00, 8.74716500199817011941e+00, 5.30324038235394892183e+00,
          9.99999999999999997821e-01)
_J0_PQ = (9.24408810558863637013e-04, 8.56288474354474431428e-02, 1.25352743901058953537e+00,
          5.47097740330417105182e+00, 8.76190883237069594232e+00, 5.30605288235394617618e+00,
          1.00000000000000000218e+00)
_J0_QP = (-1.13663838898469149931e-02, -1.28252718670509318512e+00, -1.95539544257735972385e+01,
          -9.32060152123768231369e+01, -1.77681167980488050595e+02, -1.47077505154951170175e+02,
          -5.14105326766599330220e+01, -6.05014350600728481186e+00)
_J0_QQ = (6.43178256118178023184e+01, 8.56430025976980587198e+02, 3.88240183605401609683e+03,
          7.24046774195652478189e+03, 5.93072701187316984827e+03, 2.06209331660327847417e+03,
          2.42005740240291393179e+02)
_J0_RP = (-4.79443220978201773821e+09, 1.95617491946556577543e+12, -2.49248344360967716204e+14,
          9.70862251047306323952e+15)
_J0_RQ = (4.99563147152651017219e+02, 1.73785401676374683123e+05, 4.84409658339962045305e+07,
          1.11855537045356834862e+10, 2.11277520115489217587e+12, 3.10518229857422583814e+14,
          3.18121955943204943306e+16, 1.71086294081043136091e+18)
_Y0_YP = (1.55924367855235737965e+04, -1.46639295903971606143e+07, 5.43526477051876500413e+09,
          -9.82136065717911466409e+11, 8.75906394395366999549e+13, -3.46628303384729719441e+15,
          4.42733268572569800351e+16, -1.84950800436986690637e+16)
_Y0_YQ = (1.04128353664259848412e+03, 6.26107330137134956842e+05, 2.68919633393814121987e+08,
          8.64002487103935000337e+10, 2.02979612750105546709e+13, 3.17157752842975028269e+15,
          2.50596256172653059228e+17)

_J1_PP = (7.62125616208173112003e-04, 7.31397056940917570436e-02, 1.12719608129684925192e+00,
          5.11207951146807644818e+00, 8.42404590141772420927e+00, 5.21451598682361504063e+00,
          1.00000000000000000254e+00)
_J1_PQ = (5.71323128072548699714e-04, 6.88455908754495404082e-02, 1.10514232634061696926e+00,
          5.07386386128601488557e+00, 8.39985554327604159757e+00, 5.20982848682361821619e+00,
          9.99999999999999997461e-01)
_J1_QP = (5.10862594750176621635e-02, 4.98213872951233449420e+00, 7.58238284132545283818e+01,
          3.66779609360150777800e+02, 7.10856304998926107277e+02, 5.97489612400613639965e+02,
          2.11688757100572135698e+02, 2.52070205858023719784e+01)
_J1_QQ = (7.42373277035675149943e+01, 1.05644886038262816351e+03, 4.98641058337653607651e+03,
          9.56231892404756170795e+03, 7.99704160447350683650e+03, 2.82619278517639096600e+03,
          3.36093607810698293419e+02)
_J1_RP = (-8.99971225705559398224e+08, 4.52228297998194034323e+11, -7.27494245221818276015e+13,
          3.68295732863852883286e+15)
_J1_RQ = (6.20836478118054335476e+02, 2.56987256757748830383e+05, 8.35146791431949253037e+07,
          2.21511595479792499675e+10, 4.74914122079991414898e+12, 7.84369607876235854894e+14,
          8.95222336184627338078e+16, 5.32278620332680085395e+18)
_Y1_YP = (1.26320474790178026440e+09, -6.47355876379160291031e+11, 1.14509511541823727583e+14,
          -8.12770255501325109621e+15, 2.02439475713594898196e+17, -7.78877196265950026825e+17)
_Y1_YQ = (5.94301592346128195359e+02, 2.35564092943068577943e+05, 7.34811944459721705660e+07,
          1.87601316108706159478e+10, 3.88231277496238566008e+12, 6.20557727146953693363e+14,
          6.87141087355300489866e+16, 3.97270608116560655612e+18)


def _j0_asymptotic(x, trig_first, trig_second, sign):
    """(P cos(x - pi/4) -/+ 5/x Q sin(x - pi/4)) * sqrt(2/pi) / sqrt(x) and its Y0 sibling."""
    w = 25.0 / (x * x)
    pp, pq, qp, qq = (_polevl(w, c) for c in (_J0_PP, _J0_PQ, _J0_QP, _J0_QQ))
    shifted = x - _PIO4
    return (pp / pq * trig_first(shifted) + sign * (5.0 / x * (qp / qq) * trig_second(shifted))) * _SQ2OPI / jnp.sqrt(x)


def _j1_asymptotic(x, trig_first, trig_second, sign):
    w = 5.0 / x * (5.0 / x)
    pp, pq, qp, qq = (_polevl(w, c) for c in (_J1_PP, _J1_PQ, _J1_QP, _J1_QQ))
    shifted = x - _THPIO4
    return (pp / pq * trig_first(shifted) + sign * (5.0 / x * (qp / qq) * trig_second(shifted))) * _SQ2OPI / jnp.sqrt(x)


def _bessel_j0(x):
    x = jnp.abs(x)
    square = x * x
    small = (square - 5.78318596294678452118e+00) * (square - 3.04712623436620863991e+01) * _polevl(square, _J0_RP) \
        / _polevl(square, _J0_RQ)
    tiny = 1.0 - square / 4.0
    large = _j0_asymptotic(x, jnp.cos, jnp.sin, -1)
    return jnp.where(x <= 5.0, jnp.where(x < 0.00001, tiny, small), large)


def _bessel_j1_nonnegative(x):
    square = x * x
    small = _polevl(square, _J1_RP) / _polevl(square, _J1_RQ) * x * (square - 1.46819706421238932572e+01) \
        * (square - 4.92184563216946036703e+01)
    large = _j1_asymptotic(x, jnp.cos, jnp.sin, -1)
    return jnp.where(x <= 5.0, small, large)


def _bessel_j1(x):
    value = _bessel_j1_nonnegative(jnp.abs(x))
    return jnp.where(jnp.signbit(x), -value, value)  # j1(-0) is -0, as torch's


def _bessel_y0(x):
    square = x * x
    small = _polevl(square, _Y0_YP) / _polevl(square, _Y0_YQ) + _TWOOPI * jnp.log(x) * _bessel_j0(x)
    small = jnp.where(x == 0, -jnp.inf, jnp.where(x < 0, jnp.nan, small))
    return jnp.where(x <= 5.0, small, _j0_asymptotic(x, jnp.sin, jnp.cos, 1))


def _bessel_y1(x):
    square = x * x
    small = x * (_polevl(square, _Y1_YP) / _polevl(square, _Y1_YQ)) \
        + _TWOOPI * (_bessel_j1(x) * jnp.log(x) - 1.0 / x)
    small = jnp.where(x == 0, -jnp.inf, jnp.where(x <= 0, jnp.nan, small))
    return jnp.where(x <= 5.0, small, _j1_asymptotic(x, jnp.sin, jnp.cos, 1))


def _spherical_bessel_j0(x):
    s = x * x
    series = 1.0 + s * (-1.0 / 6.0 + s * (1.0 / 120.0 + s * (-1.0 / 5040.0 + s * (
        1.0 / 362880.0 + s * (-1.0 / 39916800.0 + s * (1.0 / 6227020800.0))))))
    return jnp.where(jnp.isinf(x), jnp.zeros_like(x), jnp.where(jnp.abs(x) < 0.5, series, jnp.sin(x) / x))


# ----------------------------------------------------------------- modified Bessel functions
def _modified_bessel_i0(x):
    return jnp.exp(jnp.abs(x)) * lax.bessel_i0e(x)


def _modified_bessel_i1(x):
    return _positive_zero(x, lax.bessel_i1e(x) * jnp.exp(jnp.abs(x)))


_K0_A = (1.37446543561352307156e-16, 4.25981614279661018399e-14, 1.03496952576338420167e-11,
         1.90451637722020886025e-09, 2.53479107902614945675e-07, 2.28621210311945178607e-05,
         1.26461541144692592338e-03, 3.59799365153615016266e-02, 3.44289899924628486886e-01,
         -5.35327393233902768720e-01)
_K0_B = (5.30043377268626276149e-18, -1.64758043015242134646e-17, 5.21039150503902756861e-17,
         -1.67823109680541210385e-16, 5.51205597852431940784e-16, -1.84859337734377901440e-15,
         6.34007647740507060557e-15, -2.22751332699166985548e-14, 8.03289077536357521100e-14,
         -2.98009692317273043925e-13, 1.14034058820847496303e-12, -4.51459788337394416547e-12,
         1.85594911495471785253e-11, -7.95748924447710747776e-11, 3.57739728140030116597e-10,
         -1.69753450938905987466e-09, 8.57403401741422608519e-09, -4.66048989768794782956e-08,
         2.76681363944501510342e-07, -1.83175552271911948767e-06, 1.39498137188764993662e-05,
         -1.28495495816278026384e-04, 1.56988388573005337491e-03, -3.14481013119645005427e-02,
         2.44030308206595545468e+00)
_K1_A = (-7.02386347938628759343e-18, -2.42744985051936593393e-15, -6.66690169419932900609e-13,
         -1.41148839263352776110e-10, -2.21338763073472585583e-08, -2.43340614156596823496e-06,
         -1.73028895751305206302e-04, -6.97572385963986435018e-03, -1.22611180822657148235e-01,
         -3.53155960776544875667e-01, 1.52530022733894777053e+00)
_K1_B = (-5.75674448366501715755e-18, 1.79405087314755922667e-17, -5.68946255844285935196e-17,
         1.83809354436663880070e-16, -6.05704724837331885336e-16, 2.03870316562433424052e-15,
         -7.01983709041831346144e-15, 2.47715442448130437068e-14, -8.97670518232499435011e-14,
         3.34841966607842919884e-13, -1.28917396095102890680e-12, 5.13963967348173025100e-12,
         -2.12996783842756842877e-11, 9.21831518760500529508e-11, -4.19035475934189648750e-10,
         2.01504975519703286596e-09, -1.03457624656780970260e-08, 5.74108412545004946722e-08,
         -3.50196060308781257119e-07, 2.40648494783721712015e-06, -1.93619797416608296024e-05,
         1.95215518471351631108e-04, -2.85781685962277938680e-03, 1.03923736576817238437e-01,
         2.72062619048444266945e+00)


def _k_domain(x, value):
    return jnp.where(x == 0, jnp.inf, jnp.where(x < 0, jnp.nan, value))


def _modified_bessel_k0(x):
    chebyshev = _chbevl(x * x - 2.0, _K0_A)
    # torch's `std::log(0.5 * x)` promotes to double here
    wide = chebyshev.astype(jnp.float64) - jnp.log(0.5 * x.astype(jnp.float64)) * \
        _modified_bessel_i0(x).astype(jnp.float64)
    small = wide.astype(x.dtype)
    large = jnp.exp(-x) * _chbevl(8.0 / x - 2.0, _K0_B) / jnp.sqrt(x)
    return _k_domain(x, jnp.where(x <= 2.0, small, large))


def _modified_bessel_k1(x):
    small = jnp.log(0.5 * x) * _modified_bessel_i1(x) + _chbevl(x * x - 2.0, _K1_A) / x
    large = jnp.exp(-x) * _chbevl(8.0 / x - 2.0, _K1_B) / jnp.sqrt(x)
    return _k_domain(x, jnp.where(x <= 2.0, small, large))


def _scaled_modified_bessel_k0(x):
    small = (_chbevl(x * x - 2.0, _K0_A) - jnp.log(0.5 * x) * _modified_bessel_i0(x)) * jnp.exp(x)
    large = _chbevl(8.0 / x - 2.0, _K0_B) / jnp.sqrt(x)
    return _k_domain(x, jnp.where(x <= 2.0, small, large))


def _scaled_modified_bessel_k1(x):
    small = (jnp.log(0.5 * x) * _modified_bessel_i1(x) + _chbevl(x * x - 2.0, _K1_A) / x) * jnp.exp(x)
    large = _chbevl(8.0 / x - 2.0, _K1_B) / jnp.sqrt(x)
    return _k_domain(x, jnp.where(x <= 2.0, small, large))


# ----------------------------------------------------------------- Airy Ai
_AI_AN = (3.46538101525629032477e-01, 1.20075952739645805542e+01, 7.62796053615234516538e+01,
          1.68089224934630576269e+02, 1.59756391350164413639e+02, 7.05360906840444183113e+01,
          1.40264691163389668864e+01, 9.99999999999999995305e-01)
_AI_AD = (5.67594532638770212846e-01, 1.47562562584847203173e+01, 8.45138970141474626562e+01,
          1.77318088145400459522e+02, 1.64234692871529701831e+02, 7.14778400825575695274e+01,
          1.40959135607834029598e+01, 1.00000000000000000470e+00)
_AI_AFN = (-1.31696323418331795333e-01, -6.26456544431912369773e-01, -6.93158036036933542233e-01,
           -2.79779981545119124951e-01, -4.91900132609500318020e-02, -4.06265923594885404393e-03,
           -1.59276496239262096340e-04, -2.77649108155232920844e-06, -1.67787698489114633780e-08)
_AI_AFD = (1.33560420706553243746e+01, 3.26825032795224613948e+01, 2.67367040941499554804e+01,
           9.18707402907259625840e+00, 1.47529146771666414581e+00, 1.15687173795188044134e-01,
           4.40291641615211203805e-03, 7.54720348287414296618e-05, 4.51850092970580378464e-07)
_AI_AGN = (1.97339932091685679179e-02, 3.91103029615688277255e-01, 1.06579897599595591108e+00,
           9.39169229816650230044e-01, 3.51465656105547619242e-01, 6.33888919628925490927e-02,
           5.85804113048388458567e-03, 2.82851600836737019778e-04, 6.98793669997260967291e-06,
           8.11789239554389293311e-08, 3.41551784765923618484e-10)
_AI_AGD = (9.30892908077441974853e+00, 1.98352928718312140417e+01, 1.55646628932864612953e+01,
           5.47686069422975497931e+00, 9.54293611618961883998e-01, 8.64580826352392193095e-02,
           4.12656523824222607191e-03, 1.01259085116509135510e-04, 1.17166733214413521882e-06,
           4.91834570062930015649e-09)
_SQPII = 5.64189583547756286948e-01


def _airy_ai(x):
    # x < -2.09: the oscillating asymptotic expansion
    neg = jnp.minimum(x, -2.09)
    root = _divide_by_constant(-2.0 * neg * jnp.sqrt(-neg), 3.0)
    z = 1.0 / root
    zz = z * z
    t = root + 0.25 * math.pi
    oscillating = _SQPII / jnp.sqrt(jnp.sqrt(-neg)) * (
        jnp.sin(t) * (1.0 + zz * _polevl(zz, _AI_AFN) / _polevl(zz, _AI_AFD))
        - jnp.cos(t) * (z * _polevl(zz, _AI_AGN) / _polevl(zz, _AI_AGD)))
    # x >= 2.09: the decaying asymptotic expansion
    pos = jnp.maximum(x, 2.09)
    zeta = _divide_by_constant(2.0 * pos * jnp.sqrt(pos), 3.0)
    decaying = _SQPII * (_polevl(1.0 / zeta, _AI_AN) / _polevl(1.0 / zeta, _AI_AD)) / (
        2.0 * jnp.sqrt(jnp.sqrt(pos)) * jnp.exp(zeta))
    # otherwise the Maclaurin series, summed until a term is below epsilon
    middle = ~((x < -2.09) | (x >= 2.09))  # nan included: torch's loop stops after one step
    eps = jnp.finfo(x.dtype).eps
    xs = jnp.where(middle, x, jnp.zeros_like(x))
    cube = xs * xs * xs
    one = jnp.ones_like(xs)

    def cond(state):
        return jnp.any(state[-1])

    def body(state):
        k, f, g, m, n, active = state
        m2 = m * cube
        k = k + 1.0
        m2 = m2 / k
        n2 = n * cube
        k = k + 1.0
        n2 = n2 / k
        m2 = m2 / k
        f2 = f + m2
        k = k + 1.0
        n2 = n2 / k
        g2 = g + n2
        keep = lambda new, old: jnp.where(active, new, old)  # noqa: E731
        m, n, f, g = keep(m2, m), keep(n2, n), keep(f2, f), keep(g2, g)
        return k, f, g, m, n, active & (jnp.abs(m / f) > eps)

    state = (jnp.ones((), x.dtype), one, xs, one, xs, middle & (one > eps))
    _, f, g, _, _, _ = lax.while_loop(cond, body, state)
    series = 0.355028053887817239260 * f - 0.258819403792806798405 * g
    result = jnp.where(x < -2.09, oscillating, jnp.where(x >= 2.09, decaying, series))
    result = jnp.where(x > 103.892, jnp.zeros_like(x), result)
    return jnp.where(jnp.isinf(x), jnp.nan, result)


# ----------------------------------------------------------------- orthogonal polynomials
def _degree(n):
    """torch's conversion of the degree to int64 (nan, inf and out-of-range values become negative)."""
    valid = jnp.isfinite(n) & (jnp.abs(n) < 9.2e18)
    return jnp.where(valid, jnp.trunc(jnp.where(valid, n, 0)), -1).astype(jnp.int64)


def _recurrence(p, q, count, step, first_k, nan_stop=True):
    """Runs q <- step(k, p, q) (p <- old q) for k = first_k, first_k + 1, ... while k < count
    elementwise (and q is not nan when `nan_stop`); returns the last q."""

    def active(k, q):
        running = k < count
        return running & ~jnp.isnan(q) if nan_stop else running

    def cond(state):
        k, _, q = state
        return jnp.any(active(k, q))

    def body(state):
        k, p, q = state
        live = active(k, q)
        r = step(k.astype(q.dtype), p, q)
        return k + 1, jnp.where(live, q, p), jnp.where(live, r, q)

    _, _, q = lax.while_loop(cond, body, (jnp.asarray(first_k, jnp.int64), p, q))
    return q


def _select(n, cases, default):
    """cases: (condition, value) pairs, the first true one wins."""
    result = default
    for condition, value in reversed(cases):
        result = jnp.where(condition, value, result)
    return result


def _polynomial_inputs(x, n):
    x, n = jnp.broadcast_arrays(x, n)
    k = _degree(n)
    return x, k, k.astype(x.dtype), (k % 2) == 0


def _chebyshev_t(x, n):
    x, k, kf, even = _polynomial_inputs(x, n)
    one = jnp.ones_like(x)
    trig = (k > 6) & (jnp.abs(x) < 1.0)
    end = jnp.where(trig | (jnp.abs(x) == 1.0) | (k < 2), 0, k + 1)
    rec = _recurrence(one, x, end, lambda kk, p, q: (x + x) * q - p, 2)
    return _select(k, [(k < 0, jnp.zeros_like(x)), (jnp.abs(x) == 1.0, jnp.where((x > 0) | even, one, -one)),
                       (trig, jnp.cos(kf * jnp.arccos(x))), (k == 0, one), (k == 1, x)], rec)


def _chebyshev_u(x, n):
    x, k, kf, even = _polynomial_inputs(x, n)
    one = jnp.ones_like(x)
    trig = (k > 8) & (jnp.abs(x) < 1.0)
    theta = jnp.arccos(x)
    sin_theta = jnp.sin(theta)
    trig_value = jnp.where(sin_theta != 0, jnp.sin((kf + 1) * theta) / sin_theta,
                           (kf + 1) * jnp.cos((kf + 1) * theta) / x)
    end = jnp.where(trig | (jnp.abs(x) == 1.0) | (k < 2), 0, k + 1)
    rec = _recurrence(one, x + x, end, lambda kk, p, q: (x + x) * q - p, 2)
    return _select(k, [(k < 0, jnp.zeros_like(x)), (jnp.abs(x) == 1.0, jnp.where((x > 0) | even, kf + 1, -(kf + 1))),
                       (trig, trig_value), (k == 0, one), (k == 1, x + x)], rec)


def _chebyshev_v(x, n):
    x, k, kf, even = _polynomial_inputs(x, n)
    one = jnp.ones_like(x)
    odd_value = jnp.where(even, kf + kf + 1, -(kf + kf + 1))
    trig = (k > 8) & (jnp.abs(x) < 1.0)
    theta = jnp.arccos(x)
    trig_value = jnp.where(jnp.sin(theta / 2.0) != 1.0, jnp.cos((kf + 0.5) * theta) / jnp.cos(theta / 2.0), odd_value)
    end = jnp.where(trig | (jnp.abs(x) == 1.0) | (k < 2), 0, k + 1)
    rec = _recurrence(one, x + x - 1.0, end, lambda kk, p, q: (x + x) * q - p, 2)
    return _select(k, [(k < 0, jnp.zeros_like(x)), (jnp.abs(x) == 1.0, jnp.where(x > 0, one, odd_value)),
                       (trig, trig_value), (k == 0, one), (k == 1, x + x - 1.0)], rec)


def _chebyshev_w(x, n):
    x, k, kf, even = _polynomial_inputs(x, n)
    one = jnp.ones_like(x)
    edge = jnp.where(x > 0, kf + kf + 1, jnp.where(even, one, -one))
    trig = (k > 8) & (jnp.abs(x) < 1.0)
    theta = jnp.arccos(x)
    trig_value = jnp.where(jnp.cos(theta / 2.0) != 1.0, jnp.sin((kf + 0.5) * theta) / jnp.sin(theta / 2.0), edge)
    end = jnp.where(trig | (jnp.abs(x) == 1.0) | (k < 2), 0, k + 1)
    rec = _recurrence(one, x + x + 1.0, end, lambda kk, p, q: (x + x) * q - p, 2)
    return _select(k, [(k < 0, jnp.zeros_like(x)), (jnp.abs(x) == 1.0, edge),
                       (trig, trig_value), (k == 0, one), (k == 1, x + x + 1.0)], rec)


def _shifted(kind, trig_limit):
    def polynomial(x, n):
        x, k, kf, even = _polynomial_inputs(x, n)
        one = jnp.ones_like(x)
        y = x + x - 1.0
        trig = (k > trig_limit) & (jnp.abs(y) < 1.0)
        theta = jnp.arccos(y)
        odd_value = jnp.where(even, kf + kf + 1, -(kf + kf + 1))
        sign = jnp.where(even, one, -one)
        if kind == "t":
            at_one, at_zero, first = one, sign, y
            trig_value = jnp.cos(kf * theta)
        elif kind == "u":
            at_one, at_zero, first = kf + 1, jnp.where(even, kf + 1, -(kf + 1)), y + y
            trig_value = jnp.where(jnp.sin(theta) != 0, jnp.sin((kf + 1) * theta) / jnp.sin(theta),
                                   (kf + 1) * jnp.cos((kf + 1) * theta) / y)
        elif kind == "v":
            at_one, at_zero, first = one, odd_value, y + y - 1.0
            trig_value = jnp.where(jnp.sin(theta / 2.0) != 1.0, jnp.cos((kf + 0.5) * theta) / jnp.cos(theta / 2.0),
                                   odd_value)
        else:
            at_one, at_zero, first = kf + kf + 1, sign, y + y + 1.0
            trig_value = jnp.where(jnp.cos(theta / 2.0) != 1.0, jnp.sin((kf + 0.5) * theta) / jnp.sin(theta / 2.0),
                                   sign)
        end = jnp.where(trig | (x == 1.0) | (x == 0.0) | (k < 2), 0, k + 1)
        rec = _recurrence(one, first, end, lambda kk, p, q: (y + y) * q - p, 2)
        return _select(k, [(k < 0, jnp.zeros_like(x)), (x == 1.0, at_one), (x == 0.0, at_zero),
                           (trig, trig_value), (k == 0, one), (k == 1, first)], rec)

    return polynomial


def _hermite_limit(x):
    return 128 if x.dtype == jnp.float32 else 512


def _hermite_h(x, n):
    x, k, kf, even = _polynomial_inputs(x, n)
    one = jnp.ones_like(x)
    limit = _hermite_limit(x)
    end = jnp.where((k < 2) | (k > limit), 0, k)
    rec = _recurrence(one, x + x, end, lambda j, p, q: (x + x) * q - (j + j) * p, 1, nan_stop=False)
    return _select(k, [(k < 0, jnp.zeros_like(x)), (k == 0, one), (k == 1, x + x), (k > limit, jnp.nan * one)], rec)


def _hermite_he(x, n):
    x, k, kf, even = _polynomial_inputs(x, n)
    one = jnp.ones_like(x)
    limit = _hermite_limit(x)
    end = jnp.where((k < 2) | (k > limit), 0, k)
    rec = _recurrence(one, x, end, lambda j, p, q: x * q - j * p, 1, nan_stop=False)
    return _select(k, [(k < 0, jnp.zeros_like(x)), (k == 0, one), (k == 1, x), (k > limit, jnp.nan * one)], rec)


def _laguerre_l(x, n):
    x, k, kf, even = _polynomial_inputs(x, n)
    one = jnp.ones_like(x)
    end = jnp.where((jnp.abs(x) == 0.0) | (k < 2), 0, k)
    rec = _recurrence(one, 1.0 - x, end, lambda j, p, q: (((j + j) + (1.0 - x)) * q - j * p) / (j + 1), 1)
    return _select(k, [(k < 0, jnp.zeros_like(x)), (jnp.abs(x) == 0.0, one), (k == 0, one), (k == 1, 1.0 - x)], rec)


def _legendre_p(x, n):
    x, k, kf, even = _polynomial_inputs(x, n)
    one = jnp.ones_like(x)
    end = jnp.where((jnp.abs(x) == 1.0) | (k < 2), 0, k)
    rec = _recurrence(one, x, end, lambda j, p, q: ((j + j + 1) * x * q - j * p) / (j + 1), 1)
    return _select(k, [(k < 0, jnp.zeros_like(x)), (jnp.abs(x) == 1.0, jnp.where((x > 0) | even, one, -one)),
                       (k == 0, one), (k == 1, x)], rec)


# ----------------------------------------------------------------- registration of the non-differentiable ones
def _register_unary(name, body, doc):
    kernel = pointwise(INT_TO_FLOAT, name="_" + name, method=False, inplace=False, namespace="torch.special",
                       check=_check(f"{name}_cpu", name, half=False))(lambda input: body(input))
    kernel.__doc__ = doc
    return _nondifferentiable(name, kernel)


def _register_polynomial(name, body, doc):
    kernel = pointwise(INT_TO_FLOAT, name="_" + name, method=False, inplace=False, namespace="torch.special",
                       check=_check(f"{name}_cpu", name, half=False, arity=2, names=("x", "n")))(
        lambda x, n: body(x, n))
    kernel.__doc__ = doc
    return _nondifferentiable(name, kernel)


bessel_j0 = _register_unary("bessel_j0", _bessel_j0, "Bessel function of the first kind of order 0.")
bessel_j1 = _register_unary("bessel_j1", _bessel_j1, "Bessel function of the first kind of order 1.")
bessel_y0 = _register_unary("bessel_y0", _bessel_y0, "Bessel function of the second kind of order 0.")
bessel_y1 = _register_unary("bessel_y1", _bessel_y1, "Bessel function of the second kind of order 1.")
modified_bessel_i0 = _register_unary("modified_bessel_i0", _modified_bessel_i0,
                                     "Modified Bessel function of the first kind of order 0.")
modified_bessel_i1 = _register_unary("modified_bessel_i1", _modified_bessel_i1,
                                     "Modified Bessel function of the first kind of order 1.")
modified_bessel_k0 = _register_unary("modified_bessel_k0", _modified_bessel_k0,
                                     "Modified Bessel function of the second kind of order 0.")
modified_bessel_k1 = _register_unary("modified_bessel_k1", _modified_bessel_k1,
                                     "Modified Bessel function of the second kind of order 1.")
scaled_modified_bessel_k0 = _register_unary("scaled_modified_bessel_k0", _scaled_modified_bessel_k0,
                                            "exp(x) * modified_bessel_k0(x).")
scaled_modified_bessel_k1 = _register_unary("scaled_modified_bessel_k1", _scaled_modified_bessel_k1,
                                            "exp(x) * modified_bessel_k1(x).")
spherical_bessel_j0 = _register_unary("spherical_bessel_j0", _spherical_bessel_j0,
                                      "Spherical Bessel function of the first kind of order 0, sin(x) / x.")
airy_ai = _register_unary("airy_ai", _airy_ai, "Airy function Ai.")

chebyshev_polynomial_t = _register_polynomial("chebyshev_polynomial_t", _chebyshev_t,
                                              "Chebyshev polynomial of the first kind T_n(x).")
chebyshev_polynomial_u = _register_polynomial("chebyshev_polynomial_u", _chebyshev_u,
                                              "Chebyshev polynomial of the second kind U_n(x).")
chebyshev_polynomial_v = _register_polynomial("chebyshev_polynomial_v", _chebyshev_v,
                                              "Chebyshev polynomial of the third kind V_n(x).")
chebyshev_polynomial_w = _register_polynomial("chebyshev_polynomial_w", _chebyshev_w,
                                              "Chebyshev polynomial of the fourth kind W_n(x).")
shifted_chebyshev_polynomial_t = _register_polynomial("shifted_chebyshev_polynomial_t", _shifted("t", 6),
                                                      "Shifted Chebyshev polynomial T*_n(x) = T_n(2x - 1).")
shifted_chebyshev_polynomial_u = _register_polynomial("shifted_chebyshev_polynomial_u", _shifted("u", 6),
                                                      "Shifted Chebyshev polynomial U*_n(x) = U_n(2x - 1).")
shifted_chebyshev_polynomial_v = _register_polynomial("shifted_chebyshev_polynomial_v", _shifted("v", 6),
                                                      "Shifted Chebyshev polynomial V*_n(x) = V_n(2x - 1).")
shifted_chebyshev_polynomial_w = _register_polynomial("shifted_chebyshev_polynomial_w", _shifted("w", 4),
                                                      "Shifted Chebyshev polynomial W*_n(x) = W_n(2x - 1).")
hermite_polynomial_h = _register_polynomial("hermite_polynomial_h", _hermite_h, "Physicists' Hermite polynomial.")
hermite_polynomial_he = _register_polynomial("hermite_polynomial_he", _hermite_he, "Probabilists' Hermite polynomial.")
laguerre_polynomial_l = _register_polynomial("laguerre_polynomial_l", _laguerre_l, "Laguerre polynomial L_n(x).")
legendre_polynomial_p = _register_polynomial("legendre_polynomial_p", _legendre_p, "Legendre polynomial P_n(x).")
