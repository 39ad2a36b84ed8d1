"""Recurrent layers against real torch with copied weights: outputs, final states, input /
initial-state / parameter gradients, PackedSequence input, unbatched input, dropout,
cells, reprs, state_dict keys and torch's errors."""
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn.utils import rnn as TR

import jtorch as jt
from torch_compare import raises_like

JR = jt.nn.utils.rnn
RTOL, ATOL = 1e-5, 2e-6


def close(j, t, rtol=RTOL, atol=ATOL, msg=""):
    assert tuple(j.shape) == tuple(t.shape), msg
    assert str(j.dtype) == str(t.dtype), msg
    np.testing.assert_allclose(j.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol, err_msg=msg)


def copy_weights(tm, jm):
    jm.load_state_dict({k: jt.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})


def make(cls, *args, **kwargs):
    torch.manual_seed(0)
    tm, jm = getattr(torch.nn, cls)(*args, **kwargs), getattr(jt.nn, cls)(*args, **kwargs)
    assert repr(jm) == repr(tm)
    assert [(k, tuple(v.shape)) for k, v in jm.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in tm.state_dict().items()]
    copy_weights(tm, jm)
    return tm, jm


def leaf(array):
    return torch.tensor(array, requires_grad=True), jt.tensor(array, requires_grad=True)


def as_tuple(h):
    return h if isinstance(h, tuple) else (h,)


def check_backward(tm, jm, touts, jouts, tleaves, jleaves):
    """Backpropagate the same cotangents through both and compare every gradient."""
    gs = [np.cos(np.arange(t.numel()) * (i + 1.3)).reshape(tuple(t.shape)).astype(t.detach().numpy().dtype)
          for i, t in enumerate(touts)]
    torch.autograd.backward(list(touts), [torch.tensor(g) for g in gs])
    jt.autograd.backward(list(jouts), [jt.tensor(g) for g in gs])
    for t, j in zip(tleaves, jleaves):
        close(j.grad, t.grad, msg="input grad")
    for (name, tp), (_, jp) in zip(tm.named_parameters(), jm.named_parameters()):
        close(jp.grad, tp.grad, msg=name)


CONFIGS = [  # (class, kwargs, pass an initial state): each config costs a compile, so the list is short
    ("RNN", {}, False),
    ("RNN", dict(nonlinearity="relu", num_layers=2, bidirectional=True, batch_first=True), True),
    ("LSTM", {}, True),
    ("LSTM", dict(num_layers=2, bidirectional=True, proj_size=3), True),
    ("GRU", dict(num_layers=2, bidirectional=True), False),
    ("GRU", dict(bias=False, batch_first=True), True),
]


@pytest.mark.parametrize("cls,kwargs,with_state", CONFIGS, ids=[f"{c}-{k}-{s}" for c, k, s in CONFIGS])
def test_recurrent_module(cls, kwargs, with_state):
    tm, jm = make(cls, 4, 5, **kwargs)
    rng = np.random.default_rng(len(kwargs))
    T, B = 6, 3
    shape = (B, T, 4) if kwargs.get("batch_first") else (T, B, 4)
    tx, jx = leaf(rng.standard_normal(shape).astype(np.float32))
    tleaves, jleaves = [tx], [jx]
    targs, jargs = [tx], [jx]
    if with_state:
        layers = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
        th, jh = leaf(rng.standard_normal((layers, B, kwargs.get("proj_size") or 5)).astype(np.float32))
        tleaves.append(th)
        jleaves.append(jh)
        if cls == "LSTM":
            tc, jc = leaf(rng.standard_normal((layers, B, 5)).astype(np.float32))
            tleaves.append(tc)
            jleaves.append(jc)
            targs.append((th, tc))
            jargs.append((jh, jc))
        else:
            targs.append(th)
            jargs.append(jh)
    to, thn = tm(*targs)
    jo, jhn = jm(*jargs)
    close(jo, to)
    for t, j in zip(as_tuple(thn), as_tuple(jhn)):
        close(j, t)
        assert type(j.grad_fn).__name__ == type(t.grad_fn).__name__ == "StackBackward0"
    check_backward(tm, jm, (to,) + as_tuple(thn), (jo,) + as_tuple(jhn), tleaves, jleaves)


