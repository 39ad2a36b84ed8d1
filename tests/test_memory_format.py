"""Differential tests of memory-format queries against torch: is_contiguous(memory_format=...),
contiguous(memory_format=...) and the experimental Tensor.dim_order, over permuted, sliced and
expanded layouts (size-1 and empty dims included)."""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import jtorch as jt

FORMATS = ["contiguous_format", "channels_last", "channels_last_3d", "preserve_format"]


@st.composite
def layouts(draw):
    """(shape, permutation, slice steps, expanded dim or None) of a view of an empty tensor."""
    ndim = draw(st.integers(0, 5))
    shape = tuple(draw(st.lists(st.integers(0, 3), min_size=ndim, max_size=ndim)))
    perm = tuple(draw(st.permutations(range(ndim))))
    steps = tuple(draw(st.lists(st.integers(1, 2), min_size=ndim, max_size=ndim)))
    expand = draw(st.none() | st.integers(0, ndim - 1)) if ndim else None
    return shape, perm, steps, expand


def build(lib, layout):
    shape, perm, steps, expand = layout
    t = lib.empty(shape).permute(perm)[tuple(slice(None, None, s) for s in steps)]
    if expand is not None and t.shape[expand] == 1:
        sizes = list(t.shape)
        sizes[expand] = 3
        t = t.expand(*sizes)
    return t


