"""torch.linalg: norms, inverses and solvers, decompositions and matrix functions,
plus their legacy `torch.*` spellings (det, inverse, svd, qr, cholesky, norm, ...).

Each op checks its inputs as torch does (dtype, rank, squareness; a LinAlgError for
singular or non-positive-definite inputs), then runs one cached jitted JAX function
through `apply_fn`, so gradients are `jax.vjp` of that function.
"""
from __future__ import annotations

import functools
import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _dtype
from .._registry import apply_fn, broadcast_shapes, check_same_device, op, type_name
from .._tensor import Tensor, warn_once
from .linalg import HIGHEST, compiled, product


class LinAlgError(RuntimeError):
    """Raised for singular or non-positive-definite inputs. Implements `torch.linalg.LinAlgError`."""

    __module__ = "torch.linalg"


def return_type(name: str, fields: tuple):
    """A torch.return_types class: a tuple with named fields, built from one sequence."""

    def __new__(cls, values):
        return tuple.__new__(cls, values)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"

    namespace = {"__new__": __new__, "__repr__": __repr__, "__slots__": (), "n_fields": len(fields),
                 "n_sequence_fields": len(fields), "__module__": "torch.return_types",
                 "__reduce__": lambda self: (type(self), (tuple(self),))}
    for i, f in enumerate(fields):
        namespace[f] = property(lambda self, i=i: self[i])
    return type(name, (tuple,), namespace)


def _both(name, **kw):
    """Register one body as `torch.linalg.<name>` (no method) and return it."""
    return op(name=name, namespace="torch.linalg", method=False, **kw)


# ----------------------------------------------------------------- input checks
def _floating(name, A, half=None):
    """torch's error for integer inputs, and for half inputs when `half` names the
    (exception type, message) this op raises for them."""
    if A.dtype.category < _dtype.FLOAT:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {type_name(A.dtype)}")
    if half is not None and A.dtype in (_dtype.float16, _dtype.bfloat16):
        kind, message = half
        raise kind(message.format(name=name, type=type_name(A.dtype)))


LOW = (RuntimeError, "{name}: Low precision dtypes not supported. Got {type}")


def _not_impl(kernel):
    return (NotImplementedError, f'"{kernel}" not implemented for \'{{type}}\'')


def _matrix(name, A, square=True, arg="A"):
    if A.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor {arg} must have at least 2 dimensions.")
    if square and A._shape[-1] != A._shape[-2]:
        raise RuntimeError(f"{name}: {arg} must be batches of square matrices, but they are {A._shape[-2]} by "
                           f"{A._shape[-1]} matrices")


def _raise_info(info, message, batched):
    """A LinAlgError for the first failing matrix in `info` (LAPACK's per-matrix codes)."""
    codes = np.asarray(info).reshape(-1)
    bad = np.nonzero(codes)[0]
    if bad.size:
        prefix = f"(Batch element {bad[0]}): " if batched else ""
        raise LinAlgError(message(prefix, int(codes[bad[0]])))


def _eye_like(a):
    return jnp.broadcast_to(jnp.eye(a.shape[-1], dtype=a.dtype), a.shape)


def _mT(a):
    return jnp.swapaxes(a, -1, -2)


def _mH(a):
    return jnp.conj(_mT(a))


def _hermitian(a, lower=True):
    """The Hermitian matrix read from one triangle of `a` (as LAPACK does), whose
    derivative is that of (a + a^H) / 2: torch's gradients of eigh and cholesky are Hermitian."""
    tri = jnp.tril(a) if lower else jnp.triu(a)
    mirrored = tri + _mH(jnp.tril(a, -1) if lower else jnp.triu(a, 1))
    if jnp.iscomplexobj(a):  # the imaginary part of the diagonal is ignored
        mirrored = mirrored - 1j * jnp.imag(jnp.diagonal(a, axis1=-2, axis2=-1))[..., None] * _eye_like(a)
    sym = (a + _mH(a)) / 2
    return lax.stop_gradient(mirrored) + sym - lax.stop_gradient(sym)


# ----------------------------------------------------------------- inverses and solvers
def _lu_info(a):
    """LAPACK getrf's info: 1 + the index of the first zero pivot of U, else 0."""
    lu, _, _ = lax.linalg.lu(a)
    diag = jnp.diagonal(lu, axis1=-2, axis2=-1)
    zero = diag == 0
    return jnp.where(zero.any(-1), jnp.argmax(zero, -1) + 1, 0).astype(jnp.int32)


def _inv_ex(a):
    return jnp.linalg.inv(a), _lu_info(a)


def _inv_message(prefix, code):
    return (f"linalg.inv: {prefix}The diagonal element {code} is zero, the inversion could not be completed "
            "because the input matrix is singular.")


LinalgInvEx = return_type("linalg_inv_ex", ("inverse", "info"))


@_both("inv_ex")
def inv_ex(A, *, check_errors=False):
    """Inverse of square matrices and LAPACK's info codes. Implements `torch.linalg.inv_ex`."""
    _floating("linalg.inv", A, LOW)
    _matrix("linalg.inv", A)
    inverse, info = apply_fn("LinalgInvExBackward0", compiled(_inv_ex), (A,), (A.dtype, _dtype.int32))
    if check_errors:
        _raise_info(info._data, _inv_message, A.dim() > 2)
    return LinalgInvEx((inverse, info))


@_both("inv")
def inv(A):
    """Inverse of square matrices; LinAlgError when singular. Implements `torch.linalg.inv`."""
    return inv_ex(A, check_errors=True).inverse


@op(inplace=False)
def inverse(input):
    """Alias of `torch.linalg.inv`. Implements `torch.inverse`."""
    return inv(input)


def _is_vector_rhs(A, B):
    return B.dim() == 1 or (B.dim() == A.dim() - 1 and B._shape == A._shape[:-1])


