"""nn activation modules against real torch: reprs, forward values, grad_fn names and
input gradients (inplace variants on non-leaf inputs)."""
import numpy as np
import pytest
import torch

import jtorch as jt

ACTIVATIONS = [
    ("ReLU", ()), ("ReLU", (True,)), ("ReLU6", ()), ("ReLU6", (True,)), ("LeakyReLU", ()), ("LeakyReLU", (0.2, True)),
    ("ELU", ()), ("ELU", (0.5, True)), ("SELU", ()), ("SELU", (True,)), ("CELU", ()), ("CELU", (2.0,)),
    ("GELU", ()), ("GELU", ("tanh",)), ("SiLU", ()), ("SiLU", (True,)), ("Mish", ()), ("Hardtanh", ()),
    ("Hardtanh", (-2, 3, True)), ("Hardswish", ()), ("Hardsigmoid", ()), ("Softplus", ()), ("Softplus", (2, 1)),
    ("Softsign", ()), ("Tanhshrink", ()), ("Threshold", (0.1, 20)), ("Threshold", (0.1, 20, True)), ("GLU", ()),
    ("GLU", (0,)), ("LogSigmoid", ()), ("Softmax", (1,)), ("LogSoftmax", (0,)), ("Softmin", (-1,)), ("Sigmoid", ()),
    ("Tanh", ()),
]

X = np.linspace(-4, 4, 24).reshape(4, 6).astype(np.float32)


@pytest.mark.parametrize("name,args", ACTIVATIONS, ids=[f"{n}{a}" for n, a in ACTIVATIONS])
def test_activation_module(name, args):
    tm, jm = getattr(torch.nn, name)(*args), getattr(jt.nn, name)(*args)
    assert repr(jm) == repr(tm)
    tx, jx = torch.tensor(X, requires_grad=True), jt.tensor(X, requires_grad=True)
    # a non-leaf input so that inplace modules are allowed to write into it
    to, jo = tm(tx * 1), jm(jx * 1)
    np.testing.assert_allclose(jo.detach().numpy(), to.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert type(jo.grad_fn).__name__ == type(to.grad_fn).__name__
    g = np.cos(np.arange(to.numel())).reshape(tuple(to.shape)).astype(np.float32)
    to.backward(torch.tensor(g))
    jo.backward(jt.tensor(g))
    np.testing.assert_allclose(jx.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_inplace_returns_input():
    x = jt.tensor(X) * 1
    assert jt.nn.ReLU6(inplace=True)(x) is x
    assert float(x.max()) == 4.0 and float(x.min()) == 0.0  # ReLU6 clips at 6; max input is 4


def test_softmax_implicit_dim_warns():
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        out = jt.nn.Softmax()(jt.tensor(X))
    with pytest.warns(UserWarning):
        expected = torch.nn.Softmax()(torch.tensor(X))
    np.testing.assert_allclose(out.numpy(), expected.numpy(), rtol=1e-5, atol=1e-6)


def test_hardtanh_bounds_error():
    with pytest.raises(ValueError):
        jt.nn.functional.hardtanh(jt.tensor(X), 2.0, 1.0)
    with pytest.raises(AssertionError):
        jt.nn.Hardtanh(2.0, 1.0)


@pytest.mark.parametrize("batch,bias", [((2,), True), ((), False), ((2, 1), True), ((0,), True)])
def test_bilinear_matches_torch(batch, bias):
    tm = torch.nn.Bilinear(3, 4, 5, bias=bias)
    jm = jt.nn.Bilinear(3, 4, 5, bias=bias)
    assert repr(jm) == repr(tm)
    jm.load_state_dict({k: jt.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(batch + (3,)).astype(np.float32), rng.standard_normal(batch + (4,)).astype(np.float32)
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    ja, jb = jt.tensor(a, requires_grad=True), jt.tensor(b, requires_grad=True)
    to, jo = tm(ta, tb), jm(ja, jb)
    np.testing.assert_allclose(jo.detach().numpy(), to.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert type(jo.grad_fn).__name__ == type(to.grad_fn).__name__
    to.sum().backward()
    jo.sum().backward()
    for j, t in ((ja.grad, ta.grad), (jb.grad, tb.grad), (jm.weight.grad, tm.weight.grad)):
        np.testing.assert_allclose(j.numpy(), t.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("shapes", [((2, 3), (3, 4)), ((2, 3), (2, 5)), ((2, 2), (2, 4)), ((2, 3, 1), (2, 4))])
def test_bilinear_errors_match_torch(shapes):
    w = np.ones((5, 3, 4), np.float32)
    with pytest.raises(RuntimeError) as theirs:
        torch.nn.functional.bilinear(torch.ones(shapes[0]), torch.ones(shapes[1]), torch.tensor(w))
    with pytest.raises(RuntimeError) as ours:
        jt.nn.functional.bilinear(jt.ones(shapes[0]), jt.ones(shapes[1]), jt.tensor(w))
    assert str(ours.value) == str(theirs.value)


def test_lazy_linear_becomes_linear():
    tm, jm = torch.nn.LazyLinear(7), jt.nn.LazyLinear(7)
    assert repr(jm) == repr(tm) and repr(jm.weight) == repr(tm.weight)
    tm(torch.ones(2, 3)), jm(jt.ones(2, 3))
    assert repr(jm) == repr(tm) and type(jm).__name__ == type(tm).__name__ == "Linear"
    assert tuple(jm.weight.shape) == tuple(tm.weight.shape) and jm.weight.requires_grad
    jm.load_state_dict({k: jt.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_allclose(jm(jt.tensor(x)).detach().numpy(), tm(torch.tensor(x)).detach().numpy(), rtol=1e-6, atol=1e-6)