def test_unbatched_input():
    tm, jm = make("LSTM", 3, 4)
    rng = np.random.default_rng(2)
    tx, jx = leaf(rng.standard_normal((5, 3)).astype(np.float32))
    th, jh = leaf(rng.standard_normal((1, 4)).astype(np.float32))
    tc, jc = leaf(rng.standard_normal((1, 4)).astype(np.float32))
    (to, thn), (jo, jhn) = tm(tx, (th, tc)), jm(jx, (jh, jc))
    close(jo, to)
    for t, j in zip(thn, jhn):
        close(j, t)
    check_backward(tm, jm, (to,) + thn, (jo,) + jhn, [tx, th, tc], [jx, jh, jc])
    # GRU (RNN and GRU share this path), with and without an initial state
    tm, jm = make("GRU", 3, 4, batch_first=True)
    with torch.no_grad(), jt.no_grad():
        for args in ((tx.detach(), th.detach()), (tx.detach(),)):
            (to, thn), (jo, jhn) = tm(*args), jm(*(jt.tensor(a.numpy()) for a in args))
            close(jo, to)
            close(jhn, thn)


@pytest.mark.parametrize("cls,kwargs", [("LSTM", dict(bidirectional=True))])
def test_packed_sequence_input(cls, kwargs):
    tm, jm = make(cls, 3, 4, **kwargs)
    rng = np.random.default_rng(3)
    lengths = [2, 5, 3, 5]
    tx, jx = leaf(rng.standard_normal((5, 4, 3)).astype(np.float32))
    tp = TR.pack_padded_sequence(tx, lengths, enforce_sorted=False)
    jp = JR.pack_padded_sequence(jx, lengths, enforce_sorted=False)
    layers = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
    th, jh = leaf(rng.standard_normal((layers, 4, kwargs.get("proj_size") or 4)).astype(np.float32))
    if cls == "LSTM":
        tc, jc = leaf(rng.standard_normal((layers, 4, 4)).astype(np.float32))
        (to, thn), (jo, jhn) = tm(tp, (th, tc)), jm(jp, (jh, jc))
        leaves = ([tx, th, tc], [jx, jh, jc])
    else:
        (to, thn), (jo, jhn) = tm(tp, th), jm(jp, jh)
        leaves = ([tx, th], [jx, jh])
    assert isinstance(jo, JR.PackedSequence)
    close(jo.data, to.data)
    close(jo.batch_sizes, to.batch_sizes)
    close(jo.sorted_indices, to.sorted_indices)
    close(jo.unsorted_indices, to.unsorted_indices)
    for t, j in zip(as_tuple(thn), as_tuple(jhn)):
        close(j, t)
    tpad, _ = TR.pad_packed_sequence(to, batch_first=True)
    jpad, _ = JR.pad_packed_sequence(jo, batch_first=True)
    check_backward(tm, jm, (tpad,) + as_tuple(thn), (jpad,) + as_tuple(jhn), *leaves)


def test_packed_sorted_without_state():
    tm, jm = make("GRU", 2, 3, num_layers=2)
    arrays = [np.random.default_rng(i).standard_normal((n, 2)).astype(np.float32) for i, n in enumerate([4, 2, 1])]
    tp = TR.pack_sequence([torch.tensor(a) for a in arrays])
    jp = JR.pack_sequence([jt.tensor(a) for a in arrays])
    (to, th), (jo, jh) = tm(tp), jm(jp)
    close(jo.data, to.data)
    close(jh, th)
    assert jo.sorted_indices is None and jo.unsorted_indices is None


