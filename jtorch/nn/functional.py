"""torch.nn.functional: the functions registered under the "torch.nn.functional" namespace."""
from __future__ import annotations

from .._registry import namespace_functions
from ..ops import nn_conv as _conv  # noqa: F401  (registers the ops)
from ..ops import nn_functional as _ops  # noqa: F401
from ..ops import nn_attention, nn_losses, nn_norm, nn_pool  # noqa: F401
from ..ops import nn_extra  # noqa: F401,E402

globals().update(namespace_functions("torch.nn.functional"))


from .._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr("torch.nn.functional", "jtorch.nn.functional")
