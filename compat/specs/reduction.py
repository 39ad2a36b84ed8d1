"""Specs for the reductions (jtorch/ops/reduction.py). Dims, keepdim and the other
shape-dependent arguments are drawn per example by `sample` strategies."""
import math

import numpy as np

from hypothesis import strategies as st

from compat.spec import OpSpec
from compat.strategies import ALL, COMPLEX, FLOATS, INTS, NUMERIC, arrays, broadcastable_shapes, shapes

REAL = ("bool",) + INTS + FLOATS


def _dim_int(draw, ndim, optional=True, out_of_range=True):
    """An int dim for a tensor of `ndim` dims (None when `optional` allows it; now and
    then one out of range, to compare the IndexError)."""
    if optional and draw(st.integers(0, 4)) == 0:
        return None
    bound = max(ndim, 1)
    if out_of_range and draw(st.integers(0, 12)) == 0:
        return draw(st.sampled_from([bound, -bound - 1]))
    return draw(st.integers(-bound, bound - 1))


def _dim_tuple(draw, ndim, optional=True):
    """An int, a tuple of distinct dims, or None."""
    if optional and draw(st.integers(0, 4)) == 0:
        return None
    if ndim == 0 or draw(st.booleans()):
        return _dim_int(draw, ndim, optional=False)
    dims = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    return tuple(d - ndim if draw(st.booleans()) else d for d in dims)


def reduce_sample(dim="tuple", keepdim=True, extra=None, max_dims=3, signed_zeros=True, flush=False):
    """sample(spec) drawing one operand, a dim ('tuple', 'int', 'int_required' or
    None), keepdim and `extra(draw, shape)` keyword arguments. `signed_zeros=False`
    draws 0.0 for -0.0."""

    def sample(spec):
        @st.composite
        def draw_one(draw):
            shape = draw(shapes(max_dims=max_dims))
            dtype = draw(st.sampled_from(spec.dtypes))
            operand = draw(arrays(dtype, shape, spec.domain))
            if not signed_zeros and operand.dtype.kind == "f":
                operand = np.where(operand == 0, np.zeros_like(operand), operand)
            if flush:
                operand = _flush_subnormals(operand)
            kwargs = {}
            if dim is not None:
                value = (_dim_tuple(draw, len(shape)) if dim == "tuple"
                         else _dim_int(draw, len(shape), optional=dim == "int"))
                if value is not None:
                    kwargs["dim"] = value
                    if keepdim and draw(st.booleans()):
                        kwargs["keepdim"] = True
            if extra is not None:
                kwargs.update(extra(draw, shape))
            return [operand], [dtype], (), kwargs

        return draw_one()

    return sample


def _positional(kwargs_sample):
    """The same draws, with dim (and keepdim) passed positionally half the time."""

    def sample(spec):
        @st.composite
        def draw_one(draw):
            operands, dtypes, args, kwargs = draw(kwargs_sample(spec))
            if "dim" in kwargs and draw(st.booleans()):
                args = (kwargs.pop("dim"),) + ((kwargs.pop("keepdim"),) if "keepdim" in kwargs else ())
            return operands, dtypes, args, kwargs

        return draw_one()

    return sample


def _std_sample(spec):
    """torch's std/var overloads: (dim, *, correction, keepdim), (dim, unbiased,
    keepdim) and (unbiased)."""

    @st.composite
    def draw_one(draw):
        shape = draw(shapes())
        dtype = draw(st.sampled_from(spec.dtypes))
        operand = draw(arrays(dtype, shape, spec.domain))
        dim = _dim_tuple(draw, len(shape))
        form = draw(st.sampled_from(["correction", "unbiased", "flag", "none"]))
        if form == "correction":
            kwargs = {"dim": dim, "correction": draw(st.sampled_from([0, 1, 2, 0.5])), "keepdim": draw(st.booleans())}
            return [operand], [dtype], (), kwargs
        if form == "unbiased" and dim is not None:
            return [operand], [dtype], (dim, draw(st.booleans()), draw(st.booleans())), {}
        if form == "flag":
            return [operand], [dtype], (draw(st.booleans()),), {}
        return [operand], [dtype], (), {}

    return draw_one()


def _q(draw, shape):
    return {"q": draw(st.sampled_from([0.0, 0.25, 0.3, 0.5, 0.75, 1.0])),
            "interpolation": draw(st.sampled_from(["linear", "lower", "higher", "midpoint", "nearest"]))}


