"""The elementwise math ops of jtorch/ops/pointwise_math.py against torch: values, dtypes,
shapes, exception types and messages over hypothesis-drawn dtypes (bool to complex128),
values (nan, inf, -0.0 included) and broadcastable shapes (0-d and empty included); the
in-place and out= variants; gradients and grad_fn names.

Transcendental functions are compared within 2 ulps of the result dtype (XLA's and
torch's Sleef/libm kernels may differ in the last bits; a few special functions get more,
noted at their entries); rounding, sign, classification, frexp, ldexp, nextafter,
copysign, gcd/lcm and the like are compared exactly, signed zeros included."""
import math

import numpy as np
import pytest
import torch
from hypothesis import Phase, assume, given, settings as _settings, strategies as st
from hypothesis.extra import numpy as hnp

import jtorch as jt

NAMES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
         "complex64", "complex128")
REAL = NAMES[:-2]
FLOATS = ("float16", "bfloat16", "float32", "float64")
TINY = {"float16": 2.0 ** -14, "bfloat16": 2.0 ** -126, "float32": 2.0 ** -126, "float64": 2.0 ** -1022}
# No shrinking: a failure reports its first example at once (shrinking these multi-dtype
# examples can take minutes).
# A test's max_examples is its count under the 'ci' profile (40 examples by default),
# scaled up for a profile with more (HYPOTHESIS_PROFILE=thorough: 12.5 times as many).
def settings(max_examples, **kwargs):
    scaled = max(max_examples, round(max_examples * _settings.default.max_examples / 40))
    return _settings(phases=(Phase.explicit, Phase.reuse, Phase.generate), max_examples=scaled, **kwargs)


EDGE = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.25, 3.0, float("nan"), float("inf"), -float("inf")]


# ---------------------------------------------------------------- inputs
def values(name, shape, low=None, high=None, edge=True):
    """A numpy array for a tensor of dtype `name` (bfloat16 drawn as float32)."""
    if name == "bool":
        return hnp.arrays(np.bool_, shape)
    if name.startswith(("int", "uint")):
        info = np.iinfo(name)
        ints = st.one_of(st.integers(max(info.min, -10), min(info.max, 10)), st.integers(info.min, info.max))
        return hnp.arrays(np.dtype(name), shape, elements=ints)
    width = {"float16": 16, "float64": 64, "complex128": 64}.get(name, 32)
    bounded = low is not None
    # No subnormals: XLA's CPU backend flushes them to zero (a jtorch-wide difference).
    options = [st.floats(-100 if low is None else low, 100 if high is None else high, width=width,
                         allow_subnormal=False)]
    if not bounded:
        options.append(st.floats(width=width, allow_subnormal=False))
    if edge:
        options.append(st.sampled_from([v for v in EDGE if not bounded or low <= v <= high]))
    real = {"float16": np.float16, "float64": np.float64, "complex128": np.float64}.get(name, np.float32)
    part = hnp.arrays(real, shape, elements=st.one_of(*options))
    if name.startswith("complex"):
        small = hnp.arrays(real, shape, elements=st.floats(-3, 3, width=width, allow_subnormal=False))
        return st.tuples(part, small).map(lambda p: (p[0] + 1j * p[1]).astype(name))
    return part


def pair(array, name):
    """The same tensor in torch and jtorch."""
    t = torch.from_numpy(np.array(array)).to(getattr(torch, name))
    exact = t.to(torch.float32).numpy() if name == "bfloat16" else t.numpy()
    return t, jt.tensor(exact).to(getattr(jt, name))


def numpy_of(x):
    if x.dtype in (torch.bfloat16, jt.bfloat16):
        x = x.float()
    return x.detach().numpy() if isinstance(x, torch.Tensor) else np.asarray(x.detach()._data)


# ---------------------------------------------------------------- comparison
def run(fn, *args):
    try:
        return fn(*args), None
    except Exception as e:  # noqa: BLE001 - compared against the other library's outcome
        return None, e


def assert_same(j, t, ulps=0, what=""):
    """jtorch result `j` equals torch result `t`: type, dtype, shape, and values (exactly,
    signed zeros and nan included, or within `ulps` units in the last place of the dtype)."""
    if isinstance(t, tuple):
        assert type(j).__name__ == type(t).__name__ and len(j) == len(t), what
        for a, b in zip(j, t):
            assert_same(a, b, ulps, what)
        return
    if not isinstance(t, torch.Tensor):
        assert type(j) is type(t) and j == t, f"{what}: {j!r} != {t!r}"
        return
    assert isinstance(j, jt.Tensor), what
    assert repr(j.dtype) == str(t.dtype), f"{what}: dtype {j.dtype} != {t.dtype}"
    assert tuple(j.shape) == tuple(t.shape), f"{what}: shape {tuple(j.shape)} != {tuple(t.shape)}"
    a, b = numpy_of(j), numpy_of(t)
    if a.dtype.kind not in "fc":
        assert np.array_equal(a, b), f"{what}:\n{a}\n!=\n{b}"
        return
    name = str(t.dtype).removeprefix("torch.").replace("complex64", "float32").replace("complex128", "float64")
    magnitude = np.abs(b.astype(np.complex128 if a.dtype.kind == "c" else np.float64))
    for part in (np.real, np.imag) if a.dtype.kind == "c" else (np.real,):
        x, y = part(a).astype(np.float64), part(b).astype(np.float64)
        # XLA's CPU backend flushes subnormal results to zero (a jtorch-wide difference).
        x = np.where((x == 0) & (np.abs(y) <= TINY[name]), y, x)
        same = (x == y) & (np.signbit(x) == np.signbit(y)) | np.isnan(x) & np.isnan(y)
        if ulps:
            ulp = {"float16": 2.0 ** -10, "bfloat16": 2.0 ** -7, "float32": 2.0 ** -23, "float64": 2.0 ** -52}[name]
            scale = np.maximum(np.abs(y) if a.dtype.kind != "c" else magnitude, TINY[name])
            with np.errstate(invalid="ignore"):
                same |= np.isfinite(y) & (np.abs(x - y) <= ulps * ulp * scale)
        assert same.all(), f"{what}:\n{x[~same]}\n!=\n{y[~same]}"


