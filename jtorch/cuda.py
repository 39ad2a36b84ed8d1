"""torch.cuda: 'cuda' is JAX's accelerator platform (GPU, or TPU on TPU hosts).

Without an accelerator every query that needs one raises torch's "Torch not compiled with
CUDA enabled", as a CPU-only torch build does; counts and memory statistics are zero.
"""
from __future__ import annotations

import functools

import jax

from . import _device


def is_available() -> bool:
    return len(_device.accelerators()) > 0


def device_count() -> int:
    return len(_device.accelerators())


def is_initialized() -> bool:
    return is_available()


def _lazy_init() -> None:
    """torch.cuda's check before anything that needs a device."""
    if not is_available():
        raise AssertionError("Torch not compiled with CUDA enabled")


init = _lazy_init


def current_device() -> int:
    _lazy_init()
    return _device._current["index"]


def _device_index(dev, optional=False) -> int:
    """The accelerator index that `dev` (int, 'cuda:N', torch.device, cuda.device) names, as
    torch's _get_device_index: with `optional`, None (or no index) names the current device."""
    given = dev
    if isinstance(dev, (str, bytes)):
        dev = _device.device(dev)
    if isinstance(dev, device):
        return dev.idx
    if isinstance(dev, _device.device):
        if dev.type != "cuda":
            raise ValueError(f"Expected a cuda device, but got: {dev}")
        dev = dev.index
    if dev is None:
        if not optional:
            raise ValueError(f"Expected a torch.device with a specified index or an integer, but got:{given}")
        return current_device()
    return dev.__index__()


def _jax_device(dev):
    _lazy_init()
    index = _device_index(dev, optional=True)
    if not 0 <= index < device_count():
        raise AssertionError("Invalid device id")
    return _device.accelerators()[index]


def set_device(dev) -> None:
    index = _device_index(dev)
    if index >= 0:
        _device.canonical(_device.device("cuda", index))  # torch's errors: no accelerator, or no such device
        _device._current["index"] = index


class device:
    """Context manager that makes `device` the current accelerator (None or negative: no-op)."""

    def __init__(self, device):
        self.idx = -1 if device is None else _device_index(device, optional=True)
        self.prev_idx = -1

    def __enter__(self):
        if self.idx < 0:
            return
        if not is_available():
            raise RuntimeError("PyTorch was compiled without CUDA support")
        self.prev_idx = _device._current["index"]
        set_device(self.idx)

    def __exit__(self, *exc):
        if self.prev_idx >= 0:
            _device._current["index"] = self.prev_idx
        return False


def get_device_name(device=None) -> str:
    return _jax_device(device).device_kind


def get_device_capability(device=None) -> tuple:
    return _capability(_jax_device(device))


def _capability(jax_device) -> tuple:
    """(major, minor) of a GPU; (0, 0) where JAX doesn't report one (TPU)."""
    major, _, minor = str(getattr(jax_device, "compute_capability", "0.0")).partition(".")
    return int(major), int(minor or 0)


class _DeviceProperties:
    """The fields of torch's _CudaDeviceProperties that JAX can report."""

    def __init__(self, jax_device):
        self.name = jax_device.device_kind
        self.major, self.minor = _capability(jax_device)
        self.total_memory = (jax_device.memory_stats() or {}).get("bytes_limit", 0)
        self.multi_processor_count = getattr(jax_device, "core_count", 0)

    def __repr__(self):
        return (f"_CudaDeviceProperties(name='{self.name}', major={self.major}, minor={self.minor}, "
                f"total_memory={self.total_memory // 2**20}MB, multi_processor_count={self.multi_processor_count})")


def get_device_properties(device=None) -> _DeviceProperties:
    return _DeviceProperties(_jax_device(device))


def is_bf16_supported(including_emulation: bool = True) -> bool:
    return is_available()


def _memory_stat(device, key) -> int:
    if not is_available():
        return 0
    return (_jax_device(device).memory_stats() or {}).get(key, 0)


def memory_allocated(device=None) -> int:
    return _memory_stat(device, "bytes_in_use")


def max_memory_allocated(device=None) -> int:
    return _memory_stat(device, "peak_bytes_in_use")


def memory_reserved(device=None) -> int:
    return _memory_stat(device, "bytes_reserved") or _memory_stat(device, "bytes_in_use")


def empty_cache() -> None:
    """XLA manages its own allocator; there is no cache to release."""


@functools.cache
def _tick():
    return jax.jit(lambda x: x + 1)


def synchronize(device=None) -> None:
    """Waits for the device's queued work: XLA runs a device's computations in order, so
    blocking on a new tiny one waits for everything before it."""
    target = _jax_device(device)
    _tick()(jax.device_put(0, target)).block_until_ready()


def manual_seed(seed) -> None:
    """Seeds the generator, which jtorch shares between devices; a no-op without an
    accelerator, as in a CPU-only torch (where it would seed a device that never comes)."""
    from .ops.random import manual_seed as seed_all

    if is_available():
        seed_all(seed)


manual_seed_all = manual_seed
