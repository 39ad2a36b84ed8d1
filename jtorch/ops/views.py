"""View ops: results alias their input's storage. Each computes torch's strides and
storage offset for the view (so `is_contiguous`, `stride()` and `view`'s errors match
torch) and one `_views` step that reads it from its input and scatters writes back."""
from __future__ import annotations

import functools
import math
import warnings
from dataclasses import dataclass

import jax
import numpy as np

from .. import _dtype
from .._tensor import Tensor, contiguous_strides, warn_once
from .._views import (AsStrided, BitCast, Diagonal, Expand, ImagPart, Permute, RealPart, Reshape, Select, Slice,
                      Step, Unfold, ViewPlan, extend, reader)
from .._registry import apply_fn, check_inplace_allowed, type_name
from ..autograd.grad_mode import STATE
from ..autograd.tape import MULTI_OUTPUT_VIEW, record


def make_view(self: Tensor, step, shape, strides, offset, grad_name, dtype=None) -> Tensor:
    out = self._view_of(step, shape, strides, offset, dtype)
    if STATE.enabled and self._requires_grad:
        record(grad_name, reader((step,)), (self._data,), (self,), out)
    return out


def shape_arg(args) -> tuple:
    """Sizes given as varargs or as one sequence (torch.Size, tuple, list)."""
    if len(args) == 1 and not isinstance(args[0], int) and hasattr(args[0], "__len__"):
        args = tuple(args[0])
    try:
        return tuple(a.__index__() for a in args)
    except AttributeError:
        bad = next(a for a in args if not hasattr(a, "__index__"))
        raise TypeError(f"view(): argument 'size' must be tuple of ints, but found element of type "
                        f"{type(bad).__name__} at pos 0") from None


def infer_size(shape, numel) -> tuple:
    known, infer_at = 1, None
    for i, size in enumerate(shape):
        if size == -1:
            if infer_at is not None:
                raise RuntimeError("only one dimension can be inferred")
            infer_at = i
        elif size < 0:
            raise RuntimeError(f"invalid shape dimension {size} at index {i} of shape {list(shape)}")
        else:
            known *= size
    if infer_at is not None:
        if known == 0:
            raise RuntimeError(
                f"cannot reshape tensor of 0 elements into shape {list(shape)} because the unspecified dimension "
                "size -1 can be any value and is ambiguous"
            )
        if numel % known == 0:
            shape = shape[:infer_at] + (numel // known,) + shape[infer_at + 1:]
            known = numel
    if known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


def view_strides(old_shape, old_strides, new_shape):
    """The strides of `new_shape` viewing memory laid out as (old_shape, old_strides),
    or None when no such strides exist (torch's computeStride)."""
    if math.prod(old_shape) == 0 or not old_shape:
        # no element to keep in place: an unchanged shape keeps its strides, numpy-like
        return tuple(old_strides) if tuple(new_shape) == tuple(old_shape) else contiguous_strides(new_shape)
    new_strides = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    chunk_stride = old_strides[-1]
    tensor_numel = view_numel = 1
    for d in range(len(old_shape) - 1, -1, -1):
        tensor_numel *= old_shape[d]
        if d == 0 or (old_shape[d - 1] != 1 and old_strides[d - 1] != tensor_numel * chunk_stride):
            while view_d >= 0 and (view_numel < tensor_numel or new_shape[view_d] == 1):
                new_strides[view_d] = view_numel * chunk_stride
                view_numel *= new_shape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if d > 0:
                chunk_stride = old_strides[d - 1]
                tensor_numel = view_numel = 1
    return tuple(new_strides) if view_d == -1 else None


# ----------------------------------------------------------------- reshaping
_VIEW_PLANS: dict = {}  # (shape, strides, requested sizes) -> its _views.ViewPlan


def view(self, *shape):
    """A view with another shape (or, given a dtype, another dtype of one itemsize)."""
    key = (self._shape, self._strides, shape)
    try:
        plan = _VIEW_PLANS.get(key)
    except TypeError:  # unhashable sizes (a list): no plan
        plan = key = None
    if plan is not None and (self._attr_version is None or self._view_lock is None and not self._stale_view()):
        if self._requires_grad and STATE.enabled:
            return make_view(self, plan.steps[0], plan.shape, plan.strides, self._offset, "ViewBackward0")
        return self._planned_view(plan)
    if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
        return _view_dtype(self, shape[0])
    requested = shape
    shape = infer_size(shape_arg(shape), self.numel())
    strides = view_strides(self._shape, self.stride(), shape)
    if strides is None:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one dimension spans across "
            "two contiguous subspaces). Use .reshape(...) instead."
        )
    step = Reshape(shape)
    if key is not None and all(type(size) is int for size in requested):
        if len(_VIEW_PLANS) > 4096:
            _VIEW_PLANS.clear()
        _VIEW_PLANS[key] = ViewPlan((step,), shape, strides, 0, reader((step,)))
    return make_view(self, step, shape, strides, self._offset, "ViewBackward0")


