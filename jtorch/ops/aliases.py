"""torch.* spellings of torch.nn.functional ops (torch.softmax, torch.layer_norm,
torch.embedding, ...) and the few ATen kernels behind them that F lacks here
(hardshrink, prelu, rrelu, cosine_similarity, pairwise_distance, pdist).

These follow the ATen schemas, not F's signatures: required arguments are positional
(torch.dropout(input, p, train)), losses take `reduction` as an int (0 none, 1 mean,
2 sum; its default is 0 -- torch's Python bindings default these to none, not the
schema's mean), torch.batch_norm / torch.instance_norm take (weight, bias) before the running
stats, and torch.embedding takes (weight, indices) with padding_idx=-1 meaning none.
"""
from __future__ import annotations

import functools
import warnings

import jax
import jax.numpy as jnp

from .. import _dtype
from .._registry import apply_fn, assign_inplace, broadcast_shapes, op, preserve_layout, type_name
from .._tensor import Tensor
from ..nn import functional as F
from .nn_losses import pairwise_distance as _pairwise_distance

_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}


def _reduction(value):
    if isinstance(value, str):  # torch's parser refuses strings here
        raise TypeError(f"argument 'reduction' must be int, not {type(value).__name__}")
    try:
        return _REDUCTIONS[int(value)]
    except KeyError:
        raise ValueError(f"{value} is not a valid value for reduction") from None


def _float_required(input, kernel):
    if input.dtype.category != _dtype.FLOAT:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{type_name(input.dtype)}\'')


# ================================================================ softmax
@op()
def softmax(input, dim, dtype=None):
    """exp(x) / sum(exp(x)) along `dim`. Implements `torch.softmax` and `Tensor.softmax`."""
    return F.softmax(input, dim, dtype=dtype)


@op()
def log_softmax(input, dim, dtype=None):
    """log(softmax(x)) along `dim`. Implements `torch.log_softmax` and `Tensor.log_softmax`."""
    return F.log_softmax(input, dim, dtype=dtype)


# ================================================================ dropout
def _feature_check(input):
    if input.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")


def _check_p(p):
    if p < 0 or p > 1:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropout(fn, input, p, train, inplace, feature=False):
    _check_p(p)
    if feature:
        _feature_check(input)
    return fn(input, p, train, inplace)


@op(method=False, out=False)
def dropout(input, p, train):
    """Implements `torch.dropout(input, p, train)`."""
    return _dropout(F.dropout, input, p, train, False)


@op(name="dropout_", method=False, out=False)
def dropout_(input, p, train):
    """Implements `torch.dropout_(input, p, train)`."""
    return _dropout(F.dropout, input, p, train, True)


@op(method=False, out=False)
def alpha_dropout(input, p, train):
    """Implements `torch.alpha_dropout(input, p, train)`."""
    return _dropout(F.alpha_dropout, input, p, train, False)


@op(name="alpha_dropout_", method=False, out=False)
def alpha_dropout_(input, p, train):
    """Implements `torch.alpha_dropout_(input, p, train)`."""
    return _dropout(F.alpha_dropout, input, p, train, True)


def _feature_dropout(input, p, train, inplace):
    if input.dim() >= 3:  # F.dropout2d's warnings about the input's rank do not apply here
        return _quiet(F.dropout2d, input, p, train, inplace)
    return F.dropout(input, p, train, inplace)


@op(method=False, out=False)
def feature_dropout(input, p, train):
    """Implements `torch.feature_dropout(input, p, train)`: zeroes whole channels (dim 1)."""
    return _dropout(_feature_dropout, input, p, train, False, feature=True)


@op(name="feature_dropout_", method=False, out=False)
def feature_dropout_(input, p, train):
    """Implements `torch.feature_dropout_(input, p, train)`."""
    return _dropout(_feature_dropout, input, p, train, True, feature=True)


@op(method=False, out=False)
def feature_alpha_dropout(input, p, train):
    """Implements `torch.feature_alpha_dropout(input, p, train)`."""
    return _dropout(F.feature_alpha_dropout, input, p, train, False, feature=True)


@op(name="feature_alpha_dropout_", method=False, out=False)
def feature_alpha_dropout_(input, p, train):
    """Implements `torch.feature_alpha_dropout_(input, p, train)`."""
    return _dropout(F.feature_alpha_dropout, input, p, train, True, feature=True)


# ================================================================ convolution
@op(method=False, out=False)
def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Implements `torch.conv1d`."""
    return F.conv1d(input, weight, bias, stride, padding, dilation, groups)


@op(method=False, out=False)
def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Implements `torch.conv2d`."""
    return F.conv2d(input, weight, bias, stride, padding, dilation, groups)


