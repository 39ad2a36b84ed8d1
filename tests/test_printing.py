"""jtorch._tensor_str must print exactly what torch 2.13 prints.

Every expected string comes from real torch's ``repr``; our formatter gets the
same values as a numpy array plus the metadata torch would use.
"""

import contextlib
import importlib.util
import math
import pathlib

import ml_dtypes
import numpy as np
import pytest
import torch
import torch._tensor_str as torch_str
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

try:
    from jtorch import _tensor_str as jt_str
except Exception:  # jtorch/__init__.py may be missing or mid-edit
    _path = pathlib.Path(__file__).resolve().parents[1] / "jtorch" / "_tensor_str.py"
    _spec = importlib.util.spec_from_file_location("_jtorch_tensor_str", _path)
    jt_str = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(jt_str)

HYP = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16",
          "float32", "float64", "complex64", "complex128"]
FLOAT_DTYPES = ["float16", "bfloat16", "float32", "float64"]
INT_DTYPES = ["uint8", "int8", "int16", "int32", "int64"]
NAN, INF = math.nan, math.inf
SPECIALS = [0.0, -0.0, NAN, INF, -INF, 1.0, -1.0, 0.5, 1e-5, -3e-7, 1e-30, 1e9, -2.5e12,
            1e20, 123456789.0, 9999.5, 0.1, 1000.0, 65504.0, 3.0e38]


def dtype_name(dtype):
    return str(dtype).removeprefix("torch.")


def to_numpy(t):
    t = t.detach()
    if t.dtype == torch.bfloat16:
        return t.float().numpy().astype(ml_dtypes.bfloat16)
    return t.numpy()


def ours(t, device=None):
    grad_fn = None if t.grad_fn is None else type(t.grad_fn).__name__
    return jt_str.format_tensor(
        to_numpy(t), dtype=dtype_name(t.dtype),
        default_dtype=dtype_name(torch.get_default_dtype()), device=device,
        requires_grad=t.requires_grad, grad_fn=grad_fn)


def check(t):
    expected = repr(t)
    got = ours(t)
    assert got == expected, f"\nexpected:\n{expected}\ngot:\n{got}"


@contextlib.contextmanager
def both_options(**kwargs):
    """Apply the same print options to torch and to jtorch, restoring defaults."""
    torch_str.set_printoptions(**kwargs)
    jt_str.set_printoptions(**kwargs)
    try:
        yield
    finally:
        torch_str.set_printoptions(profile="default")
        jt_str.set_printoptions(profile="default")


@contextlib.contextmanager
def default_dtype(dtype):
    old = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(old)


@pytest.fixture(autouse=True)
def _restore_defaults():
    yield
    torch_str.set_printoptions(profile="default")
    jt_str.set_printoptions(profile="default")
    torch.set_default_dtype(torch.float32)


def make(values, dtype):
    """Torch tensor of ``dtype`` from float64/int/bool numpy values (or a list)."""
    arr = np.asarray(values)
    if dtype.startswith("complex"):
        arr = arr.astype(np.complex128)
        t = torch.complex(torch.from_numpy(np.ascontiguousarray(arr.real)),
                          torch.from_numpy(np.ascontiguousarray(arr.imag)))
        return t.to(getattr(torch, dtype))
    return torch.from_numpy(np.ascontiguousarray(arr)).to(getattr(torch, dtype))


# --------------------------------------------------------------------------
# a tensor subclass that reports device cuda:0 so torch prints that suffix


class _CudaLike(torch.Tensor):
    @staticmethod
    def __new__(cls, inner):
        out = torch.Tensor._make_wrapper_subclass(
            cls, inner.shape, dtype=inner.dtype, device="cuda:0", strides=inner.stride(),
            requires_grad=inner.requires_grad)
        out.inner = inner
        return out

    def __getitem__(self, index):
        return self.inner[index]

    def tolist(self):
        return self.inner.tolist()

    @classmethod
    def __torch_dispatch__(cls, func, types, args=(), kwargs=None):
        if func is torch.ops.aten._unpack_dual.default:
            return args[0], None
        unwrap = lambda x: x.inner if isinstance(x, _CudaLike) else x  # noqa: E731
        args = torch.utils._pytree.tree_map(unwrap, args)
        kwargs = torch.utils._pytree.tree_map(unwrap, kwargs or {})
        return func(*args, **kwargs)