def outcome(fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001
        return type(e).__name__, str(e)


@given(layout=layouts())
def test_is_contiguous_and_contiguous_per_format(layout):
    t, j = build(torch, layout), build(jt, layout)
    assert j.stride() == t.stride()
    for name in FORMATS:
        assert j.is_contiguous(memory_format=getattr(jt, name)) == t.is_contiguous(memory_format=getattr(torch, name))

        def made(lib, x):
            y = x.contiguous(memory_format=getattr(lib, name))
            return y is x, y.stride(), y.shape
        assert outcome(lambda: made(jt, j)) == outcome(lambda: made(torch, t))


@given(layout=layouts(), check=st.sampled_from([False, True, ["contiguous_format"], ["channels_last"],
                                                ["contiguous_format", "channels_last"], []]))
def test_dim_order(layout, check):
    def order(lib):
        x = build(lib, layout)
        arg = [getattr(lib, f) for f in check] if isinstance(check, list) else check
        return x.dim_order(ambiguity_check=arg)
    assert outcome(lambda: order(jt)) == outcome(lambda: order(torch))


def test_bad_arguments_raise_as_torch():
    for call in (lambda L: L.empty(2, 3).is_contiguous(memory_format=None),
                 lambda L: L.empty(2, 3).is_contiguous(memory_format="channels_last"),
                 lambda L: L.empty(2, 3).dim_order(ambiguity_check="x"),
                 lambda L: L.empty(2, 3).dim_order(ambiguity_check=[1])):
        expected = outcome(lambda: call(torch))
        assert expected[0] == "TypeError" and outcome(lambda: call(jt)) == expected


@given(shape=st.lists(st.integers(0, 3), min_size=2, max_size=5).map(tuple), name=st.sampled_from(FORMATS))
def test_empty_and_clone_in_a_memory_format(shape, name):
    def made(lib, make):
        t = make(lib)
        return t.shape, t.stride(), t.is_contiguous(memory_format=getattr(lib, name))
    for make in (lambda L: L.empty(shape, memory_format=getattr(L, name)),
                 lambda L: L.empty(*shape, memory_format=getattr(L, name)),
                 lambda L: L.arange(float(np_prod(shape))).reshape(shape).clone(memory_format=getattr(L, name))):
        assert outcome(lambda: made(jt, make)) == outcome(lambda: made(torch, make))
    def contiguous(lib):
        t = lib.arange(float(np_prod(shape))).reshape(shape).contiguous(memory_format=getattr(lib, name))
        return t.stride(), t.tolist()
    assert outcome(lambda: contiguous(jt)) == outcome(lambda: contiguous(torch))


def np_prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


@given(shape=st.lists(st.integers(0, 3), min_size=2, max_size=5).map(tuple), data=st.data(),
       name=st.sampled_from(FORMATS))
def test_to_memory_format_aliases_as_torch(shape, data, name):
    """to(memory_format=f) returns the tensor itself when its strides suggest f (torch's
    suggest_memory_format), else a copy laid out in f."""
    perm = tuple(data.draw(st.permutations(range(len(shape)))))

    def moved(lib):
        t = lib.arange(float(np_prod(shape))).reshape(shape).permute(perm)
        r = t.to(memory_format=getattr(lib, name))
        return r is t, r.stride(), r.tolist()
    assert outcome(lambda: moved(jt)) == outcome(lambda: moved(torch))


def test_module_to_memory_format_and_dtype_checks():
    got = []
    for lib in (torch, jt):
        m = lib.nn.Sequential(lib.nn.Conv2d(2, 3, 1), lib.nn.BatchNorm2d(3), lib.nn.Linear(3, 2))
        m.to(memory_format=lib.channels_last)
        m.to(lib.float64)
        got.append(([p.stride() for p in m.parameters()], [str(p.dtype) for p in m.parameters()],
                    m[1].num_batches_tracked.dtype == lib.int64, outcome(lambda: m.to(lib.int32))))
    assert got[1] == got[0]


CNN_OPS = {
    "conv2d": lambda L, x: L.nn.functional.conv2d(x, L.ones(4, 3, 3, 3), L.ones(4), padding=1),
    "conv2d_cl_weight": lambda L, x: L.nn.functional.conv2d(x.contiguous(), L.ones(4, 3, 1, 1).contiguous(
        memory_format=L.channels_last)),
    "conv_transpose2d": lambda L, x: L.nn.functional.conv_transpose2d(x, L.ones(3, 2, 2, 2), stride=2),
    "max_pool2d": lambda L, x: L.nn.functional.max_pool2d(x, 2, return_indices=True),
    "avg_pool2d": lambda L, x: L.nn.functional.avg_pool2d(x, 2),
    "adaptive_avg_pool2d": lambda L, x: L.nn.functional.adaptive_avg_pool2d(x, (2, 3)),
    "adaptive_avg_pool2d_1": lambda L, x: L.nn.functional.adaptive_avg_pool2d(x, 1),
    "adaptive_max_pool2d": lambda L, x: L.nn.functional.adaptive_max_pool2d(x, 2, return_indices=True),
    "batch_norm": lambda L, x: L.nn.functional.batch_norm(x, L.zeros(3), L.ones(3), L.ones(3), L.zeros(3), True),
    "nearest": lambda L, x: L.nn.functional.interpolate(x, scale_factor=2),
    "bilinear": lambda L, x: L.nn.functional.interpolate(x, size=(5, 3), mode="bilinear"),
    "conv3d": lambda L, x: L.nn.functional.conv3d(x.unsqueeze(2).contiguous(memory_format=L.channels_last_3d),
                                                  L.ones(2, 3, 1, 1, 1)),
    "max_pool3d": lambda L, x: L.nn.functional.max_pool3d(x.unsqueeze(2).expand(2, 3, 2, 4, 4).contiguous(
        memory_format=L.channels_last_3d), 2),
    "avg_pool3d": lambda L, x: L.nn.functional.avg_pool3d(x.unsqueeze(2).expand(2, 3, 2, 4, 4).contiguous(
        memory_format=L.channels_last_3d), 2),
}


@pytest.mark.parametrize("name", sorted(CNN_OPS))
@pytest.mark.parametrize("fmt", ["channels_last", "contiguous_format"])
def test_cnn_ops_keep_channels_last_as_torch(name, fmt):
    """torch's conv, pooling, batch_norm and upsampling kernels give channels-last results for
    channels-last inputs (or, for conv, weights); jtorch lays its results out the same way."""
    got = []
    for lib in (torch, jt):
        x = lib.arange(96.0).reshape(2, 3, 4, 4).contiguous(memory_format=getattr(lib, fmt))
        out = CNN_OPS[name](lib, x)
        outs = out if isinstance(out, tuple) else (out,)
        got.append([(t.stride(), t.is_contiguous(), t.double().numpy()) for t in outs])
    for (ts, tc, tv), (js, jc, jv) in zip(*got):
        assert (js, jc) == (ts, tc)
        np.testing.assert_allclose(jv, tv, rtol=1e-5)
