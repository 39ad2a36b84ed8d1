"""The autograd tape: one Node per recorded op, holding the op's pure JAX function and
its input arrays; backward runs a cached, jitted `jax.vjp` of that function.

With `create_graph=True` the backward of each node is itself recorded as an op on the
tape (its inputs: the saved inputs, re-attached to their original graph edges, and the
cotangents), so gradients of gradients come from the same mechanism.
"""
from __future__ import annotations

import functools
import weakref

import jax
import jax.numpy as jnp

from .._runtime import _STATE as _RUNTIME_STATE
from .fused import try_fused
from .grad_mode import STATE


class Node:
    """A backward function in the graph; subclasses are named as torch names them."""

    # Set for every node are slots; rarely set ones default on the class (recording an op
    # is on the per-op hot path).
    __slots__ = ("_fn", "_inputs", "_diff", "next_functions", "_out_meta", "_multi", "_freed", "_saved", "__dict__",
                 "__weakref__")
    _packed = None  # (unpack hook, packed saved tensors) under saved_tensors_hooks
    _pre_hooks = None  # {output index (-1: the node's), [hooks]}
    _hooks = None
    _retained = None  # {output index: weakref of the tensor whose .grad is retained}
    _metadata = None

    @property
    def metadata(self) -> dict:
        if self._metadata is None:
            self._metadata = {}
        return self._metadata

    @metadata.setter
    def metadata(self, value):
        self._metadata = value

    def name(self) -> str:
        name = type(self).__name__
        return "torch::autograd::" + name if name in _CPP_NODES else name

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    def __call__(self, *grads):
        return self.apply(grads[0] if len(grads) == 1 else grads)

    def register_hook(self, hook):
        """hook(grad_inputs, grad_outputs) runs after this node computed its gradients."""
        self._hooks = (self._hooks or ()) + (hook,)
        return _RemovableHandle(self, "_hooks", hook)

    def register_prehook(self, hook):
        self._pre_hooks = dict(self._pre_hooks or {})
        self._pre_hooks.setdefault(-1, []).append(hook)
        return _RemovableHandle(self, None, hook)

    def _check_saved(self):
        if self._freed:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved tensors after they "
                "have already been freed). Saved intermediate values of the graph are freed when you call "
                ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph "
                "a second time or if you need to access saved tensors after calling backward."
            )
        for holder, version, output in self._saved or ():
            if holder._autograd_version != version:
                if output is None:  # an input
                    raise modified_error(holder, version)
                # one of this node's outputs (kept by its storage only: no reference cycle)
                from ..ops.conversion import legacy_type_name

                shape, dtype = self._out_meta[output]
                raise RuntimeError(_MODIFIED_ERROR.format(
                    f"{legacy_type_name(dtype, holder.device)} [{', '.join(map(str, shape))}]",
                    f", which is output {output} of {_short_name(self)},", holder._autograd_version, version))

    def _saved_inputs(self):
        """The input arrays backward needs; those packed by saved-tensor hooks are unpacked."""
        packed = getattr(self, "_packed", None)
        if packed is None:
            return self._inputs
        unpack, entries = packed
        inputs = list(self._inputs)
        for index, value in entries:
            tensor = unpack(value)
            if index is not None:
                inputs[index] = tensor._data
        return tuple(inputs)

    def apply(self, cotangent, needed=None):
        """Input cotangent arrays (one per next_function; None where no gradient flows).
        `needed` (a subset of the differentiable inputs) limits which gradients are computed."""
        if self._freed or self._saved is not None:
            self._check_saved()
        diff = needed or self._diff
        grads = _vjp(self._fn, diff)(self._inputs if self._packed is None else self._saved_inputs(), cotangent)
        if len(grads) == len(diff):
            return grads
        it = iter(grads)
        return [next(it) if d else None for d in diff]

    def apply_recorded(self, cotangent, needed=None):
        """Like `apply` on Tensors, recording the computation for higher-order grads."""
        from .._tensor import Tensor

        self._check_saved()
        diff = needed or self._diff
        inputs = self._saved_inputs()
        proxies = [_proxy(x, edge) for x, edge in zip(inputs, self.next_functions)]
        cts = list(cotangent) if self._multi else [cotangent]
        fn = _vjp_flat(self._fn, diff, self._multi, len(inputs))
        arrays = list(inputs) + [c._data for c in cts]
        values = fn(*arrays)
        outputs = tuple(_wrap(v) for v in (values if isinstance(values, tuple) else (values,)))
        record(type(self).__name__ + "Backward", fn, arrays, proxies + cts,
               outputs if len(outputs) != 1 else outputs[0])
        it = iter(outputs)
        return [next(it) if d else None for d in diff]

    def release(self):
        self._inputs = None
        if self._packed is not None:
            self._packed = None
        self._freed = True


