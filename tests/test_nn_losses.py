"""torch.nn.functional losses and torch.nn loss modules against real torch: values,
dtypes, shapes, grad_fn names, input (and target) gradients, warnings, exception types
and messages, module reprs and state_dict keys."""
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import jtorch as jt

TOL = {"float32": (2e-5, 2e-6), "float64": (1e-10, 1e-12), "float16": (2e-3, 1e-4), "bfloat16": (2e-2, 1e-3)}


class T:
    """One tensor argument, built identically for torch and jtorch."""

    def __init__(self, values, dtype=None, grad=False):
        """`dtype` defaults to float32 for float values, int64 for integers, bool for bools."""
        values = np.asarray(values)
        if dtype is None:
            dtype = {"b": "bool", "i": "int64", "u": "int64"}.get(values.dtype.kind, "float32")
        self.values, self.dtype, self.grad = values, dtype, grad
        self.t = self.j = None

    def make(self):
        t = torch.tensor(self.values).to(getattr(torch, self.dtype))
        j = jt.tensor(self.values).to(getattr(jt, self.dtype))
        if self.grad:
            t.requires_grad_(True)
            j.requires_grad_(True)
        self.t, self.j = t, j
        return t, j


def _builtin(error):
    return next(c for c in type(error).__mro__ if c.__module__ == "builtins")


def _run(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result, error = fn(), None
        except Exception as e:  # noqa: BLE001 - the exception is the observable outcome
            result, error = None, e
    return result, error, [(w.category, str(w.message)) for w in caught]


def _np(x):
    x = x.detach()
    if x.dtype in (torch.bfloat16, jt.bfloat16):
        x = x.float()
    return np.asarray(x.numpy(), dtype=np.float64) if x.dtype not in (torch.int64, jt.int64) else x.numpy()


def _close(j, t, dtype_name, what, tol=None):
    rtol, atol = tol or TOL.get(dtype_name, (0, 0))
    np.testing.assert_allclose(_np(j), _np(t), rtol=rtol, atol=atol, equal_nan=True, err_msg=what)


def compare(name, args, kwargs=None, tol=None, messages=False, grad_tol=None, t_fn=None, j_fn=None):
    """Call torch.nn.functional.<name> and jtorch's with the same arguments; compare the
    outcome, then the gradients of every T(grad=True) argument."""
    kwargs = dict(kwargs or {})
    pairs = [a.make() if isinstance(a, T) else (a, a) for a in args]
    kw_pairs = {k: (v.make() if isinstance(v, T) else (v, v)) for k, v in kwargs.items()}
    t_fn = t_fn or getattr(torch.nn.functional, name)
    j_fn = j_fn or getattr(jt.nn.functional, name)
    t_res, t_err, t_warn = _run(lambda: t_fn(*[p[0] for p in pairs], **{k: v[0] for k, v in kw_pairs.items()}))
    j_res, j_err, j_warn = _run(lambda: j_fn(*[p[1] for p in pairs], **{k: v[1] for k, v in kw_pairs.items()}))
    what = f"{name}({[getattr(a, 'dtype', a) for a in args]}, {kwargs})"
    assert [c for c, _ in j_warn] == [c for c, _ in t_warn], f"{what}: warnings {j_warn} vs {t_warn}"
    assert [m for _, m in j_warn] == [m for _, m in t_warn], f"{what}: warnings {j_warn} vs {t_warn}"
    if t_err is not None:
        assert j_err is not None, f"{what}: torch raised {t_err!r}, jtorch returned {j_res!r}"
        assert isinstance(j_err, _builtin(t_err)), f"{what}: torch raised {t_err!r}, jtorch {j_err!r}"
        if messages:
            assert str(j_err) == str(t_err), what
        return None
    if j_err is not None:
        raise AssertionError(f"{what}: jtorch raised {j_err!r}, torch returned {t_res!r}") from j_err
    assert str(j_res.dtype) == str(t_res.dtype), f"{what}: dtype {j_res.dtype} vs {t_res.dtype}"
    assert tuple(j_res.shape) == tuple(t_res.shape), f"{what}: shape {j_res.shape} vs {t_res.shape}"
    dtype_name = str(t_res.dtype).removeprefix("torch.")
    _close(j_res, t_res, dtype_name, what, tol)
    assert type(j_res.grad_fn).__name__ == type(t_res.grad_fn).__name__, \
        f"{what}: grad_fn {type(j_res.grad_fn).__name__} vs {type(t_res.grad_fn).__name__}"
    if t_res.grad_fn is None:
        return t_res
    cot = np.cos(np.arange(t_res.numel()) + 0.5).reshape(tuple(t_res.shape))
    t_res.backward(torch.tensor(cot).to(t_res.dtype))
    j_res.backward(jt.tensor(cot).to(j_res.dtype))
    leaves = [a for a in list(args) + list(kwargs.values()) if isinstance(a, T) and a.grad]
    for a in leaves:
        if a.t.grad is None:
            assert a.j.grad is None, f"{what}: jtorch has a gradient where torch has none"
            continue
        assert a.j.grad is not None, f"{what}: jtorch lacks a gradient"
        _close(a.j.grad, a.t.grad, a.dtype, what + " grad", grad_tol or tol)
    return t_res


REDUCTIONS = st.sampled_from(["none", "mean", "sum"])
FLOAT = st.sampled_from(["float32", "float64"])


def fl(lo, hi):
    # no subnormals: XLA on CPU flushes them to zero (torch does not)
    return st.floats(float(np.float32(lo)), float(np.float32(hi)), allow_subnormal=False, width=32)


# values with exact ties so the losses' kinks (|d| == beta, d == 0, ...) are hit
TIES = st.sampled_from([-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0])


def values(draw, shape, elements=None, dtype=np.float64):
    if elements is None:
        elements = st.one_of(TIES, fl(-3, 3))
    n = int(np.prod(shape)) if shape else 1
    return np.asarray(draw(st.lists(elements, min_size=n, max_size=n)), dtype=dtype).reshape(shape)


# ================================================================ class-index losses
@st.composite
def classification(draw):
    """(n_classes, input shape, class-index target shape) for nll_loss / cross_entropy:
    unbatched (C,), (N, C) and K-dimensional (N, C, d1, ...) inputs, N possibly 0."""
    c = draw(st.integers(1, 4))
    layout = draw(st.sampled_from(["1d", "2d", "3d", "4d", "5d"]))
    n = draw(st.integers(0, 3)) if layout != "1d" else None
    spatial = {"1d": (), "2d": (), "3d": (draw(st.integers(1, 3)),), "4d": (2, draw(st.integers(1, 2))),
               "5d": (2, 1, 2)}[layout]
    shape = (c,) if layout == "1d" else (n, c) + spatial
    target_shape = () if layout == "1d" else (n,) + spatial
    return c, shape, target_shape


@settings(max_examples=10)
@given(data=st.data(), case=classification())
def test_cross_entropy(data, case):
    c, shape, target_shape = case
    dtype = data.draw(FLOAT)
    reduction = data.draw(REDUCTIONS)
    smoothing = data.draw(st.sampled_from([0.0, 0.0, 0.1, 0.5, 1.0]))
    x = T(values(data.draw, shape), dtype, grad=True)
    kwargs = {"reduction": reduction, "label_smoothing": smoothing}
    if data.draw(st.booleans()):
        kwargs["weight"] = T(values(data.draw, (c,), fl(0.1, 2.0)), dtype)
    if data.draw(st.booleans()):
        target = values(data.draw, target_shape, st.integers(0, c - 1), np.int64)
        ignore = data.draw(st.sampled_from([-100, 0, c - 1, -1]))
        if target.size and data.draw(st.booleans()):
            target.ravel()[data.draw(st.integers(0, target.size - 1))] = ignore
        kwargs["ignore_index"] = ignore
        compare("cross_entropy", [x, T(target, "int64")], kwargs)
    else:
        probs = values(data.draw, shape, fl(0, 1))
        compare("cross_entropy", [x, T(probs, dtype, grad=data.draw(st.booleans()))], kwargs)


@settings(max_examples=6)
@given(data=st.data(), case=classification())
def test_nll_loss(data, case):
    c, shape, target_shape = case
    dtype = data.draw(FLOAT)
    x = T(values(data.draw, shape), dtype, grad=True)
    target = values(data.draw, target_shape, st.integers(0, c - 1), np.int64)
    ignore = data.draw(st.sampled_from([-100, 0, -1]))
    if target.size and data.draw(st.booleans()):
        target.ravel()[0] = ignore
    kwargs = {"reduction": data.draw(REDUCTIONS), "ignore_index": ignore}
    if data.draw(st.booleans()):
        kwargs["weight"] = T(values(data.draw, (c,), fl(0.1, 2.0)), dtype)
    compare("nll_loss", [x, T(target, "int64")], kwargs)


def test_nll_loss_all_ignored_and_empty():
    x = np.arange(6.0).reshape(2, 3)
    for reduction in ("mean", "sum", "none"):
        compare("nll_loss", [T(x, grad=True), T([1, 1], "int64")], {"ignore_index": 1, "reduction": reduction})
        compare("nll_loss", [T(np.zeros((0, 3)), grad=True), T(np.zeros(0, np.int64))], {"reduction": reduction})
        compare("cross_entropy", [T(np.zeros((0, 3)), grad=True), T(np.zeros((0, 3)))], {"reduction": reduction})
        compare("cross_entropy", [T(x, grad=True), T([1, 1], "int64")],
                {"ignore_index": 1, "reduction": reduction, "label_smoothing": 0.2, "weight": T([1.0, 2.0, 3.0])})


# ================================================================ elementwise losses
@st.composite
def two_shapes(draw):
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=3)))
    other = shape
    kind = draw(st.integers(0, 4))
    if kind == 0 and shape:
        other = shape[1:]  # broadcast target (torch warns)
    elif kind == 1 and shape:
        other = shape[:-1] + (1,)
    return shape, other


