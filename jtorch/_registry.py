"""The op table: each op is declared once, and its function, Tensor method, in-place
`_` variant and `out=` variant are all derived from that declaration.

`pointwise` declares an elementwise op from a JAX body over arrays already cast to the
computation dtype; promotion, scalars, devices, autograd, `out=` and in-place all
happen here, on a short hot path: one dict lookup finds a cached `jax.jit` callable.
"""
from __future__ import annotations

import functools
import inspect
import math
import warnings
from dataclasses import dataclass, field

import jax
import jax.numpy as jnp
import numpy as np

from . import _dtype
from ._dtype import Promote, elementwise_dtypes
from ._tensor import DUAL_LEVELS, Tensor, new_base
from ._views import elementwise_strides, non_overlapping_and_dense
from .autograd.grad_mode import STATE
from .autograd import forward_ad
from .autograd.tape import (MODIFIED_ITSELF, capture_history, record, record_inplace, record_one, refresh_view,
                            view_lock_error)

OP_TABLE: dict = {}


@dataclass
class OpDef:
    """One op: its public function and the variants generated from it."""

    name: str
    function: object
    promote: Promote | None = None
    method: bool = True
    inplace: bool = False
    out: bool = False
    namespace: str = "torch"
    grad_name: str = ""
    jit_cache: dict = field(default_factory=dict)


def register(opdef: OpDef) -> OpDef:
    OP_TABLE[f"{opdef.namespace}.{opdef.name}"] = opdef
    return opdef


def camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.strip("_").split("_"))


# ---------------------------------------------------------------- scalars
_SCALARS: dict = {}


def scalar_array(value, dtype):
    """A cached jax array for a Python scalar cast to `dtype` (jit calls with raw
    Python scalars are slower than with arrays)."""
    # floats equal as keys only when their bits are: -0.0 and nan by their hex form (complex: each part's)
    kind = type(value)
    if kind is complex:
        key = (value.real.hex(), value.imag.hex(), kind, dtype)
    else:
        key = (value if value and value == value or kind is not float else value.hex(), kind, dtype)
    array = _SCALARS.get(key)
    if array is None:
        if len(_SCALARS) > 4096:
            _SCALARS.clear()
        array = jnp.asarray(np.asarray(value).astype(dtype.np))
        _SCALARS[key] = array
    return array


# ---------------------------------------------------------------- checks
def broadcast_shapes(*shapes) -> tuple:
    """The broadcast of `shapes`, with torch's error for incompatible sizes: torch folds
    the shapes pairwise, checking each pair from its last dim."""
    result = ()
    for shape in shapes:
        ndim = max(len(result), len(shape))
        a, b = (1,) * (ndim - len(result)) + tuple(result), (1,) * (ndim - len(shape)) + tuple(shape)
        for d in reversed(range(ndim)):
            if a[d] != b[d] and a[d] != 1 and b[d] != 1:
                raise RuntimeError(
                    f"The size of tensor a ({a[d]}) must match the size of tensor b ({b[d]}) at non-singleton "
                    f"dimension {d}"
                )
        result = tuple(y if x == 1 else x for x, y in zip(a, b))
    return result


def check_same_device(tensors):
    """torch's error for operands on different devices (0-d CPU tensors may mix)."""
    device = None
    for t in tensors:
        if t is None or (t._shape == () and t.device.type == "cpu"):
            continue
        if device is None:
            device = t.device
        elif t.device != device:
            raise RuntimeError(
                f"Expected all tensors to be on the same device, but found at least two devices, {device} and "
                f"{t.device}!"
            )
    return device


