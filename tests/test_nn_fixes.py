"""Differential tests (against torch) for small compatibility fixes: view grad_fn names,
in-place view ops (transpose_, t_, squeeze_, unsqueeze_, swapdims_, swapaxes_),
ModuleList's repr, nn.modules exports, load_state_dict copying its argument, gradients
at kinks (abs, relu, clamp, maximum/minimum, hardtanh) and torch.nn._reduction."""
import collections
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import jtorch as jt

LIBS = (torch, jt)


def values(t):
    return np.array(t.detach().tolist())


def same(a, b):
    va, vb = values(a), values(b)
    return va.shape == vb.shape and np.array_equal(va, vb, equal_nan=True)


def same_signed(a, b):
    """Equal values, NaNs in the same places and zeros of the same sign."""
    va, vb = values(a), values(b)
    return (va.shape == vb.shape and np.array_equal(va, vb, equal_nan=True)
            and np.array_equal(np.signbit(va), np.signbit(vb)))


def layout(t):
    return (tuple(t.shape), t.stride(), t.storage_offset(), t.is_contiguous(), str(t.dtype).split(".")[-1])


def raised(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return type(e).__name__, str(e)
    return None


# ================================================================ 1. view grad_fn names
VIEW_CASES = {
    "squeeze()": lambda L, x: x.squeeze(),
    "squeeze(int)": lambda L, x: x.squeeze(1),
    "squeeze(absent size>1 dim)": lambda L, x: x.squeeze(0),
    "squeeze(tuple)": lambda L, x: x.squeeze((1, 3)),
    "squeeze(list)": lambda L, x: x.squeeze([1]),
    "torch.squeeze(tuple)": lambda L, x: L.squeeze(x, (1,)),
    "torch.squeeze()": lambda L, x: L.squeeze(x),
    "torch.squeeze(int)": lambda L, x: L.squeeze(x, -1),
    "unsqueeze": lambda L, x: x.unsqueeze(0),
    "transpose": lambda L, x: x.transpose(0, 2),
    "swapdims": lambda L, x: x.swapdims(0, 1),
    "swapaxes": lambda L, x: L.swapaxes(x, 0, 1),
    "permute": lambda L, x: x.permute(3, 2, 1, 0),
    "movedim": lambda L, x: x.movedim(0, 1),
    "expand": lambda L, x: x.expand(2, 2, 1, 3, 1),
    "select": lambda L, x: x.select(0, 1),
    "getitem int": lambda L, x: x[0],
    "getitem slice": lambda L, x: x[:1],
    "narrow": lambda L, x: x.narrow(2, 1, 2),
    "t 2-d": lambda L, x: x[:, 0, :, 0].t(),
    "torch.t 2-d": lambda L, x: L.t(x[:, 0, :, 0]),
    "t 1-d": lambda L, x: x[0, 0, :, 0].t(),
    "mT": lambda L, x: x.mT,
    "split int": lambda L, x: x.split(1)[1],
    "torch.split int": lambda L, x: L.split(x, 2, dim=2)[1],
    "split sizes": lambda L, x: x.split([1, 1])[0],
    "chunk": lambda L, x: x.chunk(3, 2)[2],
    "unbind": lambda L, x: x.unbind()[1],
    "torch.unbind": lambda L, x: L.unbind(x, 2)[0],
    "tensor_split": lambda L, x: x.tensor_split(2)[0],
    "squeeze 0-d": lambda L, x: x.sum().squeeze(),
    "squeeze 0-d dim": lambda L, x: x.sum().squeeze(0),
    "squeeze 0-d dims": lambda L, x: x.sum().squeeze(()),
}


@pytest.mark.parametrize("case", list(VIEW_CASES))
def test_view_grad_fn_names(case):
    names = []
    for L in LIBS:
        x = L.arange(6.0).reshape(2, 1, 3, 1).requires_grad_()
        names.append(VIEW_CASES[case](L, x).grad_fn.name())
    assert names[1] == names[0]


def test_split_of_empty_names():
    for make in (lambda x: x.chunk(2), lambda x: x.split(2), lambda x: x.split([0, 0])):
        names = [[p.grad_fn.name() for p in make(L.zeros(0, 3, requires_grad=True))] for L in LIBS]
        assert names[1] == names[0]


def test_squeeze_gradients():
    grads = []
    for L in LIBS:
        x = L.arange(6.0).reshape(2, 1, 3, 1).requires_grad_()
        (x.squeeze((1, 3)) * L.arange(6.0).reshape(2, 3)).sum().backward()
        grads.append(x.grad)
    assert same(*grads)


# ================================================================ 2. in-place view ops
INPLACE_OPS = st.one_of(
    st.tuples(st.just("transpose_"), st.integers(-4, 3), st.integers(-4, 3)),
    st.tuples(st.just("swapdims_"), st.integers(-4, 3), st.integers(-4, 3)),
    st.tuples(st.just("swapaxes_"), st.integers(-4, 3), st.integers(-4, 3)),
    st.tuples(st.just("t_")),
    st.tuples(st.just("squeeze_")),
    st.tuples(st.just("squeeze_"), st.integers(-4, 3)),
    st.tuples(st.just("squeeze_"), st.lists(st.integers(-3, 2), max_size=2).map(tuple)),
    st.tuples(st.just("unsqueeze_"), st.integers(-4, 3)),
)
SHAPES = [(2, 3), (2, 1, 3), (1, 3, 1), (3,)]


def _apply(t, op):
    return getattr(t, op[0])(*op[1:])


@settings(max_examples=30)
@given(shape=st.sampled_from(SHAPES), ops=st.lists(INPLACE_OPS, min_size=1, max_size=3),
       of_view=st.booleans(), write=st.integers(0, 2))
def test_inplace_view_ops_match_torch(shape, ops, of_view, write):
    """A base (or a transposed view of it) changed in place by a sequence of metadata ops:
    layout, version, identity and aliasing with the base and an older view match torch."""
    results = []
    for L in LIBS:
        base = L.arange(float(math.prod(shape))).reshape(shape)
        target = base.mT if of_view and base.dim() >= 2 else base
        older = target[..., :1]  # a view made before the in-place changes
        log = []
        for op in ops:
            before = target._version
            try:
                out = _apply(target, op)
            except Exception as e:  # noqa: BLE001
                log.append(("raised", type(e).__name__, str(e), target._version - before))
                continue
            family = target._base is None if target is base else target._base is base
            log.append(("ok", out is target, layout(target), target._version - before, family))
            log.append(values(target).tolist())
        # writes through the changed tensor, a view of it, and the older view reach the base
        if target.numel():
            if write == 0:
                target.mul_(2)
            elif write == 1 and target.dim():
                target.select(0, target.shape[0] - 1).add_(100)
            else:
                older.fill_(-7)
        log.append(values(base).tolist())
        log.append(values(target).tolist())
        log.append((layout(older), values(older).tolist(), base._version, older._version))
        results.append(log)
    assert results[1] == results[0]


@pytest.mark.parametrize("name,args", [("transpose_", (0, 1)), ("t_", ()), ("swapdims_", (1, 0)),
                                       ("swapaxes_", (0, -1)), ("squeeze_", ()), ("squeeze_", (0,)),
                                       ("squeeze_", ((0, 1),)), ("unsqueeze_", (1,)), ("unsqueeze_", (-1,))])
def test_inplace_view_ops_autograd(name, args):
    out = []
    for L in LIBS:
        a = L.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], requires_grad=True)
        leaf_error = raised(lambda: getattr(a, name)(*args))
        view_error = raised(lambda: getattr(a[0:1], name)(*args))
        c = a * 2
        version = c._version
        r = getattr(c, name)(*args)
        info = (r is c, leaf_error, view_error, c.grad_fn.name(), c.grad_fn.next_functions[0][0].name(),
                c._version - version, layout(c))
        weight = L.arange(float(c.numel())).reshape(c.shape) + 1
        (c * weight).sum().backward()
        out.append((info, values(a.grad).tolist()))
    assert out[1] == out[0]


