"""The numpy bridge against real torch: `numpy()`, `from_numpy`, `__array__` and numpy's
ufuncs share memory (both ways, through views) exactly where torch's do."""
import warnings

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
        return ("ok", fn(lib))
    except Exception as e:  # noqa: BLE001 - any exception is an outcome to compare
        return ("raise", type(e).__name__, str(e).split("\n")[0])


def same(fn):
    expected, actual = outcome(fn, torch), outcome(fn, jt)
    assert actual == expected
    return expected


def layout(a: np.ndarray):
    return a.shape, a.strides, str(a.dtype), a.flags.c_contiguous


# ----------------------------------------------------------------- tensor writes reach numpy()
MUTATIONS = {
    "add_": lambda lib, t: t.add_(1),
    "mul_": lambda lib, t: t.mul_(-2),
    "zero_": lambda lib, t: t.zero_(),
    "fill_": lambda lib, t: t.fill_(7),
    "setitem_row": lambda lib, t: t.__setitem__(0, 5),
    "setitem_mask": lambda lib, t: t.__setitem__(t > 2, -1),
    "copy_": lambda lib, t: t.copy_(lib.arange(6.0).reshape(2, 3) * 10),
    "transpose_view": lambda lib, t: t.t()[1].fill_(9),
    "column_view": lambda lib, t: t[:, 0].add_(100),
    "flat_view": lambda lib, t: t.view(-1)[::2].sub_(3),
    "out": lambda lib, t: lib.add(t, 1, out=t),
    "iadd": lambda lib, t: t.__iadd__(lib.ones(3)),
    "detach_write": lambda lib, t: t.detach().add_(1),
    "data_write": lambda lib, t: t.data.mul_(3),
}


@pytest.mark.parametrize("name", MUTATIONS)
def test_tensor_writes_show_in_numpy(name):
    def run(lib):
        t = lib.arange(6.0).reshape(2, 3)
        a = t.numpy()
        MUTATIONS[name](lib, t)
        return a.tolist(), t.tolist()

    same(run)


@pytest.mark.parametrize("name", MUTATIONS)
def test_tensor_writes_show_in_numpy_of_a_view(name):
    def run(lib):
        t = lib.arange(6.0).reshape(2, 3)
        a = t.t()[1:].numpy()
        MUTATIONS[name](lib, t)
        return a.tolist(), layout(a)

    same(run)


# ----------------------------------------------------------------- numpy writes reach tensors
NUMPY_WRITES = {
    "ufunc_out": lambda a: np.add(a, 1, out=a),
    "item": lambda a: a.__setitem__((0, 1), -5),
    "slice": lambda a: a.__setitem__((slice(None), slice(None, None, 2)), 0),
    "imul": lambda a: a.__imul__(3),
    "fill": lambda a: a.fill(2),
    "copyto": lambda a: np.copyto(a, np.arange(6.0).reshape(2, 3)[::-1]),
}


@pytest.mark.parametrize("name", NUMPY_WRITES)
def test_numpy_writes_show_in_from_numpy_tensors_and_views(name):
    def run(lib):
        a = np.arange(6.0).reshape(2, 3)
        t = lib.from_numpy(a)
        row, col, flat = t[1], t[:, 2], t.view(-1)
        row.tolist()  # a view read before the write must not keep a stale value
        NUMPY_WRITES[name](a)
        return t.tolist(), row.tolist(), col.tolist(), flat.tolist(), (t * 2).tolist()

    same(run)


@pytest.mark.parametrize("name", NUMPY_WRITES)
def test_numpy_writes_show_in_tensor_after_numpy(name):
    def run(lib):
        t = lib.arange(6.0).reshape(2, 3)
        view = t.t()
        a = t.numpy()
        NUMPY_WRITES[name](a)
        return t.tolist(), view.tolist(), t.sum().item()

    same(run)


def test_from_numpy_of_strided_arrays():
    def run(lib):
        a = np.arange(12.0).reshape(3, 4)
        t, u = lib.from_numpy(a[:, ::2]), lib.from_numpy(a.T)
        info = (t.stride(), t.is_contiguous(), u.stride(), u.is_contiguous())
        a[0, 0] = 99
        u.add_(1)
        t[1, 1] = -7
        return info, a.tolist(), t.tolist(), u.tolist(), u.numpy().strides

    same(run)


