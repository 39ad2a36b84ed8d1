"""The short-time Fourier transform and its inverse: `torch.stft`, `torch.istft` and the
`Tensor.stft` / `Tensor.istft` methods.

Both are composites of jtorch tensor ops, as torch's ATen implementation is, so dtype
promotion, devices and autograd all follow from those ops:

  stft   (optional) centre padding with `nn.functional.pad` in `pad_mode`, framing with
         `unfold`, multiplication by the window (zero-padded, centred, to n_fft), then
         `fft.rfft` (real, onesided) or `fft.fft` (complex input or window, or
         onesided=False), transposed to (B?, freq, frames); `view_as_real` when
         return_complex=False.
  istft  `fft.irfft` (or `fft.ifft` for return_complex=True) of each frame, times the
         window, overlap-added with `index_add`, divided by the overlap-added squared
         window (the NOLA envelope, torch's "window overlap add min" error when it is ~0),
         trimmed to `length` (or zero-padded to it, with torch's warning).

The argument checking follows torch's layers: `stft` is, as in torch, a Python function
(centre padding first) in front of the native op, whose argument parser rejects badly
typed arguments with torch's "invalid combination of arguments" TypeError; `istft` is
itself the native op, with the single-signature parser's messages. Errors name the
tensors as ATen's `toString()` does after torch's Python-side renaming
(`torch.FloatTensor[20]`, `CPUComplexFloatType[5, 11]`), and the deprecation and
missing-window warnings are given once per process (TORCH_WARN_ONCE).

Differences from torch:
- float16 / bfloat16 signals fail with torch's CPU (MKL) message "MKL FFT doesn't support
  tensors of type: Half" on every device (jtorch's FFTs have no half precision);
  torch's CUDA would transform power-of-two half signals.
- Like torch 2.13 on the CPU, `stft` of an empty batch (shape (0, L)) raises torch's MKL
  error; jtorch repeats that message on every device.
- Overlapping frames are summed by `index_add`, in a different order than torch's
  `unfold_backward`: float results can differ from torch's in the last bits.
"""
from __future__ import annotations

import inspect

import numpy as np

from .. import _dtype
from .._registry import op, type_name
from .._tensor import Tensor, warn_once

_SPECTRAL_OPS = "/__w/pytorch/pytorch/aten/src/ATen/native/SpectralOps.cpp"
_STFT_NO_WINDOW = (
    "A window was not provided. A rectangular window will be applied,which is known to cause spectral leakage. "
    "Other windows such as torch.hann_window or torch.hamming_window are recommended to reduce spectral "
    "leakage.To suppress this warning and use a rectangular window, explicitly set "
    f"`window=torch.ones(n_fft, device=<device>)`. (Triggered internally at {_SPECTRAL_OPS}:835.)")
_STFT_REAL_OUTPUT = (
    "stft with return_complex=False is deprecated. In a future pytorch release, stft will return complex tensors "
    "for all inputs, and return_complex=False will raise an error.\nNote: you can still call torch.view_as_real on "
    f"the complex output to recover the old return format. (Triggered internally at {_SPECTRAL_OPS}:874.)")
_ISTFT_NO_WINDOW = (
    "A window was not provided. A rectangular window will be applied.Please provide the same window used by stft "
    "to make the inversion lossless.To suppress this warning and use a rectangular window, explicitly set "
    f"`window=torch.ones(n_fft, device=<device>)`. (Triggered internally at {_SPECTRAL_OPS}:1035.)")
_ISTFT_PADDED = (
    "The length of signal is shorter than the length parameter. Result is being padded with zeros in the tail. "
    f"Please check your center and hop_length settings. (Triggered internally at {_SPECTRAL_OPS}:1199.)")
_STFT_OVERLOADS = (
    ' * (Tensor input, int n_fft, int hop_length = None, int win_length = None, Tensor window = None, '
    'bool center = True, str pad_mode = "reflect", bool normalized = False, bool onesided = None, '
    'bool return_complex = None, bool align_to_window = None)\n'
    ' * (Tensor input, int n_fft, int hop_length = None, int win_length = None, Tensor window = None, '
    'bool normalized = False, bool onesided = None, bool return_complex = None, bool align_to_window = None)\n')

def _warn_once(message):
    """TORCH_WARN_ONCE: a UserWarning the first time in the process, pointing at the user's call."""
    frame, level = inspect.currentframe().f_back, 2
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame, level = frame.f_back, level + 1
    warn_once(message, UserWarning, level + 1)


