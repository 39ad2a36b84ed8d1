"""Reductions: sums and means, statistics, extremes with their indices, order
statistics, norms, scans and boolean reductions.

Each op checks its arguments in Python (dims, dtypes, empty inputs, with torch's
errors), then runs one jitted JAX function cached per static arguments (dims, keepdim,
dtypes) through `apply_fn`. Where JAX's derivative differs from torch's choice (ties,
NaNs, zero norms and deviations) the function carries torch's formula as a
`jax.custom_vjp`, with a comment saying which formula.
"""
from __future__ import annotations

import builtins
import functools
import math
import operator
import warnings

import jax
import jax.numpy as jnp
from jax import lax

from .. import _dtype
from .._dtype import Promote, elementwise_dtypes, operand_key
from .._registry import (
    OP_TABLE, apply_fn, assign_inplace, broadcast_shapes, check_same_device, convert, op, scalar_array, type_name,
    write_out,
)
from .._tensor import Tensor


# ---------------------------------------------------------------- named tuples
class _StructSeq(tuple):
    """A `torch.return_types.*` result: a tuple with named fields, built like torch's
    structseq from one sequence (`torch.return_types.max((values, indices))`)."""

    __slots__ = ()
    _fields: tuple = ()

    def __new__(cls, sequence):
        values = tuple(sequence)
        if len(values) != len(cls._fields):
            raise TypeError(f"torch.return_types.{cls.__name__} takes a {len(cls._fields)}-sequence")
        return tuple.__new__(cls, values)

    def __repr__(self):
        fields = ",\n".join(f"{name}={value!r}" for name, value in zip(self._fields, self))
        return f"torch.return_types.{type(self).__name__}(\n{fields})"

    def __reduce__(self):
        return (type(self), (tuple(self),))


def return_type(name: str, fields: tuple) -> type:
    """The class of torch's `torch.return_types.<name>` named tuple."""
    namespace = {"__slots__": (), "_fields": fields, "__module__": "torch.return_types"}
    namespace.update({f: property(operator.itemgetter(i)) for i, f in enumerate(fields)})
    return type(name, (_StructSeq,), namespace)


_VALUES_INDICES = ("values", "indices")
RETURN_TYPES = {name: return_type(name, _VALUES_INDICES) for name in (
    "max", "min", "median", "nanmedian", "mode", "cummax", "cummin")}
RETURN_TYPES["aminmax"] = return_type("aminmax", ("min", "max"))
# torch returns e.g. torch.return_types.max_out when `out=` is given
RETURN_TYPES.update({name + "_out": return_type(name + "_out", cls._fields) for name, cls in RETURN_TYPES.items()})


# ---------------------------------------------------------------- helpers
_HALF = (_dtype.float16, _dtype.bfloat16)


def _compute(d):
    """torch accumulates half-precision reductions in float32 and rounds once."""
    return _dtype.float32 if d in _HALF else d


def _axes(input, dim):
    """Reduced axes for a `dim` argument that may be an int, a tuple/list or None:
    None for a full reduction, () for a 0-d input, else sorted wrapped dims."""
    if dim is None or dim == () or dim == []:
        return None
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    _check_dims(dims)
    wrapped = [input._wrap_dim(d) for d in dims]
    for i, d in enumerate(wrapped):
        if d in wrapped[:i]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return () if input.dim() == 0 else tuple(sorted(wrapped))


def _check_dims(dims):
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, int) and not hasattr(d, "__index__"):
            raise TypeError(f"received an invalid combination of arguments - dim must be int, not {type(d).__name__}")


def _axis(input, dim):
    """One wrapped dim (0-d inputs accept 0 and -1)."""
    if isinstance(dim, (tuple, list)) or dim is None:
        raise TypeError(f"dim must be an int, not {type(dim).__name__}")
    _check_dims((dim,))
    return input._wrap_dim(dim)


def _keep(value, axes, keepdim):
    """`value` reduced with keepdims=True, squeezed unless `keepdim`."""
    return value if keepdim else jnp.squeeze(value, axis=axes)


def _expand(value, axes, keepdim, ndim):
    """A reduced value broadcastable against the input again (torch's restore_reduced_dims)."""
    if keepdim or ndim == 0:
        return value
    return jnp.expand_dims(value, tuple(range(ndim)) if axes is None else axes)


def _count(mask, axes, dtype):
    """How many elements `mask` selects along `axes` (kept), as `dtype`."""
    return jnp.sum(mask, axis=axes, keepdims=True, dtype=jnp.int64).astype(dtype)


def _isnan(x):
    return jnp.isnan(x) if jnp.issubdtype(x.dtype, jnp.inexact) else jnp.zeros(x.shape, bool)


def _times_mask(value, mask):
    """value * mask as a real product (NaN and signed zeros survive where the mask is
    false, as in torch's formulas); XLA turns a product with a bool cast into a select."""
    return value * jnp.where(mask, 1, 0).astype(value.dtype)


def _masked(mask, value):
    """where(mask, 0, value) kept as a value: a product with it stays a product (XLA
    would fold it into a select, losing the sign of the zeros torch's products give)."""
    return lax.optimization_barrier(jnp.where(mask, jnp.zeros_like(value), value))


def _sgn(x):
    """torch's sgn for real inputs: (x > 0) - (x < 0), so +0.0 for zeros and NaN."""
    return (x > 0).astype(x.dtype) - (x < 0).astype(x.dtype)


def _custom(forward, backward):
    """`forward(*arrays)` whose vjp is `backward(arrays, result, cotangent)`, a tuple
    of input cotangents: used where torch's derivative differs from JAX's."""
    def fwd(*xs):
        result = forward(*xs)
        return result, (xs, result)

    fn = jax.custom_vjp(forward)
    fn.defvjp(fwd, lambda res, g: backward(*res, g))
    return fn


@functools.partial(jax.custom_vjp, nondiff_argnums=(2,))
def _select(x, index, axis):
    """take_along_axis whose gradient is written (not added) at `index`, as torch's
    value_selecting_reduction_backward scatters it (a -0.0 gradient stays -0.0)."""
    return jnp.take_along_axis(x, index, axis)


def _select_fwd(x, index, axis):
    return _select(x, index, axis), (jnp.zeros_like(x), index)


def _select_bwd(axis, res, g):
    zeros, index = res
    return jnp.put_along_axis(zeros, index, g, axis, inplace=False), None


_select.defvjp(_select_fwd, _select_bwd)


@functools.partial(jax.custom_vjp, nondiff_argnums=(2,))
def _gather(x, index, axis):
    """take_along_axis with torch's gather gradient: added into +0.0 (so never -0.0)."""
    return jnp.take_along_axis(x, index, axis)


def _gather_bwd(axis, res, g):
    zeros, index = res
    _, scatter_add = jax.vjp(lambda v: jnp.take_along_axis(v, index, axis), zeros)
    return _plus_zero(scatter_add(g)[0]), None


