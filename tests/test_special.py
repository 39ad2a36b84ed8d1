"""torch.special (jtorch/special.py, jtorch/ops/special.py) differentially against torch:
values over dtypes (ints to the default float, float32/64, float16/bfloat16 where torch
has kernels), 0-d and empty shapes, nan/inf/0/negative edges, out=, gradients and
grad_fn names, torch's errors, and the lazy aliases of torch.* functions."""
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import jtorch as jt

ROOT = Path(__file__).resolve().parent.parent

UNARY = ["entr", "erfcx", "log_ndtr", "ndtr", "ndtri", "i0e", "i1", "i1e", "bessel_j0", "bessel_j1", "bessel_y0",
         "bessel_y1", "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1",
         "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "spherical_bessel_j0", "airy_ai"]
HALF_OK = {"entr", "ndtr", "i0e", "i1", "i1e", "xlog1py", "gammainc", "gammaincc"}
DIFFERENTIABLE = {"entr": "SpecialEntrBackward0", "erfcx": "SpecialErfcxBackward0",
                  "log_ndtr": "SpecialLogNdtrBackward0", "ndtr": "MulBackward1", "ndtri": "SpecialNdtriBackward0",
                  "i0e": "SpecialI0EBackward0", "i1": "SpecialI1Backward0", "i1e": "SpecialI1EBackward0"}
POLYNOMIALS = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
               "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
               "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
               "laguerre_polynomial_l", "legendre_polynomial_p"]

EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 2.09, -2.09, 5.0, -5.0, 8.0, -8.0, 8.3203353, 1e-6, -1e-6, 1e-30,
         30.0, -30.0, 110.0, -110.0, 1e30, -1e30, float("inf"), float("-inf"), float("nan")]
GRID = np.concatenate([EDGES, np.linspace(-25, 25, 41), np.linspace(-2.5, 2.5, 21)])
PROBABILITIES = np.array([0.0, 1.0, -0.5, 1.5, float("nan"), 1e-30, 1e-10, 0.001, 0.25, 0.5, 0.75, 0.999, 1 - 1e-7])

# (rtol, atol) against torch. Where torch's Cephes kernels and XLA's transcendental
# functions round differently, float32 agrees to a few ulp; float64 to ~1e-13 relative
# (airy_ai's oscillating tail, where sin/cos of a large argument amplify one ulp, 1e-11).
TOL = {"float32": (1e-5, 1e-6), "float64": (1e-12, 1e-14)}
TOL64 = {"airy_ai": (1e-11, 1e-14), "bessel_y0": (1e-12, 1e-13), "ndtr": (1e-12, 1e-15)}


def to_torch(values, dtype):
    return torch.tensor(np.asarray(values)).to(getattr(torch, dtype))


def to_jt(values, dtype):
    return jt.tensor(np.asarray(values)).to(getattr(jt, dtype))


def assert_close(j, t, rtol, atol):
    assert isinstance(j, jt.Tensor)
    assert j.dtype.name == str(t.dtype).removeprefix("torch."), (j.dtype, t.dtype)
    assert tuple(j.shape) == tuple(t.shape)
    a = (j.float() if j.dtype is jt.bfloat16 else j).detach().numpy().astype(np.float64)
    b = (t.float() if t.dtype == torch.bfloat16 else t).detach().numpy().astype(np.float64)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)


def unary_inputs(name):
    return PROBABILITIES if name == "ndtri" else GRID


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", UNARY)
def test_unary_values(name, dtype):
    values = unary_inputs(name)
    t = getattr(torch.special, name)(to_torch(values, dtype))
    j = getattr(jt.special, name)(to_jt(values, dtype))
    rtol, atol = TOL64.get(name, TOL["float64"]) if dtype == "float64" else TOL["float32"]
    assert_close(j, t, rtol, atol)


