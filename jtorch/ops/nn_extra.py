"""More torch.nn.functional ops: affine_grid, grid_sample, gumbel_softmax, the shrink
activations, F's spellings of torch.* kernels (hardshrink, prelu, rrelu, cosine_similarity,
pairwise_distance, pdist -- their kernels live in ops/aliases.py and are reused from there),
the in-place F forms (relu_, elu_, ...), channel_shuffle and fractional max pooling."""
from __future__ import annotations

import functools
import itertools
import math
import warnings

import jax
import jax.numpy as jnp

from .. import _dtype
from .._registry import apply_fn, op, preserve_layout, type_name
from .._tensor import Tensor

_NS = "torch.nn.functional"


def _aliases():
    # imported lazily: ops/aliases.py imports jtorch.nn.functional, which imports this module
    from . import aliases
    return aliases


def _F():
    from ..nn import functional
    return functional


# ================================================================ F spellings of torch.* kernels
@op(namespace=_NS, method=False, out=False)
def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, else 0. Implements `torch.nn.functional.hardshrink`."""
    return _aliases().hardshrink(input, lambd)


@op(namespace=_NS, method=False, out=False)
def prelu(input, weight):
    """max(0, x) + weight * min(0, x). Implements `torch.nn.functional.prelu`."""
    return _aliases().prelu(input, weight)


@op(namespace=_NS, method=False, out=False)
def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky ReLU. Implements `torch.nn.functional.rrelu`."""
    if inplace:
        return _aliases().rrelu_(input, lower, upper, training)
    return _aliases().rrelu(input, lower, upper, training)


@op(name="rrelu_", namespace=_NS, method=False, out=False)
def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    """In-place rrelu. Implements `torch.nn.functional.rrelu_`."""
    return _aliases().rrelu_(input, lower, upper, training)


