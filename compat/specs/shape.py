"""Specs for the shape, gather/scatter and sorting ops (jtorch/ops/shape.py, scatter.py,
sorting.py).

Most of these ops take dims, sizes or index tensors that depend on the drawn shapes, so
each has a `sample` strategy. Samplers mostly draw valid arguments and sometimes invalid
ones (out-of-range dims, mismatched sizes), so error types are compared too.
"""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from compat.spec import OpSpec, unary
from compat.strategies import NUMERIC, arrays, broadcastable_shapes

REAL = ("bool",) + NUMERIC  # every dtype but complex
SOME = ("float32", "float64", "int64", "int32", "bool", "bfloat16", "float16", "uint8")
SORTABLE = ("float32", "float64", "int64", "int16", "uint8", "float16", "bfloat16")


# ----------------------------------------------------------------- helpers
def shapes(min_dims=0, max_dims=3, max_side=4):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=0, max_side=max_side)


def _tensor(draw, spec, shape, domain=None, dtype=None):
    dtype = dtype or draw(st.sampled_from(spec.dtypes))
    return draw(arrays(dtype, shape, domain or spec.domain)), dtype


def _dim(draw, ndim, extra=0):
    """A valid dim for `ndim` dims (plus `extra` positions), negative or not."""
    n = max(ndim + extra, 1)
    return draw(st.integers(-n, n - 1))


def _rng(draw):
    return np.random.default_rng(draw(st.integers(0, 2**32 - 1)))


def _indices(draw, high, shape, negative=False, dtype=np.int64):
    """An index array of `shape` with values in [0, high) (or [-high, high))."""
    if high == 0 or 0 in shape:
        return np.zeros(shape, dtype)  # out of range unless empty: both libraries must raise
    low = -high if negative else 0
    return _rng(draw).integers(low, high, size=shape).astype(dtype)


def _unique_along(draw, high, shape, dim):
    """An index array of `shape` whose entries along `dim` are distinct values < high."""
    rng = _rng(draw)
    keys = rng.random(tuple(high if d == dim else s for d, s in enumerate(shape)))
    order = np.argsort(keys, axis=dim)
    return np.take(order, np.arange(shape[dim]), axis=dim).astype(np.int64)


def sampler(fn):
    """Turn `fn(draw, spec)` into a `sample` factory."""
    return lambda spec: st.composite(fn)(spec)


# ----------------------------------------------------------------- joining
def _joined(axis_of, vary=True):
    """Lists of 1-3 tensors equal in shape except (sometimes) along the joined axis."""

    @sampler
    def sample(draw, spec):
        shape = list(draw(shapes(max_dims=3, max_side=3)))
        axis = axis_of(draw, len(shape))
        n = draw(st.integers(1, 3))
        values, dtypes = [], []
        for _ in range(n):
            s = list(shape)
            if vary and s and axis is not None and -len(s) <= axis < len(s):
                s[axis] = draw(st.integers(0, 3))
            if draw(st.integers(0, 9)) == 0:
                s = [0]  # torch's legacy rule skips 1-D empty tensors
            v, d = _tensor(draw, spec, tuple(s))
            values.append(v)
            dtypes.append(d)
        kwargs = {} if spec.kwargs == ({},) else {next(iter(spec.kwargs[0])): axis}
        return values, dtypes, (), kwargs

    return sample


def _cat_axis(draw, ndim):
    return draw(st.integers(-ndim - 1, ndim)) if ndim else 0


def _stack_axis(draw, ndim):
    return draw(st.integers(-ndim - 2, ndim + 1))


def packed(name, sample, **kw):
    return OpSpec(name, dtypes=SOME, sample=sample, packed=True, variants="fo", mix_dtypes=True, **kw)


JOINING = [
    packed("cat", _joined(_cat_axis), kwargs=({"dim": 0},)),
    packed("concat", _joined(_cat_axis), kwargs=({"dim": 0},)),
    packed("concatenate", _joined(_cat_axis), kwargs=({"axis": 0},)),
    packed("stack", _joined(_stack_axis, vary=False), kwargs=({"dim": 0},)),
    packed("hstack", _joined(lambda draw, ndim: 1 if ndim > 1 else 0)),
    packed("vstack", _joined(lambda draw, ndim: 0)),
    packed("row_stack", _joined(lambda draw, ndim: 0)),
    packed("dstack", _joined(lambda draw, ndim: 2 if ndim > 2 else None)),
    packed("column_stack", _joined(lambda draw, ndim: 1 if ndim > 1 else None)),
]