def _view_dtype(self, dtype):
    """The same bytes read as `dtype`. Like torch, the result shares storage but is not a
    differentiable view, so its `_base` is None."""
    old, new = self.dtype.itemsize, dtype.itemsize
    shape, strides, offset = self._shape, self.stride(), self._offset
    if old != new:
        what = f"to view {type_name(self.dtype)} as {type_name(dtype)} (different element sizes)"
        if not shape:
            raise RuntimeError(f"self.dim() cannot be 0 {what}")
        if strides[-1] != 1:
            raise RuntimeError(f"self.stride(-1) must be 1 {what}, but got {strides[-1]}")
        if old > new:
            ratio = old // new
            shape = shape[:-1] + (shape[-1] * ratio,)
            strides = tuple(s * ratio for s in strides[:-1]) + (1,)
            offset *= ratio
        else:
            ratio = new // old
            if shape[-1] % ratio:
                raise RuntimeError(f"self.size(-1) must be divisible by {ratio} {what}, but got {shape[-1]}")
            if offset % ratio:
                raise RuntimeError(f"self.storage_offset() must be divisible by {ratio} {what}, but got {offset}")
            for d, s in enumerate(strides[:-1]):
                if s % ratio:
                    raise RuntimeError(f"self.stride({d}) must be divisible by {ratio} {what}, but got {s}")
            shape = shape[:-1] + (shape[-1] // ratio,)
            strides = tuple(s // ratio for s in strides[:-1]) + (1,)
            offset //= ratio
    out = self._view_of(BitCast(self.dtype.np, dtype.np), shape, strides, offset, dtype)
    out._base = None
    return out


def view_as(self, other):
    return view(self, other._shape)


def reshape(input, *shape):
    """A view when torch would return one (compatible strides), else a copy."""
    shape = infer_size(shape_arg(shape), input.numel())
    strides = view_strides(input._shape, input.stride(), shape)
    if strides is not None:
        return make_view(input, Reshape(shape), shape, strides, input._offset, "ViewBackward0")
    # No strides fit: torch copies, and reports UnsafeViewBackward0 over CloneBackward0.
    return apply_fn("UnsafeViewBackward0", _reshaper(shape), (input.clone(),), input.dtype)


@functools.lru_cache(maxsize=4096)
def _reshaper(shape):
    return jax.jit(lambda x: x.reshape(shape))


def reshape_as(self, other):
    return reshape(self, other._shape)


def flatten(input, start_dim=0, end_dim=-1):
    if input.dim() == 0:
        return reshape(input, (1,))
    start, end = input._wrap_dim(start_dim), input._wrap_dim(end_dim)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return input
    shape = input._shape[:start] + (math.prod(input._shape[start:end + 1]),) + input._shape[end + 1:]
    return reshape(input, shape)


def unflatten(input, dim, sizes):
    if input.dim() == 0:
        raise RuntimeError(f"unflatten got an unexpected error:\nDimension specified as {dim} but tensor has no "
                           "dimensions")
    dim = input._wrap_dim(dim)
    sizes = tuple(s.__index__() for s in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    size = input._shape[dim]
    try:
        inferred = infer_size(sizes, size)
    except RuntimeError as e:
        if str(e).startswith("shape '"):  # the sizes don't multiply up
            inferred = None
        else:
            raise RuntimeError(f"unflatten got an unexpected error:\n{e}") from None
    if inferred is None or math.prod(inferred) != size:
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} ({size}) in the "
            "input tensor"
        )
    return view(input, input._shape[:dim] + inferred + input._shape[dim + 1:])


def ravel(input):
    # torch views a contiguous copy, so a non-contiguous input's result has that copy as _base
    return view(input.contiguous(), -1)


def _squeezed(input, dim):
    """(shape, strides) of squeeze(input, dim) and torch's overload number (0: no dim,
    1: one dim, 2: a tuple of dims)."""
    if dim is None:
        dims, overload = [d for d, s in enumerate(input._shape) if s == 1], 0
    else:
        overload = 2 if isinstance(dim, (tuple, list)) else 1
        dims = [input._wrap_dim(d) for d in (dim if overload == 2 else (dim,))]
        for i, d in enumerate(dims):
            if d in dims[:i]:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        dims = [d for d in dims if input.dim() and input._shape[d] == 1]
    keep = [d for d in range(input.dim()) if d not in dims]
    strides = input.stride()
    return tuple(input._shape[d] for d in keep), tuple(strides[d] for d in keep), overload


def squeeze(input, dim=None):
    shape, strides, overload = _squeezed(input, dim)
    return make_view(input, Reshape(shape), shape, strides, input._offset, f"SqueezeBackward{overload}")


def _unsqueezed(input, dim):
    dim = input._wrap_dim(dim, input.dim() + 1)
    old_strides = input.stride()
    stride = old_strides[dim] * input._shape[dim] if dim < input.dim() else 1
    return input._shape[:dim] + (1,) + input._shape[dim:], old_strides[:dim] + (stride,) + old_strides[dim:]


def unsqueeze(input, dim):
    shape, strides = _unsqueezed(input, dim)
    return make_view(input, Reshape(shape), shape, strides, input._offset, "UnsqueezeBackward0")


# ----------------------------------------------------------------- in-place metadata changes
@dataclass(frozen=True)
class Restride(Step):
    """A reshape done in place on a tensor (squeeze_, unsqueeze_). Unlike `Reshape`, chain
    extension never merges it with a neighbour, so a base tensor's chain stays a prefix of
    its later views' chains (which in-place autograd on those views relies on)."""

    shape: tuple

    def read(self, x):
        return x.reshape(self.shape)

    def scatter(self, x, v):
        return v.reshape(x.shape)


def _restride_(self, step, shape, strides, grad_name, source=None):
    """Make `self` itself read its storage through one more `step`, with new sizes and
    strides (the same storage and offset): torch's in-place view ops. Like torch they bump
    the version counter and, under autograd, replace self's grad_fn by `grad_name`.
    `source`: for a step that reads the storage itself (AsStrided, with its own offset),
    the storage's root tensor, which is then the step's recorded input."""
    check_inplace_allowed(self)
    track = STATE.enabled and self._requires_grad
    if source is None:
        old = self._data if track else None
        self._chain = extend(self._chain or (), step)
    else:
        if track and source._chain is not None:
            raise NotImplementedError(f"{grad_name} with autograd on a tensor whose storage is laid out permuted")
        old = source._data if track else None
        self._chain, self._offset = (step,), step.offset
    self._shape, self._strides = tuple(shape), tuple(strides)
    self._cache, self._cache_version = None, -1
    self._storage.version += 1
    if self._family is not None:
        self._count_family_write()
    if track:
        record(grad_name, reader((step,)), (old,), (self if source is None else source,), self)
        self._output_nr = 0
    if self._attr_version is not None:
        self._attr_version = self._autograd_version
    return self


def squeeze_(self, dim=None):
    shape, strides, overload = _squeezed(self, dim)
    return _restride_(self, Restride(shape), shape, strides, f"SqueezeBackward{overload + 3}")


def unsqueeze_(self, dim):
    shape, strides = _unsqueezed(self, dim)
    return _restride_(self, Restride(shape), shape, strides, "UnsqueezeBackward1")


def transpose_(self, dim0, dim1):
    return _transpose_(self, dim0, dim1, "TransposeBackward1")


def _transpose_(self, dim0, dim1, grad_name):
    a, b = self._wrap_dim(dim0), self._wrap_dim(dim1)
    if self.dim() < 2:  # 0-d (dims 0/-1) or 1-d (a == b): sizes and strides stay
        return _restride_(self, Restride(self._shape), self._shape, self.stride(), grad_name)
    perm = list(range(self.dim()))
    perm[a], perm[b] = perm[b], perm[a]
    strides = self.stride()
    return _restride_(self, Permute(tuple(perm)), tuple(self._shape[d] for d in perm), tuple(strides[d] for d in perm),
                      grad_name)


def t_(self):
    if self.dim() > 2:
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {self.dim()}D")
    return _transpose_(self, 0, 1 if self.dim() == 2 else 0, "TBackward1")


# Tensor methods with no torch.* function (installed by _methods.install's caller below).
INPLACE_METHODS = {"squeeze_": squeeze_, "unsqueeze_": unsqueeze_, "transpose_": transpose_, "swapdims_": transpose_,
                   "swapaxes_": transpose_, "t_": t_}
for _name, _fn in INPLACE_METHODS.items():
    setattr(Tensor, _name, _fn)


# ----------------------------------------------------------------- permutations
def permute(input, *dims):
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    dims = shape_arg(dims)
    if len(dims) != input.dim():
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the length of the "
            f"desired ordering of dimensions i.e. input.dim() = {input.dim()} is not equal to len(dims) = {len(dims)}"
        )
    dims = tuple(input._wrap_dim(d) for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return _permuted(input, dims, "PermuteBackward0")


def _permuted(input, perm, grad_name):
    strides = input.stride()
    shape = tuple(input._shape[d] for d in perm)
    return make_view(input, Permute(perm), shape, tuple(strides[d] for d in perm), input._offset, grad_name)


def transpose(input, dim0, dim1):
    ndim = input.dim()
    if ndim == 0:
        input._wrap_dim(dim0)
        input._wrap_dim(dim1)
        return make_view(input, Reshape(()), (), (), input._offset, "TransposeBackward0")
    perm = list(range(ndim))
    a, b = input._wrap_dim(dim0), input._wrap_dim(dim1)
    perm[a], perm[b] = perm[b], perm[a]
    return _permuted(input, tuple(perm), "TransposeBackward0")


def t(input):
    if input.dim() > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.dim()}D")
    if input.dim() < 2:
        return alias(input, "TBackward0")
    return _permuted(input, (1, 0), "TBackward0")


