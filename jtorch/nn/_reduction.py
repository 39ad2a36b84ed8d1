"""torch.nn._reduction: the legacy `size_average`/`reduce` flags and reduction enums
(0 none, 1 mean, 2 sum), as torch/nn/_reduction.py defines them."""
from __future__ import annotations

import warnings

from ..ops.nn_losses import legacy_get_string as _legacy_get_string


def get_enum(reduction: str) -> int:
    if reduction == "none":
        return 0
    if reduction == "mean":
        return 1
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
                      stacklevel=2)
        return 1
    if reduction == "sum":
        return 2
    raise ValueError(f"{reduction} is not a valid value for reduction")


def legacy_get_string(size_average, reduce, emit_warning: bool = True) -> str:
    return _legacy_get_string(size_average, reduce, emit_warning, stacklevel=3)


def legacy_get_enum(size_average, reduce, emit_warning: bool = True) -> int:
    return get_enum(legacy_get_string(size_average, reduce, emit_warning))