# ----------------------------------------------------------------- flips, rolls, repeats
@sampler
def _flip(draw, spec):
    x, d = _tensor(draw, spec, draw(shapes()))
    n = max(x.ndim, 1)
    dims = draw(st.lists(st.integers(-n, n - 1), max_size=3))
    return [x], [d], (dims,), {}


@sampler
def _roll(draw, spec):
    x, d = _tensor(draw, spec, draw(shapes()))
    kind = draw(st.sampled_from(["flat", "one", "many"]))
    if kind == "flat" or x.ndim == 0:
        return [x], [d], (draw(st.integers(-5, 5)),), {}
    if kind == "one":
        return [x], [d], (draw(st.integers(-5, 5)), _dim(draw, x.ndim)), {}
    k = draw(st.integers(1, 3))
    shifts = tuple(draw(st.lists(st.integers(-5, 5), min_size=k, max_size=k)))
    dims = tuple(draw(st.lists(st.integers(-x.ndim, x.ndim - 1), min_size=k, max_size=k)))
    return [x], [d], (shifts, dims), {}


@sampler
def _rot90(draw, spec):
    x, d = _tensor(draw, spec, draw(shapes(max_dims=4)))
    n = max(x.ndim, 1)
    dims = draw(st.lists(st.integers(-n, n - 1), min_size=2, max_size=2, unique=True)) if draw(
        st.integers(0, 9)) else [0]
    return [x], [d], (draw(st.integers(-5, 5)), dims), {}


@sampler
def _repeat(draw, spec):
    x, d = _tensor(draw, spec, draw(shapes(max_side=3)))
    sizes = draw(st.lists(st.integers(0, 2), min_size=max(x.ndim - draw(st.sampled_from([0, 0, 0, 1])), 0),
                          max_size=x.ndim + 2))
    return [x], [d], tuple(sizes), {}


@sampler
def _tile(draw, spec):
    x, d = _tensor(draw, spec, draw(shapes(max_side=3)))
    return [x], [d], (tuple(draw(st.lists(st.integers(0, 2), max_size=4))),), {}


@sampler
def _repeat_interleave(draw, spec):
    x, d = _tensor(draw, spec, draw(shapes(max_side=3)))
    dim = draw(st.one_of(st.none(), st.integers(-max(x.ndim, 1), max(x.ndim, 1) - 1)))
    kw = {} if dim is None else {"dim": dim}
    if draw(st.booleans()):
        return [x], [d], (draw(st.integers(0, 3)),), kw
    size = x.size if dim is None else (x.shape[dim] if x.ndim else 1)
    count = draw(st.sampled_from([size, size, 1, size + 1]))
    repeats = draw(arrays("int64", (count,), "small").map(np.abs))
    return [x, repeats], [d, "int64"], (), kw


# ----------------------------------------------------------------- gather and scatter
def _index_shape(draw, shape, dim, same_bound=True):
    """An index shape no larger than `shape` except along `dim`."""
    return tuple(draw(st.integers(0, 4)) if i == dim else draw(st.integers(0, s)) if same_bound else s
                 for i, s in enumerate(shape))


@sampler
def _gather(draw, spec):
    x, d = _tensor(draw, spec, draw(shapes(max_side=3)))
    dim = _dim(draw, x.ndim)
    shape = x.shape or (1,)
    wrapped = dim % len(shape)
    idx_shape = _index_shape(draw, shape, wrapped)
    index = _indices(draw, shape[wrapped] + draw(st.sampled_from([0] * 9 + [1])), idx_shape)
    if x.ndim == 0:
        index = index.reshape(()) if index.size == 1 and draw(st.booleans()) else index
    return [x, dim, index], [d, None, draw(st.sampled_from(["int64", "int64", "int32"]))], (), {}


