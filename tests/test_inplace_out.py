"""In-place `_` methods, `out=`, and the copying ops (clone, contiguous, copy_, fill_,
zero_, resize_, to) against real torch: identity, versions, dtype and shape rules,
warnings, aliasing and errors."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import jtorch as jt

LIBS = (torch, jt)
DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
          "complex64", "complex128"]


# ----------------------------------------------------------------- helpers
def values(t):
    t = t.detach()
    if t.dtype in (torch.bfloat16, jt.bfloat16):
        t = t.float()
    return np.array(t.tolist())


def check_same(t, j, where="", exact=True):
    assert tuple(j.shape) == tuple(t.shape), where
    assert str(j.dtype) == str(t.dtype), where
    assert j.stride() == t.stride(), where
    assert j.storage_offset() == t.storage_offset(), where
    vt, vj = values(t), values(j)
    if exact:
        assert np.array_equal(vt, vj, equal_nan=vt.dtype.kind in "fc"), (where, t, j)
    else:
        np.testing.assert_allclose(vj, vt, rtol=1e-5, atol=1e-6, err_msg=where)


def run_both(fn):
    """(results, warnings) of fn(torch) and fn(jtorch); when either raises, both must,
    with one type and message, and the results are None."""
    results, errors, caught = [], [], []
    for lib in LIBS:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                results.append(fn(lib))
                errors.append(None)
            except Exception as e:  # noqa: BLE001 - compared below
                results.append(None)
                errors.append(e)
        caught.append([x.category for x in w])
    et, ej = errors
    if et is not None or ej is not None:
        assert type(ej) is type(et), (et, ej)
        assert str(ej).split("\n")[0] == str(et).split("\n")[0]
        return None, caught
    return results, caught


def outputs(result, L):
    """The tensors (and plain ints/bools) a case returned, as a list."""
    result = result if isinstance(result, tuple) else (result,)
    return [r for r in result if isinstance(r, (L.Tensor, bool, int))]


def compare_outputs(results):
    for t, j in zip(*results):
        if isinstance(t, torch.Tensor):
            check_same(t, j)
        else:
            assert j == t


def make(lib, values, dtype):
    return lib.tensor(values, dtype=getattr(lib, dtype))


def small_values(shape, dtype, draw):
    """Nested lists of small values every dtype holds exactly."""
    n = int(np.prod(shape))
    flat = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    if dtype == "bool":
        flat = [bool(v % 2) for v in flat]
    elif dtype.startswith("complex"):
        flat = [complex(v, 1) for v in flat]
    return np.array(flat, dtype=object).reshape(shape).tolist()


shapes = st.lists(st.integers(0, 3), min_size=0, max_size=3).map(tuple)


# ----------------------------------------------------------------- every in-place method
RANDOM_INPLACE = {"bernoulli_", "cauchy_", "exponential_", "geometric_", "log_normal_", "normal_", "random_",
                  "uniform_"}
NOT_WRITES = {"requires_grad_", "detach_", "resize_", "resize_as_", "set_"}  # covered elsewhere, with their own rules
SPECIAL_ARGS = {
    "index_add_": lambda L, x: (0, L.tensor([0, 2]), x[:2] + 1),
    "index_copy_": lambda L, x: (0, L.tensor([0, 2]), x[:2] + 1),
    "index_fill_": lambda L, x: (1, L.tensor([1]), 5),
    "index_put_": lambda L, x: ((L.tensor([0, 1]),), x[0, :1] + 3),
    "put_": lambda L, x: (L.tensor([0, -1, 4]), x[0] + 3),
    "masked_fill_": lambda L, x: (x > 0.5, 2.0),
    "masked_scatter_": lambda L, x: (x > 0.5, x * 10),
    "scatter_": lambda L, x: (1, L.tensor([[0, 1, 2], [2, 1, 0], [1, 1, 1]]) % 3, x + 5),
    "scatter_add_": lambda L, x: (1, L.tensor([[0, 1, 2], [2, 1, 0], [1, 1, 1]]), x + 5),
    "scatter_reduce_": lambda L, x: (0, L.tensor([[0, 1, 2], [2, 1, 0], [1, 1, 1]]), x + 5, "amax"),
    "cumsum_": lambda L, x: (1,),
    "cumprod_": lambda L, x: (0,),
    "clamp_": lambda L, x: (0.3, 0.6),
    "clip_": lambda L, x: (0.3,),
    "clamp_min_": lambda L, x: (0.4,),
    "clamp_max_": lambda L, x: (0.4,),
    "addbmm_": lambda L, x: (x.expand(2, 3, 3) + 0, x.expand(2, 3, 3) + 1),
    "baddbmm_": lambda L, x: (x.expand(1, 3, 3) + 0, x.expand(1, 3, 3) + 1),
    "addmm_": lambda L, x: (x + 1, x + 2),
    "addmv_": lambda L, x: (x.expand(3, 3) + 1, x + 2),
    "addr_": lambda L, x: (x[0] + 0, x[1] + 0),
    "fill_": lambda L, x: (2.5,),
    "geometric_": lambda L, x: (0.5,),
    "pow_": lambda L, x: (2,),
    "tril_": lambda L, x: (),
    "triu_": lambda L, x: (-1,),
    "random_": lambda L, x: (0, 10),
    "float_power_": lambda L, x: (x + 1,),
    "gcd_": lambda L, x: (x + 4,),
    "lcm_": lambda L, x: (x + 4,),
    "mvlgamma_": lambda L, x: (1,),
    "polygamma_": lambda L, x: (1,),
    "transpose_": lambda L, x: (0, 1),
    "swapaxes_": lambda L, x: (1, 0),
    "swapdims_": lambda L, x: (0, -1),
    "t_": lambda L, x: (),
    "squeeze_": lambda L, x: (),
    "unsqueeze_": lambda L, x: (1,),
    "as_strided_": lambda L, x: ((2, 2), (1, 3), 1),
    "apply_": lambda L, x: (lambda v: v * 2 + 1,),
    "map_": lambda L, x: (x + 1, lambda a, b: a * b - 1),
    "fill_diagonal_": lambda L, x: (2.5,),
    "index_reduce_": lambda L, x: (0, L.tensor([0, 2, 0]), x + 1, "prod"),
    "renorm_": lambda L, x: (2, 0, 0.5),
}


def inplace_names():
    return sorted(n for n in dir(jt.Tensor)
                  if n.endswith("_") and not n.startswith("_") and hasattr(torch.Tensor, n) and n not in NOT_WRITES)


def _args_for(name, L, x):
    if name in SPECIAL_ARGS:
        return SPECIAL_ARGS[name](L, x)
    return None


def _input(L, name):
    values = [[0.25, 0.5, 0.75], [0.125, 0.375, 0.625], [0.875, 0.5, 0.25]]
    if name.startswith("bitwise_") or name in ("random_", "gcd_", "lcm_"):
        return L.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    if name == "addmv_":
        return L.tensor(values[0])
    if name == "float_power_":  # in place needs float64 (the op's result dtype)
        return L.tensor(values, dtype=L.float64)
    if name == "baddbmm_":
        return L.tensor([values])
    return L.tensor(values)


@pytest.mark.parametrize("name", inplace_names())
def test_every_inplace_method_mutates_self(name):
    """x.name_(...) returns x itself, keeps its shape and dtype, bumps its version as
    torch's does, and (for deterministic ops) computes torch's values."""
    xt = _input(torch, name)
    args_t = _args_for(name, torch, xt)
    if args_t is None:  # plain unary or binary op: find which by asking torch
        for candidate in ((), (xt + 1,), (xt + 1, xt + 2)):
            try:
                getattr(xt.clone(), name)(*candidate)
                args_t = candidate
                break
            except (TypeError, RuntimeError):
                continue
        assert args_t is not None, f"no argument list found for {name}"
        arity = len(args_t)
        make_args = lambda L, x: ((), (x + 1,), (x + 1, x + 2))[arity]  # noqa: E731
    else:
        make_args = SPECIAL_ARGS[name]
    outcomes = []
    for L in LIBS:
        x = _input(L, name)
        before = x._version
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = getattr(x, name)(*make_args(L, x))
        assert result is x, name
        outcomes.append((x, x._version - before))
    (xt, dt), (xj, dj) = outcomes
    if name in ("apply_", "map_"):
        # torch writes these through the raw CPU pointer without a version bump; jtorch's
        # write must bump it so that views re-read (README, "Differences from torch")
        dt = 1
    assert dj == dt, name
    if name in RANDOM_INPLACE:
        assert tuple(xj.shape) == tuple(xt.shape) and str(xj.dtype) == str(xt.dtype)
    else:
        check_same(xt, xj, name, exact=False)


def test_inplace_on_a_view_bumps_the_family_version():
    for L in LIBS:
        x = L.zeros(2, 3)
        row = x[1]
        other = x[0]
        row.add_(1)
        assert x._version == row._version == other._version == 1
        x.mul_(2)
        assert row._version == 2
        assert x.tolist() == [[0.0, 0.0, 0.0], [2.0, 2.0, 2.0]]


# ----------------------------------------------------------------- in-place dtype and shape rules
@given(data=st.data(), self_dtype=st.sampled_from(DTYPES), other=st.sampled_from(DTYPES + ["int", "float",
                                                                                             "complex", "bool_"]),
       op=st.sampled_from(["add_", "mul_", "sub_", "div_"]))
def test_inplace_result_type_must_cast_to_self(data, self_dtype, other, op):
    """An in-place op keeps self's dtype: a result type that can't be cast to it is an
    error (e.g. int_tensor.add_(0.5)), with torch's message."""
    if self_dtype in ("float16", "bfloat16") and other.startswith("complex"):
        return  # torch's result is ComplexHalf, which jtorch does not have
    shape = data.draw(st.sampled_from([(), (3,), (2, 3)]))
    a = small_values(shape, self_dtype, data.draw)
    if other in DTYPES:
        b = small_values(data.draw(st.sampled_from([(), (3,)])), other, data.draw)
        arg = lambda L: make(L, b, other)  # noqa: E731
    else:
        scalar = {"int": 2, "float": 0.5, "complex": 1 + 1j, "bool_": True}[other]
        arg = lambda L: scalar  # noqa: E731

    def fn(L):
        x = make(L, a, self_dtype)
        result = getattr(x, op)(arg(L))
        return x, result is x, x._version

    results, _ = run_both(fn)
    if results is not None:
        (xt, same_t, vt), (xj, same_j, vj) = results
        assert same_j and same_t and vj == vt
        check_same(xt, xj, f"{self_dtype}.{op}({other})", exact=op != "div_" and "16" not in self_dtype)