# ================================================================ torch's argument parser
def _tp_name(obj) -> str:
    """CPython's tp_name of obj's type, as torch's argument errors print it (numpy.ndarray, Tensor, int)."""
    t = type(obj)
    if t.__flags__ & (1 << 9) or t.__module__ == "builtins":  # heap (Python) types: the bare name
        return t.__name__
    return f"{t.__module__}.{t.__name__}"


def _is_int(obj) -> bool:
    """What torch's parser takes for an `int`: a Python or numpy integer, or a 0-d integer tensor."""
    if isinstance(obj, Tensor):
        return obj.dim() == 0 and obj.dtype.category <= _dtype.INT and obj.dtype is not _dtype.bool \
            and not obj.requires_grad
    return (isinstance(obj, int) and not isinstance(obj, bool)) or isinstance(obj, np.integer)


_CHECKS = {"int": _is_int, "bool": lambda o: isinstance(o, bool), "Tensor": lambda o: isinstance(o, Tensor)}


def _int(value):
    return None if value is None else int(value)


def _check_vf_stft(args):
    """Parse the 9 positional arguments torch.stft hands to the native op, with its TypeError."""
    types = ("Tensor", "int", "int?", "int?", "Tensor?", "bool", "bool?", "bool?", "bool?")
    if all((obj is None and kind.endswith("?")) or (obj is not None and _CHECKS[kind.rstrip("?")](obj))
           for obj, kind in zip(args, types)):
        return
    names = [_tp_name(obj) for obj in args]
    # torch's overload listing marks every argument that has a default: only input and n_fft can match
    marked = [name if (i == 0 and name == "Tensor") or (i == 1 and name in ("int", "long")) else f"!{name}!"
              for i, name in enumerate(names)]
    raise TypeError(f"stft() received an invalid combination of arguments - got ({', '.join(names)}), but expected "
                    f"one of:\n{_STFT_OVERLOADS}      didn't match because some of the arguments have invalid types: "
                    f"({', '.join(marked)})\n")


_MISSING = object()
# (name, type, required, None allowed, default): torch.istft's native signature
_ISTFT_PARAMS = (
    ("input", "Tensor", True, False, _MISSING), ("n_fft", "int", True, False, _MISSING),
    ("hop_length", "int", False, True, None), ("win_length", "int", False, True, None),
    ("window", "Tensor", False, True, None), ("center", "bool", False, False, True),
    ("normalized", "bool", False, False, False), ("onesided", "bool", False, True, None),
    ("length", "int", False, True, None), ("return_complex", "bool", False, False, False),
)
_NUMPY_NAMES = {"input": ("x", "a", "x1")}


def _parse_native(name, params, args, kwargs):
    """Bind args/kwargs to a native signature with the TypeErrors of torch's single-signature parser."""
    nargs = len(args)
    if nargs > len(params):
        required = sum(p[2] for p in params)
        raise TypeError(f"{name}() takes from {required} to {len(params)} positional arguments but {nargs} were given")
    values, used = [], 0
    for i, (pname, kind, required, allow_none, default) in enumerate(params):
        is_kwd = i >= nargs
        if not is_kwd:
            obj = args[i]
        else:
            obj = kwargs.get(pname, _MISSING)
            for alias in _NUMPY_NAMES.get(pname, ()):
                if obj is _MISSING:
                    obj = kwargs.get(alias, _MISSING)
        if obj is _MISSING and not required:
            values.append(default)
        elif obj is None and allow_none:
            values.append(None)
        elif obj is _MISSING:
            missing = [f'"{p[0]}"' for p in params[i:] if p[2]]
            # (torch's message has its plural the wrong way round)
            raise TypeError(f"{name}() missing {len(missing)} required positional argument"
                            f"{'s' if len(missing) == 1 else ''}: {', '.join(missing)}")
        elif _CHECKS[kind](obj):
            values.append(obj)
        elif is_kwd:
            raise TypeError(f"{name}(): argument '{pname}' must be {kind}, not {_tp_name(obj)}")
        else:
            raise TypeError(f"{name}(): argument '{pname}' (position {i + 1}) must be {kind}, not {_tp_name(obj)}")
        if is_kwd and obj is not _MISSING:
            used += 1
    if used < len(kwargs):
        names = [p[0] for p in params]
        for key in kwargs:
            if key not in names:
                raise TypeError(f"{name}() got an unexpected keyword argument '{key}'")
            if names.index(key) < nargs:
                raise TypeError(f"{name}() got multiple values for argument '{key}'")
        raise TypeError("invalid keyword arguments")
    return values


# ================================================================ helpers
_LEGACY_NAMES = {"uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"}


