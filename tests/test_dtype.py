"""dtype objects, default dtype and type promotion (promote_types, result_type, can_cast)
against torch. Every expectation comes from torch at test time."""
import copy
import pickle

import pytest
import torch

import jtorch as jt

NAMES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
         "complex64", "complex128")
ALIASES = ("half", "float", "double", "cfloat", "cdouble", "short", "int", "long")
SCALARS = (True, False, 0, 3, -2, 1.5, -0.0, float("inf"), float("nan"), 1j, 2 - 3j)


def jt_dtype(t_dtype):
    """The jtorch dtype named like torch's `t_dtype`."""
    return getattr(jt, str(t_dtype).removeprefix("torch."))


def outcome(fn):
    """fn()'s result, or the type of the exception it raised."""
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - compared against the other library's outcome
        return type(e)


def same(j, t):
    """jtorch's outcome equals torch's: the same dtype (by name), value, or exception type."""
    if isinstance(t, type):
        return j is t
    if isinstance(t, torch.dtype):
        return isinstance(j, jt.dtype) and repr(j) == repr(t)
    return j == t


def complex32(t_dtype) -> bool:
    # torch promotes float16 with complex to complex32, which jtorch lacks (it gives
    # complex64): exactly those cases are left out.
    return t_dtype == torch.complex32


def tensor(lib, name, zero_dim):
    return lib.ones(() if zero_dim else (2,), dtype=getattr(lib, name))


# ---------------------------------------------------------------- dtype objects
@pytest.mark.parametrize("name", NAMES + ALIASES)
def test_dtype_attributes(name):
    t, j = getattr(torch, name), getattr(jt, name)
    assert repr(j) == repr(t) and str(j) == str(t)
    assert j is jt_dtype(t)  # aliases are the same objects as the canonical names
    for attr in ("is_floating_point", "is_complex", "is_signed", "itemsize"):
        assert getattr(j, attr) == getattr(t, attr), attr
    for method in ("to_real", "to_complex"):
        expected = outcome(getattr(t, method))
        if not complex32(expected):
            assert same(outcome(getattr(j, method)), expected), method
    assert pickle.loads(pickle.dumps(j)) is j
    assert copy.copy(j) is j and copy.deepcopy(j) is j
    assert hash(j) == hash(jt_dtype(t)) and j == jt_dtype(t)


def test_dtype_type():
    assert repr(type(jt.float32)) == repr(type(torch.float32))
    assert isinstance(jt.int64, jt.dtype)
    error = outcome_message(jt.dtype)
    assert type(error) is TypeError and str(error) == str(outcome_message(torch.dtype))
    assert jt.float32 != jt.float64 and jt.float32 != "float32"
    with pytest.raises(TypeError):
        jt.float32 < jt.float64  # noqa: B015


