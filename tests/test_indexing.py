"""Tensor.__getitem__ / __setitem__ against real torch: values, dtypes, shapes, aliasing,
strides, version counters, warnings, gradients, and the exception types and messages."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import jtorch as jt

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
          "complex64", "complex128"]


# ---------------------------------------------------------------- building inputs for both libraries
class T:
    """A tensor inside an index or value, built separately in each library."""

    def __init__(self, values, dtype="int64"):
        self.values, self.dtype = np.asarray(values), dtype

    def make(self, lib):
        # From a flat list, reshaped and cloned: a plain contiguous base tensor in both
        # libraries (tensor() of numpy arrays is left to the creation tests).
        flat = self.values.ravel().tolist()
        if self.dtype == "bfloat16":
            t = lib.tensor(flat, dtype=lib.float32).to(lib.bfloat16)
        else:
            t = lib.tensor(flat, dtype=getattr(lib, self.dtype))
        return t.reshape(self.values.shape).clone()

    def __repr__(self):
        return f"T({self.values.tolist()!r}, {self.dtype!r})"


def build(spec, lib):
    """The index (or value) `spec` with each T made in `lib`."""
    if isinstance(spec, T):
        return spec.make(lib)
    if isinstance(spec, tuple):
        return tuple(build(s, lib) for s in spec)
    if isinstance(spec, list):
        return [build(s, lib) for s in spec]
    return spec


def make_x(lib, shape, dtype, transposed=False):
    """A tensor of distinct values (so gathers show which elements they took), or
    `transposed`, a view of such a base with its dims reversed (strides not contiguous)."""
    if transposed:
        return make_x(lib, shape[::-1], dtype).permute(tuple(reversed(range(len(shape)))))
    n = int(np.prod(shape))
    values = np.arange(n).reshape(shape) - n // 3
    if dtype == "bool":
        values = values % 2 == 0
    elif dtype == "uint8":
        values = values % 200
    elif dtype.startswith("complex"):
        values = values + 0.5j * values
    return T(values, dtype).make(lib)


def host(t):
    """Values of a tensor of either library as a numpy array (bfloat16 widened)."""
    if t.dtype in (torch.bfloat16, jt.bfloat16):
        t = t.float()
    return np.asarray(t.detach().tolist())


def outcome(fn):
    """fn() as ('ok', result, warning messages) or ('error', type, message)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = fn()
        except Exception as e:  # noqa: BLE001 - every exception is part of the behaviour
            return ("error", type(e), str(e))
    return ("ok", result, [str(w.message) for w in caught if not str(w.message).startswith(_ONCE)])


_ONCE = "Casting complex values to real"  # torch warns once per process, so earlier tests decide


def same_error(t_out, j_out):
    assert j_out[0] == "error", f"torch raised {t_out[1].__name__}: {t_out[2]}; jtorch returned"
    assert j_out[1] is t_out[1], (j_out[1], j_out[2], t_out[2])
    assert j_out[2] == t_out[2]


def same_tensor(tr, jr):
    assert isinstance(jr, jt.Tensor)
    assert str(jr.dtype) == str(tr.dtype)
    assert tuple(jr.shape) == tuple(tr.shape)
    np.testing.assert_array_equal(host(jr), host(tr))


# ---------------------------------------------------------------- the two checks every test uses
def check_getitem(shape, dtype, index, transposed=False):
    """x[index] in both libraries: the same result or the same error; a view exactly
    when torch gives one, with torch's strides, and writes through it reach x."""
    tx, jx = make_x(torch, shape, dtype, transposed), make_x(jt, shape, dtype, transposed)
    t_out = outcome(lambda: tx[build(index, torch)])
    j_out = outcome(lambda: jx[build(index, jt)])
    if t_out[0] == "error":
        same_error(t_out, j_out)
        return
    assert j_out[0] == "ok", f"jtorch raised {j_out[1].__name__}: {j_out[2]}"
    assert j_out[2] == t_out[2]  # warnings
    tr, jr = t_out[1], j_out[1]
    same_tensor(tr, jr)
    is_view = tr._base is (tx._base if transposed else tx)
    assert (jr._base is (jx._base if transposed else jx)) == is_view
    if is_view:
        assert jr.stride() == tr.stride()
        assert jr.storage_offset() == tr.storage_offset()
        assert jr.is_contiguous() == tr.is_contiguous()
    # Writing into the result shows in the input exactly when the result is a view.
    if tr.numel():
        fill = True if dtype == "bool" else 7
        tr[...] = fill
        jr[...] = fill
        same_tensor(tx, jx)


