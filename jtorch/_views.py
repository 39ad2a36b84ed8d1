"""View steps: how a view reads itself from its base array, and how a write to the
view is scattered back into the base. A view is a chain (tuple) of steps; reading and
writing a chain are jitted once per chain and cached. Also the strided-layout rules
(density, dim order) that copies and aliasing checks follow.

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

    def params(self) -> tuple:
        """The ints that differ between otherwise alike steps (an index, a start). They
        reach the compiled code as arguments, so e.g. every row of a matrix shares one
        compiled reader; `read` and `scatter` take them after their array arguments."""
        return ()

    def static(self):
        """This step with its params blanked: what compiled code depends on."""
        return self


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
    """Elements start, start + step, ... (below stop) along `dim`; `start` is a param."""

    dim: int
    start: int
    stop: int
    step: int

    def params(self):
        return (self.start,)

    def static(self):
        return Slice(self.dim, 0, self.stop - self.start, self.step)

    def _window(self) -> int:
        count = len(range(0, self.stop - self.start, self.step))
        return (count - 1) * self.step + 1 if count else 0

    def read(self, x, start=None):
        start = self.start if start is None else start
        window = lax.dynamic_slice_in_dim(x, start, self._window(), self.dim)
        return lax.slice_in_dim(window, 0, None, self.step, self.dim) if self.step > 1 else window

    def scatter(self, x, v, start=None):
        start = self.start if start is None else start
        if self.step > 1:
            window = lax.dynamic_slice_in_dim(x, start, self._window(), self.dim)
            v = window.at[_at(self.dim, slice(None, None, self.step))].set(v)
        return lax.dynamic_update_slice_in_dim(x, v, start, self.dim)


@dataclass(frozen=True)
class Select(Step):
    """Index `index` (a param) of `dim`, which is dropped."""

    dim: int
    index: int

    def params(self):
        return (self.index,)

    def static(self):
        return Select(self.dim, 0)

    def read(self, x, index=None):
        index = self.index if index is None else index
        return lax.dynamic_index_in_dim(x, index, self.dim, keepdims=False)

    def scatter(self, x, v, index=None):
        index = self.index if index is None else index
        return lax.dynamic_update_index_in_dim(x, jnp.expand_dims(v, self.dim), index, self.dim)


@dataclass(frozen=True)
class Expand(Step):
    """Broadcast to `shape`. Writes into a self-overlapping expansion are refused by the
    callers except for fills, whose elements are all equal, so a write keeps the first
    element along every expanded dim."""

    shape: tuple

    def read(self, x):
        return jnp.broadcast_to(x, self.shape)

    def scatter(self, x, v):
        if v.size == 0:
            return x
        lead = v.ndim - x.ndim
        index = (0,) * lead + tuple(0 if n == 1 and m != 1 else slice(None) for n, m in zip(x.shape, v.shape[lead:]))
        return v[index].reshape(x.shape)


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
class Conj(Step):
    """The complex conjugate, as a view (torch's conjugate bit)."""

    def read(self, x):
        return jnp.conj(x)

    def scatter(self, x, v):
        return jnp.conj(v)


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
        index = self._index(x.shape[self.dim])
        windows = jnp.take(x, index.reshape(-1), axis=self.dim)
        windows = windows.reshape(x.shape[:self.dim] + index.shape + x.shape[self.dim + 1:])  # [..., n, size, ...]
        return jnp.moveaxis(windows, self.dim + 1, -1)

    def scatter(self, x, v):
        index = self._index(x.shape[self.dim])
        v = jnp.moveaxis(jnp.moveaxis(v, -1, self.dim + 1), (self.dim, self.dim + 1), (0, 1))
        return jnp.moveaxis(jnp.moveaxis(x, self.dim, 0).at[index].set(v), 0, self.dim)


@dataclass(frozen=True)
class BitCast(Step):
    """view(dtype): the same bytes read as `dst`. When the itemsizes differ the last dim
    (contiguous, checked by the caller) shrinks or grows by their ratio."""

    src: object
    dst: object

    def read(self, x):
        return _reinterpret(x, self.src, self.dst)

    def scatter(self, x, v):
        return _reinterpret(v, self.dst, self.src).reshape(x.shape)


def _reinterpret(x, src, dst):
    if src == dst:
        return x
    if x.size == 0:
        shape = x.shape[:-1] + (x.shape[-1] * jnp.dtype(src).itemsize // jnp.dtype(dst).itemsize,)
        return jnp.zeros(shape, dst)
    y = _from_bytes(_to_bytes(x.reshape(x.shape or (1,)), src), dst)
    return y.reshape(x.shape) if not x.shape else y


def _to_bytes(x, dtype):
    """[..., n] of `dtype` -> [..., n * itemsize] uint8."""
    if dtype == jnp.bool_:
        return x.astype(jnp.uint8)
    if jnp.issubdtype(dtype, jnp.complexfloating):
        x = jnp.stack([jnp.real(x), jnp.imag(x)], axis=-1)
        x = x.reshape(x.shape[:-2] + (-1,))
    b = lax.bitcast_convert_type(x, jnp.uint8)
    return b.reshape(b.shape[:-2] + (-1,)) if b.ndim > x.ndim else b


def _from_bytes(b, dtype):
    """[..., m * itemsize] uint8 -> [..., m] of `dtype`."""
    if dtype == jnp.bool_:
        return b != 0
    if jnp.issubdtype(dtype, jnp.complexfloating):
        parts = _from_bytes(b, jnp.finfo(dtype).dtype)
        parts = parts.reshape(parts.shape[:-1] + (-1, 2))
        return lax.complex(parts[..., 0], parts[..., 1])
    size = jnp.dtype(dtype).itemsize
    if size > 1:
        b = b.reshape(b.shape[:-1] + (-1, size))
    return lax.bitcast_convert_type(b, dtype)


@dataclass(frozen=True)
class AsStrided(Step):
    """Elements at `offset + sum(i * stride)` of the flattened input (used by resize_ and
    as_strided, whose result may cover any window of its storage, where the chain is
    this one step reading the storage array in memory order). `offset` is a param."""

    shape: tuple
    strides: tuple
    offset: int

    def params(self):
        return (self.offset,)

    def static(self):
        return AsStrided(self.shape, self.strides, 0)

    def _index(self, offset):
        index = jnp.full(self.shape, offset, jnp.int64)
        for d, stride in enumerate(self.strides):
            index = index + lax.broadcasted_iota(jnp.int64, self.shape, d) * stride
        return index

    def read(self, x, offset=None):
        return x.reshape(-1)[self._index(self.offset if offset is None else offset)]

    def scatter(self, x, v, offset=None):
        index = self._index(self.offset if offset is None else offset)
        return x.reshape(-1).at[index].set(v).reshape(x.shape)


# ----------------------------------------------------------------- strided layouts
def non_overlapping_and_dense(shape, strides) -> bool:
    """Whether the elements fill a block of memory exactly once, in some dim order
    (torch's is_non_overlapping_and_dense)."""
    if len(shape) == 1:
        return shape[0] < 2 or strides[0] == 1
    expected = 1
    for d in sorted((d for d in range(len(shape)) if shape[d] >= 2), key=lambda d: strides[d]):
        if strides[d] != expected:
            return False
        expected *= shape[d]
    return True


def sort_dims(ndim, should_swap) -> list:
    """The dims, innermost first, insertion-sorted by `should_swap(a, b)` (1: b goes inside a,
    -1: keep, 0: undecided), from the reversed order: the sort torch's TensorIterator and
    layout helpers use, which keeps undecided pairs in place."""
    perm = list(range(ndim - 1, -1, -1))
    for i in range(1, ndim):
        j = i
        for k in range(i - 1, -1, -1):
            order = should_swap(perm[k], perm[j])
            if order > 0:
                perm[k], perm[j] = perm[j], perm[k]
                j = k
            elif order < 0:
                break
    return perm


def dense_strides_like(shape, strides) -> tuple:
    """Contiguous strides for `shape` that keep the dim order of `strides` (torch's
    infer_dense_strides, which copies such as clone() use for non-dense inputs)."""
    ndim = len(shape)
    def should_swap(a, b):
        if strides[a] == 0 or strides[b] == 0:
            return 0
        if strides[a] != strides[b]:
            return 1 if strides[a] > strides[b] else -1
        return 1 if shape[a] > shape[b] else 0

    perm = sort_dims(ndim, should_swap)
    result, step = [0] * ndim, 1
    for d in perm:
        result[d] = step
        step *= max(shape[d], 1)
    return tuple(result)


def elementwise_strides(shape, operands, scalars=False):
    """The strides torch's TensorIterator gives the result of an elementwise op of the
    tensors `operands` (and Python `scalars`, 0-d to torch) broadcast to `shape`, or None
    when they are row-major. Operands all of `shape` that share a dense layout pass it on;
    otherwise the result is dense in the dim order the operands' strides give (the first
    operand that orders two dims decides; broadcast dims don't count)."""
    ndim = len(shape)
    if ndim < 2:
        return None
    layouts = [(t._shape, t.stride()) for t in operands]
    if not scalars and all(s == shape for s, _ in layouts):
        if all(t.is_contiguous() for t in operands):
            return None
        if ndim == 4 and all(t._channels_last_contiguous(4) for t in operands):
            return channels_last_strides(shape)
        first = layouts[0][1]
        if all(st == first and non_overlapping_and_dense(shape, st) for _, st in layouts):
            return first
    aligned = []
    for own_shape, own_strides in layouts:
        lead = ndim - len(own_shape)
        aligned.append((0,) * lead + tuple(0 if n == 1 and shape[lead + i] != 1 else st
                                           for i, (n, st) in enumerate(zip(own_shape, own_strides))))

    def should_swap(a, b):
        for strides in aligned:
            sa, sb = strides[a], strides[b]
            if sa == 0 or sb == 0:
                continue
            if sa != sb:
                return -1 if sa < sb else 1
            if shape[a] > shape[b]:
                return 1
        return 0

    strides, step = [0] * ndim, 1
    for d in sort_dims(ndim, should_swap):
        strides[d] = step
        step *= shape[d]
    return tuple(strides)


def channels_last_strides(shape) -> tuple:
    """torch's channels-last strides of a 4-d or 5-d `shape`: C innermost, then W, H (, D), N;
    as torch's, they multiply the raw sizes (so a size-0 dim zeroes the outer strides)."""
    ndim = len(shape)
    strides, step = [0] * ndim, 1
    for d in (1,) + tuple(range(ndim - 1, 1, -1)) + (0,):
        strides[d] = step
        step *= shape[d]
    return tuple(strides)


def memory_order(shape, strides):
    """The dim order (outermost first) in which a dense layout stores its elements, or
    None when that is the plain row-major order."""
    big = [d for d in range(len(shape)) if shape[d] >= 2]
    ordered = sorted(big, key=lambda d: -strides[d])
    if ordered == big:
        return None
    return tuple(ordered) + tuple(d for d in range(len(shape)) if shape[d] < 2)


class ViewPlan:
    """A view that a view op or a basic index made before on one layout, kept to make
    the same view again without recomputing it: the steps, shape, strides and offset
    delta it gave, and `pair`, (steps, compiled reader), which becomes the `_reader` of
    the views made from a base tensor. `hits` counts the uses."""

    __slots__ = ("steps", "shape", "strides", "offset", "pair", "hits")

    def __init__(self, steps, shape, strides, offset, read):
        self.steps, self.shape, self.strides, self.offset = steps, shape, strides, offset
        self.pair = (steps, read)
        self.hits = 0


def extend(chain: tuple, step: Step) -> tuple:
    """`chain` followed by `step`, merging consecutive reshapes to keep chains short."""
    if chain and isinstance(step, Reshape) and isinstance(chain[-1], Reshape):
        return chain[:-1] + (step,)
    return chain + (step,)


@functools.lru_cache(maxsize=8192)
def reader(chain: tuple):
    """base array -> the view's array. Chains differing only in their steps' params
    share one compiled function."""
    statics, params = _split(chain)
    if params is None:
        return specialized_reader(chain)
    return functools.partial(_compiled_reader(statics), params)


@functools.lru_cache(maxsize=4096)
def specialized_reader(chain: tuple):
    """base array -> the view's array, with the steps' params compiled in: one compile
    per chain (not per static shape), and a little less to pass on every call. For
    chains without params, and for index plans a program uses often."""
    def read(base):
        for step in chain:
            base = step.read(base)
        return base

    return jax.jit(read)


@functools.lru_cache(maxsize=8192)
def writer(chain: tuple):
    """(base array, new view array) -> the new base array."""
    statics, params = _split(chain)
    return functools.partial(_compiled_writer(statics), params)


def _split(chain):
    """(the chain's static steps, all its params in one device array). One array, made
    once: calls with Python ints would transfer them each time, and slow down as jit's
    dispatch cache fills with their values."""
    params = [p for step in chain for p in step.params()]
    if not params:
        return tuple(step.static() for step in chain), None
    with jax.ensure_compile_time_eval():  # a concrete array even when first built under jax.jit tracing
        packed = jnp.asarray(params, jnp.int64)
    return tuple(step.static() for step in chain), packed


def _unpack(statics, params):
    """Each static step's params, read from the flat params array."""
    out, i = [], 0
    for step in statics:
        n = len(step.params())
        out.append(tuple(params[i + k] for k in range(n)))
        i += n
    return out


@functools.lru_cache(maxsize=4096)
def _compiled_reader(statics: tuple):
    def read(params, base):
        for step, p in zip(statics, _unpack(statics, params)):
            base = step.read(base, *p)
        return base

    return jax.jit(read)


@functools.lru_cache(maxsize=4096)
def _compiled_writer(statics: tuple):
    def write(params, base, value):
        per_step = _unpack(statics, params)
        inputs = [base]
        for step, p in zip(statics[:-1], per_step):
            inputs.append(step.read(inputs[-1], *p))
        for step, p, x in zip(reversed(statics), reversed(per_step), reversed(inputs)):
            value = step.scatter(x, value, *p)
        return value

    return jax.jit(write)