_CudaLike.__name__ = "tensor"  # torch uses the class name as the repr prefix


def check_cuda(inner):
    fake = _CudaLike(inner)
    expected = repr(fake)
    assert "device='cuda:0'" in expected
    got = jt_str.format_tensor(
        to_numpy(inner), dtype=dtype_name(inner.dtype),
        default_dtype=dtype_name(torch.get_default_dtype()), device="cuda:0",
        requires_grad=inner.requires_grad)
    assert got == expected, f"\nexpected:\n{expected}\ngot:\n{got}"


# --------------------------------------------------------------------------
# targeted examples

EXAMPLES = [
    [1.0, 2.0],
    [1.5, 2.25, -3.125],
    [0.0, -0.0],
    [-0.0],
    [NAN, 1.0],
    [1.5, NAN, INF, -INF],
    [NAN, INF, -INF],
    [0.0, 0.0, 0.0],
    [1e-5, 1.0],
    [1e-4, 2e-4],
    [1.0, 1000.0],
    [1.0, 1001.0],
    [1.5, 1500.5],
    [1e8, 2e8],
    [1e9, 1.0, -7.0],
    [123456789.0, 0.5],
    [1e300, 1e-300],
    [5e-324, 1.0],
    [1e20, -1e20, 0.0],
    [0.1, 0.2, 0.3],
    [-1.0, 100.0, NAN],
    [3.0e38, -3.0e38],
]


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("values", EXAMPLES, ids=range(len(EXAMPLES)))
def test_float_examples(values, dtype):
    check(make(np.array(values), dtype))
    check(make(np.array(values[0]), dtype))  # 0-d


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("values", [
    [1 + 2j, -3.5 - 0.25j],
    [complex(0.0, -0.0), complex(-0.0, 0.0)],
    [complex(NAN, 1), complex(1, NAN), complex(INF, -INF)],
    [complex(1e-6, 1e6), 1j],
    [complex(1, 1), complex(2, 3)],
    [0j],
])
def test_complex_examples(values, dtype):
    check(make(np.array(values), dtype))
    check(make(np.array(values[0]), dtype))


@pytest.mark.parametrize("dtype", INT_DTYPES + ["bool"])
def test_integer_and_bool(dtype):
    info = np.iinfo(getattr(np, dtype)) if dtype != "bool" else None
    if info is None:
        vals = np.array([True, False, True])
    else:
        vals = np.array([info.min, 0, 1, info.max // 2, info.max], dtype=getattr(np, dtype))
    check(make(vals, dtype))
    check(make(vals[:1].reshape(()), dtype))
    check(make(np.resize(vals, (3, 4, 5)), dtype))


def test_huge_ints():
    check(torch.tensor([2**63 - 1, -(2**63), 0, 7]))
    check(torch.tensor(-(2**63)))
    check(torch.tensor([[1, -22], [333, 4444]]))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(0,), (2, 0, 3), (0, 5), (1, 0), (3, 0, 0, 2)])
def test_empty(shape, dtype):
    check(torch.zeros(shape, dtype=getattr(torch, dtype)))


@pytest.mark.parametrize("shape", [(40, 40), (2000,), (1001,), (4, 300), (10, 10, 20),
                                   (3, 3, 3, 50)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "complex64", "bool",
                                   "bfloat16", "float16"])
def test_summarized(shape, dtype):
    gen = torch.Generator().manual_seed(0)
    t = torch.randn(shape, generator=gen, dtype=torch.float64) * 3
    if dtype == "complex64":
        t = torch.complex(t, t.flip(-1) * 1e3)
    elif dtype == "int64":
        t = (t * 1e4).round()
    elif dtype == "bool":
        t = t > 0
    check(t.to(getattr(torch, dtype)))


