"""Hypothesis strategies for the differential suite: dtypes, broadcastable shapes and
values by domain, built as numpy arrays so torch and jtorch get identical inputs."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

FLOATS = ("float32", "float64", "float16", "bfloat16")
INTS = ("uint8", "int8", "int16", "int32", "int64")
COMPLEX = ("complex64", "complex128")
ALL = ("bool",) + INTS + FLOATS + COMPLEX
NUMERIC = INTS + FLOATS

# value ranges per domain (applied after drawing standard values)
_EDGE = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, float("nan"), float("inf"), -float("inf")]


def shapes(max_dims=3, max_side=4):
    return hnp.array_shapes(min_dims=0, max_dims=max_dims, min_side=0, max_side=max_side)


def broadcastable_shapes(n, max_dims=3, max_side=4):
    """`n` mutually broadcastable shapes (incl. 0-d and empty)."""
    return hnp.mutually_broadcastable_shapes(num_shapes=n, min_dims=0, max_dims=max_dims, min_side=0,
                                             max_side=max_side).map(lambda r: r.input_shapes)


def _float_values(domain):
    if domain == "positive":
        return st.floats(1e-3, 20.0)
    if domain == "unit":
        return st.floats(-0.999, 0.999)
    if domain == "nonzero":
        return st.one_of(st.floats(0.1, 20.0), st.floats(-20.0, -0.1))
    if domain == "small":
        return st.floats(-3.0, 3.0)
    return st.one_of(st.floats(-1e3, 1e3), st.sampled_from(_EDGE))


def _int_values(dtype, domain):
    info = np.iinfo(np.dtype(dtype))
    lo, hi = max(info.min, -100), min(info.max, 100)
    if domain in ("positive", "nonzero"):
        lo = 1 if domain == "positive" or dtype == "uint8" else lo
    if domain == "nonzero" and lo < 0:
        return st.integers(lo, hi).filter(lambda v: v != 0)
    return st.integers(max(lo, 0) if domain == "positive" else lo, hi)


def arrays(dtype: str, shape, domain="real"):
    """A numpy array of `dtype` (bfloat16 drawn as float32; the caller casts)."""
    if dtype == "bool":
        return hnp.arrays(np.bool_, shape)
    if dtype in INTS:
        return hnp.arrays(np.dtype(dtype), shape, elements=_int_values(dtype, domain))
    if dtype in COMPLEX:
        real = np.float32 if dtype == "complex64" else np.float64
        return st.tuples(hnp.arrays(real, shape, elements=_float_values(domain).map(real)),
                         hnp.arrays(real, shape, elements=_float_values(domain).map(real))).map(
            lambda p: (p[0] + 1j * p[1]).astype(dtype))
    np_dtype = np.float32 if dtype in ("bfloat16", "float16") else np.dtype(dtype)
    values = _float_values(domain).map(lambda v: float(np.clip(v, -6e4, 6e4)) if dtype == "float16" else v)
    return hnp.arrays(np_dtype, shape, elements=values.map(np_dtype.type if hasattr(np_dtype, "type") else float))