def _describe(t: Tensor) -> str:
    """ATen's `toString()` of t, after torch renames the legacy types (torch.FloatTensor, CPUComplexFloatType)."""
    cuda = t.device.type == "cuda"
    if t.dtype.name in _LEGACY_NAMES:
        return f"torch.{'cuda.' if cuda else ''}{type_name(t.dtype)}Tensor"
    return f"{'CUDA' if cuda else 'CPU'}{type_name(t.dtype)}Type"


def _sizes(t: Tensor) -> str:
    return "[" + ", ".join(str(s) for s in t.shape) + "]"


def _opt(value) -> str:
    return "None" if value is None else str(int(value))


def _window_repr(window) -> str:
    return "None" if window is None else f"{_describe(window)}{{{_sizes(window)}}}"


def _cdiv(a: int, b: int) -> int:
    """C++ integer division (truncating towards zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _creation():
    from . import creation
    return creation


def _pad(input, pad, mode="constant"):
    from ..nn import functional
    return functional.pad(input, pad, mode)


def _fft():
    from . import fft
    return fft


def _padded_window(window, n_fft, win_length, like):
    """The window zero-padded on both sides (centred) to n_fft; None for a rectangular full-length one."""
    if win_length >= n_fft:
        return window
    left = (n_fft - win_length) // 2
    if window is None:
        window = _creation().ones(win_length, dtype=like.dtype, device=like.device)
    return _pad(window, [left, n_fft - win_length - left])


def _overlap_add(frames, total, hop):
    """frames (B, n_frames, n_fft) summed into (B, total) at offsets 0, hop, 2 hop, ...: unfold's adjoint."""
    batch, n_frames, n_fft = frames.shape
    creation = _creation()
    starts = creation.arange(n_frames, device=frames.device).unsqueeze(1) * hop
    index = (starts + creation.arange(n_fft, device=frames.device)).reshape(-1)
    out = creation.zeros(batch, total, dtype=frames.dtype, device=frames.device)
    return out.index_add(1, index, frames.reshape(batch, n_frames * n_fft))


def _check_fft_dtype(x):
    if x.dtype in (_dtype.float16, _dtype.bfloat16):
        raise RuntimeError(f"MKL FFT doesn't support tensors of type: {type_name(x.dtype)}")


