"""Views alias their base: shapes, strides, offsets, `_base`, storage and versions match
torch, and writes through any member of a view family show in all the others."""
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import event, given, strategies as st

import jtorch as jt

LIBS = (torch, jt)


# ----------------------------------------------------------------- helpers
def values(t):
    """A comparable numpy copy of a tensor of either library."""
    return np.array(t.tolist(), dtype=object if t.dtype in (torch.bool, jt.bool) else None)


def same_values(a, b):
    va, vb = values(a), values(b)
    return va.shape == vb.shape and np.array_equal(va, vb, equal_nan=va.dtype.kind in "fc")


def check_layout(t, j, where=""):
    """Everything a user can see about one tensor, minus its family relations."""
    assert tuple(j.shape) == tuple(t.shape), where
    assert str(j.dtype) == str(t.dtype), where
    assert j.stride() == t.stride(), where
    assert j.storage_offset() == t.storage_offset(), where
    assert j.is_contiguous() == t.is_contiguous(), where
    assert same_values(t, j), (where, t, j)


def check_family(tf, jf, where=""):
    """Members i of both families match, with the same `_base`, version and storage sharing."""
    for i, (t, j) in enumerate(zip(tf, jf)):
        check_layout(t, j, f"{where} member {i}")
        assert j._version == t._version, f"{where} member {i}"
        base_index = next((k for k, m in enumerate(tf) if t._base is m), None)
        jbase_index = next((k for k, m in enumerate(jf) if j._base is m), None)
        assert (t._base is None) == (j._base is None), f"{where} member {i}"
        assert base_index == jbase_index, f"{where} member {i}"
        for k in range(i):
            shared_t = t.untyped_storage().data_ptr() == tf[k].untyped_storage().data_ptr()
            shared_j = j.untyped_storage().data_ptr() == jf[k].untyped_storage().data_ptr()
            assert shared_t == shared_j, f"{where} members {k}, {i}"


def run_both(fn):
    """fn(torch) and fn(jtorch): both results, or both exceptions (same type and message)."""
    results, errors = [], []
    for lib in LIBS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                results.append(fn(lib))
                errors.append(None)
            except Exception as e:  # noqa: BLE001 - compared below
                results.append(None)
                errors.append(e)
    et, ej = errors
    if et is not None or ej is not None:
        assert type(ej) is type(et), (et, ej)
        assert str(ej).split("\n")[0] == str(et).split("\n")[0]
        return None
    return results


def as_tuple(r):
    return tuple(r) if isinstance(r, (tuple, list)) else (r,)


def arange(lib, shape, dtype="float32"):
    """A fresh contiguous tensor 0, 1, 2, ... (k + 2kj when complex) of `shape`."""
    n = math.prod(shape)
    values = [k * (1 + 2j) for k in range(n)] if dtype.startswith("complex") else list(range(n))
    return lib.tensor(values, dtype=getattr(lib, dtype)).reshape(shape).clone()


