"""Loss functions of torch.nn.functional (the *_loss functions, cross_entropy, kl_div, ...).

Each loss is one jitted JAX function (cached on its static options) run through
`apply_fn`, recording one autograd node named like the last op torch records for it:
a native kernel's own node (MseLossBackward0, NllLossBackward0, ...) or, for the losses
torch composes from smaller ops, the last of those (MeanBackward0, ClampMinBackward0,
...). Where JAX's derivative differs from torch's backward formula (at kinks, or where
torch clamps), a custom VJP gives torch's gradient. Targets of class indices are
bounds-checked on the host, as JAX would clamp out-of-range gathers silently.
"""
from __future__ import annotations

import functools
import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._dtype import Promote, elementwise_dtypes, operand_key
from .._registry import apply_fn, broadcast_shapes, op, type_name
from .._tensor import Tensor
from ..autograd.grad_mode import STATE

_NS = "torch.nn.functional"
NONE, MEAN, SUM = 0, 1, 2
_EPSILON = float(np.float32(1e-12))  # ATen's `constexpr float EPSILON = 1e-12`
_HALF = (_dtype.float16, _dtype.bfloat16)
_REDUCED_NAMES = {MEAN: "MeanBackward0", SUM: "SumBackward0"}


# ================================================================ reductions
def legacy_get_string(size_average, reduce, emit_warning=True, stacklevel=4):
    """The reduction string for the legacy `size_average`/`reduce` flags, as
    torch.nn._reduction.legacy_get_string maps them (with its deprecation warning)."""
    if size_average is None:
        size_average = True
    if reduce is None:
        reduce = True
    if size_average and reduce:
        ret = "mean"
    elif reduce:
        ret = "sum"
    else:
        ret = "none"
    if emit_warning:
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
                      UserWarning, stacklevel=stacklevel)
    return ret


def get_enum(reduction):
    """torch.nn._reduction.get_enum: 0 none, 1 mean, 2 sum."""
    if reduction == "none":
        return NONE
    if reduction == "mean":
        return MEAN
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
                      UserWarning, stacklevel=4)
        return MEAN
    if reduction == "sum":
        return SUM
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _reduction(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        return legacy_get_string(size_average, reduce)
    return reduction


def _legacy_enum(size_average, reduce, reduction):
    return get_enum(_reduction(size_average, reduce, reduction))


def _reduce(loss, reduction):
    if reduction == MEAN:
        return jnp.mean(loss)
    if reduction == SUM:
        return jnp.sum(loss)
    return loss


def _reduced_name(reduction, none_name):
    return _REDUCED_NAMES.get(reduction, none_name)


# ================================================================ helpers
def _opmath(d):
    """The dtype a kernel computes in: float32 for float16/bfloat16 (then rounds once)."""
    return _dtype.float32 if d in _HALF else d


def _promote(*tensors):
    """torch's result dtype for an elementwise op over `tensors` (None skipped)."""
    return elementwise_dtypes(tuple(operand_key(t) for t in tensors if t is not None), Promote.NO_OPMATH)[1]


def _float_or_default(d):
    return d if d.category >= _dtype.FLOAT else _dtype.get_default_dtype()


def _np(d):
    return d.np


def _nograd(t):
    """`t` without its autograd edge, for operands torch does not differentiate."""
    if t is not None and t._requires_grad:
        return t.detach()
    return t


def _mul_saved(a, b):
    """The operands torch's a * b saves for backward (each one for the other's gradient)."""
    return tuple(t for t, other in ((b, a), (a, b)) if other._requires_grad)


def _not_differentiable(fn, arg, t):
    if t is not None and STATE.enabled and t._requires_grad:
        raise RuntimeError(f"The function '{fn}' is not differentiable with respect to argument '{arg}'. This input "
                           "cannot have requires_grad True.")


def _size_warning(input, target, stacklevel=4):
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(
            f"Using a target size ({target.size()}) that is different to the input size ({input.size()}). "
            "This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.",
            UserWarning, stacklevel=stacklevel)


def _check_output_shape(out_shape, shape):
    """torch's error for an in-place/out= op whose broadcast shape outgrows its output."""
    if tuple(shape) != tuple(out_shape):
        raise RuntimeError(f"output with shape {list(out_shape)} doesn't match the broadcast shape {list(shape)}")


def _refs_broadcast_shapes(*shapes):
    """torch.broadcast_shapes (torch._refs._broadcast_shapes) with its error message."""
    common = [1] * max((len(s) for s in shapes), default=0)
    for arg_idx, shape in enumerate(shapes):
        shape = tuple(shape)
        for idx in range(-1, -1 - len(shape), -1):
            if shape[idx] == common[idx]:
                continue
            if common[idx] == 1:
                common[idx] = shape[idx]
            if shape[idx] == 1:
                continue
            if common[idx] != shape[idx]:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {shape[idx]} at {idx}! Mismatching argument at "
                    f"index {arg_idx} had torch.Size({list(shape)}); but expected shape should be broadcastable to "
                    f"{common}")
    return tuple(common)


def _check_mean_dtype(result, reduction):
    """The dtype of mean()/sum() over a loss of dtype `result` (torch's error for an
    integer mean; an integer sum is int64)."""
    if result.category < _dtype.FLOAT:
        if reduction == MEAN:
            raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                               f"complex dtype. Got: {type_name(result)}")
        if reduction == SUM:
            return _dtype.int64
    return result


def _kernel_not_implemented(kernel, d):
    raise NotImplementedError(f'"{kernel}" not implemented for \'{type_name(d)}\'')


def _cast_to(x, d):
    return x.astype(d) if x.dtype != d else x


def _own(x):
    """(x in its opmath dtype, its storage dtype): torch evaluates a unary sub-expression of
    a composite loss in the operand's own dtype (integers: the default float)."""
    d = x.dtype if jnp.issubdtype(x.dtype, jnp.floating) else _dtype.get_default_dtype().np
    compute = jnp.float32 if d in (jnp.float16, jnp.dtype(jnp.bfloat16)) else d
    return x.astype(compute), d


def _rounded(value, d, compute):
    """`value` rounded to dtype `d` (as torch stores the intermediate), then in `compute`."""
    return value.astype(d).astype(compute)


def _custom(value, derivative):
    """`value(*xs)` differentiated by torch's formula `derivative(*xs, g)` -> grads."""
    f = jax.custom_vjp(value)
    f.defvjp(lambda *xs: (value(*xs), xs), lambda xs, g: tuple(derivative(*xs, g)))
    return f


# where(r == 0, +0, r), differentiated as the identity: what `r + 0` gives in IEEE
# arithmetic, which XLA would fold to `r` (keeping -0)
_positive_zero = _custom(lambda r: jnp.where(r == 0, jnp.zeros_like(r), r), lambda r, g: (g,))


def _add_scalar(x, c):
    """x + c for a Python number c, with IEEE's signed zero when c is 0."""
    return _positive_zero(x) if c == 0 else x + c


def _rsub_scalar(c, x):
    """c - x for a Python number c, with IEEE's signed zero when c is 0."""
    return _positive_zero(-x) if c == 0 else jnp.asarray(c, x.dtype) - x


# ================================================================ l1 / mse / smooth_l1 / huber / soft_margin
def _abs_value(d):
    return jnp.abs(d)


# torch's abs backward is grad * sgn(x): zero at 0 (JAX's is 1)
_abs = _custom(_abs_value, lambda d, g: (g * jnp.sign(d),))


def _smooth_l1_elem(beta):
    def value(x, y):
        z = jnp.abs(x - y)
        return jnp.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta)

    def derivative(x, y, g):
        d = x - y
        gx = jnp.where(d <= -beta, -g, jnp.where(d >= beta, g, d * g / beta))
        return gx, -gx

    return _custom(value, derivative)


def _huber_elem(delta):
    def value(x, y):
        z = jnp.abs(x - y)
        return jnp.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta))

    def derivative(x, y, g):
        d = x - y
        gx = jnp.where(d <= -delta, -g * delta, jnp.where(d >= delta, g * delta, d * g))
        return gx, -gx

    return _custom(value, derivative)