@settings(max_examples=10)
@given(data=st.data(), shapes=two_shapes(), name=st.sampled_from(["l1_loss", "mse_loss", "smooth_l1_loss",
                                                                   "huber_loss"]))
def test_elementwise_losses(data, shapes, name):
    dtype = data.draw(FLOAT)
    x = T(values(data.draw, shapes[0]), dtype, grad=True)
    # (torch's huber backward rejects a target of another dtype)
    y_dtype = dtype if name == "huber_loss" else data.draw(st.sampled_from([dtype, "float32", "float64"]))
    y = T(values(data.draw, shapes[1]), y_dtype, grad=data.draw(st.booleans()))
    kwargs = {"reduction": data.draw(REDUCTIONS)}
    if name == "smooth_l1_loss":
        kwargs["beta"] = data.draw(st.sampled_from([1.0, 0.5, 0.0, 2.0]))
    if name == "huber_loss":
        kwargs["delta"] = data.draw(st.sampled_from([1.0, 0.5, 2.0]))
    if name != "smooth_l1_loss" and shapes[0] == shapes[1] and data.draw(st.integers(0, 3)) == 0:
        kwargs["weight"] = T(values(data.draw, shapes[0], fl(0, 2)), dtype, grad=data.draw(st.booleans()))
    compare(name, [x, y], kwargs)