def check(fn, args, what, ulps=0, message=True):
    """Run `fn(lib, *args)` for torch and jtorch: the same exception (type and message) where
    torch raises, else the same result."""
    t, t_error = run(fn, torch, *[a[0] for a in args])
    j, j_error = run(fn, jt, *[a[1] for a in args])
    if t_error is not None:
        assert j_error is not None, f"{what}: torch raised {t_error!r}, jtorch returned {j}"
        assert type(j_error) is type(t_error), f"{what}: {j_error!r} vs torch's {t_error!r}"
        if message:
            assert str(j_error) == str(t_error), what
        return None, None
    if j_error is not None:
        raise AssertionError(f"{what}: jtorch raised {j_error!r}, torch returned {t}") from j_error
    assert_same(j, t, ulps, what)
    return t, j


# ---------------------------------------------------------------- unary ops over every dtype
# name: ulps of tolerance for floating results (0: exact)
UNARY = {
    "acos": 2, "asin": 2, "atan": 2, "acosh": 2, "asinh": 2, "atanh": 2, "cosh": 2, "sinh": 2, "tan": 2,
    "exp2": 2, "expm1": 2, "log10": 2, "log1p": 2, "log2": 2, "rsqrt": 2, "sinc": 4, "erf": 2, "erfc": 64,
    "erfinv": 4, "i0": 64, "deg2rad": 0, "rad2deg": 0, "logit": 2,
    "ceil": 0, "floor": 0, "round": 0, "trunc": 0, "fix": 0, "frac": 0, "sign": 0, "sgn": 0, "signbit": 0,
    "square": 0, "nan_to_num": 0, "isinf": 0, "isfinite": 0, "isposinf": 0, "isneginf": 0, "isreal": 0,
    "absolute": 0, "negative": 0, "arccos": 2, "arcsinh": 2, "arctan": 2,
}
# Complex results within this many ulps (XLA's complex kernels and torch's differ more).
COMPLEX_ULPS = 64
# The special functions whose XLA algorithms differ most from torch's: compared in ranges
# away from poles and roots (below).
SPECIAL = {"lgamma": 64, "digamma": 64}


@pytest.mark.parametrize("name", sorted(UNARY))
@settings(max_examples=2)
@given(data=st.data())
def test_unary_every_dtype(name, data):
    ulps = UNARY[name]
    for dtype in data.draw(st.permutations(NAMES))[:4]:  # a third of the dtypes per example
        array = data.draw(values(dtype, (7,)), label=dtype)
        args = [pair(array, dtype)]
        complex_ = dtype.startswith("complex")
        if name == "i0":  # torch's float32 i0 overflows in exp(x) beyond 88.7, before the result does
            array = np.clip(array, -80, 80) if not complex_ else array
            args = [pair(array, dtype)]
        if complex_ and name in ("sinc", "acosh", "atanh", "tan", "cosh", "sinh", "expm1", "exp2", "log1p", "rsqrt",
                                 "acos", "arccos", "asin", "asinh", "arcsinh", "atan", "arctan", "log10", "log2",
                                 "square", "sgn"):
            # torch's complex kernels (and their inf/nan conventions) are checked on finite values
            array = np.nan_to_num(array, nan=0.5, posinf=2.0, neginf=-2.0)
            array.real = np.where(array.real == 0, 0.25, np.clip(array.real, -5, 5))  # off the branch cuts
            args = [pair(array, dtype)]
        check(lambda m, x: getattr(m, name)(x), args, f"{name}({dtype} {array.tolist()})",
              COMPLEX_ULPS if complex_ and (ulps or name in ("sgn", "square")) else ulps)


