"""Convolution (torch.nn.functional.conv1d/2d/3d) and transposed convolution (conv_transpose1d/2d/3d);
the pooling ops live in nn_pool.py."""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
from jax import lax

from .._registry import apply_fn, op, type_name
from .conversion import keep_memory_format
from .nn_pool import _squeeze
from .reduction import _plus_zero


def _tuple(value, n, name="argument"):
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            return tuple(value) * n
        if len(value) != n:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values to match the "
                               f"convolution dimensions, but got {name}={list(value)}")
        return tuple(int(v) for v in value)
    return (int(value),) * n


@functools.lru_cache(maxsize=1024)
def _conv_fn(n, stride, padding, dilation, groups, has_bias):
    spatial = "DHW"[-n:] if n <= 3 else None
    dims = ("NC" + spatial, "OI" + spatial, "NC" + spatial)

    def conv(x, w, *bias):
        out = lax.conv_general_dilated(x, w, window_strides=stride, padding=padding, rhs_dilation=dilation,
                                       dimension_numbers=dims, feature_group_count=groups,
                                       precision=lax.Precision.HIGHEST)
        if has_bias:
            out = out + bias[0].reshape((1, -1) + (1,) * n)
        return out

    return jax.jit(conv)


def _conv(n, input, weight, bias, stride, padding, dilation, groups):
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to conv{n}d, but got input "
                           f"of size: {list(input.shape)}")
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"Input type ({input.type()}) and weight type ({weight.type()}) should be the same")
    unbatched = input.dim() == n + 1
    if unbatched:
        input = input.unsqueeze(0)
    stride, dilation = _tuple(stride, n, "stride"), _tuple(dilation, n, "dilation")
    kernel = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * n
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            pads = []
            for k, d in zip(kernel, dilation):
                total = d * (k - 1)
                pads.append((total // 2, total - total // 2))
            pads = tuple(pads)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        pads = tuple((p, p) for p in _tuple(padding, n, "padding"))
    channels = input.shape[1]
    if channels != weight.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected input{list(input.shape)} to have "
            f"{weight.shape[1] * groups} channels, but got {channels} channels instead")
    for size, k, d, (lo, hi) in zip(input.shape[2:], kernel, dilation, pads):
        if size + lo + hi < d * (k - 1) + 1:
            raise RuntimeError(
                f"Calculated padded input size per channel: ({' x '.join(str(s + a + b) for s, (a, b) in zip(input.shape[2:], pads))}). "
                f"Kernel size: ({' x '.join(str(d * (k - 1) + 1) for k, d in zip(kernel, dilation))}). Kernel size can't be "
                "greater than actual input size")
    fn = _conv_fn(n, stride, pads, dilation, groups, bias is not None)
    tensors = (input, weight) if bias is None else (input, weight, bias)
    out = apply_fn("ConvolutionBackward0", fn, tensors, input.dtype, saved=(input, weight))
    return _squeeze(out, 0) if unbatched else keep_memory_format(out, input, weight)


@op(namespace="torch.nn.functional", method=False, out=False)
def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Implements `torch.nn.functional.conv1d`."""
    return _conv(1, input, weight, bias, stride, padding, dilation, groups)


@op(namespace="torch.nn.functional", method=False, out=False)
def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Implements `torch.nn.functional.conv2d`."""
    return _conv(2, input, weight, bias, stride, padding, dilation, groups)


@op(namespace="torch.nn.functional", method=False, out=False)
def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Implements `torch.nn.functional.conv3d`."""
    return _conv(3, input, weight, bias, stride, padding, dilation, groups)


# ================================================================ transposed convolution
_HALF = ("float16", "bfloat16")


@functools.lru_cache(maxsize=1024)
def _conv_transpose_fn(n, stride, padding, output_padding, dilation, groups, kernel, has_bias, half):
    spatial = "DHW"[-n:]
    dims = ("NC" + spatial, "OI" + spatial, "NC" + spatial)
    pads = tuple((d * (k - 1) - p, d * (k - 1) - p + op) for k, p, op, d in zip(kernel, padding, output_padding,
                                                                               dilation))

    def conv_transpose(x, w, *bias):
        dtype = x.dtype
        if half:
            x, w = x.astype(jnp.float32), w.astype(jnp.float32)
            bias = tuple(b.astype(jnp.float32) for b in bias)
        cin, cout_g = w.shape[0], w.shape[1]
        # (Cin, Cout/g, *k) -> (Cout, Cin/g, *k), spatially flipped: the adjoint of a strided convolution
        wt = w.reshape((groups, cin // groups, cout_g) + kernel)
        wt = jnp.swapaxes(wt, 1, 2).reshape((groups * cout_g, cin // groups) + kernel)
        wt = jnp.flip(wt, axis=tuple(range(2, 2 + n)))
        out = lax.conv_general_dilated(x, wt, window_strides=(1,) * n, padding=pads, lhs_dilation=stride,
                                       rhs_dilation=dilation, dimension_numbers=dims, feature_group_count=groups,
                                       precision=lax.Precision.HIGHEST)
        if has_bias:
            out = out + bias[0].reshape((1, -1) + (1,) * n)
        return _plus_zero(out).astype(dtype)

    return jax.jit(conv_transpose)


def _conv_transpose(n, input, weight, bias, stride, padding, output_padding, groups, dilation):
    name = f"conv_transpose{n}d"
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to {name}, but got input of "
                           f"size: {list(input.shape)}")
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"expected scalar type {type_name(input.dtype)} but found {type_name(weight.dtype)}")
    unbatched = input.dim() == n + 1
    if unbatched:
        input = input.unsqueeze(0)
    k = weight.dim() - 2
    stride, padding = _tuple(stride, n, "stride"), _tuple(padding, n, "padding")
    output_padding, dilation = _tuple(output_padding, n, "output_padding"), _tuple(dilation, n, "dilation")
    for arg, values in (("stride", stride), ("padding", padding), ("output_padding", output_padding),
                        ("dilation", dilation)):
        if len(values) != k:
            raise RuntimeError(f"expected {arg} to be a single integer value or a list of {k} values to match the "
                               f"convolution dimensions, but got {arg}={list(values)}")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")
    wshape = list(weight.shape)
    if weight.dim() != input.dim():
        raise RuntimeError(f"Expected {weight.dim()}-dimensional input for {weight.dim()}-dimensional weight {wshape}, "
                           f"but got {input.dim()}-dimensional input of size {list(input.shape)} instead")
    if wshape[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got "
                           f"weight of size {wshape} instead")
    if wshape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size [{wshape}] instead")
    if input.shape[1] != wshape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {wshape}, expected input{list(input.shape)} to have "
                           f"{wshape[0]} channels, but got {input.shape[1]} channels instead")
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != wshape[1] * groups):
        raise RuntimeError(f"Given transposed=1, weight of size {wshape}, expected bias to be 1-dimensional with "
                           f"{wshape[1] * groups} elements, but got bias of size {list(bias.shape)} instead")
    labels = ("depth", "height", "width")[3 - n:]
    if not all(op < s or op < d for op, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(
            "output padding must be smaller than either stride or dilation, but got " +
            " ".join(f"output_padding_{c}: {v}" for c, v in zip(labels, output_padding)) + " " +
            " ".join(f"stride_{c}: {v}" for c, v in zip(labels, stride)) + " " +
            " ".join(f"dilation_{c}: {v}" for c, v in zip(labels, dilation)))
    kernel = tuple(wshape[2:])
    sizes = tuple(input.shape[2:])
    outs = tuple((i - 1) * s - 2 * p + d * (kk - 1) + 1 + op
                 for i, s, p, d, kk, op in zip(sizes, stride, padding, dilation, kernel, output_padding))
    if any(o < 1 for o in outs):
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, sizes))}). Calculated output size "
                           f"per channel: ({' x '.join(map(str, outs))}). Output size is too small")
    dtype = input.dtype
    if not (dtype.is_floating_point or dtype.is_complex or dtype.name == "int64"):
        raise NotImplementedError(f'"slow_conv_transpose{n}d_out_cpu" not implemented for \'{type_name(dtype)}\'')
    fn = _conv_transpose_fn(n, stride, padding, output_padding, dilation, groups, kernel, bias is not None,
                            dtype.name in _HALF)
    tensors = (input, weight) if bias is None else (input, weight, bias)
    out = apply_fn("ConvolutionBackward0", fn, tensors, dtype, saved=(input, weight))
    return _squeeze(out, 0) if unbatched else keep_memory_format(out, input, weight)


@op(namespace="torch.nn.functional", method=False, out=False)
def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Implements `torch.nn.functional.conv_transpose1d`."""
    return _conv_transpose(1, input, weight, bias, stride, padding, output_padding, groups, dilation)


@op(namespace="torch.nn.functional", method=False, out=False)
def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Implements `torch.nn.functional.conv_transpose2d`."""
    return _conv_transpose(2, input, weight, bias, stride, padding, output_padding, groups, dilation)


@op(namespace="torch.nn.functional", method=False, out=False)
def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Implements `torch.nn.functional.conv_transpose3d`."""
    return _conv_transpose(3, input, weight, bias, stride, padding, output_padding, groups, dilation)


@op(name="conv_transpose1d", namespace="torch", method=False, out=False)
def _torch_conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    return _conv_transpose(1, input, weight, bias, stride, padding, output_padding, groups, dilation)


@op(name="conv_transpose2d", namespace="torch", method=False, out=False)
def _torch_conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    return _conv_transpose(2, input, weight, bias, stride, padding, output_padding, groups, dilation)


@op(name="conv_transpose3d", namespace="torch", method=False, out=False)
def _torch_conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    return _conv_transpose(3, input, weight, bias, stride, padding, output_padding, groups, dilation)
