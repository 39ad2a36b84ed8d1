"""torch.* ops and Tensor methods beyond the core families: legacy and predicate
methods (type_as, new, is_nonzero, ...), small numeric ops (diff, dist, renorm, cov,
vander, trapezoid, block_diag, ...), scatter-into-view ops (select/slice/diagonal
scatter, index_reduce), windows, the `*_copy` view copies, LU/Cholesky/triangular
solves, and the top-level spellings of the Tensor in-place methods (torch.abs_, ...).
"""
from __future__ import annotations

import functools
import itertools
import math
import operator
import weakref

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl
import numpy as np

from .. import _device, _dtype
from .._registry import apply_fn, broadcast_shapes, op, type_name
from .._tensor import Size, Tensor
from ..autograd.grad_mode import STATE
from .._torch_names import TORCH_NAMES
from .linalg_functions import return_type


def _creation():
    from . import creation
    return creation


def _long(values, device=_device.CPU) -> Tensor:
    return Tensor._make(jnp.asarray(np.asarray(values, dtype=np.int64)), _dtype.int64, device)


def _wrap_dim(dim, ndim):
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


# ================================================================ predicates, legacy methods
@op(method=True, out=False)
def is_neg(input):
    """Whether the negative bit is set: never, in jtorch. Implements `torch.is_neg`."""
    return False


@op(method=True, out=False)
def resolve_neg(input):
    """`input` itself (jtorch has no lazy negation). Implements `torch.resolve_neg`."""
    return input


@op(method=True, out=False)
def is_nonzero(input):
    """bool(input) for a one-element tensor. Implements `torch.is_nonzero`."""
    n = input.numel()
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item())


@op(method=True, out=False)
def is_same_size(input, other):
    """Whether the two shapes are equal. Implements `torch.is_same_size`."""
    return tuple(input.shape) == tuple(other.shape)


def type_as(self, other):
    """`self` converted to `other`'s dtype. Implements `Tensor.type_as`."""
    return self.to(other.dtype)


def new(self, *args, device=None):
    """The legacy constructor: `new()` (empty), `new(*sizes)` (uninitialised),
    `new(sequence)` (data) or `new(tensor)` (an alias), all of self's dtype. Implements
    `Tensor.new`."""
    creation = _creation()
    device = device if device is not None else self.device
    if len(args) == 1 and isinstance(args[0], Tensor):
        other = args[0]
        if other.dtype is not self.dtype:
            raise TypeError(f"expected {self.dtype} (got {other.dtype})")
        return other.detach()
    if len(args) == 1 and isinstance(args[0], (list, tuple)) and not isinstance(args[0], Size):
        return creation.tensor(args[0], dtype=self.dtype, device=device)
    if len(args) == 1 and isinstance(args[0], Size):
        args = tuple(args[0])
    if not args:
        return creation.empty(0, dtype=self.dtype, device=device)
    for a in args:
        if not isinstance(a, int) or isinstance(a, bool):
            raise TypeError(f"new(): argument 'size' must be tuple of ints, but found element of type "
                            f"{type(a).__name__}")
    return creation.empty(*args, dtype=self.dtype, device=device)


def is_pinned(self, device=None):
    """Always False: jtorch has no page-locked host memory. Implements `Tensor.is_pinned`."""
    return False


def pin_memory(self, device=None):
    """A copy of a CPU tensor (page locking has no meaning here); like torch, an error when
    no accelerator exists. Implements `Tensor.pin_memory`."""
    if not _device.accelerators():
        raise RuntimeError("Cannot access accelerator device when none is available.")
    return self.clone()


_SHARED = weakref.WeakSet()


def share_memory_(self):
    """Marks the storage shared (jtorch tensors are process-local; this only records the
    flag). Implements `Tensor.share_memory_`."""
    _SHARED.add(self._storage)
    return self


def is_shared(self):
    """Whether `share_memory_` was called on this storage. Implements `Tensor.is_shared`."""
    return self._storage in _SHARED


def is_inference(self):
    """Whether the tensor is an inference tensor: its storage was made under inference_mode
    (so views of it are too; views of a normal tensor taken there are not). Implements
    `Tensor.is_inference`."""
    return self._storage.inference


@op(name="is_inference", method=False, out=False)
def _is_inference(input):
    """Implements `torch.is_inference`."""
    return is_inference(input)


def sum_to_size(self, *size):
    """The sum of `self` down to `size` (which must expand to self's shape). Implements
    `Tensor.sum_to_size`."""
    if len(size) == 1 and isinstance(size[0], (list, tuple)):
        size = tuple(size[0])
    shape = tuple(self.shape)
    lead = len(shape) - len(size)
    ok = lead >= 0 and all(s == t or s == 1 for s, t in zip(size, shape[lead:]))
    if not ok:
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(shape)}}}.")
    dims = list(range(lead)) + [lead + i for i, (s, t) in enumerate(zip(size, shape[lead:])) if s == 1 and t != 1]
    if not dims:
        return self
    result = self.sum(dims, keepdim=True)
    return result.view(size) if lead else result


def _check_no_grad(self, name):
    if STATE.enabled and self.requires_grad:
        raise RuntimeError(f"Can't call {name}() on Variable that requires grad. Use var.detach().{name}() instead.")


def _write_values(self, values):
    from .._registry import write_into
    array = np.asarray(values, dtype=self.dtype.np).reshape(tuple(self.shape))
    write_into(self, jnp.asarray(array), self.dtype, inplace=True)
    return self


def _py(v, dtype):
    return bool(v) if dtype is _dtype.bool else (complex(v) if dtype.is_complex else
                                                   float(v) if dtype.is_floating_point else int(v))


def apply_(self, callable):
    """Replaces each element x by callable(x) (a Python scalar function). Implements
    `Tensor.apply_`."""
    _check_no_grad(self, "apply_")
    flat = np.asarray(self.detach().cpu().numpy()).reshape(-1)
    return _write_values(self, [callable(_py(v, self.dtype)) for v in flat])


def map_(self, tensor, callable):
    """Replaces each element x by callable(x, y), y from `tensor` broadcast to self's
    shape. Implements `Tensor.map_`."""
    _check_no_grad(self, "map_")
    flat = np.asarray(self.detach().numpy()).reshape(-1)
    other = np.broadcast_to(np.asarray(tensor.detach().numpy()), tuple(self.shape)).reshape(-1)
    return _write_values(self, [callable(_py(a, self.dtype), _py(b, tensor.dtype)) for a, b in zip(flat, other)])


