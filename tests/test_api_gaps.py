"""Differential tests against torch for the filled API gaps: torch.linalg (cond, tensorinv,
tensorsolve, vander, lu_solve, ldl_*), nn.init's deprecated aliases, optim.Adafactor,
optim.swa_utils, autograd anomaly mode and utils.data.DistributedSampler."""
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import jtorch as jt

from test_optim import assert_params_match, assert_state_matches, batch, loss_fn, make_params
from torch_compare import assert_same_error, both

RTOL, ATOL = 1e-5, 1e-6


def np_(t):
    return t.detach().resolve_conj().numpy()


rng = np.random.default_rng(0)
A3 = rng.standard_normal((2, 3, 3))
B32 = rng.standard_normal((3, 2))


# ----------------------------------------------------------------- linalg.cond
@pytest.mark.parametrize("p", [None, 2, -2, 1, -1, math.inf, -math.inf, "fro", "nuc"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_cond_values_and_grad(p, dtype):
    res = {}
    for lib in (torch, jt):
        a = lib.tensor(A3, dtype=getattr(lib, dtype), requires_grad=True)
        r = lib.linalg.cond(a, p)
        if p in (None, 2, -2):  # torch's other orders fill inv_ex's saved output in place: no backward
            r.sum().backward()
        res[lib] = (r, a.grad if p in (None, 2, -2) else r)
    (tr, tg), (jr, jg) = res[torch], res[jt]
    assert str(jr.dtype) == str(tr.dtype) and tuple(jr.shape) == tuple(tr.shape)
    assert type(jr.grad_fn).__name__ == type(tr.grad_fn).__name__
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == "float32" else dict(rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(np_(jr), np_(tr), **tol)
    np.testing.assert_allclose(np_(jg), np_(tg), **tol)


@pytest.mark.parametrize("p", [2, 1, "fro", "nuc", math.inf])
def test_cond_singular_and_complex_and_empty(p):
    sing = np.array([[[1.0, 2.0], [2.0, 4.0]], [[2.0, 0.0], [0.0, 1.0]]])
    c = A3 + 1j * A3[::-1]
    assert_same_error(lambda L: L.linalg.cond(L.zeros(2, 3, 3, dtype=L.int64), p))
    if isinstance(p, str):
        assert_same_error(lambda L: L.linalg.cond(L.zeros(2, 0, 3), p))
    for data in (sing, c, np.zeros((2, 0, 0)), np.zeros((0, 2, 2))) + (() if isinstance(p, str) else (
            np.zeros((2, 0, 3)),)):
        t = torch.linalg.cond(torch.tensor(data), p)
        j = jt.linalg.cond(jt.tensor(data), p)
        assert str(j.dtype) == str(t.dtype) and tuple(j.shape) == tuple(t.shape)
        tv, jv = np_(t), np_(j)
        if p not in (2, "nuc"):  # 2 and nuc on a singular matrix divide by s_min ~ 0: rounding-dependent
            np.testing.assert_allclose(jv, tv, rtol=1e-9)
        else:
            assert (np.isinf(jv) | (jv > 1e15)).tolist() == (np.isinf(tv) | (tv > 1e15)).tolist()


@pytest.mark.parametrize("case", [
    lambda L: L.linalg.cond(L.ones(2, 3), 1),
    lambda L: L.linalg.cond(L.ones(2, 3), "fro"),
    lambda L: L.linalg.cond(L.ones(2, 3), float("inf")),
    lambda L: L.linalg.cond(L.ones(2, 3), -1),
    lambda L: L.linalg.cond(L.ones(2, 2), 3),
    lambda L: L.linalg.cond(L.ones(2, 2), "abc"),
    lambda L: L.linalg.cond(L.ones(2, 2, dtype=L.int64)),
    lambda L: L.linalg.cond(L.ones(2)),
])
def test_cond_errors(case):
    assert_same_error(case)


# ----------------------------------------------------------------- tensorinv / tensorsolve / vander
def test_tensorinv_singular():
    for lib in (torch, jt):
        with pytest.raises(lib.linalg.LinAlgError, match=r"^inv: The diagonal element 1 is zero, the inversion could "
                                                         r"not be completed because the input matrix is singular\.$"):
            lib.linalg.tensorinv(lib.zeros(2, 2, 4))


def test_tensorinv_tensorsolve():
    a = rng.standard_normal((4, 6, 8, 3))
    for ind in (2,):
        res = {}
        for lib in (torch, jt):
            x = lib.tensor(a, requires_grad=True)
            r = lib.linalg.tensorinv(x, ind=ind)
            r.sum().backward()
            res[lib] = (r, x.grad)
        assert tuple(res[jt][0].shape) == tuple(res[torch][0].shape)
        assert type(res[jt][0].grad_fn).__name__ == type(res[torch][0].grad_fn).__name__
        for j, t in zip(res[jt], res[torch]):
            np.testing.assert_allclose(np_(j), np_(t), rtol=1e-8, atol=1e-9)
    a = rng.standard_normal((2, 3, 6))
    b = rng.standard_normal((2, 3))
    for dims in (None, (0,)):
        aa = a if dims is None else np.moveaxis(a, 2, 0)
        res = {}
        for lib in (torch, jt):
            x, y = lib.tensor(aa, requires_grad=True), lib.tensor(b, requires_grad=True)
            r = lib.linalg.tensorsolve(x, y, dims=dims)
            r.sum().backward()
            res[lib] = (r, x.grad, y.grad)
        assert type(res[jt][0].grad_fn).__name__ == type(res[torch][0].grad_fn).__name__
        for j, t in zip(res[jt], res[torch]):
            np.testing.assert_allclose(np_(j), np_(t), rtol=1e-8, atol=1e-9)


@pytest.mark.parametrize("case", [
    lambda L: L.linalg.tensorinv(L.eye(4).reshape(2, 2, 4), ind=0),
    lambda L: L.linalg.tensorinv(L.ones(4, 2, 3)),
    lambda L: L.linalg.tensorsolve(L.ones(4, 2, 3), L.ones(4)),
    lambda L: L.linalg.vander(L.tensor([True])),
    lambda L: L.linalg.vander(L.tensor([1.0], dtype=L.float16)),
    lambda L: L.linalg.vander(L.tensor([1.0, 2.0]), N=1),
    lambda L: L.linalg.vander(L.tensor(2.0)),
])
def test_tensor_vander_errors(case):
    assert_same_error(case)


@given(n=st.integers(1, 4), N=st.one_of(st.none(), st.integers(2, 5)),
       dtype=st.sampled_from(["float32", "float64", "int32", "int64", "complex64"]))
@settings(max_examples=15, deadline=None)
def test_vander(n, N, dtype):
    x = (np.arange(n) - 1.5) * 0.7
    if dtype.startswith("int"):
        x = np.arange(n) - 2
    if dtype == "complex64":
        x = x + 0.5j
    if N is None and n == 1:
        N = 2
    t = torch.linalg.vander(torch.tensor(x, dtype=getattr(torch, dtype)), N=N)
    j = jt.linalg.vander(jt.tensor(x, dtype=getattr(jt, dtype)), N=N)
    assert str(j.dtype) == str(t.dtype) and tuple(j.shape) == tuple(t.shape)
    np.testing.assert_allclose(np_(j), np_(t), rtol=1e-6)


def test_vander_grad():
    res = {}
    for lib in (torch, jt):
        x = lib.tensor([[0.5, -1.2, 2.0], [1.5, 0.3, -0.7]], requires_grad=True)
        r = lib.linalg.vander(x, N=4)
        (r * r).sum().backward()
        res[lib] = (r, x.grad)
    assert type(res[jt][0].grad_fn).__name__ == type(res[torch][0].grad_fn).__name__ == "CatBackward0"
    np.testing.assert_allclose(np_(res[jt][1]), np_(res[torch][1]), rtol=RTOL, atol=ATOL)


# ----------------------------------------------------------------- lu_solve
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("adjoint", [True, False])
@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_lu_solve(left, adjoint, dtype):
    a = A3 if dtype == "float64" else A3 + 1j * A3[::-1]
    b = rng.standard_normal((2, 3, 2)) if dtype == "float64" else rng.standard_normal((2, 3, 2)) * (1 - 2j)
    if not left:
        b = np.swapaxes(b, -1, -2)
    res = {}
    for lib in (torch, jt):
        LU, piv = lib.linalg.lu_factor(lib.tensor(a))
        LU = LU.detach().requires_grad_()
        B = lib.tensor(b, requires_grad=True)
        x = lib.linalg.lu_solve(LU, piv, B, left=left, adjoint=adjoint)
        x.abs().sum().backward()
        res[lib] = (x, LU.grad, B.grad)
    assert type(res[jt][0].grad_fn).__name__ == type(res[torch][0].grad_fn).__name__ == "LinalgLuSolveBackward0"
    for j, t in zip(res[jt], res[torch]):
        assert str(j.dtype) == str(t.dtype)
        np.testing.assert_allclose(np_(j), np_(t), rtol=1e-9, atol=1e-10)


def test_lu_solve_broadcast():
    res = []
    for lib in (torch, jt):
        LU, piv = lib.linalg.lu_factor(lib.tensor(A3[0]))
        res.append(lib.linalg.lu_solve(LU, piv, lib.tensor(rng.standard_normal((4, 3, 2)) * 0 + 1.0)))
    assert tuple(res[1].shape) == tuple(res[0].shape)
    np.testing.assert_allclose(np_(res[1]), np_(res[0]), rtol=1e-9)


@pytest.mark.parametrize("case", [
    lambda L: L.linalg.lu_solve(*L.linalg.lu_factor(L.eye(3)), L.ones(3)),
    lambda L: L.linalg.lu_solve(*L.linalg.lu_factor(L.eye(3)), L.ones(4, 1)),
    lambda L: L.linalg.lu_solve(*L.linalg.lu_factor(L.eye(3)), L.ones(1, 4), left=False),
    lambda L: L.linalg.lu_solve(*L.linalg.lu_factor(L.eye(3)), L.ones(3, 1, dtype=L.float64)),
    lambda L: L.linalg.lu_solve(L.linalg.lu_factor(L.eye(3))[0], L.linalg.lu_factor(L.eye(3))[1].long(),
                                L.ones(3, 1)),
    lambda L: L.linalg.lu_solve(L.ones(3), L.ones(3, dtype=L.int32), L.ones(3, 1)),
    lambda L: L.linalg.lu_solve(L.eye(3), L.ones(2, dtype=L.int32), L.ones(3, 1)),
    lambda L: L.linalg.lu_solve(L.eye(3).expand(2, 3, 3), L.ones(3, dtype=L.int32), L.ones(3, 1)),
    lambda L: L.linalg.lu_solve(L.eye(3).expand(2, 3, 3), L.ones(2, 3, dtype=L.int32), L.ones(3, 3, 1)),
])
def test_lu_solve_errors(case):
    assert_same_error(case)


# ----------------------------------------------------------------- LDL
def _sym(n, batch=(), complex_=False, hermitian=False, seed=1):
    r = np.random.default_rng(seed)
    a = r.standard_normal(batch + (n, n))
    if complex_:
        a = a + 1j * r.standard_normal(batch + (n, n))
    return a + (np.conj(np.swapaxes(a, -1, -2)) if hermitian else np.swapaxes(a, -1, -2))


@pytest.mark.parametrize("kind", ["real32", "real64", "complex_sym", "complex_herm", "batched"])
def test_ldl_factor_and_solve(kind):
    hermitian = kind == "complex_herm"
    a = _sym(4, (2,) if kind == "batched" else (), complex_=kind.startswith("complex"), hermitian=hermitian)
    dtype = {"real32": "float32", "real64": "float64", "batched": "float64"}.get(kind, "complex128")
    b = np.random.default_rng(2).standard_normal(a.shape[:-1] + (2,))
    out = {}
    for lib in (torch, jt):
        A = lib.tensor(a, dtype=getattr(lib, dtype))
        LD, piv, info = lib.linalg.ldl_factor_ex(A, hermitian=hermitian)
        LD2, piv2 = lib.linalg.ldl_factor(A, hermitian=hermitian)
        x = lib.linalg.ldl_solve(LD, piv, lib.tensor(b, dtype=getattr(lib, dtype)), hermitian=hermitian)
        out[lib] = (LD, piv, info, LD2, piv2, x)
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == "float32" else dict(rtol=1e-9, atol=1e-10)
    for j, t in zip(out[jt], out[torch]):
        assert str(j.dtype) == str(t.dtype) and tuple(j.shape) == tuple(t.shape)
        np.testing.assert_allclose(np_(j), np_(t), **tol)
    # the solve really solves A X = B
    np.testing.assert_allclose(a @ np_(out[jt][5]), b, rtol=1e-3 if dtype == "float32" else 1e-8, atol=1e-4)


def test_ldl_singular_and_grad():
    z = np.zeros((2, 2))
    t = torch.linalg.ldl_factor_ex(torch.tensor(z))
    j = jt.linalg.ldl_factor_ex(jt.tensor(z))
    for a, b in zip(j, t):
        np.testing.assert_array_equal(np_(a), np_(b))
    for lib in (torch, jt):
        with pytest.raises(RuntimeError, match="Unknown error code: 1"):
            lib.linalg.ldl_factor(lib.tensor(z))
        LD, piv = lib.linalg.ldl_factor(lib.eye(2, requires_grad=True))
        assert LD.requires_grad and type(LD.grad_fn).__name__ == "NotImplemented"
        with pytest.raises(RuntimeError):
            LD.sum().backward()


@pytest.mark.parametrize("case", [
    lambda L: L.linalg.ldl_factor(L.zeros(2, 3)),
    lambda L: L.linalg.ldl_factor(L.zeros(3)),
    lambda L: L.linalg.ldl_factor(L.zeros(2, 2, dtype=L.int64)),
    lambda L: L.linalg.ldl_factor(L.zeros(2, 2, dtype=L.float16)),
    lambda L: L.linalg.ldl_solve(*L.linalg.ldl_factor(L.eye(2, dtype=L.float64)), L.ones(2, dtype=L.float64)),
    lambda L: L.linalg.ldl_solve(*L.linalg.ldl_factor(L.eye(2, dtype=L.float64)), L.ones(3, 1, dtype=L.float64)),
    lambda L: L.linalg.ldl_solve(*L.linalg.ldl_factor(L.eye(2, dtype=L.float64)), L.ones(2, 1)),
    lambda L: L.linalg.ldl_solve(L.eye(3).expand(2, 3, 3), L.ones(2, 3, dtype=L.int32), L.ones(3, 3, 1)),
])
def test_ldl_errors(case):
    assert_same_error(case)


def test_linalg_namespace_complete():
    wanted = {"cond", "tensorinv", "tensorsolve", "vander", "lu_solve", "ldl_factor", "ldl_factor_ex", "ldl_solve"}
    assert wanted <= set(dir(jt.linalg))


# ----------------------------------------------------------------- nn.init aliases
@pytest.mark.parametrize("name,args", [
    ("uniform", ()), ("normal", ()), ("constant", (0.5,)), ("eye", ()), ("dirac", ()), ("xavier_uniform", ()),
    ("xavier_normal", ()), ("kaiming_uniform", ()), ("kaiming_normal", ()), ("orthogonal", ()),
    ("sparse", (0.5,)),
])
def test_init_deprecated_aliases(name, args):
    shape = (3, 3, 3) if name == "dirac" else (4, 3)
    caught = {}
    for lib in (torch, jt):
        fn = getattr(lib.nn.init, name)
        assert fn.__name__ == name
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            x = fn(lib.empty(*shape), *args)
        caught[lib] = [(wi.category, str(wi.message), wi.filename) for wi in w]
        assert tuple(x.shape) == shape
        if name in ("eye", "dirac", "constant"):
            caught[lib].append(np_(x).tolist())
    assert caught[jt] == caught[torch]
    assert caught[jt][0][2] == __file__  # stacklevel=2: attributed to the caller


def test_init_names_complete():
    public = {n for n in dir(torch.nn.init) if not n.startswith("_") and callable(getattr(torch.nn.init, n))}
    public -= {"Callable", "Literal", "ParamSpec", "Tensor", "TypeVar"}
    assert public <= set(dir(jt.nn.init)), public - set(dir(jt.nn.init))


# ----------------------------------------------------------------- Adafactor
def _train(lib, kwargs, steps=5, dtype="float32"):
    params = make_params(lib, dtype)
    opt = lib.optim.Adafactor(params, **kwargs)
    for i in range(steps):
        opt.zero_grad()
        loss_fn(lib, params, *batch(lib, i, dtype)).backward()
        opt.step()
    return params, opt


@pytest.mark.parametrize("kwargs", [
    dict(), dict(lr=0.05, beta2_decay=-0.5, eps=(1e-8, 1e-4), d=1.5, weight_decay=0.1),
    dict(maximize=True, eps=(None, 1e-2)),
])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_adafactor_matches_torch(kwargs, dtype):
    tp, topt = _train(torch, kwargs, dtype=dtype)
    jp, jopt = _train(jt, kwargs, dtype=dtype)
    tol = dict(rtol=RTOL, atol=ATOL) if dtype == "float32" else dict(rtol=1e-10, atol=1e-12)
    assert_params_match(jp, tp, **tol)
    assert_state_matches(jopt.state_dict(), topt.state_dict(), **tol)


def test_adafactor_3d_param_and_errors():
    w = np.sin(np.arange(24.0)).reshape(2, 3, 4)
    out = {}
    for lib in (torch, jt):
        p = lib.tensor(w, requires_grad=True)
        opt = lib.optim.Adafactor([p], lr=0.1)
        for i in range(3):
            opt.zero_grad()
            ((p * (i + 1)) ** 3).sum().backward()
            opt.step()
        out[lib] = (p, opt.state_dict())
    assert_params_match([out[jt][0]], [out[torch][0]], rtol=1e-10, atol=1e-12)
    assert_state_matches(out[jt][1], out[torch][1], rtol=1e-10, atol=1e-12)
    for kw in (dict(lr=-1), dict(beta2_decay=0.1), dict(eps=(-1, 1e-3)), dict(eps=(None, -1)), dict(d=0.5),
               dict(weight_decay=-1)):
        assert_same_error(lambda L: L.optim.Adafactor([L.ones(2, requires_grad=True)], **kw))
    assert_same_error(lambda L: _complex_step(L))
    assert repr(jt.optim.Adafactor([jt.ones(2, requires_grad=True)])) == repr(
        torch.optim.Adafactor([torch.ones(2, requires_grad=True)]))


def _complex_step(lib):
    p = lib.ones(2, dtype=lib.complex64, requires_grad=True)
    p.grad = lib.ones(2, dtype=lib.complex64)
    lib.optim.Adafactor([p]).step()


# ----------------------------------------------------------------- swa_utils
def _model(lib, bn=True):
    lib.manual_seed(0)
    layers = [lib.nn.Linear(3, 4)] + ([lib.nn.BatchNorm1d(4)] if bn else []) + [lib.nn.Linear(4, 2)]
    return lib.nn.Sequential(*layers)


def _copy(tm, jm):
    jm.load_state_dict({k: jt.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})


def _perturb(lib, model, i):
    with lib.no_grad():
        for k, p in enumerate(model.parameters()):
            p.mul_(0.9).add_(0.05 * (i + 1) * (k + 1))
        for b in model.buffers():
            if b.is_floating_point():
                b.add_(0.1 * i)


@pytest.mark.parametrize("mode", ["default", "ema_multi", "swa_multi", "ema_avg", "swa_avg", "custom"])
@pytest.mark.parametrize("use_buffers", [False, True])
def test_averaged_model(mode, use_buffers):
    # torch's swa average of an integer buffer (BatchNorm's num_batches_tracked) fails in addcdiv
    int_buffer_fails = use_buffers and mode == "swa_multi"
    if int_buffer_fails:
        def run(L):
            m = _model(L)
            avg = L.optim.swa_utils.AveragedModel(m, use_buffers=True,
                                                  multi_avg_fn=L.optim.swa_utils.get_swa_multi_avg_fn())
            avg.update_parameters(m)
            avg.update_parameters(m)
        assert_same_error(run)
    tm, jm = _model(torch, bn=not int_buffer_fails), _model(jt, bn=not int_buffer_fails)
    _copy(tm, jm)
    avgs = {}
    for lib, m in ((torch, tm), (jt, jm)):
        su = lib.optim.swa_utils
        kw = {"default": {}, "ema_multi": dict(multi_avg_fn=su.get_ema_multi_avg_fn(0.8)),
              "swa_multi": dict(multi_avg_fn=su.get_swa_multi_avg_fn()), "ema_avg": dict(avg_fn=su.get_ema_avg_fn(0.7)),
              "swa_avg": dict(avg_fn=su.get_swa_avg_fn()),
              "custom": dict(avg_fn=lambda a, c, n: 0.3 * a + 0.7 * c + 0.01 * n)}[mode]
        avg = su.AveragedModel(m, use_buffers=use_buffers, **kw)
        for i in range(4):
            _perturb(lib, m, i)
            avg.update_parameters(m)
        avgs[lib] = avg
    ts, js = avgs[torch].state_dict(), avgs[jt].state_dict()
    assert list(js) == list(ts)
    for k in ts:
        assert str(js[k].dtype) == str(ts[k].dtype), k
        np.testing.assert_allclose(np_(js[k]), np_(ts[k]), rtol=RTOL, atol=ATOL, err_msg=k)
    assert int(avgs[jt].n_averaged) == 4
    x = np.linspace(-1, 1, 6).reshape(2, 3)
    avgs[torch].eval(), avgs[jt].eval()
    np.testing.assert_allclose(np_(avgs[jt](jt.tensor(x, dtype=jt.float32))),
                               np_(avgs[torch](torch.tensor(x, dtype=torch.float32))), rtol=RTOL, atol=ATOL)


def test_swa_errors():
    for lib in (torch, jt):
        su = lib.optim.swa_utils
        with pytest.raises(ValueError, match=r"Invalid decay value 1.5 provided"):
            su.get_ema_avg_fn(1.5)
        with pytest.raises(ValueError, match=r"Invalid decay value -0.1 provided"):
            su.get_ema_multi_avg_fn(-0.1)
        with pytest.raises(AssertionError, match="Only one of avg_fn and multi_avg_fn"):
            su.AveragedModel(lib.nn.Linear(2, 2), avg_fn=su.get_swa_avg_fn(), multi_avg_fn=su.get_swa_multi_avg_fn())
    assert_same_error(lambda L: L.optim.swa_utils.SWALR(L.optim.SGD([L.ones(1, requires_grad=True)], lr=1), 0.1,
                                                        anneal_strategy="exp"))
    assert_same_error(lambda L: L.optim.swa_utils.SWALR(L.optim.SGD([L.ones(1, requires_grad=True)], lr=1), 0.1,
                                                        anneal_epochs=-1))


@pytest.mark.parametrize("strategy", ["cos", "linear"])
@pytest.mark.parametrize("anneal_epochs", [0, 3])
def test_swalr(strategy, anneal_epochs):
    lrs = {}
    for lib in (torch, jt):
        p = lib.ones(1, requires_grad=True)
        q = lib.ones(1, requires_grad=True)
        opt = lib.optim.SGD([dict(params=[p]), dict(params=[q], lr=0.5)], lr=1.0)
        sched = lib.optim.swa_utils.SWALR(opt, swa_lr=[0.05, 0.2], anneal_epochs=anneal_epochs,
                                          anneal_strategy=strategy)
        seen = [sched.get_last_lr()]
        for _ in range(6):
            opt.step()
            sched.step()
            seen.append(sched.get_last_lr())
        sd = {k: v for k, v in sched.state_dict().items() if k != "_get_lr_called_within_step"}
        lrs[lib] = (seen, [g["swa_lr"] for g in opt.param_groups], sd)
    np.testing.assert_allclose(np.array(lrs[jt][0]), np.array(lrs[torch][0]), rtol=1e-12)
    assert lrs[jt][1] == lrs[torch][1]
    assert set(lrs[jt][2]) >= {"anneal_epochs", "_anneal_strategy", "base_lrs", "last_epoch", "_step_count"}
    for k in ("anneal_epochs", "_anneal_strategy", "base_lrs", "last_epoch", "_step_count"):
        assert lrs[jt][2][k] == lrs[torch][2][k], k


def test_update_bn():
    tm, jm = _model(torch), _model(jt)
    _copy(tm, jm)
    data = [np.linspace(-1, 1, 12).reshape(4, 3) * (i + 1) for i in range(3)]
    for lib, m in ((torch, tm), (jt, jm)):
        m.eval()
        loader = [(lib.tensor(d, dtype=lib.float32), 0) for d in data]
        lib.optim.swa_utils.update_bn(loader, m)
        assert not m.training and m[1].momentum == 0.1
    for k, v in tm.state_dict().items():
        np.testing.assert_allclose(np_(jm.state_dict()[k]), np_(v), rtol=RTOL, atol=ATOL, err_msg=k)


# ----------------------------------------------------------------- anomaly mode
def _nan_backward(lib):
    x = lib.tensor([0.0, 1.0], requires_grad=True)
    (lib.sqrt(x) * 0).sum().backward()
    return x.grad


def test_detect_anomaly_nan():
    for lib in (torch, jt):
        assert not lib.is_anomaly_enabled()
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            ctx = lib.autograd.detect_anomaly()
        assert [str(x.message) for x in w] == ["Anomaly Detection has been enabled. This mode will increase the "
                                               "runtime and should only be enabled for debugging."]
        with ctx:
            assert lib.is_anomaly_enabled() and lib.autograd.anomaly_mode.detect_anomaly is type(ctx)
            with pytest.raises(RuntimeError, match=r"^Function 'SqrtBackward0' returned nan values in its 0th "
                                                   r"output\.$"):
                _nan_backward(lib)
        assert not lib.is_anomaly_enabled()
        g = _nan_backward(lib)  # off again: NaN gradients pass
        assert np.isnan(np_(g)[0])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with lib.autograd.detect_anomaly(check_nan=False):
                assert not lib.is_anomaly_check_nan_enabled()
                _nan_backward(lib)
        assert lib.is_anomaly_check_nan_enabled()


def test_set_detect_anomaly():
    for lib in (torch, jt):
        lib.autograd.set_detect_anomaly(True)
        try:
            assert lib.is_anomaly_enabled()
            with pytest.raises(RuntimeError, match="Function 'MulBackward0' returned nan values in its 1th output."):
                x = lib.tensor([float("nan")], requires_grad=True)
                y = lib.tensor([1.0], requires_grad=True)
                (x * y).sum().backward()
        finally:
            lib.autograd.set_detect_anomaly(False)
        assert not lib.is_anomaly_enabled()
        with lib.autograd.set_detect_anomaly(True, check_nan=False):
            assert lib.is_anomaly_enabled() and not lib.is_anomaly_check_nan_enabled()
        assert not lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled()
        assert sorted(lib.autograd.anomaly_mode.__all__) == ["detect_anomaly", "set_detect_anomaly"]


# ----------------------------------------------------------------- DistributedSampler
@given(n=st.integers(1, 13), replicas=st.integers(1, 4), drop_last=st.booleans())
@settings(max_examples=25, deadline=None)
def test_distributed_sampler_unshuffled(n, replicas, drop_last):
    for rank in range(replicas):
        t = torch.utils.data.DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        j = jt.utils.data.DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        assert list(j) == list(t) and len(j) == len(t)
        assert (j.num_samples, j.total_size) == (t.num_samples, t.total_size)


def test_distributed_sampler_shuffle_and_errors():
    n, r = 10, 3
    parts = [list(jt.utils.data.DistributedSampler(range(n), r, k, seed=7)) for k in range(r)]
    flat = sum(parts, [])
    assert sorted(set(flat)) == list(range(n)) and len(flat) == 12  # every index, padded to 12
    s = jt.utils.data.DistributedSampler(range(n), r, 0, seed=7)
    assert list(s) == parts[0] and list(s) == parts[0]  # deterministic per seed + epoch
    epochs = []
    for e in range(4):
        s.set_epoch(e)
        epochs.append(list(s))
    assert len({tuple(x) for x in epochs}) > 1 and s.epoch == 3
    dropped = sum((list(jt.utils.data.DistributedSampler(range(n), r, k, drop_last=True)) for k in range(r)), [])
    assert len(dropped) == 9 == len(set(dropped))
    assert_same_error(lambda L: L.utils.data.DistributedSampler(range(5)))
    assert_same_error(lambda L: L.utils.data.DistributedSampler(range(5), num_replicas=2))
    assert_same_error(lambda L: L.utils.data.DistributedSampler(range(5), num_replicas=2, rank=2))
    assert_same_error(lambda L: L.utils.data.DistributedSampler(range(5), num_replicas=2, rank=-1))
    loader = jt.utils.data.DataLoader(list(range(8)), batch_size=2,
                                      sampler=jt.utils.data.DistributedSampler(range(8), 2, 1, shuffle=False))
    assert [b.tolist() for b in loader] == [[1, 3], [5, 7]]


def test_ldl_solve_int64_pivots_and_grad_fn():
    a = _sym(3)
    b = np.ones((3, 1))
    out = []
    for lib in (torch, jt):
        LD, piv = lib.linalg.ldl_factor(lib.tensor(a))
        LD.requires_grad_()
        x = lib.linalg.ldl_solve(LD, piv.long(), lib.tensor(b))
        assert type(x.grad_fn).__name__ == "NotImplemented"
        out.append(np_(x))
    np.testing.assert_allclose(out[1], out[0], rtol=1e-10)


# ---------------------------------------------------------------- put, adjoint
PUT_CASES = {
    "wraps_negative": lambda m: m.put(m.arange(6.).view(2, 3), m.tensor([0, -1]), m.tensor([9., 8.])),
    "accumulates": lambda m: m.put(m.arange(6.).view(2, 3), m.tensor([0, 0]), m.tensor([9., 8.]), accumulate=True),
    "index_too_big": lambda m: m.put(m.arange(6.), m.tensor([6]), m.tensor([9.])),
    "index_too_small": lambda m: m.put(m.arange(6.), m.tensor([-7]), m.tensor([9.])),
    "counts_differ": lambda m: m.put(m.arange(6.), m.tensor([0, 1]), m.tensor([9.])),
    "int_index": lambda m: m.put(m.arange(6.), m.tensor([0, 1], dtype=m.int32), m.tensor([9., 1.])),
    "dtypes_differ": lambda m: m.put(m.arange(6.), m.tensor([0, 1]), m.tensor([9, 1])),
    "index_of_any_shape": lambda m: m.put(m.arange(6.), m.tensor([[0], [1]]), m.tensor([9., 1.])),
    "into_empty": lambda m: m.put(m.zeros(0), m.tensor([0]), m.tensor([1.])),
    "empty_into_empty": lambda m: m.put(m.zeros(0), m.tensor([], dtype=m.long), m.tensor([])),
    "zero_dim": lambda m: m.put(m.tensor(5.), m.tensor(0), m.tensor(1.)),
    "row_major_order_of_a_view": lambda m: m.arange(6.).view(2, 3).t().put(m.tensor([1]), m.tensor([7.])),
    "in_place_through_a_view": lambda m: (lambda x: (x.t().put_(m.tensor([1, 4]), m.tensor([7., 8.])), x)[1])(
        m.arange(6.).view(2, 3)),
}


@pytest.mark.parametrize("case", sorted(PUT_CASES))
def test_put_matches_torch(case):
    t, j = both(PUT_CASES[case])
    assert t == j
    if t is None:
        expected, actual = PUT_CASES[case](torch), PUT_CASES[case](jt)
        assert str(actual.dtype) == str(expected.dtype) and actual.shape == expected.shape
        np.testing.assert_array_equal(np_(actual), np_(expected))


@pytest.mark.parametrize("accumulate", [False, True])
def test_put_gradients(accumulate):
    grads = []
    for m in (torch, jt):
        x = m.tensor([1., 2., 3., 4.], requires_grad=True)
        s = m.tensor([5., 6.], requires_grad=True)
        out = m.put(x * 1, m.tensor([0, 2]), s * 2, accumulate=accumulate)
        (out * m.arange(4.)).sum().backward()
        grads.append((out.grad_fn.name(), np_(x.grad).tolist(), np_(s.grad).tolist()))
    assert grads[0] == grads[1]


@pytest.mark.parametrize("dtype", ["float32", "complex64"])
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (4, 2, 3), (0, 2)])
def test_adjoint_is_a_conjugate_transpose_view(dtype, shape):
    results = []
    for m in (torch, jt):
        x = m.arange(float(math.prod(shape))).reshape(shape).to(getattr(m, dtype))
        if dtype == "complex64":
            x = x * (1 + 2j)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # (0-d: see test_zero_dim_transposes_warn_once_as_torch)
                for a in (x.adjoint(), m.adjoint(x)):
                    results.append((str(a.dtype), tuple(a.shape), a.is_conj(), a._base is x or a._base is x._base,
                                    np_(a).tolist()))
        except RuntimeError as e:
            results.append(str(e))
    half = len(results) // 2
    assert results[:half] == results[half:]


def test_zero_dim_transposes_warn_once_as_torch():
    """torch warns once per process (TORCH_WARN_ONCE) for T, mT, mH, H and adjoint() of a 0-d
    tensor and for T of a tensor with other than 2 dims: compared in fresh interpreters."""
    import subprocess
    import sys

    script = """
import sys, warnings
import {lib} as m
x, y = m.tensor(1.0 + 1.0j), m.ones(2, 3, 4)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    for _ in range(2):
        x.T, x.mT, x.mH, x.H, x.adjoint(), m.adjoint(x), y.T
print(repr([str(w.message) for w in caught]))
"""
    outputs = [subprocess.run([sys.executable, "-c", script.format(lib=lib)], capture_output=True, text=True,
                              check=True).stdout for lib in ("torch", "jtorch")]
    assert outputs[0] == outputs[1] and outputs[0].count("deprecated") == 6


# ---------------------------------------------------------------- gradient
def _gradient_outcome(lib, data, dtype, spacing, dim, edge_order, grad):
    x = lib.tensor(data, dtype=getattr(lib, dtype), requires_grad=grad)
    if isinstance(spacing, list) and spacing and isinstance(spacing[0], np.ndarray):
        spacing = [lib.tensor(s) for s in spacing]
    try:
        parts = lib.gradient(x, spacing=spacing, dim=dim, edge_order=edge_order)
    except (RuntimeError, IndexError) as e:
        return type(e).__name__, str(e)
    out = [(str(p.dtype), tuple(p.shape), np_(p).tolist()) for p in parts]
    if grad and parts:
        sum(p.sum() for p in parts).backward()
        out.append(np_(x.grad).tolist())
    return type(parts).__name__, out


@settings(max_examples=30, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=0, max_size=3), dtype=st.sampled_from(["float32", "float64",
       "int64", "complex64"]), kind=st.sampled_from(["default", "scalar", "scalars", "coordinates"]),
       pick_dims=st.booleans(), edge_order=st.sampled_from([1, 2, 3]), seed=st.integers(0, 2**16))