@pytest.mark.parametrize("case", [
    lambda L: L.arange(3).add_(0.5),
    lambda L: L.arange(3.).add_(L.ones(2, 3)),
    lambda L: L.ones(3, 1).mul_(L.ones(3, 4)),
    lambda L: L.ones(3).add_(L.ones(4)),
    lambda L: L.ones(3, dtype=L.bool).add_(1),
    lambda L: L.ones(3, dtype=L.int32).div_(2),
    lambda L: L.ones(3, dtype=L.float32).add_(1j),
    lambda L: L.ones(3, dtype=L.float32).mul_(L.tensor(2.0, dtype=L.float64)),
    lambda L: L.ones(3, dtype=L.int32).mul_(L.tensor(2.0)),
    lambda L: L.ones(2, 3).t().add_(L.arange(2.)),
    lambda L: L.ones(3, requires_grad=True).add_(1),
    lambda L: L.zeros(3, 1).expand(3, 2).add_(1),
    lambda L: L.zeros(3, 1).expand(3, 2)[1].mul_(L.ones(2)),
    lambda L: L.zeros(0, 1).expand(0, 2).add_(1),
    lambda L: (lambda a: (a[1:].add_(a[:-1]), a))(L.arange(4.)),
    lambda L: (lambda a: (a.add_(a.t()), a))(L.arange(4.).reshape(2, 2)),
    lambda L: (lambda a: (a.add_(a), a))(L.arange(4.).reshape(2, 2)),
    lambda L: (lambda a: (a[:2].add_(a[2:]), a))(L.arange(4.)),
    lambda L: (lambda a: (a.add_(a[:1].expand(4)), a))(L.arange(4.)),
    lambda L: (lambda a: (a.add_(a.detach()), a))(L.arange(4.)),
])
def test_inplace_errors_and_casts(case):
    results, _ = run_both(lambda L: outputs(case(L), L))
    if results is not None:
        compare_outputs(results)


