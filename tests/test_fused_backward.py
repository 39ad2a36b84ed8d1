"""The fused backward (a repeated graph structure runs as one jitted function) gives
torch's gradients and errors, and graphs it cannot fuse still work."""
import numpy as np
import pytest
import torch

import jtorch as jt
from jtorch.autograd import fused


@pytest.fixture
def seen(monkeypatch):
    """A fresh structure cache, to see which structures were compiled."""
    table = {}
    monkeypatch.setattr(fused, "_SEEN", table)
    return table


def _compiled(table):
    return [plan for plan in table.values() if not isinstance(plan, int) and plan[0] is not None]


def _step(lib, x, w):
    h = (x @ w).tanh() * 1.5 + x.sum()
    values, indices = h.max(dim=1)  # a two-output node whose int output gets no cotangent
    return (values.sin() + h[:, 0] ** 2).sum() + indices.sum() * 0


@pytest.mark.parametrize("repeats", [1, fused.FUSE_AFTER + 2])
def test_repeated_graph_matches_torch(repeats, seen):
    rng = np.random.default_rng(0)
    xs = [rng.standard_normal((4, 3)).astype(np.float32) for _ in range(repeats)]
    w0 = rng.standard_normal((3, 5)).astype(np.float32)
    tw, jw = torch.tensor(w0, requires_grad=True), jt.tensor(w0, requires_grad=True)
    for x in xs:  # gradients accumulate into .grad across the repeats
        tx, jx = torch.tensor(x, requires_grad=True), jt.tensor(x, requires_grad=True)
        _step(torch, tx, tw).backward()
        _step(jt, jx, jw).backward()
        np.testing.assert_allclose(jx.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(jw.grad.numpy(), tw.grad.numpy(), rtol=1e-5, atol=1e-6)
    assert len(_compiled(seen)) == (1 if repeats >= fused.FUSE_AFTER else 0)


def _hooked_steps(lib, repeats):
    x = lib.ones(3, requires_grad=True)
    calls = []
    for _ in range(repeats):
        h = x * 2
        h.register_hook(lambda g: calls.append(1) or g * 3)
        h.exp().sum().backward()
    return x.grad.numpy(), len(calls)


def test_hooked_graph_takes_the_node_loop(seen):
    j_grad, j_calls = _hooked_steps(jt, fused.FUSE_AFTER + 1)
    t_grad, t_calls = _hooked_steps(torch, fused.FUSE_AFTER + 1)
    assert j_calls == t_calls
    np.testing.assert_allclose(j_grad, t_grad, rtol=1e-6)
    assert _compiled(seen) == []


def _freed_graph_error(lib):
    x = lib.ones(3, requires_grad=True)
    for _ in range(fused.FUSE_AFTER + 1):
        y = (x * 2).exp().sum()
        y.backward()
    with pytest.raises(RuntimeError) as error:
        y.backward()
    return str(error.value)


def test_fused_graph_is_freed(seen):
    assert _freed_graph_error(jt) == _freed_graph_error(torch)
    assert len(_compiled(seen)) == 1


def _modified_saved_error(lib):
    x = lib.ones(3, requires_grad=True)
    for _ in range(fused.FUSE_AFTER + 1):
        w = lib.full((3,), 2.0)
        (x * w).sum().backward()
    w = lib.full((3,), 2.0)
    loss = (x * w).sum()  # mul saved w; the structure is the fused one
    w.add_(1)
    with pytest.raises(RuntimeError) as error:
        loss.backward()
    return str(error.value).split(" Hint:")[0]


def test_modified_saved_tensor_raises_on_a_fused_structure(seen):
    assert _modified_saved_error(jt) == _modified_saved_error(torch)
    assert len(_compiled(seen)) == 1
