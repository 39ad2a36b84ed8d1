"""torch.optim.lr_scheduler against real torch: lr (and momentum) sequences, state_dicts,
the deprecated step(epoch) path, warnings and argument errors."""
import math
import warnings

import pytest
import torch
from hypothesis import given, settings, strategies as st

import jtorch as jt
import jtorch.optim.lr_scheduler as jt_sched

SETTINGS = settings(max_examples=12, deadline=None)


def make_optimizer(lib, name="SGD"):
    params = [lib.zeros(2, requires_grad=True), lib.zeros(3, requires_grad=True)]
    extra = dict(momentum=0.9) if name == "SGD" else {}
    groups = [{"params": [params[0]]}, {"params": [params[1]], "lr": 0.05}]
    return getattr(lib.optim, name)(groups, lr=0.1, **extra)


def snapshot(opt, sched):
    groups = opt.param_groups
    return (list(sched.get_last_lr()), [g["lr"] for g in groups],
            [g.get("momentum") for g in groups], [g.get("betas") for g in groups])


def trace(lib, build, steps=30, opt_name="SGD", metrics=None, epochs=None):
    """The scheduler's observable values after construction and after each of `steps` steps."""
    opt = make_optimizer(lib, opt_name)
    sched = build(lib.optim.lr_scheduler, opt)
    out = [snapshot(opt, sched)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(steps):
            opt.step()
            if metrics is not None:
                sched.step(metrics[i])
            elif epochs is not None:
                sched.step(epochs[i])
            else:
                sched.step()
            out.append(snapshot(opt, sched))
    return out, sched, opt


def plain_state(state):
    """A scheduler state_dict without its callables (compared by behaviour instead)."""
    out = {}
    for k, v in state.items():
        if k == "_schedulers":
            out[k] = [plain_state(s) for s in v]
        elif not callable(v):
            out[k] = v
    return out


def check(build, **kwargs):
    """The same schedule in torch and jtorch: equal values at every step, equal state_dicts."""
    expected, tsched, _ = trace(torch, build, **kwargs)
    got, jsched, _ = trace(jt, build, **kwargs)
    # pure Python float arithmetic in the same order: the sequences are identical
    assert got == expected
    assert plain_state(jsched.state_dict()) == plain_state(tsched.state_dict())


gammas = st.floats(0.1, 0.99)
factors = st.floats(0.05, 1.0)


@SETTINGS
@given(step_size=st.integers(1, 8), gamma=gammas)
def test_step_lr(step_size, gamma):
    check(lambda m, o: m.StepLR(o, step_size, gamma=gamma))


@SETTINGS
@given(milestones=st.lists(st.integers(1, 30), max_size=5), gamma=gammas)
def test_multi_step_lr(milestones, gamma):
    check(lambda m, o: m.MultiStepLR(o, milestones, gamma=gamma))


@SETTINGS
@given(gamma=gammas)
def test_exponential_lr(gamma):
    check(lambda m, o: m.ExponentialLR(o, gamma))


@SETTINGS
@given(t_max=st.integers(1, 12), eta_min=st.floats(0, 0.01))
def test_cosine_annealing_lr(t_max, eta_min):
    check(lambda m, o: m.CosineAnnealingLR(o, t_max, eta_min=eta_min), steps=40)


@SETTINGS
@given(t_0=st.integers(1, 8), t_mult=st.integers(1, 3), eta_min=st.floats(0, 0.01))
def test_cosine_annealing_warm_restarts(t_0, t_mult, eta_min):
    check(lambda m, o: m.CosineAnnealingWarmRestarts(o, t_0, T_mult=t_mult, eta_min=eta_min))


@SETTINGS
@given(t_0=st.integers(1, 8), t_mult=st.integers(1, 3), epochs=st.lists(st.floats(0, 40), min_size=30, max_size=30))
def test_cosine_annealing_warm_restarts_fractional_epochs(t_0, t_mult, epochs):
    check(lambda m, o: m.CosineAnnealingWarmRestarts(o, t_0, T_mult=t_mult), epochs=epochs)


def test_lambda_lr():
    check(lambda m, o: m.LambdaLR(o, lambda e: 0.95 ** e))
    check(lambda m, o: m.LambdaLR(o, [lambda e: 1 / (e + 1), lambda e: math.cos(e)]))


def test_multiplicative_lr():
    check(lambda m, o: m.MultiplicativeLR(o, lambda e: 0.9))
    check(lambda m, o: m.MultiplicativeLR(o, [lambda e: 0.99, lambda e: 1.01 if e % 2 else 0.95]))


@SETTINGS
@given(start=st.floats(0.01, 1.0), end=factors, total=st.integers(1, 20))
def test_linear_lr(start, end, total):
    check(lambda m, o: m.LinearLR(o, start_factor=start, end_factor=end, total_iters=total))


@SETTINGS
@given(factor=factors, total=st.integers(0, 20))
def test_constant_lr(factor, total):
    check(lambda m, o: m.ConstantLR(o, factor=factor, total_iters=total))


@SETTINGS
@given(total=st.integers(1, 25), power=st.floats(0.1, 3.0))
def test_polynomial_lr(total, power):
    check(lambda m, o: m.PolynomialLR(o, total_iters=total, power=power))


@SETTINGS
@given(total=st.integers(30, 40), pct=st.floats(0.05, 0.9), strategy=st.sampled_from(["cos", "linear"]),
       three_phase=st.booleans(), cycle_momentum=st.booleans(), opt_name=st.sampled_from(["SGD", "Adam"]),
       div=st.floats(2.0, 50.0))
def test_one_cycle_lr(total, pct, strategy, three_phase, cycle_momentum, opt_name, div):
    check(lambda m, o: m.OneCycleLR(o, max_lr=[0.5, 0.2], total_steps=total, pct_start=pct,
                                    anneal_strategy=strategy, three_phase=three_phase,
                                    cycle_momentum=cycle_momentum, div_factor=div), opt_name=opt_name)


def test_one_cycle_lr_epochs_and_overrun():
    check(lambda m, o: m.OneCycleLR(o, max_lr=0.3, epochs=5, steps_per_epoch=6))
    for lib in (torch, jt):
        with pytest.raises(ValueError, match="Tried to step 31 times"):
            trace(lib, lambda m, o: m.OneCycleLR(o, max_lr=0.3, total_steps=30), steps=31)


@SETTINGS
@given(up=st.integers(1, 8), down=st.one_of(st.none(), st.integers(1, 8)),
       mode=st.sampled_from(["triangular", "triangular2", "exp_range"]), gamma=st.floats(0.8, 1.0),
       opt_name=st.sampled_from(["SGD", "Adam"]))
def test_cyclic_lr(up, down, mode, gamma, opt_name):
    check(lambda m, o: m.CyclicLR(o, base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=up, step_size_down=down,
                                  mode=mode, gamma=gamma), opt_name=opt_name)


def test_cyclic_lr_custom_scale_fn():
    check(lambda m, o: m.CyclicLR(o, 0.01, 0.1, step_size_up=3, scale_fn=lambda x: 0.5 ** x,
                                  scale_mode="iterations", cycle_momentum=False))


@SETTINGS
@given(mode=st.sampled_from(["min", "max"]), threshold_mode=st.sampled_from(["rel", "abs"]),
       factor=st.floats(0.1, 0.9), patience=st.integers(0, 4), cooldown=st.integers(0, 3),
       metrics=st.lists(st.sampled_from([1.0, 0.9, 0.8, 1.1, 0.85, 0.5]), min_size=30, max_size=30))
def test_reduce_lr_on_plateau(mode, threshold_mode, factor, patience, cooldown, metrics):
    check(lambda m, o: m.ReduceLROnPlateau(o, mode=mode, threshold_mode=threshold_mode, factor=factor,
                                           patience=patience, cooldown=cooldown, min_lr=[0.001, 0.0]),
          metrics=metrics)


@SETTINGS
@given(milestone=st.integers(1, 20), gamma=gammas)
def test_sequential_lr(milestone, gamma):
    def build(m, o):
        warmup = m.LinearLR(o, start_factor=0.1, total_iters=5)
        decay = m.ExponentialLR(o, gamma)
        return m.SequentialLR(o, [warmup, decay], milestones=[milestone])

    check(build)


def test_sequential_lr_three_phases():
    def build(m, o):
        return m.SequentialLR(o, [m.ConstantLR(o, factor=0.5, total_iters=3), m.StepLR(o, 2, 0.5),
                                  m.CosineAnnealingLR(o, 7)], milestones=[4, 12])

    check(build)


@SETTINGS
@given(gamma=gammas, factor=factors)
def test_chained_scheduler(gamma, factor):
    check(lambda m, o: m.ChainedScheduler([m.ConstantLR(o, factor=factor, total_iters=4),
                                           m.ExponentialLR(o, gamma)]))


@pytest.mark.parametrize("build", [
    lambda m, o: m.StepLR(o, 3, gamma=0.5),
    lambda m, o: m.MultiStepLR(o, [2, 5, 5, 9], gamma=0.3),
    lambda m, o: m.ExponentialLR(o, 0.9),
    lambda m, o: m.CosineAnnealingLR(o, 7, eta_min=0.001),
    lambda m, o: m.LinearLR(o, 0.2, 0.9, total_iters=6),
    lambda m, o: m.ConstantLR(o, 0.4, total_iters=6),
    lambda m, o: m.PolynomialLR(o, total_iters=8, power=2.0),
    lambda m, o: m.LambdaLR(o, lambda e: 0.9 ** e),
])
def test_deprecated_step_with_epoch_uses_closed_form(build):
    epochs = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 0, 20]
    check(build, epochs=epochs, steps=len(epochs))
    for lib in (torch, jt):
        opt = make_optimizer(lib)
        sched = build(lib.optim.lr_scheduler, opt)
        opt.step()
        with pytest.warns(UserWarning, match="The epoch parameter"):
            sched.step(3)


