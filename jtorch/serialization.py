"""torch.save / torch.load in torch's own file format: a zip archive holding `data.pkl`
(a protocol-2 pickle whose tensors point at storages by persistent id) and one raw
little-endian record per storage under `data/`. Files written here load in real torch
and files written by real torch load here; tensors that share a storage (views) still
share it after loading.

`load` defaults to `weights_only=True`: a restricted unpickler that only rebuilds
tensors, parameters, containers and plain data, so a crafted file cannot run code.
"""
from __future__ import annotations

import builtins
import collections
import io
import os
import pickle
import sys
import zipfile

import numpy as np

from . import _device, _dtype
from ._tensor import Tensor, _Storage, contiguous_strides
from ._views import memory_order, non_overlapping_and_dense
from .ops.conversion import _memory_flat
from ._views import AsStrided, Reshape

_STORAGE_NAMES = {
    "float32": "FloatStorage", "float64": "DoubleStorage", "float16": "HalfStorage", "bfloat16": "BFloat16Storage",
    "int64": "LongStorage", "int32": "IntStorage", "int16": "ShortStorage", "int8": "CharStorage",
    "uint8": "ByteStorage", "bool": "BoolStorage", "complex64": "ComplexFloatStorage",
    "complex128": "ComplexDoubleStorage",
}
_DTYPE_OF_STORAGE = {v: _dtype._dtype_by_name(k) for k, v in _STORAGE_NAMES.items()}


class _Global:
    """A name in torch's namespace, written into the pickle as a GLOBAL opcode."""

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle's save_reduce only accepts callables
        raise TypeError(f"{self.module}.{self.name} is a placeholder for torch's function")