def test_unary_edge_grids():
    """Fixed grids for what random draws rarely reach: float16/bfloat16 erf over every normal
    value (torch's AVX2/AVX-512 polynomial, 0 below ~1e-7); complex functions on their branch
    cuts with signed zero parts and near +-1 with tiny imaginary parts; float64 erfc in its
    tail (exp(-x²) with x² rounded costs XLA ~x² ulps)."""
    for dtype, bits in (("bfloat16", np.arange(1 << 16, dtype=np.uint32) << 16),
                        ("float16", np.arange(1 << 16, dtype=np.uint16))):
        every = bits.view(np.float32 if dtype == "bfloat16" else np.float16).astype(np.float32)
        every = every[np.isfinite(every) & ((np.abs(every) >= TINY[dtype]) | (every == 0))]
        check(lambda m, t: m.erf(t), [pair(every, dtype)], f"erf every {dtype}")
    parts = [0.0, -0.0, 0.25, -0.5, 1.0, -1.0, 1.5, -2.5, 4.5, 1e-67, -1e-200, 1e-300]
    grid = np.array([complex(a, b) for a in parts for b in parts])
    for name in ("sinh", "cosh", "tan", "asinh", "atanh", "asin", "acos", "acosh", "atan", "rsqrt"):
        for dtype in ("complex64", "complex128"):
            z = grid
            if name == "atanh":  # XLA's atanh overflows at +-1 + tiny i (torch: log(4 / |y|) / 2), not fixed
                z = z[~((np.abs(z.real) == 1) & (np.abs(z.imag) < 1e-30) & (z.imag != 0))]
            if name == "atan":  # the same, at tiny + +-1i
                z = z[~((np.abs(z.imag) == 1) & (np.abs(z.real) < 1e-30) & (z.real != 0))]
            check(lambda m, t: getattr(m, name)(t), [pair(z, dtype)], f"{name} {dtype} grid", COMPLEX_ULPS)
    tail = np.linspace(1, 27, 601)
    check(lambda m, t: m.erfc(t), [pair(tail, "float64")], "erfc float64 tail", UNARY["erfc"])
    check(lambda m, t: t.clone().ldexp_(m.ones(3)), [pair(np.array([1, 2]), "int64")], "ldexp_ int")


@pytest.mark.parametrize("name", sorted(SPECIAL))
@settings(max_examples=3)
@given(data=st.data())
def test_special_functions(name, data):
    for dtype in ("float32", "float64", "int64"):
        array = data.draw(values(dtype, (7,)) if dtype == "int64" else values(dtype, (7,), 2.5, 30, edge=False))
        if dtype == "int64":
            array = np.abs(array % 20) + 1
        check(lambda m, x: getattr(m, name)(x), [pair(array, dtype)], f"{name}({dtype} {array.tolist()})",
              SPECIAL[name])
    for dtype in ("complex64", "float16"):  # torch's errors; values at the special points
        check(lambda m, x: getattr(m, name)(x), [pair(np.array([1, 2], dtype), dtype)], name, SPECIAL[name])
    check(lambda m, x: getattr(m, name)(x), [pair(np.array([0.0, -0.0, 1.0, 2.0, -1.0, -3.0, np.inf, np.nan],
                                                           np.float32), "float32")], name)


@pytest.mark.parametrize("name", ["ceil", "floor", "round", "trunc", "frac", "sign", "signbit", "isinf", "isfinite",
                                  "acos", "exp2", "erfinv", "lgamma", "nan_to_num", "sgn"])
@settings(max_examples=3)
@given(data=st.data())
def test_unary_shapes_and_variants(name, data):
    """0-d, empty and n-d shapes; the method, the in-place `_` variant and out=."""
    shape = data.draw(st.sampled_from([(), (0,), (2, 3), (1, 0, 2)]))
    dtype = data.draw(st.sampled_from(("float32", "int32", "float64", "bool")))
    array = data.draw(values(dtype, shape))
    what = f"{name}({dtype}{list(shape)} {array.tolist()})"
    ulps = UNARY.get(name, 64)
    check(lambda m, x: getattr(x, name)(), [pair(array, dtype)], what + " method", ulps)
    check(lambda m, x: getattr(x.clone(), name + "_")(), [pair(array, dtype)], what + " in-place", ulps)
    out_dtype = data.draw(st.sampled_from(("float32", "float64", "int64", "bool")))
    check(lambda m, x: getattr(m, name)(x, out=m.empty(0, dtype=getattr(m, out_dtype))), [pair(array, dtype)],
          what + f" out={out_dtype}", ulps)


# ---------------------------------------------------------------- binary ops
BINARY = {
    "atan2": 2, "arctan2": 2, "logaddexp": 2, "logaddexp2": 2, "hypot": 1, "nextafter": 0, "ldexp": 0,
    "copysign": 0, "xlogy": 2, "heaviside": 0, "gcd": 0, "lcm": 0, "float_power": 2, "igamma": 256, "igammac": 256,
    "multiply": 0, "subtract": 0, "greater": 0, "less": 0, "greater_equal": 0, "less_equal": 0, "not_equal": 0,
}


@pytest.mark.parametrize("name", sorted(BINARY))
@settings(max_examples=5)
@given(data=st.data())
def test_binary(name, data):
    """Mixed dtypes (promotion), broadcastable shapes with 0-d and empty ones, edge values."""
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, min_side=0,
                                                         max_side=3)).input_shapes
    args, described = [], []
    for shape in shapes:
        dtype = data.draw(st.sampled_from((REAL if name in ("ldexp", "logaddexp") else NAMES)
                                          if data.draw(st.booleans()) else FLOATS))
        if name in ("gcd", "lcm") and data.draw(st.booleans()):
            dtype = data.draw(st.sampled_from(("int8", "int16", "int32", "int64", "uint8")))
        low = 0.5 if name.startswith("igamma") else None
        array = data.draw(values(dtype, shape, low, 50 if low else None))
        if name == "ldexp" and dtype.startswith(("int", "uint")):
            array = np.clip(array, -200, 200).astype(dtype)
        args.append(pair(array, dtype))
        described.append(f"{dtype}{list(shape)}={array.tolist()}")
    kinds = [str(a[0].dtype) for a in args]
    # torch computes float16 with complex in complex32, which jtorch lacks (README, "Differences").
    assume(not ("torch.float16" in kinds and any(k.startswith("torch.complex") for k in kinds)))
    ulps = BINARY[name]
    if any(str(a[0].dtype).startswith("torch.complex") for a in args):
        ulps = ulps and COMPLEX_ULPS
        # torch's complex pow follows C's Annex G for inf/nan parts, jtorch does not (README, "Differences")
        assume(name != "float_power" or all(np.isfinite(a[0].numpy()).all() for a in args))
    check(lambda m, a, b: getattr(m, name)(a, b), args, f"{name}({', '.join(described)})", ulps)