def _scatter_sample(unique, src_kind, bigger_src=True):
    @sampler
    def sample(draw, spec):
        x, d = _tensor(draw, spec, draw(shapes(min_dims=1, max_side=3)))
        dim = _dim(draw, x.ndim)
        wrapped = dim % x.ndim
        shape = list(_index_shape(draw, x.shape, wrapped))
        shape[wrapped] = min(shape[wrapped], x.shape[wrapped]) if unique else shape[wrapped]
        if unique and 0 not in x.shape:
            index = _unique_along(draw, x.shape[wrapped], tuple(shape), wrapped)
        else:
            index = _indices(draw, x.shape[wrapped], tuple(shape))
        kind = src_kind if src_kind != "either" else draw(st.sampled_from(["tensor", "value"]))
        if kind == "value":
            return [x, dim, index, draw(st.sampled_from([1, 0, -2, 1.5, True]))], [d, None, "int64", None], (), {}
        # src larger than index breaks torch's own backward: only without gradients
        bigger = bigger_src and d not in ("float32", "float64") and 0 not in shape
        src_shape = tuple(s + draw(st.integers(0, int(bigger))) for s in shape)
        src, _ = _tensor(draw, spec, src_shape, dtype=d)
        return [x, dim, index, src], [d, None, "int64", d], (), {}

    return sample


@sampler
def _scatter_reduce(draw, spec):
    # (src larger than index breaks torch's own scatter_reduce backward)
    values, dtypes, _, _ = draw(_scatter_sample(False, "tensor", bigger_src=False)(spec))
    reduce = draw(st.sampled_from(["sum", "prod", "mean", "amax", "amin"]))
    return values + [reduce], dtypes + [None], (), {"include_self": draw(st.booleans())}


# ----------------------------------------------------------------- index_* ops
def _index_args(draw, spec, unique=False, negative=False, int32=True):
    x, d = _tensor(draw, spec, draw(shapes(max_side=3)))
    dim = _dim(draw, x.ndim)
    size = (x.shape or (1,))[dim % max(x.ndim, 1)]
    if unique:
        count = draw(st.integers(0 if x.ndim else 1, size))  # torch's backward fails on a 0-d input, empty index
        index = _rng(draw).permutation(size)[:count].astype(np.int64)
    else:
        # a 0-d input with an empty index breaks torch's own backward
        index = _indices(draw, size, (draw(st.integers(0 if x.ndim else 1, 4)),), negative)
    if index.size == 1 and draw(st.booleans()):
        index = index.reshape(())
    index_dtype = draw(st.sampled_from(["int64", "int64", "int32"])) if int32 else "int64"
    return x, d, dim, index, index_dtype


def _source(draw, spec, x, d, dim, index):
    shape = list(x.shape)
    if shape:
        shape[dim % len(shape)] = index.size
    elif index.ndim:
        shape = [index.size]
    return _tensor(draw, spec, tuple(shape), dtype=d)[0]


@sampler
def _index_select(draw, spec):
    x, d, dim, index, index_dtype = _index_args(draw, spec)
    return [x, dim, index], [d, None, index_dtype], (), {}


@sampler
def _index_add(draw, spec):
    x, d, dim, index, index_dtype = _index_args(draw, spec)
    source = _source(draw, spec, x, d, dim, index)
    kw = draw(st.sampled_from([{}, {"alpha": 2}]))
    return [x, dim, index, source], [d, None, index_dtype, d], (), kw


@sampler
def _index_copy(draw, spec):
    x, d, dim, index, _ = _index_args(draw, spec, unique=True, int32=False)
    return [x, dim, index, _source(draw, spec, x, d, dim, index)], [d, None, "int64", d], (), {}


@sampler
def _index_fill(draw, spec):
    x, d, dim, index, _ = _index_args(draw, spec, negative=True, int32=False)
    if x.size == 0:
        index = index.reshape(-1)[:0]  # torch fails inside its storage code for some empty inputs
    if draw(st.booleans()):
        return [x, dim, index, draw(st.sampled_from([0, 2, -1.5, True]))], [d, None, "int64", None], (), {}
    value, vd = _tensor(draw, spec, ())
    size = (x.shape or (1,))[dim % max(x.ndim, 1)]
    index = np.where(index < 0, index + size, index)  # negative indices break torch's own backward here
    return [x, dim, index, value], [d, None, "int64", vd], (), {}


