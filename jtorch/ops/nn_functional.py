"""torch.nn.functional ops (the op library issue extends this family)."""
from __future__ import annotations

import functools
import math
import warnings

import jax
import jax.numpy as jnp

from .. import _dtype
from .._dtype import Promote
from .._registry import OP_TABLE, apply_fn, op, pointwise, type_name
from .._tensor import Tensor
from .linalg import matmul
from .pointwise import sigmoid as _sigmoid
from .pointwise import tanh as _tanh


@functools.lru_cache(maxsize=None)
def _linear_fn(has_bias):
    if has_bias:
        return jax.jit(lambda x, w, b: jnp.matmul(x, w.T) + b)
    return jax.jit(lambda x, w: jnp.matmul(x, w.T))


@op(namespace="torch.nn.functional", method=False, out=False)
def linear(input, weight, bias=None):
    """input @ weight.T + bias. Implements `torch.nn.functional.linear`."""
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_name(input)} and {_name(weight)}")
    if input.shape[-1] != weight.shape[-1]:
        rows = input.numel() // input.shape[-1] if input.dim() else 1
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
                           f"{weight.shape[1]}x{weight.shape[0]})")
    if input.dim() == 2 and bias is not None:
        return apply_fn("AddmmBackward0", _linear_fn(True), (input, weight, bias), input.dtype)
    if bias is None:
        return matmul(input, weight.t())
    return matmul(input, weight.t()) + bias


def _name(t):
    return {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16"}.get(t.dtype.name,
                                                                                                  t.dtype.name)


@functools.lru_cache(maxsize=None)
def _bilinear_fn(has_bias):
    def bilinear_(x1, x2, w, *bias):
        out = jnp.einsum("...i,oij,...j->...o", x1, w, x2)
        return out + bias[0] if has_bias else out

    return jax.jit(bilinear_)


@op(namespace="torch.nn.functional", method=False, out=False)
def bilinear(input1, input2, weight, bias=None):
    """x1ᵀ A x2 + b over the last dims. Implements `torch.nn.functional.bilinear`."""
    if input1.dim() != input2.dim():
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.dim()} and {input2.dim()}")
    for d in range(input1.dim() - 1):
        if input1.shape[d] != input2.shape[d]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: got {input1.shape[d]} and "
                               f"{input2.shape[d]}")
    if weight.dim() != 3:
        raise RuntimeError(f"bilinear(): weight must be three-dimensional, but got {weight.dim()}")
    if input1.shape[-1] != weight.shape[1]:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but "
                           f"expected {weight.shape[1]}")
    if input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but "
                           f"expected {weight.shape[2]}")
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {bias.shape[0]} but expected "
                           f"{weight.shape[0]}")
    if not input1.dtype is input2.dtype is weight.dtype:
        raise RuntimeError(f"expected scalar type {type_name(input1.dtype)} but found {type_name(weight.dtype)}")
    tensors = (input1, input2, weight) if bias is None else (input1, input2, weight, bias)
    grad_name = "ViewBackward0" if bias is None else "AddBackward0"
    return apply_fn(grad_name, _bilinear_fn(bias is not None), tensors, input1.dtype, saved=tensors)


@op(namespace="torch.nn.functional", method=False, out=False)
def relu(input, inplace=False):
    """max(input, 0). Implements `torch.nn.functional.relu`."""
    if input.dtype is _dtype.bool:
        raise RuntimeError("Boolean inputs not supported for relu")
    return _run(_relu_body, input, inplace)


# ================================================================ activations
# Each elementwise activation is a private `pointwise` op (promotion, autograd, in-place
# handled there) plus a public wrapper with torch's signature. Ops whose in-place form
# records a different grad_fn (EluBackward1, ...) declare a second private op for it.
_NS = "torch.nn.functional"
_DEFAULT = Promote.DEFAULT