def test_summary_uses_only_visible_values():
    t = torch.ones(2000)
    t[1000] = 1e-9  # hidden by "...", so it must not force sci mode
    check(t)
    check(torch.arange(2000).reshape(40, 50))


@pytest.mark.parametrize("shape", [(2, 3, 4), (2, 2, 2, 3), (1, 1, 1, 1), (3, 1, 2, 1, 2)])
def test_multi_dim(shape):
    gen = torch.Generator().manual_seed(1)
    check(torch.randn(shape, generator=gen))
    check(torch.arange(math.prod(shape)).reshape(shape))


@pytest.mark.parametrize("n", [5, 12, 30, 100])
def test_long_rows_wrap(n):
    check(torch.linspace(-1000, 1000, n))
    check(torch.arange(n) * 12345)
    check(torch.linspace(-1, 1, 3 * n).reshape(3, n))
    check(torch.complex(torch.linspace(-5, 5, n), torch.linspace(1, 2, n)))
    check(torch.linspace(-1, 1, 2 * n, dtype=torch.float64).reshape(2, 1, n))


def test_suffixes():
    check(torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True))
    x = torch.tensor([1.5, 2.5], requires_grad=True)
    check(x)
    check(x * 2)
    check((x * 2).sum())
    check(torch.linspace(0, 1, 60, dtype=torch.float64, requires_grad=True).reshape(6, 10) + 1)
    check(torch.linspace(0, 1, 7, dtype=torch.float64, requires_grad=True) * 3)
    check(torch.tensor([1.0], dtype=torch.float16, requires_grad=True).exp())


def test_device_suffix():
    check_cuda(torch.tensor([1.5, 2.0, NAN]))
    check_cuda(torch.linspace(0, 1, 12, dtype=torch.float64).reshape(3, 4))
    check_cuda(torch.zeros(0, 3))
    check_cuda(torch.zeros(0, dtype=torch.int32))
    check_cuda(torch.tensor(1 + 2j))
    check_cuda(torch.arange(30, dtype=torch.int16))
    check_cuda(torch.tensor([1.0, 2.0], requires_grad=True))


@pytest.mark.parametrize("default", [torch.float64, torch.float16, torch.bfloat16])
def test_default_dtype(default):
    with default_dtype(default):
        for dtype in DTYPES:
            t = torch.tensor([1, 0, 1]).to(getattr(torch, dtype))
            check(t)
            check(t[:0])
            check(t.reshape(1, 3, 1))
        check(torch.tensor([1.5, 2.0], dtype=default, requires_grad=True))


def test_dtype_aliases():
    values = np.array([1.0, 2.5])
    expected = repr(torch.tensor(values))
    assert jt_str.format_tensor(values, dtype="torch.float64") == expected
    assert jt_str.format_tensor(values, dtype="double") == expected
    with default_dtype(torch.float64):
        expected = repr(torch.tensor(values))
    assert jt_str.format_tensor(values, dtype="float64", default_dtype="double") == expected


# --------------------------------------------------------------------------
# print options


def test_get_printoptions_matches_torch():
    assert jt_str.get_printoptions() == torch_str.get_printoptions()
    for kwargs in [dict(profile="short"), dict(profile="full"), dict(precision=7),
                   dict(threshold=5, edgeitems=1, linewidth=40, sci_mode=True),
                   dict(profile="short", precision=6), dict(profile="bogus")]:
        with both_options(**kwargs):
            assert jt_str.get_printoptions() == torch_str.get_printoptions()
    assert jt_str.get_printoptions() == torch_str.get_printoptions()


def test_sci_mode_reset_by_later_call():
    with both_options(sci_mode=True):
        jt_str.set_printoptions(precision=3)
        torch_str.set_printoptions(precision=3)
        assert jt_str.get_printoptions()["sci_mode"] is None
        check(torch.tensor([1e-6, 1.0]))


def test_printoptions_context_manager():
    with jt_str.printoptions(precision=2, sci_mode=False):
        with torch_str.printoptions(precision=2, sci_mode=False):
            assert jt_str.get_printoptions() == torch_str.get_printoptions()
            check(torch.tensor([1e-6, 1.23456]))
    assert jt_str.get_printoptions() == torch_str.get_printoptions()


