"""torch.* aliases of nn.functional ops, extra ops/methods (jtorch/ops/aliases.py,
jtorch/ops/extras.py) and runtime knobs (jtorch/_runtime.py) against real torch:
values, dtypes, shapes, grad_fn names, gradients, exception types."""
import math
import pickle  # noqa: F401
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import jtorch as jt

RNG = np.random.default_rng(0)


def arr(*shape, dtype="float32", low=-2.0, high=2.0):
    if dtype.startswith("int"):
        return RNG.integers(-5, 6, size=shape).astype(dtype)
    return RNG.uniform(low, high, size=shape).astype(dtype)


def pair(a, grad=False):
    """(torch tensor, jtorch tensor) of the numpy array `a`."""
    t = torch.tensor(a)
    j = jt.tensor(a)
    if grad:
        t.requires_grad_(True)
        j.requires_grad_(True)
    return t, j


def close(t, j, rtol=2e-5, atol=2e-6):
    if isinstance(t, (tuple, list)):
        assert isinstance(j, (tuple, list)) and len(t) == len(j)
        for a, b in zip(t, j):
            close(a, b, rtol, atol)
        return
    if not isinstance(t, torch.Tensor):
        assert t == j
        return
    assert isinstance(j, jt.Tensor)
    assert tuple(t.shape) == tuple(j.shape)
    assert str(t.dtype) == str(j.dtype)
    np.testing.assert_allclose(j.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)


def grad_name(x):
    return None if x.grad_fn is None else type(x.grad_fn).__name__


def run(fn_t, fn_j, arrays, grad=True, rtol=2e-5, atol=2e-6, check_grad_fn=True):
    """Call both with tensors of `arrays` (numpy; non-float arrays never require grad):
    compare outputs, grad_fn names, and input gradients of sum(out * w)."""
    ts, js = [], []
    for a in arrays:
        if isinstance(a, np.ndarray):
            g = grad and a.dtype.kind == "f"
            t, j = pair(a, g)
        else:
            t = j = a
        ts.append(t)
        js.append(j)
    rt, rj = fn_t(*ts), fn_j(*js)
    close(rt, rj, rtol, atol)
    outs_t = rt if isinstance(rt, (tuple, list)) else (rt,)
    outs_j = rj if isinstance(rj, (tuple, list)) else (rj,)
    if check_grad_fn:
        assert [grad_name(o) for o in outs_t] == [grad_name(o) for o in outs_j]
    if grad and any(isinstance(t, torch.Tensor) and t.requires_grad for t in ts):
        loss_t = sum((o * torch.linspace(0.5, 1.5, o.numel()).view(o.shape).to(o.dtype)).sum() for o in outs_t
                     if o.requires_grad)
        loss_j = sum((o * jt.linspace(0.5, 1.5, o.numel()).view(tuple(o.shape)).to(o.dtype)).sum() for o in outs_j
                     if o.requires_grad)
        if isinstance(loss_t, torch.Tensor):
            loss_t.backward()
            loss_j.backward()
            for t, j in zip(ts, js):
                if isinstance(t, torch.Tensor) and t.requires_grad:
                    assert (t.grad is None) == (j.grad is None)
                    if t.grad is not None:
                        close(t.grad, j.grad, rtol * 5, max(atol * 5, 2e-5))
    return rt, rj


def same_error(fn_t, fn_j):
    with pytest.raises(Exception) as et:
        fn_t()
    with pytest.raises(Exception) as ej:
        fn_j()
    bt = next(c for c in type(et.value).__mro__ if c.__module__ == "builtins")
    bj = next(c for c in type(ej.value).__mro__ if c.__module__ == "builtins")
    assert bt is bj, (et.value, ej.value)
    return et.value, ej.value


def both(name):
    return getattr(torch, name), getattr(jt, name)


# ================================================================ aliases of nn.functional
@settings(max_examples=4)
@given(st.sampled_from([(3, 4), (2, 3, 4), (5,)]), st.integers(-1, 0), st.booleans())
def test_softmax_family(shape, dim, log):
    x = arr(*shape)
    name = "log_softmax" if log else "softmax"
    tf, jf = both(name)
    run(lambda a: tf(a, dim), lambda a: jf(a, dim), [x])
    run(lambda a: getattr(a, name)(dim), lambda a: getattr(a, name)(dim), [x])
    run(lambda a: tf(a, dim, dtype=torch.float64), lambda a: jf(a, dim, dtype=jt.float64), [x])


def test_softmax_errors_and_out():
    t, j = pair(arr(3, 4))
    same_error(lambda: torch.softmax(t), lambda: jt.softmax(j))
    same_error(lambda: torch.softmax(t, 3), lambda: jt.softmax(j, 3))
    same_error(lambda: torch.softmax(torch.tensor([1, 2]), 0), lambda: jt.softmax(jt.tensor([1, 2]), 0))
    ot, oj = torch.empty(3, 4), jt.empty(3, 4)
    torch.softmax(t, 1, out=ot)
    jt.softmax(j, 1, out=oj)
    close(ot, oj)
    close(torch.softmax(torch.tensor([1, 2]), 0, dtype=torch.float32),
          jt.softmax(jt.tensor([1, 2]), 0, dtype=jt.float32))


@pytest.mark.parametrize("name", ["dropout", "alpha_dropout", "feature_dropout", "feature_alpha_dropout"])
def test_dropout_family(name):
    tf, jf = both(name)
    x = arr(4, 3, 2)
    # no-op cases return the input itself
    for p, train in ((0.0, True), (0.5, False)):
        t, j = pair(x, True)
        assert tf(t, p, train) is t
        assert jf(j, p, train) is j
    # p = 1 zeroes everything (alpha variants: to a constant), MulBackward0
    run(lambda a: tf(a, 1.0, True), lambda a: jf(a, 1.0, True), [x])
    same_error(lambda: tf(torch.zeros(3), 1.5, True), lambda: jf(jt.zeros(3), 1.5, True))
    same_error(lambda: tf(torch.zeros(3), -0.1, False), lambda: jf(jt.zeros(3), -0.1, False))
    same_error(lambda: tf(torch.zeros(3)), lambda: jf(jt.zeros(3)))
    # random case: grad_fn name and statistics
    t, j = pair(np.ones((64, 32, 2), "float32"), True)
    rt, rj = tf(t, 0.5, True), jf(j, 0.5, True)
    assert grad_name(rt) == grad_name(rj)
    assert tuple(rj.shape) == tuple(rt.shape)
    if "alpha" not in name:
        values = set(np.unique(rj.detach().numpy()).tolist())
        assert values <= {0.0, 2.0}
        assert 0.4 < (rj.detach().numpy() == 0).mean() < 0.6
    if name.startswith("feature"):
        v = rj.detach().numpy()
        assert (v == v[:, :, :1]).all()  # whole channels share one draw
        same_error(lambda: tf(torch.zeros(3), 0.5, True), lambda: jf(jt.zeros(3), 0.5, True))
    # in-place forms return the input
    ti, ji = pair(np.ones((8, 4, 2), "float32"))
    assert getattr(torch, name + "_")(ti, 0.5, True) is ti
    assert getattr(jt, name + "_")(ji, 0.5, True) is ji
    if "alpha" not in name:
        assert set(np.unique(ji.numpy()).tolist()) <= {0.0, 2.0}


