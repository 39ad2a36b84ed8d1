"""OpSpec: how the differential suite tests one op."""
from __future__ import annotations

from dataclasses import dataclass, field

from .strategies import FLOATS, INTS, NUMERIC


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
    sample: optional hypothesis strategy factory `sample(spec)` drawing
        (numpy operands, dtypes, extra positional args, kwargs) for ops whose arguments
        depend on the drawn shapes (dims, sizes, indices).
    packed: the tensor operands are passed as one list (torch.cat, torch.stack, ...).
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
    sample: object = None
    packed: bool = False
    skips: tuple = field(default_factory=tuple)


def unary(name, dtypes=FLOATS + INTS, domain="real", grad=True, variants="fmio", **kw):
    return OpSpec(name, 1, dtypes, domain, grad=grad, variants=variants, **kw)


def binary(name, dtypes=NUMERIC, domain="real", grad=True, variants="fmio", **kw):
    kw.setdefault("scalar_other", True)
    return OpSpec(name, 2, dtypes, domain, grad=grad, variants=variants, mix_dtypes=True, **kw)