def test_gradient_matches_torch(shape, dtype, kind, pick_dims, edge_order, seed):
    rng = np.random.default_rng(seed)
    data = rng.integers(-5, 6, size=shape).astype(np.float64)
    if dtype == "complex64":
        data = data + 1j * rng.integers(-5, 6, size=shape)
    dims = sorted(rng.choice(len(shape), size=rng.integers(1, len(shape) + 1), replace=False).tolist()) \
        if pick_dims and shape else None
    count = len(dims) if dims is not None else len(shape)
    spacing = {"default": 1, "scalar": float(rng.choice([0.5, 2.0, -3.0])),
               "scalars": [float(v) for v in rng.choice([0.5, 2.0, -3.0], size=count)],
               "coordinates": [np.cumsum(rng.uniform(0.25, 2.0, size=shape[d])) for d in (dims or range(len(shape)))]
               }[kind]
    grad = dtype in ("float32", "float64")
    expected = _gradient_outcome(torch, data, dtype, spacing, dims, edge_order, grad)
    actual = _gradient_outcome(jt, data, dtype, spacing, dims, edge_order, grad)
    if expected[0] in ("RuntimeError", "IndexError"):
        assert actual == expected
        return
    assert actual[0] == expected[0] and len(actual[1]) == len(expected[1])
    for a, e in zip(actual[1], expected[1]):
        if isinstance(e, tuple):
            assert a[:2] == e[:2]
            np.testing.assert_allclose(np.array(a[2]), np.array(e[2]), rtol=1e-6, atol=1e-6)
        else:
            np.testing.assert_allclose(np.array(a), np.array(e), rtol=1e-6, atol=1e-6)