def test_conv_aliases():
    x, w, b = arr(2, 3, 9), arr(4, 3, 3), arr(4)
    run(lambda *a: torch.conv1d(*a, 2, 1), lambda *a: jt.conv1d(*a, 2, 1), [x, w, b])
    x2, w2 = arr(1, 2, 5, 5), arr(4, 1, 3, 3)
    run(lambda a, c: torch.conv2d(a, c, None, 1, "same", 1, 2), lambda a, c: jt.conv2d(a, c, None, 1, "same", 1, 2),
        [x2, w2])
    x3, w3 = arr(1, 2, 4, 4, 4), arr(2, 2, 2, 2, 2)
    run(lambda a, c: torch.conv3d(a, c, stride=2), lambda a, c: jt.conv3d(a, c, stride=2), [x3, w3])


def test_norm_aliases():
    x, w, b = arr(4, 3, 5), arr(5), arr(5)
    run(lambda *a: torch.layer_norm(*a), lambda *a: jt.layer_norm(*a), [x, [5], w, b])
    run(lambda a: torch.layer_norm(a, (3, 5), None, None, 1e-3, False),
        lambda a: jt.layer_norm(a, (3, 5), None, None, 1e-3, False), [x])
    run(lambda a, c: torch.rms_norm(a, [5], c), lambda a, c: jt.rms_norm(a, [5], c), [x, w])
    xg, wg, bg = arr(2, 6, 4), arr(6), arr(6)
    run(lambda *a: torch.group_norm(*a), lambda *a: jt.group_norm(*a), [xg, 3, wg, bg])
    run(lambda a: torch.group_norm(a, 2), lambda a: jt.group_norm(a, 2), [xg])
    # batch_norm: ATen order (input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn)
    xb, wb, bb = arr(5, 3, 2), arr(3), arr(3)
    for training in (True, False):
        rm = np.zeros(3, "float32") + 0.1
        rv = np.ones(3, "float32") * 1.5
        rmt, rmj = pair(rm)
        rvt, rvj = pair(rv)
        run(lambda a, c, d: torch.batch_norm(a, c, d, rmt, rvt, training, 0.2, 1e-5, False),
            lambda a, c, d: jt.batch_norm(a, c, d, rmj, rvj, training, 0.2, 1e-5, False), [xb, wb, bb])
        close(rmt, rmj)
        close(rvt, rvj)
    run(lambda a: torch.batch_norm(a, None, None, None, None, True, 0.1, 1e-5, True),
        lambda a: jt.batch_norm(a, None, None, None, None, True, 0.1, 1e-5, True), [xb])
    run(lambda a, c, d: torch.instance_norm(a, c, d, None, None, True, 0.1, 1e-5, False),
        lambda a, c, d: jt.instance_norm(a, c, d, None, None, True, 0.1, 1e-5, False), [arr(2, 3, 8), wb, bb],
        check_grad_fn=False)
    same_error(lambda: torch.batch_norm(torch.zeros(2, 3), None, None, None, None, True, 0.1, 1e-5),
               lambda: jt.batch_norm(jt.zeros(2, 3), None, None, None, None, True, 0.1, 1e-5))


def test_embedding_bilinear():
    w = arr(6, 3)
    idx = np.array([[0, 2], [5, 2]])
    run(lambda a, i: torch.embedding(a, i), lambda a, i: jt.embedding(a, i), [w, idx])
    run(lambda a, i: torch.embedding(a, i, 2), lambda a, i: jt.embedding(a, i, 2), [w, idx])
    run(lambda a, i: torch.embedding(a, i, -1, True), lambda a, i: jt.embedding(a, i, -1, True), [w, idx])
    same_error(lambda: torch.embedding(torch.zeros(3, 2), torch.tensor([1.0])),
               lambda: jt.embedding(jt.zeros(3, 2), jt.tensor([1.0])))
    x1, x2, wb, bb = arr(4, 3), arr(4, 2), arr(5, 3, 2), arr(5)
    run(lambda *a: torch.bilinear(*a), lambda *a: jt.bilinear(*a), [x1, x2, wb, bb])
    run(lambda *a: torch.bilinear(*a), lambda *a: jt.bilinear(*a), [x1, x2, wb])


def test_activations():
    x = arr(4, 5)
    run(torch.selu, jt.selu, [x])
    run(lambda a: torch.celu(a, 0.7), lambda a: jt.celu(a, 0.7), [x])
    run(lambda a: torch.threshold(a, 0.1, -3.0), lambda a: jt.threshold(a, 0.1, -3.0), [x])
    run(lambda a: torch.hardshrink(a, 0.7), lambda a: jt.hardshrink(a, 0.7), [x])
    run(lambda a: a.hardshrink(), lambda a: a.hardshrink(), [x])
    run(torch.rrelu, jt.rrelu, [x])
    run(lambda a: torch.rrelu(a, 0.2, 0.4), lambda a: jt.rrelu(a, 0.2, 0.4), [x])
    for name, args in (("selu_", ()), ("celu_", (0.5,)), ("threshold_", (0.0, 1.0)), ("rrelu_", ())):
        tf, jf = both(name)
        t, j = pair(x, True)
        tt, jj = t * 1, j * 1
        assert tf(tt, *args) is tt and jf(jj, *args) is jj
        close(tt, jj)
        assert grad_name(tt) == grad_name(jj)
        tt.sum().backward()
        jj.sum().backward()
        close(t.grad, j.grad)
    for name in ("selu", "celu", "hardshrink", "rrelu"):
        same_error(lambda: getattr(torch, name)(torch.arange(3)), lambda: getattr(jt, name)(jt.arange(3)))
    # rrelu training: negative part scaled within [lower, upper]
    j = jt.tensor(-np.ones((200,), "float32"), requires_grad=True)
    r = jt.rrelu(j, 0.1, 0.3, True)
    v = r.detach().numpy()
    assert grad_name(r) == "RreluWithNoiseBackward0"
    assert ((v <= -0.1 + 1e-6) & (v >= -0.3 - 1e-6)).all() and len(np.unique(v)) > 10


@pytest.mark.parametrize("wshape,xshape", [((1,), (3, 4)), ((4,), (3, 4, 2)), ((), (2, 3))])
def test_prelu(wshape, xshape):
    x, w = arr(*xshape), arr(*wshape)
    run(torch.prelu, jt.prelu, [x, w])
    run(lambda a, c: a.prelu(c), lambda a, c: a.prelu(c), [x, w])


def test_prelu_errors():
    same_error(lambda: torch.prelu(torch.zeros(4, 3), torch.zeros(2)), lambda: jt.prelu(jt.zeros(4, 3), jt.zeros(2)))
    same_error(lambda: torch.prelu(torch.zeros(3), torch.zeros(3)), lambda: jt.prelu(jt.zeros(3), jt.zeros(3)))
    same_error(lambda: torch.prelu(torch.arange(3), torch.tensor([1])),
               lambda: jt.prelu(jt.arange(3), jt.tensor([1])))