def fill_diagonal_(self, fill_value, wrap=False):
    """Fills the main diagonal (of a 2-D or all-equal-sized tensor) in place; `wrap`
    continues down a tall matrix every ncols + 1 elements. Implements
    `Tensor.fill_diagonal_`."""
    shape = tuple(self.shape)
    if len(shape) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shape) > 2 and any(s != shape[0] for s in shape):
        raise RuntimeError("all dimensions of input must be of equal length")
    n = min(shape)
    if len(shape) == 2 and wrap and shape[0] > shape[1] + 1:
        flat = np.arange(0, shape[0] * shape[1], shape[1] + 1)
        coords = np.divmod(flat, shape[1])
    else:
        coords = (np.arange(n),) * len(shape)
    index = tuple(_long(c, self.device) for c in coords)
    if len(index[0]):
        self.index_put_(index, _creation().tensor(fill_value, dtype=self.dtype, device=self.device))
    return self


def dim_order(self, *, ambiguity_check=False):
    """The dims from outermost to innermost in memory (torch's experimental `Tensor.dim_order`):
    torch's elementwise-output permutation, with its ambiguity checks."""
    from .._views import sort_dims
    from .conversion import channels_last, contiguous_format, memory_format

    if not isinstance(ambiguity_check, bool) and not (
            isinstance(ambiguity_check, list) and all(isinstance(f, memory_format) for f in ambiguity_check)):
        raise TypeError("The ambiguity_check argument must be a bool or a list of memory formats.")
    formats = ambiguity_check if isinstance(ambiguity_check, list) else []
    check_multiple = ambiguity_check if isinstance(ambiguity_check, bool) else True
    shape, strides = tuple(self.shape), self.stride()
    several = any(a == b for a, b in zip(strides, strides[1:])) or 1 in shape
    if check_multiple and several and sum(self.is_contiguous(memory_format=f) for f in formats) != 1:
        raise RuntimeError(
            "The tensor does not have unique dim order, or cannot map to exact one of the given memory formats.")
    ndim = len(shape)
    if ndim < 2:
        return tuple(range(ndim))
    plain = self.is_contiguous(memory_format=contiguous_format)
    last = ndim == 4 and self.is_contiguous(memory_format=channels_last)
    if plain != last:
        return tuple(range(ndim)) if plain else (0, *range(2, ndim), 1)

    def at_least(a, b):
        return b == 0 or (a != 0 and (a >= b or a % b == 0))

    def should_swap(a, b):
        if strides[a] == 0 or strides[b] == 0:
            return 0
        if strides[a] == strides[b]:
            return 0 if at_least(shape[b], shape[a]) else 1
        return -1 if at_least(strides[b], strides[a]) else 1

    perm = sort_dims(ndim, should_swap)  # innermost first
    if ambiguity_check and any(should_swap(perm[i], perm[i + 1]) != -1 for i in range(ndim - 1)):
        raise RuntimeError("The tensor does not have unique dim order.")
    return tuple(reversed(perm))


for _name, _fn in (("type_as", type_as), ("new", new), ("dim_order", dim_order), ("is_pinned", is_pinned), ("pin_memory", pin_memory),
                   ("share_memory_", share_memory_), ("is_shared", is_shared), ("is_inference", is_inference),
                   ("sum_to_size", sum_to_size), ("apply_", apply_), ("map_", map_),
                   ("fill_diagonal_", fill_diagonal_)):
    if _name not in Tensor.__dict__:
        setattr(Tensor, _name, _fn)
del _name, _fn


# ================================================================ fill, isin
@functools.lru_cache(maxsize=None)
def _fill_fn(value, np_dtype):
    return jax.jit(lambda x: jnp.full(x.shape, value, np_dtype))


@functools.lru_cache(maxsize=None)
def _fill_tensor_fn(np_dtype):
    return jax.jit(lambda x, v: jnp.broadcast_to(v.astype(np_dtype), x.shape))


@op(method=False, out=False)
def fill(input, value):
    """A tensor like `input` filled with `value` (a number or 0-d tensor). Implements `torch.fill`."""
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.dim()} "
                               "dimensions.")
        return apply_fn("FillBackward1", _fill_tensor_fn(input.dtype.np), (input, value), input.dtype)
    value = _py(value, input.dtype)
    return apply_fn("FillBackward0", _fill_fn(value, input.dtype.np), (input,), input.dtype)


@op(method=False)
def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """Whether each element of `elements` is in `test_elements`. Implements `torch.isin`."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin() received an invalid combination of arguments - got (Scalar, Scalar)")
    a = elements.detach().numpy() if isinstance(elements, Tensor) else np.asarray(elements)
    b = test_elements.detach().numpy() if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    device = elements.device if isinstance(elements, Tensor) else test_elements.device
    result = np.isin(a, b, invert=bool(invert))
    return Tensor._make(jnp.asarray(np.asarray(result)), _dtype.bool, device)


# ================================================================ diff, dist, renorm
@op()
def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The n-th forward difference along `dim`. Implements `torch.diff`."""
    if input.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    dim = _wrap_dim(dim, input.dim())
    if n == 0:  # torch returns a copy of the input, ignoring prepend and append
        return _creation().empty_like(input).copy_(input)
    parts = []
    for name, extra in (("prepend", prepend), (None, input), ("append", append)):
        if extra is None:
            continue
        if name is not None:
            if not isinstance(extra, Tensor):
                shape = list(input.shape)
                shape[dim] = 1
                extra = _creation().full(shape, extra, dtype=input.dtype, device=input.device)
            if extra.dim() != input.dim():
                raise RuntimeError("diff expects prepend or append to be the same dimension as input")
            for d in range(input.dim()):
                if d != dim and extra.shape[d] != input.shape[d]:
                    raise RuntimeError(
                        "diff expects the shape of tensor to prepend or append to match that of input except along "
                        f"the differencing dimension; input.size({d}) = {input.shape[d]}, but got "
                        f"tensor.size({d}) = {extra.shape[d]}")
        parts.append(extra)
    from .shape import cat
    x = cat(parts, dim) if len(parts) > 1 else input
    for _ in range(n):
        length = x.shape[dim]
        if length == 0:
            break
        hi, lo = x.narrow(dim, 1, length - 1), x.narrow(dim, 0, length - 1)
        x = hi.logical_xor(lo) if x.dtype is _dtype.bool else hi - lo
    return x