@pytest.mark.parametrize("name", ["atan2", "hypot", "copysign", "nextafter", "logaddexp", "xlogy", "gcd", "ldexp"])
@settings(max_examples=4)
@given(data=st.data())
def test_binary_variants(name, data):
    """Python-number operands (TypeError where torch takes only tensors), in-place and out=."""
    dtype = "int32" if name == "gcd" else data.draw(st.sampled_from(("float32", "float64")))
    a = data.draw(values(dtype, (2, 3)))
    b = data.draw(values(dtype, (3,)))
    number = data.draw(st.sampled_from([2, -0.0, 1.5, float("nan")]))
    x, y = pair(a, dtype), pair(b, dtype)
    what = f"{name}({a.tolist()}, {b.tolist()}, {number})"
    ulps = BINARY[name]
    check(lambda m, p, q: getattr(m, name)(p, number), [x, y], what + " scalar other", ulps)
    check(lambda m, p, q: getattr(m, name)(number, q), [x, y], what + " scalar input", ulps,
          message=name != "copysign")  # torch lists its overloads
    check(lambda m, p, q: getattr(p.clone(), name + "_")(q), [x, y], what + " in-place", ulps)
    check(lambda m, p, q: getattr(q.clone(), name + "_")(p), [x, y], what + " in-place broadcast", ulps)
    check(lambda m, p, q: getattr(m, name)(p, q, out=m.empty(0, dtype=p.dtype)), [x, y], what + " out", ulps)
    check(lambda m, p, q: getattr(p, name)(q), [x, y], what + " method", ulps)


# ---------------------------------------------------------------- exact floating-point manipulation
def test_exact_edges():
    edges = np.array([0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3.5, 1e-3, -7.25, 1e30, np.nan, np.inf, -np.inf],
                     np.float32)
    for dtype in FLOATS:
        x = pair(edges, dtype)
        for name in ("round", "ceil", "floor", "trunc", "frac", "sign", "sgn", "signbit", "isposinf", "isneginf"):
            check(lambda m, t: getattr(m, name)(t), [x], f"{name} {dtype}")
        check(lambda m, t: m.frexp(t), [x], f"frexp {dtype}")
        y = pair(edges[::-1].copy(), dtype)
        for name in ("copysign", "nextafter", "heaviside"):
            check(lambda m, a, b: getattr(m, name)(a, b), [x, y], f"{name} {dtype}")
        exponents = pair(np.array([0, 1, -1, 3, -3, 10, -10, 100, -100, 2, 0, 1, 1, -1], np.int64), "int64")
        check(lambda m, a, e: m.ldexp(a, e), [x, exponents], f"ldexp {dtype}")
    ints = pair(np.array([-128, -7, 0, 5, 127, 12, -12, 0], np.int8), "int8")
    others = pair(np.array([4, 14, 0, -15, 3, 18, -8, 6], np.int8), "int8")
    for name in ("gcd", "lcm"):
        check(lambda m, a, b: getattr(m, name)(a, b), [ints, others], name)
    wide = pair(np.array([0, 2 ** 40, -(2 ** 33) * 3, 17, 1], np.int64), "int64")
    wide2 = pair(np.array([6, 2 ** 20 * 3, 2 ** 35, -51, 0], np.int64), "int64")
    for name in ("gcd", "lcm"):
        check(lambda m, a, b: getattr(m, name)(a, b), [wide, wide2], name)


def test_rounding_options():
    data = np.array([1.2345, -1.2355, 2.5, 125.0, -135.0, 0.0, -0.0, np.nan, np.inf, 0.125, 1e-3], np.float32)
    for dtype in ("float16", "bfloat16", "float32", "float64", "int64", "bool", "complex64"):
        x = pair(data.astype(np.complex64) if dtype == "complex64" else data, dtype)
        for decimals in (0, 2, -1):
            check(lambda m, t: m.round(t, decimals=decimals), [x], f"round {dtype} {decimals}")
            check(lambda m, t: t.clone().round_(decimals=decimals), [x], f"round_ {dtype} {decimals}")
        for eps in (None, 0.1, -1.0):
            check(lambda m, t: m.logit(t.abs() / 200 if t.dtype.is_floating_point else t, eps=eps), [x],
                  f"logit {dtype} {eps}", ulps=4)
        for kwargs in ({}, {"posinf": 7.0, "neginf": -3.0}, {"nan": -1.0, "posinf": 1e10}):
            check(lambda m, t: m.nan_to_num(t, **kwargs), [x], f"nan_to_num {dtype} {kwargs}")
            check(lambda m, t: t.clone().nan_to_num_(**kwargs), [x], f"nan_to_num_ {dtype} {kwargs}")