# (pack_hook, unpack_hook) pairs of the active torch.autograd.graph.saved_tensors_hooks
# contexts, innermost last; see graph.py.
SAVED_TENSORS_HOOKS: list = []


def _pack_saved(node, saved, tensors, inputs):
    """Hand each saved tensor to the innermost pack hook, as torch does when an op saves it
    for backward. The node then keeps only the packed values (no version check, as in torch)
    and unpacks them when backward runs."""
    pack, unpack = SAVED_TENSORS_HOOKS[-1]
    entries = []
    for t in saved:
        if t is None:
            continue
        index = next((i for i, o in enumerate(tensors) if o is t), None)
        entries.append((index, pack(t)))
        if index is not None:
            inputs[index] = None
    node._inputs = tuple(inputs)
    node._packed = (unpack, entries)
    node._saved = None


class AccumulateGrad(Node):
    """The sink of a leaf tensor: adds incoming gradients to `variable.grad`."""

    __slots__ = ("variable",)


class _RemovableHandle:
    def __init__(self, owner, attr, hook):
        self._owner, self._attr, self._hook = owner, attr, hook

    def remove(self):
        if self._attr == "_hooks" and self._owner._hooks:
            self._owner._hooks = tuple(h for h in self._owner._hooks if h is not self._hook)
        elif self._owner._pre_hooks:
            for hooks in self._owner._pre_hooks.values():
                if self._hook in hooks:
                    hooks.remove(self._hook)


def _type_string(t):
    return t.type()


_CPP_NODES = ("CopySlices", "AccumulateGrad", "CopyBackwards")  # nodes torch names by their C++ class


def _short_name(node) -> str:
    """A node's name as torch's autograd errors print it: MulBackward0 -> Mul, a custom
    MyFnBackward -> MyFn, torch::autograd::CopySlices as is."""
    name = node.name()
    stripped = name.rstrip("0123456789")
    return stripped[:-len("Backward")] if stripped.endswith("Backward") else name


_INFERENCE_SAVED_ERROR = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode in "
    "computation tracked by autograd. To work around this, you can make a clone to get a normal tensor and use it in "
    "autograd, or use `torch.no_grad()` instead of `torch.inference_mode()`.")
_MODIFIED_ERROR = (
    "one of the variables needed for gradient computation has been modified by an inplace operation: [{}]{} is at "
    "version {}; expected version {} instead. Hint: enable anomaly detection to find the operation that failed to "
    "compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")


def modified_error(tensor, expected, saved_by=None) -> RuntimeError:
    """torch's error for a saved tensor modified in place before backward. It names the
    node that made the tensor: for one of the saving node's own outputs, `saved_by`
    (that node, the output number), else the tensor's producer now, if any (not a leaf)."""
    if saved_by is not None:
        producer = f", which is output {saved_by[1]} of {_short_name(saved_by[0])},"
    else:
        grad_fn = tensor.grad_fn
        producer = "" if grad_fn is None else f", which is output {tensor._output_nr} of {_short_name(grad_fn)},"
    described = f"{_type_string(tensor)} [{', '.join(map(str, tensor._shape))}]"
    return RuntimeError(_MODIFIED_ERROR.format(described, producer, tensor._autograd_version, expected))


_MULTI_VIEW_ADVICE = ("This view is the output of a function that returns multiple views. Such functions do not "
                      "allow the output views to be modified inplace. You should replace the inplace operation by an "
                      "out-of-place one.")
_NO_GRAD_ADVICE = (
    "Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both "
    "the view and the inplace either both inside the {} block (if you don't want the inplace to be tracked) or both "
    "outside (if you want the inplace to be tracked).")
# Tensor._view_lock: views torch forbids to modify in place under autograd (its CreationMeta
# other than DEFAULT), besides an output number for an output of unbind/split that records:
NO_GRAD_VIEW = "no_grad"  # made in no_grad mode
INFERENCE_VIEW = "inference_mode"  # made in inference mode (of a normal tensor)
MULTI_OUTPUT_VIEW = "multi_output"  # an output of unbind/split made in grad mode of a tensor without grad
_NO_GRAD_LOCKS = (NO_GRAD_VIEW, INFERENCE_VIEW)
MODIFIED_ITSELF = "is being modified inplace"
BASE_MODIFIED = "its base or another view of its base has been modified inplace"