# ----------------------------------------------------------------- targeted cases
CASES = {
    "view": ((2, 3, 4), "float32", lambda L, x: x.view(6, 4)),
    "view_varargs_size": ((2, 3, 4), "float32", lambda L, x: x.view(L.Size([4, 6]))),
    "view_infer": ((2, 3, 4), "float32", lambda L, x: x.view(-1, 4)),
    "view_transposed_ok": ((2, 3, 4), "float32", lambda L, x: x.transpose(0, 1).view(3, 2, 2, 2)),
    "view_transposed_bad": ((2, 3, 4), "float32", lambda L, x: x.transpose(1, 2).view(2, 12)),
    "view_bad_numel": ((4, 4), "float32", lambda L, x: x.view(3, 5)),
    "view_two_infer": ((4, 4), "float32", lambda L, x: x.view(-1, -1)),
    "view_negative": ((4, 4), "float32", lambda L, x: x.view(-2, 8)),
    "view_empty": ((0, 4), "float32", lambda L, x: x.view(2, 0, 3)),
    "view_empty_infer": ((0, 4), "float32", lambda L, x: x.view(-1, 0)),
    "view_empty_same": ((0, 4), "float32", lambda L, x: x.t().view(4, 0)),
    "view_0d": ((), "float32", lambda L, x: x.view(1, 1)),
    "view_to_0d": ((1, 1), "float32", lambda L, x: x.t().view(())),
    "view_sliced": ((4, 6), "float32", lambda L, x: x[:, 2:].view(4, 2, 2)),
    "view_as": ((2, 3, 4), "float32", lambda L, x: x.view_as(arange(L, (4, 6)))),
    "reshape_view": ((2, 3, 4), "float32", lambda L, x: x.reshape(3, 8)),
    "reshape_copy": ((2, 3, 4), "float32", lambda L, x: x.transpose(1, 2).reshape(2, 12)),
    "reshape_bad": ((4, 4), "float32", lambda L, x: x.reshape(3, 5)),
    "reshape_as": ((2, 6), "float32", lambda L, x: x.t().reshape_as(arange(L, (12,)))),
    "flatten": ((2, 3, 4), "float32", lambda L, x: x.flatten()),
    "flatten_range": ((2, 3, 4, 1), "float32", lambda L, x: x.flatten(1, 2)),
    "flatten_0d": ((), "float32", lambda L, x: x.flatten()),
    "flatten_same": ((2, 3), "float32", lambda L, x: x.flatten(1, 1)),
    "flatten_reversed": ((2, 3), "float32", lambda L, x: x.flatten(1, 0)),
    "flatten_bad_dim": ((2, 3), "float32", lambda L, x: x.flatten(0, 5)),
    "flatten_transposed": ((2, 3), "float32", lambda L, x: x.t().flatten()),
    "unflatten": ((2, 12), "float32", lambda L, x: x.unflatten(1, (3, -1))),
    "unflatten_neg_dim": ((2, 12), "float32", lambda L, x: x.unflatten(-1, (2, 2, 3))),
    "unflatten_bad": ((2, 12), "float32", lambda L, x: x.unflatten(1, (5, -1))),
    "unflatten_bad2": ((2, 12), "float32", lambda L, x: x.unflatten(1, (5, 2))),
    "unflatten_empty_sizes": ((2, 12), "float32", lambda L, x: x.unflatten(1, ())),
    "ravel": ((3, 4), "float32", lambda L, x: x.ravel()),
    "ravel_copy": ((3, 4), "float32", lambda L, x: x.t().ravel()),
    "transpose": ((2, 3, 4), "float32", lambda L, x: x.transpose(0, -1)),
    "transpose_same": ((2, 3, 4), "float32", lambda L, x: x.transpose(1, 1)),
    "transpose_bad": ((2, 3, 4), "float32", lambda L, x: x.transpose(0, 3)),
    "transpose_0d": ((), "float32", lambda L, x: x.transpose(0, -1)),
    "t": ((2, 3), "float32", lambda L, x: x.t()),
    "t_1d": ((3,), "float32", lambda L, x: x.t()),
    "t_3d": ((2, 3, 4), "float32", lambda L, x: x.t()),
    "permute": ((2, 3, 4), "float32", lambda L, x: x.permute(2, 0, 1)),
    "permute_tuple": ((2, 3, 4), "float32", lambda L, x: x.permute((-1, 0, 1))),
    "permute_short": ((2, 3, 4), "float32", lambda L, x: x.permute(2, 0)),
    "permute_dup": ((2, 3, 4), "float32", lambda L, x: x.permute(2, 0, -1)),
    "permute_bad": ((2, 3, 4), "float32", lambda L, x: x.permute(0, 1, 5)),
    "movedim": ((2, 3, 4), "float32", lambda L, x: x.movedim((0, 1), (2, 0))),
    "movedim_int": ((2, 3, 4), "float32", lambda L, x: x.movedim(0, -1)),
    "movedim_mismatch": ((2, 3, 4), "float32", lambda L, x: x.movedim((0, 1), (2,))),
    "movedim_dup_src": ((2, 3, 4), "float32", lambda L, x: x.movedim((0, 0), (1, 2))),
    "movedim_dup_dst": ((2, 3, 4), "float32", lambda L, x: x.movedim((0, 1), (2, 2))),
    "moveaxis": ((2, 3, 4), "float32", lambda L, x: x.moveaxis(1, 0)),
    "swapaxes": ((2, 3, 4), "float32", lambda L, x: x.swapaxes(0, 2)),
    "swapdims": ((2, 3, 4), "float32", lambda L, x: x.swapdims(-1, 1)),
    "torch_transpose": ((2, 3), "float32", lambda L, x: L.transpose(x, 0, 1)),
    "T_2d": ((2, 3), "float32", lambda L, x: x.T),
    "T_3d": ((2, 3, 4), "float32", lambda L, x: x.T),
    "T_0d": ((), "float32", lambda L, x: x.T),
    "mT": ((2, 3, 4), "float32", lambda L, x: x.mT),
    "mT_1d": ((4,), "float32", lambda L, x: x.mT),
    "mT_0d": ((), "float32", lambda L, x: x.mT),
    "squeeze": ((1, 3, 1), "float32", lambda L, x: x.squeeze()),
    "squeeze_dim": ((1, 3, 1), "float32", lambda L, x: x.squeeze(-1)),
    "squeeze_non1": ((1, 3, 1), "float32", lambda L, x: x.squeeze(1)),
    "squeeze_tuple": ((1, 3, 1), "float32", lambda L, x: x.squeeze((0, 2))),
    "squeeze_empty_tuple": ((1, 3, 1), "float32", lambda L, x: x.squeeze(())),
    "squeeze_dup": ((1, 3, 1), "float32", lambda L, x: x.squeeze((0, -3))),
    "squeeze_bad": ((1, 3, 1), "float32", lambda L, x: x.squeeze(3)),
    "squeeze_0d": ((), "float32", lambda L, x: x.squeeze(0)),
    "squeeze_0d_bad": ((), "float32", lambda L, x: x.squeeze(1)),
    "squeeze_sliced": ((4, 6), "float32", lambda L, x: x[1:2, ::2].squeeze()),
    "unsqueeze": ((2, 3), "float32", lambda L, x: x.unsqueeze(1)),
    "unsqueeze_end": ((2, 3), "float32", lambda L, x: x.t().unsqueeze(2)),
    "unsqueeze_neg": ((2, 3), "float32", lambda L, x: x.t().unsqueeze(-3)),
    "unsqueeze_sliced": ((2, 6), "float32", lambda L, x: x[:, ::2].unsqueeze(1)),
    "unsqueeze_0d": ((), "float32", lambda L, x: x.unsqueeze(-1)),
    "unsqueeze_bad": ((2,), "float32", lambda L, x: x.unsqueeze(3)),
    "expand": ((3, 1), "float32", lambda L, x: x.expand(2, 3, 4)),
    "expand_keep": ((3, 1), "float32", lambda L, x: x.expand(-1, 4)),
    "expand_size": ((3, 1), "float32", lambda L, x: x.expand(L.Size([3, 2]))),
    "expand_bad": ((3, 1), "float32", lambda L, x: x.expand(2, 4)),
    "expand_few": ((3, 1), "float32", lambda L, x: x.expand(3)),
    "expand_lead_neg": ((3, 1), "float32", lambda L, x: x.expand(-1, 3, 4)),
    "expand_zero": ((3, 1), "float32", lambda L, x: x.expand(0, 3, 0)),
    "expand_as": ((1, 4), "float32", lambda L, x: x.expand_as(arange(L, (3, 4)))),
    "broadcast_to": ((3, 1), "float32", lambda L, x: x.broadcast_to((2, 3, 4))),
    "torch_broadcast_to": ((3,), "float32", lambda L, x: L.broadcast_to(x, (2, 3))),
    "narrow": ((5, 3), "float32", lambda L, x: x.narrow(0, 1, 3)),
    "narrow_neg_start": ((5, 3), "float32", lambda L, x: x.narrow(0, -2, 2)),
    "narrow_tensor_start": ((5, 3), "float32", lambda L, x: x.narrow(0, L.tensor(1), 2)),
    "narrow_end": ((5, 3), "float32", lambda L, x: x.narrow(1, 3, 0)),
    "narrow_too_long": ((5, 3), "float32", lambda L, x: x.narrow(0, 4, 2)),
    "narrow_start_big": ((5, 3), "float32", lambda L, x: x.narrow(0, 6, 0)),
    "narrow_start_small": ((5, 3), "float32", lambda L, x: x.narrow(0, -6, 0)),
    "narrow_neg_length": ((5, 3), "float32", lambda L, x: x.narrow(0, 1, -1)),
    "narrow_bad_dim": ((5, 3), "float32", lambda L, x: x.narrow(2, 0, 1)),
    "select": ((5, 3), "float32", lambda L, x: x.select(1, -1)),
    "select_tensor_index": ((5, 3), "float32", lambda L, x: x.select(0, L.tensor(2))),
    "select_bad_index": ((5, 3), "float32", lambda L, x: x.select(1, 3)),
    "select_bad_neg": ((5, 3), "float32", lambda L, x: x.select(0, -6)),
    "select_bad_dim": ((5, 3), "float32", lambda L, x: x.select(2, 0)),
    "select_0d": ((), "float32", lambda L, x: x.select(0, 0)),
    "unbind": ((2, 3), "float32", lambda L, x: x.unbind(1)),
    "unbind_empty": ((0, 3), "float32", lambda L, x: x.unbind(0)),
    "torch_unbind": ((2, 3), "float32", lambda L, x: L.unbind(x, -2)),
    "split": ((5, 3), "float32", lambda L, x: x.split(2)),
    "split_sections": ((5, 3), "float32", lambda L, x: x.split([1, 4])),
    "split_sections_zero": ((5, 3), "float32", lambda L, x: x.split([0, 5, 0])),
    "split_dim": ((5, 3), "float32", lambda L, x: x.split(2, dim=1)),
    "split_bad_sum": ((5, 3), "float32", lambda L, x: x.split([1, 3])),
    "split_neg_section": ((5, 3), "float32", lambda L, x: x.split([6, -1])),
    "split_neg": ((5, 3), "float32", lambda L, x: x.split(-1)),
    "split_zero": ((5, 3), "float32", lambda L, x: x.split(0)),
    "split_empty": ((0, 3), "float32", lambda L, x: x.split(2)),
    "split_empty_zero": ((0, 3), "float32", lambda L, x: x.split(0)),
    "split_big": ((5, 3), "float32", lambda L, x: x.split(7)),
    "torch_split": ((5, 3), "float32", lambda L, x: L.split(x, 2, 1)),
    "chunk": ((5, 3), "float32", lambda L, x: x.chunk(3)),
    "chunk_uneven": ((6, 3), "float32", lambda L, x: x.chunk(4)),
    "chunk_more_than_size": ((2, 3), "float32", lambda L, x: x.chunk(5)),
    "chunk_empty": ((0, 3), "float32", lambda L, x: x.chunk(3)),
    "chunk_zero": ((2, 3), "float32", lambda L, x: x.chunk(0)),
    "chunk_dim": ((2, 7), "float32", lambda L, x: x.chunk(3, -1)),
    "tensor_split": ((7, 3), "float32", lambda L, x: x.tensor_split(3)),
    "tensor_split_more": ((2, 3), "float32", lambda L, x: x.tensor_split(4)),
    "tensor_split_indices": ((7, 3), "float32", lambda L, x: x.tensor_split([1, 5, 3, -1, 10])),
    "tensor_split_tensor_indices": ((7, 3), "float32", lambda L, x: x.tensor_split(L.tensor([1, 5]))),
    "tensor_split_tensor_sections": ((7, 3), "float32", lambda L, x: x.tensor_split(L.tensor(2))),
    "tensor_split_tuple_dim": ((7, 3), "float32", lambda L, x: x.tensor_split((2,), dim=1)),
    "tensor_split_zero": ((7, 3), "float32", lambda L, x: x.tensor_split(0)),
    "tensor_split_2d_tensor": ((7, 3), "float32", lambda L, x: x.tensor_split(L.tensor([[1]]))),
    "tensor_split_float_tensor": ((7, 3), "float32", lambda L, x: x.tensor_split(L.tensor([1.0]))),
    "diagonal": ((3, 4), "float32", lambda L, x: x.diagonal()),
    "diagonal_offset": ((3, 4), "float32", lambda L, x: x.diagonal(1)),
    "diagonal_neg_offset": ((3, 4), "float32", lambda L, x: x.diagonal(-2)),
    "diagonal_past_end": ((3, 4), "float32", lambda L, x: x.diagonal(5)),
    "diagonal_past_start": ((3, 4), "float32", lambda L, x: x.diagonal(-5)),
    "diagonal_dims": ((2, 3, 4), "float32", lambda L, x: x.diagonal(0, 2, 0)),
    "diagonal_dims_offset": ((2, 3, 4), "float32", lambda L, x: x.diagonal(-1, -1, 1)),
    "diagonal_same_dims": ((2, 3, 4), "float32", lambda L, x: x.diagonal(0, 1, -2)),
    "diagonal_bad_dim": ((2, 3, 4), "float32", lambda L, x: x.diagonal(0, 0, 3)),
    "torch_diagonal": ((3, 3), "float32", lambda L, x: L.diagonal(x.t(), 1)),
    "real": ((2, 3), "complex64", lambda L, x: x.real),
    "imag": ((2, 3), "complex64", lambda L, x: x.imag),
    "real_of_slice": ((2, 3), "complex64", lambda L, x: x[:, 1:].real),
    "imag_of_transpose": ((2, 3), "complex64", lambda L, x: x.t().imag),
    "real_float": ((2, 3), "float32", lambda L, x: x.real),
    "imag_float": ((2, 3), "float32", lambda L, x: x.imag),
    "torch_real": ((2,), "complex64", lambda L, x: L.real(x)),
    "unfold": ((7, 3), "float32", lambda L, x: x.unfold(0, 3, 2)),
    "unfold_last": ((3, 7), "float32", lambda L, x: x.unfold(1, 2, 3)),
    "unfold_overlap": ((6,), "float32", lambda L, x: x.unfold(0, 3, 1)),
    "unfold_transposed": ((3, 7), "float32", lambda L, x: x.t().unfold(0, 3, 3)),
    "unfold_0d": ((), "float32", lambda L, x: x.unfold(0, 1, 1)),
    "unfold_too_big": ((3, 7), "float32", lambda L, x: x.unfold(1, 8, 1)),
    "unfold_zero_step": ((3, 7), "float32", lambda L, x: x.unfold(1, 2, 0)),
    "unfold_neg_size": ((3, 7), "float32", lambda L, x: x.unfold(0, -1, 1)),
    "unfold_bad_dim": ((3, 7), "float32", lambda L, x: x.unfold(2, 1, 1)),
    "view_dtype_same_size": ((2, 3), "float32", lambda L, x: x.view(L.int32)),
    "view_dtype_same_dtype": ((2, 3), "float32", lambda L, x: x.view(L.float32)),
    "view_dtype_smaller": ((2, 3), "float32", lambda L, x: x.view(L.int16)),
    "view_dtype_bytes": ((2, 3), "float32", lambda L, x: x.view(L.uint8)),
    "view_dtype_larger": ((2, 4), "float32", lambda L, x: x.view(L.float64)),
    "view_dtype_larger_sliced": ((2, 6), "float32", lambda L, x: x[:, 2:].view(L.int64)),
    "view_dtype_bad_last_stride": ((2, 3), "float32", lambda L, x: x.t().view(L.float64)),
    "view_dtype_bad_size": ((2, 3), "float32", lambda L, x: x.view(L.float64)),
    "view_dtype_bad_offset": ((2, 4), "float32", lambda L, x: x[:, 1:3].view(L.float64)),
    "view_dtype_0d": ((), "float32", lambda L, x: x.view(L.float64)),
    "view_dtype_0d_same_size": ((), "float32", lambda L, x: x.view(L.int32)),
    "view_dtype_transposed_same_size": ((2, 3), "float32", lambda L, x: x.t().view(L.int32)),
    "view_dtype_bool": ((2, 3), "float32", lambda L, x: x.to(L.uint8).view(L.bool)),
    "view_dtype_complex_to_float": ((2, 3), "complex64", lambda L, x: x.view(L.float32)),
    "view_dtype_float_to_complex": ((2, 4), "float32", lambda L, x: x.view(L.complex64)),
    "view_dtype_half": ((2, 2), "int16", lambda L, x: x.view(L.float16)),
    "as_strided": ((9,), "float32", lambda L, x: x.as_strided((2, 2), (3, 1), 1)),
    "as_strided_overlap": ((9,), "float32", lambda L, x: x.as_strided((3, 3), (1, 1))),
    "as_strided_of_view": ((3, 3), "float32", lambda L, x: x.t()[1:].as_strided((3,), (4,))),
    "as_strided_too_big": ((9,), "float32", lambda L, x: x.as_strided((2, 2), (3, 1), 8)),
    "as_strided_neg_stride": ((9,), "float32", lambda L, x: x.as_strided((2, 2), (-3, 1), 0)),
    "index_basic": ((4, 5), "float32", lambda L, x: x[1:-1, ::2]),
    "index_none_ellipsis": ((4, 5), "float32", lambda L, x: x[None, 2, ..., 1:]),
    "index_clamped": ((4, 5), "float32", lambda L, x: x[10:, -100:2]),
    "index_empty_slice": ((4, 5), "float32", lambda L, x: x[3:1]),
    "index_ellipsis": ((4, 5), "float32", lambda L, x: x[...]),
    "index_past_end": ((4, 5), "float32", lambda L, x: x[:, 7:9]),
    "index_twice": ((4, 5), "float32", lambda L, x: x[2][3]),
    "index_step": ((4, 5), "float32", lambda L, x: x[::3, 1::2]),
    "index_0d_ellipsis": ((), "float32", lambda L, x: x[...]),
}