GRADIENT_ERRORS = {
    "repeated_dim": lambda m: m.gradient(m.ones(2, 3), dim=(0, 0)),
    "dim_out_of_range": lambda m: m.gradient(m.ones(2, 3), dim=2),
    "two_dim_coordinates": lambda m: m.gradient(m.ones(3), spacing=(m.ones(3, 1),)),
    "zero_dim_coordinates": lambda m: m.gradient(m.ones(3), spacing=[m.tensor(2.)]),
    "too_many_spacings": lambda m: m.gradient(m.ones(3), spacing=[1, 2]),
    "spacings_and_dims_differ": lambda m: m.gradient(m.ones(3, 2), spacing=[1, 2], dim=-1),
    "bool_input": lambda m: m.gradient(m.tensor([True, False, True])),
    "edge_order_3": lambda m: m.gradient(m.ones(4), edge_order=3),
}


@pytest.mark.parametrize("case", sorted(GRADIENT_ERRORS))
def test_gradient_errors(case):
    t, j = both(GRADIENT_ERRORS[case])
    assert t is not None and t == j


# ---------------------------------------------------------------- is_signed, new_empty_strided, empty_permuted
LAYOUT_CASES = {
    "is_signed_uint8": lambda m: m.is_signed(m.ones(2, dtype=m.uint8)),
    "is_signed_float": lambda m: m.is_signed(m.ones(2)),
    "is_signed_not_a_tensor": lambda m: m.is_signed(3),
    "is_floating_point_not_a_tensor": lambda m: m.is_floating_point(3),
    "is_complex_not_a_tensor": lambda m: m.is_complex([1.0]),
    "numel_not_a_tensor": lambda m: m.numel(3.5),
    "numel": lambda m: m.numel(m.ones(2, 3)) == 6,
    "new_empty_strided": lambda m: m.ones(2, 3, dtype=m.float64).new_empty_strided((2, 3), (1, 2)),
    "new_empty_strided_dtype_grad": lambda m: m.ones(2, 3, dtype=m.float64).new_empty_strided(
        (2, 3), (1, 2), dtype=m.float32, requires_grad=True),
    "new_empty_strided_contiguous": lambda m: m.ones(2, 3, dtype=m.float64).new_empty_strided((2, 3), (3, 1)),
    "new_empty_strided_mismatch": lambda m: m.ones(2, 3).new_empty_strided((2, 3), (3,)),
    "empty_permuted": lambda m: m.empty_permuted((2, 3, 4), (0, 2, 1)),
    "empty_permuted_dtype": lambda m: m.empty_permuted((2, 3, 4), (2, 0, 1), dtype=m.int64),
    "empty_permuted_empty": lambda m: m.empty_permuted((2, 0, 4), (2, 0, 1)),
    "empty_permuted_0d": lambda m: m.empty_permuted((), ()),
    "empty_permuted_lists_grad": lambda m: m.empty_permuted([2, 3], [1, 0], requires_grad=True),
    "empty_permuted_duplicate": lambda m: m.empty_permuted((2, 3), (0, 0)),
    "empty_permuted_short_layout": lambda m: m.empty_permuted((2, 3), (0,)),
    "empty_permuted_dim_too_big": lambda m: m.empty_permuted((2, 3), (0, 2)),
    "empty_permuted_negative_dim": lambda m: m.empty_permuted((2, 3), (0, -1)),
}