def view_lock_error(view, what) -> RuntimeError:
    """torch's refusal to modify a locked view (`Tensor._view_lock`) in place, or to use it
    once its base was modified: `what` is MODIFIED_ITSELF or BASE_MODIFIED."""
    lock = view._view_lock
    if lock == NO_GRAD_VIEW:
        return RuntimeError(f"A view was created in no_grad mode and {what} with grad mode enabled. "
                            + _NO_GRAD_ADVICE.format("no_grad"))
    if lock == INFERENCE_VIEW:
        return RuntimeError(f"A view was created in inference mode and {what} in normal mode. "
                            + _NO_GRAD_ADVICE.format("inference_mode"))
    if lock == MULTI_OUTPUT_VIEW:
        return RuntimeError(f"A view was created in no_grad mode and {what} with grad mode enabled. "
                            + _MULTI_VIEW_ADVICE)
    return RuntimeError(f"Output {lock} of {_short_name(view._grad_fn)} is a view and {what}. " + _MULTI_VIEW_ADVICE)


def refresh_view(view, use=True):
    """torch regenerates the grad_fn of a view made in grad mode when its base or another
    view of it was modified in place since the view's grad_fn was set: the view then
    reads from its base's new history (AsStridedBackward0). A locked view (see
    `view_lock_error`) is not regenerated: it requires grad once its base does, and
    raises where autograd uses it (`use`: reading its grad_fn, recording an op on it)."""
    version = view._autograd_version
    if view._attr_version == version:
        return
    base = view._base
    if base is None:  # no longer a view (resize_ moved it to a storage of its own)
        view._attr_version = None
        return
    if base._requires_grad:
        if view._view_lock is not None:
            if use:
                raise view_lock_error(view, BASE_MODIFIED)
            view._requires_grad = True
            return
        from .._views import reader

        view._grad_fn = None
        record("AsStridedBackward0", reader(view._chain[len(base._chain or ()):]), (base._data,), (base,), view)
        view._output_nr = 0
        if view._retains_grad:  # retain_grad carries over to the new grad_fn, as in torch
            view._grad_fn._retained = {0: weakref.ref(view)}
    view._attr_version = version


def _dtype_of(array):
    from .. import _dtype

    return _dtype.from_numpy_dtype(array.dtype)


def _proxy(array, edge):
    """A Tensor holding `array` whose gradient flows into the graph `edge`."""
    from .._tensor import Tensor

    node, index = edge
    t = Tensor._make(array, _dtype_of(array))
    if node is None:
        return t
    t._requires_grad = True
    if isinstance(node, AccumulateGrad):
        t._grad_acc = node
    else:
        t._grad_fn = node
        t._output_nr = index
    return t


_NODE_CLASSES: dict = {}
_new = object.__new__


def node_class(name: str) -> type:
    """The Node subclass named `name` (torch's class name for the op's backward)."""
    cls = _NODE_CLASSES.get(name)
    if cls is None:
        cls = _NODE_CLASSES[name] = type(name, (Node,), {"__slots__": ()})
    return cls


def _with_diff(fn, diff, inputs, diff_inputs):
    it = iter(diff_inputs)
    return fn(*[next(it) if d else x for d, x in zip(diff, inputs)])


def _conj(tree):
    """Complex conjugate of each complex array. torch's gradient is the conjugate of
    JAX's cotangent convention: torch_vjp(g) = conj(jax_vjp(conj(g)))."""
    return jax.tree_util.tree_map(lambda a: jnp.conj(a) if jnp.iscomplexobj(a) else a, tree)


@functools.lru_cache(maxsize=16384)
def _vjp(fn, diff: tuple):
    """A jitted function (inputs, cotangent) -> gradients of the differentiable inputs."""

    def vjp(inputs, cotangent):
        _, pullback = jax.vjp(lambda *d: _with_diff(fn, diff, inputs, d), *[x for d, x in zip(diff, inputs) if d])
        return _conj(pullback(_conj(cotangent)))

    return jax.jit(vjp)


