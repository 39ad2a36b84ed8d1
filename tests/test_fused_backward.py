"""The fused backward (a repeated graph structure runs as one jitted function) gives
torch's gradients, and graphs it cannot fuse still work."""
import numpy as np
import pytest
import torch

import jtorch as jt
from jtorch.autograd import fused


def _step(lib, x, w):
    h = (x @ w).tanh() * 1.5 + x.sum()
    values, indices = h.max(dim=1)  # a two-output node whose int output gets no cotangent
    return (values.sin() + h[:, 0] ** 2).sum() + indices.sum() * 0


@pytest.mark.parametrize("repeats", [1, fused.FUSE_AFTER + 2])
def test_repeated_graph_matches_torch(repeats):
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


def test_fused_graph_is_freed_and_hooks_still_run():
    x = jt.ones(3, requires_grad=True)
    for _ in range(fused.FUSE_AFTER + 1):
        y = (x * 2).exp().sum()
        y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()
    seen = []
    for _ in range(fused.FUSE_AFTER + 1):
        h = x * 2
        h.register_hook(lambda g: seen.append(g) or g * 3)
        h.exp().sum().backward()
    assert len(seen) == fused.FUSE_AFTER + 1
    x.grad = None
    h = x * 2
    h.register_hook(lambda g: g * 3)
    h.exp().sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full(3, 6 * np.exp(2), np.float32), rtol=1e-6)


def test_modified_saved_tensor_raises_on_a_fused_structure():
    x = jt.ones(3, requires_grad=True)
    for _ in range(fused.FUSE_AFTER + 1):
        (x.exp() * 1).sum().backward()
    y = x.exp()
    z = y * 1
    y.add_(1)  # exp saved its result
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()