# ================================================================ stft
@op(method=False, out=False)
def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
         normalized=False, onesided=None, return_complex=None, align_to_window=None):
    """Short-time Fourier transform: the FFTs of overlapping windowed frames of a 1-D signal or
    a 2-D batch of signals, shaped (B?, n_freq, n_frames) (and a trailing real/imaginary pair
    when return_complex=False). Implements `torch.stft`."""
    if center and align_to_window is not None:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    if center:  # torch pads in Python, in front of the native op (which is given center=False)
        signal_dim = input.dim()
        extended_shape = [1] * (3 - signal_dim) + list(input.size())
        pad = int(n_fft // 2)
        if not isinstance(pad_mode, str):
            raise TypeError(f"pad(): argument 'mode' (position 3) must be str, not {_tp_name(pad_mode)}")
        input = _pad(input.view(extended_shape), [pad, pad], pad_mode)
        input = input.view(input.shape[-signal_dim:])
    args = (input, n_fft, hop_length, win_length, window, normalized, onesided, return_complex, align_to_window)
    _check_vf_stft(args)
    return _stft(input, int(n_fft), _int(hop_length), _int(win_length), window, normalized, onesided,
                 return_complex, align_to_window)


def _stft(self, n_fft, hop_opt, win_opt, window, normalized, onesided_opt, return_complex_opt, align_opt):
    """torch's native stft (center=False): checks, framing, windowing and the FFT."""
    if window is None:
        _warn_once(_STFT_NO_WINDOW)
    hop_length = hop_opt if hop_opt is not None else n_fft >> 2
    win_length = win_opt if win_opt is not None else n_fft

    def fail(message):
        raise RuntimeError(
            f"stft({_describe(self)}{_sizes(self)}, n_fft={n_fft}, hop_length={hop_length}, win_length={win_length}, "
            f"window={_window_repr(window)}, normalized={int(normalized)}, onesided={_opt(onesided_opt)}, "
            f"return_complex={_opt(return_complex_opt)}, align_to_window={_opt(align_opt)}) : {message}")

    if window is not None and window.device != self.device:
        raise RuntimeError(f"stft input and window must be on the same device but got self on {self.device} and "
                           f"window on {window.device}")
    return_complex = return_complex_opt if return_complex_opt is not None else (
        self.dtype.is_complex or (window is not None and window.dtype.is_complex))
    if not return_complex:
        if return_complex_opt is None:
            raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will further "
                               "require that return_complex=True in a future PyTorch release.")
        _warn_once(_STFT_REAL_OUTPUT)
    if not (self.dtype.is_floating_point or self.dtype.is_complex):
        fail("expected a tensor of floating point or complex values")
    if self.dim() > 2 or self.dim() < 1:
        fail("expected a 1D or 2D tensor")
    x = self.unsqueeze(0) if self.dim() == 1 else self
    batch, length = x.shape
    if n_fft <= 0 or n_fft > length:
        fail(f"expected 0 < n_fft < {length}, but got n_fft={win_length}")
    if hop_length <= 0:
        fail(f"expected hop_length > 0, but got hop_length={hop_length}")
    if win_length <= 0 or win_length > n_fft:
        fail(f"expected 0 < win_length <= n_fft, but got win_length={win_length}")
    if window is not None and (window.dim() != 1 or window.shape[0] != win_length):
        fail(f"expected a 1D window tensor of size equal to win_length={win_length}, but got window with size "
             f"{_sizes(window)}")
    window_ = _padded_window(window, n_fft, win_length, self)

    if align_opt:  # frames start where the (unpadded) window starts
        n_frames = 1 + (length - win_length) // hop_length
        side = (n_fft - win_length) // 2
        x = _pad(x, [side, side], "constant")
        padded = x.shape[1]
        if batch and (n_frames - 1) * hop_length + n_fft > padded:  # torch's as_strided overruns the storage
            item = x.element_size()
            need = ((batch - 1) * padded + (n_frames - 1) * hop_length + n_fft) * item
            raise RuntimeError(
                f"setStorage: sizes [{batch}, {n_frames}, {n_fft}], strides [{padded}, {hop_length}, 1], storage "
                f"offset 0, and itemsize {item} requiring a storage size of {need} are out of bounds for storage of "
                f"size {batch * padded * item}")
    else:
        n_frames = 1 + (length - n_fft) // hop_length
    frames = x.unfold(-1, n_fft, hop_length)  # (batch, n_frames, n_fft)
    if frames.shape[1] != n_frames:
        frames = frames.narrow(1, 0, n_frames)
    if window_ is not None:
        frames = frames * window_

    complex_fft = frames.dtype.is_complex
    onesided = onesided_opt if onesided_opt is not None else not complex_fft
    norm = "ortho" if normalized else "backward"
    fft = _fft()
    if complex_fft and onesided:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    _check_fft_dtype(frames)
    if batch == 0 and frames.device.type == "cpu":
        raise RuntimeError("MKL FFT error: Intel oneMKL DFTI ERROR: Inconsistent configuration parameters")
    out = fft.rfft(frames, norm=norm) if onesided else fft.fft(frames, norm=norm)
    out = out.transpose(1, 2)
    if self.dim() == 1:
        out = out.squeeze(0)
    if return_complex:
        return out
    from .complex_ops import view_as_real
    return view_as_real(out)


# ================================================================ istft
def _istft_signature():
    params = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                **({} if default is _MISSING else {"default": default}))
              for name, _, _, _, default in _ISTFT_PARAMS]
    return inspect.Signature(params)


@op(method=False, out=False)
def istft(*args, **kwargs):
    """Inverse short-time Fourier transform: the least-squares signal whose stft is `input`
    (overlap-add of the inverse FFTs of the frames, divided by the window envelope). Takes
    `(input, n_fft, hop_length=None, win_length=None, window=None, center=True,
    normalized=False, onesided=None, length=None, return_complex=False)`. Implements `torch.istft`."""
    return _istft(*_parse_native("istft", _ISTFT_PARAMS, args, kwargs))


istft.__signature__ = _istft_signature()


