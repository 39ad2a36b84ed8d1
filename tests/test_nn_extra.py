"""affine_grid, grid_sample, gumbel_softmax, the shrink/prelu/rrelu/distance functions, the
in-place F forms, channel_shuffle, fractional max pooling and their modules (plus the Lazy*
modules) against real torch: values, dtypes, shapes, input and parameter gradients, grad_fn
names, reprs and exception types."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn as tnn
import torch.nn.functional as TF

import jtorch as jt
import jtorch.nn as jnn
import jtorch.nn.functional as JF
from jtorch.ops import nn_extra


def J(t, grad=False):
    out = jt.tensor(t.detach().numpy())
    return out.requires_grad_() if grad else out


def close(j, t, rtol=1e-5, atol=1e-6):
    assert tuple(j.shape) == tuple(t.shape)
    assert str(j.dtype) == str(t.dtype)
    np.testing.assert_allclose(np.asarray(j.detach().numpy()), t.detach().numpy(), rtol=rtol, atol=atol)


def same_error(jfn, tfn):
    with pytest.raises(Exception) as te:
        tfn()
    with pytest.raises(Exception) as je:
        jfn()
    assert type(je.value) is type(te.value), (je.value, te.value)
    assert str(je.value) == str(te.value)


RNG = np.random.default_rng(0)


def randn(*shape, dtype=torch.float64):
    return torch.tensor(RNG.standard_normal(shape), dtype=dtype)


# ================================================================ affine_grid
@pytest.mark.parametrize("nd", [2, 3])
@pytest.mark.parametrize("align", [False, True])
def test_affine_grid(nd, align):
    size = (2, 3, 4, 5) if nd == 2 else (2, 3, 3, 4, 5)
    th = randn(2, nd, nd + 1, dtype=torch.float32).requires_grad_()
    jth = J(th, True)
    t, j = TF.affine_grid(th, size, align_corners=align), JF.affine_grid(jth, size, align_corners=align)
    close(j, t)
    assert j.grad_fn.name() == t.grad_fn.name() == "AffineGridGeneratorBackward0"
    w = randn(*t.shape, dtype=torch.float32)
    (t * w).sum().backward()
    (j * J(w)).sum().backward()
    close(jth.grad, th.grad, atol=1e-5)


def test_affine_grid_errors_and_warning():
    th = torch.zeros(1, 2, 3)
    same_error(lambda: JF.affine_grid(J(th), (1, 1, 2, 2, 2), False), lambda: TF.affine_grid(th, (1, 1, 2, 2, 2), False))
    same_error(lambda: JF.affine_grid(J(th), (1, 1, 2), False), lambda: TF.affine_grid(th, (1, 1, 2), False))
    same_error(lambda: JF.affine_grid(J(th).long(), (1, 1, 2, 2), False),
               lambda: TF.affine_grid(th.long(), (1, 1, 2, 2), False))
    same_error(lambda: JF.affine_grid(J(th), (1, 1, 0, 2), False), lambda: TF.affine_grid(th, (1, 1, 0, 2), False))
    with pytest.warns(UserWarning, match="align_corners=False"):
        JF.affine_grid(J(th), (1, 1, 2, 2))


# ================================================================ grid_sample
PADS = ("zeros", "border", "reflection")
CASES = ([(2, mode, pad, (i + j) % 2 == 0) for i, mode in enumerate(("bilinear", "nearest", "bicubic"))
          for j, pad in enumerate(PADS)] + [(2, "bilinear", "reflection", False), (2, "bicubic", "reflection", True)]
         + [(3, "bilinear", pad, j % 2 == 1) for j, pad in enumerate(PADS)] + [(3, "nearest", "reflection", False)])


@pytest.mark.parametrize("nd,mode,pad,align", CASES)
def test_grid_sample(nd, mode, pad, align):
    spatial = (4, 5) if nd == 2 else (3, 4, 5)
    x = randn(2, 3, *spatial).requires_grad_()
    g = torch.tensor(RNG.uniform(-1.4, 1.4, (2,) + (3, 4, 2)[:nd] + (nd,))).requires_grad_()
    jx, jg = J(x, True), J(g, True)
    t = TF.grid_sample(x, g, mode=mode, padding_mode=pad, align_corners=align)
    j = JF.grid_sample(jx, jg, mode=mode, padding_mode=pad, align_corners=align)
    close(j, t, rtol=1e-10, atol=1e-12)
    assert j.grad_fn.name() == t.grad_fn.name() == f"GridSampler{nd}DBackward0"
    w = randn(*t.shape)
    (t * w).sum().backward()
    (j * J(w)).sum().backward()
    close(jx.grad, x.grad, rtol=1e-10, atol=1e-12)
    close(jg.grad, g.grad, rtol=1e-9, atol=1e-10)


def test_grid_sample_float32_affine_pipeline():
    x = randn(1, 2, 6, 7, dtype=torch.float32)
    th = torch.tensor([[[0.9, 0.2, 0.1], [-0.3, 1.1, 0.05]]])
    t = TF.grid_sample(x, TF.affine_grid(th, (1, 2, 5, 5), align_corners=False), align_corners=False)
    j = JF.grid_sample(J(x), JF.affine_grid(J(th), (1, 2, 5, 5), align_corners=False), align_corners=False)
    close(j, t, atol=1e-5)


def test_grid_sample_errors():
    x, g = torch.zeros(1, 2, 3, 4), torch.zeros(1, 2, 2, 2)
    for kwargs in ({"mode": "area"}, {"padding_mode": "wrap"}):
        same_error(lambda: JF.grid_sample(J(x), J(g), align_corners=False, **kwargs),
                   lambda: TF.grid_sample(x, g, align_corners=False, **kwargs))
    bad = [(x, torch.zeros(1, 2, 2, 3), {}), (x, torch.zeros(2, 2, 2, 2), {}), (x, g.double(), {}),
           (torch.zeros(1, 2, 3, 4, 5), torch.zeros(1, 2, 2, 2, 3), {"mode": "bicubic"}),
           (torch.zeros(1, 2, 3), torch.zeros(1, 2, 2), {})]
    for a, b, kwargs in bad:
        same_error(lambda: JF.grid_sample(J(a), J(b), align_corners=False, **kwargs),
                   lambda: TF.grid_sample(a, b, align_corners=False, **kwargs))


# ================================================================ gumbel_softmax
@pytest.mark.parametrize("hard", [False, True])
def test_gumbel_softmax_fixed_noise(monkeypatch, hard):
    logits = randn(3, 5, dtype=torch.float32)
    noise = -torch.empty_like(logits).exponential_().log()
    monkeypatch.setattr(nn_extra, "_gumbel_noise", lambda x: J(noise))
    jl = J(logits, True)
    tl = logits.clone().requires_grad_()
    y_soft = ((tl + noise) / 0.7).softmax(1)
    if hard:
        index = y_soft.max(1, keepdim=True)[1]
        t = torch.zeros_like(tl).scatter_(1, index, 1.0) - y_soft.detach() + y_soft
    else:
        t = y_soft
    j = JF.gumbel_softmax(jl, tau=0.7, hard=hard, dim=1)
    close(j, t)
    assert j.grad_fn.name() == ("AddBackward0" if hard else "SoftmaxBackward0")
    w = randn(3, 5, dtype=torch.float32)
    (t * w).sum().backward()
    (j * J(w)).sum().backward()
    close(jl.grad, tl.grad)


def test_gumbel_softmax_random():
    logits = jt.randn(4, 6, requires_grad=True)
    y = JF.gumbel_softmax(logits, hard=True)
    assert y.shape == (4, 6)
    values = y.detach().numpy()
    assert set(np.unique(values)) <= {0.0, 1.0} and (values.sum(-1) == 1).all()
    (y * jt.arange(6.0)).sum().backward()
    assert logits.grad is not None and np.isfinite(logits.grad.numpy()).all() and logits.grad.abs().sum() > 0
    soft = JF.gumbel_softmax(logits, tau=2.0)
    np.testing.assert_allclose(soft.detach().numpy().sum(-1), 1, rtol=1e-6)
    with pytest.warns(UserWarning, match="deprecated"):
        JF.gumbel_softmax(logits, eps=1e-5)


# ================================================================ shrink, prelu, rrelu, distances
@pytest.mark.parametrize("lambd,dtype", [(0.0, "float32"), (0.5, "float64"), (1.2, "float32")])
def test_shrink(lambd, dtype):
    x = torch.tensor([-2.0, -1.0, -0.5, -0.25, 0.0, 0.3, 0.5, 1.0, 1.7, float("nan")], dtype=getattr(torch, dtype))
    for name in ("hardshrink", "softshrink"):
        if name == "hardshrink":  # torch.hardshrink's kernel (ops/aliases.py) maps NaN to 0; torch keeps NaN
            x = x[:-1]
        tx, jx = x.clone().requires_grad_(), J(x, True)
        t, j = getattr(TF, name)(tx, lambd), getattr(JF, name)(jx, lambd)
        close(j, t)
        assert j.grad_fn.name() == t.grad_fn.name()
        t.backward(torch.arange(float(len(x)), dtype=x.dtype))
        j.backward(jt.arange(float(len(x)), dtype=jx.dtype))
        close(jx.grad, tx.grad)


def test_shrink_errors_and_defaults():
    x = torch.tensor([-1.0, 0.2, 0.7])
    close(JF.softshrink(J(x)), TF.softshrink(x))
    close(JF.hardshrink(J(x)), TF.hardshrink(x))
    same_error(lambda: JF.softshrink(J(x), -1.0), lambda: TF.softshrink(x, -1.0))
    same_error(lambda: JF.softshrink(J(x).double(), -0.5), lambda: TF.softshrink(x.double(), -0.5))
    same_error(lambda: JF.softshrink(jt.tensor([1, 2])), lambda: TF.softshrink(torch.tensor([1, 2])))


@pytest.mark.parametrize("channels", [1, 3])
def test_prelu(channels):
    x = randn(2, 3, 4, dtype=torch.float32).requires_grad_()
    w = torch.rand(channels).requires_grad_()
    jx, jw = J(x, True), J(w, True)
    t, j = TF.prelu(x, w), JF.prelu(jx, jw)
    close(j, t)
    assert j.grad_fn.name() == t.grad_fn.name()
    t.sum().backward()
    j.sum().backward()
    close(jx.grad, x.grad)
    close(jw.grad, w.grad, atol=1e-5)
    same_error(lambda: JF.prelu(J(x), jt.ones(2)), lambda: TF.prelu(x.detach(), torch.ones(2)))


def test_rrelu_and_distances():
    x = randn(3, 4, dtype=torch.float32)
    close(JF.rrelu(J(x)), TF.rrelu(x))
    close(JF.rrelu(J(x), 0.2, 0.4), TF.rrelu(x, 0.2, 0.4))
    jy = JF.rrelu(J(x), training=True)
    xv, yv = x.numpy(), jy.numpy()
    slope = yv[xv < 0] / xv[xv < 0]
    assert ((slope >= 0.125) & (slope <= 1 / 3 + 1e-6)).all() and (yv[xv >= 0] == xv[xv >= 0]).all()
    a, b = randn(3, 4, dtype=torch.float32), randn(3, 4, dtype=torch.float32)
    close(JF.cosine_similarity(J(a), J(b)), TF.cosine_similarity(a, b))
    close(JF.cosine_similarity(J(a), J(b), 0, 1e-3), TF.cosine_similarity(a, b, 0, 1e-3))
    close(JF.pairwise_distance(J(a), J(b)), TF.pairwise_distance(a, b))
    close(JF.pairwise_distance(J(a), J(b), 1.0, 1e-3, True), TF.pairwise_distance(a, b, 1.0, 1e-3, True))
    close(JF.pdist(J(a)), TF.pdist(a))
    close(JF.pdist(J(a), 1), TF.pdist(a, 1))
    ja = J(a, True)
    assert JF.cosine_similarity(ja, J(b)).grad_fn.name() == "SumBackward1"
    assert JF.pairwise_distance(ja, J(b)).grad_fn.name() == "NormBackward1"
    assert JF.pdist(ja).grad_fn.name() == "PdistBackward0"
    assert JF.rrelu(ja).grad_fn.name() == "RreluWithNoiseBackward0"


# ================================================================ in-place F forms
INPLACE = [("relu_", ()), ("elu_", (0.7,)), ("celu_", (1.3,)), ("selu_", ()), ("leaky_relu_", (0.2,)),
           ("hardtanh_", (-0.5, 0.4)), ("threshold_", (0.1, 2.0)), ("rrelu_", (0.1, 0.3))]


@pytest.mark.parametrize("name,args", INPLACE)
def test_inplace_forms(name, args):
    x = randn(3, 4, dtype=torch.float32).requires_grad_()
    jx = J(x, True)
    ty, jy = x.clone(), jx.clone()
    tr, jr = getattr(TF, name)(ty, *args), getattr(JF, name)(jy, *args)
    assert jr is jy
    close(jy, ty)
    assert jy.grad_fn.name() == ty.grad_fn.name()
    ty.sum().backward()
    jy.sum().backward()
    close(jx.grad, x.grad)


# ================================================================ channel_shuffle
def test_channel_shuffle():
    x = randn(2, 6, 3, dtype=torch.float32).requires_grad_()
    jx = J(x, True)
    t, j = TF.channel_shuffle(x, 3), JF.channel_shuffle(jx, 3)
    close(j, t)
    assert j.grad_fn.name() == t.grad_fn.name() == "ChannelShuffleBackward0"
    w = randn(2, 6, 3, dtype=torch.float32)
    (t * w).sum().backward()
    (j * J(w)).sum().backward()
    close(jx.grad, x.grad)
    close(JF.native_channel_shuffle(J(x), 2), TF.native_channel_shuffle(x.detach(), 2))
    m, jm = tnn.ChannelShuffle(2), jnn.ChannelShuffle(2)
    assert repr(jm) == repr(m)
    close(jm(J(x)), m(x))
    same_error(lambda: JF.channel_shuffle(J(x), 4), lambda: TF.channel_shuffle(x, 4))
    same_error(lambda: JF.channel_shuffle(J(x[0]), 2), lambda: TF.channel_shuffle(x[0], 2))


# ================================================================ fractional max pooling
FRACTIONAL = [(2, (2, 3, 9, 11), (2, 3), (4, 5)), (2, (3, 8, 8), 2, (5, 5)), (3, (2, 2, 6, 7, 8), 2, (3, 4, 5)),
              (2, (1, 2, 7, 7), 3, (5, 1))]


@pytest.mark.parametrize("nd,shape,kernel,out", FRACTIONAL)
def test_fractional_max_pool_given_samples(nd, shape, kernel, out):
    x = randn(*shape, dtype=torch.float32).requires_grad_()
    samples = torch.rand(shape[0] if len(shape) == nd + 2 else 1, shape[-nd - 1], nd)
    jx = J(x, True)
    tf, jf = getattr(TF, f"fractional_max_pool{nd}d"), getattr(JF, f"fractional_max_pool{nd}d")
    t, ti = tf(x, kernel, output_size=out, return_indices=True, _random_samples=samples)
    j, ji = jf(jx, kernel, output_size=out, return_indices=True, _random_samples=J(samples))
    close(j, t)
    close(ji, ti)
    assert j.grad_fn.name() == t.grad_fn.name() == f"FractionalMaxPool{nd}DBackward0"
    w = randn(*t.shape, dtype=torch.float32)
    (t * w).sum().backward()
    (j * J(w)).sum().backward()
    close(jx.grad, x.grad)
    jwi = getattr(JF, f"fractional_max_pool{nd}d_with_indices")(J(x), kernel, out, _random_samples=J(samples))
    close(jwi[1], ti)


def test_fractional_max_pool_random():
    x = jt.randn(2, 3, 10, 9)
    out, idx = JF.fractional_max_pool2d(x, 3, output_ratio=(0.5, 0.5), return_indices=True)
    assert out.shape == (2, 3, 5, 4) and idx.dtype == jt.int64
    flat = x.reshape(2, 3, -1).numpy()
    np.testing.assert_array_equal(np.take_along_axis(flat, idx.reshape(2, 3, -1).numpy(), 2), out.reshape(2, 3, -1).numpy())
    assert ((idx.numpy() >= 0) & (idx.numpy() < 90)).all()
    x3 = jt.randn(2, 6, 6, 6)
    assert JF.fractional_max_pool3d(x3, 2, output_ratio=0.5).shape == (2, 3, 3, 3)
    x = torch.zeros(1, 1, 4, 4)
    same_error(lambda: JF.fractional_max_pool2d(J(x), 2), lambda: TF.fractional_max_pool2d(x, 2))
    same_error(lambda: JF.fractional_max_pool2d(J(x), 2, output_ratio=0.5),
               lambda: TF.fractional_max_pool2d(x, 2, output_ratio=0.5))
    same_error(lambda: JF.fractional_max_pool2d(J(x), 3, output_size=3),
               lambda: TF.fractional_max_pool2d(x, 3, output_size=3))


def test_fractional_modules():
    samples = torch.rand(2, 3, 2)
    x = randn(2, 3, 8, 8, dtype=torch.float32)
    m = tnn.FractionalMaxPool2d(2, output_size=(4, 3), _random_samples=samples)
    jm = jnn.FractionalMaxPool2d(2, output_size=(4, 3), _random_samples=J(samples))
    assert repr(jm) == repr(m)
    close(jm(J(x)), m(x))
    assert repr(jnn.FractionalMaxPool3d(2, output_ratio=0.5)) == repr(tnn.FractionalMaxPool3d(2, output_ratio=0.5))
    for args, kwargs in [((2,), {}), ((2,), {"output_size": 2, "output_ratio": 0.5}), ((2,), {"output_ratio": 1.5})]:
        same_error(lambda: jnn.FractionalMaxPool2d(*args, **kwargs), lambda: tnn.FractionalMaxPool2d(*args, **kwargs))
    same_error(lambda: jnn.FractionalMaxPool3d(0, output_size=2), lambda: tnn.FractionalMaxPool3d(0, output_size=2))


# ================================================================ modules
def test_simple_modules():
    a, b = randn(3, 4, dtype=torch.float32), randn(3, 4, dtype=torch.float32)
    pairs = [(tnn.CosineSimilarity(), jnn.CosineSimilarity()), (tnn.CosineSimilarity(0, 1e-3),
                                                                 jnn.CosineSimilarity(0, 1e-3)),
             (tnn.PairwiseDistance(), jnn.PairwiseDistance()), (tnn.PairwiseDistance(1.0, 1e-4, True),
                                                               jnn.PairwiseDistance(1.0, 1e-4, True))]
    for m, jm in pairs:
        assert repr(jm) == repr(m)
        close(jm(J(a), J(b)), m(a, b))
    for m, jm in [(tnn.Hardshrink(), jnn.Hardshrink()), (tnn.Softshrink(0.3), jnn.Softshrink(0.3)),
                  (tnn.RReLU(), jnn.RReLU()), (tnn.RReLU(0.1, 0.3, True), jnn.RReLU(0.1, 0.3, True)),
                  (tnn.Softmax2d(), jnn.Softmax2d())]:
        assert repr(jm) == repr(m)
        x = randn(2, 3, 4, dtype=torch.float32)
        close(jm.eval()(J(x)), m.eval()(x))
    same_error(lambda: jnn.Softmax2d()(jt.zeros(2, 3)), lambda: tnn.Softmax2d()(torch.zeros(2, 3)))
    x = J(randn(3, 4, dtype=torch.float32))
    y = jnn.RReLU().train()(x)
    assert ((y.numpy() == x.numpy()) | (x.numpy() < 0)).all()


def test_prelu_module():
    m, jm = tnn.PReLU(3, init=0.1), jnn.PReLU(3, init=0.1)
    assert repr(jm) == repr(m) == "PReLU(num_parameters=3)"
    assert isinstance(jm.weight, jnn.Parameter) and [k for k, _ in jm.named_parameters()] == ["weight"]
    close(jm.weight, m.weight)
    x = randn(2, 3, 4, dtype=torch.float32)
    jx = J(x, True)
    t, j = m(x), jm(jx)
    close(j, t)
    t.sum().backward()
    j.sum().backward()
    close(jm.weight.grad, m.weight.grad, atol=1e-5)
    assert jnn.PReLU(dtype=jt.float64).weight.dtype == jt.float64


# ================================================================ lazy modules
LAZY_CONV = [("LazyConv1d", (4, 3), {}, (2, 3, 7)), ("LazyConv2d", (4, 3), {"stride": 2, "padding": 1}, (2, 3, 6, 6)),
             ("LazyConv3d", (2, 2), {"bias": False}, (1, 2, 4, 4, 4)),
             ("LazyConvTranspose1d", (4, 3), {"stride": 2}, (2, 3, 5)),
             ("LazyConvTranspose2d", (2, 3), {"groups": 1, "bias": False}, (2, 3, 4, 4)),
             ("LazyConvTranspose3d", (2, 2), {}, (1, 2, 3, 3, 3))]


@pytest.mark.parametrize("name,args,kwargs,shape", LAZY_CONV)
def test_lazy_conv(name, args, kwargs, shape):
    m, jm = getattr(tnn, name)(*args, **kwargs), getattr(jnn, name)(*args, **kwargs)
    assert repr(jm) == repr(m)
    assert isinstance(jm.weight, jnn.UninitializedParameter) and jm.has_uninitialized_params()
    x = randn(*shape, dtype=torch.float32)
    t = m(x)
    j = jm(J(x))
    assert type(jm).__name__ == type(m).__name__ == name[4:]
    assert repr(jm) == repr(m)
    assert tuple(j.shape) == tuple(t.shape)
    assert [(k, tuple(v.shape)) for k, v in jm.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in m.state_dict().items()]
    assert isinstance(jm.weight, jnn.Parameter)
    jm.load_state_dict({k: J(v) for k, v in m.state_dict().items()})
    close(jm(J(x)), t, atol=1e-5)


@pytest.mark.parametrize("name,shape", [("LazyBatchNorm1d", (4, 3)), ("LazyBatchNorm2d", (2, 3, 4, 4)),
                                        ("LazyBatchNorm3d", (2, 3, 2, 2, 2)), ("LazyInstanceNorm1d", (2, 3, 5)),
                                        ("LazyInstanceNorm2d", (2, 3, 4, 4)), ("LazyInstanceNorm3d", (2, 3, 2, 2, 3))])
def test_lazy_norm(name, shape):
    m, jm = getattr(tnn, name)(), getattr(jnn, name)()
    assert repr(jm) == repr(m)
    assert isinstance(jm.running_mean, jnn.UninitializedBuffer)
    assert repr(jm.running_mean) == repr(m.running_mean) == "<UninitializedBuffer>"
    x = randn(*shape, dtype=torch.float32)
    t, j = m(x), jm(J(x))
    close(j, t, atol=1e-5)
    assert repr(jm) == repr(m) and type(jm).__name__ == name[4:]
    for key, value in m.state_dict().items():
        close(jm.state_dict()[key], value, atol=1e-6)
    m2, jm2 = getattr(tnn, name)(affine=False, track_running_stats=False), \
        getattr(jnn, name)(affine=False, track_running_stats=False)
    assert repr(jm2) == repr(m2)
    close(jm2(J(x)), m2(x), atol=1e-5)
    assert repr(jm2) == repr(m2)


def test_lazy_load_state_dict_and_errors():
    m = tnn.Conv2d(3, 4, 3)
    jm = jnn.LazyConv2d(4, 3)
    jm.load_state_dict({k: J(v) for k, v in m.state_dict().items()})
    assert tuple(jm.weight.shape) == (4, 3, 3, 3)
    x = randn(1, 3, 5, 5, dtype=torch.float32)
    close(jm(J(x)), m(x), atol=1e-5)
    same_error(lambda: jnn.LazyConv2d(4, 3, groups=2)(jt.zeros(1, 3, 5, 5)),
               lambda: tnn.LazyConv2d(4, 3, groups=2)(torch.zeros(1, 3, 5, 5)))
    same_error(lambda: jnn.LazyConv2d(4, 3)(jt.zeros(3, 5)), lambda: tnn.LazyConv2d(4, 3)(torch.zeros(3, 5)))
    assert jnn.LazyBatchNorm1d(dtype=jt.float64)(jt.zeros(2, 3, dtype=jt.float64)).dtype == jt.float64
    assert jnn.parameter.UninitializedBuffer is jnn.UninitializedBuffer