def _solve(a, b, left, vector):
    if not left:
        a, b = _mT(a), (b if vector else _mT(b))
    if vector:
        b = b[..., None]
    batch = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = jnp.broadcast_to(a, batch + a.shape[-2:])
    b = jnp.broadcast_to(b, batch + b.shape[-2:])
    x = jnp.linalg.solve(a, b)
    if vector:
        return x[..., 0], _lu_info(a)
    return (x if left else _mT(x)), _lu_info(a)


LinalgSolveEx = return_type("linalg_solve_ex", ("result", "info"))


def _check_solve(A, B, left):
    _floating("linalg.solve", A, LOW)
    _matrix("linalg.solve", A)
    if A.dtype is not B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{type_name(A.dtype)} and B of type {type_name(B.dtype)} instead")
    check_same_device((A, B))
    vector = _is_vector_rhs(A, B)
    n = A._shape[-1]
    shape = B._shape + (1,) if vector else B._shape  # torch checks a vector B as a column
    k = shape[-2] if left else shape[-1]
    if B.dim() == 0 or k != n:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({A._shape[-2]}x{n} and "
                           f"{'x'.join(map(str, shape[-2:]))})")
    broadcast_shapes(A._shape[:-2], B._shape[:-1] if vector else B._shape[:-2])
    if vector and not left:
        raise RuntimeError("linalg.solve: Vector broadcasting of the left hand side is not supported for left=False. "
                           "In this case linalg.solve is equivalent to B / A.squeeze(-1)")
    return vector


@_both("solve_ex")
def solve_ex(A, B, *, left=True, check_errors=False):
    """Solution of AX = B (XA = B if not left) and LAPACK's info. Implements `torch.linalg.solve_ex`."""
    vector = _check_solve(A, B, left)
    x, info = apply_fn("LinalgSolveExBackward0", compiled(_solve, bool(left), vector), (A, B), (A.dtype, _dtype.int32))
    if check_errors:
        _raise_info(info._data, lambda p, c: f"torch.linalg.solve: {p}The solver failed because the input matrix is "
                    "singular.", info.dim() > 0)
    return LinalgSolveEx((x, info))


@_both("solve")
def solve(A, B, *, left=True):
    """Solution of AX = B (XA = B if not left); LinAlgError when singular. Implements `torch.linalg.solve`."""
    return solve_ex(A, B, left=left, check_errors=True).result


def _solve_triangular(a, b, upper, left, unitriangular):
    batch = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = jnp.broadcast_to(a, batch + a.shape[-2:])
    b = jnp.broadcast_to(b, batch + b.shape[-2:])
    return lax.linalg.triangular_solve(a, b, left_side=left, lower=not upper, unit_diagonal=unitriangular)


@_both("solve_triangular")
def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """Solution of a triangular system AX = B (XA = B if not left). Implements `torch.linalg.solve_triangular`."""
    _matrix("linalg.solve_triangular", A)
    _matrix("linalg.solve_triangular", B, square=False, arg="B")
    if A.dtype.category < _dtype.FLOAT or A.dtype in (_dtype.float16, _dtype.bfloat16):
        raise NotImplementedError(f'"triangular_solve_cpu" not implemented for \'{type_name(A.dtype)}\'')
    if A.dtype is not B.dtype:
        raise RuntimeError(f"linalg.solve_triangular: Expected A and B to have the same dtype, but found A of type "
                           f"{type_name(A.dtype)} and B of type {type_name(B.dtype)} instead")
    n = A._shape[-1]
    if (B._shape[-2] if left else B._shape[-1]) != n:
        raise RuntimeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {B._shape[-2]}x{B._shape[-1]})")
    broadcast_shapes(A._shape[:-2], B._shape[:-2])
    fn = compiled(_solve_triangular, bool(upper), bool(left), bool(unitriangular))
    return apply_fn("LinalgSolveTriangularBackward0", fn, (A, B), A.dtype)


# ----------------------------------------------------------------- determinants
def _det_checks(name, A, half):
    _floating(name, A, half)
    _matrix(name, A)


@_both("det")
def det(A):
    """Determinant of square matrices. Implements `torch.linalg.det`."""
    _det_checks("linalg.det", A, _not_impl("lu_cpu"))
    return apply_fn("LinalgDetBackward0", compiled(jnp.linalg.det), (A,), A.dtype)


LinalgSlogdet = return_type("linalg_slogdet", ("sign", "logabsdet"))


def _slogdet(a):
    sign, logabs = jnp.linalg.slogdet(a)
    return sign, logabs


@_both("slogdet")
def slogdet(A):
    """(sign, log|det|) of square matrices. Implements `torch.linalg.slogdet`."""
    _det_checks("linalg.slogdet", A, LOW)
    return LinalgSlogdet(apply_fn("LinalgSlogdetBackward0", compiled(_slogdet), (A,), (A.dtype, A.dtype.to_real())))


def _logdet(a):
    sign, logabs = jnp.linalg.slogdet(a)
    if jnp.iscomplexobj(a):
        return jnp.where(sign == 0, -jnp.inf, logabs + jnp.log(sign))
    return jnp.where(sign < 0, jnp.nan, logabs)


@op(inplace=False)
def logdet(input):
    """log(det(input)): nan for a negative determinant. Implements `torch.logdet`."""
    _det_checks("linalg.slogdet", input, LOW)
    return apply_fn("WhereBackward0", compiled(_logdet), (input,), input.dtype)


# ----------------------------------------------------------------- decompositions
LinalgSvd = return_type("linalg_svd", ("U", "S", "Vh"))
Svd = return_type("svd", ("U", "S", "V"))