_gather.defvjp(lambda x, index, axis: (_gather(x, index, axis), (jnp.zeros_like(x), index)), _gather_bwd)


def _along(fn, x, axis):
    """`fn(x, axis)` for an op along one axis, with a 0-d `x` seen as shape (1,)."""
    if x.ndim:
        return fn(x, axis)
    out = fn(x.reshape(1), 0)
    return jax.tree_util.tree_map(lambda v: v.reshape(()), out)


def _out(result, out):
    """`result`, or `out` holding it (as a `<name>_out` named tuple for named results)."""
    if out is None:
        return result
    written = write_out(out, result)
    if isinstance(result, _StructSeq):
        return RETURN_TYPES[type(result).__name__ + "_out"](written)
    return written


def _no_complex(name, input, kernel=None):
    """torch's error for kernels without complex support (not raised when there is no work)."""
    if input.dtype.is_complex and input.numel():
        raise NotImplementedError(f'"{kernel or name}" not implemented for \'{type_name(input.dtype)}\'')


def _check_nonempty(name, input, axes):
    """torch's errors for reductions without an identity over empty inputs."""
    if input.numel() != 0:
        return
    if axes is None:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                           "reduction dim with the 'dim' argument.")
    for d in axes:
        if input._shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _unexpected_out(name, out):
    if out is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got an unexpected 'out' argument")


# ---------------------------------------------------------------- sums and means
@functools.lru_cache(maxsize=4096)
def _reducer(name, axes, keepdim, compute, result):
    reduce = getattr(jnp, name)
    if name == "nansum":
        reduce = _nansum
    elif name == "prod":
        reduce = _prod

    def run(x):
        if name in ("all", "any"):
            x = x != 0  # jnp.all casts complex to bool by its real part: all(1j) would be False
        value = reduce(convert(x, compute), axis=axes, keepdims=keepdim) if name not in ("all", "any") else \
            reduce(x, axis=axes, keepdims=keepdim)
        if name in ("sum", "nansum", "mean"):
            value = _plus_zero(value)
        return convert(value, result)

    return jax.jit(run)


def _plus_zero(value):
    """-0.0 turned into 0.0: torch's sums start from +0.0, so they are never -0.0 (XLA
    starts from -0.0, or skips the addition for one element). The gradient passes unchanged."""
    if not jnp.issubdtype(value.dtype, jnp.inexact):
        return value
    return _positive_zero(value)


@jax.custom_vjp
def _positive_zero(value):
    return jnp.where(value == 0, jnp.zeros_like(value), value)


_positive_zero.defvjp(lambda value: (_positive_zero(value), None), lambda _, g: (g,))


def _prod(x, axis, keepdims):
    """jnp.prod with torch's gradient: grad * result / input without zeros, else
    products of the elements before and after each one (zeros when a full product
    has several zeros)."""
    if not jnp.issubdtype(x.dtype, jnp.inexact) or x.ndim == 0 or x.size == 0:
        return jnp.prod(x, axis=axis, keepdims=keepdims)

    def backward(xs, r, g):
        (x,) = xs
        g, r = _expand(g, axis, keepdims, x.ndim), _expand(r, axis, keepdims, x.ndim)
        dim, v = (0, x.reshape(-1)) if axis is None else (axis[0], x)
        ones = jnp.ones_like(jnp.take(v, jnp.array([0]), axis=dim))
        before = jnp.cumprod(jnp.concatenate([ones, lax.slice_in_dim(v, 0, v.shape[dim] - 1, axis=dim)], dim), dim)
        after = jnp.flip(jnp.cumprod(jnp.concatenate(
            [ones, jnp.flip(lax.slice_in_dim(v, 1, v.shape[dim], axis=dim), dim)], dim), dim), dim)
        safe = (g.reshape(-1) if axis is None else g) * before * after
        zeros = jnp.sum(x == 0)
        if axis is None:
            safe = jnp.where(zeros > 1, 0, safe).reshape(x.shape)
        return (jnp.where(zeros == 0, g * (r / x), safe).astype(x.dtype),)

    return _custom(lambda v: jnp.prod(v, axis=axis, keepdims=keepdims), backward)(x)


def _nansum(x, axis, keepdims):
    """jnp.nansum with torch's gradient, grad * ~isnan(x) (a product: its zeros are signed)."""
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return jnp.sum(x, axis=axis, keepdims=keepdims)

    def backward(xs, r, g):
        g = _expand(g, axis, keepdims, xs[0].ndim)
        return (jnp.where(jnp.isnan(xs[0]), g * 0, g),)

    return _custom(lambda v: jnp.nansum(v, axis=axis, keepdims=keepdims), backward)(x)


def _sum_dtype(input, dtype):
    return dtype or (_dtype.int64 if input.dtype.category <= _dtype.INT else input.dtype)


_FULL_SUMS: dict = {}  # input dtype -> (jitted sum of all elements, result dtype)


@op(out=False)
def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A001
    """Sum over `dim` (all dims by default); integer and bool inputs sum to int64.
    Implements `torch.sum`.

    Differences from torch: an explicit `dim=None` counts as no dim (SumBackward0)."""
    if dim is None and dtype is None and keepdim is False and out is None:  # hot path: x.sum()
        entry = _FULL_SUMS.get(input.dtype)
        if entry is None:
            result = _sum_dtype(input, None)
            entry = _FULL_SUMS[input.dtype] = (_reducer("sum", None, False, _compute(result), result), result)
        return apply_fn("SumBackward0", entry[0], (input,), entry[1], shape=())
    if dim is None:
        _unexpected_out("sum", out)
    result = _sum_dtype(input, dtype)
    fn = _reducer("sum", _axes(input, dim), bool(keepdim), _compute(result), result)
    return _out(apply_fn("SumBackward0" if dim is None else "SumBackward1", fn, (input,), result), out)


@op(out=False)
def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum treating NaN as zero. Implements `torch.nansum`."""
    axes = _axes(input, dim)
    if input.dtype.is_complex:
        raise RuntimeError("nansum on CPU does not support complex inputs")
    result = _sum_dtype(input, dtype)
    fn = _reducer("nansum", axes, bool(keepdim), _compute(result), result)
    return _out(apply_fn("NansumBackward0", fn, (input,), result), out)


@op(out=False)
def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Product over one `dim` (all elements by default); integer and bool inputs give
    int64. Implements `torch.prod`."""
    if dim is None:
        _unexpected_out("prod", out)
        axes = None
    else:
        axis = _axis(input, dim)  # checks dim (a 0-d input takes dim 0 or -1)
        axes = (axis,) if input.dim() else ()
    result = _sum_dtype(input, dtype)
    fn = _reducer("prod", axes, bool(keepdim), _compute(result), result)
    return _out(apply_fn("ProdBackward0" if dim is None else "ProdBackward1", fn, (input,), result, saved=(input,)),
                out)


