"""Attention and transformers against real torch with copied weights:
F.scaled_dot_product_attention, MultiheadAttention / F.multi_head_attention_forward and the
Transformer family (eval mode, or dropout 0): outputs, attention weights, input and
parameter gradients, grad_fn names, reprs, warnings and errors."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st

import jtorch as jt
from torch_compare import raises_like

JF = jt.nn.functional
RTOL, ATOL = 1e-5, 2e-6


def close(j, t, rtol=RTOL, atol=ATOL, msg=""):
    assert tuple(j.shape) == tuple(t.shape), msg
    assert str(j.dtype) == str(t.dtype), msg
    np.testing.assert_allclose(j.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol, err_msg=msg)


def leaf(array, requires_grad=True):
    return torch.tensor(array, requires_grad=requires_grad), jt.tensor(array, requires_grad=requires_grad)


def randn(rng, *shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def copy_weights(tm, jm):
    jm.load_state_dict({k: jt.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})


def cotangent(t, salt=1.0):
    return np.cos(np.arange(t.numel()) * salt + 0.3).reshape(tuple(t.shape)).astype(t.detach().numpy().dtype)


def backward_both(touts, jouts):
    gs = [cotangent(t, i + 1.1) for i, t in enumerate(touts)]
    torch.autograd.backward(list(touts), [torch.tensor(g) for g in gs])
    jt.autograd.backward(list(jouts), [jt.tensor(g) for g in gs])


def with_warnings(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    return result, [str(w.message) for w in caught]


# ================================================================ scaled_dot_product_attention
SDPA = [  # each case costs a compile: plain inputs are left to the hypothesis test
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), dict(is_causal=True)),
    ((3, 4, 8), (3, 5, 8), (3, 5, 8), dict(attn_mask="bool")),
    ((4, 8), (5, 8), (5, 8), dict(attn_mask="float", scale=-0.3)),
    ((2, 4, 3, 8), (2, 2, 5, 8), (2, 2, 5, 8), dict(enable_gqa=True)),
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8), dict(attn_mask="bool_full_row", is_causal=True)),
    ((2, 1, 4, 8), (1, 3, 6, 8), (1, 3, 6, 8), dict(is_causal=True)),  # broadcast batch, L < S causal
]


@pytest.mark.parametrize("qs,ks,vs,kwargs", SDPA, ids=[str(i) for i in range(len(SDPA))])
def test_sdpa(qs, ks, vs, kwargs):
    rng = np.random.default_rng(len(qs) + len(kwargs))
    (tq, jq), (tk, jk), (tv, jv) = leaf(randn(rng, *qs)), leaf(randn(rng, *ks)), leaf(randn(rng, *vs))
    tkw, jkw = dict(kwargs), dict(kwargs)
    leaves = ([tq, tk, tv], [jq, jk, jv])
    mask = kwargs.get("attn_mask")
    if mask in ("bool", "bool_full_row"):
        m = rng.random((qs[-2], ks[-2])) > 0.4
        if mask == "bool_full_row":
            m[1] = False  # a row that attends to nothing gives zeros
        tkw["attn_mask"], jkw["attn_mask"] = torch.tensor(m), jt.tensor(m)
    elif mask == "float":
        tm, jm = leaf(randn(rng, qs[-2], ks[-2]))
        tkw["attn_mask"], jkw["attn_mask"] = tm, jm
        leaves[0].append(tm)
        leaves[1].append(jm)
    to = TF.scaled_dot_product_attention(tq, tk, tv, **tkw)
    jo = JF.scaled_dot_product_attention(jq, jk, jv, **jkw)
    close(jo, to)
    assert type(jo.grad_fn).__name__ == type(to.grad_fn).__name__
    backward_both([to], [jo])
    for t, j in zip(*leaves):
        close(j.grad, t.grad)


def test_sdpa_float64_and_half():
    rng = np.random.default_rng(1)
    q, k, v = randn(rng, 2, 3, 4, dtype=np.float64), randn(rng, 2, 5, 4, dtype=np.float64), \
        randn(rng, 2, 5, 4, dtype=np.float64)
    (tq, jq), (tk, jk), (tv, jv) = leaf(q), leaf(k), leaf(v)
    to, jo = TF.scaled_dot_product_attention(tq, tk, tv), JF.scaled_dot_product_attention(jq, jk, jv)
    close(jo, to, rtol=1e-12, atol=1e-13)
    backward_both([to], [jo])
    for t, j in ((tq, jq), (tk, jk), (tv, jv)):
        close(j.grad, t.grad, rtol=1e-12, atol=1e-13)
    th = [torch.tensor(a.astype(np.float16)) for a in (q, k, v)]
    jh = [jt.tensor(a.astype(np.float16)) for a in (q, k, v)]
    close(JF.scaled_dot_product_attention(*jh), TF.scaled_dot_product_attention(*th), rtol=2e-3, atol=2e-3)


def test_sdpa_dropout():
    rng = np.random.default_rng(2)
    q, k, v = randn(rng, 2, 3, 4, 8), randn(rng, 2, 3, 5, 8), randn(rng, 2, 3, 5, 8)
    # p=1 drops everything: zeros, in both
    close(JF.scaled_dot_product_attention(jt.tensor(q), jt.tensor(k), jt.tensor(v), dropout_p=1.0),
          TF.scaled_dot_product_attention(torch.tensor(q), torch.tensor(k), torch.tensor(v), dropout_p=1.0))
    # p=0.5 with uniform attention over ones: each output is 2/S times the number of kept keys
    S = 64
    q = jt.zeros(1, 1, 200, 4, requires_grad=True)
    out = JF.scaled_dot_product_attention(q, jt.zeros(1, 1, S, 4), jt.ones(1, 1, S, 4), dropout_p=0.5)
    kept = out.detach().numpy()[..., 0] * S / 2
    np.testing.assert_allclose(kept, np.round(kept), atol=1e-4)
    assert 0.45 < kept.mean() / S < 0.55
    assert type(out.grad_fn).__name__ == "UnsafeViewBackward0"  # torch's math kernel runs dropout


def test_sdpa_errors():
    q = np.zeros((1, 1, 3, 4), np.float32)
    t, j = torch.tensor(q), jt.tensor(q)
    cases = [
        (lambda lib, x: lib.nn.functional.scaled_dot_product_attention(x[0], x[0], x[0], is_causal=True,
                                                                        attn_mask=lib.ones(3, 3, dtype=lib.bool))),
        (lambda lib, x: lib.nn.functional.scaled_dot_product_attention(x, x.double(), x)),
        (lambda lib, x: lib.nn.functional.scaled_dot_product_attention(x, x, x, attn_mask=lib.zeros(3, 3).long())),
        (lambda lib, x: lib.nn.functional.scaled_dot_product_attention(x, x, x, attn_mask=lib.zeros(3, 3).double())),
        (lambda lib, x: lib.nn.functional.scaled_dot_product_attention(x, x, x, attn_mask=lib.zeros(2, 3))),
        (lambda lib, x: lib.nn.functional.scaled_dot_product_attention(x[0, 0, 0], x[0, 0, 0], x[0, 0, 0])),
        (lambda lib, x: lib.nn.functional.scaled_dot_product_attention(x[0].long(), x[0].long(), x[0].long())),
        (lambda lib, x: lib.nn.functional.scaled_dot_product_attention(x[0], x[0], x[0], dropout_p=1.5)),
        (lambda lib, x: lib.nn.functional.scaled_dot_product_attention(
            lib.zeros(1, 4, 3, 4), lib.zeros(1, 3, 3, 4), lib.zeros(1, 3, 3, 4), enable_gqa=True)),
        (lambda lib, x: lib.nn.functional.scaled_dot_product_attention(
            lib.zeros(1, 4, 3, 4), lib.zeros(1, 2, 3, 4), lib.zeros(1, 2, 3, 4))),
        (lambda lib, x: lib.nn.functional.scaled_dot_product_attention(x[0], x[0, :, :, :2], x[0])),
    ]
    for case in cases:
        raises_like(lambda: case(torch, t), lambda: case(jt, j))


@settings(max_examples=4)
@given(batch=st.integers(1, 2), heads=st.integers(1, 3), L=st.integers(1, 5), S=st.integers(1, 5),
       E=st.sampled_from([2, 4]), causal=st.booleans())
def test_sdpa_hypothesis(batch, heads, L, S, E, causal):
    rng = np.random.default_rng(L * 10 + S)
    (tq, jq), (tk, jk), (tv, jv) = (leaf(randn(rng, batch, heads, n, E)) for n in (L, S, S))
    to = TF.scaled_dot_product_attention(tq, tk, tv, is_causal=causal)
    jo = JF.scaled_dot_product_attention(jq, jk, jv, is_causal=causal)
    close(jo, to)
    backward_both([to], [jo])
    for t, j in ((tq, jq), (tk, jk), (tv, jv)):
        close(j.grad, t.grad)


# ================================================================ MultiheadAttention
MHA = [  # (constructor kwargs, call kwargs)
    (dict(), dict()),
    (dict(batch_first=True, add_bias_kv=True, add_zero_attn=True), dict(average_attn_weights=False)),
    (dict(num_heads=4, kdim=3, vdim=5, bias=False), dict(need_weights=False, key_padding_mask="bool",
                                                         attn_mask="bool3d")),
    (dict(), dict(attn_mask="causal", is_causal=True, need_weights=False)),
    (dict(add_bias_kv=True, add_zero_attn=True, kdim=6, vdim=6), dict(key_padding_mask="float",
                                                                      attn_mask="float3d")),
]


def _mha_inputs(kwargs, call, rng, L=4, S=5, N=3, unbatched=False):
    bf = kwargs.get("batch_first", False)

    def shape(n, e):
        if unbatched:
            return (n, e)
        return (N, n, e) if bf else (n, N, e)

    (tq, jq) = leaf(randn(rng, *shape(L, 8)))
    (tk, jk) = leaf(randn(rng, *shape(S, kwargs.get("kdim", 8))))
    (tv, jv) = leaf(randn(rng, *shape(S, kwargs.get("vdim", 8))))
    tc, jc = dict(call), dict(call)
    heads = kwargs.get("num_heads", 2)
    mask = call.get("attn_mask")
    if mask == "causal":
        tk, jk, tv, jv = tq, jq, tq, jq  # self-attention
        S = L
        tc["attn_mask"] = torch.nn.Transformer.generate_square_subsequent_mask(L)
        jc["attn_mask"] = jt.nn.Transformer.generate_square_subsequent_mask(L)
    elif mask == "float":
        tc["attn_mask"], jc["attn_mask"] = leaf(randn(rng, L, S), requires_grad=False)
    elif mask == "float3d":
        tc["attn_mask"], jc["attn_mask"] = leaf(randn(rng, N * heads, L, S), requires_grad=False)
    elif mask == "bool3d":
        m = rng.random((N * heads, L, S)) > 0.3
        m[..., 0] = False
        tc["attn_mask"], jc["attn_mask"] = torch.tensor(m), jt.tensor(m)
    kpm = call.get("key_padding_mask")
    if kpm is not None:
        m = np.zeros((N, S), bool)
        m[:, -1] = True
        m[0, 1] = True
        if unbatched:
            m = m[0]
        if kpm == "float":
            m = np.where(m, -1e4, 0.0).astype(np.float32)
        tc["key_padding_mask"], jc["key_padding_mask"] = torch.tensor(m), jt.tensor(m)
    return (tq, tk, tv), (jq, jk, jv), tc, jc


@pytest.mark.parametrize("kwargs,call", MHA, ids=[str(i) for i in range(len(MHA))])
def test_multihead_attention(kwargs, call):
    kwargs = dict(kwargs)
    heads = kwargs.pop("num_heads", 2)
    torch.manual_seed(0)
    tm, jm = torch.nn.MultiheadAttention(8, heads, **kwargs), jt.nn.MultiheadAttention(8, heads, **kwargs)
    assert repr(jm) == repr(tm)
    assert [(k, tuple(v.shape)) for k, v in jm.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in tm.state_dict().items()]
    copy_weights(tm, jm)
    rng = np.random.default_rng(len(call))
    tin, jin, tc, jc = _mha_inputs(dict(kwargs, num_heads=heads), call, rng)
    (to, tw), tmsg = with_warnings(lambda: tm(*tin, **tc))
    (jo, jw), jmsg = with_warnings(lambda: jm(*jin, **jc))
    assert jmsg == tmsg
    close(jo, to)
    assert type(jo.grad_fn).__name__ == type(to.grad_fn).__name__
    assert (jw is None) == (tw is None)
    outs = ([to], [jo])
    if tw is not None:
        close(jw, tw)
        assert type(jw.grad_fn).__name__ == type(tw.grad_fn).__name__
        outs = ([to, tw], [jo, jw])
    backward_both(*outs)
    for t, j in zip(tin, jin):
        close(j.grad, t.grad)
    for (name, tp), (_, jp) in zip(tm.named_parameters(), jm.named_parameters()):
        close(jp.grad, tp.grad, msg=name)


def test_multihead_attention_unbatched():
    torch.manual_seed(0)
    tm, jm = torch.nn.MultiheadAttention(8, 2, batch_first=True), jt.nn.MultiheadAttention(8, 2, batch_first=True)
    copy_weights(tm, jm)
    rng = np.random.default_rng(3)
    call = dict(key_padding_mask="bool")
    tin, jin, tc, jc = _mha_inputs({"batch_first": True}, call, rng, unbatched=True)
    to, tw = tm(*tin, **tc)
    jo, jw = jm(*jin, **jc)
    close(jo, to)
    close(jw, tw)
    backward_both([to, tw], [jo, jw])
    for t, j in zip(tin, jin):
        close(j.grad, t.grad)
    with torch.no_grad(), jt.no_grad():
        to, tw = tm(*tin, **tc, need_weights=False)
        jo, jw = jm(*jin, **jc, need_weights=False)
    close(jo, to)
    assert jw is None and tw is None


def test_multihead_attention_dropout_and_eval():
    torch.manual_seed(0)
    tm, jm = torch.nn.MultiheadAttention(8, 2, dropout=1.0), jt.nn.MultiheadAttention(8, 2, dropout=1.0)
    copy_weights(tm, jm)
    with torch.no_grad():
        tm.out_proj.bias.copy_(torch.arange(8.0))
    copy_weights(tm, jm)
    x = randn(np.random.default_rng(4), 4, 2, 8)
    for need_weights in (True, False):
        to, tw = tm(torch.tensor(x), torch.tensor(x), torch.tensor(x), need_weights=need_weights)
        jo, jw = jm(jt.tensor(x), jt.tensor(x), jt.tensor(x), need_weights=need_weights)
        close(jo, to)  # everything dropped: the output is the out_proj bias
        if need_weights:
            close(jw, tw)
    tm.eval(), jm.eval()
    with torch.no_grad(), jt.no_grad():  # eval: no dropout (torch's fast path for batch_first=False is off)
        to, tw = tm(torch.tensor(x), torch.tensor(x), torch.tensor(x))
        jo, jw = jm(jt.tensor(x), jt.tensor(x), jt.tensor(x))
    close(jo, to)
    close(jw, tw)


def test_multihead_attention_fast_path_values():
    """torch's eval-mode fast path (batch_first self-attention without grad) gives the same values."""
    torch.manual_seed(0)
    tm, jm = torch.nn.MultiheadAttention(8, 2, batch_first=True), jt.nn.MultiheadAttention(8, 2, batch_first=True)
    copy_weights(tm, jm)
    tm.eval(), jm.eval()
    x = randn(np.random.default_rng(5), 3, 5, 8)
    kpm = np.array([[0, 0, 0, 1, 1], [0, 0, 0, 0, 0], [0, 1, 1, 1, 1]], bool)
    tx, jx = torch.tensor(x), jt.tensor(x)
    for kw in (dict(), dict(average_attn_weights=False), dict(need_weights=False)):
        with torch.no_grad():
            to, tw = tm(tx, tx, tx, key_padding_mask=torch.tensor(kpm), **kw)
        with jt.no_grad():
            jo, jw = jm(jx, jx, jx, key_padding_mask=jt.tensor(kpm), **kw)
        close(jo, to)
        if tw is not None:
            close(jw, tw)