def _svd(a, full_matrices):
    m, n = a.shape[-2:]
    u, s, vh = jnp.linalg.svd(a, full_matrices=False)
    if not full_matrices or m == n:
        return u, s, vh
    # JAX differentiates only the reduced SVD. As in torch, the extra columns of the full
    # factors carry no gradient: take their values from the full SVD and the tangents of
    # the first k columns from the reduced one (aligned in sign).
    uf, _, vhf = jnp.linalg.svd(lax.stop_gradient(a), full_matrices=True)
    k = min(m, n)

    def attach(full, reduced, axis):
        part = lax.slice_in_dim(full, 0, k, axis=full.ndim + axis)
        sign = jnp.sign(jnp.sum(jnp.conj(part) * reduced, axis=-2 if axis == -1 else -1, keepdims=True).real)
        delta = (reduced - lax.stop_gradient(reduced)) * sign
        pad = [(0, 0)] * full.ndim
        pad[full.ndim + axis] = (0, full.shape[axis] - k)
        return full + jnp.pad(delta, pad)

    return attach(uf, u, -1), s, attach(vhf, vh, -2)


def _svd_checks(A):
    _floating("linalg.svd", A, _not_impl("linalg_svd_cpu"))
    _matrix("linalg.svd", A, square=False)


@_both("svd")
def svd(A, full_matrices=True, *, driver=None):
    """Singular value decomposition A = U diag(S) Vh. Implements `torch.linalg.svd`."""
    _svd_checks(A)
    real = A.dtype.to_real()
    return LinalgSvd(apply_fn("LinalgSvdBackward0", compiled(_svd, bool(full_matrices)), (A,), (A.dtype, real, A.dtype)))


def _svdvals(a):
    return jnp.linalg.svd(a, compute_uv=False)


@_both("svdvals")
def svdvals(A, *, driver=None):
    """Singular values, in descending order. Implements `torch.linalg.svdvals`."""
    _svd_checks(A)
    return apply_fn("LinalgSvdBackward0", compiled(_svdvals), (A,), A.dtype.to_real())


def _legacy_svd(a, some, compute_uv):
    if not compute_uv:
        s = jnp.linalg.svd(a, compute_uv=False)
        m, n = a.shape[-2:]
        rows, cols = (m, min(m, n)) if some else (m, m)
        vrows, vcols = (n, min(m, n)) if some else (n, n)
        batch = a.shape[:-2]
        return jnp.zeros(batch + (rows, cols), a.dtype), s, jnp.zeros(batch + (vrows, vcols), a.dtype)
    u, s, vh = _svd(a, not some)
    return u, s, _mH(vh)


@op(name="svd", inplace=False)
def svd_legacy(input, some=True, compute_uv=True):
    """Singular value decomposition input = U diag(S) V^H. Implements `torch.svd`."""
    _svd_checks(input)
    fn = compiled(_legacy_svd, bool(some), bool(compute_uv))
    return Svd(apply_fn("LinalgSvdBackward0", fn, (input,), (input.dtype, input.dtype.to_real(), input.dtype)))


LinalgQr = return_type("linalg_qr", ("Q", "R"))
Qr = return_type("qr", ("Q", "R"))


@functools.lru_cache(maxsize=None)
def _not_differentiable(message):
    """The identity, whose backward raises torch's RuntimeError(message)."""

    @jax.custom_vjp
    def identity(x):
        return x

    def backward(_, g):
        raise RuntimeError(message)

    identity.defvjp(lambda x: (x, None), backward)
    return identity


def _qr(a, mode):
    if mode == "r":
        a = _not_differentiable("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                                "Please use linalg.qr(A, mode='reduced') if you are going to differentiate through "
                                "linalg.qr.")(a)
        return jnp.zeros((0,), a.dtype), jnp.linalg.qr(a, mode="r")
    if mode == "complete" and a.shape[-2] > a.shape[-1]:
        a = _not_differentiable("The QR decomposition is not differentiable when mode='complete' and "
                                "nrows > ncols.")(a)
    return tuple(jnp.linalg.qr(a, mode=mode))  # a plain tuple: autograd's cotangents are tuples


def _qr_impl(A, mode):
    _floating("linalg.qr", A, _not_impl("geqrf_cpu"))
    _matrix("linalg.qr", A, square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           "or 'complete'")
    return apply_fn("LinalgQrBackward0", compiled(_qr, mode), (A,), (A.dtype, A.dtype))


@_both("qr")
def qr(A, mode="reduced"):
    """QR decomposition (Householder, as LAPACK's geqrf). Implements `torch.linalg.qr`."""
    return LinalgQr(_qr_impl(A, mode))


@op(name="qr", inplace=False)
def qr_legacy(input, some=True):
    """QR decomposition, `some` choosing the reduced form. Implements `torch.qr`."""
    warnings.warn("torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future PyTorch "
                  "release.", UserWarning, stacklevel=2)
    return Qr(_qr_impl(input, "reduced" if some else "complete"))


LinalgEig = return_type("linalg_eig", ("eigenvalues", "eigenvectors"))
LinalgEigh = return_type("linalg_eigh", ("eigenvalues", "eigenvectors"))


def _eig_checks(name, A):
    if A.dtype.category < _dtype.FLOAT:
        raise RuntimeError(f"Unknown Complex ScalarType for {type_name(A.dtype)}")
    _floating(name, A, _not_impl("linalg_eig_out_cpu"))
    _matrix(name, A)


def _eig(a):
    # torch differentiates eigenvectors assuming distinct eigenvalues, as JAX does on request.
    w, v = lax.linalg.eig(a, compute_left_eigenvectors=False, enable_eigvec_derivs=True)
    return w, v


@_both("eig")
def eig(A):
    """Eigenvalues and unit-norm eigenvectors (complex) of square matrices. Implements `torch.linalg.eig`."""
    _eig_checks("linalg.eig", A)
    c = A.dtype.to_complex()
    return LinalgEig(apply_fn("LinalgEigBackward0", compiled(_eig), (A,), (c, c)))


@_both("eigvals")
def eigvals(A):
    """Eigenvalues (complex) of square matrices. Implements `torch.linalg.eigvals`."""
    _eig_checks("linalg.eigvals", A)
    return apply_fn("LinalgEigBackward0", compiled(jnp.linalg.eigvals), (A,), A.dtype.to_complex())


def _eigh(a, lower, vectors):
    w, v = jnp.linalg.eigh(_hermitian(a, lower), symmetrize_input=False)
    return (w, v) if vectors else w