def test_float64():
    torch.manual_seed(0)
    tm = torch.nn.LSTM(3, 4).double()
    jm = jt.nn.LSTM(3, 4, dtype=jt.float64)
    copy_weights(tm, jm)
    assert all(p.dtype is jt.float64 for p in jm.parameters())
    tx, jx = leaf(np.random.default_rng(4).standard_normal((4, 2, 3)))
    (to, (th, tc)), (jo, (jh, jc)) = tm(tx), jm(jx)
    for t, j in ((to, jo), (th, jh), (tc, jc)):
        close(j, t, rtol=1e-12, atol=1e-13)
    check_backward(tm, jm, (to, th, tc), (jo, jh, jc), [tx], [jx])


def test_dropout_between_layers():
    tm, jm = make("GRU", 3, 4, num_layers=2, dropout=0.5)
    x = np.random.default_rng(5).standard_normal((4, 2, 3)).astype(np.float32)
    # eval: no dropout
    tm.eval(), jm.eval()
    (to, th), (jo, jh) = tm(torch.tensor(x)), jm(jt.tensor(x))
    close(jo, to)
    close(jh, th)
    # train with p=1: the second layer sees zeros, deterministically
    tm.train(), jm.train()
    tm.dropout = jm.dropout = 1.0
    (to, th), (jo, jh) = tm(torch.tensor(x)), jm(jt.tensor(x))
    close(jo, to)
    close(jh, th)
    # train with p=0.5: the first layer's final state is untouched; the output changes
    jm.dropout = 0.5
    jm.eval()
    with jt.no_grad():
        jo_eval, jh_eval = jm(jt.tensor(x))
        jm.train()
        jt.manual_seed(0)
        jo_train, jh_train = jm(jt.tensor(x))
        np.testing.assert_allclose(jh_train[0].numpy(), jh_eval[0].numpy(), rtol=1e-6)
        assert not np.allclose(jo_train.numpy(), jo_eval.numpy())
        jt.manual_seed(0)
        np.testing.assert_array_equal(jm(jt.tensor(x))[0].numpy(), jo_train.numpy())  # reproducible from the seed


@settings(max_examples=3)
@given(mode=st.sampled_from(["RNN", "LSTM", "GRU"]), steps=st.integers(1, 4), batch=st.integers(1, 3),
       input_size=st.integers(1, 3), hidden=st.integers(2, 4))
def test_recurrent_hypothesis(mode, steps, batch, input_size, hidden):
    tm, jm = make(mode, input_size, hidden)
    tx, jx = leaf(np.random.default_rng(steps * 7 + batch).standard_normal((steps, batch, input_size))
                  .astype(np.float32))
    (to, th), (jo, jh) = tm(tx), jm(jx)
    close(jo, to)
    for t, j in zip(as_tuple(th), as_tuple(jh)):
        close(j, t)
    check_backward(tm, jm, (to,) + as_tuple(th), (jo,) + as_tuple(jh), [tx], [jx])


# ================================================================ cells
CELLS = [("RNNCell", {}), ("RNNCell", dict(nonlinearity="relu", bias=False)), ("LSTMCell", {}),
         ("LSTMCell", dict(bias=False)), ("GRUCell", {})]