def test_frexp_variants():
    data = np.array([[3.0, -0.75, 1e-3], [0.0, 1024.5, -np.inf]], np.float32)
    for dtype in FLOATS:
        x = pair(data, dtype)
        check(lambda m, t: t.frexp(), [x], f"frexp method {dtype}")
        check(lambda m, t: m.frexp(t, out=(m.empty(0, dtype=t.dtype), m.empty(0, dtype=m.int32))), [x],
              f"frexp out {dtype}")
        check(lambda m, t: m.frexp(t, out=(m.empty(0, dtype=t.dtype), m.empty(0))), [x], "frexp out float exponent")
    check(lambda m, t: m.frexp(t), [pair(np.array([1, 2]), "int64")], "frexp int")
    t, j = check(lambda m, t: m.frexp(t).mantissa.grad_fn is not None, [pair(data, "float32")], "frexp no grad")
    x = torch.tensor(data, dtype=torch.float64, requires_grad=True)
    y = jt.tensor(data, dtype=jt.float64, requires_grad=True)
    mt, et = torch.frexp(x)
    mj, ej = jt.frexp(y)
    assert mj.grad_fn.name() == mt.grad_fn.name() and ej.grad_fn is None and not ej.requires_grad
    gt, = torch.autograd.grad(mt.sum(), x)
    gj, = jt.autograd.grad(mj.sum(), y)
    assert_same(gj, gt, 2, "frexp grad")


# ---------------------------------------------------------------- ops with more operands or options
@settings(max_examples=6)
@given(data=st.data())
def test_lerp_addcmul_addcdiv(data):
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=2, min_side=0,
                                                         max_side=3)).input_shapes
    dtype = data.draw(st.sampled_from(("float16", "bfloat16", "float32", "float64", "int64", "complex64")))
    dtypes = [dtype] * 3
    if data.draw(st.integers(0, 4)) == 0:
        dtypes[data.draw(st.integers(0, 2))] = data.draw(st.sampled_from(NAMES))
    arrays = [data.draw(values(d, s)) for d, s in zip(dtypes, shapes)]
    args = [pair(a, d) for a, d in zip(arrays, dtypes)]
    weight = data.draw(st.sampled_from([0.0, 0.3, 0.5, 0.7, 1.0, 2.0, -1.5]))
    value = data.draw(st.sampled_from([1, 2, -0.5, 3.0]))
    what = f"{dtypes} {[a.tolist() for a in arrays]} weight={weight} value={value}"
    ulps = 0 if dtype.startswith("complex") else 1
    check(lambda m, a, b, c: m.lerp(a, b, weight), args, "lerp scalar " + what, ulps)
    check(lambda m, a, b, c: m.lerp(a, b, c), args, "lerp tensor " + what, ulps)
    check(lambda m, a, b, c: a.lerp(b, c), args, "lerp method " + what, ulps)
    check(lambda m, a, b, c: a.clone().lerp_(b, weight), args, "lerp_ " + what, ulps)
    finite = all(np.isfinite(a).all() for a in arrays)
    for name in ("addcmul", "addcdiv"):
        if name == "addcdiv" and dtype.startswith("complex") and not finite:
            continue  # torch's complex division follows C's Annex G for inf/nan parts (README, "Differences")
        check(lambda m, a, b, c: getattr(m, name)(a, b, c, value=value), args, f"{name} " + what, 2)
        check(lambda m, a, b, c: getattr(a.clone(), name + "_")(b, c), args, f"{name}_ " + what, 2)
        check(lambda m, a, b, c: getattr(m, name)(a, b, c, out=m.empty(0, dtype=a.dtype)), args,
              f"{name} out " + what, 2)
    check(lambda m, a, b, c: m.addcmul(a, 2, c), args, "addcmul number")


def test_polygamma_mvlgamma():
    data = np.array([0.25, 1.0, 2.5, 7.0, 31.0], np.float64)
    for dtype in ("float32", "float64", "int64", "complex64"):
        x = pair(data.astype(np.int64) + 1 if dtype == "int64" else data, dtype)
        for n in (0, 1, 2, 3):
            check(lambda m, t: m.polygamma(n, t), [x], f"polygamma {n} {dtype}", 64)
            check(lambda m, t: t.polygamma(n), [x], f"polygamma method {n} {dtype}", 64)
        for p in (1, 2, 3):
            check(lambda m, t: m.mvlgamma(t + 2, p), [x], f"mvlgamma {p} {dtype}", 64)
            check(lambda m, t: t.mvlgamma(p=p), [x], f"mvlgamma method {p} {dtype}", 64)
    x = pair(data, "float64")
    for call in (lambda m, t: m.polygamma(-1, t), lambda m, t: m.polygamma(1.5, t), lambda m, t: m.mvlgamma(t, 0),
                 lambda m, t: t.clone().polygamma_(1), lambda m, t: m.polygamma(2, t, out=m.empty(0, dtype=t.dtype))):
        check(call, [x], "polygamma/mvlgamma options", 64)


