"""More of torch.linalg: cond, tensorinv, tensorsolve, vander, lu_solve, ldl_factor(_ex), ldl_solve.

cond, tensorinv, tensorsolve and vander are composites in torch (ATen's
LinearAlgebra.cpp) and are composed here from jtorch ops the same way, so their grad_fn
names are torch's. lu_solve is one jitted JAX function (LinalgLuSolveBackward0). The LDL
routines call LAPACK's Bunch-Kaufman ?sytrf/?hetrf and ?sytrs/?hetrs through SciPy, as
torch calls LAPACK, so factors and pivots are LAPACK's; torch does not differentiate them.
"""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _dtype
from .._registry import apply_fn, apply_not_differentiable, broadcast_shapes, type_name
from .linalg import compiled
from .linalg_functions import LinAlgError, _both, inv_ex, matrix_norm, return_type, solve, svdvals  # noqa: F401

__all__ = ["cond", "tensorinv", "tensorsolve", "vander", "lu_solve", "ldl_factor_ex", "ldl_factor", "ldl_solve"]


def _jt():
    import jtorch

    return jtorch


# ----------------------------------------------------------------- cond
@_both("cond")
def cond(A, p=None):
    """Condition number in the norm `p` (2-norm by default). Implements `torch.linalg.cond`."""
    jt = _jt()
    if A.dim() < 2:
        raise RuntimeError("linalg.cond: The input tensor must have at least 2 dimensions.")
    ord = 2 if p is None else p
    if isinstance(ord, str):
        if ord not in ("fro", "nuc"):
            raise RuntimeError(f"linalg.cond got an invalid norm type: {ord}")
        label = ord
    else:
        if ord not in (1, -1, 2, -2, math.inf, -math.inf):
            raise RuntimeError(f"linalg.cond got an invalid norm type: {ord}")
        label = str(int(ord)) if abs(ord) in (1, 2) else ("inf" if ord > 0 else "-inf")
    if isinstance(ord, str) and A._shape[-1] != A._shape[-2]:  # torch checks string orders before all else
        raise RuntimeError(f"linalg.cond(ord={label}): A must be batches of square matrices, but they are "
                           f"{A._shape[-2]} by {A._shape[-1]} matrices")
    if A.dtype.category < _dtype.FLOAT:
        name = "linalg.svd" if ord == "nuc" or (not isinstance(ord, str) and abs(ord) == 2) else "linalg.inv"
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {type_name(A.dtype)}")
    if A.numel() == 0:
        return jt.zeros(A._shape[:-2], dtype=A.dtype.to_real(), device=A.device)
    if not isinstance(ord, str) and abs(ord) == 2:
        s = svdvals(A)
        s_max, s_min = s.narrow(-1, 0, 1), s.narrow(-1, -1, 1)
        result = s_min / s_max if ord == -2 else s_max / s_min
        return result.squeeze(-1)
    if A._shape[-1] != A._shape[-2]:
        raise RuntimeError(f"linalg.cond(ord={label}): A must be batches of square matrices, but they are "
                           f"{A._shape[-2]} by {A._shape[-1]} matrices")
    if ord == "nuc":  # torch: from the singular values directly (no inverse)
        s = svdvals(A)
        return s.sum(-1) * s.reciprocal().sum(-1)
    inverse, info = inv_ex(A)
    inverse.masked_fill_((info > 0)[..., None, None], math.inf)  # in place, as torch (so not differentiable)
    result = matrix_norm(A, ord) * matrix_norm(inverse, ord)
    return jt.nan_to_num(result, nan=math.inf, posinf=math.inf, neginf=-math.inf)


