"""torch.cuda: 'cuda' is JAX's accelerator platform (GPU, or TPU on TPU hosts)."""
from __future__ import annotations

from . import _device


def is_available() -> bool:
    return len(_device.accelerators()) > 0


def device_count() -> int:
    return len(_device.accelerators())


def current_device() -> int:
    if not is_available():
        raise AssertionError("Torch not compiled with CUDA enabled")
    return _device._current["index"]


def set_device(device) -> None:
    index = _device.device(device).index if not isinstance(device, int) else device
    if index is not None:
        _device._current["index"] = index


def get_device_name(device=None) -> str:
    if not is_available():
        raise AssertionError("Torch not compiled with CUDA enabled")
    index = _device._current["index"] if device is None else _device.device(device).index or 0
    return _device.accelerators()[index].device_kind


def synchronize(device=None) -> None:
    """Waits for queued work; JAX dispatch is asynchronous too."""
    import jax

    jax.effects_barrier()


def manual_seed(seed) -> None:
    from .ops.random import manual_seed as seed_all

    seed_all(seed)


manual_seed_all = manual_seed


def is_initialized() -> bool:
    return is_available()