def type_name(d: _dtype.dtype) -> str:
    """torch's ScalarType name used in error messages (Float, Long, ...)."""
    return {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
            "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}[d.name]


def check_inplace_allowed(target: Tensor):
    if not STATE.enabled:
        return
    if target._view_lock is not None:
        refresh_view(target, use=False)  # (its requires_grad follows its base's)
        if target._requires_grad:
            raise view_lock_error(target, MODIFIED_ITSELF)
    base = target._base
    if base is not None:  # torch: a view that requires grad, of a base that is a leaf
        if (target._requires_grad or base._requires_grad) and base.grad_fn is None:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    elif target._requires_grad and target.grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")


def check_overlap(target: Tensor, inputs, overlap_ok=False):
    """torch's refusals to write into memory that is read twice: a target that repeats
    an element (an expanded view; allowed for fills when `overlap_ok`), and an input
    that partly overlaps the target (identical memory, as in `a.add_(a)`, is fine)."""
    if not overlap_ok and target._chain is not None and target._has_internal_overlap():
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a single memory "
            "location. Please clone() the tensor before performing the operation."
        )
    for t in inputs:
        if t is not None and t is not target and t._storage is target._storage and _partly_overlap(target, t):
            raise RuntimeError(
                "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single "
                "memory location. Please clone() the tensor before performing the operation."
            )


def _partly_overlap(a: Tensor, b: Tensor) -> bool:
    """torch's MemOverlapStatus::Partial for two tensors of one storage: dense layouts
    whose byte ranges intersect without being the same elements in the same order."""
    if a.numel() == 0 or b.numel() == 0:
        return False
    if not (non_overlapping_and_dense(a._shape, a.stride()) and non_overlapping_and_dense(b._shape, b.stride())):
        return False  # torch's "too hard" case, which it lets through
    a_begin, b_begin = a._offset * a.dtype.itemsize, b._offset * b.dtype.itemsize
    a_end, b_end = a_begin + a.nbytes, b_begin + b.nbytes
    if a_begin == b_begin and a_end == b_end:
        return a.stride() != b.stride()
    return a_begin < b_end and b_begin < a_end


def write_into(target: Tensor, value, result_dtype, *, inplace: bool, grad_inputs=(), name=None):
    """Store `value` (of `result_dtype`) into `target`, with torch's rules for in-place
    ops (shape must not change) and `out=` (resized, with a warning if non-empty).
    `grad_inputs` are the op's input tensors, for the aliasing and autograd checks;
    `name` is the op's, for torch's message about autograd and `out=`."""
    if not inplace and STATE.enabled and (target._requires_grad or any(
            getattr(t, "_requires_grad", False) for t in grad_inputs)):
        raise RuntimeError(
            f"{name + '(): functions with ' if name else ''}out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad."
        )
    check_overlap(target, grad_inputs)
    shape = tuple(value.shape)
    check_target(target, result_dtype, shape, inplace)
    if shape != target._shape:
        resize_out(target, shape)
    if value.dtype != target.dtype.np:
        value = cast(value, target.dtype)
    target._write(value)
    return target


def check_target(target: Tensor, result_dtype, shape, inplace: bool):
    """torch's checks of an op's output: an in-place op may not change its shape, and the
    result dtype must cast to the output's (in that order)."""
    if inplace and tuple(shape) != target._shape:
        raise RuntimeError(f"output with shape {list(target._shape)} doesn't match the broadcast shape {list(shape)}")
    if not _dtype.can_cast(result_dtype, target.dtype):
        raise RuntimeError(
            f"result type {type_name(result_dtype)} can't be cast to the desired output type {type_name(target.dtype)}"
        )


def resize_out(target: Tensor, shape):
    if target.numel() != 0:
        warnings.warn(
            f"An output with one or more elements was resized since it had shape {list(target._shape)}, which does "
            f"not match the required output shape {list(shape)}. This behavior is deprecated, and in a future PyTorch "
            "release outputs will not be resized unless they have zero elements. You can explicitly reuse an out "
            "tensor t by resizing it, inplace, to zero elements with t.resize_(0).",
            UserWarning,
            stacklevel=4,
        )
    from .ops.conversion import resize  # the ops import this module

    resize(target, shape)


_CASTS: dict = {}


def cast(array, dtype: _dtype.dtype):
    """`array` converted to `dtype` with torch's conversion rules, jitted per dtype."""
    fn = _CASTS.get(dtype)
    if fn is None:
        fn = _CASTS[dtype] = jax.jit(lambda a: convert(a, dtype))
    return fn(array)


