"""Pooling, padding, interpolation, pixel shuffle, transposed convolution and fold/unfold
against real torch: forward values (and indices), dtypes, shapes, grad_fn names, input and
weight gradients, module reprs, and torch's exception types for bad arguments."""
import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import assume, given, settings, strategies as st

import jtorch as jt
import jtorch.nn.functional as JF


# ================================================================ helpers
def _np(x):
    x = x.detach()
    if x.dtype in (torch.bfloat16, jt.bfloat16):
        x = x.float()
    return np.array(x.numpy())


def _builtin(error):
    return next(c for c in type(error).__mro__ if c.__module__ == "builtins")


def outcome(fn):
    try:
        return fn(), None
    except Exception as error:  # noqa: BLE001 - the exception is what is compared
        return None, error


def assert_same(j, t, rtol=1e-5, atol=1e-6, what=""):
    if isinstance(t, (tuple, list)):
        assert isinstance(j, (tuple, list)) and len(j) == len(t), what
        for a, b in zip(j, t):
            assert_same(a, b, rtol, atol, what)
        return
    assert isinstance(j, jt.Tensor), f"{what}: {type(j)}"
    assert j.dtype.name == str(t.dtype).removeprefix("torch."), f"{what}: dtype {j.dtype} vs {t.dtype}"
    assert tuple(j.shape) == tuple(t.shape), f"{what}: shape {tuple(j.shape)} vs {tuple(t.shape)}"
    a, b = _np(j), _np(t)
    if a.dtype.kind in "fc":
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)
    else:
        np.testing.assert_array_equal(a, b, err_msg=what)


def compare(t_call, j_call, what=""):
    """Both calls' outcomes: equal results, or exceptions of the same built-in type."""
    t_res, t_err = outcome(t_call)
    j_res, j_err = outcome(j_call)
    if t_err is not None:
        assert j_err is not None, f"{what}: torch raised {t_err!r}, jtorch returned"
        assert isinstance(j_err, _builtin(t_err)), f"{what}: torch raised {t_err!r}, jtorch {j_err!r}"
        return None, None
    if j_err is not None:
        raise AssertionError(f"{what}: jtorch raised {j_err!r}") from j_err
    return t_res, j_res


def pair(values, dtype="float32", requires_grad=False):
    t = torch.tensor(values).to(getattr(torch, dtype))
    j = jt.tensor(values).to(getattr(jt, dtype))
    if requires_grad:
        t.requires_grad_(True)
        j.requires_grad_(True)
    return t, j


def check_op(t_fn, j_fn, arrays, rng, dtype="float32", grad=True, rtol=1e-5, atol=1e-6, grad_rtol=1e-4,
             grad_atol=1e-5, what=""):
    """Forward outcome of fn(*tensors) on both libraries; then grad_fn names and the
    gradients of every float input for a random cotangent (grad="name": the names only)."""
    ts, js = zip(*(pair(a, dtype) for a in arrays))
    t_res, j_res = compare(lambda: t_fn(*ts), lambda: j_fn(*js), what)
    if t_res is None:
        return None
    assert_same(j_res, t_res, rtol, atol, what)
    if not grad or dtype not in ("float32", "float64"):
        return t_res
    ts, js = zip(*(pair(a, dtype, requires_grad=True) for a in arrays))
    t_out, j_out = t_fn(*ts), j_fn(*js)
    if isinstance(t_out, tuple):
        t_out, j_out = t_out[0], j_out[0]
    assert type(j_out.grad_fn).__name__ == type(t_out.grad_fn).__name__, what
    if t_out.numel() == 0 or grad == "name":  # some torch backward kernels refuse empty gradients
        return t_res
    cotangent = rng.standard_normal(tuple(t_out.shape)).astype(dtype)
    t_grads = torch.autograd.grad(t_out, ts, torch.tensor(cotangent), allow_unused=True)
    j_grads = jt.autograd.grad(j_out, list(js), jt.tensor(cotangent), allow_unused=True)
    for tg, jg in zip(t_grads, j_grads):
        if tg is None:
            assert jg is None or not np.any(_np(jg)), what
        else:
            assert_same(jg, tg, grad_rtol, grad_atol, f"grad {what}")
    return t_res


