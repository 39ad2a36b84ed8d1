"""Tensor creation against real torch: torch.tensor/as_tensor/from_numpy, fills, *_like,
new_*, the legacy torch.Tensor constructor, arange/range/linspace/logspace, eye and
empty_strided. Values are compared exactly (bit for bit, NaN equal to NaN)."""
import subprocess
import sys
import textwrap
import warnings

import ml_dtypes
import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import jtorch as jt

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
          "complex64", "complex128"]


def host(t) -> np.ndarray:
    """A tensor's values as numpy (bfloat16 as float32)."""
    t = t.detach()
    if str(t.dtype) == "torch.bfloat16":
        t = t.float()
    return t.numpy().copy()


def summary(t):
    return (str(t.dtype), tuple(t.shape), t.requires_grad, t.device.type, t.stride(), t.is_contiguous())


def error_text(e) -> str:
    """An exception's message without torch's C++ suffixes and argument-list tails."""
    text = str(e).split("(Triggered internally")[0].split("\nException raised from")[0]
    return text.split(", but expected")[0].split("\n")[0].strip()


def outcome(fn, lib):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ("ok", fn(lib))
    except Exception as e:  # noqa: BLE001 - any exception is an outcome to compare
        return ("raise", type(e).__name__, error_text(e))


def check(fn):
    """Run fn(torch) and fn(jtorch); results (tensors, or tuples/lists of values) must
    match in dtype, shape, strides, requires_grad and exact values; errors in type and text."""
    expected, actual = outcome(fn, torch), outcome(fn, jt)
    if expected[0] == "raise" or actual[0] == "raise":
        assert actual == expected
        return
    t, j = expected[1], actual[1]
    if isinstance(t, torch.Tensor):
        assert isinstance(j, jt.Tensor)
        assert summary(j) == summary(t)
        np.testing.assert_array_equal(host(j), host(t), strict=True)
    else:
        assert j == t


def run(src):
    return lambda m: eval(src, {"m": m, "np": np})


def dt(m, name):
    return getattr(m, name)


# ----------------------------------------------------------------- torch.tensor
TENSOR_CASES = [
    # Python scalars and nested sequences
    "m.tensor(3)", "m.tensor(3.5)", "m.tensor(True)", "m.tensor(1+2j)", "m.tensor([])", "m.tensor([[]])",
    "m.tensor([[], []])", "m.tensor([[[]]])", "m.tensor([1, 2.5])", "m.tensor([True, 2])", "m.tensor([True, 2.0])",
    "m.tensor([1, 1j])", "m.tensor((1, 2))", "m.tensor([[1, 2], (3, 4)])", "m.tensor(range(3))",
    "m.tensor([range(2), range(2)])", "m.tensor(bytearray(b'ab'))", "m.tensor([[], [1]])", "m.tensor([[], 1])",
    # ragged and malformed data
    "m.tensor([[1, 2], [3]])", "m.tensor([[1], []])", "m.tensor([[1, 2], [3, 4, 5]])", "m.tensor([[[1, 2]], [[3]]])",
    "m.tensor([[1, 2], 3])", "m.tensor([1, [2, 3]])", "m.tensor([1, []])", "m.tensor([[[1, 2]], [3]])",
    "m.tensor('abc')", "m.tensor(b'ab')", "m.tensor(['a'])", "m.tensor([[1, 'a']])", "m.tensor([b'ab'])",
    "m.tensor(None)", "m.tensor([None])", "m.tensor([1, None])", "m.tensor({1: 2})", "m.tensor({1, 2})",
    "m.tensor((x for x in [1]))", "m.tensor([1, None], dtype=m.float32)", "m.tensor([1, None], dtype=m.int64)",
    "m.tensor([[1, 2], 'ab'], dtype=m.float32)", "m.tensor([[1, [2]]], dtype=m.complex64)",
    "m.tensor([[1, [2]]], dtype=m.bool)",
    # integer range checks and conversions
    "m.tensor(2**63)", "m.tensor(2**63 - 1)", "m.tensor(-2**63)", "m.tensor([2**64])", "m.tensor(300, dtype=m.uint8)",
    "m.tensor(-1, dtype=m.uint8)", "m.tensor(-255, dtype=m.uint8)", "m.tensor(-256, dtype=m.uint8)",
    "m.tensor(-1.5, dtype=m.uint8)", "m.tensor(-0.5, dtype=m.uint8)", "m.tensor(255.5, dtype=m.uint8)",
    "m.tensor(-129, dtype=m.int8)", "m.tensor(1.7, dtype=m.int64)", "m.tensor(-1.7, dtype=m.int64)",
    "m.tensor(float('inf'), dtype=m.int64)", "m.tensor(float('nan'), dtype=m.int32)", "m.tensor(2**63, dtype=m.int8)",
    "m.tensor(2**63, dtype=m.float32)", "m.tensor(2**1030, dtype=m.float32)", "m.tensor([1.5, 2**70])",
    "m.tensor([1.5, 2**1030])", "m.tensor(1e300, dtype=m.float32)", "m.tensor(1+2j, dtype=m.float32)",
    "m.tensor(1+1j, dtype=m.bool)", "m.tensor(2**70, dtype=m.bool)", "m.tensor([0.5, 0], dtype=m.bool)",
    "m.tensor(0.1, dtype=m.float16)", "m.tensor(1.00048828125 + 2**-40, dtype=m.float16)",
    "m.tensor(1.00390625 + 2**-40, dtype=m.bfloat16)", "m.tensor(3.14159, dtype=m.bfloat16)",
    "m.tensor([1.5, 2.5], dtype=m.complex128)", "m.tensor(True, dtype=m.float32)",
    # numpy scalars
    "m.tensor(np.float32(1.5))", "m.tensor(np.int16(1))", "m.tensor(np.float64(1.5))", "m.tensor(np.bool_(True))",
    "m.tensor(np.complex64(1j))", "m.tensor([np.float32(1.5), np.float32(2)])", "m.tensor([np.int32(1), 2])",
    "m.tensor([np.float64(1.5), 2])", "m.tensor([1, np.float16(2)])", "m.tensor([np.float16(1), 1j])",
    "m.tensor([np.bool_(False), True])", "m.tensor([np.float32(1.5)], dtype=m.int64)",
    "m.tensor([np.float64(1.5)], dtype=m.int64)", "m.tensor([np.bool_(True)], dtype=m.int64)",
    "m.tensor([np.float32(1.5)], dtype=m.bool)", "m.tensor([np.complex64(1.5)], dtype=m.complex128)",
    "m.tensor(np.int64(300), dtype=m.uint8)", "m.tensor(np.int32(-1), dtype=m.uint8)",
    "m.tensor(np.float64(1e300), dtype=m.float16)", "m.tensor(np.int64(5), dtype=m.float32)",
    # 0-d tensors and tensors inside lists
    "m.tensor([m.tensor(1), m.tensor(2)])", "m.tensor([m.tensor(1.5), m.tensor(2)])",
    "m.tensor([m.tensor(1, dtype=m.int32), m.tensor(2, dtype=m.int32)])",
    "m.tensor([m.tensor(1, dtype=m.float16), 2])", "m.tensor([m.tensor(True), m.tensor(1, dtype=m.uint8)])",
    "m.tensor([m.tensor(1, dtype=m.int8), m.tensor(1, dtype=m.uint8)])",
    "m.tensor([m.tensor(1, dtype=m.bfloat16), m.tensor(1, dtype=m.float16)])",
    "m.tensor([m.tensor(1, dtype=m.float64), 1j])", "m.tensor([m.tensor(1), m.tensor([1])])",
    "m.tensor([m.tensor([1, 2]), m.tensor([3, 4])])", "m.tensor([m.tensor([1., 2.]), m.tensor([3., 4.])])",
    "m.tensor([[1, 2], m.tensor([3, 4])])", "m.tensor([m.tensor([1, 2]), [3, 4]])",
    "m.tensor([1.5, m.tensor([2.], dtype=m.float64)])", "m.tensor([1.5, m.tensor([2., 3.], dtype=m.float64)])",
    "m.tensor([m.tensor(1.5)], dtype=m.int64)", "m.tensor([m.tensor(True)], dtype=m.int64)",
    "m.tensor([m.tensor(2)], dtype=m.bool)", "m.tensor([m.tensor(1.5)], dtype=m.bool)",
    "m.tensor([m.tensor(1+0j)], dtype=m.float32)", "m.tensor([m.tensor(1+1j)], dtype=m.float32)",
    "m.tensor([m.tensor(1.5)], dtype=m.complex64)", "m.tensor([m.tensor(300)], dtype=m.uint8)",
    "m.tensor([m.tensor(1.1, dtype=m.float64)], dtype=m.float16)", "m.tensor([[m.tensor(1)]])",
    "m.tensor([m.tensor([[1]], dtype=m.int64)], dtype=m.int64)",
    # dtype=, device= and requires_grad=
    "m.tensor([1, 2], dtype=float)", "m.tensor([1, 2], dtype=int)", "m.tensor([1, 2], dtype=bool)",
    "m.tensor([], dtype=complex)", "m.tensor(3, dtype='float32')", "m.tensor(3, dtype=np.float32)",
    "m.tensor([1, 2], device='cpu')", "m.tensor([1, 2], device=m.device('cpu'))",
    "m.tensor([1, 2], requires_grad=True)", "m.tensor([1., 2], requires_grad=True)",
    "m.tensor([1, 2], dtype=m.float64, requires_grad=True)", "m.tensor([1, 2], dtype=m.complex64, requires_grad=True)",
    "m.tensor([[1], [2]], dtype=m.int32, requires_grad=True)", "m.tensor(np.array([1, 2]), requires_grad=True)",
    "m.tensor([1], m.float32)",
]


