"""Tensor: a thin facade over a jax.Array with torch's aliasing.

Every tensor reads its value from a shared `_Storage` cell that holds its base array
and a version counter. A base tensor *is* the storage's array; a view holds a chain of
view steps (see `_views`) that reads it from the base and scatters writes back, and it
re-reads lazily when the storage version moved. Writes (in-place ops, `out=`,
`__setitem__`) replace the storage's array and bump the version, so the base and all
its views see them. On the CPU, `numpy()`/`from_numpy` switch the storage to a host
numpy buffer that is the single source of truth, which gives torch's memory sharing.

The math lives in `ops/`; this file holds state, metadata and conversions only.
"""
from __future__ import annotations

import functools
import math
import warnings

import jax
import numpy as np

from . import _device, _dtype
from ._views import ViewPlan, extend, reader, writer

# The open forward-AD dual levels (autograd.forward_ad); empty, so falsy, when none is:
# the view constructors below and the op paths in _registry test it once.
DUAL_LEVELS: list = []


class _Storage:
    """One buffer shared by a base tensor and its views."""

    __slots__ = ("array", "host", "version", "foreign", "device", "inference", "__weakref__")

    def __init__(self, array, device, host=None):
        self.array = array  # the base's jax.Array (None in host mode)
        self.host = host  # numpy array shared with the user (host mode)
        self.version = 0  # every write: views re-read when it moves
        self.foreign = 0  # the writes made through `.data` aliases (see Tensor._family)
        self.device = device
        self.inference = STATE.inference  # made in inference_mode: its tensors are inference tensors

    @property
    def _autograd_version(self) -> int:
        """The autograd version of the tensors that are not `.data` aliases."""
        return self.version - self.foreign

    def get(self):
        if self.host is None:
            return self.array
        # A private copy: JAX may alias a numpy buffer it is given, and the user's later
        # writes into `host` must not reach arrays (results, saved values) read before.
        return _device.from_host(np.array(self.host), _device.cpu_jax_device())

    def set(self, array):
        if self.host is None:
            self.array = array
        else:
            np.copyto(self.host, np.asarray(array), casting="unsafe")
        if self.inference and not STATE.inference:
            self.version += 1  # torch writes, then refuses: aliases must see the new value
            raise RuntimeError(
                "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get "
                "a normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more "
                "details.")

    def to_host(self, strides=None) -> np.ndarray:
        """Switch to host mode: from now on the numpy buffer is the value. `strides` (in
        elements) lays the buffer out as the base tensor claims (`empty_strided`)."""
        if self.host is None:
            value = np.asarray(self.array)
            if strides is None or strides == contiguous_strides(value.shape):
                self.host = np.array(value)
            else:
                self.host = _strided_buffer(value.shape, strides, value.dtype)
                self.host[...] = value
            self.array = None
        return self.host


def new_base(array, dtype, device, shape):
    """`Tensor._make` for the per-op hot paths: a new base tensor owning the jax `array`
    of `shape` (a tuple) and `dtype`."""
    storage = _new(_Storage)
    storage.array, storage.host, storage.version, storage.foreign, storage.device = array, None, 0, 0, device
    storage.inference = STATE.inference
    t = _new(Tensor)
    t._storage = storage
    t._chain = None
    t._shape = shape
    t.dtype = dtype
    t._requires_grad = False
    t._grad_fn = None
    t._base = None
    return t


_new = object.__new__


def contiguous_strides(shape) -> tuple:
    strides, step = [], 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return tuple(reversed(strides))


_row_major_strides = functools.lru_cache(maxsize=4096)(contiguous_strides)


class Size(tuple):
    """torch.Size: a tuple of ints that prints as `torch.Size([2, 3])`."""

    def __new__(cls, sizes=()):
        sizes = tuple(sizes)
        if all(type(s) is int for s in sizes):
            return tuple.__new__(cls, sizes)
        return tuple.__new__(cls, (_size_item(s, i) for i, s in enumerate(sizes)))

    def __repr__(self):
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    def numel(self) -> int:
        return math.prod(self)

    def __getitem__(self, item):
        result = tuple.__getitem__(self, item)
        return Size(result) if isinstance(item, slice) else result

    def __add__(self, other):
        if not isinstance(other, tuple):
            raise TypeError(f"can only concatenate tuple (not {type(other).__name__}) to torch.Size")
        return tuple.__new__(Size, tuple(self) + other)

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return tuple.__new__(Size, other + tuple(self))

    def __mul__(self, times):
        result = tuple.__mul__(self, times)
        return result if result is NotImplemented else tuple.__new__(Size, result)

    __rmul__ = __mul__

    def __reduce__(self):
        return (Size, (tuple(self),))