def _quantile_tensor_q(spec):
    """A 0-d or 1-d tensor q as the second operand (linear interpolation, so that q
    takes part in the gradient as in torch)."""

    @st.composite
    def draw_one(draw):
        operands, dtypes, args, kwargs = draw(reduce_sample("int")(spec))
        q_shape = draw(st.sampled_from([(), (1,), (3,)]))
        q = abs(draw(arrays(dtypes[0], q_shape, "unit")))
        return operands + [q], dtypes + [dtypes[0]], args, kwargs

    return draw_one()


def _flush_subnormals(operand):
    """Subnormal floats as zeros: XLA on CPU flushes them in float32 -> float64 casts, so
    jtorch's norm of torch.tensor(-5.2e-41) has gradient 0 where torch's is -1."""
    if operand.dtype.kind != "f":
        return operand
    tiny = np.finfo(np.float32 if operand.dtype == np.float16 else operand.dtype).tiny
    return np.where(np.abs(operand) < tiny, np.zeros_like(operand), operand)


def _norm_sample(ps):
    """p from `ps` with an int, pair or absent dim ('fro' and 'nuc' need a pair for
    more than two dims, which torch rejects, so those cases are drawn too)."""

    def sample(spec):
        @st.composite
        def draw_one(draw):
            shape = draw(shapes())
            dtype = draw(st.sampled_from(spec.dtypes))
            operand = _flush_subnormals(draw(arrays(dtype, shape, spec.domain)))
            kwargs = {"p": draw(st.sampled_from(ps))}
            dim = _dim_tuple(draw, len(shape))
            if dim is not None:
                kwargs["dim"] = dim
            if draw(st.booleans()):
                kwargs["keepdim"] = True
            return [operand], [dtype], (), kwargs

        return draw_one()

    return sample


def _binary_sample(spec):
    """Two broadcastable operands of mixed dtypes, or a Python scalar second (which torch
    rejects); -0.0 drawn as 0.0, since which of two equal zeros torch returns depends on
    its vector kernels (torch.maximum(torch.zeros(20), -torch.zeros(20)) is -0.0, with
    one element 0.0)."""

    @st.composite
    def draw_one(draw):
        shapes_ = draw(broadcastable_shapes(2))
        dtypes = [draw(st.sampled_from(spec.dtypes)) for _ in shapes_]
        operands = [draw(arrays(d, s, spec.domain)) for d, s in zip(dtypes, shapes_)]
        operands = [np.where(o == 0, np.zeros_like(o), o) if o.dtype.kind == "f" else o for o in operands]
        if draw(st.integers(0, 4)) == 0:
            operands[1], dtypes[1] = draw(st.sampled_from([2, 0.5, True])), None
        return operands, dtypes, (), {}

    return draw_one()


# Sums of up to 64 float32 values of size 1e3 may round differently in another order.
SUM_TOL = (1e-4, 1e-3)
NORMS = (None, "fro", 1, 2, 3, 0.5, math.inf, -math.inf, -1)

