"""The optimizers against real torch: parameters and optimizer state step for step,
param groups, state_dict round trips and argument errors."""
import copy
import importlib

import numpy as np
import pytest
import torch

import jtorch as jt

# XLA fuses a*b+c into one FMA on the CPU, so values may differ from torch in the last bit.
RTOL, ATOL = 1e-5, 1e-6

W1 = np.sin(np.arange(12.0)).reshape(4, 3) / 2
B1 = np.cos(np.arange(4.0)) / 3
W2 = np.sin(np.arange(8.0) * 0.7).reshape(2, 4) / 2
X = np.linspace(-1, 1, 15).reshape(5, 3)
Y = np.cos(np.arange(10.0)).reshape(5, 2)


def make_params(lib, dtype="float32"):
    dt = getattr(lib, dtype)
    return [lib.tensor(a, dtype=dt).requires_grad_() for a in (W1, B1, W2)]


def batch(lib, i, dtype="float32"):
    """Inputs that change from step to step, so that gradient statistics (centered RMSprop's
    variance, Rprop's sign changes) are well conditioned rather than near-cancelling."""
    dt = getattr(lib, dtype)
    return lib.tensor(X * (1 + 0.7 * np.sin(i)), dtype=dt), lib.tensor(Y * np.cos(i), dtype=dt)


def loss_fn(lib, params, x, y):
    w1, b1, w2 = params
    h = lib.tanh(x @ w1.t() + b1)
    return ((h @ w2.t() - y) ** 2).mean()


def train(lib, name, kwargs, steps=5, groups=None, dtype="float32"):
    params = make_params(lib, dtype)
    spec = params if groups is None else [dict(params=[params[i] for i in idx], **g) for idx, g in groups]
    opt = getattr(lib.optim, name)(spec, **kwargs)
    for i in range(steps):
        opt.zero_grad()
        loss_fn(lib, params, *batch(lib, i, dtype)).backward()
        opt.step()
    return params, opt


def to_np(v):
    return v.detach().numpy() if hasattr(v, "detach") else np.asarray(v)


def assert_state_matches(js, ts, rtol=RTOL, atol=ATOL):
    """jtorch and torch state_dicts agree: groups exactly, state keys, dtypes and values."""
    assert js["param_groups"] == ts["param_groups"]
    assert {k: sorted(v) for k, v in js["state"].items()} == {k: sorted(v) for k, v in ts["state"].items()}
    for k, v in ts["state"].items():
        for key, value in v.items():
            mine = js["state"][k][key]
            if isinstance(value, torch.Tensor):
                assert str(mine.dtype) == str(value.dtype), key
                assert tuple(mine.shape) == tuple(value.shape), key
                np.testing.assert_allclose(to_np(mine), to_np(value), rtol=rtol, atol=atol, err_msg=key)
            else:
                assert mine == value, key


def assert_params_match(jps, tps, rtol=RTOL, atol=ATOL):
    for jp, tp in zip(jps, tps):
        np.testing.assert_allclose(to_np(jp), to_np(tp), rtol=rtol, atol=atol)


CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, maximize=True)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.01, alpha=0.9, centered=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.02, momentum=0.5, centered=True, maximize=True, eps=1e-3)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.3)),
    ("Adagrad", dict(lr=0.1, weight_decay=0.1, maximize=True, eps=1e-4)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.5, eps=1e-3, weight_decay=0.1)),
    ("Adadelta", dict(maximize=True)),
    ("Adamax", dict()),
    ("Adamax", dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1)),
    ("Adamax", dict(maximize=True, eps=1e-3)),
    ("NAdam", dict()),
    ("NAdam", dict(lr=0.01, momentum_decay=0.01, weight_decay=0.1)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RAdam", dict()),
    ("RAdam", dict(lr=0.01, betas=(0.5, 0.6), weight_decay=0.1)),
    ("RAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("ASGD", dict()),
    ("ASGD", dict(lr=0.05, lambd=0.01, alpha=0.5, t0=2, weight_decay=0.1)),
    ("ASGD", dict(lr=0.05, t0=0, maximize=True)),
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.06))),
    ("Rprop", dict(lr=0.05, maximize=True)),
]


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_optimizer_tracks_torch(name, kwargs):
    # 8 steps take RAdam past its rectification threshold (rho_t > 5 from step 6 on)
    tp, topt = train(torch, name, kwargs, steps=8)
    jp, jopt = train(jt, name, kwargs, steps=8)
    assert_params_match(jp, tp)
    assert_state_matches(jopt.state_dict(), topt.state_dict())