def test_resume_with_last_epoch():
    for lib in (torch, jt):
        with pytest.raises(KeyError, match="initial_lr"):
            lib.optim.lr_scheduler.StepLR(make_optimizer(lib), 3, last_epoch=4)

    def build(m, o):
        for g in o.param_groups:
            g["initial_lr"] = g["lr"] * 2
        return m.CosineAnnealingLR(o, 10, last_epoch=4)

    check(build)


def test_state_dict_round_trip_continues_identically():
    a_opt, b_opt = make_optimizer(jt), make_optimizer(jt)
    a = jt_sched.OneCycleLR(a_opt, max_lr=0.4, total_steps=40)
    for _ in range(7):
        a_opt.step()
        a.step()
    b = jt_sched.OneCycleLR(b_opt, max_lr=0.4, total_steps=40)
    b.load_state_dict(a.state_dict())
    b_opt.load_state_dict(a_opt.state_dict())
    for _ in range(10):
        a_opt.step()
        a.step()
        b_opt.step()
        b.step()
        assert a.get_last_lr() == b.get_last_lr()
        assert [g["momentum"] for g in a_opt.param_groups] == [g["momentum"] for g in b_opt.param_groups]


def test_initial_lr_and_base_lrs():
    for lib in (torch, jt):
        opt = make_optimizer(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, 2)
        assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.05]
        assert sched.base_lrs == [0.1, 0.05]
        assert sched.last_epoch == 0 and sched._step_count == 1