def run_case(name):
    """Both libraries' (input, results) for CASES[name], or None when both raised alike."""
    shape, dtype, fn = CASES[name]
    return run_both(lambda L: (lambda x: (x, as_tuple(fn(L, x))))(arange(L, shape, dtype)))


@pytest.mark.parametrize("name", sorted(CASES))
def test_view_op_matches_torch(name):
    """Results match torch's, alias the input exactly when torch's do (same `_base`,
    storage), and a write to a result reaches the input (and the other way round)
    exactly when torch's does: views alias, copies don't."""
    results = run_case(name)
    if results is None:
        return
    (xt, rt), (xj, rj) = results
    assert len(rj) == len(rt)
    family_t, family_j = (xt,) + rt, (xj,) + rj
    check_family(family_t, family_j, name)
    for i in sorted({0, len(rt) - 1}) if rt else ():  # the first and last piece of a split
        t, j = rt[i], rj[i]
        if t.numel() == 0 or len(set(_addresses(t))) < t.numel():
            continue  # nothing to write, or expanded / overlapping windows (refused or order-dependent)
        t.fill_(7)
        j.fill_(7)
        check_family(family_t, family_j, f"{name}: after writing result {i}")
        xt.add_(1)
        xj.add_(1)
        check_family(family_t, family_j, f"{name}: after writing the input")