def check_setitem(shape, dtype, index, value, transposed=False):
    """x[index] = value in both libraries: the same values or the same error, one
    version bump as torch, and a view of x taken before sees the write."""
    tx, jx = make_x(torch, shape, dtype, transposed), make_x(jt, shape, dtype, transposed)
    tv = jv = None
    if tx.dim() and tx.shape[0]:
        tv, jv = tx[0], jx[0]
    t_version, j_version = tx._version, jx._version

    def assign(x, lib):
        x[build(index, lib)] = build(value, lib)

    t_out = outcome(lambda: assign(tx, torch))
    j_out = outcome(lambda: assign(jx, jt))
    if t_out[0] == "error":
        same_error(t_out, j_out)
        return
    assert j_out[0] == "ok", f"jtorch raised {j_out[1].__name__}: {j_out[2]}"
    assert j_out[2] == t_out[2]  # warnings
    same_tensor(tx, jx)
    assert jx._version - j_version == tx._version - t_version
    if tv is not None:
        same_tensor(tv, jv)


# ---------------------------------------------------------------- hypothesis strategies
@st.composite
def shapes(draw, max_dims=3):
    return tuple(draw(st.lists(st.integers(0, 3), max_size=max_dims)))


def _int_in(draw, size):
    """Mostly a valid index into a dim of `size`, sometimes one just out of range."""
    if size and draw(st.integers(0, 9)):
        return draw(st.integers(-size, size - 1))
    return draw(st.integers(-size - 2, size + 1))


def _index_array(draw, size, shape):
    values = [_int_in(draw, size) for _ in range(int(np.prod(shape)))]
    return np.array(values, dtype=np.int64).reshape(shape)


@st.composite
def indices(draw, shape):
    """An index expression for a tensor of `shape`: mixes of ints, slices, None, `...`,
    bools, lists, numpy arrays, int tensors and bool masks; mostly valid."""
    kinds = draw(st.lists(st.sampled_from(
        ["int", "slice", "slice", "none", "ellipsis", "bool", "list", "nested", "numpy", "tensor", "tensor0",
         "mask", "bool0"]), max_size=len(shape) + 1))
    if kinds.count("ellipsis") > 1:
        kinds = [k for k in kinds if k != "ellipsis"] + ["ellipsis"]
    mask_dims = [draw(st.integers(1, 2)) if k == "mask" else 0 for k in kinds]
    consumed = [0 if k in ("none", "bool", "bool0", "ellipsis") else m or 1 for k, m in zip(kinds, mask_dims)]
    rest = max(len(shape) - sum(consumed), 0)
    adv_shape = tuple(draw(st.lists(st.integers(0, 3), max_size=2)))
    items, dim = [], 0
    for kind, m in zip(kinds, mask_dims):
        size = shape[dim] if dim < len(shape) else 2
        if kind == "int":
            items.append(_int_in(draw, size))
        elif kind == "slice":
            bound = st.none() | st.integers(-size - 2, size + 2)
            items.append(slice(draw(bound), draw(bound), draw(st.sampled_from([None, 1, 2, 3]))))
        elif kind == "none":
            items.append(None)
        elif kind == "ellipsis":
            items.append(Ellipsis)
            dim += rest
            continue
        elif kind == "bool":
            items.append(draw(st.booleans()))
        elif kind == "bool0":
            items.append(T(draw(st.booleans()), "bool"))
        elif kind == "list":
            items.append([_int_in(draw, size) for _ in range(draw(st.integers(0, 3)))])
        elif kind == "nested":
            items.append(_index_array(draw, size, (draw(st.integers(1, 2)), 2)).tolist())
        elif kind == "numpy":
            items.append(_index_array(draw, size, adv_shape))
        elif kind == "tensor":
            shape_here = adv_shape[draw(st.integers(0, len(adv_shape))):]  # broadcastable to adv_shape
            items.append(T(_index_array(draw, size, shape_here), draw(st.sampled_from(["int64", "int32"]))))
        elif kind == "tensor0":
            items.append(T(_int_in(draw, size), "int64"))
        elif kind == "mask":
            mask_shape = tuple(shape[dim + i] if dim + i < len(shape) else 2 for i in range(m))
            values = draw(st.lists(st.booleans(), min_size=int(np.prod(mask_shape)),
                                   max_size=int(np.prod(mask_shape))))
            items.append(T(np.array(values, dtype=bool).reshape(mask_shape), "bool"))
        dim += 0 if kind in ("none", "bool", "bool0") else m or 1
    if len(items) == 1 and draw(st.booleans()):
        return items[0]
    return tuple(items)


