"""Random sampling: torch.Generator, manual_seed and the sampling ops.

A generator's state is its seed and a count of draws: draw n takes its bits from numpy's
Philox keyed by (seed, n), so every stream is reproducible and independent of the others,
and get_state/set_state just save and restore the pair. Samples are made on the host
and placed on the device, so no sampler is compiled per shape.

Differences from torch: the values differ from torch's Mersenne Twister (shapes,
dtypes, ranges and distributions match), and get_state() returns 16 bytes, not 5056.
"""
from __future__ import annotations

import functools
import math
import os
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import _device, _dtype
from .._dtype import BOOL, COMPLEX, FLOAT
from .._registry import apply_fn, broadcast_shapes, op, type_name
from .._tensor import Tensor
from .conversion import _copy_strides as _layout_of, _laid_out
from .creation import (
    _as_int, _finish, _out_dtype, _sizes, _tp_name, cast_float, dtype_arg, int_arg, place, scalar_arg, scalar_to,
    size_arg,
)

_DEFAULT_SEED = 67280421310721  # torch's default_rng_seed_val


def _unpack_uint64(seed) -> int:
    if not -2**63 <= seed < 2**64:
        raise ValueError("Overflow when unpacking long long")
    return seed % 2**64


class Generator:
    """torch.Generator: a seed and the number of draws made since seeding."""

    def __init__(self, device="cpu"):
        self.device = _device.device(device)
        if self.device.type == "meta":
            raise RuntimeError("META device type not an accelerator.")
        if self.device.type == "cuda" and not _device.accelerators():
            raise RuntimeError("Cannot get CUDA generator without ATen_cuda library.")
        self._seed, self._count = _DEFAULT_SEED, 0

    def manual_seed(self, seed) -> Generator:
        if not isinstance(seed, int):
            raise RuntimeError(f"manual_seed expected a long, but got {_tp_name(seed)}")
        self._seed, self._count = _unpack_uint64(seed), 0
        return self

    def seed(self) -> int:
        """Seed with a non-deterministic random number, and return it."""
        seed = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(seed)
        return seed

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> Tensor:
        """The state as a uint8 tensor: the seed and the draw count, little-endian."""
        from .creation import tensor

        return tensor(np.array([self._seed, self._count], "<u8").view(np.uint8), dtype=_dtype.uint8)

    def set_state(self, new_state) -> Generator:
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {_tp_name(new_state)}")
        if new_state.dtype is not _dtype.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        if new_state.numel() != 16:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size 16 but found the input RNG state size to "
                               f"be {new_state.numel()}")
        self._seed, self._count = (int(v) for v in np.asarray(new_state.detach()._data).view("<u8"))
        return self

    def _draw(self) -> np.random.Generator:
        """A numpy bit stream for the next draw: Philox keyed by the seed and the draw count."""
        count = self._count
        self._count += 1
        return np.random.Generator(np.random.Philox(key=[self._seed, count]))


default_generator = Generator()


def manual_seed(seed) -> Generator:
    """Seed the default generator (and return it). Implements `torch.manual_seed`."""
    return default_generator.manual_seed(_unpack_uint64(int(seed)))


def seed() -> int:
    """Seed the default generator non-deterministically. Implements `torch.seed`."""
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    default_generator.set_state(new_state)


# ----------------------------------------------------------------- samplers
# Samples are drawn on the host with numpy's Philox, keyed by (seed, draw count), and then
# placed on the device: unlike jitted JAX samplers, this compiles nothing per shape.
def _uniform(rng, shape, dtype) -> np.ndarray:
    """Uniform on [0, 1) in `dtype` (complex: both parts so)."""
    if dtype.is_complex:
        real = dtype.to_real()
        return (_uniform(rng, shape, real) + 1j * _uniform(rng, shape, real)).astype(dtype.np)
    if dtype.itemsize >= 4:
        return rng.random(shape, dtype=dtype.np)
    digits = 11 if dtype is _dtype.float16 else 8  # multiples of 2**-digits are exact, and below 1
    return (rng.integers(0, 2**digits, shape) * 2.0**-digits).astype(np.float32).astype(dtype.np)


