"""Normalization, dropout and embedding ops of torch.nn.functional: batch_norm,
instance_norm, layer_norm, group_norm, rms_norm, local_response_norm, normalize, the
dropout family, embedding, embedding_bag and one_hot.

Each normalization is one jitted JAX function recorded as one autograd node named like
torch's (NativeBatchNormBackward0, ...); batch_norm computes its output and the new
running statistics in one pass and records an output-only function for backward.
Dropout composes jtorch ops as torch's kernel does (input * noise), with its noise
drawn from jtorch's generator, so its values differ from torch's.
"""
from __future__ import annotations

import functools
import math
import numbers
import warnings

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _dtype
from .._registry import apply_fn, op, type_name
from .._tensor import DUAL_LEVELS, Tensor
from ..autograd import forward_ad
from ..autograd.grad_mode import STATE
from ..autograd.tape import record
from .conversion import keep_memory_format
from .creation import place
from .random import _generator, _stream

_NS = "torch.nn.functional"
_HALF = (_dtype.float16, _dtype.bfloat16)
# c10's names for dtypes in some warnings
_C10_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16"}


def _opmath(dtype):
    """The dtype torch computes in for `dtype` (float32 for half types)."""
    return _dtype.float32 if dtype in _HALF else dtype


def _sizes_str(shape) -> str:
    return "[" + ", ".join(str(int(s)) for s in shape) + "]"


def _require_tensor(fn, name, position, value):
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not {type(value).__name__}")


def _check_float_kernel(kernel, input):
    if input.dtype.category != _dtype.FLOAT:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{type_name(input.dtype)}\'')


def _check_mixed(input, *params):
    """torch's CPU check of parameter dtypes against the input's: a float32 parameter may
    go with a float16/bfloat16 input ("mixed dtype"); otherwise all must match."""
    defined = [p for p in params if p is not None]
    if not defined:
        return
    if defined[0].dtype is not input.dtype:
        for p in defined:
            if p.dtype is not _dtype.float32:
                raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
        if input.dtype not in _HALF:
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
        return
    for p in defined:
        if p.dtype is not input.dtype:
            raise RuntimeError(f"expected scalar type {type_name(input.dtype)} but found {type_name(p.dtype)}")


def _record(grad_name, fn, tensors, result, saved=()):
    """Record `fn` (the output-only function) as the autograd node of `result` (and give
    `result` its forward-AD tangent when a dual level is open)."""
    if DUAL_LEVELS:
        present = [t for t in tensors if t is not None]
        forward_ad.attach(fn, [t._data for t in present], present, result)
    if STATE.enabled and any(t is not None and t._requires_grad for t in tensors):
        present = [t for t in tensors if t is not None]
        return record(grad_name, fn, [t._data for t in present], present, result, saved)
    return result


def _normalized_shape(fn, normalized_shape):
    if isinstance(normalized_shape, numbers.Integral) and not isinstance(normalized_shape, bool):
        raise TypeError(f"{fn}(): argument 'normalized_shape' (position 2) must be tuple of ints, not "
                        f"{type(normalized_shape).__name__}")
    if isinstance(normalized_shape, Tensor):
        normalized_shape = normalized_shape.tolist()
    return tuple(int(s) for s in normalized_shape)


def _mean(x, axis, keepdims=False):
    """The mean by a corrected two-pass sum: exact for constant rows (as torch's Welford
    and double-precision sums are), so zero-variance rows normalize to exactly 0."""
    first = jnp.mean(x, axis=axis, keepdims=True)
    mean = first + jnp.mean(x - first, axis=axis, keepdims=True)
    return mean if keepdims else jnp.squeeze(mean, axis)


def _inv_sqrt(v):
    """1 / sqrt(v) as torch computes it (XLA would otherwise use its rsqrt)."""
    return 1 / lax.optimization_barrier(jnp.sqrt(v))


def _zero(dtype):
    """A 0.0 that XLA cannot fold away, so that adding it turns -0.0 into +0.0 as in torch."""
    return lax.optimization_barrier(jnp.zeros((), dtype))


# ================================================================ batch norm
def _verify_batch_size(size):
    size_prods = size[0]
    for i in range(len(size) - 2):
        size_prods *= size[i + 2]
    if size_prods == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {size!r}")


def _bn_normalize(ndim, training, has_w, has_b, eps, round_stats, x, w, b, rm, rv):
    """(output, mean, biased var) in the computation dtype, as torch's CPU kernel: the
    output is x * alpha + beta with alpha = invstd * weight, beta = bias - mean * alpha.
    A half-precision input with half (not float32) parameters has its batch mean and
    invstd rounded to half for the output, as torch stores them."""
    compute = jnp.float32 if x.dtype in (jnp.float16, jnp.bfloat16) else x.dtype
    axes = (0,) + tuple(range(2, ndim))
    channel = (1, -1) + (1,) * (ndim - 2)
    xc = x.astype(compute)
    if training:
        mean = _mean(xc, axes)
        var = jnp.mean(jnp.square(xc - mean.reshape(channel)), axis=axes)
    else:
        mean, var = rm.astype(compute), rv.astype(compute)
    invstd = _inv_sqrt(var + eps)
    mean_o = mean
    if round_stats:
        mean_o, invstd = mean.astype(x.dtype).astype(compute), invstd.astype(x.dtype).astype(compute)
    alpha = invstd * w.astype(compute) if has_w else invstd
    # without a bias torch computes 0 - mean * alpha (so -0.0 inputs give +0.0)
    beta = (b.astype(compute) if has_b else _zero(compute)) - mean_o * alpha
    out = xc * alpha.reshape(channel) + beta.reshape(channel)
    return out.astype(x.dtype), mean, var