def _addresses(t):
    """Storage element offsets (in t's element size) that t's elements occupy."""
    index = np.full(tuple(t.shape), t.storage_offset(), dtype=np.int64)
    for d, (n, s) in enumerate(zip(t.shape, t.stride())):
        shape = [1] * t.dim()
        shape[d] = n
        index = index + (np.arange(n) * s).reshape(shape)
    return index.ravel().tolist()


def test_base_chains_to_the_root():
    for L in LIBS:
        x = arange(L, (2, 3, 4))
        v = x[1].t()[::2]
        assert v._base is x
        assert x[0]._base is x and x._base is None
        assert v.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()


def test_no_op_views_are_new_objects():
    def fn(L):
        x = arange(L, (2, 3))
        return [x.view(2, 3) is x, x.reshape(2, 3) is x, x.flatten(1, 1) is x, x.contiguous() is x,
                x.expand(2, 3) is x, x.squeeze() is x, x.permute(0, 1) is x, x[...] is x, x.view_as(x) is x,
                x.movedim(0, 0) is x, x.narrow(0, 0, 2) is x, x.real is x, x.view(x.dtype) is x,
                x.view(x.dtype)._base is None, x.view(L.int32)._base is None, x.split(5)[0]._base is x]

    rt, rj = run_both(fn)
    assert rj == rt