def test_inplace_view_op_on_a_view_autograd():
    out = []
    for L in LIBS:
        a = L.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], requires_grad=True)
        c = a * 2
        d = c[0]
        d.unsqueeze_(0)
        info = [d.grad_fn.name(), d.grad_fn.next_functions[0][0].name(), d._base is c, c.grad_fn.name(),
                layout(d), d._version]
        (d * L.arange(3.0)).sum().backward()
        info.append(values(a.grad).tolist())
        # metadata change, then an in-place op on the changed tensor and on a new view of it
        a.grad = None
        c = a * 2
        c.t_()
        c[1:].mul_(5)
        (c * L.arange(6.0).reshape(3, 2)).sum().backward()
        info += [values(c).tolist(), values(a.grad).tolist()]
        a.grad = None
        c = a * 2
        v = c[:, 1:]
        v.t_()
        v.mul_(3)
        (c * L.arange(6.0).reshape(2, 3)).sum().backward()
        # (jtorch's CopySlices node is named without torch's C++ namespace)
        info += [c.grad_fn.name().split("::")[-1], values(c).tolist(), values(a.grad).tolist()]
        a.grad = None
        c = a * 2
        c.unsqueeze_(2)
        c.view(6).mul_(5)
        (c * L.arange(6.0).reshape(2, 3, 1)).sum().backward()
        info += [values(c).tolist(), values(a.grad).tolist()]
        with L.no_grad():  # allowed on a leaf without grad mode
            a.t_()
        info += [layout(a), a.requires_grad, a.grad_fn, a._version]
        out.append(info)
    assert out[1] == out[0]