def _layout_summary(lib, fn):
    try:
        r = fn(lib)
    except Exception as e:  # noqa: BLE001 - the exception is the outcome compared
        return type(e).__name__, str(e)
    if isinstance(r, bool):
        return r
    return tuple(r.shape), r.stride(), str(r.dtype), r.requires_grad, r.is_contiguous(), str(r.device)


@pytest.mark.parametrize("case", sorted(LAYOUT_CASES))
def test_layout_constructors_match_torch(case):
    assert _layout_summary(jt, LAYOUT_CASES[case]) == _layout_summary(torch, LAYOUT_CASES[case])


# ---------------------------------------------------------------- histogram
_X = [1., 2, 1, 4, 2.5, 0]
HISTOGRAM_CASES = {
    "int_bins": lambda m: m.histogram(m.tensor(_X), 4),
    "range": lambda m: m.histogram(m.tensor(_X), bins=3, range=(0., 3.)),
    "edges": lambda m: m.histogram(m.tensor(_X), bins=m.tensor([0., 1, 2.5, 5])),
    "weighted_density": lambda m: m.histogram(m.tensor(_X), bins=3, weight=m.ones(6) * 2, density=True),
    "density": lambda m: m.histogram(m.tensor(_X), bins=3, density=True),
    "one_value": lambda m: m.histogram(m.tensor([3., 3.]), 2),
    "empty": lambda m: m.histogram(m.tensor([]), 2),
    "empty_with_range": lambda m: m.histogram(m.tensor([]), 2, range=(1., 3.)),
    "empty_range": lambda m: m.histogram(m.tensor([1., 2]), 2, range=(2., 2.)),
    "ints": lambda m: m.histogram(m.tensor([1, 2]), 2),
    "half": lambda m: m.histogram(m.tensor([1., 2.], dtype=m.float16), 2),
    "zero_bins": lambda m: m.histogram(m.tensor(_X), 0),
    "edges_of_another_dtype": lambda m: m.histogram(m.tensor(_X), bins=m.tensor([0., 1, 5], dtype=m.float64)),
    "nan_in_data": lambda m: m.histogram(m.tensor([1., float("nan"), 2]), 2),
    "nan_with_range": lambda m: m.histogram(m.tensor([1., float("nan"), 2]), 2, range=(0., 3.)),
    "inf_in_data": lambda m: m.histogram(m.tensor([1., float("inf"), 2]), 2),
    "reversed_range": lambda m: m.histogram(m.tensor(_X), 3, range=(3., 1.)),
    "method_on_a_matrix": lambda m: m.tensor(_X).view(2, 3).histogram(2),
    "weight_of_another_shape": lambda m: m.histogram(m.tensor(_X), 2, weight=m.ones(5)),
    "weight_of_another_dtype": lambda m: m.histogram(m.tensor(_X), 2, weight=m.ones(6, dtype=m.int64)),
    "double": lambda m: m.histogram(m.tensor(_X, dtype=m.float64), 3),
    "float_edges": lambda m: m.histogram(m.tensor([0.1, 0.2, 0.3, 0.7]), 3, range=(0.1, 0.7)),
    "matrix_edges_weights": lambda m: m.histogram(m.tensor([[1., 2.], [3., 4]]), m.tensor([0., 2, 5]),
                                                  weight=m.tensor([[1., 2], [3, 4]])),
    "two_dim_edges": lambda m: m.histogram(m.tensor([1., 2.]), m.tensor([[0., 2, 5]])),
    "one_edge": lambda m: m.histogram(m.tensor([1., 2.]), m.tensor([0.])),
    "requires_grad": lambda m: m.histogram(m.tensor([1., 2.], requires_grad=True), 2),
    "many_weighted": lambda m: m.histogram(m.linspace(-3, 3, 1000) ** 3, 17, range=(-20., 25.5),
                                           weight=m.linspace(0, 1, 1000)),
    "backward": lambda m: m.histogram(m.tensor([1., 2.], requires_grad=True), 2).hist.sum().backward(),
}