SPECS = [
    OpSpec("sum", dtypes=ALL, sample=_positional(reduce_sample()), variants="fmo", tol=SUM_TOL),
    OpSpec("nansum", dtypes=REAL + COMPLEX, sample=_positional(reduce_sample()), variants="fmo", tol=SUM_TOL),
    OpSpec("prod", dtypes=ALL, domain="small", sample=_positional(reduce_sample("int")), variants="fmo"),
    OpSpec("mean", dtypes=ALL, sample=_positional(reduce_sample()), variants="fmo", tol=SUM_TOL),
    OpSpec("nanmean", dtypes=REAL + COMPLEX, sample=reduce_sample(), variants="fmo", tol=SUM_TOL),
    OpSpec("std", dtypes=INTS + FLOATS + COMPLEX, sample=_std_sample, variants="fmo", tol=SUM_TOL),
    OpSpec("var", dtypes=INTS + FLOATS + COMPLEX, sample=_std_sample, variants="fmo", tol=SUM_TOL),
    # torch's var_mean/std_mean means come from Welford updates, NaN for most inputs with an infinity
    # (torch.var_mean(torch.tensor([inf, 0.])) gives mean nan; jtorch gives inf): finite values only.
    OpSpec("std_mean", dtypes=FLOATS + COMPLEX, domain="small", sample=_std_sample, variants="fo", tol=SUM_TOL),
    OpSpec("var_mean", dtypes=FLOATS + COMPLEX, domain="small", sample=_std_sample, variants="fo", tol=SUM_TOL),
    # Which of several equal extremes torch returns depends on its vector kernels (torch.zeros(9) with
    # x[7] = -0.0 has max -0.0; with x[3] = -0.0, 0.0), so -0.0 is left out of the extremes' domain.
    OpSpec("max", dtypes=REAL + COMPLEX, sample=_positional(reduce_sample("int", signed_zeros=False)),
           variants="fmo"),
    OpSpec("min", dtypes=REAL + COMPLEX, sample=_positional(reduce_sample("int", signed_zeros=False)),
           variants="fmo"),
    OpSpec("max", 2, NUMERIC + ("bool",), sample=_binary_sample, variants="fmo"),
    OpSpec("min", 2, NUMERIC + ("bool",), sample=_binary_sample, variants="fmo"),
    OpSpec("amax", dtypes=REAL + COMPLEX, sample=_positional(reduce_sample(signed_zeros=False)), variants="fmo"),
    OpSpec("amin", dtypes=REAL + COMPLEX, sample=_positional(reduce_sample(signed_zeros=False)), variants="fmo"),
    OpSpec("aminmax", dtypes=REAL, sample=reduce_sample("int", signed_zeros=False), variants="fm"),
    OpSpec("argmax", dtypes=REAL, sample=_positional(reduce_sample("int")), variants="fmo"),
    OpSpec("argmin", dtypes=REAL, sample=_positional(reduce_sample("int")), variants="fmo"),
    OpSpec("median", dtypes=REAL, sample=_positional(reduce_sample("int")), variants="fm"),
    OpSpec("nanmedian", dtypes=REAL, sample=_positional(reduce_sample("int")), variants="fm"),
    OpSpec("mode", dtypes=REAL, sample=_positional(reduce_sample("int")), variants="fm"),
    OpSpec("quantile", dtypes=FLOATS + INTS, sample=reduce_sample("int", extra=_q), variants="fmo"),
    OpSpec("nanquantile", dtypes=FLOATS + INTS, sample=reduce_sample("int", extra=_q), variants="fmo"),
    OpSpec("quantile", arity=2, dtypes=("float32", "float64"), sample=_quantile_tensor_q, variants="fmo"),
    OpSpec("norm", dtypes=FLOATS + INTS + COMPLEX, sample=_norm_sample(NORMS), variants="fmo", tol=SUM_TOL),
    # torch leaves the gradient of the 0-"norm" undefined (None); jtorch's is zero.
    OpSpec("norm", dtypes=FLOATS, sample=_norm_sample((0,)), variants="fmo", grad=False),
    OpSpec("norm", dtypes=("float32", "float64"), sample=_norm_sample(("nuc",)), variants="fmo", domain="small",
           tol=SUM_TOL),
    OpSpec("logsumexp", dtypes=REAL, sample=_positional(reduce_sample("int_required")), variants="fmo",
           tol=SUM_TOL),
    OpSpec("cumsum", dtypes=ALL, sample=reduce_sample("int_required", keepdim=False), tol=SUM_TOL),
    OpSpec("cumprod", dtypes=ALL, domain="small", sample=reduce_sample("int_required", keepdim=False)),
    OpSpec("logcumsumexp", dtypes=REAL, sample=reduce_sample("int_required", keepdim=False), variants="fmo",
           tol=SUM_TOL),
    OpSpec("cummax", dtypes=REAL, sample=reduce_sample("int_required", keepdim=False), variants="fm"),
    OpSpec("cummin", dtypes=REAL, sample=reduce_sample("int_required", keepdim=False), variants="fm"),
    OpSpec("all", dtypes=ALL, sample=_positional(reduce_sample(flush=True)), variants="fmo", grad=False),
    OpSpec("any", dtypes=ALL, sample=_positional(reduce_sample(flush=True)), variants="fmo", grad=False),
    # (all, any, count_nonzero: XLA on CPU reads subnormal floats as zero, so those are drawn as 0)
    OpSpec("count_nonzero", dtypes=ALL, sample=reduce_sample(keepdim=False, flush=True), variants="fm", grad=False),
    *[OpSpec(name, 2, NUMERIC + ("bool",), sample=_binary_sample, variants="fmo")
      for name in ("maximum", "minimum", "fmax", "fmin")],
]