@pytest.mark.parametrize("name", ["RMSprop", "Adagrad", "NAdam", "RAdam", "ASGD", "Rprop", "Adamax", "Adadelta"])
def test_float64_params(name):
    tp, topt = train(torch, name, dict(lr=0.01), steps=3, dtype="float64")
    jp, jopt = train(jt, name, dict(lr=0.01), steps=3, dtype="float64")
    assert_params_match(jp, tp, rtol=1e-10, atol=1e-12)
    assert_state_matches(jopt.state_dict(), topt.state_dict(), rtol=1e-10, atol=1e-12)


GROUP_CASES = [
    ("SGD", dict(lr=0.1), [((0, 1), dict(momentum=0.9)), ((2,), dict(lr=0.05))]),
    ("RMSprop", dict(lr=0.01), [((0, 1), dict(momentum=0.9)), ((2,), dict(centered=True, lr=0.02))]),
    ("Adagrad", dict(lr=0.1), [((0,), dict(lr_decay=0.1)), ((1, 2), dict(weight_decay=0.2))]),
    ("NAdam", dict(lr=0.01), [((0, 2), dict(betas=(0.8, 0.9))), ((1,), dict(momentum_decay=0.1))]),
    ("RAdam", dict(), [((0,), dict(lr=0.1)), ((1, 2), dict(decoupled_weight_decay=True, weight_decay=0.5))]),
    ("ASGD", dict(t0=1), [((0,), dict(lambd=0.1)), ((1, 2), dict(alpha=0.3))]),
    ("Rprop", dict(), [((0,), dict(etas=(0.1, 2.0))), ((1, 2), dict(lr=0.2))]),
    ("Adamax", dict(), [((0, 1), dict(lr=0.1)), ((2,), dict(eps=0.1))]),
    ("Adadelta", dict(), [((0, 1), dict(rho=0.3)), ((2,), dict(lr=0.1))]),
]


@pytest.mark.parametrize("name,kwargs,groups", GROUP_CASES, ids=[c[0] for c in GROUP_CASES])
def test_per_group_options(name, kwargs, groups):
    tp, topt = train(torch, name, kwargs, steps=4, groups=groups)
    jp, jopt = train(jt, name, kwargs, steps=4, groups=groups)
    assert_params_match(jp, tp)
    assert_state_matches(jopt.state_dict(), topt.state_dict())


@pytest.mark.parametrize("name", ["SGD", "RMSprop", "Adagrad", "NAdam", "RAdam", "ASGD", "Rprop", "Adamax",
                                  "Adadelta"])
def test_add_param_group_mid_training(name):
    """A group added later has its own step count (bias corrections per parameter)."""

    def run(lib):
        params = make_params(lib)
        opt = getattr(lib.optim, name)(params[:2], lr=0.01)
        for i in range(6):
            if i == 3:
                opt.add_param_group({"params": [params[2]], "lr": 0.02})
            opt.zero_grad()
            loss_fn(lib, params, *batch(lib, i)).backward()
            opt.step()
        return params, opt

    tp, topt = run(torch)
    jp, jopt = run(jt)
    assert_params_match(jp, tp)
    assert_state_matches(jopt.state_dict(), topt.state_dict())


def _continue(lib, params, opt, steps=3):
    for i in range(steps):
        opt.zero_grad()
        loss_fn(lib, params, *batch(lib, 10 + i)).backward()
        opt.step()


@pytest.mark.parametrize("name,kwargs", [("SGD", dict(lr=0.1, momentum=0.9)),
                                         ("RMSprop", dict(momentum=0.5, centered=True)), ("Adagrad", {}),
                                         ("NAdam", {}), ("RAdam", {}), ("ASGD", dict(t0=2)), ("Rprop", {}),
                                         ("Adamax", {}), ("Adadelta", {})])