@op(namespace=_NS, method=False, out=False)
def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine similarity along `dim`. Implements `torch.nn.functional.cosine_similarity`."""
    return _aliases().cosine_similarity(x1, x2, dim, eps)


@op(namespace=_NS, method=False, out=False)
def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """p-norm of x1 - x2 + eps over the last dim. Implements `torch.nn.functional.pairwise_distance`."""
    return _aliases().pairwise_distance(x1, x2, p, eps, keepdim)


@op(namespace=_NS, method=False, out=False)
def pdist(input, p=2):
    """Distances between all row pairs. Implements `torch.nn.functional.pdist`."""
    return _aliases().pdist(input, p)


# ================================================================ in-place F forms
@op(name="relu_", namespace=_NS, method=False, out=False)
def relu_(input):
    """Implements `torch.nn.functional.relu_`."""
    return _F().relu(input, inplace=True)


@op(name="elu_", namespace=_NS, method=False, out=False)
def elu_(input, alpha=1.0):
    """Implements `torch.nn.functional.elu_`."""
    return _F().elu(input, alpha, inplace=True)


@op(name="celu_", namespace=_NS, method=False, out=False)
def celu_(input, alpha=1.0):
    """Implements `torch.nn.functional.celu_`."""
    return _F().celu(input, alpha, inplace=True)


@op(name="selu_", namespace=_NS, method=False, out=False)
def selu_(input):
    """Implements `torch.nn.functional.selu_`."""
    return _F().selu(input, inplace=True)


@op(name="leaky_relu_", namespace=_NS, method=False, out=False)
def leaky_relu_(input, negative_slope=0.01):
    """Implements `torch.nn.functional.leaky_relu_`."""
    return _F().leaky_relu(input, negative_slope, inplace=True)


@op(name="hardtanh_", namespace=_NS, method=False, out=False)
def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """Implements `torch.nn.functional.hardtanh_`."""
    return _F().hardtanh(input, min_val, max_val, inplace=True)


@op(name="threshold_", namespace=_NS, method=False, out=False)
def threshold_(input, threshold, value):
    """Implements `torch.nn.functional.threshold_`."""
    return _F().threshold(input, threshold, value, inplace=True)


# ================================================================ softshrink
_DTYPE_MAX = {"float32": "3.40282e+38", "float64": "1.79769e+308", "float16": "65504", "bfloat16": "3.38953e+38"}


def _softshrink_value(x, lambd):
    lam = jnp.asarray(lambd, x.dtype)
    # inside [-lambd, lambd] torch returns x * 0 (a zero with x's sign)
    return jnp.where((x >= -lam) & (x <= lam), x * jnp.zeros((), x.dtype), jnp.where(x > lam, x - lam, x + lam))


@functools.lru_cache(maxsize=None)
def _softshrink_fn(lambd):
    f = jax.custom_vjp(lambda x: _softshrink_value(x, lambd))
    # torch's SoftshrinkBackward: zero inside [-lambd, lambd], the incoming gradient elsewhere
    f.defvjp(lambda x: (_softshrink_value(x, lambd), x),
             lambda x, g: (jnp.where((x >= -lambd) & (x <= lambd), jnp.zeros_like(g), g),))
    return jax.jit(f)


@op(namespace=_NS, method=False, out=False)
def softshrink(input, lambd=0.5):
    """x - lambd above lambd, x + lambd below -lambd, else 0. Implements `torch.nn.functional.softshrink`."""
    if not isinstance(input, Tensor):
        raise TypeError(f"softshrink(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.dtype.category != _dtype.FLOAT:
        raise NotImplementedError(f'"softshrink_check" not implemented for \'{type_name(input.dtype)}\'')
    if lambd < 0:
        raise RuntimeError(f"lambda must be in range [0, {_DTYPE_MAX.get(input.dtype.name, 'inf')}] for input dtype "
                           f"{type_name(input.dtype)}, but found {float(lambd):g}")
    return preserve_layout(apply_fn("SoftshrinkBackward0", _softshrink_fn(float(lambd)), (input,), input.dtype), input)


# ================================================================ channel_shuffle
@functools.lru_cache(maxsize=None)
def _channel_shuffle_fn(groups):
    def fn(x):
        n, c = x.shape[:2]
        rest = x.shape[2:]
        y = x.reshape((n, groups, c // groups) + rest)
        return jnp.swapaxes(y, 1, 2).reshape(x.shape)
    return jax.jit(fn)


@op(namespace=_NS, method=False, out=False)
def channel_shuffle(input, groups):
    """Interleave the channels of `groups` groups. Implements `torch.nn.functional.channel_shuffle`."""
    if input.dim() <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes "
                           f"{list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    if input.shape[1] % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {input.shape[1]} channels and "
                           f"{groups} groups.")
    return apply_fn("ChannelShuffleBackward0", _channel_shuffle_fn(int(groups)), (input,), input.dtype)


# ================================================================ gumbel_softmax
def _gumbel_noise(logits):
    """-log(Exponential(1)) samples shaped like `logits` (the test replaces this to fix the noise)."""
    from .creation import empty_like
    return -empty_like(logits, memory_format=None).exponential_().log()


@op(namespace=_NS, method=False, out=False)
def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """Softmax of (logits + Gumbel noise) / tau; hard=True returns the one-hot argmax with the soft
    sample's gradient (straight-through). Implements `torch.nn.functional.gumbel_softmax`."""
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    gumbels = (logits + _gumbel_noise(logits)) / tau
    y_soft = gumbels.softmax(dim)
    if not hard:
        return y_soft
    from .creation import zeros_like
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


# ================================================================ affine_grid
def _linspace(n, align_corners, dtype):
    if n <= 1:
        return jnp.zeros((max(n, 0),), dtype)
    r = jnp.linspace(-1, 1, n, dtype=dtype)
    return r if align_corners else r * ((n - 1) / n)


@functools.lru_cache(maxsize=None)
def _affine_grid_fn(spatial, align_corners):
    def fn(theta):
        dtype = theta.dtype
        axes = [_linspace(s, align_corners, dtype) for s in spatial]  # (D,) H, W
        mesh = jnp.meshgrid(*axes, indexing="ij")
        coords = [m for m in reversed(mesh)]  # x (W), y (H), z (D)
        base = jnp.stack(coords + [jnp.ones_like(coords[0])], axis=-1)  # (*spatial, nd+1)
        flat = base.reshape(-1, base.shape[-1])
        out = jnp.einsum("pk,njk->npj", flat, theta, precision=jax.lax.Precision.HIGHEST)
        return out.reshape((theta.shape[0],) + tuple(spatial) + (len(spatial),))
    return jax.jit(fn)