@op(method=False, out=False)
def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Implements `torch.conv3d`."""
    return F.conv3d(input, weight, bias, stride, padding, dilation, groups)


# ================================================================ normalisation
@op(method=False, out=False)
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5, cudnn_enable=True):
    """Implements `torch.layer_norm` (cudnn_enable is ignored)."""
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


@op(method=False, out=False)
def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5, cudnn_enabled=True):
    """Implements `torch.group_norm` (cudnn_enabled is ignored)."""
    return F.group_norm(input, num_groups, weight, bias, eps)


@op(method=False, out=False)
def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, cudnn_enabled):
    """Implements `torch.instance_norm` (ATen's argument order; cudnn_enabled is ignored)."""
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


@op(method=False, out=False)
def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled):
    """Implements `torch.batch_norm` (ATen's argument order; cudnn_enabled is ignored)."""
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


@op(method=False, out=False)
def rms_norm(input, normalized_shape, weight=None, eps=None):
    """Implements `torch.rms_norm`."""
    return F.rms_norm(input, normalized_shape, weight, eps)


# ================================================================ embedding, bilinear
@op(method=False)
def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """Implements `torch.embedding(weight, indices, ...)`: F.embedding's first two
    arguments swapped, and a negative padding_idx means none."""
    padding = None if padding_idx is None or padding_idx < 0 else int(padding_idx)
    return F.embedding(indices, weight, padding, None, 2.0, scale_grad_by_freq, sparse)


@op(method=False, out=False)
def bilinear(input1, input2, weight, bias=None):
    """Implements `torch.bilinear`."""
    return F.bilinear(input1, input2, weight, bias)


# ================================================================ activations
@op(method=False, out=False)
def selu(input):
    """Implements `torch.selu`."""
    return F.selu(input)


@op(name="selu_", method=False, out=False)
def selu_(input):
    """Implements `torch.selu_`."""
    return F.selu(input, inplace=True)


@op(method=False)
def celu(input, alpha=1.0):
    """Implements `torch.celu`."""
    return F.celu(input, alpha)


@op(name="celu_", method=False, out=False)
def celu_(input, alpha=1.0):
    """Implements `torch.celu_`."""
    return F.celu(input, alpha, inplace=True)


@op(method=False)
def threshold(input, threshold, value):
    """Implements `torch.threshold`."""
    return F.threshold(input, threshold, value)


@op(name="threshold_", method=False, out=False)
def threshold_(input, threshold, value):
    """Implements `torch.threshold_`."""
    return F.threshold(input, threshold, value, inplace=True)


@functools.lru_cache(maxsize=None)
def _leaky_fn(slope):
    return jax.jit(lambda x: jnp.where(x > 0, x, x * jnp.asarray(slope, x.dtype)))


@functools.lru_cache(maxsize=None)
def _rrelu_train_fn():
    return jax.jit(lambda x, noise: x * noise)


def _rrelu(input, lower, upper, training, generator, inplace):
    if not isinstance(input, Tensor):
        raise TypeError(f"rrelu(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if upper < lower:
        raise RuntimeError("Lowerbound should be less than or equal to upperbound")
    _float_required(input, "leaky_relu_cpu" if not training else "rrelu_with_noise_out_cpu")
    if training:
        from .random import rand
        noise = rand(input.shape, dtype=input.dtype, generator=generator) * (upper - lower) + lower
        noise = noise.detach()
        noise = Tensor._make(jnp.where(input._data > 0, jnp.ones((), input.dtype.np), noise._data), input.dtype,
                             input.device)
    grad_name = "RreluWithNoiseBackward1" if inplace else "RreluWithNoiseBackward0"
    if training:
        result = apply_fn(grad_name, _rrelu_train_fn(), (input, noise), input.dtype)
    else:
        slope = (float(lower) + float(upper)) / 2
        result = apply_fn(grad_name, _leaky_fn(slope), (input,), input.dtype)
    return assign_inplace(input, result) if inplace else result


@op(method=False, out=False)
def rrelu(input, lower=0.125, upper=1.0 / 3.0, training=False, generator=None):
    """Implements `torch.rrelu` (note training=False by default, unlike F.rrelu)."""
    return _rrelu(input, lower, upper, training, generator, False)


@op(name="rrelu_", method=False, out=False)
def rrelu_(input, lower=0.125, upper=1.0 / 3.0, training=False, generator=None):
    """Implements `torch.rrelu_`."""
    return _rrelu(input, lower, upper, training, generator, True)


@functools.lru_cache(maxsize=None)
def _hardshrink_fn(lambd):
    return jax.jit(lambda x: jnp.where((x >= -lambd) & (x <= lambd), jnp.zeros((), x.dtype), x))  # keeps nan


@op()
def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, else 0. Implements `torch.hardshrink` and `Tensor.hardshrink`."""
    _float_required(input, "hardshrink_cpu")
    return preserve_layout(apply_fn("HardshrinkBackward0", _hardshrink_fn(float(lambd)), (input,), input.dtype), input)


@functools.lru_cache(maxsize=None)
def _prelu_fn(shape):
    def fn(x, w):
        w = w.reshape(shape)
        return jnp.where(x > 0, x, w * x)
    return jax.jit(fn)


@op(out=False)
def prelu(input, weight):
    """max(0, x) + weight * min(0, x), weight per channel (dim 1). Implements `torch.prelu`."""
    _float_required(input, "prelu_cpu")
    channels = input.shape[1] if input.dim() >= 2 else 1
    n = weight.numel()
    if n != 1 and n != channels:
        raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = {n} and "
                           f"channel size = {channels}.")
    if weight.dim() > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.dim()}")
    shape = (n,) + (1,) * (input.dim() - 2) if input.dim() >= 2 and n > 1 else ()
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"expected scalar type {type_name(input.dtype)} but found {type_name(weight.dtype)}")
    return apply_fn("PreluKernelBackward0", _prelu_fn(shape), (input, weight), input.dtype)


# ================================================================ distances
@functools.lru_cache(maxsize=None)
def _cosine_fn(dim, eps, compute, result):
    def fn(a, b):
        a, b = jnp.broadcast_arrays(a.astype(compute), b.astype(compute))
        na = jnp.maximum(jnp.linalg.norm(a, axis=dim, keepdims=True), eps)
        nb = jnp.maximum(jnp.linalg.norm(b, axis=dim, keepdims=True), eps)
        return jnp.sum((a / na) * (b / nb), axis=dim).astype(result)
    return jax.jit(fn)


@op(method=False, out=False)
def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Implements `torch.cosine_similarity` (one SumBackward1 node)."""
    shape = broadcast_shapes(x1.shape, x2.shape)
    result = _dtype.promote_types(x1.dtype, x2.dtype)
    if result.category != _dtype.FLOAT:
        result = _dtype.get_default_dtype()
    ndim = len(shape)
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(ndim, 1)}, {max(ndim, 1) - 1}], "
                         f"but got {dim})")
    axis = dim % ndim if ndim else None
    compute = result.np
    return apply_fn("SumBackward1", _cosine_fn(axis, float(eps), compute, result.np), (x1, x2), result)


