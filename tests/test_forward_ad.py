"""torch.autograd.forward_ad against real torch: each scenario builds dual tensors from the
same values on both libraries, runs the same code, and compares the primals and tangents
(values, dtypes, shapes) it unpacks, and the errors it raises."""
import numpy as np
import pytest
import torch
import torch.autograd.forward_ad as tfw
from hypothesis import given, settings, strategies as st

import jtorch as jt
import jtorch.autograd.forward_ad as jfw

LIBS = ((torch, tfw), (jt, jfw))


def observe(x):
    """A comparable description of a value a scenario produced."""
    if isinstance(x, (torch.Tensor, jt.Tensor)):
        return ("tensor", str(x.dtype), tuple(x.shape), x.detach().numpy().astype(np.float64).tolist()
                if x.dtype.is_floating_point else x.detach().numpy().tolist())
    if isinstance(x, (tuple, list)):
        return tuple(observe(v) for v in x)
    return x


def close(ours, theirs, rtol, atol):
    if isinstance(theirs, tuple) and theirs and theirs[0] == "tensor":
        assert ours[:3] == theirs[:3]
        np.testing.assert_allclose(np.asarray(ours[3], dtype=np.float64), np.asarray(theirs[3], dtype=np.float64),
                                   rtol=rtol, atol=atol)
    elif isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs), (ours, theirs)
        for o, t in zip(ours, theirs):
            close(o, t, rtol, atol)
    else:
        assert ours == theirs


def dual_run(scenario, *arrays, rtol=1e-5, atol=1e-6):
    """scenario(lib, fw, *duals) -> result(s); duals are made of (primal, tangent) array
    pairs. Compares the unpacked (primal, tangent) of every result, or the error."""
    def outcome(lib, fw):
        try:
            with fw.dual_level():
                duals = [fw.make_dual(lib.tensor(p), lib.tensor(t)) for p, t in arrays]
                out = scenario(lib, fw, *duals)
                outs = out if isinstance(out, (tuple, list)) else (out,)
                return [tuple(fw.unpack_dual(o)) if isinstance(o, (torch.Tensor, jt.Tensor)) else o for o in outs]
        except Exception as error:  # noqa: BLE001
            return ("error", type(error).__name__, str(error))

    theirs, ours = (observe(outcome(*libfw)) for libfw in LIBS)
    close(ours, theirs, rtol, atol)
    return ours


def floats(shape, low=-2.0, high=2.0, dtype=np.float32):
    """Arrays of `shape` with values rounded to 1e-3 (XLA on CPU flushes subnormal results to
    zero, which torch does not: products of tiny values would differ for that reason)."""
    size = int(np.prod(shape))
    return st.lists(st.floats(low, high, width=32).map(lambda v: round(v, 3)), min_size=size, max_size=size).map(
        lambda v: np.asarray(v, dtype=dtype).reshape(shape))


SHAPES = st.sampled_from([(3,), (2, 3)])
FEW = settings(max_examples=15)  # for the tests parametrized over many ops


def pair(shape, low=-2.0, high=2.0, dtype=np.float32):
    return st.tuples(floats(shape, low, high, dtype), floats(shape, -2.0, 2.0, dtype))