@op(method=False, out=False)
def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """Partial derivatives of the function sampled by `input` by central differences (first
    or second order at the edges), one tensor per dim, built from tensor ops as torch's
    composite implementation is (so promotion and autograd follow). Implements `torch.gradient`."""
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    ndim = input.dim()
    if dim is None:
        dims = list(range(ndim))
    else:
        dims = [_wrap_dim(d, ndim) for d in ((dim,) if isinstance(dim, int) else dim)]
        for i, d in enumerate(dims):
            if d in dims[:i]:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    for d in dims:
        if input.shape[d] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
    if isinstance(spacing, (tuple, list)):
        if dim is None and len(spacing) != ndim:
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar, or a list of length "
                               f"equal to 'self.dim() = {ndim}', since dim argument was not given, but got a list of "
                               f"length {len(spacing)}")
        if dim is not None and len(spacing) != len(dims):
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or it's spacing and dim "
                               f"arguments to have the same length, but got a spacing argument of length "
                               f"{len(spacing)} and a dim argument of length {len(dims)}.")
        coordinates = any(isinstance(s, Tensor) for s in spacing)
        for s in spacing if coordinates else ():
            if not isinstance(s, Tensor) or s.dim() != 1:
                got = s.dim() if isinstance(s, Tensor) else 0
                raise RuntimeError(f"torch.gradient expected each element of spacing to have one dimension, but got "
                                   f"an element with {got} dimensions!")
        steps = list(spacing)
    else:
        coordinates = False
        steps = [spacing.item() if isinstance(spacing, Tensor) else spacing] * len(dims)
    from .shape import cat

    def part(d, start, stop=None):
        return input[(slice(None),) * d + (slice(start, stop),)]

    result = []
    for d, step in zip(dims, steps):
        if coordinates:
            center, prepend, append = _gradient_by_coordinates(part, d, step, ndim, edge_order)
        else:
            center = (part(d, 2) - part(d, 0, -2)) / step / 2
            if edge_order == 1:
                prepend = (part(d, 1, 2) - part(d, 0, 1)) / step
                append = (part(d, -1) - part(d, -2, -1)) / step
            else:
                prepend = (-1.5 * part(d, 0, 1) + 2 * part(d, 1, 2) - 0.5 * part(d, 2, 3)) / step
                append = (0.5 * part(d, -3, -2) - 2 * part(d, -2, -1) + 1.5 * part(d, -1)) / step
        result.append(cat([prepend, center, append], d))
    return tuple(result)


def _gradient_by_coordinates(part, d, coordinates, ndim, edge_order):
    """torch.gradient's (center, first, last) pieces along `d` sampled at `coordinates`."""
    shape = [1] * ndim
    shape[d] = -1
    dx = coordinates.diff(1, 0)
    dx1, dx2 = dx[0:-1], dx[1:]
    a = (-dx2 / (dx1 * (dx1 + dx2))).reshape(shape)
    b = ((dx2 - dx1) / (dx1 * dx2)).reshape(shape)
    c = (dx1 / (dx2 * (dx1 + dx2))).reshape(shape)
    center = a * part(d, 0, -2) + b * part(d, 1, -1) + c * part(d, 2)
    if edge_order == 1:
        return center, (part(d, 1, 2) - part(d, 0, 1)) / dx[0], (part(d, -1) - part(d, -2, -1)) / dx[-1]
    a = -(2.0 * dx[0] + dx[1]) / (dx[0] * (dx[0] + dx[1]))
    b = (dx[0] + dx[1]) / (dx[0] * dx[1])
    c = (-dx[0]) / (dx[1] * (dx[0] + dx[1]))
    prepend = a * part(d, 0, 1) + b * part(d, 1, 2) + c * part(d, 2, 3)
    a = dx[-1] / (dx[-2] * (dx[-1] + dx[-2]))
    b = -(dx[-1] + dx[-2]) / (dx[-1] * dx[-2])
    c = (2 * dx[-1] + dx[-2]) / (dx[-1] * (dx[-1] + dx[-2]))
    append = a * part(d, -3, -2) + b * part(d, -2, -1) + c * part(d, -1)
    return center, prepend, append


def _norm_value(d, p, axes=None):
    a = jnp.abs(d)
    if p == 0:
        return jnp.sum(a != 0, axis=axes).astype(a.dtype)
    if p == math.inf:
        return jnp.max(a, axis=axes, initial=0.0)
    if p == -math.inf:
        return jnp.min(a, axis=axes)
    if p == 1:
        return jnp.sum(a, axis=axes)
    s = jnp.sum(a ** p, axis=axes)
    safe = jnp.where(s > 0, s, 1)
    return jnp.where(s > 0, safe ** (1.0 / p), 0)


@functools.lru_cache(maxsize=None)
def _dist_fn(p, compute, result):
    def fn(a, b):
        return _norm_value(a.astype(compute) - b.astype(compute), p).astype(result)
    return jax.jit(fn)


@op(out=False)
def dist(input, other, p=2):
    """The p-norm of input - other (broadcast). Implements `torch.dist`."""
    broadcast_shapes(tuple(input.shape), tuple(other.shape))
    dtype = _dtype.promote_types(input.dtype, other.dtype)
    if dtype.category != _dtype.FLOAT:
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got {type_name(dtype)} "
                           "instead.")
    return apply_fn("DistBackward0", _dist_fn(float(p), dtype.np, dtype.np), (input, other), dtype)


@functools.lru_cache(maxsize=None)
def _renorm_fn(p, dim, maxnorm, ndim):
    axes = tuple(d for d in range(ndim) if d != dim)

    def fn(x):
        compute = jnp.promote_types(x.dtype, jnp.float32)
        y = x.astype(compute)
        norm = _norm_value(y, p, axes)
        factor = jnp.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0).astype(compute)
        shape = [1] * ndim
        shape[dim] = -1
        return (y * factor.reshape(shape)).astype(x.dtype)
    return jax.jit(fn)


@op(inplace=True)
def renorm(input, p, dim, maxnorm):
    """Each slice along `dim` rescaled to p-norm at most `maxnorm`. Implements `torch.renorm`."""
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {float(maxnorm)}")
    if input.dim() <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.dim()} dimensions")
    if input.dtype.category != _dtype.FLOAT:
        raise NotImplementedError(f'"renorm_out" not implemented for \'{type_name(input.dtype)}\'')
    dim = _wrap_dim(dim, input.dim())
    return apply_fn("RenormBackward0", _renorm_fn(float(p), dim, float(maxnorm), input.dim()), (input,),
                    input.dtype)