@pytest.mark.parametrize("src", TENSOR_CASES)
def test_tensor(src):
    check(run(src))


NUMPY_CASES = [
    "m.tensor(np.array(2.5))", "m.tensor(np.zeros((2, 0)))", "m.tensor([np.zeros((0,))])",
    "m.tensor([np.arange(2), np.arange(2)])", "m.tensor([np.array(1.5, dtype=np.float32), 2])",
    "m.tensor([2, np.array(1.5, dtype=np.float32)])", "m.tensor(np.arange(6.).reshape(2, 3).T)",
    "m.tensor(np.zeros((2, 3), np.float32)[:, ::2])", "m.tensor(np.arange(3)[::-1])",
    "m.tensor(np.arange(3).astype('>i4'))", "m.tensor(np.arange(3, dtype=np.longdouble))",
    "m.tensor(np.array([1], dtype=object))", "m.tensor(np.array(['a']))", "m.tensor(np.array(['a']), dtype=m.float32)",
    "m.tensor(np.array([1], dtype='datetime64[s]'))", "m.tensor(np.zeros(2, ml_dtypes.bfloat16))",
    "m.tensor(np.array([1e300]), dtype=m.float16)", "m.tensor(np.array([1.00048828125 + 2**-40]), dtype=m.float16)",
    "m.tensor(np.array([1e300, -1e300, np.nan]), dtype=m.int32)", "m.tensor(np.array([np.nan]), dtype=m.int64)",
    "m.tensor(np.array([-1.5, 300.7, -3.2, 1e10 + 5]), dtype=m.uint8)",
    "m.tensor(np.array([300.7, -3.2, 1e10 + 5, -1e10]), dtype=m.int8)",
    "m.tensor(np.array([300.7, -3.2, 1e10 + 5, -1e10]), dtype=m.int16)", "m.tensor(np.array([300]), dtype=m.uint8)",
    "m.tensor(np.array([1+1j]), dtype=m.float32)", "m.tensor(np.array([1+1j, 0]), dtype=m.bool)",
    "m.tensor(np.array([0.5, 0.0]), dtype=m.bool)", "m.tensor(np.lib.stride_tricks.as_strided("
    "np.zeros(4, np.int32), shape=(2,), strides=(5,)))",
]