# ----------------------------------------------------------------- masks, take
@sampler
def _masked_fill(draw, spec):
    x_shape, mask_shape = draw(broadcastable_shapes(2))
    x, d = _tensor(draw, spec, x_shape)
    mask = draw(arrays("bool", mask_shape))
    if draw(st.booleans()):
        return [x, mask, draw(st.sampled_from([0, 3, -1.5, True]))], [d, "bool", None], (), {}
    value, vd = _tensor(draw, spec, ())
    return [x, mask, value], [d, "bool", vd], (), {}


@sampler
def _masked_scatter(draw, spec):
    x_shape, mask_shape = draw(broadcastable_shapes(2))
    x, d = _tensor(draw, spec, x_shape)
    mask = draw(arrays("bool", mask_shape))
    count = int(np.broadcast_to(mask, np.broadcast_shapes(x_shape, mask_shape)).sum())
    source = _tensor(draw, spec, (count + draw(st.integers(0, 2)),), dtype=d)[0]
    return [x, mask, source], [d, "bool", d], (), {}


@sampler
def _masked_select(draw, spec):
    x_shape, mask_shape = draw(broadcastable_shapes(2))
    x, d = _tensor(draw, spec, x_shape)
    return [x, draw(arrays("bool", mask_shape))], [d, "bool"], (), {}


@sampler
def _take(draw, spec):
    x, d = _tensor(draw, spec, draw(shapes(max_side=3)))
    index = _indices(draw, x.size, draw(shapes(max_dims=2, max_side=3)), negative=True)
    return [x, index], [d, "int64"], (), {}


@sampler
def _put(draw, spec):
    x, d = _tensor(draw, spec, draw(shapes(max_side=3)))
    accumulate = draw(st.booleans())
    count = draw(st.integers(0, x.size))
    if accumulate:  # repeated positions add up
        index = _indices(draw, x.size, (count,), negative=True)
    else:  # distinct positions (torch leaves the winner of a repeated one unspecified)
        index = _rng(draw).permutation(x.size)[:count].astype(np.int64)
        index = np.where(_rng(draw).random(count) < 0.3, index - x.size, index)
    index = index.reshape(draw(st.sampled_from([(count,), (1, count)])))
    source, _ = _tensor(draw, spec, draw(st.sampled_from([(count,), (count, 1)])), dtype=d)
    return [x, index, source], [d, "int64", d], (), {"accumulate": accumulate}


@sampler
def _take_along_dim(draw, spec):
    x, d = _tensor(draw, spec, draw(shapes(max_side=3)))
    if draw(st.booleans()) or x.ndim == 0:
        return [x, _indices(draw, x.size, draw(shapes(max_dims=2, max_side=3)))], [d, "int64"], (), {}
    dim = _dim(draw, x.ndim)
    shape = [draw(st.sampled_from([s, 1])) for s in x.shape]
    shape[dim] = draw(st.integers(0, 3))
    return [x, _indices(draw, x.shape[dim], tuple(shape))], [d, "int64"], (dim,), {}


# ----------------------------------------------------------------- where and clamp
@sampler
def _where(draw, spec):
    cond_shape, x_shape, y_shape = draw(broadcastable_shapes(3))
    cond = draw(arrays("bool", cond_shape))
    operands, dtypes = [cond], ["bool"]
    for shape in (x_shape, y_shape):
        if draw(st.integers(0, 3)) == 0:
            operands.append(draw(st.sampled_from([1, -2.5, True])))
            dtypes.append(None)
        else:
            v, d = _tensor(draw, spec, shape)
            operands.append(v)
            dtypes.append(d)
    return operands, dtypes, (), {}


def _broadcasts_to(draw, shape):
    """A shape that broadcasts to `shape` without changing it."""
    kept = shape[draw(st.integers(0, len(shape))):]
    return tuple(draw(st.sampled_from([s, 1])) for s in kept)