def _soft_margin_value(x, y):
    return jnp.log1p(jnp.exp(-x * y))


def _soft_margin_derivative(x, y, g):
    z = jnp.exp(-y * x)
    return -y * z / (1 + z) * g, jnp.zeros_like(y)


_soft_margin_elem = _custom(_soft_margin_value, _soft_margin_derivative)


@functools.lru_cache(maxsize=None)
def _pointwise_fn(kind, param, reduction, shape, compute, result, has_weight, weighted_mean):
    """loss(input, target[, weight]) for the elementwise losses, broadcast to `shape`."""

    def fn(x, y, *w):
        input_dtype = x.dtype
        x = jnp.broadcast_to(_cast_to(x, compute), shape)
        y = jnp.broadcast_to(_cast_to(y, compute), shape)
        if kind == "mse":
            d = x - y
            loss = d * d
        elif kind == "l1":
            loss = _abs(x - y) if jnp.issubdtype(compute, jnp.floating) else jnp.abs(x - y)
        elif kind == "smooth_l1":
            loss = _smooth_l1_elem(param)(x, y)
        elif kind == "huber":
            loss = _huber_elem(param)(x, y)
            if has_weight:  # huber's own output has the input's dtype
                loss = _rounded(loss, input_dtype, compute)
        else:  # soft_margin
            loss = _soft_margin_elem(x, y)
        if has_weight:
            loss = loss * _cast_to(w[0], compute)
            if reduction == MEAN and weighted_mean:
                w_own, w_dtype = _own(w[0])  # sum(weight) in the weight's dtype
                return _cast_to(jnp.sum(loss) / _rounded(jnp.sum(w_own), w_dtype, compute), result)
        if reduction == SUM and not jnp.issubdtype(compute, jnp.floating):
            return jnp.sum(loss.astype(jnp.int64))
        return _cast_to(_reduce(loss, reduction), result)

    return jax.jit(fn)


def _elementwise_loss(kind, name, input, target, reduction, param=None, weight=None):
    """Shared body of l1/mse/smooth_l1/huber: torch broadcasts the operands (the caller
    warns when their sizes differ) and runs one kernel."""
    shape = broadcast_shapes(input._shape, target._shape)
    if weight is not None:
        if tuple(weight.shape) != tuple(input.shape):
            raise ValueError("Weights and input must have the same size.")
        if reduction not in ("none", "mean", "sum"):
            raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")
        reduction = {"none": NONE, "mean": MEAN, "sum": SUM}[reduction]
    else:
        reduction = get_enum(reduction)
    if kind == "smooth_l1" and param < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if kind == "huber" and param <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    # torch promotes the broadcast (expanded) operands: their ranks agree
    promoted = _dtype.promote_types(input.dtype, target.dtype)
    if kind == "huber":
        # huber writes into an output of the input's dtype
        result = input.dtype
        if not _dtype.can_cast(promoted, result):
            raise RuntimeError(f"result type {type_name(promoted)} can't be cast to the desired output type "
                               f"{type_name(result)}")
    else:
        result = promoted
    if kind == "l1":
        if input.dtype is _dtype.bool and target.dtype is _dtype.bool:
            raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
                               "or `logical_xor()` operator instead.")
        if weight is None and reduction != NONE:
            _check_mean_dtype(result, reduction)
    elif result.category < _dtype.FLOAT:
        _kernel_not_implemented({"mse": "mse_cpu", "smooth_l1": "smooth_l1_cpu", "huber": "huber_cpu"}[kind],
                                result)
    tensors = (input, target)
    if weight is not None:
        result = _dtype.promote_types(result, weight.dtype)
        tensors += (weight,)
        names = {NONE: "MulBackward0", SUM: "SumBackward0",
                 MEAN: "MeanBackward0" if kind == "huber" else "DivBackward0"}
        grad_name = names[reduction]
    elif kind == "l1":
        grad_name = _reduced_name(reduction, "AbsBackward0")
    else:
        grad_name = name
    compute = _opmath(result) if result.category >= _dtype.FLOAT else result
    fn = _pointwise_fn(kind, param, reduction, shape, _np(compute), _np(result), weight is not None,
                       kind != "huber")
    out_dtype = _dtype.int64 if (reduction == SUM and result.category < _dtype.FLOAT) else result
    return apply_fn(grad_name, fn, tensors, out_dtype, saved=() if kind == "l1" and weight is None else (input, target))


