"""Specs for the torch.nn.functional losses (jtorch/ops/nn_losses.py).

Each loss draws its input and target together (shapes that agree, targets in the
loss's domain: class indices, probabilities, +-1 labels) plus a reduction; float16 and
bfloat16 are included where torch's CPU kernels accept them, integer inputs where torch
raises, so the error types are compared too."""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from compat.spec import OpSpec
from compat.strategies import arrays

F = "nn.functional."
REDUCTIONS = ("none", "mean", "sum")
LOW = ("float32", "float64", "float16", "bfloat16")


def sampler(fn):
    return lambda spec: st.composite(fn)(spec)


def _shape(draw, min_dims=0, max_dims=3):
    return draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=4))


def _reduction(draw, **extra):
    return dict(reduction=draw(st.sampled_from(REDUCTIONS)), **extra)


def _in_range(draw, shape, lo, hi, dtype):
    values = draw(hnp.arrays(np.float64, shape, elements=st.floats(lo, hi)))
    return values.astype(np.float32 if dtype in ("float16", "bfloat16") else dtype)


@sampler
def _pair(draw, spec):
    """input and target of one shape (sometimes a broadcast target), any real values."""
    shape = _shape(draw)
    dtype = draw(st.sampled_from(spec.dtypes))
    target_shape = shape if draw(st.integers(0, 3)) else shape[1:]
    kwargs = _reduction(draw, **draw(st.sampled_from(spec.kwargs)))
    return ([draw(arrays(dtype, shape, spec.domain)), draw(arrays(dtype, target_shape, spec.domain))],
            [dtype, dtype], (), kwargs)


@sampler
def _labels(draw, spec):
    """input and a target of +-1 labels (0 sometimes, which these losses treat apart)."""
    shape = _shape(draw)
    dtype = draw(st.sampled_from(spec.dtypes))
    labels = draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([1.0, -1.0, 0.0])))
    return [draw(arrays(dtype, shape, spec.domain)), labels.astype(np.float32)], [dtype, "float32"], (), \
        _reduction(draw, **draw(st.sampled_from(spec.kwargs)))


@sampler
def _probabilities(draw, spec):
    """bce: input and target probabilities, the same shape. The input stays inside (0, 1):
    at 0 or 1 the target's gradient is infinite, and the harness's cotangents may be
    subnormal, which XLA flushes to zero (inf * 0; tests/test_nn_losses.py covers 0 and 1)."""
    shape = _shape(draw)
    dtype = draw(st.sampled_from(spec.dtypes))
    return ([_in_range(draw, shape, 0.01, 0.99, dtype), _in_range(draw, shape, 0, 1, dtype)], [dtype, dtype], (),
            _reduction(draw))


@sampler
def _logits(draw, spec):
    shape = _shape(draw, min_dims=1)
    dtype = draw(st.sampled_from(spec.dtypes))
    kwargs = _reduction(draw)
    return ([draw(arrays(dtype, shape, "small")), _in_range(draw, shape, 0, 1, dtype)], [dtype, dtype], (), kwargs)


@sampler
def _kl(draw, spec):
    shape = _shape(draw)
    dtype = draw(st.sampled_from(spec.dtypes))
    log_target = draw(st.booleans())
    target = _in_range(draw, shape, -3, 0, dtype) if log_target else _in_range(draw, shape, 0.01, 1, dtype)
    kwargs = dict(reduction=draw(st.sampled_from(REDUCTIONS + ("batchmean",))), log_target=log_target)
    return [draw(arrays(dtype, shape, "small")), target], [dtype, dtype], (), kwargs


@sampler
def _poisson(draw, spec):
    shape = _shape(draw)
    dtype = draw(st.sampled_from(spec.dtypes))
    log_input = draw(st.booleans())
    x = draw(arrays(dtype, shape, "small")) if log_input else _in_range(draw, shape, 0.1, 3, dtype)
    kwargs = _reduction(draw, log_input=log_input, full=draw(st.booleans()))
    return [x, _in_range(draw, shape, 1.5, 5, dtype)], [dtype, dtype], (), kwargs