def convert(array, dtype: _dtype.dtype):
    """Traceable dtype conversion: complex to real keeps the real part (torch warns), and
    complex to bool tests both parts."""
    if jnp.iscomplexobj(array) and not dtype.is_complex:
        if dtype is _dtype.bool:
            return array != 0
        array = jnp.real(array)
    elif array.dtype == jnp.bool_ and dtype.category >= _dtype.FLOAT:
        # Not astype: XLA rewrites convert(mask) * x into select(mask, x, 0), losing 0 * inf = nan.
        return jnp.where(array, jnp.ones((), dtype.np), jnp.zeros((), dtype.np))
    elif dtype.category == _dtype.INT and dtype.itemsize < 8 and jnp.issubdtype(array.dtype, jnp.floating):
        # torch truncates floats to int64 and then wraps to narrower types (-1.0 -> uint8 255);
        # XLA would saturate.
        array = array.astype(jnp.int64)
    return array.astype(dtype.np)


# ---------------------------------------------------------------- pointwise ops
_HALF_DTYPES = (_dtype.float16, _dtype.bfloat16)


def to_compute(array, compute, via, exact_scalar=False):
    """`array` cast to the computation dtype, rounded to the dtype `via` first unless it is
    an exact scalar (one element)."""
    if via is not None and not (exact_scalar and array.size == 1):
        array = convert(array, via)
    return convert(array, compute)


def _signature(body):
    """(operand names, static names with defaults) from a body's signature: positional
    parameters are operands (Tensors or numbers); keyword-only ones are static."""
    operands, static = [], {}
    for p in inspect.signature(body).parameters.values():
        if p.kind is p.KEYWORD_ONLY:
            static[p.name] = p.default
        else:
            operands.append((p.name, p.default))
    return operands, static