# ================================================================ cov, corrcoef, vander
@op(out=False)
def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the rows' variables (columns are observations). Implements `torch.cov`."""
    import warnings
    if input.dim() > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.dim()} dimensions")
    if input.dtype.category < _dtype.FLOAT:
        input = input.to(_dtype.get_default_dtype())
    x = input.view(1, -1) if input.dim() < 2 else input
    n_obs = x.shape[1]
    w = None
    if fweights is not None:
        if fweights.dim() > 1:
            raise RuntimeError(f"cov(): expected fweights to have one or fewer dimensions but got fweights with "
                               f"{fweights.dim()} dimensions")
        if fweights.dtype.category != _dtype.INT:
            raise RuntimeError(f"cov(): expected fweights to have integral dtype but got fweights with "
                               f"{type_name(fweights.dtype)} dtype")
        w = fweights
    if aweights is not None:
        if aweights.dim() > 1:
            raise RuntimeError(f"cov(): expected aweights to have one or fewer dimensions but got aweights with "
                               f"{aweights.dim()} dimensions")
        if aweights.dtype.category != _dtype.FLOAT:
            raise RuntimeError(f"cov(): expected aweights to have floating point dtype but got aweights with "
                               f"{type_name(aweights.dtype)} dtype")
        w = aweights if w is None else w * aweights
    if w is None:
        avg = x.mean(1)
        w_sum = n_obs
        norm_factor = n_obs - correction
    else:
        w_sum = w.sum()
        avg = (x * w).sum(1) / w_sum
        if correction != 0 and aweights is not None:
            norm_factor = w_sum - correction * (w * aweights).sum() / w_sum
        else:
            norm_factor = w_sum - correction
    if float(norm_factor) <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                      "observations.", UserWarning, stacklevel=3)
        norm_factor = norm_factor * 0
    xc = x - avg.unsqueeze(1)
    c = xc.mm((xc if w is None else xc * w).t().conj())
    return c.true_divide(norm_factor).squeeze()


@op(out=False)
def corrcoef(input):
    """Pearson correlation coefficients of the rows' variables. Implements `torch.corrcoef`."""
    c = cov(input)
    if c.dim() == 0:
        return c / c
    d = c.diagonal()
    std = (d.real if d.is_complex() else d).sqrt()
    c = c / std.view(-1, 1)
    c = c / std.view(1, -1)
    return c.clip(-1, 1)


@op(method=False, out=False)
def vander(x, N=None, increasing=False):
    """Columns x**0 ... x**(N-1) (reversed unless `increasing`). Implements `torch.vander`."""
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    dtype = _dtype.promote_types(x.dtype, _dtype.int64)
    result = _creation().ones(x.shape[0], n, dtype=dtype, device=x.device)
    if n > 1:
        result[:, 1:] = x.unsqueeze(1).expand(x.shape[0], n - 1).cumprod(1).to(dtype)
    return result if increasing else result.flip((1,))


# ================================================================ trapezoid
def _trapz_dtype(y, x):
    dtype = y.dtype if x is None else _dtype.promote_types(y.dtype, x.dtype)
    return dtype if dtype.category >= _dtype.FLOAT else _dtype.get_default_dtype()


def _trapz_x(y, x, dim):
    if x.dim() == 1:
        if x.shape[0] != y.shape[dim]:
            raise RuntimeError("trapezoid: There must be one `x` value for each sample point")
    return x


@functools.lru_cache(maxsize=None)
def _trapz_fn(dim, ndim, kind, dx, cumulative, np_dtype):
    def fn(y, *x):
        y = y.astype(np_dtype)
        n = y.shape[dim]
        hi = jax.lax.slice_in_dim(y, 1, n, axis=dim)
        lo = jax.lax.slice_in_dim(y, 0, max(n - 1, 0), axis=dim)
        if kind == "x":
            xv = x[0].astype(np_dtype)
            if xv.ndim == 1:
                shape = [1] * ndim
                shape[dim] = xv.shape[0]
                xv = xv.reshape(shape)
            m = xv.shape[dim]
            d = jax.lax.slice_in_dim(xv, 1, m, axis=dim) - jax.lax.slice_in_dim(xv, 0, max(m - 1, 0), axis=dim)
            if cumulative:
                return jnp.cumsum(d * (hi + lo), axis=dim) / 2.0
            return jnp.sum(d * (hi + lo), axis=dim) / 2.0
        if cumulative:
            return jnp.cumsum(dx / 2.0 * (hi + lo), axis=dim)
        if n == 0:
            return jnp.sum(y, axis=dim)
        first = jax.lax.index_in_dim(y, 0, axis=dim, keepdims=False)
        last = jax.lax.index_in_dim(y, n - 1, axis=dim, keepdims=False)
        return (jnp.sum(y, axis=dim) - (first + last) * 0.5) * dx
    return jax.jit(fn)


def _trapezoid(y, x, dx, dim, cumulative):
    dim = _wrap_dim(dim, y.dim())
    if isinstance(x, Tensor):
        x = _trapz_x(y, x, dim)
        dtype = _trapz_dtype(y, x)
        grad = "DivBackward1"  # both end by dividing by 2
        return apply_fn(grad, _trapz_fn(dim, y.dim(), "x", None, cumulative, dtype.np), (y, x), dtype)
    dx = 1 if dx is None and x is None else (dx if dx is not None else x)
    dtype = _trapz_dtype(y, None)
    grad = "CumsumBackward0" if cumulative else "MulBackward1"
    return apply_fn(grad, _trapz_fn(dim, y.dim(), "dx", dx, cumulative, dtype.np), (y,), dtype)


