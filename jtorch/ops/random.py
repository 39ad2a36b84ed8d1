"""Random numbers from a JAX PRNG key stream: manual_seed, Generator and the sampling ops.

Values differ from torch's generator; shapes, dtypes, ranges and distributions match.
"""
from __future__ import annotations

import functools
import time

import jax
import jax.numpy as jnp
import numpy as np

from .. import _device, _dtype
from .._tensor import Tensor
from .creation import new_tensor_from, place
from .views import shape_arg


class Generator:
    """torch.Generator: a seed and a JAX key that is split on every draw."""

    def __init__(self, device="cpu"):
        self.device = _device.device(device)
        self.manual_seed(67280421310721)

    def manual_seed(self, seed):
        seed = int(seed)
        if not -0x8000_0000_0000_0000 <= seed <= 0xFFFF_FFFF_FFFF_FFFF:
            raise RuntimeError(f"Overflow when unpacking long long")
        self._seed = seed % (1 << 64)
        self._key = jax.random.key(self._seed % (1 << 63), impl="threefry2x32")
        self._key = jax.device_put(self._key, _device.cpu_jax_device())
        return self

    def seed(self):
        seed = int(time.time_ns()) % (1 << 63)
        self.manual_seed(seed)
        return seed

    def initial_seed(self):
        return self._seed

    def get_state(self):
        from .creation import tensor

        data = np.asarray(jax.random.key_data(self._key)).view(np.uint8)
        return tensor(data, dtype=_dtype.uint8)

    def set_state(self, state):
        data = np.asarray(state._data).view(np.uint32)
        self._key = jax.random.wrap_key_data(jnp.asarray(data), impl="threefry2x32")
        return self

    def next_key(self):
        self._key, key = _split(self._key)
        return key


_split = jax.jit(lambda key: tuple(jax.random.split(key)))

default_generator = Generator()


def manual_seed(seed):
    default_generator.manual_seed(seed)
    return default_generator


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(state):
    default_generator.set_state(state)


def _key(generator):
    return (generator or default_generator).next_key()


def _finish(array, dtype, device, requires_grad, out=None):
    device = _device.canonical(device)
    if out is not None:
        from .._registry import write_into
        return write_into(out, array, dtype, inplace=False)
    if device.type != "cpu":
        array = place(array, device)
    return new_tensor_from(array, dtype, device, requires_grad)


def _float_dtype(dtype, op):
    dtype = dtype or _dtype.get_default_dtype()
    if dtype.category < _dtype.FLOAT:
        raise RuntimeError(f'"{op}" not implemented for \'{dtype.name}\'')
    return dtype


@functools.lru_cache(maxsize=4096)
def _sampler(kind, shape, np_dtype):
    if kind == "uniform":
        def draw(key):
            if np.issubdtype(np_dtype, np.complexfloating):
                real = np.finfo(np_dtype).dtype
                k1, k2 = jax.random.split(key)
                return jax.lax.complex(jax.random.uniform(k1, shape, real), jax.random.uniform(k2, shape, real))
            return jax.random.uniform(key, shape, jnp.float32 if np_dtype in (np.float16,) else np_dtype).astype(
                np_dtype)
    else:
        def draw(key):
            if np.issubdtype(np_dtype, np.complexfloating):
                real = np.finfo(np_dtype).dtype
                k1, k2 = jax.random.split(key)
                scale = np.sqrt(0.5).astype(real)
                return jax.lax.complex(jax.random.normal(k1, shape, real) * scale,
                                       jax.random.normal(k2, shape, real) * scale)
            return jax.random.normal(key, shape, np_dtype)
    return jax.jit(draw)


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    """Uniform samples on [0, 1)."""
    size, dtype = shape_arg(size), _float_dtype(dtype, "check_uniform_bounds")
    return _finish(_sampler("uniform", size, dtype.np)(_key(generator)), dtype, device, requires_grad, out)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False):
    """Standard normal samples."""
    size, dtype = shape_arg(size), _float_dtype(dtype, "normal_kernel_cpu")
    return _finish(_sampler("normal", size, dtype.np)(_key(generator)), dtype, device, requires_grad, out)


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return rand(input._shape, dtype=dtype or input.dtype, device=device or input.device, requires_grad=requires_grad)


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return randn(input._shape, dtype=dtype or input.dtype, device=device or input.device, requires_grad=requires_grad)


