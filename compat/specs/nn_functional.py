"""Specs for torch.nn.functional (jtorch/ops/nn_functional.py, nn_losses.py).

Activations draw broadcastable shapes like the pointwise specs; the ops with dims or
targets (softmax, glu, losses) have `sample` strategies. Integer dtypes are included
where torch raises for them, so the error types are compared too.
"""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from compat.spec import OpSpec, unary
from compat.strategies import FLOATS, INTS, arrays

F = "nn.functional."
SOME_INTS = ("int64", "int32")


def sampler(fn):
    return lambda spec: st.composite(fn)(spec)


def shapes(min_dims=0, max_dims=3, max_side=4, min_side=0):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def act(name, dtypes=FLOATS + SOME_INTS, kwargs=({},), **kw):
    return unary(F + name, dtypes, variants="f", kwargs=kwargs, **kw)


@sampler
def _with_dim(draw, spec):
    """A tensor and a dim (sometimes out of range, sometimes None), plus a kwargs set."""
    shape = draw(shapes(max_dims=3))
    dtype = draw(st.sampled_from(spec.dtypes))
    n = max(len(shape), 1)
    dim = draw(st.one_of(st.integers(-n, n - 1), st.integers(-n, n - 1), st.just(n)))
    kwargs = dict(draw(st.sampled_from(spec.kwargs)))
    if draw(st.integers(0, 5)) or "dim" in spec.name:
        kwargs["dim"] = dim
    return [draw(arrays(dtype, shape, spec.domain))], [dtype], (), kwargs


@sampler
def _glu(draw, spec):
    shape = list(draw(shapes(min_dims=0, max_dims=3)))
    dtype = draw(st.sampled_from(spec.dtypes))
    n = max(len(shape), 1)
    dim = draw(st.integers(-n, n - 1))
    if shape and draw(st.integers(0, 4)):
        shape[dim] = 2 * draw(st.integers(0, 2))
    return [draw(arrays(dtype, tuple(shape), spec.domain))], [dtype], (), {"dim": dim}


INPLACE = ({}, {"inplace": True})
ACTIVATIONS = [
    # F.sigmoid is torch.sigmoid itself, covered by the pointwise "sigmoid" spec
    act("tanh", FLOATS + INTS),
    act("relu", FLOATS + INTS, kwargs=INPLACE),
    act("relu6", FLOATS + SOME_INTS, kwargs=INPLACE),
    act("hardtanh", FLOATS + SOME_INTS, kwargs=({}, {"min_val": -0.5, "max_val": 2.0}, {"min_val": 2.0, "max_val": 1.0},
                                                 {"inplace": True})),
    act("leaky_relu", kwargs=({}, {"negative_slope": 0.2}, {"negative_slope": 0.3, "inplace": True})),
    # domain "small" (no NaN): torch's elu gradient at a NaN input is NaN in its vectorised
    # CPU loop and finite in its scalar tail loop, so it depends on the tensor's length
    act("elu", kwargs=({}, {"alpha": 0.5}, {"alpha": 1.5, "inplace": True}), domain="small"),
    act("selu", kwargs=INPLACE, domain="small"),
    act("celu", kwargs=({}, {"alpha": 0.5}, {"alpha": 2.0, "inplace": True}), domain="small"),
    act("gelu", kwargs=({}, {"approximate": "tanh"}, {"approximate": "bad"})),
    act("silu", kwargs=INPLACE),
    act("mish", kwargs=INPLACE),
    act("hardswish", kwargs=INPLACE),
    act("hardsigmoid", kwargs=INPLACE),
    act("softplus", kwargs=({}, {"beta": 2.0}, {"beta": 0.5, "threshold": 3.0})),
    act("softsign", FLOATS + INTS),
    act("tanhshrink", FLOATS + INTS),
    # torch's float16 CPU kernel rounds intermediates to half (3e-3 relative error)
    act("logsigmoid", tol=(4e-3, 1e-5)),
    OpSpec(F + "threshold", dtypes=FLOATS + SOME_INTS, variants="f",
           sample=sampler(lambda draw, spec: _threshold(draw, spec))),
    OpSpec(F + "glu", dtypes=FLOATS + SOME_INTS, variants="f", sample=_glu),
    OpSpec(F + "softmax", dtypes=FLOATS + SOME_INTS, variants="f", sample=_with_dim,
           kwargs=({}, {"dtype": None}), domain="small"),
    # torch's float16 CPU kernel rounds its log-sum-exp to half (absolute error up to ~1e-3)
    OpSpec(F + "log_softmax", dtypes=FLOATS + SOME_INTS, variants="f", sample=_with_dim, domain="small",
           tol=(1e-2, 1e-3)),
    OpSpec(F + "softmin", dtypes=FLOATS + SOME_INTS, variants="f", sample=_with_dim, domain="small"),
]


def _threshold(draw, spec):
    shape = draw(shapes())
    dtype = draw(st.sampled_from(spec.dtypes))
    kwargs = draw(st.sampled_from([{}, {"inplace": True}]))
    return [draw(arrays(dtype, shape))], [dtype], (draw(st.sampled_from([0.0, 0.5, -1.0])), 2), kwargs


SPECS = ACTIVATIONS