def _mean_dtype(name, input, dtype):
    result = dtype or input.dtype
    if result.category < _dtype.FLOAT:
        raise RuntimeError(
            f"{name}(): could not infer output dtype. {'Optional' if dtype else 'Input'} dtype must be either a "
            f"floating point or complex dtype. Got: {type_name(result)}")
    return result


@op()
def mean(input, dim=None, keepdim=False, *, dtype=None):
    """Mean over `dim`; integer inputs need a floating `dtype`. Implements `torch.mean`."""
    result = _mean_dtype("mean", input, dtype)
    fn = _reducer("mean", _axes(input, dim), bool(keepdim), _compute(result), result)
    return apply_fn("MeanBackward0" if dim is None else "MeanBackward1", fn, (input,), result)


@functools.lru_cache(maxsize=4096)
def _nanmean_fn(axes, keepdim, compute, result):
    def nanmean(x):
        x = convert(x, compute)
        count = jnp.sum(~jnp.isnan(x), axis=axes, keepdims=keepdim)
        # torch divides nansum's result, rounded to the result dtype (a half sum may overflow to inf)
        total = convert(convert(_plus_zero(_nansum(x, axes, keepdim)), result), compute)
        return convert(total / count.astype(x.dtype), result)

    return jax.jit(nanmean)


@op()
def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """Mean of the non-NaN elements. Implements `torch.nanmean` (computed, like torch,
    as nansum / count, hence DivBackward0)."""
    if not (dtype or input.dtype).category >= _dtype.FLOAT:
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{type_name(input.dtype)}")
    axes = _axes(input, dim)
    if input.dtype.is_complex:
        raise RuntimeError("nansum on CPU does not support complex inputs")
    result = dtype or input.dtype
    fn = _nanmean_fn(axes, bool(keepdim), _compute(result), result)
    return apply_fn("DivBackward0", fn, (input,), result)


# ---------------------------------------------------------------- variance and deviation
def _correction(name, dim, unbiased, correction):
    """(dim, correction) from torch's std/var overloads: (dim, *, correction),
    (dim, unbiased, keepdim) and (unbiased)."""
    if isinstance(dim, bool):
        if unbiased is not None:
            raise TypeError(f"{name}() received an invalid combination of arguments")
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got both unbiased and correction")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return dim, correction


def _var_parts(x, axes, correction):
    """(deviation from the mean, degrees of freedom) as torch's var computes them."""
    n = x.size if axes is None else math.prod(x.shape[a] for a in axes)
    return x - jnp.mean(x, axis=axes, keepdims=True), builtins.max(0, n - correction)


def _var_backward(x, axes, keepdim, correction, g):
    """torch's var_backward: 2 / (n - correction) * grad * (x - mean)."""
    deviation, _ = _var_parts(x, axes, correction)
    n = x.size if axes is None else math.prod(x.shape[a] for a in axes)
    g = _expand(g, axes, keepdim, x.ndim)
    if n - correction <= 0 and (axes is None or x.ndim == 0):
        # torch (full reductions only): infinity * (x - mean), NaN where x equals the mean
        return g * jnp.where(deviation == 0, jnp.nan, jnp.inf).astype(x.dtype)
    return (2.0 / (n - correction) if n != correction else math.inf) * g * deviation


@functools.lru_cache(maxsize=4096)
def _var_fn(axes, keepdim, correction, compute, result, kind):
    """kind: 'var', 'std', 'var_mean' or 'std_mean'."""
    take_sqrt = kind.startswith("std")

    def variance(x):
        deviation, dof = _var_parts(x, axes, correction)
        var = jnp.sum(jnp.abs(deviation) ** 2, axis=axes, keepdims=keepdim) / dof
        return jnp.sqrt(var) if take_sqrt else var

    def mean(x):
        return _plus_zero(jnp.mean(x, axis=axes, keepdims=keepdim))

    def backward(xs, r, g):
        # torch's std_backward: var_backward(grad / (2 * std)), zero where std == 0.
        (x,), value = xs, r[0] if isinstance(r, tuple) else r
        gv = g[0] if isinstance(g, tuple) else g
        if take_sqrt:
            gv = jnp.where(value == 0, 0, gv / (2 * value))
        grad = _var_backward(x, axes, keepdim, correction, gv)
        if isinstance(g, tuple):
            n = x.size if axes is None else math.prod(x.shape[a] for a in axes)
            grad = grad + _expand(g[1], axes, keepdim, x.ndim) / n
        return (grad.astype(x.dtype),)

    if kind.endswith("mean"):
        fn = _custom(lambda x: (variance(x), mean(x)), backward)

        def both(x):
            value, average = fn(convert(x, compute))
            return convert(value, result.to_real()), convert(average, result)

        return jax.jit(both)
    fn = _custom(variance, backward)
    return jax.jit(lambda x: convert(fn(convert(x, compute)), result.to_real()))


def _variance(kind, grad_name, input, dim, unbiased, keepdim, correction):
    dim, correction = _correction(kind, dim, unbiased, correction)
    if input.dtype.category < _dtype.FLOAT:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    axes = _axes(input, dim)
    reduced = input.numel() if axes is None else math.prod(input._shape[a] for a in axes)
    if reduced - correction <= 0:
        warnings.warn(f"{kind}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
                      "factor (input numel divided by output numel).", UserWarning, stacklevel=4)
    fn = _var_fn(axes, bool(keepdim), correction, _compute(input.dtype), input.dtype, kind)
    dtypes = (input.dtype.to_real(), input.dtype) if kind.endswith("mean") else input.dtype.to_real()
    return apply_fn(grad_name, fn, (input,), dtypes, saved=(input,))


