"""Specs for the normalization, dropout and embedding ops of torch.nn.functional
(jtorch/ops/nn_norm.py). Tensor arguments come first in these signatures, so running
statistics, weights, indices and offsets are drawn as operands; int64 inputs are
included where torch raises for them. Dropout is random: only its deterministic
cases (p=0, p=1, eval, bad p) are compared here; tests/test_nn_norm.py checks the rest.
"""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from compat.spec import OpSpec
from compat.strategies import FLOATS, arrays

F = "nn.functional."


def sampler(fn):
    return lambda spec: st.composite(fn)(spec)


def _shape(draw, min_dims, max_dims, min_side=1, max_side=3):
    return tuple(draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)))


def _dtype(draw, spec):
    return draw(st.sampled_from(spec.dtypes))


def _spread(draw, dtype, shape):
    """Values at least 0.4 apart (a ramp plus drawn jitter): normalizing nearly equal values
    divides rounding noise by sqrt(eps), which no two implementations agree on."""
    jitter = draw(arrays("float32", shape, "small")) * 0.1
    ramp = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    values = ramp * np.float32(draw(st.sampled_from([1.0, -1.0]))) + jitter
    return values.astype(np.int64) if dtype == "int64" else values


@sampler
def _batch_norm(draw, spec):
    """x (N, C, *) with running stats and an optional affine pair, in train or eval mode."""
    dtype = _dtype(draw, spec)
    shape = _shape(draw, 2, 4)
    c = shape[1]
    param = "float32" if dtype == "int64" else dtype
    operands = [_spread(draw, dtype, shape), draw(arrays(param, (c,), "small")),
                draw(arrays(param, (c,), "positive"))]
    dtypes = [dtype, param, param]
    for _ in range(draw(st.integers(0, 2))):
        operands.append(draw(arrays(param, (c,), "small")))
        dtypes.append(param)
    kwargs = draw(st.sampled_from([{}, {"training": True}, {"training": True, "momentum": 0.5, "eps": 1e-3},
                                   {"eps": 1e-2}]))
    return operands, dtypes, (), kwargs


@sampler
def _instance_norm(draw, spec):
    dtype = _dtype(draw, spec)
    shape = _shape(draw, 3, 4)
    operands, dtypes = [_spread(draw, dtype, shape)], [dtype]
    if draw(st.booleans()):  # running statistics (updated, or used when use_input_stats=False)
        param = "float32" if dtype == "int64" else dtype
        operands += [draw(arrays(param, (shape[1],), "small")), draw(arrays(param, (shape[1],), "positive"))]
        dtypes += [param, param]
        return operands, dtypes, (), draw(st.sampled_from([{}, {"use_input_stats": False}, {"momentum": 0.3}]))
    return operands, dtypes, (), {}


@sampler
def _last_dims(draw, spec):
    """x and a normalized_shape of its last k dims (sometimes a mismatched one)."""
    dtype = _dtype(draw, spec)
    shape = _shape(draw, 1, 3, max_side=4)
    if "layer_norm" in spec.name:
        # over a single element layer_norm's output is rounding noise (torch's half kernel uses an fma)
        shape = shape[:-1] + (max(shape[-1], 2),)
    k = draw(st.integers(1, len(shape)))
    normalized = list(shape[len(shape) - k:])
    if draw(st.integers(0, 6)) == 0:
        normalized[0] += 1
    kwargs = draw(st.sampled_from([{}, {"eps": 1e-3}]))
    return [_spread(draw, dtype, shape)], [dtype], (normalized,), kwargs


@sampler
def _group_norm(draw, spec):
    dtype = _dtype(draw, spec)
    groups = draw(st.integers(1, 3))
    shape = (draw(st.integers(1, 3)), groups * draw(st.integers(1, 2))) + _shape(draw, 0, 2)
    if draw(st.integers(0, 6)) == 0:
        groups += 1  # channels not divisible by the groups
    return [_spread(draw, dtype, shape)], [dtype], (groups,), draw(st.sampled_from([{}, {"eps": 1e-3}]))


@sampler
def _normalize(draw, spec):
    dtype = _dtype(draw, spec)
    shape = _shape(draw, 1, 3, min_side=0)
    n = len(shape)
    kwargs = {"dim": draw(st.integers(-n, n - 1)), "p": draw(st.sampled_from([2.0, 1.0, 3.0, float("inf")]))}
    # spread values: a tiny norm makes the gradient a difference of huge terms (rounding noise)
    return [_spread(draw, dtype, shape)], [dtype], (), kwargs