@functools.lru_cache(maxsize=4096)
def _int_sampler(shape, np_dtype):
    return jax.jit(lambda key, low, high: jax.random.randint(key, shape, low, high, jnp.int64).astype(np_dtype))


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False, pin_memory=False):
    """Integers uniform on [low, high); int64 by default."""
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    if high is None:
        raise TypeError("randint() missing required argument 'size'")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    dtype = dtype or _dtype.int64
    size = shape_arg((size,))
    values = _int_sampler(size, dtype.np)(_key(generator), int(low), int(high))
    return _finish(values, dtype, device, requires_grad, out)


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None, requires_grad=False,
                 memory_format=None):
    if high is None:
        low, high = 0, low
    return randint(low, high, input._shape, dtype=dtype or input.dtype, device=device or input.device)


@functools.lru_cache(maxsize=1024)
def _permuter(n):
    return jax.jit(lambda key: jax.random.permutation(key, n).astype(jnp.int64))


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    dtype = dtype or _dtype.int64
    values = _permuter(n)(_key(generator)).astype(dtype.np)
    return _finish(values, dtype, device, requires_grad, out)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           requires_grad=False, pin_memory=False):
    """Normal samples with the given mean and std (tensors broadcast, or floats with `size`)."""
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        ref = mean if isinstance(mean, Tensor) else std
        shape = jnp.broadcast_shapes(getattr(mean, "_shape", ()), getattr(std, "_shape", ()))
        if isinstance(std, Tensor) and bool((std < 0).any()) if hasattr(std, "any") else False:
            raise RuntimeError("normal expects all elements of std >= 0.0")
        noise = randn(shape, generator=generator, dtype=ref.dtype, device=ref.device)
        return noise * std + mean
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    if size is None:
        raise TypeError("normal() missing required argument 'size'")
    return randn(shape_arg((size,)), generator=generator, out=out, dtype=dtype, device=device,
                 requires_grad=False) * std + mean


def bernoulli(input, p=None, *, generator=None, out=None):
    """1 with probability `input` (or `p`), else 0, in input's dtype."""
    probs = input if p is None else p
    u = rand(input._shape, generator=generator, dtype=_dtype.float64 if input.dtype is _dtype.float64 else
             _dtype.float32, device=input.device)
    result = (u < probs).to(input.dtype)
    if out is not None:
        return out.copy_(result)
    return result


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Indices sampled from the rows of `input` (non-negative weights)."""
    if input.dim() not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if input.dtype.category < _dtype.FLOAT:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {type_name(input)}")
    probs = np.asarray(input._data, dtype=np.float64)
    rows = probs.reshape(-1, probs.shape[-1])
    n_categories = rows.shape[-1]
    if not replacement and num_samples > n_categories:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if (rows < 0).any() or not np.isfinite(rows).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (rows.sum(-1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    key = _key(generator)
    logits = jnp.log(jnp.asarray(rows))
    if replacement:
        samples = jax.random.categorical(key, logits, axis=-1, shape=(num_samples, rows.shape[0])).T
    else:  # Gumbel top-k draws without replacement
        gumbel = jax.random.gumbel(key, rows.shape)
        samples = jnp.argsort(-(logits + gumbel), axis=-1)[:, :num_samples]
    samples = np.asarray(samples, np.int64).reshape(probs.shape[:-1] + (num_samples,))
    result = new_tensor_from(place(samples, input.device), _dtype.int64, input.device)
    if out is not None:
        return out.copy_(result)
    return result


def type_name(t):
    return t.type()[6:-6]
