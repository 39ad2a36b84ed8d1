"""Attaches the ops to Tensor: registered ops (from the op table), hand-written
methods (views, conversions, indexing) and Python's operator dunders."""
from __future__ import annotations

import numpy as np

from . import _dtype
from ._registry import OP_TABLE, install_methods
from ._tensor import Tensor
from .ops import conversion, creation, indexing, linalg, pointwise as pw, reduction, views
from .ops import linalg_functions, shape

_METHODS = {
    # views
    "view": views.view, "view_as": views.view_as, "reshape": views.reshape, "reshape_as": views.reshape_as,
    "flatten": views.flatten, "unflatten": views.unflatten, "ravel": views.ravel, "squeeze": views.squeeze,
    "unsqueeze": views.unsqueeze, "permute": views.permute, "transpose": views.transpose, "t": views.t,
    "adjoint": views.adjoint, "swapaxes": views.transpose, "swapdims": views.transpose, "movedim": views.movedim,
    "moveaxis": views.movedim,
    "expand": views.expand, "expand_as": views.expand_as, "broadcast_to": views.broadcast_to,
    "narrow": views.narrow, "select": views.select, "unbind": views.unbind, "split": views.split,
    "chunk": views.chunk, "unsafe_chunk": views.unsafe_chunk, "unsafe_split": views.unsafe_split,
    "unsafe_split_with_sizes": views.unsafe_split_with_sizes, "tensor_split": views.tensor_split,
    "diagonal": views.diagonal, "unfold": views.unfold,
    "as_strided": views.as_strided, "as_strided_": views.as_strided_, "as_strided_scatter": views.as_strided_scatter,
    # conversions and copies
    "clone": conversion.clone, "contiguous": conversion.contiguous, "detach": conversion.detach,
    "detach_": conversion.detach_, "requires_grad_": conversion.requires_grad_, "to": conversion.to,
    "cpu": conversion.cpu, "cuda": conversion.cuda, "type": conversion.type_, "copy_": conversion.copy_,
    "fill_": conversion.fill_, "zero_": conversion.zero_, "resize_": conversion.resize_,
    "resize_as_": conversion.resize_as_, "set_": conversion.set_,
    # creation from an existing tensor
    "new_zeros": creation.new_zeros, "new_ones": creation.new_ones, "new_empty": creation.new_empty,
    "new_empty_strided": creation.new_empty_strided,
    "new_full": creation.new_full, "new_tensor": creation.new_tensor,
    # products
    "matmul": linalg.matmul, "mm": linalg.mm, "__matmul__": linalg.matmul,
    "__rmatmul__": lambda self, other: linalg.matmul(other, self),
    # indexing
    "__getitem__": indexing.getitem, "__setitem__": indexing.setitem, "__delitem__": indexing.delitem,
    # shape ops whose method differs from the torch.* function (or has none)
    "repeat": shape.repeat, "where": shape.where_method, "lu": linalg_functions.lu_method,
    # arithmetic that picks between table ops
    "div": None, "div_": None, "divide": None, "divide_": None,
}

for _dt, _names in ((_dtype.float32, ("float",)), (_dtype.float64, ("double",)), (_dtype.float16, ("half",)),
                    (_dtype.bfloat16, ("bfloat16",)), (_dtype.int64, ("long",)), (_dtype.int32, ("int",)),
                    (_dtype.int16, ("short",)), (_dtype.int8, ("char",)), (_dtype.uint8, ("byte",)),
                    (_dtype.bool, ("bool",)), (_dtype.complex64, ("cfloat",)), (_dtype.complex128, ("cdouble",))):
    for _name in _names:
        _METHODS[_name] = conversion._cast_method(_dt)


def div(input, other, *, rounding_mode=None, out=None):
    """input / other; rounding_mode None (true division), 'trunc' or 'floor'. Implements `torch.div`."""
    return _div_op(rounding_mode)(input, other, out=out)


def div_(self, other, *, rounding_mode=None):
    return OP_TABLE[f"torch.{_div_op(rounding_mode).__name__}"].inplace_function(self, other)


def _div_op(rounding_mode):
    ops = {None: pw.true_divide, "trunc": pw._div_trunc, "floor": pw._div_floor}
    if rounding_mode not in ops:
        raise RuntimeError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")
    return ops[rounding_mode]


_METHODS.update(div=div, div_=div_, divide=div, divide_=div_)


def _rsub(self, other):
    return pw.rsub(self, other)


def _rtruediv(self, other):
    # torch computes `other / self` as `self.reciprocal() * other` (so grad_fn is MulBackward0).
    return pw.mul(pw.reciprocal(self), other)