@pytest.mark.parametrize("name", ["l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "soft_margin_loss"])
def test_elementwise_infinite_gradients(name):
    # torch's backward formulas stay finite where the loss is linear (no 0 * inf)
    x = T([math.inf, -math.inf, 1e30, -1e30, 0.0], "float32", grad=True)
    y = T([0.0, 0.0, 0.0, 0.0, 0.0], "float32", grad=name != "soft_margin_loss")
    if name == "soft_margin_loss":
        x = T([1e30, -1e30, 50.0, -50.0, 0.0], "float32", grad=True)
        y = T([1.0, 1.0, -1.0, 1.0, -1.0], "float32")
    if name in ("mse_loss", "soft_margin_loss"):
        x = T([3.0, -2.0, 1e10, -50.0, 0.0], "float32", grad=True)
    compare(name, [x, y], {"reduction": "sum"})


@pytest.mark.parametrize("dtypes", [("float32", "float64"), ("float64", "float32"), ("float32", "float16"),
                                    ("bfloat16", "bfloat16"), ("int64", "float32"), ("float32", "int64"),
                                    ("int64", "int64")])
@pytest.mark.parametrize("name", ["l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "soft_margin_loss",
                                  "kl_div", "poisson_nll_loss", "hinge_embedding_loss",
                                  "binary_cross_entropy_with_logits", "binary_cross_entropy",
                                  "multilabel_soft_margin_loss"])
def test_dtype_combinations(name, dtypes):
    """Result dtypes (and torch's errors) for mixed operand dtypes, values in rounding detail."""
    x = np.array([[0.25, 0.5, 1.0], [0.0, 0.75, 1.0]])
    y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.5]])
    if "int" in dtypes[1]:
        y = np.array([[1, 0, 1], [-1, 1, 1]])
    if "int" in dtypes[0]:
        x = np.array([[1, 0, 1], [-1, 1, 2]])
    compare(name, [T(x, dtypes[0]), T(y, dtypes[1])], {"reduction": "none" if name != "kl_div" else "sum"})


@pytest.mark.parametrize("name", ["l1_loss", "hinge_embedding_loss"])
@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_integer_inputs(name, reduction):
    # integer losses: integer 'none', int64 'sum', an error for 'mean'
    compare(name, [T([[1, 0, 3], [-1, 1, 2]], "int32"), T([[1, 5, -1], [-1, 1, 1]], "int32")],
            {"reduction": reduction})


# ================================================================ binary cross entropy
@settings(max_examples=5)
@given(data=st.data())
def test_binary_cross_entropy(data):
    shape = tuple(data.draw(st.lists(st.integers(1, 3), min_size=0, max_size=3)))
    dtype = data.draw(FLOAT)
    probs = st.one_of(st.sampled_from([0.0, 1.0, 0.5]), fl(0, 1))
    x = T(values(data.draw, shape, probs), dtype, grad=True)
    y = T(values(data.draw, shape, probs), dtype, grad=data.draw(st.booleans()))
    kwargs = {"reduction": data.draw(REDUCTIONS)}
    if data.draw(st.booleans()):
        wshape = shape[data.draw(st.integers(0, len(shape))):]
        kwargs["weight"] = T(values(data.draw, wshape, fl(0, 2)), dtype)
    # torch's gradient at input 0 or 1 is (x - t) / 1e-12: compare those relatively
    compare("binary_cross_entropy", [x, y], kwargs, grad_tol=(1e-5, 1e-6) if dtype == "float32" else None)


@settings(max_examples=5)
@given(data=st.data())
def test_binary_cross_entropy_with_logits(data):
    shape = tuple(data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=3)))
    dtype = data.draw(FLOAT)
    x = T(values(data.draw, shape, st.one_of(TIES, fl(-30, 30))), dtype, grad=True)
    y = T(values(data.draw, shape, fl(0, 1)), dtype, grad=data.draw(st.booleans()))
    kwargs = {"reduction": data.draw(REDUCTIONS)}
    if data.draw(st.booleans()):
        kwargs["weight"] = T(values(data.draw, shape[data.draw(st.integers(0, len(shape))):], fl(0, 2)), dtype)
    if data.draw(st.booleans()):
        kwargs["pos_weight"] = T(values(data.draw, shape[-1:], fl(0.1, 3)), dtype)
    compare("binary_cross_entropy_with_logits", [x, y], kwargs)


# ================================================================ kl_div
@settings(max_examples=5)
@given(data=st.data(), shapes=two_shapes())
def test_kl_div(data, shapes):
    dtype = data.draw(FLOAT)
    log_target = data.draw(st.booleans())
    x = T(values(data.draw, shapes[0]), dtype, grad=True)
    target_grad = data.draw(st.booleans())
    elements = fl(-3, 1) if log_target else (fl(0.05, 2) if target_grad else
                                                    st.one_of(st.just(0.0), fl(0, 2)))
    y = T(values(data.draw, shapes[1], elements), dtype, grad=target_grad)
    reduction = data.draw(st.sampled_from(["none", "mean", "sum", "batchmean"]))
    compare("kl_div", [x, y], {"reduction": reduction, "log_target": log_target})