def outcome_message(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return e
    raise AssertionError("expected an exception")


def test_tensor_dtype_queries():
    for name in NAMES:
        t, j = torch.zeros(2, dtype=getattr(torch, name)), jt.zeros(2, dtype=getattr(jt, name))
        assert j.is_floating_point() == t.is_floating_point()
        assert j.is_complex() == t.is_complex()
        assert j.is_signed() == t.is_signed()
        assert j.element_size() == t.element_size() and j.itemsize == t.itemsize
        assert jt.is_floating_point(j) == torch.is_floating_point(t)
        assert jt.is_complex(j) == torch.is_complex(t)


# ---------------------------------------------------------------- promotion tables
@pytest.mark.parametrize("a", NAMES)
def test_promote_types_and_can_cast(a):
    for b in NAMES:
        ta, tb, ja, jb = getattr(torch, a), getattr(torch, b), getattr(jt, a), getattr(jt, b)
        expected = torch.promote_types(ta, tb)
        assert same(jt.promote_types(ja, jb), expected), (a, b)
        assert same(jt.promote_types(type1=ja, type2=jb), expected)
        assert jt.can_cast(ja, jb) == torch.can_cast(ta, tb), (a, b)
        assert jt.can_cast(from_=ja, to=jb) == torch.can_cast(from_=ta, to=tb)


@pytest.mark.parametrize("a", NAMES)
def test_result_type_tensors(a):
    for b in NAMES:
        for a0 in (False, True):
            for b0 in (False, True):
                expected = torch.result_type(tensor(torch, a, a0), tensor(torch, b, b0))
                if complex32(expected):
                    continue
                assert same(jt.result_type(tensor(jt, a, a0), tensor(jt, b, b0)), expected), (a, a0, b, b0)


@pytest.mark.parametrize("a", NAMES)
def test_result_type_with_scalars(a):
    for scalar in SCALARS:
        for zero_dim in (False, True):
            expected = torch.result_type(tensor(torch, a, zero_dim), scalar)
            if complex32(expected):
                continue
            assert same(jt.result_type(tensor(jt, a, zero_dim), scalar), expected), (a, zero_dim, scalar)
            assert same(jt.result_type(scalar, tensor(jt, a, zero_dim)),
                        torch.result_type(scalar, tensor(torch, a, zero_dim)))
            assert same(jt.result_type(tensor=tensor(jt, a, zero_dim), other=scalar), expected)


def test_result_type_of_scalars():
    for x in SCALARS:
        for y in SCALARS:
            assert same(jt.result_type(x, y), torch.result_type(x, y)), (x, y)


@pytest.mark.parametrize("call", [
    lambda lib: lib.promote_types(lib.float32, 1),
    lambda lib: lib.promote_types("float32", lib.float32),
    lambda lib: lib.promote_types(lib.float32),
    lambda lib: lib.can_cast(lib.float32, None),
    lambda lib: lib.can_cast(1, lib.float32),
    lambda lib: lib.result_type(lib.float32, lib.int64),
    lambda lib: lib.result_type(lib.zeros(2), "a"),
    lambda lib: lib.result_type(lib.zeros(2), None),
    lambda lib: lib.set_default_dtype(lib.int32),
    lambda lib: lib.set_default_dtype(lib.complex64),
    lambda lib: lib.set_default_dtype("float"),
])
def test_dtype_function_errors(call):
    expected = outcome_message(lambda: call(torch))
    error = outcome_message(lambda: call(jt))
    assert type(error) is type(expected)
    if "received an invalid combination" not in str(expected) and "missing" not in str(expected):
        assert str(error) == str(expected)


# ---------------------------------------------------------------- default dtype
@pytest.fixture
def restore_default_dtype():
    yield
    torch.set_default_dtype(torch.float32)
    jt.set_default_dtype(jt.float32)


@pytest.mark.parametrize("name", ["float16", "bfloat16", "float32", "float64"])
def test_default_dtype(name, restore_default_dtype):
    torch.set_default_dtype(getattr(torch, name))
    jt.set_default_dtype(getattr(jt, name))
    assert same(jt.get_default_dtype(), torch.get_default_dtype())
    cases = [
        lambda lib: lib.tensor([1.5]).dtype,
        lambda lib: lib.tensor(2.5).dtype,
        lambda lib: lib.tensor([1, 2]).dtype,
        lambda lib: lib.arange(0., 1.).dtype,
        lambda lib: lib.arange(0, 3).dtype,
        lambda lib: lib.zeros(2).dtype,
        lambda lib: lib.full((2,), 1.5).dtype,
        lambda lib: (lib.tensor([1, 2]) * 1.5).dtype,
        lambda lib: (lib.tensor([1, 2]) / 2).dtype,
        lambda lib: lib.result_type(lib.tensor([1]), 1.5),
        lambda lib: lib.result_type(1, 2.0),
        lambda lib: lib.result_type(lib.tensor([True]), 1j),
        lambda lib: lib.result_type(2, 1j),
    ]
    for case in cases:
        expected = outcome(lambda: case(torch))
        if not complex32(expected):
            assert same(outcome(lambda: case(jt)), expected)


def test_default_dtype_values(restore_default_dtype):
    torch.set_default_dtype(torch.float64)
    jt.set_default_dtype(jt.float64)
    assert (jt.tensor([0.1]) * 3).tolist() == (torch.tensor([0.1]) * 3).tolist()
    assert jt.arange(0., 1., 0.25).tolist() == torch.arange(0., 1., 0.25).tolist()
    # tensors made before the change keep their dtype
    torch.set_default_dtype(torch.float32)
    jt.set_default_dtype(jt.float32)
    assert same(jt.tensor([1.5]).dtype, torch.tensor([1.5]).dtype)