@sampler
def _classes(draw, spec):
    """cross_entropy / nll_loss: (N, C, d...) or (C,) input and class-index targets
    (sometimes out of range or ignored)."""
    c = draw(st.integers(1, 4))
    extra = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    unbatched = draw(st.integers(0, 5)) == 0
    n = draw(st.integers(1, 3))
    shape = (c,) if unbatched else (n, c) + extra
    target_shape = () if unbatched else (n,) + extra
    dtype = draw(st.sampled_from(spec.dtypes))
    hi = c if draw(st.integers(0, 9)) else c + 1  # sometimes out of bounds
    target = draw(hnp.arrays(np.int64, target_shape, elements=st.integers(0, hi - 1)))
    kwargs = _reduction(draw, **draw(st.sampled_from(spec.kwargs)))
    return [draw(arrays(dtype, shape, "small")), target], [dtype, "int64"], (), kwargs


@sampler
def _soft_classes(draw, spec):
    """cross_entropy with class probabilities (the target has the input's shape)."""
    shape = _shape(draw, min_dims=1)
    dtype = draw(st.sampled_from(spec.dtypes))
    kwargs = _reduction(draw, label_smoothing=draw(st.sampled_from([0.0, 0.2])))
    return [draw(arrays(dtype, shape, "small")), _in_range(draw, shape, 0, 1, dtype)], [dtype, dtype], (), kwargs


@sampler
def _multi_margin(draw, spec):
    c = draw(st.integers(1, 4))
    n = draw(st.integers(1, 3))
    dtype = draw(st.sampled_from(spec.dtypes))
    target = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    kwargs = _reduction(draw, p=draw(st.sampled_from([1, 2])), margin=draw(st.sampled_from([1.0, 0.5])))
    return [draw(arrays(dtype, (n, c), "small")), target], [dtype, "int64"], (), kwargs


@sampler
def _ranking(draw, spec):
    shape = _shape(draw, max_dims=2)
    dtype = draw(st.sampled_from(spec.dtypes))
    labels = draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([1.0, -1.0]))).astype(np.float32)
    return ([draw(arrays(dtype, shape, "small")), draw(arrays(dtype, shape, "small")), labels],
            [dtype, dtype, "float32"], (), _reduction(draw, margin=draw(st.sampled_from([0.0, 0.5]))))


@sampler
def _cosine(draw, spec):
    n, d = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    dtype = draw(st.sampled_from(spec.dtypes))
    labels = draw(hnp.arrays(np.int64, (n,), elements=st.sampled_from([1, -1])))
    return ([draw(arrays(dtype, (n, d), "nonzero")), draw(arrays(dtype, (n, d), "nonzero")), labels],
            [dtype, dtype, "int64"], (), _reduction(draw, margin=draw(st.sampled_from([0.0, 0.3]))))


@sampler
def _triplet(draw, spec):
    n, d = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    dtype = draw(st.sampled_from(spec.dtypes))
    operands = [draw(arrays(dtype, (n, d), "small")) for _ in range(3)]
    kwargs = _reduction(draw, p=draw(st.sampled_from([1.0, 2.0, 3.0])), swap=draw(st.booleans()))
    return operands, [dtype] * 3, (), kwargs


def loss(name, sample, dtypes=("float32", "float64"), **kw):
    return OpSpec(F + name, dtypes=dtypes, variants="f", sample=sample, **kw)


SPECS = [
    loss("mse_loss", _pair, LOW + ("int64",), domain="small", tol=(1e-2, 1e-3)),
    loss("l1_loss", _pair, LOW + ("int64",), domain="small", tol=(1e-2, 1e-3)),
    loss("smooth_l1_loss", _pair, kwargs=({}, {"beta": 0.5}, {"beta": 0.0}), domain="small"),
    loss("huber_loss", _pair, kwargs=({}, {"delta": 0.5}, {"delta": 2.0}), domain="small"),
    loss("soft_margin_loss", _labels, domain="small"),
    loss("hinge_embedding_loss", _labels, kwargs=({}, {"margin": 0.5}), domain="small"),
    loss("binary_cross_entropy", _probabilities),
    loss("binary_cross_entropy_with_logits", _logits),
    loss("kl_div", _kl),
    loss("poisson_nll_loss", _poisson),
    loss("cross_entropy", _classes, kwargs=({}, {"label_smoothing": 0.1}, {"ignore_index": 0})),
    OpSpec(F + "cross_entropy", dtypes=("float32", "float64"), variants="f", sample=_soft_classes),
    loss("nll_loss", _classes, kwargs=({}, {"ignore_index": 1})),
    loss("multi_margin_loss", _multi_margin),
    loss("margin_ranking_loss", _ranking),
    loss("cosine_embedding_loss", _cosine),
    loss("triplet_margin_loss", _triplet),
]