def test_load_torch_state_dict(name, kwargs):
    """torch's optimizer state_dict, converted tensor by tensor, resumes identically in jtorch."""
    tp, topt = train(torch, name, kwargs, steps=4)
    jp = [jt.tensor(p.detach().numpy()).requires_grad_() for p in tp]
    jopt = getattr(jt.optim, name)(jp, **kwargs)
    sd = topt.state_dict()
    converted = {"param_groups": sd["param_groups"],
                 "state": {k: {key: jt.tensor(v.numpy()) if isinstance(v, torch.Tensor) else v
                               for key, v in s.items()} for k, s in sd["state"].items()}}
    jopt.load_state_dict(converted)
    _continue(torch, tp, topt)
    _continue(jt, jp, jopt)
    assert_params_match(jp, tp)
    assert_state_matches(jopt.state_dict(), topt.state_dict())


@pytest.mark.parametrize("name", ["SGD", "Adagrad", "NAdam", "ASGD", "Rprop"])
def test_state_dict_round_trip(name):
    """Saving and loading into a fresh optimizer continues exactly like the original."""
    jp, jopt = train(jt, name, dict(lr=0.01), steps=3)
    clone = [jt.tensor(p.detach().numpy()).requires_grad_() for p in jp]
    other = getattr(jt.optim, name)(clone, lr=0.5)
    # like torch, load_state_dict keeps (does not copy) tensors that already match: deep-copy
    # as torch.save / torch.load would
    other.load_state_dict(copy.deepcopy(jopt.state_dict()))
    assert other.param_groups[0]["lr"] == 0.01
    _continue(jt, jp, jopt)
    _continue(jt, clone, other)
    for a, b in zip(jp, clone):
        np.testing.assert_array_equal(to_np(a), to_np(b))


def test_sgd_momentum_buffers_update_in_place():
    """A momentum buffer fetched from the state is updated in place by later steps, and a
    write into it (or a zeroed grad for one parameter) is seen by the next step, as in torch."""

    def run(lib):
        params = make_params(lib)
        opt = lib.optim.SGD(params, lr=0.1, momentum=0.9)
        seen = []
        for i in range(5):
            opt.zero_grad()
            loss_fn(lib, params, *batch(lib, i)).backward()
            if i == 3:
                params[1].grad = None  # this step updates only two of the three parameters
            opt.step()
            if i == 0:
                held = opt.state[params[0]]["momentum_buffer"]
            if i == 1:
                with lib.no_grad():
                    opt.state[params[2]]["momentum_buffer"].mul_(0.5)
            seen.append(to_np(held).copy())
        return params, opt, seen

    tp, topt, tseen = run(torch)
    jp, jopt, jseen = run(jt)
    assert_params_match(jp, tp)
    assert_state_matches(jopt.state_dict(), topt.state_dict())
    for a, b in zip(jseen, tseen):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)


def test_lr_change_between_steps():
    """Changing a group's lr (as schedulers do) takes effect without stale compiled values."""

    def run(lib):
        params = make_params(lib)
        opt = lib.optim.NAdam(params, lr=0.01)
        for i in range(4):
            opt.param_groups[0]["lr"] = 0.01 * (i + 1)
            opt.param_groups[0]["betas"] = (0.9 - 0.1 * i, 0.999)
            opt.zero_grad()
            loss_fn(lib, params, *batch(lib, i)).backward()
            opt.step()
        return params

    assert_params_match(run(jt), run(torch))


def test_params_without_grad_are_skipped():
    def run(lib):
        params = make_params(lib)
        opt = lib.optim.RMSprop(params + [lib.zeros(3, requires_grad=True)], lr=0.01)
        for i in range(2):
            opt.zero_grad()
            loss_fn(lib, params, *batch(lib, i)).backward()
            opt.step()
        return params, opt

    tp, topt = run(torch)
    jp, jopt = run(jt)
    assert_params_match(jp, tp)
    assert_state_matches(jopt.state_dict(), topt.state_dict())


def test_complex_params():
    def run(lib):
        z = lib.tensor(np.array([1 + 2j, -0.5 + 0.3j, 0.2 - 1j]), dtype=lib.complex64).requires_grad_()
        opt = lib.optim.RMSprop([z], lr=0.05, centered=True, momentum=0.3)
        for _ in range(3):
            opt.zero_grad()
            (z * z.conj()).real.sum().backward()
            opt.step()
        return [z], opt

    tp, topt = run(torch)
    jp, jopt = run(jt)
    assert_params_match(jp, tp)
    assert_state_matches(jopt.state_dict(), topt.state_dict())


