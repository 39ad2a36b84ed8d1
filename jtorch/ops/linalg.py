"""Matrix and tensor products: matmul and its fixed-rank forms, the fused `add*`
products, einsum, tensordot, kron, cdist.

Every op runs one jitted JAX function (cached per static arguments by `compiled`)
through `apply_fn`, so autograd is `jax.vjp` of that function; the grad_fn name is
the one torch's own decomposition ends with.
"""
from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp

from .. import _dtype
from .._dtype import Promote, elementwise_dtypes, operand_key
from .._registry import apply_fn, broadcast_shapes, check_same_device, op, type_name

HIGHEST = jax.lax.Precision.HIGHEST


@functools.lru_cache(maxsize=8192)
def compiled(fn, *static):
    """`jax.jit` of `lambda *arrays: fn(*arrays, *static)`, one per (fn, static args)."""
    return jax.jit(lambda *arrays: fn(*arrays, *static))


def product(a, b, equation=None):
    """a @ b (or a two-operand einsum); half types accumulate in float32. float32 products
    use torch's float32 matmul precision (JAX's default_matmul_precision, which jtorch sets
    to torch's default 'highest': no TensorFloat-32 on GPUs unless the user asks for it).

    Differences from torch: the sign of an exact-zero result (or gradient) follows XLA's
    dot, while torch's depends on the BLAS kernel (dot gives +0, a k=1 gemm can give -0).
    """
    if a.dtype == jnp.bool_:
        a, b = a.astype(jnp.int32), b.astype(jnp.int32)
        return (jnp.matmul(a, b) if equation is None else jnp.einsum(equation, a, b)) > 0
    low = a.dtype in (jnp.float16, jnp.bfloat16)
    kw = {"preferred_element_type": jnp.float32} if low else {}
    if equation is None:
        out = jnp.matmul(a, b, **kw)
    else:
        out = jnp.einsum(equation, a, b, **kw)
    return out.astype(a.dtype)


def _same_dtype(message, *tensors):
    first = tensors[0].dtype
    for t in tensors[1:]:
        if t.dtype is not first:
            raise RuntimeError(message(first, t.dtype))
    check_same_device(tensors)


def _no_bool(name, *tensors):
    if any(t.dtype is _dtype.bool for t in tensors):
        raise NotImplementedError(f'"{name}" not implemented for \'Bool\'')


def _short(d):
    return d.name.replace("float32", "float").replace("float64", "double")


def _dtype_mismatch(a, b):
    return f"expected m1 and m2 to have the same dtype, but got: {_short(a)} != {_short(b)}"


# ----------------------------------------------------------------- matmul and fixed-rank products
def _matmul_grad_name(a, b):
    """The grad_fn torch's matmul decomposition ends with for these ranks."""
    da, db = a.dim(), b.dim()
    fixed = {(1, 1): "DotBackward0", (1, 2): "SqueezeBackward4", (2, 1): "MvBackward0", (2, 2): "MmBackward0"}
    if (da, db) in fixed:
        return fixed[(da, db)]
    # A (batch-1) matrix times a batch of matrices is folded into one mm on the
    # transposed operands, and torch copies the transposed result back when the
    # matrix requires grad: CloneBackward0, or TransposeBackward0 when that copy is a no-op.
    matrix_like = da == 2 or (da == 3 and db == 3 and a._shape[0] == 1 and b._shape[0] > 1)
    if matrix_like and db >= 3 and a._requires_grad:
        n, p = a._shape[-2], b._shape[-1]
        numel = math.prod(b._shape[:-2]) * n * p
        return "TransposeBackward0" if n == 1 or p == 1 or numel == 0 else "CloneBackward0"
    return "UnsafeViewBackward0"


@op(inplace=False)
def matmul(input, other):
    """Matrix product with numpy's broadcasting rules for batches and 1-D operands. Implements `torch.matmul`."""
    da, db = input.dim(), other.dim()
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D")
    if da == 1 and db == 1:
        return dot(input, other)
    _same_dtype(_dtype_mismatch, input, other)
    _no_bool("addmm_impl_cpu_", input, other)
    k = input._shape[-1]
    k2 = other._shape[-2] if db > 1 else other._shape[0]
    if k != k2:
        if db == 1:
            raise RuntimeError(f"size mismatch, got input ({input._shape[-2]}), mat "
                               f"({input._shape[-2]}x{k}), vec ({k2})")
        rows = math.prod(input._shape[:-1]) if da != 1 else 1
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k} and {k2}x{other._shape[-1]})")
    broadcast_shapes(input._shape[:-2], other._shape[:-2])
    return apply_fn(_matmul_grad_name(input, other), compiled(product), (input, other), input.dtype)