def _eigh_checks(A, UPLO):
    if A.dtype.category < _dtype.FLOAT or A.dtype in (_dtype.float16, _dtype.bfloat16):
        raise NotImplementedError(f'"linalg_eigh_cpu" not implemented for \'{type_name(A.dtype)}\'')
    _matrix("linalg.eigh", A)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")


@_both("eigh")
def eigh(A, UPLO="L"):
    """Eigen-decomposition of Hermitian matrices (read from the UPLO triangle). Implements `torch.linalg.eigh`."""
    _eigh_checks(A, UPLO)
    fn = compiled(_eigh, UPLO == "L", True)
    return LinalgEigh(apply_fn("LinalgEighBackward0", fn, (A,), (A.dtype.to_real(), A.dtype)))


@_both("eigvalsh")
def eigvalsh(A, UPLO="L"):
    """Eigenvalues of Hermitian matrices, ascending. Implements `torch.linalg.eigvalsh`."""
    _eigh_checks(A, UPLO)
    return apply_fn("LinalgEighBackward0", compiled(_eigh, UPLO == "L", False), (A,), A.dtype.to_real())


def _cholesky(a, upper):
    low = lax.linalg.cholesky(_hermitian(a, lower=not upper), symmetrize_input=False)
    diag = jnp.real(jnp.diagonal(low, axis1=-2, axis2=-1))
    bad = ~(diag > 0)
    info = jnp.where(bad.any(-1), jnp.argmax(bad, -1) + 1, 0).astype(jnp.int32)
    return (_mH(low) if upper else low), info


LinalgCholeskyEx = return_type("linalg_cholesky_ex", ("L", "info"))


def _cholesky_message(prefix, code):
    return (f"linalg.cholesky: {prefix}The factorization could not be completed because the input is not "
            f"positive-definite (the leading minor of order {code} is not positive-definite).")


@_both("cholesky_ex")
def cholesky_ex(A, *, upper=False, check_errors=False):
    """Cholesky factor and LAPACK's info code. Implements `torch.linalg.cholesky_ex`."""
    _floating("linalg.cholesky", A, _not_impl("cholesky_cpu"))
    _matrix("linalg.cholesky", A)
    factor, info = apply_fn("LinalgCholeskyExBackward0", compiled(_cholesky, bool(upper)), (A,),
                            (A.dtype, _dtype.int32))
    if check_errors:
        _raise_info(info._data, _cholesky_message, A.dim() > 2)
    return LinalgCholeskyEx((factor, info))


@_both("cholesky")
def cholesky(A, *, upper=False):
    """Cholesky factor of Hermitian positive-definite matrices. Implements `torch.linalg.cholesky`."""
    return cholesky_ex(A, upper=upper, check_errors=True).L


@op(name="cholesky", inplace=False)
def cholesky_legacy(input, upper=False):
    """Cholesky factor (deprecated spelling). Implements `torch.cholesky`."""
    warnings.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future "
                  "PyTorch release.", UserWarning, stacklevel=2)
    _floating("linalg.cholesky", input, _not_impl("cholesky_cpu"))
    _matrix("linalg.cholesky", input)
    factor, info = apply_fn("CholeskyBackward0", compiled(_cholesky, bool(upper)), (input,),
                            (input.dtype, _dtype.int32))
    _raise_info(info._data, _cholesky_message, input.dim() > 2)
    return factor


LinalgLu = return_type("linalg_lu", ("P", "L", "U"))
LinalgLuFactor = return_type("linalg_lu_factor", ("LU", "pivots"))
LinalgLuFactorEx = return_type("linalg_lu_factor_ex", ("LU", "pivots", "info"))


def _lu_checks(name, A, pivot):
    if A.dim() < 2:
        raise RuntimeError(f"{name}: Expected tensor with 2 or more dimensions. Got size: {list(A._shape)} instead")
    if A.dtype.category < _dtype.FLOAT or A.dtype in (_dtype.float16, _dtype.bfloat16):
        raise NotImplementedError(f'"lu_cpu" not implemented for \'{type_name(A.dtype)}\'')
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")


def _lu_parts(a):
    lu, pivots, perm = lax.linalg.lu(a)
    m, n = a.shape[-2:]
    k = min(m, n)
    lower = jnp.tril(lu[..., :, :k], -1) + jnp.eye(m, k, dtype=a.dtype)
    upper = jnp.triu(lu[..., :k, :])
    return lower, upper


def _lu_permutation(a):
    _, _, perm = lax.linalg.lu(a)
    m = a.shape[-2]
    # A = P L U: row i of A is row perm^-1(i) of L U, so P[perm[j], j] = 1.
    return jnp.swapaxes(jax.nn.one_hot(perm, m, dtype=a.dtype), -1, -2)


@_both("lu")
def lu(A, *, pivot=True):
    """LU decomposition with partial pivoting, A = P L U. Implements `torch.linalg.lu`."""
    _lu_checks("linalg.lu", A, pivot)
    permutation = Tensor._make(compiled(_lu_permutation)(A._data), A.dtype, A.device)
    lower, upper = apply_fn("LinalgLuBackward0", compiled(_lu_parts), (A,), (A.dtype, A.dtype))
    return LinalgLu((permutation, lower, upper))


def _lu_factor(a):
    lu, pivots, _ = lax.linalg.lu(a)
    k = min(a.shape[-2:])
    diag = jnp.diagonal(lu, axis1=-2, axis2=-1)[..., :k]
    zero = diag == 0
    info = jnp.where(zero.any(-1), jnp.argmax(zero, -1) + 1, 0).astype(jnp.int32)
    return lu, (pivots + 1).astype(jnp.int32), info


