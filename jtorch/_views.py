"""View steps: how a view reads itself from its base array, and how a write to the
view is scattered back into the base. A view is a chain (tuple) of steps; reading and
writing a chain are jitted once per chain and cached.

Each step is a frozen dataclass, so chains are hashable and equal chains share code.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import jax
import jax.numpy as jnp
from jax import lax


class Step:
    def read(self, x):
        raise NotImplementedError

    def scatter(self, x, v):
        """The new input of this step, given its old input `x` and its new output `v`."""
        raise NotImplementedError


def _at(dim, index):
    return (slice(None),) * dim + (index,)


@dataclass(frozen=True)
class Reshape(Step):
    shape: tuple

    def read(self, x):
        return x.reshape(self.shape)

    def scatter(self, x, v):
        return v.reshape(x.shape)


@dataclass(frozen=True)
class Permute(Step):
    perm: tuple

    def read(self, x):
        return jnp.transpose(x, self.perm)

    def scatter(self, x, v):
        inverse = [0] * len(self.perm)
        for i, p in enumerate(self.perm):
            inverse[p] = i
        return jnp.transpose(v, inverse)


@dataclass(frozen=True)
class Slice(Step):
    dim: int
    start: int
    stop: int
    step: int

    def read(self, x):
        return lax.slice_in_dim(x, self.start, self.stop, self.step, axis=self.dim)

    def scatter(self, x, v):
        return x.at[_at(self.dim, slice(self.start, self.stop, self.step))].set(v)


@dataclass(frozen=True)
class Select(Step):
    dim: int
    index: int

    def read(self, x):
        return lax.index_in_dim(x, self.index, self.dim, keepdims=False)

    def scatter(self, x, v):
        return x.at[_at(self.dim, self.index)].set(v)


@dataclass(frozen=True)
class Expand(Step):
    """Broadcast to `shape`. Writes are only allowed where nothing overlaps (the caller
    checks), so every expanded dim has size 1 on both sides and a reshape inverts it."""

    shape: tuple

    def read(self, x):
        return jnp.broadcast_to(x, self.shape)

    def scatter(self, x, v):
        return v.reshape(x.shape)


@dataclass(frozen=True)
class Diagonal(Step):
    offset: int
    dim1: int
    dim2: int

    def read(self, x):
        return jnp.diagonal(x, self.offset, self.dim1, self.dim2)

    def scatter(self, x, v):
        moved = jnp.moveaxis(x, (self.dim1, self.dim2), (-2, -1))
        n = v.shape[-1]
        rows = jnp.arange(n) + max(-self.offset, 0)
        cols = jnp.arange(n) + max(self.offset, 0)
        moved = moved.at[..., rows, cols].set(v)
        return jnp.moveaxis(moved, (-2, -1), (self.dim1, self.dim2))


@dataclass(frozen=True)
class RealPart(Step):
    def read(self, x):
        return jnp.real(x)

    def scatter(self, x, v):
        return lax.complex(v, jnp.imag(x))


@dataclass(frozen=True)
class ImagPart(Step):
    def read(self, x):
        return jnp.imag(x)

    def scatter(self, x, v):
        return lax.complex(jnp.real(x), v)


@dataclass(frozen=True)
class Unfold(Step):
    """Windows of `size` every `step` along `dim`, as a new last dim."""

    dim: int
    size: int
    step: int

    def _index(self, length):
        count = (length - self.size) // self.step + 1
        return jnp.arange(count)[:, None] * self.step + jnp.arange(self.size)[None, :]

    def read(self, x):
        windows = jnp.take(x, self._index(x.shape[self.dim]), axis=self.dim)  # [..., n, size, ...]
        return jnp.moveaxis(windows, self.dim + 1, -1)

    def scatter(self, x, v):
        index = self._index(x.shape[self.dim])
        v = jnp.moveaxis(jnp.moveaxis(v, -1, self.dim + 1), (self.dim, self.dim + 1), (0, 1))
        return jnp.moveaxis(jnp.moveaxis(x, self.dim, 0).at[index].set(v), 0, self.dim)


@dataclass(frozen=True)
class BitCast(Step):
    """view(dtype) between dtypes of one itemsize."""

    src: object
    dst: object

    def read(self, x):
        return lax.bitcast_convert_type(x, self.dst)

    def scatter(self, x, v):
        return lax.bitcast_convert_type(v, self.src)


def extend(chain: tuple, step: Step) -> tuple:
    """`chain` followed by `step`, merging consecutive reshapes to keep chains short."""
    if chain and isinstance(step, Reshape) and isinstance(chain[-1], Reshape):
        return chain[:-1] + (step,)
    return chain + (step,)


@functools.lru_cache(maxsize=8192)
def reader(chain: tuple):
    def read(base):
        for step in chain:
            base = step.read(base)
        return base

    return jax.jit(read)


@functools.lru_cache(maxsize=8192)
def writer(chain: tuple):
    def write(base, value):
        inputs = [base]
        for step in chain[:-1]:
            inputs.append(step.read(inputs[-1]))
        for step, x in zip(reversed(chain), reversed(inputs)):
            value = step.scatter(x, value)
        return value

    return jax.jit(write)