# ----------------------------------------------------------------- out=
@given(data=st.data(), a_shape=shapes, b_shape=shapes, out_shape=shapes,
       out_dtype=st.sampled_from(["float32", "float64", "int64", "int32", "bool", "complex64"]),
       dtype=st.sampled_from(["float32", "int64", "bool"]))
def test_out_resizes_casts_and_returns_out(data, a_shape, b_shape, out_shape, out_dtype, dtype):
    """`out=` gets the result and is returned; an empty out is resized silently, a
    wrongly shaped non-empty one with torch's UserWarning; a dtype that can't hold the
    result is an error."""
    a = small_values(a_shape, dtype, data.draw)
    b = small_values(b_shape, dtype, data.draw)

    def fn(L):
        out = L.zeros(out_shape, dtype=getattr(L, out_dtype))
        result = L.add(make(L, a, dtype), make(L, b, dtype), out=out)
        return out, result is out, out._version

    results, caught = run_both(fn)
    assert [UserWarning in c for c in caught][1] == [UserWarning in c for c in caught][0]
    if results is not None:
        (ot, same_t, vt), (oj, same_j, vj) = results
        assert same_t and same_j and vj == vt
        check_same(ot, oj)


def test_out_warning_text():
    for L in LIBS:
        with pytest.warns(UserWarning, match="An output with one or more elements was resized since it had shape "
                                             r"\[2\], which does not match the required output shape \[3\]"):
            L.add(L.ones(3), 1, out=L.zeros(2))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            L.add(L.ones(3), 1, out=L.zeros(0))