def _clamp_sample(n_bounds):
    @sampler
    def sample(draw, spec):
        # bounds broadcast to the input's shape: torch's own backward fails when the input is broadcast
        x, d = _tensor(draw, spec, draw(shapes()))
        operands, dtypes = [x], [d]
        tensors = draw(st.booleans())
        for _ in range(n_bounds):
            shape = _broadcasts_to(draw, x.shape)
            if n_bounds == 2 and draw(st.integers(0, 3)) == 0:
                operands.append(None)
            elif tensors:
                v, vd = _tensor(draw, spec, shape, domain="small")
                # -0.0 drawn as 0.0: which of two equal zeros torch's clamp kernel returns
                # depends on its vector/scalar loops (as for torch.maximum)
                v = np.where(v == 0, np.zeros_like(v), v) if v.dtype.kind == "f" else v
                operands.append(v)
                dtypes.append(vd)
                continue
            else:
                operands.append(draw(st.sampled_from([0, 1, -2, 0.5, -1.5, 2.0])))
            dtypes.append(None)
        return operands, dtypes, (), {}

    return sample


# ----------------------------------------------------------------- sorting
@sampler
def _sort(draw, spec):
    x, d = _tensor(draw, spec, draw(shapes()))
    kw = {"descending": draw(st.booleans())}
    if spec.name != "argsort" or draw(st.booleans()):
        kw["stable"] = draw(st.booleans())
    return [x], [d], (_dim(draw, x.ndim),), kw


def _distinct(draw, spec, shape):
    """Distinct values (ties make topk/kthvalue's index choice unspecified)."""
    d = draw(st.sampled_from(spec.dtypes))
    n = int(np.prod(shape))
    values = _rng(draw).permutation(n) - n // 2
    if d == "uint8":
        values = values + n // 2
    return values.reshape(shape).astype(np.float32 if d in ("bfloat16", "float16") else d), d


@sampler
def _topk(draw, spec):
    x, d = _distinct(draw, spec, draw(shapes()))
    dim = _dim(draw, x.ndim)
    size = (x.shape or (1,))[dim % max(x.ndim, 1)]
    k = draw(st.integers(0, size + 1)) if draw(st.integers(0, 9)) else -1
    return [x, k], [d, None], (dim,), {"largest": draw(st.booleans())}


@sampler
def _kthvalue(draw, spec):
    x, d = _distinct(draw, spec, draw(shapes()))
    dim = _dim(draw, x.ndim)
    size = (x.shape or (1,))[dim % max(x.ndim, 1)]
    return [x, draw(st.integers(0, size + 1))], [d, None], (dim, draw(st.booleans())), {}


@sampler
def _unique(draw, spec):
    x = draw(arrays(draw(st.sampled_from(spec.dtypes)), draw(shapes(max_side=4)), "small").map(
        lambda a: np.round(a) if a.dtype.kind == "f" else a))
    d = str(x.dtype) if str(x.dtype) in spec.dtypes else "float32"
    kw = {"return_inverse": draw(st.booleans()), "return_counts": draw(st.booleans())}
    if x.ndim and 0 not in x.shape and draw(st.booleans()):
        kw["dim"] = _dim(draw, x.ndim)
    return [x], [d], (), kw


# ----------------------------------------------------------------- triangles and diagonals
@sampler
def _tri(draw, spec):
    x, d = _tensor(draw, spec, draw(shapes(max_dims=4)))
    return [x], [d], (draw(st.integers(-3, 3)),), {}


@sampler
def _tri_indices(draw, spec):
    return [draw(st.integers(0, 4)), draw(st.integers(0, 4))], [None, None], (draw(st.integers(-4, 4)),), {}


@sampler
def _diag(draw, spec):
    x, d = _tensor(draw, spec, draw(shapes(max_dims=3)))
    return [x], [d], (draw(st.integers(-3, 3)),), {}


@sampler
def _diag_embed(draw, spec):
    x, d = _tensor(draw, spec, draw(shapes(max_dims=3)))
    n = x.ndim + 1
    dims = draw(st.lists(st.integers(-n, n - 1), min_size=2, max_size=2))
    return [x], [d], (draw(st.integers(-2, 2)), *dims), {}