# ================================================================ the other losses
X34 = np.array([[0.3, -1.2, 2.0, 0.0], [1.5, 0.5, -0.5, -2.0], [0.0, 1.0, 1.0, -1.0]])
Y34 = np.array([[1.0, -1.0, 1.0, -1.0], [1.0, 1.0, -1.0, -1.0], [-1.0, 1.0, 0.0, 1.0]])
P34 = np.array([[0.0, 0.5, 2.0, 3.0], [1.0, 4.0, 0.25, 7.0], [1.5, 2.0, 0.0, 1.0]])
ML_TARGET = [[3, 0, -1, 1], [1, 2, 3, 0], [2, 2, -1, -1]]
W4 = [1.0, 2.0, 0.5, 0.0]
# The first case of each loss uses the defaults of its module case below (same shapes,
# options and 'mean'), so both share one compiled kernel.
OTHER_CASES = [
    ("poisson_nll_loss", [T(X34, grad=True), T(P34, grad=True)], {"full": True}),
    ("poisson_nll_loss", [T(X34, "float64", grad=True), T(P34, "float64")], {"reduction": "none"}),
    ("poisson_nll_loss", [T(np.abs(X34) + 0.1, grad=True), T(P34, grad=True)],
     {"log_input": False, "reduction": "sum"}),
    ("poisson_nll_loss", [T(np.abs(X34), grad=True), T(P34)], {"log_input": False, "full": True, "eps": 0.5,
                                                               "reduction": "none"}),
    ("gaussian_nll_loss", [T(X34, grad=True), T(Y34, grad=True), T(P34, grad=True)], {"full": True, "eps": 1e-3}),
    ("gaussian_nll_loss", [T(X34, grad=True), T(Y34), T(P34[:, 0], grad=True)], {"reduction": "none"}),
    ("gaussian_nll_loss", [T(X34, grad=True), T(Y34), T(P34[:, :1], grad=True)], {"eps": 0.3, "reduction": "sum"}),
    ("gaussian_nll_loss", [T(X34, grad=True), T(Y34), 0.5], {}),
    ("gaussian_nll_loss", [T(X34, "float64", grad=True), T(Y34, "float64"), T(P34[:1], "float64")],
     {"reduction": "none"}),
    ("hinge_embedding_loss", [T(X34, grad=True), T(Y34, grad=True)], {"margin": 0.5}),
    ("hinge_embedding_loss", [T(X34, grad=True), T(Y34[0], "int64")], {"margin": 2.0, "reduction": "none"}),
    ("margin_ranking_loss", [T(X34, grad=True), T(P34, grad=True), T(Y34)], {"margin": 0.3}),
    ("margin_ranking_loss", [T(X34, grad=True), T(X34[:1], grad=True), T(Y34, grad=True)],
     {"margin": 0.7, "reduction": "none"}),
    ("soft_margin_loss", [T(X34, grad=True), T(Y34)], {}),
    ("soft_margin_loss", [T(X34, "float64", grad=True), T(Y34[0], "float64")], {"reduction": "none"}),
    ("multilabel_soft_margin_loss", [T(X34, grad=True), T(np.abs(Y34))], {"weight": T(W4)}),
    ("multilabel_soft_margin_loss", [T(X34, grad=True), T(np.abs(Y34), grad=True)], {"reduction": "none"}),
    ("multilabel_soft_margin_loss", [T(X34[0], grad=True), T(np.abs(Y34[0]))], {"reduction": "sum"}),
    ("multilabel_soft_margin_loss", [T(X34[0], grad=True), T(np.abs(Y34), grad=True)], {"reduction": "none"}),
    ("kl_div", [T(X34, grad=True), T(P34)], {"reduction": "batchmean", "reduce": False}),
    ("multilabel_margin_loss", [T(X34, grad=True), T(ML_TARGET, "int64")], {}),
    ("multilabel_margin_loss", [T(X34[0], grad=True), T([3, 0, -1, 1], "int64")], {"reduction": "none"}),
    ("multilabel_margin_loss", [T(X34[0, :1], "float64", grad=True), T([0], "int64")], {"reduction": "sum"}),
    ("multilabel_margin_loss", [T(np.zeros((0, 4)), grad=True), T(np.zeros((0, 4), np.int64), "int64")],
     {"reduction": "none"}),
    ("multi_margin_loss", [T(X34, grad=True), T([0, 3, 1], "int64")], {"p": 2, "weight": T(W4)}),
    ("multi_margin_loss", [T(X34, grad=True), T([2, 2, 3], "int64")], {"margin": 0.5, "reduction": "none"}),
    ("multi_margin_loss", [T(X34[0], "float64", grad=True), T(1, "int64")], {"margin": 2.0, "reduction": "sum"}),
    ("multi_margin_loss", [T(X34[0], grad=True), T([1], "int64")], {"reduction": "none"}),
    ("cosine_embedding_loss", [T(X34, grad=True), T(P34, grad=True), T([1, -1, 1], "int64")], {"margin": 0.1}),
    ("cosine_embedding_loss", [T(X34, grad=True), T(P34, grad=True), T([1.0, -1.0, -1.0])],
     {"margin": 0.2, "reduction": "none"}),
    ("cosine_embedding_loss", [T(X34[0], grad=True), T(P34[1], grad=True), T(-1, "int64")],
     {"margin": -0.5, "reduction": "sum"}),
    ("triplet_margin_loss", [T(X34, grad=True), T(P34, grad=True), T(Y34, grad=True)], {"swap": True, "p": 1.0}),
    ("triplet_margin_loss", [T(X34, grad=True), T(P34, grad=True), T(Y34, grad=True)], {"reduction": "none"}),
    ("triplet_margin_loss", [T(X34, grad=True), T(X34, grad=True), T(Y34, grad=True)],
     {"margin": 3.0, "p": 3, "reduction": "none"}),
    ("triplet_margin_loss", [T(X34, grad=True), T(P34), T(Y34)], {"p": math.inf, "eps": 0.0, "reduction": "sum"}),
    ("triplet_margin_loss", [T(X34[0], "float64", grad=True), T(P34[0], "float64"), T(Y34[0], "float64")],
     {"p": 1.5, "reduction": "none"}),
    ("triplet_margin_with_distance_loss", [T(X34, grad=True), T(P34, grad=True), T(Y34, grad=True)],
     {"margin": 0.5}),
    ("triplet_margin_with_distance_loss", [T(X34, grad=True), T(P34, grad=True), T(Y34, grad=True)],
     {"swap": True, "margin": 2.0, "reduction": "none"}),
]


@pytest.mark.parametrize("case", OTHER_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(OTHER_CASES)])
def test_other_losses(case):
    name, args, kwargs = case
    compare(name, args, kwargs)