# ----------------------------------------------------------------- the API and its errors
def api_outcomes(lib, fw):
    """The observable outcome of each API call, errors included."""
    results = []

    def attempt(fn):
        try:
            results.append(observe(fn()))
        except Exception as error:  # noqa: BLE001
            results.append(("error", type(error).__name__, str(error)))

    x, t = lib.ones(3), lib.full((3,), 2.0)
    attempt(lambda: fw.make_dual(x, t))  # no level
    attempt(lambda: tuple(fw.unpack_dual(x)))
    attempt(lambda: fw.exit_dual_level())
    with fw.dual_level() as level:
        results.append(level)
        attempt(lambda: fw.enter_dual_level())
        y = fw.make_dual(x, t)
        attempt(lambda: fw.unpack_dual(y).tangent is t)
        attempt(lambda: fw.unpack_dual(x).tangent)  # make_dual does not touch x
        attempt(lambda: type(fw.unpack_dual(y)).__name__)
        attempt(lambda: fw.unpack_dual(y)._fields)
        attempt(lambda: fw.make_dual(x, lib.ones(4)))
        attempt(lambda: fw.make_dual(x, lib.ones(2, 3)))
        attempt(lambda: fw.make_dual(x, lib.ones(3, dtype=lib.int64)))
        attempt(lambda: fw.make_dual(lib.ones(3, dtype=lib.int64), t))
        attempt(lambda: fw.make_dual(lib.ones(3, dtype=lib.bool), t))
        attempt(lambda: fw.make_dual(y, t))
        attempt(lambda: fw.make_dual(y[1:], t[1:]))  # a view of a dual already has a tangent
        attempt(lambda: fw.make_dual(x, t, level=1))
        attempt(lambda: fw.make_dual(x, 1.0))
        attempt(lambda: fw.unpack_dual(2.0))
        attempt(lambda: fw.unpack_dual(y, level=3).tangent)
        attempt(lambda: fw.exit_dual_level(level=2))
        attempt(lambda: tuple(fw.unpack_dual(y * 2)))
        attempt(lambda: tuple(fw.unpack_dual(y.argmax())))
        attempt(lambda: tuple(fw.unpack_dual(y > 1)))
        attempt(lambda: fw.unpack_dual(y.double()).tangent)
        attempt(lambda: fw.unpack_dual(fw.unpack_dual(y).primal).tangent)  # the primal has none
        attempt(lambda: fw.unpack_dual(fw.unpack_dual(y * 3).primal[1:]).tangent)  # nor its views
        attempt(lambda: fw.unpack_dual(y.detach()).tangent)
        attempt(lambda: lib.add(y, 1, out=lib.zeros(3)))
        attempt(lambda: lib.sin(x, out=fw.make_dual(lib.zeros(3), lib.ones(3))))
        attempt(lambda: lib.mm(y[None], y[:, None], out=lib.zeros(1, 1)))
        attempt(lambda: lib.add(x, 1, out=lib.zeros(3)))  # no tangent involved: allowed
        with lib.no_grad():
            attempt(lambda: fw.unpack_dual(y.exp()).tangent)  # forward AD ignores grad mode
        z = y * y
    attempt(lambda: tuple(fw.unpack_dual(z)))  # the level's tangents are gone
    attempt(lambda: fw.exit_dual_level())
    attempt(lambda: fw.make_dual(x, t, level=0))
    attempt(lambda: fw.enter_dual_level())
    attempt(lambda: fw.exit_dual_level(level=0))
    return results


def test_api_and_errors():
    theirs, ours = (api_outcomes(*libfw) for libfw in LIBS)
    assert len(ours) == len(theirs)
    for i, (o, t) in enumerate(zip(ours, theirs)):
        assert o == t, (i, o, t)


def test_dual_level_is_a_context_manager_and_decorator():
    @jfw.dual_level()
    def inside():
        return jfw.make_dual(jt.ones(2), jt.ones(2))

    assert jfw.unpack_dual(inside()).tangent is None
    assert jfw._current_level == -1
    with pytest.raises(ZeroDivisionError):
        with jfw.dual_level():
            raise ZeroDivisionError
    assert jfw._current_level == -1  # exited on the error


def test_tangent_layout():
    """The tangent is kept as is when it has the primal's layout, else copied into it."""
    for lib, fw in LIBS:
        with fw.dual_level():
            t = lib.arange(6.0)
            assert fw.unpack_dual(fw.make_dual(lib.zeros(6), t)).tangent is t
            strided = lib.zeros(6)[1::2]
            tangent = fw.unpack_dual(fw.make_dual(strided, lib.ones(3))).tangent
            assert (tangent.stride(), tangent.storage_offset()) == ((2,), 1)
            permuted = lib.zeros(3, 4).t()
            tangent = fw.unpack_dual(fw.make_dual(permuted, lib.arange(12.0).reshape(4, 3))).tangent
            assert tangent.stride() == (1, 4)
            assert tangent.tolist() == lib.arange(12.0).reshape(4, 3).tolist()