# ----------------------------------------------------------------- grids
@sampler
def _vectors(draw, spec):
    d = draw(st.sampled_from(spec.dtypes))
    n = draw(st.integers(1, 3))
    values = [draw(arrays(d, draw(shapes(min_dims=1, max_dims=1, max_side=3)))) for _ in range(n)]
    if spec.name == "meshgrid" and draw(st.booleans()):
        values[0] = values[0].reshape(-1)[:1].reshape(()) if values[0].size else values[0]
    kw = {"indexing": draw(st.sampled_from(["ij", "xy"]))} if spec.name == "meshgrid" else {}
    return values, [d] * n, (), kw


@sampler
def _broadcast_tensors(draw, spec):
    n = draw(st.integers(1, 3))
    values, dtypes = [], []
    for shape in draw(broadcastable_shapes(n)):
        v, d = _tensor(draw, spec, shape)
        values.append(v)
        dtypes.append(d)
    return values, dtypes, (), {}


@sampler
def _broadcast_shapes(draw, spec):
    n = draw(st.integers(0, 3))
    found = list(draw(broadcastable_shapes(n))) if n else []
    if n and draw(st.integers(0, 4)) == 0:
        found[0] = tuple(s + 1 for s in found[0])
    values = [s[0] if len(s) == 1 and draw(st.booleans()) else tuple(s) for s in found]
    return values, [None] * len(values), (), {}


@sampler
def _combinations(draw, spec):
    x, d = _tensor(draw, spec, (draw(st.integers(0, 4)),))
    return [x], [d], (draw(st.integers(0, 3)), draw(st.booleans())), {}


# ----------------------------------------------------------------- searching and counting
@sampler
def _searchsorted(draw, spec):
    d = draw(st.sampled_from(spec.dtypes))
    batch = draw(shapes(max_dims=1, max_side=3))
    seq = np.sort(draw(arrays(d, batch + (draw(st.integers(1, 4)),), "small")), axis=-1)
    values = draw(arrays(draw(st.sampled_from(spec.dtypes)), batch + (draw(st.integers(0, 3)),), "small"))
    dtypes = [d, str(values.dtype) if str(values.dtype) in spec.dtypes else d]
    kw = draw(st.sampled_from([{}, {"right": True}, {"side": "right"}, {"side": "left"}, {"out_int32": True}]))
    if spec.name == "bucketize":
        return [values, seq.reshape(-1)], dtypes[::-1], (), kw if "side" not in kw else {}
    return [seq, values], dtypes, (), kw


@sampler
def _histc(draw, spec):
    x, d = _tensor(draw, spec, draw(shapes()), domain="small")
    x = np.where(np.abs(x) < 1e-30, 0, x).astype(x.dtype)  # XLA on CPU flushes subnormals to zero
    low = draw(st.sampled_from([0, -2, -1.5]))
    high = draw(st.sampled_from([0, 2, 1.0, -2]))
    return [x], [d], (draw(st.integers(1, 5)), low, high), {}


@sampler
def _bincount(draw, spec):
    d = draw(st.sampled_from(spec.dtypes))
    x = np.abs(draw(arrays(d, (draw(st.integers(0, 5)),), "small")))
    operands, dtypes = [x], [d]
    if draw(st.booleans()):
        w, wd = _tensor(draw, spec, x.shape, dtype=draw(st.sampled_from(["float32", "float64", "int64"])))
        operands.append(w)
        dtypes.append(wd)
    return operands, dtypes, (), {"minlength": draw(st.integers(0, 7))}


# ----------------------------------------------------------------- atleast, narrow_copy, splits
@sampler
def _narrow(draw, spec):
    x, d = _tensor(draw, spec, draw(shapes(min_dims=1)))
    dim = _dim(draw, x.ndim)
    size = x.shape[dim]
    # torch's narrow_copy backward mishandles a negative start (grad zero, or a size
    # error): negative starts only for the dtypes without gradients
    start = draw(st.integers(0 if d in ("float32", "float64") else -size, size))
    length = draw(st.integers(0, size - (start % size if size and start < 0 else start) if size else 0))
    return [x], [d], (dim, start, length), {}