@op(namespace=_NS, method=False, out=False)
def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """mean/sum of |input - target|. Implements `torch.nn.functional.l1_loss`."""
    _size_warning(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    return _elementwise_loss("l1", "AbsBackward0", input, target, reduction, weight=weight)


@op(namespace=_NS, method=False, out=False)
def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """mean/sum of (input - target)^2. Implements `torch.nn.functional.mse_loss`."""
    _size_warning(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    return _elementwise_loss("mse", "MseLossBackward0", input, target, reduction, weight=weight)


@op(namespace=_NS, method=False, out=False)
def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Quadratic below `beta`, linear above. Implements `torch.nn.functional.smooth_l1_loss`."""
    _size_warning(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if beta == 0.0:
        return _elementwise_loss("l1", "AbsBackward0", input, target, reduction)
    return _elementwise_loss("smooth_l1", "SmoothL1LossBackward0", input, target, reduction, param=float(beta))


@op(namespace=_NS, method=False, out=False)
def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Quadratic below `delta`, delta-scaled linear above. Implements `torch.nn.functional.huber_loss`."""
    _size_warning(input, target)
    return _elementwise_loss("huber", "HuberLossBackward0", input, target, reduction, param=float(delta),
                             weight=weight)


@op(namespace=_NS, method=False, out=False)
def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-target * input)). Implements `torch.nn.functional.soft_margin_loss`."""
    reduction = _legacy_enum(size_average, reduce, reduction)
    _not_differentiable("soft_margin_loss", "target", target)
    shape = broadcast_shapes(input._shape, target._shape)
    _check_output_shape(input._shape, shape)
    promoted = _promote(input, target)
    result = input.dtype  # computed into an output of the input's dtype
    if not _dtype.can_cast(promoted, result) or result.category < _dtype.FLOAT:
        raise RuntimeError(f"result type {type_name(_float_or_default(promoted))} can't be cast to the desired "
                           f"output type {type_name(result)}")
    fn = _pointwise_fn("soft_margin", None, reduction, shape, _np(_opmath(promoted)), _np(result), False, False)
    return apply_fn("SoftMarginLossBackward0", fn, (input, target), result, saved=(input, target))


# ================================================================ binary cross entropy
def _bce_value(x, t):
    return (t - 1) * jnp.maximum(jnp.log1p(-x), -100.0) - t * jnp.maximum(jnp.log(x), -100.0)


def _bce_derivative(x, t, g):
    gx = g * (x - t) / jnp.maximum((1 - x) * x, jnp.asarray(_EPSILON, x.dtype))
    gt = -jnp.log(x / (1 - x)) * g
    return gx, gt


_bce_elem = _custom(_bce_value, _bce_derivative)


@functools.lru_cache(maxsize=None)
def _bce_fn(reduction, compute, result, has_weight):
    def fn(x, t, *w):
        loss = _bce_elem(_cast_to(x, compute), _cast_to(t, compute))
        if has_weight:
            loss = loss * _cast_to(w[0], compute)
        return _cast_to(_reduce(loss, reduction), result)

    return jax.jit(fn)


@op(namespace=_NS, method=False, out=False)
def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """-w (t log x + (1 - t) log(1 - x)), logs clamped at -100.
    Implements `torch.nn.functional.binary_cross_entropy`."""
    reduction = _legacy_enum(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input size "
                         f"({input.size()}) is deprecated. Please ensure they have the same size.")
    if weight is not None:
        new_size = _refs_broadcast_shapes(target._shape, weight._shape)
        weight = weight.expand(new_size)
    _not_differentiable("binary_cross_entropy", "weight", weight)
    if target.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {type_name(target.dtype)} but expected {type_name(input.dtype)}")
    if weight is not None:
        _check_output_shape(input._shape, broadcast_shapes(input._shape, weight._shape))
    if input.dtype.category != _dtype.FLOAT:
        _kernel_not_implemented("binary_cross_entropy", input.dtype)
    if input.numel():
        x, t = np.asarray(input._data, np.float64), np.asarray(target._data, np.float64)
        bad_x, bad_t = ~((x >= 0) & (x <= 1)), ~((t >= 0) & (t <= 1))
        bad = (bad_x | bad_t).ravel()
        if bad.any():
            first = int(np.argmax(bad))
            which = "input" if bad_x.ravel()[first] else "target"
            raise RuntimeError(f"all elements of {which} should be between 0 and 1")
    result = input.dtype
    tensors = (input, target) if weight is None else (input, target, _nograd(weight))
    fn = _bce_fn(reduction, _np(_opmath(result)), _np(result), weight is not None)
    return apply_fn("BinaryCrossEntropyBackward0", fn, tensors, result, saved=tensors)


@functools.lru_cache(maxsize=None)
def _bce_logits_fn(reduction, compute, result, has_weight, has_pos_weight):
    def fn(x, t, *extra):
        # torch: log_sigmoid(input) [input dtype], optionally *= (pos_weight - 1) * target + 1;
        # loss = (1 - target).mul_(input).sub_(...) [target dtype]; loss.mul_(weight)
        x_own, x_dtype = _own(x)
        extra = list(extra)
        w = _cast_to(extra.pop(0), compute) if has_weight else None
        pw = extra.pop(0) if has_pos_weight else None
        log_sigmoid = _rounded(jax.nn.log_sigmoid(x_own), x_dtype, compute)
        if pw is not None:
            log_weight = (_cast_to(pw, compute) - 1) * _cast_to(t, compute) + 1
            log_sigmoid = _rounded(log_sigmoid * log_weight, x_dtype, compute)
        loss = _rounded((1 - _cast_to(t, compute)) * _cast_to(x, compute), result, compute) - log_sigmoid
        if w is not None:
            loss = _rounded(loss, result, compute) * w
        return _cast_to(_reduce(_rounded(loss, result, compute), reduction), result)

    return jax.jit(fn)


@op(namespace=_NS, method=False, out=False)
def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    """binary_cross_entropy(sigmoid(input), target), computed stably, with `pos_weight`
    scaling the positive term. Implements `torch.nn.functional.binary_cross_entropy_with_logits`."""
    reduction = _legacy_enum(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.size()}) must be the same as input size ({input.size()})")
    _not_differentiable("binary_cross_entropy_with_logits", "weight", weight)
    _not_differentiable("binary_cross_entropy_with_logits", "pos_weight", pos_weight)
    if input.dtype.category != _dtype.FLOAT:
        _kernel_not_implemented("log_sigmoid_cpu", input.dtype)
    if pos_weight is not None:
        _check_output_shape(input._shape, broadcast_shapes(pos_weight._shape, target._shape))
    # torch computes (1 - target).mul_(input)...: the loss has the target's dtype
    result = target.dtype
    promoted = _promote(target, input)
    if not _dtype.can_cast(promoted, result):
        raise RuntimeError(f"result type {type_name(promoted)} can't be cast to the desired output type "
                           f"{type_name(result)}")
    if weight is not None:
        _check_output_shape(input._shape, broadcast_shapes(input._shape, weight._shape))
    compute = _opmath(_promote(input, target, weight, pos_weight))
    tensors = (input, target) + tuple(t for t in (weight, pos_weight) if t is not None)
    fn = _bce_logits_fn(reduction, _np(compute), _np(result), weight is not None, pos_weight is not None)
    return apply_fn("BinaryCrossEntropyWithLogitsBackward0", fn, tensors, result, saved=tensors)


# ================================================================ nll_loss / cross_entropy
def _check_class_targets(target, n_classes, ignore_index):
    """torch's IndexError for a class index outside [0, C) (ignore_index excepted)."""
    if target.numel() == 0:
        return
    t = np.asarray(target._data).ravel()
    bad = (t != ignore_index) & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise IndexError(f"Target {int(t[int(np.argmax(bad))])} is out of bounds.")


@functools.lru_cache(maxsize=None)
def _nll_fn(layout, reduction, ignore_index, has_weight, log_softmax, smoothing, compute, result):
    """nll_loss (of log_softmax(input) when `log_softmax`) over input viewed as (N, C, S)
    and target as (N, S); with `smoothing` > 0, cross_entropy's label-smoothed loss."""
    n, c, s, out_shape = layout

    def fn(x, target, *w):
        x = _cast_to(x, compute).reshape(n, c, s)
        if log_softmax:
            x = jax.nn.log_softmax(x, axis=1)
        t = target.reshape(n, s).astype(jnp.int64)
        valid = t != ignore_index
        safe = jnp.where(valid & (t >= 0) & (t < c), t, 0)
        picked = jnp.take_along_axis(x, safe[:, None, :], axis=1)[:, 0, :]
        if has_weight:
            weight = _cast_to(w[0], compute)
            wt = jnp.where(valid, weight[safe], 0)
        else:
            wt = jnp.where(valid, jnp.ones((), compute), jnp.zeros((), compute))
        loss = jnp.where(valid, -picked * wt, jnp.zeros((), compute))
        total = jnp.sum(wt)
        if reduction == MEAN:
            nll = _positive_zero(jnp.sum(loss)) / total
        elif reduction == SUM or out_shape == ():  # torch accumulates 0 - x: never -0
            nll = _positive_zero(jnp.sum(loss))
        else:
            nll = loss.reshape(out_shape)
        if not smoothing:
            return _cast_to(nll, result)
        smooth = -jnp.sum(x * weight[None, :, None], axis=1) if has_weight else -jnp.sum(x, axis=1)
        smooth = jnp.where(valid, smooth, jnp.zeros((), compute))
        if reduction == MEAN:
            smooth = jnp.sum(smooth) / total
        elif reduction == SUM:
            smooth = jnp.sum(smooth)
        else:
            smooth = smooth.reshape(out_shape)
        return _cast_to((1 - smoothing) * nll + smooth * (smoothing / c), result)

    return jax.jit(fn)


def _nll_nd(input, target, weight, reduction, ignore_index, log_softmax=False, smoothing=0.0):
    """torch's nll_loss_nd dispatch: 1-D/2-D input to nll_loss, 4-D to nll_loss2d, other
    ranks reshaped to 4-D. Returns the loss tensor."""
    ndim = input.dim()
    if ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {ndim})")
    if ndim != 1:
        target_batch = target.shape[0] if target.dim() else 0
        if input.shape[0] != target_batch:
            raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
                             f"({target_batch}).")
    fn_name = "nll_loss_forward"
    if ndim <= 2:
        if target.dim() > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if target.dtype not in (_dtype.int64, _dtype.uint8):
            raise RuntimeError(f"expected target dtype to be Long or Byte, but got {type_name(target.dtype)}")
        if ndim == 1 and target.dim() == 1 and target.shape[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}")
        n_classes = input.shape[-1]
        if weight is not None and not (weight.dim() == 1 and weight.numel() == n_classes):
            raise RuntimeError(f"weight tensor should be defined either for all {n_classes} classes or no classes but "
                               f"got weight tensor of shape: {list(weight.shape)}")
        kernel = "nll_loss_out_frame"
        if ndim == 1:
            layout = (1, n_classes, 1, ())
        else:
            layout = (input.shape[0], n_classes, 1, (input.shape[0],))
        grad_name = "NllLossBackward0"
    else:
        n_classes = input.shape[1]
        if ndim != 4 and tuple(target.shape[1:]) != tuple(input.shape[2:]):
            raise RuntimeError(f"Expected target size {[input.shape[0]] + list(input.shape[2:])}, got "
                               f"{list(target.shape)}")
        if ndim == 4:
            if target.dim() != 3:
                raise RuntimeError("only batches of spatial targets supported (3D tensors) but got targets of "
                                   f"dimension: {target.dim()}")
        if target.dtype not in (_dtype.int64, _dtype.uint8):
            raise RuntimeError(f"expected target dtype to be Long or Byte, but got {type_name(target.dtype)}")
        if weight is not None and weight.numel() != n_classes:
            raise RuntimeError("weight tensor should be defined either for all or no classes")
        if ndim == 4 and (input.shape[0], input.shape[2], input.shape[3]) != tuple(target.shape):
            raise RuntimeError(f"size mismatch (got input: {list(input.shape)} , target: {list(target.shape)}")
        kernel = "nll_loss2d_forward_out_frame"
        spatial = math.prod(input.shape[2:])
        layout = (input.shape[0], n_classes, spatial, (input.shape[0],) + tuple(input.shape[2:]))
        fn_name = "nll_loss2d_forward"
        grad_name = "NllLoss2DBackward0" if (ndim == 4 or reduction != NONE) else "ViewBackward0"
    if weight is not None and weight.dtype is not input.dtype and input.dtype.category == _dtype.FLOAT:
        raise RuntimeError(f"expected scalar type {type_name(input.dtype)} but found {type_name(weight.dtype)}")
    _not_differentiable(fn_name, "weight", weight)
    if input.dtype.category != _dtype.FLOAT:
        _kernel_not_implemented(kernel, input.dtype)
    _check_class_targets(target, n_classes, ignore_index)
    if smoothing:
        grad_name = "AddBackward0"
    result = input.dtype
    fn = _nll_fn(layout, reduction, int(ignore_index), weight is not None, log_softmax, float(smoothing),
                 _np(_opmath(result)), _np(result))
    tensors = (input, target) if weight is None else (input, target, weight)
    return apply_fn(grad_name, fn, tensors, result, saved=(target, weight) if log_softmax else tensors)