@op(method=False, out=False)
def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The trapezoid rule integral of y along `dim` (spacing x or dx). Implements `torch.trapezoid`."""
    return _trapezoid(y, x, dx, dim, False)


@op(method=False, out=False)
def trapz(y, x=None, *, dx=None, dim=-1):
    """Implements `torch.trapz` (an alias of trapezoid)."""
    return _trapezoid(y, x, dx, dim, False)


@op(method=False, out=False)
def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """Running trapezoid-rule integrals of y along `dim`. Implements `torch.cumulative_trapezoid`."""
    return _trapezoid(y, x, dx, dim, True)


# ================================================================ block_diag, unravel_index
@functools.lru_cache(maxsize=None)
def _block_diag_fn(shapes, np_dtype):
    rows = sum(s[0] for s in shapes)
    cols = sum(s[1] for s in shapes)

    def fn(*blocks):
        out = jnp.zeros((rows, cols), np_dtype)
        r = c = 0
        for b, (h, w) in zip(blocks, shapes):
            out = out.at[r:r + h, c:c + w].set(b.reshape(h, w).astype(np_dtype))
            r, c = r + h, c + w
        return out
    return jax.jit(fn)


@op(method=False, out=False)
def block_diag(*tensors):
    """The tensors (0-, 1- or 2-D) placed along a block diagonal. Implements `torch.block_diag`."""
    shapes = []
    for i, t in enumerate(tensors):
        if t.dim() > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.dim()} dimensions")
        shapes.append((1, 1) if t.dim() == 0 else (1, t.shape[0]) if t.dim() == 1 else tuple(t.shape))
    if not tensors:
        return _creation().empty(1, 0)
    dtype = tensors[0].dtype
    for t in tensors[1:]:
        dtype = _dtype.promote_types(dtype, t.dtype)
    return apply_fn("BlockDiagBackward0", _block_diag_fn(tuple(shapes), dtype.np), tensors, dtype)


@op(method=False, out=False)
def unravel_index(indices, shape):
    """Flat indices as a tuple of coordinate tensors for `shape`. Implements `torch.unravel_index`."""
    if not isinstance(indices, Tensor):
        raise AttributeError(f"'{type(indices).__name__}' object has no attribute 'is_complex'")
    if indices.dtype.category != _dtype.INT:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    elif isinstance(shape, (list, tuple)):
        for d in shape:
            if not isinstance(d, int):
                raise TypeError(f"expected 'shape' sequence to only contain ints, but got {type(d)}")
        shape = tuple(shape)
    else:
        raise TypeError(f"expected 'shape' to be int or sequence of ints, but got {type(shape)}")
    if any(d < 0 for d in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {tuple(shape)}")
    coefs = list(reversed(list(itertools.accumulate(reversed(shape[1:] + (1,)), func=operator.mul))))
    flat = np.asarray(indices.detach().numpy()).astype(np.int64)
    with np.errstate(divide="ignore"):
        coords = [np.floor_divide(flat, c) % s if s else np.zeros_like(flat) for c, s in zip(coefs, shape)]
    return tuple(_long(c, indices.device) for c in coords)


# ================================================================ creation
@op(method=False, out=False)
def scalar_tensor(s, *, dtype=None, layout=None, device=None, pin_memory=None, requires_grad=False):
    """A 0-d tensor holding `s` (default dtype unless given). Implements `torch.scalar_tensor`."""
    return _creation().full((), s, dtype=dtype or _dtype.get_default_dtype(), device=device,
                            requires_grad=requires_grad)


@op(method=False, out=False)
def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=None):
    """`obj` as a tensor, sharing a given tensor when no conversion or copy is asked.
    Implements `torch.asarray` (numpy inputs and buffers are copied: JAX arrays are
    immutable)."""
    creation = _creation()
    if isinstance(obj, Tensor):
        result = obj
        if dtype is not None and dtype is not obj.dtype or device is not None and _device.canonical(device) != obj.device:
            if copy is False:
                raise ValueError("can't alias tensor from a different dtype or device without copying")
            result = obj.to(dtype=dtype or obj.dtype, device=device or obj.device)
        elif copy:
            result = obj.clone()
    elif isinstance(obj, np.ndarray):
        result = creation.tensor(obj, dtype=dtype, device=device)
    else:
        result = creation.tensor(obj, dtype=dtype, device=device)
    if requires_grad is None:
        if isinstance(obj, Tensor) and obj.requires_grad:
            import warnings
            warnings.warn("torch.asarray: unspecified requires_grad now defaults to obj.requires_grad instead of "
                          "False. Pass requires_grad=False explicitly to get the old behavior and silence this "
                          "warning.", UserWarning, stacklevel=3)
        return result
    if not requires_grad:
        return result.detach() if result.requires_grad else result
    return result if result.requires_grad else result.detach().requires_grad_(True)


@op(method=False, out=False)
def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-D tensor read from a Python buffer. Implements `torch.frombuffer` (the data is
    copied, not shared with the buffer)."""
    view = memoryview(buffer).cast("B")
    length = view.nbytes
    size = dtype.itemsize
    if length <= 0:
        raise ValueError(f"both buffer length ({length}) and count ({count}) must not be 0")
    if not 0 <= offset < length:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than buffer length "
                         f"({length} bytes) minus 1")
    if count < 0:
        if (length - offset) % size:
            raise ValueError(f"buffer length ({length - offset} bytes) after offset ({offset} bytes) must be a "
                             f"multiple of element size ({size})")
        count = (length - offset) // size
    elif count == 0:
        raise ValueError(f"both buffer length ({length}) and count ({count}) must not be 0")
    elif offset + count * size > length:
        raise ValueError(f"requested buffer length ({count} * {size} bytes) after offset ({offset} bytes) must not "
                         f"be greater than actual buffer length ({length} bytes)")
    array = np.frombuffer(view, dtype=dtype.np, count=count, offset=offset).copy()
    result = Tensor._make(jnp.asarray(array), dtype, _device.CPU)
    return result.requires_grad_(True) if requires_grad else result


# ================================================================ random
def _stream(generator):
    from .random import _stream as stream
    return stream(generator)


@op(method=False, out=False)
def poisson(input, generator=None):
    """Poisson samples with rates `input`. Implements `torch.poisson`."""
    if input.dtype.category != _dtype.FLOAT:
        raise NotImplementedError(f'"poisson_cpu" not implemented for \'{type_name(input.dtype)}\'')
    rates = np.asarray(input.detach().numpy(), dtype=np.float64)
    if (rates < 0).any():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    values = _stream(generator).poisson(rates).astype(input.dtype.np)
    return Tensor._make(jnp.asarray(values), input.dtype, input.device)


@op(method=False, out=False)
def binomial(count, prob, generator=None):
    """Binomial samples for `count` trials of probability `prob`. Implements `torch.binomial`."""
    if count.dtype.category != _dtype.FLOAT:
        raise NotImplementedError(f'"binomial_cpu" not implemented for \'{type_name(count.dtype)}\'')
    n = np.asarray(count.detach().numpy(), dtype=np.float64)
    p = np.asarray(prob.detach().numpy(), dtype=np.float64)
    n, p = np.broadcast_arrays(n, p)
    values = _stream(generator).binomial(n.astype(np.int64), np.clip(p, 0, 1)).astype(count.dtype.np)
    return Tensor._make(jnp.asarray(values), count.dtype, count.device)


# ================================================================ windows
def _window(name, length, periodic, dtype, device, requires_grad, layout, values):
    dtype = dtype or _dtype.get_default_dtype()
    if dtype.category != _dtype.FLOAT:
        raise RuntimeError(f"{name} expects floating point dtypes, got: TensorOptions(dtype={dtype})")
    if length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={length}")
    if length == 0:
        array = np.zeros(0)
    elif length == 1:
        array = np.ones(1)
    else:
        n = length + 1 if periodic else length
        array = values(np.arange(n, dtype=np.float64), n)[:length]
    result = Tensor._make(jnp.asarray(array.astype(dtype.np)), dtype, _device.canonical(device))
    return result.requires_grad_(True) if requires_grad else result


@op(method=False, out=False)
def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                requires_grad=False):
    """Implements `torch.hann_window`."""
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad, layout,
                   lambda k, n: 0.5 - 0.5 * np.cos(2 * np.pi * k / (n - 1)))


@op(method=False, out=False)
def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None, layout=None, device=None,
                   pin_memory=False, requires_grad=False):
    """Implements `torch.hamming_window`."""
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad, layout,
                   lambda k, n: alpha - beta * np.cos(2 * np.pi * k / (n - 1)))