@pytest.mark.parametrize("case", [
    # out is a view: the write reaches the base
    lambda L: (lambda b: (L.add(L.arange(3.), 1, out=b[1]), b))(L.zeros(2, 3)),
    lambda L: (lambda b: (L.add(L.arange(2.), 1, out=b[:, 1]), b))(L.zeros(2, 3)),
    lambda L: (lambda b: (L.mul(L.ones(3, 2), 3, out=b.t()), b))(L.zeros(2, 3)),
    lambda L: (lambda b: (L.add(L.ones(2), 1, out=b.diagonal()), b))(L.zeros(2, 2)),
    lambda L: (lambda b: (L.add(L.ones(2, 3), 1, out=b.real), b))(L.zeros(2, 3, dtype=L.complex64)),
    # a view resized by out=: within the storage it stays a view (torch resizes in place)
    lambda L: (lambda b: (L.add(L.ones(3), 1, out=b[:2]), b))(L.zeros(3)),
    lambda L: (lambda b: (L.add(L.ones(2, 1), 1, out=b[:, :2]), b))(L.zeros(2, 3)),
    lambda L: (lambda b: (L.add(L.ones(1), 1, out=b[::2]), b))(L.zeros(4)),
    lambda L: (lambda b: (L.add(L.ones(2), 1, out=b[1:2]), b))(L.zeros(4)),
    # out= refuses memory it would read twice
    lambda L: (lambda b: (L.add(L.ones(3, 2), 1, out=b.expand(3, 2)), b))(L.zeros(3, 1)),
    lambda L: (lambda b: (L.add(L.ones(3, 3), 1, out=b.expand(3, 2)), b))(L.zeros(3, 1)),
    lambda L: (lambda a: (L.add(a[:3], 1, out=a[1:]), a))(L.arange(4.)),
    lambda L: (lambda a: (L.mul(a.t(), 1, out=a), a))(L.arange(4.).reshape(2, 2)),
    lambda L: (lambda a: (L.add(a, 1, out=a), a))(L.arange(4.)),
    lambda L: (lambda a: (L.add(a[::2], a[1::2], out=a[1::2]), a))(L.arange(4.)),
    lambda L: (lambda a: (L.add(a[:2], a[2:], out=a[2:]), a))(L.arange(4.)),
    # dtypes and autograd
    lambda L: L.add(L.ones(3), 1, out=L.zeros(3, dtype=L.int64)),
    lambda L: L.add(L.ones(3, dtype=L.int64), 1, out=L.zeros(3)),
    lambda L: L.add(L.ones(3), 1, out=L.zeros(3, dtype=L.float64)),
    lambda L: L.add(L.ones(3, dtype=L.bool), True, out=L.zeros(3, dtype=L.bool)),
    lambda L: L.add(L.ones(3, requires_grad=True), 1, out=L.zeros(3)),
])
def test_out_cases(case):
    results, caught = run_both(lambda L: outputs(case(L), L))
    assert (UserWarning in caught[1]) == (UserWarning in caught[0])
    if results is not None:
        compare_outputs(results)