# ----------------------------------------------------------------- numpy() of views
VIEWS = {
    "transpose": lambda lib, t: t.t(),
    "permute": lambda lib, t: t.permute(1, 0),
    "step_slice": lambda lib, t: t[::2, 1::2],
    "select": lambda lib, t: t[1],
    "select_column": lambda lib, t: t[:, 2],
    "narrow": lambda lib, t: t.narrow(1, 1, 2),
    "view": lambda lib, t: t.view(4, 3),
    "unsqueeze": lambda lib, t: t.unsqueeze(1),
    "diagonal": lambda lib, t: t.diagonal(),
    "expand": lambda lib, t: t[:1].expand(3, 4),
    "unfold": lambda lib, t: t.unfold(1, 2, 2),
    "chained": lambda lib, t: t.t()[1:, ::2],
    "scalar": lambda lib, t: t[1, 2],
}


@pytest.mark.parametrize("name", VIEWS)
def test_numpy_of_views_aliases(name):
    def run(lib):
        t = lib.arange(12.0).reshape(3, 4)
        v = VIEWS[name](lib, t)
        a = v.numpy()
        info = layout(a), a.tolist()
        if name != "expand":  # writes through overlapping numpy views are order-dependent
            a[...] = -np.arange(a.size).reshape(a.shape)
        return info, a.tolist(), v.tolist(), t.tolist()

    same(run)


@pytest.mark.parametrize("part", ["real", "imag"])
def test_numpy_of_complex_parts(part):
    def run(lib):
        t = lib.tensor([[1 + 2j, 3 + 4j], [5 - 1j, -2j]])
        a = getattr(t, part).numpy()
        info = layout(a)
        a[0, 1] = 10
        getattr(t, part)[1].mul_(2)
        return info, a.tolist(), t.tolist()

    same(run)


@settings(max_examples=15, deadline=None)  # each example compiles new view kernels
@given(st.lists(st.integers(1, 4), min_size=1, max_size=3), st.data())
def test_numpy_of_random_slices(shape, data):
    """A random strided slice: torch's layout, and writes alias both ways."""
    index = tuple(slice(data.draw(st.integers(0, n - 1)), None, data.draw(st.integers(1, 3))) for n in shape)
    transpose = len(shape) > 1 and data.draw(st.booleans())

    def run(lib):
        t = lib.arange(float(np.prod(shape))).reshape(shape)
        v = t[index]
        if transpose:
            v = v.transpose(0, -1)
        a = v.numpy()
        info = layout(a)
        a += 100
        v.mul_(-1)
        return info, a.tolist(), t.tolist()

    same(run)


# ----------------------------------------------------------------- rules and errors
def test_numpy_of_tensor_requiring_grad():
    same(lambda lib: lib.ones(2, requires_grad=True).numpy())
    same(lambda lib: (lib.ones(2, requires_grad=True) * 2).numpy())
    same(lambda lib: lib.ones(2, requires_grad=True).numpy(force=True).tolist())
    same(lambda lib: lib.ones(2, requires_grad=True).detach().numpy().tolist())

    def under_no_grad(lib):
        with lib.no_grad():
            return lib.ones(2, requires_grad=True).numpy().tolist()

    same(under_no_grad)


def test_numpy_force_shares_memory_on_cpu():
    def run(lib):
        t = lib.ones(3, requires_grad=True)
        a = t.numpy(force=True)
        with lib.no_grad():
            t.add_(1)
        return a.tolist()

    same(run)


def test_numpy_bfloat16():
    same(lambda lib: lib.ones(2, dtype=lib.bfloat16).numpy())
    same(lambda lib: lib.ones(2, dtype=lib.bfloat16).numpy(force=True))
    same(lambda lib: np.asarray(lib.ones(2, dtype=lib.bfloat16)))


def test_numpy_of_conjugate_views():
    same(lambda lib: lib.tensor([1 + 2j]).conj().numpy())
    same(lambda lib: lib.tensor([1 + 2j]).conj().detach().numpy())
    same(lambda lib: lib.tensor([1 + 2j, 3 - 1j]).conj().numpy(force=True).tolist())


DTYPES = ["float16", "float32", "float64", "int8", "uint8", "int16", "int32", "int64", "bool", "complex64",
          "complex128"]