SAMPLE = [
    torch.tensor([1.123456789, -2.5, 1000.25]),
    torch.tensor([1e-6, 1.0, 3e5]),
    torch.tensor([1.0, 2.0, 3.0]),
    torch.tensor([1e10, 1.0]),
    torch.arange(100, dtype=torch.float64).reshape(10, 10) / 7,
    torch.arange(2000),
    torch.arange(24).reshape(2, 3, 4),
    torch.complex(torch.arange(12.0), -torch.arange(12.0) / 3).reshape(3, 4),
    torch.tensor(3.14159),
    torch.zeros(2, 0),
]


@pytest.mark.parametrize("kwargs", [
    dict(precision=2), dict(precision=0), dict(precision=10),
    dict(threshold=5), dict(threshold=5, edgeitems=1), dict(threshold=5, edgeitems=0),
    dict(edgeitems=0), dict(linewidth=20), dict(linewidth=200), dict(linewidth=1),
    dict(sci_mode=True), dict(sci_mode=False), dict(profile="short"), dict(profile="full"),
    dict(profile="default"), dict(profile="short", precision=5, threshold=10),
], ids=str)
def test_set_printoptions(kwargs):
    with both_options(**kwargs):
        for t in SAMPLE:
            check(t)
        check(torch.linspace(0, 1, 1200))


# --------------------------------------------------------------------------
# property-based


@st.composite
def float_values(draw, shape):
    regime = draw(st.sampled_from(["int", "unit", "wide", "any", "special"]))
    base = {
        "int": st.integers(-10**6, 10**6).map(float),
        "unit": st.floats(-10, 10),
        "wide": st.floats(-1e12, 1e12),
        "any": st.floats(width=64),
        "special": st.sampled_from(SPECIALS),
    }[regime]
    elements = st.one_of(base, base, base, st.sampled_from(SPECIALS))
    return draw(hnp.arrays(np.float64, shape, elements=elements))


@st.composite
def tensors(draw, max_side=5):
    dtype = draw(st.sampled_from(DTYPES))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=max_side))
    if dtype == "bool":
        return make(draw(hnp.arrays(np.bool_, shape)), dtype)
    if dtype in INT_DTYPES:
        np_dtype = getattr(np, dtype)
        small = st.integers(-50, 50).filter(lambda v: np_dtype(0) <= v or dtype != "uint8")
        elements = draw(st.sampled_from([None, small]))
        return make(draw(hnp.arrays(np_dtype, shape, elements=elements)), dtype)
    real = draw(float_values(shape))
    if dtype.startswith("complex"):
        imag = draw(float_values(shape))
        return torch.complex(torch.from_numpy(real), torch.from_numpy(imag)).to(
            getattr(torch, dtype))
    with np.errstate(over="ignore"):
        return make(real, dtype)


@settings(max_examples=150, **HYP)
@given(t=tensors(), requires_grad=st.booleans(),
       default=st.sampled_from([torch.float32, torch.float64]))
def test_random_tensors(t, requires_grad, default):
    if requires_grad and (t.is_floating_point() or t.is_complex()):
        t = t.requires_grad_(True)
    with default_dtype(default):
        check(t)


@settings(max_examples=100, **HYP)
@given(
    t=tensors(max_side=7),
    precision=st.none() | st.integers(0, 8),
    threshold=st.none() | st.integers(0, 40) | st.just(math.inf),
    edgeitems=st.none() | st.integers(0, 4),
    linewidth=st.none() | st.integers(1, 150),
    sci_mode=st.sampled_from([None, True, False]),
    profile=st.sampled_from([None, "default", "short", "full"]),
)
def test_random_printoptions(t, precision, threshold, edgeitems, linewidth, sci_mode, profile):
    with both_options(precision=precision, threshold=threshold, edgeitems=edgeitems,
                      linewidth=linewidth, sci_mode=sci_mode, profile=profile):
        assert jt_str.get_printoptions() == torch_str.get_printoptions()
        check(t)