@op(out=False)
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Variance with `correction` (1 by default: Bessel's) or the legacy `unbiased`
    flag. Implements `torch.var`."""
    if isinstance(dim, bool):
        _unexpected_out("var", out)  # torch's var(input, unbiased) overload has no out=
    return _out(_variance("var", "VarBackward0", input, dim, unbiased, keepdim, correction), out)


@op(out=False)
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Standard deviation; arguments as `var`. Implements `torch.std`."""
    if isinstance(dim, bool):
        _unexpected_out("std", out)
    return _out(_variance("std", "StdBackward0", input, dim, unbiased, keepdim, correction), out)


@op(method=False, out=False)
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(variance, mean) in one pass. Implements `torch.var_mean`."""
    return _variance("var_mean", "VarMeanBackward0", input, dim, unbiased, keepdim, correction)


@op(method=False, out=False)
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(standard deviation, mean) in one pass. Implements `torch.std_mean`."""
    return _variance("std_mean", "StdMeanBackward0", input, dim, unbiased, keepdim, correction)


# ---------------------------------------------------------------- extremes
def _flatten_axes(x, axes):
    """`x` with the reduced axes moved last and merged into one."""
    axes = tuple(range(x.ndim)) if axes is None else axes
    kept = [a for a in range(x.ndim) if a not in axes]
    moved = jnp.transpose(x, kept + list(axes))
    return moved.reshape(moved.shape[:len(kept)] + (math.prod(x.shape[a] for a in axes),))


def _arg_extreme(x, axis, largest, last=False):
    """Index of the first (or `last`) max/min along `axis`, NaN counting as the extreme."""
    if x.dtype == jnp.bool_:
        x = x.astype(jnp.uint8)
    if jnp.iscomplexobj(x):  # only reached for empty inputs (torch has no complex kernels)
        x = x.real
    if last:
        n = x.shape[axis]
        return n - 1 - _arg_extreme(jnp.flip(x, axis), axis, largest)
    return jnp.argmax(x, axis=axis, keepdims=True) if largest else jnp.argmin(x, axis=axis, keepdims=True)


def _evenly_backward(xs, r, g):
    """torch's evenly_distribute_backward: the gradient is shared by the elements equal
    to the result (the NaNs when it is NaN)."""
    (x,) = xs
    mask = jnp.where(jnp.isnan(r), _isnan(x), x == r) if jnp.issubdtype(x.dtype, jnp.inexact) else x == r
    return (jnp.where(mask, g / jnp.sum(mask), 0).astype(x.dtype),)


@functools.lru_cache(maxsize=64)
def _extreme_all_fn(largest):
    def forward(x):
        # torch returns the last of equal extremes (visible for -0.0 and 0.0).
        flat = x.reshape(-1)
        return flat[_arg_extreme(flat, 0, largest, last=True)[0]]

    return jax.jit(_custom(forward, _evenly_backward))


@functools.lru_cache(maxsize=4096)
def _amax_fn(axes, keepdim, largest):
    def forward(x):
        # The first of equal extremes, as torch (visible for -0.0 and 0.0).
        reduced = tuple(range(x.ndim)) if axes is None else axes
        flat = _flatten_axes(x, reduced)
        value = jnp.take_along_axis(flat, _arg_extreme(flat, -1, largest), -1)[..., 0]
        return jnp.expand_dims(value, reduced) if keepdim else value

    def backward(xs, r, g):
        # torch's scale_grad_by_count: (grad / count) * mask, NaN for a NaN result.
        (x,) = xs
        mask = x == _expand(r, axes, keepdim, x.ndim)
        grad = _times_mask(_expand(g, axes, keepdim, x.ndim) / _count(mask, axes, g.dtype), mask)
        return (grad.astype(x.dtype),)

    return jax.jit(_custom(forward, backward))


@functools.lru_cache(maxsize=4096)
def _extreme_dim_fn(axis, keepdim, largest):
    def forward(x, axis):
        index = _arg_extreme(x, axis, largest)
        values = _select(x, index, axis)
        return _keep(values, axis, keepdim), _keep(index, axis, keepdim).astype(jnp.int64)

    return jax.jit(lambda x: _along(forward, x, axis))


def _extreme(name, largest, input, dim, keepdim, other, out):
    if isinstance(dim, Tensor) or other is not None:
        return (maximum if largest else minimum)(input, dim if other is None else other, out=out)
    if dim is None:
        _check_nonempty(name, input, None)
        _no_complex(name, input, f"{name}_all")
        return _out(apply_fn(f"{name.capitalize()}Backward1", _extreme_all_fn(largest), (input,), input.dtype,
                             saved=(input,)), out)
    axis = _axis(input, dim)
    if input.dim():
        _check_nonempty(name, input, (axis,))
    if input.dtype.is_complex:
        raise RuntimeError(f"{name}(): does not support complex input")
    result = apply_fn(f"{name.capitalize()}Backward0", _extreme_dim_fn(axis, bool(keepdim), largest), (input,),
                      (input.dtype, _dtype.int64))
    return _out(RETURN_TYPES[name](result), out)


@op(out=False)
def max(input, dim=None, keepdim=False, *, other=None, out=None):  # noqa: A001
    """The largest element; with `dim`, (values, indices) along it (the first index of
    the maximum, NaN counting as largest); with a Tensor, `torch.maximum`.
    Implements `torch.max`."""
    return _extreme("max", True, input, dim, keepdim, other, out)


@op(out=False)
def min(input, dim=None, keepdim=False, *, other=None, out=None):  # noqa: A001
    """The smallest element; arguments as `max`. Implements `torch.min`."""
    return _extreme("min", False, input, dim, keepdim, other, out)


def _amax(name, largest, input, dim, keepdim):
    axes = _axes(input, dim)
    _check_nonempty(name, input, axes)
    _no_complex(name, input, f"{name[1:]}_values_cpu")
    return apply_fn(f"{name.capitalize()}Backward0", _amax_fn(axes, bool(keepdim), largest), (input,), input.dtype,
                    saved=(input,))


@op()
def amax(input, dim=(), keepdim=False):
    """The maximum over `dim` (all dims by default); the gradient is shared by equal
    maxima. Implements `torch.amax`."""
    return _amax("amax", True, input, dim, keepdim)


@op()
def amin(input, dim=(), keepdim=False):
    """The minimum over `dim`. Implements `torch.amin`."""
    return _amax("amin", False, input, dim, keepdim)


@functools.lru_cache(maxsize=4096)
def _aminmax_fn(axes, keepdim):
    low, high = _amax_fn(axes, keepdim, False), _amax_fn(axes, keepdim, True)
    return jax.jit(lambda x: (low(x), high(x)))


@op(out=False)
def aminmax(input, *, dim=None, keepdim=False, out=None):
    """(min, max) over `dim` (all elements by default). Implements `torch.aminmax`."""
    axes = None
    if dim is not None:
        axis = _axis(input, dim)
        axes = (axis,) if input.dim() else ()
    _no_complex("aminmax", input, "aminmax_cpu")
    if input.numel() == 0:
        if axes is None:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                               "identity.")
        if input._shape[axes[0]] == 0:
            raise IndexError(f"aminmax: Expected reduction dim {axes[0]} to have non-zero size.")
    result = apply_fn("AminmaxBackward0", _aminmax_fn(axes, bool(keepdim)), (input,), (input.dtype,) * 2)
    return _out(RETURN_TYPES["aminmax"](result), out)


@functools.lru_cache(maxsize=4096)
def _argextreme_fn(axis, keepdim, largest, ndim):
    def arg(x):
        if axis is None:
            index = _arg_extreme(x.reshape(-1), 0, largest)
            return (index.reshape((1,) * ndim) if keepdim else index.reshape(())).astype(jnp.int64)
        return _along(lambda v, a: _keep(_arg_extreme(v, a, largest), a, keepdim), x, axis).astype(jnp.int64)

    return jax.jit(arg)


def _argextreme(name, largest, input, dim, keepdim):
    if input.dtype is _dtype.bool:
        raise RuntimeError(f"{name}(): does not support bool input")
    _no_complex(name, input, f"{name}_cpu")
    axis = None if dim is None else _axis(input, dim)
    if input.numel() == 0:
        if axis is None:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        _check_nonempty(name, input, (axis,))
    return apply_fn("", _argextreme_fn(axis, bool(keepdim), largest, input.dim()), (input,), _dtype.int64)