@op(namespace=_NS, method=False, out=False)
def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """The negative log likelihood of the target classes. Implements `torch.nn.functional.nll_loss`."""
    reduction = _legacy_enum(size_average, reduce, reduction)
    return _nll_nd(input, target, weight, reduction, ignore_index)


@functools.lru_cache(maxsize=None)
def _soft_ce_fn(class_dim, ndim, n_classes, reduction, smoothing, has_weight, compute, result):
    def fn(x, t, *w):
        x = jax.nn.log_softmax(_cast_to(x, compute), axis=class_dim)
        t = _cast_to(t, compute)
        if smoothing > 0:
            t = t * (1 - smoothing) + smoothing / n_classes
        prod = x * t
        if has_weight:
            shape = [1] * ndim
            shape[class_dim] = n_classes
            prod = prod * _cast_to(w[0], compute).reshape(shape)
        if reduction == MEAN:
            count = x.size // n_classes if n_classes else 0
            loss = -jnp.sum(prod) / count if x.size else jnp.full((), jnp.nan, compute)
        elif reduction == SUM:
            loss = -jnp.sum(prod)
        else:
            loss = -jnp.sum(prod, axis=class_dim)
        return _cast_to(loss, result)

    return jax.jit(fn)


def _log_softmax_check(input, class_dim):
    if input.dtype.category != _dtype.FLOAT:
        last = class_dim == max(input.dim() - 1, 0)
        _kernel_not_implemented("log_softmax_lastdim_kernel_impl" if last else "log_softmax_kernel_impl", input.dtype)


@op(namespace=_NS, method=False, out=False)
def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    """nll_loss(log_softmax(input, 1), target) for class indices, or the cross entropy with
    class probabilities when `target` has the input's shape; optional label smoothing.
    Implements `torch.nn.functional.cross_entropy`."""
    reduction = _legacy_enum(size_average, reduce, reduction)
    class_dim = 0 if input.dim() == 1 else 1
    if tuple(input.shape) == tuple(target.shape):
        if target.dtype.category != _dtype.FLOAT:
            raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                               f"{type_name(target.dtype)}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        if input.dim() == 0:
            raise IndexError("Dimension specified as 1 but tensor has no dimensions")
        n_classes = input.shape[class_dim]
        if weight is not None and not (weight.dim() == 1 and weight.numel() == n_classes):
            raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all {n_classes} classes "
                               f"or no classes but got weight tensor of shape: {list(weight.shape)}")
        _log_softmax_check(input, class_dim)
        if label_smoothing > 0.0 and label_smoothing > 1.0:
            raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
        result = _promote(input, target, weight)
        fn = _soft_ce_fn(class_dim, input.dim(), n_classes, reduction, float(label_smoothing), weight is not None,
                         _np(_opmath(result)), _np(result))
        grad_name = "DivBackward1" if reduction == MEAN and input.numel() else "NegBackward0"
        tensors = (input, target) if weight is None else (input, target, weight)
        return apply_fn(grad_name, fn, tensors, result, saved=(target, weight))
    if label_smoothing > 0.0 and label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if input.dim() == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    _log_softmax_check(input, class_dim)
    smoothing = label_smoothing if label_smoothing > 0.0 else 0.0
    return _nll_nd(input, target, weight, reduction, ignore_index, log_softmax=True, smoothing=smoothing)


# ================================================================ kl_div / poisson / gaussian
@functools.lru_cache(maxsize=None)
def _kl_div_fn(reduction, log_target, shape, batch, compute, result):
    def fn(x, t):
        t_own, t_dtype = _own(t)
        if log_target:
            first = _rounded(jnp.exp(t_own), t_dtype, compute)  # exp(target) in the target's dtype
            loss = first * (_cast_to(t, compute) - _cast_to(x, compute))
        else:
            first = _rounded(jax.scipy.special.xlogy(t_own, t_own), t_dtype, compute)
            loss = first - _cast_to(t, compute) * _cast_to(x, compute)
        loss = _reduce(jnp.broadcast_to(loss, shape), reduction)
        if batch is not None:
            loss = loss / batch
        return _cast_to(loss, result)

    return jax.jit(fn)