@op(method=False, out=False)
def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """Implements `torch.pairwise_distance` (one NormBackward1 node)."""
    return _pairwise_distance(x1, x2, p, eps, keepdim)


@functools.lru_cache(maxsize=None)
def _pdist_fn(n, p):
    rows, cols = jnp.triu_indices(n, 1)

    def fn(x):
        diff = jnp.abs(x[rows] - x[cols])
        if p == 0:
            return jnp.sum(diff != 0, axis=-1).astype(x.dtype)
        if p == float("inf"):
            return jnp.max(diff, axis=-1, initial=0.0).astype(x.dtype)
        if p == 1:
            return jnp.sum(diff, axis=-1)
        if p == 2:
            # safe sqrt: torch's backward gives 0 for coincident rows
            sq = jnp.sum(diff * diff, axis=-1)
            safe = jnp.where(sq > 0, sq, 1)
            return jnp.where(sq > 0, jnp.sqrt(safe), 0)
        s = jnp.sum(diff ** p, axis=-1)
        safe = jnp.where(s > 0, s, 1)
        return jnp.where(s > 0, safe ** (1.0 / p), 0)
    return jax.jit(fn)


@op(method=False, out=False)
def pdist(input, p=2.0):
    """Distances between all row pairs i < j of a 2-D input. Implements `torch.pdist`."""
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if input.dtype.category != _dtype.FLOAT:
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    return apply_fn("PdistBackward0", _pdist_fn(input.shape[0], float(p)), (input,), input.dtype)


# ================================================================ losses
def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


@op(method=False, out=False)
def kl_div(input, target, reduction=0, *, log_target=False):
    """Implements `torch.kl_div` (reduction as an int, default none; no 'batchmean')."""
    return _quiet(F.kl_div, input, target, reduction=_reduction(reduction), log_target=log_target)


@op(method=False)
def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=0):
    """Implements `torch.binary_cross_entropy_with_logits`."""
    return F.binary_cross_entropy_with_logits(input, target, weight, reduction=_reduction(reduction),
                                              pos_weight=pos_weight)


@op(method=False, out=False)
def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    """Implements `torch.margin_ranking_loss`."""
    return F.margin_ranking_loss(input1, input2, target, margin, reduction=_reduction(reduction))


@op(method=False, out=False)
def hinge_embedding_loss(input, target, margin=1.0, reduction=0):
    """Implements `torch.hinge_embedding_loss`."""
    return F.hinge_embedding_loss(input, target, margin, reduction=_reduction(reduction))


@op(method=False, out=False)
def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    """Implements `torch.cosine_embedding_loss`."""
    return F.cosine_embedding_loss(input1, input2, target, margin, reduction=_reduction(reduction))


@op(method=False, out=False)
def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction=0):
    """Implements `torch.triplet_margin_loss`."""
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction=_reduction(reduction))


@op(method=False, out=False)
def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    """Implements `torch.poisson_nll_loss` (all arguments required, as in ATen)."""
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps, reduction=_reduction(reduction))


@op(method=False, out=False)
def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0, zero_infinity=False):
    """Implements `torch.ctc_loss`."""
    return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, _reduction(reduction), zero_infinity)