@pytest.mark.parametrize("src", NUMPY_CASES)
def test_tensor_from_numpy_data(src):
    check(lambda m: eval(src, {"m": m, "np": np, "ml_dtypes": ml_dtypes}))


def test_tensor_copies_a_tensor_with_a_warning():
    for lib in (torch, jt):
        source = lib.tensor([1.0, 2.0], requires_grad=True)
        with pytest.warns(UserWarning, match=r"rather than torch.tensor\(sourceTensor\)"):
            copy = lib.tensor(source)
        assert not copy.requires_grad and copy.grad_fn is None
        with pytest.warns(UserWarning):
            leaf = lib.tensor(source, requires_grad=True)
        assert leaf.requires_grad and leaf.is_leaf
        copy.add_(1)
        assert source.tolist() == [1.0, 2.0]
    check(lambda m: m.tensor(m.tensor([1.5, 2]), dtype=m.int32))
    check(lambda m: m.tensor(m.tensor([1, 2, 3]).t()))
    check(lambda m: m.tensor(m.arange(6.).reshape(2, 3).t()))


SCALARS = st.one_of(st.booleans(), st.integers(-300, 300), st.floats(width=32), st.floats(-1e4, 1e4),
                    st.complex_numbers(max_magnitude=1e4, allow_nan=False))


@st.composite
def nested_data(draw):
    shape = draw(st.lists(st.integers(0, 3), max_size=3))
    kinds = draw(st.sets(st.sampled_from(["bool", "int", "float", "complex"]), min_size=1))
    pools = {"bool": st.booleans(), "int": st.integers(-300, 300),
             "float": st.floats(width=32) | st.floats(-300, 300),
             "complex": st.complex_numbers(max_magnitude=300, allow_nan=False)}
    element = st.one_of(*(pools[k] for k in sorted(kinds)))

    def build(dims):
        if not dims:
            return draw(element)
        items = [build(dims[1:]) for _ in range(dims[0])]
        return tuple(items) if draw(st.booleans()) else items

    return build(shape)


@given(data=nested_data(), dtype=st.sampled_from([None] + DTYPES))
def test_tensor_from_nested_lists(data, dtype):
    check(lambda m: m.tensor(data, dtype=None if dtype is None else dt(m, dtype)))


@given(value=SCALARS, dtype=st.sampled_from([None] + DTYPES))
def test_tensor_from_a_scalar(value, dtype):
    check(lambda m: m.tensor(value, dtype=None if dtype is None else dt(m, dtype)))


NUMPY_DTYPES = [np.bool_, np.uint8, np.int8, np.int16, np.int32, np.int64, np.float16, np.float32, np.float64,
                np.complex64, np.complex128]


@st.composite
def numpy_arrays(draw):
    np_dtype = np.dtype(draw(st.sampled_from(NUMPY_DTYPES)))
    if np_dtype.kind == "f":
        elements = st.floats(-300, 300, width=np_dtype.itemsize * 8)
    elif np_dtype.kind == "c":
        elements = st.complex_numbers(max_magnitude=300, width=np_dtype.itemsize * 8)
    else:
        elements = None
    array = draw(hnp.arrays(np_dtype, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
                            elements=elements))
    if array.ndim == 2 and draw(st.booleans()):
        array = array.T  # a non-contiguous layout torch preserves
    return array


@given(array=numpy_arrays(), dtype=st.sampled_from([None] + DTYPES))
def test_tensor_and_as_tensor_from_numpy(array, dtype):
    check(lambda m: m.tensor(array, dtype=None if dtype is None else dt(m, dtype)))
    check(lambda m: m.as_tensor(array.copy(), dtype=None if dtype is None else dt(m, dtype)))


# ----------------------------------------------------------------- as_tensor and from_numpy
def test_as_tensor_shares_or_returns_the_same_object():
    for lib in (torch, jt):
        t = lib.arange(3)
        assert lib.as_tensor(t) is t
        assert lib.as_tensor(t, dtype=lib.int64) is t
        assert lib.as_tensor(t, device="cpu") is t
        assert lib.as_tensor(t, dtype=lib.float32) is not t
        a = np.arange(3.0)
        shared = lib.as_tensor(a)
        a[0] = 9
        assert shared.tolist() == [9.0, 1.0, 2.0]
        shared[1] = 7
        assert a.tolist() == [9.0, 7.0, 2.0]
        copy = lib.as_tensor(a, dtype=lib.float32)
        a[2] = 5
        assert copy.tolist() == [9.0, 7.0, 2.0]
        grad = lib.tensor([1.0], requires_grad=True)
        assert lib.as_tensor(grad) is grad
        assert type(lib.as_tensor(grad, dtype=lib.float64).grad_fn).__name__ == "ToCopyBackward0"
    for src in ["m.as_tensor([1, 2])", "m.as_tensor([1, 2], dtype=m.float64)", "m.as_tensor(3.5)",
                "m.as_tensor(np.float32(3))", "m.as_tensor([[1], [2, 3]])", "m.as_tensor(np.arange(3)[::-1])",
                "m.as_tensor(np.arange(3, dtype='>i4'), dtype=m.float32)", "m.as_tensor(np.array(['a']))",
                "m.as_tensor(np.array([1.5, 300.]), dtype=m.uint8)", "m.as_tensor(np.arange(3), device='cpu')",
                "m.as_tensor(np.arange(6.).reshape(2, 3).T)", "m.as_tensor([1], dtype='float')"]:
        check(run(src))


FROM_NUMPY_CASES = [
    "m.from_numpy(np.array([1, 2], dtype=np.{})".format(d.__name__) + ")" for d in NUMPY_DTYPES
] + [
    "m.from_numpy(np.array(1.5))", "m.from_numpy(np.zeros((2, 0)))", "m.from_numpy(np.arange(6.).reshape(2, 3).T)",
    "m.from_numpy(np.arange(6.).reshape(2, 3)[:, ::2])", "m.from_numpy(np.arange(3)[::-1])",
    "m.from_numpy(np.arange(3, dtype='>i4'))", "m.from_numpy(np.arange(3, dtype='>i4')[::-1])",
    "m.from_numpy(np.array(['a', 'b'])[::-1])", "m.from_numpy(np.zeros(2, np.longdouble))",
    "m.from_numpy(np.zeros(2, 'V3'))", "m.from_numpy(np.zeros(2, ml_dtypes.bfloat16))", "m.from_numpy([1])",
    "m.from_numpy(np.float64(1))",
    "m.from_numpy(np.lib.stride_tricks.as_strided(np.zeros(4, np.int32), shape=(2,), strides=(5,)))",
]