def test_triplet_with_custom_distance():
    def t_dist(a, b):
        return ((a - b) ** 2).sum(-1)

    def j_dist(a, b):
        return ((a - b) ** 2).sum(-1)

    args = [T(X34, grad=True), T(P34, grad=True), T(Y34, grad=True)]
    compare("triplet_margin_with_distance_loss", args, {"swap": True},
            t_fn=lambda *a, **k: torch.nn.functional.triplet_margin_with_distance_loss(*a, distance_function=t_dist,
                                                                                      **k),
            j_fn=lambda *a, **k: jt.nn.functional.triplet_margin_with_distance_loss(*a, distance_function=j_dist,
                                                                                   **k))


# ================================================================ ctc_loss
def _ctc_case(seed, flat, reduction, zero_infinity=False, blank=0, unbatched=False):
    """Log-probabilities (T=6, N=3, C=4), targets padded or concatenated; the flat case
    has an impossible alignment (2 labels in 1 frame: infinite loss, NaN gradient), the
    unbatched one (3 labels in 2 frames) too, zeroed by zero_infinity."""
    rng = np.random.default_rng(seed)
    t_len, n, c = 6, 3, 4
    logits = rng.normal(size=(t_len, n, c))
    log_probs = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    labels = [label for label in range(c) if label != blank]
    target_lengths = [2, 3, 2] if flat else [2, 3, 0]
    input_lengths = [6, 5, 1] if flat else [6, 5, 4]
    if unbatched:
        log_probs, target_lengths, input_lengths = log_probs[:, 0], [3], [2]
    targets = [rng.choice(labels, size=k) for k in target_lengths]
    if flat:
        tg = np.concatenate(targets).astype(np.int64)
    else:
        tg = np.zeros((len(targets), 3), np.int64)
        for i, row in enumerate(targets):
            tg[i, :len(row)] = row
        if unbatched:
            tg = tg[0]
    return [T(log_probs, "float64" if seed % 2 else "float32", grad=True), T(tg, "int64"),
            T(input_lengths, "int64"), T(target_lengths, "int64")], {"reduction": reduction, "blank": blank,
                                                                    "zero_infinity": zero_infinity}


@pytest.mark.parametrize("flat,blank,unbatched,reduction,zero_infinity",
                         [(False, 0, False, "mean", False), (True, 3, False, "none", False),
                          (False, 1, True, "sum", True)])
def test_ctc_loss(flat, blank, unbatched, reduction, zero_infinity):
    args, kwargs = _ctc_case(1 + flat, flat, reduction, zero_infinity, blank, unbatched)
    compare("ctc_loss", args, kwargs, tol=(1e-4, 1e-5))


