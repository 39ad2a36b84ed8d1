"""repr(tensor): gathers a tensor's values and metadata for `_tensor_str.format_tensor`."""
from __future__ import annotations

import numpy as np

from . import _dtype
from ._tensor import DUAL_LEVELS
from ._tensor_str import format_tensor


def tensor_repr(t) -> str:
    values = np.asarray(t._data)
    extra = ()
    if DUAL_LEVELS:  # a dual tensor prints its forward-AD tangent last, as torch's
        from .autograd.forward_ad import tangent_of

        tangent = tangent_of(t)
        if tangent is not None:
            extra = (f"tangent={tangent!r}",)
    return format_tensor(
        values,
        dtype=t.dtype.name,
        default_dtype=_dtype.get_default_dtype().name,
        device=None if t.device.type == "cpu" else str(t.device),
        requires_grad=t._requires_grad and t.grad_fn is None,
        grad_fn=None if t.grad_fn is None else type(t.grad_fn).__name__,
        extra_suffixes=extra,
    )