def _bn_split(has_w, has_b, has_stats, args):
    args = list(args)
    x = args.pop(0)
    w = args.pop(0) if has_w else None
    b = args.pop(0) if has_b else None
    rm, rv = (args.pop(0), args.pop(0)) if has_stats else (None, None)
    return x, w, b, rm, rv, args


@functools.lru_cache(maxsize=None)
def _bn_fns(ndim, training, has_w, has_b, has_stats, eps, round_stats):
    """(output-only fn, fn returning (output, new running mean, new running var))."""

    def out_only(*args):
        x, w, b, rm, rv, _ = _bn_split(has_w, has_b, has_stats, args)
        return _bn_normalize(ndim, training, has_w, has_b, eps, round_stats, x, w, b, rm, rv)[0]

    def with_stats(*args):
        x, w, b, rm, rv, (momentum,) = _bn_split(has_w, has_b, has_stats, args)
        out, mean, var = _bn_normalize(ndim, training, has_w, has_b, eps, round_stats, x, w, b, rm, rv)
        n = x.size // x.shape[1]
        stat = jnp.promote_types(rm.dtype, mean.dtype)
        unbiased = var.astype(stat) * n / (n - 1)
        m = momentum.astype(stat)
        new_rm = m * mean.astype(stat) + (1 - m) * rm.astype(stat)
        new_rv = m * unbiased + (1 - m) * rv.astype(stat)
        return out, new_rm.astype(rm.dtype), new_rv.astype(rv.dtype)

    return jax.jit(out_only), jax.jit(with_stats)


