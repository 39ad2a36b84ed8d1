"""torch.autograd.forward_ad: forward-mode AD with dual tensors.

A dual tensor carries a tangent for the open dual level (torch supports one level at a
time). The tangent is a Tensor stored on the dual tensor as `_fw = (level, tangent)`; a
tangent left from a closed level is ignored, so exiting a level drops every tangent at
once. Tangents flow:

- through ops: `apply_fn` and the pointwise ops (jtorch._registry) compute the output
  tangent as `jax.jvp` of the op's jitted function (one jitted jvp per function and set of
  differentiated operands);
- through views: a view of a tensor with a tangent gets the same view of that tangent
  (`view_tangent`, called by Tensor._view_of/_view_through), and a view whose base gains
  a tangent later reads it lazily through its chain (`tangent_of`);
- through in-place ops: the target's tangent is overwritten in place (a view's tangent is
  a view of its base's tangent, so the base sees the write; a view without one makes its
  base a zero tangent first).

Nothing here runs while no level is open: the hot paths test the list `DUAL_LEVELS`.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax.extend import core as jcore

from .._tensor import DUAL_LEVELS, Tensor

__all__ = ["UnpackedDualTensor", "enter_dual_level", "exit_dual_level", "make_dual", "unpack_dual", "dual_level"]

_current_level = -1


class _Level:
    """The token of one entered level (a tangent stored under an older token is stale)."""

    __slots__ = ()


# ----------------------------------------------------------------- levels
def enter_dual_level():
    """Enter a new forward grad level; returns its index (0: levels do not nest)."""
    global _current_level
    if DUAL_LEVELS:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    DUAL_LEVELS.append(_Level())
    _install_methods()
    _current_level = 0
    return 0


def exit_dual_level(*, level=None):
    """Exit the current level, deleting every tangent of it."""
    global _current_level
    if level is None:
        level = _current_level
    if level != _current_level:
        raise RuntimeError(
            "Trying to exit a forward AD level that was not the last one that was created. This is not supported."
        )
    if level < 0:
        raise RuntimeError("Dual level must be a positive number.")
    DUAL_LEVELS.clear()
    _remove_methods()
    _current_level = -1


class dual_level:
    """Context manager (and decorator) entering a dual level for its body."""

    def __enter__(self):
        return enter_dual_level()

    def __exit__(self, exc_type, exc_value, traceback):
        exit_dual_level()

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with dual_level():
                return fn(*args, **kwargs)
        return wrapper


def _check_level(level, name):
    if level == 0 and DUAL_LEVELS:
        return
    if level == 0:
        raise RuntimeError("Trying to access a forward AD level with an invalid index. This index was either not "
                           "created or is already deleted.")
    raise RuntimeError(f"Invalid level given to {name}")


# ----------------------------------------------------------------- dual tensors
class UnpackedDualTensor(NamedTuple):
    """Namedtuple returned by `unpack_dual`: the primal and tangent of a dual tensor."""

    primal: Tensor
    tangent: Tensor | None


def make_dual(tensor, tangent, *, level=None):
    """A new tensor aliasing `tensor` with `tangent` as its forward gradient (used as is
    when it has `tensor`'s layout, copied into that layout otherwise)."""
    if level is None:
        level = _current_level
    if level < 0:
        raise RuntimeError(
            "Trying to create a dual Tensor for forward AD but no level exists, make sure to enter_dual_level() first."
        )
    if not (tensor.is_floating_point() or tensor.is_complex()):
        raise ValueError(f"Expected primal to be floating point or complex, but got: {tensor.dtype}")
    if not (tangent.is_floating_point() or tangent.is_complex()):
        raise ValueError(f"Expected tangent to be floating point or complex, but got: {tangent.dtype}")
    _check_level(level, "_make_dual")
    if tangent_of(tensor) is not None:
        raise RuntimeError(
            "Making a dual Tensor based on a Tensor that already has a forward gradient at the same level 0 is not "
            "supported."
        )
    if tangent._shape != tensor._shape:
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the original Tensor, this is "
            f"not supported. Tensor is of size {list(tensor._shape)} while the given forward gradient is of size "
            f"{list(tangent._shape)}."
        )
    from ..ops.views import make_view
    from .._views import Reshape

    dual = make_view(tensor, Reshape(tensor._shape), tensor._shape, tensor.stride(), tensor._offset, "ViewBackward0")
    if not _same_layout(tangent, tensor):
        tangent = _zeros_like_layout(tensor, tangent.dtype, tangent._data)
    dual._fw = (DUAL_LEVELS[-1], tangent)
    return dual


