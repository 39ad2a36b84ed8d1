"""nn.Module core, Parameter, init, Linear, containers and the optimizers against torch."""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import jtorch as jt


def build(lib):
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(4, 3)
            self.act = nn.ReLU()
            self.seq = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1, bias=False))
            self.register_buffer("steps", lib.zeros(1))
            self.register_buffer("scratch", lib.zeros(2), persistent=False)

        def forward(self, x):
            return self.seq(self.act(self.fc1(x)))

    return Net()


def copy_weights(src, dst):
    with torch.no_grad():
        for (name, t), (_, j) in zip(src.state_dict().items(), dst.state_dict().items()):
            j.copy_(jt.tensor(t.numpy()))


def test_structure_matches():
    t, j = build(torch), build(jt)
    assert repr(j) == repr(t)
    assert [n for n, _ in j.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in j.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in j.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in j.named_children()] == [n for n, _ in t.named_children()]
    assert list(j.state_dict()) == list(t.state_dict())
    assert [tuple(p.shape) for p in j.parameters()] == [tuple(p.shape) for p in t.parameters()]
    assert isinstance(next(j.parameters()), jt.nn.Parameter) and isinstance(next(j.parameters()), jt.Tensor)
    assert repr(j.get_submodule("seq.0")) == repr(t.get_submodule("seq.0"))
    assert tuple(j.get_parameter("seq.2.weight").shape) == tuple(t.get_parameter("seq.2.weight").shape)


def test_forward_backward_match():
    t, j = build(torch), build(jt)
    copy_weights(t, j)
    x = np.linspace(-2, 2, 20).reshape(5, 4).astype(np.float32)
    to, jo = t(torch.tensor(x)), j(jt.tensor(x))
    np.testing.assert_allclose(jo.detach().numpy(), to.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert type(jo.grad_fn).__name__ == type(to.grad_fn).__name__
    to.sum().backward()
    jo.sum().backward()
    for (name, tp), (_, jp) in zip(t.named_parameters(), j.named_parameters()):
        np.testing.assert_allclose(jp.grad.numpy(), tp.grad.numpy(), rtol=1e-5, atol=1e-6, err_msg=name)


def test_load_state_dict_errors_and_results():
    t, j = build(torch), build(jt)
    ok = {k: v * 0 + 0.5 for k, v in t.state_dict().items()}
    assert repr(j.load_state_dict({k: jt.tensor(v.numpy()) for k, v in ok.items()})) == repr(t.load_state_dict(ok))
    with pytest.raises(RuntimeError) as te:
        t.load_state_dict({"fc1.weight": torch.ones(2, 2)})
    with pytest.raises(RuntimeError) as je:
        j.load_state_dict({"fc1.weight": jt.ones(2, 2)})
    assert str(je.value) == str(te.value)
    partial_t = t.load_state_dict({"fc1.weight": torch.ones(3, 4), "extra": torch.ones(1)}, strict=False)
    partial_j = j.load_state_dict({"fc1.weight": jt.ones(3, 4), "extra": jt.ones(1)}, strict=False)
    assert repr(partial_j) == repr(partial_t)


def test_modes_moves_and_attribute_errors():
    t, j = build(torch), build(jt)
    assert j.training and not j.eval().training and not j.seq[0].training
    j.train()
    assert j.seq[2].training
    assert j.double().fc1.weight.dtype is jt.float64
    assert j.steps.dtype is jt.float64
    param = j.fc1.weight
    j.float()
    assert j.fc1.weight is param and param.dtype is jt.float32
    with pytest.raises(AttributeError) as je:
        j.nope
    with pytest.raises(AttributeError) as te:
        t.nope
    assert str(je.value) == str(te.value)
    j.zero_grad()
    assert j.fc1.weight.grad is None


def test_parameter_repr_and_sharing():
    data = jt.tensor([1.0, 2.0])
    p = jt.nn.Parameter(data)
    assert repr(p) == repr(torch.nn.Parameter(torch.tensor([1.0, 2.0])))
    assert p.requires_grad and p.is_leaf
    assert p.untyped_storage().data_ptr() == data.untyped_storage().data_ptr()
    assert repr(jt.nn.Parameter(jt.tensor([1.0]), requires_grad=False)) == repr(
        torch.nn.Parameter(torch.tensor([1.0]), requires_grad=False))


def test_hooks():
    def run(lib):
        lin = lib.nn.Linear(2, 2)
        with lib.no_grad():
            lin.weight.copy_(lib.tensor([[1.0, 2.0], [3.0, 4.0]]))
            lin.bias.fill_(0.5)
        log = []
        lin.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
        h = lin.register_forward_hook(lambda m, args, out: out + 1)
        lin.register_full_backward_hook(lambda m, gin, gout: log.append((gin[0].tolist(), gout[0].tolist())))
        x = lib.tensor([[1.0, -1.0]], requires_grad=True)
        out = lin(x)
        log.append(out.tolist())
        out.sum().backward()
        h.remove()
        log.append(lin(x).tolist())
        return log

    assert run(jt) == run(torch)


def test_containers():
    for lib in (torch, jt):
        nn = lib.nn
        seq = nn.Sequential(nn.Linear(1, 2), nn.ReLU())
        seq.append(nn.Linear(2, 3))
        seq.insert(0, nn.Identity())
        assert len(seq) == 4 and isinstance(seq[-1], nn.Linear) and len(seq[1:]) == 3
        ml = nn.ModuleList([nn.ReLU()])
        ml.extend([nn.Identity()])
        md = nn.ModuleDict({"a": nn.ReLU()})
        pl = nn.ParameterList([nn.Parameter(lib.ones(2))])
        pd = nn.ParameterDict({"w": nn.Parameter(lib.ones(3))})
    tj = [repr(x) for x in (seq, ml, md)]
    assert tj == [repr(x) for x in (torch.nn.Sequential(torch.nn.Identity(), torch.nn.Linear(1, 2), torch.nn.ReLU(),
                                                         torch.nn.Linear(2, 3)),
                                     torch.nn.ModuleList([torch.nn.ReLU(), torch.nn.Identity()]),
                                     torch.nn.ModuleDict({"a": torch.nn.ReLU()}))]
    assert repr(pl) == repr(torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2))]))
    assert repr(pd) == repr(torch.nn.ParameterDict({"w": torch.nn.Parameter(torch.ones(3))}))