@functools.lru_cache(maxsize=16384)
def _vjp_flat(fn, diff: tuple, multi: bool, n_inputs: int):
    """`_vjp` with flat arguments (inputs..., cotangents...), itself differentiable."""

    def vjp(*args):
        inputs, cts = args[:n_inputs], args[n_inputs:]
        _, pullback = jax.vjp(lambda *d: _with_diff(fn, diff, inputs, d), *[x for d, x in zip(diff, inputs) if d])
        grads = _conj(pullback(_conj(tuple(cts) if multi else cts[0])))
        return grads[0] if len(grads) == 1 else tuple(grads)

    return jax.jit(vjp)


def differentiable(tensor) -> bool:
    return tensor is not None and getattr(tensor, "_requires_grad", False)


def grad_edge(tensor):
    """(node, output index) that gradients for `tensor` flow into, or None."""
    if tensor._grad_fn is not None:
        return (tensor._grad_fn, tensor._output_nr)
    if tensor._requires_grad:
        if tensor._view_lock in _NO_GRAD_LOCKS:  # a view made in no_grad mode: its gradient goes nowhere
            return _NO_EDGE
        acc = tensor._grad_acc
        if acc is None:
            acc = object.__new__(AccumulateGrad)
            acc.variable = tensor
            acc.next_functions = ()
            acc._freed = False
            acc._saved = None
            tensor._grad_acc = acc
        return (acc, 0)
    return None


def record(grad_name, fn, inputs, tensors, result, saved=()):
    """Attach a `grad_name` node to `result` (a Tensor, or a tuple of Tensors when `fn`
    returns a tuple) computed as `fn(*inputs)`, when some Tensor in `tensors` (aligned
    with `inputs`) requires grad. `saved` lists the tensors torch saves for backward:
    modifying one in place before backward raises torch's error."""
    # (written for the per-op hot path: list comprehensions, no generator expressions)
    diff = tuple([t is not None and getattr(t, "_requires_grad", False) and t.dtype.category >= 2 for t in tensors])
    if True not in diff:
        return result
    # an edge for each input that requires grad (only float and complex tensors can)
    edges = tuple([((t._grad_fn, t._output_nr) if t._grad_fn is not None else grad_edge(t)) if d else _NO_EDGE
                   for t, d in zip(tensors, diff)])
    for t, d in zip(tensors, diff):
        if d and t._view_lock is not None:
            _check_view_lock(t)
    return _attach(grad_name, fn, inputs, tensors, diff, edges, result, saved)


def record_one(grad_name, fn, inputs, tensors, diff, tensor, result, saved=()):
    """`record` for the hot paths' ops with one tensor operand, `tensor`, which requires
    grad: `diff` is (True,) or marks its place among two operands; `result` is a Tensor."""
    edge = (tensor._grad_fn, tensor._output_nr) if tensor._grad_fn is not None else grad_edge(tensor)
    edges = (edge,) if len(diff) == 1 else (edge, _NO_EDGE) if diff[0] else (_NO_EDGE, edge)
    if tensor._view_lock is not None:
        _check_view_lock(tensor)
    return _attach(grad_name, fn, inputs, tensors, diff, edges, result, saved)


def _check_view_lock(view):
    """Using a locked view (an output of unbind/split, a view made in no_grad mode) whose
    base was modified in place since it was made is torch's error (where there is history
    to regenerate: the view has a grad_fn or its base requires grad)."""
    if view._attr_version != view._autograd_version and (
            view._grad_fn is not None or view._base is not None and view._base._requires_grad):
        raise view_lock_error(view, BASE_MODIFIED)


def _attach(grad_name, fn, inputs, tensors, diff, edges, result, saved):
    multi = isinstance(result, (tuple, list))
    node = _new(_NODE_CLASSES.get(grad_name) or node_class(grad_name))
    node._fn = fn
    node._inputs = inputs if inputs.__class__ is tuple else tuple(inputs)
    node._diff = diff
    node._freed = False
    node._multi = multi
    node._saved = _saved_versions(saved, result, multi) if saved else None
    node.next_functions = edges
    if multi:
        node._out_meta = tuple([(o._shape, o.dtype) for o in result])
        for i, o in enumerate(result):
            if o.dtype.category >= 2:
                o._grad_fn = node
                o._requires_grad = True
                o._output_nr = i
    else:
        node._out_meta = ((result._shape, result.dtype),)
        if result.dtype.category >= 2:
            result._grad_fn = node
            result._requires_grad = True
    if SAVED_TENSORS_HOOKS and saved:
        with _grad_mode(False):  # torch packs with grad disabled, after the outputs have their grad_fn
            _pack_saved(node, saved, tensors, list(inputs))
    return result