@pytest.mark.parametrize("dtype", DTYPES)
def test_numpy_dtypes_round_trip(dtype):
    def run(lib):
        t = lib.tensor([[1, 0], [3, 2]], dtype=getattr(lib, dtype))
        a = t.numpy()
        back = lib.from_numpy(a)
        a[0, 0] = 0
        return str(a.dtype), a.tolist(), str(back.dtype), back.tolist(), t.tolist()

    same(run)


@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0), (2, 0, 3)])
def test_numpy_of_empty_tensors(shape):
    same(lambda lib: layout(lib.zeros(shape).numpy()))
    same(lambda lib: (lib.from_numpy(np.zeros(shape)).shape, lib.from_numpy(np.zeros(shape)).stride()))


def test_numpy_of_zero_dim():
    def run(lib):
        t = lib.tensor(3.5)
        a = t.numpy()
        a[()] = 1
        s = lib.from_numpy(np.array(2.0))
        return layout(a), t.item(), s.shape, s.item()

    same(run)


def test_numpy_of_empty_strided_tensors():
    def run(lib):
        out = []
        for size, stride in (((2, 3), (1, 2)), ((2, 3), (10, 1)), ((3,), (2,))):
            t = lib.empty_strided(size, stride).zero_()
            a = t.numpy()
            a[-1, ...] = 7
            out.append((layout(a), t.tolist(), t.sum().item()))
        return out

    same(run)


@pytest.mark.parametrize("make", [
    lambda: np.arange(3)[::-1],
    lambda: np.arange(3, dtype=">i4"),
    lambda: [1, 2],
    lambda: np.arange(3.0)[1:],
    lambda: np.zeros((2, 2))[:, :1],
])
def test_from_numpy_checks(make):
    same(lambda lib: lib.from_numpy(make()).tolist())


def test_from_numpy_unsupported_dtype():
    for make in (lambda: np.array(["a"]), lambda: np.array([object()])):
        expected, actual = (outcome(lambda lib: lib.from_numpy(make()), lib) for lib in (torch, jt))
        assert actual[:2] == expected[:2]
        assert actual[2].split(".")[:2] == expected[2].split(".")[:2]  # torch also lists its unsigned dtypes


def test_from_numpy_of_readonly_array_warns():
    for lib in (torch, jt):
        a = np.arange(3.0)
        a.flags.writeable = False
        with pytest.warns(UserWarning, match="The given NumPy array is not writable"):
            lib.from_numpy(a)


def test_resize_keeps_the_shared_buffer():
    def run(lib):
        t = lib.arange(6.0)
        a = t.numpy()
        t.resize_(2)
        t.add_(1)
        return a.tolist(), t.tolist()

    same(run)


def test_data_ptr_matches_numpy():
    for lib in (torch, jt):
        a = np.zeros(4)
        t = lib.from_numpy(a)
        assert t.data_ptr() == a.ctypes.data and t[2:].data_ptr() == a[2:].ctypes.data
        u = lib.zeros(2, 3)
        b = u.numpy()
        assert u.data_ptr() == b.ctypes.data and u[1].data_ptr() == u[1].numpy().ctypes.data


# ----------------------------------------------------------------- __array__ and numpy functions
def test_asarray_and_array():
    def run(lib):
        t = lib.ones(3)
        shared, copied = np.asarray(t), np.array(t)
        same_dtype, cast = np.asarray(t, dtype=np.float32), np.asarray(t, dtype=np.float64)
        shared[0], copied[1], same_dtype[2], cast[0] = 5, 6, 7, 8
        return t.tolist(), copied.tolist(), cast.tolist(), str(cast.dtype)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # torch's __array__ predates numpy 2's copy argument
        same(run)
    same(lambda lib: np.asarray(lib.ones(2, requires_grad=True)))
    same(lambda lib: np.asarray(lib.ones(2, requires_grad=True).detach()).tolist())


