"""torch.nn.utils against real torch: gradient clipping, parameter/vector conversion and the
rnn helpers (pad/pack/unpack, PackedSequence): values, dtypes, grad_fn names, gradients
and errors."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn.utils import rnn as TR

import jtorch as jt
from torch_compare import raises_like

JR = jt.nn.utils.rnn


def close(j, t, rtol=1e-5, atol=1e-6):
    assert tuple(j.shape) == tuple(t.shape)
    assert str(j.dtype) == str(t.dtype)
    np.testing.assert_allclose(j.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)


def pair(array, requires_grad=False):
    return torch.tensor(array, requires_grad=requires_grad), jt.tensor(array, requires_grad=requires_grad)


def seqs(lengths, trailing=(3,), seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((n,) + trailing).astype(dtype) for n in lengths]


# ================================================================ gradient clipping
def _params_with_grads(grads):
    tps, jps = [], []
    for g in grads:
        tp, jp = torch.nn.Parameter(torch.zeros(g.shape)), jt.nn.Parameter(jt.zeros(g.shape))
        tp.grad, jp.grad = torch.tensor(g), jt.tensor(g)
        tps.append(tp)
        jps.append(jp)
    return tps, jps


GRADS = [np.array([3.0, -4.0], np.float32), np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5]


@pytest.mark.parametrize("norm_type", [2.0, 1, float("inf"), 0.5, "inf", 3])
@pytest.mark.parametrize("max_norm", [1.0, 100.0])
def test_clip_grad_norm(norm_type, max_norm):
    tps, jps = _params_with_grads(GRADS)
    tn = torch.nn.utils.clip_grad_norm_(tps, max_norm, norm_type=norm_type)
    jn = jt.nn.utils.clip_grad_norm_(jps, max_norm, norm_type=norm_type)
    close(jn, tn)
    for tp, jp in zip(tps, jps):
        close(jp.grad, tp.grad)


def test_clip_grad_norm_single_tensor_foreach_and_missing_grads():
    tps, jps = _params_with_grads(GRADS)
    tps.append(torch.nn.Parameter(torch.ones(2)))
    jps.append(jt.nn.Parameter(jt.ones(2)))  # no grad: skipped
    for foreach in (None, True, False):
        tn = torch.nn.utils.clip_grad_norm_(tps, 2.0, foreach=foreach)
        jn = jt.nn.utils.clip_grad_norm_(jps, 2.0, foreach=foreach)
        close(jn, tn)
    close(jt.nn.utils.clip_grad_norm_(jps[0], 0.1), torch.nn.utils.clip_grad_norm_(tps[0], 0.1))
    for tp, jp in zip(tps, jps):
        assert (jp.grad is None) == (tp.grad is None)
        if tp.grad is not None:
            close(jp.grad, tp.grad)
    close(jt.nn.utils.clip_grad_norm_([], 1.0), torch.nn.utils.clip_grad_norm_([], 1.0))


def test_clip_grad_norm_nonfinite_and_warnings():
    grads = [np.array([1.0, np.inf], np.float32)]
    tps, jps = _params_with_grads(grads)
    raises_like(lambda: torch.nn.utils.clip_grad_norm_(tps, 1.0, error_if_nonfinite=True),
                lambda: jt.nn.utils.clip_grad_norm_(jps, 1.0, error_if_nonfinite=True))
    close(jt.nn.utils.clip_grad_norm_(jps, 1.0), torch.nn.utils.clip_grad_norm_(tps, 1.0))
    close(jps[0].grad, tps[0].grad)  # scaled by inf norm: nan where the grad was inf, 0 elsewhere
    with pytest.warns(UserWarning, match="empty generator"):
        jt.nn.utils.clip_grad_norm_((p for p in []), 1.0)
    tps, jps = _params_with_grads(GRADS)
    with pytest.warns(FutureWarning, match="clip_grad_norm_"):
        jn = jt.nn.utils.clip_grad_norm(jps, 1.0)
    with pytest.warns(FutureWarning):
        tn = torch.nn.utils.clip_grad_norm(tps, 1.0)
    close(jn, tn)


def test_get_total_norm_and_clip_grads_with_norm():
    tps, jps = _params_with_grads(GRADS)
    for norm_type in (2.0, 1.0, float("inf")):
        tn = torch.nn.utils.get_total_norm([p.grad for p in tps], norm_type)
        jn = jt.nn.utils.get_total_norm([p.grad for p in jps], norm_type)
        close(jn, tn)
    mixed_t = torch.nn.utils.get_total_norm([tps[0].grad, tps[1].grad.double()])
    mixed_j = jt.nn.utils.get_total_norm([jps[0].grad, jps[1].grad.double()])
    close(mixed_j, mixed_t)
    tn = torch.nn.utils.get_total_norm([p.grad for p in tps])
    jn = jt.nn.utils.get_total_norm([p.grad for p in jps])
    assert torch.nn.utils.clip_grads_with_norm_(tps, 1.5, tn) is None
    assert jt.nn.utils.clip_grads_with_norm_(jps, 1.5, jn) is None
    for tp, jp in zip(tps, jps):
        close(jp.grad, tp.grad)


@pytest.mark.parametrize("clip", [0.5, 2, 10.0])
def test_clip_grad_value(clip):
    tps, jps = _params_with_grads(GRADS)
    assert torch.nn.utils.clip_grad_value_(tps, clip) is None
    assert jt.nn.utils.clip_grad_value_(jps, clip, foreach=None) is None
    for tp, jp in zip(tps, jps):
        close(jp.grad, tp.grad)
    tps, jps = _params_with_grads(GRADS[:1])
    torch.nn.utils.clip_grad_value_(tps[0], 1.0, foreach=True)
    jt.nn.utils.clip_grad_value_(jps[0], 1.0, foreach=True)
    close(jps[0].grad, tps[0].grad)


def test_clipping_does_not_record_autograd():
    p = jt.nn.Parameter(jt.ones(3))
    p.grad = jt.tensor([3.0, 4.0, 0.0], requires_grad=True)
    norm = jt.nn.utils.clip_grad_norm_([p], 1.0)
    assert norm.grad_fn is None and not norm.requires_grad


# ================================================================ parameters <-> vector
def test_parameters_to_vector_and_back():
    torch.manual_seed(0)
    tm = torch.nn.Linear(3, 2)
    jm = jt.nn.Linear(3, 2)
    jm.load_state_dict({k: jt.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    tv = torch.nn.utils.parameters_to_vector(tm.parameters())
    jv = jt.nn.utils.parameters_to_vector(jm.parameters())
    close(jv, tv)
    assert type(jv.grad_fn).__name__ == type(tv.grad_fn).__name__
    new = np.arange(8, dtype=np.float32)
    torch.nn.utils.vector_to_parameters(torch.tensor(new), tm.parameters())
    jt.nn.utils.vector_to_parameters(jt.tensor(new), jm.parameters())
    for (n, tp), (_, jp) in zip(tm.named_parameters(), jm.named_parameters()):
        close(jp, tp)
        assert isinstance(jp, jt.nn.Parameter) and jp.requires_grad
    raises_like(lambda: torch.nn.utils.vector_to_parameters([1.0], tm.parameters()),
                lambda: jt.nn.utils.vector_to_parameters([1.0], jm.parameters()))


# ================================================================ pad_sequence
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_pad_sequence(batch_first, padding_side):
    arrays = seqs([3, 1, 4])
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    js = [jt.tensor(a, requires_grad=True) for a in arrays]
    tp = TR.pad_sequence(ts, batch_first=batch_first, padding_value=-2.5, padding_side=padding_side)
    jp = JR.pad_sequence(js, batch_first=batch_first, padding_value=-2.5, padding_side=padding_side)
    close(jp, tp)
    assert type(jp.grad_fn).__name__ == type(tp.grad_fn).__name__ == "CopySlices"
    g = np.cos(np.arange(tp.numel())).reshape(tuple(tp.shape)).astype(np.float32)
    tp.backward(torch.tensor(g))
    jp.backward(jt.tensor(g))
    for t, j in zip(ts, js):
        close(j.grad, t.grad)


def test_pad_sequence_dtypes_and_inputs():
    ints = [np.array([1, 2, 3]), np.array([4])]
    close(JR.pad_sequence([jt.tensor(a) for a in ints], padding_value=7.9),
          TR.pad_sequence([torch.tensor(a) for a in ints], padding_value=7.9))
    stacked = np.arange(12, dtype=np.float64).reshape(2, 3, 2)
    close(JR.pad_sequence(jt.tensor(stacked)), TR.pad_sequence(torch.tensor(stacked)))
    broadcast = [np.ones((2, 3), np.float32), np.full((1, 1), 5.0, np.float32)]  # (1, 1) broadcasts into (1, 3)
    close(JR.pad_sequence([jt.tensor(a) for a in broadcast]), TR.pad_sequence([torch.tensor(a) for a in broadcast]))
    scalars = np.zeros((2, 1), np.float32)
    close(JR.pad_sequence([jt.tensor(scalars[0]), jt.tensor(scalars[1])], batch_first=True),
          TR.pad_sequence([torch.tensor(scalars[0]), torch.tensor(scalars[1])], batch_first=True))


def test_pad_sequence_errors():
    a, b = seqs([3, 2], trailing=(2,)), seqs([2], trailing=(3,))
    raises_like(lambda: TR.pad_sequence([]), lambda: JR.pad_sequence([]))
    raises_like(lambda: TR.pad_sequence([torch.tensor(a[0])], padding_side="middle"),
                lambda: JR.pad_sequence([jt.tensor(a[0])], padding_side="middle"))
    raises_like(lambda: TR.pad_sequence([torch.tensor(a[0]), torch.tensor(b[0])]),
                lambda: JR.pad_sequence([jt.tensor(a[0]), jt.tensor(b[0])]))
    raises_like(lambda: TR.pad_sequence(5), lambda: JR.pad_sequence(5))


# ================================================================ pack / pad packed
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_padded_and_pad_packed(batch_first, enforce_sorted):
    lengths = [5, 4, 2, 2] if enforce_sorted else [2, 5, 2, 4]
    rng = np.random.default_rng(1)
    shape = (4, 5, 2) if batch_first else (5, 4, 2)
    tx, jx = pair(rng.standard_normal(shape).astype(np.float32), requires_grad=True)
    tp = TR.pack_padded_sequence(tx, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
    jp = JR.pack_padded_sequence(jx, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
    assert isinstance(jp, JR.PackedSequence) and isinstance(jp, tuple)
    close(jp.data, tp.data)
    assert type(jp.data.grad_fn).__name__ == type(tp.data.grad_fn).__name__
    close(jp.batch_sizes, tp.batch_sizes)
    assert jp.batch_sizes.device.type == "cpu"
    for name in ("sorted_indices", "unsorted_indices"):
        t, j = getattr(tp, name), getattr(jp, name)
        assert (t is None) == (j is None)
        if t is not None:
            close(j, t)
    for bf, total in ((batch_first, None), (not batch_first, 7)):
        tpad, tlen = TR.pad_packed_sequence(tp, batch_first=bf, padding_value=0.25, total_length=total)
        jpad, jlen = JR.pad_packed_sequence(jp, batch_first=bf, padding_value=0.25, total_length=total)
        close(jpad, tpad)
        close(jlen, tlen)
        assert type(jpad.grad_fn).__name__ == type(tpad.grad_fn).__name__
    g = np.sin(np.arange(tpad.numel())).reshape(tuple(tpad.shape)).astype(np.float32)
    tpad.backward(torch.tensor(g))
    jpad.backward(jt.tensor(g))
    close(jx.grad, tx.grad)


def test_pack_padded_lengths_as_tensor_and_int_data():
    x = np.arange(12).reshape(3, 4)
    for lengths in (torch.tensor([3, 2, 2, 1], dtype=torch.int32), [3, 2, 2, 1]):
        jl = jt.tensor(lengths.numpy()) if isinstance(lengths, torch.Tensor) else lengths
        tp = TR.pack_padded_sequence(torch.tensor(x), lengths)
        jp = JR.pack_padded_sequence(jt.tensor(x), jl)
        close(jp.data, tp.data)
        close(jp.batch_sizes, tp.batch_sizes)
    tpad, _ = TR.pad_packed_sequence(tp, padding_value=-1.5)
    jpad, _ = JR.pad_packed_sequence(jp, padding_value=-1.5)
    close(jpad, tpad)


def test_pack_errors():
    x = np.zeros((3, 3, 2), np.float32)
    t, j = torch.tensor(x), jt.tensor(x)
    for lengths in ([1, 3, 2], [3, 0, 2], [3, 2], [3, 2, 0]):
        raises_like(lambda: TR.pack_padded_sequence(t, lengths), lambda: JR.pack_padded_sequence(j, lengths))
    raises_like(lambda: TR.pack_padded_sequence(t, torch.tensor([[3, 1, 1]])),
                lambda: JR.pack_padded_sequence(j, jt.tensor([[3, 1, 1]])))
    raises_like(lambda: TR.pack_padded_sequence(t[:0], []), lambda: JR.pack_padded_sequence(j[:0], []))
    tp, jp = TR.pack_padded_sequence(t, [3, 2, 1]), JR.pack_padded_sequence(j, [3, 2, 1])
    raises_like(lambda: TR.pad_packed_sequence(tp, total_length=2), lambda: JR.pad_packed_sequence(jp, total_length=2))
    raises_like(lambda: TR.PackedSequence(t), lambda: JR.PackedSequence(j))


def test_pack_sequence_unpack_unpad():
    arrays = seqs([2, 4, 1], trailing=())
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    js = [jt.tensor(a, requires_grad=True) for a in arrays]
    with pytest.raises(RuntimeError):
        JR.pack_sequence(js)  # not sorted
    tp, jp = TR.pack_sequence(ts, enforce_sorted=False), JR.pack_sequence(js, enforce_sorted=False)
    close(jp.data, tp.data)
    close(jp.sorted_indices, tp.sorted_indices)
    tu, ju = TR.unpack_sequence(tp), JR.unpack_sequence(jp)
    assert len(ju) == len(tu)
    for a, b in zip(ju, tu):
        close(a, b)
        assert type(a.grad_fn).__name__ == type(b.grad_fn).__name__
    sum(u.sum() * (i + 1) for i, u in enumerate(tu)).backward()
    sum(u.sum() * (i + 1) for i, u in enumerate(ju)).backward()
    for t, j in zip(ts, js):
        close(j.grad, t.grad)
    tpad, jpad = TR.pad_sequence(ts, batch_first=True), JR.pad_sequence(js, batch_first=True)
    lengths = [2, 4, 1]
    for a, b in zip(JR.unpad_sequence(jpad, jt.tensor(lengths), batch_first=True),
                    TR.unpad_sequence(tpad, torch.tensor(lengths), batch_first=True)):
        close(a, b)
    tpad, jpad = TR.pad_sequence(ts), JR.pad_sequence(js)
    for a, b in zip(JR.unpad_sequence(jpad, jt.tensor(lengths)), TR.unpad_sequence(tpad, torch.tensor(lengths))):
        close(a, b)


def test_packed_sequence_tuple_behaviour():
    x = seqs([3, 2], trailing=(2,))
    tp = TR.pack_sequence([torch.tensor(a) for a in x])
    jp = JR.pack_sequence([jt.tensor(a) for a in x])
    assert repr(jp) == repr(tp)
    assert JR.PackedSequence._fields == TR.PackedSequence._fields
    data, batch_sizes, sorted_indices, unsorted_indices = jp
    assert sorted_indices is None and unsorted_indices is None
    assert jp[0] is jp.data and len(jp) == 4
    jd = jp.double()
    assert jd.data.dtype is jt.float64 and jd.batch_sizes is jp.batch_sizes
    assert jp.to(jt.float32) is jp and not jp.is_cuda and not jp.is_pinned()
    rebuilt = JR.PackedSequence((data, batch_sizes))
    assert rebuilt.data is data and rebuilt.unsorted_indices is None
    perm = jt.tensor([2, 0, 1])
    with_perm = JR.PackedSequence(data, batch_sizes, perm)
    close(with_perm.unsorted_indices, TR.invert_permutation(torch.tensor([2, 0, 1])))
    close(JR.invert_permutation(perm), TR.invert_permutation(torch.tensor([2, 0, 1])))
    assert JR.invert_permutation(None) is None


@settings(max_examples=10)
@given(lengths=st.lists(st.integers(1, 5), min_size=1, max_size=4), batch_first=st.booleans(),
       feature=st.integers(0, 2))
def test_pack_roundtrip_hypothesis(lengths, batch_first, feature):
    trailing = (feature,) if feature else ()
    arrays = seqs(lengths, trailing=trailing, seed=len(lengths))
    ts, js = [torch.tensor(a) for a in arrays], [jt.tensor(a) for a in arrays]
    tpad = TR.pad_sequence(ts, batch_first=batch_first)
    jpad = JR.pad_sequence(js, batch_first=batch_first)
    close(jpad, tpad)
    tp = TR.pack_padded_sequence(tpad, lengths, batch_first=batch_first, enforce_sorted=False)
    jp = JR.pack_padded_sequence(jpad, lengths, batch_first=batch_first, enforce_sorted=False)
    close(jp.data, tp.data)
    close(jp.batch_sizes, tp.batch_sizes)
    close(jp.sorted_indices, tp.sorted_indices)
    tback, tl = TR.pad_packed_sequence(tp, batch_first=batch_first)
    jback, jl = JR.pad_packed_sequence(jp, batch_first=batch_first)
    close(jback, tback)
    close(jl, tl)


def test_no_warnings_on_plain_use():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        JR.pack_sequence([jt.ones(2), jt.ones(1)])