def movedim(input, source, destination):
    source = list(source) if isinstance(source, (tuple, list)) else [source]
    destination = list(destination) if isinstance(destination, (tuple, list)) else [destination]
    if len(source) != len(destination):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({source} dims) should contain the same number of "
            f"dims as destination ({destination} dims)"
        )
    src = [input._wrap_dim(d) for d in source]
    dst = [input._wrap_dim(d) for d in destination]
    for name, dims, given in (("source", src, source), ("destination", dst, destination)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({given})")
    rest = [d for d in range(input.dim()) if d not in src]
    perm = [None] * input.dim()
    for s, d in zip(src, dst):
        perm[d] = s
    it = iter(rest)
    perm = tuple(p if p is not None else next(it) for p in perm)
    return _permuted(input, perm, "PermuteBackward0")


def _internally(where):
    """The suffix of a warning torch's C++ gives (at aten/src/ATen/native/`where`)."""
    return f" (Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/{where}.)"


def matrix_transpose(input):
    """Tensor.mT: swaps the last two dims (the identity, deprecated, on 0-d tensors)."""
    if input.dim() == 0:
        warn_once("Tensor.mT is deprecated on 0-D tensors. This function is the identity in these cases."
                  + _internally("TensorShape.cpp:4373"))
        return input
    if input.dim() < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return transpose(input, -2, -1)


def full_transpose(input):
    """Tensor.T: reverses all dims (torch deprecates it for ndim != 2)."""
    if input.dim() == 0:
        warn_once("Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases."
                  + _internally("TensorShape.cpp:4321"))
    elif input.dim() != 2:
        warn_once(
            "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it will "
            "throw an error in a future release. Consider `x.mT` to transpose batches of matrices or "
            "`x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor."
            + _internally("TensorShape.cpp:4314"))
    return _permuted(input, tuple(reversed(range(input.dim()))), "PermuteBackward0")


def matrix_adjoint(input, name="mH"):
    """Tensor.mH: the conjugate transpose of the last two dims (the conjugate on 0-d tensors)."""
    from .complex_ops import conj

    if input.dim() == 0:
        what, line = ("Tensor.mH is", 4382) if name == "mH" else ("adjoint() is", 4390)
        warn_once(f"{what} deprecated on 0-D tensors. Consider using x.conj()."
                  + _internally(f"TensorShape.cpp:{line}"))
        return conj(input)
    if input.dim() < 2:
        raise RuntimeError(f"tensor.{name} is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return conj(transpose(input, -2, -1))


def adjoint(input):
    """The conjugate transpose of the last two dims (a view). Implements `torch.adjoint`."""
    return matrix_adjoint(input, "adjoint()")


def adjoint_2d(input):
    """Tensor.H: the conjugate transpose of a matrix."""
    from .complex_ops import conj

    if input.dim() == 0:
        warn_once("Tensor.H is deprecated on 0-D tensors. Consider using x.conj()."
                  + _internally("TensorShape.cpp:4335"))
        return conj(input)
    if input.dim() != 2:
        hint = " For batches of matrices, consider using tensor.mH" if input.dim() > 2 else ""
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {input.dim()}-D tensor.{hint}")
    return conj(transpose(input, 0, 1))


# ----------------------------------------------------------------- broadcasting
def expand(input, *sizes):
    if not sizes:
        raise TypeError('expand() missing 1 required positional arguments: "size"')
    sizes = shape_arg(sizes)
    if len(sizes) < input.dim():
        raise RuntimeError(
            f"expand({input.type()}{{{list(input._shape)}}}, size={list(sizes)}): the number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions in the tensor ({input.dim()})"
        )
    # torch's inferExpandGeometry, innermost dim first: a new leading dim of size 1 gets
    # the stride a contiguous layout would give it, any other expanded dim stride 0.
    lead = len(sizes) - input.dim()
    shape, strides = [0] * len(sizes), [0] * len(sizes)
    old_strides = input.stride()
    for i in reversed(range(len(sizes))):
        target = sizes[i]
        if i < lead:
            if target < 0:
                raise RuntimeError(
                    f"The expanded size of the tensor ({target}) isn't allowed in a leading, non-existing dimension "
                    f"{i}")
            size = 1
            stride = shape[i + 1] * strides[i + 1] if i + 1 < len(sizes) else 0
        else:
            size, stride = input._shape[i - lead], old_strides[i - lead]
        if target == -1:
            target = size
        if size != target:
            if size != 1:
                raise RuntimeError(
                    f"The expanded size of the tensor ({target}) must match the existing size ({size}) at "
                    f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(input._shape)}"
                )
            if target < 0:
                raise RuntimeError("numel: integer multiplication overflow")
            size, stride = target, 0
        shape[i], strides[i] = size, stride
    shape = tuple(shape)
    return make_view(input, Expand(shape), shape, tuple(strides), input._offset, "ExpandBackward0")


def expand_as(input, other):
    return expand(input, other._shape)


def broadcast_to(input, size):
    return expand(input, size)


# ----------------------------------------------------------------- slicing
def slice_dim(input, dim, start, stop, step=1, grad_name="SliceBackward0"):
    """input[..., start:stop:step, ...] along `dim`, with Python's clamping of bounds."""
    if step <= 0:
        raise ValueError("step must be greater than zero")
    size = input._shape[dim]
    start, stop, _ = slice(start, stop).indices(size)
    stop = max(stop, start)
    length = (stop - start + step - 1) // step
    shape = input._shape[:dim] + (length,) + input._shape[dim + 1:]
    strides = list(input.stride())
    offset = input._offset + start * strides[dim]
    strides[dim] *= step
    return make_view(input, Slice(dim, start, stop, step), shape, tuple(strides), offset, grad_name)


def narrow(input, dim, start, length):
    if input.dim() == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    dim = input._wrap_dim(dim)
    size = input._shape[dim]
    start, length = start.__index__(), length.__index__()
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    start %= max(size, 1) if start < 0 else size + 1
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return slice_dim(input, dim, start, start + length)


def select(input, dim, index):
    if input.dim() == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = input._wrap_dim(dim)
    size = input._shape[dim]
    if isinstance(index, float):
        raise TypeError(f"select(): argument 'index' (position 2) must be int, not {type(index).__name__}")
    index = index.__index__()
    if not -size <= index < size:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size {list(input._shape)} at dimension {dim}")
    return _selected(input, dim, index % size)


def _selected(input, dim, index, grad_name="SelectBackward0"):
    strides = input.stride()
    shape = input._shape[:dim] + input._shape[dim + 1:]
    return make_view(input, Select(dim, index), shape, strides[:dim] + strides[dim + 1:],
                     input._offset + index * strides[dim], grad_name)


def _no_dims(input, dim):
    if input.dim() == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")


def unbind(input, dim=0):
    _no_dims(input, dim)
    dim = input._wrap_dim(dim)
    # torch records one multi-output UnbindBackward0; here each piece has its own node of that name
    return _multi_views(tuple(_selected(input, dim, i, "UnbindBackward0") for i in range(input._shape[dim])))


def _multi_views(pieces):
    """Lock the outputs of unbind/split as torch does: under autograd, modifying one in
    place is its error (an output that records: its number; made in grad mode of a tensor
    without grad: MULTI_OUTPUT_VIEW; made in no_grad mode: already a no-grad view)."""
    for i, piece in enumerate(pieces):
        if piece._grad_fn is not None:
            piece._view_lock = i
        elif STATE.enabled:
            piece._view_lock = MULTI_OUTPUT_VIEW
    return pieces


def split(tensor, split_size_or_sections, dim=0):
    if tensor.dim() == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    dim = tensor._wrap_dim(dim)
    size = tensor._shape[dim]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
        if step == 0 and size != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
        bounds = [(s, min(s + step, size)) for s in range(0, size, step)] if step else [(0, 0)]
        if not bounds:
            bounds = [(0, 0)]
        grad_name = "SplitBackward0"
    else:
        sections = [s.__index__() for s in split_size_or_sections]
        if any(s < 0 for s in sections):
            raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                               f"split_sizes={sections}")
        if sum(sections) != size:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at dimension "
                f"{dim}), but got split_sizes={sections}"
            )
        starts = [sum(sections[:i]) for i in range(len(sections))]
        bounds = [(s, s + n) for s, n in zip(starts, sections)]
        grad_name = "SplitWithSizesBackward0"
    # torch records one multi-output node; here each piece has its own node of that name
    return _multi_views(tuple(slice_dim(tensor, dim, a, b, 1, grad_name) for a, b in bounds))