@settings(max_examples=8)
@given(data=st.data())
def test_float_power(data):
    dtype = data.draw(st.sampled_from(NAMES))
    other = data.draw(st.sampled_from(NAMES))
    a = data.draw(values(dtype, (4,), edge=False))
    b = data.draw(values(other, (4,), -3, 3, edge=False))
    if dtype.startswith(("int", "uint", "bool")):
        a = np.abs(a % 50).astype(dtype)
    x, y = pair(a, dtype), pair(b, other)
    what = f"float_power({dtype} {a.tolist()}, {other} {b.tolist()})"
    check(lambda m, p, q: m.float_power(p, q), [x, y], what, 4 if "complex" not in what else COMPLEX_ULPS)
    check(lambda m, p, q: m.float_power(p, 2), [x, y], what + " 2", 4 if "complex" not in what else COMPLEX_ULPS)
    check(lambda m, p, q: m.float_power(2.5, q), [x, y], what + " 2.5", 4 if "complex" not in what else COMPLEX_ULPS)
    check(lambda m, p, q: p.clone().float_power_(q), [x, y], what + " in-place", 4 if "complex" not in what
          else COMPLEX_ULPS)
    check(lambda m, p, q: m.float_power(p, q, out=m.empty(0)), [x, y], what + " out")


@settings(max_examples=8)
@given(data=st.data())
def test_closeness(data):
    dtype = data.draw(st.sampled_from(("float16", "bfloat16", "float32", "float64", "int32", "bool", "complex64")))
    shape = data.draw(st.sampled_from([(), (0,), (4,)]))
    a = data.draw(values(dtype, shape))
    noise = data.draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([0, 1e-9, 1e-6, 1e-5, 1e-3, 0.5])))
    b = (a * (1 + noise)).astype(a.dtype) if dtype not in ("bool", "int32") else a
    if dtype == "int32" and a.size:
        b = a.copy()
        b.flat[0] = data.draw(st.integers(-5, 5))  # .flat: also for the 0-d shape
    other = data.draw(st.sampled_from((dtype, dtype, "float64")))
    x, y = pair(a, dtype), pair(b.astype(other) if other != dtype else b, other)
    kwargs = data.draw(st.sampled_from([{}, {"rtol": 0, "atol": 0}, {"rtol": 1e-3}, {"atol": 1e-4, "equal_nan": True},
                                        {"equal_nan": True}, {"rtol": -1.0}, {"atol": -1e-3}]))
    what = f"{dtype} {a.tolist()} {other} {b.tolist()} {kwargs}"
    check(lambda m, p, q: m.isclose(p, q, **kwargs), [x, y], "isclose " + what)
    check(lambda m, p, q: p.isclose(q, **kwargs), [x, y], "isclose method " + what)
    check(lambda m, p, q: m.allclose(p, q, **kwargs), [x, y], "allclose " + what, message=False)
    check(lambda m, p, q: m.equal(p, q), [x, y], "equal " + what)
    check(lambda m, p, q: p.equal(q), [x, x], "equal self " + what)


def test_errors_and_aliases():
    f = pair(np.array([1.0, 2.0], np.float32), "float32")
    d = pair(np.array([1.0, 2.0]), "float64")
    i = pair(np.array([1, 2]), "int64")
    b = pair(np.array([True, False]), "bool")
    c = pair(np.array([1j, 2]), "complex64")
    calls = [
        lambda m, *_: m.acos(1.0), lambda m, *_: m.arccos(1.0),
        lambda m, f, d, i, b, c: m.heaviside(f, d), lambda m, f, d, i, b, c: m.heaviside(f, 2.0),
        lambda m, f, d, i, b, c: m.heaviside(c, c), lambda m, f, d, i, b, c: m.heaviside(b, b),
        lambda m, f, d, i, b, c: m.lerp(i, i, 0.5), lambda m, f, d, i, b, c: m.lerp(f, d, 0.5),
        lambda m, f, d, i, b, c: m.lerp(d, d, f), lambda m, f, d, i, b, c: m.addcdiv(i, i, i),
        lambda m, f, d, i, b, c: m.addcmul(b, b, b), lambda m, f, d, i, b, c: m.addcmul(f, f, f, value=2j),
        lambda m, f, d, i, b, c: m.addcmul(f, f, f, value=1e300), lambda m, f, d, i, b, c: m.addcmul(i, i, i, value=3),
        lambda m, f, d, i, b, c: m.isclose(f, d), lambda m, f, d, i, b, c: m.isclose(f, 1.0),
        lambda m, f, d, i, b, c: m.gcd(f, f), lambda m, f, d, i, b, c: m.gcd(i, 2),
        lambda m, f, d, i, b, c: m.copysign(2.0, f), lambda m, f, d, i, b, c: m.copysign(b, i),
        lambda m, f, d, i, b, c: m.float_power(f, 2, out=m.empty(2)), lambda m, f, d, i, b, c: f.clone().float_power_(2),
        lambda m, f, d, i, b, c: i.clone().ceil_(), lambda m, f, d, i, b, c: i.clone().acos_(),
        lambda m, f, d, i, b, c: m.square(b), lambda m, f, d, i, b, c: m.square(i),
        lambda m, f, d, i, b, c: i.clone().square_(), lambda m, f, d, i, b, c: m.sgn(c),
        lambda m, f, d, i, b, c: m.isreal(c), lambda m, f, d, i, b, c: m.isinf(c / 0),
        lambda m, f, d, i, b, c: m.nan_to_num(c / 0), lambda m, f, d, i, b, c: m.ldexp(c, i),
        lambda m, f, d, i, b, c: m.xlogy(2.0, 3.0), lambda m, f, d, i, b, c: m.frexp(2.0),
        lambda m, f, d, i, b, c: m.equal(f, 1.0), lambda m, f, d, i, b, c: m.fix(f),
        lambda m, f, d, i, b, c: m.absolute(b), lambda m, f, d, i, b, c: m.negative(b),
        lambda m, f, d, i, b, c: m.subtract(b, b), lambda m, f, d, i, b, c: f.clone().multiply_(d),
        lambda m, f, d, i, b, c: m.greater_equal(f, c), lambda m, f, d, i, b, c: m.not_equal(f, i),
        lambda m, f, d, i, b, c: f.arctan2(d), lambda m, f, d, i, b, c: f.clone().arctanh_(),
        lambda m, f, d, i, b, c: f.clone().fix_(), lambda m, f, d, i, b, c: m.less(i, 1.5),
    ]
    for k, call in enumerate(calls):
        check(call, [f, d, i, b, c], f"call {k}", COMPLEX_ULPS, message=k not in (18, 32))  # torch lists its overloads