@op(inplace=False)
def mm(input, mat2):
    """Product of two matrices. Implements `torch.mm`."""
    if input.dim() != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.dim() != 2:
        raise RuntimeError("mat2 must be a matrix")
    _same_dtype(_dtype_mismatch, input, mat2)
    _no_bool("addmm_impl_cpu_", input, mat2)
    if input._shape[1] != mat2._shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({input._shape[0]}x{input._shape[1]} and "
                           f"{mat2._shape[0]}x{mat2._shape[1]})")
    return apply_fn("MmBackward0", compiled(product), (input, mat2), input.dtype)


def _check_bmm(input, mat2, first="batch1", second="batch2"):
    if input.dim() != 3:
        raise RuntimeError(f"{first} must be a 3D tensor")
    if mat2.dim() != 3:
        raise RuntimeError(f"{second} must be a 3D tensor")
    b, n, m = input._shape
    if mat2._shape[:2] != (b, m):
        raise RuntimeError(f"Expected size for first two dimensions of {second} tensor to be: [{b}, {m}] but got: "
                           f"[{mat2._shape[0]}, {mat2._shape[1]}].")


@op(inplace=False)
def bmm(input, mat2):
    """Batched product of two 3-D tensors. Implements `torch.bmm`."""
    _check_bmm(input, mat2)
    _same_dtype(lambda a, b: f"expected scalar type {type_name(a)} but found {type_name(b)}", input, mat2)
    _no_bool("bmm", input, mat2)
    return apply_fn("BmmBackward0", compiled(product), (input, mat2), input.dtype)


def _check_mv(mat, vec):
    if mat.dim() != 2 or vec.dim() != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {mat.dim()}, {vec.dim()}")
    if mat._shape[1] != vec._shape[0]:
        raise RuntimeError(f"size mismatch, got input ({mat._shape[0]}), mat ({mat._shape[0]}x{mat._shape[1]}), "
                           f"vec ({vec._shape[0]})")


@op(inplace=False)
def mv(input, vec):
    """Matrix-vector product. Implements `torch.mv`."""
    _check_mv(input, vec)
    _same_dtype(lambda a, b: f"expected scalar type {type_name(a)} but found {type_name(b)}", input, vec)
    _no_bool("addmv_impl_cpu", input, vec)
    return apply_fn("MvBackward0", compiled(product), (input, vec), input.dtype)


def _check_vectors(name, input, other):
    if input.dim() != 1 or other.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.dim()}D and {other.dim()}D tensors")
    if input._shape != other._shape:
        n, m = input._shape[0], other._shape[0]
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same number of "
                           f"elements, but got {n} and {m} elements respectively")
    _same_dtype(lambda a, b: f"{name} : expected both vectors to have same dtype, but found {type_name(a)} and "
                f"{type_name(b)}", input, other)
    _no_bool(name, input, other)


@op(inplace=False)
def dot(input, tensor):
    """Inner product of two 1-D tensors (no conjugation). Implements `torch.dot`."""
    _check_vectors("dot", input, tensor)
    return apply_fn("DotBackward0", compiled(product), (input, tensor), input.dtype)


def _vdot(a, b):
    return product(jnp.conj(a), b)


@op(inplace=False)
def vdot(input, other):
    """Inner product conjugating the first argument. Implements `torch.vdot`."""
    _check_vectors("dot", input, other)
    return apply_fn("VdotBackward0", compiled(_vdot), (input, other), input.dtype)


def _promoted(*tensors):
    return elementwise_dtypes(tuple(operand_key(t) for t in tensors), Promote.DEFAULT)[1]


def _outer(a, b, dtype):
    a, b = a.astype(dtype.np), b.astype(dtype.np)
    return jnp.logical_and(a[:, None], b[None, :]) if dtype is _dtype.bool else a[:, None] * b[None, :]