def pointwise(promote: Promote, *, name=None, grad_name=None, inplace=True, out=True, method=True,
              namespace="torch", promote_operands=None, saves=(), check=None, exact_scalar=None):
    """Declare an elementwise op whose JAX `body` sees arrays in the computation dtype.

    `promote_operands` names the operands that take part in type promotion (default:
    all); the others (e.g. `where`'s condition) are passed through unchanged.
    `saves` names what torch saves for backward, so modifying it in place before
    backward raises torch's error: operand names, "result", or "cross" (each operand
    is saved when another operand requires grad, as for mul).
    `check(keys, result_dtype, *static)` raises torch's errors for unsupported operand
    dtypes (`keys` as `_dtype.operand_key` gives them); the hot paths run it only when
    they first see a dtype combination.
    Operands of a float16/bfloat16 op are rounded to that dtype before the body computes
    in float32, as torch casts them, except the operand named `exact_scalar` when it has
    one element (torch's mul and div kernels read such a scalar at full precision).
    """

    def declare(body):
        op_name = name or body.__name__.rstrip("_")
        operands, static_defaults = _signature(body)
        operand_names = [n for n, _ in operands]
        exact_index = operand_names.index(exact_scalar) if exact_scalar else -1
        promoted = tuple(n in (promote_operands or operand_names) for n in operand_names)
        static_names = tuple(static_defaults)
        default_static = tuple(static_defaults.values())
        opdef = OpDef(op_name, None, promote, method, inplace, out, namespace, grad_name or camel(op_name) + "Backward0")

        def saved_tensors(tensors, result):
            """The tensors torch would save for this op's backward."""
            if not saves:
                return ()
            chosen = []
            for entry in saves:
                if entry == "result":
                    chosen.append(result)
                elif entry == "cross":  # each operand, when another operand requires grad
                    grads = [t is not None and t._requires_grad for t in tensors]
                    wanted = grads.count(True)
                    for t, g in zip(tensors, grads):
                        if t is not None and wanted - g > 0:
                            chosen.append(t)
                else:
                    chosen.append(tensors[operand_names.index(entry)])
            return chosen

        # For a call whose one tensor operand is at position p: what saved_tensors picks,
        # in order, as 0 (that operand) or 1 (the result).
        single_saves = [tuple([1 if entry == "result" else 0 for entry in saves
                               if entry == "result" or entry != "cross" and operand_names.index(entry) == p])
                        for p in range(len(operand_names))]
        cache = opdef.jit_cache

        def jitted(static, compute, result):
            key = (static, compute, result)
            fn = cache.get(key)
            if fn is None:
                kwargs = dict(zip(static_names, static))

                # torch casts operands to a float16/bfloat16 result dtype before computing in float32.
                via = result if compute is not result and result in _HALF_DTYPES else None

                def run(*arrays):
                    args = [to_compute(a, compute, via, i == exact_index) if p and a is not None else a
                            for i, (p, a) in enumerate(zip(promoted, arrays))]
                    return convert(body(*args, **kwargs), result)

                fn = cache[key] = jax.jit(run)
            return fn

        def bind(args, kwargs):
            """Slow path: operands passed by keyword or left to their defaults."""
            if len(args) > len(operands):
                raise TypeError(f"{op_name}() takes {len(operands)} positional arguments but {len(args)} were given")
            values = list(args) + [inspect.Parameter.empty] * (len(operands) - len(args))
            for i, (n, default) in enumerate(operands):
                if n in kwargs:
                    if values[i] is not inspect.Parameter.empty:
                        raise TypeError(f"{op_name}() got multiple values for argument '{n}'")
                    values[i] = kwargs.pop(n)
                elif values[i] is inspect.Parameter.empty:
                    if default is inspect.Parameter.empty:
                        raise TypeError(f"{op_name}() missing required argument '{n}'")
                    values[i] = default
            static = []
            for n, default in static_defaults.items():
                static.append(kwargs.pop(n, default))
            if kwargs:
                raise TypeError(f"{op_name}() got an unexpected keyword argument '{next(iter(kwargs))}'")
            return tuple(values), tuple(static)

        def apply(values, static, out_tensor, inplace_target):
            tensors = [v if isinstance(v, Tensor) else None for v in values]
            keys = tuple(_dtype.operand_key(v) if p else None for p, v in zip(promoted, values))
            compute, result = elementwise_dtypes(keys, promote)
            kernel_error = None
            if check is not None:
                try:
                    check(keys, result, *static)
                except NotImplementedError as error:  # torch looks up its kernel after the shape and cast checks
                    kernel_error = error
            arrays = []
            for v, t, p in zip(values, tensors, promoted):
                if t is not None:
                    arrays.append(t._data)
                elif v is None:
                    arrays.append(None)
                else:
                    if not isinstance(v, (int, float, complex, np.generic)):
                        raise TypeError(f"{op_name}(): argument must be Tensor or Number, not {type(v).__name__}")
                    arrays.append(scalar_array(v, compute if p else _dtype.from_numpy_dtype(np.asarray(v).dtype)))
            device = check_same_device(tensors)
            shape = None
            for t in tensors:
                if t is not None:
                    if shape is None:
                        shape = t._shape
                    elif t._shape != shape:
                        broadcast_shapes(*(t._shape for t in tensors if t is not None))
                        break
            if kernel_error is not None:
                target = inplace_target if inplace_target is not None else out_tensor
                if target is not None:
                    shape = broadcast_shapes(*(t._shape for t in tensors if t is not None))
                    check_target(target, result, shape, inplace_target is not None)
                raise kernel_error
            fn = jitted(static, compute, result)
            value = fn(*arrays)
            if inplace_target is not None:
                check_inplace_allowed(inplace_target)
                if STATE.enabled and any(t is not None and t._requires_grad for t in tensors):
                    history = capture_history(inplace_target)
                    write_into(inplace_target, value, result, inplace=True, grad_inputs=tensors)
                    fn = jitted(static, compute, inplace_target.dtype)
                    saved = [t for t in saved_tensors(tensors, inplace_target) if t is not inplace_target or
                             "result" in saves]
                    written = record_inplace(history, opdef.grad_name, fn, arrays, tensors, saved)
                else:
                    written = write_into(inplace_target, value, result, inplace=True, grad_inputs=tensors)
                if DUAL_LEVELS:
                    forward_ad.inplace(inplace_target, fn, arrays, tensors)
                return written
            if out_tensor is not None:
                if DUAL_LEVELS:
                    forward_ad.check_out(op_name, out_tensor, tensors)
                return write_into(out_tensor, value, result, inplace=False, grad_inputs=tensors, name=op_name)
            wrapped = Tensor._make(value, result, device or _CPU)
            if any(t is not None and t._strides is not None for t in tensors):
                operands = [t for t in tensors if t is not None]
                lay_out(wrapped, operands, scalars=n == 2 and len(operands) == 1)
            if DUAL_LEVELS:
                forward_ad.attach(fn, arrays, tensors, wrapped)
            if STATE.enabled:
                for t in tensors:
                    if t is not None and t._requires_grad:
                        return record(opdef.grad_name, fn, arrays, tensors, wrapped, saved_tensors(tensors, wrapped))
            return wrapped

        n = len(operands)
        fast_entries = {}

        def fast_entry(a, b):
            """(jitted fn, result dtype) for default static args and these operand kinds."""
            key = (a.dtype if isinstance(a, Tensor) else type(a), isinstance(a, Tensor) and a._shape == (),
                   b.dtype if isinstance(b, Tensor) else type(b), isinstance(b, Tensor) and b._shape == ())
            entry = fast_entries.get(key)
            if entry is None:
                keys = tuple(_dtype.operand_key(v) if p else None for p, v in zip(promoted, (a, b)))
                compute, result = elementwise_dtypes(keys, promote)
                if check is not None:
                    check(keys, result, *default_static)
                entry = fast_entries[key] = (jitted(default_static, compute, result), result, compute)
            return entry

        same_dtype = {}
        scalar_entries = {}
        _dtype.on_default_dtype_change(fast_entries.clear)
        _dtype.on_default_dtype_change(same_dtype.clear)
        _dtype.on_default_dtype_change(scalar_entries.clear)

        def scalar_entry(a, b, tensor, value):
            """fast_entry for a tensor and a Python scalar, plus the scalar as an array; cached
            by value unless it is 0, nan or complex (-0.0 would share 0.0's key, as a complex
            with a -0.0 part would; nan matches no key)."""
            cacheable = value and value == value and value.__class__ is not complex
            if cacheable:
                key = (tensor.dtype, tensor._shape == (), value, value.__class__, tensor is a)
                entry = scalar_entries.get(key)
                if entry is not None:
                    return entry
            fn, result, compute = fast_entry(a, b)
            entry = (fn, result, scalar_array(value, compute))
            if cacheable:
                if len(scalar_entries) > 1024:
                    scalar_entries.clear()
                scalar_entries[key] = entry
            return entry

        def binary(a, b):
            """The hot path for two operands: equal-shape tensors of one dtype, or a tensor
            and a Python scalar. Anything else (or an open dual level) goes to `apply`. As
            the `+ - * /` dunders, it leaves a numpy array operand to numpy (NotImplemented)."""
            if DUAL_LEVELS:
                return NotImplemented if b.__class__ is np.ndarray else apply((a, b), default_static, None, None)
            if isinstance(b, Tensor):
                if isinstance(a, Tensor):
                    dtype = a.dtype
                    if dtype is not b.dtype or a._shape != b._shape or a._storage.device is not b._storage.device:
                        return apply((a, b), default_static, None, None)
                    entry = same_dtype.get(dtype)
                    if entry is None:
                        entry = same_dtype[dtype] = fast_entry(a, b)
                    x, y = a._data, b._data
                    strides = None
                    if a._strides is not None or b._strides is not None:
                        strides = result_layout(a._shape, (a, b))
                    if strides is None:
                        out = new_base(entry[0](x, y), entry[1], a._storage.device, a._shape)
                    else:
                        out = laid_out_result(entry[0], (x, y), entry[1], a._storage.device, a._shape, strides)
                    if STATE.enabled and (a._requires_grad or b._requires_grad):
                        return record(opdef.grad_name, entry[0], (x, y), (a, b), out, saved_tensors((a, b), out))
                    return out
                if a.__class__ in _PY_SCALARS:
                    fn, result, scalar = scalar_entry(a, b, b, a)
                    arrays, tensor, position = (scalar, b._data), b, 1
                else:
                    return apply((a, b), default_static, None, None)
            elif b.__class__ in _PY_SCALARS and isinstance(a, Tensor):
                fn, result, scalar = scalar_entry(a, b, a, b)
                arrays, tensor, position = (a._data, scalar), a, 0
            elif b.__class__ is np.ndarray:
                return NotImplemented
            else:
                return apply((a, b), default_static, None, None)
            strides = None if tensor._strides is None else result_layout(tensor._shape, (tensor,), True)
            if strides is None:
                out = new_base(fn(*arrays), result, tensor._storage.device, tensor._shape)
            else:
                out = laid_out_result(fn, arrays, result, tensor._storage.device, tensor._shape, strides)
            if STATE.enabled and tensor._requires_grad:
                picks = single_saves[position]
                return record_one(opdef.grad_name, fn, arrays, (a, None) if position == 0 else (None, b),
                                  _ONE_OF_TWO[position], tensor, out,
                                  tuple([out if p else tensor for p in picks]) if picks else ())
            return out

        def unary(a):
            """The hot path for one tensor operand with default arguments."""
            if DUAL_LEVELS:
                return apply((a,), default_static, None, None)
            entry = same_dtype.get(a.dtype)
            if entry is None:
                compute, result = elementwise_dtypes(((a.dtype, False),), promote)
                if check is not None:
                    check(((a.dtype, False),), result, *default_static)
                entry = same_dtype[a.dtype] = (jitted(default_static, compute, result), result, compute)
            fn, result = entry[0], entry[1]
            array = a._data
            strides = None if a._strides is None else result_layout(a._shape, (a,))
            if strides is None:
                out = new_base(fn(array), result, a._storage.device, a._shape)
            else:
                out = laid_out_result(fn, (array,), result, a._storage.device, a._shape, strides)
            if STATE.enabled and a._requires_grad:
                picks = single_saves[0]
                return record_one(opdef.grad_name, fn, (array,), (a,), _ONE, a, out,
                                  tuple([out if p else a for p in picks]) if picks else ())
            return out

        def function(*args, out=None, **kwargs):
            if kwargs or len(args) != n:
                values, static = bind(args, kwargs)
            elif n == 1 and out is None and isinstance(args[0], Tensor):
                return unary(args[0])
            elif n == 2:
                if out is None:
                    result = binary(*args)
                    return result if result is not NotImplemented else apply(args, default_static, None, None)
                a, b = args
                # Hot path for out=: a base `out` of the operands' shape and dtype.
                if (isinstance(a, Tensor) and isinstance(b, Tensor) and isinstance(out, Tensor)
                        and a.dtype is b.dtype and a._shape == b._shape == out._shape and out._chain is None
                        and a._storage.device is b._storage.device is out._storage.device
                        and not (STATE.enabled and (a._requires_grad or b._requires_grad)) and not DUAL_LEVELS):
                    entry = same_dtype.get(a.dtype)
                    if entry is None:
                        entry = same_dtype[a.dtype] = fast_entry(a, b)
                    if entry[1] is out.dtype:
                        storage = out._storage
                        storage.set(entry[0](a._data, b._data))
                        storage.version += 1
                        if out._family is not None:
                            out._count_family_write()
                        return out
                values, static = args, default_static
            else:
                values, static = args, default_static
            return apply(values, static, out, None)

        def inplace_method(self, *args, **kwargs):
            if n == 2 and not kwargs and len(args) == 1:
                other = args[0]
                # Hot path: a base tensor updated with an equal-shape tensor of its dtype.
                if (isinstance(other, Tensor) and other.dtype is self.dtype and other._shape == self._shape
                        and self._chain is None and other._storage is not self._storage
                        and other._storage.device is self._storage.device
                        and not (STATE.enabled and (self._requires_grad or other._requires_grad)) and not DUAL_LEVELS):
                    entry = same_dtype.get(self.dtype)
                    if entry is None:
                        entry = same_dtype[self.dtype] = fast_entry(self, other)
                    if entry[1] is self.dtype:
                        storage = self._storage
                        storage.set(entry[0](self._data, other._data))
                        storage.version += 1
                        if self._family is not None:
                            self._count_family_write()
                        return self
            if kwargs or len(args) != n - 1:
                values, static = bind((self,) + args, kwargs)
            else:
                values, static = (self,) + args, default_static
            return apply(values, static, None, self)

        function.__name__ = function.__qualname__ = op_name
        function.__doc__ = body.__doc__
        inplace_method.__name__ = op_name + "_"
        opdef.function = function
        opdef.inplace_function = inplace_method if inplace else None
        opdef.binary = binary if n == 2 else None
        register(opdef)
        return function

    return declare