def unpack_dual(tensor, *, level=None):
    """(primal, tangent) of `tensor`: the primal is a view of it without a tangent; the
    tangent is None when it has none at `level`."""
    if level is None:
        level = _current_level
    if level < 0:
        return UnpackedDualTensor(tensor, None)
    if not isinstance(tensor, Tensor):
        raise TypeError(f"_unpack_dual(): argument 'dual' (position 1) must be Tensor, not {type(tensor).__name__}")
    tangent = tangent_of(tensor) if DUAL_LEVELS else None
    if tangent is not None and level != 0:
        raise RuntimeError("Invalid level given to _fw_primal")
    from ..ops.views import alias

    primal = alias(tensor)
    if DUAL_LEVELS:
        primal._fw = (DUAL_LEVELS[-1], None)  # and so none of its views either
    return UnpackedDualTensor(primal, tangent if level == 0 else None)


def _storage_numel(t) -> int:
    storage = t._storage
    array = storage.array if storage.host is None else storage.host
    return array.size


def _same_layout(a, b) -> bool:
    """torch's has_same_meta: sizes, strides, offset and storage size."""
    return (a._shape == b._shape and a.stride() == b.stride() and a._offset == b._offset
            and _storage_numel(a) == _storage_numel(b))


def _zeros_like_layout(t, dtype, value=None):
    """A tangent for `t` laid out as `t` is (a view of a zero copy of t's base when `t` is a
    view), holding `value` (broadcast and cast) or zeros."""
    base = t._base
    if base is None:
        array = jnp.zeros(t._shape, dtype.np) if value is None else _cast(jnp.broadcast_to(value, t._shape), dtype)
        out = Tensor._make(array, dtype, t.device, shape=t._shape)
        out._strides = t._strides
        return out
    root = Tensor._make(jnp.zeros(base._shape, dtype.np), dtype, base.device, shape=base._shape)
    root._strides = base._strides
    out = root._view_through(t._chain[len(base._chain or ()):], t._shape, t.stride(), t._offset)
    if value is not None:
        out._write(_cast(jnp.broadcast_to(value, t._shape), dtype), overlap_ok=True)
    return out


def _cast(array, dtype):
    if jnp.iscomplexobj(array) and not dtype.is_complex:
        array = jnp.real(array)
    return array if array.dtype == dtype.np else array.astype(dtype.np)


# ----------------------------------------------------------------- tangent lookup
def tangent_of(t):
    """t's tangent at the open level (callers check that one is open), or None. A view
    without its own entry reads its base's tangent through its view chain."""
    level = DUAL_LEVELS[-1]
    entry = t.__dict__.get("_fw")
    if entry is not None and entry[0] is level:
        return entry[1]
    base = t._base
    if base is None:
        return None
    entry = base.__dict__.get("_fw")
    if entry is None or entry[0] is not level or entry[1] is None or t.dtype is not base.dtype:
        return None
    tangent = entry[1]._view_through(t._chain[len(base._chain or ()):], t._shape, t.stride(), t._offset)
    t._fw = (level, tangent)
    return tangent


def view_tangent(src, view, steps):
    """Give the new `view` (src viewed through `steps`) the same view of src's tangent."""
    entry = src.__dict__.get("_fw")
    level = DUAL_LEVELS[-1]
    if entry is None or entry[0] is not level:
        return
    tangent = entry[1]
    if tangent is not None and view.dtype is src.dtype:
        tangent = tangent._view_through(steps, view._shape, view.stride(), view._offset)
    else:
        tangent = None
    view._fw = (level, tangent)


