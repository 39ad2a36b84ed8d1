"""The Tensor's Python protocol against real torch: shape and torch.Size, metadata, T/mT/mH/H,
len/iter/bool/float/int/index/complex, item/tolist, format, the JAX protocol, hashing,
dtype predicates, data_ptr and untyped_storage."""
import math
import pickle
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import jtorch as jt


def outcome(fn, lib):
    """("ok", value) or ("raise", type name, first line of the message)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns once per process; the order of tests decides who sees it
            return ("ok", fn(lib))
    except Exception as e:  # noqa: BLE001 - any exception is an outcome to compare
        return ("raise", type(e).__name__, str(e).split("\n")[0])


def same(fn):
    expected, actual = outcome(fn, torch), outcome(fn, jt)
    assert actual == expected
    return expected


def plain(value):
    """A comparable stand-in for a value: tensors by dtype, shape and values; floats by repr (NaN)."""
    if isinstance(value, (torch.Tensor, jt.Tensor)):
        return "tensor", str(value.dtype), tuple(value.shape), plain(value.tolist())
    if isinstance(value, (list, tuple)):
        return type(value).__name__, [plain(v) for v in value]
    if isinstance(value, (float, complex)):
        return type(value).__name__, repr(value)
    return type(value).__name__, value


DTYPES = ["float16", "bfloat16", "float32", "float64", "int8", "uint8", "int16", "int32", "int64", "bool",
          "complex64", "complex128"]
SHAPES = [(), (0,), (3,), (2, 3), (2, 0, 4), (1, 1, 1)]


# ----------------------------------------------------------------- shape and torch.Size
@pytest.mark.parametrize("shape", SHAPES)
def test_shape_and_size(shape):
    def run(lib):
        t = lib.zeros(shape)
        return (repr(t.shape), str(t.size()), t.shape == shape, t.size() == list(shape), tuple(t.shape),
                [t.size(d) for d in range(-t.dim(), t.dim())], [t.stride(d) for d in range(-t.dim(), t.dim())],
                repr(t.shape[1:]), type(t.shape[1:]).__name__, t.shape[-1:] == shape[-1:])

    same(run)


@pytest.mark.parametrize("dim", [0, -1, 3, -4, "a", 1.0, True, None])
@pytest.mark.parametrize("shape", [(), (2, 3, 4)])
@pytest.mark.parametrize("method", ["size", "stride"])
def test_size_and_stride_dim_argument(method, shape, dim):
    same(lambda lib: plain(getattr(lib.zeros(shape), method)(dim)))


def test_size_of_tensor_dim():
    same(lambda lib: lib.zeros(2, 5).size(lib.tensor(1)))


@pytest.mark.parametrize("items", [
    [2, 3], [], [True, 2], [np.int64(3)], [-1, 2], (x for x in [1, 2]), [2.5], ["a"], [None],
])
def test_size_construction(items):
    items = list(items)
    same(lambda lib: repr(lib.Size(items)))


def test_size_of_tensors():
    same(lambda lib: repr(lib.Size([lib.tensor(3), lib.tensor([4])])))
    same(lambda lib: repr(lib.Size([lib.tensor(3.0)])))


def test_size_is_a_tuple():
    def run(lib):
        s = lib.Size([2, 3])
        return (repr(s + (4,)), repr((4,) + s), repr(s * 2), repr(2 * s), repr(s[::-1]), repr(s[:0]), s[0], s[-1],
                type(s + (4,)).__name__, type((4,) + s).__name__, type(s * 2).__name__, type(2 * s).__name__,
                s.numel(), lib.Size([]).numel(), s.count(2), s.index(3), hash(s) == hash((2, 3)),
                s == (2, 3), s == [2, 3], s != (3,), list(s), str(s), len(s), isinstance(s, tuple))

    same(run)
    same(lambda lib: lib.Size([2]) + [3])
    for lib in (torch, jt):  # the message names the class, which torch spells `torch.Size`
        with pytest.raises(TypeError, match="can only concatenate list"):
            [3] + lib.Size([2])


def test_size_pickles():
    s = pickle.loads(pickle.dumps(jt.Size([2, 3])))
    assert isinstance(s, jt.Size) and s == (2, 3)


@pytest.mark.parametrize("dtype", DTYPES)
def test_metadata(dtype):
    def run(lib):
        out = []
        for shape in ((), (0,), (2, 3), (2, 0, 4)):
            t = lib.zeros(shape, dtype=getattr(lib, dtype))
            out.append((t.dim(), t.ndim, t.ndimension(), t.numel(), t.nelement(), t.element_size(), t.itemsize,
                        t.nbytes, lib.numel(t), t.stride(), t.storage_offset(), t.is_contiguous()))
        return out

    same(run)


def test_dim_takes_no_arguments():
    for lib in (torch, jt):
        with pytest.raises(TypeError):
            lib.zeros(2).dim(1)


# ----------------------------------------------------------------- transposes
@pytest.mark.parametrize("attr", ["T", "mT", "mH", "H"])
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 3, 4)])
@pytest.mark.parametrize("dtype", ["float32", "complex64"])
def test_transpose_properties(attr, shape, dtype):
    def run(lib):
        n = math.prod(shape)
        t = lib.arange(n, dtype=lib.float32).reshape(shape).to(getattr(lib, dtype))
        if dtype == "complex64":
            t = t + 1j * lib.arange(n, dtype=lib.float32).reshape(shape)
        out = getattr(t, attr)
        return plain(out), out.stride(), out._base is t if hasattr(out, "_base") else out.data_ptr() == t.data_ptr()

    same(run)


def test_transpose_is_a_view():
    def run(lib):
        t = lib.zeros(2, 3)
        t.T[0, 1] = 5
        t.mT[2, 0] = 7
        return t.tolist()

    same(run)


# ----------------------------------------------------------------- len, iter, bool
@pytest.mark.parametrize("shape", SHAPES)
def test_len_and_iter(shape):
    same(lambda lib: len(lib.zeros(shape)))
    same(lambda lib: [plain(row) for row in lib.arange(math.prod(shape)).reshape(shape)])


def test_iteration_yields_views():
    def run(lib):
        t = lib.zeros(2, 2)
        for row in t:
            row.add_(1)
        return t.tolist(), [r.shape for r in iter(t)]

    same(run)


@pytest.mark.parametrize("values", [[1, 2], [], [[]], [0.0], [[3]], 0.5, 0, float("nan"), 1j, 0j, True])
@pytest.mark.parametrize("dtype", [None, "int64", "bool", "complex64", "float16", "bfloat16"])
def test_bool(values, dtype):
    same(lambda lib: bool(lib.tensor(values, dtype=getattr(lib, dtype) if dtype else None)))


# ----------------------------------------------------------------- Python scalars
SCALAR_INPUTS = [[1.0, 2.0], [], 2.7, -2.7, [[5]], True, 1 + 2j, 1 + 0j, float("nan"), float("inf"), 1e30, 7,
                 2**40]


@pytest.mark.parametrize("convert", [float, int, complex, math.trunc, math.floor, math.ceil, round])
@pytest.mark.parametrize("value", SCALAR_INPUTS)
def test_python_scalar_conversions(convert, value):
    same(lambda lib: plain(convert(lib.tensor(value))))


@pytest.mark.parametrize("dtype", DTYPES)
def test_scalar_conversions_per_dtype(dtype):
    def run(lib):
        t = lib.tensor(3, dtype=getattr(lib, dtype))
        return plain(float(t)), plain(int(t)), plain(complex(t)), plain(bool(t))

    same(run)


def test_scalar_conversions_of_tensors_requiring_grad():
    same(lambda lib: (float(lib.tensor(1.5, requires_grad=True)), int(lib.tensor(1.5, requires_grad=True)),
                      complex(lib.tensor(1.5, requires_grad=True)), bool(lib.tensor(1.5, requires_grad=True))))


@pytest.mark.parametrize("value, dtype", [
    (2, "int64"), (2, "uint8"), (2, "int8"), (True, "bool"), (2.0, "float32"), ([2], "int32"), ([[1]], "int64"),
    ([1, 2], "int64"), ([], "int64"), (1 + 1j, "complex64"), (float("inf"), "float64"),
])
def test_index(value, dtype):
    def run(lib):
        t = lib.tensor(value, dtype=getattr(lib, dtype))
        return t.__index__(), [10, 20, 30][t], range(10)[t], hex(t), "abc"[t:]

    same(run)


# ----------------------------------------------------------------- item and tolist
def _values_for(dtype):
    if dtype == "bool":
        return st.booleans()
    if dtype.startswith(("int", "uint")):
        info = np.iinfo(dtype)
        return st.integers(int(info.min), int(info.max))
    if dtype.startswith("complex"):
        part = st.floats(width=32, allow_nan=False)
        return st.builds(complex, part, part)
    return st.floats(width=32 if dtype != "float16" else 16, allow_nan=False)


@pytest.mark.parametrize("dtype", DTYPES)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_item(dtype, data):
    value = data.draw(_values_for(dtype))
    same(lambda lib: plain(lib.tensor(value, dtype=getattr(lib, dtype)).item()))
    same(lambda lib: plain(lib.tensor([[value]], dtype=getattr(lib, dtype)).item()))


@pytest.mark.parametrize("values", [[1, 2], [], [[]]])
def test_item_needs_one_element(values):
    same(lambda lib: lib.tensor(values).item())


def test_item_special_values():
    for dtype in ("float16", "bfloat16", "float32", "float64"):
        same(lambda lib: [plain(lib.tensor(v, dtype=getattr(lib, dtype)).item())
                          for v in (0.1, float("nan"), float("-inf"), -0.0, 1e-8, 65504.0, 3e38)])
    same(lambda lib: plain(lib.tensor(1.5, requires_grad=True).item()))


@pytest.mark.parametrize("dtype", DTYPES)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_tolist(dtype, data):
    shape = data.draw(st.sampled_from([(), (0,), (3,), (2, 0), (0, 2), (2, 3), (1, 2, 2)]))
    values = np.array(data.draw(st.lists(_values_for(dtype), min_size=math.prod(shape), max_size=math.prod(shape))),
                      dtype=object).reshape(shape).tolist()
    same(lambda lib: plain(lib.tensor(values, dtype=getattr(lib, dtype)).tolist()))


def test_tolist_of_views_and_grad_tensors():
    same(lambda lib: plain(lib.arange(6.0).reshape(2, 3).t().tolist()))
    same(lambda lib: plain(lib.tensor([1.0], requires_grad=True).tolist()))
    same(lambda lib: plain(lib.tensor([1 + 2j, 3j]).conj().tolist()))


# ----------------------------------------------------------------- format
@pytest.mark.parametrize("spec", ["", ".2f", ">8", "e", "+.1f", "5d", "08b", "x", ".3g"])
@pytest.mark.parametrize("value, dtype", [
    (3.14159, "float32"), (3, "int64"), (2, "uint8"), (True, "bool"), (1.5, "bfloat16"), (1 + 2j, "complex64"),
    (12345.678, "float64"),
])
def test_format_of_zero_dim_tensors(spec, value, dtype):
    same(lambda lib: format(lib.tensor(value, dtype=getattr(lib, dtype)), spec))


def test_format_other_tensors():
    same(lambda lib: f"{lib.tensor(1.5, requires_grad=True):.1f}")
    same(lambda lib: f"{lib.tensor([1.0, 2.0])}")
    same(lambda lib: f"{lib.tensor([1.0, 2.0]):.2f}")
    same(lambda lib: ("%d" % lib.tensor(3), "%.1f" % lib.tensor(2.25), "{:e}".format(lib.tensor(5.0))))


# ----------------------------------------------------------------- JAX protocol, hashing, predicates
def test_jax_array_protocol():
    t = jt.tensor([0.0, 1.0, 2.0])
    np.testing.assert_allclose(np.asarray(jnp.sin(t)), np.sin([0.0, 1.0, 2.0]), rtol=1e-6)
    assert jnp.asarray(t).dtype == jnp.float32 and jnp.add(t, 1).tolist() == [1.0, 2.0, 3.0]
    assert float(jnp.sum(t[1:])) == 3.0  # a view's value
    doubled = jax.jit(lambda x: x * 2)(t)  # tensors are pytrees: jitted functions take and return them
    assert isinstance(doubled, jt.Tensor) and doubled.tolist() == [0.0, 2.0, 4.0]
    assert jax.tree_util.tree_leaves({"w": t})[0].shape == (3,)


def test_hash_is_identity():
    for lib in (torch, jt):
        a, b = lib.zeros(2), lib.zeros(2)
        assert hash(a) == id(a) and len({a, b, a}) == 2 and {a: 1, b: 2}[b] == 2


@pytest.mark.parametrize("dtype", DTYPES)
def test_dtype_predicates(dtype):
    same(lambda lib: (lib.zeros(1, dtype=getattr(lib, dtype)).is_floating_point(),
                      lib.zeros(1, dtype=getattr(lib, dtype)).is_complex(),
                      lib.zeros(1, dtype=getattr(lib, dtype)).is_signed(),
                      lib.is_floating_point(lib.zeros(1, dtype=getattr(lib, dtype))),
                      lib.is_complex(lib.zeros(1, dtype=getattr(lib, dtype)))))


# ----------------------------------------------------------------- data_ptr and storage
VIEW_OFFSETS = {
    "row": lambda t: t[1],
    "tail": lambda t: t[1, 1:],
    "column": lambda t: t[:, 2],
    "step": lambda t: t.view(-1)[3::2],
    "transpose": lambda t: t.t(),
    "empty_view": lambda t: t[3:],
    "empty_tail": lambda t: t.view(-1)[12:],
}


@pytest.mark.parametrize("name", VIEW_OFFSETS)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int8", "complex64"])
def test_data_ptr_of_views(name, dtype):
    def run(lib):
        t = lib.zeros(3, 4, dtype=getattr(lib, dtype))
        v = VIEW_OFFSETS[name](t)
        offset = v.data_ptr() - t.data_ptr() if v.numel() else v.data_ptr()
        storage = v.untyped_storage()
        return (offset, v.const_data_ptr() == v.data_ptr(), v.storage_offset(), storage.data_ptr() == t.untyped_storage().data_ptr(), storage.nbytes(),
                storage.size(), len(storage))

    same(run)


def test_data_ptr_of_empty_and_derived_tensors():
    def run(lib):
        t = lib.zeros(4)
        e = lib.zeros(0)
        c = lib.zeros(3, dtype=lib.complex64)
        return (e.data_ptr(), e.untyped_storage().data_ptr(), e.untyped_storage().nbytes(),
                t.data_ptr() == t.detach().data_ptr(), t.data_ptr() == t.clone().data_ptr(),
                t.data_ptr() == t.view(2, 2).data_ptr(), c.imag.data_ptr() - c.data_ptr(),
                c.real.data_ptr() == c.data_ptr(), c.real.untyped_storage().nbytes())

    same(run)