@pytest.mark.parametrize("name", ["ndtri", "bessel_y1", "airy_ai"])
def test_unary_dtypes_and_shapes(name):
    # integers and bools compute in the default float dtype
    for dtype, values in (("int64", [-3, 0, 1, 2, 7]), ("bool", [True, False])):
        if name == "ndtri":
            values = [0, 1] if dtype == "int64" else values
        t = getattr(torch.special, name)(to_torch(values, dtype))
        j = getattr(jt.special, name)(to_jt(values, dtype))
        assert_close(j, t, *TOL["float32"])
    # 0-d and empty tensors
    for values in (np.array(0.75), np.zeros((0, 3))):
        t = getattr(torch.special, name)(to_torch(values, "float32"))
        j = getattr(jt.special, name)(to_jt(values, "float32"))
        assert_close(j, t, *TOL["float32"])


@pytest.mark.parametrize("name", UNARY)
def test_unary_out(name):
    values = unary_inputs(name)  # the shape test_unary_values compiled
    t_out, j_out = torch.empty(0), jt.empty(0)
    t = getattr(torch.special, name)(to_torch(values, "float32"), out=t_out)
    j = getattr(jt.special, name)(to_jt(values, "float32"), out=j_out)
    assert j is j_out and t is t_out
    assert_close(j_out, t_out, *TOL["float32"])
    with pytest.raises(RuntimeError):  # float results do not fit an int64 out=
        getattr(jt.special, name)(to_jt(values, "float32"), out=jt.empty(3, dtype=jt.int64))
    with pytest.raises(RuntimeError):
        getattr(torch.special, name)(to_torch(values, "float32"), out=torch.empty(3, dtype=torch.int64))


@pytest.mark.parametrize("name", UNARY)
def test_unary_unsupported_dtypes_and_arguments(name):
    for dtype in ("float16", "bfloat16", "complex64"):
        if dtype in ("float16", "bfloat16") and name in HALF_OK:
            continue
        with pytest.raises(NotImplementedError) as theirs:
            getattr(torch.special, name)(torch.ones(2, dtype=getattr(torch, dtype)))
        with pytest.raises(NotImplementedError) as ours:
            getattr(jt.special, name)(jt.ones(2, dtype=getattr(jt, dtype)))
        assert str(ours.value) == str(theirs.value)
    for bad in (1.5, None):
        with pytest.raises(TypeError):
            getattr(torch.special, name)(bad)
        with pytest.raises(TypeError):
            getattr(jt.special, name)(bad)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("name", ["entr", "ndtr", "i1e"])
def test_half_precision(name, dtype):
    values = np.concatenate([np.linspace(-4, 4, 33), [0.0, float("inf"), float("-inf"), float("nan")]])
    t = getattr(torch.special, name)(to_torch(values, dtype))
    j = getattr(jt.special, name)(to_jt(values, dtype))
    # torch's half kernels round some intermediates to half: agreement to one half/bfloat16 ulp
    assert_close(j, t, 1e-3 if dtype == "float16" else 8e-3, 1e-4 if dtype == "float16" else 1e-3)


@pytest.mark.parametrize("name", sorted(DIFFERENTIABLE))
def test_unary_gradients(name):
    values = np.array([0.05, 0.3, 0.9]) if name == "ndtri" else np.array([-2.5, -0.4, 0.0, 1e-20, 0.3, 1.7, 9.5])
    for dtype in ("float64",) if name not in ("ndtr", "i1") else ("float32", "float64"):
        t = to_torch(values, dtype).requires_grad_()
        j = to_jt(values, dtype).requires_grad_()
        rt, rj = getattr(torch.special, name)(t), getattr(jt.special, name)(j)
        assert type(rj.grad_fn).__name__ == type(rt.grad_fn).__name__ == DIFFERENTIABLE[name]
        cotangent = np.linspace(0.5, 1.5, len(values))
        rt.backward(to_torch(cotangent, dtype))
        rj.backward(to_jt(cotangent, dtype))
        assert_close(j.grad, t.grad, *((1e-5, 1e-6) if dtype == "float32" else (1e-12, 1e-14)))