def _histogram_outcome(lib, fn):
    try:
        r = fn(lib)
    except Exception as e:  # noqa: BLE001 - the exception is the outcome compared
        return type(e).__name__, str(e)
    if r is None:
        return None
    return type(r).__name__, [(str(t.dtype), tuple(t.shape), t.requires_grad, np_(t)) for t in r]


@pytest.mark.parametrize("case", sorted(HISTOGRAM_CASES))
def test_histogram_matches_torch(case):
    expected, actual = (_histogram_outcome(lib, HISTOGRAM_CASES[case]) for lib in (torch, jt))
    if expected is None or isinstance(expected[1], str):
        assert actual == expected
        return
    assert actual[0] == expected[0] and [a[:3] for a in actual[1]] == [e[:3] for e in expected[1]]
    for a, e in zip(actual[1], expected[1]):  # (weighted sums: torch may add in another order)
        np.testing.assert_allclose(a[3], e[3], rtol=1e-6)


# ---------------------------------------------------------------- unsafe_split, unsafe_chunk, unsafe_split_with_sizes
def _pieces(pieces):
    return [(np_(t).tolist(), t._version, t._base is None, t.requires_grad,
             None if t.grad_fn is None else t.grad_fn.name(), t.stride(), t.storage_offset()) for t in pieces]