@pytest.mark.parametrize("cls,kwargs", CELLS, ids=[f"{c}-{k}" for c, k in CELLS])
@pytest.mark.parametrize("batched", [True, False])
def test_cell(cls, kwargs, batched):
    tm, jm = make(cls, 3, 4, **kwargs)
    rng = np.random.default_rng(6)
    lead = (2,) if batched else ()
    tx, jx = leaf(rng.standard_normal(lead + (3,)).astype(np.float32))
    th, jh = leaf(rng.standard_normal(lead + (4,)).astype(np.float32))
    if cls == "LSTMCell":
        tc, jc = leaf(rng.standard_normal(lead + (4,)).astype(np.float32))
        tout, jout = tm(tx, (th, tc)), jm(jx, (jh, jc))
        leaves = ([tx, th, tc], [jx, jh, jc])
    else:
        tout, jout = tm(tx, th), jm(jx, jh)
        leaves = ([tx, th], [jx, jh])
    for t, j in zip(as_tuple(tout), as_tuple(jout)):
        close(j, t)
        if batched:  # unbatched outputs come from Tensor.squeeze, whose grad_fn name is not this module's
            assert type(j.grad_fn).__name__ == type(t.grad_fn).__name__
    check_backward(tm, jm, as_tuple(tout), as_tuple(jout), *leaves)
    for t, j in zip(as_tuple(tm(tx.detach())), as_tuple(jm(jx.detach()))):  # zero initial state
        close(j, t)


# ================================================================ module API
def test_parameters_init_and_api():
    jm = jt.nn.LSTM(3, 8, num_layers=2, bidirectional=True, proj_size=2)
    tm = torch.nn.LSTM(3, 8, num_layers=2, bidirectional=True, proj_size=2)
    assert jm._flat_weights_names == tm._flat_weights_names
    assert [[tuple(p.shape) for p in ws] for ws in jm.all_weights] == \
        [[tuple(p.shape) for p in ws] for ws in tm.all_weights]
    bound = 1 / math.sqrt(8)
    values = np.concatenate([p.detach().numpy().ravel() for p in jm.parameters()])
    assert values.min() >= -bound and values.max() <= bound and values.std() > bound / 4
    assert all(p.requires_grad and isinstance(p, jt.nn.Parameter) for p in jm.parameters())
    assert jm.flatten_parameters() is None
    assert jm._flat_weights[0] is jm.weight_ih_l0
    cell = jt.nn.GRUCell(2, 5, bias=False)
    assert cell.bias_ih is None and cell.bias_hh is None
    assert repr(cell) == repr(torch.nn.GRUCell(2, 5, bias=False))
    assert repr(jt.nn.RNNCell(2, 5, nonlinearity="relu")) == repr(torch.nn.RNNCell(2, 5, nonlinearity="relu"))
    assert repr(jt.nn.RNN(2, 5, 3, "relu", False, True, 0.5, True)) == \
        repr(torch.nn.RNN(2, 5, 3, "relu", False, True, 0.5, True))
    assert issubclass(jt.nn.GRU, jt.nn.RNNBase) and issubclass(jt.nn.LSTMCell, jt.nn.RNNCellBase)


def test_dropout_warning_single_layer():
    with warnings.catch_warnings(record=True) as jw:
        warnings.simplefilter("always")
        jt.nn.GRU(2, 3, dropout=0.3)
    with warnings.catch_warnings(record=True) as tw:
        warnings.simplefilter("always")
        torch.nn.GRU(2, 3, dropout=0.3)
    assert [str(w.message) for w in jw] == [str(w.message) for w in tw]


@pytest.mark.parametrize("args,kwargs", [
    ((4, 6), dict(dropout=2)), ((4, 6), dict(dropout=True)), ((4, 6), dict(bias=1)), ((4, 6), dict(num_layers=0)),
    ((4, 6), dict(proj_size=6)), ((4, 6), dict(proj_size=-1)), ((4, 6), dict(batch_first=1)), ((4.0, 6), {}),
    ((0, 6), {}), ((4, 0), {}),
])
def test_constructor_errors(args, kwargs):
    raises_like(lambda: torch.nn.LSTM(*args, **kwargs), lambda: jt.nn.LSTM(*args, **kwargs))


def test_constructor_errors_rnn_gru():
    raises_like(lambda: torch.nn.RNN(4, 6, nonlinearity="x"), lambda: jt.nn.RNN(4, 6, nonlinearity="x"))
    raises_like(lambda: torch.nn.GRU(4, 6, proj_size=2), lambda: jt.nn.GRU(4, 6, proj_size=2))