@_both("lu_factor_ex")
def lu_factor_ex(A, *, pivot=True, check_errors=False):
    """Compact LU factorization, 1-based pivots and info. Implements `torch.linalg.lu_factor_ex`."""
    _lu_checks("torch.lu_factor", A, pivot)
    result = apply_fn("LinalgLuFactorExBackward0", compiled(_lu_factor), (A,), (A.dtype, _dtype.int32, _dtype.int32))
    if check_errors:
        _raise_info(result[2]._data, lambda p, c: f"torch.linalg.lu_factor_ex: {p}U[{c},{c}] is zero and using it "
                    "on lu_solve would result in a division by zero.", A.dim() > 2)
    return LinalgLuFactorEx(result)


@_both("lu_factor")
def lu_factor(A, *, pivot=True):
    """Compact LU factorization and 1-based pivots. Implements `torch.linalg.lu_factor`."""
    LU, pivots, info = lu_factor_ex(A, pivot=pivot)
    codes = np.asarray(info._data).reshape(-1)
    bad = np.nonzero(codes)[0]
    if bad.size:
        c = int(codes[bad[0]])
        prefix = f"(Batch element {bad[0]}): " if A.dim() > 2 else ""
        raise RuntimeError(f"torch.linalg.lu_factor: {prefix}U[{c},{c}] is zero and using it on lu_solve would result "
                           "in a division by zero. If you still want to perform the factorization, consider calling "
                           "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")
    return LinalgLuFactor((LU, pivots))


_LuWithInfo = return_type("_lu_with_info", ("LU", "pivots", "info"))
_LU_DEPRECATED = (
    "torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and will be removed in a "
    "future PyTorch release.\nLU, pivots = torch.lu(A, compute_pivots)\nshould be replaced with\nLU, pivots = "
    "torch.linalg.lu_factor(A, compute_pivots)\nand\nLU, pivots, info = torch.lu(A, compute_pivots, get_infos=True)"
    "\nshould be replaced with\nLU, pivots, info = torch.linalg.lu_factor_ex(A, compute_pivots) (Triggered "
    "internally at /__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp:2073.)")


@op(name="lu", method=False, out=False)
def lu(A, pivot=True, get_infos=False):
    """(LU, pivots), plus info with `get_infos`: `linalg.lu_factor_ex` without its error
    check. Deprecated in torch (warns once). Implements `torch.lu` (no `out=`)."""
    warn_once(_LU_DEPRECATED)
    LU, pivots, info = lu_factor_ex(A, pivot=pivot)
    return _LuWithInfo((LU, pivots, info)) if get_infos else (LU, pivots)


def lu_method(self, pivot=True, get_infos=False):
    """`torch.lu` as a plain tuple. Implements `Tensor.lu`."""
    return tuple(lu(self, pivot, get_infos))


def _householder_product(a, tau):
    m, n = a.shape[-2:]
    k = tau.shape[-1]
    q = jnp.broadcast_to(jnp.eye(m, n, dtype=a.dtype), a.shape)
    # Q = H_1 ... H_k I[:, :n], applied right to left; H_i = I - tau_i v_i v_i^H.
    rows = jnp.arange(m)
    for i in reversed(range(k)):
        v = jnp.where(rows[:, None] == i, 1, jnp.where(rows[:, None] > i, a[..., :, i:i + 1], 0))
        w = jnp.matmul(_mH(v), q, precision=HIGHEST)
        q = q - tau[..., i, None, None] * v * w
    return q


@_both("householder_product")
def householder_product(A, tau):
    """The first n columns of the product of Householder reflectors. Implements `torch.linalg.householder_product`."""
    name = "torch.linalg.householder_product"
    if A.dim() < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if A._shape[-2] < A._shape[-1]:
        raise RuntimeError(f"{name}: input.shape[-2] must be greater than or equal to input.shape[-1]")
    if A._shape[-1] < tau._shape[-1]:
        raise RuntimeError(f"{name}: input.shape[-1] must be greater than or equal to tau.shape[-1]")
    if tau.dim() != A.dim() - 1 or tau._shape[:-1] != A._shape[:-2]:
        raise RuntimeError(f"{name}: Expected batch dimensions of tau to be equal to input.shape[:-2]")
    if A.dtype is not tau.dtype:
        raise RuntimeError(f"{name}: tau dtype {tau.dtype} does not match input dtype {A.dtype}")
    _floating(name, A, _not_impl("orgqr_cpu"))
    return apply_fn("LinalgHouseholderProductBackward0", compiled(_householder_product), (A, tau), A.dtype)


# ----------------------------------------------------------------- least squares, pseudo-inverse, rank
LinalgLstsq = return_type("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))


def _lstsq(a, b, rcond, driver, vector):
    if vector:
        b = b[..., None]
    batch = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = jnp.broadcast_to(a, batch + a.shape[-2:])
    b = jnp.broadcast_to(b, batch + b.shape[-2:])
    m, n = a.shape[-2:]
    s = jnp.linalg.svd(a, compute_uv=False)
    cutoff = rcond * s[..., :1]
    rank = (s > cutoff).sum(-1)
    cutoff_x = lax.stop_gradient(cutoff[..., 0]) if driver != "gels" else jnp.zeros(a.shape[:-2], s.dtype)
    x = jnp.matmul(_pinv_smooth(a, cutoff_x), b, precision=HIGHEST)
    empty = jnp.zeros((0,), jnp.real(a).dtype)
    if driver != "gelsy" and m > n:
        residual = jnp.abs(b - jnp.matmul(a, x, precision=HIGHEST)) ** 2
        residuals = residual.sum(-2)
        if driver != "gels":
            residuals = jnp.where((rank == n)[..., None], residuals, jnp.nan)
    else:
        residuals = empty
    sv = s if driver in ("gelsd", "gelss") else empty
    if vector:
        x = x[..., 0]
    return x, residuals, rank, sv


@_both("lstsq", out=False)
def lstsq(A, B, rcond=None, *, driver=None):
    """Least-squares solution of AX = B (minimum norm for rank-deficient A). Implements `torch.linalg.lstsq`."""
    _floating("linalg.lstsq", A, _not_impl("linalg_lstsq_cpu"))
    _matrix("torch.linalg.lstsq", A, square=False)
    if A.dtype is not B.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got "
                           f"input's dtype {type_name(A.dtype)} and other's dtype {type_name(B.dtype)}")
    driver = driver or "gelsy"
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    vector = B.dim() == A.dim() - 1
    if B._shape[-1 if vector else -2] != A._shape[-2]:
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match other.size(-{1 if vector else 2})")
    if rcond is None:
        rcond = float(np.finfo(A.dtype.to_real().np).eps) * max(A._shape[-2:])
    fn = compiled(_lstsq, float(rcond), driver, vector)
    real = A.dtype.to_real()
    x, residuals, rank, sv = apply_fn("LinalgLstsqBackward0", fn, (A, B), (A.dtype, real, _dtype.int64, real))
    if residuals.numel() and bool(np.isnan(np.asarray(residuals._data)).any()):
        # LAPACK returns residuals only for full-rank systems.
        residuals = Tensor._make(jnp.zeros((0,), real.np), real, A.device)
    if driver == "gels":
        rank = Tensor._make(jnp.zeros((0,), jnp.int64), _dtype.int64, A.device)
    rank, sv = rank.detach(), sv.detach()
    return LinalgLstsq((x, residuals, rank, sv))