# ================================================================ errors and warnings
X = T(X34)
LP = T(np.log(np.full((6, 3, 4), 0.25)))
CTC_TG = [[1, 2, 0], [1, 1, 1], [0, 0, 0]]
ERRORS = [
    ("nll_loss", [X, T([0, 4, 1], "int64")], {}),
    ("nll_loss", [X, T([0, -1, 1], "int64")], {"reduction": "none"}),
    ("nll_loss", [X, T([0.0, 1.0, 1.0])], {}),
    ("nll_loss", [X, T([0, 1, 1], "int32")], {}),
    ("nll_loss", [X, T([0, 1], "int64")], {}),
    ("nll_loss", [X, T([[0, 1, 1]], "int64")], {}),
    ("nll_loss", [T(X34[0]), T([1, 2], "int64")], {}),
    ("nll_loss", [X, T(1, "int64")], {}),
    ("nll_loss", [T(1.0), T(1, "int64")], {}),
    ("nll_loss", [X, T([0, 1, 1], "int64")], {"weight": T([1.0, 1.0, 1.0])}),
    ("nll_loss", [X, T([0, 1, 1], "int64")], {"weight": T([1.0, 1.0, 1.0, 1.0], "float64")}),
    ("nll_loss", [X, T([0, 1, 1], "int64")], {"weight": T([1.0, 1.0, 1.0, 1.0], grad=True)}),
    ("nll_loss", [T(X34, "int64"), T([0, 1, 1], "int64")], {}),
    ("nll_loss", [T(np.zeros((2, 3, 4, 5))), T(np.zeros((2, 4, 6), np.int64))], {}),
    ("nll_loss", [T(np.zeros((2, 3, 4, 5))), T(np.zeros((2, 20), np.int64))], {}),
    ("nll_loss", [T(np.zeros((2, 3, 4, 5))), T(np.full((2, 4, 5), 3))], {}),
    ("nll_loss", [T(np.zeros((2, 3, 4, 5))), T(np.zeros((2, 4, 5)))], {}),
    ("nll_loss", [T(np.zeros((2, 3, 4, 5))), T(np.zeros((2, 4, 5), np.int64))], {"weight": T(np.ones(4))}),
    ("nll_loss", [T(np.zeros((2, 3, 4))), T(np.zeros((2, 5), np.int64))], {}),
    ("nll_loss", [T(np.zeros((2, 3, 4))), T(np.full((2, 4), 7))], {}),
    ("nll_loss", [X, T([0, 1, 1], "int64")], {"reduction": "bad"}),
    ("cross_entropy", [X, T([0, 4, 1], "int64")], {"label_smoothing": 0.1}),
    ("cross_entropy", [X, T([0, 2, 1], "int64")], {"label_smoothing": 1.5}),
    ("cross_entropy", [X, T(P34)], {"label_smoothing": 1.5}),
    ("cross_entropy", [X, T(P34)], {"ignore_index": 1}),
    ("cross_entropy", [X, T(P34, "int64")], {}),
    ("cross_entropy", [X, T([0.0, 1.0, 1.0])], {}),
    ("cross_entropy", [X, T(P34)], {"weight": T([1.0, 1.0, 1.0])}),
    ("cross_entropy", [X, T([0, 2, 1], "int64")], {"weight": T([1.0, 1.0, 1.0])}),
    ("cross_entropy", [T(X34, "int64"), T([0, 2, 1], "int64")], {}),
    ("cross_entropy", [T(X34, "int64"), T(P34)], {}),
    ("cross_entropy", [T(1.0), T(1, "int64")], {}),
    ("cross_entropy", [T(1.0), T(1.0)], {}),
    ("binary_cross_entropy", [T(X34 * 0), T(P34[0] * 0)], {}),
    ("binary_cross_entropy", [T(np.full((3, 4), 0.5)), T(np.full((3, 4), 0.5), "float64")], {}),
    ("binary_cross_entropy", [T(np.full((3, 4), 0.5)), T(np.full((3, 4), 1.5))], {}),
    ("binary_cross_entropy", [T(np.full((3, 4), 1.5)), T(np.full((3, 4), 0.5))], {}),
    ("binary_cross_entropy", [T([0.5, np.nan]), T([0.5, 0.5])], {}),
    ("binary_cross_entropy", [T(np.full((3, 4), 0.5)), T(np.full((3, 4), 0.5))], {"weight": T(np.ones(5))}),
    ("binary_cross_entropy", [T(np.full((3, 4), 0.5)), T(np.full((3, 4), 0.5))], {"weight": T(np.ones((2, 3, 4)))}),
    ("binary_cross_entropy", [T(np.full((3, 4), 0.5)), T(np.full((3, 4), 0.5))], {"weight": T(np.ones(4), grad=True)}),
    ("binary_cross_entropy", [T([1, 0], "int64"), T([1, 0], "int64")], {}),
    ("binary_cross_entropy_with_logits", [X, T(P34[0])], {}),
    ("binary_cross_entropy_with_logits", [X, T(P34)], {"weight": T(np.ones(5))}),
    ("binary_cross_entropy_with_logits", [X, T(P34)], {"pos_weight": T(np.ones((2, 3, 4)))}),
    ("binary_cross_entropy_with_logits", [X, T(P34)], {"pos_weight": T(np.ones(4), grad=True)}),
    ("binary_cross_entropy_with_logits", [X, T(P34, "int64")], {}),
    ("binary_cross_entropy_with_logits", [T(X34, "int64"), T(P34)], {}),
    ("mse_loss", [X, T(np.ones((3, 5)))], {}),
    ("mse_loss", [X, T(P34)], {"reduction": "elementwise"}),
    ("mse_loss", [X, T(P34)], {"weight": T(np.ones(4))}),
    ("mse_loss", [X, T(P34)], {"weight": T(np.ones((3, 4))), "reduction": "bad"}),
    ("l1_loss", [T([True], "bool"), T([False], "bool")], {}),
    ("smooth_l1_loss", [X, T(P34)], {"beta": -1.0}),
    ("huber_loss", [X, T(P34)], {"delta": 0.0}),
    ("huber_loss", [X, T(P34)], {"delta": -1.0, "reduction": "bad"}),
    ("soft_margin_loss", [T(X34[0]), T(P34)], {}),
    ("soft_margin_loss", [X, T(P34, grad=True)], {}),
    ("kl_div", [X, T(P34, "int64")], {}),
    ("kl_div", [X, T(P34)], {"reduction": "avg"}),
    ("poisson_nll_loss", [X, T(P34)], {"reduction": "avg"}),
    ("gaussian_nll_loss", [X, T(P34), -1.0], {}),
    ("gaussian_nll_loss", [X, T(P34), T(-P34 - 1)], {}),
    ("gaussian_nll_loss", [X, T(P34), T(np.ones(4))], {}),
    ("gaussian_nll_loss", [X, T(P34), T(np.ones((3, 2)))], {}),
    ("gaussian_nll_loss", [X, T(P34), T(np.ones((1, 1)))], {}),
    ("gaussian_nll_loss", [X, T(P34), T(np.ones((3, 4)))], {"reduction": "bad"}),
    ("margin_ranking_loss", [X, T(P34[0]), T(Y34)], {}),
    ("margin_ranking_loss", [X, T(P34), T(np.ones((3, 5)))], {}),
    ("cosine_embedding_loss", [T(X34[0]), T(P34[0]), T([1], "int64")], {}),
    ("cosine_embedding_loss", [X, T(P34), T([1, 1], "int64")], {}),
    ("cosine_embedding_loss", [X, T(P34[:2]), T([1, 1, 1], "int64")], {}),
    ("cosine_embedding_loss", [X, T(P34), T(np.ones((3, 1)))], {}),
    ("cosine_embedding_loss", [X, T(P34), T(1, "int64")], {}),
    ("multilabel_margin_loss", [X, T([[0, 5, -1, 2]] * 3, "int64")], {}),
    ("multilabel_margin_loss", [X, T([[0, 1, 4, 3]] * 3, "int64")], {}),
    ("multilabel_margin_loss", [X, T([[0.0, 1, -1, 2]] * 3)], {}),
    ("multilabel_margin_loss", [X, T([[0, 1, -1]] * 3, "int64")], {}),
    ("multilabel_margin_loss", [X, T([0, 1, -1, 3], "int64")], {}),
    ("multilabel_margin_loss", [T(np.zeros((3, 0))), T(np.zeros((3, 0), np.int64))], {}),
    ("multilabel_margin_loss", [T(np.zeros((2, 3, 4))), T(np.zeros((2, 3, 4), np.int64))], {}),
    ("multi_margin_loss", [X, T([0, 4, 1], "int64")], {}),
    ("multi_margin_loss", [X, T([0, -1, 1], "int64")], {}),
    ("multi_margin_loss", [X, T([0.0, 1, 1])], {}),
    ("multi_margin_loss", [X, T([0, 1], "int64")], {}),
    ("multi_margin_loss", [X, T([0, 1, 2], "int64")], {"p": 3}),
    ("multi_margin_loss", [X, T([0, 1, 2], "int64")], {"weight": T(np.ones(3))}),
    ("multi_margin_loss", [X, T([0, 1, 2], "int64")], {"weight": T(np.ones((1, 4)))}),
    ("multi_margin_loss", [X, T([0, 1, 2], "int64")], {"weight": T(np.ones(4), "float64")}),
    ("multi_margin_loss", [X, T([0, 1, 2], "int64")], {"weight": T(np.ones(4), grad=True)}),
    ("multi_margin_loss", [T(X34, "int64"), T([0, 1, 2], "int64")], {}),
    ("triplet_margin_loss", [X, T(P34), T(Y34)], {"margin": 0.0}),
    ("triplet_margin_loss", [X, T(P34[0]), T(Y34)], {}),
    ("triplet_margin_with_distance_loss", [X, T(P34[0]), T(Y34)], {}),
    ("triplet_margin_with_distance_loss", [X, T(P34), T(Y34)], {"margin": -1.0}),
    ("triplet_margin_with_distance_loss", [X, T(P34), T(Y34)], {"reduction": "avg"}),
    ("multilabel_soft_margin_loss", [X, T(P34)], {"reduction": "avg"}),
    ("ctc_loss", [LP, T(CTC_TG), T([6, 5, 4]), T([2, 4, 0])], {}),
    ("ctc_loss", [LP, T(CTC_TG), T([7, 5, 4]), T([2, 3, 0])], {}),
    ("ctc_loss", [LP, T(CTC_TG), T([6, -1, 4]), T([2, 3, 0])], {}),
    ("ctc_loss", [LP, T(CTC_TG), T([6, 5, 4]), T([2, -1, 0])], {}),
    ("ctc_loss", [LP, T(CTC_TG), T([6, 5, 4]), T([2, 3, 0])], {"blank": 4}),
    ("ctc_loss", [LP, T(CTC_TG), T([6, 5]), T([2, 3, 0])], {}),
    ("ctc_loss", [LP, T(CTC_TG), T([6, 5, 4]), T([2, 3])], {}),
    ("ctc_loss", [LP, T(CTC_TG), T([6.0, 5.0, 4.0]), T([2, 3, 0])], {}),
    ("ctc_loss", [LP, T([1, 2, 1, 1, 1, 2]), T([6, 5, 4]), T([2, 3, 0])], {}),
    ("ctc_loss", [LP, T(CTC_TG), T([6, 5, 4]), T([2, 3, 0])], {"reduction": "avg"}),
    ("ctc_loss", [T(np.zeros((6, 3, 4)), "int64"), T(CTC_TG), T([6, 5, 4]), T([2, 3, 0])], {}),
    ("multilabel_soft_margin_loss", [T(1.0), T(1.0)], {}),
]


