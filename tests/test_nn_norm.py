"""Normalization, dropout and embedding ops and modules against real torch: values,
running statistics, input and parameter gradients, grad_fn names, reprs, train/eval
behaviour and torch's exceptions. Dropout masks come from jtorch's generator, so dropout
is tested by its statistics and structure rather than by value."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings, strategies as st

import jtorch as jt
import jtorch.nn.functional as JF

TOL = {"float32": (1e-5, 1e-6), "float64": (1e-10, 1e-12)}
GRAD_TOL = {"float32": (1e-4, 1e-5), "float64": (1e-9, 1e-11)}


def pair(values, dtype=None, requires_grad=False):
    values = np.asarray(values)
    t, j = torch.tensor(values), jt.tensor(values)
    if dtype is not None:
        t, j = t.to(getattr(torch, dtype)), j.to(getattr(jt, dtype))
    if requires_grad:
        t.requires_grad_(True)
        j.requires_grad_(True)
    return t, j


def as_np(x):
    x = x.detach()
    if x.dtype in (torch.bfloat16, jt.bfloat16):
        x = x.float()
    return x.numpy()


def close(j, t, tol=(1e-5, 1e-6), what=""):
    assert tuple(j.shape) == tuple(t.shape), what
    assert str(j.dtype) == str(t.dtype), what
    np.testing.assert_allclose(as_np(j), as_np(t), rtol=tol[0], atol=tol[1], err_msg=what)


def grad_name(x):
    return type(x.grad_fn).__name__


def backward_both(t_out, j_out, seed=0):
    g = np.random.default_rng(seed + 7919).standard_normal(tuple(t_out.shape)).astype(str(t_out.dtype)[6:])
    t_out.backward(torch.tensor(g))
    j_out.backward(jt.tensor(g))


def check_grads(pairs, dtype, what=""):
    for t, j in pairs:
        if t is None:
            continue
        assert (j.grad is None) == (t.grad is None), what
        if t.grad is not None:
            close(j.grad, t.grad, GRAD_TOL[dtype], what)


def rand(shape, seed, dtype="float32", scale=1.0, shift=0.0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale + shift).astype(dtype)


# ---------------------------------------------------------------- batch norm
@settings(max_examples=6)
@given(n=st.integers(2, 3), c=st.integers(1, 3), spatial=st.lists(st.integers(1, 3), max_size=2),
       affine=st.sampled_from(["none", "w", "wb"]), momentum=st.sampled_from([0.1, 0.5, 1.0]),
       eps=st.sampled_from([1e-5, 1e-2]), dtype=st.sampled_from(["float32", "float64"]), seed=st.integers(0, 999))
def test_batch_norm_train_eval_running_stats(n, c, spatial, affine, momentum, eps, dtype, seed):
    shape = (n, c) + tuple(spatial)
    if n * int(np.prod(spatial)) < 3:
        shape = shape + (2,)  # two values per channel: the gradient is rounding noise (it is zero but for eps)
    tw, jw = pair(rand(c, seed + 1, dtype), requires_grad=True) if affine != "none" else (None, None)
    tb, jb = pair(rand(c, seed + 2, dtype), requires_grad=True) if affine == "wb" else (None, None)
    trm, jrm = pair(rand(c, seed + 3, dtype))
    trv, jrv = pair(np.abs(rand(c, seed + 4, dtype)) + 0.5)
    for step in range(3):
        tx, jx = pair(rand(shape, seed + 10 * step, dtype, scale=2.0, shift=step), requires_grad=True)
        to = TF.batch_norm(tx, trm, trv, tw, tb, training=True, momentum=momentum, eps=eps)
        jo = JF.batch_norm(jx, jrm, jrv, jw, jb, training=True, momentum=momentum, eps=eps)
        close(jo, to, TOL[dtype], "train output")
        close(jrm, trm, TOL[dtype], "running_mean")
        close(jrv, trv, TOL[dtype], "running_var")
    assert grad_name(jo) == grad_name(to) == "NativeBatchNormBackward0"
    backward_both(to, jo, seed)
    check_grads([(tx, jx), (tw, jw), (tb, jb)], dtype, "train grads")
    tx, jx = pair(rand(shape, seed + 7, dtype), requires_grad=True)
    to = TF.batch_norm(tx, trm, trv, tw, tb, training=False, eps=eps)
    jo = JF.batch_norm(jx, jrm, jrv, jw, jb, training=False, eps=eps)
    close(jo, to, TOL[dtype], "eval output")
    assert grad_name(jo) == grad_name(to)
    backward_both(to, jo, seed + 1)
    check_grads([(tx, jx), (tw, jw), (tb, jb)], dtype, "eval grads")


def test_batch_norm_without_running_stats_and_half_input():
    x = rand((4, 3, 2), 0)
    tx, jx = pair(x, requires_grad=True)
    close(JF.batch_norm(jx, None, None, training=True), TF.batch_norm(tx, None, None, training=True))
    # float16 input with float32 parameters and statistics ("mixed dtype")
    tx, jx = pair(x, "float16")
    tw, jw = pair(rand(3, 1))
    trm, jrm = pair(np.zeros(3, np.float32))
    trv, jrv = pair(np.ones(3, np.float32))
    to = TF.batch_norm(tx, trm, trv, tw, None, training=True)
    jo = JF.batch_norm(jx, jrm, jrv, jw, None, training=True)
    close(jo, to, (2e-3, 2e-3))
    close(jrm, trm)
    close(jrv, trv, (1e-4, 1e-5))


def test_batch_norm_empty_batch_keeps_stats():
    tx, jx = pair(np.zeros((0, 3), np.float32), requires_grad=True)
    trm, jrm = pair(np.ones(3, np.float32))
    trv, jrv = pair(np.ones(3, np.float32))
    tw, jw = pair(np.ones(3, np.float32), requires_grad=True)
    to = TF.batch_norm(tx, trm, trv, tw, None, training=True)
    jo = JF.batch_norm(jx, jrm, jrv, jw, None, training=True)
    close(jo, to)
    assert grad_name(jo) == grad_name(to)
    close(jrm, trm)


def test_batch_norm_updates_views_of_running_stats():
    base_t, base_j = pair(np.zeros(6, np.float32))
    trv, jrv = pair(np.ones(3, np.float32))
    tx, jx = pair(rand((4, 3), 3))
    TF.batch_norm(tx, base_t[::2], trv, training=True)
    JF.batch_norm(jx, base_j[::2], jrv, training=True)
    close(base_j, base_t)


# ---------------------------------------------------------------- layer / group norm
@settings(max_examples=6)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=4), k=st.integers(1, 3),
       affine=st.sampled_from(["none", "w", "wb", "b"]), eps=st.sampled_from([1e-5, 1e-3]),
       dtype=st.sampled_from(["float32", "float64"]), seed=st.integers(0, 999))
def test_layer_norm(shape, k, affine, eps, dtype, seed):
    k = min(k, len(shape))
    normalized = tuple(shape[len(shape) - k:])
    if int(np.prod(normalized)) < 3:
        # one or two elements per row: the output (one) or gradient (two) is rounding noise
        shape, normalized = shape[:len(shape) - k] + [3] + shape[len(shape) - k + 1:], (3,) + normalized[1:]
    tx, jx = pair(rand(shape, seed, dtype, scale=3.0, shift=1.0), requires_grad=True)
    tw, jw = pair(rand(normalized, seed + 1, dtype), requires_grad=True) if "w" in affine else (None, None)
    tb, jb = pair(rand(normalized, seed + 2, dtype), requires_grad=True) if "b" in affine else (None, None)
    to = TF.layer_norm(tx, normalized, tw, tb, eps)
    jo = JF.layer_norm(jx, list(normalized), jw, jb, eps)
    close(jo, to, TOL[dtype])
    assert grad_name(jo) == grad_name(to) == "NativeLayerNormBackward0"
    backward_both(to, jo, seed)
    check_grads([(tx, jx), (tw, jw), (tb, jb)], dtype)


@settings(max_examples=6)
@given(n=st.integers(1, 3), groups=st.integers(1, 3), per_group=st.integers(1, 2),
       spatial=st.lists(st.integers(1, 3), max_size=2), affine=st.sampled_from(["none", "w", "wb"]),
       dtype=st.sampled_from(["float32", "float64"]), seed=st.integers(0, 999))
def test_group_norm(n, groups, per_group, spatial, affine, dtype, seed):
    c = groups * per_group
    shape = (n, c) + tuple(spatial)
    if per_group * int(np.prod(spatial)) < 3:
        shape = shape + (3,)  # one or two elements per group: the output or gradient is rounding noise
    tx, jx = pair(rand(shape, seed, dtype, scale=2.0), requires_grad=True)
    tw, jw = pair(rand(c, seed + 1, dtype), requires_grad=True) if affine != "none" else (None, None)
    tb, jb = pair(rand(c, seed + 2, dtype), requires_grad=True) if affine == "wb" else (None, None)
    to = TF.group_norm(tx, groups, tw, tb)
    jo = JF.group_norm(jx, groups, jw, jb)
    close(jo, to, TOL[dtype])
    assert grad_name(jo) == grad_name(to) == "NativeGroupNormBackward0"
    backward_both(to, jo, seed)
    check_grads([(tx, jx), (tw, jw), (tb, jb)], dtype)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_layer_and_group_norm_half(dtype):
    x = rand((2, 4, 3), 5)
    tx, jx = pair(x, dtype)
    tw, jw = pair(rand(3, 1), dtype)
    tol = (1e-2, 1e-2)
    close(JF.layer_norm(jx, (3,), jw), TF.layer_norm(tx, (3,), tw), tol)
    tw32, jw32 = pair(rand(3, 1))  # float32 parameters with a half input
    close(JF.layer_norm(jx, (3,), jw32), TF.layer_norm(tx, (3,), tw32), tol)
    close(JF.group_norm(jx, 2), TF.group_norm(tx, 2), tol)


# ---------------------------------------------------------------- instance norm
@pytest.mark.parametrize("affine,track", [(False, False), (True, True), (False, True)])
def test_instance_norm_functional_and_stats(affine, track):
    c = 3
    tw, jw = pair(rand(c, 1), requires_grad=True) if affine else (None, None)
    tb, jb = pair(rand(c, 2), requires_grad=True) if affine else (None, None)
    trm, jrm = pair(rand(c, 3)) if track else (None, None)
    trv, jrv = pair(np.abs(rand(c, 4)) + 1) if track else (None, None)
    for step in range(2):
        tx, jx = pair(rand((2, c, 5), 10 + step, shift=step), requires_grad=True)
        to = TF.instance_norm(tx, trm, trv, tw, tb, momentum=0.2)
        jo = JF.instance_norm(jx, jrm, jrv, jw, jb, momentum=0.2)
        close(jo, to)
        if track:
            close(jrm, trm)
            close(jrv, trv)
    assert grad_name(jo) == grad_name(to) == "ViewBackward0"
    backward_both(to, jo)
    check_grads([(tx, jx), (tw, jw), (tb, jb)], "float32")
    if track:
        tx, jx = pair(rand((2, c, 5), 20))
        close(JF.instance_norm(jx, jrm, jrv, jw, jb, use_input_stats=False),
              TF.instance_norm(tx, trm, trv, tw, tb, use_input_stats=False))


@pytest.mark.parametrize("cls,shape", [("InstanceNorm1d", (3, 5)), ("InstanceNorm2d", (2, 3, 2, 3)),
                                       ("InstanceNorm3d", (3, 2, 2, 2))])
def test_instance_norm_modules(cls, shape):
    for kwargs in ({}, {"affine": True, "track_running_stats": True}):
        tm, jm = getattr(torch.nn, cls)(3, **kwargs), getattr(jt.nn, cls)(3, **kwargs)
        assert repr(jm) == repr(tm)
        assert list(jm.state_dict()) == list(tm.state_dict())
        for step in range(2):
            tx, jx = pair(rand(shape, step, shift=step), requires_grad=True)
            close(jm(jx), tm(tx))
        for (name, tv), jv in zip(tm.state_dict().items(), jm.state_dict().values()):
            close(jv, tv, what=name)
        tm.eval(), jm.eval()
        tx, jx = pair(rand(shape, 9))
        close(jm(jx), tm(tx))


# ---------------------------------------------------------------- rms norm, lrn, normalize
@pytest.mark.parametrize("x_dtype,w_dtype", [("float32", "float32"), ("float64", None), ("float32", "float64"),
                                             ("float16", "float32"), ("bfloat16", "bfloat16")])
def test_rms_norm(x_dtype, w_dtype):
    tx, jx = pair(rand((2, 3, 4), 0), x_dtype, requires_grad=x_dtype in ("float32", "float64"))
    tw, jw = pair(rand(4, 1), w_dtype, requires_grad=w_dtype in ("float32", "float64")) if w_dtype else (None, None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        to = TF.rms_norm(tx, (4,), tw)
        jo = JF.rms_norm(jx, (4,), jw)
        # a weight of another dtype warns as torch does
        if w_dtype and w_dtype != x_dtype:
            with pytest.warns(UserWarning, match="Mismatch dtype between input and weight"):
                JF.rms_norm(jx, (4,), jw)
    half = "float16" in (x_dtype, w_dtype) or "bfloat16" in (x_dtype, w_dtype)
    close(jo, to, (1e-2, 1e-2) if half else TOL[x_dtype])
    if to.requires_grad:
        assert grad_name(jo) == grad_name(to)
    if to.requires_grad and not half:
        backward_both(to, jo)
        check_grads([(tx, jx), (tw, jw)], x_dtype)
    tx, jx = pair(rand((3, 2, 4), 2), requires_grad=True)
    to, jo = TF.rms_norm(tx, (2, 4), eps=1e-2), JF.rms_norm(jx, (2, 4), eps=1e-2)
    close(jo, to)
    backward_both(to, jo)
    check_grads([(tx, jx)], "float32")


@pytest.mark.parametrize("shape,size", [((2, 5, 3), 3), ((1, 3, 2, 2, 2), 4)])
def test_local_response_norm(shape, size):
    tx, jx = pair(rand(shape, 0, scale=3.0), requires_grad=True)
    to = TF.local_response_norm(tx, size, alpha=0.1, beta=0.6, k=2.0)
    jo = JF.local_response_norm(jx, size, alpha=0.1, beta=0.6, k=2.0)
    close(jo, to)
    assert grad_name(jo) == grad_name(to) == "DivBackward0"
    backward_both(to, jo)
    check_grads([(tx, jx)], "float32")
    tm, jm = torch.nn.LocalResponseNorm(size), jt.nn.LocalResponseNorm(size)
    assert repr(jm) == repr(tm)
    close(jm(jx), tm(tx))


def test_local_response_norm_int_and_empty():
    ti, ji = pair(np.arange(-12, 12).reshape(2, 4, 3))
    close(JF.local_response_norm(ji, 3, alpha=1.0), TF.local_response_norm(ti, 3, alpha=1.0))
    empty = jt.zeros(0, 3, 2)
    assert JF.local_response_norm(empty, 2) is empty


@pytest.mark.parametrize("p,dim", [(2.0, 1), (3.0, -1), (float("inf"), (1, 2))])
def test_normalize(p, dim):
    x = rand((2, 3, 4), 0)
    x[0, :, 1] = 0  # a zero vector: clamped by eps, gradient stays finite
    tx, jx = pair(x, requires_grad=True)
    to, jo = TF.normalize(tx, p, dim), JF.normalize(jx, p, dim)
    close(jo, to)
    assert grad_name(jo) == grad_name(to)
    backward_both(to, jo)
    check_grads([(tx, jx)], "float32")
    t_out, j_out = torch.empty(0), jt.empty(0)
    assert JF.normalize(jx.detach(), p, dim, out=j_out) is j_out
    close(j_out, TF.normalize(tx.detach(), p, dim, out=t_out))


# ---------------------------------------------------------------- norm modules
@pytest.mark.parametrize("cls,args,kwargs,shape", [
    ("BatchNorm1d", (3,), {}, (4, 3)),
    ("BatchNorm1d", (3,), {"momentum": None}, (4, 3, 2)),
    ("BatchNorm2d", (3,), {"track_running_stats": False}, (2, 3, 2, 2)),
    ("BatchNorm2d", (3,), {"bias": False, "eps": 1e-3}, (2, 3, 2, 2)),
    ("BatchNorm3d", (2,), {}, (2, 2, 2, 1, 2)),
])
def test_batch_norm_modules(cls, args, kwargs, shape):
    tm, jm = getattr(torch.nn, cls)(*args, **kwargs), getattr(jt.nn, cls)(*args, **kwargs)
    assert repr(jm) == repr(tm)
    assert list(jm.state_dict()) == list(tm.state_dict())
    if tm.weight is not None:
        with torch.no_grad():
            tm.weight.copy_(torch.tensor(rand(args[0], 1)))
        jm.load_state_dict({k: jt.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    for step in range(3):
        tx, jx = pair(rand(shape, step, scale=step + 1.0, shift=step), requires_grad=True)
        to, jo = tm(tx), jm(jx)
        close(jo, to)
    assert grad_name(jo) == grad_name(to)
    backward_both(to, jo)
    check_grads([(tx, jx), (tm.weight, jm.weight), (tm.bias, jm.bias)], "float32")
    for (name, tv), jv in zip(tm.state_dict().items(), jm.state_dict().values()):
        close(jv, tv, what=name)
    tm.eval(), jm.eval()
    tx, jx = pair(rand(shape, 9))
    close(jm(jx), tm(tx))  # eval mode: running statistics (or batch ones without them)
    for (name, tv), jv in zip(tm.state_dict().items(), jm.state_dict().values()):
        close(jv, tv, what=name)  # eval leaves the buffers alone
    if tm.track_running_stats:
        tm.reset_running_stats(), jm.reset_running_stats()
        for (name, tv), jv in zip(tm.state_dict().items(), jm.state_dict().values()):
            close(jv, tv, what=name)


def test_batch_norm_module_state_dict_without_num_batches_tracked():
    jm = jt.nn.BatchNorm1d(2)
    result = jm.load_state_dict({"weight": jt.ones(2), "bias": jt.zeros(2), "running_mean": jt.ones(2),
                                 "running_var": jt.ones(2)})
    assert not result.missing_keys and not result.unexpected_keys
    assert float(jm.running_mean[0]) == 1.0 and int(jm.num_batches_tracked) == 0


@pytest.mark.parametrize("cls,args,shape", [
    ("LayerNorm", ((3, 4),), (2, 3, 4)), ("LayerNorm", (4, 1e-3, True, False), (2, 4)),
    ("GroupNorm", (2, 4), (2, 4, 3)), ("GroupNorm", (1, 3, 1e-5, False), (2, 3)),
    ("RMSNorm", ((2, 4), 1e-3), (3, 2, 4)),
])
def test_affine_norm_modules(cls, args, shape):
    tm, jm = getattr(torch.nn, cls)(*args), getattr(jt.nn, cls)(*args)
    assert repr(jm) == repr(tm)
    with torch.no_grad():
        for i, param in enumerate(tm.parameters()):
            param.copy_(torch.tensor(rand(tuple(param.shape), i)))
    jm.load_state_dict({k: jt.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    tx, jx = pair(rand(shape, 7, shift=1.0), requires_grad=True)
    to, jo = tm(tx), jm(jx)
    close(jo, to)
    assert grad_name(jo) == grad_name(to)
    backward_both(to, jo)
    check_grads([(tx, jx)] + list(zip(tm.parameters(), jm.parameters())), "float32")


# ---------------------------------------------------------------- dropout
def _dropped(values, p, train=True, **kw):
    return JF.dropout(jt.tensor(values), p, train, **kw)


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropout_statistics_and_gradient(p):
    x = np.random.default_rng(0).uniform(1, 2, 20000).astype(np.float32)
    jx = jt.tensor(x, requires_grad=True)
    out = JF.dropout(jx, p)
    assert grad_name(out) == grad_name(TF.dropout(torch.tensor(x, requires_grad=True), p)) == "MulBackward0"
    values = out.detach().numpy()
    kept = values != 0
    assert abs((1 - kept.mean()) - p) < 0.02  # binomial sd is below 0.004
    scale = np.float32(1) / np.float32(1 - p)
    np.testing.assert_allclose(values[kept], x[kept] * scale, rtol=1e-6)
    out.backward(jt.ones(20000))
    np.testing.assert_allclose(jx.grad.numpy(), kept * scale, rtol=1e-6)


def test_dropout_identity_cases():
    jx = jt.tensor(rand((3, 4), 0), requires_grad=True)
    assert JF.dropout(jx, 0.5, training=False) is jx
    assert JF.dropout(jx, 0.0) is jx
    assert JF.alpha_dropout(jx, 0.5) is jx  # training defaults to False
    with pytest.warns(UserWarning, match="Received a 2-D input to dropout2d"):
        assert JF.dropout2d(jx, 0.3, False) is jx
    m = jt.nn.Dropout(0.4).eval()
    assert m(jx) is jx
    # p == 1: input * 0, recorded like torch
    tx = torch.tensor(rand((3, 4), 0), requires_grad=True)
    zero_t, zero_j = TF.dropout(tx, 1.0), JF.dropout(jx, 1.0)
    close(zero_j, zero_t)
    assert grad_name(zero_j) == grad_name(zero_t)
    # unbatched channel dropout when nothing is dropped: a squeezed view, as torch
    t1, j1 = TF.dropout1d(tx, 0.5, False), JF.dropout1d(jx, 0.5, False)
    assert grad_name(j1) == grad_name(t1) and j1 is not jx


def test_dropout_inplace_and_seed():
    jx = jt.tensor(rand((50, 40), 1), requires_grad=True)
    y = jx * 1
    version = y._version
    out = JF.dropout(y, 0.5, True, True)
    assert out is y and y._version > version and grad_name(y) == "MulBackward0"
    jt.manual_seed(3)
    a = JF.dropout(jt.ones(100), 0.5).numpy()
    jt.manual_seed(3)
    b = JF.dropout(jt.ones(100), 0.5).numpy()
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("fn,shape", [("dropout2d", (4, 30, 3, 2)), ("dropout2d", (4, 30, 5)),
                                      ("dropout1d", (4, 30, 5)),
                                      ("dropout1d", (30, 5)), ("dropout3d", (2, 30, 2, 2, 2)),
                                      ("dropout3d", (30, 2, 2, 2))])
def test_channel_dropout(fn, shape):
    x = np.random.default_rng(0).uniform(1, 2, shape).astype(np.float32)
    jx, tx = jt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out, ref = getattr(JF, fn)(jx, 0.5), getattr(TF, fn)(tx, 0.5)
    assert grad_name(out) == grad_name(ref)
    assert tuple(out.shape) == shape
    values = out.detach().numpy()
    batched = len(shape) == {"dropout1d": 3, "dropout2d": 4, "dropout3d": 5}[fn] or fn == "dropout2d"
    planes = values.reshape(shape[:2] + (-1,)) if batched else values.reshape(shape[:1] + (-1,))
    kept = planes != 0
    assert np.all(kept.all(-1) | (~kept).all(-1))  # whole channels are kept or dropped
    assert 0.2 < 1 - kept.all(-1).mean() < 0.8
    np.testing.assert_allclose(values[values != 0], x[values != 0] * 2, rtol=1e-6)
    out.backward(jt.ones(*shape))
    np.testing.assert_allclose(jx.grad.numpy(), (values != 0) * 2.0, rtol=1e-6)


def test_dropout2d_warnings():
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        JF.dropout2d(jt.ones(2, 3, 4), 0.5)
    with pytest.warns(UserWarning, match="Received a 2-D input to dropout2d"):
        JF.dropout2d(jt.ones(2, 3), 0.5)
    with pytest.warns(UserWarning, match="Received a 3-D input to dropout3d"):
        JF.dropout3d(jt.ones(2, 3, 4), 0.5)


def test_alpha_dropout_statistics():
    p = 0.2
    x = np.random.default_rng(0).standard_normal(40000).astype(np.float32)
    jx = jt.tensor(x, requires_grad=True)
    out = JF.alpha_dropout(jx, p, True)
    assert grad_name(out) == grad_name(TF.alpha_dropout(torch.tensor(x, requires_grad=True), p, True))
    values = out.detach().numpy()
    alpha = 1.7580993408473766
    a = 1 / np.sqrt((alpha ** 2 * p + 1) * (1 - p))
    dropped_value = np.float32(-alpha * a + alpha * a * p)
    dropped = np.isclose(values, dropped_value, rtol=1e-6) & ~np.isclose(x * a + alpha * a * p, dropped_value)
    assert abs(dropped.mean() - p) < 0.02
    np.testing.assert_allclose(values[~dropped], x[~dropped] * a + alpha * a * p, rtol=1e-5, atol=1e-6)
    assert abs(values.mean()) < 0.05 and abs(values.std() - 1) < 0.05  # self-normalising
    out.backward(jt.ones(40000))
    np.testing.assert_allclose(jx.grad.numpy(), np.where(dropped, 0, a), rtol=1e-6)
    # feature alpha dropout: whole channels take the dropped value
    fx = JF.feature_alpha_dropout(jt.ones(8, 20, 3), 0.5, True).numpy()
    assert np.all(np.ptp(fx, axis=-1) == 0)


def test_dropout_half_scaling():
    x = np.arange(1, 41, dtype=np.float32)
    out = JF.dropout(jt.tensor(x).half(), 0.3).float().numpy()
    kept = out != 0
    expected = torch.tensor(x).half()[torch.tensor(kept)] * torch.tensor(np.float32(1) / np.float32(0.7)).half()
    np.testing.assert_array_equal(out[kept], expected.float().numpy())


@pytest.mark.parametrize("cls", ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
                                 "FeatureAlphaDropout"])
def test_dropout_modules(cls):
    for args in ((), (0.2,), (0.3, True)):
        tm, jm = getattr(torch.nn, cls)(*args), getattr(jt.nn, cls)(*args)
        assert repr(jm) == repr(tm)
    shape = {"Dropout1d": (2, 20, 3), "Dropout3d": (2, 20, 2, 2, 2)}.get(cls, (2, 20, 3, 3))
    jm = getattr(jt.nn, cls)(0.5)
    x = jt.ones(*shape)
    out = jm(x)
    assert tuple(out.shape) == shape and not np.array_equal(out.numpy(), x.numpy())
    jm.eval()
    assert jm(x) is x


# ---------------------------------------------------------------- embedding
@settings(max_examples=6)
@given(num=st.integers(1, 6), dim=st.integers(1, 3), idx_shape=st.lists(st.integers(0, 4), max_size=2),
       padding=st.one_of(st.none(), st.integers(-6, 5)), freq=st.booleans(),
       dtype=st.sampled_from(["float32", "float64"]), index_dtype=st.sampled_from(["int64", "int32"]),
       seed=st.integers(0, 999))
def test_embedding(num, dim, idx_shape, padding, freq, dtype, index_dtype, seed):
    if padding is not None and not -num <= padding < num:
        padding = None
    rng = np.random.default_rng(seed)
    indices = rng.integers(0, num, idx_shape)
    tw, jw = pair(rand((num, dim), seed, dtype), requires_grad=True)
    ti, ji = pair(indices, index_dtype)
    to = TF.embedding(ti, tw, padding, scale_grad_by_freq=freq)
    jo = JF.embedding(ji, jw, padding, scale_grad_by_freq=freq)
    close(jo, to, TOL[dtype])
    assert grad_name(jo) == grad_name(to) == "EmbeddingBackward0"
    backward_both(to, jo, seed)
    check_grads([(tw, jw)], dtype)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.5, float("inf")])
def test_embedding_max_norm_renormalises_in_place(norm_type):
    w = rand((6, 3), 0, scale=2.0)
    tw, jw = pair(w, requires_grad=True)
    ti, ji = pair(np.array([[1, 2, 2], [4, 0, 1]]))
    version = jw._version
    to = TF.embedding(ti, tw, max_norm=1.0, norm_type=norm_type)
    jo = JF.embedding(ji, jw, max_norm=1.0, norm_type=norm_type)
    assert jw._version > version
    close(jw, tw)  # rows 0, 1, 2, 4 scaled down; 3 and 5 untouched
    close(jo, to)
    backward_both(to, jo)
    check_grads([(tw, jw)], "float32")


def test_embedding_module():
    tm, jm = torch.nn.Embedding(7, 3, padding_idx=-2), jt.nn.Embedding(7, 3, padding_idx=-2)
    assert repr(jm) == repr(tm) and jm.padding_idx == 5
    assert not jm.weight[5].detach().numpy().any()  # the padding row starts at zero
    jm.load_state_dict({k: jt.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    ti, ji = pair(np.array([[5, 1, 1], [6, 5, 0]]))
    to, jo = tm(ti), jm(ji)
    close(jo, to)
    backward_both(to, jo)
    check_grads([(tm.weight, jm.weight)], "float32")
    assert not jm.weight.grad[5].numpy().any()
    w = rand((4, 2), 1)
    te = torch.nn.Embedding.from_pretrained(torch.tensor(w), padding_idx=1)
    je = jt.nn.Embedding.from_pretrained(jt.tensor(w), padding_idx=1)
    assert repr(je) == repr(te) and je.weight.requires_grad is te.weight.requires_grad is False
    close(je(jt.tensor([1, 3])), te(torch.tensor([1, 3])))
    je2 = jt.nn.Embedding.from_pretrained(jt.tensor(w), freeze=False)
    assert je2.weight.requires_grad


EMBEDDING_BAG_CASES = [
    ({"mode": "sum"}, [1, 2, 2, 4, 5, 1, 1], [0, 3, 3, 5]),  # an empty bag
    ({"mode": "max", "padding_idx": -1}, [7, 7, 2, 4, 5, 1, 1], [0, 2, 5]),  # an all-padding bag, repeated maxima
    ({"mode": "mean", "include_last_offset": True}, [1, 2, 3, 4, 5, 6, 0], [0, 3, 3, 7]),
    ({"mode": "mean", "scale_grad_by_freq": True, "padding_idx": 4}, [1, 2, 2, 4, 2, 1, 1], [0, 1, 4]),
    ({"mode": "sum", "psw": True, "padding_idx": 2, "scale_grad_by_freq": True}, [1, 2, 2, 4, 5, 1, 1], [0, 3]),
    ({"mode": "mean", "max_norm": 1.0}, [1, 2, 2, 4, 5, 1, 1], [0, 3]),
    ({"mode": "sum", "two_d": True}, [[1, 2, 3], [3, 3, 0]], None),
    ({"mode": "max", "two_d": True}, [[1, 2, 3], [3, 3, 0]], None),
]


@pytest.mark.parametrize("options,indices,offsets", EMBEDDING_BAG_CASES)
def test_embedding_bag(options, indices, offsets):
    options = dict(options)
    psw, two_d = options.pop("psw", False), options.pop("two_d", False)
    tw, jw = pair(rand((8, 3), 0), requires_grad=True)
    ti, ji = pair(np.array(indices))
    to_, jo_ = pair(np.array(offsets)) if offsets is not None else (None, None)
    tp, jp = pair(rand(np.shape(indices), 1), requires_grad=True) if psw else (None, None)
    to = TF.embedding_bag(ti, tw, to_, per_sample_weights=tp, **options)
    jo = JF.embedding_bag(ji, jw, jo_, per_sample_weights=jp, **options)
    close(jo, to)
    close(jw, tw)  # max_norm renormalises in place
    assert grad_name(jo) == grad_name(to) == "EmbeddingBagBackward0"
    backward_both(to, jo)
    check_grads([(tw, jw), (tp, jp)], "float32")


def test_embedding_bag_module():
    for kwargs in ({}, {"mode": "sum", "padding_idx": 0}, {"max_norm": 1, "norm_type": 1.0,
                                                            "scale_grad_by_freq": True, "mode": "max"}):
        tm, jm = torch.nn.EmbeddingBag(5, 3, **kwargs), jt.nn.EmbeddingBag(5, 3, **kwargs)
        assert repr(jm) == repr(tm)
    tm, jm = torch.nn.EmbeddingBag(5, 3, mode="sum"), jt.nn.EmbeddingBag(5, 3, mode="sum")
    jm.load_state_dict({k: jt.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    ti, ji = pair(np.array([1, 2, 4, 4]))
    to_, jo_ = pair(np.array([0, 1]))
    tp, jp = pair(np.array([1.0, 2.0, 0.5, -1.0], np.float32))
    to, jo = tm(ti, to_, tp), jm(ji, jo_, jp)
    close(jo, to)
    backward_both(to, jo)
    check_grads([(tm.weight, jm.weight)], "float32")
    w = rand((4, 2), 1)
    te = torch.nn.EmbeddingBag.from_pretrained(torch.tensor(w), mode="max")
    je = jt.nn.EmbeddingBag.from_pretrained(jt.tensor(w), mode="max")
    assert repr(je) == repr(te) and je.weight.requires_grad is False
    close(je(jt.tensor([[1, 3], [0, 0]])), te(torch.tensor([[1, 3], [0, 0]])))


# ---------------------------------------------------------------- one_hot
@pytest.mark.parametrize("values,num_classes", [([1, 2, 0], -1), ([[3, 1], [0, 2]], 5), (2, -1), ([], 3),
                                                (np.zeros((2, 0), np.int64), 4)])
def test_one_hot(values, num_classes):
    ti, ji = pair(np.array(values, np.int64))
    t, j = TF.one_hot(ti, num_classes), JF.one_hot(ji, num_classes)
    assert j.dtype is jt.int64
    np.testing.assert_array_equal(j.numpy(), t.numpy())
    assert tuple(j.shape) == tuple(t.shape)


# ---------------------------------------------------------------- errors, as torch raises them
X = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7


def T(lib, values, dtype="float32"):
    return lib.tensor(np.asarray(values)).to(getattr(lib, dtype))


ERRORS = {
    "bn_rm_size": lambda L, F: F.batch_norm(T(L, X), T(L, np.zeros(4)), T(L, np.ones(3)), training=True),
    "bn_w_size": lambda L, F: F.batch_norm(T(L, X), T(L, np.zeros(3)), T(L, np.ones(3)), T(L, np.ones(4)),
                                           training=True),
    "bn_b_size": lambda L, F: F.batch_norm(T(L, X), T(L, np.zeros(3)), T(L, np.ones(3)), T(L, np.ones(3)),
                                           T(L, np.ones(2)), training=True),
    "bn_single": lambda L, F: F.batch_norm(T(L, X[:1, :, :1]), T(L, np.zeros(3)), T(L, np.ones(3)), training=True),
    "bn_eval_no_rm": lambda L, F: F.batch_norm(T(L, X), None, None),
    "bn_eval_no_rv": lambda L, F: F.batch_norm(T(L, X), T(L, np.zeros(3)), None),
    "bn_pair": lambda L, F: F.batch_norm(T(L, X), T(L, np.zeros(3)), None, training=True),
    "bn_eps0": lambda L, F: F.batch_norm(T(L, X), None, None, training=True, eps=0.0),
    "bn_epsneg": lambda L, F: F.batch_norm(T(L, X), T(L, np.zeros(3)), T(L, np.ones(3)), eps=-1e-3),
    "bn_long": lambda L, F: F.batch_norm(T(L, X, "int64"), T(L, np.zeros(3)), T(L, np.ones(3)), training=True),
    "bn_mixed1": lambda L, F: F.batch_norm(T(L, X), T(L, np.zeros(3), "float64"), T(L, np.ones(3)), training=True),
    "bn_mixed2": lambda L, F: F.batch_norm(T(L, X, "float64"), T(L, np.zeros(3)), T(L, np.ones(3)), training=True),
    "bn_mixed3": lambda L, F: F.batch_norm(T(L, X), T(L, np.zeros(3)), T(L, np.ones(3), "float64"), training=True),
    "bn_1d": lambda L, F: F.batch_norm(T(L, X[0, 0]), None, None, training=True),
    "bn_momentum_none": lambda L, F: F.batch_norm(T(L, X), T(L, np.zeros(3)), T(L, np.ones(3)), momentum=None),
    "bn_rm_grad": lambda L, F: F.batch_norm(T(L, X), T(L, np.zeros(3)).requires_grad_(), T(L, np.ones(3)),
                                            training=True),
    "ln_shape": lambda L, F: F.layer_norm(T(L, X), (3,)),
    "ln_w": lambda L, F: F.layer_norm(T(L, X), (3, 4), T(L, np.ones(4))),
    "ln_b": lambda L, F: F.layer_norm(T(L, X), (4,), None, T(L, np.ones(3))),
    "ln_big": lambda L, F: F.layer_norm(T(L, X), (1, 2, 3, 4)),
    "ln_empty": lambda L, F: F.layer_norm(T(L, X), ()),
    "ln_int": lambda L, F: F.layer_norm(T(L, X), 4),
    "ln_long": lambda L, F: F.layer_norm(T(L, X, "int64"), (4,)),
    "ln_long_w": lambda L, F: F.layer_norm(T(L, X, "int64"), (4,), T(L, np.ones(4))),
    "ln_mixed": lambda L, F: F.layer_norm(T(L, X, "float64"), (4,), T(L, np.ones(4))),
    "ln_mixed2": lambda L, F: F.layer_norm(T(L, X), (4,), T(L, np.ones(4), "float64")),
    "gn_div": lambda L, F: F.group_norm(T(L, X), 2),
    "gn_w": lambda L, F: F.group_norm(T(L, X), 3, T(L, np.ones(4))),
    "gn_b": lambda L, F: F.group_norm(T(L, X), 3, None, T(L, np.ones(4))),
    "gn_b2": lambda L, F: F.group_norm(T(L, X), 3, T(L, np.ones(3)), T(L, np.ones(4))),
    "gn_w2d": lambda L, F: F.group_norm(T(L, X), 3, T(L, np.ones((3, 1)))),
    "gn_1d": lambda L, F: F.group_norm(T(L, X[0, 0]), 1),
    "gn_single": lambda L, F: F.group_norm(T(L, X[:1, :, 0]), 3),
    "gn_zero": lambda L, F: F.group_norm(T(L, X), 0),
    "gn_long": lambda L, F: F.group_norm(T(L, X, "int64"), 3),
    "gn_mixed": lambda L, F: F.group_norm(T(L, X, "float64"), 3, T(L, np.ones(3))),
    "in_single": lambda L, F: F.instance_norm(T(L, X[:, :, :1])),
    "in_rm": lambda L, F: F.instance_norm(T(L, X), T(L, np.zeros(4)), T(L, np.ones(4))),
    "in_w": lambda L, F: F.instance_norm(T(L, X), None, None, T(L, np.ones(4))),
    "in_pair": lambda L, F: F.instance_norm(T(L, X), T(L, np.zeros(3)), None),
    "in_nostats": lambda L, F: F.instance_norm(T(L, X), None, None, use_input_stats=False),
    "lrn_2d": lambda L, F: F.local_response_norm(T(L, X[0]), 2),
    "rms_shape": lambda L, F: F.rms_norm(T(L, X), (3,)),
    "rms_shape2": lambda L, F: F.rms_norm(T(L, X), (2, 4)),
    "rms_w": lambda L, F: F.rms_norm(T(L, X), (4,), T(L, np.ones(3))),
    "rms_long": lambda L, F: F.rms_norm(T(L, X, "int64"), (4,)),
    "rms_empty": lambda L, F: F.rms_norm(T(L, X), ()),
    "norm_long": lambda L, F: F.normalize(T(L, X, "int64")),
    "norm_dim": lambda L, F: F.normalize(T(L, X), dim=3),
    "do_p": lambda L, F: F.dropout(T(L, X), 1.5),
    "do_pneg": lambda L, F: F.dropout(T(L, X), -0.1),
    "do2_p": lambda L, F: F.dropout2d(T(L, X), 2),
    "ado_p": lambda L, F: F.alpha_dropout(T(L, X), 2.0),
    "do1_dim": lambda L, F: F.dropout1d(T(L, X[0, 0]), 0.5),
    "do1_dim4": lambda L, F: F.dropout1d(T(L, X[None]), 0.5),
    "do_long": lambda L, F: F.dropout(T(L, X, "int64"), 0.5),
    "do_bool": lambda L, F: F.dropout(T(L, X, "bool"), 0.5),
    "ado_long": lambda L, F: F.alpha_dropout(T(L, X, "int64"), 0.5, True),
    "do_complex": lambda L, F: F.dropout(T(L, X, "complex64"), 0.5),
    "fad_1d": lambda L, F: F.feature_alpha_dropout(T(L, X[0, 0]), 0.5, True),
    "do3_0d": lambda L, F: F.dropout3d(T(L, X[0, 0, 0]), 0.5),
    "do_leaf_inplace": lambda L, F: F.dropout(T(L, X).requires_grad_(), 0.5, True, True),
    "emb_range": lambda L, F: F.embedding(T(L, [1, 10], "int64"), T(L, np.ones((10, 3)))),
    "emb_neg": lambda L, F: F.embedding(T(L, [1, -1], "int64"), T(L, np.ones((10, 3)))),
    "emb_float": lambda L, F: F.embedding(T(L, [1, 2]), T(L, np.ones((10, 3)))),
    "emb_short": lambda L, F: F.embedding(T(L, [1, 2], "int16"), T(L, np.ones((10, 3)))),
    "emb_w1d": lambda L, F: F.embedding(T(L, [1, 2], "int64"), T(L, np.ones(10))),
    "emb_pad": lambda L, F: F.embedding(T(L, [1, 2], "int64"), T(L, np.ones((10, 3))), padding_idx=10),
    "emb_padneg": lambda L, F: F.embedding(T(L, [1, 2], "int64"), T(L, np.ones((10, 3))), padding_idx=-11),
    "emb_maxnorm_range": lambda L, F: F.embedding(T(L, [1, 12], "int64"), T(L, np.ones((10, 3))), max_norm=1.0),
    "eb_off0": lambda L, F: F.embedding_bag(T(L, [1, 2, 3], "int64"), T(L, np.ones((10, 3))), T(L, [1], "int64")),
    "eb_offlast": lambda L, F: F.embedding_bag(T(L, [1, 2, 3], "int64"), T(L, np.ones((10, 3))),
                                               T(L, [0, 4], "int64")),
    "eb_nooff": lambda L, F: F.embedding_bag(T(L, [1, 2, 3], "int64"), T(L, np.ones((10, 3)))),
    "eb_2doff": lambda L, F: F.embedding_bag(T(L, [[1, 2, 3]], "int64"), T(L, np.ones((10, 3))), T(L, [0], "int64")),
    "eb_3d": lambda L, F: F.embedding_bag(T(L, [[[1]]], "int64"), T(L, np.ones((10, 3)))),
    "eb_off2d": lambda L, F: F.embedding_bag(T(L, [1, 2, 3], "int64"), T(L, np.ones((10, 3))),
                                             T(L, [[0]], "int64")),
    "eb_mode": lambda L, F: F.embedding_bag(T(L, [1, 2, 3], "int64"), T(L, np.ones((10, 3))), T(L, [0], "int64"),
                                            mode="prod"),
    "eb_maxfreq": lambda L, F: F.embedding_bag(T(L, [1, 2, 3], "int64"), T(L, np.ones((10, 3))),
                                               T(L, [0], "int64"), mode="max", scale_grad_by_freq=True),
    "eb_psw_mean": lambda L, F: F.embedding_bag(T(L, [1, 2, 3], "int64"), T(L, np.ones((10, 3))),
                                                T(L, [0], "int64"), per_sample_weights=T(L, np.ones(3))),
    "eb_psw_shape": lambda L, F: F.embedding_bag(T(L, [1, 2, 3], "int64"), T(L, np.ones((10, 3))),
                                                 T(L, [0], "int64"), mode="sum", per_sample_weights=T(L, np.ones(2))),
    "eb_psw_dtype": lambda L, F: F.embedding_bag(T(L, [1, 2, 3], "int64"), T(L, np.ones((10, 3))),
                                                 T(L, [0], "int64"), mode="sum",
                                                 per_sample_weights=T(L, np.ones(3), "float64")),
    "eb_range": lambda L, F: F.embedding_bag(T(L, [1, 12], "int64"), T(L, np.ones((10, 3))), T(L, [0], "int64")),
    "eb_neg": lambda L, F: F.embedding_bag(T(L, [1, -1], "int64"), T(L, np.ones((10, 3))), T(L, [0], "int64")),
    "eb_w1d": lambda L, F: F.embedding_bag(T(L, [1, 2], "int64"), T(L, np.ones(10)), T(L, [0], "int64")),
    "eb_wlong": lambda L, F: F.embedding_bag(T(L, [1, 2], "int64"), T(L, np.ones((10, 3)), "int64"),
                                             T(L, [0], "int64")),
    "eb_pad": lambda L, F: F.embedding_bag(T(L, [1, 2], "int64"), T(L, np.ones((10, 3))), T(L, [0], "int64"),
                                           padding_idx=10),
    "eb_float_in": lambda L, F: F.embedding_bag(T(L, [1, 2]), T(L, np.ones((10, 3))), T(L, [0], "int64")),
    "eb_float_off": lambda L, F: F.embedding_bag(T(L, [1, 2], "int64"), T(L, np.ones((10, 3))), T(L, [0])),
    "oh_int": lambda L, F: F.one_hot(T(L, [1, 2], "int32")),
    "oh_neg": lambda L, F: F.one_hot(T(L, [1, -2], "int64")),
    "oh_big": lambda L, F: F.one_hot(T(L, [1, 2], "int64"), 2),
    "oh_empty": lambda L, F: F.one_hot(T(L, np.zeros(0), "int64")),
    "oh_m2": lambda L, F: F.one_hot(T(L, [1, 2], "int64"), -2),
    "BN1d_dim": lambda L, F: L.nn.BatchNorm1d(3)(T(L, X[None])),
    "BN2d_dim": lambda L, F: L.nn.BatchNorm2d(3)(T(L, X)),
    "BN3d_dim": lambda L, F: L.nn.BatchNorm3d(3)(T(L, X)),
    "IN1d_dim": lambda L, F: L.nn.InstanceNorm1d(3)(T(L, X[None])),
    "IN2d_dim": lambda L, F: L.nn.InstanceNorm2d(3)(T(L, X[0, 0])),
    "IN3d_dim": lambda L, F: L.nn.InstanceNorm3d(3)(T(L, X)),
    "IN1d_affine": lambda L, F: L.nn.InstanceNorm1d(4, affine=True)(T(L, X)),
    "GN_div": lambda L, F: L.nn.GroupNorm(2, 3),
    "Drop_p": lambda L, F: L.nn.Dropout(1.1),
    "Emb_pad": lambda L, F: L.nn.Embedding(3, 2, padding_idx=3),
    "EmbBag_pad": lambda L, F: L.nn.EmbeddingBag(3, 2, padding_idx=-4),
    "Emb_weight": lambda L, F: L.nn.Embedding(3, 2, _weight=T(L, np.ones((2, 3)))),
    "Emb_pre": lambda L, F: L.nn.Embedding.from_pretrained(T(L, np.ones(3))),
}


def builtin_base(error):
    """The error's first built-in exception class (torch's own classes subclass them)."""
    return next(c for c in type(error).__mro__ if c.__module__ == "builtins").__name__


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(name):
    outcomes = []
    for lib in (torch, jt):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                ERRORS[name](lib, lib.nn.functional)
                outcomes.append(None)
            except Exception as error:  # noqa: BLE001 - the exception is what is compared
                outcomes.append((builtin_base(error), str(error)))
    t, j = outcomes
    assert t is not None, "torch accepted the case; it is listed as an error"
    assert j == t
