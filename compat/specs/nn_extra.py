"""Specs for the elementwise ops of jtorch/ops/nn_extra.py (softshrink, hardshrink and the
in-place F forms). grid_sample, affine_grid, fractional pooling and gumbel_softmax are
covered by tests/test_nn_extra.py (structured or random arguments)."""
from compat.specs.nn_functional import SOME_INTS, act
from compat.strategies import FLOATS

SPECS = [
    act("softshrink", FLOATS + SOME_INTS, kwargs=({}, {"lambd": 0.2}, {"lambd": 1.5}, {"lambd": -1.0})),
    act("relu_", FLOATS),
    act("elu_", FLOATS, kwargs=({}, {"alpha": 0.5}), domain="small"),
    act("celu_", FLOATS, kwargs=({}, {"alpha": 2.0}), domain="small"),
    act("selu_", FLOATS, domain="small"),
    act("leaky_relu_", FLOATS, kwargs=({}, {"negative_slope": 0.2})),
    act("hardtanh_", FLOATS, kwargs=({}, {"min_val": -0.5, "max_val": 2.0})),
]