def result_layout(shape, operands, scalars=False):
    """The strides torch gives the result of an elementwise op (None: row-major), cached by
    the operands' layouts. `scalars`: a Python scalar operand that torch wraps as a 0-d
    tensor (binary ops do; ops taking a scalar parameter, like clamp, don't: only the
    strides of size-1 dims can tell)."""
    key = (shape, scalars) + tuple((t._shape, t._strides) for t in operands)
    strides = _LAYOUTS.get(key, _UNKNOWN)
    if strides is _UNKNOWN:
        if len(_LAYOUTS) > 4096:
            _LAYOUTS.clear()
        strides = _LAYOUTS[key] = elementwise_strides(shape, operands, scalars)
    return strides


_LAYOUTS: dict = {}
_UNKNOWN = object()


def lay_out(out, operands, scalars=False):
    """Give the fresh result `out` of an elementwise op the strides torch gives it (see
    `laid_out_result`)."""
    strides = result_layout(out._shape, operands, scalars)
    if strides is not None:
        out._strides = strides
    return out


def preserve_layout(result, input):
    """Give fresh result(s) of input's shape the strides torch's `empty_like(input)` gives
    (its preserve_format: input's dense strides, or dense ones in input's dim order) for
    the ops torch allocates that way (flip, sort, shrinks, angle, ...). Cheap: the value
    stays in logical order, as in `laid_out_result`."""
    if input._strides is not None:
        for out in result if isinstance(result, tuple) else (result,):
            if out._chain is None and out._storage.host is None and out._shape == input._shape:
                from .ops.conversion import _copy_strides
                out._strides = _copy_strides(input, None)
    return result