@op(inplace=False)
def outer(input, vec2):
    """Outer product of two vectors (with type promotion). Implements `torch.outer`."""
    for name, t in (("self", input), ("vec2", vec2)):
        if t.dim() != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.dim()}-D")
    check_same_device((input, vec2))
    dtype = _promoted(input, vec2)
    return apply_fn("MulBackward0", compiled(_outer, dtype), (input, vec2), dtype)


@op(inplace=False)
def ger(input, vec2):
    """Alias of `outer`. Implements `torch.ger`."""
    return outer(input, vec2)


def _scaled_product(a, b, dtype):
    return a.astype(dtype.np) * b.astype(dtype.np)


def contraction(ndim_a, ndim_b, axes_a, axes_b):
    """The einsum equation contracting `axes_a` of a with `axes_b` of b (tensordot order)."""
    letters = iter("abcdefghijklmnopqrstuvwxyz")
    sub_a = [next(letters) for _ in range(ndim_a)]
    sub_b = [next(letters) for _ in range(ndim_b)]
    for x, y in zip(axes_a, axes_b):
        sub_b[y] = sub_a[x]
    out = [c for i, c in enumerate(sub_a) if i not in axes_a] + [c for i, c in enumerate(sub_b) if i not in axes_b]
    return f"{''.join(sub_a)},{''.join(sub_b)}->{''.join(out)}"


def _inner(a, b):
    return product(a, b, contraction(a.ndim, b.ndim, (a.ndim - 1,), (b.ndim - 1,)))


@op(inplace=False)
def inner(input, other):
    """Sum of products over the last dimensions. Implements `torch.inner`."""
    if input.dim() == 0 or other.dim() == 0:
        dtype = _promoted(input, other)
        return apply_fn("MulBackward0", compiled(_scaled_product, dtype), (input, other), dtype)
    if input._shape[-1] != other._shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input._shape)} and {list(other._shape)}")
    _same_dtype(lambda a, b: "both inputs should have same dtype", input, other)
    _no_bool("dot", input, other)
    return apply_fn("ViewBackward0", compiled(_inner), (input, other), input.dtype)


# ----------------------------------------------------------------- fused add + product
def _check_scalars(dtype, beta, alpha):
    if dtype.category <= _dtype.INT:
        for name, value in (("beta", beta), ("alpha", alpha)):
            if isinstance(value, float) or getattr(value, "dtype", None) in (_dtype.float32, _dtype.float64):
                raise RuntimeError(f"For integral input tensors, argument {name} must not be a floating point number.")


@functools.partial(jax.custom_vjp, nondiff_argnums=(1,))
def _dropped(c, beta):
    """Zero, with the gradient `g * beta` torch gives an input that beta == 0 ignores."""
    return jnp.zeros_like(c)


_dropped.defvjp(lambda c, beta: (jnp.zeros_like(c), None), lambda beta, _, g: (g * beta,))


def _scaled_sum(c, prod, beta, alpha):
    """beta * c + alpha * prod, where beta == 0 ignores c (even nan) as torch does."""
    if c.dtype == jnp.bool_:
        p = jnp.logical_and(prod, bool(alpha))
        return p if not beta else jnp.logical_or(c, p)
    if alpha != 1:
        prod = prod * alpha
    if beta == 0:
        if jnp.issubdtype(c.dtype, jnp.inexact):
            prod = prod + _dropped(c, beta)
        return jnp.broadcast_to(prod, jnp.broadcast_shapes(prod.shape, c.shape)).astype(c.dtype)
    return (c * beta + prod if beta != 1 else c + prod).astype(c.dtype)


def _addmm(c, a, b, beta, alpha, kind, dtype):
    """beta * c + alpha * (a @ b), in the computation dtype (float32 for half types)."""
    compute = jnp.float32 if dtype in (_dtype.float16, _dtype.bfloat16) else dtype.np
    prod = product(a, b) if kind == "mm" else product(a, b).sum(0) if kind == "addbmm" else product(a, b)
    out = _scaled_sum(c.astype(compute) if c.dtype != jnp.bool_ else c, prod.astype(compute)
                      if prod.dtype != jnp.bool_ else prod, beta, alpha)
    return jnp.broadcast_to(out, jnp.broadcast_shapes(out.shape, prod.shape)).astype(dtype.np)