@pytest.mark.parametrize("call", [
    lambda L: L.zeros(2, 3).transpose_(0, 2),
    lambda L: L.zeros(2, 3).squeeze_(5),
    lambda L: L.zeros(2, 3).squeeze_((0, 0)),
    lambda L: L.zeros(2, 3).unsqueeze_(3),
    lambda L: L.zeros(2, 3, 4).t_(),
    lambda L: L.zeros(2, 3).swapdims_(0, -3),
])
def test_inplace_view_op_errors(call):
    assert raised(lambda: call(jt)) == raised(lambda: call(torch)) is not None


@pytest.mark.parametrize("call", [
    lambda L: L.arange(6.).reshape(2, 3).requires_grad_().t_(),
    lambda L: L.arange(6.).reshape(2, 3).requires_grad_().mul_(2),
    lambda L: L.arange(6.).reshape(2, 3).requires_grad_()[0].add_(1),
    lambda L: L.arange(6.).requires_grad_()[1:].zero_(),
    lambda L: L.arange(6.).requires_grad_().sin_(),
])
def test_inplace_on_leaf_and_leaf_views_raises(call):
    """torch refuses in-place ops on a leaf that requires grad and on views whose base is a
    leaf, when the view or its base requires grad."""
    assert raised(lambda: call(jt)) == raised(lambda: call(torch)) is not None


def test_inplace_view_ops_0d_and_expanded():
    out = []
    for L in LIBS:
        s = L.tensor(1.5)
        log = [layout(s.t_()), s._version, layout(s.unsqueeze_(0)), layout(s.squeeze_()), layout(s.transpose_(0, -1))]
        e = L.zeros(3, 1)
        ex = e.expand(3, 4)
        ex.t_()
        log += [layout(ex), ex._version, e._version]
        x = L.arange(6.0).reshape(2, 3)
        x.detach().t_()  # the detached alias changes, x does not; they share a version counter
        log += [layout(x), x._version]
        x.t_()
        log += [raised(lambda: x.view(-1)), layout(x.contiguous()), layout(x.clone()), values(x.reshape(-1)).tolist()]
        log += [x.numpy().strides, x.numpy().tolist()]
        out.append(log)
    assert out[1] == out[0]


# ================================================================ 3. ModuleList repr
def _module_lists(nn):
    return [
        nn.ModuleList(),
        nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)]),
        nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU(), nn.Sequential(nn.ReLU(), nn.ReLU()),
                       nn.Sequential(nn.ReLU(), nn.ReLU()), nn.Linear(2, 3), nn.Linear(2, 2)]),
        nn.ModuleList([nn.ReLU()]),
        nn.ModuleList([nn.ModuleList([nn.Tanh(), nn.Tanh(), nn.Tanh()]), nn.ModuleList([nn.Tanh()] * 3)]),
        nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2)),  # Sequential does not collapse
        nn.Sequential(nn.ModuleList([nn.ReLU(), nn.ReLU()]), nn.Identity()),
    ]