@op(namespace=_NS, method=False, out=False)
def affine_grid(theta, size, align_corners=None):
    """Sampling grid for the affine maps `theta` (N x 2 x 3 or N x 3 x 4). Implements
    `torch.nn.functional.affine_grid`."""
    if align_corners is None:
        warnings.warn("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                      "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                      "grid_sample for details.", stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    if len(size) == 4:
        if theta.dim() != 3 or theta.shape[-2] != 2 or theta.shape[-1] != 3:
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. "
                             f"Got {theta.shape}.")
        spatial = list(size)[-2:]
    elif len(size) == 5:
        if theta.dim() != 3 or theta.shape[-2] != 3 or theta.shape[-1] != 4:
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {size}. "
                             f"Got {theta.shape}.")
        spatial = list(size)[-3:]
    else:
        raise NotImplementedError("affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {size}.")
    if align_corners and min(spatial) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. See the documentation "
                      "of affine_grid for details.", stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    if theta.shape[0] != size[0]:
        raise RuntimeError(f"shape '{[size[0]] + [int(s) for s in spatial] + [len(spatial)]}' is invalid for input of "
                           f"size {theta.shape[0] * math.prod(spatial) * len(spatial)}")
    fn = _affine_grid_fn(tuple(int(s) for s in spatial), bool(align_corners))
    return apply_fn("AffineGridGeneratorBackward0", fn, (theta,), theta.dtype)


# ================================================================ grid_sample
def _unnormalize(coord, size, align_corners):
    if align_corners:
        return (coord + 1) / 2 * (size - 1)
    return ((coord + 1) * size - 1) / 2


def _clip(coord, size):
    # torch's clip_coordinates: gradient 1 on [0, size - 1] (ends included), 0 outside
    coord = jnp.where(coord < 0, jnp.zeros_like(coord), coord)
    return jnp.where(coord > size - 1, jnp.full_like(coord, size - 1), coord)


def _reflect(coord, twice_low, twice_high):
    if twice_low == twice_high:
        return jnp.zeros_like(coord)
    low = twice_low / 2
    span = (twice_high - twice_low) / 2
    coord = jnp.abs(coord - low)
    extra = jnp.fmod(coord, span)
    flips = jnp.floor(coord / span)
    return jnp.where(jnp.fmod(flips, 2) == 0, extra + low, span - extra + low)


def _pad_coord(coord, size, padding, align_corners):
    if padding == "border":
        return _clip(coord, size)
    if padding == "reflection":
        if align_corners:
            coord = _reflect(coord, 0, 2 * (size - 1))
        else:
            coord = _reflect(coord, -1, 2 * size - 1)
        return _clip(coord, size)
    return coord


def _gather(x, idx, sizes):
    """x: (N, C, *S); idx: per spatial dim (N, *O) ints, possibly out of range. Returns
    (N, C, *O) with zeros where any index is out of range."""
    valid = functools.reduce(jnp.logical_and, [(i >= 0) & (i < s) for i, s in zip(idx, sizes)])
    safe = [jnp.clip(i, 0, s - 1) for i, s in zip(idx, sizes)]
    vals = jax.vmap(lambda xi, *ii: xi[(slice(None),) + tuple(ii)])(x, *safe)
    return jnp.where(valid[:, None], vals, jnp.zeros((), x.dtype))


def _cubic1(t, a):
    return ((a + 2) * t - (a + 3)) * t * t + 1


def _cubic2(t, a):
    return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a