@op(method=False, out=False)
def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    """Implements `torch.blackman_window`."""
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad, layout,
                   lambda k, n: 0.42 - 0.5 * np.cos(2 * np.pi * k / (n - 1)) + 0.08 * np.cos(4 * np.pi * k / (n - 1)))


@op(method=False, out=False)
def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    """Implements `torch.bartlett_window`."""
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad, layout,
                   lambda k, n: 1 - np.abs(2 * k / (n - 1) - 1))


@op(method=False, out=False)
def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None, device=None,
                  pin_memory=False, requires_grad=False):
    """Implements `torch.kaiser_window`."""
    def values(k, n):
        half = (n - 1) / 2
        return np.i0(beta * np.sqrt(np.clip(1 - ((k - half) / half) ** 2, 0, None))) / np.i0(beta)
    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad, layout, values)


# ================================================================ scatter into views
def _positions(input, view):
    """Flat (row-major) positions in `input` of the elements of `view(index tensor)`:
    the view is computed by jtorch's own view op on an index tensor of input's shape, so
    argument checks and errors are the view op's."""
    index = Tensor._make(jnp.arange(max(input.numel(), 0), dtype=jnp.int64).reshape(tuple(input.shape)),
                         _dtype.int64, input.device)
    picked = view(index)
    if isinstance(picked, (tuple, list)):
        return [np.asarray(p.contiguous().numpy()) for p in picked]
    return np.asarray(picked.contiguous().numpy())


def _scatter_fn(pos, sources=None):
    """a with its flat positions `pos` set to s's elements (s's flat `sources`, or all)."""
    pos = jnp.asarray(pos)

    def fn(a, s):
        values = s.reshape(-1) if sources is None else s.reshape(-1)[sources]
        flat = a.reshape(-1).at[pos.reshape(-1)].set(values.astype(a.dtype))
        return flat.reshape(a.shape)
    return fn


def _view_scatter(grad_name, name, input, src, view):
    pos = _positions(input, view)
    if tuple(src.shape) != pos.shape:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(pos.shape)}")
    return apply_fn(grad_name, _scatter_fn(pos), (input, src), input.dtype)


@op()
def select_scatter(input, src, dim, index):
    """input with input.select(dim, index) replaced by src. Implements `torch.select_scatter`."""
    return _view_scatter("SelectScatterBackward0", "select_scatter", input, src, lambda t: t.select(dim, index))


def _slice_view(t, dim, start, end, step):
    dim = _wrap_dim(dim, t.dim())
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    index = [slice(None)] * t.dim()
    index[dim] = slice(start, end, step)
    return t[tuple(index)]


@op()
def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """input with input[..., start:end:step, ...] (along dim) replaced by src. Implements
    `torch.slice_scatter`."""
    return _view_scatter("SliceScatterBackward0", "slice_scatter", input, src,
                         lambda t: _slice_view(t, dim, start, end, step))


@op()
def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """input with its diagonal (offset, dim1, dim2) replaced by src. Implements
    `torch.diagonal_scatter`."""
    return _view_scatter("DiagonalScatterBackward0", "diagonal_scatter", input, src,
                         lambda t: t.diagonal(offset, dim1, dim2))


# ================================================================ index_reduce
_REDUCES = ("prod", "mean", "amax", "amin")


@functools.lru_cache(maxsize=None)
def _index_reduce_fn(dim, index, dim_size, reduce, include_self, is_int):
    index = np.asarray(index)
    members = [np.nonzero(index == i)[0] for i in range(dim_size)]

    def fn(x, src):
        xs = jnp.moveaxis(x, dim, 0)
        ss = jnp.moveaxis(src, dim, 0)
        rows = []
        for i in range(dim_size):
            m = members[i]
            items = [xs[i]] if include_self else []
            items += [ss[j] for j in m]
            if not m.size:
                rows.append(xs[i])
                continue
            stack = jnp.stack(items)
            if reduce == "prod":
                r = jnp.prod(stack, axis=0)
            elif reduce == "amax":
                r = jnp.max(stack, axis=0)
            elif reduce == "amin":
                r = jnp.min(stack, axis=0)
            else:
                total = jnp.sum(stack, axis=0)
                count = len(items)
                r = total // count if is_int else total / count
            rows.append(r.astype(x.dtype))
        return jnp.moveaxis(jnp.stack(rows), 0, dim) if rows else x
    return fn


@op(inplace=True, out=False)
def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    """Reduces the `source` slices into input's slices named by `index` along `dim` with
    prod, mean, amax or amin. Implements `torch.index_reduce` (and `Tensor.index_reduce_`)."""
    if reduce not in _REDUCES:
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    if index.dtype not in (_dtype.int64, _dtype.int32):
        raise RuntimeError(f"index_reduce_(): Expected dtype int32/int64 for index but got: {type_name(index.dtype)}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_reduce_(): self ({type_name(input.dtype)}) and source ({type_name(source.dtype)}) "
                           "must have the same scalar type")
    if index.dim() > 1:
        raise IndexError("index_reduce_(): Index is supposed to be a vector")
    dim = _wrap_dim(dim, input.dim())
    idx = np.asarray(index.detach().numpy()).reshape(-1).astype(np.int64)
    size = input.shape[dim] if input.dim() else 1
    if idx.size and (idx.min() < -size or idx.max() >= size):
        raise IndexError("index out of range in self")
    idx = np.where(idx < 0, idx + size, idx)
    src_dim = source.shape[dim] if source.dim() else 1
    if src_dim != idx.size:
        raise RuntimeError("index_reduce_(): Number of indices should be equal to source.size(dim)")
    fn = _index_reduce_fn(dim, tuple(idx.tolist()), size, reduce, bool(include_self),
                          input.dtype.category != _dtype.FLOAT)
    return apply_fn("IndexReduceBackward0", fn, (input, source), input.dtype, saved=(input, source))


@op(out=False)
def split_with_sizes(input, split_sizes, dim=0):
    """Views of `input` of the given sizes along `dim`. Implements `torch.split_with_sizes`."""
    return input.split(list(split_sizes), dim)


# ================================================================ *_copy view copies
def _gather_fn(pos):
    pos = jnp.asarray(pos)
    return lambda a: a.reshape(-1)[pos]


def _view_copy(name, view):
    base = "".join(p.capitalize() for p in name.split("_")) + "Backward"

    def body(input, *args, **kwargs):
        overload = 0
        if name == "squeeze" and (args or kwargs):  # squeeze.dim and squeeze.dims record Backward1 / Backward2
            dim = args[0] if args else kwargs.get("dim")
            overload = 2 if isinstance(dim, (tuple, list)) else 1
        grad_name = f"{base}{overload}_copy"
        pos = _positions(input, lambda t: view(t, *args, **kwargs))
        if isinstance(pos, list):
            return tuple(apply_fn(grad_name, _gather_fn(p), (input,), input.dtype) for p in pos)
        return apply_fn(grad_name, _gather_fn(pos), (input,), input.dtype)
    return body