# ----------------------------------------------------------------- tensorinv / tensorsolve
@_both("tensorinv")
def tensorinv(A, ind=2):
    """Inverse of a tensor viewed as a square matrix. Implements `torch.linalg.tensorinv`."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    shape = tuple(A._shape)
    end, start = shape[ind:], shape[:ind]
    prod_end, prod_start = math.prod(end), math.prod(start)
    if prod_end != prod_start:
        raise RuntimeError("Expected self to satisfy the requirement prod(self.shape[ind:]) == prod(self.shape[:ind]), "
                           f"but got {prod_end} != {prod_start}")
    result, info = inv_ex(A.reshape(prod_end, prod_end))
    code = int(info.item())
    if code > 0:
        raise LinAlgError(f"inv: The diagonal element {code} is zero, the inversion could not be completed "
                          "because the input matrix is singular.")
    # torch reshapes in C++ (`_reshape_alias` of the fresh inverse): ReshapeAliasBackward0
    return apply_fn("ReshapeAliasBackward0", compiled(jnp.reshape, end + start), (result,), result.dtype)


@_both("tensorsolve")
def tensorsolve(A, B, dims=None):
    """Solution X of tensordot(A, X, X.ndim) = B. Implements `torch.linalg.tensorsolve`."""
    jt = _jt()
    ndim = A.dim()
    if dims is not None:
        dims = list(dims)
        A = jt.movedim(A, dims, list(range(ndim - len(dims), ndim)))
    result_shape = tuple(A._shape)[B.dim():]
    result_product = math.prod(result_shape)
    other_product = math.prod(B._shape)
    if result_product != other_product:
        raise RuntimeError("Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {result_product} != {other_product}")
    return solve(A.reshape(result_product, result_product), B.flatten()).reshape(result_shape)


# ----------------------------------------------------------------- vander
@_both("vander")
def vander(x, N=None):
    """Vandermonde matrix: columns x**0, x**1, ..., x**(N-1). Implements `torch.linalg.vander`."""
    jt = _jt()
    if x.dtype not in (_dtype.float32, _dtype.float64, _dtype.complex64, _dtype.complex128, _dtype.int8,
                       _dtype.uint8, _dtype.int16, _dtype.int32, _dtype.int64):
        raise RuntimeError(f"linalg.vander supports floating point, complex, and integer tensors, but got "
                           f"{type_name(x.dtype)}")
    x_ = x.unsqueeze(-1) if x.dim() == 0 else x
    shape = list(x_._shape)
    n = shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    shape.append(n - 1)
    result = jt.cumprod(x_.unsqueeze(-1).expand(shape), -1)
    shape[-1] = 1
    ones = result.new_ones(shape)
    return jt.cat([ones, result], -1)


# ----------------------------------------------------------------- lu_solve
def _lu_solve_left(lu, perm, b, adjoint):
    trans = 2 if adjoint else 0
    if not adjoint:
        b = jnp.take_along_axis(b, perm[..., None], axis=-2)
        y = lax.linalg.triangular_solve(lu, b, left_side=True, lower=True, unit_diagonal=True)
        return lax.linalg.triangular_solve(lu, y, left_side=True, lower=False)
    y = lax.linalg.triangular_solve(lu, b, left_side=True, lower=False, transpose_a=True,
                                    conjugate_a=trans == 2)
    x = lax.linalg.triangular_solve(lu, y, left_side=True, lower=True, unit_diagonal=True, transpose_a=True,
                                    conjugate_a=trans == 2)
    inv = jnp.argsort(perm, axis=-1)
    return jnp.take_along_axis(x, inv[..., None], axis=-2)


def _lu_solve(lu, pivots, b, left, adjoint):
    n = lu.shape[-1]
    perm = lax.linalg.lu_pivots_to_permutation(pivots - 1, n)
    batch = jnp.broadcast_shapes(lu.shape[:-2], b.shape[:-2])
    lu = jnp.broadcast_to(lu, batch + lu.shape[-2:])
    perm = jnp.broadcast_to(perm, batch + perm.shape[-1:])
    b = jnp.broadcast_to(b, batch + b.shape[-2:])
    if left:
        return _lu_solve_left(lu, perm, b, adjoint)
    # X A = B  <=>  A^H X^H = B^H;   X A^H = B  <=>  A X^H = B^H
    bh = jnp.conj(jnp.swapaxes(b, -1, -2))
    return jnp.conj(jnp.swapaxes(_lu_solve_left(lu, perm, bh, not adjoint), -1, -2))


@_both("lu_solve")
def lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    """Solution of AX = B (or XA = B, or with A^H) from lu_factor's output. Implements `torch.linalg.lu_solve`."""
    if LU.dim() < 2:
        raise RuntimeError("torch.linalg.lu_solve: The input tensor A must have at least 2 dimensions.")
    if LU._shape[-1] != LU._shape[-2]:
        raise RuntimeError(f"torch.linalg.lu_solve: A must be batches of square matrices, but they are "
                           f"{LU._shape[-2]} by {LU._shape[-1]} matrices")
    if B.dim() < 2:
        raise RuntimeError("linalg.lu_solve: The input tensor B must have at least 2 dimensions.")
    if LU.dtype is not B.dtype:
        raise RuntimeError(f"linalg.lu_solve: Expected LU and B to have the same dtype, but found LU of type "
                           f"{type_name(LU.dtype)} and B of type {type_name(B.dtype)} instead")
    if pivots.dtype is not _dtype.int32:
        raise RuntimeError("linalg.lu_solve: pivots should be a Tensor of scalar type torch.int32")
    n = LU._shape[-1]
    if (B._shape[-2] if left else B._shape[-1]) != n:
        raise RuntimeError(f"linalg.lu_solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {B._shape[-2]}x{B._shape[-1]})")
    if pivots.dim() == 0 or pivots._shape[-1] != n:
        raise RuntimeError("linalg.lu_solve: Number of pivots per batch should be same as the dimension of the matrix")
    if tuple(pivots._shape) != tuple(LU._shape[:-1]):
        raise RuntimeError("linalg.lu_solve: Expected LU.shape[:-1] and pivots.shape to be the same, but got pivots "
                           f"with shape {list(pivots._shape)} instead")
    broadcast_shapes(B._shape[:-2], LU._shape[:-2])
    fn = compiled(_lu_solve, bool(left), bool(adjoint))
    return apply_fn("LinalgLuSolveBackward0", fn, (LU, pivots, B), LU.dtype)