def _unsafe_sharing(m):
    x = m.ones(4)
    p = x.unsafe_split(2)
    p[0].add_(1)
    first = (np_(x).tolist(), x._version, p[0]._version, p[1]._version)
    x.add_(1)
    return first, (np_(x).tolist(), x._version, p[0]._version, np_(p[0]).tolist())


def _unsafe_grads(m):
    y = m.ones(4, requires_grad=True)
    q = (y * 1).unsafe_split(2)
    names = [e.grad_fn.name() for e in q]
    q[0].mul_(3)
    (q[0].sum() + q[1].sum() * 2).backward()
    return names, q[0].grad_fn.name(), np_(y.grad).tolist()


def _unsafe_sizes_grads(m):
    y = m.ones(2, 3, requires_grad=True)
    q = (y * 1).unsafe_split_with_sizes([1, 2], dim=1)
    (q[0].sum() * 5 + q[1].sum()).backward()
    return [e.grad_fn.name() for e in q], np_(y.grad).tolist()


def _unsafe_under_no_grad(m):
    y = m.ones(4, requires_grad=True) * 1
    with m.no_grad():
        q = y.unsafe_split(2)
    q[0].add_(1)
    return _pieces(q), np_(y).tolist()


UNSAFE_CASES = {
    "split": lambda m: _pieces(m.unsafe_split(m.arange(4.), 2)),
    "split_list": lambda m: m.unsafe_split(m.arange(4.), [1, 3]),
    "sizes_int": lambda m: m.unsafe_split_with_sizes(m.arange(4.), 2),
    "sizes": lambda m: _pieces(m.unsafe_split_with_sizes(m.arange(4.), [1, 3])),
    "method_dim": lambda m: _pieces(m.arange(4.).unsafe_split(2, dim=0)),
    "chunk": lambda m: _pieces(m.arange(4.).unsafe_chunk(3)),
    "zero_dim": lambda m: m.unsafe_split(m.tensor(1.), 1),
    "negative_size": lambda m: m.unsafe_split(m.arange(4.), -1),
    "matrix_columns": lambda m: _pieces(m.arange(6.).view(2, 3).unsafe_split(1, dim=1)),
    "memory_shared_versions_apart": _unsafe_sharing,
    "gradients": _unsafe_grads,
    "gradients_by_sizes": _unsafe_sizes_grads,
    "made_under_no_grad": _unsafe_under_no_grad,
}


