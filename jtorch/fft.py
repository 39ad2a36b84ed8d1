"""torch.fft: every op registered under the "torch.fft" namespace."""
from __future__ import annotations

from ._registry import namespace_functions
from .ops import fft as _fft  # noqa: F401  (registers the transforms)

globals().update(namespace_functions("torch.fft"))


from ._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr("torch.fft", "jtorch.fft")
