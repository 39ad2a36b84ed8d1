"""torch.fft: discrete Fourier transforms (complex, real-input and Hermitian forms in
1, 2 and n dimensions), sample frequencies and shifts.

Every transform is one n-dimensional JAX FFT, chosen by `kind`:
  c2c  fft / ifft           complex -> complex
  r2c  rfft / ihfft         real -> half spectrum (ihfft is conj(rfft) with the norm swapped)
  c2r  irfft / hfft         half spectrum -> real (hfft is irfft of the conjugate, norm swapped)
"""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp

from .. import _dtype
from .._registry import apply_fn, op, type_name
from .._tensor import Tensor
from .linalg import compiled

_NORMS = (None, "backward", "forward", "ortho")
_SWAPPED = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


def _transform(a, kind, inverse, s, axes, norm, result):
    """The n-D transform of `a` over `axes` to sizes `s` (after a Hermitian swap if needed)."""
    if kind == "c2c":
        a = a.astype(result.np)
        out = (jnp.fft.ifftn if inverse else jnp.fft.fftn)(a, s, axes, norm)
    elif kind == "r2c":
        if inverse:  # ihfft
            out = jnp.conj(jnp.fft.rfftn(a, s, axes, _SWAPPED[norm]))
        else:
            out = jnp.fft.rfftn(a, s, axes, norm)
    else:
        a = a.astype(result.to_complex().np)
        if inverse:  # irfft
            out = jnp.fft.irfftn(a, s, axes, norm)
        else:  # hfft
            out = jnp.fft.irfftn(jnp.conj(a), s, axes, _SWAPPED[norm])
    return out.astype(result.np)


def _input_dtype(name, input, kind):
    """The (promoted) dtype the input is transformed in, with torch's errors."""
    d = input.dtype
    if d.category <= _dtype.INT:
        d = _dtype.get_default_dtype()
    if d in (_dtype.float16, _dtype.bfloat16):
        raise RuntimeError(f"Unsupported dtype {type_name(d)}")
    if kind == "r2c" and d.is_complex:
        raise RuntimeError(f"{name} expects a real input tensor, but got {type_name(d)}")
    return d


def _check_n(n):
    if n is not None and n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")


def _run(name, grad_name, input, kind, inverse, sizes, axes, norm):
    if norm not in _NORMS:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')
    norm = norm or "backward"
    compute = _input_dtype(name, input, kind)
    for n in sizes:
        _check_n(n)
    if kind == "c2r":
        result = compute.to_real()
    else:
        result = compute.to_complex()
    x = input if input.dtype is compute else input.to(compute)
    fn = compiled(_transform, kind, inverse, tuple(sizes), tuple(axes), norm, result)
    out = apply_fn(grad_name, fn, (x,), result)
    if grad_name == "ConjBackward0":  # torch returns these as conjugate views
        out._is_conj = True
    return out


def _one_dim(name, input, n, dim, norm, kind, inverse, grad_name):
    if input.dim() == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    axis = input._wrap_dim(dim)
    if n is None:
        n = input._shape[axis] if kind != "c2r" else 2 * (input._shape[axis] - 1)
    return _run(name, grad_name, input, kind, inverse, (n,), (axis,), norm)


def _c2c_grad(input, real_name):
    return real_name if input.dtype.category < _dtype.COMPLEX else "FftC2CBackward0"


def _ns(name, **kw):
    return op(name=name, namespace="torch.fft", method=False, **kw)


@_ns("fft")
def fft(input, n=None, dim=-1, norm=None):
    """One-dimensional discrete Fourier transform. Implements `torch.fft.fft`."""
    return _one_dim("fft", input, n, dim, norm, "c2c", False, _c2c_grad(input, "FftR2CBackward0"))


@_ns("ifft")
def ifft(input, n=None, dim=-1, norm=None):
    """One-dimensional inverse discrete Fourier transform. Implements `torch.fft.ifft`."""
    return _one_dim("ifft", input, n, dim, norm, "c2c", True, _c2c_grad(input, "ConjBackward0"))