_REBUILD_TENSOR = _Global("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAMETER = _Global("torch._utils", "_rebuild_parameter")
_ORDERED_DICT = collections.OrderedDict


class _StorageRef:
    def __init__(self, key, dtype, device, numel):
        self.key, self.dtype, self.device, self.numel = key, dtype, device, numel


class _TorchPickler(pickle._Pickler):
    """Pickles jtorch objects under torch's names so real torch can read them."""

    dispatch = pickle._Pickler.dispatch.copy()

    def __init__(self, file, protocol, records):
        super().__init__(file, protocol)
        self.records = records  # key -> bytes
        self.storage_keys = {}  # id(_Storage) -> (key, numel)

    def _save_torch_global(self, obj):
        self.write(pickle.GLOBAL + obj.module.encode() + b"\n" + obj.name.encode() + b"\n")
        self.memoize(obj)

    dispatch[_Global] = _save_torch_global

    def save_global(self, obj, name=None):
        from ._tensor import Size

        if obj is Size:
            self._save_torch_global(_Global("torch", "Size"))
            return
        module = getattr(obj, "__module__", "") or ""
        if module == "jtorch" or module.startswith("jtorch."):
            # classes such as nn.Module subclasses keep torch's module path in the file
            name = name or obj.__qualname__
            self._save_torch_global(_Global("torch" + module[len("jtorch"):], name))
            return
        super().save_global(obj, name)

    def reducer_override(self, obj):
        from .nn.parameter import Parameter

        if isinstance(obj, Parameter):
            return (_REBUILD_PARAMETER, (obj.detach(), obj.requires_grad, _ORDERED_DICT()))
        if isinstance(obj, Tensor):
            ref, offset, stride = self._storage_of(obj)
            return (_REBUILD_TENSOR, (ref, offset, tuple(obj.shape), tuple(stride), obj.requires_grad,
                                      _ORDERED_DICT()))
        if isinstance(obj, _device.device):
            return (_Global("torch", "device"), (str(obj),))
        return NotImplemented

    def _storage_of(self, t):
        """(storage reference, storage offset, strides) for `t`, sharing one record per
        jtorch storage when the tensor's layout can be expressed on it."""
        storage = t._storage
        root = t if t._base is None else t._base
        base_dtype = root.dtype
        shareable = (base_dtype is t.dtype and (storage.host is None or storage.host.flags.c_contiguous)
                     and _memory_flat(root))
        if shareable:
            entry = self.storage_keys.get(id(storage))
            if entry is None:
                data = np.ascontiguousarray(np.asarray(storage.get()))
                key = str(len(self.records))
                self.records[key] = _bytes_of(data)
                entry = self.storage_keys[id(storage)] = (key, data.size)
            key, numel = entry
            return _StorageRef(key, t.dtype, t.device, numel), t.storage_offset(), t.stride()
        value, strides = np.asarray(t.detach()._data), contiguous_strides(t.shape)
        order = memory_order(t._shape, t._strides) if t._strides is not None else None
        if order is not None and non_overlapping_and_dense(t._shape, t._strides):
            value, strides = np.transpose(value, order), t._strides  # its memory, in its own order
        data = np.ascontiguousarray(value)
        key = str(len(self.records))
        self.records[key] = _bytes_of(data)
        return _StorageRef(key, t.dtype, t.device, data.size), 0, strides

    def persistent_id(self, obj):
        if isinstance(obj, _StorageRef):
            location = "cpu" if obj.device.type == "cpu" else str(obj.device)
            return ("storage", _Global("torch", _STORAGE_NAMES[obj.dtype.name]), obj.key, location, obj.numel)
        return None


def _bytes_of(array: np.ndarray) -> bytes:
    if array.dtype.byteorder == ">":
        array = array.byteswap().view(array.dtype.newbyteorder("<"))
    return array.tobytes()


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Write `obj` in torch's zip format to a path or a binary file object."""
    records = {}
    buffer = io.BytesIO()
    pickler = _TorchPickler(buffer, pickle_protocol, records)
    pickler.dump(obj)
    name = os.path.splitext(os.path.basename(os.fspath(f)))[0] if isinstance(f, (str, os.PathLike)) else "archive"
    prefix = (name or "archive") + "/"
    opened = isinstance(f, (str, os.PathLike))
    stream = open(f, "wb") if opened else f
    try:
        with zipfile.ZipFile(stream, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr(prefix + "data.pkl", buffer.getvalue())
            archive.writestr(prefix + ".format_version", b"1")
            archive.writestr(prefix + ".storage_alignment", b"64")
            if not _disable_byteorder_record:
                archive.writestr(prefix + "byteorder", b"little")
            for key, data in records.items():
                archive.writestr(prefix + "data/" + key, data)
            archive.writestr(prefix + "version", b"3\n")
            archive.writestr(prefix + ".data/serialization_id", str(abs(hash((id(obj), len(records))))).encode())
    finally:
        if opened:
            stream.close()


_TorchPickler.dispatch[_dtype.dtype] = lambda pickler, d: pickler._save_torch_global(_Global("torch", d.name))


# ----------------------------------------------------------------- loading
class _StorageType:
    def __init__(self, dtype):
        self.dtype = dtype


class _LoadedStorage:
    """One storage record, turned into one shared jtorch storage."""

    def __init__(self, array: np.ndarray, dtype, device):
        self.dtype = dtype
        self.device = device
        self.numel = array.size
        import jax

        self.storage = _Storage(jax.device_put(array, _device.jax_device(device)), device)
        self.owner = None  # the tensor that is this storage's base


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    size, stride = tuple(size), tuple(stride)
    numel = int(np.prod(size)) if size else 1
    covers = storage_offset == 0 and numel == storage.numel and stride == contiguous_strides(size)
    if storage.owner is None:
        owner = Tensor._make(storage.storage.array, storage.dtype, storage.device)
        owner._storage = storage.storage  # every tensor of this record shares one storage
        storage.owner = owner
        if covers:
            storage.storage.array = storage.storage.array.reshape(size)
            owner._shape = size
            result = owner
        else:
            owner._shape = (storage.numel,)
            result = owner._view_of(AsStrided(size, stride, storage_offset), size, stride, storage_offset)
    elif covers and tuple(storage.owner._shape) == size:
        result = storage.owner._view_of(Reshape(size), size, stride, 0)
    else:
        result = storage.owner._view_of(AsStrided(size, stride, storage_offset), size, stride, storage_offset)
    if requires_grad:
        result.requires_grad_(True)
    return result


def _rebuild_parameter(data, requires_grad, backward_hooks, *args):
    from .nn.parameter import Parameter

    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    param = _rebuild_parameter(data, requires_grad, backward_hooks)
    for k, v in (state or {}).items():
        setattr(param, k, v)
    return param


def _torch_globals():
    """The globals a weights-only load may resolve (as torch >= 2.6 allows by default)."""
    from . import Size

    allowed = {
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
        ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
        ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter_with_state,
        ("torch", "Size"): Size,
        ("torch", "device"): _device.device,
        ("builtins", "set"): set, ("builtins", "frozenset"): frozenset, ("builtins", "slice"): slice,
        ("builtins", "complex"): complex, ("builtins", "bytearray"): bytearray,
    }
    for name in _STORAGE_NAMES.values():
        allowed[("torch", name)] = _StorageType(_DTYPE_OF_STORAGE[name])
    for d in _dtype.ALL_DTYPES:
        allowed[("torch", d.name)] = d
    for alias, d in _dtype.ALIASES.items():
        allowed[("torch", alias)] = d
    return allowed


class UnpicklingError(pickle.UnpicklingError):
    pass


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, archive, prefix, map_location, weights_only):
        super().__init__(file)
        self.archive, self.prefix = archive, prefix
        self.map_location = map_location
        self.weights_only = weights_only
        self.loaded = {}
        self.allowed = _torch_globals()

    def find_class(self, module, name):
        key = (module, name)
        if key in self.allowed:
            return self.allowed[key]
        if self.weights_only:
            raise pickle.UnpicklingError(
                "Weights only load failed. In PyTorch 2.6, we changed the default value of the `weights_only` "
                "argument in `torch.load` from `False` to `True`. Re-running `torch.load` with `weights_only` set "
                "to `False` will likely succeed, but it can result in arbitrary code execution. Do it only if you "
                f"got the file from a trusted source.\n WeightsUnpickler error: Unsupported global: GLOBAL "
                f"{module}.{name} was not an allowed global by default."
            )
        if module == "torch" or module.startswith("torch."):
            module = "j" + module
        return super().find_class(module, name)

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and pid and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r}")
        _, storage_type, key, location, numel = pid
        if key not in self.loaded:
            dtype = storage_type.dtype
            raw = self.archive.read(f"{self.prefix}data/{key}")
            array = np.frombuffer(raw, dtype=np.dtype(dtype.np).newbyteorder("<")).astype(dtype.np).copy()
            self.loaded[key] = _LoadedStorage(array, dtype, self._device(location))
        return self.loaded[key]

    def _device(self, location):
        target = self.map_location
        if callable(target) and not isinstance(target, (str, _device.device)):
            result = target(_Location(location), location)
            location = result.location if isinstance(result, _Location) else location
            target = None
        elif isinstance(target, dict):
            target = target.get(location, location)
        elif target is not None:
            target = str(target)
        location = target or location
        dev = _device.device(location)
        if dev.type == "cuda" and not __import__("jtorch").cuda.is_available():
            raise RuntimeError(
                "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. If you "
                "are running on a CPU-only machine, please use torch.load with map_location=torch.device('cpu') to "
                "map your storages to the CPU."
            )
        return _device.canonical(dev)


class _Location:
    def __init__(self, location):
        self.location = location


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Read an object written by torch.save (real torch's or jtorch's)."""
    if weights_only is None:
        weights_only = os.environ.get("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0") not in ("1", "true")
    opened = isinstance(f, (str, os.PathLike))
    stream = open(f, "rb") if opened else f
    try:
        if not zipfile.is_zipfile(stream):
            raise RuntimeError("jtorch.load only reads torch's zip file format (torch >= 1.6)")
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            pkl = next(n for n in archive.namelist() if n.endswith("data.pkl"))
            prefix = pkl[: -len("data.pkl")]
            unpickler = _Unpickler(io.BytesIO(archive.read(pkl)), archive, prefix, map_location, weights_only)
            return unpickler.load()
    finally:
        if opened:
            stream.close()


__all__ = ["load", "save", "builtins", "sys"]
