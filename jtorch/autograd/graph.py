"""torch.autograd.graph: Node and saved-tensor hooks."""
from __future__ import annotations

from . import tape
from .tape import Node  # noqa: F401

_DISABLED_MESSAGE = []  # the message of the innermost disable_saved_tensors_hooks, if any


class saved_tensors_hooks:
    """Within this context, every tensor an op saves for backward goes through
    `pack_hook(tensor)` when it is saved and `unpack_hook(packed)` when backward needs it.

    Differences from torch: the tensors an op saves are those jtorch's op declares (torch's
    choice for the common ops); a packed input is what backward recomputes from, a packed
    output is unpacked but not otherwise used (jtorch's backward recomputes from inputs)."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        if _DISABLED_MESSAGE and _DISABLED_MESSAGE[-1] is not None:
            raise RuntimeError(_DISABLED_MESSAGE[-1])
        tape.SAVED_TENSORS_HOOKS.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc):
        tape.SAVED_TENSORS_HOOKS.pop()


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors are moved to the CPU when saved and back to their device in backward."""

    def __init__(self, pin_memory=False, device_type="cuda"):
        def pack(tensor):
            return tensor.device, tensor.cpu()

        def unpack(packed):
            device, tensor = packed
            return tensor.to(device)

        super().__init__(pack, unpack)


class disable_saved_tensors_hooks:
    """Entering saved_tensors_hooks within this context raises RuntimeError(error_message)."""

    def __init__(self, error_message):
        self.error_message = error_message

    def __enter__(self):
        if tape.SAVED_TENSORS_HOOKS:
            raise RuntimeError(self.error_message)
        _DISABLED_MESSAGE.append(self.error_message)
        return self

    def __exit__(self, *exc):
        _DISABLED_MESSAGE.pop()
