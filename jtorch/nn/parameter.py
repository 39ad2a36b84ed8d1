"""nn.Parameter and nn.Buffer."""
from __future__ import annotations

from .._tensor import Tensor


def _share(cls, data, requires_grad):
    """An instance of `cls` sharing `data`'s storage and layout (no autograd history)."""
    t = object.__new__(cls)
    t._storage, t._chain, t._shape, t.dtype = data._storage, data._chain, data._shape, data.dtype
    t._strides, t._offset, t._base = data._strides, data._offset, None  # torch: made from data.detach()
    t._grad_fn = None
    t._requires_grad = False
    if requires_grad:
        t.requires_grad_(True)
    return t


class Parameter(Tensor):
    """A Tensor that is a module's learnable parameter (requires grad by default)."""

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from ..ops.creation import empty

            data = empty(0)
        return _share(cls, data, requires_grad)

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, protocol):
        return (Parameter, (self.detach(), self.requires_grad))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = Parameter(self.detach().clone(), self.requires_grad)
        memo[id(self)] = result
        return result


class Buffer(Tensor):
    """Marks a tensor to be registered as a module buffer when assigned as an attribute.
    Assigning it to a module stores the plain tensor, as torch does."""

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            from ..ops.creation import empty

            data = empty(0)
        t = _share(cls, data, data.requires_grad)
        t.persistent = persistent
        return t

    def __init__(self, data=None, *, persistent=True):
        pass


class UninitializedParameter(Parameter):
    """A parameter without a shape yet (lazy modules); using it as a tensor is an error."""

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        return Parameter.__new__(cls, None, requires_grad)

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass

    def __repr__(self):
        return "<UninitializedParameter>"

    __str__ = __repr__
