"""torch.autograd.graph: Node and saved-tensor hooks."""
from __future__ import annotations

from .tape import Node  # noqa: F401
