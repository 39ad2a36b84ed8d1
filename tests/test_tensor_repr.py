"""repr/str of jtorch Tensors (not just the formatter) against real torch."""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import jtorch as jt

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
          "complex64", "complex128"]


def pair(values, dtype):
    t = torch.tensor(values, dtype=getattr(torch, dtype))
    return t, jt.tensor(values, dtype=getattr(jt, dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("values", [[], 3, [1, 0, 2], [[1.5, -0.0], [float("nan"), float("inf")]],
                                    [[1e-5, 1e9], [3.0, -2.5]]])
def test_repr_matches(dtype, values):
    if dtype in ("uint8", "int8", "int16", "int32", "int64", "bool") and any(
            isinstance(v, float) and (not np.isfinite(v) or abs(v) > 100) for v in np.ravel(values)):
        return  # nan/inf/huge values have no value in small integer types (creation tests cover the errors)
    t, j = pair(values, dtype)
    assert repr(j) == repr(t)
    assert str(j) == str(t)


def test_autograd_suffixes():
    t = torch.ones(2, requires_grad=True)
    j = jt.ones(2, requires_grad=True)
    assert repr(j) == repr(t)
    assert repr(j * 2) == repr(t * 2)
    assert repr((j * 2).sum()) == repr((t * 2).sum())
    assert repr(j + 1) == repr(t + 1)


def test_views_print_their_values():
    t = torch.arange(12.).reshape(3, 4)
    j = jt.arange(12.).reshape(3, 4)
    assert repr(j.t()) == repr(t.t())
    assert repr(j[:, 1::2]) == repr(t[:, 1::2])
    assert repr(j.diagonal()) == repr(t.diagonal())


def test_large_and_printoptions():
    t = torch.arange(2000.).reshape(40, 50) / 7
    j = jt.arange(2000.).reshape(40, 50) / 7
    assert repr(j) == repr(t)
    try:
        torch.set_printoptions(precision=2, linewidth=60, sci_mode=True)
        jt.set_printoptions(precision=2, linewidth=60, sci_mode=True)
        assert repr(j[:3, :8]) == repr(t[:3, :8])
    finally:
        torch.set_printoptions(profile="default")
        jt.set_printoptions(profile="default")


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), max_size=12),
       st.sampled_from(["float32", "float64", "float16"]))
def test_repr_hypothesis(values, dtype):
    t, j = pair(values, dtype)
    assert repr(j) == repr(t)


def test_default_dtype_changes_suffix():
    try:
        torch.set_default_dtype(torch.float64)
        jt.set_default_dtype(jt.float64)
        assert repr(jt.tensor([1.5, 2.0])) == repr(torch.tensor([1.5, 2.0]))
        assert repr(jt.tensor([1.5], dtype=jt.float32)) == repr(torch.tensor([1.5], dtype=torch.float32))
    finally:
        torch.set_default_dtype(torch.float32)
        jt.set_default_dtype(jt.float32)