# ---------------------------------------------------------------- getitem
@given(st.data())
def test_getitem_hypothesis(data):
    shape = data.draw(shapes())
    dtype = data.draw(st.sampled_from(DTYPES))
    check_getitem(shape, dtype, data.draw(indices(shape)), transposed=data.draw(st.booleans()))


@pytest.mark.parametrize("index", [
    0, -1, 2, -3, 3, -4, np.int64(1), np.int32(-1), T(1), T(-2, "int32"), T(1, "int8"), np.array(1),
    slice(None), slice(1, None), slice(None, -1), slice(-10, 10), slice(5, 1), slice(None, None, 2),
    slice(-2, None, 2), slice(T(1), None), slice(np.int64(1), None, np.int32(2)), slice(1.0, None),
    slice(None, None, 0), slice(None, None, -1), slice(-10 ** 30, None), slice(-2 ** 62, None),
    slice(-2 ** 62 - 1, None), slice(None, -2 ** 63), slice(None, 2 ** 70),
    None, Ellipsis, (), (None, None), (Ellipsis, None), (None, Ellipsis, 0),
    (0, 1), (1, slice(None), 0), (Ellipsis, 1), (slice(None), 1, slice(1, 3)), (0, 1, 2), (0, 1, 2, 0),
    (Ellipsis, Ellipsis), (Ellipsis, 0, Ellipsis), (0, Ellipsis, Ellipsis, 0), (Ellipsis, Ellipsis, 0),
    True, False, (True,), (slice(None), True), (True, True), (0, True, slice(None), False), T(True, "bool"),
    T(False, "bool"), T(1, "uint8"), T(0, "uint8"), np.array(True),
    [0, 2], [[0, 1], [2, 1]], [], [[]], [True, False, True], [1, True], [0.5, 1.7], [-1], (0, [0, 2]),
    ([0, 2], slice(None), [1, 3]), ([0, 2], 0, [1, 3]), (slice(None), [0, 1], [1, 2]), ([0, 2], None, [1, 3]),
    ([0, 2], True, [1, 3]), (T(True, "bool"), [0, 1]), ([0, 1], T(True, "bool")),
    (slice(None), [0, 1], slice(None), T(True, "bool")), (slice(None), [0, 1], True), (None, [0, 1]),
    [[0, 1], slice(None)], [0, None], [0, Ellipsis], [T(0), 1], [np.array([0, 1])], [(0, 1)], ((0, 1),),
    np.array([1, 0]), np.array([[1, 0]]), np.array([1, 0], dtype=np.int8), np.array([1, 0], dtype=np.uint8),
    np.array([True, False, True]), np.array([0.5, 1.5]), np.array([], dtype=np.float64), range(2),
    T([1, 0]), T([1, 0], "int32"), T([[2], [0]]), T([1, 0], "int16"), T([1, 0], "int8"), T([1.0]), T(0.0),
    T([], "float32"), T([1, 0, 1], "uint8"), T([True, False, True], "bool"), T([[True] * 4] * 3, "bool"),
    (slice(None), T([True, False, True, True], "bool")), T([True, False], "bool"), T([[True] * 4] * 2, "bool"),
    T(np.ones((3, 4, 2), bool), "bool"), (T([[True] * 4] * 3, "bool"), 0),
    ([0, 5],), (slice(None), [4]), ([[0, 5], [9, 0]],), ([0, 1], [0, 5]), ([0, 7], [0, 5]), ([0, 0], [7, 0]),
    ([0, 3], slice(None), [1, 7]), ([-4],), ([0, 1], [0, 1, 2]), ([0, 1], [0, 1, 2], [0]),
    (T([True, True, True], "bool"), [0, 1]), (T([True, False, True], "bool"), [0, 1]),
    0.5, np.float64(1), "a", object(), {}, [2 ** 64], 2 ** 64, -2 ** 63 - 1, [0, "a"], np.True_, (np.False_, 0),
    np.array(1.7), [np.True_, np.False_, np.True_], [np.uint8(1), np.uint8(0), np.uint8(1)], [T(1)] * 40,
    [[1]] * 40, (T([True, False, True], "bool"), T([True, False, True, False], "bool")), [1j], b"a",
    np.array(["a"]), np.array([object()]), np.array([1 + 1j]), [None], {1, 2},
])
def test_getitem_examples(index):
    check_getitem((3, 4), "float32", index)