def test_module_list_repr():
    for t, j in zip(_module_lists(torch.nn), _module_lists(jt.nn)):
        assert repr(j) == repr(t)


def test_module_list_repr_of_subclass_and_mutation():
    reprs = []
    for L in LIBS:
        class Blocks(L.nn.ModuleList):
            def extra_repr(self):
                return "ignored"

        blocks = Blocks([L.nn.Linear(3, 3) for _ in range(4)])
        rs = [repr(blocks)]
        blocks.insert(1, L.nn.ReLU())
        blocks.append(L.nn.Linear(3, 3))
        rs.append(repr(blocks))
        del blocks[0]
        rs.append(repr(blocks))
        reprs.append(rs)
    assert reprs[1] == reprs[0]


# ================================================================ 4. exports
def test_conv_transpose_exported_from_conv():
    import jtorch.nn.modules as jm
    import jtorch.nn.modules.conv as jconv
    import jtorch.nn.modules.upsampling as jup

    for name in ("ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"):
        assert getattr(jt.nn, name) is getattr(jconv, name) is getattr(jm, name)
        assert getattr(jt.nn, name).__module__.endswith("nn.modules.conv")
    assert not any(n.startswith("ConvTranspose") for n in jup.__all__)
    assert not any(n.startswith("ConvTranspose") for n in torch.nn.modules.upsampling.__all__)
    assert all(n in jconv.__all__ for n in torch.nn.modules.conv.__all__ if not n.startswith("Lazy"))


def test_non_dynamically_quantizable_linear():
    import jtorch.nn.modules.linear as jlinear

    assert jlinear.__all__ == torch.nn.modules.linear.__all__
    cls = jlinear.NonDynamicallyQuantizableLinear
    assert issubclass(cls, jt.nn.Linear)
    assert hasattr(jt.nn, "NonDynamicallyQuantizableLinear") == hasattr(torch.nn, "NonDynamicallyQuantizableLinear")
    tm, jm = torch.nn.MultiheadAttention(4, 2), jt.nn.MultiheadAttention(4, 2)
    assert type(jm.out_proj) is cls
    assert repr(jm) == repr(tm)
    assert repr(cls(3, 2, bias=False)) == repr(torch.nn.modules.linear.NonDynamicallyQuantizableLinear(3, 2, bias=False))


# ================================================================ 5. load_state_dict copies its argument
def _renaming_model(nn):
    class Renamed(nn.Module):
        """Accepts the legacy key `old` for its parameter `w`, moving it in the given dict."""

        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch_like(nn).zeros(2))

        def _load_from_state_dict(self, state_dict, prefix, *args):
            if prefix + "old" in state_dict:
                state_dict[prefix + "w"] = state_dict.pop(prefix + "old")
            super()._load_from_state_dict(state_dict, prefix, *args)

    return nn.Sequential(Renamed(), nn.Linear(2, 2))


def torch_like(nn):
    return torch if nn is torch.nn else jt


def test_load_state_dict_does_not_mutate_argument():
    out = []
    for L in LIBS:
        out.append([])
        model = _renaming_model(L.nn)
        sd = collections.OrderedDict([("0.old", L.tensor([1.0, 2.0])), ("1.weight", L.ones(2, 2)),
                                      ("1.bias", L.zeros(2))])
        keys = list(sd)
        result = model.load_state_dict(sd)
        out[-1].append((list(sd) == keys, list(result.missing_keys), list(result.unexpected_keys),
                    values(model[0].w).tolist()))
        plain = {"0.old": L.tensor([3.0, 4.0]), "1.weight": L.ones(2, 2), "1.bias": L.zeros(2), "extra": L.ones(1)}
        before = dict(plain)
        res = model.load_state_dict(plain, strict=False)
        out[-1].append((plain == before, list(res.missing_keys), list(res.unexpected_keys), values(model[0].w).tolist()))
        out[-1].append(raised(lambda: model.load_state_dict(plain)))
    assert out[1] == out[0]