@pytest.mark.parametrize("case", sorted(UNSAFE_CASES))
def test_unsafe_splits_match_torch(case):
    outcomes = []
    for lib in (torch, jt):
        try:
            outcomes.append(UNSAFE_CASES[case](lib))
        except Exception as e:  # noqa: BLE001 - the exception is the outcome compared
            outcomes.append((type(e).__name__, str(e)))
    assert outcomes[1] == outcomes[0]


# ---------------------------------------------------------------- torch.lu (deprecated)
LU_CASES = {
    "plain": lambda m: m.lu(m.tensor([[4., 3], [6, 3]])),
    "method": lambda m: m.tensor([[4., 3], [6, 3]]).lu(),
    "method_infos": lambda m: m.tensor([[4., 3], [6, 3]]).lu(get_infos=True),
    "singular_unchecked": lambda m: m.lu(m.zeros(2, 2)),
    "singular_infos": lambda m: m.lu(m.zeros(2, 2), get_infos=True),
    "wide": lambda m: m.lu(m.ones(2, 3)),
    "batch_infos": lambda m: m.lu(m.ones(2, 2, 2), get_infos=True),
    "double": lambda m: m.lu(m.tensor([[1., 2, 3], [4, 5, 6], [7, 8, 10]], dtype=m.float64)),
    "no_pivot": lambda m: m.lu(m.tensor([[4., 3], [6, 3]]), pivot=False),
    "vector": lambda m: m.lu(m.ones(3)),
    "ints": lambda m: m.lu(m.ones(2, 3, dtype=m.int64)),
}


