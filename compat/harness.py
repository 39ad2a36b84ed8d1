"""Running one op on torch and jtorch with identical inputs and comparing everything
a user can observe: values, dtypes, shapes, exception types, in-place identity, out=,
and gradients."""
from __future__ import annotations

import builtins

import numpy as np
import torch

import jtorch as jt

# (rtol, atol) per dtype; float32 is looser than torch's default because XLA's
# transcendental functions may differ from torch's by a few ulp.
TOLERANCES = {
    "float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5), "float32": (1e-5, 1e-6), "float64": (1e-7, 1e-12),
    "complex64": (1e-5, 1e-6), "complex128": (1e-7, 1e-12),
}


def resolve(lib, name: str):
    obj = lib
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def make_pair(values: np.ndarray, dtype: str, requires_grad=False):
    """The same values as a torch tensor and a jtorch tensor of `dtype`."""
    if dtype == "bfloat16" and values.dtype.kind == "f":
        # torch's vectorised float->bfloat16 cast turns every NaN into 0xFFFF (sign bit set),
        # its scalar one into 0x7FC0: the sign of a NaN input would differ by tensor length.
        # Give both libraries positive NaNs, so copysign/signbit see the same operands.
        values = np.where(np.isnan(values), np.abs(values), values)
    t = torch.tensor(values).to(getattr(torch, dtype))
    j = jt.tensor(values).to(getattr(jt, dtype))
    if dtype == "bfloat16":
        t = torch.where(torch.isnan(t), torch.tensor(float("nan"), dtype=torch.bfloat16), t)
    if requires_grad:
        t.requires_grad_(True)
        j.requires_grad_(True)
    return t, j


def run(fn):
    try:
        return fn(), None
    except Exception as error:  # noqa: BLE001 - any exception is an observable outcome
        return None, error


def builtin_base(error: BaseException) -> type:
    """The first built-in exception class of `error` (torch's own classes subclass them)."""
    return next(c for c in type(error).__mro__ if c.__module__ == "builtins")


def assert_same_outcome(j_result, j_error, t_result, t_error, tol=None, what=""):
    if t_error is not None:
        assert j_error is not None, f"{what}: torch raised {t_error!r}, jtorch returned {j_result!r}"
        assert isinstance(j_error, builtin_base(t_error)), f"{what}: torch raised {t_error!r}, jtorch {j_error!r}"
        return
    if j_error is not None:
        raise AssertionError(f"{what}: jtorch raised {j_error!r}; torch returned {t_result!r}") from j_error
    assert_same(j_result, t_result, tol, what)


def assert_same(j, t, tol=None, what="", signed_zeros=True):
    if isinstance(t, torch.Tensor):
        assert isinstance(j, jt.Tensor), f"{what}: expected a Tensor, got {type(j).__name__}"
        assert j.dtype.name == str(t.dtype).removeprefix("torch."), f"{what}: dtype {j.dtype} != {t.dtype}"
        assert tuple(j.shape) == tuple(t.shape), f"{what}: shape {tuple(j.shape)} != {tuple(t.shape)}"
        assert_values(j, t, tol, what, signed_zeros)
    elif isinstance(t, (tuple, list)):
        assert isinstance(j, (tuple, list)) and len(j) == len(t), f"{what}: {j!r} vs {t!r}"
        for a, b in zip(j, t):
            assert_same(a, b, tol, what, signed_zeros)
    elif isinstance(t, float):
        assert isinstance(j, float) and (j == t or np.isnan(j) and np.isnan(t) or np.isclose(j, t)), f"{what}: {j} != {t}"
    else:
        assert j == t and type(j) is type(t), f"{what}: {j!r} != {t!r}"


def numpy_of(x):
    if isinstance(x, torch.Tensor):
        x = x.detach()
        if x._is_zerotensor():  # e.g. torch's gradient of sgn for real inputs
            x = torch.zeros(x.shape, dtype=x.dtype)
        x = x.resolve_conj().resolve_neg()  # conjugate / negative views
        return (x.float() if x.dtype == torch.bfloat16 else x).numpy()
    x = x.detach()
    return (x.float() if x.dtype is jt.bfloat16 else x).numpy().copy()


def assert_values(j, t, tol=None, what="", signed_zeros=True):
    a, b = numpy_of(j), numpy_of(t)
    name = str(t.dtype).removeprefix("torch.")
    if name not in TOLERANCES:
        np.testing.assert_array_equal(a, b, err_msg=what)
        return
    rtol, atol = tol or TOLERANCES[name]
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)
    # torch's signed zeros are observable (printing, division): compare them where both are zero.
    # Not for gradients: there the sign of an exact zero depends on torch's backward kernel.
    if signed_zeros and a.dtype.kind == "f":
        zeros = (a == 0) & (b == 0)
        np.testing.assert_array_equal(np.signbit(a[zeros]), np.signbit(b[zeros]), err_msg=f"{what}: signed zeros")


__all__ = ["TOLERANCES", "assert_same", "assert_same_outcome", "builtins", "make_pair", "resolve", "run"]
