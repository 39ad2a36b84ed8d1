"""Specs for the elementwise math ops (jtorch/ops/pointwise_math.py)."""
from compat.spec import OpSpec, binary, unary
from compat.strategies import ALL, FLOATS, INTS

REAL = ("bool",) + INTS + FLOATS


def tensors2(name, dtypes, domain="real", grad=True, variants="fmio", mix_dtypes=True, **kw):
    """A binary op whose operands must both be tensors (torch raises TypeError for numbers)."""
    return OpSpec(name, 2, dtypes, domain, grad=grad, variants=variants, mix_dtypes=mix_dtypes, **kw)

SPECS = [
    # trigonometric and hyperbolic
    *[unary(n, REAL, domain="unit") for n in ("acos", "asin", "atanh", "arccos", "arcsin", "arctanh")],
    *[unary(n, REAL) for n in ("atan", "asinh", "arctan", "arcsinh")],
    unary("acosh", FLOATS, domain="positive"),
    *[unary(n, REAL, domain="small") for n in ("cosh", "sinh", "tan")],
    # exponentials and logarithms
    *[unary(n, REAL, domain="small") for n in ("exp2", "expm1", "erf", "erfc", "sinc", "i0")],
    *[unary(n, FLOATS + INTS, domain="positive") for n in ("log10", "log1p", "log2", "rsqrt", "lgamma", "digamma")],
    unary("erfinv", FLOATS, domain="unit"),
    unary("logit", FLOATS, domain="unit", kwargs=({}, {"eps": 0.1})),
    unary("deg2rad", REAL[1:]),
    unary("rad2deg", REAL[1:]),
    unary("square", FLOATS + INTS),
    # rounding and sign (exact; no useful gradients to compare beyond zeros)
    *[unary(n, FLOATS + INTS) for n in ("ceil", "floor", "trunc", "fix", "sign", "sgn")],
    unary("round", FLOATS + INTS, kwargs=({}, {"decimals": 1}, {"decimals": -1})),
    unary("frac", FLOATS),
    unary("nan_to_num", FLOATS + INTS, kwargs=({}, {"nan": 1.5, "posinf": 9.0, "neginf": -9.0})),
    unary("signbit", REAL, grad=False, variants="fmo"),
    *[unary(n, ALL, grad=False, variants="fm") for n in ("isinf", "isfinite", "isreal")],
    *[unary(n, REAL, grad=False, variants="fmo") for n in ("isposinf", "isneginf")],
    # binary
    tensors2("atan2", FLOATS + INTS),
    tensors2("arctan2", FLOATS + INTS),
    tensors2("logaddexp", FLOATS, variants="fmo"),
    tensors2("logaddexp2", FLOATS, variants="fmo"),
    tensors2("hypot", FLOATS),
    binary("copysign", FLOATS + INTS),
    # ldexp: integer exponents take torch's integer-power derivative (0 below 0, wrapping)
    tensors2("ldexp", FLOATS + INTS, domain="small"),
    binary("xlogy", FLOATS + INTS, domain="positive"),
    tensors2("nextafter", FLOATS, grad=False),
    tensors2("heaviside", FLOATS, grad=False, mix_dtypes=False),
    tensors2("gcd", INTS, grad=False),
    tensors2("lcm", ("int32", "int64"), domain="small", grad=False),
    tensors2("fmax", FLOATS + INTS),
    tensors2("fmin", FLOATS + INTS),
    binary("float_power", ("float32", "float64"), domain="positive"),
    tensors2("igamma", ("float32", "float64"), domain="positive", grad=False,
           tol=(1e-4, 1e-6)),
    tensors2("igammac", ("float32", "float64"), domain="positive", grad=False,
           tol=(1e-4, 1e-6)),
    *[binary(n, FLOATS + INTS, grad=False) for n in ("greater", "less", "greater_equal", "less_equal",
                                                     "not_equal")],
    binary("multiply", FLOATS + INTS),
    binary("subtract", FLOATS + INTS),
    # three operands
    OpSpec("addcmul", 3, FLOATS, kwargs=({}, {"value": 0.5})),
    OpSpec("addcdiv", 3, FLOATS, domain="nonzero", kwargs=({}, {"value": 2})),
    OpSpec("lerp", 3, ("float32", "float64")),
]
