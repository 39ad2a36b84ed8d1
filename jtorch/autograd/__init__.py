"""torch.autograd: backward, grad, grad modes, and the Tensor autograd properties."""
from __future__ import annotations

import warnings

import jax.numpy as jnp

from . import grad_mode
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .tape import AccumulateGrad, Node, grad_edge, run_backward


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _roots(tensors, grad_tensors):
    from .._tensor import Tensor

    roots, cotangents = [], []
    for i, (t, g) in enumerate(zip(tensors, grad_tensors)):
        edge = grad_edge(t) if t._requires_grad else None
        if edge is None:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if t.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not t.dtype.is_floating_point:
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {t.dtype}")
            ct = jnp.ones(t._shape, t.dtype.np)
        else:
            if not isinstance(g, Tensor):
                g = Tensor._make(jnp.asarray(g, t.dtype.np), t.dtype, t.device)
            if g._shape != t._shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] has a shape of "
                    f"{t.shape}."
                )
            ct = g._data.astype(t.dtype.np)
        roots.append(edge[0])
        cotangents.append(ct)
    return roots, cotangents


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None):
    """Accumulate d(tensors)/d(leaf) into each leaf's `.grad`."""
    if create_graph:
        raise NotImplementedError("create_graph=True is not supported yet")
    tensors = _as_tuple(tensors)
    grad_tensors = _as_tuple(grad_tensors) if grad_tensors is not None else (None,) * len(tensors)
    roots, cotangents = _roots(tensors, grad_tensors)
    retain = create_graph if retain_graph is None else retain_graph
    chosen = None if inputs is None else set(_as_tuple(inputs))
    run_backward(roots, cotangents, bool(retain), inputs=chosen)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of `outputs` with respect to `inputs`, returned (not accumulated)."""
    from .._tensor import Tensor

    if create_graph:
        raise NotImplementedError("create_graph=True is not supported yet")
    outputs, inputs = _as_tuple(outputs), _as_tuple(inputs)
    grad_outputs = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)
    roots, cotangents = _roots(outputs, grad_outputs)
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
        if t.grad_fn is not None:
            raise NotImplementedError("autograd.grad with respect to non-leaf tensors is not supported yet")
    retain = create_graph if retain_graph is None else retain_graph
    captured = run_backward(roots, cotangents, bool(retain), accumulate=False, inputs=set(inputs))
    result = []
    for t in inputs:
        ct = captured.get(t)
        if ct is None:
            if not (allow_unused or materialize_grads):
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the graph. Set "
                    "allow_unused=True if this is the desired behavior."
                )
            result.append(Tensor._make(jnp.zeros(t._shape, t.dtype.np), t.dtype, t.device) if materialize_grads
                          else None)
        else:
            result.append(Tensor._make(ct.astype(t.dtype.np), t.dtype, t.device))
    return tuple(result)


# ----------------------------------------------------------------- Tensor properties
def _get_requires_grad(self):
    return self._requires_grad


def _set_requires_grad(self, value):
    self.requires_grad_(value)


def _is_leaf(self):
    return self.grad_fn is None


def _get_grad(self):
    if self.grad_fn is not None and not self._retains_grad:
        warnings.warn(
            "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't "
            "be populated during autograd.backward(). If you indeed want the .grad field to be populated for a "
            "non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by "
            "mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for "
            "more informations.", UserWarning, stacklevel=2,
        )
    return self._grad


def _set_grad(self, value):
    if value is not None:
        if value._shape != self._shape:
            raise RuntimeError("assigned grad has data of a different size")
        if value.dtype is not self.dtype:
            raise RuntimeError("assigned grad has data of a different type")
    self._grad = value


def _backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    backward(self, gradient, retain_graph, create_graph, inputs=inputs)


def _get_data(self):
    from ..ops.conversion import detach

    return detach(self)


def _set_data(self, value):
    self._storage, self._chain, self._shape = value._storage, value._chain, value._shape
    self._strides, self._offset, self.dtype = value._strides, value._offset, value.dtype
    self._cache, self._cache_version = None, -1


def install(tensor_cls):
    tensor_cls.requires_grad = property(_get_requires_grad, _set_requires_grad)
    tensor_cls.is_leaf = property(_is_leaf)
    tensor_cls.grad = property(_get_grad, _set_grad)
    tensor_cls.backward = _backward
    tensor_cls.data = property(_get_data, _set_data)
