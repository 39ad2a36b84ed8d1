"""Clear errors for torch names jtorch lacks: NotImplementedError naming the op, not an
AttributeError from deep inside. It also subclasses AttributeError, so `hasattr()` and
`getattr(obj, name, default)` keep working."""
from __future__ import annotations

from ._torch_names import TORCH_NAMES


class NotImplementedInJtorch(NotImplementedError, AttributeError):
    pass


def module_getattr(namespace: str, module_name: str):
    """A module-level __getattr__ for jtorch's version of `namespace`."""
    names = TORCH_NAMES.get(namespace, frozenset())

    def __getattr__(name):
        if name in names:
            raise NotImplementedInJtorch(f"jtorch does not implement {namespace}.{name} yet")
        raise AttributeError(f"module '{module_name}' has no attribute '{name}'")

    return __getattr__


def tensor_getattr(self, name):
    if name in TORCH_NAMES["torch.Tensor"]:
        raise NotImplementedInJtorch(f"jtorch does not implement torch.Tensor.{name} yet")
    raise AttributeError(f"'Tensor' object has no attribute '{name}'")
