"""Repeated basic indexing and view() reuse cached plans (jtorch/ops/indexing.py,
views.py): the second and later calls must give torch's values, strides and offsets and
alias the storage, also on views whose own chains differ from the tensor the plan came from."""
import functools

import numpy as np
import torch
from hypothesis import given, strategies as st

import jtorch as jt


@st.composite
def basic_index(draw, shape):
    """ints, slices and Nones over a prefix of `shape`'s dims, maybe then an Ellipsis."""
    items = []
    for size in shape[: draw(st.integers(0, len(shape)))]:
        if draw(st.booleans()):
            items.append(None)  # takes no dim
        if draw(st.booleans()):
            items.append(draw(st.integers(-size, size - 1)))
        else:
            items.append(slice(draw(st.none() | st.integers(-size - 1, size + 1)),
                               draw(st.none() | st.integers(-size - 1, size + 1)), draw(st.none() | st.integers(1, 3))))
    if draw(st.booleans()):
        items.append(Ellipsis)
    return tuple(items)


def layouts(lib, values):
    base = lib.tensor(values)
    return {"base": base, "transposed": base.t().contiguous().t(), "viewed": base.reshape(-1).view(base.shape),
            "offset": lib.cat([lib.zeros(1, values.shape[1]), base]).narrow(0, 1, values.shape[0])}


@given(st.tuples(st.integers(1, 4), st.integers(1, 4)), st.data())
def test_cached_index_plans_match_torch(shape, data):
    values = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    index = data.draw(basic_index(shape))
    ours, theirs = layouts(jt, values), layouts(torch, values)
    for _ in range(2):  # the second round runs from the cached plans
        for name in ours:
            j, t = ours[name][index], theirs[name][index]
            assert tuple(j.shape) == tuple(t.shape) and j.stride() == t.stride(), name
            assert j.storage_offset() == t.storage_offset(), name
            np.testing.assert_array_equal(j.numpy(), t.numpy())
    j, t = ours["transposed"][index], theirs["transposed"][index]
    j.fill_(-1.0), t.fill_(-1.0)
    np.testing.assert_array_equal(ours["transposed"].numpy(), theirs["transposed"].numpy())


@given(st.sampled_from([(15,), (3, 5), (5, 3), (-1,), (1, 15, 1), (3, -1)]))
def test_cached_view_plans_match_torch(sizes):
    layouts = [(jt.arange(15.0).reshape(5, 3), torch.arange(15.0).reshape(5, 3)),
               (jt.arange(30.0)[::2].reshape(5, 3), torch.arange(30.0)[::2].reshape(5, 3)),
               (jt.arange(15.0).reshape(5, 3).t(), torch.arange(15.0).reshape(5, 3).t())]
    for ours, theirs in layouts:
        for _ in range(2):  # the second round runs from the cached plans
            try:
                t = theirs.view(*sizes)
            except RuntimeError:
                try:
                    ours.view(*sizes)
                except RuntimeError:
                    continue
                raise AssertionError("torch refused the view; jtorch did not")
            j = ours.view(*sizes)
            assert tuple(j.shape) == tuple(t.shape) and j.stride() == t.stride()
            np.testing.assert_array_equal(j.numpy(), t.numpy())
    x = jt.zeros(5, 3)
    x.view(15)[4] = 7.0
    x.view(15)[5] = 8.0
    assert x[1, 1].item() == 7.0 and x[1, 2].item() == 8.0


def test_often_used_index_plans_compile_their_index_in(monkeypatch):
    """After _SPECIALIZE_AFTER hits a plan reads through its own compiled reader; the values
    (also after writes to the base and through the view) stay torch's."""
    from jtorch.ops import indexing

    monkeypatch.setattr(indexing, "_SPECIALIZE_AFTER", 3)
    ours, theirs = jt.arange(12.0).reshape(4, 3).clone(), torch.arange(12.0).reshape(4, 3).clone()
    for round in range(6):
        for column in range(3):
            j, t = ours[1:, column], theirs[1:, column]
            np.testing.assert_array_equal(j.numpy(), t.numpy())
            ours.add_(1.0), theirs.add_(1.0)
            np.testing.assert_array_equal(j.numpy(), t.numpy())
            j.mul_(2.0), t.mul_(2.0)
            np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    key = indexing._plan_key(ours, (slice(1, None), 2))
    plan = indexing._INDEX_PLANS[key]
    assert plan.hits >= 3 and not isinstance(plan.pair[1], functools.partial)