@pytest.mark.parametrize("src", FROM_NUMPY_CASES)
def test_from_numpy(src):
    check(lambda m: eval(src, {"m": m, "np": np, "ml_dtypes": ml_dtypes}))


@pytest.mark.parametrize("np_dtype", NUMPY_DTYPES)
def test_from_numpy_shares_memory(np_dtype):
    for lib in (torch, jt):
        a = np.arange(6).reshape(2, 3).astype(np_dtype)
        t = lib.from_numpy(a.T)
        a[0, 1] = 0
        assert t.tolist() == a.T.tolist()
        t[2, 1] = 1
        assert a[1, 2] == 1


def test_warn_once_messages_match_torch():
    """torch warns once per process for non-writable arrays and for lists of ndarrays."""
    script = textwrap.dedent("""
        import sys, warnings
        import numpy as np
        lib = __import__(sys.argv[1])
        warnings.simplefilter("always")
        a = np.arange(3.0)
        a.flags.writeable = False
        for make in (lib.from_numpy, lib.from_numpy, lib.as_tensor, lib.tensor, lib.Tensor,
                     lambda x: lib.tensor([x]), lambda x: lib.tensor([x])):
            with warnings.catch_warnings(record=True) as caught:
                make(a)
            print([str(w.message).split(" (Triggered")[0] for w in caught])
    """)
    outputs = [subprocess.run([sys.executable, "-c", script, name], capture_output=True, text=True, check=True).stdout
               for name in ("torch", "jtorch")]
    assert outputs[1] == outputs[0]


def test_scalar_of_grad_warning_matches_torch():
    """float()/complex() of a tensor that requires grad warn once, and only in grad mode
    (torch.optim.LBFGS converts its loss under no_grad without a warning)."""
    script = textwrap.dedent("""
        import sys, warnings
        lib = __import__(sys.argv[1])
        warnings.simplefilter("always")
        x = lib.ones(1, requires_grad=True) * 2
        z = lib.ones(1, dtype=lib.complex64, requires_grad=True) * 2
        steps = [lambda: lib.no_grad().__enter__() and None, lambda: float(x), lambda: complex(z),
                 lambda: lib.set_grad_enabled(True), lambda: int(x), lambda: x.item(), lambda: float(x),
                 lambda: float(x), lambda: complex(z)]
        for step in steps:
            with warnings.catch_warnings(record=True) as caught:
                step()
            print([str(w.message).split(" (Triggered")[0] for w in caught])
    """)
    outputs = [subprocess.run([sys.executable, "-c", script, name], capture_output=True, text=True, check=True).stdout
               for name in ("torch", "jtorch")]
    assert outputs[1] == outputs[0]


# ----------------------------------------------------------------- constant fills
FILL_CASES = [
    # sizes
    "m.zeros(2, 3)", "m.zeros((2, 3))", "m.zeros([2, 3])", "m.zeros(m.Size([2, 3]))", "m.zeros(())", "m.zeros([])",
    "m.zeros(0)", "m.zeros(0, 3)", "m.zeros()", "m.zeros(size=(2,))", "m.ones(size=2)", "m.zeros((2,), 3)",
    "m.zeros(-1)", "m.zeros(2, -3)", "m.ones(-2)", "m.empty(2, -2)", "m.zeros(2.5)", "m.zeros((2, 2.5))",
    "m.zeros(2, 2.5)", "m.zeros('a')", "m.zeros(None)", "m.zeros((2, None))", "m.zeros(True)", "m.zeros((True, 2))",
    "m.zeros(np.int64(2))", "m.zeros(2, np.int32(3))", "m.zeros(m.tensor(2))", "m.zeros([2, m.tensor(3)])",
    "m.zeros([2, m.tensor(3.)])", "m.zeros(m.tensor([2, 3]))", "m.zeros(np.array([2, 3]))", "m.zeros(2**63)",
    # dtype and options
    "m.zeros(2, dtype=m.int32)", "m.zeros(2, dtype=float)", "m.zeros(2, dtype='float')", "m.zeros(2, dtype=m.bool)",
    "m.ones(2, 3, dtype=m.complex64)", "m.ones(2, dtype=m.bfloat16)", "m.ones(2, dtype=m.uint8)",
    "m.zeros(2, requires_grad=True)", "m.zeros(2, dtype=m.int32, requires_grad=True)",
    "m.zeros(2, 3, device='cpu')", "m.zeros(2, 3, device=m.device('cpu'))",
    # full and its dtype inference
    "m.full((2, 3), 1.5)", "m.full((2, 3), 1)", "m.full((2, 3), True)", "m.full((2, 3), 1j)", "m.full((), 1.5)",
    "m.full([2], 1.5)", "m.full(2, 1.5)", "m.full((-1,), 1.5)", "m.full((2, -3), 1)", "m.full((2,), 'a')",
    "m.full((2,), None)", "m.full(size=(2,), fill_value=3)", "m.full((2,), 1.5, requires_grad=True)",
    "m.full((2,), 1, requires_grad=True)", "m.full((2,), 1, dtype=m.float64)", "m.full((2,), 2.7, dtype=m.int32)",
    "m.full((2,), m.tensor(3))", "m.full((2,), m.tensor(3.5))", "m.full((2,), m.tensor(3, dtype=m.int32))",
    "m.full((2,), m.tensor(True))", "m.full((2,), m.tensor(1j))", "m.full((2,), m.tensor([3.5]))",
    "m.full((2,), m.tensor(1.5, requires_grad=True))", "m.full((2,), np.float32(1.5))", "m.full((2,), np.int8(1))",
    "m.full((2,), np.bool_(1))", "m.full((2,), np.float16(1.5))", "m.full((2,), np.array(1.5))",
    "m.full((2,), 2**63)", "m.full((2,), 2**64)", "m.full((2,), -2**63)", "m.full((2,), -2**63 - 1)",
    "m.full((2,), 0.1, dtype=m.float16)", "m.full((2,), 1.00048828125 + 2**-40, dtype=m.float16)",
    "m.full((2,), 1.00390625 + 2**-40, dtype=m.bfloat16)", "m.full((0,), 300, dtype=m.uint8)",
    "m.full((2,), 3.4028234663852886e38, dtype=m.float32)", "m.full((2,), 3.4028235e38, dtype=m.float32)",
    "m.full((2,), float('inf'), dtype=m.float32)", "m.full((2,), float('nan'), dtype=m.float16)",
    "m.full((2,), 1e300j, dtype=m.complex64)",
]