def _pinv(a, cutoff):
    """Pseudo-inverse from the SVD, zeroing singular values at or below `cutoff`."""
    u, s, vh = jnp.linalg.svd(a, full_matrices=False)
    cutoff = jnp.asarray(cutoff)[..., None]
    keep = s > cutoff
    s_inv = jnp.where(keep, 1 / jnp.where(keep, s, 1), 0).astype(a.dtype)
    return jnp.matmul(_mH(vh) * s_inv[..., None, :], _mH(u), precision=HIGHEST)


@jax.custom_jvp
def _pinv_smooth(a, cutoff):
    return _pinv(a, cutoff)


@_pinv_smooth.defjvp
def _pinv_smooth_jvp(primals, tangents):
    """The pseudo-inverse's derivative at constant rank (as torch's pinv_backward), not
    the SVD's, which is undefined for repeated singular values."""
    a, cutoff = primals
    da = tangents[0]
    p = _pinv_smooth(a, cutoff)

    def mm(*xs):
        out = xs[0]
        for x in xs[1:]:
            out = jnp.matmul(out, x, precision=HIGHEST)
        return out

    m, n = a.shape[-2:]
    dp = -mm(p, da, p)
    dp = dp + mm(p, _mH(p), _mH(da), jnp.eye(m, dtype=a.dtype) - mm(a, p))
    dp = dp + mm(jnp.eye(n, dtype=a.dtype) - mm(p, a), _mH(da), _mH(p), p)
    return p, dp


def _pinv_tol(a, atol, rtol, hermitian):
    s = jnp.abs(jnp.linalg.eigvalsh(a)) if hermitian else jnp.linalg.svd(a, compute_uv=False)
    smax = s.max(-1, initial=0) if s.shape[-1] else jnp.zeros(s.shape[:-1], s.dtype)
    return s, jnp.maximum(atol, rtol * smax)


def _tolerances(A, atol, rtol):
    """(atol, rtol) as arrays with torch's defaults: rtol = eps * max(m, n) unless atol is given."""
    real = A.dtype.to_real().np
    eps = float(np.finfo(real).eps) * max(A._shape[-2:])
    if rtol is None:
        rtol = eps if atol is None or (not isinstance(atol, Tensor) and atol <= 0) else 0.0
    atol = 0.0 if atol is None else atol
    arrays = [jnp.asarray(x._data if isinstance(x, Tensor) else x, real) for x in (atol, rtol)]
    return arrays


def _pinv_fn(a, atol, rtol, hermitian):
    _, cutoff = _pinv_tol(lax.stop_gradient(a), atol, rtol, hermitian)
    return _pinv_smooth(a, cutoff)


@_both("pinv")
def pinv(A, *, atol=None, rtol=None, hermitian=False):
    """Moore-Penrose pseudo-inverse. Implements `torch.linalg.pinv`."""
    if A.dim() < 2 or A.dtype.category < _dtype.FLOAT or A.dtype in (_dtype.float16, _dtype.bfloat16):
        raise RuntimeError(f"linalg.pinv({type_name(A.dtype)}{{{list(A._shape)}}}): expected a tensor with 2 or more "
                           "dimensions of float, double, cfloat or cdouble types")
    atol_a, rtol_a = _tolerances(A, atol, rtol)
    fn = compiled(_pinv_fn, bool(hermitian))
    tols = (Tensor._make(atol_a, A.dtype.to_real(), A.device), Tensor._make(rtol_a, A.dtype.to_real(), A.device))
    return apply_fn("LinalgPinvBackward0", fn, (A,) + tols, A.dtype)


@op(inplace=False)
def pinverse(input, rcond=1e-15):
    """Pseudo-inverse with relative cutoff `rcond`. Implements `torch.pinverse`."""
    return pinv(input, rtol=rcond)


def _matrix_rank(a, atol, rtol, hermitian):
    s, cutoff = _pinv_tol(a, atol, rtol, hermitian)
    return (s > cutoff[..., None]).sum(-1).astype(jnp.int64)


@_both("matrix_rank")
def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None):
    """Number of singular values above max(atol, rtol * largest). Implements `torch.linalg.matrix_rank`."""
    if A.dim() < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at least 2 dimensions.")
    if A.dtype.category < _dtype.FLOAT or A.dtype in (_dtype.float16, _dtype.bfloat16):
        raise RuntimeError("This function doesn't handle types other than float and double")
    if tol is not None:
        atol, rtol = tol, 0.0
    atol_a, rtol_a = _tolerances(A, atol, rtol)
    value = compiled(_matrix_rank, bool(hermitian))(A._data, atol_a, rtol_a)
    return Tensor._make(value, _dtype.int64, A.device)


# ----------------------------------------------------------------- matrix functions
def _identity_power(a):
    return _eye_like(a) + 0 * a


def _copy(a):
    return a + 0