def _require_float(input, kernel):
    """torch's NotImplementedError for activation kernels that exist only for floats."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{kernel.split('_')[0]}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if input.dtype.category != _dtype.FLOAT:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{type_name(input.dtype)}\'')


def _activation(name, grad_name, inplace_grad_name=None):
    """Declare `body` as the private pointwise op `_name` (and `_name_` for in-place use
    when torch records a different grad_fn there); returns (function, inplace_function)."""

    def declare(body):
        fn = pointwise(_DEFAULT, name="_" + name, grad_name=grad_name, namespace=_NS, method=False, out=False)(body)
        key = f"{_NS}._{name}"
        if inplace_grad_name:
            pointwise(_DEFAULT, name=f"_{name}_inplace", grad_name=inplace_grad_name, namespace=_NS, method=False,
                      out=False)(body)
            key = f"{_NS}._{name}_inplace"
        return fn, OP_TABLE[key].inplace_function

    return declare


def _run(pair, input, inplace, **static):
    static = static or {"_unused": None}  # a keyword keeps pointwise on its checked path
    fn, inplace_fn = pair
    return inplace_fn(input, **static) if inplace else fn(input, **static)


def _custom_grad(value, derivative):
    """`value(x)` differentiated by torch's own backward formula `derivative(x, g)`, so that
    gradients match torch at kinks and in their signed zeros (autodiff through `where`
    adds the unused branch's +0)."""
    f = jax.custom_vjp(value)
    f.defvjp(lambda x: (value(x), x), lambda x, g: (derivative(x, g),))
    return f


def _zero(g):
    return jnp.zeros_like(g)


@_activation("relu", "ReluBackward0")
def _relu_body(input, *, _unused=None):
    # torch's gradient is zero at 0 and its value keeps -0.0
    return _custom_grad(lambda x: jnp.where(x < 0, jnp.zeros_like(x), x),
                        lambda x, g: jnp.where(x <= 0, _zero(g), g))(input)


@_activation("hardtanh", "HardtanhBackward0")
def _hardtanh_body(input, *, min_val, max_val):
    def value(x):
        lo, hi = jnp.asarray(min_val, x.dtype), jnp.asarray(max_val, x.dtype)
        return jnp.where(x < lo, lo, jnp.where(x > hi, hi, x))

    return _custom_grad(value, lambda x, g: jnp.where((x <= min_val) | (x >= max_val), _zero(g), g))(input)


@op(namespace=_NS, method=False, out=False)
def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """Clamp to [min_val, max_val]. Implements `torch.nn.functional.hardtanh`."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if input.dtype is _dtype.bool:
        raise RuntimeError('"hardtanh" not implemented for \'Bool\'')
    return _run(_hardtanh_body, input, inplace, min_val=min_val, max_val=max_val)


@op(namespace=_NS, method=False, out=False)
def relu6(input, inplace=False):
    """min(max(input, 0), 6). Implements `torch.nn.functional.relu6`."""
    return hardtanh(input, 0.0, 6.0, inplace)


@_activation("leaky_relu", "LeakyReluBackward0", "LeakyReluBackward1")
def _leaky_relu_body(input, *, negative_slope):
    return _custom_grad(lambda x: jnp.where(x > 0, x, x * negative_slope),
                        lambda x, g: jnp.where(x > 0, g, g * negative_slope))(input)


@op(namespace=_NS, method=False, out=False)
def leaky_relu(input, negative_slope=0.01, inplace=False):
    """max(0, x) + negative_slope * min(0, x). Implements `torch.nn.functional.leaky_relu`."""
    _require_float(input, "leaky_relu_cpu")
    return _run(_leaky_relu_body, input, inplace, negative_slope=negative_slope)


def _elu_math(x, alpha, scale, input_scale):
    def value(x):
        return jnp.where(x > 0, x * scale, jnp.expm1(x * input_scale) * (alpha * scale))

    def derivative(x, g):
        # Differences from torch: for a NaN input torch's scalar loop gives g * scale and its
        # vectorised loop NaN (it depends on the tensor's length); this follows the scalar loop.
        return jnp.where(x <= 0, g * input_scale * (alpha * scale) * jnp.exp(x * input_scale), g * scale)

    return _custom_grad(value, derivative)(x)


@_activation("elu", "EluBackward0", "EluBackward1")
def _elu_body(input, *, alpha, scale, input_scale):
    return _elu_math(input, alpha, scale, input_scale)


@_activation("celu", "CeluBackward0", "CeluBackward1")
def _celu_body(input, *, alpha, scale, input_scale):
    return _elu_math(input, alpha, scale, input_scale)


@op(namespace=_NS, method=False, out=False)
def elu(input, alpha=1.0, inplace=False):
    """x if x > 0 else alpha * (exp(x) - 1). Implements `torch.nn.functional.elu`."""
    _require_float(input, "elu_cpu")
    return _run(_elu_body, input, inplace, alpha=float(alpha), scale=1.0, input_scale=1.0)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


@op(namespace=_NS, method=False, out=False)
def selu(input, inplace=False):
    """scale * elu(x, alpha) with the self-normalising constants. Implements `torch.nn.functional.selu`."""
    _require_float(input, "elu_cpu")
    return _run(_elu_body, input, inplace, alpha=_SELU_ALPHA, scale=_SELU_SCALE, input_scale=1.0)


@op(namespace=_NS, method=False, out=False)
def celu(input, alpha=1.0, inplace=False):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)). Implements `torch.nn.functional.celu`."""
    _require_float(input, "elu_cpu")
    return _run(_celu_body, input, inplace, alpha=float(alpha), scale=1.0, input_scale=1.0 / alpha)


_GELU_KAPPA = 0.044715


@functools.partial(jax.custom_vjp, nondiff_argnums=(1,))
def _gelu_math(x, approximate):
    if approximate == "tanh":
        inner = math.sqrt(2 / math.pi) * (x + _GELU_KAPPA * x * x * x)
        return 0.5 * x * (1 + jnp.tanh(inner))
    return x * 0.5 * (1 + jax.lax.erf(x * (1 / math.sqrt(2))))


def _gelu_fwd(x, approximate):
    return _gelu_math(x, approximate), x


def _gelu_bwd(approximate, x, g):
    # torch's GeluBackward formulas, so signed zeros and rounding match
    if approximate == "tanh":
        beta = math.sqrt(2) * (2 / math.sqrt(math.pi)) * 0.5
        x_sq = x * x
        tanh_inner = jnp.tanh(beta * (x + _GELU_KAPPA * x_sq * x))
        right = 1 + tanh_inner
        inner_derivative = beta * (1 + 3 * _GELU_KAPPA * x_sq)
        return (g * (0.5 * right + 0.5 * x * (1 - tanh_inner * tanh_inner) * inner_derivative),)
    cdf = 0.5 * (1 + jax.lax.erf(x * (1 / math.sqrt(2))))
    pdf = (2 / math.sqrt(math.pi)) * (1 / math.sqrt(2)) * 0.5 * jnp.exp(x * x * -0.5)
    return (g * (cdf + x * pdf),)


_gelu_math.defvjp(_gelu_fwd, _gelu_bwd)


@_activation("gelu", "GeluBackward0")
def _gelu_body(input, *, approximate):
    return _gelu_math(input, approximate)


@op(namespace=_NS, method=False, out=False)
def gelu(input, approximate="none"):
    """x * Phi(x), exact or with the tanh approximation. Implements `torch.nn.functional.gelu`."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _require_float(input, "GeluKernelImpl")
    return _gelu_body[0](input, approximate=approximate)


@_activation("silu", "SiluBackward0")
def _silu_body(input, *, _unused=None):
    def derivative(x, g):
        sig = 1 / (1 + jnp.exp(-x))
        return g * sig * (1 + x * (1 - sig))

    return _custom_grad(lambda x: x / (1 + jnp.exp(-x)), derivative)(input)


@op(namespace=_NS, method=False, out=False)
def silu(input, inplace=False):
    """x * sigmoid(x). Implements `torch.nn.functional.silu`."""
    _require_float(input, "silu_cpu")
    return _run(_silu_body, input, inplace, _unused=None)


@_activation("mish", "MishBackward0")
def _mish_body(input, *, _unused=None):
    def derivative(x, g):
        sig = 1 / (1 + jnp.exp(-x))
        tanh_softplus = jnp.tanh(jnp.log1p(jnp.exp(x)))
        return g * (tanh_softplus + x * sig * (1 - tanh_softplus * tanh_softplus))

    return _custom_grad(lambda x: x * jnp.tanh(jnp.log1p(jnp.exp(x))), derivative)(input)


@op(namespace=_NS, method=False, out=False)
def mish(input, inplace=False):
    """x * tanh(softplus(x)). Implements `torch.nn.functional.mish`."""
    _require_float(input, "mish_cpu")
    return _run(_mish_body, input, inplace, _unused=None)


def _six(x):
    """An array of 6s shaped like x, behind an optimization barrier: XLA turns a division by a
    constant or broadcast scalar into a multiplication by its reciprocal, which is not exact
    (10 / 6 would be 1 ulp off torch)."""
    return jax.lax.optimization_barrier(jnp.full(x.shape, 6, x.dtype))


@_activation("hardswish", "HardswishBackward0")
def _hardswish_body(input, *, _unused=None):
    return _custom_grad(lambda x: x * jnp.clip(x + 3, 0, 6) / _six(x),
                        lambda x, g: jnp.where(x <= -3, _zero(g), jnp.where(x < 3, g * (x / 3 + 0.5), g)))(input)


@op(namespace=_NS, method=False, out=False)
def hardswish(input, inplace=False):
    """x * relu6(x + 3) / 6. Implements `torch.nn.functional.hardswish`."""
    _require_float(input, "hardswish_cpu")
    return _run(_hardswish_body, input, inplace, _unused=None)


@_activation("hardsigmoid", "HardsigmoidBackward0")
def _hardsigmoid_body(input, *, _unused=None):
    return _custom_grad(lambda x: jnp.clip(x + 3, 0, 6) / _six(x),
                        lambda x, g: jnp.where((x > -3) & (x < 3), g / 6, _zero(g)))(input)


@op(namespace=_NS, method=False, out=False)
def hardsigmoid(input, inplace=False):
    """relu6(x + 3) / 6. Implements `torch.nn.functional.hardsigmoid`."""
    _require_float(input, "hardsigmoid_cpu")
    return _run(_hardsigmoid_body, input, inplace, _unused=None)


@functools.partial(jax.custom_vjp, nondiff_argnums=(1, 2))
def _softplus_math(x, beta, threshold):
    scaled = x * beta
    return jnp.where(scaled > threshold, x, jnp.log1p(jnp.exp(scaled)) / beta)


def _softplus_fwd(x, beta, threshold):
    return _softplus_math(x, beta, threshold), x


def _softplus_bwd(beta, threshold, x, g):
    # torch's SoftplusBackward formula (signed zeros included)
    z = jnp.exp(x * beta)
    return (jnp.where(x * beta > threshold, g, g * z / (z + 1)),)


_softplus_math.defvjp(_softplus_fwd, _softplus_bwd)


@_activation("softplus", "SoftplusBackward0")
def _softplus_body(input, *, beta, threshold):
    return _softplus_math(input, beta, threshold)


@op(namespace=_NS, method=False, out=False)
def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta, linear above threshold. Implements `torch.nn.functional.softplus`."""
    _require_float(input, "softplus_cpu")
    return _softplus_body[0](input, beta=beta, threshold=threshold)


@_activation("logsigmoid", "LogSigmoidBackward0")
def _logsigmoid_body(input, *, _unused=None):
    def derivative(x, g):
        negative = x < 0
        z = jnp.exp(-jnp.abs(x))
        return g * (jnp.where(negative, 1.0, 0.0).astype(x.dtype) - jnp.where(negative, 1, -1) * (z / (1 + z)))

    return _custom_grad(lambda x: jnp.minimum(x, 0) - jnp.log1p(jnp.exp(-jnp.abs(x))), derivative)(input)


@op(namespace=_NS, method=False, out=False)
def logsigmoid(input):
    """log(sigmoid(x)). Implements `torch.nn.functional.logsigmoid`."""
    _require_float(input, "log_sigmoid_cpu")
    out = _logsigmoid_body[0](input, _unused=None)
    if out._chain is None and out._storage.host is None:
        out._strides = None  # torch's log_sigmoid allocates a row-major result, whatever input's layout
    return out


@_activation("threshold", "ThresholdBackward0", "ThresholdBackward1")
def _threshold_body(input, *, threshold, value):
    return _custom_grad(lambda x: jnp.where(x <= threshold, jnp.asarray(value).astype(x.dtype), x),
                        lambda x, g: jnp.where(x <= threshold, _zero(g), g))(input)


@op(namespace=_NS, method=False, out=False)
def threshold(input, threshold, value, inplace=False):
    """x if x > threshold else value. Implements `torch.nn.functional.threshold`."""
    return _run(_threshold_body, input, inplace, threshold=threshold, value=value)


@op(namespace=_NS, method=False, out=False)
def sigmoid(input):
    """1 / (1 + exp(-x)). Implements `torch.nn.functional.sigmoid`."""
    return _sigmoid(input)


@op(namespace=_NS, method=False, out=False)
def tanh(input):
    """Hyperbolic tangent. Implements `torch.nn.functional.tanh`."""
    return _tanh(input)


@op(namespace=_NS, method=False, out=False)
def softsign(input):
    """x / (1 + |x|). Implements `torch.nn.functional.softsign`."""
    return input / (input.abs() + 1)


@op(namespace=_NS, method=False, out=False)
def tanhshrink(input):
    """x - tanh(x). Implements `torch.nn.functional.tanhshrink`."""
    return input - _tanh(input)


@functools.lru_cache(maxsize=None)
def _glu_fn(dim):
    def glu_(x):
        a, b = jnp.split(x, 2, axis=dim)
        return a * jax.nn.sigmoid(b)
    return jax.jit(glu_)


@op(namespace=_NS, method=False, out=False)
def glu(input, dim=-1):
    """a * sigmoid(b) for the two halves of `input` along `dim`. Implements `torch.nn.functional.glu`."""
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    dim = input._wrap_dim(dim)
    if input.shape[dim] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim} is size {input.shape[dim]}")
    _require_float(input, "glu_cpu")
    return apply_fn("GluBackward0", _glu_fn(dim), (input,), input.dtype, saved=(input,))