@pytest.mark.parametrize("src", FILL_CASES)
def test_fills(src):
    check(run(src))


FILL_VALUES = [70000., 65519.0, 65504.0, 1e39, 1e300, 2**31, 300, -300, 256, -255, -256, 200, 40000, 1 + 1j,
               1e300j, float("nan"), float("inf"), -1.5, -0.5, 1.5, 2**63, 0.5, True]


@pytest.mark.parametrize("numel", [1, 2])
@pytest.mark.parametrize("dtype", DTYPES)
def test_full_checks_the_fill_value_against_the_dtype(dtype, numel):
    for value in FILL_VALUES:
        check(lambda m: m.full((numel,), value, dtype=dt(m, dtype)))


OUT_CASES = [
    "m.zeros(2, out=m.empty(3))", "m.ones(2, 2, out=m.empty(0, dtype=m.int32))", "m.empty(2, out=m.empty(3)).shape",
    "m.full((2,), 1.5, out=m.empty(0, dtype=m.int32))", "m.full((2,), 1j, out=m.empty(0, dtype=m.float64))",
    "m.full((2,), 1, dtype=m.int32, out=m.empty(0, dtype=m.float64))", "m.zeros(2, dtype=m.int64, out=m.empty(3))",
    "m.zeros(2, out=m.empty(3, requires_grad=True))", "m.zeros(2, out=m.empty(3), requires_grad=True)",
    "m.zeros(2, out=m.empty(3, dtype=m.int32), requires_grad=True)", "m.zeros(2, out=[1])",
    "m.zeros(2, 2, out=m.empty(4, 4)[::2, ::2])",
]


@pytest.mark.parametrize("src", OUT_CASES)
def test_fill_out(src):
    check(run(src))


def test_out_is_returned_and_written_through_views():
    for lib in (torch, jt):
        base = lib.zeros(4, 4)
        out = base[::2, ::2]
        assert lib.ones(2, 2, out=out) is out
        assert base.sum().item() == 4
        resized = lib.empty(5)
        assert lib.full((2, 3), 7.0, out=resized) is resized and resized.shape == (2, 3)


LIKE_CASES = [
    "m.zeros_like(m.ones(2, dtype=m.int32))", "m.zeros_like(m.ones(2, dtype=m.int32), dtype=m.float64)",
    "m.ones_like(m.ones(2, 3), dtype=m.bool)", "m.ones_like(m.ones(2, 3), device='cpu')",
    "m.ones_like(m.ones(2, 3, requires_grad=True))", "m.ones_like(m.ones(2, 3), requires_grad=True)",
    "m.ones_like(m.ones(2, dtype=m.int64), requires_grad=True)", "m.empty_like(m.ones(2, 3)).shape",
    "m.full_like(m.ones(2, 3), 7)", "m.full_like(m.ones(2, 3, dtype=m.int32), 7.9)",
    "m.full_like(m.ones(2, dtype=m.uint8), 300)", "m.full_like(m.ones(2, dtype=m.uint8), -1)",
    "m.full_like(m.ones(2, dtype=m.int32), 1j)", "m.full_like(m.ones(2), 1j)",
    "m.full_like(m.ones(2), 1, dtype=m.complex64)", "m.zeros_like([1, 2])",
    "m.zeros_like(m.ones(2, 3).t())", "m.ones_like(m.ones(2, 3, 4).permute(2, 0, 1))",
    "m.zeros_like(m.ones(4, 6)[::2, 1:])", "m.zeros_like(m.ones(2, 3).t(), memory_format=m.contiguous_format)",
    "m.zeros_like(m.ones(2, 3).t(), memory_format=m.preserve_format)",
    "m.ones_like(m.ones(2, 3, 4, 5), memory_format=m.channels_last)",
    "m.full_like(m.ones(3, 2).t(), 2.5)", "m.zeros_like(m.ones(2, 3).t()).view(-1)",
]


@pytest.mark.parametrize("src", LIKE_CASES)
def test_like(src):
    check(run(src))


NEW_CASES = [
    "m.ones(2, 3).new_zeros(4)", "m.ones(2, 3).new_zeros((4, 5))", "m.ones(2, 3).new_zeros(4, 5)",
    "m.ones(2, 3).new_zeros([4, 5], dtype=m.int32)", "m.ones(2, 3).new_zeros(size=(4,))", "m.ones(2, 3).new_zeros(())",
    "m.ones(2, 3).new_zeros()", "m.ones(2, 3).new_zeros(-1)", "m.ones(2, dtype=m.int32).new_ones(3)",
    "m.ones(2, dtype=m.int32).new_ones(3, requires_grad=True)", "m.ones(2, requires_grad=True).new_ones(3)",
    "m.ones(2, dtype=m.int32).new_empty((3,)).shape", "m.ones(2, dtype=m.int32).new_full((3,), 2.5)",
    "m.ones(2, dtype=m.float64).new_full((3,), 2)", "m.ones(2, dtype=m.float64).new_full(3, 2)",
    "m.ones(2, dtype=m.float64).new_full([3], 2, dtype=m.int16)", "m.ones(2).new_full((2,), 1+1j)",
    "m.ones(2, dtype=m.float64).new_tensor([1, 2])", "m.ones(2, dtype=m.float64).new_tensor([1, 2], dtype=m.int8)",
    "m.ones(2, dtype=m.int32).new_tensor([1.7, 2])", "m.ones(2, dtype=m.int32).new_tensor(np.array([1.7, 2]))",
    "m.ones(2, dtype=m.int32).new_tensor(m.tensor([1.7, 2]))", "m.ones(2, dtype=m.int32).new_tensor(5)",
    "m.ones(2, requires_grad=True).new_tensor([5.])", "m.ones(2).new_tensor([5.], requires_grad=True)",
    "m.ones(2, dtype=m.uint8).new_tensor([300])",
]