def test_nondifferentiable_results_do_not_require_grad():
    x = to_jt(GRID, "float32").requires_grad_()  # shapes compiled by the other tests
    tx = to_torch(GRID, "float32").requires_grad_()
    for name in UNARY:
        if name in DIFFERENTIABLE:
            continue
        r, tr = getattr(jt.special, name)(x), getattr(torch.special, name)(tx)
        assert r.requires_grad is tr.requires_grad is False and r.grad_fn is None
        out = jt.empty(len(GRID))
        assert getattr(jt.special, name)(x, out=out) is out  # no autograd error with out=, as torch
        getattr(torch.special, name)(tx, out=torch.empty(len(GRID)))
    x = jt.tensor([0.25, -0.5, 0.75]).float().requires_grad_()
    tx = torch.tensor([0.25, -0.5, 0.75]).float().requires_grad_()
    for name in ("chebyshev_polynomial_v", "hermite_polynomial_he", "legendre_polynomial_p"):
        assert not getattr(jt.special, name)(x, 3).requires_grad
        assert not getattr(torch.special, name)(tx, 3).requires_grad


def test_out_with_requires_grad():
    x, tx = jt.tensor([0.5, 1.5], requires_grad=True), torch.tensor([0.5, 1.5], requires_grad=True)
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        torch.special.entr(tx, out=torch.empty(2))
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        jt.special.entr(x, out=jt.empty(2))
    # ndtr is a composite in torch: its out= variant has no such check
    assert_close(jt.special.ndtr(x, out=jt.empty(2)), torch.special.ndtr(tx, out=torch.empty(2)), 1e-6, 1e-7)


# ----------------------------------------------------------------- binary functions
A = np.concatenate([np.repeat([0.0, -0.0, 1.0, -1.0, 0.5, 2.0, float("inf"), float("-inf"), float("nan")], 9),
                    np.linspace(0.1, 25, 30)])
B = np.concatenate([np.tile([0.0, -0.0, 1.0, -1.0, 0.5, 2.0, float("inf"), float("-inf"), float("nan")], 9),
                    np.linspace(25, 0.05, 30)])
# torch's igamma uses an asymptotic expansion for a > 20, |x - a| < 0.3 a that is only
# good to ~2e-9 relative; JAX's series is accurate there.
BINARY_TOL64 = {"xlog1py": (1e-13, 1e-15), "zeta": (1e-13, 1e-15), "gammainc": (5e-9, 1e-15),
                "gammaincc": (5e-9, 1e-15)}


@pytest.mark.parametrize("name,dtype", [(n, "float64") for n in ("xlog1py", "zeta", "gammainc", "gammaincc")] + [
    (n, "float32") for n in ("xlog1py", "zeta", "gammaincc")])
def test_binary_values(name, dtype):
    t = getattr(torch.special, name)(to_torch(A, dtype), to_torch(B, dtype))
    j = getattr(jt.special, name)(to_jt(A, dtype), to_jt(B, dtype))
    assert_close(j, t, *(BINARY_TOL64[name] if dtype == "float64" else (1e-5, 1e-6)))


@pytest.mark.parametrize("name", ["xlog1py", "zeta"])
def test_binary_scalars_broadcasting_and_dtypes(name):
    a, b = np.array([[1.5], [2.0], [3.0]]), np.array([0.5, 1.0, 4.0, 2.5])
    cases = [
        (lambda m, d: (m.tensor(a), m.tensor(b))),  # float64 x float64, broadcast
        (lambda m, d: (m.tensor(a), 2.0)),
        (lambda m, d: (3.0, m.tensor(b))),
        (lambda m, d: (m.tensor([[2], [3], [4]]), m.tensor([1, 2, 3, 4]))),  # int64 -> float32
        (lambda m, d: (m.tensor(a).float(), m.tensor(2.5, dtype=m.float64))),  # 0-d doesn't promote
    ]
    for case in cases:
        t = getattr(torch.special, name)(*case(torch, None))
        j = getattr(jt.special, name)(*case(jt, None))
        assert_close(j, t, 1e-6, 1e-7)
    t_out, j_out = torch.empty(0, dtype=torch.float64), jt.empty(0, dtype=jt.float64)
    getattr(torch.special, name)(torch.tensor(a), torch.tensor(b), out=t_out)
    assert getattr(jt.special, name)(jt.tensor(a), jt.tensor(b), out=j_out) is j_out
    assert_close(j_out, t_out, 1e-13, 1e-15)
    for bad in ((2.0, 1.0), (jt.ones(2), None)):
        with pytest.raises(TypeError):
            getattr(torch.special, name)(*[torch.ones(2) if isinstance(v, jt.Tensor) else v for v in bad])
        with pytest.raises(TypeError):
            getattr(jt.special, name)(*bad)