# ---------------------------------------------------------------- gradients
GRAD_UNARY = {
    "acos": (-0.9, 0.9), "asin": (-0.9, 0.9), "atan": (-5, 5), "acosh": (1.1, 5), "asinh": (-5, 5),
    "atanh": (-0.9, 0.9), "cosh": (-3, 3), "sinh": (-3, 3), "tan": (-1.2, 1.2), "exp2": (-3, 3), "expm1": (-3, 3),
    "log10": (0.1, 9), "log1p": (-0.9, 9), "log2": (0.1, 9), "rsqrt": (0.1, 9), "sinc": (-3, 3), "erf": (-3, 3),
    "erfc": (-3, 3), "erfinv": (-0.9, 0.9), "lgamma": (0.1, 9), "digamma": (0.1, 9), "i0": (-3, 3),
    "logit": (0.05, 0.95), "deg2rad": (-9, 9), "rad2deg": (-9, 9), "ceil": (-9, 9), "floor": (-9, 9),
    "round": (-9, 9), "trunc": (-9, 9), "frac": (-9, 9), "sign": (-9, 9), "sgn": (-9, 9), "square": (-9, 9),
    "nan_to_num": (-9, 9), "fix": (-9, 9),
}
GRAD_BINARY = {
    "atan2": ((-3, 3), (0.5, 3)), "logaddexp": ((-3, 3), (-3, 3)), "logaddexp2": ((-3, 3), (-3, 3)),
    "hypot": ((0.5, 3), (-3, -0.5)), "copysign": ((0.5, 3), (-3, 3)), "xlogy": ((-3, 3), (0.5, 3)),
    "ldexp": ((-3, 3), (-3, 3)), "float_power": ((0.5, 3), (-2, 2)), "igamma": ((0.5, 3), (0.5, 3)),
    "igammac": ((0.5, 3), (0.5, 3)),
}
# torch has no derivative of igamma/igammac in their first operand: backward through it
# raises NotImplementedError, so these are also checked with only `other` requiring grad.
INPUT_NOT_DIFFERENTIABLE = ("igamma", "igammac")


@settings(max_examples=1)
@given(data=st.data())
def test_gradients(data):
    """Input gradients and grad_fn names against torch (float64)."""
    for name, (low, high) in GRAD_UNARY.items():
        array = data.draw(values("float64", (5,), low, high, edge=False))
        array = np.where(np.abs(array) < 1e-3, 0.375, array)  # torch's formulas lose all precision near 0
        if name in ("ceil", "floor", "round", "trunc", "fix", "frac", "sign", "sgn"):
            array = np.round(array) + 0.25
        x = torch.tensor(array, requires_grad=True)
        y = jt.tensor(array, requires_grad=True)
        tout, jout = getattr(torch, name)(x), getattr(jt, name)(y)
        assert jout.grad_fn.name() == tout.grad_fn.name(), name
        weight = np.linspace(-1, 1, 5)
        gt, = torch.autograd.grad((tout * torch.tensor(weight)).sum(), x)
        gt = torch.zeros(gt.shape, dtype=gt.dtype) + gt if gt._is_zerotensor() else gt
        gj, = jt.autograd.grad((jout * jt.tensor(weight)).sum(), y)
        assert_same(gj, gt, 64, f"grad {name} {array.tolist()}")
    for name, ((la, ha), (lb, hb)) in GRAD_BINARY.items():
        a = data.draw(values("float64", (2, 3), la, ha, edge=False))
        b = data.draw(values("float64", (3,), lb, hb, edge=False))
        for grad_a in (True, False) if name in INPUT_NOT_DIFFERENTIABLE else (True,):
            what = f"grad {name} {a.tolist()} {b.tolist()} input requires grad: {grad_a}"
            xa, xb = torch.tensor(a, requires_grad=grad_a), torch.tensor(b, requires_grad=name not in ("ldexp",))
            ya, yb = jt.tensor(a, requires_grad=grad_a), jt.tensor(b, requires_grad=name not in ("ldexp",))
            if name == "ldexp":
                xb, yb = torch.tensor(np.round(b).astype(np.int64)), jt.tensor(np.round(b).astype(np.int64))
            tout, jout = getattr(torch, name)(xa, xb), getattr(jt, name)(ya, yb)
            assert jout.grad_fn.name() == tout.grad_fn.name(), name
            inputs = [v for v in ((xa, ya), (xb, yb)) if v[0].requires_grad]
            # where torch has no derivative, jtorch must raise the same error
            check(lambda m, out, *wrt: m.autograd.grad(out.sum(), list(wrt)), [(tout, jout)] + inputs, what, 64)


