"""torch.utils.dlpack, torch.from_dlpack / to_dlpack and Tensor.__dlpack__: zero-copy
exchange with numpy, JAX, real torch and other DLPack libraries.

On the CPU the exchange shares memory both ways, as torch's does: an exported tensor
switches to host mode (its numpy buffer is the value, as after `numpy()`) and numpy
makes the capsule; an imported CPU capsule is read by numpy into a host-mode tensor
over that memory. numpy has no DLPack bfloat16, so a bfloat16 capsule's dtype field is
relabelled int16 (same bits) for numpy and back.

Differs from torch: a `jax.Array` is wrapped as it is (JAX arrays are immutable, so
in-place writes give the tensor a new array instead of writing into JAX's buffer), and
so is an accelerator tensor's exchange, through JAX: a later in-place write on one
side is not seen on the other.
"""
from __future__ import annotations

import ctypes
import enum

import jax
import numpy as np

from .. import _device, _dtype
from .._tensor import Tensor, _ArrayHolder, contiguous_strides

__all__ = ["DLDeviceType", "from_dlpack", "to_dlpack"]


class DLDeviceType(enum.IntEnum):
    """DLPack's device types (the values of dlpack.h), as torch.utils.dlpack names them."""
    kDLCPU = 1
    kDLCUDA = 2
    kDLCUDAHost = 3
    kDLOpenCL = 4
    kDLVulkan = 7
    kDLMetal = 8
    kDLVPI = 9
    kDLROCM = 10
    kDLROCMHost = 11
    kDLExtDev = 12
    kDLCUDAManaged = 13
    kDLOneAPI = 14
    kDLWebGPU = 15
    kDLHexagon = 16
    kDLMAIA = 17


def _check_exportable(tensor) -> None:
    if tensor.requires_grad:
        raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
    if tensor.is_conj():
        raise BufferError("Can't export tensors with the conjugate bit set")


def tensor_dlpack(self, *, stream=-1, max_version=None, dl_device=None, copy=None):
    """A DLPack capsule of this tensor, sharing its memory on the CPU. Implements
    `Tensor.__dlpack__`."""
    _check_exportable(self)
    if stream is not None and type(stream) is not int:
        raise TypeError("stream must be ``int`` or ``none``")
    if self.device.type != "cpu":
        return self._data.__dlpack__(stream=None if stream == -1 else stream, max_version=max_version,
                                     dl_device=dl_device, copy=copy)
    if stream is not None and stream != -1:
        raise AssertionError("stream should be None on cpu.")
    bfloat16 = self.dtype is _dtype.bfloat16
    array = _host_array(self.view(_dtype.int16) if bfloat16 else self)
    capsule = array.__dlpack__(max_version=max_version, dl_device=dl_device, copy=copy)
    if bfloat16:
        _DLTensorOf(capsule).relabel(_INT16, _BFLOAT16)
    return capsule


def _host_array(tensor) -> np.ndarray:
    """The numpy array over the tensor's memory; an empty one keeps the tensor's strides
    (numpy() gives empty arrays zero strides, as torch's does, but its DLPack export doesn't)."""
    if tensor.numel():
        return tensor.numpy()
    itemsize = tensor.element_size()
    return np.lib.stride_tricks.as_strided(np.empty(0, tensor.dtype.np), tuple(tensor.shape),
                                           tuple(s * itemsize for s in tensor.stride()))


def tensor_dlpack_device(self) -> tuple:
    """(DLDeviceType, index) of the tensor's device. Implements `Tensor.__dlpack_device__`."""
    if self.device.type == "cpu":
        return DLDeviceType.kDLCPU, 0
    kind, index = self._data.__dlpack_device__()
    return DLDeviceType(int(kind)), index