def _declare_copy(name, view, doc, grad=None):
    body = _view_copy(grad or name, view)
    body.__name__ = name + "_copy"
    body.__doc__ = f"A copy of `{doc}`. Implements `torch.{name}_copy`."
    return op(name=name + "_copy", method=False)(body)


view_copy = _declare_copy("view", lambda t, *size: t.view(*size), "input.view(size)")
permute_copy = _declare_copy("permute", lambda t, dims: t.permute(dims), "input.permute(dims)")
transpose_copy = _declare_copy("transpose", lambda t, d0, d1: t.transpose(d0, d1), "input.transpose(dim0, dim1)")
t_copy = _declare_copy("t", lambda t: t.t(), "input.t()")
expand_copy = _declare_copy("expand", lambda t, size, *, implicit=False: t.expand(size), "input.expand(size)")
diagonal_copy = _declare_copy("diagonal", lambda t, offset=0, dim1=0, dim2=1: t.diagonal(offset, dim1, dim2),
                              "input.diagonal(offset, dim1, dim2)")
select_copy = _declare_copy("select", lambda t, dim, index: t.select(dim, index), "input.select(dim, index)")
slice_copy = _declare_copy("slice", lambda t, dim=0, start=None, end=None, step=1: _slice_view(t, dim, start, end,
                                                                                               step),
                           "input[start:end:step] along dim")
squeeze_copy = _declare_copy("squeeze", lambda t, dim=None: t.squeeze() if dim is None else t.squeeze(dim),
                             "input.squeeze(dim)")
unsqueeze_copy = _declare_copy("unsqueeze", lambda t, dim: t.unsqueeze(dim), "input.unsqueeze(dim)")
unbind_copy = _declare_copy("unbind", lambda t, dim=0: t.unbind(dim), "input.unbind(dim)")
split_copy = _declare_copy("split", lambda t, split_size, dim=0: t.split(split_size, dim),
                           "input.split(split_size, dim)")
split_with_sizes_copy = _declare_copy("split_with_sizes", lambda t, sizes, dim=0: t.split(list(sizes), dim),
                                      "input.split_with_sizes(split_sizes, dim)")
unfold_copy = _declare_copy("unfold", lambda t, dimension, size, step: t.unfold(dimension, size, step),
                            "input.unfold(dimension, size, step)")
alias_copy = _declare_copy("alias", lambda t: t.view(tuple(t.shape)), "input (an alias)")
as_strided_copy = _declare_copy("as_strided", lambda t, size, stride, storage_offset=None:
                                t.contiguous().as_strided(size, stride, storage_offset),
                                "input.as_strided(size, stride, storage_offset) (of a contiguous input)")


@op(method=False)
def detach_copy(input):
    """A copy of `input.detach()`. Implements `torch.detach_copy`."""
    from .conversion import contiguous_format
    return input.detach().clone(memory_format=contiguous_format)  # (torch's is row-major)


@op(method=False)
def view_as_real_copy(input):
    """A copy of `torch.view_as_real(input)`. Implements `torch.view_as_real_copy`."""
    from .complex_ops import view_as_real
    view_as_real(input.detach())  # torch's checks
    real = _dtype.float32 if input.dtype is _dtype.complex64 else _dtype.float64
    return apply_fn("ViewAsRealBackward0_copy", _view_as_real_fn, (input,), real)


@op(method=False)
def view_as_complex_copy(input):
    """A copy of `torch.view_as_complex(input)`. Implements `torch.view_as_complex_copy`."""
    from .complex_ops import view_as_complex
    view_as_complex(input.detach())  # torch's checks
    cplx = _dtype.complex64 if input.dtype is _dtype.float32 else _dtype.complex128
    return apply_fn("ViewAsComplexBackward0_copy", _view_as_complex_fn, (input,), cplx)


@jax.jit
def _view_as_real_fn(z):
    return jnp.stack([jnp.real(z), jnp.imag(z)], axis=-1)


@jax.jit
def _view_as_complex_fn(x):
    return jax.lax.complex(x[..., 0], x[..., 1])


# ================================================================ LU, Cholesky, triangular solves
_LuUnpack = return_type("lu_unpack", ("P", "L", "U"))
_TriangularSolve = return_type("triangular_solve", ("solution", "cloned_coefficient"))


def _permutation(pivots, m):
    """Permutation matrices P (batch, m, m) with A = P @ L @ U for LAPACK pivots (1-based)."""
    piv = np.asarray(pivots, dtype=np.int64)
    batch = piv.shape[:-1]
    flat = piv.reshape(-1, piv.shape[-1]) if piv.ndim else piv.reshape(1, 0)
    mats = []
    for row in flat:
        perm = np.arange(m)
        for i, p in enumerate(row):
            p = int(p) - 1
            perm[i], perm[p] = perm[p], perm[i]
        mats.append(np.eye(m)[perm].T)
    return np.stack(mats).reshape(batch + (m, m)) if mats else np.zeros(batch + (m, m))


@functools.lru_cache(maxsize=None)
def _lu_parts_fn(m, n):
    k = min(m, n)

    def fn(lu):
        lower = jnp.tril(lu[..., :, :k], -1) + jnp.eye(m, k, dtype=lu.dtype)
        upper = jnp.triu(lu[..., :k, :])
        return lower, upper
    return jax.jit(fn)


@op(method=False)
def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    """(P, L, U) from a packed LU factorisation (torch.linalg.lu_factor's). Implements `torch.lu_unpack`."""
    if LU_pivots.dtype is not _dtype.int32:
        raise RuntimeError(f"torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype. "
                           f"Note: this function is intended to be used with the output produced by "
                           f"torch.linalg.lu_factor")
    if LU_data.dim() < 2:
        raise RuntimeError(f"torch.lu_unpack: Expected tensor with 2 or more dimensions. Got size: "
                           f"{list(LU_data.shape)} instead")
    m, n = LU_data.shape[-2], LU_data.shape[-1]
    creation = _creation()
    if unpack_data:
        L, U = apply_fn("LuUnpackBackward0", _lu_parts_fn(m, n), (LU_data,), (LU_data.dtype, LU_data.dtype))
    else:
        L = creation.empty(0, dtype=LU_data.dtype)
        U = creation.empty(0, dtype=LU_data.dtype)
    if unpack_pivots:
        P = Tensor._make(jnp.asarray(_permutation(LU_pivots.detach().numpy(), m).astype(LU_data.dtype.np)),
                         LU_data.dtype, LU_data.device)
    else:
        P = creation.empty(0, dtype=LU_data.dtype)
    return _LuUnpack((P, L, U))