def _expand_check(input, shape):
    """torch's error when `input` doesn't expand to the product's shape."""
    if input.dim() > len(shape):
        raise RuntimeError(f"expand({input.type()}{{{list(input._shape)}}}, size={list(shape)}): the number of sizes "
                           f"provided ({len(shape)}) must be greater or equal to the number of dimensions in the "
                           f"tensor ({input.dim()})")
    for i, size in enumerate(input._shape):
        target = shape[len(shape) - input.dim() + i]
        if size != 1 and size != target:
            raise RuntimeError(f"The expanded size of the tensor ({target}) must match the existing size ({size}) at "
                               f"non-singleton dimension {len(shape) - input.dim() + i}.  Target sizes: "
                               f"{list(shape)}.  Tensor sizes: {list(input._shape)}")


def _fused(name, kind, input, a, b, beta, alpha, shape, grad_name):
    _check_scalars(input.dtype, beta, alpha)
    _expand_check(input, shape)
    return apply_fn(grad_name, compiled(_addmm, beta, alpha, kind, input.dtype), (input, a, b), input.dtype)


@op(inplace=True)
def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2). Implements `torch.addmm`."""
    if mat1.dim() != 2:
        raise RuntimeError("mat1 must be a matrix, got " + f"{mat1.dim()}-D tensor")
    if mat2.dim() != 2:
        raise RuntimeError("mat2 must be a matrix, got " + f"{mat2.dim()}-D tensor")
    if mat1._shape[1] != mat2._shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({mat1._shape[0]}x{mat1._shape[1]} and "
                           f"{mat2._shape[0]}x{mat2._shape[1]})")
    _same_dtype(lambda x, y: f"self and mat2 must have the same dtype, but got {type_name(x)} and {type_name(y)}",
                input, mat1, mat2)
    _no_bool("addmm_impl_cpu_", mat1)
    return _fused("addmm", "mm", input, mat1, mat2, beta, alpha, (mat1._shape[0], mat2._shape[1]), "AddmmBackward0")


@op(inplace=True)
def addmv(input, mat, vec, *, beta=1, alpha=1):
    """beta * input + alpha * (mat @ vec). Implements `torch.addmv`."""
    _check_mv(mat, vec)
    if input.dtype is not mat.dtype or mat.dtype is not vec.dtype:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {type_name(input.dtype)}, "
                           f"{type_name(mat.dtype)}, and {type_name(vec.dtype)}")
    _no_bool("addmv_impl_cpu", mat)
    if input.dim() > 1 or input.numel() not in (1, mat._shape[0]):
        raise RuntimeError(f"size mismatch, got input ({input._shape[0] if input.dim() else 1}), mat "
                           f"({mat._shape[0]}x{mat._shape[1]}), vec ({vec._shape[0]})")
    return _fused("addmv", "mm", input, mat, vec, beta, alpha, (mat._shape[0],), "AddmvBackward0")


@op(inplace=True)
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * bmm(batch1, batch2). Implements `torch.baddbmm`."""
    _check_bmm(batch1, batch2)
    _same_dtype(lambda x, y: f"expected scalar type {type_name(x)} but found {type_name(y)}", input, batch1, batch2)
    _no_bool("baddbmm", batch1)
    shape = (batch1._shape[0], batch1._shape[1], batch2._shape[2])
    return _fused("baddbmm", "bmm", input, batch1, batch2, beta, alpha, shape, "BaddbmmBackward0")