def test_out_version_and_resize_do_not_double_bump():
    def fn(L):
        versions = []
        for out in (L.empty(0), L.empty(2), L.empty(3), L.empty(3, 2).t()):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                L.add(L.ones(3, 2) if out.dim() == 2 else L.ones(3), 1, out=out)
            versions.append((out._version, out.stride()))
        return versions

    results, _ = run_both(fn)
    assert results[1] == results[0]


# ----------------------------------------------------------------- clone and contiguous
CLONE_INPUTS = {
    "contiguous": lambda L: L.arange(6.).reshape(2, 3),
    "transposed": lambda L: L.arange(6.).reshape(2, 3).t(),
    "permuted": lambda L: L.arange(24.).reshape(2, 3, 4).permute(2, 0, 1),
    "sliced": lambda L: L.arange(12.).reshape(3, 4)[:, ::2],
    "sliced_transposed": lambda L: L.arange(12.).reshape(3, 4)[:, ::2].t(),
    "expanded": lambda L: L.arange(3.).reshape(3, 1).expand(3, 4),
    "expanded_transposed": lambda L: L.arange(3.).reshape(3, 1).expand(3, 4).t(),
    "unsqueezed_transposed": lambda L: L.arange(6.).reshape(2, 3).t().unsqueeze(1),
    "empty_transposed": lambda L: L.zeros(0, 3).t(),
    "column": lambda L: L.arange(6.).reshape(2, 3)[:, :1],
    "zero_d": lambda L: L.tensor(3.5),
    "offset": lambda L: L.arange(10.)[3:7],
    "complex_real": lambda L: (L.arange(6.).reshape(2, 3) * 1j).real,
    "int_transposed": lambda L: L.arange(6).reshape(2, 3).t(),
}


@pytest.mark.parametrize("name", sorted(CLONE_INPUTS))
def test_clone_is_a_new_tensor_with_torch_layout(name):
    def fn(L):
        x = CLONE_INPUTS[name](L)
        c = x.clone()
        c2 = L.clone(x, memory_format=L.contiguous_format)
        same_storage = c.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
        return x, c, c2, c._base is None, same_storage, c.is_contiguous(), c2.is_contiguous()

    (rt, rj), _ = run_both(fn)
    assert rj[3:] == rt[3:]
    for t, j in zip(rt[:3], rj[:3]):
        check_same(t, j, name)
    # the clone owns its memory: writes don't cross
    for x, c in ((rt[0], rt[1]), (rj[0], rj[1])):
        c.add_(100) if c.numel() else None
    check_same(rt[0], rj[0], name)
    check_same(rt[1], rj[1], name)


@pytest.mark.parametrize("name", sorted(CLONE_INPUTS))
def test_contiguous_is_self_or_a_contiguous_copy(name):
    def fn(L):
        x = CLONE_INPUTS[name](L)
        c = x.contiguous()
        return x, c, c is x, c.is_contiguous(), c._base is None

    (rt, rj), _ = run_both(fn)
    assert rj[2:] == rt[2:]
    check_same(rt[1], rj[1], name)


def test_clone_of_a_permuted_tensor_behaves_as_its_layout():
    """A clone keeping a transpose's strides is not contiguous: view() refuses it, its
    views get torch's strides, writes through them land, and numpy sees the memory."""

    def fn(L):
        c = L.arange(24.).reshape(2, 3, 4).permute(2, 0, 1).clone()
        v = c[1]
        v.add_(100)
        out = [c, v, c.reshape(-1), c.transpose(0, 2), c.contiguous(), c.to(L.float64)]
        try:
            c.view(-1)
        except RuntimeError as e:
            out.append(str(e))
        out.append(c.numpy().strides)
        return out

    (rt, rj), _ = run_both(fn)
    for t, j in zip(rt[:6], rj[:6]):
        check_same(t, j)
    assert rj[6:] == rt[6:]


def test_clone_memory_formats():
    def fn(L):
        x = L.arange(120.).reshape(2, 3, 4, 5)
        return [x.clone(memory_format=L.channels_last), x.clone(memory_format=L.preserve_format),
                x.permute(0, 2, 3, 1).clone(), repr(L.channels_last), repr(L.contiguous_format)]

    (rt, rj), _ = run_both(fn)
    for t, j in zip(rt[:3], rj[:3]):
        check_same(t, j)
    assert rj[3:] == rt[3:]
    assert run_both(lambda L: L.zeros(2, 3).clone(memory_format=L.channels_last))[0] is None