def _normal(rng, shape, dtype) -> np.ndarray:
    """Standard normal in `dtype` (complex: each part with variance 1/2, as torch)."""
    if dtype.is_complex:
        parts = rng.standard_normal((2,) + tuple(shape)) * math.sqrt(0.5)
        return (parts[0] + 1j * parts[1]).astype(dtype.np)
    if dtype is _dtype.float64:
        return rng.standard_normal(shape)
    return cast_float(rng.standard_normal(shape, dtype=np.float32), dtype)


def _generator(fn, generator, args=()) -> Generator:
    """The `generator=` argument (the default generator for None); `args` are the call's
    positional arguments, for torch's error message."""
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):
        got = ", ".join([_tp_name(a) for a in args] + [f"generator={_tp_name(generator)}"])
        raise TypeError(f"{fn}() received an invalid combination of arguments - got ({got}), but expected "
                        "torch.Generator generator")
    return generator


def _stream(generator: Generator | None) -> np.random.Generator:
    """The numpy bit stream of the generator's next draw."""
    return (generator or default_generator)._draw()


def _device_of(device, out):
    return _device.canonical(device if device is not None or out is None else out.device)


def _not_implemented(kernel, dtype):
    return NotImplementedError(f"\"{kernel}\" not implemented for '{type_name(dtype)}'")


def _floating(kernel, dtype):
    if dtype.category < FLOAT:
        raise _not_implemented(kernel, dtype)
    return dtype


def _check_shape(size):
    for s in size:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return size


def _distribution(fn, kind, kernel, size, generator, out, dtype, device, requires_grad, strides=None):
    dtype = _floating(kernel, _out_dtype(fn, out, dtype) or _dtype.get_default_dtype())
    device = _device_of(device, out)
    sampler = _uniform if kind == "uniform" else _normal
    array = place(sampler(_stream(generator), _check_shape(size), dtype), device)
    return _finish(fn, array, dtype, device, requires_grad, out, strides)


def rand(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False) -> Tensor:
    """Samples uniform on [0, 1) (both parts, for complex dtypes). Implements `torch.rand`."""
    size = _sizes("rand", args, size) if args or size is not None else _no_size("rand")
    return _distribution("rand", "uniform", "check_uniform_bounds", size, _generator("rand", generator, args), out,
                         dtype_arg("rand", dtype), device, requires_grad)


def randn(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False) -> Tensor:
    """Standard normal samples (complex: each part with variance 1/2). Implements `torch.randn`."""
    size = _sizes("randn", args, size) if args or size is not None else _no_size("randn")
    return _distribution("randn", "normal", "normal_kernel_cpu", size, _generator("randn", generator, args), out,
                         dtype_arg("randn", dtype), device, requires_grad)


def _no_size(fn):
    raise TypeError(f"{fn}() received an invalid combination of arguments - got (), but expected (tuple of ints "
                    "size, *, torch.Generator generator, Tensor out, torch.dtype dtype, torch.layout layout, "
                    "torch.device device, bool pin_memory, bool requires_grad)")


def _like(fn, kind, kernel):
    def create(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
               generator=None) -> Tensor:
        if not isinstance(input, Tensor):
            raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not {_tp_name(input)}")
        return _distribution(fn, kind, kernel, input._shape, generator, None, dtype_arg(fn, dtype) or input.dtype,
                             device if device is not None else input.device, requires_grad,
                             _layout_of(input, memory_format))

    create.__name__ = create.__qualname__ = fn
    create.__doc__ = f"`torch.{fn[:-5]}` samples of input's shape and dtype. Implements `torch.{fn}`."
    return create


rand_like = _like("rand_like", "uniform", "check_uniform_bounds")
randn_like = _like("randn_like", "normal", "normal_kernel_cpu")

# c10's names for the dtypes in randint's bound errors.
_TYPE_META = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short int",
              "int32": "int", "int64": "long int", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
              "float32": "float", "float64": "double"}