@_ns("rfft")
def rfft(input, n=None, dim=-1, norm=None):
    """FFT of a real signal: the n // 2 + 1 non-negative frequencies. Implements `torch.fft.rfft`."""
    return _one_dim("rfft", input, n, dim, norm, "r2c", False, "FftR2CBackward0")


@_ns("irfft")
def irfft(input, n=None, dim=-1, norm=None):
    """Inverse of `rfft`: a real signal of length n (default 2 * (size - 1)). Implements `torch.fft.irfft`."""
    return _one_dim("irfft", input, n, dim, norm, "c2r", True, "FftC2RBackward0")


@_ns("hfft")
def hfft(input, n=None, dim=-1, norm=None):
    """FFT of a Hermitian-symmetric signal given by its first half: a real result. Implements `torch.fft.hfft`."""
    return _one_dim("hfft", input, n, dim, norm, "c2r", False, "FftC2RBackward0")


@_ns("ihfft")
def ihfft(input, n=None, dim=-1, norm=None):
    """Inverse of `hfft` for a real signal. Implements `torch.fft.ihfft`."""
    return _one_dim("ihfft", input, n, dim, norm, "r2c", True, "ConjBackward0")


def _n_dims(input, s, dim, kind, default_dims=None):
    """(sizes, axes) for an n-D transform from torch's `s` and `dim` arguments."""
    if dim is None and default_dims is not None:
        dim = default_dims
    if dim is not None:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        if input.dim() == 0 and dims:
            raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
        axes = tuple(input._wrap_dim(d) for d in dims)
        if len(set(axes)) != len(axes):
            raise RuntimeError("FFT dims must be unique")
        if s is not None and len(s) != len(axes):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
    elif s is not None:
        if len(s) > input.dim():
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has {input.dim()} dimensions.")
        axes = tuple(range(input.dim() - len(s), input.dim()))
    else:
        axes = tuple(range(input.dim()))
    if s is None:
        sizes = [input._shape[a] for a in axes]
        if kind == "c2r" and axes:
            sizes[-1] = 2 * (sizes[-1] - 1)
    else:
        sizes = list(s)
        for i, (size, a) in enumerate(zip(sizes, axes)):
            if size == -1:
                sizes[i] = input._shape[a] if not (kind == "c2r" and i == len(axes) - 1) else 2 * (
                    input._shape[a] - 1)
    return tuple(sizes), axes


def _n_d(name, input, s, dim, norm, kind, inverse, grad_name, default_dims=None):
    if kind == "r2c" and input.dtype.is_complex:
        raise RuntimeError(f"{name} expects a real-valued input tensor, but got {type_name(input.dtype)}"
                           if name != "ihfftn" else f"Only supports floating-point dtypes, but found: "
                           f"{type_name(input.dtype)}")
    sizes, axes = _n_dims(input, s, dim, kind, default_dims)
    if len(axes) == 1 and kind == "r2c" and inverse:  # torch takes ihfft's path
        grad_name = "ConjBackward0"
    return _run(name, grad_name, input, kind, inverse, sizes, axes, norm)


def _declare_n_d(name, kind, inverse, grad_name, default_dims, doc):
    def transform(input, s=None, dim=default_dims, norm=None):
        return _n_d(name.replace("2", "n"), input, s, dim, norm, kind, inverse, grad_name)

    transform.__name__ = name
    transform.__doc__ = f"{doc} Implements `torch.fft.{name}`."
    return _ns(name)(transform)