@op(namespace=_NS, method=False, out=False)
def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Pointwise KL divergence target * (log target - input). Implements `torch.nn.functional.kl_div`."""
    if size_average is not None or reduce is not None:
        reduction_enum = _legacy_enum(size_average, reduce, reduction)
    else:
        if reduction == "mean":
            warnings.warn(
                "reduction: 'mean' divides the total loss by both the batch size and the support size."
                "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                UserWarning, stacklevel=3)
        reduction_enum = get_enum("sum") if reduction == "batchmean" else get_enum(reduction)
    if input.dtype.is_complex or target.dtype.is_complex:
        raise RuntimeError("kl_div: Complex inputs not supported.")
    if input.dtype.category < _dtype.FLOAT or target.dtype.category < _dtype.FLOAT:
        raise RuntimeError("kl_div: Integral inputs not supported.")
    shape = broadcast_shapes(input._shape, target._shape)
    batch = input.shape[0] if (reduction == "batchmean" and input.dim() != 0) else None
    if batch is not None:
        grad_name = "DivBackward0"
    else:
        grad_name = _reduced_name(reduction_enum, "MulBackward0" if log_target else "SubBackward0")
    result = _promote(input, target)
    fn = _kl_div_fn(reduction_enum, bool(log_target), shape, batch, _np(_opmath(result)), _np(result))
    return apply_fn(grad_name, fn, (input, target), result, saved=_mul_saved(target, input))


@functools.lru_cache(maxsize=None)
def _poisson_fn(log_input, full, eps, reduction, shape, compute, result):
    def fn(x, t):
        x_own, x_dtype = _own(x)
        xc, tc = _cast_to(x, compute), _cast_to(t, compute)
        if log_input:
            loss = _rounded(jnp.exp(x_own), x_dtype, compute) - tc * xc
        else:
            loss = xc - tc * _rounded(jnp.log(x_own + eps), x_dtype, compute)
        if full:
            t_own, t_dtype = _own(t)
            stirling = t_own * jnp.log(t_own) - t_own + 0.5 * jnp.log(2 * math.pi * t_own)
            stirling = _rounded(stirling, t_dtype, compute)
            loss = loss + jnp.where(tc <= 1, jnp.zeros((), compute), stirling)
        return _cast_to(_reduce(jnp.broadcast_to(loss, shape), reduction), result)

    return jax.jit(fn)


@op(namespace=_NS, method=False, out=False)
def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    """Negative log likelihood of a Poisson distribution. Implements `torch.nn.functional.poisson_nll_loss`."""
    reduction = _reduction(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not a valid value for reduction")
    reduction = get_enum(reduction)
    shape = broadcast_shapes(input._shape, target._shape)
    result = _float_or_default(_promote(input, target))
    grad_name = _reduced_name(reduction, "AddBackward0" if full else "SubBackward0")
    fn = _poisson_fn(bool(log_input), bool(full), float(eps), reduction, shape, _np(_opmath(result)), _np(result))
    return apply_fn(grad_name, fn, (input, target), result, saved=_mul_saved(target, input))


@functools.lru_cache(maxsize=None)
def _gaussian_fn(full, eps, reduction, shape, var_shape, compute, result):
    def fn(x, t, v):
        x, t = _cast_to(x, compute), _cast_to(t, compute)
        v = _cast_to(v, compute).reshape(var_shape)
        # torch clamps a clone of var in place under no_grad: the gradient passes straight through
        v = v + jax.lax.stop_gradient(jnp.maximum(v, eps) - v)
        loss = 0.5 * (jnp.log(v) + (x - t) ** 2 / v)
        if full:
            loss = loss + 0.5 * math.log(2 * math.pi)
        return _cast_to(_reduce(jnp.broadcast_to(loss, shape), reduction), result)

    return jax.jit(fn)


@op(namespace=_NS, method=False, out=False)
def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Negative log likelihood of a Gaussian with predicted variance `var`.
    Implements `torch.nn.functional.gaussian_nll_loss`."""
    from .creation import full as _full

    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = _full(tuple(input.shape), var, dtype=_float_or_default(input.dtype))
        var_dtype = var.dtype
    elif not isinstance(var, Tensor):
        raise TypeError(f"any() received an invalid combination of arguments - got ({type(var < 0).__name__}), but "
                        "expected one of:\n * (Tensor input, *, Tensor out = None)")
    else:
        if var.numel() and bool(np.any(np.asarray(var._data) < 0)):
            raise ValueError("var has negative entry/entries")
        var_dtype = var.dtype
    var_shape = tuple(var.shape)
    in_shape = tuple(input.shape)
    if var_shape != in_shape:
        if in_shape[:-1] == var_shape:
            var_shape = var_shape + (1,)
        elif len(in_shape) == len(var_shape) and sum(y for x, y in zip(in_shape, var_shape) if x != y) == 1:
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    reduction = get_enum(reduction)
    shape = broadcast_shapes(broadcast_shapes(input._shape, target._shape), var_shape)
    result = _float_or_default(_promote(input, target, var) if var_dtype is not None else _promote(input, target))
    grad_name = _reduced_name(reduction, "AddBackward0" if full else "MulBackward0")
    fn = _gaussian_fn(bool(full), float(eps), reduction, shape, var_shape, _np(_opmath(result)), _np(result))
    return apply_fn(grad_name, fn, (input, target, var), result)


# ================================================================ margin / embedding losses
@functools.lru_cache(maxsize=None)
def _hinge_fn(margin, reduction, shape, compute, result):
    def fn(x, t):
        x = _cast_to(x, compute)
        margin_clamp = _rsub_scalar(margin, x)
        margin_clamp = jnp.where(margin_clamp >= 0, margin_clamp, jnp.zeros((), compute))
        zeros = jnp.zeros((), compute)
        loss = jnp.where(t != 1, margin_clamp, zeros) + jnp.where(t != -1, x, zeros)
        loss = jnp.broadcast_to(loss, shape)
        if reduction == SUM and not jnp.issubdtype(compute, jnp.floating):
            return jnp.sum(loss.astype(jnp.int64))
        return _cast_to(_reduce(loss, reduction), result)

    return jax.jit(fn)


@op(namespace=_NS, method=False, out=False)
def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    """x where target is 1, max(0, margin - x) where it is -1.
    Implements `torch.nn.functional.hinge_embedding_loss`."""
    reduction = _legacy_enum(size_average, reduce, reduction)
    shape = broadcast_shapes(input._shape, target._shape)
    result = input.dtype
    out_dtype = _check_mean_dtype(result, reduction) if reduction != NONE else result
    compute = _opmath(result) if result.category >= _dtype.FLOAT else result
    param = float(margin) if result.category >= _dtype.FLOAT else int(margin)
    fn = _hinge_fn(param, reduction, shape, _np(compute), _np(result))
    return apply_fn(_reduced_name(reduction, "AddBackward0"), fn, (input, _nograd(target)), out_dtype,
                    saved=())


@functools.lru_cache(maxsize=None)
def _margin_ranking_fn(margin, reduction, shape, compute, result):
    def fn(x1, x2, t):
        x1, x2, t = (_cast_to(a, compute) for a in (x1, x2, t))
        loss = _add_scalar(-t * (x1 - x2), margin)
        loss = jnp.broadcast_to(jnp.where(loss >= 0, loss, jnp.zeros((), compute)), shape)
        return _cast_to(_reduce(loss, reduction), result)

    return jax.jit(fn)


@op(namespace=_NS, method=False, out=False)
def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """max(0, -target * (input1 - input2) + margin). Implements `torch.nn.functional.margin_ranking_loss`."""
    reduction = _legacy_enum(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} ")
    if target.dtype is _dtype.bool:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")
    shape = broadcast_shapes(target._shape, broadcast_shapes(input1._shape, input2._shape))
    result = _float_or_default(_promote(target, input1, input2))
    fn = _margin_ranking_fn(float(margin), reduction, shape, _np(_opmath(result)), _np(result))
    return apply_fn(_reduced_name(reduction, "ClampMinBackward0"), fn, (input1, input2, target), result,
                    saved=())


@functools.lru_cache(maxsize=None)
def _cosine_embedding_fn(margin, reduction, dim, compute, result):
    def fn(x1, x2, t):
        x1, x2 = _cast_to(x1, compute), _cast_to(x2, compute)
        prod_sum = jnp.sum(x1 * x2, axis=dim)
        mag1 = jnp.sum(x1 * x1, axis=dim) + _EPSILON
        mag2 = jnp.sum(x2 * x2, axis=dim) + _EPSILON
        cos = prod_sum / jnp.sqrt(mag1 * mag2)
        zeros = jnp.zeros((), compute)
        neg = cos - margin
        neg = jnp.where(neg >= 0, neg, zeros)
        loss = jnp.where(t == 1, 1 - cos, zeros) + jnp.where(t == -1, neg, zeros)
        return _cast_to(_reduce(loss, reduction), result)

    return jax.jit(fn)


@op(namespace=_NS, method=False, out=False)
def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where it is -1.
    Implements `torch.nn.functional.cosine_embedding_loss`."""
    reduction = _legacy_enum(size_average, reduce, reduction)
    targ_dim = target.dim()
    if targ_dim not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if targ_dim == 1 and not (input1.dim() == 2 and input2.dim() == 2):
        raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    if targ_dim == 0 and not (input1.dim() == 1 and input2.dim() == 1):
        raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    shape = broadcast_shapes(input1._shape, input2._shape)
    broadcast_shapes(target._shape, shape[:targ_dim])
    result = _float_or_default(_promote(input1, input2))
    fn = _cosine_embedding_fn(float(margin), reduction, targ_dim, _np(_opmath(result)), _np(result))
    return apply_fn(_reduced_name(reduction, "AddBackward0"), fn, (input1, input2, _nograd(target)), result,
                    saved=(input1, input2))


def _norm_value(x, p):
    a = jnp.abs(x)
    if p == 2:
        return jnp.sqrt(jnp.sum(a * a, axis=-1))
    if p == 1:
        return jnp.sum(a, axis=-1)
    if p == 0:
        return jnp.sum((x != 0).astype(x.dtype), axis=-1)
    if p == math.inf:
        return jnp.max(a, axis=-1, initial=0.0) if x.shape[-1] == 0 else jnp.max(a, axis=-1)
    if p == -math.inf:
        return jnp.min(a, axis=-1)
    return jnp.sum(a ** p, axis=-1) ** (1.0 / p)


def _norm_derivative(x, p, norm, g):
    """torch's linalg_vector_norm_backward over the last dim."""
    n, g = norm[..., None], g[..., None]
    if p == 0:
        return jnp.zeros_like(x)
    if p == 1:
        return jnp.sign(x) * g
    if p == 2:
        return x * jnp.where(n == 0, 0, g / n)
    if math.isinf(p):
        mask = (jnp.abs(x) == n).astype(x.dtype)
        return jnp.sign(x) * (g / jnp.sum(mask, axis=-1, keepdims=True)) * mask
    if p < 1:
        scaled = jnp.where(x == 0, 0, jnp.sign(x) * jnp.abs(x) ** (p - 1))
        return scaled * g * n ** (1 - p)
    if p < 2:
        return jnp.where(n == 0, 0, jnp.sign(x) * jnp.abs(x) ** (p - 1) * g / n ** (p - 1))
    return jnp.where(n == 0, 0, x * jnp.abs(x) ** (p - 2) * g / n ** (p - 1))