def _check_random_bounds(low, high, dtype):
    """torch's random_ bound checks: low < high, both within the dtype (floats warn beyond
    the integers they hold exactly)."""
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if dtype.category == COMPLEX:
        raise RuntimeError("check_random_bounds handles only integral, floating-point and boolean types")
    name = _TYPE_META[dtype.name]
    if dtype.category == FLOAT:
        limit = float(jnp.finfo(dtype.np).max)
        digits = jnp.finfo(dtype.np).nmant + 1
    else:
        info = np.iinfo(dtype.np) if dtype is not _dtype.bool else np.iinfo(np.uint8)
        limit = None
    for value, what in ((low, "from"), (high - 1, "to - 1")):
        if dtype is _dtype.bool:
            ok = 0 <= value <= 1
        elif limit is None:
            ok = info.min <= value <= info.max
        else:
            ok = -limit <= value <= limit
        if not ok:
            raise RuntimeError(f"{what} is out of bounds for {name}")
    if dtype.category == FLOAT:
        for value, what in ((low, "from"), (high - 1, "to - 1")):
            if not -(2**digits) <= value <= 2**digits:
                warnings.warn(f"{what} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision limitations "
                              f"{name} can support discrete uniform distribution only within this range. This "
                              "warning will become an error in version 1.7 release, please fix the code in advance",
                              UserWarning, stacklevel=4)


def _randint_error(*args):
    got = ", ".join(_tp_name(a) for a in args)
    return TypeError(f"randint() received an invalid combination of arguments - got ({got}), but expected one of: "
                     "(int high, tuple of ints size), (int low, int high, tuple of ints size)")


def _bound(value, *args) -> int:
    result = _as_int(value)
    if result is None:
        raise _randint_error(*args)
    if not -2**63 <= result < 2**63:
        raise ValueError("Overflow when unpacking long long")
    return result


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False, pin_memory=False) -> Tensor:
    """Integers uniform on [low, high) (int64 unless `dtype` says otherwise).
    Implements `torch.randint`, called as randint(high, size) or randint(low, high, size)."""
    size_pos = 3
    if size is None:  # randint(high, size)
        if high is None:
            raise _randint_error(low)
        low, high, size, size_pos = 0, low, high, 2
    elif high is None:  # randint(high, size=size)
        low, high = 0, low
    low, high = _bound(low, low, high, size), _bound(high, low, high, size)
    size = _check_shape(size_arg("randint", (size,), varargs=False, pos=size_pos))
    dtype = _out_dtype("randint", out, dtype_arg("randint", dtype)) or _dtype.int64
    _check_random_bounds(low, high, dtype)
    device = _device_of(device, out)
    generator = _generator("randint", generator, (low, high, size))
    values = _stream(generator).integers(low, high, size, dtype=np.int64)
    array = place(values.astype(dtype.np), device)
    return _finish("randint", array, dtype, device, requires_grad, out)


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None, requires_grad=False,
                 memory_format=None, generator=None) -> Tensor:
    """`torch.randint` samples of input's shape and dtype. Implements `torch.randint_like`."""
    if not isinstance(input, Tensor):
        raise TypeError(f"randint_like(): argument 'input' (position 1) must be Tensor, not {_tp_name(input)}")
    if high is None:
        low, high = 0, low
    dtype = dtype_arg("randint_like", dtype) or input.dtype
    result = randint(low, high, input._shape, generator=generator, dtype=dtype,
                     device=device if device is not None else input.device, requires_grad=requires_grad)
    return _laid_out(result, _layout_of(input, memory_format))


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False) -> Tensor:
    """A random permutation of 0..n-1 (int64 by default). Implements `torch.randperm`."""
    n = int_arg("randperm", "n", 1, n)
    dtype = _out_dtype("randperm", out, dtype_arg("randperm", dtype)) or _dtype.int64
    _check_shape((n,))
    if dtype.category in (BOOL, COMPLEX):
        raise _not_implemented("randperm", dtype)
    if dtype.category == FLOAT:
        # Every value must be exact in the dtype (2**digits + 1 is the last that is).
        digits = jnp.finfo(dtype.np).nmant + 1
        if dtype.itemsize >= 4 and n > 2**digits + 1:
            kind = "Float" if dtype is _dtype.float32 else "Double"
            raise RuntimeError(f"n cannot be greater than 2^{digits}+1 for {kind} type.")
        if dtype is _dtype.float16 and n > 2049:
            raise RuntimeError("n cannot be greater than 2049 for Half type.")
    else:
        scalar_to(n - 1 if n > 0 else n, dtype)  # torch's overflow error for a too-small int dtype
    device = _device_of(device, out)
    values = _stream(_generator("randperm", generator, (n,))).permutation(n)
    array = place(values.astype(dtype.np), device)
    return _finish("randperm", array, dtype, device, requires_grad, out)