_NO_EDGE = (None, 0)


def _saved_versions(saved, result, multi):
    """(holder, version, output number) for each saved tensor: an input is held itself
    (output None); an output of the node by its storage, as torch's SavedVariable keeps
    no reference from a node to its own output."""
    entries = []
    for t in saved:
        if t is None:
            continue
        if t._storage.inference:
            raise RuntimeError(_INFERENCE_SAVED_ERROR)
        output = (next((i for i, o in enumerate(result) if o is t), None) if multi else
                  0 if t is result else None)
        # (an output that counts its versions apart, a `.data` alias's view, is held itself)
        holder = t._storage if output is not None and t._family is None else t
        entries.append((holder, t._autograd_version, output))
    return tuple(entries) or None


def capture_history(target):
    """What `record_inplace` needs to know about `target` before it is overwritten. (An op
    that records may not modify a locked view: torch's check_inplace.)"""
    if target._view_lock is not None:
        raise view_lock_error(target, MODIFIED_ITSELF)
    return target, (target._base._data if target._base is not None else None)


def record_inplace(history, grad_name, fn, inputs, tensors, saved=()):
    """Record an in-place op that already wrote `fn(*inputs)` into the target. For a
    view, the base's history is rewritten as torch does: the base gets a CopySlices node
    (its old value outside the view, the op's result inside) and the view becomes a
    view of that new base."""
    from .._tensor import Tensor
    from .._views import reader, writer

    target, old_base = history
    if old_base is None:
        return record(grad_name, fn, inputs, tensors, target, saved)
    value = target._data
    result = record(grad_name, fn, inputs, tensors, Tensor._make(value, target.dtype, target.device), saved)
    if not result._requires_grad:
        return target
    base = target._base
    chain = target._chain[len(base._chain or ()):]  # relative to the base's value: a base may have a chain too
    record("CopySlices", writer(chain), (old_base, value), (base, result), base)
    target._grad_fn = None
    record("AsStridedBackward0", reader(chain), (base._data,), (base,), target)
    target._attr_version = target._autograd_version
    return target


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


def _run_pre_hooks(hooks, grad, create_graph):
    """Tensor hooks: each may return a replacement gradient."""
    from .._tensor import Tensor

    for hook in hooks:
        g = grad if isinstance(grad, Tensor) else _wrap(grad)
        result = hook(g)
        if result is not None:
            grad = result if create_graph else result._data
    return grad


def _wrap(array):
    from .._tensor import Tensor

    return Tensor._make(array, _dtype_of(array))


def run_backward(roots, cotangents, retain_graph: bool, create_graph=False, inputs=None, accumulate=True):
    """Propagate `cotangents` (arrays, or Tensors when create_graph) from `roots` (edges)
    to the leaves. Returns {tensor: gradient} for the `inputs` when not accumulating."""
    from .._tensor import Tensor

    grads: dict = {}
    for (node, index), ct in zip(roots, cotangents):
        _add_into(grads, node, index, ct)
    captured = {}
    wanted_edges = {}
    if inputs is not None:
        for t in inputs:
            edge = grad_edge(t)
            if edge is not None:
                wanted_edges[edge] = t
    order = _topological([n for n, _ in roots])
    reaching = _reaching(order, wanted_edges) if inputs is not None else None
    if inputs is None and accumulate and not create_graph and not _RUNTIME_STATE.get("anomaly"):
        with _grad_mode(False):
            if try_fused(order, roots, cotangents, retain_graph):
                return captured
    with _grad_mode(create_graph):
        for node in order:
            cts = grads.pop(node, None)
            if cts is None:
                continue
            if node._pre_hooks:
                for index, hooks in node._pre_hooks.items():
                    if index in cts:
                        cts[index] = _run_pre_hooks(hooks, cts[index], create_graph)
            if node._retained:
                for index, ref in node._retained.items():
                    t = ref()
                    if t is not None and index in cts:
                        g = cts[index]
                        t._grad = g.detach() if isinstance(g, Tensor) and not create_graph else (
                            g if isinstance(g, Tensor) else _wrap(g)) if t._grad is None else t._grad + g
            if inputs is not None:
                for index, ct in cts.items():
                    t = wanted_edges.get((node, index))
                    if t is not None:
                        captured[t] = _sum(captured[t], ct) if t in captured else ct
            if isinstance(node, AccumulateGrad):
                if accumulate and (inputs is None or node.variable in wanted_edges.values()):
                    _accumulate(node.variable, cts[0], create_graph)
                continue
            needed = None
            if reaching is not None:
                if not accumulate and node not in reaching:
                    continue
                # only the gradients that lead to `inputs`, as torch computes (others may not even exist)
                needed = tuple([d and (edge in wanted_edges or edge[0] in reaching)
                                for d, edge in zip(node._diff, node.next_functions)])
                if needed == node._diff or True not in needed:
                    needed = None
            cotangent = _full_cotangent(node, cts, create_graph)
            input_grads = node.apply_recorded(cotangent, needed) if create_graph else node.apply(cotangent, needed)
            if _RUNTIME_STATE.get("anomaly"):  # torch.autograd.detect_anomaly: NaN check on the node's outputs
                from .anomaly_mode import check_nan
                check_nan(node, input_grads)
            if node._hooks:
                for hook in node._hooks:
                    hook(tuple(_as_tensor(g) for g in input_grads), tuple(_as_tensor(c) for c in cts.values()))
            for (parent, index), g in zip(node.next_functions, input_grads):
                if parent is not None and g is not None:
                    _add_into(grads, parent, index, g)
            if not retain_graph:
                node.release()
    return captured


