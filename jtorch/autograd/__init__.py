"""torch.autograd: backward, grad, grad modes, and the Tensor autograd properties."""
from __future__ import annotations

import functools
import warnings
import weakref

import jax
import jax.numpy as jnp
import numpy as np

from . import grad_mode, graph
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .tape import AccumulateGrad, Node, grad_edge, refresh_view, run_backward


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _roots(tensors, grad_tensors, create_graph):
    """Graph edges of `tensors` and their initial cotangents (torch's checks included)."""
    from .._tensor import Tensor

    edges, cotangents = [], []
    for i, (t, g) in enumerate(zip(tensors, grad_tensors)):
        edge = grad_edge(t) if t._requires_grad else None
        if edge is None or edge[0] is None:  # (None, 0): a view made in no_grad mode
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if t.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not t.dtype.is_floating_point:
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {t.dtype}")
            g = Tensor._make(_ones(t._shape, t.dtype.np, t.device), t.dtype, t.device)
        elif not isinstance(g, Tensor):
            g = Tensor._make(jnp.asarray(g, t.dtype.np), t.dtype, t.device)
        if g._shape != t._shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] has a shape of "
                f"{t.shape}."
            )
        edges.append(edge)
        if create_graph:
            cotangents.append(g)
        else:
            data = g._data
            cotangents.append(data if data.dtype == t.dtype.np else data.astype(t.dtype.np))
    return edges, cotangents


@functools.lru_cache(maxsize=64)
def _ones(shape, np_dtype, device):
    """The implicit seed gradient (arrays are immutable, so one per shape, dtype and device)."""
    from .. import _device

    return jax.device_put(np.ones(shape, np_dtype), _device.jax_device(device))


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None):
    """Accumulate d(tensors)/d(leaf) into the `.grad` of each leaf (or of `inputs`)."""
    tensors = _as_tuple(tensors)
    grad_tensors = _as_tuple(grad_tensors) if grad_tensors is not None else (None,) * len(tensors)
    edges, cotangents = _roots(tensors, grad_tensors, create_graph)
    retain = create_graph if retain_graph is None else retain_graph
    if inputs is not None:
        inputs = tuple(inputs.values()) if isinstance(inputs, dict) else _as_tuple(inputs)
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
        captured = run_backward(edges, cotangents, bool(retain), create_graph, inputs=inputs, accumulate=False)
        from .tape import _accumulate

        for t, g in captured.items():
            _accumulate(t, g, create_graph)
        return
    run_backward(edges, cotangents, bool(retain), create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of `outputs` with respect to `inputs`, returned (not accumulated)."""
    from .._tensor import Tensor

    outputs, inputs = _as_tuple(outputs), _as_tuple(inputs)
    grad_outputs = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)
    edges, cotangents = _roots(outputs, grad_outputs, create_graph)
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    retain = create_graph if retain_graph is None else retain_graph
    captured = run_backward(edges, cotangents, bool(retain), create_graph, inputs=inputs, accumulate=False)
    result = []
    for t in inputs:
        g = captured.get(t)
        if g is None:
            if not (allow_unused or materialize_grads):
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the graph. Set "
                    "allow_unused=True if this is the desired behavior."
                )
            result.append(Tensor._make(jnp.zeros(t._shape, t.dtype.np), t.dtype, t.device) if materialize_grads
                          else None)
        elif isinstance(g, Tensor):
            result.append(g if create_graph else g.detach())
        else:
            result.append(Tensor._make(g.astype(t.dtype.np), t.dtype, t.device))
    return tuple(result)


# ----------------------------------------------------------------- Tensor properties
def _get_requires_grad(self):
    if self._attr_version is not None:
        refresh_view(self, use=False)  # a view whose base gained history since requires grad now
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
        if value.dtype is not self.dtype:
            raise RuntimeError("assigned grad has data of a different type")
        if value._shape != self._shape:
            raise RuntimeError("assigned grad has data of a different size")
        if value.device != self.device:
            raise RuntimeError("assigned grad has data located on a different device")
    self._grad = value


def _backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    backward(self, gradient, retain_graph, create_graph, inputs=inputs)


def _get_data(self):
    """A detached alias whose writes do not count as modifications of `self` (torch gives
    `.data` a version counter of its own, starting at 0)."""
    from ..ops.conversion import detach

    alias = detach(self)
    alias._family = [0]
    return alias


def _set_data(self, value):
    self._storage, self._chain, self._shape = value._storage, value._chain, value._shape
    self._strides, self._offset, self.dtype = value._strides, value._offset, value.dtype
    self._cache, self._cache_version = None, -1


def _retain_grad(self):
    if not self._requires_grad:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    if self.grad_fn is None or self._retains_grad:
        return
    node = self.grad_fn
    node._retained = dict(node._retained or {})
    node._retained[self._output_nr] = weakref.ref(self)
    self._retains_grad = True


def _retains_grad(self):
    return self._retains_grad if self.grad_fn is not None else False


class _Handle:
    def __init__(self, remove):
        self.remove = remove

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _register_hook(self, hook):
    """hook(grad) runs when the gradient of this tensor is computed; it may return a
    replacement gradient."""
    if not self._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if self.grad_fn is None:
        self._hooks = (self._hooks or ()) + (hook,)

        def remove():
            self._hooks = tuple(h for h in self._hooks if h is not hook)
        return _Handle(remove)
    node = self.grad_fn
    node._pre_hooks = dict(node._pre_hooks or {})
    node._pre_hooks.setdefault(self._output_nr, []).append(hook)
    return _Handle(lambda: node._pre_hooks[self._output_nr].remove(hook))


def _register_post_accumulate_grad_hook(self, hook):
    if self.grad_fn is not None:
        raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
    self._post_acc_hooks = (self._post_acc_hooks or ()) + (hook,)

    def remove():
        self._post_acc_hooks = tuple(h for h in self._post_acc_hooks if h is not hook)
    return _Handle(remove)


def install(tensor_cls):
    tensor_cls.requires_grad = property(_get_requires_grad, _set_requires_grad)
    tensor_cls.is_leaf = property(_is_leaf)
    tensor_cls.grad = property(_get_grad, _set_grad)
    tensor_cls.backward = _backward
    tensor_cls.data = property(_get_data, _set_data)
    tensor_cls.retain_grad = _retain_grad
    tensor_cls.retains_grad = property(_retains_grad)
    tensor_cls.register_hook = _register_hook
    tensor_cls.register_post_accumulate_grad_hook = _register_post_accumulate_grad_hook
    tensor_cls.output_nr = property(lambda self: self._output_nr)


from . import functional  # noqa: E402
from . import forward_ad  # noqa: E402
from .anomaly_mode import detect_anomaly, set_detect_anomaly  # noqa: E402,F401
from .gradcheck import GradcheckError, gradcheck, gradgradcheck  # noqa: E402


class Variable:
    """Deprecated torch.autograd.Variable: returns its tensor."""

    def __new__(cls, data, requires_grad=False):
        return data.requires_grad_(requires_grad) if requires_grad else data