def _batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """torch.batch_norm: checks, the kernel, and the in-place running-stats update."""
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and not isinstance(t, Tensor):
            raise TypeError(f"batch_norm(): argument '{name}' must be Tensor, not {type(t).__name__}")
    if not training:
        if running_mean is None:
            raise RuntimeError("running_mean must be defined in evaluation mode")
        if running_var is None:
            raise RuntimeError("running_var must be defined in evaluation mode")
    if (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must either both be None or neither be None")
    if input.dim() < 2 and all(t is None for t in (running_mean, running_var, weight, bias)):
        input.size(1)  # torch's IndexError
    channels = input.shape[1] if input.dim() >= 2 else 0
    if input.numel() == 0 and input.dim() >= 2:
        # torch's early return: no statistics, and no view of the input
        out = input.clone()
        if weight is not None:
            out = out * weight[0]
        if bias is not None:
            out = out + bias[0]
        return out
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and t.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {t.numel()}")
    _check_float_kernel("batch_norm", input)
    _check_mixed(input, weight, bias, running_mean, running_var)
    if STATE.enabled:
        for name, t in (("running_mean", running_mean), ("running_var", running_var)):
            if t is not None and t._requires_grad:
                raise RuntimeError(f"The function 'native_batch_norm' is not differentiable with respect to argument "
                                   f"'{name}'. This input cannot have requires_grad True.")
    has_stats = running_mean is not None
    mixed = any(t is not None and t.dtype is not input.dtype for t in (weight, bias, running_mean, running_var))
    round_stats = bool(training) and input.dtype in _HALF and not mixed
    out_only, with_stats = _bn_fns(input.dim(), bool(training), weight is not None, bias is not None, has_stats,
                                   float(eps), round_stats)
    tensors = [t for t in (input, weight, bias, running_mean, running_var) if t is not None]
    arrays = [t._data for t in tensors]
    device = input.device
    if training and has_stats:
        momentum_array = jnp.asarray(momentum, jnp.float64 if running_mean.dtype is _dtype.float64 else jnp.float32)
        value, new_rm, new_rv = with_stats(*arrays, momentum_array)
        running_mean._write(new_rm)
        running_var._write(new_rv)
    else:
        value = out_only(*arrays)
    out = Tensor._make(value, input.dtype, device)
    return keep_memory_format(_record("NativeBatchNormBackward0", out_only, tensors, out, saved=(input, weight)), input)


@op(namespace=_NS, method=False, out=False)
def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Batch normalization over dim 1, updating running_mean/running_var in place when
    training. Implements `torch.nn.functional.batch_norm`."""
    _require_tensor("batch_norm", "input", 1, input)
    if momentum is None:
        raise TypeError("batch_norm(): argument 'momentum' (position 7) must be float, not NoneType")
    if training:
        _verify_batch_size(input.size())
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    elif eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    return _batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps)


# ================================================================ instance norm
def _verify_spatial_size(size):
    size_prods = 1
    for i in range(2, len(size)):
        size_prods *= size[i]
    if size_prods == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {size!r}")


@op(namespace=_NS, method=False, out=False)
def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """Normalization of each channel of each sample: batch_norm over the input viewed as
    (1, N*C, ...). Implements `torch.nn.functional.instance_norm`."""
    _require_tensor("instance_norm", "input", 1, input)
    if use_input_stats:
        _verify_spatial_size(input.size())
    if not (use_input_stats or (running_mean is not None and running_var is not None)):
        raise RuntimeError("Expected running_mean and running_var to be defined when use_input_stats is false")
    b, c = input.shape[0], input.shape[1]
    shape = (1, b * c) + tuple(input.shape[2:])

    def repeat(t):
        return t.repeat(b) if t is not None else None

    running_mean_, running_var_ = repeat(running_mean), repeat(running_var)
    out = _batch_norm(input.contiguous().view(shape), repeat(weight), repeat(bias), running_mean_, running_var_,
                      use_input_stats, momentum, eps)
    for target, repeated in ((running_mean, running_mean_), (running_var, running_var_)):
        if target is not None and use_input_stats:
            target._write(_mean_rows(b, c)(repeated._data))
    return out.view(input.shape)


@functools.lru_cache(maxsize=None)
def _mean_rows(b, c):
    return jax.jit(lambda a: jnp.mean(a.reshape(b, c), axis=0).astype(a.dtype))


# ================================================================ layer norm
@functools.lru_cache(maxsize=None)
def _layer_norm_fn(k, has_w, has_b, eps):
    def fn(x, *params):
        compute = jnp.float32 if x.dtype in (jnp.float16, jnp.bfloat16) else x.dtype
        axes = tuple(range(x.ndim - k, x.ndim))
        xc = x.astype(compute)
        mean = _mean(xc, axes, keepdims=True)
        var = jnp.mean(jnp.square(xc - mean), axis=axes, keepdims=True)
        rstd = _inv_sqrt(jnp.maximum(var, 0) + eps)
        out = (xc - mean) * rstd
        params = list(params)
        if has_w:
            out = out * params.pop(0).astype(compute)
        # torch adds a zero bias when there is none, turning -0.0 into +0.0
        out = out + (params.pop(0).astype(compute) if has_b else _zero(compute))
        return out.astype(x.dtype)

    return jax.jit(fn)


def _check_normalized(fn, input, normalized_shape, weight, bias):
    if len(normalized_shape) < 1:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                           f"element, but got normalized_shape = {_sizes_str(normalized_shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != normalized_shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{_sizes_str(t.shape)} and normalized_shape = {_sizes_str(normalized_shape)}")
    k = len(normalized_shape)
    if input.dim() < k or tuple(input.shape[input.dim() - k:]) != normalized_shape:
        expected = "".join(", " + str(s) for s in normalized_shape) if fn == "layer_norm" else \
            ", ".join(str(s) for s in normalized_shape)
        raise RuntimeError(f"Given normalized_shape={_sizes_str(normalized_shape)}, expected input with shape "
                           f"[*{expected}], but got input of size{_sizes_str(input.shape)}")


@op(namespace=_NS, method=False, out=False)
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalization over the last len(normalized_shape) dims. Implements
    `torch.nn.functional.layer_norm`."""
    _require_tensor("layer_norm", "input", 1, input)
    normalized_shape = _normalized_shape("layer_norm", normalized_shape)
    _check_normalized("layer_norm", input, normalized_shape, weight, bias)
    _check_mixed(input, weight, bias)
    _check_float_kernel("LayerNormKernelImpl", input)
    fn = _layer_norm_fn(len(normalized_shape), weight is not None, bias is not None, float(eps))
    tensors = [t for t in (input, weight, bias) if t is not None]
    return apply_fn("NativeLayerNormBackward0", fn, tensors, input.dtype, saved=tuple(tensors))


# ================================================================ group norm
@functools.lru_cache(maxsize=None)
def _group_norm_fn(groups, has_w, has_b, eps):
    def fn(x, *params):
        compute = jnp.float32 if x.dtype in (jnp.float16, jnp.bfloat16) else x.dtype
        n, c = x.shape[0], x.shape[1]
        xg = x.astype(compute).reshape(n, groups, -1)
        mean = _mean(xg, -1) + _zero(compute)  # torch's mean of -0.0 values is +0.0
        var = jnp.mean(jnp.square(xg - mean[..., None]), axis=-1)
        rstd = _inv_sqrt(jnp.maximum(var, 0) + eps)
        # (x - mean) * rstd * weight (+ bias): no zero is added without a bias, so -0.0 stays
        out = ((xg - mean[..., None]) * rstd[..., None]).reshape(x.shape)
        params = list(params)
        channel = (1, c) + (1,) * (x.ndim - 2)
        if has_w:
            out = out * params.pop(0).astype(compute).reshape(channel)
        if has_b:
            out = out + params.pop(0).astype(compute).reshape(channel)
        return out.astype(x.dtype)

    return jax.jit(fn)


@op(namespace=_NS, method=False, out=False)
def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Normalization over groups of channels. Implements `torch.nn.functional.group_norm`."""
    _require_tensor("group_norm", "input", 1, input)
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.dim()}")
    _verify_batch_size([input.size(0) * input.size(1) // num_groups, num_groups] + list(input.size()[2:]))
    c = input.shape[1]
    if c % num_groups != 0:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {_sizes_str(input.shape)} and num_groups={num_groups}")
    # torch's message for a bad bias shows the weight's shape ([0] without weight)
    weight_shape = _sizes_str(weight.shape) if weight is not None else "[0]"
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and not (t.dim() == 1 and t.numel() == c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, but "
                               f"got {name} of shape {weight_shape} and input of shape {_sizes_str(input.shape)}")
    _check_float_kernel("GroupNormKernelImpl", input)
    _check_mixed(input, weight, bias)
    fn = _group_norm_fn(int(num_groups), weight is not None, bias is not None, float(eps))
    tensors = [t for t in (input, weight, bias) if t is not None]
    return apply_fn("NativeGroupNormBackward0", fn, tensors, input.dtype, saved=tuple(tensors))


# ================================================================ rms norm
@functools.lru_cache(maxsize=None)
def _rms_norm_fn(k, has_w, eps, result):
    def fn(x, *params):
        compute = jnp.float32 if x.dtype in (jnp.float16, jnp.bfloat16) else x.dtype
        axes = tuple(range(x.ndim - k, x.ndim))
        xc = x.astype(compute)
        out = xc * lax.rsqrt(jnp.mean(jnp.square(xc), axis=axes, keepdims=True) + jnp.asarray(eps, compute))
        if has_w:
            w = params[0]
            out = out.astype(jnp.promote_types(out.dtype, w.dtype)) * w.astype(jnp.promote_types(out.dtype, w.dtype))
        return out.astype(result)

    return jax.jit(fn)


@op(namespace=_NS, method=False, out=False)
def rms_norm(input, normalized_shape, weight=None, eps=None):
    """x / sqrt(mean(x^2) + eps) over the last dims, times weight. Implements
    `torch.nn.functional.rms_norm` (torch's composite: upcast, multiply, cast back)."""
    _require_tensor("rms_norm", "input", 1, input)
    normalized_shape = _normalized_shape("rms_norm", normalized_shape)
    _check_normalized("rms_norm", input, normalized_shape, weight, None)
    _check_float_kernel("rms_norm", input)
    compute = _opmath(input.dtype)
    if eps is None:
        eps = float(np.finfo(compute.np).eps)
    if weight is not None and weight.dtype is not input.dtype:
        warnings.warn(f"Mismatch dtype between input and weight: input dtype = {_C10_NAMES.get(input.dtype.name)}, "
                      f"weight dtype = {_C10_NAMES.get(weight.dtype.name)}, Cannot dispatch to fused implementation.",
                      UserWarning, stacklevel=3)
    product = _dtype.promote_types(compute, weight.dtype) if weight is not None else compute
    grad_name = "MulBackward0" if product is input.dtype else "ToCopyBackward0"
    fn = _rms_norm_fn(len(normalized_shape), weight is not None, float(eps), input.dtype.np)
    tensors = [t for t in (input, weight) if t is not None]
    return apply_fn(grad_name, fn, tensors, input.dtype, saved=tuple(tensors))


# ================================================================ local response norm, normalize
@functools.lru_cache(maxsize=None)
def _lrn_fn(size, alpha, beta, k, result):
    def fn(x):
        sq = x * x
        pads = [(0, 0)] * x.ndim
        pads[1] = (size // 2, (size - 1) // 2)
        window = (1, size) + (1,) * (x.ndim - 2)
        integer = jnp.issubdtype(sq.dtype, jnp.integer)
        # a Python-scalar identity keeps the windowed sum differentiable
        total = lax.reduce_window(jnp.pad(sq, pads), 0 if integer else 0.0, lax.add, window, (1,) * x.ndim, "VALID")
        if integer:
            avg = (total // size).astype(result)  # torch's integer avg_pool truncates
            x = x.astype(result)
        else:
            avg = total / size
        div = jnp.power(avg * alpha + k, beta).astype(avg.dtype)
        return (x / div).astype(result)

    return jax.jit(fn)


@op(namespace=_NS, method=False, out=False)
def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """x / (k + alpha * mean of x^2 over `size` neighbouring channels)^beta. Implements
    `torch.nn.functional.local_response_norm`."""
    _require_tensor("local_response_norm", "input", 1, input)
    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    result = input.dtype if input.dtype.category == _dtype.FLOAT else _dtype.get_default_dtype()
    fn = _lrn_fn(int(size), float(alpha), float(beta), float(k), result.np)
    return apply_fn("DivBackward0", fn, (input,), result, saved=(input,))


@op(namespace=_NS, method=False, out=False)
def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(||input||_p along dim, eps). Implements `torch.nn.functional.normalize`."""
    _require_tensor("normalize", "input", 1, input)
    if out is None:
        denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
        return input / denom
    from .._methods import div

    denom = input.norm(p, dim, keepdim=True).clamp_min_(eps).expand_as(input)
    return div(input, denom, out=out)


# ================================================================ dropout
def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


_SELU_ALPHA = 1.7580993408473766  # torch's alpha for alpha dropout


def _rounded(values, dtype):
    """float32/float64 host values rounded to `dtype` (half types back in float32)."""
    if dtype in _HALF:
        return values.astype(dtype.np).astype(np.float32)
    return values


def _noise(input, p, feature, alpha):
    """torch's dropout noise (and alpha dropout's shift) as tensors of input's dtype:
    keep-mask / (1 - p), drawn from jtorch's default generator."""
    dtype = input.dtype
    if dtype.is_complex:
        raise NotImplementedError(f"\"bernoulli_scalar_cpu_\" not implemented for '{type_name(dtype)}'")
    if feature and input.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    if dtype.category != _dtype.FLOAT:
        raise RuntimeError(f"result type Float can't be cast to the desired output type {type_name(dtype)}")
    shape = tuple(input.shape[:2]) + (1,) * (input.dim() - 2) if feature else tuple(input.shape)
    keep = _stream(_generator("dropout", None)).random(shape) < (1 - p)
    compute = np.float64 if dtype is _dtype.float64 else np.float32
    noise = keep.astype(compute)
    shift = None
    if alpha:
        a = 1.0 / math.sqrt((_SELU_ALPHA * _SELU_ALPHA * p + 1) * (1 - p))
        shift = _rounded(noise + compute(-1), dtype)
        shift = _rounded(shift * compute(_SELU_ALPHA * a), dtype)
        shift = _rounded(shift + compute(_SELU_ALPHA * a * p), dtype)
        noise = _rounded(noise * compute(a), dtype)
    else:
        noise = _rounded(noise / compute(1 - p), dtype)

    def wrap(values):
        return Tensor._make(place(values.astype(dtype.np), input.device), dtype, input.device)

    return wrap(noise), (wrap(shift) if shift is not None else None)


def _dropout_impl(input, p, train, inplace, feature=False, alpha=False):
    """torch's _dropout_impl: the input itself when nothing is dropped, else input * noise
    (+ shift for alpha dropout), in place when asked."""
    if p == 0 or not train or input.numel() == 0:
        return input
    if p == 1:
        from .creation import zeros

        zero = zeros((), dtype=input.dtype, device=input.device)
        return input.mul_(zero) if inplace else input * zero
    noise, shift = _noise(input, p, feature, alpha)
    out = input.mul_(noise) if inplace else input * noise
    if shift is not None:
        out = out.add_(shift)
    return out


@op(namespace=_NS, method=False, out=False)
def dropout(input, p=0.5, training=True, inplace=False):
    """Zeroes each element with probability p and scales the rest by 1/(1-p). Implements
    `torch.nn.functional.dropout`."""
    _check_p(p)
    _require_tensor("dropout", "input", 1, input)
    return _dropout_impl(input, p, training, inplace)


@op(namespace=_NS, method=False, out=False)
def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout that keeps SELU's self-normalising mean and variance. Implements
    `torch.nn.functional.alpha_dropout`."""
    _check_p(p)
    _require_tensor("alpha_dropout", "input", 1, input)
    return _dropout_impl(input, p, training, inplace, alpha=True)


@op(namespace=_NS, method=False, out=False)
def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels. Implements `torch.nn.functional.feature_alpha_dropout`."""
    _check_p(p)
    _require_tensor("feature_alpha_dropout", "input", 1, input)
    return _dropout_impl(input, p, training, inplace, feature=True, alpha=True)


def _squeeze0(t):
    """`t.squeeze(0)` recorded as torch's SqueezeBackward1 (a squeeze of one dim)."""
    from .._views import Reshape
    from .views import make_view

    if t._shape[0] != 1:
        return t
    return make_view(t, Reshape(t._shape[1:]), t._shape[1:], t.stride()[1:], t._offset, "SqueezeBackward1")


def _unbatched_feature_dropout(input, p, training, inplace):
    """Channel dropout of an input without a batch dim. torch unsqueezes it in place for
    inplace=True; jtorch applies the (C, 1, ...) noise directly (same values, but the
    grad_fn is MulBackward0 where torch's is SqueezeBackward4)."""
    if not inplace:
        return _squeeze0(_dropout_impl(input.unsqueeze(0), p, training, False, feature=True))
    if p == 0 or not training or input.numel() == 0 or p == 1:
        return _dropout_impl(input, p, training, True)
    noise, _ = _noise(input.unsqueeze(0), p, True, False)
    return input.mul_(noise.squeeze(0))


@op(namespace=_NS, method=False, out=False)
def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of (N, C, L) or (C, L) inputs. Implements `torch.nn.functional.dropout1d`."""
    _check_p(p)
    _require_tensor("dropout1d", "input", 1, input)
    inp_dim = input.dim()
    if inp_dim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {inp_dim}D input. Note that dropout1d "
                           "exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel "
                           "dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    if inp_dim == 2:
        return _unbatched_feature_dropout(input, p, training, inplace)
    return _dropout_impl(input, p, training, inplace, feature=True)


@op(namespace=_NS, method=False, out=False)
def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels (dim 1) of the input. Implements `torch.nn.functional.dropout2d`."""
    _check_p(p)
    _require_tensor("dropout2d", "input", 1, input)
    inp_dim = input.dim()
    if inp_dim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {inp_dim}-D input to dropout2d, which is deprecated and will result in "
                      "an error in a future release. To retain the behavior and silence this warning, please use "
                      "dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D "
                      "inputs).", UserWarning, stacklevel=3)
    if inp_dim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior "
                      "is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior "
                      "will change in a future release to interpret the input as one without a batch dimension, i.e. "
                      "shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using "
                      "dropout1d instead.", UserWarning, stacklevel=3)
    return _dropout_impl(input, p, training, inplace, feature=True)


@op(namespace=_NS, method=False, out=False)
def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) inputs. Implements
    `torch.nn.functional.dropout3d`."""
    _check_p(p)
    _require_tensor("dropout3d", "input", 1, input)
    inp_dim = input.dim()
    if inp_dim not in (4, 5):
        warnings.warn(f"dropout3d: Received a {inp_dim}-D input to dropout3d, which is deprecated and will result in "
                      "an error in a future release. To retain the behavior and silence this warning, please use "
                      "dropout instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D "
                      "inputs).", UserWarning, stacklevel=3)
    if inp_dim != 5:
        return _unbatched_feature_dropout(input, p, training, inplace)
    return _dropout_impl(input, p, training, inplace, feature=True)


# ================================================================ embedding
_INDEX_TYPES = (_dtype.int64, _dtype.int32)


def _check_indices(fn, input, arg="indices"):
    if input.dtype not in _INDEX_TYPES:
        raise RuntimeError(f"Expected tensor for argument #1 '{arg}' to have one of the following scalar types: Long, "
                           f"Int; but got {input.type()} instead (while checking arguments for {fn})")


@jax.jit
def _min_max(a):
    return jnp.min(a), jnp.max(a)


def _index_range(input):
    if input.numel() == 0:
        return 0, -1
    low, high = _min_max(input._data)
    return int(low), int(high)


@jax.custom_vjp
def _scale_grad(y, s):
    """y, whose gradient is multiplied by s (torch's padding_idx and scale_grad_by_freq)."""
    return y


_scale_grad.defvjp(lambda y, s: (y, s), lambda s, g: (g * s.astype(g.dtype), jnp.zeros_like(s)))


@functools.lru_cache(maxsize=None)
def _embedding_fn(padding_idx, scale_grad_by_freq):
    def fn(w, idx):
        rows = jnp.take(w, idx, axis=0)
        if padding_idx < 0 and not scale_grad_by_freq:
            return rows
        s = jnp.ones(idx.shape, w.dtype)
        if padding_idx >= 0:
            s = jnp.where(idx == padding_idx, jnp.zeros((), w.dtype), s)
        if scale_grad_by_freq:
            counts = jnp.zeros((w.shape[0],), jnp.int32).at[idx.reshape(-1)].add(1)
            s = s / jnp.take(counts, idx).astype(w.dtype)
        return _scale_grad(rows, s[..., None])

    return jax.jit(fn)


@functools.lru_cache(maxsize=None)
def _renorm_fn(max_norm, norm_type):
    def fn(w, idx):
        n = w.shape[0]
        used = jnp.zeros((n,), bool).at[jnp.where(idx < 0, idx + n, idx).reshape(-1)].set(True)
        compute = jnp.float32 if w.dtype in (jnp.float16, jnp.bfloat16) else w.dtype
        norms = jnp.linalg.norm(w.astype(compute), ord=norm_type, axis=1).astype(jnp.float64)
        scale = (max_norm / (norms + 1e-7)).astype(compute)
        scaled = (w.astype(compute) * scale[:, None]).astype(w.dtype)
        return jnp.where((used & (norms > max_norm))[:, None], scaled, w)

    return jax.jit(fn)


def _embedding_renorm_(weight, input, max_norm, norm_type):
    """torch.embedding_renorm_ under no_grad: rows of `weight` used by `input` whose
    norm exceeds max_norm are scaled in place to norm max_norm."""
    n = weight.shape[0]
    low, high = _index_range(input)
    for bad in (high, low):
        if input.numel() and not -n <= bad < n:
            raise IndexError(f"select(): index {bad} out of range for tensor of size {_sizes_str(weight.shape)} at "
                             "dimension 0")
    weight._write(_renorm_fn(float(max_norm), float(norm_type))(weight._data, input._data))


def _padding_index(padding_idx, n, message="Padding_idx must be within num_embeddings"):
    if padding_idx is None:
        return -1
    if padding_idx > 0:
        if padding_idx >= n:
            raise AssertionError(message)
    elif padding_idx < 0:
        if padding_idx < -n:
            raise AssertionError(message)
        padding_idx = n + padding_idx
    return int(padding_idx)


@op(namespace=_NS, method=False, out=False)
def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False):
    """Rows of `weight` picked by the indices in `input`. Implements `torch.nn.functional.embedding`
    (dense gradients only: sparse=True is not supported)."""
    _require_tensor("embedding", "input", 1, input)
    _require_tensor("embedding", "weight", 2, weight)
    padding_idx = _padding_index(padding_idx, weight.size(0))
    if max_norm is not None:
        input = input.contiguous()
        _check_indices("embedding_renorm_", input)
        _embedding_renorm_(weight, input, max_norm, norm_type)
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    _check_indices("embedding", input)
    if sparse:
        raise NotImplementedError("jtorch does not support sparse gradients: use embedding with sparse=False")
    low, high = _index_range(input)
    if low < 0 or high >= weight.shape[0]:
        raise IndexError("index out of range in self")
    fn = _embedding_fn(padding_idx, bool(scale_grad_by_freq))
    return apply_fn("EmbeddingBackward0", fn, (weight, input), weight.dtype, weight.device, saved=(input,))