def laid_out_result(fn, arrays, dtype, device, shape, strides):
    """A new base tensor holding fn(*arrays) that reports `strides` (not row-major). Its
    storage keeps the value in logical order, as a strided `from_numpy` base does: numpy()
    and the other memory-level readers lay the buffer out by those strides when asked."""
    out = new_base(fn(*arrays), dtype, device, shape)
    out._strides = strides
    return out


def apply_not_differentiable(message, tensors, values, dtypes):
    """Wrap host-computed `values` (one per dtype in `dtypes`) as outputs of `tensors` that
    require grad where an input does, and whose backward raises RuntimeError(`message`),
    as torch's ops without a derivative (grad_fn NotImplemented)."""

    @jax.custom_vjp
    def fn(*arrays):
        return tuple(jnp.asarray(v) for v in values)

    def backward(saved, cotangents):
        raise RuntimeError(message)

    fn.defvjp(lambda *arrays: (fn(*arrays), None), backward)
    return apply_fn("NotImplemented", fn, tensors, dtypes)


def apply_fn(grad_name, fn, tensors, result_dtype, device=None, saved=(), shape=None):
    """Run the jitted `fn` on the tensors' arrays and wrap the result as a new base
    tensor (a tuple of them when `fn` returns a tuple and `result_dtype` is a tuple of
    dtypes), recording `grad_name` for autograd when some input requires grad. `saved`
    names the inputs torch saves for backward (for its modified-in-place error); `shape`,
    the result's shape where the caller knows it (reading it from the array costs time)."""
    arrays = [t._data for t in tensors] if len(tensors) != 1 else (tensors[0]._data,)
    value = fn(*arrays)
    if device is None:
        device = tensors[0]._storage.device
    if result_dtype.__class__ is tuple:
        wrapped = tuple(Tensor._make(v, d, device) for v, d in zip(value, result_dtype))
    else:
        wrapped = new_base(value, result_dtype, device, value.shape if shape is None else shape)
    if DUAL_LEVELS:
        forward_ad.attach(fn, arrays, tensors, wrapped)
    if STATE.enabled:
        for t in tensors:
            if t._requires_grad:
                return record(grad_name, fn, arrays, tensors, wrapped, saved)
    return wrapped