# ---------------------------------------------------------------- LBFGS


def _lbfgs_run(lib, kwargs, dtype, steps=3):
    params = make_params(lib, dtype)
    x, y = batch(lib, 0, dtype)
    opt = lib.optim.LBFGS(params, **kwargs)

    def closure():
        opt.zero_grad()
        loss = loss_fn(lib, params, x, y)
        loss.backward()
        return loss

    losses = [float(opt.step(closure).detach()) for _ in range(steps)]
    return params, opt, losses


LBFGS_CASES = [dict(lr=0.5, max_iter=10), dict(lr=0.5, history_size=3, max_iter=7),
               dict(line_search_fn="strong_wolfe"), dict(line_search_fn="strong_wolfe", history_size=2, max_iter=10)]


@pytest.mark.parametrize("kwargs", LBFGS_CASES)
def test_lbfgs_tracks_torch(kwargs):
    # float64: in float32, ~60 iterations amplify last-bit differences of dot products
    # (summation order) until the line search takes a different branch
    tp, topt, tl = _lbfgs_run(torch, kwargs, "float64")
    jp, jopt, jl = _lbfgs_run(jt, kwargs, "float64")
    np.testing.assert_allclose(jl, tl, rtol=1e-9)
    assert_params_match(jp, tp, rtol=1e-7, atol=1e-8)
    ts, js = topt.state_dict(), jopt.state_dict()
    assert js["param_groups"] == ts["param_groups"]
    assert sorted(js["state"][0]) == sorted(ts["state"][0])
    for key in ("func_evals", "n_iter"):
        assert js["state"][0][key] == ts["state"][0][key]
    assert len(js["state"][0]["old_dirs"]) == len(ts["state"][0]["old_dirs"])
    for key in ("d", "prev_flat_grad"):
        np.testing.assert_allclose(to_np(js["state"][0][key]), to_np(ts["state"][0][key]), rtol=1e-6, atol=1e-8)


def test_lbfgs_float32():
    kwargs = dict(line_search_fn="strong_wolfe", history_size=2, max_iter=10)
    tp, topt, tl = _lbfgs_run(torch, kwargs, "float32", steps=1)
    jp, jopt, jl = _lbfgs_run(jt, kwargs, "float32", steps=1)
    np.testing.assert_allclose(jl, tl, rtol=1e-6)
    assert_params_match(jp, tp, rtol=1e-4, atol=1e-4)
    # Each step runs up to 10 iterations, which amplify float32 summation-order differences
    # (they depend on the CPU's vector width): after 3 steps the parameters of torch and
    # jtorch differ by ~1e-2 on an AVX-512 machine, along the same path (same evaluations).
    tp, topt, tl = _lbfgs_run(torch, kwargs, "float32")
    jp, jopt, jl = _lbfgs_run(jt, kwargs, "float32")
    np.testing.assert_allclose(jl, tl, rtol=1e-3)
    assert_params_match(jp, tp, rtol=0, atol=3e-2)
    assert jopt.state_dict()["state"][0]["func_evals"] == topt.state_dict()["state"][0]["func_evals"]


def test_lbfgs_errors():
    p = jt.zeros(2, requires_grad=True)
    with pytest.raises(ValueError):
        jt.optim.LBFGS([{"params": [p]}, {"params": [jt.zeros(1, requires_grad=True)]}])
    with pytest.raises(ValueError):
        jt.optim.LBFGS([p], lr=-1)
    opt = jt.optim.LBFGS([p], line_search_fn="bogus")

    def closure():
        opt.zero_grad()
        loss = ((p - 1) ** 2).sum()
        loss.backward()
        return loss

    with pytest.raises(RuntimeError):
        opt.step(closure)


# ---------------------------------------------------------------- errors