def _tri(a, b, lower, unit=False, trans=0):
    a, b = _bcast(a, b)
    return jax.lax.linalg.triangular_solve(a, b, left_side=True, lower=lower, transpose_a=bool(trans),
                                           conjugate_a=trans == 2, unit_diagonal=unit)


def _bcast(a, b):
    batch = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return jnp.broadcast_to(a, batch + a.shape[-2:]), jnp.broadcast_to(b, batch + b.shape[-2:])


@functools.lru_cache(maxsize=None)
def _lu_solve_fn(n):
    def fn(b, lu, p):
        lower = jnp.tril(lu, -1) + jnp.eye(n, dtype=lu.dtype)
        upper = jnp.triu(lu)
        pb = jnp.swapaxes(p, -1, -2) @ b if p.ndim == b.ndim else jnp.swapaxes(p, -1, -2) @ b
        y = _tri(lower, pb, True, True)
        return _tri(upper, y, False)
    return jax.jit(fn)


@op()
def lu_solve(b, LU_data, LU_pivots):
    """Solves A X = b from A's packed LU factorisation. Implements `torch.lu_solve`."""
    n = LU_data.shape[-1]
    P = Tensor._make(jnp.asarray(_permutation(LU_pivots.detach().numpy(), n).astype(LU_data.dtype.np)),
                     LU_data.dtype, LU_data.device)
    fn = _lu_solve_fn(n)
    return apply_fn("LinalgLuSolveBackward0", lambda b_, lu, p=P._data: fn(b_, lu, p), (b, LU_data), b.dtype)


def _mH(a):
    return jnp.conj(jnp.swapaxes(a, -1, -2))


def _sum_to(g, shape):
    lead = g.ndim - len(shape)
    g = jnp.sum(g, axis=tuple(range(lead))) if lead else g
    axes = tuple(i for i, s in enumerate(shape) if s == 1 and g.shape[i] != 1)
    return jnp.sum(g, axis=axes, keepdims=True) if axes else g


def _chol_solve_value(b, l, upper):
    if upper:
        l = _mH(l)
    y = _tri(l, b, True)
    return _tri(l, y, True, trans=2 if jnp.iscomplexobj(l) else 1)


@functools.lru_cache(maxsize=None)
def _cholesky_solve_fn(upper):
    """The solve, differentiated by torch's cholesky_solve_backward (which treats the
    factor as a full matrix)."""
    @jax.custom_vjp
    def solve(b, l):
        return _chol_solve_value(b, l, upper)

    def fwd(b, l):
        x = _chol_solve_value(b, l, upper)
        return x, (b, l, x)

    def bwd(res, g):
        b, l, x = res
        gb = _chol_solve_value(g, l, upper)
        common = gb @ _mH(x)
        common = common + _mH(common)
        gl = -(l @ common) if upper else -(common @ l)
        return _sum_to(gb, b.shape), _sum_to(gl, l.shape)

    solve.defvjp(fwd, bwd)
    return jax.jit(solve)


@op()
def cholesky_solve(input, input2, upper=False):
    """Solves A X = B for A = L Lᴴ given its Cholesky factor. Implements `torch.cholesky_solve`."""
    if input.dim() < 2 or input2.dim() < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {input.dim()} dimensions instead"
                           if input.dim() < 2 else
                           f"u should have at least 2 dimensions, but has {input2.dim()} dimensions instead")
    if input.dtype is not input2.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {type_name(input.dtype)} "
                           f"and A of type {type_name(input2.dtype)} instead.")
    return apply_fn("CholeskySolveBackward0", _cholesky_solve_fn(bool(upper)), (input, input2), input.dtype)


@functools.lru_cache(maxsize=None)
def _cholesky_inverse_fn(upper, n):
    """The inverse, differentiated by torch's cholesky_inverse_backward."""
    def value(l):
        return _chol_solve_value(jnp.broadcast_to(jnp.eye(n, dtype=l.dtype), l.shape), l, upper)

    @jax.custom_vjp
    def inverse(l):
        return value(l)

    def fwd(l):
        inv = value(l)
        return inv, (l, inv)

    def bwd(res, g):
        l, inv = res
        common = inv @ ((g + _mH(g)) @ inv)
        return (-(l @ common) if upper else -(common @ l),)

    inverse.defvjp(fwd, bwd)
    return jax.jit(inverse)


@op()
def cholesky_inverse(input, upper=False):
    """The inverse of A = L Lᴴ from its Cholesky factor. Implements `torch.cholesky_inverse`."""
    if input.dim() < 2:
        raise RuntimeError(f"cholesky_inverse: The input tensor A must have at least 2 dimensions.")
    if input.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"cholesky_inverse: A must be batches of square matrices, but they are "
                           f"{input.shape[-2]} by {input.shape[-1]} matrices")
    return apply_fn("CholeskyInverseBackward0", _cholesky_inverse_fn(bool(upper), input.shape[-1]), (input,),
                    input.dtype)


@functools.lru_cache(maxsize=None)
def _triangular_solve_fn(upper, transpose, unitriangular):
    def fn(b, a):
        a, b = _bcast(a, b)
        x = _tri(a, b, not upper, unitriangular, 1 if transpose else 0)
        return x, a
    return jax.jit(fn)


@op()
def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False):
    """(X, A) with A X = input for triangular A. Implements `torch.triangular_solve`."""
    if input.dim() < 2 or A.dim() < 2:
        raise RuntimeError(f"torch.triangular_solve: Expected b to have at least 2 dimensions, but it has "
                           f"{input.dim()} dimensions instead" if input.dim() < 2 else
                           f"torch.triangular_solve: Expected A to have at least 2 dimensions, but it has "
                           f"{A.dim()} dimensions instead")
    if input.dtype is not A.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {type_name(input.dtype)} "
                           f"and A of type {type_name(A.dtype)} instead.")
    fn = _triangular_solve_fn(bool(upper), bool(transpose), bool(unitriangular))
    x, a = apply_fn("TriangularSolveBackward0", fn, (input, A), (input.dtype, A.dtype))
    return _TriangularSolve((x, a))


# ================================================================ torch.abs_ and friends
def install_inplace_functions(namespace):
    """Expose torch's top-level in-place functions (torch.abs_, torch.relu_, ...) as the
    Tensor `_` methods of the same name, for those torch names jtorch's Tensor has."""
    for name in TORCH_NAMES["torch"]:
        if not name.endswith("_") or name.startswith("_") or name in namespace:
            continue
        method = getattr(Tensor, name, None)
        if method is None or not callable(method):
            continue
        namespace[name] = _inplace_function(name)


def _inplace_function(name):
    def function(input, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"Implements `torch.{name}` (the Tensor method `{name}` called as a function)."
    return function