def test_clone_and_contiguous_autograd():
    def fn(L):
        x = L.arange(6.).reshape(2, 3).requires_grad_()
        y = x.t().clone()
        y[0].mul_(2)
        z = x.t().contiguous()
        (y.sum() + (z * z).sum()).backward()
        return [x.grad, type(z.grad_fn).__name__, type(x.clone().grad_fn).__name__]

    (rt, rj), _ = run_both(fn)
    check_same(rt[0], rj[0])
    assert rj[1:] == rt[1:]


# ----------------------------------------------------------------- copy_
@given(data=st.data(), dst_shape=shapes, src_shape=shapes, dst_dtype=st.sampled_from(DTYPES),
       src_dtype=st.sampled_from(DTYPES), transpose=st.booleans())
def test_copy_broadcasts_and_casts(data, dst_shape, src_shape, dst_dtype, src_dtype, transpose):
    src = small_values(src_shape, src_dtype, data.draw)

    def fn(L):
        dst = L.zeros(dst_shape, dtype=getattr(L, dst_dtype))
        if transpose and dst.dim() >= 2:
            dst = dst.transpose(0, 1)
        before = dst._version
        result = dst.copy_(make(L, src, src_dtype))
        return dst, result is dst, dst._version - before

    results, caught = run_both(fn)
    if results is not None:
        (dt, same_t, vt), (dj, same_j, vj) = results
        assert same_t and same_j and vj == vt
        check_same(dt, dj)


@pytest.mark.parametrize("case", [
    lambda L: L.zeros(2, 3).copy_(L.arange(3)),
    lambda L: L.zeros(2, 3).copy_(L.arange(2)),
    lambda L: L.zeros(3).copy_(L.ones(2, 3)),
    lambda L: L.zeros(3).copy_(L.ones(1, 3)),
    lambda L: L.zeros(3).copy_(L.ones(4)),
    lambda L: L.zeros(3).copy_(5),
    lambda L: L.zeros(3, dtype=L.int8).copy_(300),
    lambda L: L.zeros(3).copy_([1, 2, 3]),
    lambda L: L.zeros(2, 3, dtype=L.int32).copy_(L.tensor([1.7, -2.5, 3.9])),
    lambda L: L.zeros(3, dtype=L.bool).copy_(L.tensor([1j, 0j, 2])),
    # from and into views
    lambda L: (lambda b: (b[1].copy_(b[0] + 5), b))(L.zeros(2, 3)),
    lambda L: (lambda b: (b.t().copy_(L.arange(6.).reshape(3, 2)), b))(L.zeros(2, 3)),
    lambda L: (lambda b: (b[:, 1].copy_(b[:, 2]), b))(L.arange(6.).reshape(2, 3)),
    lambda L: (lambda b: (b[0].copy_(b[1]), b))(L.arange(6.).reshape(2, 3)),
    lambda L: (lambda b: (b.diagonal().copy_(L.tensor([7., 8.])), b))(L.zeros(2, 2)),
    lambda L: (lambda b: (b.imag.copy_(L.tensor([7., 8.])), b))(L.zeros(2, dtype=L.complex64)),
    # aliasing
    lambda L: (lambda a: (a.copy_(a), a._version))(L.ones(3)),
    lambda L: (lambda a: a[1:].copy_(a[:-1]))(L.arange(4.)),
    lambda L: (lambda a: a.copy_(a.t()))(L.arange(4.).reshape(2, 2)),
    lambda L: (lambda a: a.expand(3, 2).copy_(L.ones(3, 2)))(L.zeros(3, 1)),
    lambda L: (lambda a: (a[::2].copy_(a[1::2]), a))(L.arange(4.)),
    lambda L: L.ones(2, requires_grad=True).copy_(L.ones(2)),
])
def test_copy_cases(case):
    results, caught = run_both(lambda L: outputs(case(L), L))
    assert (UserWarning in caught[1]) == (UserWarning in caught[0])
    if results is not None:
        compare_outputs(results)