@pytest.mark.parametrize("src", NEW_CASES)
def test_new(src):
    check(run(src))


LEGACY_CASES = [
    "m.Tensor(2, 3).shape", "str(m.Tensor(2, 3).dtype)", "m.Tensor([2, 3])", "m.Tensor((2, 3))", "m.Tensor([[1, 2]])",
    "m.Tensor([True])", "m.Tensor([1j])", "m.Tensor()", "m.Tensor(0)", "m.Tensor(m.Size([2, 3])).shape",
    "m.Tensor(m.Size([])).shape", "m.Tensor(())", "m.Tensor([])", "m.Tensor([[]])", "m.Tensor(np.array([1, 2]))",
    "m.Tensor(np.array([1.5, 2]))", "m.Tensor(np.array(2.5))", "m.Tensor(np.array([1, 2], dtype='>i2'))",
    "m.Tensor(m.tensor([1, 2]))", "m.Tensor(m.tensor(2))", "m.Tensor(-1)", "m.Tensor(2, -1)", "m.Tensor(2.5)",
    "m.Tensor(np.float64(2.5))", "m.Tensor(np.int64(2)).shape", "m.Tensor(True)", "m.Tensor(2, 3.0)",
    "m.Tensor(2, 'a')", "m.Tensor((2, 3.0))", "m.Tensor(range(3))", "m.Tensor((x for x in range(3)))", "m.Tensor('a')",
    "m.Tensor([[1, 2], [3]])", "m.Tensor([2**63])", "m.Tensor([1e300])", "m.Tensor(3, device='cpu').shape",
    "m.Tensor([1, 2], device='cpu')", "m.Tensor([1, 2], dtype=m.float64)", "m.Tensor(2, m.tensor(3)).shape",
    "m.Tensor(m.tensor(3), 2).shape",
]


@pytest.mark.parametrize("src", LEGACY_CASES)
def test_legacy_constructor(src):
    check(run(src))


def test_legacy_constructor_aliases_a_tensor():
    for lib in (torch, jt):
        source = lib.tensor([1.0, 2.0], requires_grad=True)
        alias = lib.Tensor(source)
        assert alias is not source and alias.requires_grad
        assert type(alias.grad_fn).__name__ == "AliasBackward0"
        assert alias._base is source
        with lib.no_grad():
            alias[0] = 5
        assert source.tolist() == [5.0, 2.0]


