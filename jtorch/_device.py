"""torch.device over JAX devices: 'cpu' is JAX's CPU; 'cuda' is JAX's accelerator (GPU, or TPU)."""
from __future__ import annotations

import functools

import jax


class device:
    """torch.device('cpu' | 'cuda' | 'cuda:N' | type, index)."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):  # noqa: A002 - torch's argument name
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int) and index is None:
            type, index = "cuda", type
        elif isinstance(type, str) and ":" in type:
            if index is not None:
                raise ValueError("type (string) must not include an index because index was passed explicitly: " + type)
            type, _, idx = type.partition(":")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if type not in ("cpu", "cuda", "meta"):
            raise RuntimeError(
                "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, "
                f"lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type at start of device string: {type}"
            )
        if index is not None and index < 0:
            raise RuntimeError(f"Device index must not be negative")
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "index", index)

    def __setattr__(self, name, value):
        raise AttributeError(f"attribute '{name}' of 'torch.device' objects is not writable")

    def __eq__(self, other):
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __reduce__(self):
        return (device, (self.type, self.index))


CPU = device("cpu")


@functools.cache
def accelerators() -> tuple:
    """JAX's non-CPU devices (GPUs, or TPUs), the ones 'cuda' names."""
    for backend in ("gpu", "tpu"):
        try:
            return tuple(jax.devices(backend))
        except RuntimeError:
            continue
    return ()


@functools.cache
def cpu_jax_device():
    return jax.devices("cpu")[0]


def canonical(dev) -> device:
    """The concrete device a tensor lives on: 'cuda' becomes 'cuda:<current>'; checks
    that the accelerator exists, raising what torch raises on a machine without one."""
    if dev is None:
        return CPU
    if not isinstance(dev, device):
        dev = device(dev)
    if dev.type == "cpu":
        return CPU if dev.index in (None, 0) else dev
    if dev.type == "cuda":
        count = len(accelerators())
        if count == 0:
            raise AssertionError("Torch not compiled with CUDA enabled")
        index = _current["index"] if dev.index is None else dev.index
        if index >= count:
            raise RuntimeError(
                f"CUDA error: invalid device ordinal\nCUDA kernel errors might be asynchronously reported at some "
                "other API call, so the stacktrace below might be incorrect."
            )
        return device("cuda", index)
    return dev


_current = {"index": 0}


def jax_device(dev: device):
    """The jax.Device behind a canonical jtorch device."""
    if dev.type == "cuda":
        return accelerators()[dev.index]
    return cpu_jax_device()
