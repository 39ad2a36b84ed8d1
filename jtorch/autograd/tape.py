"""The autograd tape: one Node per recorded op, holding the op's pure JAX function and
its input arrays; backward runs a cached, jitted `jax.vjp` of that function."""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp

from .grad_mode import STATE


class Node:
    """A backward function in the graph; subclasses are named as torch names them."""

    __slots__ = ("_fn", "_inputs", "_diff", "next_functions", "_out_meta", "metadata", "_freed",
                 "_saved_versions", "__weakref__")

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    def register_hook(self, hook):
        raise NotImplementedError("Node.register_hook is not supported yet")

    def apply(self, cotangents):
        """Input cotangents (one per next_function; None where no gradient flows)."""
        if self._freed:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved tensors after they "
                "have already been freed). Saved intermediate values of the graph are freed when you call "
                ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph "
                "a second time or if you need to access saved tensors after calling backward."
            )
        grads = _vjp(self._fn, self._diff)(self._inputs, cotangents)
        out, it = [], iter(grads)
        for d in self._diff:
            out.append(next(it) if d else None)
        return out

    def release(self):
        self._inputs = None
        self._freed = True


class AccumulateGrad(Node):
    """The sink of a leaf tensor: adds incoming gradients to `variable.grad`."""

    __slots__ = ("variable",)


@functools.cache
def node_class(name: str) -> type:
    return type(name, (Node,), {"__slots__": ()})


@functools.lru_cache(maxsize=16384)
def _vjp(fn, diff: tuple):
    """A jitted function (inputs, cotangent) -> gradients of the differentiable inputs."""

    def vjp(inputs, cotangent):
        def partial(*diff_inputs):
            it = iter(diff_inputs)
            return fn(*[next(it) if d else x for d, x in zip(diff, inputs)])

        _, pullback = jax.vjp(partial, *[x for d, x in zip(diff, inputs) if d])
        return pullback(cotangent)

    return jax.jit(vjp)


def differentiable(tensor) -> bool:
    return tensor is not None and getattr(tensor, "_requires_grad", False)


def grad_edge(tensor):
    """(node, output index) that gradients for `tensor` flow into, or None."""
    if tensor.grad_fn is not None:
        return (tensor.grad_fn, 0)
    if tensor._requires_grad:
        acc = tensor._grad_acc
        if acc is None:
            acc = object.__new__(AccumulateGrad)
            acc.variable = tensor
            acc.next_functions = ()
            acc._freed = False
            acc.metadata = {}
            tensor._grad_acc = acc
        return (acc, 0)
    return None


def record(grad_name, fn, inputs, tensors, result):
    """Attach a `grad_name` node to the Tensor `result` computed as `fn(*inputs)`, when
    grad mode is on and some Tensor in `tensors` (aligned with `inputs`) requires grad."""
    diff = tuple(differentiable(t) and t.dtype.category >= 2 for t in tensors)
    if not any(diff):
        return result
    node = object.__new__(node_class(grad_name))
    node._fn = fn
    node._inputs = tuple(inputs)
    node._diff = diff
    node._freed = False
    node.metadata = {}
    node._out_meta = (result._shape, result.dtype)
    node.next_functions = tuple((grad_edge(t) or (None, 0)) if t is not None and hasattr(t, "grad_fn") else (None, 0)
                                for t in tensors)
    result.grad_fn = node
    result._requires_grad = True
    return result


def wants_grad(tensors) -> bool:
    if not STATE.enabled:
        return False
    for t in tensors:
        if t is not None and getattr(t, "_requires_grad", False):
            return True
    return False


def _topological(roots):
    order, seen = [], set()
    for root in roots:
        stack = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            if node in seen:
                continue
            seen.add(node)
            stack.append((node, True))
            for parent, _ in node.next_functions:
                if parent is not None and parent not in seen:
                    stack.append((parent, False))
    return order[::-1]


def run_backward(roots, cotangents, retain_graph: bool, accumulate=True, inputs=None):
    """Propagate `cotangents` (jax arrays) from the `roots` nodes to the leaves."""
    from .._tensor import Tensor

    grads: dict = {}
    for node, ct in zip(roots, cotangents):
        grads[node] = grads[node] + ct if node in grads else ct
    captured = {}
    for node in _topological(roots):
        ct = grads.pop(node, None)
        if ct is None:
            continue
        if isinstance(node, AccumulateGrad):
            variable = node.variable
            if inputs is not None and variable not in inputs:
                continue
            if not accumulate:
                captured[variable] = ct
                continue
            ct = ct.astype(variable.dtype.np)
            if variable._grad is None:
                variable._grad = Tensor._make(ct, variable.dtype, variable.device)
            else:
                variable._grad = Tensor._make(variable._grad._data + ct, variable.dtype, variable.device)
            continue
        for (parent, _), g in zip(node.next_functions, node.apply(ct)):
            if parent is not None and g is not None:
                grads[parent] = grads[parent] + g if parent in grads else g
        if not retain_graph:
            node.release()
    return captured


def zeros_like_array(shape, dtype):
    return jnp.zeros(shape, dtype.np)