def _istft(self, n_fft, hop_opt, win_opt, window, center, normalized, onesided_opt, length_opt, return_complex):
    """torch's native istft."""
    n_fft, hop_opt, win_opt, length_opt = int(n_fft), _int(hop_opt), _int(win_opt), _int(length_opt)
    if window is None:
        _warn_once(_ISTFT_NO_WINDOW)
    hop_length = hop_opt if hop_opt is not None else n_fft >> 2
    win_length = win_opt if win_opt is not None else n_fft

    def message(text):
        return (f"istft({_describe(self)}{_sizes(self)}, n_fft={n_fft}, hop_length={hop_length}, "
                f"win_length={win_length}, window={_window_repr(window)}, center={int(center)}, "
                f"normalized={int(normalized)}, onesided={_opt(onesided_opt)}, length={_opt(length_opt)}, "
                f"return_complex={int(return_complex)}) {text}")

    def fail(text):
        raise RuntimeError(message(": " + text))

    if window is not None and window.device != self.device:
        raise RuntimeError(f"istft input and window must be on the same device but got self on {self.device} and "
                           f"window on {window.device}")
    if not self.dtype.is_complex:
        raise RuntimeError("istft requires a complex-valued input tensor matching the output from stft with "
                           "return_complex=True.")
    from .complex_ops import view_as_real
    real = view_as_real(self.resolve_conj())
    input_dim = real.dim()
    n_frames = real.size(-2)
    fft_size = real.size(-3)
    expected_len = n_fft + hop_length * (n_frames - 1)
    if real.numel() == 0:
        fail("input tensor cannot be empty.")
    if input_dim not in (3, 4):
        fail(f"expected a tensor with 3 or 4 dimensions, but got {input_dim}")
    onesided = onesided_opt if onesided_opt is not None else fft_size != n_fft
    if onesided:
        if _cdiv(n_fft, 2) + 1 != fft_size:
            fail("expected the frequency dimension (3rd to the last) of the input tensor to match n_fft / 2 + 1 when "
                 f"onesided=True, but got {fft_size}")
    elif n_fft != fft_size:
        fail("expected the frequency dimension (3rd to the last) of the input tensor to match n_fft when "
             f"onesided=False, but got {fft_size}")
    if not 0 < hop_length <= win_length:
        fail("expected 0 < hop_length <= win_length")
    if not 0 < win_length <= n_fft:
        fail("expected 0 < win_length <= n_fft")
    if window is not None and (window.dim() != 1 or window.shape[0] != win_length):
        fail("Invalid window shape. window has to be 1D and length of `win_length`")

    if window is None:
        window_tmp = _creation().ones(win_length, dtype=real.dtype, device=real.device)
    else:
        window_tmp = window
    window_tmp = _padded_window(window_tmp, n_fft, win_length, real)

    spectrum = self.unsqueeze(0) if input_dim == 3 else self
    spectrum = spectrum.transpose(1, 2)  # (channel, n_frames, fft_size)
    norm = "ortho" if normalized else "backward"
    fft = _fft()
    if return_complex:
        if onesided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        _check_fft_dtype(real)
        frames = fft.ifft(spectrum, norm=norm)
    else:
        if window is not None and window.dtype.is_complex:
            raise RuntimeError("Complex windows are incompatible with return_complex=False")
        if not onesided:
            spectrum = spectrum[..., :n_fft // 2 + 1]
        _check_fft_dtype(real)
        frames = fft.irfft(spectrum, n=n_fft, norm=norm)  # (channel, n_frames, n_fft)

    y = _overlap_add(frames * window_tmp.view(1, 1, n_fft), expected_len, hop_length)
    squared = window_tmp.pow(2).expand(1, n_frames, n_fft)
    envelope = _overlap_add(squared, expected_len, hop_length)

    start = n_fft // 2 if center else 0
    if length_opt is not None:
        end = start + length_opt
    else:
        end = -(n_fft // 2) if center else expected_len
    y = y[:, start:end]
    envelope = envelope[:, start:end]
    if bool((envelope.abs().min() < 1e-11).item()):
        raise RuntimeError(message("window overlap add min: 1\n[ CPUBoolType{} ]"))
    y = y / envelope
    if input_dim == 3:
        y = y.squeeze(0)
    if end > expected_len:
        _warn_once(_ISTFT_PADDED)
        y = _pad(y, [0, end - expected_len])
    return y


# ================================================================ Tensor methods
def _as_method(function, name):
    """`function` named `Tensor.<name>` (in its TypeErrors too), as torch's Python Tensor methods are."""
    function.__code__ = function.__code__.replace(co_name=name, co_qualname=f"Tensor.{name}")
    function.__name__, function.__qualname__ = name, f"Tensor.{name}"
    setattr(Tensor, name, function)


def _stft_method(self, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
                 normalized=False, onesided=None, return_complex=None, align_to_window=None):
    """See `torch.stft`. Implements `Tensor.stft`."""
    return stft(self, n_fft, hop_length, win_length, window, center, pad_mode, normalized, onesided,
                return_complex=return_complex, align_to_window=align_to_window)


def _istft_method(self, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False,
                  onesided=None, length=None, return_complex=False):
    """See `torch.istft`. Implements `Tensor.istft`."""
    return istft(self, n_fft, hop_length, win_length, window, center, normalized, onesided, length,
                 return_complex=return_complex)


_as_method(_stft_method, "stft")
_as_method(_istft_method, "istft")