def _power(a, n):
    """a ** n for n >= 2 by repeated squaring."""
    result, base = None, a
    while n:
        if n & 1:
            result = base if result is None else product(result, base)
        n >>= 1
        if n:
            base = product(base, base)
    return result


@_both("matrix_power")
def matrix_power(A, n):
    """A to the integer power n (inverse first when n < 0). Implements `torch.linalg.matrix_power`."""
    _matrix("linalg.matrix_power", A)
    if n == 0:
        return apply_fn("CopyBackwards", compiled(_identity_power), (A,), A.dtype)
    if n < 0:
        A = inv(A)
        n = -n
        if n == 1:
            return A
    if n == 1:
        return apply_fn("CloneBackward0", compiled(_copy), (A,), A.dtype)
    grad = "MmBackward0" if A.dim() == 2 else "UnsafeViewBackward0"
    return apply_fn(grad, compiled(_power, n), (A,), A.dtype)


@op(name="matrix_power", inplace=False)
def matrix_power_torch(input, n):
    """Alias of `torch.linalg.matrix_power`. Implements `torch.matrix_power`."""
    return matrix_power(input, n)


def _matrix_exp(a):
    low = a.dtype in (jnp.float16, jnp.bfloat16)
    x = a.astype(jnp.float32) if low else a
    return jax.scipy.linalg.expm(x).astype(a.dtype)


@_both("matrix_exp", out=False)
def matrix_exp(A):
    """Matrix exponential. Implements `torch.linalg.matrix_exp`."""
    _floating("linalg.matrix_exp", A)
    _matrix("linalg.matrix_exp", A)
    return apply_fn("LinalgMatrixExpBackward0", compiled(_matrix_exp), (A,), A.dtype)


@op(name="matrix_exp", inplace=False, out=False)
def matrix_exp_torch(input):
    """Alias of `torch.linalg.matrix_exp`. Implements `torch.matrix_exp`."""
    return matrix_exp(input)


def _cross(a, b, dim):
    a, b = jnp.broadcast_arrays(a, b)
    return jnp.cross(a, b, axis=dim)


def _cross_checks(input, other, dim):
    if input.dtype is not other.dtype:
        raise RuntimeError(f"expected scalar type {type_name(input.dtype)} but found {type_name(other.dtype)}")
    if input.dim() != other.dim():
        raise RuntimeError(f"linalg.cross: inputs must have the same number of dimensions.")
    shape = broadcast_shapes(input._shape, other._shape)
    d = Tensor._wrap_dim(input, dim, len(shape))
    if input._shape[d] != 3 or other._shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input._shape[d]} and "
                           f"{other._shape[d]}")
    return d


@_both("cross")
def cross(input, other, *, dim=-1):
    """Cross product of 3-vectors along `dim` (broadcasting). Implements `torch.linalg.cross`."""
    d = _cross_checks(input, other, dim)
    return apply_fn("LinalgCrossBackward0", compiled(_cross, d), (input, other), input.dtype)


@op(name="cross", inplace=False)
def cross_torch(input, other, dim=None):
    """Cross product; without `dim`, along the first dimension of size 3. Implements `torch.cross`."""
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning, stacklevel=2)
        shape = broadcast_shapes(input._shape, other._shape)
        dim = next((i for i, s in enumerate(shape) if s == 3), -1)
    return cross(input, other, dim=dim)


def _vecdot(x, y, dim):
    return jnp.sum(jnp.conj(x) * y, axis=dim)


@_both("vecdot")
def vecdot(x, y, *, dim=-1):
    """Dot product of vectors along `dim`, conjugating x. Implements `torch.linalg.vecdot`."""
    if x.dtype.category < _dtype.FLOAT:
        raise RuntimeError(f"linalg.vecdot: Expected a floating point or complex tensor as input. Got "
                           f"{type_name(x.dtype)}")
    if x.dtype is not y.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
                           f"{type_name(x.dtype)} and y of type {type_name(y.dtype)} instead")
    shape = broadcast_shapes(x._shape, y._shape)
    d = Tensor._wrap_dim(x, dim, len(shape)) - len(shape)
    return apply_fn("SumBackward1", compiled(_vecdot, d), (x, y), x.dtype)


# ----------------------------------------------------------------- norms
def _norm_value(x, ord, dims, keepdim):
    """The ord-norm of x over `dims` (x already in the computation dtype)."""
    a = jnp.abs(x)
    if ord == math.inf:
        return a.max(dims, keepdims=keepdim, initial=0) if a.size == 0 else a.max(dims, keepdims=keepdim)
    if ord == -math.inf:
        return a.min(dims, keepdims=keepdim)
    if ord == 0:
        return (a != 0).sum(dims, keepdims=keepdim).astype(a.dtype)
    if ord == 1:
        return a.sum(dims, keepdims=keepdim)
    if ord == 2:
        return jnp.sqrt((a * a).sum(dims, keepdims=keepdim))
    return (a ** ord).sum(dims, keepdims=keepdim) ** (1 / ord)


@functools.lru_cache(maxsize=None)
def _norm_with_torch_grad(ord, dims, keepdim):
    """`_norm_value` whose gradient is torch's formula (linalg_vector_norm_backward), so
    zeros, ties and signed zeros in the gradient match torch."""

    @jax.custom_vjp
    def norm(x):
        return _norm_value(x, ord, dims, keepdim)

    def forward(x):
        n = norm(x)
        return n, (x, n)

    def backward(saved, g):
        x, n = saved
        if not keepdim and dims:
            g, n = jnp.expand_dims(g, dims), jnp.expand_dims(n, dims)
        sgn = jnp.where(x == 0, 0, x / jnp.where(x == 0, 1, jnp.abs(x))).astype(x.dtype)
        a = jnp.abs(x)
        if ord == 0:
            grad = jnp.zeros_like(x)
        elif ord == 1:
            grad = sgn * g
        elif ord == 2:
            grad = x * jnp.where(n == 0, 0, g / n)
        elif math.isinf(ord):
            mask = (a == n).astype(x.dtype)
            grad = sgn * ((g / mask.sum(dims, keepdims=True)) * mask)
        elif ord < 1:
            scaled = sgn * jnp.where(x == 0, 0, a ** (ord - 1))
            grad = scaled * g * n ** (1 - ord)
        else:
            grad = sgn * a ** (ord - 1) * jnp.where(n == 0, 0, g / n ** (ord - 1))
        return (grad.astype(x.dtype),)

    norm.defvjp(forward, backward)
    return norm