@sampler
def _local_response_norm(draw, spec):
    dtype = _dtype(draw, spec)
    shape = _shape(draw, 2, 4)
    kwargs = draw(st.sampled_from([{}, {"alpha": 0.1, "beta": 0.5, "k": 2.0}]))
    return [draw(arrays(dtype, shape, "small"))], [dtype], (draw(st.integers(1, 4)),), kwargs


@sampler
def _embedding(draw, spec):
    dtype = _dtype(draw, spec)
    num, dim = draw(st.integers(1, 5)), draw(st.integers(1, 3))
    indices = draw(hnp.arrays(np.int64, _shape(draw, 0, 2, min_side=0), elements=st.integers(0, num - 1)))
    kwargs = draw(st.sampled_from([{}, {"padding_idx": 0}, {"padding_idx": -1, "scale_grad_by_freq": True},
                                   {"scale_grad_by_freq": True}, {"max_norm": 1.0},
                                   {"max_norm": 0.5, "norm_type": 1.0}]))
    return [indices, draw(arrays(dtype, (num, dim), "small"))], ["int64", dtype], (), kwargs


@sampler
def _embedding_bag(draw, spec):
    dtype = _dtype(draw, spec)
    num, dim = draw(st.integers(1, 5)), draw(st.integers(1, 3))
    length = draw(st.integers(0, 6))
    indices = draw(hnp.arrays(np.int64, (length,), elements=st.integers(0, num - 1)))
    cuts = sorted(draw(st.lists(st.integers(0, length), max_size=3)))
    offsets = np.array([0] + cuts, np.int64)
    kwargs = dict(draw(st.sampled_from([{"mode": "sum"}, {"mode": "mean"}, {"mode": "max"},
                                        {"mode": "sum", "padding_idx": 0}, {"mode": "mean", "padding_idx": -1},
                                        {"mode": "max", "padding_idx": 0}])))
    if draw(st.booleans()) and kwargs["mode"] != "max":
        kwargs["scale_grad_by_freq"] = True
    return [indices, draw(arrays(dtype, (num, dim), "small")), offsets], ["int64", dtype, "int64"], (), kwargs


@sampler
def _one_hot(draw, spec):
    values = draw(hnp.arrays(np.int64, _shape(draw, 0, 2, min_side=0), elements=st.integers(-1, 4)))
    return [values], ["int64"], (draw(st.sampled_from([-1, 5, 3])),), {}


DROPOUT_KWARGS = ({"p": 0.0}, {"training": False}, {"p": 1.0}, {"p": 1.5}, {"p": 0.3, "training": False})


def _dropout_sample(spec):
    @st.composite
    def draw_case(draw):
        dtype = _dtype(draw, spec)
        shape = _shape(draw, 2, 4, min_side=1)
        return [draw(arrays(dtype, shape, "small"))], [dtype], (), dict(draw(st.sampled_from(DROPOUT_KWARGS)))
    return draw_case()


SPECS = [
    OpSpec(F + "batch_norm", dtypes=FLOATS + ("int64",), variants="f", sample=_batch_norm),
    OpSpec(F + "instance_norm", dtypes=("float32", "float64", "int64"), variants="f", sample=_instance_norm),
    OpSpec(F + "layer_norm", dtypes=FLOATS + ("int64",), variants="f", sample=_last_dims),
    OpSpec(F + "rms_norm", dtypes=("float32", "float64", "int64"), variants="f", sample=_last_dims),
    OpSpec(F + "group_norm", dtypes=FLOATS + ("int64",), variants="f", sample=_group_norm),
    OpSpec(F + "normalize", dtypes=("float32", "float64", "int64"), variants="f", sample=_normalize),
    OpSpec(F + "local_response_norm", dtypes=("float32", "float64"), variants="f", sample=_local_response_norm),
    OpSpec(F + "embedding", dtypes=("float32", "float64"), variants="f", sample=_embedding),
    OpSpec(F + "embedding_bag", dtypes=("float32", "float64"), variants="f", sample=_embedding_bag),
    OpSpec(F + "one_hot", dtypes=("int64",), variants="f", sample=_one_hot, grad=False),
    OpSpec(F + "dropout", dtypes=("float32", "float64"), variants="f", sample=_dropout_sample),
    OpSpec(F + "alpha_dropout", dtypes=("float32", "float64"), variants="f", sample=_dropout_sample),
    OpSpec(F + "dropout2d", dtypes=("float32", "float64"), variants="f", sample=_dropout_sample),
]