# ---------------------------------------------------------------- embedding_bag
_MODES = {"sum": 0, "mean": 1, "max": 2}


@functools.lru_cache(maxsize=None)
def _embedding_bag_fn(mode, num_bags, include_last_offset, has_psw, padding_idx, scale_grad_by_freq):
    def fn(w, idx, offsets, *psw):
        length = idx.shape[0]
        positions = jnp.arange(length)
        # the bag of each position: how many later bags start at or before it
        starts = jnp.zeros((length,), jnp.int32).at[offsets[1:num_bags]].add(1, mode="drop")
        bag = jnp.cumsum(starts)
        if include_last_offset:
            bag = jnp.where(positions >= offsets[num_bags], num_bags, bag)
        valid = bag < num_bags
        if padding_idx >= 0:
            valid = valid & (idx != padding_idx)
        bag = jnp.where(valid, bag, num_bags)  # dropped entries go to an extra segment
        rows = jnp.take(w, idx, axis=0)
        if scale_grad_by_freq:
            # torch's CPU kernel divides the gradient of the i-th distinct index by the count of
            # sorted_indices[i] (not of the index itself); this follows it
            counts = jnp.zeros((w.shape[0],), jnp.int32).at[idx].add(1)
            rank = jnp.cumsum(counts > 0) - 1
            divisor = jnp.take(counts, jnp.take(jnp.sort(idx), jnp.take(rank, idx)))
            rows = _scale_grad(rows, (1 / divisor).astype(w.dtype)[:, None])
        compute = jnp.float32 if w.dtype in (jnp.float16, jnp.bfloat16) else w.dtype
        rows = rows.astype(compute)
        if mode == 2:
            masked = jnp.where(valid[:, None], rows, -jnp.inf)
            best = jax.ops.segment_max(lax.stop_gradient(masked), bag, num_segments=num_bags + 1)
            is_best = valid[:, None] & (masked == best[bag])
            first = jax.ops.segment_min(jnp.where(is_best, positions[:, None], length), bag,
                                        num_segments=num_bags + 1)[:num_bags]
            padded = jnp.concatenate([rows, jnp.zeros((1, rows.shape[1]), rows.dtype)])
            out = jnp.take_along_axis(padded, first, axis=0)
            return out.astype(w.dtype)
        if has_psw:
            rows = rows * psw[0].astype(compute)[:, None]
        rows = jnp.where(valid[:, None], rows, jnp.zeros((), compute))
        # torch's sums start from +0.0 (so a bag of -0.0 sums to +0.0)
        total = jax.ops.segment_sum(rows, bag, num_segments=num_bags + 1)[:num_bags] + _zero(compute)
        if mode == 1:
            count = jax.ops.segment_sum(valid.astype(compute), bag, num_segments=num_bags + 1)[:num_bags]
            total = jnp.where(count[:, None] > 0, total / jnp.maximum(count, 1)[:, None], jnp.zeros((), compute))
        return total.astype(w.dtype)

    return jax.jit(fn)