def _as_tensor(g):
    from .._tensor import Tensor

    return g if g is None or isinstance(g, Tensor) else _wrap(g)


def _reaching(order, wanted_edges) -> set:
    """The nodes (of `order`, roots first) whose gradients can reach a wanted edge."""
    reaching = set()
    for node in reversed(order):
        for edge in node.next_functions:
            if edge in wanted_edges or edge[0] in reaching:
                reaching.add(node)
                break
    return reaching


def _add_into(grads, node, index, ct):
    slots = grads.setdefault(node, {})
    slots[index] = _sum(slots[index], ct) if index in slots else ct


_jit_add = jax.jit(lambda a, b: a + b)


def _sum(a, b):
    """a + b for gradients meeting at one place: jitted for arrays (an un-jitted jnp add
    costs several times a cached jit call), recorded Tensor addition under create_graph."""
    if isinstance(a, jax.Array) and isinstance(b, jax.Array):
        return _jit_add(a, b)
    return a + b


def _full_cotangent(node, cts, create_graph):
    """The cotangent for every output of `node`, zeros where none arrived."""
    return full_cotangent(node._out_meta if node._multi else None, cts, create_graph)


def full_cotangent(out_meta, cts, create_graph=False):
    """The cotangent for every output described by `out_meta` ((shape, dtype) per output;
    None for a single-output node), from the arrived `cts` ({output index: cotangent}),
    zeros where none arrived."""
    if out_meta is None:
        return cts[0]
    out = []
    for i, (shape, dtype) in enumerate(out_meta):
        if i in cts:
            out.append(cts[i])
        else:
            zero = jnp.zeros(shape, dtype.np if dtype.category >= 2 else jax.dtypes.float0)
            out.append(_wrap(zero) if create_graph and dtype.category >= 2 else zero)
    return tuple(out)


def _accumulate(variable, ct, create_graph):
    from .._tensor import Tensor

    if variable._hooks:
        ct = _run_pre_hooks(variable._hooks, ct, create_graph)
    if isinstance(ct, Tensor):
        grad = ct if create_graph else Tensor._make(ct._data, variable.dtype, variable.device)
        if grad.dtype is not variable.dtype:
            grad = grad.to(variable.dtype)
    else:
        np_dtype = variable.dtype.np
        grad = Tensor._make(ct if ct.dtype == np_dtype else ct.astype(np_dtype), variable.dtype, variable.device)
    if variable._grad is None:
        variable._grad = grad
    elif create_graph:
        variable._grad = variable._grad + grad
    else:  # torch accumulates into the existing .grad in place when not building a graph
        variable._grad._write(_sum(variable._grad._data, grad._data))
    for hook in variable._post_acc_hooks or ():
        hook(variable)


class _grad_mode:
    def __init__(self, enabled):
        self.enabled = enabled

    def __enter__(self):
        self.saved = STATE.enabled
        STATE.enabled = self.enabled

    def __exit__(self, *exc):
        STATE.enabled = self.saved