@pytest.mark.parametrize("shape,index", [
    ((), 0), ((), 1), ((), -1), ((), (0,)), ((), T(0)), ((), True), ((), False), ((), None), ((), Ellipsis),
    ((), ()), ((), (None, Ellipsis, None)), ((), T(True, "bool")), ((), T(False, "bool")), ((), [0]),
    ((), slice(None)), ((), (slice(None),)), ((), T([], "int64")),
    ((0, 3), []), ((0, 3), [0]), ((0, 3), slice(5, None)), ((2, 0), [1, 0]), ((2, 0), (slice(None), [0])),
    ((2, 0), [5]), ((0, 2), (slice(None), [5])), ((3, 2), ([], [5])), ((3, 2), ([[]], [[5], [1]])),
    ((0, 3), T(np.zeros((0, 3), bool), "bool")), ((2, 3), T(np.zeros((2, 3), bool), "bool")),
    ((4,), (slice(1, 3), [0, -1])), ((2, 3, 4), (slice(None), 0, [0, 1])), ((2, 3, 4), ([0, 1], slice(None), 0)),
    ((2, 3, 4), (0, slice(None), [[0, 1], [2, 3]])), ((2, 3, 4), (Ellipsis, [0, 1], [1, 2])),
    ((2, 3, 4), (T([True, False], "bool"), slice(None), [1, 3])), ((2, 3, 4), (np.ones((2, 3), bool), 0)),
    ((2, 3, 4), (T(np.eye(3, 4, dtype=bool), "bool")),), ((2, 3, 4), (None, T([[0], [1]]), None, [0, 1])),
])
def test_getitem_shapes(shape, index):
    check_getitem(shape, "int64", index)


def test_views_alias_their_base():
    for lib in (torch, jt):
        x = lib.zeros(3, 4)
        v = x[1:, ::2][0]
        v[1] = 5.0
        assert x[1, 2].item() == 5.0
        assert v._base is x
        c = x[[1, 2]]
        c[0, 0] = 9.0
        assert x[1, 0].item() == 0.0
        assert c._base is None
        assert x[...] is not x and x[...]._base is x


def test_slice_and_alias_grad_fns():
    """A lone slice gives a slice view; inside a tuple a whole-dim slice is skipped."""
    tx, jx = torch.zeros(3, 2, requires_grad=True), jt.zeros(3, 2, requires_grad=True)
    for index in [slice(None), (slice(None),), (slice(None), slice(0, 2)), Ellipsis, (), 0, None,
                  (0, slice(None)), [0], True, (slice(None), [1])]:
        tn, jn = tx[index].grad_fn, jx[index].grad_fn
        assert type(jn).__name__ == type(tn).__name__, index


# ---------------------------------------------------------------- setitem
VALUE_DTYPES = ["bool", "int64", "int32", "uint8", "float16", "bfloat16", "float32", "float64", "complex64"]


@st.composite
def values_for(draw, shape, dtype, index):
    """A value for `x[index] = value`: a Python scalar, or a tensor whose shape broadcasts
    to the indexed shape (sometimes not), mostly of x's dtype. Where the index writes an
    element twice the value is constant, so the result does not depend on write order."""
    tx = torch.arange(int(np.prod(shape))).reshape(shape)
    target, repeats = None, False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            selected = tx[build(index, torch)]
            target = tuple(selected.shape)
            repeats = len(np.unique(selected.numpy())) < selected.numel()
        except Exception:  # noqa: BLE001 - the assignment will raise the same error in both libraries
            pass
    kind = draw(st.sampled_from(["int", "float", "bool", "complex", "tensor", "tensor", "tensor"]))
    if kind == "int":
        return draw(st.integers(-3, 300))
    if kind == "float":
        return draw(st.sampled_from([2.5, -1.75, 0.0, float("nan"), float("inf"), 1e40]))
    if kind == "bool":
        return draw(st.booleans())
    if kind == "complex":
        return draw(st.sampled_from([1 + 0j, 2 - 1j]))
    if target is None or not draw(st.integers(0, 9)):
        vshape = tuple(draw(st.lists(st.integers(0, 3), max_size=3)))
    else:
        vshape = list(target[draw(st.integers(0, len(target))):])
        vshape = [1 if draw(st.integers(0, 3)) == 0 else s for s in vshape]
        vshape = tuple([1] * draw(st.integers(0, 1)) + vshape)
    vdtype = dtype if draw(st.integers(0, 3)) else draw(st.sampled_from(VALUE_DTYPES))
    n = int(np.prod(vshape))
    values = np.full(n, 3) if repeats else np.arange(n) + 1
    if vdtype == "bool":
        values = values % 2 == 1
    return T(values.reshape(vshape), vdtype)