def test_distances():
    a, b = arr(4, 5), arr(4, 5)
    run(torch.cosine_similarity, jt.cosine_similarity, [a, b])
    run(lambda x, y: torch.cosine_similarity(x, y, 0, 1e-6), lambda x, y: jt.cosine_similarity(x, y, 0, 1e-6),
        [a, arr(1, 5)])
    run(torch.pairwise_distance, jt.pairwise_distance, [a, b])
    run(lambda x, y: torch.pairwise_distance(x, y, 1.0, 1e-6, True),
        lambda x, y: jt.pairwise_distance(x, y, 1.0, 1e-6, True), [a, b])
    for p in (2.0, 1.0, 3.0, float("inf"), 0.0):
        run(lambda x: torch.pdist(x, p), lambda x: jt.pdist(x, p), [a], rtol=1e-4, atol=1e-5)
    run(torch.pdist, jt.pdist, [arr(1, 3)])
    same_error(lambda: torch.pdist(torch.zeros(3)), lambda: jt.pdist(jt.zeros(3)))
    same_error(lambda: torch.pdist(torch.zeros(3, 2), -1.0), lambda: jt.pdist(jt.zeros(3, 2), -1.0))
    same_error(lambda: torch.pdist(torch.zeros(3, 2, dtype=torch.long)),
               lambda: jt.pdist(jt.zeros(3, 2, dtype=jt.long)))
    same_error(lambda: torch.cosine_similarity(torch.zeros(3, 4), torch.zeros(2, 4)),
               lambda: jt.cosine_similarity(jt.zeros(3, 4), jt.zeros(2, 4)))


@pytest.mark.parametrize("reduction", [0, 1, 2])
def test_loss_aliases(reduction):
    x, y = arr(4, 3), arr(4, 3)
    lp = np.log(RNG.dirichlet(np.ones(3), size=4)).astype("float32")
    p = RNG.dirichlet(np.ones(3), size=4).astype("float32")
    run(lambda a, c: torch.kl_div(a, c, reduction), lambda a, c: jt.kl_div(a, c, reduction), [lp, p])
    run(lambda a, c: torch.kl_div(a, c, reduction, log_target=True),
        lambda a, c: jt.kl_div(a, c, reduction, log_target=True), [lp, lp])
    t01 = RNG.uniform(0, 1, (4, 3)).astype("float32")
    (wt, wj), (pwt, pwj) = pair(arr(3)), pair(arr(3))
    run(lambda a, c: torch.binary_cross_entropy_with_logits(a, c, wt, pwt, reduction),
        lambda a, c: jt.binary_cross_entropy_with_logits(a, c, wj, pwj, reduction), [x, t01])
    sign = np.sign(arr(4)).astype("float32")
    run(lambda a, c, s: torch.margin_ranking_loss(a, c, s, 0.3, reduction),
        lambda a, c, s: jt.margin_ranking_loss(a, c, s, 0.3, reduction), [arr(4), arr(4), sign])
    run(lambda a, s: torch.hinge_embedding_loss(a, s, 0.5, reduction),
        lambda a, s: jt.hinge_embedding_loss(a, s, 0.5, reduction), [arr(4), sign])
    run(lambda a, c, s: torch.cosine_embedding_loss(a, c, s, 0.1, reduction),
        lambda a, c, s: jt.cosine_embedding_loss(a, c, s, 0.1, reduction), [x, y, sign])
    run(lambda a, c, d: torch.triplet_margin_loss(a, c, d, 1.0, 2.0, 1e-6, True, reduction),
        lambda a, c, d: jt.triplet_margin_loss(a, c, d, 1.0, 2.0, 1e-6, True, reduction), [x, y, arr(4, 3)])
    counts = RNG.poisson(2.0, (4, 3)).astype("float32")
    run(lambda a, c: torch.poisson_nll_loss(a, c, True, True, 1e-8, reduction),
        lambda a, c: jt.poisson_nll_loss(a, c, True, True, 1e-8, reduction), [x, counts])
    lpc = np.log(RNG.dirichlet(np.ones(5), size=(6, 2))).astype("float32")
    targets = np.array([[1, 2, 2], [3, 1, 0]])
    run(lambda a, c: torch.ctc_loss(a, c, [6, 5], [3, 2], 0, reduction),
        lambda a, c: jt.ctc_loss(a, c, [6, 5], [3, 2], 0, reduction), [lpc, targets], rtol=1e-4, atol=1e-5)