@pytest.mark.parametrize("case", ERRORS, ids=[f"{c[0]}-{i}" for i, c in enumerate(ERRORS)])
def test_errors(case):
    name, args, kwargs = case
    assert compare(name, args, kwargs, messages=True) is None, "torch accepted an error case"


@pytest.mark.parametrize("size_average,reduce", [(None, False), (False, None), (True, True), (False, True),
                                                 (True, False), (None, True)])
@pytest.mark.parametrize("name", ["mse_loss", "nll_loss", "kl_div"])
def test_legacy_reduction_arguments(name, size_average, reduce):
    target = T([0, 3, 1], "int64") if name == "nll_loss" else T(P34 / 8)
    compare(name, [T(X34, grad=True), target], {"size_average": size_average, "reduce": reduce})


def test_elementwise_mean_reduction_is_deprecated():
    compare("mse_loss", [T(X34, grad=True), T(P34)], {"reduction": "elementwise_mean"})


# ================================================================ modules
MODULES = [
    ("L1Loss", {"reduction": "sum"}), ("MSELoss", {"size_average": False}),
    ("NLLLoss", {"weight": [1.0, 2.0, 0.5, 1.0], "ignore_index": 1}),
    ("CrossEntropyLoss", {"weight": [1.0, 2.0, 0.5, 1.0], "label_smoothing": 0.1}),
    ("BCELoss", {"weight": [1.0, 2.0, 0.5, 1.0]}),
    ("BCEWithLogitsLoss", {"weight": [1.0, 2.0, 0.5, 1.0], "pos_weight": [2.0, 1.0, 0.5, 3.0]}),
    ("KLDivLoss", {"reduction": "batchmean", "log_target": True}), ("PoissonNLLLoss", {"full": True}),
    ("GaussianNLLLoss", {"full": True, "eps": 1e-3}), ("HingeEmbeddingLoss", {"margin": 0.5}),
    ("MarginRankingLoss", {"margin": 0.3}), ("SoftMarginLoss", {}), ("SmoothL1Loss", {"beta": 0.5}),
    ("HuberLoss", {"delta": 2}), ("MultiLabelSoftMarginLoss", {"weight": W4}), ("MultiLabelMarginLoss", {}),
    ("MultiMarginLoss", {"p": 2, "weight": W4}), ("CosineEmbeddingLoss", {"margin": 0.1}),
    ("TripletMarginLoss", {"swap": True, "p": 1.0}), ("TripletMarginWithDistanceLoss", {"margin": 0.5}),
    ("CTCLoss", {}),
]
REPRS = [
    ("L1Loss", {}), ("L1Loss", {"reduce": False}), ("NLLLoss", {"size_average": False}), ("NLLLoss2d", {}),
    ("CrossEntropyLoss", {"reduction": "none", "ignore_index": 3}), ("BCELoss", {}), ("BCEWithLogitsLoss", {}),
    ("KLDivLoss", {}), ("PoissonNLLLoss", {"log_input": False, "eps": 0.1}), ("GaussianNLLLoss", {}),
    ("MultiMarginLoss", {}), ("TripletMarginLoss", {}), ("CTCLoss", {"blank": 2, "zero_infinity": True}),
    ("HuberLoss", {"reduction": "sum"}), ("SmoothL1Loss", {"reduce": True, "size_average": False}),
    ("MultiLabelSoftMarginLoss", {}), ("TripletMarginWithDistanceLoss", {"swap": True}),
]