def test_multi_head_attention_forward_static_kv():
    rng = np.random.default_rng(6)
    L, S, N, E, H = 3, 4, 2, 4, 2
    q, k, v = randn(rng, L, N, E), randn(rng, S, N, E), randn(rng, S, N, E)
    w_in, b_in, w_out, b_out = randn(rng, 3 * E, E), randn(rng, 3 * E), randn(rng, E, E), randn(rng, E)
    static_k, static_v = randn(rng, N * H, 6, E // H), randn(rng, N * H, 6, E // H)
    tl = [leaf(a) for a in (q, k, v, w_in, b_in, w_out, b_out, static_k, static_v)]
    ts, js = [p[0] for p in tl], [p[1] for p in tl]

    def call(F, a):
        return F.multi_head_attention_forward(a[0], a[1], a[2], E, H, a[3], a[4], None, None, True, 0.0, a[5], a[6],
                                              static_k=a[7], static_v=a[8], average_attn_weights=False)

    to, tw = call(TF, ts)
    jo, jw = call(JF, js)
    close(jo, to)
    close(jw, tw)
    backward_both([to, tw], [jo, jw])
    for t, j in zip(ts, js):
        assert (j.grad is None) == (t.grad is None)
        if t.grad is not None:
            close(j.grad, t.grad)
    # separate projection weights given to the functional form
    wq, wk, wv = randn(rng, E, E), randn(rng, E, 3), randn(rng, E, 3)
    k3, v3 = randn(rng, S, N, 3), randn(rng, S, N, 3)

    def separate(F, lib):
        t = lib.tensor
        return F.multi_head_attention_forward(t(q), t(k3), t(v3), E, H, None, t(b_in), None, None, False, 0.0,
                                              t(w_out), None, use_separate_proj_weight=True, q_proj_weight=t(wq),
                                              k_proj_weight=t(wk), v_proj_weight=t(wv))

    to, tw = separate(TF, torch)
    jo, jw = separate(JF, jt)
    close(jo, to)
    close(jw, tw)


def test_multihead_attention_errors_and_warnings():
    raises_like(lambda: torch.nn.MultiheadAttention(0, 2), lambda: jt.nn.MultiheadAttention(0, 2))
    raises_like(lambda: torch.nn.MultiheadAttention(6, 4), lambda: jt.nn.MultiheadAttention(6, 4))
    torch.manual_seed(0)
    tm, jm = torch.nn.MultiheadAttention(4, 2), jt.nn.MultiheadAttention(4, 2)
    copy_weights(tm, jm)
    x = np.zeros((3, 2, 4), np.float32)
    tx, jx = torch.tensor(x), jt.tensor(x)
    cases = [
        lambda lib, m, x: m(x, x, x, is_causal=True),
        lambda lib, m, x: m(x, x[0], x[0]),
        lambda lib, m, x: m(x[0], x, x),
        lambda lib, m, x: m(x, x, x, key_padding_mask=lib.zeros(2, 3, 1, dtype=lib.bool)),
        lambda lib, m, x: m(x, x, x, key_padding_mask=lib.zeros(2, 4, dtype=lib.bool)),
        lambda lib, m, x: m(x, x, x, attn_mask=lib.zeros(2, 3)),
        lambda lib, m, x: m(x, x, x, attn_mask=lib.zeros(2, 3, 3)),
        lambda lib, m, x: m(x, x, x, attn_mask=lib.zeros(3, 3, dtype=lib.int64)),
        lambda lib, m, x: m(x[..., :3], x[..., :3], x[..., :3]),
        lambda lib, m, x: m(x, x[:2], x),
        lambda lib, m, x: m(x.unsqueeze(0), x.unsqueeze(0), x.unsqueeze(0)),
        lambda lib, m, x: m(x[:, 0], x[:, 0], x[:, 0], attn_mask=lib.zeros(3, 3, 3)),
    ]
    for case in cases:
        raises_like(lambda: case(torch, tm, tx), lambda: case(jt, jm, jx))
    # mismatched mask types warn (and still work)
    (to, _), tmsg = with_warnings(lambda: tm(tx, tx, tx, key_padding_mask=torch.zeros(2, 3, dtype=torch.bool),
                                             attn_mask=torch.zeros(3, 3)))
    (jo, _), jmsg = with_warnings(lambda: jm(jx, jx, jx, key_padding_mask=jt.zeros(2, 3, dtype=jt.bool),
                                             attn_mask=jt.zeros(3, 3)))
    assert jmsg == tmsg and len(tmsg) == 1
    close(jo, to)


# ================================================================ transformer layers
def _make(cls, *args, **kwargs):
    jkwargs = dict(kwargs)
    if kwargs.get("activation") is TF.silu:
        jkwargs["activation"] = JF.silu
    elif isinstance(kwargs.get("activation"), torch.nn.Module):
        jkwargs["activation"] = getattr(jt.nn, type(kwargs["activation"]).__name__)()
    torch.manual_seed(0)
    tm, jm = getattr(torch.nn, cls)(*args, **kwargs), getattr(jt.nn, cls)(*args, **jkwargs)
    assert repr(jm) == repr(tm)
    assert [(k, tuple(v.shape)) for k, v in jm.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in tm.state_dict().items()]
    copy_weights(tm, jm)
    tm.eval(), jm.eval()
    return tm, jm


ENCODER = [
    (dict(), dict(mask="causal")),
    (dict(norm_first=True, activation="gelu", batch_first=True), dict(kpm=True)),
    (dict(activation=torch.nn.GELU(), bias=False, layer_norm_eps=1e-3), dict(kpm=True, mask="float")),
]


@pytest.mark.parametrize("kwargs,call", ENCODER, ids=[str(i) for i in range(len(ENCODER))])
def test_transformer_encoder_layer(kwargs, call):
    tm, jm = _make("TransformerEncoderLayer", 8, 2, 16, **kwargs)
    rng = np.random.default_rng(7)
    bf = kwargs.get("batch_first", False)
    tx, jx = leaf(randn(rng, *((3, 5, 8) if bf else (5, 3, 8))))
    tc, jc = {}, {}
    if call.get("mask") == "causal":
        tc["src_mask"] = torch.nn.Transformer.generate_square_subsequent_mask(5)
        jc["src_mask"] = jt.nn.Transformer.generate_square_subsequent_mask(5)
        tc["is_causal"] = jc["is_causal"] = True
    elif call.get("mask") == "float":
        tc["src_mask"], jc["src_mask"] = leaf(randn(rng, 5, 5), requires_grad=False)
    if call.get("kpm"):
        m = np.zeros((3, 5), bool)
        m[0, 3:] = True
        tc["src_key_padding_mask"], jc["src_key_padding_mask"] = torch.tensor(m), jt.tensor(m)
    to, jo = tm(tx, **tc), jm(jx, **jc)
    close(jo, to)
    backward_both([to], [jo])
    close(jx.grad, tx.grad)
    for (name, tp), (_, jp) in zip(tm.named_parameters(), jm.named_parameters()):
        close(jp.grad, tp.grad, msg=name)


@pytest.mark.parametrize("kwargs", [dict(norm_first=True, batch_first=True, activation=TF.silu)])
def test_transformer_decoder_layer(kwargs):
    tm, jm = _make("TransformerDecoderLayer", 8, 2, 16, **kwargs)
    rng = np.random.default_rng(8)
    bf = kwargs.get("batch_first", False)
    (tt, jt_), (tmem, jmem) = leaf(randn(rng, *((3, 4, 8) if bf else (4, 3, 8)))), \
        leaf(randn(rng, *((3, 6, 8) if bf else (6, 3, 8))))
    kpm = np.zeros((3, 6), bool)
    kpm[1, 4:] = True
    tc = dict(tgt_mask=torch.nn.Transformer.generate_square_subsequent_mask(4), tgt_is_causal=True,
              memory_key_padding_mask=torch.tensor(kpm))
    jc = dict(tgt_mask=jt.nn.Transformer.generate_square_subsequent_mask(4), tgt_is_causal=True,
              memory_key_padding_mask=jt.tensor(kpm))
    to, jo = tm(tt, tmem, **tc), jm(jt_, jmem, **jc)
    close(jo, to)
    backward_both([to], [jo])
    close(jt_.grad, tt.grad)
    close(jmem.grad, tmem.grad)
    for (name, tp), (_, jp) in zip(tm.named_parameters(), jm.named_parameters()):
        close(jp.grad, tp.grad, msg=name)


def test_transformer_full_model():
    tm, jm = _make("Transformer", 8, 2, 1, 1, 16, dropout=0.0)
    rng = np.random.default_rng(9)
    (ts, js), (tt, jt_) = leaf(randn(rng, 5, 3, 8)), leaf(randn(rng, 4, 3, 8))
    kpm = np.zeros((3, 5), bool)
    kpm[0, 3:] = True
    tc = dict(tgt_mask=torch.nn.Transformer.generate_square_subsequent_mask(4), src_key_padding_mask=torch.tensor(kpm),
              memory_key_padding_mask=torch.tensor(kpm))
    jc = dict(tgt_mask=jt.nn.Transformer.generate_square_subsequent_mask(4), src_key_padding_mask=jt.tensor(kpm),
              memory_key_padding_mask=jt.tensor(kpm))
    tm.train(), jm.train()  # dropout=0: training mode computes the same values
    to, jo = tm(ts, tt, **tc), jm(js, jt_, **jc)
    close(jo, to)
    backward_both([to], [jo])
    close(js.grad, ts.grad)
    close(jt_.grad, tt.grad)
    for (name, tp), (_, jp) in zip(tm.named_parameters(), jm.named_parameters()):
        close(jp.grad, tp.grad, msg=name)
    raises_like(lambda: tm(ts, tt[:, :2]), lambda: jm(js, jt_[:, :2]))
    raises_like(lambda: tm(ts[..., :4], tt), lambda: jm(js[..., :4], jt_))


def test_transformer_encoder_stack_nested_padding():
    """torch's nested-tensor fast path (eval, no grad, batch_first) leaves zeros at padded positions."""
    torch.manual_seed(0)
    tl = torch.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)
    jl = jt.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)
    tm = torch.nn.TransformerEncoder(tl, 2, norm=torch.nn.LayerNorm(8))
    jm = jt.nn.TransformerEncoder(jl, 2, norm=jt.nn.LayerNorm(8))
    copy_weights(tm, jm)
    with torch.no_grad():
        tm.norm.bias.fill_(0.5)
    copy_weights(tm, jm)
    tm.eval(), jm.eval()
    src = randn(np.random.default_rng(10), 3, 5, 8)
    left_aligned = np.array([[0, 0, 0, 1, 1], [0, 0, 0, 0, 0], [0, 1, 1, 1, 1]], bool)
    gaps = np.array([[0, 1, 0, 1, 1], [0, 0, 0, 0, 0], [0, 1, 1, 1, 1]], bool)
    for kpm in (left_aligned, gaps):
        for grad in (False, True):
            with torch.set_grad_enabled(grad):
                to = tm(torch.tensor(src), src_key_padding_mask=torch.tensor(kpm))
            with jt.set_grad_enabled(grad):
                jo = jm(jt.tensor(src), src_key_padding_mask=jt.tensor(kpm))
            close(jo, to)
    # the causal-mask detection of the stack
    mask = torch.nn.Transformer.generate_square_subsequent_mask(5)
    with torch.no_grad(), jt.no_grad():
        close(jm(jt.tensor(src), mask=jt.tensor(mask.numpy())), tm(torch.tensor(src), mask=mask))