@pytest.mark.parametrize("name", ["gammainc", "gammaincc"])
def test_igamma_arguments(name):
    for args in ((1.0, "t"), ("t", 1), ("t", None)):
        with pytest.raises(TypeError):
            getattr(torch.special, name)(*[torch.ones(2) if a == "t" else a for a in args])
        with pytest.raises(TypeError):
            getattr(jt.special, name)(*[jt.ones(2) if a == "t" else a for a in args])
    for dtype in ("int64", "bool", "complex64"):
        with pytest.raises(NotImplementedError) as theirs:
            getattr(torch.special, name)(torch.ones(2, dtype=getattr(torch, dtype)),
                                         torch.ones(2, dtype=getattr(torch, dtype)))
        with pytest.raises(NotImplementedError) as ours:
            getattr(jt.special, name)(jt.ones(2, dtype=getattr(jt, dtype)), jt.ones(2, dtype=getattr(jt, dtype)))
        assert str(ours.value) == str(theirs.value)
    for dtype in ("float16",) if name == "gammainc" else ("bfloat16",):
        a, x = np.array([0.5, 1.0, 2.0, 4.0]), np.array([0.25, 1.0, 3.0, 2.0])
        t = getattr(torch.special, name)(to_torch(a, dtype), to_torch(x, dtype))
        j = getattr(jt.special, name)(to_jt(a, dtype), to_jt(x, dtype))
        assert_close(j, t, 1e-3 if dtype == "float16" else 8e-3, 1e-3)


def test_binary_half_and_unsupported():
    a, b = np.array([0.0, 0.5, 1.0, 3.0]), np.array([1.0, 0.5, float("nan"), 2.0])
    for dtype in ("float16", "bfloat16"):
        t = torch.special.xlog1py(to_torch(a, dtype), to_torch(b, dtype))
        j = jt.special.xlog1py(to_jt(a, dtype), to_jt(b, dtype))
        assert_close(j, t, 1e-3 if dtype == "float16" else 8e-3, 1e-3)
        with pytest.raises(NotImplementedError):
            jt.special.zeta(jt.ones(2, dtype=getattr(jt, dtype)), jt.ones(2, dtype=getattr(jt, dtype)))
        with pytest.raises(NotImplementedError):
            torch.special.zeta(torch.ones(2, dtype=getattr(torch, dtype)), torch.ones(2, dtype=getattr(torch, dtype)))