def _module_inputs(name):
    x = T(X34, grad=True)
    if name in ("NLLLoss", "CrossEntropyLoss"):
        return [x, T([0, 3, 1], "int64")]
    if name == "MultiMarginLoss":
        return [x, T([0, 3, 1], "int64")]
    if name == "BCELoss":
        return [T(np.clip(np.abs(X34) / 2, 0, 1), grad=True), T(P34 / 8)]
    if name == "GaussianNLLLoss":
        return [x, T(Y34, grad=True), T(P34, grad=True)]
    if name == "PoissonNLLLoss":
        return [x, T(P34, grad=True)]
    if name in ("HingeEmbeddingLoss", "SoftMarginLoss"):
        return [x, T(Y34, grad=name == "HingeEmbeddingLoss")]
    if name == "MarginRankingLoss":
        return [x, T(P34, grad=True), T(Y34)]
    if name == "MultiLabelSoftMarginLoss":
        return [x, T(np.abs(Y34))]
    if name == "CosineEmbeddingLoss":
        return [x, T(P34, grad=True), T([1, -1, 1], "int64")]
    if name in ("TripletMarginLoss", "TripletMarginWithDistanceLoss"):
        return [x, T(P34, grad=True), T(Y34, grad=True)]
    if name == "MultiLabelMarginLoss":
        return [x, T(ML_TARGET, "int64")]
    if name == "CTCLoss":
        return _ctc_case(1, False, "mean")[0]
    return [x, T(P34 / 8)]


def _build(name, kwargs):
    t_kwargs = {k: torch.tensor(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    j_kwargs = {k: jt.tensor(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(torch.nn, name)(**t_kwargs), getattr(jt.nn, name)(**j_kwargs)


def _check_module(tm, jm):
    assert repr(jm) == repr(tm)
    assert list(jm.state_dict()) == list(tm.state_dict())
    assert [n for n, _ in jm.named_buffers()] == [n for n, _ in tm.named_buffers()]
    assert jm.reduction == tm.reduction
    for key, value in tm.state_dict().items():
        np.testing.assert_array_equal(jm.state_dict()[key].numpy(), value.numpy())


@pytest.mark.parametrize("case", REPRS, ids=[f"{c[0]}-{i}" for i, c in enumerate(REPRS)])
def test_loss_module_repr(case):
    _check_module(*_build(*case))


@pytest.mark.parametrize("case", MODULES, ids=[f"{c[0]}-{i}" for i, c in enumerate(MODULES)])
def test_loss_module(case):
    name, kwargs = case
    tm, jm = _build(name, kwargs)
    _check_module(tm, jm)
    compare(name, _module_inputs(name), t_fn=tm, j_fn=jm, tol=(1e-4, 1e-5) if name == "CTCLoss" else None)


def test_module_constructor_errors():
    for name, kwargs in [("MultiMarginLoss", {"p": 3}), ("TripletMarginLoss", {"margin": 0}),
                         ("TripletMarginWithDistanceLoss", {"margin": -1.0}), ("HuberLoss", {"delta": "1"})]:
        with pytest.raises(Exception) as t_err:
            getattr(torch.nn, name)(**kwargs)
        with pytest.raises(type(t_err.value)) as j_err:
            getattr(jt.nn, name)(**kwargs)
        assert str(j_err.value) == str(t_err.value)
    with pytest.raises(ValueError, match="expected weight to be None or 1D tensor, got 2D instead"):
        jt.nn.MultiMarginLoss(weight=jt.ones(2, 2))
    with pytest.warns(FutureWarning):
        jt.nn.NLLLoss2d()


def test_module_buffers_move_with_state_dict():
    tm = torch.nn.CrossEntropyLoss(weight=torch.tensor([1.0, 3.0, 2.0, 0.5]), label_smoothing=0.1)
    jm = jt.nn.CrossEntropyLoss(weight=jt.ones(4), label_smoothing=0.1)
    jm.load_state_dict({k: jt.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    compare("cross_entropy", [T(X34, grad=True), T([0, 3, 1], "int64")], t_fn=tm, j_fn=jm)
    distance = jt.nn.TripletMarginWithDistanceLoss(distance_function=lambda a, b: (a - b).abs().sum(-1))
    assert repr(distance) == "TripletMarginWithDistanceLoss()"


@pytest.mark.parametrize("name,target,kwargs", [
    ("l1_loss", P34, {}), ("mse_loss", P34, {}), ("cross_entropy", [0, 3, 1], {}), ("nll_loss", [0, 3, 1], {}),
    ("kl_div", P34, {"reduction": "sum"}), ("hinge_embedding_loss", Y34, {"margin": 0.5}),
])
def test_input_modified_in_place_after_forward(name, target, kwargs):
    """torch raises at backward only for the inputs its backward saved (l1_loss and
    cross_entropy save none of the user's tensors; mse_loss and nll_loss save the input)."""
    outcomes = []
    for lib in (torch, jt):
        x = lib.tensor(X34.astype(np.float32), requires_grad=True) * 1
        y = lib.tensor(np.asarray(target)) if isinstance(target, list) else lib.tensor(target.astype(np.float32))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loss = getattr(lib.nn.functional, name)(x, y, **kwargs)
        x.mul_(2)
        try:
            loss.backward()
            outcomes.append("ok")
        except RuntimeError:
            outcomes.append("error")
    assert outcomes[0] == outcomes[1]
