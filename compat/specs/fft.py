"""Specs for torch.fft (jtorch/ops/fft.py) and the complex helpers (jtorch/ops/complex_ops.py)."""
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from compat.spec import OpSpec
from compat.strategies import COMPLEX, FLOATS, INTS, arrays

REAL = ("float32", "float64")
TOL = (1e-4, 1e-5)  # FFT algorithms differ (pocketfft vs ducc): a few ulp per butterfly
NORMS = ({}, {"norm": "forward"}, {"norm": "ortho"}, {"norm": "backward"})


@st.composite
def signal(draw, spec, extra):
    """One tensor of 1-3 dims (sides 1-5) and the op's n/dim/s/norm arguments."""
    dtype = draw(st.sampled_from(spec.dtypes))
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5))
    values = draw(arrays(dtype, shape, "small"))
    return [values], [dtype], (), {**draw(st.sampled_from(NORMS)), **extra(draw, shape)}


def one_dim(draw, shape):
    kwargs = {}
    if draw(st.booleans()):
        kwargs["n"] = draw(st.integers(1, 6))
    if draw(st.booleans()):
        kwargs["dim"] = draw(st.integers(-len(shape), len(shape) - 1))
    return kwargs


def two_dim(draw, shape):
    kwargs = {}
    if len(shape) >= 2 and draw(st.booleans()):
        kwargs["s"] = tuple(draw(st.integers(1, 5)) for _ in range(2))
    return kwargs


def n_dim(draw, shape):
    kwargs = {}
    dims = draw(st.sampled_from([None] + [tuple(range(-k, 0)) for k in range(1, len(shape) + 1)] + [(0,)]))
    if dims is not None:
        kwargs["dim"] = dims
    if draw(st.booleans()):
        kwargs["s"] = tuple(draw(st.sampled_from([-1, 1, 2, 3, 4])) for _ in range(len(dims or shape)))
    return kwargs


def spec(name, dtypes, extra, **kw):
    return OpSpec(f"fft.{name}", 1, dtypes, variants="fo", tol=TOL, sample=lambda s: signal(s, extra), **kw)


C2C = REAL + COMPLEX + ("int64",)
R2C = REAL + ("int64", "complex64")  # complex inputs: compare the errors
# torch returns ifft of a real input, and ihfft/ihfft2/ihfftn, as conjugate views, whose
# numpy() the harness can't read: those are tested in tests/test_linalg_invariants.py.
SPECS = [
    spec("fft", C2C, one_dim),
    spec("ifft", COMPLEX, one_dim),
    spec("rfft", R2C, one_dim),
    *[spec(n, REAL + COMPLEX, one_dim) for n in ("irfft", "hfft")],
    *[spec(n, C2C, two_dim) for n in ("fft2", "ifft2")],
    spec("rfft2", R2C, two_dim),
    *[spec(n, REAL + COMPLEX, two_dim) for n in ("irfft2", "hfft2")],
    *[spec(n, C2C, n_dim) for n in ("fftn", "ifftn")],
    spec("rfftn", R2C, n_dim),
    *[spec(n, REAL + COMPLEX, n_dim) for n in ("irfftn", "hfftn")],
]


@st.composite
def frequencies(draw, spec):
    kwargs = draw(st.sampled_from([{}, {"d": 0.5}, {"dtype": None}]))
    return [], [], (draw(st.integers(1, 7)),), kwargs


@st.composite
def shifted(draw, spec):
    dtype = draw(st.sampled_from(spec.dtypes))
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5))
    dim = draw(st.sampled_from([None, 0, -1, (0, -1)]))
    return [draw(arrays(dtype, shape))], [dtype], (), {} if dim is None else {"dim": dim}


@st.composite
def pairs(draw, spec):
    dtype = draw(st.sampled_from(spec.dtypes))
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    last = draw(st.sampled_from([2, 2, 3]))  # sometimes not a (real, imag) pair: compare the errors
    return [draw(arrays(dtype, shape + (last,), "small"))], [dtype], (), {}


SPECS += [
    OpSpec("fft.fftfreq", 0, REAL, variants="fo", sample=frequencies),
    OpSpec("fft.rfftfreq", 0, REAL, variants="fo", sample=frequencies),
    OpSpec("fft.fftshift", 1, REAL + ("int64",), variants="f", sample=shifted),
    OpSpec("fft.ifftshift", 1, REAL + ("int64",), variants="f", sample=shifted),
    # complex helpers
    OpSpec("angle", 1, FLOATS + INTS + COMPLEX, variants="fmo"),
    OpSpec("conj_physical", 1, REAL + COMPLEX + ("int64",), variants="fmio"),
    OpSpec("conj", 1, REAL, variants="fm"),  # complex: a conjugate view (see tests/test_linalg_invariants.py)
    OpSpec("view_as_real", 1, REAL + COMPLEX, variants="f", grad=False),
    OpSpec("view_as_complex", 1, REAL + ("int64",), variants="f", sample=pairs),
    OpSpec("polar", 2, REAL, "small", variants="fo", mix_dtypes=True),
    OpSpec("complex", 2, REAL, "small", variants="fo", mix_dtypes=True),
]