@sampler
def _splits(draw, spec):
    x, d = _tensor(draw, spec, draw(shapes(max_dims=4, max_side=4)))
    if draw(st.booleans()):
        return [x], [d], (draw(st.integers(1, 4)),), {}
    return [x], [d], (sorted(draw(st.lists(st.integers(0, 4), max_size=3))),), {}


def spec(name, sample, dtypes=SOME, variants="fmo", **kw):
    return OpSpec(name, dtypes=dtypes, sample=sample, variants=variants, **kw)


SPECS = JOINING + [
    spec("flip", _flip), unary("fliplr", SOME, variants="fm"), unary("flipud", SOME, variants="fm"),
    spec("roll", _roll, variants="fm"),
    spec("rot90", _rot90, variants="fm"),
    spec("Tensor.repeat", _repeat, variants="f"),
    spec("tile", _tile, variants="fm"),
    spec("repeat_interleave", _repeat_interleave, variants="fm"),
    spec("gather", _gather),
    spec("scatter", _scatter_sample(True, "either"), variants="fmio"),
    spec("scatter_add", _scatter_sample(False, "tensor"), NUMERIC, variants="fmio"),
    spec("scatter_reduce", _scatter_reduce, NUMERIC, variants="fmio"),
    spec("index_select", _index_select),
    spec("index_add", _index_add, NUMERIC, variants="fmio"),
    spec("index_copy", _index_copy, variants="fmio"),
    spec("index_fill", _index_fill, variants="fmi"),
    spec("masked_fill", _masked_fill, variants="fmi"),
    spec("masked_scatter", _masked_scatter, variants="fmi"),
    spec("masked_select", _masked_select),
    spec("take", _take),
    spec("put", _put, NUMERIC, variants="fmi"),
    spec("take_along_dim", _take_along_dim),
    spec("where", _where, NUMERIC, variants="fo"),
    spec("clamp", _clamp_sample(2), NUMERIC, variants="fmio"),
    spec("clip", _clamp_sample(2), NUMERIC, variants="fmio"),
    spec("clamp_min", _clamp_sample(1), NUMERIC, variants="fmio"),
    spec("clamp_max", _clamp_sample(1), NUMERIC, variants="fmio"),
    unary("nonzero", REAL, grad=False, kwargs=({}, {"as_tuple": True})),
    unary("argwhere", REAL, grad=False, variants="fm"),
    spec("sort", _sort, SORTABLE, variants="fm"),
    spec("argsort", _sort, SORTABLE, variants="fm"),
    unary("msort", SORTABLE),
    spec("topk", _topk, SORTABLE, variants="fm"),
    spec("kthvalue", _kthvalue, SORTABLE, variants="fm"),
    spec("unique", _unique, REAL, variants="fm", grad=False),
    spec("unique_consecutive", _unique, REAL, variants="fm", grad=False),
    spec("tril", _tri, variants="fmio"),
    spec("triu", _tri, variants="fmio"),
    spec("tril_indices", _tri_indices, variants="f", grad=False),
    spec("triu_indices", _tri_indices, variants="f", grad=False),
    spec("diag", _diag),
    spec("diag_embed", _diag_embed, variants="fm"),
    spec("diagflat", _diag, variants="fm"),
    unary("trace", SOME, variants="fm"),
    spec("meshgrid", _vectors, variants="f"),
    spec("cartesian_prod", _vectors, variants="f"),
    spec("broadcast_tensors", _broadcast_tensors, variants="f"),
    spec("broadcast_shapes", _broadcast_shapes, variants="f", grad=False),
    spec("combinations", _combinations, variants="f"),
    spec("searchsorted", _searchsorted, SORTABLE, variants="fo", grad=False),
    spec("bucketize", _searchsorted, SORTABLE, variants="fo", grad=False),
    spec("histc", _histc, ("float32", "float64"), grad=False),
    spec("bincount", _bincount, ("int64", "int32", "uint8"), variants="fm", grad=False),
    *[spec(n, _broadcast_tensors, variants="f") for n in ("atleast_1d", "atleast_2d", "atleast_3d")],
    spec("narrow_copy", _narrow),
    *[spec(n, _splits, variants="fm") for n in ("hsplit", "vsplit", "dsplit")],
]
