"""The differential suite's op table: one OpSpec per op (collected from compat/specs/),
driving hypothesis tests of every variant (function, method, in-place, out=) and
gradients against real torch."""
from __future__ import annotations

import importlib
import pkgutil

from .spec import OpSpec, binary, unary  # noqa: F401


def all_specs() -> list:
    """Every family's specs: each module in compat/specs/ defines a list named SPECS."""
    from . import specs

    found = []
    for info in sorted(pkgutil.iter_modules(specs.__path__), key=lambda m: m.name):
        found.extend(importlib.import_module(f"compat.specs.{info.name}").SPECS)
    return found


OPS = all_specs()