@given(st.data())
def test_setitem_hypothesis(data):
    shape = data.draw(shapes())
    dtype = data.draw(st.sampled_from(DTYPES))
    index = data.draw(indices(shape))
    value = data.draw(values_for(shape, dtype, index))
    check_setitem(shape, dtype, index, value, transposed=data.draw(st.booleans()))


@pytest.mark.parametrize("index,value", [
    (0, 5), (0, 2.7), ([0], -2.7), (0, T([1.5, 2.5, 3.5, 4.5], "float32")), ([0, 1], T([[1.5, 2.5, 3.5, 4.5]])),
    (0, [1, 2, 3, 4]), (0, np.array([1, 2, 3, 4])), (0, np.float32(1)), (0, np.float64(1.5)), (0, np.int32(3)),
    (0, np.bool_(True)), (0, "a"), (0, None), (0, 2 ** 63), (0, -2 ** 63 - 1), (False, "a"), (False, T([1] * 7)),
    (0, T([1, 2])), ([0, 1], T([1, 2])), ((slice(None), [0, 1, 2]), T([1, 2])), (0, T(np.ones((2, 4)))),
    (0, T(np.ones((1, 1, 4)))), ([0], T(np.ones((1, 1, 1, 4)))), (True, T(np.ones(4))), (True, T(np.ones(7))),
    (None, T(np.ones(4))), ((None,), T(np.ones(4))), (Ellipsis, 3), ((), 3), ((True,), T(np.ones(4))),
    ([0, 0], T(np.ones((2, 4)))), ([1, 1], 4), ([], 1), ([], T(np.ones(5))), (slice(5, None), 1),
    (T(np.ones((3, 4), bool), "bool"), T(np.ones((1, 1, 1, 1)))), (T(np.ones((3, 4), bool), "bool"), T([7])),
    (T([True, False, True], "bool"), T([7.5, 8, 9, 1])), (T([True, False, True], "bool"), T([7.5, 8])),
    (T([True, False, True], "bool"), T([[1.5] * 4, [2] * 4])), (T([True, False], "bool"), 1),
    (T([True, False, True], "bool"), T(2.5)), (T([True, False, True], "bool"), T(300)),
    (T([True, False, True], "bool"), T([2.5 + 1j], "complex64")), (T([1, 0, 1], "uint8"), 1),
    (T([1, 0, 1], "uint8"), T(np.ones((2, 4)))), (T(1, "uint8"), T(np.ones(4))),
    (T(np.zeros((3, 4), bool), "bool"), 3), (T(np.zeros((3, 4), bool), "bool"), T([])),
    ([0], T(2.5)), ([0], T([1 + 2j], "complex64")), (0, T([1 + 2j], "complex64")), (0, 1 + 2j), (0, 1 + 0j),
    (0, T(np.arange(4.0) + 1j, "complex128")), (slice(None), T(3.7 + 1j, "complex64")),
    ((slice(None), [0, 5]), 1), ((slice(None), [0, 5]), T(1)), (([0, 1], [7, 4]), 1), ([0, 3], 1),
    (slice(None, None, -1), 1), (slice(None, None, 0), 1), (5, 1), ((0, 4), 1), ((0, 0, 0), 1),
    ((T([0, 2]), slice(1, 3)), T([[1], [2]])), ((slice(None), None, [1, 2]), T([[5, 6]])),
    ((Ellipsis, 0, Ellipsis), 0), (T([1.0]), 1), (0.5, 1),
])
def test_setitem_examples(index, value):
    check_setitem((3, 4), "float32", index, value)