@op()
def argmax(input, dim=None, keepdim=False):
    """Index of the first maximum (NaN counting as largest), of the flattened input by
    default. Implements `torch.argmax`."""
    return _argextreme("argmax", True, input, dim, keepdim)


@op()
def argmin(input, dim=None, keepdim=False):
    """Index of the first minimum (NaN counting as smallest). Implements `torch.argmin`."""
    return _argextreme("argmin", False, input, dim, keepdim)


# ---------------------------------------------------------------- binary extremes
def _maximum_backward(largest, ignore_nan):
    """torch's gradients: maximum/minimum split ties in half and pass NaNs on to both
    operands; fmax/fmin send ties to `input` and NaN operands nothing."""

    def backward(xs, r, g):
        a, b = xs
        if ignore_nan:
            to_a = ((a >= b) if largest else (a <= b)) | jnp.isnan(b)
            return jnp.where(to_a, g, 0), jnp.where(to_a, 0, g)
        a_loses, b_loses = (a < b, a > b) if largest else (a > b, a < b)
        half = jnp.where(a == b, g / 2, g)
        return jnp.where(a_loses, 0, half), jnp.where(b_loses, 0, half)

    return backward


def _fmax(a, b):
    """C's fmax as torch's kernel gives it: `a` on ties (so fmax(0., -0.) is 0. and
    fmax(-0., 0.) is -0.), the other operand where one is NaN."""
    return jnp.where(jnp.isnan(b) | (a >= b), a, b)


def _fmin(a, b):
    return jnp.where(jnp.isnan(b) | (a <= b), a, b)


@functools.lru_cache(maxsize=256)
def _binary_fn(name, compute, result):
    forward = {"maximum": jnp.maximum, "minimum": jnp.minimum, "fmax": _fmax, "fmin": _fmin}[name]
    if compute.category >= _dtype.FLOAT:
        forward = _custom(forward, _maximum_backward(name in ("maximum", "fmax"), name.startswith("f")))

    def run(a, b):
        a, b = jnp.broadcast_arrays(convert(a, compute), convert(b, compute))
        return convert(forward(a, b), result)

    return jax.jit(run)


def _binary(name, input, other):
    if not isinstance(other, Tensor):
        raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    compute, result = elementwise_dtypes((operand_key(input), operand_key(other)), Promote.DEFAULT)
    if result.is_complex:
        raise RuntimeError(f"{name} not implemented for complex tensors.")
    broadcast_shapes(input._shape, other._shape)
    device = check_same_device((input, other))
    return apply_fn(f"{name.capitalize()}Backward0", _binary_fn(name, compute, result), (input, other), result,
                    device=device, saved=(input, other))


@op()
def maximum(input, other):
    """Elementwise maximum, propagating NaN. Implements `torch.maximum`."""
    return _binary("maximum", input, other)


@op()
def minimum(input, other):
    """Elementwise minimum, propagating NaN. Implements `torch.minimum`."""
    return _binary("minimum", input, other)


@op()
def fmax(input, other):
    """Elementwise maximum ignoring NaN (NaN only where both are NaN). Implements `torch.fmax`."""
    return _binary("fmax", input, other)


@op()
def fmin(input, other):
    """Elementwise minimum ignoring NaN. Implements `torch.fmin`."""
    return _binary("fmin", input, other)