def test_transformer_api():
    tmask = torch.nn.Transformer.generate_square_subsequent_mask(4)
    jmask = jt.nn.Transformer.generate_square_subsequent_mask(4)
    close(jmask, tmask)
    close(jt.nn.Transformer.generate_square_subsequent_mask(3, dtype=jt.float64),
          torch.nn.Transformer.generate_square_subsequent_mask(3, dtype=torch.float64))
    raises_like(lambda: torch.nn.TransformerEncoderLayer(8, 2, activation="tanh"),
                lambda: jt.nn.TransformerEncoderLayer(8, 2, activation="tanh"))
    layer_t = torch.nn.TransformerEncoderLayer(8, 2, 16)
    layer_j = jt.nn.TransformerEncoderLayer(8, 2, 16)
    assert layer_j.activation is JF.relu and layer_j.activation_relu_or_gelu == 1
    _, tmsg = with_warnings(lambda: torch.nn.TransformerEncoder(layer_t, 1))
    enc, jmsg = with_warnings(lambda: jt.nn.TransformerEncoder(layer_j, 1))
    assert jmsg == tmsg and len(jmsg) == 1 and enc.use_nested_tensor is False
    _, none = with_warnings(lambda: jt.nn.TransformerEncoder(layer_j, 1, enable_nested_tensor=False))
    assert none == []
    dec_t, dec_j = torch.nn.TransformerDecoderLayer(8, 2, 16), jt.nn.TransformerDecoderLayer(8, 2, 16)
    assert repr(torch.nn.TransformerDecoder(dec_t, 1)) == repr(jt.nn.TransformerDecoder(dec_j, 1))
    # layers of a stack are independent deep copies
    stack = jt.nn.TransformerDecoder(dec_j, 2)
    assert stack.layers[0].linear1.weight is not stack.layers[1].linear1.weight
    np.testing.assert_array_equal(stack.layers[0].linear1.weight.detach().numpy(),
                                  stack.layers[1].linear1.weight.detach().numpy())
    mha = jt.nn.MultiheadAttention(8, 2, kdim=4)
    assert mha.in_proj_weight is None and tuple(mha.k_proj_weight.shape) == (8, 4)
    assert not mha.in_proj_bias.detach().numpy().any() and not mha.out_proj.bias.detach().numpy().any()
