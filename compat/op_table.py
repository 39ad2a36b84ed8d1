"""The differential suite's op table: one OpSpec per op, driving hypothesis tests of
every variant (function, method, in-place, out=) and gradients against real torch."""
from __future__ import annotations

from dataclasses import dataclass, field

from .strategies import ALL, COMPLEX, FLOATS, INTS, NUMERIC


@dataclass(frozen=True)
class OpSpec:
    """How to test one op.

    name: torch's qualified name without `torch.` ("add", "linalg.norm", "nn.functional.relu").
    arity: how many tensor operands to draw (they broadcast together unless same_shape).
    dtypes: dtypes the operands are drawn from (one dtype for all, or mixed if mix_dtypes).
    domain: value domain ("real", "positive", "unit", "nonzero", "small").
    kwargs: extra keyword-argument sets, one drawn per example.
    variants: any of "f" function, "m" method, "i" in-place `_`, "o" out=.
    grad: compare gradients (floating dtypes only).
    scalar_other: also try a Python scalar as the last operand.
    tol: (rtol, atol) overrides for float32/float64.
    skips: (what, reason) pairs, each with a reason a reviewer would accept.
    """

    name: str
    arity: int = 1
    dtypes: tuple = FLOATS
    domain: str = "real"
    kwargs: tuple = ({},)
    variants: str = "fmio"
    grad: bool = True
    same_shape: bool = False
    mix_dtypes: bool = False
    scalar_other: bool = False
    tol: tuple | None = None
    skips: tuple = field(default_factory=tuple)


def unary(name, dtypes=FLOATS + INTS, domain="real", grad=True, variants="fmio", **kw):
    return OpSpec(name, 1, dtypes, domain, grad=grad, variants=variants, **kw)


def binary(name, dtypes=NUMERIC, domain="real", grad=True, variants="fmio", **kw):
    return OpSpec(name, 2, dtypes, domain, grad=grad, variants=variants, mix_dtypes=True, scalar_other=True, **kw)


COMPARISON = ("eq", "ne", "lt", "le", "gt", "ge")
BITWISE = ("bitwise_and", "bitwise_or", "bitwise_xor")

OPS = [
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
