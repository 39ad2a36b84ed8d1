"""Makes `import torch` (and every `torch.*` submodule) resolve to jtorch."""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys


class _Alias(importlib.abc.Loader):
    def __init__(self, target: str):
        self.target = target

    def create_module(self, spec):
        return importlib.import_module(self.target)

    def exec_module(self, module):
        pass


class TorchToJtorch(importlib.abc.MetaPathFinder):
    """A sys.meta_path finder mapping `torch[.X]` to `jtorch[.X]`."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "torch" and not fullname.startswith("torch."):
            return None
        target = "j" + fullname
        try:
            found = importlib.util.find_spec(target)
        except ModuleNotFoundError:
            found = None
        if found is None:
            raise ModuleNotFoundError(
                f"No module named '{fullname}': jtorch lacks the submodule {fullname} (looked for {target})",
                name=fullname,
            )
        return importlib.util.spec_from_loader(fullname, _Alias(target))


def install() -> None:
    if not any(isinstance(f, TorchToJtorch) for f in sys.meta_path):
        sys.meta_path.insert(0, TorchToJtorch())
