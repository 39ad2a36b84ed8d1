"""Specs for matrix products and torch.linalg (jtorch/ops/linalg.py, linalg_functions.py).

Samplers draw small matrices (n <= 4, batch <= 3) that are well conditioned where the
op needs it, so both libraries' LAPACK-based results agree to tolerance. Results
that are only defined up to sign or phase (svd, eig, eigh vectors) are tested in
tests/test_linalg_invariants.py instead.
"""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from compat.spec import OpSpec
from compat.strategies import NUMERIC, arrays

REAL = ("float32", "float64")
PRODUCT_DTYPES = ("float32", "float64", "int64", "int32")
TOL = (1e-4, 1e-5)  # float32 decompositions: LAPACK paths differ by a few ulp per step
BATCHES = st.sampled_from([(), (), (2,), (3,), (2, 1)])


def _values(shape):
    """Values away from zero: the sign of an exact-zero product depends on torch's BLAS
    kernel (see jtorch.ops.linalg.product), which jtorch does not reproduce."""
    return hnp.arrays(np.float64, shape, elements=st.one_of(st.floats(0.125, 2), st.floats(-2, -0.125)))


@st.composite
def matrix(draw, shape, kind="general"):
    """A float64 array of `shape` (..., m, n); kind: general, wellcond, spd, distinct, triangular."""
    a = draw(_values(shape))
    m, n = shape[-2:]
    if kind == "wellcond":
        a = a + np.eye(m, n) * (2 * max(m, n) + 1)
    elif kind == "spd":
        a = a @ np.swapaxes(a, -1, -2) + np.eye(n) * (n + 1)
    elif kind == "distinct":  # Hermitian part with well-separated eigenvalues (Gershgorin)
        a = a + np.diag(np.arange(n) * 4.0 * n)
    elif kind == "nonsingular":  # negative determinants kept; exactly singular ones moved away
        # (logdet's gradient at a singular matrix is +-inf with a sign set by LU's pivoting)
        if np.any(np.abs(np.linalg.det(a)) < 1e-3):
            a = a + np.eye(n) * (2 * n + 1)
    elif kind == "triangular":
        a = a + np.eye(n) * (2 * n + 1) * np.sign(draw(st.sampled_from([1, -1])))
    return a


def _cast(a, dtype):
    if dtype in ("int64", "int32"):
        return np.round(a * 2).astype(dtype)
    return a.astype(np.float32 if dtype == "float32" else np.float64)


@st.composite
def one_matrix(draw, spec, kind="general", square=True, extra=lambda draw, shape: ((), {})):
    dtype = draw(st.sampled_from(spec.dtypes))
    batch = draw(BATCHES)
    m = draw(st.integers(1, 4))
    n = m if square else draw(st.integers(1, 4))
    a = draw(matrix(batch + (m, n), kind))
    args, kwargs = extra(draw, batch + (m, n))
    return [_cast(a, dtype)], [dtype], args, {**draw(st.sampled_from(spec.kwargs)), **kwargs}


def sampler(**kw):
    return lambda spec: one_matrix(spec, **kw)


# ----------------------------------------------------------------- products
@st.composite
def matmul_operands(draw, spec):
    """Operands of ranks 1-4 with compatible inner sizes and broadcastable batches."""
    dtype = draw(st.sampled_from(spec.dtypes))
    ra, rb = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    n, k, p = (draw(st.integers(1, 3)) for _ in range(3))
    batch = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=3)).input_shapes
    sa = (batch[0][len(batch[0]) - max(ra - 2, 0):] if ra > 2 else ()) + ((n, k) if ra > 1 else (k,))
    sb = (batch[1][len(batch[1]) - max(rb - 2, 0):] if rb > 2 else ()) + ((k, p) if rb > 1 else (k,))
    if draw(st.integers(0, 9)) == 0:  # sometimes a shape mismatch, to compare the errors
        sb = sb[:-2] + (k + 1,) + sb[-1:] if rb > 1 else (k + 1,)
    a, b = draw(_values(sa)), draw(_values(sb))
    return [_cast(a, dtype), _cast(b, dtype)], [dtype, dtype], (), {}