class _ReadOnly(collections.abc.Mapping):
    def __init__(self, data):
        self._data = dict(data)

    def __getitem__(self, key):
        return self._data[key]

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)


def test_load_state_dict_takes_any_mapping():
    out = []
    for L in LIBS:
        out.append([])
        model = L.nn.Linear(2, 1)
        res = model.load_state_dict(_ReadOnly({"weight": L.tensor([[1.0, 2.0]]), "bias": L.tensor([0.5])}))
        out[-1].append((list(res.missing_keys), values(model.weight).tolist(), values(model.bias).tolist()))
        err = raised(lambda: model.load_state_dict([("weight", L.ones(1, 2))]))
        out[-1].append(err)
    assert out[1] == out[0]


# ================================================================ 6. gradients at kinks
KINK = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 6.0, 3.0, -3.0, math.inf, -math.inf, math.nan]

UNARY = {
    "abs": lambda L, x: L.abs(x),
    "abs method": lambda L, x: x.abs(),
    "abs dunder": lambda L, x: abs(x),
    "relu": lambda L, x: L.relu(x),
    "relu method": lambda L, x: x.relu(),
    "F.relu": lambda L, x: L.nn.functional.relu(x),
    "ReLU": lambda L, x: L.nn.ReLU()(x),
    "relu6": lambda L, x: L.nn.functional.relu6(x),
    "clamp": lambda L, x: L.clamp(x, -1, 1),
    "clamp min": lambda L, x: x.clamp(min=-1),
    "clamp max": lambda L, x: x.clamp(max=2),
    "clip": lambda L, x: L.clip(x, -1.0, 2.0),
    "clamp tensors": lambda L, x: L.clamp(x, L.tensor(-1.0), L.tensor(1.0)),
    "clamp_min": lambda L, x: L.clamp_min(x, -1),
    "clamp_max": lambda L, x: L.clamp_max(x, 1),
    "hardtanh": lambda L, x: L.nn.functional.hardtanh(x),
    "hardtanh(-2, 2)": lambda L, x: L.nn.functional.hardtanh(x, -2.0, 2.0),
    "Hardtanh": lambda L, x: L.nn.Hardtanh()(x),
    "sign": lambda L, x: L.sign(x),
    "threshold": lambda L, x: L.nn.functional.threshold(x, 1.0, 0.0),
    "hardswish": lambda L, x: L.nn.functional.hardswish(x),
    "hardsigmoid": lambda L, x: L.nn.functional.hardsigmoid(x),
}


@pytest.mark.parametrize("upstream", [1.0, -1.0])
@pytest.mark.parametrize("case,dtype", [(case, "float32") for case in UNARY] +
                         [(case, "float64") for case in ("abs", "relu", "clamp", "hardtanh")])
def test_unary_gradients_at_kinks(case, dtype, upstream):
    res = []
    for L in LIBS:
        x = L.tensor(KINK, dtype=getattr(L, dtype), requires_grad=True)
        y = UNARY[case](L, x)
        y.backward(L.full_like(y, upstream))
        res.append((y, x.grad, y.grad_fn.name()))
    (ty, tg, tn), (jy, jg, jn) = res
    assert jn == tn
    assert same_signed(ty, jy)
    assert same_signed(tg, jg), (tg, jg)


@pytest.mark.parametrize("inplace", ["relu_", "abs_"])
def test_inplace_kink_gradients(inplace):
    res = []
    for L in LIBS:
        x = L.tensor([-1.0, 0.0, -0.0, 2.0], requires_grad=True)
        y = x * 1
        getattr(y, inplace)()
        y.sum().backward()
        res.append((values(y).tolist(), values(x.grad).tolist(), y.grad_fn.name()))
    assert res[1] == res[0]


def test_abs_and_relu_of_integers_and_halves():
    for make in (lambda L: L.abs(L.tensor([-3, 0, 2])), lambda L: L.relu(L.tensor([-3, 0, 2])),
                 lambda L: L.tensor([-1.0, -0.0, 2.0], dtype=L.float16).relu(),
                 lambda L: L.tensor([-1.0, -0.0, 2.0], dtype=L.bfloat16).abs()):
        t, j = make(torch), make(jt)
        assert str(j.dtype) == str(t.dtype) and values(j.float()).tolist() == values(t.float()).tolist()