def _vector_norm(p):
    def value(x):
        return _norm_value(x, p)

    def derivative(x, g):
        return (_norm_derivative(x, p, _norm_value(x, p), g),)

    return _custom(value, derivative)


def _distance(x1, x2, p, eps):
    """torch.pairwise_distance: the p-norm of x1 - x2 + eps over the last dim."""
    return _vector_norm(p)(x1 - x2 + eps)


@functools.lru_cache(maxsize=None)
def _pairwise_distance_fn(p, eps, keepdim, compute, result):
    def fn(x1, x2):
        x1, x2 = _cast_to(x1, compute), _cast_to(x2, compute)
        if x1.ndim == 0 and x2.ndim == 0:
            out = jnp.abs(x1 - x2 + eps) if p != 0 else (x1 - x2 + eps != 0).astype(compute)
        else:
            out = _distance(x1, x2, p, eps)
            if keepdim:
                out = out[..., None]
        return _cast_to(out, result)

    return jax.jit(fn)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """torch.pairwise_distance (one NormBackward1 node). Kept private here: the triplet
    losses use it."""
    result = _float_or_default(_promote(x1, x2))
    broadcast_shapes(x1._shape, x2._shape)
    fn = _pairwise_distance_fn(float(p), float(eps), bool(keepdim), _np(_opmath(result)), _np(result))
    return apply_fn("NormBackward1", fn, (x1, x2), result, saved=())


@functools.lru_cache(maxsize=None)
def _triplet_fn(margin, p, eps, swap, reduction, compute, result):
    def fn(a, pos, neg):
        a, pos, neg = (_cast_to(v, compute) for v in (a, pos, neg))
        d_pos = _distance(a, pos, p, eps)
        d_neg = _distance(a, neg, p, eps)
        if swap:
            d_neg = jnp.minimum(d_neg, _distance(pos, neg, p, eps))
        loss = margin + d_pos - d_neg
        loss = jnp.where(loss >= 0, loss, jnp.zeros((), compute))
        return _cast_to(_reduce(loss, reduction), result)

    return jax.jit(fn)


@op(namespace=_NS, method=False, out=False)
def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """max(d(a, p) - d(a, n) + margin, 0) with the pairwise p-norm distance.
    Implements `torch.nn.functional.triplet_margin_loss`."""
    reduction = _legacy_enum(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    a_dim, p_dim, n_dim = anchor.dim(), positive.dim(), negative.dim()
    if not (a_dim == p_dim == n_dim):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a_dim}D, positive {p_dim}D, and negative {n_dim}D inputs")
    if a_dim == 0:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    broadcast_shapes(anchor._shape, positive._shape)
    broadcast_shapes(anchor._shape, negative._shape)
    if swap:
        broadcast_shapes(positive._shape, negative._shape)
    result = _float_or_default(_promote(anchor, positive, negative))
    fn = _triplet_fn(float(margin), float(p), float(eps), bool(swap), reduction, _np(_opmath(result)), _np(result))
    return apply_fn(_reduced_name(reduction, "ClampMinBackward0"), fn, (anchor, positive, negative), result,
                    saved=())


@op(namespace=_NS, method=False, out=False)
def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0, swap=False,
                                      reduction="mean"):
    """triplet_margin_loss with any distance function (default: pairwise_distance).
    Implements `torch.nn.functional.triplet_margin_with_distance_loss`."""
    from .reduction import mean, minimum, sum as _sum

    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    a_dim, p_dim, n_dim = anchor.ndim, positive.ndim, negative.ndim
    if not (a_dim == p_dim and p_dim == n_dim):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a_dim}D, positive {p_dim}D, and negative {n_dim}D inputs")
    if distance_function is None:
        distance_function = pairwise_distance
    dist_pos = distance_function(anchor, positive)
    dist_neg = distance_function(anchor, negative)
    if swap:
        dist_swap = distance_function(positive, negative)
        dist_neg = minimum(dist_neg, dist_swap)
    loss = (margin + dist_pos - dist_neg).clamp_min(0)
    if reduction == "sum":
        return _sum(loss)
    if reduction == "mean":
        return mean(loss)
    return loss


# ================================================================ multi-label / multi-class margins
@functools.lru_cache(maxsize=None)
def _multilabel_soft_margin_fn(reduction, has_weight, class_dim, n_classes, compute, result):
    def fn(x, t, *w):
        x_own, x_dtype = _own(x)
        t = _cast_to(t, compute)
        log_sig = _rounded(jax.nn.log_sigmoid(x_own), x_dtype, compute)
        log_sig_neg = _rounded(jax.nn.log_sigmoid(-x_own), x_dtype, compute)
        loss = -(t * log_sig + (1 - t) * log_sig_neg)
        if has_weight:
            loss = loss * _cast_to(w[0], compute)
        # torch sums the (broadcast) loss over dim input.dim() - 1
        loss = jnp.sum(loss, axis=class_dim) / n_classes
        return _cast_to(_reduce(loss, reduction), result)

    return jax.jit(fn)


@op(namespace=_NS, method=False, out=False)
def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Per-class logistic loss averaged over classes. Implements `torch.nn.functional.multilabel_soft_margin_loss`."""
    reduction = _reduction(size_average, reduce, reduction)
    if input.dtype.category != _dtype.FLOAT:
        _kernel_not_implemented("log_sigmoid_cpu", input.dtype)
    shape = broadcast_shapes(target._shape, input._shape)
    if weight is not None:
        shape = broadcast_shapes(shape, weight._shape)
    class_dim = input.dim() - 1
    if input.dim() == 0:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    if class_dim >= len(shape):
        raise IndexError(f"Dimension out of range (expected to be in range of [{-len(shape)}, {len(shape) - 1}], "
                         f"but got {class_dim})")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    enum = get_enum(reduction)
    result = _promote(input, target, weight)
    fn = _multilabel_soft_margin_fn(enum, weight is not None, class_dim, input.shape[class_dim],
                                    _np(_opmath(result)), _np(result))
    tensors = (input, target) if weight is None else (input, target, weight)
    return apply_fn(_reduced_name(enum, "DivBackward0"), fn, tensors, result, saved=(input, target))


def _margin_shape_check(input):
    ndim = input.dim()
    if not ((ndim == 2 and input.shape[1] != 0) or (ndim == 1 and input.shape[0] != 0) or ndim == 0):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(input.shape)}")


@functools.lru_cache(maxsize=None)
def _multilabel_margin_fn(nframe, dim, reduction, out_shape, compute, result):
    def fn(x, target):
        x = _cast_to(x, compute).reshape(nframe, dim)
        t = target.reshape(nframe, dim)
        # targets are read up to the first negative entry
        active = jnp.cumprod((t >= 0).astype(jnp.int32), axis=1).astype(bool)
        safe = jnp.where(active, t, 0)
        is_target = jnp.any(jax.nn.one_hot(safe, dim, dtype=jnp.int32).astype(bool) & active[:, :, None], axis=1)
        x_target = jnp.take_along_axis(x, safe, axis=1)  # (n, j)
        z = 1 - x_target[:, :, None] + x[:, None, :]  # (n, j, d)
        mask = active[:, :, None] & ~is_target[:, None, :] & (z > 0)
        loss = jnp.sum(jnp.where(mask, z, jnp.zeros((), compute)), axis=(1, 2)) / dim
        if reduction == NONE:
            loss = loss.reshape(out_shape)
        return _cast_to(_reduce(loss, reduction), result)

    return jax.jit(fn)


@op(namespace=_NS, method=False, out=False)
def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Multi-class multi-label hinge loss over the target indices (ended by -1).
    Implements `torch.nn.functional.multilabel_margin_loss`."""
    reduction = _legacy_enum(size_average, reduce, reduction)
    _margin_shape_check(input)
    ndim = input.dim()
    if ndim <= 1:
        nframe, dim = 1, (1 if ndim == 0 else input.shape[0])
        if not (target.dim() <= 1 and target.numel() == dim):
            raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: "
                               f"{list(input.shape)}")
        out_shape = ()
    else:
        nframe, dim = input.shape
        if not (target.dim() == 2 and tuple(target.shape) == (nframe, dim)):
            raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: "
                               f"{list(input.shape)}")
        out_shape = (nframe,)
    if target.dtype is not _dtype.int64:
        raise RuntimeError(f"expected scalar type Long but found {type_name(target.dtype)}")
    if input.dtype.category != _dtype.FLOAT:
        _kernel_not_implemented("multilabel_margin_loss_forward_out_frame", input.dtype)
    if target.numel():
        t = np.asarray(target._data).reshape(nframe, dim)
        for row in t:
            for v in row:
                if v < 0:
                    break
                if v >= dim:
                    raise RuntimeError("argument #2 'target' is out of range")
    result = input.dtype
    fn = _multilabel_margin_fn(nframe, dim, reduction, out_shape, _np(_opmath(result)), _np(result))
    return apply_fn("MultilabelMarginLossBackward0", fn, (input, target), result, saved=(input, target))