def test_gradients_of_overloads():
    a = np.array([[0.5, -1.25, 2.0], [3.5, 0.75, -0.5]])
    b = np.array([0.25, 0.6, 1.5])

    def both(fn):
        x, w = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
        y, v = jt.tensor(a, requires_grad=True), jt.tensor(b, requires_grad=True)
        tout, jout = fn(torch, x, w), fn(jt, y, v)
        assert jout.grad_fn.name() == tout.grad_fn.name(), tout.grad_fn.name()
        gts = torch.autograd.grad(tout.sum(), [x, w], allow_unused=True)
        gjs = jt.autograd.grad(jout.sum(), [y, v], allow_unused=True)
        for gj, gt in zip(gjs, gts):
            assert (gj is None) == (gt is None)
            if gt is not None:
                assert_same(gj, gt, 16, tout.grad_fn.name())

    both(lambda m, x, w: m.round(x, decimals=1) * w)
    both(lambda m, x, w: m.copysign(x, -1.0) * w)
    both(lambda m, x, w: m.xlogy(2.0, w) * x)
    both(lambda m, x, w: m.xlogy(x, 3.0) * w)
    both(lambda m, x, w: m.lerp(x, w.expand(2, 3), 0.3))
    both(lambda m, x, w: m.lerp(x, x * 2, w))
    both(lambda m, x, w: m.addcmul(x, x, w, value=0.5))
    both(lambda m, x, w: m.addcdiv(x, x, w, value=2))
    both(lambda m, x, w: m.polygamma(1, w + 1) * x)
    both(lambda m, x, w: m.mvlgamma(w + 2, 3) * x)
    both(lambda m, x, w: m.float_power(2, w) * x)
    both(lambda m, x, w: m.float_power(w, 3) * x)
    both(lambda m, x, w: m.logit(w / 2, eps=0.2) * x)
    both(lambda m, x, w: m.nan_to_num(x / (x - 0.5)) * w)
    # in-place: the node of the op, recorded on the modified tensor
    both(lambda m, x, w: (w * 0.5).asin_() * x)


# ---------------------------------------------------------------- found by the thorough profile
@pytest.mark.parametrize("dtype", ["int8", "int16", "uint8", "int32", "int64"])
def test_lcm_wraps_as_torchs_cpp(dtype):
    """torch multiplies int8/int16/uint8 values as C++ int (abs before the wrap to the dtype)."""
    info = np.iinfo(dtype)
    rng = np.random.default_rng(7)
    a, b = (rng.integers(info.min, info.max, 400, endpoint=True).astype(dtype) for _ in range(2))
    a[:4], b[:4] = [0, info.max, info.min, 1], [5, info.max, info.min, info.max]
    check(lambda m, x, y: m.lcm(x, y), [pair(a, dtype), pair(b, dtype)], f"lcm {dtype}")


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64", "complex64", "int64", "bool"])
@pytest.mark.parametrize("shape", [(0, 1), (2,)])
def test_ldexp_with_a_bool_exponent(dtype, shape):
    """torch computes 2 ** other in a bool other's dtype for a real floating input: NotImplementedError."""
    x, e = pair(np.ones(shape), dtype), pair(np.ones(shape, np.bool_), "bool")
    check(lambda m, a, b: m.ldexp(a, b), [x, e], f"ldexp {dtype} bool")
    check(lambda m, a, b: a.clone().ldexp_(b), [x, e], f"ldexp_ {dtype} bool")


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_ldexp_half_powers_are_rounded_once(dtype):
    exponents = np.random.default_rng(3).standard_normal(500).astype(np.float32) * 8
    check(lambda m, a, b: m.ldexp(a, b), [pair(np.ones(500), dtype), pair(exponents, dtype)], f"ldexp {dtype}")


@pytest.mark.parametrize("weight_dtype", ["float16", "float32", "float64", "int64", "bool", "complex64"])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "complex64"])
@pytest.mark.parametrize("weight_shape", [(), (2,)])
def test_lerp_takes_a_zero_dim_weight_of_any_dtype(dtype, weight_dtype, weight_shape):
    """torch: a 0-d weight tensor is a scalar (any dtype; complex promotes); a dimensioned one must match."""
    if dtype == "float16" and weight_dtype == "complex64":
        return  # torch computes that in complex32, which jtorch lacks (README, "Differences")
    weight = np.full(weight_shape, 1 if weight_dtype in ("int64", "bool") else 0.3)
    args = [pair(np.ones(2), dtype), pair(np.full(2, 2.0), dtype), pair(weight, weight_dtype)]
    check(lambda m, a, b, w: m.lerp(a, b, w), args, f"lerp {dtype} {weight_dtype}{list(weight_shape)}", 1)
    check(lambda m, a, b, w: a.clone().lerp_(b, w), args, f"lerp_ {dtype} {weight_dtype}{list(weight_shape)}", 1)