@pytest.mark.parametrize("name,node,missing", [
    ("xlog1py", "SpecialXlog1PyBackward", None), ("zeta", "SpecialZetaBackward", "'zeta'"),
    ("gammainc", "IgammaBackward0", "'igamma: input'"), ("gammaincc", "IgammacBackward0", "'igammac: input'"),
])
def test_binary_gradients(name, node, missing):
    a, b = np.array([0.0, 1.5, 2.5, 4.0]), np.array([2.0, 0.5, 3.0, 1.5])
    for which in (0, 1):
        t = [torch.tensor(a), torch.tensor(b)]
        j = [jt.tensor(a), jt.tensor(b)]
        t[which].requires_grad_()
        j[which].requires_grad_()
        rt, rj = getattr(torch.special, name)(*t), getattr(jt.special, name)(*j)
        assert type(rj.grad_fn).__name__ == type(rt.grad_fn).__name__
        assert type(rj.grad_fn).__name__.startswith(node)
        if which == 0 and missing is not None:
            with pytest.raises(NotImplementedError, match=f"the derivative for {missing} is not implemented"):
                rt.sum().backward()
            with pytest.raises(NotImplementedError, match=f"the derivative for {missing} is not implemented"):
                rj.sum().backward()
            continue
        rt.sum().backward()
        rj.sum().backward()
        assert_close(j[which].grad, t[which].grad, 1e-12, 1e-14)
    if name in ("xlog1py", "zeta"):  # the node is named after which operand is a Python number
        x, tx = jt.tensor(b, requires_grad=True), torch.tensor(b, requires_grad=True)
        for args, targs in (((x, 3.0), (tx, 3.0)), ((3.0, x), (3.0, tx))):
            rj, rt = getattr(jt.special, name)(*args), getattr(torch.special, name)(*targs)
            assert type(rj.grad_fn).__name__ == type(rt.grad_fn).__name__
            if name == "zeta" and args[0] is x:
                continue
            gj, = jt.autograd.grad(rj.sum(), x)
            gt, = torch.autograd.grad(rt.sum(), tx)
            assert_close(gj, gt, 1e-12, 1e-14)


# ----------------------------------------------------------------- orthogonal polynomials
XS = np.concatenate([np.linspace(-1.5, 1.5, 25), [0.0, 1.0, -1.0, 0.5, 2.0, -3.0, float("inf"), float("-inf")]])
NS = np.array([-3, -1, 0, 1, 2, 3, 5, 6, 7, 9, 12, 20])


@pytest.mark.parametrize("name,dtype", [(n, "float64") for n in POLYNOMIALS] + [
    (n, "float32") for n in ("chebyshev_polynomial_u", "shifted_chebyshev_polynomial_w", "laguerre_polynomial_l")])
def test_polynomial_values(name, dtype):
    x, n = np.meshgrid(XS, NS)
    t = getattr(torch.special, name)(to_torch(x, dtype), to_torch(n, dtype))
    j = getattr(jt.special, name)(to_jt(x, dtype), to_jt(n, dtype))
    # Values near a root cancel: compare against the scale of the polynomial for that degree.
    b = t.numpy()
    scale = np.nanmax(np.where(np.isfinite(b), np.abs(b), 0), axis=1, keepdims=True) + 1
    rtol, eps = (1e-5, 2e-6) if dtype == "float32" else (1e-12, 1e-13)
    a = j.numpy()
    assert j.dtype.name == dtype and a.shape == b.shape
    finite = np.isfinite(b)
    assert np.array_equal(np.isnan(a), np.isnan(b)) and np.array_equal(a[np.isinf(b)], b[np.isinf(b)])
    assert np.all(np.abs(a[finite] - b[finite]) <= rtol * np.abs(b[finite]) + eps * np.broadcast_to(scale, b.shape)[finite])


@pytest.mark.parametrize("name", ["chebyshev_polynomial_v", "hermite_polynomial_he", "legendre_polynomial_p"])
def test_polynomial_arguments(name):
    x = np.array([0.25, -0.5, 0.75])
    cases = [
        (lambda m: (m.tensor(x).float(), 3)),  # a Python int degree
        (lambda m: (m.tensor(x).float(), 2.7)),  # degrees truncate
        (lambda m: (0.5, m.tensor([0, 1, 2, 5]))),  # int64 degrees promote to float32
        (lambda m: (m.tensor(x), m.tensor([float("nan"), float("inf"), -float("inf")]))),
        (lambda m: (m.tensor(0.5), m.tensor(4))),
    ]
    for case in cases:
        t = getattr(torch.special, name)(*case(torch))
        j = getattr(jt.special, name)(*case(jt))
        assert_close(j, t, 1e-5, 1e-6)
    t_out, j_out = torch.empty(0), jt.empty(0)
    getattr(torch.special, name)(torch.tensor(x).float(), 3, out=t_out)
    assert getattr(jt.special, name)(jt.tensor(x).float(), 3, out=j_out) is j_out
    assert_close(j_out, t_out, 1e-5, 1e-6)
    with pytest.raises(TypeError):
        getattr(torch.special, name)(0.5, 3)
    with pytest.raises(TypeError):
        getattr(jt.special, name)(0.5, 3)
    with pytest.raises(NotImplementedError) as theirs:
        getattr(torch.special, name)(torch.ones(2, dtype=torch.float16), 2)
    with pytest.raises(NotImplementedError) as ours:
        getattr(jt.special, name)(jt.ones(2, dtype=jt.float16), 2)
    assert str(ours.value) == str(theirs.value)