@functools.lru_cache(maxsize=None)
def _multi_margin_fn(nframe, dim, p, margin, reduction, out_shape, has_weight, compute, result):
    def fn(x, target, *w):
        x = _cast_to(x, compute).reshape(nframe, dim)
        t = target.reshape(nframe).astype(jnp.int64)
        x_target = jnp.take_along_axis(x, t[:, None], axis=1)
        z = margin - x_target + x
        h = z if p == 1 else z * z
        if has_weight:
            h = h * _cast_to(w[0], compute)[t][:, None]
        others = jnp.arange(dim)[None, :] != t[:, None]
        loss = jnp.sum(jnp.where(others & (z > 0), h, jnp.zeros((), compute)), axis=1) / dim
        if reduction == NONE:
            loss = loss.reshape(out_shape)
        return _cast_to(_reduce(loss, reduction), result)

    return jax.jit(fn)


@op(namespace=_NS, method=False, out=False)
def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    """Multi-class hinge loss. Implements `torch.nn.functional.multi_margin_loss`."""
    reduction = _legacy_enum(size_average, reduce, reduction)
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    _margin_shape_check(input)
    ndim = input.dim()
    nframe = 1 if ndim <= 1 else input.shape[0]
    dim = 1 if ndim == 0 else input.shape[-1]
    if not (target.dim() <= 1 and target.numel() == nframe):
        raise RuntimeError(
            "multi_margin_loss: target tensor should be 1-D with size equal to the number of input samples (batch "
            f"size). Expected target size [{nframe}], but got {list(target.shape)}. Input has shape "
            f"{list(input.shape)}.")
    if weight is not None and not (weight.dim() <= 1 and weight.numel() == dim):
        raise RuntimeError(f"inconsistent weight size, expected {dim} but got {list(weight.shape)}")
    if target.dtype is not _dtype.int64:
        raise RuntimeError(f"expected scalar type Long but found {type_name(target.dtype)}")
    if weight is not None and weight.dtype is not input.dtype and input.dtype.category == _dtype.FLOAT:
        raise RuntimeError(f"expected scalar type {type_name(input.dtype)} but found {type_name(weight.dtype)}")
    _not_differentiable("multi_margin_loss", "weight", weight)
    if input.dtype.category != _dtype.FLOAT:
        _kernel_not_implemented("multi_margin_loss_cpu_kernel", input.dtype)
    if target.numel():
        t = np.asarray(target._data)
        if np.any((t < 0) | (t >= dim)):
            raise RuntimeError("target out of range")
    out_shape = tuple(target.shape) if ndim <= 1 else (nframe,)
    result = input.dtype
    fn = _multi_margin_fn(nframe, dim, int(p), float(margin), reduction, out_shape, weight is not None,
                          _np(_opmath(result)), _np(result))
    tensors = (input, target) if weight is None else (input, target, weight)
    return apply_fn("MultiMarginLossBackward0", fn, tensors, result, saved=tensors)


# ================================================================ ctc_loss
def _logsumexp(stacked, axis=0):
    """log(sum(exp)) over `axis`, -inf where every term is -inf (without NaN gradients)."""
    m = jnp.max(stacked, axis=axis)
    m = jax.lax.stop_gradient(jnp.where(jnp.isfinite(m), m, 0))
    total = jnp.sum(jnp.exp(stacked - jnp.expand_dims(m, axis)), axis=axis)
    positive = total > 0
    return jnp.where(positive, m + jnp.log(jnp.where(positive, total, 1)), -jnp.inf)


def _ctc_setup(tg, tg_len, blank):
    n, s = tg.shape
    L = 2 * s + 1
    ext = jnp.full((n, L), blank, jnp.int64)
    if s:
        ext = ext.at[:, 1::2].set(tg)
    pos = jnp.arange(L)[None, :]
    valid = pos < (2 * tg_len[:, None] + 1)
    prev2 = jnp.concatenate([jnp.full((n, 2), -1, jnp.int64), ext[:, :-2]], axis=1)
    skip = (ext != blank) & (ext != prev2) & (pos >= 2)  # alpha may come from s - 2
    return ext, pos, valid, skip


def _shift(a, k, fill):
    return jnp.concatenate([jnp.full(a.shape[:-1] + (k,), fill, a.dtype), a[..., :-k]], axis=-1)


def _unshift(a, k, fill):
    return jnp.concatenate([a[..., k:], jnp.full(a.shape[:-1] + (k,), fill, a.dtype)], axis=-1)


def _ctc_alpha(lp, ext, pos, valid, skip, in_len, keep_all):
    """The forward variables log alpha (T, N, L) or only the last active ones (N, L)."""
    T = lp.shape[0]
    neg_inf = jnp.asarray(-jnp.inf, lp.dtype)

    def emit(t):
        return jnp.take_along_axis(lp[t], ext, axis=1)

    alpha0 = jnp.where(valid & (pos < 2) & (in_len[:, None] > 0), emit(0), neg_inf)

    def step(alpha, t):
        a2 = jnp.where(skip, _shift(alpha, 2, neg_inf), neg_inf)
        new = jnp.where(valid, _logsumexp(jnp.stack([alpha, _shift(alpha, 1, neg_inf), a2])) + emit(t), neg_inf)
        new = jnp.where((t < in_len)[:, None], new, alpha if not keep_all else neg_inf)
        return new, new

    if T <= 1:
        return alpha0[None] if keep_all else alpha0
    last, stacked = jax.lax.scan(step, alpha0, jnp.arange(1, T))
    return jnp.concatenate([alpha0[None], stacked]) if keep_all else last


def _ctc_final(alpha_last, tg_len, in_len, dtype):
    last = 2 * tg_len
    end1 = jnp.take_along_axis(alpha_last, last[:, None], axis=1)[:, 0]
    end2 = jnp.take_along_axis(alpha_last, jnp.maximum(last - 1, 0)[:, None], axis=1)[:, 0]
    end2 = jnp.where(tg_len > 0, end2, -jnp.inf)
    ll = _logsumexp(jnp.stack([end1, end2]))
    ll = jnp.where(in_len > 0, ll, jnp.where(tg_len == 0, jnp.zeros((), dtype), -jnp.inf))
    return -ll


