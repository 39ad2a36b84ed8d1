"""The layout (strides) of elementwise results, against torch's TensorIterator: results of
permuted, sliced, expanded, channels-last and broadcast operands keep torch's dim order, so
stride(), is_contiguous() and view()'s errors on them match torch."""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import jtorch as jt


@st.composite
def operand(draw, ndim):
    """A recipe for a float tensor of `ndim` dims: a permutation, slice steps, a broadcast dim."""
    sizes = tuple(draw(st.lists(st.integers(1, 3), min_size=ndim, max_size=ndim)))
    perm = tuple(draw(st.permutations(range(ndim))))
    steps = tuple(draw(st.lists(st.integers(1, 2), min_size=ndim, max_size=ndim)))
    ones = draw(st.lists(st.booleans(), min_size=ndim, max_size=ndim))  # dims made size 1 (broadcast)
    drop = draw(st.integers(0, ndim))  # leading dims left out (broadcast)
    return sizes, perm, steps, ones, drop


def build(lib, recipe, shape):
    sizes, perm, steps, ones, drop = recipe
    full = tuple(1 if o else n * s for n, s, o in zip(shape, steps, ones))
    base_shape = tuple(full[perm.index(d)] for d in range(len(full)))  # permute(perm) gives `full`
    data = np.arange(1, 1 + int(np.prod(base_shape))).reshape(base_shape).astype(np.float32)
    t = lib.tensor(data).permute(perm)
    t = t[tuple(slice(None, None, 1 if o else s) for s, o in zip(steps, ones))]
    return t[(0,) * drop] if drop else t


def sized_strides(t):
    """The strides of t's dims of size > 1. (A size-1 dim's stride, which no index uses, follows
    whether a torch kernel wraps its Python scalar as a 0-d tensor operand: jtorch assumes
    binary ops do and others don't.)"""
    return tuple(st for n, st in zip(t.shape, t.stride()) if n != 1)


OPS = {
    "add": lambda L, a, b: a + b, "mul": lambda L, a, b: L.mul(a, b), "sub_rev": lambda L, a, b: b - a,
    "scalar": lambda L, a, b: a * 2.5, "rscalar": lambda L, a, b: 1 - a, "exp": lambda L, a, b: a.exp(),
    "neg": lambda L, a, b: -a, "cmp": lambda L, a, b: a > b, "where": lambda L, a, b: L.where(a > 3, a, b),
    "int_mix": lambda L, a, b: a.int() + b, "atan2": lambda L, a, b: L.atan2(a, b),
    "clamp": lambda L, a, b: a.clamp(min=2.0), "lerp": lambda L, a, b: L.lerp(a, b, 0.25),
}


@given(shape=st.lists(st.integers(1, 3), min_size=0, max_size=4).map(tuple), data=st.data(),
       op=st.sampled_from(sorted(OPS)))
def test_elementwise_result_layout_matches_torch(shape, data, op):
    ra, rb = data.draw(operand(len(shape))), data.draw(operand(len(shape)))
    results = []
    for lib in (torch, jt):
        a, b = build(lib, ra, shape), build(lib, rb, shape)
        r = OPS[op](lib, a, b)
        results.append(((tuple(r.shape), sized_strides(r), r.is_contiguous(), str(r.dtype),
                         tuple(a.shape), a.stride(), tuple(b.shape), b.stride()), r.double().numpy()))
    assert results[1][0] == results[0][0]
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-6)  # (torch's exp rounds by memory position)


@given(shape=st.sampled_from([(2, 3, 2, 2), (1, 3, 2, 2), (2, 1, 3, 1), (2, 3, 1, 2)]),
       fmt=st.sampled_from(["channels_last", "contiguous_format"]), op=st.sampled_from(sorted(OPS)))
def test_channels_last_results_stay_channels_last(shape, fmt, op):
    results = []
    for lib in (torch, jt):
        a = lib.arange(1.0, 1.0 + np.prod(shape)).reshape(shape).contiguous(memory_format=getattr(lib, fmt))
        b = lib.arange(2.0, 2.0 + np.prod(shape)).reshape(shape).contiguous(memory_format=lib.channels_last)
        r = OPS[op](lib, a, b)
        results.append((r.stride(), r.double().numpy()))
    assert results[1][0] == results[0][0]
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-6)