def _differentiable(t) -> bool:
    return t.dtype.is_floating_point or t.dtype.is_complex


# ----------------------------------------------------------------- jvp of op functions
_JVPS: dict = {}


def _jvp_fn(fn, mask):
    """jit(primals, tangents -> the tangent output of fn), differentiating the operands
    where `mask` is True."""
    key = (fn, mask)
    jvp = _JVPS.get(key)
    if jvp is None:
        positions = [i for i, m in enumerate(mask) if m]

        def partial(primals):
            def call(*diff):
                args = list(primals)
                for i, d in zip(positions, diff):
                    args[i] = d
                return fn(*args)
            return call

        def run(primals, tangents):
            return jax.jvp(partial(primals), tuple(primals[i] for i in positions), tuple(tangents))[1]

        def run_transposed(primals, tangents):
            # For functions with a custom_vjp (torch's backward formulas), which jax.jvp
            # refuses: the vjp of their (linear) vjp is their jvp.
            call, diff = partial(primals), tuple(primals[i] for i in positions)
            leaves, tree = jax.tree_util.tree_flatten(jax.eval_shape(call, *diff))
            keep = [jnp.issubdtype(leaf.dtype, jnp.inexact) for leaf in leaves]

            def inexact(*args):  # integer outputs have no tangent
                return [v for v, k in zip(jax.tree_util.tree_leaves(call(*args)), keep) if k]

            out, vjp = jax.vjp(inexact, *diff)
            # linearised at ones, not zeros: a formula that masks a zero incoming gradient
            # (xlog1py's, so 0 * -inf gives 0) is linear everywhere but there
            kept = iter(jax.vjp(vjp, [jnp.ones_like(v) for v in out])[1](tuple(tangents))[0])
            return jax.tree_util.tree_unflatten(tree, [next(kept) if k else None for k in keep])

        def run_stripped(primals, tangents):
            # The jvp of fn's jaxpr with each custom_vjp replaced by the function it wraps.
            call, diff = partial(primals), tuple(primals[i] for i in positions)
            closed = jax.make_jaxpr(call)(*diff)
            tree = jax.tree_util.tree_structure(jax.eval_shape(call, *diff))

            def stripped(*args):
                return jax.tree_util.tree_unflatten(tree, _eval_stripped(closed.jaxpr, closed.consts, args))
            return jax.jvp(stripped, diff, tuple(tangents))[1]

        def run_custom(primals, tangents):
            # The vjp of the vjp follows torch's formulas (ties of max, norm at 0...); where
            # it is not finite (a NaN from an unselected `where` branch of a formula, as
            # prod's at zeros) the jvp of the plain function fills in. When fn's custom_vjp
            # sits where stripping does not reach (inside a loop), the vjp of the vjp alone.
            transposed = run_transposed(primals, tangents)
            plain = run_stripped(primals, tangents)
            return jax.tree_util.tree_map(
                lambda a, b: a if a is None or not jnp.issubdtype(a.dtype, jnp.inexact)
                else jnp.where(jnp.isfinite(a), a, b), transposed, plain, is_leaf=lambda x: x is None)

        modes = [jax.jit(run), jax.jit(run_custom), jax.jit(run_transposed)]

        def jvp(primals, tangents):
            mode = _MODES.get(key, 0)
            while True:
                try:
                    return modes[mode](primals, tangents)
                except (TypeError, NotImplementedError):
                    if mode == len(modes) - 1:
                        raise
                    mode = _MODES[key] = mode + 1

        if len(_JVPS) > 2048:
            _JVPS.clear()
        _JVPS[key] = jvp
    return jvp


_MODES: dict = {}  # (fn, mask) -> which of the jvp methods works for fn