@op(inplace=True)
def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * sum_i(batch1[i] @ batch2[i]). Implements `torch.addbmm`."""
    _check_bmm(batch1, batch2)
    _same_dtype(lambda x, y: f"expected scalar type {type_name(x)} but found {type_name(y)}", input, batch1, batch2)
    _no_bool("addbmm", batch1)
    shape = (batch1._shape[1], batch2._shape[2])
    return _fused("addbmm", "addbmm", input, batch1, batch2, beta, alpha, shape, "AddbmmBackward0")


def _addr(c, a, b, beta, alpha, dtype):
    return _scaled_sum(c.astype(dtype.np), _outer(a, b, dtype), beta, alpha).astype(dtype.np)


@op(inplace=True)
def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """beta * input + alpha * outer(vec1, vec2), with type promotion. Implements `torch.addr`."""
    for name, t in (("vec1", vec1), ("vec2", vec2)):
        if t.dim() != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {t.dim()}-D")
    dtype = _promoted(input, vec1, vec2)
    if dtype is _dtype.bool:
        if isinstance(beta, float) or isinstance(alpha, float):
            raise RuntimeError("Boolean beta only supported for Boolean results.")
    else:
        _check_scalars(dtype, beta, alpha)
    _expand_check(input, (vec1._shape[0], vec2._shape[0]))
    return apply_fn("AddrBackward0", compiled(_addr, beta, alpha, dtype), (input, vec1, vec2), dtype)


# ----------------------------------------------------------------- einsum, tensordot, kron
def _parse_sublist(args):
    """einsum(op1, sublist1, op2, sublist2, ..., [out]) -> (equation, operands)."""
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def word(sub):
        return "".join("..." if s is Ellipsis else letters[s] for s in sub)

    operands, terms = list(args[0::2]), []
    pairs = list(args)
    out = None
    if len(pairs) % 2 == 1:
        out = pairs[-1]
        operands = operands[:-1]
    terms = [word(s) for s in pairs[1::2]]
    equation = ",".join(terms) + ("" if out is None else "->" + word(out))
    return equation, operands


def _einsum_grad_name(equation, n):
    inputs, _, output = equation.replace(" ", "").partition("->")
    letters = {c for c in inputs if c.isalpha()}
    if not _:
        counts = {c: inputs.count(c) for c in letters}
        output = "".join(sorted(c for c in letters if counts[c] == 1))
    summed = letters - set(output)
    if n == 1:
        return "SumBackward1" if summed else "PermuteBackward0"
    return "ViewBackward0" if summed else "MulBackward0"


def _einsum(*arrays_and_equation):
    *arrays, equation = arrays_and_equation
    if arrays[0].dtype == jnp.bool_:
        return jnp.einsum(equation, *[a.astype(jnp.int32) for a in arrays]) > 0
    if len(arrays) == 2:
        return product(arrays[0], arrays[1], equation)
    return jnp.einsum(equation, *arrays).astype(arrays[0].dtype)


@op(inplace=False, out=False, method=False)
def einsum(*args):
    """Einstein summation over `equation` (string or sublist form). Implements `torch.einsum`."""
    if args and isinstance(args[0], str):
        equation, operands = args[0], args[1:]
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = tuple(operands[0])
    else:
        equation, operands = _parse_sublist(args)
    operands = tuple(operands)
    _same_dtype(lambda a, b: f"expected scalar type {type_name(a)} but found {type_name(b)}", *operands)
    equation = equation.replace(" ", "")
    fn = compiled(_einsum, equation)
    return apply_fn(_einsum_grad_name(equation, len(operands)), fn, operands, operands[0].dtype)


@op(inplace=False, method=False)
def tensordot(a, b, dims=2):
    """Contraction of `a` and `b` over `dims` (a count or two lists). Implements `torch.tensordot`."""
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > a.dim() or dims > b.dim():
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        axes = (tuple(range(a.dim() - dims, a.dim())), tuple(range(dims)))
    else:
        first, second = dims
        first = [first] if isinstance(first, int) else list(first)
        second = [second] if isinstance(second, int) else list(second)
        if len(first) != len(second):
            raise RuntimeError("both dimension lists should have same length")
        axes = (tuple(a._wrap_dim(d) for d in first), tuple(b._wrap_dim(d) for d in second))
        for x, y in zip(*axes):
            if a._shape[x] != b._shape[y]:
                raise RuntimeError(f"contracted dimensions need to match, but first has size {a._shape[x]} in dim "
                                   f"{x} and second has size {b._shape[y]} in dim {y}")
    _same_dtype(lambda x, y: "both inputs should have same dtype", a, b)
    return apply_fn("ViewBackward0", compiled(_tensordot, axes), (a, b), a.dtype)


def _tensordot(x, y, axes):
    return product(x, y, contraction(x.ndim, y.ndim, *axes))


def _kron(a, b, dtype):
    return jnp.kron(a.astype(dtype.np), b.astype(dtype.np))


@op(inplace=False)
def kron(input, other):
    """Kronecker product (with type promotion). Implements `torch.kron`."""
    dtype = _dtype.promote_types(input.dtype, other.dtype)  # 0-d operands are not demoted here
    return apply_fn("UnsafeViewBackward0", compiled(_kron, dtype), (input, other), dtype)


@op(inplace=False, out=False, method=False)
def chain_matmul(*matrices):
    """Product of a chain of matrices (deprecated in torch). Implements `torch.chain_matmul`."""
    import warnings
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
                  "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than multiple "
                  "parameters.", UserWarning, stacklevel=2)
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    if len(matrices) == 0:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for i, m in enumerate(matrices):
        if m.dim() != 2:
            raise RuntimeError(f"Tensor dimension is {m.dim()}, expected 2 instead.")
    if len(matrices) == 1:
        return apply_fn("CloneBackward0", compiled(_copy), matrices, matrices[0].dtype)
    return multi_dot(matrices)


def _copy(a):
    return a + 0


def _multi_dot(*arrays):
    out = arrays[0]
    for a in arrays[1:]:
        out = product(out, a)
    return out


@op(inplace=False, method=False, namespace="torch.linalg")
def multi_dot(tensors):
    """Product of two or more matrices (first/last may be vectors). Implements `torch.linalg.multi_dot`."""
    tensors = tuple(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    for i, t in enumerate(tensors):
        allowed = (1, 2) if i in (0, len(tensors) - 1) else (2,)
        if t.dim() not in allowed:
            which = "first" if i == 0 else "last" if i == len(tensors) - 1 else None
            raise RuntimeError(f"multi_dot(): the {which} tensor must be 1D or 2D but got {t.dim()}D" if which else
                               f"multi_dot(): tensor {i} must be 2D but got {t.dim()}D")
    _same_dtype(lambda a, b: f"multi_dot(): all tensors must have be the same dtype but tensor 0 is {a} and tensor "
                f"1 {b}", *tensors)
    for i in range(len(tensors) - 1):
        a, b = tensors[i], tensors[i + 1]
        if a._shape[-1] != b._shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {list(a._shape)} and "
                               f"{list(b._shape)} cannot be multiplied")
    return apply_fn("ViewBackward0", compiled(_multi_dot), tensors, tensors[0].dtype)


# ----------------------------------------------------------------- distances
def _cdist(x1, x2, p):
    diff = x1[..., :, None, :] - x2[..., None, :, :]
    # |diff| with torch's gradient sign(diff): 0 where diff == 0 (jnp.abs's is 1 there)
    diff = diff * jax.lax.stop_gradient(jnp.sign(diff))
    if p == 0:
        return (diff != 0).sum(-1).astype(x1.dtype)
    if p == math.inf:
        return diff.max(-1, initial=0)
    if p == 1:
        return diff.sum(-1)
    if p == 2:
        sq = (diff * diff).sum(-1)
        # A zero distance has a zero gradient in torch, not nan.
        safe = jnp.where(sq == 0, 1, sq)
        return jnp.where(sq == 0, 0, jnp.sqrt(safe))
    powered = (jnp.where(diff == 0, 1, diff) ** p) * (diff != 0)
    total = powered.sum(-1)
    return jnp.where(total == 0, 0, jnp.where(total == 0, 1, total) ** (1 / p))


@op(inplace=False, out=False, method=False)
def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """Batched p-norm distances between the rows of `x1` and of `x2`. Implements `torch.cdist`."""
    for name, t in (("X1", x1), ("X2", x2)):
        if t.dim() < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {t.dim()}D")
    for name, t in (("X1", x1), ("X2", x2)):
        if not t.dtype.is_floating_point:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {type_name(t.dtype)}")
    if x1.dtype is not x2.dtype:
        raise RuntimeError(f"expected scalar type {type_name(x1.dtype)} but found {type_name(x2.dtype)}")
    if x1._shape[-1] != x2._shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1._shape[-1]} X2: {x2._shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    broadcast_shapes(x1._shape[:-2], x2._shape[:-2])
    grad = "CdistBackward0" if x1._shape[:-2] == x2._shape[:-2] else "ViewBackward0"
    return apply_fn(grad, compiled(_cdist, float(p)), (x1, x2), x1.dtype)