def chunk(input, chunks, dim=0):
    if input.dim() == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    dim = input._wrap_dim(dim)
    size = input._shape[dim]
    if size == 0:  # torch keeps the number of chunks: `chunks` empty pieces
        return split(input, [0] * chunks, dim)
    return split(input, -(-size // chunks), dim)


def unsafe_split(tensor, split_size, dim=0):
    """`split` whose outputs share memory with `tensor` but are not views of it: no `_base`,
    their own version counters, in-place ops on them record as on any tensor.
    Implements `torch.unsafe_split`."""
    if isinstance(split_size, bool) or not isinstance(split_size, int):
        raise TypeError(f"unsafe_split(): argument 'split_size' (position 2) must be int, not "
                        f"{type(split_size).__name__}")
    return _unsafe(split, tensor, split_size, dim, "UnsafeSplitBackward0")


def unsafe_split_with_sizes(tensor, split_sizes, dim=0):
    """`split` by sizes, with `unsafe_split`'s outputs. Implements `torch.unsafe_split_with_sizes`."""
    if not isinstance(split_sizes, (tuple, list)):
        raise TypeError(f"unsafe_split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of ints, not "
                        f"{type(split_sizes).__name__}")
    return _unsafe(split, tensor, list(split_sizes), dim, "UnsafeSplitWithSizesBackward0")


def unsafe_chunk(input, chunks, dim=0):
    """`chunk` with `unsafe_split`'s outputs. Implements `torch.unsafe_chunk`."""
    return _unsafe(chunk, input, chunks, dim, "UnsafeSplitBackward0")


def _unsafe(make, tensor, how, dim, grad_name):
    from ..autograd.grad_mode import no_grad
    from .conversion import detach

    enabled = STATE.enabled
    with no_grad():
        pieces = make(tensor, how, dim)
    outputs = []
    for piece in pieces:
        alias = detach(piece)  # (shares the storage and its read chain; not a view)
        alias._family = [0]  # a version counter of its own
        if enabled and tensor._requires_grad:
            record(grad_name, reader(piece._chain[len(tensor._chain or ()):]), (tensor._data,), (tensor,), alias)
        outputs.append(alias)
    return tuple(outputs)


def tensor_split(input, indices_or_sections, dim=0):
    if input.dim() == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    dim = input._wrap_dim(dim)
    size = input._shape[dim]
    if isinstance(indices_or_sections, Tensor):
        if indices_or_sections.dim() > 1:
            raise RuntimeError(
                "tensor_split expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional "
                f"tensor, but got a tensor with {indices_or_sections.dim()} dims")
        if indices_or_sections.dtype is not _dtype.int64:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to have dtype of long, but got "
                               f"{type_name(indices_or_sections.dtype)}")
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, int):
        n = indices_or_sections
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        base, extra = divmod(size, n)
        bounds, start = [], 0
        for i in range(n):
            stop = start + base + (1 if i < extra else 0)
            bounds.append((start, stop))
            start = stop
    else:
        cuts = [0] + [min(max(c if c >= 0 else c + size, 0), size) for c in indices_or_sections] + [size]
        bounds = [(a, max(a, b)) for a, b in zip(cuts, cuts[1:])]
    return tuple(slice_dim(input, dim, a, b) for a, b in bounds)