# ----------------------------------------------------------------- LDL (Bunch-Kaufman)
LinalgLdlFactorEx = return_type("linalg_ldl_factor_ex", ("LD", "pivots", "info"))
LinalgLdlFactor = return_type("linalg_ldl_factor", ("LD", "pivots"))

_PREFIX = {np.dtype("float32"): "s", np.dtype("float64"): "d", np.dtype("complex64"): "c",
           np.dtype("complex128"): "z"}


def _lapack(kind, dtype, hermitian):
    from scipy.linalg import lapack

    prefix = _PREFIX[np.dtype(dtype)]
    family = "he" if hermitian and prefix in "cz" else "sy"
    return getattr(lapack, f"{prefix}{family}{kind}")


def _ldl_checks(name, A):
    if A.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A._shape[-1] != A._shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {A._shape[-2]} by "
                           f"{A._shape[-1]} matrices")
    if A.dtype.category < _dtype.FLOAT:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {type_name(A.dtype)}")
    if A.dtype in (_dtype.float16, _dtype.bfloat16):
        raise NotImplementedError(f'"ldl_factor_kernel_cpu" not implemented for \'{type_name(A.dtype)}\'')


def _not_differentiable(kernel, tensors, values, dtypes):
    """Wrap host-computed `values` as outputs whose backward raises torch's error."""
    return apply_not_differentiable(f"the derivative for '{kernel}' is not implemented.", tensors, values, dtypes)