def _eval_stripped(jaxpr, consts, args):
    """Evaluate `jaxpr`, inlining jit calls and replacing custom_vjp calls by the
    functions they wrap (whose jvp JAX can take)."""
    env = {}

    def read(v):
        return v.val if isinstance(v, jcore.Literal) else env[v]

    env.update(zip(jaxpr.constvars, consts))
    env.update(zip(jaxpr.invars, args))
    for eqn in jaxpr.eqns:
        values = [read(v) for v in eqn.invars]
        name = eqn.primitive.name
        if name in ("custom_vjp_call", "custom_vjp_call_jaxpr", "pjit", "jit"):
            inner = eqn.params.get("call_jaxpr", eqn.params.get("fun_jaxpr", eqn.params.get("jaxpr")))
            outs = _eval_stripped(inner.jaxpr, inner.consts, values)
        else:
            params = eqn.primitive.get_bind_params(eqn.params)
            if isinstance(params, tuple):  # older JAX: (subfuns, params)
                outs = eqn.primitive.bind(*params[0], *values, **params[1])
            else:
                outs = eqn.primitive.bind(*values, **params)
            if not eqn.primitive.multiple_results:
                outs = [outs]
        for v, o in zip(eqn.outvars, outs):
            if not isinstance(v, jcore.DropVar):
                env[v] = o
    return [read(v) for v in jaxpr.outvars]


def _output_tangents(fn, arrays, tensors):
    """The tangent output(s) of fn(*arrays) given the tangents of `tensors` (aligned with
    arrays; None entries are constants), or None when no operand has a tangent."""
    mask, tangents = [], []
    for t, a in zip(tensors, arrays):
        tangent = tangent_of(t) if t is not None else None
        mask.append(tangent is not None)
        if tangent is not None:
            value = tangent._data
            if value.dtype != a.dtype:
                value = jnp.real(value) if jnp.iscomplexobj(value) and not jnp.iscomplexobj(a) else value
                value = value.astype(a.dtype)
            tangents.append(value)
    if not tangents:
        return None
    return _jvp_fn(fn, tuple(mask))(list(arrays), tangents)


def _wrap(array, like):
    if array is None or not _differentiable(like) or array.dtype == jax.dtypes.float0:
        return None
    if array.dtype != like.dtype.np:
        array = _cast(array, like.dtype)
    return Tensor._make(array, like.dtype, like.device, shape=like._shape)


def attach(fn, arrays, tensors, result):
    """Give `result` (a new Tensor or tuple of them, fn(*arrays)) its tangent(s)."""
    out = _output_tangents(fn, arrays, tensors)
    if out is None:
        return
    level = DUAL_LEVELS[-1]
    if isinstance(result, (tuple, list)):
        for r, o in zip(result, out):
            r._fw = (level, _wrap(o, r))
    else:
        result._fw = (level, _wrap(out, result))


def write_tangent(target, value):
    """After an in-place op, set target's tangent to `value` (an array broadcastable to
    its shape; None: zero, when it has a tangent), writing into the existing tangent so
    that its base and other views see it."""
    if not _differentiable(target):
        return
    tangent = tangent_of(target)
    if tangent is None:
        if value is None:
            return
        tangent = _new_tangent(target)
    if value is None:
        value = jnp.zeros((), tangent.dtype.np)
    tangent._write(_cast(jnp.broadcast_to(value, target._shape), tangent.dtype), overlap_ok=True)


def _new_tangent(target):
    """A zero tangent for `target`: for a view, the view of a (new, zero) tangent of its base."""
    level = DUAL_LEVELS[-1]
    base = target._base
    entry = target.__dict__.get("_fw")
    if base is None or entry is not None and entry[0] is level:  # a base, or a view cut off from its base's tangent
        tangent = _zeros_like_layout(target, target.dtype) if base is None else Tensor._make(
            jnp.zeros(target._shape, target.dtype.np), target.dtype, target.device, shape=target._shape)
    else:
        root = tangent_of(base)
        if root is None:
            root = Tensor._make(jnp.zeros(base._shape, base.dtype.np), base.dtype, base.device, shape=base._shape)
            root._strides = base._strides
            base._fw = (level, root)
        tangent = root._view_through(target._chain[len(base._chain or ()):], target._shape, target.stride(),
                                     target._offset)
    target._fw = (level, tangent)
    return tangent


