"""Specs for pooling, padding, interpolation, pixel shuffle and unfold (jtorch/ops/nn_pool.py)
and transposed convolution (jtorch/ops/nn_conv.py).

Every op takes sizes that depend on the drawn input shape, so each has a `sample` strategy.
Values come from the suite's domains (NaN and infinities included), so NaN propagation in
max pooling and interpolation is compared too. Only arguments torch defines are drawn:
windows that hold no input element (where torch's kernels read out of bounds) are avoided.
"""
from hypothesis import strategies as st

from compat.spec import OpSpec
from compat.strategies import FLOATS, arrays

F = "nn.functional."
EXACT = ("float32", "float64")


def sampler(fn):
    return lambda spec: st.composite(fn)(spec)


def _input(draw, spec, n, min_side=1, max_side=5, batch=True):
    spatial = tuple(draw(st.integers(min_side, max_side)) for _ in range(n))
    lead = (draw(st.integers(0, 2)), draw(st.integers(1, 2))) if batch and draw(st.booleans()) else (
        draw(st.integers(1, 2)),)
    dtype = draw(st.sampled_from(spec.dtypes))
    return draw(arrays(dtype, lead + spatial, spec.domain)), dtype


@sampler
def _max_pool(draw, spec):
    n = int(spec.name[-2])
    x, dtype = _input(draw, spec, n, max_side=4 if n == 3 else 5)
    kernel = draw(st.integers(1, 3))
    kwargs = {"stride": draw(st.sampled_from([None, 1, 2])), "padding": draw(st.integers(0, kernel // 2)),
              "ceil_mode": draw(st.booleans()), "return_indices": draw(st.booleans())}
    return [x], [dtype], (kernel,), kwargs


@sampler
def _avg_pool(draw, spec):
    n = int(spec.name[-2])
    x, dtype = _input(draw, spec, n, max_side=4 if n == 3 else 5)
    kernel = draw(st.integers(1, 3))
    kwargs = {"stride": draw(st.sampled_from([None, 1, 2])), "padding": draw(st.integers(0, kernel // 2)),
              "ceil_mode": draw(st.booleans()), "count_include_pad": draw(st.booleans())}
    if n > 1 and draw(st.booleans()):
        kwargs["divisor_override"] = draw(st.sampled_from([1, 3]))
    return [x], [dtype], (kernel,), kwargs


@sampler
def _adaptive(draw, spec):
    n = int(spec.name[-2])
    x, dtype = _input(draw, spec, n, max_side=6)
    size = tuple(draw(st.integers(1, 4)) for _ in range(n))
    return [x], [dtype], (size[0] if n == 1 else size,), {}


@sampler
def _pad(draw, spec):
    mode = draw(st.sampled_from(["constant", "reflect", "replicate", "circular"]))
    n = draw(st.integers(1, 3)) if mode != "constant" else draw(st.integers(1, 2))
    x, dtype = _input(draw, spec, n, max_side=4)
    low = -1 if mode == "reflect" else 0
    pads = tuple(draw(st.integers(low, 3)) for _ in range(2 * n))
    kwargs = {"mode": mode}
    if mode == "constant":
        kwargs["value"] = draw(st.sampled_from([0.0, 1.5]))
    return [x], [dtype], (pads,), kwargs


@sampler
def _interpolate(draw, spec):
    mode = draw(st.sampled_from(["nearest", "nearest-exact", "linear", "bilinear", "bicubic", "area"]))
    n = {"linear": 1, "bilinear": 2, "bicubic": 2}.get(mode) or draw(st.integers(1, 2))
    dtype = draw(st.sampled_from(spec.dtypes))
    shape = (draw(st.integers(1, 2)), 2) + tuple(draw(st.integers(1, 5)) for _ in range(n))
    # finite values for the interpolating modes: with an infinity, which outputs are NaN
    # (0 * inf) depends on which zero-weight taps torch's kernel multiplies (its separable
    # passes), which jtorch does not reproduce
    x = draw(arrays(dtype, shape, "small" if mode in ("linear", "bilinear", "bicubic") else spec.domain))
    if draw(st.booleans()):
        kwargs = {"size": tuple(draw(st.integers(1, 8)) for _ in range(n))}
    else:
        # (torch's area backward refuses the empty outputs a 0.5 factor can give)
        kwargs = {"scale_factor": draw(st.sampled_from([1.5, 2.0, 3.0] if mode == "area" else [0.5, 1.5, 2.0, 3.0]))}
    kwargs["mode"] = mode
    if mode in ("linear", "bilinear", "bicubic"):
        kwargs["align_corners"] = draw(st.booleans())
    return [x], [dtype], (), kwargs


@sampler
def _pixel_shuffle(draw, spec):
    r = draw(st.integers(1, 2))
    shape = (draw(st.integers(1, 2)), r * r * draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dtype = draw(st.sampled_from(spec.dtypes))
    return [draw(arrays(dtype, shape, spec.domain))], [dtype], (r,), {}


@sampler
def _unfold(draw, spec):
    x, dtype = _input(draw, spec, 2, min_side=2, max_side=5)
    kwargs = {"dilation": draw(st.integers(1, 2)), "padding": draw(st.integers(0, 1)),
              "stride": draw(st.integers(1, 2))}
    return [x], [dtype], (draw(st.integers(1, 2)),), kwargs


@sampler
def _conv_transpose(draw, spec):
    n = int(spec.name[-2])
    dtype = draw(st.sampled_from(spec.dtypes))
    cin, cout, k = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = draw(st.integers(1, 2))
    shape = (draw(st.integers(1, 2)), cin) + tuple(draw(st.integers(1, 4)) for _ in range(n))
    x = draw(arrays(dtype, shape, "small"))
    w = draw(arrays(dtype, (cin, cout) + (k,) * n, "small"))
    b = draw(arrays(dtype, (cout,), "small"))
    kwargs = {"stride": stride, "padding": draw(st.integers(0, (k - 1) // 2)),
              "output_padding": draw(st.integers(0, stride - 1))}
    return [x, w, b], [dtype] * 3, (), kwargs


def _spec(name, sample, dtypes=FLOATS, **kw):
    return OpSpec(F + name, dtypes=dtypes, variants="f", sample=sample, **kw)


SPECS = [
    _spec("max_pool1d", _max_pool, FLOATS),
    _spec("max_pool2d", _max_pool, FLOATS + ("int64", "uint8")),
    _spec("max_pool3d", _max_pool, FLOATS + ("int32",)),
    _spec("avg_pool1d", _avg_pool, EXACT + ("int64",)),
    _spec("avg_pool2d", _avg_pool, EXACT + ("int64",)),
    _spec("avg_pool3d", _avg_pool, EXACT + ("int64",)),
    _spec("adaptive_avg_pool1d", _adaptive, EXACT),
    _spec("adaptive_avg_pool2d", _adaptive, EXACT),
    _spec("adaptive_max_pool1d", _adaptive, FLOATS),
    _spec("adaptive_max_pool2d", _adaptive, FLOATS),
    _spec("pad", _pad, FLOATS + ("int64", "bool")),
    # torch's float16/bfloat16 interpolation rounds its weights to half; compared in float32/64
    _spec("interpolate", _interpolate, EXACT, tol=(1e-5, 1e-5)),
    _spec("pixel_shuffle", _pixel_shuffle, FLOATS + ("int64", "bool")),
    _spec("pixel_unshuffle", sampler(lambda draw, spec: _unshuffle(draw, spec)), FLOATS + ("int64",)),
    _spec("unfold", _unfold, FLOATS),
    _spec("conv_transpose1d", _conv_transpose, EXACT, tol=(1e-5, 1e-5)),
    _spec("conv_transpose2d", _conv_transpose, EXACT, tol=(1e-5, 1e-5)),
]


def _unshuffle(draw, spec):
    r = draw(st.integers(1, 2))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), r * draw(st.integers(1, 3)), r * draw(st.integers(1, 2)))
    dtype = draw(st.sampled_from(spec.dtypes))
    return [draw(arrays(dtype, shape, spec.domain))], [dtype], (r,), {}