@op(namespace=_NS, method=False, out=False)
def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """Sums, means or maxes of bags of embedding rows. Implements `torch.nn.functional.embedding_bag`
    (dense gradients only)."""
    _require_tensor("embedding_bag", "input", 1, input)
    _require_tensor("embedding_bag", "weight", 2, weight)
    if weight.dtype is _dtype.int64 and input.is_floating_point():
        warnings.warn("Argument order of nn.functional.embedding_bag was changed. Usage `embedding_bag(weight, input, "
                      "...)` is deprecated, and should now be `embedding_bag(input, weight, ...)`.", stacklevel=3)
        weight, input = input, weight
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape!r}) is not None, then it "
                         f"must have the same shape as the input ({input.shape!r})")
    if not weight.dim() == 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {type(offsets)}")
        from .creation import arange

        offsets = arange(0, input.numel(), input.size(1), dtype=input.dtype, device=input.device)
        include_last_offset = False
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
    if mode not in _MODES:
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max":
        if scale_grad_by_freq:
            raise ValueError("max mode does not support scaling the gradient by the frequency")
        if sparse:
            raise ValueError("max mode does not support sparse weights")
    if max_norm is not None:
        _check_indices("embedding_renorm_", input)
        _embedding_renorm_(weight, input, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError("embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  "GitHub.")
    return _embedding_bag(weight, input, offsets, scale_grad_by_freq, mode, sparse, per_sample_weights,
                          include_last_offset, padding_idx)


def _embedding_bag(weight, input, offsets, scale_grad_by_freq, mode, sparse, per_sample_weights,
                   include_last_offset, padding_idx):
    """torch.embedding_bag's checks and kernel (the first of its four results)."""
    _check_indices("embedding_bag", input)
    _check_indices("embedding_bag", offsets)
    if weight.dtype.category != _dtype.FLOAT:
        raise RuntimeError("Expected tensor for argument #1 'weight' to have one of the following scalar types: Half, "
                           f"BFloat16, Float, Double; but got {weight.type()} instead (while checking arguments for "
                           "embedding_bag)")
    if per_sample_weights is not None and per_sample_weights.dtype is not weight.dtype:
        raise RuntimeError("Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 "
                           f"'per_sample_weights'; but type {weight.type()} does not equal "
                           f"{per_sample_weights.type()} (while checking arguments for embedding_bag)")
    n = weight.shape[0]
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise RuntimeError(f"padding_idx must be within the number of embeddings, -{n} through {n - 1}, but got "
                               f"{padding_idx}")
        padding_idx = padding_idx % n
    else:
        padding_idx = -1
    if sparse:
        raise NotImplementedError("jtorch does not support sparse gradients: use embedding_bag with sparse=False")
    offset_values = np.asarray(offsets.detach()._data)
    length = input.shape[0]
    if offset_values.size:
        if offset_values[0] != 0:
            raise RuntimeError("offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                               f"position 0. However, got {offset_values[0]}\n[ {offsets.type()}{{}} ]")
        if offset_values[-1] > length:
            raise RuntimeError(f"offsets[-1] can not be greater than input's length {length} but got offsets[-1] of "
                               f"{offset_values[-1]}")
        if np.any(np.diff(offset_values) < 0):
            raise RuntimeError("Expected i < index_size to be true, but got false.  (Could this error message be "
                               "improved?  If so, please report an enhancement request to PyTorch.)")
    low, high = _index_range(input)
    if input.numel() and (low < 0 or high >= n):
        values = np.asarray(input.detach()._data).reshape(-1)
        bad = int(np.flatnonzero((values < 0) | (values >= n))[0])
        raise RuntimeError(f"Index {bad} of input takes value {values[bad]} which is not in the valid range [0, {n})")
    num_bags = offset_values.size - 1 if include_last_offset else offset_values.size
    num_bags = max(num_bags, 0)
    if include_last_offset and offset_values.size == 0:
        include_last_offset = False
    fn = _embedding_bag_fn(_MODES[mode], num_bags, bool(include_last_offset), per_sample_weights is not None,
                           padding_idx, bool(scale_grad_by_freq))
    tensors = [weight, input, offsets] + ([per_sample_weights] if per_sample_weights is not None else [])
    return apply_fn("EmbeddingBagBackward0", fn, tensors, weight.dtype, weight.device, saved=(input, offsets))


# ================================================================ one_hot
@functools.lru_cache(maxsize=None)
def _one_hot_fn(num_classes):
    return jax.jit(lambda a: (a[..., None] == jnp.arange(num_classes, dtype=a.dtype)).astype(jnp.int64))


@op(namespace=_NS, method=False, out=False)
def one_hot(tensor, num_classes=-1):
    """int64 one-hot encoding of class indices (num_classes=-1 infers max + 1). Implements
    `torch.nn.functional.one_hot`."""
    _require_tensor("one_hot", "input", 1, tensor)
    if tensor.dtype is not _dtype.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    num_classes = int(num_classes)
    if tensor.numel() == 0:
        if num_classes <= 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
    else:
        low, high = _index_range(tensor)
        if low < 0:
            raise RuntimeError("Class values must be non-negative.")
        if num_classes == -1:
            num_classes = high + 1
        elif num_classes <= high:
            raise RuntimeError("Class values must be smaller than num_classes.")
    return apply_fn("", _one_hot_fn(num_classes), (tensor,), _dtype.int64)
