"""Small jitted helpers other modules need before the shape-op family exists."""
from __future__ import annotations

import jax
import jax.numpy as jnp

from .._registry import apply_fn

_stack = jax.jit(lambda *xs: jnp.stack(xs))


def stack_rows(tensors):
    """torch.stack(tensors) for same-shape, same-dtype tensors (differentiable)."""
    return apply_fn("StackBackward0", _stack, tuple(tensors), tensors[0].dtype)