def _vector_norm(x, ord, dims, keepdim, dtype):
    """torch's vector norm of x over `dims` (half types computed in float32)."""
    if dtype is not None:
        x = x.astype(dtype)
    out_dtype = jnp.abs(x).dtype
    if x.dtype in (jnp.float16, jnp.bfloat16):
        x = x.astype(jnp.float32)
    return _norm_with_torch_grad(ord, dims, keepdim)(x).astype(out_dtype)


def _norm_dims(x, dim):
    if dim is None:
        return tuple(range(x.dim()))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    wrapped = tuple(x._wrap_dim(d) for d in dims)
    if len(set(wrapped)) != len(wrapped):
        raise RuntimeError(f"dim {wrapped[0]} appears multiple times in the list of dims")
    return wrapped


def _result_dtype(name, x, dtype):
    if dtype is None:
        return x.dtype.to_real()
    if (dtype.is_complex and not x.dtype.is_complex) or dtype.category < x.dtype.category or (
            dtype.itemsize < x.dtype.itemsize and dtype.category == x.dtype.category):
        raise RuntimeError(f"{name}: the dtype of the input ({type_name(x.dtype)}) should be convertible without "
                           f"narrowing to the specified dtype ({type_name(dtype)})")
    return dtype.to_real()


@_both("vector_norm")
def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """The ord-norm of x over `dim` (all elements by default). Implements `torch.linalg.vector_norm`."""
    _floating("linalg.vector_norm", x)
    result = _result_dtype("linalg.vector_norm", x, dtype)
    dims = _norm_dims(x, dim)
    if x.numel() == 0 and (ord < 0 or ord == math.inf):
        label = "inf" if ord == math.inf else "-inf" if ord == -math.inf else f"{ord:g}"
        if dim is None:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {label} norm on an empty tensor because the "
                               "operation does not have an identity")
        for d in dims:
            if x._shape[d] == 0:
                raise RuntimeError(f"linalg.vector_norm cannot compute the {label} norm on the dimension {d}because "
                                   "this dimension is empty and the operation does not have an identity")
    fn = compiled(_vector_norm, float(ord), dims, bool(keepdim), None if dtype is None else dtype.np)
    return apply_fn("LinalgVectorNormBackward0", fn, (x,), result)


def _matrix_norm(a, ord, dims, keepdim):
    d0, d1 = dims
    if ord == "nuc":
        s = jnp.linalg.svd(jnp.moveaxis(a, (d0, d1), (-2, -1)), compute_uv=False)
        r = s.sum(-1)
    elif ord in (2, -2):
        s = jnp.linalg.svd(jnp.moveaxis(a, (d0, d1), (-2, -1)), compute_uv=False)
        r = s.max(-1) if ord == 2 else s.min(-1)
    else:
        summed, other = (d0, d1) if ord in (1, -1) else (d1, d0)
        zero = a == 0  # |a| with torch's zero gradient at 0 (sgn(0) = 0)
        sums = jnp.where(zero, 0, jnp.abs(jnp.where(zero, 1, a))).sum(summed, keepdims=True)
        r = sums.max(other, keepdims=True) if ord > 0 else sums.min(other, keepdims=True)
        return r if keepdim else jnp.squeeze(r, (d0, d1))
    if keepdim:
        r = jnp.expand_dims(r, tuple(sorted((d0, d1))))
    return r


_MATRIX_GRAD = {"nuc": "SumBackward1", 2: "AmaxBackward0", -2: "AminBackward0", 1: "AmaxBackward0",
                -1: "AminBackward0", math.inf: "AmaxBackward0", -math.inf: "AminBackward0"}


@_both("matrix_norm")
def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """Frobenius, nuclear, or induced 1/2/inf norm of matrices. Implements `torch.linalg.matrix_norm`."""
    _floating("linalg.matrix_norm", A)
    if A.dim() < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    dims = _norm_dims(A, dim)
    if len(dims) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    if ord == "fro":
        return vector_norm(A, 2, dims, keepdim, dtype=dtype)
    if ord not in _MATRIX_GRAD:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if ord in ("nuc", 2, -2) and A.dtype in (_dtype.float16, _dtype.bfloat16):
        raise RuntimeError(f"linalg.matrix_norm: Low precision dtypes not supported. Got {type_name(A.dtype)}")
    result = _result_dtype("linalg.matrix_norm", A, dtype)
    if dtype is not None:
        A = A.to(dtype)
    fn = compiled(_matrix_norm, ord, dims, bool(keepdim))
    return apply_fn(_MATRIX_GRAD[ord], fn, (A,), result)


@_both("norm")
def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """Vector norm (1 dim) or matrix norm (2 dims, or a string ord). Implements `torch.linalg.norm`."""
    if dim is not None:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dims) == 1:
            return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
        _norm_dims(A, dims)
        return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype)
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    if isinstance(ord, str) or A.dim() == 2:
        if A.dim() != 2:
            _floating("linalg.matrix_norm", A)
            raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    if A.dim() != 1:
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                           f"{A.dim()}D.")
    return vector_norm(A, ord, None, keepdim, dtype=dtype)



Slogdet = return_type("slogdet", ("sign", "logabsdet"))


@op(name="det", inplace=False, out=False)
def det_torch(input):
    """Alias of `torch.linalg.det`. Implements `torch.det`."""
    return det(input)


@op(name="slogdet", inplace=False)
def slogdet_torch(input):
    """(sign, log|det|). Implements `torch.slogdet`."""
    return Slogdet(slogdet(input))