def test_loss_aliases_defaults_and_errors():
    x, y = arr(4, 3), arr(4, 3)
    # torch's Python bindings default these int reductions to 0 (none), not the schema's mean
    run(torch.kl_div, jt.kl_div, [x, y])
    run(torch.binary_cross_entropy_with_logits, jt.binary_cross_entropy_with_logits, [x, y])
    run(torch.hinge_embedding_loss, jt.hinge_embedding_loss, [arr(4), np.sign(arr(4))])
    run(torch.margin_ranking_loss, jt.margin_ranking_loss, [arr(4), arr(4), np.sign(arr(4))])
    run(torch.triplet_margin_loss, jt.triplet_margin_loss, [x, y, arr(4, 3)])
    same_error(lambda: torch.kl_div(torch.zeros(2), torch.zeros(2), "mean"),
               lambda: jt.kl_div(jt.zeros(2), jt.zeros(2), "mean"))
    same_error(lambda: torch.poisson_nll_loss(torch.zeros(2), torch.zeros(2)),
               lambda: jt.poisson_nll_loss(jt.zeros(2), jt.zeros(2)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        jt.kl_div(jt.zeros(2), jt.zeros(2), 1)  # torch.kl_div does not warn about 'mean'


# ================================================================ predicates, legacy methods
def test_predicates():
    t, j = pair(arr(2, 3))
    assert jt.is_neg(j) is False and j.is_neg() is False and torch.is_neg(t) is False
    assert j.resolve_neg() is j and jt.resolve_neg(j) is j
    for a in ([0.0], [[2]], [True], [False]):
        ta, ja = pair(np.array(a))
        assert torch.is_nonzero(ta) == jt.is_nonzero(ja) == ja.is_nonzero()
    same_error(lambda: torch.is_nonzero(torch.tensor([])), lambda: jt.is_nonzero(jt.tensor([])))
    same_error(lambda: torch.is_nonzero(torch.tensor([1, 2])), lambda: jt.is_nonzero(jt.tensor([1, 2])))
    assert jt.is_same_size(j, jt.zeros(2, 3)) and not j.is_same_size(jt.zeros(3, 2))
    assert torch.is_same_size(t, torch.zeros(2, 3))
    assert j.is_pinned() is False is t.is_pinned()
    if not torch.cuda.is_available() and not jt.cuda.is_available():
        same_error(lambda: t.pin_memory(), lambda: j.pin_memory())
    assert j.is_shared() is False is t.is_shared()
    assert j.share_memory_() is j and j.is_shared() and j[0].is_shared()
    assert j.is_inference() is False is t.is_inference()
    assert jt.is_inference(j) is False


def test_type_as_and_new():
    t, j = pair(arr(2, 3), True)
    for other in ("float64", "int32", "float32"):
        ot, oj = pair(np.zeros(1, other))
        run(lambda a: a.type_as(ot), lambda a: a.type_as(oj), [arr(2, 3)])
    assert j.type_as(jt.zeros(1)) is j
    for args in ((), (2, 3), (torch.Size([4]),), ([1, 2],)):
        jargs = tuple(jt.Size(a) if isinstance(a, torch.Size) else a for a in args)
        rt, rj = t.new(*args), j.new(*jargs)
        assert tuple(rt.shape) == tuple(rj.shape) and str(rt.dtype) == str(rj.dtype)
        assert not rj.requires_grad
    close(t.new([1, 2]), j.new([1, 2]))
    same_error(lambda: t.new(torch.tensor([1])), lambda: j.new(jt.tensor([1])))
    assert t.new(t).shape == j.new(j).shape


def test_sum_to_size():
    x = arr(4, 1, 3)
    for size in ((1, 1, 3), (4, 1, 1), (3,), (1, 3), (4, 1, 3), (1,)):
        run(lambda a: a.sum_to_size(*size), lambda a: a.sum_to_size(*size), [x])
    run(lambda a: a.sum_to_size((1, 3)), lambda a: a.sum_to_size((1, 3)), [x])
    same_error(lambda: torch.zeros(4, 3).sum_to_size(2, 3), lambda: jt.zeros(4, 3).sum_to_size(2, 3))


def test_apply_map():
    x = arr(2, 3)
    t, j = pair(x)
    assert t.apply_(lambda v: v * 2 + 1) is t and j.apply_(lambda v: v * 2 + 1) is j
    close(t, j)
    ti, ji = pair(np.arange(6).reshape(2, 3))
    ti.apply_(lambda v: v // 2)
    ji.apply_(lambda v: v // 2)
    close(ti, ji)
    o = arr(3)
    ot, oj = pair(o)
    t.map_(ot, lambda a, b: a * b - 1)
    j.map_(oj, lambda a, b: a * b - 1)
    close(t, j)
    tg, jg = pair(x, True)
    same_error(lambda: tg.apply_(lambda v: v), lambda: jg.apply_(lambda v: v))
    same_error(lambda: tg.map_(ot, lambda a, b: a), lambda: jg.map_(oj, lambda a, b: a))


@pytest.mark.parametrize("shape,wrap", [((5, 3), True), ((5, 3), False), ((3, 5), False), ((3, 3, 3), False),
                                        ((7, 2), True)])
def test_fill_diagonal(shape, wrap):
    t, j = pair(np.zeros(shape, "float32"))
    assert t.fill_diagonal_(2.5, wrap) is t and j.fill_diagonal_(2.5, wrap) is j
    close(t, j)


def test_fill_diagonal_errors_and_grad():
    same_error(lambda: torch.zeros(3).fill_diagonal_(1), lambda: jt.zeros(3).fill_diagonal_(1))
    same_error(lambda: torch.zeros(3, 4, 3).fill_diagonal_(1), lambda: jt.zeros(3, 4, 3).fill_diagonal_(1))
    x = arr(3, 3)
    t, j = pair(x, True)
    rt, rj = (t * 2).fill_diagonal_(0.0), (j * 2).fill_diagonal_(0.0)
    close(rt, rj)
    rt.sum().backward()
    rj.sum().backward()
    close(t.grad, j.grad)


# ================================================================ fill, isin, diff, dist, renorm
def test_fill():
    x = arr(3, 4)
    run(lambda a: torch.fill(a, 2.5), lambda a: jt.fill(a, 2.5), [x])
    run(lambda a, v: torch.fill(a, v), lambda a, v: jt.fill(a, v), [x, np.array(1.5, "float32")])
    run(lambda a: torch.fill(a, 2.7), lambda a: jt.fill(a, 2.7), [np.arange(4)])
    same_error(lambda: torch.fill(torch.zeros(2), torch.zeros(2)), lambda: jt.fill(jt.zeros(2), jt.zeros(2)))
    t, j = pair(x)
    assert torch.fill_(t, 3.0) is t and jt.fill_(j, 3.0) is j
    close(t, j)


def test_isin():
    e, s = np.array([[1, 2, 3], [4, 5, 6]]), np.array([2, 6, 9])
    for invert in (False, True):
        run(lambda a, b: torch.isin(a, b, invert=invert), lambda a, b: jt.isin(a, b, invert=invert), [e, s])
        run(lambda a, b: torch.isin(a, b, assume_unique=True, invert=invert),
            lambda a, b: jt.isin(a, b, assume_unique=True, invert=invert), [e, s])
    run(lambda a: torch.isin(a, 3), lambda a: jt.isin(a, 3), [e])
    run(lambda b: torch.isin(2, b), lambda b: jt.isin(2, b), [s])
    run(lambda a, b: torch.isin(a, b), lambda a, b: jt.isin(a, b), [np.array([1.0, 2.5]), np.array([2.5])])


@settings(max_examples=4)
@given(st.sampled_from([(5,), (3, 4), (2, 3, 4)]), st.integers(0, 3), st.integers(-1, 0), st.booleans())
def test_diff(shape, n, dim, extra):
    x = arr(*shape)
    if extra:
        es = list(shape)
        es[dim] = 2
        pre, app = arr(*es), arr(*es)
        run(lambda a, p, q: torch.diff(a, n, dim, p, q), lambda a, p, q: jt.diff(a, n, dim, p, q), [x, pre, app])
    else:
        run(lambda a: torch.diff(a, n, dim), lambda a: jt.diff(a, n, dim), [x])
        run(lambda a: a.diff(n, dim), lambda a: a.diff(n, dim), [x])


def test_diff_extras():
    run(lambda a: torch.diff(a), lambda a: jt.diff(a), [np.array([True, False, False, True])])
    run(lambda a: torch.diff(a, prepend=torch.tensor([1])), lambda a: jt.diff(a, prepend=jt.tensor([1])),
        [np.arange(5)])
    same_error(lambda: torch.diff(torch.tensor(1.0)), lambda: jt.diff(jt.tensor(1.0)))
    same_error(lambda: torch.diff(torch.zeros(3), -1), lambda: jt.diff(jt.zeros(3), -1))
    same_error(lambda: torch.diff(torch.zeros(4, 3), dim=1, prepend=torch.zeros(1, 3)),
               lambda: jt.diff(jt.zeros(4, 3), dim=1, prepend=jt.zeros(1, 3)))


@pytest.mark.parametrize("p", [2, 1, 3.5, 0, float("inf"), -float("inf")])
def test_dist(p):
    grad = p != 0  # torch's backward fails for p = 0
    run(lambda a, b: torch.dist(a, b, p), lambda a, b: jt.dist(a, b, p), [arr(3, 4), arr(4)], grad, 1e-4, 1e-5)
    run(lambda a, b: a.dist(b, p), lambda a, b: a.dist(b, p), [arr(5), arr(5)], grad, 1e-4, 1e-5)


def test_dist_errors():
    same_error(lambda: torch.dist(torch.tensor([1, 2]), torch.tensor([1, 3])),
               lambda: jt.dist(jt.tensor([1, 2]), jt.tensor([1, 3])))
    same_error(lambda: torch.dist(torch.zeros(3), torch.zeros(2)), lambda: jt.dist(jt.zeros(3), jt.zeros(2)))


@pytest.mark.parametrize("p,dim,maxnorm", [(2, 0, 1.0), (1, 1, 0.5), (3, -1, 2.0), (2, 1, 100.0)])
def test_renorm(p, dim, maxnorm):
    x = arr(4, 3, 2)
    run(lambda a: torch.renorm(a, p, dim, maxnorm), lambda a: jt.renorm(a, p, dim, maxnorm), [x], rtol=1e-4)
    run(lambda a: a.renorm(p, dim, maxnorm), lambda a: a.renorm(p, dim, maxnorm), [x], rtol=1e-4)
    t, j = pair(x)
    assert t.renorm_(p, dim, maxnorm) is t and j.renorm_(p, dim, maxnorm) is j
    close(t, j, 1e-4)


def test_renorm_errors():
    for args in ((0, 0, 1.0), (2, 0, -1.0), (2, 5, 1.0)):
        same_error(lambda: torch.renorm(torch.zeros(2, 2), *args), lambda: jt.renorm(jt.zeros(2, 2), *args))
    same_error(lambda: torch.renorm(torch.zeros(2), 2, 0, 1.0), lambda: jt.renorm(jt.zeros(2), 2, 0, 1.0))


# ================================================================ cov, corrcoef, vander, trapezoid, block_diag
def test_cov_corrcoef():
    x = arr(3, 6)
    run(torch.cov, jt.cov, [x], rtol=1e-4, atol=1e-5)
    run(lambda a: a.cov(correction=0), lambda a: a.cov(correction=0), [x], rtol=1e-4, atol=1e-5)
    run(torch.cov, jt.cov, [arr(6)], rtol=1e-4, atol=1e-5)
    fw, aw = np.array([1, 2, 1, 3, 1, 1]), RNG.uniform(0.5, 2, 6).astype("float32")
    run(lambda a, f, w: torch.cov(a, fweights=f, aweights=w), lambda a, f, w: jt.cov(a, fweights=f, aweights=w),
        [x, fw, aw], rtol=1e-4, atol=1e-5)
    run(lambda a, f: torch.cov(a, fweights=f), lambda a, f: jt.cov(a, fweights=f), [x, fw], rtol=1e-4, atol=1e-5)
    run(torch.cov, jt.cov, [np.array([[1, 2, 4], [3, 1, 0]])])
    run(torch.corrcoef, jt.corrcoef, [x], rtol=1e-4, atol=1e-5)
    run(lambda a: a.corrcoef(), lambda a: a.corrcoef(), [np.array([[1, 2, 4], [3, 1, 0]])], rtol=1e-5)
    same_error(lambda: torch.cov(torch.zeros(2, 2, 2)), lambda: jt.cov(jt.zeros(2, 2, 2)))
    same_error(lambda: torch.cov(torch.zeros(2, 3), fweights=torch.ones(3)),
               lambda: jt.cov(jt.zeros(2, 3), fweights=jt.ones(3)))
    with pytest.warns(UserWarning):
        jt.cov(jt.zeros(2, 1))


def test_vander():
    for dtype in ("float32", "int64", "int32"):
        x = np.array([1, 2, 3, -1]).astype(dtype)
        for n, inc in ((None, False), (3, True), (5, False), (1, False), (0, True)):
            run(lambda a: torch.vander(a, n, inc), lambda a: jt.vander(a, n, inc), [x], grad=False)
    # torch's own vander backward fails (it writes cumprod into a slice): forward only
    run(lambda a: torch.vander(a), lambda a: jt.vander(a), [arr(4)], grad=False)
    same_error(lambda: torch.vander(torch.zeros(2, 2)), lambda: jt.vander(jt.zeros(2, 2)))
    same_error(lambda: torch.vander(torch.zeros(2), -1), lambda: jt.vander(jt.zeros(2), -1))


@settings(max_examples=4)
@given(st.sampled_from([(5,), (3, 4), (2, 3, 4)]), st.integers(-1, 0), st.sampled_from(["none", "dx", "x1", "xn"]))
def test_trapezoid(shape, dim, spacing):
    y = arr(*shape)
    n = shape[dim]
    for tname in ("trapezoid", "trapz", "cumulative_trapezoid"):
        tf, jf = both(tname)
        if spacing == "none":
            run(lambda a: tf(a, dim=dim), lambda a: jf(a, dim=dim), [y])
        elif spacing == "dx":
            run(lambda a: tf(a, dx=0.5, dim=dim), lambda a: jf(a, dx=0.5, dim=dim), [y])
        elif spacing == "x1":
            x = np.sort(arr(n))
            run(lambda a, b: tf(a, b, dim=dim), lambda a, b: jf(a, b, dim=dim), [y, x])
        else:
            run(lambda a, b: tf(a, b, dim=dim), lambda a, b: jf(a, b, dim=dim), [y, arr(*shape)])


def test_trapezoid_extras():
    run(torch.trapezoid, jt.trapezoid, [np.array([1, 2, 3])])
    run(torch.cumulative_trapezoid, jt.cumulative_trapezoid, [np.array([1, 2, 3])])
    run(lambda a: torch.trapezoid(a, dx=2), lambda a: jt.trapezoid(a, dx=2), [np.array([1, 2, 3])])
    same_error(lambda: torch.trapezoid(torch.zeros(3), torch.zeros(2)),
               lambda: jt.trapezoid(jt.zeros(3), jt.zeros(2)))


def test_block_diag():
    run(torch.block_diag, jt.block_diag, [arr(2, 3), arr(3), np.array(1.5, "float32"), arr(1, 2)])
    run(torch.block_diag, jt.block_diag, [np.array([[1, 2]]), np.array(3.0), np.array([4, 5])])
    close(torch.block_diag(), jt.block_diag())
    same_error(lambda: torch.block_diag(torch.zeros(2, 2, 2)), lambda: jt.block_diag(jt.zeros(2, 2, 2)))


def test_unravel_index():
    for idx, shape in (([4, 5, 0], (2, 3)), ([[1234], [5678]], (10, 10, 10, 10)), (-1, (2, 3)), ([3], 7)):
        t, j = pair(np.array(idx))
        close(torch.unravel_index(t, shape), jt.unravel_index(j, shape))
    same_error(lambda: torch.unravel_index(torch.tensor(1.0), (2, 3)), lambda: jt.unravel_index(jt.tensor(1.0), (2, 3)))
    same_error(lambda: torch.unravel_index(torch.tensor(1), (2, -3)), lambda: jt.unravel_index(jt.tensor(1), (2, -3)))
    same_error(lambda: torch.unravel_index(5, (2, 3)), lambda: jt.unravel_index(5, (2, 3)))


# ================================================================ creation
def test_scalar_tensor_asarray_frombuffer():
    for v, kw in ((3, {}), (True, {}), (2, {"dtype": "int64"}), (1.5, {"dtype": "float64"})):
        kt = {k: getattr(torch, d) for k, d in kw.items()}
        kj = {k: getattr(jt, d) for k, d in kw.items()}
        close(torch.scalar_tensor(v, **kt), jt.scalar_tensor(v, **kj))
    assert jt.scalar_tensor(1.0, requires_grad=True).requires_grad
    for obj, kw in (([1, 2], {}), ([1.0, 2], {"dtype": "float64"}), (np.arange(3.0), {}), (3, {})):
        kt = {k: getattr(torch, d) for k, d in kw.items()}
        kj = {k: getattr(jt, d) for k, d in kw.items()}
        close(torch.asarray(obj, **kt), jt.asarray(obj, **kj))
    t, j = pair(arr(3))
    assert torch.asarray(t) is t and jt.asarray(j) is j
    assert jt.asarray(j, copy=True) is not j
    close(torch.asarray(t, dtype=torch.float64), jt.asarray(j, dtype=jt.float64))
    tg, jg = pair(arr(3), True)
    with pytest.warns(UserWarning):
        jt.asarray(jg)
    assert not jt.asarray(jg, requires_grad=False).requires_grad
    buf = bytes(range(16))
    for kw in ({"dtype": "int16"}, {"dtype": "float32", "count": 2, "offset": 4}, {"dtype": "uint8", "offset": 3}):
        kt = dict(kw, dtype=getattr(torch, kw["dtype"]))
        kj = dict(kw, dtype=getattr(jt, kw["dtype"]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns that bytes are not writable
            close(torch.frombuffer(bytearray(buf), **kt), jt.frombuffer(bytearray(buf), **kj))
    for kw in ({"dtype": "int16", "offset": 1}, {"dtype": "int16", "count": 9}, {"dtype": "int16", "offset": 16}):
        same_error(lambda: torch.frombuffer(bytearray(buf), **dict(kw, dtype=torch.int16)),
                   lambda: jt.frombuffer(bytearray(buf), **dict(kw, dtype=jt.int16)))


@pytest.mark.parametrize("name,kw", [("hann_window", {}), ("hamming_window", {}), ("blackman_window", {}),
                                     ("bartlett_window", {}), ("kaiser_window", {}),
                                     ("hamming_window", {"alpha": 0.5, "beta": 0.4}), ("kaiser_window", {"beta": 3.0})])
def test_windows(name, kw):
    tf, jf = both(name)
    for n in (0, 1, 2, 7, 8):
        for periodic in (True, False):
            close(tf(n, periodic, **kw), jf(n, periodic, **kw), 1e-5, 2e-6)
        close(tf(n, periodic=False, dtype=torch.float64, **kw), jf(n, periodic=False, dtype=jt.float64, **kw),
              1e-10, 1e-12)
    assert jf(4, requires_grad=True).requires_grad
    same_error(lambda: tf(4, dtype=torch.int64), lambda: jf(4, dtype=jt.int64))
    same_error(lambda: tf(-1), lambda: jf(-1))


def test_poisson_binomial():
    g = jt.Generator().manual_seed(3)
    rates = jt.tensor([0.0, 1.0, 5.0, 30.0]).expand(4000, 4).contiguous()
    s = jt.poisson(rates, g)
    assert s.dtype is jt.float32 and tuple(s.shape) == (4000, 4)
    m = s.numpy().mean(0)
    assert m[0] == 0 and abs(m[1] - 1) < 0.1 and abs(m[2] - 5) < 0.3 and abs(m[3] - 30) < 1
    same_error(lambda: torch.poisson(torch.tensor([1, 2])), lambda: jt.poisson(jt.tensor([1, 2])))
    b = jt.binomial(jt.full((4000,), 10.0), jt.full((4000,), 0.3))
    assert b.dtype is jt.float32 and abs(b.numpy().mean() - 3) < 0.15 and b.numpy().max() <= 10
    close(torch.binomial(torch.tensor([5.0, 0.0]), torch.tensor([1.0, 0.5])),
          jt.binomial(jt.tensor([5.0, 0.0]), jt.tensor([1.0, 0.5])))
    assert not torch.equal(torch.tensor(jt.poisson(rates).numpy()), torch.tensor(jt.poisson(rates).numpy()))


# ================================================================ scatter into views, index_reduce, split
def test_view_scatters():
    x = arr(4, 3)
    run(lambda a, s: torch.select_scatter(a, s, 0, 1), lambda a, s: jt.select_scatter(a, s, 0, 1), [x, arr(3)])
    run(lambda a, s: a.select_scatter(s, 1, -1), lambda a, s: a.select_scatter(s, 1, -1), [x, arr(4)])
    run(lambda a, s: torch.slice_scatter(a, s, 0, 1, 4, 2), lambda a, s: jt.slice_scatter(a, s, 0, 1, 4, 2),
        [x, arr(2, 3)])
    run(lambda a, s: a.slice_scatter(s, 1, start=1), lambda a, s: a.slice_scatter(s, 1, start=1), [x, arr(4, 2)])
    run(lambda a, s: torch.diagonal_scatter(a, s), lambda a, s: jt.diagonal_scatter(a, s), [x, arr(3)])
    run(lambda a, s: a.diagonal_scatter(s, -1), lambda a, s: a.diagonal_scatter(s, -1), [x, arr(3)])
    run(lambda a, s: torch.diagonal_scatter(a, s, 1, 2, 0), lambda a, s: jt.diagonal_scatter(a, s, 1, 2, 0),
        [arr(3, 2, 4), arr(2, 2)])
    run(lambda a, s: torch.select_scatter(a, s, 0, 0), lambda a, s: jt.select_scatter(a, s, 0, 0),
        [x, np.arange(3, dtype="float64")], grad=False)
    same_error(lambda: torch.select_scatter(torch.zeros(3, 3), torch.zeros(2), 0, 0),
               lambda: jt.select_scatter(jt.zeros(3, 3), jt.zeros(2), 0, 0))
    same_error(lambda: torch.select_scatter(torch.zeros(3, 3), torch.zeros(3), 0, 5),
               lambda: jt.select_scatter(jt.zeros(3, 3), jt.zeros(3), 0, 5))
    same_error(lambda: torch.diagonal_scatter(torch.zeros(3, 3), torch.zeros(2)),
               lambda: jt.diagonal_scatter(jt.zeros(3, 3), jt.zeros(2)))


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_index_reduce(reduce, include_self):
    x, src = arr(5, 3), arr(4, 3)
    src[1] = src[0]  # ties for amax/amin
    idx = np.array([0, 0, 3, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run(lambda a, i, s: torch.index_reduce(a, 0, i, s, reduce, include_self=include_self),
            lambda a, i, s: jt.index_reduce(a, 0, i, s, reduce, include_self=include_self), [x, idx, src], rtol=1e-4)
        run(lambda a, i, s: a.index_reduce(1, i, s, reduce, include_self=include_self),
            lambda a, i, s: a.index_reduce(1, i, s, reduce, include_self=include_self), [x, np.array([2, 2]),
                                                                                         arr(5, 2)], rtol=1e-4)
        xi, si = np.arange(10).reshape(5, 2), np.arange(8).reshape(4, 2) + 1
        t, j = pair(xi)
        ts, js = pair(si)
        ti, ji = pair(idx)
        t.index_reduce_(0, ti, ts, reduce, include_self=include_self)
        assert j.index_reduce_(0, ji, js, reduce, include_self=include_self) is j
        close(t, j)


def test_index_reduce_errors():
    x, s = torch.zeros(3, 2), torch.zeros(2, 2)
    xj, sj = jt.zeros(3, 2), jt.zeros(2, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_error(lambda: x.index_reduce(0, torch.tensor([0, 1]), s, "sum"),
                   lambda: xj.index_reduce(0, jt.tensor([0, 1]), sj, "sum"))
        same_error(lambda: x.index_reduce(0, torch.tensor([0.0, 1]), s, "prod"),
                   lambda: xj.index_reduce(0, jt.tensor([0.0, 1]), sj, "prod"))
        same_error(lambda: x.index_reduce(0, torch.tensor([0, 1]), s.double(), "prod"),
                   lambda: xj.index_reduce(0, jt.tensor([0, 1]), sj.double(), "prod"))
        same_error(lambda: x.index_reduce(0, torch.tensor([0, 7]), s, "prod"),
                   lambda: xj.index_reduce(0, jt.tensor([0, 7]), sj, "prod"))


def test_split_with_sizes():
    x = arr(5, 3)
    run(lambda a: torch.split_with_sizes(a, [2, 3]), lambda a: jt.split_with_sizes(a, [2, 3]), [x])
    run(lambda a: a.split_with_sizes([1, 2], 1), lambda a: a.split_with_sizes([1, 2], 1), [x])
    same_error(lambda: torch.zeros(4).split_with_sizes([1, 2]), lambda: jt.zeros(4).split_with_sizes([1, 2]))


# ================================================================ *_copy
COPIES = [
    ("view_copy", (arr(4, 3),), ((2, 6),)), ("view_copy", (arr(4, 3),), ((-1,),)),
    ("permute_copy", (arr(2, 3, 4),), ((2, 0, 1),)), ("transpose_copy", (arr(2, 3, 4),), (0, 2)),
    ("t_copy", (arr(2, 3),), ()), ("expand_copy", (arr(3, 1),), ((2, 3, 4),)),
    ("diagonal_copy", (arr(3, 4),), ()), ("diagonal_copy", (arr(2, 3, 4),), (1, 2, 0)),
    ("select_copy", (arr(3, 4),), (1, -1)), ("slice_copy", (arr(5, 3),), (0, 1, 5, 2)),
    ("squeeze_copy", (arr(3, 1, 2),), ()), ("squeeze_copy", (arr(3, 1, 2),), (1,)),
    ("unsqueeze_copy", (arr(3, 2),), (1,)), ("unbind_copy", (arr(3, 2),), (1,)),
    ("split_copy", (arr(5, 2),), (2,)), ("split_with_sizes_copy", (arr(5, 2),), ([1, 4],)),
    ("unfold_copy", (arr(7),), (0, 3, 2)), ("alias_copy", (arr(2, 3),), ()),
    ("as_strided_copy", (arr(3, 4),), ((2, 2), (1, 2), 1)),
]


@pytest.mark.parametrize("name,arrays,args", COPIES, ids=[f"{c[0]}-{i}" for i, c in enumerate(COPIES)])
def test_view_copies(name, arrays, args):
    tf, jf = both(name)
    rt, rj = run(lambda *a: tf(*a, *args), lambda *a: jf(*a, *args), list(arrays))
    outs_t = rt if isinstance(rt, (tuple, list)) else (rt,)
    outs_j = rj if isinstance(rj, (tuple, list)) else (rj,)
    for o_t, o_j in zip(outs_t, outs_j):
        assert o_t.is_contiguous() and o_j.is_contiguous()
        assert o_j._base is None  # a copy, not a view


def test_view_copy_misc():
    same_error(lambda: torch.view_copy(torch.zeros(4, 3), (5,)), lambda: jt.view_copy(jt.zeros(4, 3), (5,)))
    same_error(lambda: torch.select_copy(torch.zeros(4, 3), 0, 9), lambda: jt.select_copy(jt.zeros(4, 3), 0, 9))
    t, j = pair(arr(2, 3), True)
    rt, rj = torch.detach_copy(t), jt.detach_copy(j)
    close(rt, rj)
    z = (arr(3) + 1j * arr(3)).astype("complex64")
    run(torch.view_as_real_copy, jt.view_as_real_copy, [z], grad=False)
    run(torch.view_as_complex_copy, jt.view_as_complex_copy, [arr(3, 2)], grad=False)
    tz, jz = pair((arr(3) + 1j * arr(3)).astype("complex64"), True)
    assert grad_name(jt.view_as_real_copy(jz)) == grad_name(torch.view_as_real_copy(tz))


# ================================================================ linear algebra
def test_lu_unpack_solve():
    a = arr(4, 4) + 3 * np.eye(4, dtype="float32")
    lu_t, piv_t = torch.linalg.lu_factor(torch.tensor(a))
    lu_j, piv_j = jt.linalg.lu_factor(jt.tensor(a))
    lu = lu_t.detach().numpy()
    piv = piv_t.numpy()
    rt = torch.lu_unpack(torch.tensor(lu, requires_grad=True), torch.tensor(piv))
    rj = jt.lu_unpack(jt.tensor(lu, requires_grad=True), jt.tensor(piv))
    close(tuple(rt), tuple(rj))
    assert [grad_name(x) for x in rt] == [grad_name(x) for x in rj]
    assert rj.P is rj[0] and "torch.return_types.lu_unpack" in repr(rj)
    for unpack_data, unpack_pivots in ((False, True), (True, False)):
        close(tuple(torch.lu_unpack(torch.tensor(lu), torch.tensor(piv), unpack_data, unpack_pivots)),
              tuple(jt.lu_unpack(jt.tensor(lu), jt.tensor(piv), unpack_data, unpack_pivots)))
    # batched + rectangular
    ab = arr(2, 3, 5)
    lt, pt = torch.linalg.lu_factor(torch.tensor(ab))
    close(tuple(torch.lu_unpack(lt, pt)), tuple(jt.lu_unpack(jt.tensor(lt.numpy()), jt.tensor(pt.numpy()))))
    b = arr(4, 2)
    run(lambda bb, l: torch.lu_solve(bb, l, torch.tensor(piv)), lambda bb, l: jt.lu_solve(bb, l, jt.tensor(piv)),
        [b, lu], rtol=1e-4, atol=1e-5)
    same_error(lambda: torch.lu_unpack(torch.tensor(lu), torch.tensor(piv).long()),
               lambda: jt.lu_unpack(jt.tensor(lu), jt.tensor(piv).long()))


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_solve_inverse(upper):
    m = arr(3, 3)
    spd = m @ m.T + 3 * np.eye(3, dtype="float32")
    chol = np.linalg.cholesky(spd).astype("float32")
    if upper:
        chol = chol.T.copy()
    b = arr(2, 3, 2)
    run(lambda bb, c: torch.cholesky_solve(bb, c, upper), lambda bb, c: jt.cholesky_solve(bb, c, upper), [b, chol],
        rtol=1e-4, atol=1e-5)
    run(lambda bb, c: bb.cholesky_solve(c, upper), lambda bb, c: bb.cholesky_solve(c, upper), [b[0], chol],
        rtol=1e-4, atol=1e-5)
    run(lambda c: torch.cholesky_inverse(c, upper), lambda c: jt.cholesky_inverse(c, upper), [chol], rtol=1e-4,
        atol=1e-5)
    run(lambda c: c.cholesky_inverse(upper), lambda c: c.cholesky_inverse(upper), [chol], rtol=1e-4, atol=1e-5)
    same_error(lambda: torch.cholesky_inverse(torch.zeros(2, 3)), lambda: jt.cholesky_inverse(jt.zeros(2, 3)))
    same_error(lambda: torch.cholesky_solve(torch.zeros(3), torch.eye(3)),
               lambda: jt.cholesky_solve(jt.zeros(3), jt.eye(3)))


@pytest.mark.parametrize("upper,transpose,unit", [(True, False, False), (False, True, False), (True, True, True)])
def test_triangular_solve(upper, transpose, unit):
    a = arr(3, 3) + 3 * np.eye(3, dtype="float32")
    b = arr(3, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rt, rj = run(lambda bb, aa: torch.triangular_solve(bb, aa, upper, transpose, unit),
                     lambda bb, aa: jt.triangular_solve(bb, aa, upper, transpose, unit), [b, a], rtol=1e-4, atol=1e-5)
        assert "torch.return_types.triangular_solve" in repr(rj) and rj.solution is rj[0]
        run(lambda bb, aa: bb.triangular_solve(aa, upper), lambda bb, aa: bb.triangular_solve(aa, upper),
            [arr(2, 3, 1), a], rtol=1e-4, atol=1e-5)
        same_error(lambda: torch.triangular_solve(torch.zeros(3), torch.eye(3)),
                   lambda: jt.triangular_solve(jt.zeros(3), jt.eye(3)))


# ================================================================ top-level in-place functions
@pytest.mark.parametrize("name,args", [("abs_", ()), ("sin_", ()), ("exp_", ()), ("sigmoid_", ()), ("relu_", ()),
                                       ("clamp_", (-0.5, 0.5)), ("neg_", ()), ("zero_", ()), ("fill_", (2.0,)),
                                       ("sqrt_", ()), ("xlogy_", (2.0,)), ("nan_to_num_", ()), ("detach_", ())])
def test_toplevel_inplace(name, args):
    tf, jf = both(name)
    t, j = pair(arr(3, 4, low=0.1))
    assert tf(t, *args) is t and jf(j, *args) is j
    close(t, j)
    assert jf.__name__ == name


def test_toplevel_inplace_all_present():
    missing = [n for n in dir(torch) if n.endswith("_") and not n.startswith("_") and callable(getattr(torch, n))
               and hasattr(jt.Tensor, n) and n not in vars(jt)]
    assert missing == []


# ================================================================ runtime knobs
def test_threads_and_precision():
    n = jt.get_num_threads()
    assert isinstance(n, int) and n >= 1
    jt.set_num_threads(1)
    assert jt.get_num_threads() == 1
    jt.set_num_threads(n)
    same_error(lambda: torch.set_num_threads(0), lambda: jt.set_num_threads(0))
    same_error(lambda: torch.set_num_threads(1.5), lambda: jt.set_num_threads(1.5))
    assert isinstance(jt.get_num_interop_threads(), int)
    same_error(lambda: torch.set_num_interop_threads(0), lambda: jt.set_num_interop_threads(0))
    assert jt.get_float32_matmul_precision() == torch.get_float32_matmul_precision() == "highest"
    try:
        jt.set_float32_matmul_precision("high")
        assert jt.get_float32_matmul_precision() == "high"
    finally:
        jt.set_float32_matmul_precision("highest")
    with pytest.warns(UserWarning):
        jt.set_float32_matmul_precision("bogus")
    assert jt.get_float32_matmul_precision() == "highest"
    a = jt.tensor(arr(8, 8))
    np.testing.assert_allclose((a @ a).numpy(), a.numpy().astype("float64") @ a.numpy().astype("float64"),
                               rtol=1e-5, atol=1e-5)


def test_determinism_knobs():
    assert jt.are_deterministic_algorithms_enabled() is False is torch.are_deterministic_algorithms_enabled()
    try:
        for mode in ("warn", 2, "default", 1, 0, "error"):
            torch.set_deterministic_debug_mode(mode)
            jt.set_deterministic_debug_mode(mode)
            assert jt.get_deterministic_debug_mode() == torch.get_deterministic_debug_mode()
            assert jt.are_deterministic_algorithms_enabled() == torch.are_deterministic_algorithms_enabled()
            assert (jt.is_deterministic_algorithms_warn_only_enabled()
                    == torch.is_deterministic_algorithms_warn_only_enabled())
        jt.use_deterministic_algorithms(True, warn_only=True)
        torch.use_deterministic_algorithms(True, warn_only=True)
        assert jt.get_deterministic_debug_mode() == torch.get_deterministic_debug_mode() == 1
    finally:
        torch.use_deterministic_algorithms(False)
        jt.use_deterministic_algorithms(False)
    same_error(lambda: torch.set_deterministic_debug_mode("x"), lambda: jt.set_deterministic_debug_mode("x"))
    same_error(lambda: torch.set_deterministic_debug_mode(3), lambda: jt.set_deterministic_debug_mode(3))
    same_error(lambda: torch.use_deterministic_algorithms(1), lambda: jt.use_deterministic_algorithms(1))


def test_misc_knobs():
    assert jt.is_anomaly_enabled() is False is torch.is_anomaly_enabled()
    assert jt.is_anomaly_check_nan_enabled() == torch.is_anomaly_check_nan_enabled()
    try:
        jt.set_anomaly_enabled(True, False)
        assert jt.is_anomaly_enabled() and not jt.is_anomaly_check_nan_enabled()
    finally:
        jt.set_anomaly_enabled(False)
    assert jt.is_warn_always_enabled() is False is torch.is_warn_always_enabled()
    jt.set_warn_always(True)
    assert jt.is_warn_always_enabled()
    jt.set_warn_always(False)
    assert jt.set_flush_denormal(False) is False
    for obj_t, obj_j in ((torch.zeros(2), jt.zeros(2)), (torch.zeros(2, dtype=torch.int64), jt.zeros(2, dtype=jt.int64)),
                         (3, 3), ("s", "s")):
        assert torch.typename(obj_t) == jt.typename(obj_j)
    assert jt.typename(jt.nn.Linear).endswith("Linear")
    assert jt.is_storage(jt.zeros(2)) is False is torch.is_storage(torch.zeros(2))
    assert jt.get_device(jt.zeros(2)) == -1 == torch.get_device(torch.zeros(2))
    same_error(lambda: torch.set_default_tensor_type(torch.IntTensor if False else "torch.IntTensor"),
               lambda: jt.set_default_tensor_type("torch.IntTensor"))
    try:
        with pytest.warns(UserWarning):
            jt.set_default_tensor_type("torch.DoubleTensor")
        assert jt.get_default_dtype() is jt.float64 and jt.tensor([1.0]).dtype is jt.float64
    finally:
        jt.set_default_dtype(jt.float32)


def test_compile_cond_vmap():
    def f(x, y=1):
        return x * 2 + y

    g = jt.compile(f)  # (torch.compile itself is not called: dynamo takes ~30 s)
    close(f(torch.ones(2)), g(jt.ones(2)))
    assert g.__name__ == "f"
    assert jt.compile(mode="max-autotune")(f)(3) == 7
    m = jt.nn.Linear(2, 2)
    cm = jt.compile(m)
    assert isinstance(cm(jt.ones(1, 2)), jt.Tensor)
    same_error(lambda: torch.compile(3), lambda: jt.compile(3))
    for pred in (True, False):
        args_t, args_j = (torch.arange(3.0),), (jt.arange(3.0),)
        close(torch.cond(torch.tensor(pred), lambda x: x.sin(), lambda x: x.cos(), args_t),
              jt.cond(jt.tensor(pred), lambda x: x.sin(), lambda x: x.cos(), args_j))
    same_error(lambda: torch.cond(torch.tensor([True, False]), lambda x: x, lambda x: x, (torch.zeros(1),)),
               lambda: jt.cond(jt.tensor([True, False]), lambda x: x, lambda x: x, (jt.zeros(1),)))
    xt, xj = pair(arr(3, 4))
    for in_dims, out_dims, other in ((0, 0, arr(3, 4)), ((1, None), 0, arr(3)), ((0, None), 1, arr(4))):
        yt, yj = pair(other)
        close(torch.vmap(lambda a, b: a * b + 1, in_dims, out_dims)(xt, yt),
              jt.vmap(lambda a, b: a * b + 1, in_dims, out_dims)(xj, yj))
    close(torch.vmap(lambda a: (a.sum(), a * 2))(xt), jt.vmap(lambda a: (a.sum(), a * 2))(xj))
    same_error(lambda: torch.vmap(lambda a, b: a + b)(torch.zeros(3), torch.zeros(4)),
               lambda: jt.vmap(lambda a, b: a + b)(jt.zeros(3), jt.zeros(4)))