def test_complex_to_real_copies_warn():
    # torch warns once per process (TORCH_WARN_ONCE) for all such copies: compared in fresh interpreters.
    import subprocess
    import sys

    script = """
import warnings
import {lib} as m
z = m.tensor([1 + 2j, 2, 3])
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    m.zeros(3, dtype=m.bool).copy_(z), m.zeros(3, dtype=m.complex64).copy_(z), z.to(m.bool)
    print(len(caught))
    x = m.zeros(3)
    x.copy_(z), x.fill_(m.tensor(1 + 2j)), z.to(m.float64), z.float(), z.int()
    y = m.zeros(3)
    y[0] = z[0]
print(repr([str(w.message) for w in caught]), x.tolist())
"""
    outputs = [subprocess.run([sys.executable, "-c", script.format(lib=lib)], capture_output=True, text=True,
                              check=True).stdout for lib in ("torch", "jtorch")]
    assert outputs[0] == outputs[1] and outputs[0].startswith("0\n") and outputs[0].count("Casting") == 1


def test_copy_autograd():
    def fn(L):
        x = L.ones(3, requires_grad=True)
        w = L.full((2,), 2.0, requires_grad=True)
        out = []
        y = x * 1
        y.copy_(L.ones(3))
        out.append(type(y.grad_fn).__name__)
        y = x * 2
        y[:2].copy_(w * 3)
        y.sum().backward()
        out += [x.grad.tolist(), w.grad.tolist(), type(y.grad_fn).__name__]
        y = x * 1
        y.copy_(5)
        y.sum().backward()
        out.append(x.grad.tolist())
        return out

    (rt, rj), _ = run_both(fn)
    assert rj == rt


# ----------------------------------------------------------------- fill_ and zero_
@given(dtype=st.sampled_from(DTYPES), shape=st.sampled_from([(), (1,), (2, 3), (0,)]),
       value=st.one_of(st.integers(-2 ** 63, 2 ** 64 - 1), st.sampled_from([300, -300, 70000, -255, -256, 256]),
                       st.floats(allow_nan=True, allow_infinity=True),
                       st.sampled_from([1e6, 1e39, 1e300, -128.9, 127.9, 255.5, 65504.0, 65520.0, 2.5, -1.0]),
                       st.booleans(), st.complex_numbers(max_magnitude=1e3), st.sampled_from([1 + 0j, 1e300j]),
                       st.integers(2 ** 64, 2 ** 70), st.integers(-2 ** 70, -2 ** 63 - 1)))
def test_fill_with_numbers(dtype, shape, value):
    """fill_ converts a Python number like torch: overflow errors, unsigned wrap, truncation."""

    def fn(L):
        x = L.zeros(shape, dtype=getattr(L, dtype))
        result = x.fill_(value)
        return x, result is x, x._version

    results, _ = run_both(fn)
    if results is not None:
        (xt, same_t, vt), (xj, same_j, vj) = results
        assert same_t and same_j and vj == vt
        check_same(xt, xj, f"{dtype} fill_({value!r})")


@pytest.mark.parametrize("case", [
    lambda L: L.arange(6.).reshape(2, 3).fill_(L.tensor(3)),
    lambda L: L.arange(6.).reshape(2, 3).fill_(L.tensor([3])),
    lambda L: L.zeros(2, dtype=L.int8).fill_(L.tensor(300)),
    lambda L: L.zeros(2).fill_("a"),
    lambda L: L.zeros(2).fill_(None),
    lambda L: (lambda a: (a.expand(3, 2).fill_(1), a, a._version))(L.zeros(3, 1)),
    lambda L: (lambda a: (a.expand(3, 2).zero_(), a, a._version))(L.ones(3, 1)),
    lambda L: (lambda a: (a.unfold(0, 2, 1).fill_(7), a))(L.arange(5.)),
    lambda L: (lambda a: (a.expand(3, 2).__setitem__(0, 1), a))(L.zeros(3, 1)),
    lambda L: (lambda a: (a.__setitem__(0, 300), a))(L.zeros(2, dtype=L.int8)),
    lambda L: (lambda a: (a[1].fill_(5), a))(L.zeros(2, 3)),
    lambda L: (lambda a: (a.t()[0].zero_(), a))(L.ones(2, 3)),
    lambda L: (lambda a: (a.zero_() is a, a, a._version))(L.ones(2, 3)),
    lambda L: L.ones(2, requires_grad=True).fill_(1),
    lambda L: L.ones(2, requires_grad=True).zero_(),
])
def test_fill_and_zero_cases(case):
    results, caught = run_both(lambda L: outputs(case(L), L))
    assert (UserWarning in caught[1]) == (UserWarning in caught[0])
    if results is not None:
        compare_outputs(results)