def fixed_ranks(*shapes):
    """A sampler of operands with these symbolic shapes (letters are sizes drawn once)."""

    @st.composite
    def draw_operands(draw, spec):
        dtype = draw(st.sampled_from(spec.dtypes))
        sizes = {c: draw(st.integers(1, 3)) for c in "bnkp"}
        arrays_ = [_cast(draw(_values(tuple(sizes[c] for c in s))), dtype) for s in shapes]
        return arrays_, [dtype] * len(shapes), (), draw(st.sampled_from(spec.kwargs))

    return draw_operands


TENSORDOT_CASES = [((2, 3), (3, 2), 1), ((2, 3), (2, 3), 2), ((2, 3, 2), (3, 2), 2), ((2, 3), (2,), ([0], [0])),
                   ((2, 3, 2), (2, 3), ([0, 1], [0, 1])), ((3,), (2,), 0), ((2, 3), (3,), ([-1], [0]))]


@st.composite
def tensordot_operands(draw, spec):
    dtype = draw(st.sampled_from(spec.dtypes))
    sa, sb, dims = draw(st.sampled_from(TENSORDOT_CASES))
    x, y = (_cast(draw(_values(s)), dtype) for s in (sa, sb))
    return [x, y], [dtype, dtype], (dims,), {}


@st.composite
def einsum_single(draw, spec):
    """einsum's sublist form with one operand: einsum(A, [0, 1], [out])."""
    dtype = draw(st.sampled_from(spec.dtypes))
    n = draw(st.integers(1, 3))
    sub, out = draw(st.sampled_from([([0, 1], [1, 0]), ([0, 0], [0]), ([0, 0], []), ([0, 1], [0]), ([0, 1], [])]))
    return [_cast(draw(_values((n, n))), dtype)], [dtype], (sub, out), {}


@st.composite
def vectors_then(draw, spec, count):
    dtype = draw(st.sampled_from(spec.dtypes))
    n = draw(st.integers(1, 4))
    return [_cast(draw(_values((n,))), dtype) for _ in range(count)], [dtype] * count, (), draw(
        st.sampled_from(spec.kwargs))


@st.composite
def chain(draw, spec, packed_vectors=False):
    dtype = draw(st.sampled_from(spec.dtypes))
    count = draw(st.integers(2, 4))
    sizes = [draw(st.integers(1, 3)) for _ in range(count + 1)]
    shapes = [(sizes[i], sizes[i + 1]) for i in range(count)]
    if packed_vectors and draw(st.booleans()):
        shapes[0] = shapes[0][1:]
    if packed_vectors and draw(st.booleans()):
        shapes[-1] = shapes[-1][:1]
    return [_cast(draw(_values(s)), dtype) for s in shapes], [dtype] * count, (), {}


@st.composite
def cdist_operands(draw, spec):
    dtype = draw(st.sampled_from(spec.dtypes))
    batch = draw(st.sampled_from([(), (2,)]))
    r1, r2, m = (draw(st.integers(1, 4)) for _ in range(3))
    x1, x2 = draw(_values(batch + (r1, m))), draw(_values(batch + (r2, m)))
    if draw(st.booleans()):
        x2[..., 0, :] = x1[..., 0, :]  # a zero distance
    return [_cast(x1, dtype), _cast(x2, dtype)], [dtype, dtype], (), draw(st.sampled_from(spec.kwargs))


# ----------------------------------------------------------------- torch.linalg
def _solve_rhs(kind="wellcond", left_key=True):
    @st.composite
    def draw_operands(draw, spec):
        dtype = draw(st.sampled_from(spec.dtypes))
        batch = draw(BATCHES)
        n = draw(st.integers(1, 4))
        a = draw(matrix(batch + (n, n), kind))
        kwargs = dict(draw(st.sampled_from(spec.kwargs)))
        left = kwargs.get("left", True)
        shape = draw(st.sampled_from([batch + ((n, 2) if left else (2, n)), (n, 3) if left else (3, n)] +
                                     ([(n,), batch + (n,)] if kind == "wellcond" else [])))
        return [_cast(a, dtype), _cast(draw(_values(shape)), dtype)], [dtype, dtype], (), kwargs

    return draw_operands


