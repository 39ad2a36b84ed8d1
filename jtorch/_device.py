"""torch.device over JAX devices: 'cpu' is JAX's CPU; 'cuda' is JAX's accelerator (GPU, or TPU).

`device` is only a name (type and optional index), parsed and validated as torch does.
`canonical` turns a name into the concrete device a tensor lives on, raising what torch
raises where that device doesn't exist, and `jax_device` gives the jax.Device behind it.
"""
from __future__ import annotations

import functools
import re

import jax
import numpy as _np

# Every device type torch's parser knows, in the order its error message lists them.
_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia", "xla",
          "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")
# torch's grammar: a name, then optionally ':' and an index without leading zeros.
_DEVICE_STRING = re.compile(r"([a-zA-Z_]+)(?::([1-9][0-9]*|0))?")
_INT32_MAX = 2**31 - 1
_NO_ACCELERATOR = "Cannot access accelerator device when none is available."
_SIGNATURES = " * (torch.device device)\n * (str type, int index = -1)\n"


def typename(value) -> str:
    """The type name torch's argument parser prints for `value`."""
    from ._dtype import dtype
    from ._tensor import Tensor

    if isinstance(value, Tensor):
        return "Tensor"
    if isinstance(value, dtype):
        return "torch.dtype"
    if isinstance(value, device):
        return "torch.device"
    cls = type(value)
    return cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def invalid_arguments(name, args, kwargs, signatures) -> TypeError:
    """torch's "received an invalid combination of arguments" error."""
    got = ", ".join(typename(a) for a in args)
    named = [f"{key}={typename(value)}" for key, value in reversed(kwargs.items())]
    if named:
        got = ", ".join([got] + named) if got else "".join(f"{n}, " for n in named)
    return TypeError(f"{name}() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                     + signatures)


@functools.lru_cache(maxsize=256)
def _parse_string(text: str):
    """(type, index) from 'cuda', 'cuda:1', ... as c10::Device parses it."""
    if not text:
        raise RuntimeError("Device string must not be empty")
    match = _DEVICE_STRING.fullmatch(text)
    if match is None:
        raise RuntimeError(f"Invalid device string: '{text}'")
    name, index = match.groups()
    if index is not None:
        if int(index) > _INT32_MAX:
            raise RuntimeError(f"Could not parse device index '{index}' in device string '{text}'")
        index = int(index)
    if name not in _TYPES:
        raise RuntimeError(f"Expected one of {', '.join(_TYPES)} device type at start of device string: {name}")
    return name, index


class device:
    """torch.device('cpu' | 'cuda' | 'cuda:N' | type, index | N): a device name.

    An int N names the accelerator N, as in torch, which raises where there is none.
    """

    __slots__ = ("type", "index")

    def __init__(self, *args, **kwargs):
        type_, index = self._parse(args, kwargs)
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        object.__setattr__(self, "type", type_)
        object.__setattr__(self, "index", index)

    @staticmethod
    def _parse(args, kwargs):
        if not kwargs and len(args) == 1 and isinstance(args[0], device):
            return args[0].type, args[0].index
        if not kwargs and len(args) == 1 and isinstance(args[0], int) and not isinstance(args[0], bool):
            if args[0] >= 0 and not accelerators():
                raise RuntimeError(_NO_ACCELERATOR)
            return "cuda", args[0]
        if len(args) + len(kwargs) > 2:
            raise invalid_arguments("device", args, kwargs, _SIGNATURES)
        unknown = next((key for key in kwargs if key not in ("type", "index")), None)
        if unknown is not None:
            raise TypeError(f"device() got an unexpected keyword argument '{unknown}'")
        bound = dict(zip(("type", "index"), args))
        if "type" not in {**bound, **kwargs} or bound.keys() & kwargs.keys():
            raise invalid_arguments("device", args, kwargs, _SIGNATURES)
        bound.update(kwargs)
        text, index = bound["type"], bound.get("index")
        if isinstance(text, bytes):
            text = text.decode()
        if not isinstance(text, str):
            if len(bound) == 1:
                raise invalid_arguments("device", args, kwargs, _SIGNATURES)
            raise TypeError(f"device(): argument 'type' (position 1) must be str, not {typename(text)}")
        if index is not None:
            if isinstance(index, bool) or not hasattr(index, "__index__"):
                where = " (position 2)" if len(args) == 2 else ""
                raise TypeError(f"device(): argument 'index'{where} must be int, not {typename(index)}")
            index = index.__index__()
        type_, string_index = _parse_string(text)
        if string_index is not None and index is not None:
            raise RuntimeError(
                f"type (string) must not include an index because index was passed explicitly: {text}")
        return type_, string_index if index is None else index

    def __setattr__(self, name, value):
        if name in device.__slots__:
            raise AttributeError(f"attribute '{name}' of 'torch.device' objects is not writable")
        raise AttributeError(f"'torch.device' object has no attribute '{name}'")

    def __eq__(self, other):
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def _no_order(self, other):
        raise TypeError("comparison not implemented")

    __lt__ = __le__ = __gt__ = __ge__ = _no_order

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

    # `with torch.device(...)`: the default device of factory functions inside the block.
    def __enter__(self):
        _default_stack.append(self)
        return self

    def __exit__(self, *exc):
        _default_stack.pop()


CPU = device("cpu")
_default_stack = [CPU]  # the global default, then the devices of open `with device(...)` blocks


def set_default_device(dev) -> None:
    """The device factory functions use when none is named (`None`: the CPU)."""
    _default_stack[0] = CPU if dev is None else device(dev)  # open `with device(...)` blocks still win


def get_default_device() -> device:
    return canonical(None)


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
    """The concrete device a tensor lives on (None: the default device). 'cuda' becomes
    'cuda:<current>'; a device that doesn't exist raises what torch raises here."""
    if dev is None:
        dev = _default_stack[-1]
        if dev is CPU:
            return CPU
    elif not isinstance(dev, device):
        dev = device(dev)
    if dev.type == "cpu":
        return CPU  # torch drops a CPU index: torch.zeros(1, device='cpu:1').device is cpu
    if dev.type == "cuda":
        count = len(accelerators())
        if count == 0:
            raise AssertionError("Torch not compiled with CUDA enabled")
        index = _current["index"] if dev.index is None else dev.index
        if index >= count:
            raise RuntimeError(
                "CUDA error: invalid device ordinal\nCUDA kernel errors might be asynchronously reported at some "
                "other API call, so the stacktrace below might be incorrect."
            )
        return device("cuda", index)
    if dev.type == "meta":
        return device("meta")
    if dev.type == "xpu":
        raise AssertionError("Torch not compiled with XPU enabled")
    raise RuntimeError(f"PyTorch is not linked with support for {dev.type} devices")


_current = {"index": 0}  # torch.cuda.current_device()


def jax_device(dev: device):
    """The jax.Device behind a canonical jtorch device."""
    if dev.type == "cuda":
        return accelerators()[dev.index]
    return cpu_jax_device()


def from_host(array, target):
    """`jax.device_put(array, target)` for a numpy array, minus device_put's Python layers
    (about 5 µs instead of 35 on a small array). As with device_put, JAX may keep using
    `array`'s memory: pass arrays that nothing else will write."""
    if _batched_put is None or type(array) is not _np.ndarray:
        return jax.device_put(array, target)
    return _batched_put(_aval(array.shape, array.dtype), _sharding(target), [array], [target], True)


try:  # JAX's own per-array transfer, under device_put's argument handling (private API)
    from jax._src import core as _core
    from jax._src.lib import xla_client as _xla_client

    _batched_put = _xla_client.batched_device_put
    _ShapedArray = _core.ShapedArray
except (ImportError, AttributeError):
    _batched_put = None


@functools.lru_cache(maxsize=4096)
def _aval(shape, dtype):
    return _ShapedArray(shape, dtype)


@functools.cache
def _sharding(target):
    return jax.sharding.SingleDeviceSharding(target)