SCALARS = [1e300, -1e300, float("inf"), float("nan"), 70000, -129, 256, -1, -255, -256, 1 + 2j, 1 + 0j, -0.5, 127.9,
           True, 3.5e38, 3.4e38, 65520.0, 2 ** 40]


@pytest.mark.parametrize("dtype", DTYPES)
def test_dtypes(dtype):
    """Each dtype through a view, a gather, a masked fill and a scatter, and Python
    scalars converted (or refused) as torch converts them."""
    check_getitem((3, 4), dtype, (Ellipsis, 1))
    check_getitem((3, 4), dtype, (slice(None), [2, 0]))
    check_setitem((3, 4), dtype, T([True, False, True], "bool"), 1)
    check_setitem((3, 4), dtype, ([0, 2], [1, 3]), T([1, 0], dtype))
    for value in SCALARS:
        check_setitem((3, 4), dtype, 0, value)
    for value in (1 + 2j, -1.5):
        check_setitem((3, 4), dtype, [1], value)


@pytest.mark.parametrize("shape,index,value", [
    ((), Ellipsis, 3), ((), None, 3), ((), True, 3), ((), T(True, "bool"), 3), ((), T(False, "bool"), 3),
    ((), 0, 3), ((), (), T(4)), ((), T([], "int64"), 1), ((0, 3), [0], 1), ((2, 0), [5], 1), ((0, 3), [], 1),
    ((0, 3), slice(None), T([1, 2, 3])), ((2, 3), T(np.zeros((2, 3), bool), "bool"), T([1.0])),
])
def test_setitem_shapes(shape, index, value):
    check_setitem(shape, "int64", index, value)


@pytest.mark.parametrize("write", [
    lambda x: x.__setitem__(slice(1, None), x[:-1]),
    lambda x: x.__setitem__(slice(0, -1), x[1:]),
    lambda x: x.__setitem__([1, 2, 3, 4, 5], x[:-1]),
    lambda x: x.__setitem__([0, 1, 2, 3, 4, 5], x),
    lambda x: x.__setitem__(slice(None), x),
    lambda x: x.__setitem__(slice(0, 3), x[3:]),
    lambda x: x.__setitem__(slice(None), x[0]),
    lambda x: x.__setitem__(0, x[5]),
    lambda x: x.__setitem__(x[:2].long(), 7),
    lambda x: x.__setitem__(x > 2, x[0]),
])
def test_setitem_overlap(write):
    tx, jx = torch.arange(6.0), jt.arange(6.0)
    t_out = outcome(lambda: write(tx))
    j_out = outcome(lambda: write(jx))
    if t_out[0] == "error":
        same_error(t_out, j_out)
    else:
        assert j_out[0] == "ok", j_out
        same_tensor(tx, jx)


def test_setitem_overlapping_index_tensor():
    for lib in (torch, jt):
        x = lib.arange(5)
        with pytest.raises(RuntimeError, match="refer to a single memory location"):
            x[x[2:]] = 7


def test_setitem_shows_in_views_and_bumps_version():
    for lib in (torch, jt):
        x = lib.zeros(3, 4)
        row, col = x[1], x[:, 2]
        before = x._version
        x[1, 2] = 1.0
        x[[0], 2] = 2.0
        x[x > 1.5] = 3.0
        x[False] = 9.0
        assert x._version == before + 3
        assert row.tolist() == [0.0, 0.0, 1.0, 0.0]
        assert col.tolist() == [3.0, 1.0, 0.0]
        row[[0, 3]] = 4.0  # advanced write into a view reaches the base
        assert x[1].tolist() == [4.0, 0.0, 1.0, 4.0]


def test_setitem_on_leaf_requiring_grad():
    for index in [0, [0], Ellipsis, True, False, None, slice(None), (), T(0), T([True, False, True], "bool")]:
        t_out, j_out = [outcome(lambda: lib.zeros(3, 2, requires_grad=True).__setitem__(build(index, lib), 1.0))
                        for lib in (torch, jt)]
        if t_out[0] == "error":
            same_error(t_out, j_out)
        else:
            assert j_out[0] == "ok"


# ---------------------------------------------------------------- autograd
@pytest.mark.parametrize("index", [0, [1, 1, 0], ([0, 2], [1, 1]), (None, Ellipsis, [1]), True,
                                   T([[True, False], [True, True], [False, True]], "bool")])