@_both("ldl_factor_ex")
def ldl_factor_ex(A, *, hermitian=False, check_errors=False):
    """Bunch-Kaufman LDL factorization (LAPACK's compact form, lower), pivots and info.
    Implements `torch.linalg.ldl_factor_ex`."""
    _ldl_checks("torch.linalg.ldl_factor_ex", A)
    a = np.asarray(A._data)
    n = a.shape[-1]
    flat = a.reshape((-1, n, n))
    ld = np.zeros_like(flat)
    piv = np.zeros(flat.shape[:-1], np.int32)
    info = np.zeros(flat.shape[0], np.int32)
    if n:
        routine = _lapack("trf", a.dtype, hermitian)
        for i, m in enumerate(flat):
            out, ipiv, code = routine(m, lower=1)
            ld[i] = np.tril(out)
            piv[i] = ipiv
            info[i] = code
    values = (ld.reshape(a.shape), piv.reshape(a.shape[:-1]), info.reshape(a.shape[:-2]))
    if check_errors and np.any(values[2] != 0):
        code = int(values[2].reshape(-1)[np.nonzero(values[2].reshape(-1))[0][0]])
        raise RuntimeError(f"torch.linalg.ldl_factor_ex: Unknown error code: {code}.")
    return LinalgLdlFactorEx(_not_differentiable("linalg_ldl_factor_ex", (A,), values,
                                                 (A.dtype, _dtype.int32, _dtype.int32)))


@_both("ldl_factor")
def ldl_factor(A, *, hermitian=False):
    """Bunch-Kaufman LDL factorization and pivots. Implements `torch.linalg.ldl_factor`."""
    _ldl_checks("torch.linalg.ldl_factor_ex", A)
    LD, pivots, info = ldl_factor_ex(A, hermitian=hermitian)
    codes = np.asarray(info._data).reshape(-1)
    if np.any(codes != 0):
        raise RuntimeError(f"torch.linalg.ldl_factor: Unknown error code: {int(codes[np.nonzero(codes)[0][0]])}.")
    return LinalgLdlFactor((LD, pivots))


@_both("ldl_solve")
def ldl_solve(LD, pivots, B, *, hermitian=False):
    """Solution of AX = B from ldl_factor's output. Implements `torch.linalg.ldl_solve`."""
    if B.dim() < 2:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(B.dim(), 1)}, "
                         f"{max(B.dim(), 1) - 1}], but got -2)")
    _ldl_checks("torch.linalg.ldl_solve", LD)
    if B.dtype is not LD.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {type_name(B.dtype)} and A "
                           f"of type {type_name(LD.dtype)} instead.")
    n = LD._shape[-1]
    if B._shape[-2] != n:
        raise RuntimeError(f"Incompatible matrix sizes for torch.linalg.ldl_solve: each A matrix is {n} by {n} but "
                           f"each b matrix is {B._shape[-2]} by {B._shape[-1]}")
    if pivots.dtype.category >= _dtype.FLOAT or pivots.dtype is _dtype.bool:
        raise RuntimeError("torch.linalg.ldl_solve: Expected pivots to be integers. Got " + type_name(pivots.dtype))
    batch = broadcast_shapes(B._shape[:-2], LD._shape[:-2])
    ld = np.broadcast_to(np.asarray(LD._data), tuple(batch) + (n, n)).reshape((-1, n, n))
    piv = np.broadcast_to(np.asarray(pivots._data).astype(np.int32), tuple(batch) + (n,)).reshape((-1, n))
    b = np.broadcast_to(np.asarray(B._data), tuple(batch) + tuple(B._shape[-2:]))
    k = B._shape[-1]
    flat = b.reshape((-1, n, k))
    x = np.zeros_like(flat)
    if n and k:
        routine = _lapack("trs", ld.dtype, hermitian)
        for i in range(flat.shape[0]):
            x[i], _ = routine(ld[i], piv[i], flat[i], lower=1)
    return _not_differentiable("linalg_ldl_solve", (LD, pivots, B), (x.reshape(b.shape),), (LD.dtype,))[0]