def test_forward_errors():
    torch.manual_seed(0)
    shapes = {"x325": (3, 2, 5), "x324": (3, 2, 4), "x3241": (3, 2, 4, 1), "x34": (3, 4), "h26": (2, 6),
              "h226": (2, 2, 6), "h236": (2, 3, 6), "h225": (2, 2, 5)}
    arrays = {k: np.zeros(v, np.float32) for k, v in shapes.items()}
    T = {k: torch.tensor(v) for k, v in arrays.items()}
    J = {k: jt.tensor(v) for k, v in arrays.items()}
    tl, jl = torch.nn.LSTM(4, 6, 2), jt.nn.LSTM(4, 6, 2)
    tg, jg = torch.nn.GRU(4, 6, 2), jt.nn.GRU(4, 6, 2)
    cases = [
        (tl, jl, ("x325",)), (tl, jl, ("x324", ("h226", "h236"))), (tl, jl, ("x324", ("h225", "h226"))),
        (tl, jl, ("x324", ("h26", "h26"))), (tl, jl, ("x3241",)), (tg, jg, ("x324", "h26")),
        (tg, jg, ("x34", "h226")), (tg, jg, ("x324", "h236")), (tg, jg, ("x3241",)), (tg, jg, ("x325",)),
    ]

    def build(store, spec):
        return tuple(tuple(store[s] for s in a) if isinstance(a, tuple) else store[a] for a in spec)

    for tm, jm, spec in cases:
        raises_like(lambda: tm(*build(T, spec)), lambda: jm(*build(J, spec)))
    raises_like(lambda: tl(T["x324"].double()), lambda: jl(J["x324"].double()))


@pytest.mark.parametrize("cls", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cell_errors(cls):
    tm, jm = getattr(torch.nn, cls)(4, 6), getattr(jt.nn, cls)(4, 6)
    specs = [((3, 5), None), ((3, 4), (2, 6)), ((3, 4), (3, 5)), ((3, 4, 1), None), ((3, 4), (6,)), ((4,), (3, 6))]
    for xs, hs in specs:
        def call(lib, m):
            x = lib.zeros(xs)
            if hs is None:
                return m(x)
            h = lib.zeros(hs)
            return m(x, (h, h)) if cls == "LSTMCell" else m(x, h)
        raises_like(lambda: call(torch, tm), lambda: call(jt, jm))
    raises_like(lambda: tm(torch.zeros(3, 4).double()), lambda: jm(jt.zeros(3, 4).double()))
    if cls == "RNNCell":
        tm.nonlinearity = jm.nonlinearity = "x"
        raises_like(lambda: tm(torch.zeros(3, 4)), lambda: jm(jt.zeros(3, 4)))


@pytest.mark.parametrize("cls, batch_first, bidirectional", [
    (cls, batch_first, bidirectional) for cls in ("RNN", "GRU", "LSTM") for batch_first in (False, True)
    for bidirectional in (False, True) if cls != "LSTM" or batch_first or bidirectional])
def test_output_grad_fn_names_like_torch(cls, batch_first, bidirectional):
    """RNN/GRU transpose batch-first outputs in place (TransposeBackward1); bidirectional
    outputs end in a cat. (torch's plain CPU LSTM output comes from its oneDNN kernel,
    MkldnnRnnLayerBackward0, a backend name jtorch does not imitate.)"""
    names = []
    for lib in (torch, jt):
        m = getattr(lib.nn, cls)(3, 4, num_layers=2, batch_first=batch_first, bidirectional=bidirectional)
        out, h = m(lib.ones(2, 5, 3))
        h = h[0] if isinstance(h, tuple) else h
        names.append((type(out.grad_fn).__name__, type(h.grad_fn).__name__, tuple(out.shape)))
    assert names[1] == names[0]