def inplace(target, fn, arrays, tensors):
    """After target was overwritten with fn(*arrays): its tangent is the jvp of fn."""
    out = _output_tangents(fn, arrays, tensors)
    write_tangent(target, None if out is None or not isinstance(out, jax.Array) or out.dtype == jax.dtypes.float0
                  else out)


def assign(target, result):
    """After target was overwritten with `result`'s value (an op's `_` variant)."""
    tangent = tangent_of(result)
    write_tangent(target, None if tangent is None else tangent._data)


def check_out(name, out, tensors):
    """torch's refusal of out= when a tangent is involved."""
    for t in (out,) + tuple(tensors):
        if isinstance(t, Tensor) and tangent_of(t) is not None:
            raise NotImplementedError(
                f"Trying to use forward AD with {name}_out that does not support it because it is an out= function"
            )


# ----------------------------------------------------------------- Tensor methods while a level is open
# copy_, fill_, zero_, item assignment and the in-place view ops change tensors without
# going through apply_fn, and advanced indexing gathers without it; while a level is open
# these wrappers carry tangents (and detach drops them).
_SAVED: dict = {}


def _tangent_data(value):
    if isinstance(value, Tensor):
        tangent = tangent_of(value)
        if tangent is not None:
            return tangent
    return None


def _copy_(orig):
    def copy_(self, src, non_blocking=False):
        tangent = _tangent_data(src)
        value = None if tangent is None else tangent._data
        result = orig(self, src, non_blocking)
        write_tangent(self, value)
        return result
    return copy_


def _fill_(orig):
    def fill_(self, value):
        tangent = _tangent_data(value)
        result = orig(self, value)
        write_tangent(self, None if tangent is None else tangent._data)
        return result
    return fill_


def _zero_(orig):
    def zero_(self):
        result = orig(self)
        write_tangent(self, None)
        return result
    return zero_


def _setitem(orig):
    def __setitem__(self, index, value):
        value_tangent = _tangent_data(value)
        had = tangent_of(self) is not None
        orig(self, index, value)
        if (value_tangent is not None or had) and _differentiable(self):
            tangent = tangent_of(self)
            if tangent is None:
                tangent = _new_tangent(self)
            if value_tangent is None:
                tangent[index] = 0
            else:
                tangent[index] = value_tangent if value_tangent.dtype is tangent.dtype else value_tangent.to(
                    tangent.dtype)
    return __setitem__


def _getitem(orig):
    def __getitem__(self, index):
        out = orig(self, index)
        if "_fw" not in out.__dict__ and out._base is None and _differentiable(out):  # a gather, not a view
            tangent = tangent_of(self)
            if tangent is not None:
                out._fw = (DUAL_LEVELS[-1], tangent[index])
        return out
    return __getitem__


def _restride(name):
    """An in-place view op (t_, squeeze_...): the tangent changes the same way."""
    def wrap(orig):
        def method(self, *args, **kwargs):
            tangent = tangent_of(self)
            result = orig(self, *args, **kwargs)
            if tangent is not None:
                getattr(tangent, name)(*args, **kwargs)
            return result
        method.__name__ = name
        return method
    return wrap


def _detach(orig):
    def detach(self):
        out = orig(self)
        out._fw = (DUAL_LEVELS[-1], None)  # not read from its base's tangent either
        return out
    return detach


_WRAPPERS = {"copy_": _copy_, "fill_": _fill_, "zero_": _zero_, "__setitem__": _setitem, "__getitem__": _getitem,
             "detach": _detach, **{name: _restride(name) for name in
                                   ("squeeze_", "unsqueeze_", "transpose_", "t_", "swapdims_", "swapaxes_")}}


def _install_methods():
    for name, wrap in _WRAPPERS.items():
        orig = Tensor.__dict__.get(name)
        if orig is not None:
            _SAVED[name] = orig
            setattr(Tensor, name, wrap(orig))


def _remove_methods():
    for name, orig in _SAVED.items():
        setattr(Tensor, name, orig)
    _SAVED.clear()