ERROR_CASES = [
    ("RMSprop", dict(lr=-1)), ("RMSprop", dict(eps=-1)), ("RMSprop", dict(momentum=-1)),
    ("RMSprop", dict(weight_decay=-1)), ("RMSprop", dict(alpha=-1)),
    ("Adagrad", dict(lr=-1)), ("Adagrad", dict(lr_decay=-1)), ("Adagrad", dict(weight_decay=-1)),
    ("Adagrad", dict(initial_accumulator_value=-1)), ("Adagrad", dict(eps=-1)),
    ("Adagrad", dict(fused=True, foreach=True)),
    ("Adadelta", dict(lr=-1)), ("Adadelta", dict(rho=1.5)), ("Adadelta", dict(eps=-1)),
    ("Adadelta", dict(weight_decay=-1)),
    ("Adamax", dict(lr=-1)), ("Adamax", dict(eps=-1)), ("Adamax", dict(betas=(1.0, 0.9))),
    ("Adamax", dict(betas=(0.9, -0.1))), ("Adamax", dict(weight_decay=-1)),
    ("NAdam", dict(lr=-1)), ("NAdam", dict(momentum_decay=-1)), ("NAdam", dict(betas=(0.9, 1.0))),
    ("RAdam", dict(lr=-1)), ("RAdam", dict(eps=-1)), ("RAdam", dict(betas=(-0.1, 0.9))),
    ("ASGD", dict(lr=-1)), ("ASGD", dict(weight_decay=-1)),
    ("Rprop", dict(lr=-1)), ("Rprop", dict(etas=(1.0, 1.2))), ("Rprop", dict(etas=(0.5, 1.0))),
    ("LBFGS", dict(lr=-1)),
]


@pytest.mark.parametrize("name,kwargs", ERROR_CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(ERROR_CASES)])
def test_invalid_arguments(name, kwargs):
    with pytest.raises(Exception) as expected:
        getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kwargs)
    with pytest.raises(expected.type) as got:
        getattr(jt.optim, name)([jt.zeros(2, requires_grad=True)], **kwargs)
    assert str(got.value) == str(expected.value)


def test_defaults_match_torch():
    for name in ["RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "ASGD", "Rprop", "LBFGS"]:
        t = getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)])
        j = getattr(jt.optim, name)([jt.zeros(2, requires_grad=True)])
        assert j.defaults == t.defaults, name
        tsd, jsd = t.state_dict(), j.state_dict()
        assert jsd["param_groups"] == tsd["param_groups"], name
        assert sorted(jsd["state"]) == sorted(tsd["state"]), name  # Adagrad creates its state eagerly


@pytest.mark.parametrize("name", ["SGD", "Adam", "LBFGS"])
def test_step_hooks(name):
    """Step pre/post hooks (per optimizer and global) run in torch's order with torch's
    arguments; a pre-hook can replace the step's arguments; removed hooks stop running."""

    def run(lib):
        events = []
        params = make_params(lib, "float64")  # LBFGS amplifies float32 rounding
        opt = getattr(lib.optim, name)(params, lr=0.01)

        def closure():
            opt.zero_grad()
            loss = loss_fn(lib, params, *batch(lib, 0, "float64"))
            loss.backward()
            return loss

        def pre(o, args, kwargs):
            events.append(("pre", o is opt, len(args), args[0] is opt, sorted(kwargs)))
            return (args[0],), {"closure": closure}  # the step receives the closure this way

        optimizer_module = importlib.import_module(lib.__name__ + ".optim.optimizer")
        handles = [
            opt.register_step_pre_hook(pre),
            opt.register_step_post_hook(lambda o, args, kwargs: events.append(("post", sorted(kwargs)))),
            optimizer_module.register_optimizer_step_pre_hook(lambda o, a, k: events.append(("global pre",))),
            optimizer_module.register_optimizer_step_post_hook(lambda o, a, k: events.append(("global post",))),
        ]
        try:
            loss = opt.step()
            handles[0].remove()
            opt.step(closure)
        finally:
            for h in handles:
                h.remove()
        opt.step(closure)
        return events, float(loss), params

    t_events, t_loss, tp = run(torch)
    j_events, j_loss, jp = run(jt)
    assert j_events == t_events
    assert j_loss == pytest.approx(t_loss, rel=1e-6)
    assert_params_match(jp, tp)


def test_step_pre_hook_bad_return():
    for lib in (torch, jt):
        params = make_params(lib)
        opt = lib.optim.SGD(params, lr=0.1)
        opt.register_step_pre_hook(lambda o, a, k: 5)
        with pytest.raises(RuntimeError, match="must return None or a tuple"):
            opt.step()