def test_default_init_ranges():
    """Linear's default init is kaiming-uniform(a=sqrt(5)) / uniform(±1/sqrt(fan_in)) as in torch."""
    lin = jt.nn.Linear(50, 40)
    bound = 1 / np.sqrt(50)
    w, b = lin.weight.detach().numpy(), lin.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert np.abs(b).max() <= bound
    for name in ("linear", "relu", "tanh", "leaky_relu", "selu", "sigmoid"):
        assert jt.nn.init.calculate_gain(name) == torch.nn.init.calculate_gain(name)
    t = jt.empty(30, 20)
    jt.nn.init.xavier_normal_(t)
    assert abs(t.numpy().std() - np.sqrt(2 / 50)) < 0.03
    jt.nn.init.trunc_normal_(t, std=1.0, a=-0.5, b=0.5)
    assert np.abs(t.numpy()).max() <= 0.5
    q = jt.empty(6, 4)
    jt.nn.init.orthogonal_(q)
    np.testing.assert_allclose(q.numpy().T @ q.numpy(), np.eye(4), atol=1e-5)


OPTIMIZERS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict(lr=0.01, maximize=True)),
]


@pytest.mark.parametrize("name,kwargs", OPTIMIZERS)
def test_optimizers_track_torch(name, kwargs):
    def train(lib):
        lin = lib.nn.Linear(3, 2)
        with lib.no_grad():
            lin.weight.copy_(lib.tensor(np.arange(6.0).reshape(2, 3) / 10, dtype=lib.float32))
            lin.bias.copy_(lib.tensor([0.1, -0.2]))
        opt = getattr(lib.optim, name)(lin.parameters(), **kwargs)
        x = lib.tensor(np.linspace(-1, 1, 12).reshape(4, 3), dtype=lib.float32)
        for _ in range(6):
            opt.zero_grad()
            loss = ((lin(x) - 1) ** 2).mean()
            loss.backward()
            opt.step()
        state = opt.state_dict()
        return lin, state

    tl, ts = train(torch)
    jl, js = train(jt)
    # XLA fuses a*b+c into one FMA on the CPU, so values may differ from torch in the last bit.
    for tp, jp in zip(tl.parameters(), jl.parameters()):
        np.testing.assert_allclose(jp.detach().numpy(), tp.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert js["param_groups"] == ts["param_groups"]
    assert {k: sorted(v) for k, v in js["state"].items()} == {k: sorted(v) for k, v in ts["state"].items()}
    for k, v in ts["state"].items():
        for key, value in v.items():
            np.testing.assert_allclose(js["state"][k][key].numpy(), value.numpy(), rtol=1e-5, atol=1e-6)


def test_optimizer_state_dict_round_trip_and_errors():
    lin = jt.nn.Linear(2, 2)
    opt = jt.optim.Adam(lin.parameters(), lr=0.1)
    lin(jt.ones(1, 2)).sum().backward()
    opt.step()
    other = jt.optim.Adam(lin.parameters(), lr=0.5)
    other.load_state_dict(opt.state_dict())
    assert other.param_groups[0]["lr"] == 0.1
    assert float(other.state[lin.weight]["step"]) == 1.0
    with pytest.raises(ValueError):
        jt.optim.SGD([], lr=0.1)
    with pytest.raises(TypeError):
        jt.optim.SGD(jt.ones(2, requires_grad=True), lr=0.1)
    with pytest.raises(ValueError):
        jt.optim.SGD(lin.parameters(), lr=-1)