def write_out(out, result, name=None):
    """Store an op's result (a Tensor or a tuple of them) into `out=` as torch does."""
    if isinstance(result, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(result):
            raise TypeError(f"out must be a tuple of {len(result)} Tensors")
        for o, r in zip(out, result):
            write_out(o, r, name)
        return type(result)(out) if hasattr(result, "_fields") else tuple(out)
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    if DUAL_LEVELS:
        forward_ad.check_out(name, out, (result,))
    return write_into(out, result._data, result.dtype, inplace=False, grad_inputs=(result,), name=name)


@functools.lru_cache(maxsize=None)
def _assign_fn(dtype):
    return jax.jit(lambda old, new: convert(new, dtype))


def assign_inplace(target: Tensor, result: Tensor) -> Tensor:
    """Make an op's result the new value of `target` (the op's in-place `_` variant):
    torch's dtype and shape checks, the write, and autograd history through `result`."""
    check_inplace_allowed(target)
    grad = STATE.enabled and (result._requires_grad or target._requires_grad)
    history = capture_history(target) if grad else None
    old = target._data
    write_into(target, result._data, result.dtype, inplace=True)
    if grad:
        name = type(result.grad_fn).__name__ if result.grad_fn is not None else "CopyBackwards"
        record_inplace(history, name, _assign_fn(target.dtype), (old, result._data), (target, result))
    if DUAL_LEVELS:
        forward_ad.assign(target, result)
    return target


def op(*, name=None, method=True, inplace=False, out=True, namespace="torch"):
    """Declare an op whose body takes Tensors (plus plain arguments) and returns a Tensor
    or tuple of Tensors, usually built with `apply_fn`. The `out=` and in-place variants
    and the Tensor method are derived from the body."""

    def declare(body):
        op_name = name or body.__name__.rstrip("_")

        if out:
            def function(*args, out=None, **kwargs):
                result = body(*args, **kwargs)
                return result if out is None else write_out(out, result, op_name)
            functools.update_wrapper(function, body)
        else:
            function = body

        def inplace_method(self, *args, **kwargs):
            return assign_inplace(self, body(self, *args, **kwargs))

        function.__name__ = function.__qualname__ = op_name
        inplace_method.__name__ = op_name + "_"
        opdef = OpDef(op_name, function, None, method, inplace, out, namespace)
        opdef.inplace_function = inplace_method if inplace else None
        register(opdef)
        return function

    return declare


def namespace_functions(namespace: str) -> dict:
    """The public functions registered under `namespace` (e.g. 'torch.linalg')."""
    prefix = namespace + "."
    return {key[len(prefix):]: opdef.function for key, opdef in OP_TABLE.items()
            if key.startswith(prefix) and "." not in key[len(prefix):] and not key[len(prefix):].startswith("_")}


def install_methods():
    """Attach every registered op as a Tensor method (and its `_` in-place variant)."""
    for opdef in OP_TABLE.values():
        if opdef.namespace != "torch" or not opdef.method:
            continue
        if opdef.name not in Tensor.__dict__:
            setattr(Tensor, opdef.name, opdef.function)
        inplace = getattr(opdef, "inplace_function", None)
        if inplace is not None and opdef.name + "_" not in Tensor.__dict__:
            setattr(Tensor, opdef.name + "_", inplace)


from ._device import CPU as _CPU  # noqa: E402

_PY_SCALARS = (int, float, bool, complex)
_ONE = (True,)  # `diff` of a one-operand op
_ONE_OF_TWO = ((True, False), (False, True))  # `diff` of a two-operand op with one tensor operand