_ALL = None
_LAST_TWO = (-2, -1)
fft2 = _declare_n_d("fft2", "c2c", False, "FftC2CBackward0", _LAST_TWO, "Two-dimensional discrete Fourier transform.")
ifft2 = _declare_n_d("ifft2", "c2c", True, "FftC2CBackward0", _LAST_TWO, "Two-dimensional inverse DFT.")
fftn = _declare_n_d("fftn", "c2c", False, "FftC2CBackward0", _ALL, "N-dimensional discrete Fourier transform.")
ifftn = _declare_n_d("ifftn", "c2c", True, "FftC2CBackward0", _ALL, "N-dimensional inverse DFT.")
rfft2 = _declare_n_d("rfft2", "r2c", False, "FftR2CBackward0", _LAST_TWO, "Two-dimensional FFT of a real signal.")
rfftn = _declare_n_d("rfftn", "r2c", False, "FftR2CBackward0", _ALL, "N-dimensional FFT of a real signal.")
irfft2 = _declare_n_d("irfft2", "c2r", True, "FftC2RBackward0", _LAST_TWO, "Inverse of `rfft2`.")
irfftn = _declare_n_d("irfftn", "c2r", True, "FftC2RBackward0", _ALL, "Inverse of `rfftn`.")
hfft2 = _declare_n_d("hfft2", "c2r", False, "FftC2RBackward0", _LAST_TWO, "Two-dimensional FFT of a Hermitian signal.")
hfftn = _declare_n_d("hfftn", "c2r", False, "FftC2RBackward0", _ALL, "N-dimensional FFT of a Hermitian signal.")
ihfft2 = _declare_n_d("ihfft2", "r2c", True, "FftC2CBackward0", _LAST_TWO, "Inverse of `hfft2`.")
ihfftn = _declare_n_d("ihfftn", "r2c", True, "FftC2CBackward0", _ALL, "Inverse of `hfftn`.")


# ----------------------------------------------------------------- frequencies and shifts
def _frequencies(values, n, d, dtype, device, requires_grad):
    dtype = dtype or _dtype.get_default_dtype()
    result = Tensor._make(jnp.asarray(values, dtype.np) / jnp.asarray(n * d, dtype.np), dtype)
    if device is not None:
        result = result.to(device)
    return result.requires_grad_(requires_grad) if requires_grad else result


@_ns("fftfreq")
def fftfreq(n, d=1.0, *, dtype=None, layout=None, device=None, requires_grad=False):
    """Sample frequencies of an n-point FFT with spacing d. Implements `torch.fft.fftfreq`."""
    values = [*range(0, (n - 1) // 2 + 1), *range(-(n // 2), 0)]
    return _frequencies(values, n, d, dtype, device, requires_grad)


@_ns("rfftfreq")
def rfftfreq(n, d=1.0, *, dtype=None, layout=None, device=None, requires_grad=False):
    """Sample frequencies of an n-point rfft with spacing d. Implements `torch.fft.rfftfreq`."""
    return _frequencies(list(range(n // 2 + 1)), n, d, dtype, device, requires_grad)


@functools.partial(jax.custom_vjp, nondiff_argnums=(1, 2))
def _roll(a, shifts, axes):
    return jnp.roll(a, shifts, axes)


# The gradient is the opposite roll (jnp.roll's own transpose adds zeros, losing -0.0).
_roll.defvjp(lambda a, shifts, axes: (_roll(a, shifts, axes), None),
             lambda shifts, axes, _, g: (jnp.roll(g, tuple(-s for s in shifts), axes),))


def _shift(input, dim, inverse):
    dims = tuple(range(input.dim())) if dim is None else (dim,) if isinstance(dim, int) else tuple(dim)
    axes = tuple(input._wrap_dim(d) for d in dims)
    shifts = tuple(-(input._shape[a] // 2) if inverse else input._shape[a] // 2 for a in axes)
    return apply_fn("RollBackward0", compiled(_roll, shifts, axes), (input,), input.dtype)


@_ns("fftshift", out=False)
def fftshift(input, dim=None):
    """Moves the zero frequency to the centre of `dim` (all dims by default). Implements `torch.fft.fftshift`."""
    return _shift(input, dim, False)


@_ns("ifftshift", out=False)
def ifftshift(input, dim=None):
    """Inverse of `fftshift`. Implements `torch.fft.ifftshift`."""
    return _shift(input, dim, True)

