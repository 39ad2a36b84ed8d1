"""Shape and indexing ops against real torch, for what the OpSpec table cannot express:
index_put's tuple of index tensors, error messages, named-tuple return types, warnings
and views."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import jtorch as jt
from compat.harness import assert_same, assert_same_outcome, builtin_base, make_pair, run


def both(values, dtype="float32", requires_grad=False):
    return make_pair(np.asarray(values), dtype, requires_grad)


@st.composite
def index_put_cases(draw):
    shape = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3).map(tuple))
    n = draw(st.integers(1, len(shape)))
    if draw(st.booleans()):  # one boolean mask over the leading dims
        mask = draw(st.lists(st.booleans(), min_size=int(np.prod(shape[:n])), max_size=int(np.prod(shape[:n]))))
        indices = [(np.array(mask).reshape(shape[:n]), "bool")]
        count, rest = sum(mask), shape[n:]
    else:
        k = draw(st.integers(0, 3))
        indices = [(np.array(draw(st.lists(st.integers(-s, s - 1), min_size=k, max_size=k)), np.int64), "int64")
                   for s in shape[:n]]
        count, rest = k, shape[n:]
    accumulate = draw(st.booleans())
    if not accumulate and indices[0][1] == "int64":  # repeats make plain index_put's result unspecified
        positions = list(zip(*[np.where(i < 0, i + s, i) for (i, _), s in zip(indices, shape)]))
        if len(set(positions)) != len(positions):
            accumulate = True
    value_shape = draw(st.sampled_from([(), (count,) + rest, rest]))
    return shape, indices, value_shape, accumulate


@given(index_put_cases(), st.data())
def test_index_put_matches_torch(case, data):
    shape, indices, value_shape, accumulate = case
    values = data.draw(st.lists(st.floats(-5, 5), min_size=int(np.prod(value_shape)),
                                max_size=int(np.prod(value_shape))))
    tx, jx = both(np.arange(np.prod(shape), dtype=np.float32).reshape(shape), requires_grad=True)
    tv, jv = both(np.array(values, np.float32).reshape(value_shape), requires_grad=True)
    t_idx = tuple(make_pair(i, d)[0] for i, d in indices)
    j_idx = tuple(make_pair(i, d)[1] for i, d in indices)
    t_res, t_err = run(lambda: torch.index_put(tx, t_idx, tv, accumulate))
    j_res, j_err = run(lambda: jt.index_put(jx, j_idx, jv, accumulate))
    assert_same_outcome(j_res, j_err, t_res, t_err)
    if t_err is None:
        assert type(j_res.grad_fn).__name__ == type(t_res.grad_fn).__name__
        t_res.sum().backward()
        j_res.sum().backward()
        assert_same(jx.grad, tx.grad)
        assert_same(jv.grad, tv.grad)
        tc, jc = tx.detach().clone(), jx.detach().clone()
        assert jc.index_put_(j_idx, jv.detach(), accumulate) is jc
        assert_same(jc, tc.index_put_(t_idx, tv.detach(), accumulate))


@pytest.mark.parametrize("call", [
    lambda lib, x: lib.cat([x, x[0]]),
    lambda lib, x: lib.cat([x, lib.ones(2, 5)]),
    lambda lib, x: lib.stack([x, x[0]]),
    lambda lib, x: lib.gather(x, 0, lib.tensor([[3]])),
    lambda lib, x: lib.scatter(x, 0, lib.tensor([[0]]), x.double()),
    lambda lib, x: lib.index_select(x, 0, lib.tensor([5])),
    lambda lib, x: lib.index_add(x, 0, lib.tensor([0]), lib.ones(1, 2)),
    lambda lib, x: lib.masked_fill(x, x > 0, lib.ones(2)),
    lambda lib, x: lib.take(x, lib.tensor([6])),
    lambda lib, x: lib.where(x, x, x),
    lambda lib, x: lib.clamp(x),
    lambda lib, x: lib.topk(x, 4),
    lambda lib, x: lib.kthvalue(x, 0),
    lambda lib, x: lib.rot90(x, 1, [0, 0]),
    lambda lib, x: lib.roll(x, (1, 2), 0),
    lambda lib, x: lib.flip(x, [0, -2]),
    lambda lib, x: lib.trace(x[0]),
    lambda lib, x: lib.diag(x[None]),
    lambda lib, x: lib.hsplit(x, 2),
    lambda lib, x: x.repeat(2),
])
def test_error_messages_match_torch(call):
    tx, jx = both(np.arange(6.0).reshape(2, 3) - 2)
    t_res, t_err = run(lambda: call(torch, tx))
    j_res, j_err = run(lambda: call(jt, jx))
    assert t_err is not None and j_err is not None
    assert isinstance(j_err, builtin_base(t_err))
    assert str(j_err) == str(t_err)


@pytest.mark.parametrize("call", [
    lambda lib, x: x.flip(1), lambda lib, x: x.flip(0, 1), lambda lib, x: x.flip([1]), lambda lib, x: x.flip((0,)),
    lambda lib, x: x.flip(dims=[0]), lambda lib, x: x.flip(), lambda lib, x: lib.flip(x, 1),
    lambda lib, x: lib.flip(x, dims=(1,)),
])
def test_flip_argument_forms(call):
    """Tensor.flip takes varargs, a sequence or dims=; torch.flip wants a sequence."""
    tx, jx = both(np.arange(6.0).reshape(2, 3))
    t_res, t_err = run(lambda: call(torch, tx))
    j_res, j_err = run(lambda: call(jt, jx))
    assert type(j_err) is type(t_err)
    if t_err is None:
        assert_same(j_res, t_res)


def test_named_tuple_results():
    tx, jx = both([[3.0, 1.0, 2.0]])
    for name, args in (("sort", ()), ("topk", (2,)), ("kthvalue", (1,))):
        t_res, j_res = getattr(torch, name)(tx, *args), getattr(jt, name)(jx, *args)
        assert type(j_res).__name__ == type(t_res).__name__
        assert_same(j_res.values, t_res.values)
        assert_same(j_res.indices, t_res.indices)


def test_views_and_identity():
    tx, jx = both([1.0, 2.0, 3.0])
    assert jt.atleast_1d(jx) is jx and torch.atleast_1d(tx) is tx
    a, _ = jt.broadcast_tensors(jx, jt.ones(2, 3))
    jx.fill_(5.0)  # the expanded result is a view of the input
    assert a[1, 2].item() == 5.0
    halves = jt.hsplit(jt.arange(4.0), 2)
    halves[1].fill_(0.0)
    assert halves[1]._base is not None


def test_meshgrid_warns_without_indexing():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        jt.meshgrid(jt.ones(2), jt.ones(3))
    assert any("indexing argument" in str(w.message) for w in caught)