UFUNCS = {
    "sin": lambda t: np.sin(t),
    "exp_0d": lambda t: np.exp(t[0]),
    "greater": lambda t: np.greater(t, 0),
    "add_reduce": lambda t: np.add.reduce(t),
    "tensor_plus_array": lambda t: t + np.ones(3),
    "tensor_times_array": lambda t: t * np.arange(3),
    "tensor_eq_array": lambda t: t == np.ones(3),
    "array_plus_tensor": lambda t: np.ones(3) + t,
    "array_times_tensor": lambda t: np.ones(3) * t,
    "array_less_tensor": lambda t: np.ones(3) < t,
    "array_eq_tensor": lambda t: np.ones(3) == t,
    "numpy_float32_times_tensor": lambda t: np.float32(2) * t,
    "numpy_float64_plus_tensor": lambda t: np.float64(2) + t,
    "numpy_int64_times_int_tensor": lambda t: np.int64(2) * t.int(),
    "tensor_times_numpy_scalar": lambda t: t * np.float64(3),
}


@pytest.mark.parametrize("name", UFUNCS)
def test_numpy_functions_of_tensors(name):
    def run(lib):
        result = UFUNCS[name](lib.tensor([-1.0, 0.5, 2.0]))
        return type(result).__name__, str(result.dtype), np.asarray(result).tolist()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # torch's __array_wrap__ predates numpy 2
        same(run)


# ----------------------------------------------------------------- JAX values stay immutable
def _aligned_arange(n):
    """np.arange(n) in a 64-byte-aligned buffer, which JAX's CPU client could use without a copy."""
    buffer = np.empty(n + 8)
    start = (-buffer.ctypes.data % 64) // 8
    a = buffer[start:start + n]
    a[:] = np.arange(n)
    return a


def test_values_computed_before_a_numpy_write_keep_their_value():
    a = _aligned_arange(1000)
    t = jt.from_numpy(a)
    doubled, total, tail, copy, view = t * 2, t.sum(), t[10:] * 1, t.clone(), t[5:8]
    as_jax, via_protocol = jnp.asarray(t), jnp.sin(t)
    a[:] = -1  # right after dispatch: pending JAX work must not read the new values
    np.testing.assert_array_equal(np.asarray(doubled), np.arange(1000) * 2.0)
    assert total.item() == 499500.0
    assert tail[:2].tolist() == [10.0, 11.0] and copy[:2].tolist() == [0.0, 1.0]
    np.testing.assert_array_equal(np.asarray(as_jax), np.arange(1000.0))
    np.testing.assert_allclose(np.asarray(via_protocol), np.sin(np.arange(1000.0)))
    assert view.tolist() == [-1.0] * 3 and t[:2].tolist() == [-1.0, -1.0]  # views do alias


def test_values_computed_before_a_write_into_numpy_keep_their_value():
    t = jt.arange(6.0).reshape(2, 3)
    before, row = t + 1, t[0] * 1
    saved = jnp.asarray(t)
    a = t.numpy()
    a[:] = 0
    assert before.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]] and row.tolist() == [0.0, 1.0, 2.0]
    np.testing.assert_array_equal(np.asarray(saved), np.arange(6.0).reshape(2, 3))
    after = t + 1
    a[0, 0] = 50
    assert after.tolist() == [[1.0] * 3, [1.0] * 3] and t[0, 0].item() == 50.0


def test_autograd_through_a_numpy_backed_tensor():
    def run(lib):
        a = np.array([1.0, 2.0, 3.0])
        w = lib.from_numpy(a).requires_grad_()
        y = (w * w).sum()
        y.backward()
        return w.grad.tolist(), y.item()

    same(run)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int8", "uint8", "bool", "complex64"])
@pytest.mark.parametrize("layout", ["small", "aligned", "transposed", "zero_dim"])
def test_tensor_and_as_tensor_copies_do_not_see_later_numpy_writes(dtype, layout):
    """torch.tensor copies its numpy data (jtorch hands JAX a private copy: JAX may keep
    using the memory of an array it is given, e.g. a 64-byte aligned one)."""
    source = {"small": _aligned_arange(6).reshape(2, 3), "aligned": _aligned_arange(4096),
              "transposed": _aligned_arange(12).reshape(3, 4).T, "zero_dim": np.array(3.0)}[layout]
    a = source.astype(dtype)
    made = {lib: (lib.tensor(a), lib.as_tensor(a, dtype=lib.float64 if dtype != "float64" else lib.float32))
            for lib in (torch, jt)}
    a[...] = 0
    for ours, theirs in zip(made[jt], made[torch]):
        assert ours.dtype.__repr__() == theirs.dtype.__repr__() and tuple(ours.shape) == tuple(theirs.shape)
        assert ours.stride() == theirs.stride()
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