# ----------------------------------------------------------------- pointwise ops
UNARY = {
    "sin": lambda lib, x: x.sin(), "exp": lambda lib, x: lib.exp(x), "tanh": lambda lib, x: x.tanh(),
    "sigmoid": lambda lib, x: lib.sigmoid(x), "neg": lambda lib, x: -x, "square": lambda lib, x: x * x,
    "abs": lambda lib, x: x.abs(), "relu": lambda lib, x: lib.relu(x), "log1p": lambda lib, x: (x * x).log1p(),
    "sqrt": lambda lib, x: (x * x + 1).sqrt(), "erf": lambda lib, x: lib.erf(x), "clamp": lambda lib, x: x.clamp(-1, 1),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@FEW
@given(data=st.data())
def test_unary(name, data):
    shape = data.draw(SHAPES)
    dual_run(lambda lib, fw, x: UNARY[name](lib, x), data.draw(pair(shape)))


BINARY = {
    "add": lambda lib, a, b: a + b, "sub": lambda lib, a, b: lib.sub(a, b, alpha=2), "mul": lambda lib, a, b: a * b,
    "div": lambda lib, a, b: a / (b * b + 1), "maximum": lambda lib, a, b: lib.maximum(a, b),
    "atan2": lambda lib, a, b: lib.atan2(a, b + 3), "pow": lambda lib, a, b: (a * a + 1) ** b,
    "where": lambda lib, a, b: lib.where(a > 0, a, b),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@FEW
@given(data=st.data())
def test_binary(name, data):
    shape = data.draw(SHAPES)
    x, y = data.draw(pair(shape)), data.draw(pair(shape))
    dual_run(lambda lib, fw, a, b: BINARY[name](lib, a, b), x, y)  # both dual
    dual_run(lambda lib, fw, a: BINARY[name](lib, a, lib.tensor(y[0])), x)  # one dual
    dual_run(lambda lib, fw, a: (a * 2.5 - 1, 3 / (a * a + 1), a + lib.tensor(y[0]).double()), x)  # with scalars



def test_masked_backward_formula():
    """xlog1py's backward masks a zero incoming gradient (0 * log1p(-1) is 0, not nan): its
    tangent still follows the formula, at x == 0, y == -1 too."""
    x = (np.array([0.5, 2.0, 0.0, 0.0], np.float32), np.ones(4, np.float32))
    y = np.array([0.3, 1.0, -1.0, -0.5], np.float32)
    dual_run(lambda lib, fw, a: lib.special.xlog1py(a, lib.tensor(y)), x)
    dual_run(lambda lib, fw, a: lib.special.xlog1py(lib.tensor(y + 2), a), (y, np.ones(4, np.float32)))

@given(data=st.data())
def test_float64_and_mixed_dtypes(data):
    x = data.draw(pair((3,), dtype=np.float64))
    dual_run(lambda lib, fw, a: (a.sin(), a.float() * 2, a + lib.ones(3), a.sum()), x, rtol=1e-12, atol=1e-12)


# ----------------------------------------------------------------- reductions and linear algebra
REDUCTIONS = {
    "sum": lambda x: x.sum(), "sum_dim": lambda x: x.sum(-1, keepdim=True), "mean": lambda x: x.mean(0),
    "prod": lambda x: x.prod(-1), "var": lambda x: x.var(), "norm": lambda x: x.norm(),
    "logsumexp": lambda x: x.logsumexp(-1), "amax": lambda x: x.amax(-1), "max_dim": lambda x: tuple(x.max(-1)),
    "cumsum": lambda x: x.cumsum(-1), "softmax": lambda x: x.softmax(-1),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@FEW
@given(data=st.data())
def test_reductions(name, data):
    shape = data.draw(SHAPES)
    dual_run(lambda lib, fw, x: REDUCTIONS[name](x), data.draw(pair(shape)), rtol=1e-4, atol=1e-5)


@given(data=st.data())
def test_matmul(data):
    n, k, m = data.draw(st.sampled_from([(2, 3, 4), (1, 4, 2)]))
    a, b = data.draw(pair((n, k))), data.draw(pair((k, m)))
    v = data.draw(pair((k,)))
    dual_run(lambda lib, fw, x, y, w: (x @ y, lib.matmul(x, w), lib.mm(x, y).t(), w @ w, lib.einsum("ij,jk->ik", x, y)),
             a, b, v, rtol=1e-4, atol=1e-5)
    dual_run(lambda lib, fw, x: x @ lib.tensor(b[0]), a, rtol=1e-4, atol=1e-5)


def test_backward_through_duals():
    """Duals stay backward differentiable in their primal: grads and grad_fn names as torch."""
    x, t = np.array([0.5, -1.0, 2.0], np.float32), np.array([1.0, 2.0, -1.0], np.float32)
    seen = []
    for lib, fw in LIBS:
        w = lib.tensor(x, requires_grad=True)
        with fw.dual_level():
            d = fw.make_dual(w, lib.tensor(t))
            out = (d * d).sin().sum()
            tangent = fw.unpack_dual(out).tangent
            out.backward()
            seen.append((type(d.grad_fn).__name__, type(out.grad_fn).__name__, d.requires_grad,
                         round(float(tangent), 5), np.round(w.grad.numpy(), 5).tolist()))
    assert seen[0] == seen[1]


def test_unaffected_functional_jvp():
    """autograd.functional.jvp works inside and outside a dual level."""
    x, v = np.array([0.5, -1.0, 2.0], np.float32), np.array([1.0, 2.0, -1.0], np.float32)
    for lib, fw in LIBS:
        out, jvp = lib.autograd.functional.jvp(lambda a: (a.sin() * a).sum(), lib.tensor(x), lib.tensor(v))
        with fw.dual_level():
            out2, jvp2 = lib.autograd.functional.jvp(lambda a: (a.sin() * a).sum(), lib.tensor(x), lib.tensor(v))
        np.testing.assert_allclose(jvp.numpy(), jvp2.numpy(), rtol=1e-6)
        expected = ((np.cos(x) * x + np.sin(x)) * v).sum()
        np.testing.assert_allclose(jvp.numpy(), expected, rtol=1e-5)


# ----------------------------------------------------------------- views and in-place ops
VIEWS = {
    "slice": lambda lib, x: x[..., 1:], "select": lambda lib, x: x[0], "t": lambda lib, x: x.reshape(3, -1).t(),
    "view": lambda lib, x: x.view(-1), "unsqueeze": lambda lib, x: x.unsqueeze(0),
    "expand": lambda lib, x: x.reshape(-1)[:1].expand(2, 3), "step": lambda lib, x: x.reshape(-1)[::2],
    "diagonal": lambda lib, x: x.reshape(-1, 3).diagonal(), "unbind": lambda lib, x: x.reshape(-1).unbind(),
    "chunk": lambda lib, x: x.reshape(-1).chunk(3), "advanced": lambda lib, x: x.reshape(-1)[[0, 2, 0]],
    "mask": lambda lib, x: x[x > 0], "narrow": lambda lib, x: x.reshape(-1).narrow(0, 1, 2),
    "view_of_view": lambda lib, x: x.reshape(-1)[1:].unsqueeze(1)[0],
}


@pytest.mark.parametrize("name", sorted(VIEWS))
@FEW
@given(data=st.data())
def test_views(name, data):
    shape = data.draw(SHAPES)
    dual_run(lambda lib, fw, x: VIEWS[name](lib, x), data.draw(pair(shape)))


def inplace_scenarios():
    def through_view(lib, fw, x, y):
        base = x * 1
        v = base[1:]
        v.mul_(y[1:])  # the base's tangent sees the write
        return base, v

    def into_plain_base(lib, fw, x, y):
        base = lib.zeros(2, 3)
        first, second = base[0], base[1]
        first.add_(x)  # the plain base gets a zero tangent, then this view's part
        second.copy_(y * 2)  # a view made before the base had a tangent reads it lazily
        return base, first, second

    def setitem(lib, fw, x, y):
        base = lib.ones(2, 3)
        base[0] = x
        base[1, 1:] = y[:2]
        base[:, 0] = 5.0  # a constant: zero tangent there
        return base

    def copy_fill_zero(lib, fw, x, y):
        a, b, c = x.clone(), y * 1, x + y
        a.copy_(y.exp())
        b.fill_(2.0)
        c[1:].zero_()
        return a, b, c

    def user_tangent_is_written(lib, fw, x, y):
        t = lib.ones(3)
        d = fw.make_dual(lib.zeros(3), t)
        d.mul_(x).add_(y)
        return t

    def op_inplace_variants(lib, fw, x, y):
        a = x * 1
        a.sin_().clamp_(-0.5, 0.5)
        b = lib.zeros(3)
        b.addcmul_(x, y, value=2)
        c = y * 1
        c[::2].sigmoid_()
        d = lib.ones(3)
        d.mul_(2)  # no tangent involved: stays without one
        return a, b, c, d

    def inplace_view_ops(lib, fw, x, y):
        d = lib.stack([x, y]) * 1
        d.t_()
        d.unsqueeze_(0).squeeze_(0).transpose_(0, 1)
        u = lib.ones(2, 3)
        m = fw.make_dual(lib.zeros(2, 3), u)
        m.t_()  # the user's tangent is transposed too
        return d, d[1], m, u, (d * 2)[0].detach()

    return [inplace_view_ops, through_view, into_plain_base, setitem, copy_fill_zero, user_tangent_is_written,
            op_inplace_variants]


@pytest.mark.parametrize("scenario", inplace_scenarios(), ids=lambda f: f.__name__)
@FEW
@given(data=st.data())
def test_inplace(scenario, data):
    dual_run(scenario, data.draw(pair((3,))), data.draw(pair((3,))), rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------- nn.functional and modules
@given(data=st.data())
def test_nn_functional(data):
    x, w, b = data.draw(pair((2, 4))), data.draw(pair((3, 4))), data.draw(pair((3,)))
    image, kernel = data.draw(pair((1, 2, 5, 5))), data.draw(pair((3, 2, 3, 3)))

    def functional(lib, fw, x, w, b, image, kernel):
        F = lib.nn.functional
        return (F.linear(x, w, b), F.relu(x), F.softmax(x, dim=-1), F.log_softmax(x, -1), F.gelu(x),
                F.conv2d(image, kernel, padding=1), F.conv2d(image, kernel, b, stride=2), F.mse_loss(x, x.flip(0)),
                F.layer_norm(x, (4,)))

    dual_run(functional, x, w, b, image, kernel, rtol=1e-4, atol=1e-5)


@given(data=st.data())
def test_module(data):
    """A small network: the jvp with respect to its input and to its parameters."""
    x = data.draw(pair((2, 4)))
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2))
    jm = jt.nn.Sequential(jt.nn.Linear(4, 5), jt.nn.Tanh(), jt.nn.Linear(5, 2))
    jm.load_state_dict({k: jt.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    tangents = {k: np.full(tuple(v.shape), 0.5, np.float32) for k, v in tm.named_parameters()}

    def scenario(lib, fw, inp):
        model = tm if lib is torch else jm
        by_input = model(inp)
        with lib.no_grad():
            plain = lib.tensor(x[0])
        saved = {}
        for name, p in list(model.named_parameters()):  # parameters made dual, as in torch's tutorial
            owner, attr = model.get_submodule(name.rpartition(".")[0]), name.rpartition(".")[2]
            saved[name] = p
            delattr(owner, attr)
            setattr(owner, attr, fw.make_dual(p.detach(), lib.tensor(tangents[name])))
        by_params = model(plain)
        for name, p in saved.items():
            owner, attr = model.get_submodule(name.rpartition(".")[0]), name.rpartition(".")[2]
            delattr(owner, attr)
            owner.register_parameter(attr, p)
        return by_input, by_params

    dual_run(scenario, x, rtol=1e-4, atol=1e-5)


def test_repr_and_batch_norm_of_duals():
    """A dual prints its tangent last; batch_norm (recorded outside apply_fn) has tangents too."""
    out = []
    for lib, fw in ((torch, tfw), (jt, jfw)):
        with fw.dual_level():
            x = fw.make_dual(lib.tensor([[1.0, 2.0], [3.0, 5.0], [0.5, -1.0]]),
                             lib.tensor([[0.5, -1.0], [2.0, 0.25], [1.0, 1.5]]))
            y = (x * 2).sin()
            bn = lib.nn.functional.batch_norm(x, None, None, training=True)
            out.append((repr(x), repr(y), repr(fw.unpack_dual(bn).tangent), repr(fw.unpack_dual(y).primal)))
    assert out[1] == out[0]