@given(x=st.floats(-2, 2, allow_nan=False), n=st.integers(0, 40))
def test_chebyshev_and_legendre_hypothesis(x, n):
    for name in ("chebyshev_polynomial_t", "legendre_polynomial_p"):
        t = getattr(torch.special, name)(torch.tensor([x], dtype=torch.float64), n)
        j = getattr(jt.special, name)(jt.tensor([x], dtype=jt.float64), n)
        b = t.numpy()
        scale = 1.0 + np.abs(b) if abs(x) <= 1 else np.abs(b)
        np.testing.assert_allclose(j.numpy(), b, rtol=1e-11, atol=float(1e-12 * scale.max()))


# ----------------------------------------------------------------- the namespace
def test_namespace_and_aliases():
    torch_names = {n for n in dir(torch.special) if not n.startswith("_") and n not in ("Tensor", "torch")}
    for name in UNARY + POLYNOMIALS + ["xlog1py", "zeta", "gammainc", "gammaincc"]:
        assert callable(getattr(jt.special, name))
    aliases = {"digamma": "digamma", "psi": "digamma", "erf": "erf", "erfc": "erfc", "erfinv": "erfinv",
               "exp2": "exp2", "expm1": "expm1", "expit": "sigmoid", "gammaln": "lgamma", "i0": "i0",
               "log1p": "log1p", "log_softmax": "log_softmax", "logit": "logit", "logsumexp": "logsumexp",
               "multigammaln": "mvlgamma", "polygamma": "polygamma", "round": "round", "sinc": "sinc",
               "softmax": "softmax", "xlogy": "xlogy"}
    assert set(aliases) <= torch_names
    for alias, target in aliases.items():
        try:
            expected = getattr(jt, target)
        except AttributeError:
            if alias in ("softmax", "log_softmax"):
                continue  # torch.nn.functional's until jtorch has torch.softmax; compared below
            with pytest.raises(NotImplementedError, match=f"torch.special.{alias}"):
                getattr(jt.special, alias)
            continue
        assert getattr(jt.special, alias) is expected
    x = np.array([-1.0, 0.0, 2.0])
    assert_close(jt.special.expit(jt.tensor(x)), torch.special.expit(torch.tensor(x)), 1e-12, 1e-15)
    for name in ("softmax", "log_softmax"):
        t = getattr(torch.special, name)(torch.tensor(x, requires_grad=True), 0, dtype=torch.float32)
        j = getattr(jt.special, name)(jt.tensor(x, requires_grad=True), 0, dtype=jt.float32)
        assert_close(j, t, 1e-6, 1e-7)
        assert type(j.grad_fn).__name__ == type(t.grad_fn).__name__
    with pytest.raises(AttributeError):
        jt.special.no_such_function
    assert not hasattr(jt.special, "no_such_function")


def test_import_torch_special_in_a_script(tmp_path):
    script = tmp_path / "uses_special.py"
    script.write_text("import torch\nimport torch.special\nfrom torch.special import ndtr\n"
                      "x = torch.tensor([0.0, 1.0])\nprint(torch.special.ndtr(x), ndtr(x).dtype)\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with warnings.catch_warnings():
        done = subprocess.run([sys.executable, "-m", "jtorch", str(script)], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{torch.special.ndtr(torch.tensor([0.0, 1.0]))} torch.float32"