def test_complex_abs_gradient_at_zero():
    grads = []
    for L in LIBS:
        x = L.tensor([3 + 4j, 0j, complex(0, -2), 1e-3 + 1e-3j], requires_grad=True)
        x.abs().sum().backward()
        grads.append(np.array(x.grad.tolist()))
    assert np.allclose(grads[1], grads[0], rtol=1e-6, atol=0)


def test_abs_double_backward():
    res = []
    for L in LIBS:
        x = L.tensor([0.0, -0.0, 2.0, -3.0], dtype=L.float64, requires_grad=True)
        (g,) = L.autograd.grad(x.abs().sum(), x, create_graph=True)
        (gg,) = L.autograd.grad((g * L.arange(4.0, dtype=L.float64)).sum(), x, allow_unused=True)
        res.append((values(g).tolist(), None if gg is None else values(gg + 0).tolist()))
    assert res[1] == res[0]


BINARY = {
    "maximum": lambda L, a, b: L.maximum(a, b),
    "max(a, b)": lambda L, a, b: L.max(a, b),
    "minimum": lambda L, a, b: L.minimum(a, b),
    "min(a, b)": lambda L, a, b: L.min(a, b),
    "fmax": lambda L, a, b: L.fmax(a, b),
    "fmin": lambda L, a, b: L.fmin(a, b),
    "clamp(min=tensor)": lambda L, a, b: L.clamp(a, min=b),
    "clamp(max=tensor)": lambda L, a, b: L.clamp(a, max=b),
}


@pytest.mark.parametrize("case", list(BINARY))
def test_binary_gradients_at_ties(case):
    res = []
    for L in LIBS:
        a = L.tensor([1.0, 2.0, 3.0, 0.0, -0.0, math.nan], requires_grad=True)
        b = L.tensor([1.0, 1.0, 4.0, -0.0, 0.0, 1.0], requires_grad=True)
        z = BINARY[case](L, a, b)
        z.backward(L.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]))
        res.append((z, a.grad, b.grad, z.grad_fn.name()))
    (tz, ta, tb, tn), (jz, ja, jb, jn) = res
    assert jn == tn
    assert same(tz, jz) and same(ta, ja) and same(tb, jb), (ta, ja, tb, jb)


# ================================================================ 7. nn._reduction, sign, RNN names
@pytest.mark.parametrize("call", [
    lambda R: R.get_enum("none"), lambda R: R.get_enum("mean"), lambda R: R.get_enum("sum"),
    lambda R: R.get_enum("elementwise_mean"), lambda R: R.get_enum("avg"),
    lambda R: R.legacy_get_string(None, None), lambda R: R.legacy_get_string(False, None),
    lambda R: R.legacy_get_string(True, False), lambda R: R.legacy_get_string(None, False, emit_warning=False),
    lambda R: R.legacy_get_enum(False, True), lambda R: R.legacy_get_enum(True, True, False),
])
def test_reduction_module(call):
    import jtorch.nn._reduction as jr
    import torch.nn._reduction as tr

    assert jt.nn._reduction is jr
    out = []
    for R in (tr, jr):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                value = call(R)
            except ValueError as e:
                value = ("ValueError", str(e))
        out.append((value, [(w.category, str(w.message)) for w in caught]))
    assert out[1] == out[0]