# ----------------------------------------------------------------- normal, bernoulli, multinomial
@functools.lru_cache(maxsize=1024)
def _shifted(kind, number=None):
    """mean + std * noise, with mean or std a tensor (or both), the other the number: its
    vjp gives torch's gradients of normal (1 for mean, the noise for std)."""
    if kind == "both":
        return jax.jit(lambda mean, std, noise: mean + std * noise)
    if kind == "mean":
        return jax.jit(lambda mean, noise: mean + number * noise)
    return jax.jit(lambda std, noise: number + std * noise)


def _check_std(std):
    if isinstance(std, Tensor):
        if std.dtype.is_complex:
            raise RuntimeError("normal expects standard deviation to be non-complex")
        if std.numel() and not bool(jnp.all(std.detach()._data >= 0)):
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif not std >= 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           requires_grad=False, pin_memory=False) -> Tensor:
    """Normal samples: elementwise for tensor `mean` and/or `std` (broadcast, with their
    gradients), or `size` samples for numbers. Implements `torch.normal`."""
    if not isinstance(mean, Tensor) and not isinstance(std, Tensor):
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments - got (float, float), but "
                            "expected (float mean, float std, tuple of ints size)")
        mean, std = float(scalar_arg("normal", "mean", 1, mean)), float(scalar_arg("normal", "std", 2, std))
        _check_std(std)
        size = _check_shape(size_arg("normal", (size,), varargs=False, pos=3))
        dtype = _out_dtype("normal", out, dtype_arg("normal", dtype)) or _dtype.get_default_dtype()
        noise = _normal(_stream(_generator("normal", generator)), size, _floating("normal_kernel_cpu", dtype))
        values = cast_float((noise if dtype.itemsize >= 4 else noise.astype(np.float32)) * std + mean, dtype)
        device = _device_of(device, out)
        return _finish("normal", place(values, device), dtype, device, requires_grad, out)
    # The result takes mean's dtype and device, or std's when mean is a number.
    like = mean if isinstance(mean, Tensor) else std
    if not isinstance(std, Tensor):
        std = float(scalar_arg("normal", "std", 2, std))
    if not isinstance(mean, Tensor):
        mean = float(scalar_arg("normal", "mean", 1, mean))
    _check_std(std)
    shape = broadcast_shapes(*(t._shape for t in (mean, std) if isinstance(t, Tensor)))
    noise = randn(shape, generator=generator, dtype=_floating("normal_kernel_cpu", like.dtype), device=like.device)
    if isinstance(mean, Tensor) and isinstance(std, Tensor):
        result = apply_fn("NormalBackward3", _shifted("both"), (mean, std.to(like.dtype), noise), like.dtype)
    elif isinstance(mean, Tensor):
        result = apply_fn("NormalBackward1", _shifted("mean", std), (mean, noise), like.dtype)
    else:
        result = apply_fn("NormalBackward2", _shifted("std", mean), (std, noise), like.dtype)
    if out is not None:
        return _finish("normal", result.detach()._data.astype(out.dtype.np), out.dtype, out.device, out=out)
    return result