def test_deprecation_warnings():
    """No warning where torch gives none (the ones it gives once per process are compared
    in fresh interpreters: test_api_gaps.py::test_zero_dim_transposes_warn_once_as_torch)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        jt.zeros(2, 3).T
        jt.zeros(2, 3, 4).mT


# ----------------------------------------------------------------- hypothesis: single views
SHAPES = st.lists(st.integers(0, 4), min_size=0, max_size=3).map(tuple)
DTYPES = st.sampled_from(["float32", "int64", "complex64"])


def draw_view(data, shape, dtype, allow_invalid=True):
    """(description, fn(lib, x)) for a random view op on a tensor of `shape`/`dtype`.
    Arguments are mostly valid; a few are out of range to compare the errors."""
    ndim = len(shape)
    span = ndim + 1 if allow_invalid else ndim
    dim = st.integers(-max(span, 1), max(span, 1) - 1)
    ops = ["t_or_T", "transpose", "permute", "movedim", "unsqueeze", "squeeze", "flatten", "expand",
           "narrow", "select", "slice", "split", "chunk", "tensor_split", "unbind", "diagonal", "unfold",
           "view", "reshape", "unflatten", "mT", "real_imag", "view_dtype", "ravel", "alias_index"]
    op = data.draw(st.sampled_from(ops), label="op")
    if op == "t_or_T":
        which = data.draw(st.sampled_from(["t", "T"]))
        return which, lambda L, x: x.t() if which == "t" else x.T
    if op == "transpose":
        a, b = data.draw(dim), data.draw(dim)
        return f"transpose({a}, {b})", lambda L, x: x.transpose(a, b)
    if op == "permute":
        perm = data.draw(st.permutations(range(ndim)))
        perm = [p - ndim if data.draw(st.booleans()) else p for p in perm]
        return f"permute({perm})", lambda L, x: x.permute(*perm)
    if op == "movedim":
        src = data.draw(st.lists(st.integers(0, max(ndim - 1, 0)), unique=True, max_size=ndim))
        dst = data.draw(st.lists(st.integers(0, max(ndim - 1, 0)), unique=True, min_size=len(src),
                                 max_size=len(src)))
        return f"movedim({src}, {dst})", lambda L, x: x.movedim(src, dst)
    if op == "unsqueeze":
        d = data.draw(st.integers(-ndim - 1, ndim))
        return f"unsqueeze({d})", lambda L, x: x.unsqueeze(d)
    if op == "squeeze":
        kind = data.draw(st.sampled_from(["none", "int", "tuple"]))
        if kind == "none":
            return "squeeze()", lambda L, x: x.squeeze()
        if kind == "int":
            d = data.draw(dim)
            return f"squeeze({d})", lambda L, x: x.squeeze(d)
        dims = tuple(data.draw(st.lists(st.integers(0, max(ndim - 1, 0)), unique=True, max_size=ndim)))
        return f"squeeze({dims})", lambda L, x: x.squeeze(dims)
    if op == "flatten":
        a, b = data.draw(dim), data.draw(dim)
        return f"flatten({a}, {b})", lambda L, x: x.flatten(a, b)
    if op == "expand":
        sizes = [(-1 if data.draw(st.booleans()) else s) if s != 1 else data.draw(st.integers(0, 3)) for s in shape]
        lead = data.draw(st.lists(st.integers(0, 2), max_size=1))
        sizes = lead + sizes
        return f"expand({sizes})", lambda L, x: x.expand(*sizes)
    if op in ("narrow", "select", "slice", "split", "chunk", "tensor_split", "unbind", "unfold", "unflatten"):
        if ndim == 0:
            d = 0
        else:
            d = data.draw(st.integers(-ndim, ndim - 1))
        n = shape[d] if ndim else 1
        if op == "narrow":
            start = data.draw(st.integers(-n, n))
            length = data.draw(st.integers(0, n - (start % (n + 1) if start >= 0 else start + n)))
            return f"narrow({d}, {start}, {length})", lambda L, x: x.narrow(d, start, length)
        if op == "select":
            i = data.draw(st.integers(-n - 1 if allow_invalid else -n, n if allow_invalid else max(n - 1, -n)))
            return f"select({d}, {i})", lambda L, x: x.select(d, i)
        if op == "slice":
            a = data.draw(st.one_of(st.none(), st.integers(-n - 2, n + 2)))
            b = data.draw(st.one_of(st.none(), st.integers(-n - 2, n + 2)))
            step = data.draw(st.integers(1, 3))
            index = (slice(None),) * (d % max(ndim, 1)) + (slice(a, b, step),)
            return f"[{index}]", lambda L, x: x[index]
        if op == "split":
            if data.draw(st.booleans()):
                size = data.draw(st.integers(0 if n == 0 else 1, max(n, 1) + 1))
                return f"split({size}, {d})", lambda L, x: x.split(size, d)
            cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=3)))
            sections = [b - a for a, b in zip([0] + cuts, cuts + [n])]
            return f"split({sections}, {d})", lambda L, x: x.split(sections, d)
        if op == "chunk":
            c = data.draw(st.integers(1, 5))
            return f"chunk({c}, {d})", lambda L, x: x.chunk(c, d)
        if op == "tensor_split":
            if data.draw(st.booleans()):
                c = data.draw(st.integers(1, 5))
                return f"tensor_split({c}, {d})", lambda L, x: x.tensor_split(c, d)
            idx = data.draw(st.lists(st.integers(-n - 1, n + 1), max_size=3))
            return f"tensor_split({idx}, {d})", lambda L, x: x.tensor_split(idx, d)
        if op == "unbind":
            return f"unbind({d})", lambda L, x: x.unbind(d)
        if op == "unfold":
            size = data.draw(st.integers(0, n))
            step = data.draw(st.integers(1, 3))
            return f"unfold({d}, {size}, {step})", lambda L, x: x.unfold(d, size, step)
        if op == "unflatten":
            factors = [f for f in range(1, n + 1) if n % f == 0] or [1]
            f = data.draw(st.sampled_from(factors))
            sizes = (f, -1) if data.draw(st.booleans()) else (f, n // f if n else 0)
            return f"unflatten({d}, {sizes})", lambda L, x: x.unflatten(d, sizes)
    if op == "diagonal":
        off = data.draw(st.integers(-3, 3))
        a, b = data.draw(dim), data.draw(dim)
        return f"diagonal({off}, {a}, {b})", lambda L, x: x.diagonal(off, a, b)
    if op in ("view", "reshape"):
        n = math.prod(shape)
        new = _factorize(data, n)
        if new and data.draw(st.booleans()):
            new[data.draw(st.integers(0, len(new) - 1))] = -1
        return f"{op}({new})", lambda L, x: getattr(x, op)(*new) if new else getattr(x, op)(())
    if op == "mT":
        return "mT", lambda L, x: x.mT
    if op == "real_imag":
        part = data.draw(st.sampled_from(["real", "imag"]))
        return part, lambda L, x: getattr(x, part)
    if op == "view_dtype":
        # Floats made of integer bits are often subnormal, which XLA's CPU arithmetic flushes
        # to zero: where writes follow (allow_invalid=False), reinterpret only as integers.
        targets = ["int32", "int64", "uint8", "int16"] + ["float32", "float64", "complex64"] * allow_invalid
        target = data.draw(st.sampled_from(targets))
        return f"view({target})", lambda L, x: x.view(getattr(L, target))
    if op == "ravel":
        return "ravel()", lambda L, x: x.ravel()
    return "[...]", lambda L, x: x[...]


def _factorize(data, n):
    """A random shape with `n` elements."""
    if n == 0:
        return data.draw(st.sampled_from([[0], [2, 0], [0, 3, 1]]))
    dims = []
    rest = n
    for _ in range(data.draw(st.integers(0, 3))):
        factors = [f for f in range(1, rest + 1) if rest % f == 0]
        f = data.draw(st.sampled_from(factors))
        dims.append(f)
        rest //= f
    if rest != 1 or not dims:
        dims.append(rest)
    return dims if n != 1 or data.draw(st.booleans()) else []


@given(shape=SHAPES, dtype=DTYPES, data=st.data())
def test_random_view_matches_torch(shape, dtype, data):
    desc, fn = draw_view(data, shape, dtype)
    results = run_both(lambda L: (lambda x: (x, as_tuple(fn(L, x))))(arange(L, shape, dtype)))
    if results is None:
        return
    (xt, rt), (xj, rj) = results
    assert len(rj) == len(rt), desc
    check_family((xt,) + rt, (xj,) + rj, desc)


# ----------------------------------------------------------------- hypothesis: chains of views and writes
def _bytes(t):
    size = t.element_size()
    return {a * size + k for a in _addresses(t) for k in range(size)}


def _dense(t):
    return not torch._debug_has_internal_overlap(t) and _non_overlapping_and_dense(t)


def _non_overlapping_and_dense(t):
    dims = sorted((d for d in range(t.dim()) if t.shape[d] >= 2), key=lambda d: t.stride(d))
    expected = 1
    for d in dims:
        if t.stride(d) != expected:
            return False
        expected *= t.shape[d]
    return True


def _hazard(dst, src):
    """Whether writing into `dst` from `src` (torch tensors) has an order-dependent result
    that torch lets through: they share memory in layouts torch calls too hard to check."""
    if src is None or dst.numel() == 0 or src.numel() == 0 or not (_bytes(dst) & _bytes(src)):
        return False
    same = (dst.storage_offset() * dst.element_size() == src.storage_offset() * src.element_size()
            and dst.shape == src.shape and dst.stride() == src.stride() and dst.dtype == src.dtype)
    if same:
        return False
    return not (_dense(dst) and _dense(src))  # dense partial overlap: torch raises, which we compare


def _self_overlapping(t):
    return len(set(_addresses(t))) < t.numel()


def draw_write(data, family):
    """(description, fn(lib, family_of_lib), dst index, src index or None, is_fill)."""
    i = data.draw(st.integers(0, len(family) - 1), label="target")
    dst = family[i]
    kind = data.draw(st.sampled_from(["add_", "mul_", "fill_", "zero_", "copy_", "out", "setitem", "setitem_t",
                                      "sub_tensor"]))
    same_shape = [k for k, m in enumerate(family) if tuple(m.shape) == tuple(dst.shape)
                  and m.dtype == dst.dtype]
    value = data.draw(st.integers(-3, 3))
    if kind == "add_":
        return f"[{i}].add_({value})", lambda L, f: f[i].add_(value), i, None, False
    if kind == "mul_":
        return f"[{i}].mul_({value})", lambda L, f: f[i].mul_(value), i, None, False
    if kind == "fill_":
        return f"[{i}].fill_({value})", lambda L, f: f[i].fill_(value), i, None, True
    if kind == "zero_":
        return f"[{i}].zero_()", lambda L, f: f[i].zero_(), i, None, True
    if kind in ("copy_", "sub_tensor", "out"):
        k = data.draw(st.sampled_from(same_shape))
        if kind == "copy_":
            return f"[{i}].copy_([{k}])", lambda L, f: f[i].copy_(f[k] + 1), i, None, False
        if kind == "sub_tensor":
            return f"[{i}].sub_([{k}])", lambda L, f: f[i].sub_(f[k]), i, k, False
        return (f"add([{k}], 2, out=[{i}])", lambda L, f: L.add(f[k], 2, out=f[i]), i, k, False)
    if kind == "setitem":
        index = _draw_basic_index(data, tuple(dst.shape))
        return f"[{i}][{index}] = {value}", lambda L, f: f[i].__setitem__(index, value), i, None, True
    index = _draw_basic_index(data, tuple(dst.shape))
    return (f"[{i}][{index}] = arange", lambda L, f: f[i].__setitem__(index, f[i][index] * 0 + value + 1), i, None,
            False)


def _draw_basic_index(data, shape):
    items = []
    for n in shape[:data.draw(st.integers(0, len(shape)))]:
        if n and data.draw(st.booleans()):
            items.append(data.draw(st.integers(-n, n - 1)))
        else:
            a = data.draw(st.one_of(st.none(), st.integers(-n - 1, n + 1)))
            items.append(slice(a, None, data.draw(st.integers(1, 2))))
    return tuple(items) if items else Ellipsis


@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple), dtype=DTYPES, data=st.data())
def test_chains_of_views_and_writes(shape, dtype, data):
    """A family grows by views of random members and is written through random members;
    after every step every member matches torch's (values, layout, version, aliasing)."""
    tf, jf = [arange(torch, shape, dtype)], [arange(jt, shape, dtype)]
    log = []
    for _ in range(data.draw(st.integers(1, 7), label="steps")):
        if len(tf) < 8 and data.draw(st.booleans(), label="view?"):
            src = data.draw(st.integers(0, len(tf) - 1), label="view of")
            desc, fn = draw_view(data, tuple(tf[src].shape), str(tf[src].dtype).split(".")[1], allow_invalid=False)
            log.append(f"[{src}].{desc}")
            results = run_both(lambda L: as_tuple(fn(L, (tf if L is torch else jf)[src])))
            if results is None:
                event("view raised in both")
                continue
            event("view made")
            tf.extend(results[0])
            jf.extend(results[1])
        else:
            desc, fn, i, k, is_fill = draw_write(data, tf)
            dst = tf[i]
            if not is_fill and _self_overlapping(dst) and not torch._debug_has_internal_overlap(dst) == 1:
                event("write skipped: overlapping windows")
                continue  # overlapping windows (unfold): torch's result depends on its loop order
            src = tf[k] if k is not None else None
            if _hazard(dst, src):
                event("write skipped: order-dependent aliasing")
                continue
            log.append(desc)
            ran = run_both(lambda L: fn(L, tf if L is torch else jf))
            event("write raised in both" if ran is None else "write ran")
        check_family(tf, jf, " -> ".join(log))