def test_view_of_a_transposed_result_raises_as_torch():
    errors = []
    for lib in (torch, jt):
        try:
            (lib.ones(2, 3).t() * 2).view(-1)
        except RuntimeError as e:
            errors.append(str(e))
    assert len(errors) == 2 and errors[0] == errors[1]


def test_out_and_inplace_keep_their_own_layout():
    results = []
    for lib in (torch, jt):
        x = lib.ones(2, 3)
        out = lib.empty(3, 2)
        lib.add(x.t(), 1, out=out)
        y = lib.ones(3, 2)
        y.add_(x.t())
        results.append((out.stride(), y.stride(), out.tolist(), y.tolist()))
    assert results[1] == results[0]


def test_saved_results_load_in_torch_with_their_values_and_strides():
    import io

    makers = [lambda L: L.arange(6.0).view(2, 3).t() + 1,
              lambda L: L.arange(24.0).view(2, 3, 4).permute(2, 0, 1).exp(),
              lambda L: L.arange(48.0).view(2, 2, 3, 4).contiguous(memory_format=L.channels_last) * 2]
    for make in makers:
        ours, theirs = make(jt), make(torch)
        buffer = io.BytesIO()
        jt.save([ours, ours[1]], buffer)
        buffer.seek(0)
        loaded = torch.load(buffer)
        assert torch.allclose(loaded[0], theirs) and loaded[0].stride() == theirs.stride()
        assert torch.allclose(loaded[1], theirs[1])  # (a view of such a result is saved as a compact copy)


LAYOUT_OPS = {
    "flip": lambda L, x: x.flip(0), "fliplr": lambda L, x: L.fliplr(x), "flipud": lambda L, x: L.flipud(x),
    "sort": lambda L, x: x.sort(0), "argsort": lambda L, x: x.argsort(1), "msort": lambda L, x: L.msort(x),
    "hardshrink": lambda L, x: L.nn.functional.hardshrink(x, 0.3), "softshrink": lambda L, x: x.softshrink(0.3)
    if hasattr(x, "softshrink") else L.nn.functional.softshrink(x, 0.3), "angle": lambda L, x: (x - 0.5).angle(),
    "logsigmoid": lambda L, x: L.nn.functional.logsigmoid(x), "detach_copy": lambda L, x: L.detach_copy(x),
    "nonzero": lambda L, x: (x > 0.4).nonzero(), "argwhere": lambda L, x: L.argwhere(x > 0.4),
    "neg": lambda L, x: -x, "sigmoid": lambda L, x: x.sigmoid(),
}
LAYOUTS = {
    "transposed": lambda L: (L.arange(6.0).view(2, 3) * 0.1 + 0.2).t(),
    "strided": lambda L: (L.arange(12.0).view(4, 3) * 0.1 + 0.2)[::2],
    "channels_last": lambda L: (L.arange(24.0).view(1, 2, 3, 4) * 0.1).contiguous(memory_format=L.channels_last),
    "row_major": lambda L: L.arange(6.0).view(2, 3) * 0.1 + 0.2,
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("op", sorted(LAYOUT_OPS))
def test_ops_that_allocate_like_their_input(op, layout):
    """Ops torch allocates with empty_like(input) keep input's layout; nonzero is column-major;
    logsigmoid and detach_copy are row-major."""
    results = []
    for lib in (torch, jt):
        out = LAYOUT_OPS[op](lib, LAYOUTS[layout](lib))
        outs = out if isinstance(out, tuple) else (out,)
        results.append([(t.stride(), t.tolist()) for t in outs])
    assert [s for s, _ in results[1]] == [s for s, _ in results[0]]
    for (_, jv), (_, tv) in zip(results[1], results[0]):
        np.testing.assert_allclose(np.array(jv, dtype=float), np.array(tv, dtype=float), rtol=1e-6)