# ----------------------------------------------------------------- ranges
RANGE_CASES = [
    # arange dtype inference, bounds and errors
    "m.arange(3)", "m.arange(2.5)", "m.arange(-3)", "m.arange(0)", "m.arange(end=5)", "m.arange(start=1, end=5)",
    "m.arange(1, end=5)", "m.arange(1, 5, step=2)", "m.arange(1, 0)", "m.arange(1.5, 0)", "m.arange(0, 1, 0)",
    "m.arange(0, 1, -1)", "m.arange(1, 0, 1.0)", "m.arange(0, float('inf'))", "m.arange(float('nan'))",
    "m.arange(0, float('nan'))", "m.arange(0, 5, float('nan'))", "m.arange(0, 5, float('inf'))",
    "m.arange(0, 1e20, 1e-20)", "m.arange(m.tensor(5))", "m.arange(m.tensor(5.))",
    "m.arange(m.tensor(5, dtype=m.int32))", "m.arange(m.tensor([5]))", "m.arange(np.int32(4))",
    "m.arange(np.float32(2.5))", "m.arange(True)", "m.arange(1j)", "m.arange(5, dtype=m.bool)",
    "m.arange(5, dtype=m.complex64)", "m.arange(5, dtype=m.uint8)", "m.arange(250, 260, dtype=m.uint8)",
    "m.arange(0, 300, 100, dtype=m.int8)", "m.arange(300, 305, dtype=m.int8)", "m.arange(0, 5, 0.5, dtype=m.int32)",
    "m.arange(0, 5, 0.5, dtype=m.int64)", "m.arange(0.5, 5, dtype=m.int64)", "m.arange(0.5, 5, dtype=m.int32)",
    "m.arange(-0.5, 5, 1.5, dtype=m.int32)", "m.arange(2**62, 2**62 + 3)", "m.arange(2**63)",
    "m.arange(0, 2**63 - 1, 2**62)", "m.arange(-2**63, 0, 2**62)", "m.arange(0, 10, 2**63)",
    "m.arange(0, 10, 3, dtype=m.float16)", "m.arange(0, 70000., 10000, dtype=m.float16)",
    "m.arange(0, 1e39, 1e38, dtype=m.float16)", "m.arange(1e39, 2e39, 1e38, dtype=m.float16)",
    "m.arange(5, requires_grad=True)", "m.arange(5., requires_grad=True)", "m.arange(5, device='cpu')",
    "m.arange(0, 1, 0.1)", "m.arange(0, 1, 0.1, dtype=m.float64)", "m.arange(1, 0, -0.1)",
    "m.arange(-1, 1, 0.01)", "m.arange(0, 10, 0.1, dtype=m.float16)", "m.arange(0, 10, 0.1, dtype=m.bfloat16)",
    "m.arange(5, out=m.empty(0))", "m.arange(5, out=m.empty(0, dtype=m.int32))",
    "m.arange(5.5, out=m.empty(0, dtype=m.int32))", "m.arange(5, dtype=m.float64, out=m.empty(0, dtype=m.int32))",
    "m.arange(5, out=m.empty(5, dtype=m.int64))", "m.arange(3, out=m.empty(3, requires_grad=True))",
    # torch.range (deprecated)
    "m.range(0, 3)", "m.range(0, 3, 0.5)", "m.range(0, 3, dtype=m.int64)", "m.range(3, 0, -1)", "m.range(3, 0)",
    "m.range(0, 1, 0.1)", "m.range(0, 3, 0)", "m.range(0, 3.5)", "m.range(3)", "m.range(0, float('inf'))",
    "m.range(0, 1, out=m.empty(3))",
    # linspace
    "m.linspace(0, 1, 5)", "m.linspace(0, 1, 0)", "m.linspace(0, 1, 1)", "m.linspace(0, 1, -1)", "m.linspace(0, 1)",
    "m.linspace(0, 10, 5, dtype=m.int64)", "m.linspace(0, 10, 4, dtype=m.int64)", "m.linspace(10, 0, 4, dtype=m.int64)",
    "m.linspace(-5, 5, 4, dtype=m.int8)", "m.linspace(0, 300, 4, dtype=m.int8)", "m.linspace(0, 300, 4, dtype=m.uint8)",
    "m.linspace(300, 300, 1, dtype=m.uint8)", "m.linspace(0, 1, 5, dtype=m.bool)", "m.linspace(0, 1, 1, dtype=m.bool)",
    "m.linspace(2, 1, 1, dtype=m.bool)", "m.linspace(0, 1j, 3)", "m.linspace(0, 1j, 3, dtype=m.float32)",
    "m.linspace(0, 1+1j, 3, dtype=m.complex128)", "m.linspace(0.3, 1+1.7j, 7, dtype=m.complex64)",
    "m.linspace(0, 1, 3, dtype=m.complex64)", "m.linspace(m.tensor(0), m.tensor(1), 3)",
    "m.linspace(m.tensor(0), 1, 3)", "m.linspace(m.tensor([0]), 1, 3)", "m.linspace(0, m.tensor([1]), 3)",
    "m.linspace(m.tensor([0]), m.tensor([1]), 3)", "m.linspace(0, 1, 2.5)", "m.linspace(0, 1, m.tensor(3))",
    "m.linspace(0, 1, np.int64(3))", "m.linspace(0, float('inf'), 3)", "m.linspace(0, float('nan'), 3)",
    "m.linspace(0, 1, 3, out=m.empty(0, dtype=m.float64))", "m.linspace(0, 1, 3, out=m.empty(5))",
    "m.linspace(0, 1, 3, dtype=m.float32, out=m.empty(0, dtype=m.float64))",
    "m.linspace(0, 1, 2, out=m.empty(3, requires_grad=True))", "m.linspace(0, 1, 3, requires_grad=True)",
    "m.linspace(0, 1, 3, dtype=m.int64, requires_grad=True)", "m.linspace(start=0, end=1, steps=3)",
    "m.linspace(1e39, 1e39, 2)", "m.linspace(0, 1e39, 2)", "m.linspace(0, 1e39, 1)",
    "m.linspace(70000, 1, 1, dtype=m.float16)", "m.linspace(70000, 1, 2, dtype=m.float16)",
    "m.linspace(0.5, 1, 1, dtype=m.int64)", "m.linspace(-1, 1, 1000, dtype=m.float16)",
    # logspace
    "m.logspace(0, 2, 3)", "m.logspace(0, 2, 3, base=2)", "m.logspace(0, 2, 3, 2)", "m.logspace(0, 2, 1)",
    "m.logspace(0, 2, 0)", "m.logspace(0, 10, 3, dtype=m.int64)", "m.logspace(0, 10, 3, dtype=m.int32)",
    "m.logspace(0, 1, 3, dtype=m.int64)", "m.logspace(10, 11, 2, dtype=m.int8)", "m.logspace(10, 10, 1, dtype=m.int8)",
    "m.logspace(10, 10, 1, dtype=m.float16)", "m.logspace(100, 100, 1, dtype=m.float32)",
    "m.logspace(1000, 1000, 2, dtype=m.float32)", "m.logspace(1, 1, 1, base=1e300, dtype=m.float32)",
    "m.logspace(2, 2, 1, dtype=m.uint8)", "m.logspace(3, 3, 1, dtype=m.uint8)", "m.logspace(0.5, 1, 1, dtype=m.int64)",
    "m.logspace(0, 2, 3, base=-2)", "m.logspace(0, 2, 3, base=0)", "m.logspace(0, 2, 3, dtype=m.bool)",
    "m.logspace(0, 2, 3, base=m.tensor(2.))", "m.logspace(0, 1j, 3, dtype=m.float32)",
    "m.logspace(0, 1, 2, out=m.empty(3))", "m.logspace(2, 0, 50, dtype=m.float64)",
    # eye
    "m.eye(3)", "m.eye(2, 3)", "m.eye(0)", "m.eye(-1)", "m.eye(2, -1)", "m.eye(2, dtype=m.int32)",
    "m.eye(2, dtype=m.bool)", "m.eye(2, dtype=m.complex64)", "m.eye(2, m=3)", "m.eye(n=2)", "m.eye(2.5)",
    "m.eye(2, None)", "m.eye(m.tensor(2))", "m.eye(2, requires_grad=True)", "m.eye(2, device='cpu')",
    "m.eye(2, out=m.empty(0, dtype=m.int32))", "m.eye(2, out=m.empty(3))",
    "m.eye(2, out=m.empty(3, requires_grad=True))",
    # empty_strided
    "m.empty_strided((2, 3), (1, 2)).stride()", "m.empty_strided((2, 3), (1, 2)).is_contiguous()",
    "m.empty_strided((2, 3), (3, 1)).is_contiguous()", "m.empty_strided((2, 3), (0, 0)).stride()",
    "m.empty_strided((2, 3), (1,))", "m.empty_strided((2, -3), (1, 2))", "m.empty_strided((2, 3), (1, -2))",
    "m.empty_strided([2, 3], [4, 1], dtype=m.int32).stride()", "m.empty_strided([2, 3], [4, 1], dtype=m.int32).shape",
    "m.empty_strided(2, 1)", "m.empty_strided((2, 3), (1, 2), requires_grad=True).requires_grad",
    "m.empty_strided((2, 3), (4, 1), requires_grad=True).is_leaf", "m.empty_strided((2, 3), (4, 1))._base",
    "m.empty_strided((2, 3, 4), (1, 8, 2)).stride()", "m.empty_strided((2, 3), (1, 2)).view(6)",
]


