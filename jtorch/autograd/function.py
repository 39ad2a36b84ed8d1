"""torch.autograd.Function: user-defined forward/backward pairs on the tape.

Unlike built-in ops (whose backward is `jax.vjp` of their JAX function), a Function's
node calls the user's Python `backward` with Tensors.
"""
from __future__ import annotations

import functools

from .grad_mode import STATE, no_grad
from .tape import SAVED_TENSORS_HOOKS, Node, _grad_mode as _mode, grad_edge, modified_error


class FunctionCtx:
    """The `ctx` of a custom Function."""

    def save_for_backward(self, *tensors):
        if SAVED_TENSORS_HOOKS:  # kept packed; unpacked (and not version-checked) on access
            pack, unpack = SAVED_TENSORS_HOOKS[-1]
            with no_grad():
                self._packed = (unpack, tuple(None if t is None else pack(t) for t in tensors))
            self._saved, self._saved_versions = (), ()
            return
        self._saved = tuple(tensors)
        self._saved_versions = tuple(t._autograd_version if t is not None else None for t in tensors)

    @property
    def saved_tensors(self):
        node = self._node
        if node is not None and node._freed:
            node._check_saved()
        packed = getattr(self, "_packed", None)
        if packed is not None:
            unpack, values = packed
            return tuple(None if v is None else unpack(v) for v in values)
        saved = getattr(self, "_saved", ())
        outputs = getattr(self, "_saved_outputs", {})
        for j, (t, version) in enumerate(zip(saved, getattr(self, "_saved_versions", ()))):
            if t is not None and t._autograd_version != version:
                raise modified_error(t, version, (self, outputs[j]) if j in outputs else None)
        if not outputs:
            return saved
        # A saved output comes back as a new tensor with this node as its grad_fn, as in torch.
        result = list(saved)
        for j, i in outputs.items():
            result[j] = _output_alias(saved[j], self, i)
        return tuple(result)

    def mark_dirty(self, *tensors):
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable = {id(t) for t in tensors}

    def set_materialize_grads(self, value: bool):
        self._materialize = bool(value)


class BackwardCFunction(FunctionCtx, Node):
    """A custom Function's node; it is also the `ctx` passed to forward/backward."""

    def apply(self, cotangent, needed=None):  # a custom backward computes what it computes
        return self._run(cotangent, recorded=False)

    def apply_recorded(self, cotangent, needed=None):
        return self._run(cotangent, recorded=True)

    def _run(self, cotangent, recorded):
        from .._tensor import Tensor
        from .tape import _wrap

        if self._freed:
            self._check_saved()
        cts = list(cotangent) if self._multi else [cotangent]
        grads_out = []
        for ct, (shape, dtype) in zip(cts, self._out_meta):
            if ct is None or (hasattr(ct, "dtype") and str(ct.dtype) == "float0"):
                ct = None if not getattr(self, "_materialize", True) else _zeros(shape, dtype)
            elif not isinstance(ct, Tensor):
                ct = _wrap(ct)
            grads_out.append(ct)
        with _mode(recorded):
            grads = self._function.backward(self, *grads_out)
        if not isinstance(grads, tuple):
            grads = (grads,)
        if len(grads) < self._n_inputs:
            raise RuntimeError(
                f"function {type(self).__name__} returned an incorrect number of gradients (expected "
                f"{self._n_inputs}, got {len(grads)})"
            )
        result = []
        for position in self._tensor_positions:
            g = grads[position]
            result.append(None if g is None else (g if recorded else g._data))
        return result


def _zeros(shape, dtype):
    from ..ops.creation import zeros

    return zeros(shape, dtype=dtype)


@functools.cache
def _node_class(function_cls):
    return type(function_cls.__name__ + "Backward", (BackwardCFunction,), {})


class FunctionMeta(type):
    pass


class Function(metaclass=FunctionMeta):
    """Subclass with static `forward(ctx, *args)` (or `forward(*args)` plus
    `setup_context(ctx, inputs, output)`) and `backward(ctx, *grad_outputs)`; call
    `YourFunction.apply(*args)`."""

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @classmethod
    def apply(cls, *args, **kwargs):
        from .._tensor import Tensor

        ctx = object.__new__(_node_class(cls))
        ctx._function = cls
        ctx._node = ctx
        ctx._freed = False
        ctx._saved = ()
        ctx.metadata = {}
        ctx._pre_hooks = ctx._hooks = ctx._retained = None
        positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        ctx._tensor_positions = positions
        ctx._n_inputs = len(args)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        uses_setup_context = "setup_context" in _defined(cls)
        with no_grad():
            if uses_setup_context:
                output = cls.forward(*args, **kwargs)
            else:
                output = cls.forward(ctx, *args, **kwargs)
        if uses_setup_context:
            cls.setup_context(ctx, args, output)
        tracking = STATE.enabled and any(ctx.needs_input_grad)
        outputs = output if isinstance(output, tuple) else (output,)
        if not tracking:
            return output
        ctx._diff = tuple(ctx.needs_input_grad[i] for i in positions)
        ctx.next_functions = tuple(grad_edge(args[i]) or (None, 0) for i in positions)
        ctx._multi = isinstance(output, tuple)
        ctx._out_meta = tuple((o._shape, o.dtype) if isinstance(o, Tensor) else ((), None) for o in outputs)
        non_diff = getattr(ctx, "_non_differentiable", set())
        dirty = {id(t) for t in getattr(ctx, "_dirty", ())}
        wrapped = []
        for i, o in enumerate(outputs):
            if isinstance(o, Tensor) and id(o) not in non_diff and o.dtype.category >= 2:
                if id(o) not in dirty and any(o is a for a in args):
                    o = o.view_as(o)  # an input returned as is becomes a view, as torch does
                o._grad_fn = ctx
                o._requires_grad = True
                o._output_nr = i
            wrapped.append(o)
        _keep_saved_outputs(ctx, outputs, wrapped)
        return tuple(wrapped) if isinstance(output, tuple) else wrapped[0]


def _keep_saved_outputs(ctx, outputs, wrapped):
    """Saved tensors that are outputs of this node are kept as detached aliases (no
    reference from the node to its own outputs, so no cycle), remembering their output
    numbers (`_saved_outputs`: saved position -> output number)."""
    saved = getattr(ctx, "_saved", ())
    kept = {}
    for j, t in enumerate(saved):
        for i, (o, w) in enumerate(zip(outputs, wrapped)):
            if t is not None and t is o and w is o and o._grad_fn is ctx:
                kept[j] = i
                break
    if kept:
        from ..ops.conversion import detach

        ctx._saved = tuple(detach(t) if j in kept else t for j, t in enumerate(saved))
        ctx._saved_outputs = kept


def _output_alias(alias, node, output_nr):
    from ..ops.conversion import detach

    t = detach(alias)
    t._grad_fn, t._requires_grad, t._output_nr = node, True, output_nr
    return t


def _defined(cls):
    names = set()
    for klass in cls.__mro__:
        if klass is Function:
            break
        names.update(vars(klass))
    return names


def once_differentiable(fn):
    """Runs `backward` without recording, so its result can't be differentiated again."""

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            return fn(ctx, *args)

    return wrapper


class InplaceFunction(Function):
    pass


class NestedIOFunction(Function):
    pass