def diagonal(input, offset=0, dim1=0, dim2=1):
    d1, d2 = input._wrap_dim(dim1), input._wrap_dim(dim2)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    strides = input.stride()
    n1, n2 = input._shape[d1], input._shape[d2]
    length = max(min(n1, n2 - offset) if offset >= 0 else min(n1 + offset, n2), 0)
    start = input._offset
    if length:
        start += offset * strides[d2] if offset >= 0 else -offset * strides[d1]
    keep = [d for d in range(input.dim()) if d not in (d1, d2)]
    shape = tuple(input._shape[d] for d in keep) + (length,)
    new_strides = tuple(strides[d] for d in keep) + (strides[d1] + strides[d2],)
    return make_view(input, Diagonal(offset, d1, d2), shape, new_strides, start, "DiagonalBackward0")


def unfold(input, dimension, size, step):
    dim = input._wrap_dim(dimension)
    length = input._shape[dim] if input.dim() else 1
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {dim} is {length} but size is {size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    count = (length - size) // step + 1
    strides = input.stride()
    if input.dim() == 0:  # one window of the single element (or none)
        step = Reshape((1,)) if size else Slice(0, 0, 0, 1)
        if not size:
            input = make_view(input, Reshape((1,)), (1,), (1,), input._offset, "UnfoldBackward0")
        return make_view(input, step, (size,), (1,), input._offset, "UnfoldBackward0")
    shape = input._shape[:dim] + (count,) + input._shape[dim + 1:] + (size,)
    new_strides = strides[:dim] + (strides[dim] * step,) + strides[dim + 1:] + (strides[dim],)
    return make_view(input, Unfold(dim, size, step), shape, new_strides, input._offset, "UnfoldBackward0")


# ----------------------------------------------------------------- complex parts
def real(input):
    if not input.dtype.is_complex:
        return input
    real_dtype = input.dtype.to_real()
    strides = tuple(2 * s for s in input.stride())
    return make_view(input, RealPart(), input._shape, strides, 2 * input._offset, "RealBackward0", real_dtype)


def imag(input):
    if not input.dtype.is_complex:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    real_dtype = input.dtype.to_real()
    strides = tuple(2 * s for s in input.stride())
    return make_view(input, ImagPart(), input._shape, strides, 2 * input._offset + 1, "ImagBackward0", real_dtype)


def as_strided(input, size, stride, storage_offset=None):
    """A view of `input`'s storage with any sizes, strides and offset (elements may repeat)."""
    step, root = _as_strided_step(input, size, stride, storage_offset)
    out = input._view_of(step, step.shape, step.strides, step.offset)
    out._chain = (step,)  # it reads the storage itself, not input's value
    if STATE.enabled and input._requires_grad:
        if root._chain is not None:
            raise NotImplementedError("as_strided with autograd on a tensor whose storage is laid out permuted")
        record("AsStridedBackward0", reader((step,)), (root._data,), (root,), out)
    return out


def as_strided_(self, size, stride, storage_offset=None):
    """Give `self` itself the sizes, strides and offset (in its storage): torch's in-place
    as_strided, which bumps the version and, under autograd, records AsStridedBackward1."""
    step, root = _as_strided_step(self, size, stride, storage_offset)
    return _restride_(self, step, step.shape, step.strides, "AsStridedBackward1", source=root)


def _as_strided_step(input, size, stride, storage_offset):
    """torch's checks of an as_strided layout; the AsStrided step and the storage's root tensor."""
    from .conversion import _capacity, _memory_flat

    size, stride = shape_arg((size,)), shape_arg((stride,))
    offset = input._offset if storage_offset is None else storage_offset.__index__()
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in size):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and strides={list(stride)}")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got strides: {list(stride)}")
    root = input if input._base is None else input._base
    if not _memory_flat(root) or root.dtype is not input.dtype:
        raise NotImplementedError("as_strided of a tensor whose storage holds another dtype or layout")
    needed = offset + sum((n - 1) * s for n, s in zip(size, stride)) + 1 if math.prod(size) else 0
    capacity = _capacity(input._storage)
    if needed > capacity:
        itemsize = input.dtype.itemsize
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and itemsize {itemsize} "
            f"requiring a storage size of {needed * itemsize} are out of bounds for storage of size "
            f"{capacity * itemsize}")
    return AsStrided(size, stride, offset), root


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """`input` with the elements at its storage window (size, stride, offset; default
    offset: input's) replaced by `src`, as torch's copy of input's storage does: window
    elements outside input's own elements are dropped. Implements `torch.as_strided_scatter`.
    Differs from torch: input's gradient is the incoming one with the overwritten elements
    zeroed (torch 2.13 gives the window's gradient there, which gradcheck rejects)."""
    from .conversion import _copy_strides, _laid_out, _memory_flat
    from .extras import _scatter_fn

    step, _ = _as_strided_step(input, size, stride, storage_offset)
    if tuple(src.shape) != step.shape:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(step.shape)}")
    if STATE.enabled and input._requires_grad and not input.is_contiguous():
        raise RuntimeError('!self.requires_grad() || self.is_contiguous() INTERNAL ASSERT FAILED at '
                           '"/__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp":4754, please report a bug to '
                           'PyTorch. as_strided_scatter is currently only supported for contiguous inputs')
    if 0 not in step.shape and any(st == 0 and n > 1 for n, st in zip(step.shape, step.strides)):
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a single memory "
            "location. Please clone() the tensor before performing the operation.")
    window = _addresses(step.shape, step.strides, step.offset)
    own = _addresses(input._shape, input.stride(), input._offset)
    owner = {address: i for i, address in enumerate(own)}
    hits = [(owner[address], j) for j, address in enumerate(window) if address in owner]
    positions = np.array([i for i, _ in hits], dtype=np.int64)
    sources = np.array([j for _, j in hits], dtype=np.int64)
    out = apply_fn("AsStridedScatterBackward0", _scatter_fn(positions, sources), (input, src), input.dtype)
    root = input if input._base is None else input._base
    if not (_memory_flat(root) and root.dtype is input.dtype):
        return _laid_out(out, _copy_strides(input, None))
    # torch's result is a copy of input's whole storage, window written, seen with input's layout.
    value = out._data
    memory = input._storage.get().reshape(-1)
    memory = _scatter_fn(np.array(window, dtype=np.int64))(memory, src._data)
    out._storage.set(_scatter_fn(np.array(own, dtype=np.int64))(memory, value))
    out._chain = (AsStrided(out._shape, input.stride(), input._offset),)
    out._strides, out._offset = input.stride(), input._offset
    out._cache, out._cache_version = value, out._storage.version
    return out


def _addresses(shape, strides, offset) -> list:
    """The storage address of each element of a strided layout, in row-major order."""
    grid = np.full((), offset, dtype=np.int64)
    for n, s in zip(shape, strides):
        grid = grid[..., None] + np.arange(n, dtype=np.int64) * s
    return grid.reshape(-1).tolist()


def alias(input, grad_name="AliasBackward0"):
    """A view of the whole tensor (what torch returns for no-op views like `x[...]`)."""
    return make_view(input, Reshape(input._shape), input._shape, input.stride(), input._offset, grad_name)
