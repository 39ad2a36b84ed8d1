"""Specs for the elementwise ops (jtorch/ops/pointwise.py)."""
from compat.spec import OpSpec, binary, unary
from compat.strategies import ALL, COMPLEX, FLOATS, INTS, NUMERIC

COMPARISON = ("eq", "ne", "lt", "le", "gt", "ge")
BITWISE = ("bitwise_and", "bitwise_or", "bitwise_xor")

SPECS = [
    binary("add", ALL, kwargs=({}, {"alpha": 2})),
    binary("sub", NUMERIC + COMPLEX, kwargs=({}, {"alpha": 2})),
    binary("mul", ALL),
    binary("true_divide", NUMERIC + COMPLEX, domain="nonzero"),
    binary("div", NUMERIC, domain="nonzero", kwargs=({}, {"rounding_mode": "trunc"}, {"rounding_mode": "floor"})),
    binary("floor_divide", FLOATS + INTS, domain="nonzero", grad=False),
    binary("remainder", FLOATS + INTS, domain="nonzero", grad=False),
    binary("fmod", FLOATS + INTS, domain="nonzero", grad=False),
    binary("pow", FLOATS, domain="positive"),
    unary("neg", NUMERIC + COMPLEX),
    unary("abs", NUMERIC),
    unary("reciprocal", FLOATS, domain="nonzero"),
    unary("exp", FLOATS + INTS, domain="small"),
    unary("log", FLOATS, domain="positive"),
    unary("sqrt", FLOATS, domain="positive"),
    unary("sin", FLOATS + INTS),
    unary("cos", FLOATS + INTS),
    unary("tanh", FLOATS + INTS),
    unary("sigmoid", FLOATS + INTS),
    unary("relu", FLOATS + INTS, variants="fmi"),
    unary("isnan", FLOATS + INTS, grad=False, variants="fm"),
    unary("logical_not", ALL, grad=False),
    unary("bitwise_not", INTS + ("bool",), grad=False),
    *[binary(n, ALL, grad=False) for n in COMPARISON],
    *[binary(n, INTS + ("bool",), grad=False) for n in BITWISE],
    *[binary(n, ALL, grad=False) for n in ("logical_and", "logical_or", "logical_xor")],
]