def _warning_messages(lib, first_opt_step):
    opt = make_optimizer(lib)
    sched = lib.optim.lr_scheduler.StepLR(opt, 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if first_opt_step:
            opt.step()
        sched.step()
        sched.get_lr()
    return [str(w.message) for w in caught]


@pytest.mark.parametrize("first_opt_step", [False, True])
def test_warnings_match_torch(first_opt_step):
    assert _warning_messages(jt, first_opt_step) == _warning_messages(torch, first_opt_step)


ERROR_CASES = [
    lambda m, o: m.StepLR(object(), 2),
    lambda m, o: m.ConstantLR(o, factor=1.5),
    lambda m, o: m.LinearLR(o, start_factor=0),
    lambda m, o: m.LinearLR(o, end_factor=1.5),
    lambda m, o: m.LambdaLR(o, [lambda e: 1.0]),
    lambda m, o: m.MultiplicativeLR(o, 0.9),
    lambda m, o: m.CosineAnnealingWarmRestarts(o, 0),
    lambda m, o: m.CosineAnnealingWarmRestarts(o, 2, T_mult=0),
    lambda m, o: m.CosineAnnealingWarmRestarts(o, 2, eta_min="x"),
    lambda m, o: m.OneCycleLR(o, 0.1),
    lambda m, o: m.OneCycleLR(o, 0.1, total_steps=0),
    lambda m, o: m.OneCycleLR(o, 0.1, epochs=0, steps_per_epoch=2),
    lambda m, o: m.OneCycleLR(o, 0.1, total_steps=10, pct_start=1),
    lambda m, o: m.OneCycleLR(o, 0.1, total_steps=10, anneal_strategy="exp"),
    lambda m, o: m.OneCycleLR(o, [0.1], total_steps=10),
    lambda m, o: m.CyclicLR(o, 0.01, 0.1, mode="bogus"),
    lambda m, o: m.ReduceLROnPlateau(o, factor=1.0),
    lambda m, o: m.ReduceLROnPlateau(o, mode="avg"),
    lambda m, o: m.ReduceLROnPlateau(o, threshold_mode="x"),
    lambda m, o: m.ReduceLROnPlateau(o, min_lr=[0.1]),
    lambda m, o: m.SequentialLR(o, [], milestones=[]),
    lambda m, o: m.SequentialLR(o, [m.StepLR(o, 2)], milestones=[3]),
    lambda m, o: m.SequentialLR(o, [m.ReduceLROnPlateau(o)], milestones=[]),
    lambda m, o: m.ChainedScheduler([]),
]


@pytest.mark.parametrize("build", ERROR_CASES, ids=[str(i) for i in range(len(ERROR_CASES))])
def test_invalid_arguments(build):
    with pytest.raises(Exception) as expected:
        build(torch.optim.lr_scheduler, make_optimizer(torch))
    with pytest.raises(expected.type) as got:
        build(jt.optim.lr_scheduler, make_optimizer(jt))
    assert str(got.value) == str(expected.value)


def test_cycle_momentum_needs_momentum():
    for lib in (torch, jt):
        opt = lib.optim.Rprop([lib.zeros(2, requires_grad=True)])
        with pytest.raises(ValueError, match="optimizer must support momentum"):
            lib.optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1)


def test_module_paths():
    import jtorch.optim.lr_scheduler as mod

    assert mod is jt.optim.lr_scheduler
    assert set(mod.__all__) == set(torch.optim.lr_scheduler.__all__)
    for name in mod.__all__:
        assert hasattr(jt.optim.lr_scheduler, name)