@op(out=False)
def bernoulli(input, p=None, *, generator=None, out=None):
    """Samples that are 1 with probability `input` (or the number `p`), else 0, in input's
    dtype. Implements `torch.bernoulli`."""
    if not isinstance(input, Tensor):
        raise TypeError(f"bernoulli(): argument 'input' (position 1) must be Tensor, not {_tp_name(input)}")
    if p is None:
        if input.dtype.category != FLOAT:
            kernel = "bernoulli_tensor_cpu_p_" if input.dtype.category < FLOAT else "bernoulli_tensor_cpu_self_"
            raise _not_implemented(kernel, input.dtype)
        probs = np.asarray(input.detach()._data, np.float64 if input.dtype is _dtype.float64 else np.float32)
        if probs.size and not np.all((probs >= 0) & (probs <= 1)):
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
                               "message be improved?  If so, please report an enhancement request to PyTorch.)")
        grad_name = "BernoulliBackward0"
    else:
        if isinstance(p, Tensor):
            raise TypeError("bernoulli() received an invalid combination of arguments - got (Tensor, Tensor), but "
                            "expected (Tensor input, float p)")
        p = float(scalar_arg("bernoulli", "p", 2, p))
        if input.dtype.is_complex:
            raise _not_implemented("bernoulli_scalar_cpu_", input.dtype)
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
        probs = p
        grad_name = "NotImplemented"  # torch has no derivative for bernoulli(input, p)
    dtype = input.dtype if out is None else out.dtype
    u = _stream(_generator("bernoulli", generator)).random(input._shape, np.float64 if p is not None or
                                                             input.dtype is _dtype.float64 else np.float32)
    sample = place((u < probs).astype(dtype.np), input.device)
    if out is not None:
        return _finish("bernoulli", sample, dtype, out.device, out=out)
    # A sample does not depend on input's value: its gradient is zero, as in torch.
    return apply_fn(grad_name, lambda x: sample, (input,), dtype)


def _multinomial_samples(rng, rows, num_samples, replacement) -> np.ndarray:
    """Category indices for each row of non-negative weights."""
    if not replacement:
        # As torch: the top num_samples of p / q with q ~ Exp(1) (a Gumbel top-k).
        keys = rows / rng.standard_exponential(rows.shape)
        return np.argsort(-keys, axis=-1, kind="stable")[:, :num_samples]
    cdf = np.cumsum(rows, axis=-1, dtype=np.float64)
    cdf /= cdf[:, -1:]
    u = rng.random((rows.shape[0], num_samples))
    # Zero weights add empty steps to the cdf, which u < 1 never lands on.
    return np.stack([np.searchsorted(c, v, side="right") for c, v in zip(cdf, u)]).reshape(len(rows), num_samples)


@op(out=False)
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Indices drawn from each row of `input`, with probabilities proportional to its
    non-negative weights. Implements `torch.multinomial`."""
    num_samples = int_arg("multinomial", "num_samples", 2, num_samples)
    if not isinstance(replacement, bool):
        raise TypeError(f"multinomial(): argument 'replacement' must be bool, not {_tp_name(replacement)}")
    if not 1 <= input.dim() <= 2:
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if input.dtype.category != FLOAT:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {type_name(input.dtype)}")
    if out is not None and out.dtype is not _dtype.int64:
        raise RuntimeError(f"multinomial expects Long tensor out, got: {type_name(out.dtype)}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    n_categories = input._shape[-1]
    if not replacement and num_samples > n_categories:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if n_categories > 2**24:
        raise RuntimeError("number of categories cannot exceed 2^24")
    compute = np.float64 if input.dtype is _dtype.float64 else np.float32
    rows = np.asarray(input.detach()._data, compute).reshape(-1, n_categories)
    if not replacement or num_samples == 1:
        if rows.size and not (np.all(rows >= 0) and np.all(rows < np.inf)):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    elif np.any(~(rows >= 0)):  # NaN too, as torch reports it
        raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
    elif np.any(np.isinf(rows)):
        raise RuntimeError("invalid multinomial distribution (encountering probability entry = infinity or NaN)")
    if np.any(rows.sum(-1) <= 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    samples = _multinomial_samples(_stream(_generator("multinomial", generator)), rows, num_samples, replacement)
    samples = place(samples.reshape(input._shape[:-1] + (num_samples,)).astype(np.int64), input.device)
    return _finish("multinomial", samples, _dtype.int64, input.device, out=out)