def values(rng, shape, kind="float"):
    """Test data: 'ties' draws few distinct values (ties decide which index a max picks)."""
    if kind == "ties":
        return rng.integers(-3, 4, shape).astype(np.float32)
    if kind == "special":
        x = rng.integers(-3, 4, shape).astype(np.float32)
        flat = x.reshape(-1)
        if flat.size:
            flat[rng.integers(0, flat.size, max(1, flat.size // 8))] = rng.choice([np.nan, -np.inf, np.inf])
        return x
    return rng.standard_normal(shape).astype(np.float32)


seeds = st.integers(0, 2**32 - 1)
# every drawn configuration compiles new XLA kernels (forward and backward), so these tests
# take an eighth of the profile's examples (5 under "ci", 62 under "thorough")
FEW = settings(max_examples=max(4, settings.default.max_examples // 8))


def windows_nonempty(sizes, kernel, stride, padding, dilation, ceil_mode):
    """Whether every pooling window holds an input element (torch reads out of bounds otherwise)."""
    for size, k, s, p, d in zip(sizes, kernel, stride, padding, dilation):
        out = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
        if ceil_mode and (out - 1) * s >= size + p:
            out -= 1
        for o in range(max(out, 0)):
            if not any(0 <= o * s - p + j * d < size for j in range(k)):
                return False
    return True


def pool_shape(draw, n, min_side=1, max_side=7):
    spatial = tuple(draw(st.integers(min_side, max_side)) for _ in range(n))
    lead = draw(st.sampled_from([(2, 3), (1, 2), (3,)]))
    return lead + spatial


# ================================================================ max pooling
@FEW
@given(data=st.data())
def test_max_pool(data):
    n = data.draw(st.sampled_from([1, 2, 2, 3]))
    shape = pool_shape(data.draw, n, max_side=6 if n < 3 else 4)
    kernel = tuple(data.draw(st.integers(1, 3)) for _ in range(n))
    stride = data.draw(st.one_of(st.none(), st.tuples(*[st.integers(1, 3)] * n)))
    padding = tuple(data.draw(st.integers(0, k // 2)) for k in kernel)
    dilation = tuple(data.draw(st.integers(1, 2)) for _ in range(n))
    ceil_mode, return_indices = data.draw(st.booleans()), data.draw(st.booleans())
    kind = data.draw(st.sampled_from(["float", "ties", "special"]))
    assume(windows_nonempty(shape[-n:], kernel, stride or kernel, padding, dilation, ceil_mode))
    rng = np.random.default_rng(data.draw(seeds))
    args = dict(kernel_size=kernel if n > 1 else kernel[0], stride=stride, padding=padding, dilation=dilation,
                ceil_mode=ceil_mode, return_indices=return_indices)
    name = f"max_pool{n}d"
    check_op(lambda x: getattr(TF, name)(x, **args), lambda x: getattr(JF, name)(x, **args),
             [values(rng, shape, kind)], rng, grad=kind != "special", what=f"{name} {shape} {args}")


@pytest.mark.parametrize("dtype", ["float64", "float16", "bfloat16", "int64", "int32", "uint8", "bool"])
def test_max_pool_dtypes(dtype):
    x = (np.arange(2 * 3 * 5 * 5) * 7 % 11).reshape(2, 3, 5, 5)
    rng = np.random.default_rng(0)
    names = (("max_pool2d", (2, 3, 5, 5)), ("max_pool1d", (2, 3, 25)))
    for name, shape in names if dtype in ("int64", "bool") else names[:1]:
        check_op(lambda v: getattr(TF, name)(v, 2, 1, return_indices=True),
                 lambda v: getattr(JF, name)(v, 2, 1, return_indices=True), [x.reshape(shape)], rng, dtype,
                 what=f"{name} {dtype}")
        check_op(lambda v: getattr(TF, name)(v, 2, 1), lambda v: getattr(JF, name)(v, 2, 1), [x.reshape(shape)],
                 rng, dtype, grad="name", what=f"{name} {dtype}")


def test_max_pool_torch_namespace():
    rng = np.random.default_rng(1)
    x = values(rng, (2, 3, 6, 6), "ties")
    args = (3, 2, 1, 1, True)
    check_op(lambda v: torch.max_pool2d(v, *args), lambda v: jt.max_pool2d(v, *args), [x], rng)
    check_op(lambda v: torch.max_pool1d(v[0], *args), lambda v: jt.max_pool1d(v[0], *args), [x], rng)
    check_op(lambda v: torch.max_pool1d_with_indices(v[0], *args), lambda v: jt.max_pool1d_with_indices(v[0], *args),
             [x], rng)
    check_op(lambda v: torch.max_pool3d(v, *args), lambda v: jt.max_pool3d(v, *args), [x], rng, grad="name")
    check_op(lambda v: TF.max_pool2d_with_indices(v, 3, 2, 1), lambda v: JF.max_pool2d_with_indices(v, 3, 2, 1),
             [x], rng, grad="name")


def test_max_pool_first_max_and_nan_indices():
    # ties pick the first maximum in scan order; NaN wins, the last NaN in the window
    x = np.array([[[[1, 3, 3, 1], [3, 2, 1, 3], [np.nan, 0, np.nan, np.nan], [5, np.nan, 0, 1]]]], np.float32)
    for args in [(2,), (3, 1), (2, 1, 1), (3, 2, 1, 1, True)]:
        t_v, t_i = TF.max_pool2d(torch.tensor(x), *args, return_indices=True)
        j_v, j_i = JF.max_pool2d(jt.tensor(x), *args, return_indices=True)
        assert_same(j_v, t_v)
        assert_same(j_i, t_i)


# ================================================================ max unpooling
@pytest.mark.parametrize("n,shape,kernel,stride,padding,output_size", [
    (1, (3, 9), 3, 2, 1, None), (2, (3, 7, 5), 3, 2, 1, None), (2, (2, 2, 5, 5), 2, 2, 0, (1, 1, 5, 5)),
    (3, (2, 5, 4, 6), (2, 1, 3), (2, 1, 3), 0, None),
])
def test_max_unpool(n, shape, kernel, stride, padding, output_size):
    rng = np.random.default_rng(2)
    x = values(rng, shape)
    pool, unpool = f"max_pool{n}d", f"max_unpool{n}d"

    def run(F, v):
        out, idx = getattr(F, pool)(v, kernel, stride, padding, return_indices=True)
        return getattr(F, unpool)(out, idx, kernel, stride, padding, output_size)

    check_op(lambda v: run(TF, v), lambda v: run(JF, v), [x], rng, what=unpool)


def test_max_unpool_errors():
    rng = np.random.default_rng(3)
    x = values(rng, (1, 1, 2, 2))
    for idx in ([[[[0, 3], [10, 16]]]], [[[[0, 3], [10, -1]]]], [[[[0, 3]]]]):
        compare(lambda: TF.max_unpool2d(torch.tensor(x), torch.tensor(idx), 2),
                lambda: JF.max_unpool2d(jt.tensor(x), jt.tensor(idx), 2), f"indices {idx}")
    good = [[[[0, 3], [10, 15]]]]
    for kwargs in ({"output_size": (6, 5)}, {"output_size": (1, 4, 4)}, {"output_size": (5, 5)}):
        compare(lambda: TF.max_unpool2d(torch.tensor(x), torch.tensor(good), 2, **kwargs),
                lambda: JF.max_unpool2d(jt.tensor(x), jt.tensor(good), 2, **kwargs), str(kwargs))
    compare(lambda: TF.max_unpool2d(torch.tensor(x), torch.tensor(good, dtype=torch.int32), 2),
            lambda: JF.max_unpool2d(jt.tensor(x), jt.tensor(good, dtype=jt.int32), 2), "int32 indices")
    compare(lambda: TF.max_unpool2d(torch.tensor(x[0, 0]), torch.tensor(good[0][0]), 2),
            lambda: JF.max_unpool2d(jt.tensor(x[0, 0]), jt.tensor(good[0][0]), 2), "2d input")


# ================================================================ average pooling
@FEW
@given(data=st.data())
def test_avg_pool(data):
    n = data.draw(st.sampled_from([1, 2, 2, 3]))
    shape = pool_shape(data.draw, n, max_side=6 if n < 3 else 4)
    kernel = tuple(data.draw(st.integers(1, 3)) for _ in range(n))
    stride = data.draw(st.one_of(st.none(), st.tuples(*[st.integers(1, 3)] * n)))
    padding = tuple(data.draw(st.integers(0, k // 2)) for k in kernel)
    args = dict(kernel_size=kernel if n > 1 else kernel[0], stride=stride, padding=padding,
                ceil_mode=data.draw(st.booleans()), count_include_pad=data.draw(st.booleans()))
    if n > 1:
        args["divisor_override"] = data.draw(st.sampled_from([None, None, 3, -2]))
    rng = np.random.default_rng(data.draw(seeds))
    name = f"avg_pool{n}d"
    check_op(lambda x: getattr(TF, name)(x, **args), lambda x: getattr(JF, name)(x, **args),
             [values(rng, shape)], rng, what=f"{name} {shape} {args}")


@pytest.mark.parametrize("dtype", ["float64", "float16", "bfloat16", "int64", "int32", "uint8", "bool"])
def test_avg_pool_dtypes(dtype):
    x = (np.arange(2 * 3 * 5 * 5) * 7 % 11 - 5).reshape(2, 3, 5, 5)
    rng = np.random.default_rng(4)
    for name, shape in (("avg_pool2d", (2, 3, 5, 5)), ("avg_pool3d", (1, 2, 3, 5, 5))):
        check_op(lambda v: getattr(TF, name)(v, 2, 1, 1), lambda v: getattr(JF, name)(v, 2, 1, 1),
                 [x.reshape(shape)], rng, dtype, rtol=1e-3 if dtype in ("float16", "bfloat16") else 1e-6,
                 atol=1e-2 if dtype == "bfloat16" else 1e-6, grad="name", what=f"{name} {dtype}")
    check_op(lambda v: torch.avg_pool1d(v[0], 3, 2), lambda v: jt.avg_pool1d(v[0], 3, 2), [x], rng, dtype,
             rtol=1e-2, atol=1e-2, grad="name")


# ================================================================ adaptive pooling
@FEW
@given(data=st.data())
def test_adaptive_pool(data):
    n = data.draw(st.sampled_from([1, 2, 2, 3]))
    shape = pool_shape(data.draw, n, max_side=9 if n < 3 else 5)
    out = tuple(data.draw(st.integers(1, 6)) for _ in range(n))
    if n > 1 and data.draw(st.booleans()):
        out = tuple(data.draw(st.sampled_from([o, None, 1])) for o in out)
    output_size = out[0] if n == 1 or (len(set(out)) == 1 and data.draw(st.booleans())) else out
    kind = data.draw(st.sampled_from(["avg", "max", "max_indices"]))
    rng = np.random.default_rng(data.draw(seeds))
    name = f"adaptive_{kind[:3]}_pool{n}d"
    extra = (True,) if kind == "max_indices" else ()
    check_op(lambda x: getattr(TF, name)(x, output_size, *extra), lambda x: getattr(JF, name)(x, output_size, *extra),
             [values(rng, shape, "ties" if kind != "avg" else "float")], rng, what=f"{name} {shape} {output_size}")


def test_adaptive_torch_namespace_and_dtypes():
    rng = np.random.default_rng(5)
    x = values(rng, (2, 3, 7), "ties")
    check_op(lambda v: torch.adaptive_avg_pool1d(v, 3), lambda v: jt.adaptive_avg_pool1d(v, 3), [x], rng)
    check_op(lambda v: torch.adaptive_max_pool1d(v, 3), lambda v: jt.adaptive_max_pool1d(v, 3), [x], rng)
    check_op(lambda v: TF.adaptive_max_pool2d_with_indices(v, 2), lambda v: JF.adaptive_max_pool2d_with_indices(v, 2),
             [x], rng)
    for dtype, sizes in (("float64", (2, 1)), ("float16", (3,)), ("int64", (2, 1))):
        for name in ("adaptive_avg_pool2d", "adaptive_max_pool2d"):
            for size in sizes:
                check_op(lambda v: getattr(TF, name)(v, size), lambda v: getattr(JF, name)(v, size), [x], rng,
                         dtype, rtol=1e-3, grad="name", what=f"{name} {dtype}")


# ================================================================ power-average pooling
@pytest.mark.parametrize("n,norm,kernel,stride,ceil", [
    (1, 3.0, 2, 1, True), (2, 1.5, (2, 3), (1, 2), True), (2, float("inf"), 2, 1, False), (3, 2, 2, 1, False),
])
def test_lp_pool(n, norm, kernel, stride, ceil):
    rng = np.random.default_rng(6)
    shape = {1: (2, 3, 7), 2: (2, 3, 6, 7), 3: (1, 2, 4, 5, 4)}[n]
    x = np.abs(values(rng, shape)) + 0.1
    name = f"lp_pool{n}d"
    check_op(lambda v: getattr(TF, name)(v, norm, kernel, stride, ceil),
             lambda v: getattr(JF, name)(v, norm, kernel, stride, ceil), [x], rng, what=name)


# ================================================================ padding
@FEW
@given(data=st.data())
def test_pad(data):
    mode = data.draw(st.sampled_from(["constant", "reflect", "replicate", "circular"]))
    n = data.draw(st.integers(1, 3))
    batched = data.draw(st.booleans())
    shape = ((2,) if batched else ()) + (2,) + tuple(data.draw(st.integers(1, 5)) for _ in range(n))
    if mode == "constant":
        shape = shape[data.draw(st.integers(0, len(shape) - 1)):]
        n = data.draw(st.integers(0, len(shape)))
    low = -2 if mode != "reflect" else -1
    pads = tuple(data.draw(st.integers(low, 4)) for _ in range(2 * n))
    kwargs = {"value": data.draw(st.sampled_from([0.0, 1.5, -2.0]))} if mode == "constant" else {}
    if mode == "circular":  # torch reads uninitialised memory when a crop leaves less than a pad wraps
        for i in range(n):
            lo, hi, size = pads[2 * i], pads[2 * i + 1], shape[-1 - i]
            kept = size - max(-lo, 0) - max(-hi, 0)
            assume(max(lo, 0) <= kept and max(hi, 0) <= kept)
    rng = np.random.default_rng(data.draw(seeds))
    check_op(lambda x: TF.pad(x, pads, mode, **kwargs), lambda x: JF.pad(x, pads, mode, **kwargs),
             [values(rng, shape)], rng, what=f"pad {shape} {pads} {mode}")


@pytest.mark.parametrize("dtype", ["float64", "float16", "int64", "uint8", "bool", "complex64"])
@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
def test_pad_dtypes(dtype, mode):
    x = (np.arange(2 * 3 * 4) % 5).reshape(2, 3, 4)
    rng = np.random.default_rng(7)
    kwargs = {"value": 2.5} if mode == "constant" else {}
    check_op(lambda v: TF.pad(v, (1, 2), mode, **kwargs), lambda v: JF.pad(v, (1, 2), mode, **kwargs), [x], rng,
             dtype, what=f"pad {mode} {dtype}")


def test_constant_pad_nd_torch_namespace():
    rng = np.random.default_rng(8)
    x = values(rng, (2, 3, 4))
    check_op(lambda v: torch.constant_pad_nd(v, (1, -1, 2, 0), 3.0), lambda v: jt.constant_pad_nd(v, (1, -1, 2, 0), 3.0),
             [x], rng)


PAD_ERRORS = [
    ((2, 3, 4), (1,), "constant", None), ((2, 3, 4), (1, 1) * 4, "constant", None),
    ((2, 3, 4), (1, 1) * 4, "reflect", None), ((2, 3, 4), (4, 1), "reflect", None),
    ((2, 3, 4, 4), (1, 1, 4, 1), "reflect", None), ((2, 3, 4, 4, 4), (1, 1, 1, 1, 4, 1), "reflect", None),
    ((2, 3, 4), (5, 1), "circular", None), ((2, 3, 4), (-5, 1), "reflect", None),
    ((2, 3, 4), (-2, -2), "replicate", None), ((4,), (1, 1), "replicate", None), ((4, 4), (1, 1, 1, 1), "reflect", None),
    ((2, 3, 4, 4), (1, 1), "reflect", None), ((2, 3, 4), (1, 1), "foo", None), ((2, 3, 4), (1, 1), "reflect", 1.0),
    ((2, 3, 4), (-3, -2), "constant", None), ((2, 3, 4), (-2, -2), "constant", None), ((), (1, 1), "constant", None),
    ((2, 0, 4), (1, 1), "reflect", None), ((0, 3, 4), (1, 1), "reflect", None), ((2, 3, 4), (1.0, 1), "constant", None),
]


@pytest.mark.parametrize("shape,pads,mode,value", PAD_ERRORS)
def test_pad_errors(shape, pads, mode, value):
    x = np.ones(shape, np.float32)
    compare(lambda: TF.pad(torch.tensor(x), pads, mode, value), lambda: JF.pad(jt.tensor(x), pads, mode, value),
            f"{shape} {pads} {mode}")


# ================================================================ interpolation
@FEW
@given(data=st.data())
def test_interpolate(data):
    mode = data.draw(st.sampled_from(["nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear",
                                      "area", "bilinear-aa", "bicubic-aa"]))
    antialias = mode.endswith("-aa")
    mode = mode.removesuffix("-aa")
    n = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}.get(mode) or data.draw(st.integers(1, 3))
    max_side = 6 if n < 3 else 4
    # (torch's antialiased kernel mishandles an input of width 1)
    shape = (data.draw(st.integers(1, 2)), 2) + tuple(data.draw(st.integers(2 if antialias else 1, max_side))
                                                      for _ in range(n))
    kwargs = {}
    if data.draw(st.booleans()):
        sizes = tuple(data.draw(st.integers(1, 2 * max_side)) for _ in range(n))
        kwargs["size"] = sizes if data.draw(st.booleans()) or len(set(sizes)) > 1 else sizes[0]
    else:
        factors = tuple(data.draw(st.sampled_from([0.5, 0.7, 1.0, 1.5, 2.0, 2.5, 3.0, 1.3])) for _ in range(n))
        kwargs["scale_factor"] = factors if len(set(factors)) > 1 else factors[0]
        kwargs["recompute_scale_factor"] = data.draw(st.sampled_from([None, False, True]))
    if mode not in ("nearest", "nearest-exact", "area"):
        kwargs["align_corners"] = data.draw(st.sampled_from([None, False, True]))
    if antialias:
        kwargs["antialias"] = True
        # torch's antialiased kernel repeats its first output row when the output is 1 wide and
        # the height changes (README, "Differences")
        size = kwargs.get("size")
        factors = kwargs.get("scale_factor")
        if size is not None:
            out = size if isinstance(size, tuple) else (size, size)
        else:
            factors = factors if isinstance(factors, tuple) else (factors,) * 2
            out = tuple(math.floor(side * f) for side, f in zip(shape[2:], factors))
        assume(not (out[1] == 1 and out[0] != shape[2]))
    rng = np.random.default_rng(data.draw(seeds))
    check_op(lambda x: TF.interpolate(x, mode=mode, **kwargs), lambda x: JF.interpolate(x, mode=mode, **kwargs),
             [values(rng, shape)], rng, atol=1e-5, what=f"interpolate {shape} {mode} {kwargs}")


@pytest.mark.parametrize("dtype", ["float64", "float16", "bfloat16", "uint8", "int64", "bool"])
def test_interpolate_dtypes(dtype):
    x = (np.arange(2 * 3 * 4 * 5) * 7 % 13).reshape(2, 3, 4, 5)
    rng = np.random.default_rng(9)
    modes = ["nearest", "nearest-exact", "bilinear", "bicubic", "area"]
    if dtype == "uint8":
        modes = ["nearest", "nearest-exact"]  # torch's uint8 (bi)linear/bicubic kernel is not reproduced
    for mode in modes:
        check_op(lambda v: TF.interpolate(v, size=(7, 3), mode=mode), lambda v: JF.interpolate(v, size=(7, 3), mode=mode),
                 [x], rng, dtype, rtol=1e-2 if dtype in ("float16", "bfloat16") else 1e-6, atol=1e-2,
                 what=f"{mode} {dtype}")


INTERP_ERRORS = [
    ((2, 3, 4, 4), {}), ((2, 3, 4, 4), {"size": 2, "scale_factor": 2.0}), ((2, 3, 4, 4), {"size": (2, 2, 2)}),
    ((2, 3, 4, 4), {"scale_factor": (2.0, 2.0, 2.0)}), ((2, 3, 4, 4), {"size": (2.0, 2)}),
    ((2, 3, 4, 4), {"size": 2, "align_corners": True}), ((2, 3, 4, 4), {"size": 2, "mode": "foo"}),
    ((3, 4), {"size": 2}), ((2, 3, 4, 4), {"size": 2, "mode": "linear"}), ((2, 3, 4), {"size": 2, "mode": "bilinear"}),
    ((2, 3, 4, 4, 4), {"size": 2, "mode": "bicubic"}), ((2, 3, 4, 4), {"size": 2, "recompute_scale_factor": True}),
    ((2, 3, 4, 4), {"size": 0}), ((2, 3, 4, 4), {"scale_factor": 0.1}), ((2, 3, 4), {"size": 8, "antialias": True}),
    ((2, 0, 4, 4), {"size": 8}), ((2, 3, 0, 4), {"size": 8}), ((0, 3, 4, 4), {"size": 8}),
]


@pytest.mark.parametrize("shape,kwargs", INTERP_ERRORS)
def test_interpolate_errors(shape, kwargs):
    x = np.ones(shape, np.float32)
    compare(lambda: TF.interpolate(torch.tensor(x), **kwargs), lambda: JF.interpolate(jt.tensor(x), **kwargs),
            f"{shape} {kwargs}")


def test_deprecated_upsample_functions_warn():
    rng = np.random.default_rng(10)
    x = values(rng, (1, 2, 3, 4))
    for name, kwargs in (("upsample", {"scale_factor": 2, "mode": "bilinear"}), ("upsample_nearest", {"size": 5}),
                         ("upsample_bilinear", {"scale_factor": 2})):
        with pytest.warns(UserWarning, match="deprecated"):
            j = getattr(JF, name)(jt.tensor(x), **kwargs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = getattr(TF, name)(torch.tensor(x), **kwargs)
        assert_same(j, t)


# ================================================================ pixel shuffle
@pytest.mark.parametrize("shape,r", [((1, 8, 2, 3), 2), ((2, 2, 9, 1, 2), 3), ((4, 3, 3), 2), ((1, 8, 2, 2), 1),
                                     ((3, 5, 2), 2), ((2, 2), 2), ((1, 8, 2, 2), 0), ((1, 8, 2, 2), -1)])
def test_pixel_shuffle(shape, r):
    rng = np.random.default_rng(11)
    x = values(rng, shape)
    check_op(lambda v: TF.pixel_shuffle(v, r), lambda v: JF.pixel_shuffle(v, r), [x], rng, what="pixel_shuffle")
    check_op(lambda v: torch.pixel_shuffle(v, r), lambda v: jt.pixel_shuffle(v, r), [x], rng)
    check_op(lambda v: TF.pixel_unshuffle(v, r), lambda v: JF.pixel_unshuffle(v, r), [x], rng, what="unshuffle")
    check_op(lambda v: torch.pixel_unshuffle(v, r), lambda v: jt.pixel_unshuffle(v, r), [x], rng)


def test_pixel_shuffle_roundtrip_and_dtypes():
    x = np.arange(2 * 8 * 3 * 2).reshape(2, 8, 3, 2)
    rng = np.random.default_rng(12)
    for dtype in ("int64", "bool", "float64"):
        check_op(lambda v: TF.pixel_unshuffle(TF.pixel_shuffle(v, 2), 2),
                 lambda v: JF.pixel_unshuffle(JF.pixel_shuffle(v, 2), 2), [x], rng, dtype)
    compare(lambda: TF.pixel_shuffle(torch.ones(1, 8, 2, 2), 2.0), lambda: JF.pixel_shuffle(jt.ones(1, 8, 2, 2), 2.0))


# ================================================================ transposed convolution
@FEW
@given(data=st.data())
def test_conv_transpose(data):
    n = data.draw(st.sampled_from([1, 2, 2, 3]))
    groups = data.draw(st.sampled_from([1, 1, 2]))
    cin, cout = groups * data.draw(st.integers(1, 2)), groups * data.draw(st.integers(1, 2))
    kernel = tuple(data.draw(st.integers(1, 3)) for _ in range(n))
    stride = tuple(data.draw(st.integers(1, 3)) for _ in range(n))
    dilation = tuple(data.draw(st.integers(1, 2)) for _ in range(n))
    padding = tuple(data.draw(st.integers(0, 2)) for _ in range(n))
    output_padding = tuple(data.draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    batched = data.draw(st.booleans())
    spatial = tuple(data.draw(st.integers(1, 5 if n < 3 else 3)) for _ in range(n))
    # an empty output is an error on torch's reference kernel but not on its mkldnn one
    assume(all((i - 1) * s - 2 * p + d * (k - 1) + 1 + op >= 1
               for i, s, p, d, k, op in zip(spatial, stride, padding, dilation, kernel, output_padding)))
    shape = ((2,) if batched else ()) + (cin,) + spatial
    rng = np.random.default_rng(data.draw(seeds))
    arrays = [values(rng, shape), values(rng, (cin, cout // groups) + kernel)]
    if data.draw(st.booleans()):
        arrays.append(values(rng, (cout,)))
    name = f"conv_transpose{n}d"
    kwargs = dict(stride=stride, padding=padding, output_padding=output_padding, groups=groups, dilation=dilation)
    check_op(lambda *a: getattr(TF, name)(*a, **kwargs), lambda *a: getattr(JF, name)(*a, **kwargs), arrays, rng,
             what=f"{name} {shape} {kwargs}")


def test_conv_transpose_dtypes_and_namespace():
    rng = np.random.default_rng(13)
    x, w, b = values(rng, (2, 4, 5, 5), "ties"), values(rng, (4, 3, 3, 3), "ties"), values(rng, (3,), "ties")
    for dtype in ("float64", "int64"):
        check_op(lambda *a: TF.conv_transpose2d(*a, stride=2), lambda *a: JF.conv_transpose2d(*a, stride=2),
                 [x, w, b], rng, dtype)
    check_op(lambda *a: torch.conv_transpose2d(*a, 1, 1), lambda *a: jt.conv_transpose2d(*a, 1, 1), [x, w, b], rng)
    check_op(lambda *a: torch.conv_transpose1d(a[0][0], a[1][..., 0], a[2]),
             lambda *a: jt.conv_transpose1d(a[0][0], a[1][..., 0], a[2]), [x, w, b], rng)


CONV_T_ERRORS = [
    ((2, 4, 5, 5), (4, 3, 3, 3), {"output_padding": 1}), ((2, 4, 5, 5), (4, 3, 3, 3), {"groups": 3}),
    ((2, 4, 5, 5), (3, 3, 3, 3), {}), ((5, 5), (4, 3, 3, 3), {}), ((2, 4, 5, 5), (4, 3, 3, 3), {"stride": 0}),
    ((2, 4, 5, 5), (4, 3, 3, 3), {"padding": -1}), ((2, 4, 5, 5), (4, 3, 3, 3), {"output_padding": -1}),
    ((2, 4, 5, 5), (4, 3, 3, 3), {"stride": (1, 1, 1)}), ((2, 4, 5, 5), (4, 3, 3), {}),
    ((2, 4, 5, 5), (4, 3, 3, 3), {"padding": "same"}), ((2, 4, 2, 2), (4, 3, 3, 3), {"padding": 4}),
    ((2, 4, 5, 5), (4, 3, 3, 3), {"bias": 4}),
]


@pytest.mark.parametrize("xs,ws,kwargs", CONV_T_ERRORS)
def test_conv_transpose_errors(xs, ws, kwargs):
    kwargs = dict(kwargs)
    x, w = np.ones(xs, np.float32), np.ones(ws, np.float32)
    bias = kwargs.pop("bias", None)
    tb = None if bias is None else torch.ones(bias)
    jb = None if bias is None else jt.ones(bias)
    compare(lambda: TF.conv_transpose2d(torch.tensor(x), torch.tensor(w), tb, **kwargs),
            lambda: JF.conv_transpose2d(jt.tensor(x), jt.tensor(w), jb, **kwargs), f"{xs} {ws} {kwargs}")
    compare(lambda: TF.conv_transpose2d(torch.tensor(x).double(), torch.tensor(w)),
            lambda: JF.conv_transpose2d(jt.tensor(x).double(), jt.tensor(w)), "dtype mismatch")


# ================================================================ fold / unfold
@FEW
@given(data=st.data())
def test_unfold_fold(data):
    kernel = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    dilation = (data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2)))
    padding = (data.draw(st.integers(0, 2)), data.draw(st.integers(0, 2)))
    stride = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    size = (data.draw(st.integers(1, 6)), data.draw(st.integers(1, 6)))
    batched = data.draw(st.booleans())
    shape = ((2,) if batched else ()) + (2,) + size
    rng = np.random.default_rng(data.draw(seeds))
    args = (kernel, dilation, padding, stride)
    t_cols = check_op(lambda x: TF.unfold(x, *args), lambda x: JF.unfold(x, *args), [values(rng, shape)], rng,
                      what=f"unfold {shape} {args}")
    if t_cols is not None:
        cols = values(rng, tuple(t_cols.shape))
        check_op(lambda c: TF.fold(c, size, *args), lambda c: JF.fold(c, size, *args), [cols], rng,
                 what=f"fold {size} {args}")


FOLD_ERRORS = [
    ("unfold", (5, 5), (2,), {}), ("unfold", (1, 1, 5, 5, 5), (2,), {}), ("unfold", (2, 4, 5, 5), (6,), {}),
    ("unfold", (2, 4, 5, 5), (0,), {}), ("unfold", (2, 4, 5, 5), (2,), {"stride": 0}),
    ("unfold", (2, 4, 5, 5), (2,), {"dilation": 0}), ("unfold", (2, 4, 5, 5), (2,), {"padding": -1}),
    ("unfold", (2, 0, 5, 5), (2,), {}), ("unfold", (2, 4, 5, 5), ((2, 2, 2),), {}),
    ("fold", (1, 12, 16, 1), ((5, 5), 2), {}), ("fold", (2, 13, 16), ((5, 5), 2), {}),
    ("fold", (2, 12, 15), ((5, 5), 2), {}), ("fold", (2, 12, 0), ((1, 1), 2), {}),
]


@pytest.mark.parametrize("name,shape,args,kwargs", FOLD_ERRORS)
def test_fold_unfold_errors(name, shape, args, kwargs):
    x = np.ones(shape, np.float32)
    compare(lambda: getattr(TF, name)(torch.tensor(x), *args, **kwargs),
            lambda: getattr(JF, name)(jt.tensor(x), *args, **kwargs), f"{name} {shape} {args} {kwargs}")


def test_fold_unfold_dtypes():
    x = (np.arange(2 * 2 * 4 * 4) % 3).reshape(2, 2, 4, 4)
    rng = np.random.default_rng(14)
    for dtype in ("float64", "bool", "complex64", "int64"):
        check_op(lambda v: TF.unfold(v, 2), lambda v: JF.unfold(v, 2), [x], rng, dtype, what=f"unfold {dtype}")
        cols = x.reshape(2, 8, 4)
        check_op(lambda v: TF.fold(v, (3, 3), 2), lambda v: JF.fold(v, (3, 3), 2), [cols], rng, dtype,
                 what=f"fold {dtype}")


# ================================================================ pooling argument errors
POOL_ERRORS = [
    ("max_pool2d", (2, 3, 5, 5), (6,), {}), ("max_pool2d", (2, 3, 5, 5), (2,), {"padding": 2}),
    ("max_pool1d", (2, 3, 8), (2,), {"padding": 2}), ("max_pool3d", (2, 3, 4, 4, 4), (2,), {"padding": 2}),
    ("max_pool1d", (2, 3, 8), (9,), {}), ("max_pool3d", (2, 3, 4, 4, 4), (5,), {}), ("max_pool2d", (5,), (2,), {}),
    ("max_pool1d", (5,), (2,), {}), ("max_pool1d", (2, 3, 5, 5), (2,), {}), ("max_pool3d", (2, 3, 8), (2,), {}),
    ("max_pool2d", (2, 3, 5, 5), (0,), {}), ("max_pool2d", (2, 3, 5, 5), (2, 0), {}),
    ("max_pool2d", (2, 3, 5, 5), (2,), {"dilation": 0}), ("max_pool2d", (2, 3, 5, 5), (2,), {"padding": -1}),
    ("max_pool2d", (2, 3, 5, 5), ((2, 2, 2),), {}), ("max_pool2d", (2, 0, 5, 5), (2,), {}),
    ("max_pool2d", (2, 3, 5, 5), (2.0,), {}), ("max_pool1d", (2, 3, 8), ((2, 2),), {}),
    ("max_pool1d", (2, 3, 8), ((2, 2),), {"return_indices": True}), ("max_pool2d", (1, 1, 9, 9), (2,),
                                                                      {"padding": 2, "dilation": 3}),
    ("avg_pool2d", (2, 3, 5, 5), (6,), {}), ("avg_pool2d", (2, 3, 5, 5), (2,), {"padding": 2}),
    ("avg_pool1d", (2, 3, 8), (2,), {"padding": 2}), ("avg_pool3d", (2, 3, 4, 4, 4), (5,), {}),
    ("avg_pool2d", (2, 3, 5, 5), (2,), {"divisor_override": 0}), ("avg_pool2d", (5,), (2,), {}),
    ("avg_pool1d", (2, 3, 5, 5), (2,), {}), ("avg_pool3d", (2, 3, 8), (2,), {}), ("avg_pool1d", (2, 3, 8), ((2, 2),), {}),
    ("avg_pool2d", (2, 3, 5, 5), (2, 0), {}), ("avg_pool2d", (2, 0, 5, 5), (2,), {}),
    ("avg_pool3d", (2, 0, 4, 4, 4), (2,), {}),
    ("adaptive_avg_pool2d", (2, 3, 5, 5), ((2, 2, 2),), {}), ("adaptive_avg_pool2d", (2, 3, 5, 5), (-1,), {}),
    ("adaptive_avg_pool2d", (5,), (2,), {}), ("adaptive_avg_pool2d", (5, 5), (2,), {}),
    ("adaptive_avg_pool1d", (2, 3, 5, 5), (2,), {}), ("adaptive_avg_pool1d", (2, 3, 8), ((2, 2),), {}),
    ("adaptive_avg_pool2d", (2, 3, 0, 5), (2,), {}), ("adaptive_max_pool2d", (2, 3, 5, 5), ((2, 2, 2),), {}),
    ("adaptive_max_pool2d", (5,), (2,), {}), ("adaptive_max_pool1d", (2, 3, 5, 5), (2,), {}),
    ("adaptive_max_pool3d", (2, 3, 8), (2,), {}), ("adaptive_max_pool2d", (2, 3, 0, 5), (2,), {}),
    ("adaptive_avg_pool2d", (2, 3, 5), ((None, None, 2),), {}),
]


@pytest.mark.parametrize("name,shape,args,kwargs", POOL_ERRORS)
def test_pool_errors(name, shape, args, kwargs):
    x = np.ones(shape, np.float32)
    compare(lambda: getattr(TF, name)(torch.tensor(x), *args, **kwargs),
            lambda: getattr(JF, name)(jt.tensor(x), *args, **kwargs), f"{name} {shape} {args} {kwargs}")


def test_empty_batch_pools():
    rng = np.random.default_rng(15)
    x = np.zeros((0, 3, 4, 5), np.float32)
    for name, args in (("max_pool2d", (2,)), ("avg_pool2d", (2,)), ("adaptive_avg_pool2d", (2,)),
                       ("adaptive_max_pool2d", (2,)), ("interpolate", (8,))):
        check_op(lambda v: getattr(TF, name)(v, *args), lambda v: getattr(JF, name)(v, *args), [x], rng, grad=False)
    check_op(lambda v: TF.pad(v, (1, 1, 1, 1), "reflect"), lambda v: JF.pad(v, (1, 1, 1, 1), "reflect"), [x], rng,
             grad=False)


# ================================================================ modules
def _copy_params(tm, jm):
    jm.load_state_dict({k: jt.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})


MODULES = [
    ("MaxPool1d", (3,), {}, (2, 3, 9)), ("MaxPool2d", (3, 2, 1), {"ceil_mode": True}, (2, 3, 7, 8)),
    ("MaxPool2d", (2,), {"return_indices": True}, (2, 3, 6, 6)), ("MaxPool3d", (2,), {"dilation": 1}, (1, 2, 4, 4, 4)),
    ("AvgPool1d", (3, 2, 1), {}, (2, 3, 9)), ("AvgPool2d", (3,), {"stride": 2, "padding": 1, "count_include_pad": False},
                                            (2, 3, 7, 8)),
    ("AvgPool2d", (2,), {"divisor_override": 3}, (2, 3, 6, 6)), ("AvgPool3d", (2, 1), {}, (1, 2, 4, 4, 4)),
    ("AdaptiveAvgPool1d", (4,), {}, (2, 3, 9)), ("AdaptiveAvgPool2d", ((3, None),), {}, (2, 3, 7, 8)),
    ("AdaptiveAvgPool2d", (1,), {}, (2, 3, 7, 8)), ("AdaptiveAvgPool3d", (2,), {}, (1, 2, 4, 5, 4)),
    ("AdaptiveMaxPool1d", (4,), {"return_indices": True}, (2, 3, 9)), ("AdaptiveMaxPool2d", ((3, 4),), {}, (2, 3, 7, 8)),
    ("AdaptiveMaxPool3d", (2,), {}, (1, 2, 4, 5, 4)), ("LPPool1d", (2, 3), {}, (2, 3, 9)),
    ("LPPool2d", (1.5, 2), {"stride": 1, "ceil_mode": True}, (2, 3, 7, 8)), ("LPPool3d", (2, 2), {}, (1, 2, 4, 4, 4)),
    ("ZeroPad1d", (2,), {}, (2, 3, 5)), ("ZeroPad2d", ((1, 0, 2, -1),), {}, (2, 3, 4, 5)),
    ("ZeroPad3d", (1,), {}, (1, 2, 3, 3, 3)), ("ConstantPad1d", ((1, 2), 3.5), {}, (2, 3, 5)),
    ("ConstantPad2d", (1, -1.0), {}, (2, 3, 4, 5)), ("ConstantPad3d", ((1, 0, 0, 1, 2, 0), 2), {}, (1, 2, 3, 3, 3)),
    ("ReflectionPad1d", (2,), {}, (2, 3, 5)), ("ReflectionPad2d", ((1, 0, 2, 1),), {}, (2, 3, 4, 5)),
    ("ReflectionPad3d", (1,), {}, (1, 2, 3, 3, 3)), ("ReplicationPad1d", ((3, 1),), {}, (2, 3, 5)),
    ("ReplicationPad2d", (2,), {}, (3, 4, 5)), ("ReplicationPad3d", (1,), {}, (1, 2, 3, 3, 3)),
    ("CircularPad1d", (2,), {}, (2, 3, 5)), ("CircularPad2d", ((1, 0, 2, 1),), {}, (2, 3, 4, 5)),
    ("CircularPad3d", (1,), {}, (1, 2, 3, 3, 3)), ("Upsample", (), {"scale_factor": 2}, (2, 3, 4)),
    ("Upsample", ((5, 7),), {"mode": "bilinear"}, (2, 3, 4, 5)),
    ("Upsample", (), {"scale_factor": (1.5, 2.0), "mode": "bicubic", "align_corners": True}, (2, 3, 4, 5)),
    ("Upsample", (), {"scale_factor": 2, "mode": "trilinear", "recompute_scale_factor": True}, (1, 2, 2, 3, 2)),
    ("UpsamplingNearest2d", (), {"scale_factor": 3}, (2, 3, 4, 5)),
    ("UpsamplingBilinear2d", ((6, 6),), {}, (2, 3, 4, 5)), ("PixelShuffle", (2,), {}, (2, 8, 3, 4)),
    ("PixelUnshuffle", (2,), {}, (2, 2, 4, 6)), ("Fold", ((4, 5), 2), {}, (2, 12, 12)),
    ("Unfold", ((2, 3),), {"padding": 1, "stride": 2}, (2, 3, 5, 6)), ("Flatten", (), {}, (2, 3, 4, 5)),
    ("Flatten", (0, 2), {}, (2, 3, 4, 5)), ("Unflatten", (1, (3, 1)), {}, (2, 3, 4)),
    ("Unflatten", (-1, [2, 2]), {}, (2, 3, 4)),
]


@pytest.mark.parametrize("name,args,kwargs,shape", MODULES, ids=[f"{m[0]}-{i}" for i, m in enumerate(MODULES)])
def test_module(name, args, kwargs, shape):
    tm, jm = getattr(torch.nn, name)(*args, **kwargs), getattr(jt.nn, name)(*args, **kwargs)
    assert repr(jm) == repr(tm)
    rng = np.random.default_rng(16)
    check_op(lambda x: tm(x), lambda x: jm(x), [values(rng, shape, "ties")], rng, atol=1e-5, grad="name", what=name)


def test_max_unpool_modules():
    rng = np.random.default_rng(17)
    for n, shape in ((1, (2, 3, 8)), (2, (2, 3, 6, 5)), (3, (1, 2, 4, 4, 4))):
        tp, jp = getattr(torch.nn, f"MaxPool{n}d")(2, return_indices=True), getattr(jt.nn, f"MaxPool{n}d")(
            2, return_indices=True)
        tu, ju = getattr(torch.nn, f"MaxUnpool{n}d")(2), getattr(jt.nn, f"MaxUnpool{n}d")(2)
        assert repr(ju) == repr(tu)
        check_op(lambda x: tu(*tp(x), output_size=x.shape), lambda x: ju(*jp(x), output_size=x.shape),
                 [values(rng, shape)], rng, what=f"MaxUnpool{n}d")


CONV_T_MODULES = [
    (1, (2, 4, 2), {"stride": 2, "output_padding": 1, "bias": False}, (2, 5)),
    (2, (4, 6, 3), {"stride": 2, "padding": 1, "groups": 2}, (2, 4, 5, 4)),
    (3, (2, 2, 2), {"stride": (1, 2, 2), "padding": (0, 1, 0), "dilation": (2, 1, 1)}, (1, 2, 3, 3, 2)),
]


@pytest.mark.parametrize("n,args,kwargs,shape", CONV_T_MODULES)
def test_conv_transpose_module(n, args, kwargs, shape):
    cls = f"ConvTranspose{n}d"
    tm, jm = getattr(torch.nn, cls)(*args, **kwargs), getattr(jt.nn, cls)(*args, **kwargs)
    assert repr(jm) == repr(tm)
    assert [(k, tuple(v.shape)) for k, v in jm.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in tm.state_dict().items()]
    bound = 1 / np.sqrt(tm.weight.shape[1] * np.prod(tm.kernel_size))  # kaiming_uniform(a=sqrt(5)) bound
    assert float(jm.weight.detach().abs().max()) <= bound + 1e-6
    _copy_params(tm, jm)
    rng = np.random.default_rng(18)
    x = values(rng, shape)
    tx, jx = pair(x, requires_grad=True)
    t_out, j_out = tm(tx), jm(jx)
    assert_same(j_out, t_out, 1e-5, 1e-5)
    assert type(j_out.grad_fn).__name__ == type(t_out.grad_fn).__name__
    g = rng.standard_normal(tuple(t_out.shape)).astype(np.float32)
    t_out.backward(torch.tensor(g))
    j_out.backward(jt.tensor(g))
    assert_same(jx.grad, tx.grad, 1e-4, 1e-5)
    for (name, tp), (_, jp) in zip(tm.named_parameters(), jm.named_parameters()):
        assert_same(jp.grad, tp.grad, 1e-4, 1e-5, name)
    # forward(input, output_size): output_padding chosen to reach the requested size
    stride = tm.stride
    target = [s + st_ - 1 for s, st_ in zip(t_out.shape[-n:], stride)]
    t_big, j_big = compare(lambda: tm(tx, output_size=target), lambda: jm(jx, output_size=target))
    if t_big is not None:
        assert_same(j_big, t_big, 1e-5, 1e-5)
    bad = [s + 5 for s in t_out.shape[-n:]]
    compare(lambda: tm(tx, output_size=bad), lambda: jm(jx, output_size=bad))


def test_conv_modules_padding_modes_and_errors():
    rng = np.random.default_rng(19)
    for mode in ("reflect", "replicate", "circular"):
        tm, jm = torch.nn.Conv2d(2, 3, 3, padding=1, padding_mode=mode), jt.nn.Conv2d(2, 3, 3, padding=1,
                                                                                     padding_mode=mode)
        assert repr(jm) == repr(tm)
        _copy_params(tm, jm)
        check_op(lambda x: tm(x), lambda x: jm(x), [values(rng, (2, 2, 5, 6))], rng, grad="name", what=mode)
    for kwargs in ({"padding_mode": "reflect"}, {"padding": "same", "stride": 2}, {"padding": "full"},
                   {"padding_mode": "foo"}, {"groups": 0}):
        compare(lambda: torch.nn.ConvTranspose2d(2, 2, 3, **kwargs) if "padding_mode" in kwargs and
                kwargs["padding_mode"] == "reflect" else torch.nn.Conv2d(2, 2, 3, **kwargs),
                lambda: jt.nn.ConvTranspose2d(2, 2, 3, **kwargs) if "padding_mode" in kwargs and
                kwargs["padding_mode"] == "reflect" else jt.nn.Conv2d(2, 2, 3, **kwargs), str(kwargs))


def test_module_input_checks():
    for dim in (2, 5):
        x = np.ones((2,) * dim, np.float32)
        compare(lambda: torch.nn.CircularPad2d(1)(torch.tensor(x)), lambda: jt.nn.CircularPad2d(1)(jt.tensor(x)))
    compare(lambda: torch.nn.Unflatten(1, 3), lambda: jt.nn.Unflatten(1, 3))
    compare(lambda: torch.nn.Unflatten(1, (3, 2.0)), lambda: jt.nn.Unflatten(1, (3, 2.0)))


def test_nn_names_exported():
    for name in ("MaxPool2d", "ConvTranspose2d", "Flatten", "Unflatten", "ReflectionPad2d", "Upsample",
                 "PixelShuffle", "Fold", "LPPool3d", "AdaptiveMaxPool3d", "MaxUnpool3d", "CircularPad3d"):
        assert hasattr(jt.nn, name), name
    from jtorch.nn.modules.conv import MaxPool1d, MaxPool2d, MaxPool3d  # noqa: F401  (older import path)