@st.composite
def lstsq_operands(draw, spec):
    dtype = draw(st.sampled_from(spec.dtypes))
    batch = draw(st.sampled_from([(), (2,)]))
    n = draw(st.integers(1, 3))
    m = n + draw(st.integers(0, 2))
    a = draw(_values(batch + (m, n))) + np.eye(m, n) * 3
    b = draw(_values(batch + (m, draw(st.integers(1, 2)))))
    return [_cast(a, dtype), _cast(b, dtype)], [dtype, dtype], (), draw(st.sampled_from(spec.kwargs))


@st.composite
def householder_operands(draw, spec):
    dtype = draw(st.sampled_from(spec.dtypes))
    batch = draw(st.sampled_from([(), (2,)]))
    n = draw(st.integers(2, 3))  # 1 x 1: torch's gradient of tau is nan
    m = n + draw(st.integers(0, 2))
    k = draw(st.integers(1, n))  # k = 0: torch leaves A.grad None (no dependence)
    return ([_cast(draw(_values(batch + (m, n))), dtype), _cast(draw(_values(batch + (k,))), dtype)],
            [dtype, dtype], (), {})


@st.composite
def cross_operands(draw, spec):
    dtype = draw(st.sampled_from(spec.dtypes))
    shapes = draw(st.sampled_from([((3,), (3,)), ((2, 3), (1, 3)), ((3, 2), (3, 2)), ((2, 3, 2), (2, 3, 2))]))
    kwargs = draw(st.sampled_from(spec.kwargs))
    if len(shapes[0]) > 1 and shapes[0][-1] != 3:
        kwargs = {**kwargs, "dim": -2 if spec.name == "linalg.cross" else len(shapes[0]) - 2}
    x, y = (_cast(draw(_values(s)), dtype) for s in shapes)
    return [x, y], [dtype, dtype], (), kwargs


@st.composite
def norm_operands(draw, spec, matrix_only=False):
    dtype = draw(st.sampled_from(spec.dtypes))
    shape = draw(st.sampled_from([(3,), (2, 3), (3, 3), (2, 2, 3), (4,), (1, 1)] if not matrix_only else
                                 [(2, 3), (3, 3), (2, 2, 3), (1, 1), (3, 1)]))
    kwargs = draw(st.sampled_from(spec.kwargs))
    values = draw(_values(shape))
    if draw(st.booleans()):
        values[..., 0] = 0  # zeros: gradients at |x| = 0
    return [_cast(values, dtype)], [dtype], (), kwargs


def _power_args(draw, shape):
    return (draw(st.integers(-2, 4)),), {}


def _rank_kwargs(draw, shape):
    return (), draw(st.sampled_from([{}, {"hermitian": True}, {"atol": 0.5}, {"rtol": 0.3}, {"atol": 1.0, "rtol": 0.1}]))


@st.composite
def rank_deficient(draw, spec):
    dtype = draw(st.sampled_from(spec.dtypes))
    m, n, r = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(0, 3))
    a = draw(_values((m, r))) @ draw(_values((r, n))) if r else np.zeros((m, n))
    kwargs = draw(st.sampled_from([{}, {"atol": 0.5}, {"rtol": 0.3}]))
    return [_cast(a, dtype)], [dtype], (), kwargs


SQUARE = sampler(kind="general")
WELL = sampler(kind="wellcond")
SPD = sampler(kind="spd")
RECT = sampler(square=False)
FLOATING_ERRORS = REAL + ("int64",)  # integer inputs: compare the errors

