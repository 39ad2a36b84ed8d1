"""Convolution and pooling (torch.nn.functional.conv1d/2d/3d, max_pool1d/2d/3d, avg_pool1d/2d/3d)."""
from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
from jax import lax

from .._registry import apply_fn, op


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
    return out.squeeze(0) if unbatched else out


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


def _pool_output_size(size, k, s, p, d, ceil_mode):
    span = size + 2 * p - d * (k - 1) - 1
    out = (math.ceil(span / s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= size + p:  # the last window must start inside the input or left padding
        out -= 1
    return out


@functools.lru_cache(maxsize=1024)
def _max_pool_fn(n, kernel, stride, padding, dilation, extra_right):
    window = (1, 1) + kernel
    strides = (1, 1) + stride
    pads = ((0, 0), (0, 0)) + tuple((p, p + e) for p, e in zip(padding, extra_right))
    rhs_dilation = (1, 1) + dilation

    def pool(x):
        # a Python-scalar identity lets JAX recognise a max-pool (differentiable) reduction
        init = -float("inf") if jnp.issubdtype(x.dtype, jnp.floating) else int(jnp.iinfo(x.dtype).min)
        return lax.reduce_window(x, init, lax.max, window, strides, pads,
                                 window_dilation=rhs_dilation)

    return jax.jit(pool)


def _max_pool(n, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    if return_indices:
        raise NotImplementedError("max_pool with return_indices=True is not supported yet")
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"max_pool{n}d: Expected {n + 1}D or {n + 2}D input tensor, but got {list(input.shape)}")
    unbatched = input.dim() == n + 1
    if unbatched:
        input = input.unsqueeze(0)
    kernel = _tuple(kernel_size, n)
    stride = kernel if stride is None or stride == [] or stride == () else _tuple(stride, n)
    padding, dilation = _tuple(padding, n), _tuple(dilation, n)
    for k, p in zip(kernel, padding):
        if p > k // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, kernel_size={k} "
                               "and dilation=1" if n > 1 else
                               "max_pool1d() padding should be at most half of kernel size, but got padding="
                               f"{p} and kernel_size={k}")
    extra = []
    for size, k, s, p, d in zip(input.shape[2:], kernel, stride, padding, dilation):
        out = _pool_output_size(size, k, s, p, d, ceil_mode)
        if out <= 0:
            raise RuntimeError(f"max_pool{n}d(): Given input size: ({'x'.join(map(str, input.shape[1:]))}). "
                               f"Calculated output size: ({'x'.join('0' for _ in kernel)}). Output size is too small")
        needed = (out - 1) * s + d * (k - 1) + 1
        extra.append(max(needed - (size + 2 * p), 0))
    fn = _max_pool_fn(n, kernel, stride, padding, dilation, tuple(extra))
    name = {1: "MaxPool2DWithIndicesBackward0", 2: "MaxPool2DWithIndicesBackward0",
            3: "MaxPool3DWithIndicesBackward0"}[n]
    out = apply_fn(name, fn, (input,), input.dtype, saved=(input,))
    return out.squeeze(0) if unbatched else out


@op(namespace="torch.nn.functional", method=False, out=False)
def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Implements `torch.nn.functional.max_pool1d` (without return_indices)."""
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


@op(namespace="torch.nn.functional", method=False, out=False)
def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Implements `torch.nn.functional.max_pool2d` (without return_indices)."""
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


@op(namespace="torch.nn.functional", method=False, out=False)
def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Implements `torch.nn.functional.max_pool3d` (without return_indices)."""
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)