# ---------------------------------------------------------------- order statistics
@functools.lru_cache(maxsize=64)
def _median_all_fn(ignore_nan):
    def forward(x):
        flat = jnp.sort(x.reshape(-1))  # NaN sorts last
        nans = jnp.sum(_isnan(flat))
        if ignore_nan:
            return flat[jnp.maximum(flat.size - nans - 1, 0) // 2]
        middle = flat[(flat.size - 1) // 2]
        return jnp.where(nans > 0, jnp.nan, middle).astype(x.dtype) if jnp.issubdtype(x.dtype, jnp.inexact) else middle

    return jax.jit(_custom(forward, _evenly_backward))


@functools.lru_cache(maxsize=4096)
def _median_dim_fn(axis, keepdim, ignore_nan):
    def forward(x, axis):
        # torch partitions with (value, index) order: the median's index is its position
        # in a stable sort (NaN last); torch.median returns the first NaN if any.
        n = x.shape[axis]
        order = jnp.argsort(x, axis=axis, stable=True)
        nan = _isnan(x)
        if ignore_nan:
            k = n - jnp.sum(nan, axis=axis, keepdims=True)
            index = jnp.take_along_axis(order, jnp.where(k > 0, (k - 1) // 2, 0), axis)
        else:
            middle = jnp.full(order.shape[:axis] + (1,) + order.shape[axis + 1:], (n - 1) // 2)
            index = jnp.take_along_axis(order, middle, axis)
            index = jnp.where(jnp.any(nan, axis=axis, keepdims=True), jnp.argmax(nan, axis=axis, keepdims=True), index)
        values = _select(x, index, axis)
        return _keep(values, axis, keepdim), _keep(index, axis, keepdim).astype(jnp.int64)

    return jax.jit(lambda x: _along(forward, x, axis))


# The median torch gives an empty input: NaN converted to the dtype (as its C casts do).
_EMPTY_MEDIAN = {"int64": -2 ** 63, "int32": -2 ** 31, "int16": 0, "int8": 0, "uint8": 0, "bool": True}


def _median(name, input, dim, keepdim, ignore_nan, out):
    def check_dtype():
        if input.dtype is _dtype.bool or input.dtype.is_complex:
            raise NotImplementedError(f'"{name}_cpu" not implemented for \'{type_name(input.dtype)}\'')

    grad = "NanmedianBackward" if ignore_nan else "MedianBackward"
    if dim is None:
        _unexpected_out(name, out)
        if input.numel() == 0:
            value = jnp.asarray(_EMPTY_MEDIAN.get(input.dtype.name, math.nan), input.dtype.np)
            return Tensor._make(value, input.dtype, input.device)
        check_dtype()
        return apply_fn(grad + "0", _median_all_fn(ignore_nan), (input,), input.dtype, saved=(input,))
    axis = _axis(input, dim)
    if input.dim():
        _check_nonempty(name, input, (axis,))
    check_dtype()
    result = apply_fn(grad + "1", _median_dim_fn(axis, bool(keepdim), ignore_nan), (input,),
                      (input.dtype, _dtype.int64))
    return _out(RETURN_TYPES[name](result), out)


@op(out=False)
def median(input, dim=None, keepdim=False, *, out=None):
    """The lower median (NaN if any element is NaN); with `dim`, (values, indices).
    Implements `torch.median`."""
    return _median("median", input, dim, keepdim, False, out)


@op(out=False)
def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """The lower median of the non-NaN elements. Implements `torch.nanmedian`."""
    return _median("nanmedian", input, dim, keepdim, True, out)


def _insertion_sort(x):
    """(values, original indices) of each row of `x` (shape (rows, n)) after the
    insertion sort that torch's mode gets from std::sort for n <= 16, comparing with
    `<` only (so NaNs stay where they are relative to their neighbours)."""
    rows, n = x.shape
    positions = jnp.arange(n)

    values, indices = x, jnp.broadcast_to(positions, (rows, n))
    for i in range(1, n):  # n <= 16: unrolled
        value, index = values[:, i:i + 1], indices[:, i:i + 1]
        stays = ~(value < values) & (positions < i)  # elements that `value` does not move past
        last_stay = jnp.max(jnp.where(stays, positions, -1), axis=1, keepdims=True)
        target = jnp.where(value < values[:, :1], 0, last_stay + 1)
        shifted = (positions > target) & (positions <= i)
        at = positions == target
        values = jnp.where(at, value, jnp.where(shifted, jnp.roll(values, 1, axis=1), values))
        indices = jnp.where(at, index, jnp.where(shifted, jnp.roll(indices, 1, axis=1), indices))
    return values, indices


@functools.lru_cache(maxsize=4096)
def _mode_fn(axis, keepdim):
    def forward(x, axis):
        moved = jnp.moveaxis(x, axis, -1)
        rows = moved.reshape(-1, moved.shape[-1])
        n = rows.shape[1]
        if n <= 16:
            values, indices = _insertion_sort(rows)
        else:
            order = jnp.argsort(rows, axis=1, stable=True)
            values, indices = jnp.take_along_axis(rows, order, 1), order
        # torch scans the sorted run lengths and keeps the first longest run's last element.
        positions = jnp.arange(n)
        ends = jnp.concatenate([values[:, :-1] != values[:, 1:], jnp.ones((rows.shape[0], 1), bool)], axis=1)
        starts = lax.cummax(jnp.where(jnp.roll(ends, 1, axis=1).at[:, 0].set(True), positions, 0), axis=1)
        runs = jnp.where(ends, positions - starts + 1, 0)
        best = jnp.argmax(runs, axis=1, keepdims=True)
        index = jnp.take_along_axis(indices, best, 1).reshape(moved.shape[:-1] + (1,))
        index = jnp.moveaxis(index, -1, axis)
        value = _select(x, index, axis)
        return _keep(value, axis, keepdim), _keep(index, axis, keepdim).astype(jnp.int64)

    return jax.jit(lambda x: _along(forward, x, axis))


@op(out=False)
def mode(input, dim=-1, keepdim=False, *, out=None):
    """(values, indices) of the most frequent value along `dim` (the smallest on ties;
    the index of its last occurrence). Implements `torch.mode`.

    Differences from torch: for dims longer than 16 with repeated values or NaNs, the
    index may name another occurrence than torch's (unstable) std::sort gives."""
    _no_complex("mode", input, "mode_cpu")
    axis = _axis(input, dim)
    if input.dim():
        _check_nonempty("mode", input, (axis,))
    result = apply_fn("ModeBackward0", _mode_fn(axis, bool(keepdim)), (input,), (input.dtype, _dtype.int64))
    return _out(RETURN_TYPES["mode"](result), out)


@jax.custom_vjp
def _lerp(start, end, weight):
    """torch's lerp formula (exact at both ends), with torch's derivatives (written as
    single products: the sum of the two branches' derivatives loses signed zeros)."""
    return jnp.where(jnp.abs(weight) < 0.5, start + weight * (end - start), end - (end - start) * (1 - weight))


_lerp.defvjp(lambda s, e, w: (_lerp(s, e, w), (s, e, w)),
             lambda res, g: (g * (1 - res[2]), g * res[2], g * (res[1] - res[0])))


@functools.lru_cache(maxsize=4096)
def _quantile_fn(axis, keepdim, interpolation, ignore_nan, scalar_q, ndim):
    def quantile(x, q):
        if axis is None or ndim == 0:
            ranked = jnp.sort(x.reshape(-1))
            ranked = ranked.reshape(((1,) * ndim if keepdim else ()) + ranked.shape)
        else:
            ranked = jnp.sort(jnp.moveaxis(x, axis, -1), axis=-1)
            if keepdim:
                ranked = jnp.expand_dims(ranked, axis)
        last = ranked.shape[-1] - 1
        nan = jnp.isnan(ranked)
        if ignore_nan:
            ranks = q.reshape(-1) * (jnp.sum(~nan, axis=-1, keepdims=True) - 1).astype(x.dtype)
            ranks = jnp.where(ranks < 0, 0, ranks)
        else:
            ranks = jnp.where(jnp.any(nan, axis=-1, keepdims=True), last, q.reshape(-1) * last).astype(x.dtype)
        ranks = {"lower": jnp.floor, "higher": jnp.ceil, "nearest": jnp.round}.get(interpolation, lambda r: r)(ranks)
        below = ranks.astype(jnp.int64)
        values = _gather(ranked, below, -1)
        if interpolation in ("linear", "midpoint"):
            weights = jnp.full_like(ranks, 0.5) if interpolation == "midpoint" else ranks - below
            above = _gather(ranked, jnp.ceil(ranks).astype(jnp.int64), -1)
            values = _lerp(values, above, weights)
        return values[..., 0] if scalar_q else jnp.moveaxis(values, -1, 0)

    return jax.jit(quantile)


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(name, input, q, dim, keepdim, interpolation, ignore_nan):
    if input.numel() == 0:
        raise RuntimeError("quantile() input tensor must be non-empty")
    if isinstance(q, Tensor):
        if q.dim() > 1:
            raise RuntimeError("quantile() q must be a scalar or 1D tensor")
    if input.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError("quantile() input tensor must be either float or double dtype")
    if isinstance(q, Tensor):
        if q.dtype is not input.dtype:
            raise RuntimeError("quantile() q tensor must be same dtype as the input tensor")
        if not bool(jnp.all((q._data >= 0) & (q._data <= 1))):
            raise RuntimeError("quantile() q values must be in the range [0, 1]")
    else:
        if not 0 <= q <= 1:
            raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {q}")
        q = Tensor._make(scalar_array(float(q), input.dtype), input.dtype, input.device)
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError("quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, but "
                           f"got {interpolation}")
    axis = None if dim is None else _axis(input, dim)
    fn = _quantile_fn(axis, bool(keepdim), interpolation, ignore_nan, q.dim() == 0, input.dim())
    # torch computes this as sort, gather and lerp; the last step is a squeeze.
    return apply_fn("SqueezeBackward4", fn, (input, q), input.dtype)


@op()
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The `q`-th quantiles (q a float or 0-d/1-d tensor; NaN if the reduced elements
    contain NaN). Implements `torch.quantile`."""
    return _quantile("quantile", input, q, dim, keepdim, interpolation, False)


@op()
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """Quantiles of the non-NaN elements. Implements `torch.nanquantile`."""
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, True)


# ---------------------------------------------------------------- norms
def _norm_backward(p, axes, keepdim):
    """torch's norm_backward for vector p-norms, which zeroes what 0/0 would make NaN."""

    def backward(xs, norm, g):
        (x,) = xs
        g, norm = _expand(g, axes, keepdim, x.ndim), _expand(norm, axes, keepdim, x.ndim)
        if p == 0:
            return (jnp.zeros_like(x),)
        if p == 1:
            return (_sgn(x) * g,)
        if p == 2:
            return (g * _masked(norm == 0, x / norm),)
        if math.isinf(p):
            mask = (jnp.abs(x) == norm) | jnp.isnan(x)
            return (_sgn(x) * _times_mask(g / _count(mask, axes, g.dtype), mask),)
        if p < 1:
            scaled = _sgn(x) * _masked(x == 0, jnp.abs(x) ** (p - 1))
            return (scaled * g * norm ** (1 - p),)
        scaled = _sgn(x) * jnp.abs(x) ** (p - 1) if p < 2 else x * jnp.abs(x) ** (p - 2)
        return (scaled * _masked(norm == 0, g / norm ** (p - 1)),)

    return backward


@functools.lru_cache(maxsize=4096)
def _vector_norm_fn(p, axes, keepdim, compute, result):
    def forward(x):
        a = jnp.abs(x)
        if jnp.iscomplexobj(x):  # |z| is infinite when a part is (XLA's abs gives NaN for nan+infj)
            a = jnp.where(jnp.isinf(x.real) | jnp.isinf(x.imag), jnp.inf, a)
        if p == 0:
            return jnp.sum(a != 0, axis=axes, keepdims=keepdim).astype(a.dtype)
        if p == math.inf:
            return jnp.max(a, axis=axes, keepdims=keepdim)
        if p == -math.inf:
            return jnp.min(a, axis=axes, keepdims=keepdim)
        if p == 1:
            return jnp.sum(a, axis=axes, keepdims=keepdim)
        if p == 2:
            return jnp.sqrt(jnp.sum(a * a, axis=axes, keepdims=keepdim))
        return jnp.sum(a ** p, axis=axes, keepdims=keepdim) ** (1.0 / p)

    fn = _custom(forward, _norm_backward(p, axes, keepdim))
    return jax.jit(lambda x: convert(fn(convert(x, compute)), result))


@functools.lru_cache(maxsize=4096)
def _nuclear_norm_fn(axes, keepdim, compute, result):
    def nuclear(x):
        x = convert(x, compute)
        values = jnp.linalg.svd(jnp.moveaxis(x, axes, (-2, -1)), compute_uv=False)
        total = jnp.sum(values, axis=-1)
        return convert(jnp.expand_dims(total, axes) if keepdim else total, result)

    return jax.jit(nuclear)


def _check_norm_dtype(input):
    if input.dtype.category < _dtype.FLOAT:
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{type_name(input.dtype)}")


def _vector_norm(input, p, axes, keepdim, dtype):
    p = float(p)
    if p < 0 or math.isinf(p):
        if input.numel() == 0:
            if axes is None:
                raise RuntimeError(f"linalg.vector_norm cannot compute the {p:g} norm on an empty tensor because the "
                                   "operation does not have an identity")
            for d in axes:
                if input._shape[d] == 0:
                    raise RuntimeError(f"linalg.vector_norm cannot compute the {p:g} norm on the dimension {d}because "
                                       "this dimension is empty and the operation does not have an identity")
    source = dtype or input.dtype
    result = source.to_real()
    # torch's CPU norm kernels accumulate float32 in float64 (its acc_type).
    compute = {"float32": _dtype.float64, "complex64": _dtype.complex128}.get(source.name, _compute(source))
    fn = _vector_norm_fn(p, axes, bool(keepdim), compute, result)
    return apply_fn("LinalgVectorNormBackward0", fn, (input,), result, saved=(input,))


@op(out=False)
def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """The legacy norm: a vector p-norm over `dim` (all elements by default), 'fro'
    for the 2-norm and 'nuc' for the nuclear norm of matrices. Implements `torch.norm`."""
    matrix = isinstance(p, str) and (p != "fro" or isinstance(dim, (tuple, list)) and len(dim) > 2)
    if not matrix:
        _check_norm_dtype(input)  # torch checks the dtype of vector norms before the dims
    if isinstance(p, str):
        count = 1 if dim is None or isinstance(dim, int) else len(dim)
        if p == "fro" and (dim is None or count <= 2):
            return _out(_vector_norm(input, 2, _axes(input, dim), keepdim, dtype), out)
        # torch.linalg.matrix_norm checks the rank and the number of dims before wrapping them
        if input.dim() < 2:
            raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
        dims = tuple(range(input.dim())) if dim is None else (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dims) != 2:
            raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dims))}")
        axes = _axes(input, dims)
        if p != "nuc":
            raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
        source = dtype or input.dtype
        fn = _nuclear_norm_fn(axes, bool(keepdim), _compute(source), source.to_real())
        # torch sums the singular values (and with keepdim permutes the kept dims back).
        grad_name = "PermuteBackward0" if keepdim else "SumBackward1"
        return _out(apply_fn(grad_name, fn, (input,), source.to_real()), out)
    return _out(_vector_norm(input, 2.0 if p is None else p, _axes(input, dim), keepdim, dtype), out)


@functools.lru_cache(maxsize=4096)
def _logsumexp_fn(axes, keepdim, compute, result):
    def forward(x):
        # torch: amax, with infinite maxima replaced by 0, shifts the exponentials; each
        # step rounds to the input dtype, the sum accumulates in float32 for halves.
        shift = jnp.max(x, axis=axes, keepdims=True) if x.size else jnp.zeros((1,) * x.ndim, x.dtype)
        shift = lax.stop_gradient(jnp.where(jnp.isinf(shift), 0, shift))
        total = jnp.sum(jnp.exp(x - shift), axis=axes, keepdims=True, dtype=compute.np).astype(x.dtype)
        total = jnp.log(total) + shift
        return _keep(total, axes if axes is not None else tuple(range(x.ndim)), keepdim)

    def backward(xs, r, g):
        # torch's logsumexp_backward: grad * exp(x - result).
        (x,) = xs
        return (_expand(g, axes, keepdim, x.ndim) * jnp.exp(x - _expand(r, axes, keepdim, x.ndim)),)

    fn = _custom(forward, backward)
    return jax.jit(lambda x: fn(convert(x, result)))


@op()
def logsumexp(input, dim, keepdim=False):
    """log(sum(exp(input))) over `dim`, computed stably; integer inputs give the
    default float dtype. Implements `torch.logsumexp`."""
    result = input.dtype if input.dtype.category >= _dtype.FLOAT else _dtype.get_default_dtype()
    axes = _axes(input, dim)
    fn = _logsumexp_fn(axes, bool(keepdim), _compute(result), result)
    return apply_fn("LogsumexpBackward0", fn, (input,), result, saved=(input,))


# ---------------------------------------------------------------- scans
def _logcumsumexp(x, axis):
    """lax.cumlogsumexp with torch's gradient (TensorFlow's formula: reverse
    logcumsumexps of log|grad| - result, for the positive and negative parts)."""

    def reverse(v):
        return jnp.flip(lax.cumlogsumexp(jnp.flip(v, axis), axis), axis)

    def backward(xs, result, g):
        (x,) = xs
        lowest = jnp.finfo(g.dtype).min
        log_abs = jnp.log(jnp.abs(g))
        positive = jnp.exp(reverse(jnp.where(g > 0, log_abs, lowest) - result) + x)
        negative = jnp.exp(reverse(jnp.where(g < 0, log_abs, lowest) - result) + x)
        return (positive - negative,)

    if x.ndim == 0 or x.size == 0:  # torch passes the gradient through unchanged
        return lax.cumlogsumexp(x, axis)
    return _custom(lambda v: lax.cumlogsumexp(v, axis), backward)(x)


@functools.lru_cache(maxsize=4096)
def _scan_fn(name, axis, compute, result):
    scan = {"cumsum": _cumsum, "cumprod": jnp.cumprod, "logcumsumexp": _logcumsumexp}[name]
    return jax.jit(lambda x: convert(_along(lambda v, a: scan(convert(v, compute), axis=a), x, axis), result))


def _cumsum(x, axis):
    """torch's running sums start from +0.0, so they are never -0.0."""
    return _plus_zero(jnp.cumsum(x, axis=axis))


def _cumulative(name, grad_name, input, dim, dtype):
    result = _sum_dtype(input, dtype)
    axis = _axis(input, dim)
    if result is _dtype.bool and input.dim() and input.numel():
        raise NotImplementedError(f'"{name}_out_cpu" not implemented for \'Bool\'')
    return apply_fn(grad_name, _scan_fn(name, axis, _compute(result), result), (input,), result,
                    saved=(input,) if name == "cumprod" else ())


def _cumulative_(name, grad_name, self, dim, dtype):
    """The in-place variant, computed in self's dtype as torch does."""
    if dtype is not None and dtype is not self.dtype:
        raise RuntimeError(f"Bad in-place call: input tensor dtype {self.dtype} and output tensor dtype {dtype} "
                           "should match")
    return assign_inplace(self, _cumulative(name, grad_name, self, dim, self.dtype))


@op(out=False)
def cumsum(input, dim, *, dtype=None, out=None):
    """Cumulative sum along `dim`; integer and bool inputs give int64 (with `out=`, the
    out tensor's dtype). Implements `torch.cumsum`."""
    dtype = dtype or (out.dtype if isinstance(out, Tensor) else None)
    return _out(_cumulative("cumsum", "CumsumBackward0", input, dim, dtype), out)


@op(out=False)
def cumprod(input, dim, *, dtype=None, out=None):
    """Cumulative product along `dim`. Implements `torch.cumprod`."""
    dtype = dtype or (out.dtype if isinstance(out, Tensor) else None)
    return _out(_cumulative("cumprod", "CumprodBackward0", input, dim, dtype), out)


def cumsum_(self, dim, *, dtype=None):
    return _cumulative_("cumsum", "CumsumBackward0", self, dim, dtype)


def cumprod_(self, dim, *, dtype=None):
    return _cumulative_("cumprod", "CumprodBackward0", self, dim, dtype)


OP_TABLE["torch.cumsum"].inplace_function = cumsum_
OP_TABLE["torch.cumprod"].inplace_function = cumprod_


@op()
def logcumsumexp(input, dim):
    """log(cumsum(exp(input))) along `dim`. Implements `torch.logcumsumexp`."""
    axis = _axis(input, dim)
    if input.dtype.category < _dtype.FLOAT:
        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for \'{type_name(input.dtype)}\'')
    fn = _scan_fn("logcumsumexp", axis, _compute(input.dtype), input.dtype)
    return apply_fn("LogcumsumexpBackward0", fn, (input,), input.dtype, saved=(input,))


@functools.lru_cache(maxsize=4096)
def _cum_extreme_fn(axis, largest):
    def forward(x, axis):
        # torch moves the index to every element that is >= (<=) the running extreme or
        # NaN; that rule is associative, so a parallel scan computes it.
        def combine(a, b):
            (va, ia), (vb, ib) = a, b
            takes = _isnan(vb) | ((vb >= va) if largest else (vb <= va))
            return jnp.where(takes, vb, va), jnp.where(takes, ib, ia)

        shape = [1] * x.ndim
        shape[axis] = x.shape[axis]
        positions = jnp.broadcast_to(jnp.arange(x.shape[axis]).reshape(shape), x.shape)
        _, index = lax.associative_scan(combine, (x, positions), axis=axis)
        return _gather(x, index, axis), index.astype(jnp.int64)

    return jax.jit(lambda x: _along(forward, x, axis))


def _cum_extreme(name, largest, input, dim, out):
    if input.numel() == 0:  # torch returns empty results without looking at `dim`
        dim = 0
    _no_complex(name, input, f"{name}_cpu")
    result = apply_fn(f"{name.capitalize()}Backward0", _cum_extreme_fn(_axis(input, dim), largest), (input,),
                      (input.dtype, _dtype.int64))
    return _out(RETURN_TYPES[name](result), out)


@op(out=False)
def cummax(input, dim, *, out=None):
    """(values, indices) of the running maximum along `dim` (the index moves to every
    element >= the maximum so far, and to every NaN). Implements `torch.cummax`."""
    return _cum_extreme("cummax", True, input, dim, out)


@op(out=False)
def cummin(input, dim, *, out=None):
    """(values, indices) of the running minimum along `dim`. Implements `torch.cummin`."""
    return _cum_extreme("cummin", False, input, dim, out)


# ---------------------------------------------------------------- boolean reductions
def _logical(name, input, dim, keepdim):
    result = _dtype.uint8 if input.dtype is _dtype.uint8 else _dtype.bool
    return apply_fn("", _reducer(name, _axes(input, dim), bool(keepdim), input.dtype, result), (input,), result)


@op()
def all(input, dim=None, keepdim=False):  # noqa: A001
    """Whether every element is nonzero (uint8 inputs give uint8). Implements `torch.all`."""
    return _logical("all", input, dim, keepdim)


@op()
def any(input, dim=None, keepdim=False):  # noqa: A001
    """Whether some element is nonzero. Implements `torch.any`."""
    return _logical("any", input, dim, keepdim)


@functools.lru_cache(maxsize=4096)
def _count_nonzero_fn(axes):
    return jax.jit(lambda x: jnp.sum(x != 0, axis=axes, dtype=jnp.int64))


@op(out=False)
def count_nonzero(input, dim=None):
    """The number of nonzero elements over `dim`, as int64. Implements `torch.count_nonzero`."""
    return apply_fn("", _count_nonzero_fn(_axes(input, dim)), (input,), _dtype.int64)