def test_fill_and_zero_autograd():
    def fn(L):
        x = L.ones(3, requires_grad=True)
        v = L.tensor(2.0, requires_grad=True)
        out = []
        for fill in (lambda y: y.fill_(2), lambda y: y.zero_(), lambda y: y.fill_(v)):
            y = x * 3
            fill(y)
            out.append(type(y.grad_fn).__name__)
            (y * L.arange(3.)).sum().backward()
        out += [x.grad.tolist(), v.grad.tolist()]
        return out

    (rt, rj), _ = run_both(fn)
    assert rj == rt


# ----------------------------------------------------------------- resize_
@pytest.mark.parametrize("case", [
    lambda L: (lambda a: (a.resize_(2), a, a._version))(L.arange(4.)),
    lambda L: (lambda a: (a.resize_(2, 2), a, a._version))(L.arange(4.)),
    lambda L: (lambda a: (a.resize_(4), a, a._version))(L.arange(4.)),
    lambda L: (lambda a: (a.resize_(2, 2), a, a._version))(L.arange(4.).reshape(2, 2).t()),
    lambda L: (lambda a: (a.resize_(0), a, a.untyped_storage().nbytes()))(L.arange(4.)),
    lambda L: (lambda a: (a[1:3].resize_(3).fill_(5), a))(L.zeros(4)),
    lambda L: (lambda a: (a.resize_(-1), a))(L.zeros(4)),
    lambda L: (lambda a: (a.resize_(2, -1), a))(L.zeros(4)),
    lambda L: (lambda a: (a.expand(3, 2).resize_(6)[:3], a))(L.arange(3.).reshape(3, 1)),  # the rest is garbage
    lambda L: (lambda a: (a.resize_as_(L.zeros(2, 1)), a))(L.arange(4.)),
    lambda L: L.zeros(3, requires_grad=True).resize_(2),
    lambda L: (L.zeros(3, requires_grad=True) * 1).resize_(2),
    lambda L: (lambda a, w: (a.resize_(2), a.fill_(1), w))(*(lambda a: (a, a[:2]))(L.zeros(4))),
    lambda L: (lambda a, w: (a.resize_(2), a.resize_(3), a.fill_(2), w))(*(lambda a: (a, a[1:]))(L.zeros(4))),
])
def test_resize_cases(case):
    results, _ = run_both(lambda L: outputs(case(L), L))
    if results is not None:
        compare_outputs(results)


# ----------------------------------------------------------------- to()
@pytest.mark.parametrize("case", [
    lambda L, x: x.to(L.float32),
    lambda L, x: x.to(x),
    lambda L, x: x.to("cpu"),
    lambda L, x: x.to("cpu", L.float32),
    lambda L, x: x.to(device="cpu", dtype=L.float32),
    lambda L, x: x.to(L.float32, copy=True),
    lambda L, x: x.to(L.float64),
    lambda L, x: x.to(L.zeros(1, dtype=L.int64)),
    lambda L, x: x.to("cpu", L.int32),
    lambda L, x: x.t().to(L.float64),
    lambda L, x: x.t().to(L.float32, copy=True),
    lambda L, x: x[:, ::2].t().to(L.int64),
    lambda L, x: x.float(),
    lambda L, x: x.double(),
    lambda L, x: x.t().int(),
])
def test_to_returns_self_or_a_copy(case):
    def fn(L):
        x = L.arange(6.).reshape(2, 3)
        y = case(L, x)
        return y, y is x, y._base is None, y.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()

    (rt, rj), _ = run_both(fn)
    assert rj[1:] == rt[1:]
    check_same(rt[0], rj[0])


def test_to_autograd_names():
    def fn(L):
        x = L.ones(2, 2, requires_grad=True)
        return [type(x.to(L.float64).grad_fn).__name__, x.to(L.int64).grad_fn is None, x.to(L.float32) is x]

    (rt, rj), _ = run_both(fn)
    assert rj == rt