@pytest.mark.parametrize("case", sorted(LU_CASES))
def test_lu_matches_torch(case):
    outcomes = []
    for lib in (torch, jt):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (deprecated: warned once per process, see below)
            try:
                r = LU_CASES[case](lib)
                outcomes.append((type(r).__name__, [(str(t.dtype), tuple(t.shape), np_(t)) for t in r]))
            except Exception as e:  # noqa: BLE001 - the exception is the outcome compared
                outcomes.append((type(e).__name__, str(e)))
    expected, actual = outcomes
    if isinstance(expected[1], str):
        assert actual == expected
        return
    assert actual[0] == expected[0] and [a[:2] for a in actual[1]] == [e[:2] for e in expected[1]]
    for a, e in zip(actual[1], expected[1]):  # (LU factors: LAPACK's and XLA's last bits differ)
        np.testing.assert_allclose(a[2], e[2], rtol=1e-6, atol=1e-6)


def test_lu_warns_once_as_torch():
    import subprocess
    import sys

    script = """
import warnings
import {lib} as m
a = m.tensor([[4., 3], [6, 3]])
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    m.lu(a), m.lu(a, get_infos=True), a.lu()
print(repr([str(w.message) for w in caught]))
"""
    outputs = [subprocess.run([sys.executable, "-c", script.format(lib=lib)], capture_output=True, text=True,
                              check=True).stdout for lib in ("torch", "jtorch")]
    assert outputs[0] == outputs[1] and outputs[0].count("torch.lu is deprecated") == 1


# ----------------------------------------------------------------- removed linear-algebra names
@pytest.mark.parametrize("call", [
    lambda L: L.eig(L.ones(2, 2)), lambda L: L.eig(L.ones(2, 2), True), lambda L: L.symeig(L.ones(2, 2), True),
    lambda L: L.solve(L.ones(2, 2), L.ones(2, 2)), lambda L: L.lstsq(L.ones(2, 2), L.ones(2, 2)),
    lambda L: L.matrix_rank(L.ones(2, 2)), lambda L: L.matrix_rank(L.ones(2, 2), symmetric=True),
    lambda L: L.ones(2, 2).eig(), lambda L: L.ones(2, 2).symeig(eigenvectors=True),
    lambda L: L.ones(2, 2).solve(L.ones(2, 2)), lambda L: L.ones(2, 2).lstsq(L.ones(2, 2)),
])
def test_removed_linalg_functions_raise_as_torch(call):
    assert_same_error(call)


# ----------------------------------------------------------------- nonzero_static
@given(shape=st.lists(st.integers(0, 3), max_size=3), data=st.data(), size=st.integers(0, 6),
       fill=st.sampled_from([-1, 0, 7]), dtype=st.sampled_from(["bool", "int64", "float32"]))
def test_nonzero_static(shape, data, size, fill, dtype):
    values = np.array(data.draw(st.lists(st.integers(0, 1), min_size=int(np.prod(shape)),
                                         max_size=int(np.prod(shape))))).reshape(shape)
    results = []
    for lib in (torch, jt):
        x = lib.tensor(values, dtype=getattr(lib, dtype))
        for r in (lib.nonzero_static(x, size=size, fill_value=fill), x.nonzero_static(size=size, fill_value=fill)):
            results.append((r.tolist(), tuple(r.shape), str(r.dtype)))
    assert results[2:] == results[:2]


@pytest.mark.parametrize("call", [
    lambda L: L.nonzero_static(L.ones(2), size=-1), lambda L: L.nonzero_static(L.ones(2), 2),
    lambda L: L.nonzero_static(L.ones(2)), lambda L: L.ones(2).nonzero_static(), lambda L: L.ones(2).nonzero_static(2),
    lambda L: L.nonzero_static(L.ones(2), size=1.5),
])
def test_nonzero_static_errors(call):
    assert_same_error(call)


# ----------------------------------------------------------------- Tensor.set_
SET_CASES = {
    "tensor": lambda L, s: L.zeros(2, 3).set_(s),
    "transposed": lambda L, s: L.zeros(2).set_(s.t()),
    "row_view": lambda L, s: L.zeros(1).set_(s[1]),
    "empty": lambda L, s: L.ones(3).set_(),
    "storage": lambda L, s: L.zeros(1).set_(s.untyped_storage()),
    "storage_window": lambda L, s: L.zeros(1).set_(s.untyped_storage(), 1, (2, 2), (1, 2)),
    "tensor_window": lambda L, s: L.zeros(1).set_(s, 2, (2,)),
}


@pytest.mark.parametrize("case", sorted(SET_CASES))
def test_set_shares_memory_as_torch(case):
    results = []
    for lib in (torch, jt):
        source = lib.arange(6.0).view(3, 2)
        t = SET_CASES[case](lib, source)
        state = [t.tolist(), tuple(t.shape), t.stride(), t.storage_offset()]
        source.add_(10)  # writes through the source show in t, and writes to t in the source
        state.append(t.tolist())
        if t.numel():
            t.mul_(-1)
        state.append(source.tolist())
        results.append(state)
    assert results[1] == results[0]


@pytest.mark.parametrize("call", [
    lambda L: L.ones(2).set_(L.ones(2, dtype=L.int16)), lambda L: L.ones(2, dtype=L.int64).set_(L.ones(2)),
    lambda L: L.ones(2).set_(L.ones(2, dtype=L.complex128)), lambda L: L.ones(2, requires_grad=True).set_(L.ones(2)),
])
def test_set_errors(call):
    assert_same_error(call)
