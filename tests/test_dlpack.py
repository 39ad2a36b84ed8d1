"""Differential tests of DLPack exchange: torch.from_dlpack / to_dlpack, torch.utils.dlpack,
Tensor.__dlpack__ / __dlpack_device__. Real torch is both the oracle and the other side of
the exchange: memory must be shared both ways, as between two torch tensors."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import jtorch as jt

DTYPES = ["float32", "float64", "float16", "bfloat16", "complex64", "complex128", "uint8", "int8", "int16", "int32",
          "int64", "bool"]
NUMPY_DTYPES = [d for d in DTYPES if d != "bfloat16"]

# Views to export, applied alike to a torch and a jtorch tensor of shape (3, 4).
VIEWS = {
    "base": lambda t: t,
    "t": lambda t: t.t(),
    "column": lambda t: t[:, 1],
    "row": lambda t: t[2],
    "step": lambda t: t[::2, 1::2],
    "scalar": lambda t: t[1, 2],
    "empty": lambda t: t[:0],
    "unsqueezed": lambda t: t.unsqueeze(1),
    "expanded": lambda t: t[:, :1].expand(3, 5),
}


def values(dtype, shape=(3, 4)):
    n = int(np.prod(shape))
    data = np.arange(1, n + 1).reshape(shape) % 7
    return np.asarray(data.astype(bool) if dtype == "bool" else data)


def pair(dtype, shape=(3, 4)):
    data = values(dtype, shape)
    return torch.tensor(data, dtype=getattr(torch, dtype)), jt.tensor(data, dtype=getattr(jt, dtype))


def assert_same(j, t):
    """jtorch tensor j and torch tensor t: equal dtype, shape, strides and values."""
    assert str(j.dtype) == str(t.dtype)
    assert tuple(j.shape) == tuple(t.shape)
    assert tuple(j.stride()) == tuple(t.stride())
    np.testing.assert_array_equal(j.float().numpy() if j.dtype == jt.bfloat16 else j.numpy(),
                                  t.float().numpy() if t.dtype == torch.bfloat16 else t.numpy())


def bump(lib, t):
    """An in-place write of every element (logical_not for bool)."""
    return t.logical_not_() if t.dtype == lib.bool else t.add_(1)


def error_of(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return type(e).__name__, str(e)
    return None


@given(dtype=st.sampled_from(DTYPES), view=st.sampled_from(sorted(VIEWS)))
def test_jtorch_to_torch_values_layout_and_sharing(dtype, view):
    tb, jb = pair(dtype)
    tv, jv = VIEWS[view](tb), VIEWS[view](jb)
    imported = torch.from_dlpack(jv)  # torch consumes jtorch's __dlpack__
    expected = torch.from_dlpack(tv)  # what torch makes of its own tensor
    assert imported.dtype == expected.dtype and imported.shape == expected.shape
    assert imported.stride() == expected.stride()
    assert torch.equal(imported, expected)
    if view in ("empty", "expanded"):
        return
    bump(torch, imported)  # a write on torch's side shows in jtorch's tensor and its base
    bump(torch, expected)
    assert_same(jv, tv)
    assert_same(jb, tb)
    bump(jt, jb)  # and an in-place op in jtorch shows in torch's tensor
    bump(torch, tb)
    assert torch.equal(imported, expected)


@given(dtype=st.sampled_from(DTYPES), view=st.sampled_from(sorted(VIEWS)))
def test_torch_to_jtorch_values_layout_and_sharing(dtype, view):
    tb, _ = pair(dtype)
    tv = VIEWS[view](tb)
    j = jt.from_dlpack(tv)
    t = torch.from_dlpack(tv)
    assert_same(j, t)
    assert j._base is None and t._base is None  # not views: new tensors over the same memory
    if view in ("empty", "expanded"):
        return
    bump(torch, tv)  # torch writes: jtorch sees it
    assert_same(j, t)
    bump(jt, j)  # jtorch writes: torch sees it
    bump(torch, t)
    assert torch.equal(tv, t)


@given(dtype=st.sampled_from(NUMPY_DTYPES), shape=st.lists(st.integers(0, 3), max_size=3))
def test_numpy_to_jtorch_shares_memory(dtype, shape):
    array = values(dtype, tuple(shape)).astype(np.dtype(dtype) if dtype != "bool" else bool)
    j, t = jt.from_dlpack(array), torch.from_dlpack(array)
    assert_same(j, t)
    if array.size:
        np.logical_not(array, out=array) if dtype == "bool" else np.add(array, 1, out=array, casting="unsafe")
        assert_same(j, t)
        bump(jt, j)
        bump(torch, t)
        np.testing.assert_array_equal(array, t.numpy())


@pytest.mark.parametrize("dtype", DTYPES)
def test_capsules_both_ways(dtype):
    tb, jb = pair(dtype)
    from_ours = torch.utils.dlpack.from_dlpack(jt.utils.dlpack.to_dlpack(jb))
    from_theirs = jt.from_dlpack(torch.to_dlpack(tb))
    assert torch.equal(from_ours, tb)
    assert_same(from_theirs, tb)
    versioned = jt.from_dlpack(tb.__dlpack__(max_version=(1, 0)))
    assert_same(versioned, tb)
    bump(torch, tb)
    assert_same(from_theirs, tb)
    assert_same(versioned, tb)


def test_capsule_is_consumed_once_and_bad_inputs_raise_as_torch():
    for make in (lambda lib: 5, lambda lib: [1, 2], lambda lib: "x"):
        assert error_of(lambda: jt.from_dlpack(make(jt))) == error_of(lambda: torch.from_dlpack(make(torch)))
    for lib in (torch, jt):
        capsule = lib.to_dlpack(lib.ones(2))
        lib.from_dlpack(capsule)
    assert error_of(lambda: jt.from_dlpack(capsule)) == error_of(lambda: torch.from_dlpack(
        (lambda c: (torch.from_dlpack(c), c)[1])(torch.to_dlpack(torch.ones(2)))))
    assert error_of(lambda: jt.to_dlpack(3)) == error_of(lambda: torch.to_dlpack(3))


@pytest.mark.parametrize("case", [
    lambda L: L.ones(2, requires_grad=True).__dlpack__(),
    lambda L: L.from_dlpack(L.ones(2, requires_grad=True)),
    lambda L: L.tensor([1 + 1j]).conj().__dlpack__(),
    lambda L: L.from_dlpack(L.tensor([1 + 1j]).conj()),
    lambda L: L.ones(2).__dlpack__(stream=3),
    lambda L: L.ones(2).__dlpack__(stream="s"),
    lambda L: L.from_dlpack(L.ones(2), device="cuda"),
])
def test_export_errors_match_torch(case):
    expected = error_of(lambda: case(torch))
    assert expected is not None and error_of(lambda: case(jt)) == expected


def test_to_dlpack_exports_data_of_tensors_requiring_grad_as_torch():
    t = torch.from_dlpack(torch.to_dlpack(torch.arange(3.0, requires_grad=True)))
    j = jt.from_dlpack(jt.to_dlpack(jt.arange(3.0, requires_grad=True)))
    assert_same(j, t)
    assert j.requires_grad == t.requires_grad


@pytest.mark.parametrize("copy", [None, True, False])
def test_device_and_copy_arguments(copy):
    tb, jb = pair("float32")
    t = torch.from_dlpack(tb, device="cpu", copy=copy)
    j = jt.from_dlpack(jb, device="cpu", copy=copy)
    assert_same(j, t)
    bump(torch, tb)
    bump(jt, jb)
    assert_same(j, t)  # copy=True: neither sees the write; otherwise both do


def test_dlpack_device_and_device_types():
    assert jt.ones(2).__dlpack_device__() == torch.ones(2).__dlpack_device__()
    assert {k: int(v) for k, v in jt.utils.dlpack.DLDeviceType.__members__.items()} == {
        k: int(v) for k, v in torch.utils.dlpack.DLDeviceType.__members__.items()}


def test_jax_arrays_both_ways():
    a = jnp.arange(6, dtype=jnp.float32).reshape(2, 3)
    j = jt.from_dlpack(a)
    assert_same(j, torch.from_dlpack(np.asarray(a)))
    j.add_(1)  # JAX arrays are immutable: the tensor gets a new value, JAX's array keeps its own
    np.testing.assert_array_equal(np.asarray(a), np.arange(6).reshape(2, 3))
    back = jax.dlpack.from_dlpack(jt.arange(4.0).reshape(2, 2).t())
    np.testing.assert_array_equal(np.asarray(back), np.arange(4.0).reshape(2, 2).T)
    np.testing.assert_array_equal(np.from_dlpack(jt.arange(3)), np.arange(3))
