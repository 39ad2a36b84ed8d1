"""torch.stft / torch.istft / Tensor.stft / Tensor.istft (jtorch/ops/spectral.py) against real
torch: values, dtypes, shapes, gradients, warnings, and exception types and messages."""
import json
import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import jtorch as jt
from torch_compare import assert_same_error, both

LIBS = (torch, jt)
PAD_MODES = ("reflect", "constant", "replicate", "circular")


@pytest.fixture(autouse=True)
def _quiet():
    """Both libraries warn (once) about a missing window and return_complex=False; the warnings
    themselves are compared in a fresh process by test_warnings_once_per_process."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def np_(t):
    return t.detach().resolve_conj().numpy()


def tolerance(dtype_name):
    # float32 FFTs (pocketfft/ducc in JAX, MKL in torch) and overlap-adds summed in another order
    # differ in the last bits; the error grows with n_fft, so atol is scaled by the result's size.
    if dtype_name == "float16":
        return 2e-3, 1e-3
    return (1e-4, 2e-5) if dtype_name in ("float32", "complex64") else (1e-9, 1e-11)


def assert_close(t, j, dtype_name=None):
    assert str(j.dtype) == str(t.dtype), (j.dtype, t.dtype)
    assert tuple(j.shape) == tuple(t.shape), (tuple(j.shape), tuple(t.shape))
    tv, jv = np_(t), np_(j)
    rtol, atol = tolerance(dtype_name or str(t.dtype).replace("torch.", ""))
    scale = 1.0 + (float(np.abs(tv).max()) if tv.size else 0.0)
    np.testing.assert_allclose(jv, tv, rtol=rtol, atol=atol * scale)


def weights_like(out, seed=1):
    """Fixed random weights for a linear loss (sum of weights * real view): a gradient everywhere."""
    shape = tuple(out.shape) + ((2,) if out.is_complex() else ())
    return np.random.default_rng(seed).standard_normal(shape)


def linear_loss(lib, out, w):
    real = lib.view_as_real(out) if out.is_complex() else out
    return (real * lib.tensor(w, dtype=real.dtype)).sum()


def signal(shape, dtype_name, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    if dtype_name.startswith("complex"):
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype_name)


def run_both(fn, grad_of=(), dtype_name=None, seed=1):
    """fn(lib, leaves) -> output, with leaves[name] the tensors requiring grad: compares output, or
    the errors, and the gradients of a linear loss of the output."""
    results, errors = {}, {}
    for lib in LIBS:
        try:
            leaves = {}
            out = fn(lib, leaves)
        except Exception as e:  # noqa: BLE001
            errors[lib] = (type(e).__name__, str(e))
            continue
        results[lib] = (out, leaves)
    if errors:
        assert errors.get(torch) is not None and errors.get(torch) == errors.get(jt), (errors, results)
        return None
    (tout, tleaves), (jout, jleaves) = results[torch], results[jt]
    assert_close(tout, jout, dtype_name)
    if tleaves and tout.requires_grad:
        w = weights_like(tout, seed)
        linear_loss(torch, tout, w).backward()
        linear_loss(jt, jout, w).backward()
        for name in tleaves:
            tg, jg = tleaves[name].grad, jleaves[name].grad
            assert (tg is None) == (jg is None), name
            if tg is not None:
                assert_close(tg, jg, dtype_name)
    return tout


def leaf(lib, name, array, leaves, grad=True):
    t = lib.tensor(array)
    if grad and (t.is_floating_point() or t.is_complex()):
        t.requires_grad_(True)
        leaves[name] = t
    return t


# ================================================================ stft: random configurations
@st.composite
def stft_configs(draw):
    n_fft = draw(st.integers(1, 16))
    win_length = draw(st.one_of(st.none(), st.integers(1, n_fft)))
    hop = draw(st.one_of(st.none(), st.integers(1, n_fft + 2)))
    center = draw(st.booleans())
    length = draw(st.integers(max(1, n_fft - 2), n_fft + 24))
    return dict(
        n_fft=n_fft, win_length=win_length, hop_length=hop, center=center, length=length,
        pad_mode=draw(st.sampled_from(PAD_MODES)), normalized=draw(st.booleans()),
        onesided=draw(st.sampled_from([None, True, False])), batch=draw(st.sampled_from([None, 1, 3])),
        dtype=draw(st.sampled_from(["float32", "float64", "complex64"])), window=draw(st.booleans()),
        return_complex=draw(st.sampled_from([True, True, False])), method=draw(st.booleans()),
        seed=draw(st.integers(0, 2 ** 16)))


@given(stft_configs())
def test_stft_random(cfg):
    shape = (cfg["length"],) if cfg["batch"] is None else (cfg["batch"], cfg["length"])
    x = signal(shape, cfg["dtype"], cfg["seed"])
    wlen = cfg["win_length"] or cfg["n_fft"]
    w = np.random.default_rng(cfg["seed"] + 1).uniform(0.2, 1.0, wlen).astype(
        "float64" if cfg["dtype"] == "float64" else "float32") if cfg["window"] else None

    def fn(lib, leaves):
        inp = leaf(lib, "input", x, leaves)
        window = leaf(lib, "window", w, leaves) if w is not None else None
        kwargs = dict(hop_length=cfg["hop_length"], win_length=cfg["win_length"], window=window,
                      center=cfg["center"], pad_mode=cfg["pad_mode"], normalized=cfg["normalized"],
                      onesided=cfg["onesided"], return_complex=cfg["return_complex"])
        return inp.stft(cfg["n_fft"], **kwargs) if cfg["method"] else lib.stft(inp, cfg["n_fft"], **kwargs)

    run_both(fn, dtype_name=cfg["dtype"], seed=cfg["seed"])


@pytest.mark.parametrize("dtype, batch", [("float32", None), ("float64", 2), ("complex64", 2), ("complex128", None)])
def test_stft_defaults_and_grad(dtype, batch):
    """Default hop (n_fft // 4), win_length (n_fft), rectangular window and reflect centring."""
    x = signal((20,) if batch is None else (batch, 20), dtype)
    out = run_both(lambda lib, leaves: lib.stft(leaf(lib, "x", x, leaves), 8, return_complex=True),
                   dtype_name=dtype)
    assert out.shape[-1] == 1 + 20 // 2


@pytest.mark.parametrize("length", [8, 13])
@pytest.mark.parametrize("center", [True, False])
def test_stft_n_fft_equal_to_signal_length(length, center):
    x = signal((length,), "float64")
    run_both(lambda lib, leaves: lib.stft(leaf(lib, "x", x, leaves), length if center else 8, hop_length=3,
                                          window=lib.hann_window(length if center else 8, dtype=lib.float64),
                                          center=center, return_complex=True))


def test_stft_window_padding_and_grad():
    """A window shorter than n_fft is zero-padded, centred; gradients reach the window."""
    x = signal((2, 30), "float32")
    for wlen in (3, 4, 7, 10):
        w = np.linspace(0.3, 1.0, wlen).astype("float32")
        run_both(lambda lib, leaves: lib.stft(leaf(lib, "x", x, leaves), 10, 3, wlen,
                                              leaf(lib, "w", w, leaves), return_complex=True))
        run_both(lambda lib, leaves: lib.stft(leaf(lib, "x", x, leaves), 10, 3, wlen, None, return_complex=True,
                                              onesided=False))


@pytest.mark.parametrize("mode", PAD_MODES)
def test_stft_pad_modes_real_output(mode):
    x = signal((3, 17), "float64")
    run_both(lambda lib, leaves: lib.stft(leaf(lib, "x", x, leaves), 6, 2, window=lib.hann_window(
        6, dtype=lib.float64), pad_mode=mode, normalized=True, return_complex=False))


def test_stft_complex_window_and_input():
    xr, xc = signal((25,), "float32"), signal((25,), "complex64")
    wc = (np.hanning(8) + 0.5j * np.linspace(0, 1, 8)).astype("complex64")
    for x in (xr, xc):
        run_both(lambda lib, leaves: lib.stft(leaf(lib, "x", x, leaves), 8, 2,
                                              window=leaf(lib, "w", wc, leaves)))
        run_both(lambda lib, leaves: lib.stft(leaf(lib, "x", x, leaves), 8, 2, window=leaf(lib, "w", wc, leaves),
                                              return_complex=False))
        assert_same_error(lambda lib: lib.stft(lib.tensor(x), 8, window=lib.tensor(wc), onesided=True))


@pytest.mark.parametrize("xdtype", ["float32", "float64", "complex64", "complex128", "float16", "bfloat16"])
@pytest.mark.parametrize("wdtype", [None, "float64", "complex64", "int64", "float16"])
def test_stft_istft_dtype_promotion(xdtype, wdtype):
    """The frames are multiplied by the window in the promoted dtype; half signals fail at the FFT."""
    x = np.random.default_rng(3).standard_normal(24)
    center = xdtype in ("float32", "complex64", "float16")  # reflect-padded, or not
    # a float16 window's squared envelope is overlap-added in float16, in another order than torch's
    tol = "float16" if wdtype == "float16" else "float32"

    def forward(lib, leaves):
        w = None if wdtype is None else (lib.hann_window(8) + 0.5).to(getattr(lib, wdtype))
        return lib.stft(lib.tensor(x).to(getattr(lib, xdtype)), 8, 2, window=w, center=center,
                        return_complex=True), w

    if run_both(lambda lib, leaves: forward(lib, leaves)[0], dtype_name=tol) is None:
        return  # both raised the same error

    def inverse(lib, leaves):
        spec, w = forward(lib, leaves)
        two_sided = spec.shape[-2] == 8  # complex input or window
        return lib.istft(spec, 8, 2, window=w, center=center, length=24, return_complex=two_sided)

    run_both(inverse, dtype_name=tol)


def test_stft_align_to_window():
    x = signal((2, 30), "float64")
    for n_fft, wlen, hop in ((8, 8, 2), (8, 5, 2), (9, 4, 1)):
        w = np.linspace(0.2, 1.0, wlen)
        for align in (None, False, True):
            run_both(lambda lib, leaves: lib.stft(leaf(lib, "x", x, leaves), n_fft, hop, wlen,
                                                  leaf(lib, "w", w, leaves), center=False, align_to_window=align,
                                                  return_complex=True))
    # odd n_fft - win_length: torch's framing overruns the padded signal (its as_strided error)
    assert_same_error(lambda lib: lib.stft(lib.tensor(signal((20,), "float32")), 5, 1, 2, center=False,
                                           align_to_window=True, return_complex=True))
    assert_same_error(lambda lib: lib.stft(lib.tensor(signal((20,), "float32")), 5, 1, 2, align_to_window=True,
                                           return_complex=True))


def test_stft_non_contiguous_and_int_like_arguments():
    base = signal((30, 2), "float32")

    def fn(lib, leaves):
        x = leaf(lib, "x", base, leaves)
        return lib.stft(x.t()[:, ::2], np.int64(6), lib.tensor(2), window=lib.ones(6), return_complex=True)

    run_both(fn)
    run_both(lambda lib, leaves: lib.stft(leaf(lib, "x", base, leaves)[:, 0], 6, center=1, return_complex=True))


# ================================================================ istft
@st.composite
def istft_configs(draw):
    n_fft = draw(st.integers(1, 16))
    win_length = draw(st.one_of(st.none(), st.integers(1, n_fft)))
    hop = draw(st.one_of(st.none(), st.integers(1, win_length or n_fft)))
    return dict(
        n_fft=n_fft, win_length=win_length, hop_length=hop, center=draw(st.booleans()),
        frames=draw(st.integers(1, 12)), normalized=draw(st.booleans()),
        spectrum=draw(st.sampled_from(["onesided", "onesided", "twosided"])),
        onesided=draw(st.sampled_from([None, None, True, False])), batch=draw(st.sampled_from([None, 1, 2])),
        dtype=draw(st.sampled_from(["complex64", "complex128"])), window=draw(st.booleans()),
        length=draw(st.one_of(st.none(), st.none(), st.integers(1, 60))),
        return_complex=draw(st.sampled_from([False, False, True])), method=draw(st.booleans()),
        seed=draw(st.integers(0, 2 ** 16)))


@given(istft_configs())
def test_istft_random(cfg):
    n_freq = cfg["n_fft"] // 2 + 1 if cfg["spectrum"] == "onesided" else cfg["n_fft"]
    shape = (n_freq, cfg["frames"]) if cfg["batch"] is None else (cfg["batch"], n_freq, cfg["frames"])
    spec = signal(shape, cfg["dtype"], cfg["seed"])
    wlen = cfg["win_length"] or cfg["n_fft"]
    real = "float64" if cfg["dtype"] == "complex128" else "float32"
    w = np.random.default_rng(cfg["seed"] + 1).uniform(0.3, 1.0, wlen).astype(real) if cfg["window"] else None

    def fn(lib, leaves):
        inp = leaf(lib, "input", spec, leaves)
        window = leaf(lib, "window", w, leaves) if w is not None else None
        kwargs = dict(hop_length=cfg["hop_length"], win_length=cfg["win_length"], window=window,
                      center=cfg["center"], normalized=cfg["normalized"], onesided=cfg["onesided"],
                      length=cfg["length"], return_complex=cfg["return_complex"])
        return inp.istft(cfg["n_fft"], **kwargs) if cfg["method"] else lib.istft(inp, cfg["n_fft"], **kwargs)

    run_both(fn, dtype_name=cfg["dtype"], seed=cfg["seed"])


@pytest.mark.parametrize("center, dtype", [(True, "float32"), (False, "float64"), (True, "complex64")])
def test_round_trip(center, dtype):
    """istft(stft(x)) gives x back (length= restores the samples the last frame dropped)."""
    x = signal((2, 41), dtype)
    complex_ = dtype.startswith("complex")

    def fn(lib, leaves):
        inp = leaf(lib, "x", x, leaves)
        w = lib.hann_window(16, dtype=lib.float64 if dtype == "float64" else lib.float32)
        if not center:
            w = w + 0.1  # a Hann window is 0 at the ends: without centring the first sample has no envelope
        spec = lib.stft(inp, 16, 4, window=w, center=center, return_complex=True)
        return lib.istft(spec, 16, 4, window=w, center=center, length=41 if center else 40, return_complex=complex_)

    out = run_both(fn, dtype_name=dtype)
    np.testing.assert_allclose(np_(out), x[:, :out.shape[-1]], rtol=1e-4, atol=1e-4)


def test_istft_onesided_vs_two_sided():
    x = signal((37,), "float64")
    for onesided in (True, False):
        def fn(lib, leaves):
            w = lib.hann_window(10, dtype=lib.float64)
            spec = lib.stft(leaf(lib, "x", x, leaves), 10, 3, window=w, onesided=onesided, return_complex=True)
            return lib.istft(spec, 10, 3, window=w, length=37)

        run_both(fn)
        for explicit in (True, False):  # results, or the same errors (a mismatched or onesided spectrum)
            for complex_out in (True, False):
                run_both(lambda lib, leaves: lib.istft(lib.stft(
                    lib.tensor(x), 10, 3, window=lib.hann_window(10, dtype=lib.float64), onesided=onesided,
                    return_complex=True), 10, 3, window=lib.hann_window(10, dtype=lib.float64), onesided=explicit,
                    return_complex=complex_out))


def test_istft_complex_output_and_complex_window():
    x = signal((2, 30), "complex64")
    wc = (np.hanning(8) + 0.3 + 0.2j).astype("complex64")

    def fn(lib, leaves):
        w = leaf(lib, "w", wc, leaves)
        spec = lib.stft(leaf(lib, "x", x, leaves), 8, 2, window=w, return_complex=True)
        return lib.istft(spec, 8, 2, window=w, return_complex=True, length=30)

    run_both(fn)
    spec = signal((8, 9), "complex64")
    assert_same_error(lambda lib: lib.istft(lib.tensor(spec), 8, 2, window=lib.tensor(wc)))
    assert_same_error(lambda lib: lib.istft(lib.tensor(spec)[:5], 8, 2, return_complex=True))
    run_both(lambda lib, leaves: lib.istft(leaf(lib, "s", spec, leaves).conj(), 8, 2, return_complex=True))


@pytest.mark.parametrize("length", [None, 5, 40, -6, 0])
@pytest.mark.parametrize("center", [True, False])
def test_istft_length(length, center):
    spec = signal((5, 11), "complex64")
    run_both(lambda lib, leaves: lib.istft(leaf(lib, "s", spec, leaves), 8, 2, window=lib.hann_window(8) + 0.1,
                                           center=center, length=length))


def test_istft_window_envelope():
    """istft divides by the overlap-added squared window, and fails where that envelope is ~0
    (zero windows, uncovered samples at the edges without centring, n_fft=1 trimming everything)."""
    spec = signal((2, 5, 11), "complex128")
    cases = [(np.zeros(8), {}), (np.hanning(8), dict(center=False)), (np.full(8, 1e-7), {}),
             (np.ones(4), dict(win_length=4, hop_length=4)), (np.ones(6), dict(win_length=6, hop_length=3,
                                                                              center=False)),
             (np.ones(1), dict(win_length=1, hop_length=1))]
    for w, kwargs in cases:
        run_both(lambda lib, leaves: lib.istft(leaf(lib, "s", spec, leaves), 8, window=leaf(lib, "w", w, leaves),
                                               **kwargs))
    assert_same_error(lambda lib: lib.istft(lib.tensor(spec), 8, 2, window=lib.zeros(8)))
    assert_same_error(lambda lib: lib.istft(lib.tensor(signal((1, 4), "complex64")), 1, 1))  # n_fft 1: empty


# ================================================================ errors
X20 = signal((20,), "float32")
SPEC = signal((5, 11), "complex64")

STFT_ERRORS = [  # (some of these are valid: then the results are compared)
    lambda L: L.stft(L.tensor(X20), 8),  # return_complex must be given for real input
    lambda L: L.stft(L.tensor(X20), 8, window=L.ones(8)),
    lambda L: L.stft(L.tensor(X20), 0, return_complex=True),
    lambda L: L.stft(L.tensor(X20), -3, return_complex=True),
    lambda L: L.stft(L.tensor(X20), -3, center=False, return_complex=True),
    lambda L: L.stft(L.tensor(X20), -50, return_complex=True),
    lambda L: L.stft(L.tensor(X20), 50, return_complex=True),  # reflect padding wider than the signal
    lambda L: L.stft(L.tensor(X20), 50, pad_mode="constant", return_complex=True),
    lambda L: L.stft(L.tensor(X20), 21, center=False, return_complex=True),  # signal shorter than n_fft
    lambda L: L.stft(L.tensor(X20[:5]), 8, center=False, return_complex=True),
    lambda L: L.stft(L.tensor(X20), 8, hop_length=0, return_complex=True),
    lambda L: L.stft(L.tensor(X20), 8, hop_length=-1, return_complex=True),
    lambda L: L.stft(L.tensor(X20), 8, win_length=9, return_complex=True),
    lambda L: L.stft(L.tensor(X20), 8, win_length=0, return_complex=True),
    lambda L: L.stft(L.tensor(X20), 8, window=L.ones(7), return_complex=True),
    lambda L: L.stft(L.tensor(X20), 8, window=L.ones(2, 4), return_complex=True),
    lambda L: L.stft(L.tensor(X20), 8, window=L.ones(7, dtype=L.complex128), return_complex=True),
    lambda L: L.stft(L.tensor(X20).reshape(2, 2, 5), 4, return_complex=True),
    lambda L: L.stft(L.tensor(X20).reshape(2, 2, 5), 4, center=False, return_complex=True),
    lambda L: L.stft(L.tensor(1.0), 4, return_complex=True),
    lambda L: L.stft(L.tensor(1.0), 4, pad_mode="constant", return_complex=True),
    lambda L: L.stft(L.tensor(1.0), 4, center=False, return_complex=True),
    lambda L: L.stft(L.arange(20), 4, return_complex=True),
    lambda L: L.stft(L.arange(20).int(), 4, center=False, return_complex=True, window=L.ones(4)),
    lambda L: L.stft(L.tensor(X20).bool(), 4, center=False, return_complex=True),
    lambda L: L.stft(L.tensor(X20).bool(), 4, return_complex=True),
    lambda L: L.stft(L.tensor(X20).half(), 4, return_complex=True),
    lambda L: L.stft(L.tensor(X20).bfloat16(), 4, center=False, return_complex=True),
    lambda L: L.stft(L.tensor(X20).bfloat16(), 0, return_complex=True, window=L.ones(3).bfloat16()),
    lambda L: L.stft(L.tensor(X20).cfloat(), 0),
    lambda L: L.stft(L.tensor(X20).cfloat(), 4, onesided=True),
    lambda L: L.stft(L.tensor(X20).cdouble(), 30, center=False),
    lambda L: L.stft(L.tensor(X20), 4, window=L.ones(4, dtype=L.complex64), onesided=True),
    lambda L: L.stft(L.tensor(X20), 4, center=True, align_to_window=True, return_complex=True),
    lambda L: L.stft(L.tensor(X20), 4, center=True, align_to_window=False, return_complex=True),
    lambda L: L.stft(L.tensor(X20), 4, pad_mode="bogus", return_complex=True),
    lambda L: L.stft(L.tensor(X20), 4, pad_mode=3, return_complex=True),
    lambda L: L.stft(L.tensor(X20), 4, pad_mode=None, return_complex=True),
    lambda L: L.stft(L.zeros(0), 8, pad_mode="constant", return_complex=True),
    lambda L: L.stft(L.zeros(0, 10), 8, return_complex=True),
    lambda L: L.stft(L.zeros(0, 10), 8, center=False, return_complex=True),  # torch's MKL error
    # torch's argument parser, behind the Python wrapper
    lambda L: L.stft(L.tensor(X20), 8.0, return_complex=True),
    lambda L: L.stft(L.tensor(X20), True, return_complex=True),
    lambda L: L.stft(L.tensor(X20), 8, center=False, hop_length=2.0),
    lambda L: L.stft(L.tensor(X20), 8, win_length=L.tensor(8.0), return_complex=True),
    lambda L: L.stft(L.tensor(X20), 8, window=np.ones(8), return_complex=True),
    lambda L: L.stft(L.tensor(X20), 8, normalized=1, return_complex=True),
    lambda L: L.stft(L.tensor(X20), 8, onesided=np.bool_(True), return_complex=True),
    lambda L: L.stft(L.tensor(X20), 8, return_complex=1),
    lambda L: L.stft(L.tensor(X20), 8, center=False, align_to_window=1, return_complex=True),
    lambda L: L.stft(L.tensor(X20), np.int64(8), center=False, win_length=np.float64(3), return_complex=True),
    lambda L: L.stft(X20, 8, center=False, return_complex=True),
    lambda L: L.stft(list(X20), 8, return_complex=True),
    lambda L: L.stft(L.tensor(X20), None, return_complex=True),
    lambda L: L.stft(L.tensor(X20), "8", return_complex=True),
    lambda L: L.stft(L.tensor(X20)),
    lambda L: L.stft(L.tensor(X20), 8, foo=1),
    lambda L: L.tensor(X20).stft(),
    lambda L: L.tensor(X20).stft(8, 2, 8, None, True, "reflect", False, None, True, None, 3),
    lambda L: L.tensor(X20).stft(8.0, return_complex=True),
]


def check(fn):
    """fn(lib) raises the same error in both libraries, or returns the same result."""
    run_both(lambda lib, leaves: fn(lib))


@pytest.mark.parametrize("index", range(len(STFT_ERRORS)))
def test_stft_errors_and_edge_cases(index):
    check(STFT_ERRORS[index])


ISTFT_ERRORS = [  # (some of these are valid: then the results are compared)
    lambda L: L.istft(L.tensor(SPEC), 8, window=L.ones(7)),
    lambda L: L.istft(L.tensor(SPEC), 8, window=L.ones(2, 4)),
    lambda L: L.istft(L.tensor(SPEC).cdouble(), 8, window=L.ones(3, dtype=L.complex128)),
    lambda L: L.istft(L.tensor(SPEC), 8, hop_length=9),
    lambda L: L.istft(L.tensor(SPEC), 8, hop_length=0),
    lambda L: L.istft(L.tensor(SPEC), 8, hop_length=-2),
    lambda L: L.istft(L.tensor(SPEC), 8, win_length=9),
    lambda L: L.istft(L.tensor(SPEC), 8, win_length=0),
    lambda L: L.istft(L.tensor(SPEC), 10),
    lambda L: L.istft(L.tensor(SPEC), 9),
    lambda L: L.istft(L.tensor(SPEC), 0),
    lambda L: L.istft(L.tensor(SPEC), -1),
    lambda L: L.istft(L.tensor(SPEC)[:1], -1, hop_length=1),
    lambda L: L.istft(L.tensor(SPEC), 8, onesided=False),
    lambda L: L.istft(L.tensor(SPEC), 5, onesided=False),
    lambda L: L.istft(L.tensor(SPEC), 8, return_complex=True),
    lambda L: L.istft(L.tensor(SPEC)[:, :0], 8),
    lambda L: L.istft(L.tensor(SPEC)[0], 8),
    lambda L: L.istft(L.tensor(SPEC)[0, 0], 8),
    lambda L: L.istft(L.tensor(SPEC)[None, None], 8),
    lambda L: L.istft(L.tensor(SPEC).real, 8),
    lambda L: L.istft(L.tensor(SPEC).real.to(L.int64), 8),
    lambda L: L.istft(L.tensor(SPEC), 8, window=L.ones(8, dtype=L.complex64)),
    lambda L: L.istft(L.tensor(SPEC), 8, window=L.zeros(8)),
    # torch's argument parser (istft is the native op itself)
    lambda L: L.istft(L.tensor(SPEC)),
    lambda L: L.istft(),
    lambda L: L.istft(L.tensor(SPEC), 8, 2, 8, None, True, False, None, None, False, 5),
    lambda L: L.istft(L.tensor(SPEC), 8, foo=1),
    lambda L: L.istft(L.tensor(SPEC), 8.0, foo=1),
    lambda L: L.istft(L.tensor(SPEC), 8, n_fft=8),
    lambda L: L.istft(L.tensor(SPEC), 8, input=L.tensor(SPEC)),
    lambda L: L.istft(L.tensor(SPEC), 8, x=L.tensor(SPEC)),
    lambda L: L.istft([1], 8),
    lambda L: L.istft(SPEC, 8),
    lambda L: L.istft(L.tensor(SPEC), 8, window=np.ones(8)),
    lambda L: L.istft(L.tensor(SPEC), 8, center=None),
    lambda L: L.istft(L.tensor(SPEC), 8, center=1),
    lambda L: L.istft(L.tensor(SPEC), 8, 2, 8, None, 1),
    lambda L: L.istft(L.tensor(SPEC), 8, 2, 8, None, True, False, None, 3.0),
    lambda L: L.istft(L.tensor(SPEC), 8, length=3.0),
    lambda L: L.istft(L.tensor(SPEC), 8, return_complex=None),
    lambda L: L.istft(L.tensor(SPEC), 8.0),
    lambda L: L.istft(L.tensor(SPEC), L.tensor(8.0)),
    lambda L: L.istft(L.tensor(SPEC), L.tensor([8])),
    lambda L: L.istft(L.tensor(SPEC), True),
    lambda L: L.istft(L.tensor(SPEC), 8, normalized=np.bool_(True)),
    lambda L: L.tensor(SPEC).istft(8, 2, 8, None, True, False, None, 3.0),
    lambda L: L.tensor(SPEC).istft(8, length=3.0),
    lambda L: L.tensor(SPEC).istft(8, foo=3.0),
    lambda L: L.tensor(SPEC).istft(),
]


@pytest.mark.parametrize("index", range(len(ISTFT_ERRORS)))
def test_istft_errors_and_edge_cases(index):
    check(ISTFT_ERRORS[index])


def test_accepted_argument_spellings():
    """What torch's parsers accept besides Python ints and bools: numpy and 0-d tensor integers,
    keyword `input` and its numpy names, a truthy `center` for stft (consumed by the Python wrapper)."""
    run_both(lambda lib, leaves: lib.istft(lib.tensor(SPEC), np.int64(8), lib.tensor(2), window=lib.ones(8)))
    run_both(lambda lib, leaves: lib.istft(input=lib.tensor(SPEC), n_fft=8, window=lib.ones(8)))
    run_both(lambda lib, leaves: lib.istft(x=lib.tensor(SPEC), n_fft=8, window=lib.ones(8)))
    run_both(lambda lib, leaves: lib.istft(a=lib.tensor(SPEC), n_fft=8, window=lib.ones(8)))
    run_both(lambda lib, leaves: lib.stft(input=lib.tensor(X20), n_fft=8, center=1, window=lib.ones(8),
                                          return_complex=True))
    run_both(lambda lib, leaves: lib.stft(lib.tensor(X20), 8, center=False, pad_mode=3, window=lib.ones(8),
                                          return_complex=True))


def test_signatures():
    import inspect

    def params(fn):
        return [(p.name, p.default) for p in inspect.signature(fn).parameters.values()]

    assert params(jt.stft) == params(torch.stft)
    assert params(jt.Tensor.stft) == params(torch.Tensor.stft)
    assert params(jt.Tensor.istft) == params(torch.Tensor.istft)
    # torch.istft is native (no Python signature): its documented one, as Tensor.istft's plus `input`
    assert params(jt.istft) == [("input", inspect.Parameter.empty)] + params(torch.Tensor.istft)[1:]


# ================================================================ warnings
WARNING_SCRIPT = textwrap.dedent("""
    import json, sys, warnings
    import numpy as np
    lib = __import__(sys.argv[1])
    x = lib.tensor(np.random.default_rng(0).standard_normal(20).astype("float32"))
    seen = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        X = lib.stft(x, 8, return_complex=True)
        X = lib.stft(x, 8, return_complex=True)
        lib.stft(x, 8, window=lib.ones(8), return_complex=False)
        lib.stft(x, 8, window=lib.ones(8), return_complex=False)
        lib.istft(X, 8)
        lib.istft(X, 8)
        lib.istft(X, 8, window=lib.ones(8), length=100)
        lib.istft(X, 8, window=lib.ones(8), length=100)
        lib.istft(X, 8, window=lib.ones(8), length=10)
    print(json.dumps([[w.category.__name__, str(w.message)] for w in caught]))
""")


def test_warnings_once_per_process():
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    out = []
    for name in ("torch", "jtorch"):
        proc = subprocess.run([sys.executable, "-c", WARNING_SCRIPT, name], capture_output=True, text=True, env=env,
                              timeout=300)
        assert proc.returncode == 0, proc.stderr
        out.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert out[0] == out[1]
    assert len(out[0]) == 4
