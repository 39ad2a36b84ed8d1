"""Regressions found by the compat op-table suite (issue 3): differential against torch at the
edge values that broke jtorch."""
import math

import numpy as np
import pytest
import torch

import jtorch

INF, NAN = math.inf, math.nan


def _np(t):
    t = t.detach()
    if t.dtype in (torch.bfloat16, jtorch.bfloat16):
        t = t.float()
    return t.numpy()


def _same(ours, theirs, rtol=1e-6, atol=0.0):
    assert str(ours.dtype) == str(theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(_np(ours), _np(theirs), rtol=rtol, atol=atol, equal_nan=True)


def _both(fn):
    return fn(jtorch), fn(torch)


XS = [0.0, -0.0, 1.5, -2.0, NAN, INF, -INF]
YS = [-1.0, -2.0, -0.5, 0.0, 0.5, NAN, INF, -INF]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("broadcast", [False, True])
def test_xlog1py_grad_masked_where_x_is_zero(dtype, broadcast):
    # torch masks d/dx = log1p(y) to 0 where x == 0 and y <= -1; an unmasked -inf/nan used to
    # poison the whole gradient once a broadcast summed it
    x = np.array(XS)[:, None]
    y = np.array(YS)[None, :] if broadcast else np.broadcast_to(np.array(YS)[None, :], (len(XS), len(YS))).copy()

    def run(T):
        a = T.tensor(x, dtype=getattr(T, dtype), requires_grad=True)
        b = T.tensor(y, dtype=getattr(T, dtype), requires_grad=True)
        r = T.special.xlog1py(a, b)
        r.sum().backward()
        return r, a.grad, b.grad

    for ours, theirs in zip(*_both(run)):
        _same(ours, theirs)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
@pytest.mark.parametrize("exp_dtype", ["int8", "uint8", "int16", "int64"])
def test_ldexp_grad_with_integer_exponent(dtype, exp_dtype):
    # torch's derivative multiplies by pow(2, other) in other's integer dtype (0 for negative
    # exponents, wrapping at the dtype's width)
    exps = [0, 1, 3, -1, -3, 7, 8, 15, 16, 31, 63] if exp_dtype != "uint8" else [0, 1, 3, 7, 8, 9]

    def run(T):
        a = T.full((len(exps),), 0.75, dtype=getattr(T, dtype), requires_grad=True)
        e = T.tensor(exps, dtype=getattr(T, exp_dtype))
        r = T.ldexp(a, e)
        r.sum().backward()
        return r, a.grad

    for ours, theirs in zip(*_both(run)):
        _same(ours, theirs)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32"])
@pytest.mark.parametrize("exponent", [3, -2, 0])
def test_ldexp_zero_dim_exponent(dtype, exponent):
    def run(T):
        a = T.tensor([1.5, -2.0, 0.0, INF], dtype=getattr(T, dtype))
        return T.ldexp(a, T.tensor(exponent)), T.ldexp(a, T.tensor(float(exponent)))

    for ours, theirs in zip(*_both(run)):
        _same(ours, theirs)


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("value", [1, 0.5, 2j])
@pytest.mark.parametrize("op", ["addcmul"])
def test_addc_complex_with_infinities(dtype, value, op):
    # (1+0j) * (-inf+1j) is -inf+nanj in torch; XLA used to fold the multiplication by 1 away
    t1 = [complex(-INF, 1), 1 + 1j, complex(0, -INF), complex(INF, 0), 2 - 1j]
    t2 = [1 + 1j, complex(-INF, 0), 2j, 1 + 0j, complex(NAN, 1)]
    base = [1 + 1j, complex(-INF, 0), 0j, complex(0, INF), 1 - 1j]

    def run(T):
        d = getattr(T, dtype)
        a, b, c = T.tensor(base, dtype=d), T.tensor(t1, dtype=d), T.tensor(t2, dtype=d)
        out = T.empty(5, dtype=d)
        getattr(T, op)(a, b, c, value=value, out=out)
        return getattr(T, op)(a, b, c, value=value), out, getattr(a.clone(), op + "_")(b, c, value=value)

    for ours, theirs in zip(*_both(run)):
        _same(ours, theirs)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_logaddexp_out_at_infinities(dtype):
    a_vals = [-INF, -INF, 0.0, INF, -INF, 1.0]
    b_vals = [-INF, 1.0, -INF, INF, INF, NAN]

    def run(T):
        d = getattr(T, dtype)
        a, b = T.tensor(a_vals, dtype=d), T.tensor(b_vals, dtype=d)
        o1, o2 = T.empty(6, dtype=d), T.empty(6, dtype=d)
        T.logaddexp(a, b, out=o1)
        T.logaddexp2(a, b, out=o2)
        return T.logaddexp(a, b), o1, o2

    for ours, theirs in zip(*_both(run)):
        _same(ours, theirs)


@pytest.mark.parametrize("exponent", [[2, -1, 3, 0], 2, -3])
def test_float_power_complex64_int8(exponent):
    def run(T):
        base = T.tensor([1 + 1j, 2 - 1j, 0.5j, -3 + 0j], dtype=T.complex64)
        e = T.tensor(exponent, dtype=T.int8)
        return T.float_power(base, e), T.float_power(e, base)

    for ours, theirs in zip(*_both(run)):
        _same(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16", "float32"])
def test_copysign_signed_zero_and_infinities(dtype):
    vals = [0.0, -0.0, 1.0, -1.0, INF, -INF, NAN, 3.0e4]

    def run(T):
        d = getattr(T, dtype)
        a = T.tensor(vals, dtype=d, requires_grad=True)
        b = T.tensor(vals[::-1], dtype=d)
        r = T.copysign(a, b)
        s = T.copysign(a, -0.0)
        (r.sum() + s.sum()).backward()
        return r, s, a.grad

    ours, theirs = _both(run)
    for o, t in zip(ours, theirs):
        _same(o, t)
    for o, t in zip(ours[:2], theirs[:2]):  # the sign of zeros and nans is copysign's result
        np.testing.assert_array_equal(np.signbit(_np(o)), np.signbit(_np(t)))


@pytest.mark.parametrize("dtype,exp_dtype", [("float32", "float32"), ("float64", "float64"), ("float16", "float32")])
def test_ldexp_grad_with_float_exponent(dtype, exp_dtype):
    # integral float exponents used to take an exact branch with no derivative in the exponent
    exps = [2.0, -1.0, 0.0, -1.5, 0.25, 3.0]

    def run(T):
        a = T.tensor([1.5, -2.0, 0.5, 3.0, -0.75, 0.0], dtype=getattr(T, dtype), requires_grad=True)
        e = T.tensor(exps, dtype=getattr(T, exp_dtype), requires_grad=True)
        r = T.ldexp(a, e)
        r.sum().backward()
        return r, a.grad, e.grad

    for ours, theirs in zip(*_both(run)):
        _same(ours, theirs, rtol=1e-3 if dtype == "float16" else 1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("scalar", [None, "x", "y"])
def test_xlog1py_grad_with_zero_incoming_gradient(dtype, scalar):
    # torch's derivative in x is xlog1py(grad, y): 0 where grad == 0 even where log1p(y) is nan
    x = [518.9, -2.0, 0.0, 1.5, 3.0]
    y = [-287.7, -1.0, -3.0, NAN, 0.5]
    g = [-0.0, 0.0, 1.0, 0.0, 2.0]

    def run(T):
        d = getattr(T, dtype)
        a = 2.5 if scalar == "x" else T.tensor(x, dtype=d, requires_grad=True)
        b = -4.0 if scalar == "y" else T.tensor(y, dtype=d, requires_grad=True)
        r = T.special.xlog1py(a, b)
        r.backward(T.tensor(g, dtype=d))
        return [r] + [t.grad for t in (a, b) if isinstance(t, T.Tensor)]

    for ours, theirs in zip(*_both(run)):
        _same(ours, theirs)


@pytest.mark.parametrize("int_dtype", ["uint8", "int8", "int16", "int32", "int64"])
@pytest.mark.parametrize("float_first", [True, False])
def test_atan2_grad_squares_integer_operand_in_its_dtype(int_dtype, float_first):
    # torch's backward computes other * other in other's integer dtype: 16 * 16 wraps to 0 in
    # uint8 (and int8), so the denominator of the gradient changes, and a zero one gives 0
    ints = np.array([16, 15, -3, 0, 100, 200, 2], dtype=np.int64)
    if int_dtype == "uint8":
        ints = np.abs(ints)
    floats = np.array([0.0, 1.0, -0.5, 0.0, 2.0, 1.0, -1.0], dtype=np.float32)

    def grad(lib):
        f = lib.tensor(floats, requires_grad=True)
        i = lib.tensor(ints, dtype=getattr(lib, int_dtype))
        out = lib.atan2(f, i) if float_first else i.atan2(f)
        out.sum().backward()
        return out, f.grad

    (j_out, j_grad), (t_out, t_grad) = _both(grad)
    _same(j_out, t_out, rtol=1e-6)
    _same(j_grad, t_grad, rtol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sinc_grad_zero_where_square_underflows(dtype):
    # torch masks the derivative where x * x * pi == 0, which tiny x reach by underflow
    values = [3.4895506e-25, 0.0, -0.0, 1e-20, 1e-160, 0.7, -2.5, INF, NAN]

    def grad(lib):
        x = lib.tensor(values, dtype=getattr(lib, dtype), requires_grad=True)
        y = lib.sinc(x)
        y.sum().backward()
        return y, x.grad

    (j_y, j_g), (t_y, t_g) = _both(grad)
    _same(j_y, t_y, rtol=1e-6)
    _same(j_g, t_g, rtol=1e-5)


@pytest.mark.parametrize("name", ["logaddexp", "logaddexp2"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_logaddexp_grads_follow_torchs_formula(name, dtype):
    # grad / (1 + exp(other - input)): nan at equal infinities even for a zero incoming gradient
    a = [INF, -INF, INF, 1.0, 2.0, 100.0, -3.0, 0.5]
    b = [INF, -INF, -INF, 1.0, -1.0, -100.0, 40.0, 0.25]
    g = [0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0]

    def grads(lib):
        x = lib.tensor(a, dtype=getattr(lib, dtype), requires_grad=True)
        y = lib.tensor(b, dtype=getattr(lib, dtype), requires_grad=True)
        getattr(lib, name)(x, y).backward(lib.tensor(g, dtype=getattr(lib, dtype)))
        return x.grad, y.grad

    (jx, jy), (tx, ty) = _both(grads)
    _same(jx, tx)
    _same(jy, ty)


@pytest.mark.parametrize("op", ["addcmul", "addcdiv"])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("operands", [
    (np.zeros(0), 0.0, NAN), ([1.0, NAN], [[0.5], [INF]], [2.0, 0.0]), (0.5, [0.0, INF, -1.0], 0.0)])
def test_addc_grads_after_broadcasting(op, dtype, operands):
    # torch multiplies at the broadcast shape before summing: an empty broadcast sums to 0
    # even where the 0-d operands' own product would be nan
    def grads(lib):
        tensors = [lib.tensor(np.asarray(v, dtype=np.float64), dtype=getattr(lib, dtype), requires_grad=True)
                   for v in operands]
        out = getattr(lib, op)(*tensors, value=-1.5)
        out.sum().backward()
        return [out] + [t.grad for t in tensors]

    for ours, theirs in zip(*_both(grads)):
        _same(ours, theirs, rtol=1e-3 if dtype == "float16" else 1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_lerp_grads_with_infinite_weight(dtype):
    # torch: grad * (1 - weight) for input, not 0 * inf from the unselected branch
    def grads(lib):
        d = getattr(lib, dtype)
        x = lib.tensor([0.0, 1.0, 2.0, -1.0], dtype=d, requires_grad=True)
        e = lib.tensor([0.0, 3.0, INF, 2.0], dtype=d, requires_grad=True)
        w = lib.tensor([INF, 0.25, 0.75, -2.0], dtype=d, requires_grad=True)
        out = lib.lerp(x, e, w)
        out.sum().backward()
        return out, x.grad, e.grad, w.grad

    for ours, theirs in zip(*_both(grads)):
        _same(ours, theirs)


@pytest.mark.parametrize("name", ["i1", "i1e", "modified_bessel_i1", "bessel_j1"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_order_one_bessel_signed_zeros(name, dtype):
    # torch's i1(-0) is +0 but bessel_j1(-0) is -0
    def value(lib):
        return getattr(lib.special, name)(lib.tensor([-0.0, 0.0, -1.5, 2.0], dtype=getattr(lib, dtype)))

    ours, theirs = _both(value)
    _same(ours, theirs, rtol=1e-5)
    assert np.signbit(_np(ours)).tolist() == np.signbit(_np(theirs)).tolist()


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_sinh_grad_is_cosh_at_negative_zero(dtype):
    def grad(lib):
        x = lib.tensor([-0.0, 0.0, 1e-30, -3.0, 100.0], dtype=getattr(lib, dtype), requires_grad=True)
        y = lib.sinh(x)
        y.sum().backward()
        return y, x.grad

    for ours, theirs in zip(*_both(grad)):
        _same(ours, theirs, rtol=1e-3 if dtype == "float16" else 1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "uint8"])
def test_i0_overflows_as_torch_and_grad_is_i1(dtype):
    # torch's Cephes i0 computes exp(|x|) in the input's precision: i0(89.) is inf in float32
    # (the true value, 1.9e37, fits); its gradient is i1(x), 0 at 0
    values = [0.0, 1.5, 11.5, 88.0, 89.0, 90.0, 200.0]

    def value(lib):
        return lib.i0(lib.tensor(values, dtype=getattr(lib, dtype)))

    ours, theirs = _both(value)
    _same(ours, theirs, rtol=1e-3 if dtype == "float16" else 1e-6)
    if dtype in ("float32", "float64"):
        def grad(lib):
            x = lib.tensor([0.0, -0.0, 1.5, -2.0, 11.5], dtype=getattr(lib, dtype), requires_grad=True)
            lib.i0(x).sum().backward()
            return x.grad

        ours, theirs = _both(grad)
        _same(ours, theirs, rtol=1e-6)


@pytest.mark.parametrize("dim", [None, 2, (1, 2)])
@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32"])
def test_nanmean_rounds_the_sum_to_the_result_dtype(dim, dtype):
    # torch's nanmean is nansum / count: a float16 sum of 120000 is inf before the division
    x = np.array([[[0.0, NAN, 0.0], [0.0, 60000.0, 60000.0]]], dtype=np.float32)

    def value(lib):
        return lib.nanmean(lib.tensor(x).to(getattr(lib, dtype)), dim=dim)

    ours, theirs = _both(value)
    _same(ours, theirs, rtol=1e-2 if dtype == "bfloat16" else 1e-3)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_cumsum_of_negative_zeros_is_positive_zero(dtype):
    def value(lib):
        return lib.cumsum(lib.tensor([[-0.0, -0.0, 1.0, -1.0], [-0.0, 2.0, -2.0, -0.0]],
                                     dtype=getattr(lib, dtype)), 1)

    ours, theirs = _both(value)
    _same(ours, theirs)
    assert np.signbit(_np(ours)).tolist() == np.signbit(_np(theirs)).tolist()