def _size_item(item, position) -> int:
    """One torch.Size entry: an int, or anything with `__index__` (a one-element integer tensor)."""
    if isinstance(item, Tensor) and item.dtype.category == _dtype.INT:  # torch reads the element
        return int(item.item())
    if isinstance(item, Tensor) or not hasattr(item, "__index__"):
        raise TypeError(f"torch.Size() takes an iterable of 'int' (item {position} is '{type(item).__name__}')")
    return item.__index__()


_ROW_MAJOR = object()  # is_contiguous's default memory format (torch.contiguous_format; None is refused)


class Tensor:
    """A torch.Tensor whose value is a jax.Array (or a JAX tracer under `jax.jit`)."""

    # Hot fields are slots; rarely set ones live in the instance dict with class defaults,
    # so creating a tensor on the per-op hot path sets only seven attributes.
    __slots__ = ("_storage", "_chain", "_shape", "dtype", "_requires_grad", "_grad_fn", "_base", "__dict__",
                 "__weakref__")
    __module__ = "torch"
    _strides = None  # None: contiguous
    _offset = 0
    _cache = None
    _cache_version = -1
    _reader = None  # (chain, its compiled reader): saves hashing the chain on every read
    _grad = None
    _grad_acc = None
    _retains_grad = False
    _hooks = None  # gradient hooks of a leaf
    _post_acc_hooks = None
    _output_nr = 0  # which output of grad_fn this tensor is
    # torch's `.data` is an alias with a version counter of its own: such an alias (and its
    # views) counts its writes in `_family` (a one-item list), and in its storage's `foreign`.
    _family = None
    # A view made in grad mode: the autograd version at which its grad_fn was last set.
    # When the base (or another view) is modified in place since, torch regenerates it.
    # (A locked view's: the version it was made at.)
    _attr_version = None
    # Views torch forbids to modify in place under autograd: an output of unbind/split
    # (its output number, or MULTI_OUTPUT_VIEW), a view made in no_grad or inference mode
    # (NO_GRAD_VIEW, INFERENCE_VIEW); see autograd.tape.view_lock_error.
    _view_lock = None
    _is_conj = False  # torch's conjugate bit (set by conj() on complex views)
    is_sparse = False
    is_quantized = False
    is_meta = False
    layout = "torch.strided"

    # ------------------------------------------------------------ construction
    @classmethod
    def _make(cls, array, dtype, device=_device.CPU, host=None, shape=None):
        """A new base tensor owning `array` (whose dtype is `dtype`'s), or in host mode
        sharing the numpy array `host`. Pass `shape` when known: reading a fresh jax
        array's shape costs about a microsecond."""
        t = object.__new__(cls)
        t._storage = _Storage(array, device, host)
        t._chain = None
        t._shape = shape if shape is not None else array.shape if host is None else host.shape
        t.dtype = dtype
        t._requires_grad = False
        t._grad_fn = None
        t._base = None
        return t

    def _view_of(self, step, shape, strides, offset, dtype=None):
        """A tensor aliasing self's storage, read through `self`'s chain plus `step`."""
        t = object.__new__(Tensor)
        t._storage = self._storage
        t._chain = extend(self._chain or (), step)
        t._shape = tuple(shape)
        t._strides = tuple(strides)
        t._offset = offset
        t.dtype = dtype or self.dtype
        t._requires_grad = False
        t._grad_fn = None
        t._base = self if self._base is None else self._base
        if self._family is not None:
            t._family = self._family
        if STATE.enabled:
            if self._attr_version is not None:
                refresh_view(self)
                lock = self._view_lock
                if lock is not None:  # views of a locked view are locked (output 0 of their own node)
                    t._view_lock = 0 if lock.__class__ is int else lock
            t._attr_version = self._autograd_version
        else:
            _lock_no_grad_view(t, self)
        if DUAL_LEVELS:
            _view_tangent(self, t, (step,))
        return t

    def _view_through(self, steps, shape, strides, offset):
        """A tensor aliasing self's storage at `offset`, read through self's chain plus
        `steps`, made as `_planned_view` makes it (no autograd record)."""
        return self._planned_view(ViewPlan(steps, tuple(shape), tuple(strides), offset - self._offset, reader(steps)))

    def _planned_view(self, plan):
        """The view of self that `plan` (a `_views.ViewPlan` of self's layout) describes.
        The hot path of cached views and basic indices, for views that record no autograd."""
        t = _new(Tensor)
        storage = t._storage = self._storage
        chain = self._chain
        if chain is None:  # (a base: offset 0)
            t._chain = plan.steps
            t._reader = plan.pair
            t._base = self
            offset = plan.offset
        else:
            for step in plan.steps:
                chain = extend(chain, step)
            t._chain = chain
            t._base = self if self._base is None else self._base
            offset = self._offset + plan.offset
        t._shape = plan.shape
        t._strides = plan.strides
        if offset:
            t._offset = offset
        t.dtype = self.dtype
        t._requires_grad = False
        t._grad_fn = None
        family = self._family
        if family is not None:
            t._family = family
        if STATE.enabled:
            t._attr_version = storage.version - storage.foreign if family is None else family[0]
        else:
            _lock_no_grad_view(t, self)
        if DUAL_LEVELS:
            _view_tangent(self, t, plan.steps)
        return t

    def __init__(self, *args, **kwargs):
        # Tensor(...) is rarely used directly; torch.Tensor(data) builds a default-dtype tensor.
        pass

    def __new__(cls, *args, **kwargs):
        from .ops.creation import legacy_tensor_constructor

        return legacy_tensor_constructor(cls, *args, **kwargs)

    # ------------------------------------------------------------ value
    @property
    def _data(self):
        """The current value as a jax.Array of `shape` and `dtype`."""
        storage = self._storage
        if self._chain is None:
            array = storage.array
            return array if array is not None else storage.get()
        if self._cache_version == storage.version and storage.host is None:
            return self._cache
        attr_version = self._attr_version
        if attr_version is not None and attr_version != storage.version - storage.foreign:
            refresh_view(self, use=False)  # (a locked view raises only where autograd uses it)
        chain, cached = self._chain, self._reader
        if cached is not None and cached[0] is chain:
            read = cached[1]
        else:
            read = reader(chain)
            self._reader = (chain, read)
        value = read(storage.array if storage.host is None else storage.get())
        self._cache = value
        self._cache_version = storage.version
        return value

    def _write(self, value, overlap_ok=False):
        """Replace this tensor's value (same shape and dtype) in its storage, bumping the
        version so every alias re-reads. Callers check shapes and dtypes; a self-overlapping
        view (expanded) refuses the write unless `overlap_ok` (fills, all values equal)."""
        storage = self._storage
        if self._chain is None:
            storage.set(value)
        else:
            if not overlap_ok and self._has_internal_overlap():
                raise RuntimeError(
                    "unsupported operation: more than one element of the written-to tensor refers to a single "
                    "memory location. Please clone() the tensor before performing the operation."
                )
            storage.set(writer(self._chain)(storage.get(), value))
            self._cache = value
        storage.version += 1
        self._cache_version = storage.version
        if self._family is not None:
            self._count_family_write()

    def _count_family_write(self):
        """A write through a `.data` alias: it bumps the alias's version, not the original's."""
        self._family[0] += 1
        self._storage.foreign += 1

    def _has_internal_overlap(self) -> bool:
        """An expanded (stride 0) dim repeats elements; an empty tensor has none to repeat."""
        shape = self._shape
        return 0 not in shape and any(stride == 0 and size > 1 for size, stride in zip(shape, self.stride()))

    # ------------------------------------------------------------ metadata
    @property
    def shape(self) -> Size:
        return tuple.__new__(Size, self._shape)

    def size(self, dim=None):
        if dim is None:
            return tuple.__new__(Size, self._shape)
        return self._shape[self._metadata_dim("size", dim)]

    def _metadata_dim(self, name, dim) -> int:
        """`dim` checked as size(dim) and stride(dim) check it: 0-d tensors have no dims."""
        if type(dim) is not int:
            if isinstance(dim, bool) or not hasattr(dim, "__index__"):
                raise TypeError(f"{name}(): argument 'dim' (position 1) must be int, not {type(dim).__name__}")
            dim = dim.__index__()
        if not self._shape:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return self._wrap_dim(dim)

    def _wrap_dim(self, dim, ndim=None):
        ndim = len(self._shape) if ndim is None else ndim
        dim = dim.__index__() if not isinstance(dim, int) else dim
        low, high = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
        if not low <= dim <= high:
            raise IndexError(f"Dimension out of range (expected to be in range of [{low}, {high}], but got {dim})")
        return dim % max(ndim, 1)

    def dim(self) -> int:
        return len(self._shape)

    ndimension = dim

    @property
    def ndim(self) -> int:
        return len(self._shape)

    def numel(self) -> int:
        return math.prod(self._shape)

    nelement = numel

    def element_size(self) -> int:
        return self.dtype.itemsize

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.numel() * self.dtype.itemsize

    @property
    def device(self):
        return self._storage.device

    @property
    def is_cuda(self) -> bool:
        return self._storage.device.type == "cuda"

    @property
    def is_cpu(self) -> bool:
        return self._storage.device.type == "cpu"

    def get_device(self) -> int:
        dev = self._storage.device
        return -1 if dev.type == "cpu" else dev.index

    def stride(self, dim=None):
        strides = self._strides  # (None, meaning row-major, stays: elementwise ops test it)
        if strides is None:
            strides = _row_major_strides(self._shape)
        return strides if dim is None else strides[self._metadata_dim("stride", dim)]

    def storage_offset(self) -> int:
        return self._offset

    def _stale_view(self) -> bool:
        """A view made in grad mode whose base was modified in place since (see refresh_view)."""
        return self._attr_version != self._autograd_version

    def _is_view(self) -> bool:
        return self._base is not None

    def is_contiguous(self, memory_format=_ROW_MAJOR) -> bool:
        if memory_format is not _ROW_MAJOR:
            from .ops.conversion import channels_last, channels_last_3d, memory_format as format_type

            if not isinstance(memory_format, format_type):
                raise TypeError("is_contiguous(): argument 'memory_format' must be torch.memory_format, not "
                                f"{type(memory_format).__name__}")
            if memory_format is channels_last or memory_format is channels_last_3d:
                return self._channels_last_contiguous(4 if memory_format is channels_last else 5)
        if self._strides is None or 0 in self._shape:
            return True
        expected = 1
        for size, stride in zip(reversed(self._shape), reversed(self._strides)):
            if size != 1:
                if stride != expected:
                    return False
                expected *= size
        return True

    def _channels_last_contiguous(self, ndim) -> bool:
        """torch's channels-last contiguity: C innermost, then W, H (, D), N; size-1 dims skipped."""
        if self.dim() != ndim:
            return False
        shape, strides, expected = self._shape, self.stride(), 1
        for d in (1, 3, 2, 0) if ndim == 4 else (1, 4, 3, 2, 0):
            if shape[d] != 1:
                if strides[d] != expected:
                    return False
                expected *= shape[d]
        return True

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def is_complex(self) -> bool:
        return self.dtype.is_complex

    def is_signed(self) -> bool:
        return self.dtype.is_signed

    @property
    def _version(self) -> int:
        """torch's version counter of in-place writes (none for inference tensors)."""
        if self._storage.inference:
            raise RuntimeError("Inference tensors do not track version counter.")
        return self._autograd_version

    @property
    def _autograd_version(self) -> int:
        family = self._family
        if family is None:
            storage = self._storage
            return storage.version - storage.foreign
        return family[0]

    @property
    def grad_fn(self):
        if self._attr_version is not None:
            refresh_view(self)
        return self._grad_fn

    def data_ptr(self) -> int:
        if self.numel() == 0:
            return 0  # torch's data pointer of an empty tensor is null, even for a view
        return _storage_address(self._storage) + self._offset * self.dtype.itemsize

    const_data_ptr = data_ptr

    def untyped_storage(self):
        return UntypedStorage(self._storage, self)

    def is_set_to(self, other) -> bool:
        return (self._storage is other._storage and self._offset == other._offset
                and self._shape == other._shape and self.stride() == other.stride())

    # ------------------------------------------------------------ conversions
    def _host_value(self) -> np.ndarray:
        """A numpy copy of the value (syncs, as torch does for item/tolist/printing)."""
        return np.asarray(self._data)

    def item(self):
        if self.numel() != 1:
            raise RuntimeError(f"a Tensor with {self.numel()} elements cannot be converted to Scalar")
        value = self._host_value().reshape(())
        return float(value) if self.dtype is _dtype.bfloat16 else value.item()

    def tolist(self):
        values = self._host_value()
        if self.dtype is _dtype.bfloat16:
            values = values.astype(np.float32)
        return values.tolist()

    def _scalar(self):
        """The one element, for float(), int() and complex()."""
        if self.numel() != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self.item()

    def _real_scalar(self, ctype):
        value = self._scalar()
        if isinstance(value, complex):
            if value.imag:
                raise RuntimeError(f"value cannot be converted to type {ctype} without overflow")
            value = value.real
        return value

    def __bool__(self):
        if self.numel() != 1:
            amount = "more than one value" if self.numel() else "no values"
            raise RuntimeError(f"Boolean value of Tensor with {amount} is ambiguous")
        return bool(self.item())

    def __float__(self):
        if self._requires_grad and STATE.enabled:
            warn_once(_SCALAR_OF_GRAD_WARNING)
        return float(self._real_scalar("double"))

    def __int__(self):
        value = self._real_scalar("int64_t")
        if isinstance(value, float) and math.isnan(value):
            raise ValueError("cannot convert float NaN to integer")
        return int(value)

    def __complex__(self):
        if self._requires_grad and STATE.enabled:
            warn_once(_SCALAR_OF_GRAD_WARNING)
        return complex(self._scalar())

    def __index__(self):
        if self.dtype.category > _dtype.INT or self.numel() != 1:  # bool tensors are indices too
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __len__(self):
        if not self._shape:
            raise TypeError("len() of a 0-d tensor")
        return self._shape[0]

    def __iter__(self):
        if not self._shape:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self):
        return id(self)

    # numpy defers its binary operators (ndarray + tensor) to the tensor's, as with torch.
    __array_priority__ = 1000

    def __array__(self, dtype=None, copy=None):
        """np.asarray(t) shares memory with t, as t.numpy() does; np.array(t) copies."""
        values = self.numpy()
        if copy:
            return np.array(values, dtype=dtype)
        return values if dtype is None else values.astype(dtype, copy=False)

    def __array_wrap__(self, array, context=None, return_scalar=False):
        """numpy ufuncs of tensors return tensors (bool results as uint8, as in torch)."""
        from .ops.creation import from_numpy

        if array.dtype == np.bool_:
            array = array.astype(np.uint8)
        return from_numpy(array)

    def __jax_array__(self):
        return self._data

    def numpy(self, *, force=False) -> np.ndarray:
        """A numpy array sharing memory with this tensor (CPU only), as torch's `numpy()`;
        `force`: of `detach().cpu().resolve_conj()`, which copies only what it must."""
        if force:
            prepared = self.resolve_conj() if getattr(self, "_is_conj", False) else self
            return prepared.detach().cpu().numpy()
        host = self._storage.host
        if (host is not None and self._chain is None and not self._requires_grad and not self._is_conj
                and host.size and host.shape == self._shape):
            return host.view()  # a base already in host mode: its buffer is the answer (fast path)
        if self.device.type != "cpu":
            raise TypeError(
                f"can't convert {self.device} device type tensor to numpy. Use Tensor.cpu() to copy the tensor "
                "to host memory first."
            )
        if self._requires_grad and STATE.enabled:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        if getattr(self, "_is_conj", False):
            raise RuntimeError(
                "Can't call numpy() on Tensor that has conjugate bit set. Use tensor.resolve_conj().numpy() instead.")
        if self.dtype is _dtype.bfloat16:
            raise TypeError("Got unsupported ScalarType BFloat16")
        if isinstance(self._storage.array, jax.core.Tracer):
            raise RuntimeError("numpy() is not available on a tensor being traced by jax.jit")
        if self.numel() == 0:  # torch gives empty arrays zero strides and no shared memory
            return np.lib.stride_tricks.as_strided(np.empty(0, self.dtype.np), self._shape, (0,) * self.dim())
        if self._chain is not None and any(type(step).__name__ == "Conj" for step in self._chain):
            # views of a conjugate view (torch's negative bit): memory holds unconjugated values
            return np.array(self._data)
        # The buffer takes the layout the base tensor claims, so that views' strides index it.
        owner = self if self._chain is None else self._base
        host = self._storage.to_host(owner._strides if owner is not None and owner._chain is None else None)
        return _strided_numpy(host, self.dtype.np, self._shape, self.stride(), self._offset)

    def __repr__(self, *, tensor_contents=None):
        from ._printing import tensor_repr

        return tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec):
        if self.dim() == 0 and type(self) is Tensor:  # a 0-d tensor formats as its number
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, protocol):
        from .ops.creation import tensor as make_tensor

        return (make_tensor, (self.detach().tolist(),), None)  # replaced by torch's format in serialization