@functools.lru_cache(maxsize=None)
def _grid_sample_fn(mode, padding, align_corners):
    def fn(x, grid):
        sizes = x.shape[2:]  # (D,) H, W
        nd = len(sizes)
        # grid's last dim lists x (W), y (H), z (D): reverse to the input's spatial order
        coords = [grid[..., nd - 1 - d] for d in range(nd)]
        if mode == "bicubic":
            coords = [_unnormalize(c, s, align_corners) for c, s in zip(coords, sizes)]
            floors = [jnp.floor(c) for c in coords]
            ts = [c - f for c, f in zip(coords, floors)]
            a = -0.75
            weights = [[_cubic2(t + 1, a), _cubic1(t, a), _cubic1(1 - t, a), _cubic2(2 - t, a)] for t in ts]
            out = 0
            for taps in itertools.product(range(4), repeat=nd):
                idx = []
                for d in range(nd):
                    tap = jax.lax.stop_gradient(floors[d]) - 1 + taps[d]
                    tap = _pad_coord(tap, sizes[d], padding, align_corners)
                    idx.append(jax.lax.stop_gradient(tap).astype(jnp.int32))
                w = functools.reduce(lambda p, q: p * q, [weights[d][taps[d]] for d in range(nd)])
                out = out + _gather(x, idx, sizes) * w[:, None]
            return out
        coords = [_pad_coord(_unnormalize(c, s, align_corners), s, padding, align_corners)
                  for c, s in zip(coords, sizes)]
        if mode == "nearest":
            idx = [jax.lax.stop_gradient(jnp.round(c)).astype(jnp.int32) for c in coords]
            return _gather(x, idx, sizes)
        lows = [jax.lax.stop_gradient(jnp.floor(c)) for c in coords]
        out = 0
        for corner in itertools.product((0, 1), repeat=nd):
            idx, w = [], 1
            for d in range(nd):
                if corner[d]:
                    w = w * (coords[d] - lows[d])
                else:
                    w = w * (lows[d] + 1 - coords[d])
                idx.append((lows[d] + corner[d]).astype(jnp.int32))
            out = out + _gather(x, idx, sizes) * w[:, None]
        return out
    return jax.jit(fn)


_MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}


@op(namespace=_NS, method=False, out=False)
def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Sample `input` at the normalised locations of `grid`. Implements `torch.nn.functional.grid_sample`."""
    if mode not in _MODES:
        raise ValueError("nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', "
                         f"but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                      "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                      "grid_sample for details.", stacklevel=2)
        align_corners = False
    shapes = f"input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}"
    if input.dtype is not grid.dtype:
        raise RuntimeError(f"expected scalar type {type_name(input.dtype)} but found {type_name(grid.dtype)}")
    nd = input.dim() - 2
    if grid.shape[-1] != nd:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {nd} in last dimension, but got grid with "
                           f"sizes {list(grid.shape)}")
    if input.dim() not in (4, 5) or input.dim() != grid.dim():
        raise RuntimeError(f"grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but "
                           f"got {shapes}")
    if input.shape[0] != grid.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, but got {shapes}")
    for d in range(2, input.dim()):
        if input.shape[d] <= 0:
            raise RuntimeError(f"grid_sampler(): expected input to have non-empty spatial dimensions, but input has "
                               f"sizes {list(input.shape)} with dimension {d} being empty")
    if mode == "bicubic" and nd != 2:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if input.dtype.category != _dtype.FLOAT:
        raise RuntimeError(f'"grid_sampler_{nd}d_cpu" not implemented for \'{type_name(input.dtype)}\'')
    fn = _grid_sample_fn(mode, padding_mode, bool(align_corners))
    return apply_fn(f"GridSampler{nd}DBackward0", fn, (input, grid), input.dtype)


# ================================================================ fractional max pooling
def _intervals(sample, in_size, out_size, pool):
    """torch's generate_intervals: (..., out_size) window starts from samples in [0, 1)."""
    dtype = sample.dtype
    if out_size > 1:
        alpha = jnp.asarray(in_size - pool, dtype) / jnp.asarray(out_size - 1, dtype)
        i = jnp.arange(out_size - 1, dtype=dtype)
        s = sample[..., None]
        starts = (jnp.trunc((i + s) * alpha).astype(jnp.int64) - jnp.trunc(s * alpha).astype(jnp.int64))
        last = jnp.full(sample.shape + (1,), in_size - pool, jnp.int64)
        return jnp.concatenate([starts, last], axis=-1)
    return jnp.full(sample.shape + (1,), in_size - pool, jnp.int64)