SPECS = [
    # products
    OpSpec("matmul", 2, PRODUCT_DTYPES, variants="fmo", sample=matmul_operands),
    OpSpec("mm", 2, PRODUCT_DTYPES, variants="fmo", sample=fixed_ranks("nk", "kp")),
    OpSpec("bmm", 2, PRODUCT_DTYPES, variants="fmo", sample=fixed_ranks("bnk", "bkp")),
    OpSpec("mv", 2, PRODUCT_DTYPES, variants="fmo", sample=fixed_ranks("nk", "k")),
    OpSpec("dot", 2, PRODUCT_DTYPES, variants="fmo", sample=fixed_ranks("k", "k")),
    OpSpec("vdot", 2, PRODUCT_DTYPES, variants="fmo", sample=fixed_ranks("k", "k")),
    OpSpec("inner", 2, PRODUCT_DTYPES, variants="fmo", sample=fixed_ranks("nk", "pk")),
    OpSpec("outer", 2, NUMERIC, variants="fmo", sample=fixed_ranks("n", "p")),
    OpSpec("ger", 2, PRODUCT_DTYPES, variants="fmo", sample=fixed_ranks("n", "p")),
    OpSpec("addmm", 3, PRODUCT_DTYPES, kwargs=({}, {"beta": 2, "alpha": 3}, {"beta": 0}),
           sample=fixed_ranks("np", "nk", "kp")),
    OpSpec("addmm", 3, REAL, kwargs=({"beta": 0.5, "alpha": -1.5},), sample=fixed_ranks("p", "nk", "kp")),
    OpSpec("addmv", 3, PRODUCT_DTYPES, kwargs=({}, {"beta": 2, "alpha": 3}, {"beta": 0}),
           sample=fixed_ranks("n", "nk", "k")),
    OpSpec("baddbmm", 3, PRODUCT_DTYPES, kwargs=({}, {"beta": 2, "alpha": 3}, {"beta": 0}),
           sample=fixed_ranks("bnp", "bnk", "bkp")),
    OpSpec("addbmm", 3, PRODUCT_DTYPES, kwargs=({}, {"beta": 2, "alpha": 3}, {"beta": 0}),
           sample=fixed_ranks("np", "bnk", "bkp")),
    OpSpec("addr", 3, PRODUCT_DTYPES, kwargs=({}, {"beta": 2, "alpha": 3}, {"beta": 0}),
           sample=fixed_ranks("np", "n", "p")),
    OpSpec("addr", 3, REAL, kwargs=({"beta": 0.5, "alpha": -1.5},), sample=fixed_ranks("p", "n", "p")),
    OpSpec("einsum", 1, REAL + ("int64",), variants="f", sample=einsum_single),
    OpSpec("tensordot", 2, REAL + ("int64",), variants="fo", sample=tensordot_operands),
    OpSpec("kron", 2, NUMERIC, "small", variants="fmo", mix_dtypes=True),
    OpSpec("chain_matmul", 3, PRODUCT_DTYPES, variants="f", sample=fixed_ranks("nk", "kp", "pb")),
    OpSpec("linalg.multi_dot", 2, PRODUCT_DTYPES, variants="fo", packed=True,
           sample=lambda spec: chain(spec, packed_vectors=True)),
    OpSpec("cdist", 2, REAL, variants="f", kwargs=({}, {"p": 1.0}, {"p": 0.0}, {"p": float("inf")}, {"p": 3.0}),
           sample=cdist_operands),
    # inverses and solvers
    OpSpec("linalg.inv", 1, FLOATING_ERRORS, variants="fo", tol=TOL, sample=WELL),
    OpSpec("linalg.inv_ex", 1, REAL, variants="f", tol=TOL, sample=WELL),
    OpSpec("inverse", 1, REAL, variants="fmo", tol=TOL, sample=WELL),
    OpSpec("linalg.solve", 2, REAL, variants="fo", tol=TOL, kwargs=({}, {"left": False}), sample=_solve_rhs()),
    OpSpec("linalg.solve_triangular", 2, REAL, variants="fo", tol=TOL,
           kwargs=({"upper": True}, {"upper": False}, {"upper": True, "left": False},
                   {"upper": False, "unitriangular": True}), sample=_solve_rhs("triangular")),
    # determinants
    OpSpec("linalg.det", 1, FLOATING_ERRORS, variants="fo", tol=TOL, sample=WELL),
    OpSpec("det", 1, REAL, variants="fm", tol=TOL, sample=WELL),
    OpSpec("linalg.slogdet", 1, REAL, variants="fo", tol=TOL, sample=WELL),
    OpSpec("slogdet", 1, REAL, variants="fm", tol=TOL, sample=WELL),
    OpSpec("logdet", 1, REAL, variants="fm", tol=TOL, sample=sampler(kind="nonsingular")),
    # decompositions with unique results
    OpSpec("linalg.svdvals", 1, FLOATING_ERRORS, variants="fo", tol=TOL, sample=RECT),
    OpSpec("linalg.eigvalsh", 1, REAL, variants="fo", tol=TOL, kwargs=({}, {"UPLO": "U"}),
           sample=sampler(kind="distinct")),
    OpSpec("linalg.cholesky", 1, FLOATING_ERRORS, variants="fo", tol=TOL, kwargs=({}, {"upper": True}), sample=SPD),
    OpSpec("linalg.cholesky_ex", 1, REAL, variants="f", tol=TOL, sample=SPD),
    OpSpec("cholesky", 1, REAL, variants="fmo", tol=TOL, kwargs=({}, {"upper": True}), sample=SPD),
    OpSpec("linalg.qr", 1, REAL, variants="fo", tol=TOL, kwargs=({}, {"mode": "r"}, {"mode": "complete"}),
           sample=sampler(kind="wellcond", square=False)),
    OpSpec("linalg.lu_factor", 1, REAL, variants="f", tol=TOL, sample=WELL),
    OpSpec("linalg.lu", 1, REAL, variants="f", tol=TOL, sample=sampler(kind="wellcond", square=False)),
    OpSpec("linalg.householder_product", 2, REAL, variants="fo", tol=TOL, sample=householder_operands),
    # least squares, pseudo-inverse, rank
    OpSpec("linalg.lstsq", 2, REAL, variants="f", tol=TOL, kwargs=({}, {"driver": "gelsd"}), sample=lstsq_operands),
    OpSpec("linalg.pinv", 1, REAL, variants="fo", tol=TOL, kwargs=({}, {"hermitian": False}),
           sample=sampler(kind="wellcond", square=False)),
    OpSpec("pinverse", 1, REAL, variants="fm", tol=TOL, sample=sampler(kind="wellcond", square=False)),
    OpSpec("linalg.matrix_rank", 1, REAL, variants="fo", sample=rank_deficient),
    # matrix functions
    OpSpec("linalg.matrix_power", 1, PRODUCT_DTYPES, variants="fo", tol=TOL,
           sample=sampler(kind="wellcond", extra=_power_args)),
    OpSpec("matrix_power", 1, REAL, variants="fm", tol=TOL, sample=sampler(kind="wellcond", extra=_power_args)),
    OpSpec("linalg.matrix_exp", 1, REAL, variants="f", tol=TOL, sample=SQUARE),
    OpSpec("matrix_exp", 1, REAL, variants="fm", tol=TOL, sample=SQUARE),
    OpSpec("linalg.cross", 2, REAL + ("int64",), variants="fo", sample=cross_operands),
    OpSpec("cross", 2, REAL + ("int64",), variants="fmo", kwargs=({"dim": -1},), sample=cross_operands),
    OpSpec("linalg.vecdot", 2, REAL + ("int64",), variants="fo", sample=fixed_ranks("nk", "nk")),
    # norms
    OpSpec("linalg.vector_norm", 1, REAL + ("int64",), variants="fo",
           kwargs=({}, {"ord": 1}, {"ord": float("inf")}, {"ord": -float("inf")}, {"ord": 3}, {"ord": 0.5},
                   {"ord": -1.5}, {"dim": 0}, {"dim": (0, -1), "keepdim": True}, {"dtype": None}),
           sample=norm_operands),
    # torch leaves the gradient of the 0-"norm" undefined (None); jtorch's is zero.
    OpSpec("linalg.vector_norm", 1, REAL, variants="fo", grad=False, kwargs=({"ord": 0},), sample=norm_operands),
    OpSpec("linalg.matrix_norm", 1, REAL + ("int64",), variants="fo", tol=TOL,
           kwargs=({}, {"ord": "nuc"}, {"ord": 2}, {"ord": -2}, {"ord": 1}, {"ord": -1}, {"ord": float("inf")},
                   {"ord": -float("inf")}, {"keepdim": True}, {"ord": 1, "dim": (1, 0)}),
           sample=lambda spec: norm_operands(spec, matrix_only=True)),
    OpSpec("linalg.norm", 1, REAL, variants="fo", tol=TOL,
           kwargs=({}, {"ord": 1}, {"ord": "fro"}, {"ord": "nuc"}, {"ord": float("inf")}, {"dim": 0},
                   {"dim": (0, 1)}, {"ord": 2, "dim": -1}), sample=norm_operands),
]