def test_sign():
    res = []
    for L in LIBS:
        x = L.tensor([-2.0, -0.0, 0.0, 3.0, math.inf, math.nan], requires_grad=True)
        y = L.sign(x)
        y.sum().backward()
        res.append((values(y).tolist(), values(x.grad).tolist(), y.grad_fn.name(),
                    values(L.sign(L.tensor([-3, 0, 5]))).tolist()))
    assert str(res[1]) == str(res[0])


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_unbatched_rnn_grad_fn_names(kind):
    names = []
    for L in LIBS:
        m = getattr(L.nn, kind)(3, 4)
        out, h = m(L.randn(5, 3))
        hs = h if isinstance(h, tuple) else (h,)
        names.append([out.grad_fn.name()] + [t.grad_fn.name() for t in hs])
    assert names[1] == names[0]


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64"])
def test_sigmoid_gradient_where_exp_overflows(dtype):
    """torch's sigmoid backward is grad * (1 - y) * y: finite (0) far in the tails."""
    values = [-89.0, -100.0, -750.0, 0.0, 3.0, 100.0, 800.0]
    if dtype == "complex64":
        values = [-20 + 0.25j, 0.5 + 1j, -2 - 0.3j]  # (torch's complex64 exp overflows to nan beyond ~-88)
    res = []
    for L in LIBS:
        x = L.tensor(values, dtype=getattr(L, dtype), requires_grad=True)
        y = x.sigmoid()
        (y.abs() if dtype == "complex64" else y).sum().backward()
        res.append((y.detach().numpy(), x.grad.numpy()))
    np.testing.assert_allclose(res[1][0], res[0][0], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(res[1][1], res[0][1], rtol=1e-5, atol=1e-7)


def test_hardshrink_keeps_nan():
    vals = [math.nan, 0.2, -0.7, 0.5, -0.5, math.inf]
    for f in (lambda L, x: L.nn.functional.hardshrink(x), lambda L, x: L.hardshrink(x), lambda L, x: x.hardshrink(0.3)):
        assert same_signed(f(torch, torch.tensor(vals)), f(jt, jt.tensor(vals)))


BINARY_EDGES = {
    "fmax": lambda L, a, b: L.fmax(a, b),
    "fmin": lambda L, a, b: L.fmin(a, b),
    "copysign": lambda L, a, b: L.copysign(a, b),
    "hypot": lambda L, a, b: L.hypot(a, b),
}
EDGE_A = [0.0, -0.0, 0.0, -0.0, math.nan, 1.0, 2.0, 3.0, 1e-30, -2.0]
EDGE_B = [-0.0, 0.0, 0.0, -0.0, 1.0, math.nan, 2.0, 4.0, 1.0, math.inf]


@pytest.mark.parametrize("case", list(BINARY_EDGES))
def test_binary_values_and_gradients_at_signed_zeros_and_nan(case):
    """fmax/fmin keep `input` on ties (signed zeros), copysign's gradient is 0 at 0 and
    hypot's is nan at (0, 0), as torch's formulas give them."""
    res = []
    for L in LIBS:
        a, b = L.tensor(EDGE_A, requires_grad=True), L.tensor(EDGE_B, requires_grad=True)
        y = BINARY_EDGES[case](L, a, b)
        y.sum().backward()
        res.append((y, a.grad, b.grad))
    for t, j in zip(*res):
        assert same_signed_ignoring_nan_sign(t, j), (case, t, j)


@pytest.mark.parametrize("eps", [None, 0.2, 0.0])
def test_logit_gradient_outside_the_domain(eps):
    res = []
    for L in LIBS:
        x = L.tensor([0.0, 1.0, 0.5, -0.1, 1.1, 0.1, math.nan], requires_grad=True)
        y = L.logit(x, eps=eps)
        y.sum().backward()
        res.append((y, x.grad))
    for t, j in zip(*res):
        assert same_signed_ignoring_nan_sign(t, j), (eps, t, j)


def same_signed_ignoring_nan_sign(a, b):
    """Like same_signed, but a NaN's sign bit (which no torch op specifies) is not compared."""
    va, vb = values(a), values(b)
    finite = ~np.isnan(va)
    return (va.shape == vb.shape and np.array_equal(va, vb, equal_nan=True)
            and np.array_equal(np.signbit(va[finite]), np.signbit(vb[finite])))


@pytest.mark.parametrize("name", ["hardswish", "hardsigmoid"])
@pytest.mark.parametrize("shape", [(), (1,), (3,)])
def test_division_by_six_is_exact(name, shape):
    """x * relu6(x + 3) / 6 and relu6(x + 3) / 6 are divided, not multiplied by a rounded 1/6
    (XLA's rewrite of a constant divisor), for 0-d tensors too."""
    res = [getattr(L.nn.functional, name)(L.full(shape, 2.0)) for L in LIBS]
    assert same_signed(res[0], res[1])