# ---------------------------------------------------------------- softmax family
def _softmax_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as "
                  "an argument.", UserWarning, stacklevel=stacklevel + 1)
    return 0 if ndim in (0, 1, 3) else 1


@functools.lru_cache(maxsize=None)
def _softmax_fn(dim, log):
    def fn(x):
        compute = jnp.promote_types(x.dtype, jnp.float32)  # half precision computes in float32
        y = x.astype(compute)
        y = jax.nn.log_softmax(y, axis=dim) if log else jax.nn.softmax(y, axis=dim)
        return y.astype(x.dtype)
    return jax.jit(fn)


def _softmax(name, input, dim, stacklevel, dtype, log, negate=False):
    if dim is None:
        dim = _softmax_dim(name, input.dim(), stacklevel + 1)
    wrapped = input._wrap_dim(dim)
    if dtype is not None:
        input = input.to(dtype)
    if negate:
        input = -input
    if input.dtype.category != _dtype.FLOAT and input.numel():
        last = wrapped == max(input.dim() - 1, 0)
        kernel = ("log_softmax" if log else "softmax") + ("_lastdim_kernel_impl" if last else "_kernel_impl")
        raise NotImplementedError(f'"{kernel}" not implemented for \'{type_name(input.dtype)}\'')
    axis = wrapped if input.dim() else None
    grad = "LogSoftmaxBackward0" if log else "SoftmaxBackward0"
    return apply_fn(grad, _softmax_fn(axis, log), (input,), input.dtype)


@op(namespace=_NS, method=False, out=False)
def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x)) along `dim`. Implements `torch.nn.functional.softmax`."""
    return _softmax("softmax", input, dim, _stacklevel, dtype, False)


@op(namespace=_NS, method=False, out=False)
def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log(softmax(x)) along `dim`. Implements `torch.nn.functional.log_softmax`."""
    return _softmax("log_softmax", input, dim, _stacklevel, dtype, True)


@op(namespace=_NS, method=False, out=False)
def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x) along `dim`. Implements `torch.nn.functional.softmin`."""
    return _softmax("softmin", input, dim, _stacklevel, dtype, False, negate=True)