def _invert(self):
    if self.dtype.category > _dtype.INT:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return pw.bitwise_not(self)


_DUNDERS = {
    "__add__": lambda s, o: pw.add(s, o), "__radd__": lambda s, o: pw.add(s, o),
    "__sub__": lambda s, o: pw.sub(s, o), "__rsub__": _rsub,
    "__mul__": lambda s, o: pw.mul(s, o), "__rmul__": lambda s, o: pw.mul(s, o),
    "__truediv__": lambda s, o: pw.true_divide(s, o), "__rtruediv__": _rtruediv,
    "__floordiv__": lambda s, o: pw.floor_divide(s, o), "__rfloordiv__": lambda s, o: pw.floor_divide(o, s),
    "__mod__": lambda s, o: pw.remainder(s, o), "__rmod__": lambda s, o: pw.remainder(o, s),
    "__pow__": lambda s, o: pw.pow(s, o), "__rpow__": lambda s, o: pw.pow(o, s),
    "__and__": lambda s, o: pw.bitwise_and(s, o), "__rand__": lambda s, o: pw.bitwise_and(o, s),
    "__or__": lambda s, o: pw.bitwise_or(s, o), "__ror__": lambda s, o: pw.bitwise_or(o, s),
    "__xor__": lambda s, o: pw.bitwise_xor(s, o), "__rxor__": lambda s, o: pw.bitwise_xor(o, s),
    "__lshift__": lambda s, o: pw.bitwise_left_shift(s, o), "__rlshift__": lambda s, o: pw.bitwise_left_shift(o, s),
    "__rshift__": lambda s, o: pw.bitwise_right_shift(s, o),
    "__rrshift__": lambda s, o: pw.bitwise_right_shift(o, s),
    "__eq__": lambda s, o: pw.eq(s, o), "__ne__": lambda s, o: pw.ne(s, o),
    "__lt__": lambda s, o: pw.lt(s, o), "__le__": lambda s, o: pw.le(s, o),
    "__gt__": lambda s, o: pw.gt(s, o), "__ge__": lambda s, o: pw.ge(s, o),
    "__neg__": lambda s: pw.neg(s), "__pos__": lambda s: pw.positive(s), "__abs__": lambda s: pw.abs(s),
    "__invert__": _invert,
}
_INPLACE_DUNDERS = {
    "__iadd__": "add_", "__isub__": "sub_", "__imul__": "mul_", "__itruediv__": "div_",
    "__ifloordiv__": "floor_divide_", "__imod__": "remainder_", "__ipow__": "pow_", "__iand__": "bitwise_and_",
    "__ior__": "bitwise_or_", "__ixor__": "bitwise_xor_", "__ilshift__": "bitwise_left_shift_",
    "__irshift__": "bitwise_right_shift_",
}


def _wrap_not_implemented(fn, name=""):
    """Binary dunders return NotImplemented for foreign operands, as Python expects. Like
    torch's, they leave numpy arrays to numpy (which wraps its result back into a tensor),
    except `==`, which torch computes with the array read as a tensor."""

    def dunder(self, *other):
        if other and isinstance(other[0], np.ndarray):
            if name != "__eq__":
                return NotImplemented
            other = (creation.as_tensor(other[0]),)
        if other and not isinstance(other[0], (Tensor, int, float, complex, bool)) and not hasattr(other[0], "dtype"):
            return NotImplemented
        return fn(self, *other)

    dunder.__name__ = getattr(fn, "__name__", "dunder")
    return dunder


def install():
    from .ops.random_inplace import METHODS as random_fills

    install_methods()
    _METHODS.update(random_fills)
    for name, op in (("add", pw.add), ("sub", pw.sub), ("mul", pw.mul), ("truediv", pw.true_divide)):
        _DUNDERS[f"__{name}__"] = OP_TABLE[f"torch.{op.__name__}"].binary
    for name, fn in _METHODS.items():
        setattr(Tensor, name, fn)
    for name, fn in _DUNDERS.items():
        binary = getattr(fn, "__name__", "") == "binary"
        setattr(Tensor, name, fn if binary else _wrap_not_implemented(fn, name))
    for name, method in _INPLACE_DUNDERS.items():
        setattr(Tensor, name, getattr(Tensor, method))
    Tensor.__hash__ = lambda self: id(self)
    Tensor.T = property(views.full_transpose)
    Tensor.mT = property(views.matrix_transpose)
    Tensor.mH = property(views.matrix_adjoint)
    Tensor.H = property(views.adjoint_2d)
    Tensor.real = property(views.real, lambda self, value: views.real(self).copy_(value))
    Tensor.imag = property(views.imag, lambda self, value: views.imag(self).copy_(value))