# Tensors are pytrees whose one leaf is their value, so that jitted JAX functions take
# them: jnp.sin(t) flattens t, and the body reads the traced value via __jax_array__.
jax.tree_util.register_pytree_node(
    Tensor,
    lambda t: ((t._data,), (t.dtype, t._shape, t.device)),
    lambda aux, leaves: Tensor._make(leaves[0], aux[0], aux[2], shape=aux[1]),
)

_SCALAR_OF_GRAD_WARNING = ("Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                           "Consider using tensor.detach() first.")
_warned = set()


def warn_once(message: str, category=UserWarning, stacklevel=3) -> None:
    """A warning torch gives once per process (TORCH_WARN_ONCE)."""
    if message not in _warned:
        _warned.add(message)
        warnings.warn(message, category, stacklevel=stacklevel)


def _view_tangent(src, view, steps):
    """Forward AD: the view of src's tangent for `view` (src viewed through `steps`)."""
    from .autograd.forward_ad import view_tangent

    view_tangent(src, view, steps)


def _strided_buffer(shape, strides, np_dtype) -> np.ndarray:
    """A new writable numpy array of `shape` laid out with element `strides`."""
    itemsize = np.dtype(np_dtype).itemsize
    extent = 1 + sum((n - 1) * s for n, s in zip(shape, strides)) if all(shape) else 0
    buffer = np.zeros(extent, np_dtype)
    return np.lib.stride_tricks.as_strided(buffer, shape, tuple(s * itemsize for s in strides))


def _strided_numpy(host: np.ndarray, np_dtype, shape, strides, offset) -> np.ndarray:
    """A numpy view into `host`'s memory with the given element strides and offset."""
    itemsize = np.dtype(np_dtype).itemsize
    pointer = host.__array_interface__["data"][0] + offset * itemsize
    holder = _ArrayHolder(
        {"data": (pointer, False), "shape": tuple(shape), "strides": tuple(s * itemsize for s in strides),
         "typestr": np.dtype(np_dtype).str, "version": 3},
        host,
    )
    return np.asarray(holder)


class _ArrayHolder:
    """Exposes a raw memory window to numpy while keeping the owning array alive."""

    def __init__(self, interface, owner):
        self.__array_interface__ = interface
        self.owner = owner


def _storage_address(storage: _Storage) -> int:
    if storage.host is not None:
        return storage.host.__array_interface__["data"][0]
    return (id(storage) // 64 + 1) * 64  # a stable fake address, unique while the storage lives


class UntypedStorage:
    """The bytes behind a tensor; enough of torch.UntypedStorage for identity checks."""

    def __init__(self, storage: _Storage, tensor: Tensor):
        self._storage = storage
        self._tensor = tensor

    def data_ptr(self) -> int:
        return _storage_address(self._storage) if self.nbytes() else 0

    def nbytes(self) -> int:
        storage = self._storage
        if storage.host is None:
            return storage.array.size * storage.array.dtype.itemsize
        host = storage.host  # possibly a strided window (from_numpy): the bytes it spans
        return host.itemsize + sum((n - 1) * s for n, s in zip(host.shape, host.strides)) if host.size else 0

    def size(self) -> int:
        return self.nbytes()

    def __len__(self):
        return self.nbytes()


# Last: the autograd package imports this module.
from .autograd.grad_mode import STATE  # noqa: E402
from .autograd.tape import INFERENCE_VIEW, NO_GRAD_VIEW, refresh_view  # noqa: E402


def _lock_no_grad_view(view, source):
    """torch's view made in no_grad (or inference) mode: with grad mode enabled it may not
    be modified in place by an op that records, nor used once its base was. A view of a
    tensor that requires grad requires grad too, as a leaf whose gradient goes nowhere.
    (A view of an inference tensor is an inference tensor: not locked.)"""
    if view._storage.inference:
        return
    view._requires_grad = source._requires_grad
    view._view_lock = INFERENCE_VIEW if STATE.inference else NO_GRAD_VIEW
    view._attr_version = source._autograd_version