def test_getitem_grad(index):
    grads, names = [], []
    for lib in (torch, jt):
        x = lib.arange(6.0).reshape(3, 2).requires_grad_()
        out = x[build(index, lib)]
        weights = lib.arange(float(out.numel())).reshape(out.shape) + 1
        (out * weights).sum().backward()
        grads.append(host(x.grad))
        names.append(type(out.grad_fn).__name__)
    np.testing.assert_array_equal(grads[1], grads[0])
    assert names[1] == names[0]


@pytest.mark.parametrize("index,value_shape", [
    (0, (2,)), (Ellipsis, ()), ([1, 1], (2,)), ((slice(None), [1, 0]), (1, 2)), ((0, [0, 0]), ()),
    (T([[True, False], [True, True], [False, True]], "bool"), ()),
    (T([[True, False], [True, True], [False, True]], "bool"), (4,)),
])
def test_setitem_grad(index, value_shape):
    results = []
    for lib in (torch, jt):
        a = lib.arange(6.0).reshape(3, 2).requires_grad_()
        v = (lib.arange(float(np.prod(value_shape))).reshape(value_shape) + 10).requires_grad_()
        y = a * 1
        y[build(index, lib)] = v
        (y * (lib.arange(6.0).reshape(3, 2) + 1)).sum().backward()
        results.append((host(y), host(a.grad), host(v.grad), type(y.grad_fn).__name__))
    for j_part, t_part in zip(results[1], results[0]):
        np.testing.assert_array_equal(j_part, t_part)


def test_setitem_grad_through_view_of_base():
    results = []
    for lib in (torch, jt):
        a = lib.arange(6.0).reshape(3, 2).requires_grad_()
        v = lib.tensor([5.0, 6.0], requires_grad=True)
        y = a * 2
        row = y[1]
        row[[1, 0]] = v
        (y ** 2).sum().backward()
        results.append((host(y), host(a.grad), host(v.grad), type(y.grad_fn).__name__))
    for j_part, t_part in zip(results[1], results[0]):
        np.testing.assert_array_equal(j_part, t_part)


def test_double_backward_through_gather_and_scatter():
    results = []
    for lib in (torch, jt):
        a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        v = lib.tensor([4.0, 5.0], requires_grad=True)
        y = a * a
        y[[0, 2]] = v * v
        g = lib.autograd.grad((y * y).sum() + (a[[1, 1, 0]] ** 3).sum(), (a, v), create_graph=True)
        h = lib.autograd.grad((g[0] * g[0]).sum() + g[1].sum() * 3, (a, v))
        results.append([host(t) for t in g + h])
    for j_part, t_part in zip(results[1], results[0]):
        np.testing.assert_array_equal(j_part, t_part)


# ---------------------------------------------------------------- speed
def test_gather_compiles_once_per_index_structure():
    from jtorch.ops import indexing

    x = jt.arange(20.0).reshape(4, 5)
    x[jt.tensor([0, 1]), 1:]
    gather = indexing._gatherer((True,))
    before = gather._cache_size()
    for i in range(3):
        np.testing.assert_array_equal(host(x[jt.tensor([i, 3 - i]), 1:]), host(x)[[i, 3 - i], 1:])
        x[jt.tensor([i, 3 - i])] = float(i)
    assert gather._cache_size() == before


# ---------------------------------------------------------------- odds and ends
def test_delitem():
    t_out = outcome(lambda: torch.zeros(2).__delitem__(0))
    same_error(t_out, outcome(lambda: jt.zeros(2).__delitem__(0)))


def test_advanced_indexing_under_jit():
    """Index tensors that JAX traces work (unchecked: their values are unknown)."""
    import jax
    import jax.numpy as jnp

    from jtorch._tensor import Tensor

    def program(x, idx):
        y = x[idx, 1:] * 2
        x[idx[:1]] = 0.0
        x[:, idx] = y[0, :2]
        return y, x

    values, positions = np.arange(12.0, dtype=np.float32).reshape(3, 4), np.array([2, 0])

    def traced(a, i):
        y, x = program(Tensor._make(a, jt.float32), Tensor._make(i, jt.int64))
        return y._data, x._data

    jit_y, jit_x = jax.jit(traced)(jnp.asarray(values), jnp.asarray(positions))
    torch_y, torch_x = program(torch.tensor(values), torch.tensor(positions))
    np.testing.assert_array_equal(np.asarray(jit_y), torch_y.numpy())
    np.testing.assert_array_equal(np.asarray(jit_x), torch_x.numpy())