def to_dlpack(tensor):
    """A legacy (unversioned) DLPack capsule sharing the tensor's memory on the CPU.
    As torch's, it exports tensors that require grad (their data). Implements
    `torch.to_dlpack` / `torch.utils.dlpack.to_dlpack`. Differs from torch: a tensor with
    the conjugate bit exports its (conjugated) values, a copy."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"_to_dlpack(): argument 'data' (position 1) must be Tensor, not {type(tensor).__name__}")
    return tensor.detach().resolve_conj().__dlpack__()


def from_dlpack(ext_tensor, *, device=None, copy=None) -> Tensor:
    """A tensor over the memory of `ext_tensor` (an object with `__dlpack__`, or a DLPack
    capsule). Implements `torch.from_dlpack` / `torch.utils.dlpack.from_dlpack`."""
    target = None if device is None else _device.canonical(device)
    if isinstance(ext_tensor, Tensor):
        _check_exportable(ext_tensor)
        result = ext_tensor.detach()  # shares the storage, not a view (as torch's)
    elif isinstance(ext_tensor, jax.Array):
        result = _wrap(ext_tensor, _jax_array_device(ext_tensor))
    elif hasattr(ext_tensor, "__dlpack__") and int(ext_tensor.__dlpack_device__()[0]) != DLDeviceType.kDLCPU:
        array = jax.dlpack.from_dlpack(ext_tensor)  # (JAX passes the accelerator stream)
        result = _wrap(array, _jax_array_device(array))
    else:
        result = _import_cpu(ext_tensor if _capsule_name(ext_tensor) else _cpu_capsule(ext_tensor))
    if target is not None and target != result.device:
        if copy is False:
            raise ValueError(f"cannot move DLPack tensor from device {_dl_device(result.device)} to "
                             f"{_dl_device(target)} without copying. Set copy=None or copy=True.")
        return result.to(target)
    return result.clone() if copy else result


def _cpu_capsule(ext_tensor):
    if not hasattr(ext_tensor, "__dlpack__"):
        raise RuntimeError(_INVALID_CAPSULE)
    try:
        return ext_tensor.__dlpack__(max_version=(1, 0))
    except TypeError:  # a producer of the DLPack 0.x protocol
        return ext_tensor.__dlpack__()


def _import_cpu(capsule) -> Tensor:
    """A host-mode tensor over the memory of a DLPack capsule (consumed)."""
    info = _DLTensorOf(capsule)
    if info.tensor.device.device_type != DLDeviceType.kDLCPU:
        return _wrap(jax.dlpack.from_dlpack(_Capsule(capsule)), _device.CPU)  # (a bare accelerator capsule)
    bfloat16 = info.relabel(_BFLOAT16, _INT16)
    shape, strides = info.shape_and_strides()
    read_only = info.read_only
    array = np.from_dlpack(_Capsule(capsule))
    dtype = _dtype.bfloat16 if bfloat16 else _dtype.from_numpy_dtype(array.dtype)
    if bfloat16:
        array = array.view(dtype.np)
    if read_only:  # a read-only buffer (a JAX array's): no writes to share
        return _wrap(jax.numpy.array(array), _device.CPU)
    if not array.flags.writeable:  # numpy's reading of a legacy capsule, which torch writes into
        interface = dict(array.__array_interface__, data=(array.__array_interface__["data"][0], False))
        array = np.asarray(_ArrayHolder(interface, array)).view(array.dtype)
    if not array.size:  # numpy gives empty arrays zero strides; torch keeps the capsule's
        from ..ops.creation import empty_strided
        return empty_strided(shape, strides, dtype=dtype)
    if any(s < 0 for s in array.strides):
        raise ValueError("from_dlpack(): tensors with negative strides are not supported")
    t = Tensor._make(None, dtype, _device.CPU, host=array)
    element_strides = tuple(s // array.itemsize for s in array.strides)
    if element_strides != contiguous_strides(array.shape):
        t._strides = element_strides
    return t


def _wrap(array, device) -> Tensor:
    return Tensor._make(array, _dtype.from_numpy_dtype(array.dtype), device)


def _jax_array_device(array):
    jax_device = next(iter(array.devices()))
    if jax_device.platform == "cpu":
        return _device.CPU
    return _device.canonical(_device.device("cuda", _device.accelerators().index(jax_device)))


def _dl_device(device) -> tuple:
    if device.type == "cpu":
        return DLDeviceType.kDLCPU, 0
    kind, _ = jax.numpy.zeros(0, device=_device.jax_device(device)).__dlpack_device__()
    return DLDeviceType(int(kind)), device.index


# ---------------------------------------------------------------- the C structures
_INVALID_CAPSULE = ("from_dlpack received an invalid capsule. Note that DLTensor capsules can be consumed only once, "
                    "so you might have already constructed a tensor from it once.")
_INT16, _BFLOAT16 = (0, 16, 1), (4, 16, 1)  # DLDataType (code, bits, lanes): kDLInt, kDLBfloat


class _DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class _DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class _DLTensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("device", _DLDevice), ("ndim", ctypes.c_int32), ("dtype", _DLDataType),
                ("shape", ctypes.POINTER(ctypes.c_int64)), ("strides", ctypes.POINTER(ctypes.c_int64)),
                ("byte_offset", ctypes.c_uint64)]


class _DLTensorOf:
    """The DLTensor inside a capsule: first in a DLManagedTensor ("dltensor"); after a
    version, a context, a deleter and flags in a DLManagedTensorVersioned."""

    def __init__(self, capsule):
        name = _capsule_name(capsule)
        if name not in (b"dltensor", b"dltensor_versioned"):  # (a consumed one is "used_dltensor")
            raise RuntimeError(_INVALID_CAPSULE)
        pointer = _capsule_get_pointer(capsule, name)
        versioned = name == b"dltensor_versioned"
        header = 4 * ctypes.sizeof(ctypes.c_void_p) if versioned else 0
        self.tensor = _DLTensor.from_address(pointer + header)
        # The flags (versioned only; bit 0: read-only) follow the version, context and deleter.
        self.read_only = versioned and bool(ctypes.c_uint64.from_address(pointer + header - 8).value & 1)

    def relabel(self, old, new) -> bool:
        """Rewrite the element type `old` as `new` (same bits); whether it was `old`."""
        dtype = self.tensor.dtype
        if (dtype.code, dtype.bits, dtype.lanes) != old:
            return False
        dtype.code, dtype.bits, dtype.lanes = new
        return True

    def shape_and_strides(self):
        t = self.tensor
        shape = tuple(t.shape[i] for i in range(t.ndim))
        if t.strides:
            return shape, tuple(t.strides[i] for i in range(t.ndim))
        return shape, contiguous_strides(shape)


class _Capsule:
    """A capsule as a `__dlpack__` object (numpy and JAX take only those now)."""

    def __init__(self, capsule):
        self.capsule = capsule

    def __dlpack__(self, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        device = _DLTensorOf(self.capsule).tensor.device
        return DLDeviceType(device.device_type), device.device_id


_capsule_get_name = ctypes.pythonapi.PyCapsule_GetName
_capsule_get_name.restype, _capsule_get_name.argtypes = ctypes.c_char_p, [ctypes.py_object]
_capsule_get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_get_pointer.restype, _capsule_get_pointer.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]


def _capsule_name(obj):
    return _capsule_get_name(obj) if type(obj).__name__ == "PyCapsule" else None


Tensor.__dlpack__ = tensor_dlpack
Tensor.__dlpack_device__ = tensor_dlpack_device
