"""The same Tensor code runs when the wrapped value is a JAX tracer inside jax.jit."""
import jax
import jax.numpy as jnp
import numpy as np
import torch

import jtorch as jt
from jtorch._tensor import Tensor


def program(lib, x):
    y = x * 2 + 1
    v = y.view(-1)
    v[1:3] = 0
    y.add_(1)
    y[:, 0].mul_(3)
    z = y.t() @ y
    return z.sum(), y


def test_jit_matches_eager_and_torch():
    values = np.arange(6.0, dtype=np.float32).reshape(3, 2)

    def traced(a):
        total, y = program(jt, Tensor._make(a, jt.float32))
        return total._data, y._data

    jit_total, jit_y = jax.jit(traced)(jnp.asarray(values))
    eager_total, eager_y = program(jt, jt.tensor(values))
    torch_total, torch_y = program(torch, torch.tensor(values))
    np.testing.assert_array_equal(np.asarray(jit_y), torch_y.numpy())
    np.testing.assert_array_equal(eager_y.numpy(), torch_y.numpy())
    assert float(jit_total) == torch_total.item() == eager_total.item()


def test_no_host_sync_on_hot_path():
    """Ops on traced tensors never need concrete values (they would raise under jit)."""

    def traced(a):
        x = Tensor._make(a, jt.float32)
        r = jt.empty(3)
        jt.add(x, x, out=r)
        r.sub_(x * 0.5)
        return (r[1:] / 2).sum()._data

    assert float(jax.jit(traced)(jnp.ones(3, jnp.float32))) == 1.5