def _ctc_with_torch_grad(blank, zero_infinity):
    """The per-sample CTC negative log likelihood (alpha recursion in log space) with
    torch's backward: the gradient with respect to the logits of a log_softmax,
    exp(log_probs) - exp(log(alpha * beta) + nll - log_probs), from the beta recursion;
    zero past each input length, NaN (zero with zero_infinity) for an impossible alignment."""

    def value(lp, tg, in_len, tg_len):
        ext, pos, valid, skip = _ctc_setup(tg, tg_len, blank)
        return _ctc_final(_ctc_alpha(lp, ext, pos, valid, skip, in_len, False), tg_len, in_len, lp.dtype)

    def fwd(lp, tg, in_len, tg_len):
        T, N, C = lp.shape
        ext, pos, valid, skip = _ctc_setup(tg, tg_len, blank)
        neg_inf = jnp.asarray(-jnp.inf, lp.dtype)
        alphas = _ctc_alpha(lp, ext, pos, valid, skip, in_len, True)  # (T, N, L)
        last = jnp.take_along_axis(alphas, jnp.clip(in_len - 1, 0, T - 1)[None, :, None], axis=0)[0]
        nll = _ctc_final(last, tg_len, in_len, lp.dtype)
        skip_next = _unshift(skip, 2, False)  # beta may come from s + 2

        def emit(t):
            return jnp.take_along_axis(lp[t], ext, axis=1)

        def step(beta, t):
            start = jnp.where(valid & ((pos == 2 * tg_len[:, None]) | (pos == 2 * tg_len[:, None] - 1)), emit(t),
                              neg_inf)
            b2 = jnp.where(skip_next, _unshift(beta, 2, neg_inf), neg_inf)
            rec = jnp.where(valid, _logsumexp(jnp.stack([beta, _unshift(beta, 1, neg_inf), b2])) + emit(t), neg_inf)
            new = jnp.where((t == in_len - 1)[:, None], start, jnp.where((t < in_len - 1)[:, None], rec, neg_inf))
            return new, new

        _, betas = jax.lax.scan(step, jnp.full(alphas.shape[1:], neg_inf), jnp.arange(T - 1, -1, -1))
        betas = betas[::-1]
        ab = alphas + betas  # (T, N, L)
        onehot = jax.nn.one_hot(ext, C, dtype=lp.dtype)  # (N, L, C)
        m = jax.lax.stop_gradient(jnp.max(jnp.where(jnp.isfinite(ab), ab, -jnp.inf), axis=2, keepdims=True))
        m = jnp.where(jnp.isfinite(m), m, 0)
        summed = jnp.einsum("tnl,nlc->tnc", jnp.exp(ab - m), onehot, precision=jax.lax.Precision.HIGHEST)
        lcab = jnp.where(summed > 0, m + jnp.log(jnp.where(summed > 0, summed, 1)), -jnp.inf)
        unit = jnp.exp(lp) - jnp.exp(lcab + nll[None, :, None] - lp)
        inside = (jnp.arange(T)[:, None] < in_len[None, :])[:, :, None]
        infinite = jnp.isinf(nll)[None, :, None]
        unit = jnp.where(inside, unit, jnp.zeros((), lp.dtype))
        if zero_infinity:
            unit = jnp.where(infinite, jnp.zeros((), lp.dtype), unit)
        else:
            unit = jnp.where(infinite & inside, jnp.asarray(jnp.nan, lp.dtype), unit)
        return nll, unit

    def bwd(unit, g):
        return unit * g[None, :, None], None, None, None

    f = jax.custom_vjp(value)
    f.defvjp(fwd, bwd)
    return f


@functools.lru_cache(maxsize=None)
def _ctc_fn(N, S, blank, reduction, zero_infinity, flat, batched, compute, result):
    def fn(log_probs, targets, input_lengths, target_lengths):
        lp = _cast_to(log_probs, compute)
        if not batched:
            lp = lp[:, None, :]
        tg_len = target_lengths.astype(jnp.int64).reshape(N)
        targets = targets.astype(jnp.int64)
        if flat:
            offsets = jnp.cumsum(tg_len) - tg_len
            idx = offsets[:, None] + jnp.arange(S)[None, :]
            flat_targets = targets.reshape(-1)
            if flat_targets.size:
                tg = jnp.take(flat_targets, jnp.clip(idx, 0, flat_targets.size - 1), axis=0)
            else:
                tg = jnp.zeros((N, S), jnp.int64)
        else:
            tg = targets.reshape(N, -1)[:, :S]
        tg = jnp.where(jnp.arange(S)[None, :] < tg_len[:, None], tg, blank)
        nll = _ctc_with_torch_grad(blank, zero_infinity)(lp, tg, input_lengths.astype(jnp.int64).reshape(N), tg_len)
        if zero_infinity:
            nll = jnp.where(nll == jnp.inf, jnp.zeros((), compute), nll)
        if reduction == MEAN:
            loss = jnp.mean(nll / jnp.maximum(tg_len, 1).astype(compute))
        elif reduction == SUM:
            loss = jnp.sum(nll)
        else:
            loss = nll if batched else nll[0]
        return _cast_to(loss, result)

    return jax.jit(fn)


def _length_list(value, name):
    if isinstance(value, Tensor):
        if value.dtype.category > _dtype.INT:
            raise RuntimeError(f"{name} must be integral")
        return [int(v) for v in np.asarray(value._data).ravel()]
    return [int(v) for v in value]


@op(namespace=_NS, method=False, out=False)
def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """The Connectionist Temporal Classification loss. Implements `torch.nn.functional.ctc_loss`."""
    from .creation import tensor as _tensor

    reduction = get_enum(reduction)
    batched = log_probs.dim() == 3
    T = log_probs.shape[0]
    N = log_probs.shape[1] if batched else 1
    C = log_probs.shape[-1]
    in_lengths = _length_list(input_lengths, "input_lengths")
    tg_lengths = _length_list(target_lengths, "target_lengths")
    if log_probs.dtype.category != _dtype.FLOAT:
        _kernel_not_implemented("ctc_loss_cpu", log_probs.dtype)
    if not (0 <= blank < C):
        raise RuntimeError("blank must be in label range")
    if len(in_lengths) != N:
        raise RuntimeError("input_lengths must be of size batch_size")
    if len(tg_lengths) != N:
        raise RuntimeError("target_lengths must be of size batch_size")
    where = " (while checking arguments for ctc_loss_allocate_outputs)"
    flat = targets.dim() == 1
    if flat:
        total = sum(tg_lengths)
        if targets.shape[0] != total:
            raise RuntimeError(f"Expected tensor to have size {total} at dimension 0, but got size "
                               f"{targets.shape[0]} for argument #2 'targets'{where}")
    for tl in tg_lengths:
        if tl < 0:
            raise RuntimeError(f"Expected target_lengths to have value at least 0, but got value {tl}{where}")
        if not flat and tl > targets.shape[1]:
            raise RuntimeError(f"Expected tensor to have size at least {tl} at dimension 1, but got size "
                               f"{targets.shape[1]} for argument #2 'targets'{where}")
    for il in in_lengths:
        if il < 0:
            raise RuntimeError(f"Expected input_lengths to have value at least 0, but got value {il}{where}")
        if il > T:
            raise RuntimeError(f"Expected input_lengths to have value at most {T}, but got value {il}{where}")
    S = max(tg_lengths, default=0)
    result = log_probs.dtype
    lengths = (_tensor(in_lengths, dtype=_dtype.int64), _tensor(tg_lengths, dtype=_dtype.int64))
    fn = _ctc_fn(N, S, int(blank), reduction, bool(zero_infinity), flat, batched, _np(_opmath(result)),
                 _np(result))
    if reduction == NONE:
        grad_name = "SqueezeBackward1" if not batched else ("WhereBackward0" if zero_infinity else
                                                             "CtcLossBackward0")
    else:
        grad_name = _REDUCED_NAMES[reduction]
    return apply_fn(grad_name, fn, (log_probs, targets) + lengths, result, saved=(log_probs, targets))