@pytest.mark.parametrize("src", RANGE_CASES)
def test_ranges(src):
    check(run(src))


FLOAT_DTYPES = ["float16", "bfloat16", "float32", "float64"]
INT_DTYPES = ["uint8", "int8", "int16", "int32", "int64"]


@given(start=st.floats(-50, 50), step=st.floats(0.01, 5), n=st.integers(0, 130), negative=st.booleans(),
       dtype=st.sampled_from([None] + FLOAT_DTYPES + INT_DTYPES), digits=st.integers(0, 6))
def test_arange_matches_exactly(start, step, n, negative, dtype, digits):
    start, step = round(start, digits), round(step, digits) or 1.0
    step = -step if negative else step
    end = start + step * n
    check(lambda m: m.arange(start, end, step, dtype=None if dtype is None else dt(m, dtype)))


@given(start=st.integers(-1000, 1000), end=st.integers(-1000, 1000), step=st.integers(-7, 7).filter(bool),
       dtype=st.sampled_from([None, "int64", "int32", "float32", "float64"]))
def test_arange_of_ints(start, end, step, dtype):
    check(lambda m: m.arange(start, end, step, dtype=None if dtype is None else dt(m, dtype)))


@given(start=st.floats(-100, 100) | st.integers(-100, 100), end=st.floats(-100, 100) | st.integers(-100, 100),
       steps=st.integers(0, 70), dtype=st.sampled_from([None] + FLOAT_DTYPES + ["int64", "int32", "int16"]))
def test_linspace_matches_exactly(start, end, steps, dtype):
    check(lambda m: m.linspace(start, end, steps, dtype=None if dtype is None else dt(m, dtype)))


@given(start=st.complex_numbers(max_magnitude=50), end=st.complex_numbers(max_magnitude=50), steps=st.integers(0, 40),
       dtype=st.sampled_from(["complex64", "complex128"]))
def test_complex_linspace_matches_exactly(start, end, steps, dtype):
    check(lambda m: m.linspace(start, end, steps, dtype=dt(m, dtype)))


@pytest.mark.parametrize("name", ["linspace", "logspace"])
@pytest.mark.parametrize("dtype", ["uint8", "int8", "bool", "float16", "int64"])  # (complex logspace: last bits differ)
@pytest.mark.parametrize("bounds", [(0.0, -1.0), (300.0, 1.0), (-1e20, 5.0), (float("nan"), 1.0)])
@pytest.mark.parametrize("steps", [0, 1, 2])
def test_space_bounds_checked_only_when_used(name, dtype, bounds, steps):
    """torch checks that start and end fit the dtype only where it computes values: not
    for zero steps (found by the thorough profile: logspace(0., -1., 0, dtype=uint8))."""
    check(lambda m: getattr(m, name)(*bounds, steps, dtype=dt(m, dtype)))


@given(start=st.floats(-6, 6), end=st.floats(-6, 6), steps=st.integers(0, 60), base=st.sampled_from([10.0, 2.0, 2.5]),
       dtype=st.sampled_from([None] + FLOAT_DTYPES + INT_DTYPES))
def test_logspace_matches_exactly(start, end, steps, base, dtype):
    check(lambda m: m.logspace(start, end, steps, base=base, dtype=None if dtype is None else dt(m, dtype)))


@given(start=st.complex_numbers(max_magnitude=2), end=st.complex_numbers(max_magnitude=2), steps=st.integers(0, 20))
def test_complex_logspace_is_within_rounding(start, end, steps):
    t, j = torch.logspace(start, end, steps), jt.logspace(start, end, steps)
    assert str(j.dtype) == str(t.dtype) and tuple(j.shape) == tuple(t.shape)
    np.testing.assert_allclose(host(j), host(t), rtol=1e-5, atol=1e-6)


@given(start=st.floats(-20, 20), step=st.floats(0.05, 3), n=st.integers(0, 40),
       dtype=st.sampled_from([None] + FLOAT_DTYPES + ["int64", "int32"]))
def test_range_matches_exactly(start, step, n, dtype):
    step = round(step, 2) if dtype not in ("int64", "int32") else max(1.0, round(step))
    check(lambda m: m.range(start, start + step * n, step, dtype=None if dtype is None else dt(m, dtype)))


def test_range_warns():
    with pytest.warns(UserWarning, match="torch.range is deprecated"):
        jt.range(0, 3)


def test_arange_out_resize_warning():
    for lib in (torch, jt):
        out = lib.empty(3, dtype=lib.int64)
        with pytest.warns(UserWarning, match=r"The number of elements in the out tensor of shape \[3\] is 3 which "
                                             r"does not match the computed number of elements 5"):
            assert lib.arange(5, out=out) is out
        assert out.tolist() == [0, 1, 2, 3, 4]


@given(n=st.integers(0, 6), m=st.none() | st.integers(0, 6), dtype=st.sampled_from(DTYPES))
def test_eye(n, m, dtype):
    check(lambda lib: lib.eye(n, m, dtype=dt(lib, dtype)) if m is not None else lib.eye(n, dtype=dt(lib, dtype)))


def test_default_dtype_is_followed():
    for lib in (torch, jt):
        lib.set_default_dtype(lib.float64)
    try:
        for src in ["m.tensor([1.5])", "m.tensor([1j])", "m.tensor([])", "m.zeros(2)", "m.full((2,), 1.5)",
                    "m.full((2,), 1j)", "m.arange(0, 1, 0.1)", "m.linspace(0, 1, 7)", "m.logspace(0, 1, 7)",
                    "m.eye(2)", "m.Tensor([1])", "m.as_tensor([0.5])"]:
            check(run(src))
    finally:
        for lib in (torch, jt):
            lib.set_default_dtype(lib.float32)