@functools.lru_cache(maxsize=None)
def _fractional_fn(kernel, output, batched):
    nd = len(kernel)

    def pooled(x, samples):
        sizes = x.shape[2:]
        n, c = x.shape[:2]
        # torch's sample order: 2-D (W, H), 3-D (T, H, W)
        order = (1, 0) if nd == 2 else (0, 1, 2)
        starts = [_intervals(samples[..., order[d]], sizes[d], output[d], kernel[d]) for d in range(nd)]  # (N,C,O_d)
        windows = []
        for offs in itertools.product(*[range(k) for k in kernel]):
            pos = []
            for d in range(nd):
                p = starts[d] + offs[d]
                shape = [n, c] + [1] * nd
                shape[2 + d] = output[d]
                pos.append(p.reshape(shape))
            lin = pos[0]
            for d in range(1, nd):
                lin = lin * sizes[d] + pos[d]
            lin = jnp.broadcast_to(lin, (n, c) + tuple(output))
            windows.append(lin)
        lin = jnp.stack(windows, axis=-1)  # (N, C, *O, K)
        xf = x.reshape(n, c, -1)
        vals = jnp.take_along_axis(xf, lin.reshape(n, c, -1), axis=2).reshape(lin.shape)
        arg = jnp.argmax(jax.lax.stop_gradient(vals), axis=-1)
        out = jnp.take_along_axis(vals, arg[..., None], axis=-1)[..., 0]
        indices = jnp.take_along_axis(lin, arg[..., None], axis=-1)[..., 0]
        return out, indices

    def fn(x, samples):
        if batched:
            return pooled(x, samples)
        out, indices = pooled(x[None], samples)
        return out[0], indices[0]
    return jax.jit(fn)


def _fractional(input, kernel_size, output_size, output_ratio, return_indices, samples, nd):
    name = f"fractional_max_pool{nd}d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    tup = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v,) * nd  # noqa: E731
    kernel = tuple(int(k) for k in tup(kernel_size))
    if output_size is None:
        if nd == 2 and len(output_ratio) > 2:  # len() of a bare number raises torch's TypeError
            raise ValueError(f"{name} requires output_ratio to either be a single Int or tuple of Ints.")
        ratio = tup(output_ratio)
        output_size = [int(input.shape[-nd + d] * ratio[d]) for d in range(nd)]
    output = tuple(int(o) for o in tup(output_size))
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}_out(): Expected {nd + 1}D or {nd + 2}D tensor, but got: {list(input.shape)}")
    batched = input.dim() == nd + 2
    if samples is None:
        from .random import rand
        n_batch = input.shape[0] if batched else 1
        samples = rand(n_batch, input.shape[-nd - 1], nd, dtype=input.dtype, device=input.device)
    names = ("height", "width") if nd == 2 else ("time", "height", "width")
    sizes = input.shape[-nd:]
    for d in range(nd):
        if output[d] + kernel[d] - 1 > sizes[d]:
            raise RuntimeError(f"{name}{'_out' if nd == 3 else ''}(): pool {names[d]} {kernel[d]} too large relative to input {names[d]} "
                               f"{sizes[d]}")
    if input.dtype.category != _dtype.FLOAT:
        raise NotImplementedError(f'"{name}_out_frame" not implemented for \'{type_name(input.dtype)}\'')
    out, idx = apply_fn(f"FractionalMaxPool{nd}DBackward0", _fractional_fn(kernel, output, batched),
                        (input, samples.detach()), (input.dtype, _dtype.int64))
    return (out, idx) if return_indices else out


@op(namespace=_NS, method=False, out=False)
def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    """Implements `torch.nn.functional.fractional_max_pool2d_with_indices`."""
    return _fractional(input, kernel_size, output_size, output_ratio, True, _random_samples, 2)


@op(namespace=_NS, method=False, out=False)
def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """Max pooling over pseudo-random windows. Implements `torch.nn.functional.fractional_max_pool2d`."""
    return _fractional(input, kernel_size, output_size, output_ratio, return_indices, _random_samples, 2)


@op(namespace=_NS, method=False, out=False)
def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    """Implements `torch.nn.functional.fractional_max_pool3d_with_indices`."""
    return _fractional(input, kernel_size, output_size, output_ratio, True, _random_samples, 3)


@op(namespace=_NS, method=False, out=False)
def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """3-D max pooling over pseudo-random windows. Implements `torch.nn.functional.fractional_max_pool3d`."""
    return _fractional(input, kernel_size, output_size, output_ratio, return_indices, _random_samples, 3)


@op(namespace=_NS, method=False, out=False)
def native_channel_shuffle(input, groups):
    """Implements `torch.nn.functional.native_channel_shuffle` (differentiable here; torch has no backward)."""
    return channel_shuffle(input, groups)
