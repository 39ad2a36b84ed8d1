"""jtorch: the PyTorch API on JAX. `import jtorch as torch`."""
from __future__ import annotations

import jax as _jax

# torch.long and torch.double must be real 64-bit types; JAX keeps them off by default.
_jax.config.update("jax_enable_x64", True)
# torch creates tensors on the CPU unless a device is named, whatever accelerators exist.
_jax.config.update("jax_default_device", _jax.devices("cpu")[0])

# torch's default float32 matmul precision, 'highest': full float32 products, where JAX would let a
# GPU use TensorFloat-32 (torch.set_float32_matmul_precision('high') asks for that, as in torch).
_jax.config.update("jax_default_matmul_precision", "highest")

__version__ = "2.13.0+jax"

from . import _dtype  # noqa: E402
from ._device import device, get_default_device, set_default_device  # noqa: E402
from ._dtype import (  # noqa: E402
    bfloat16, bool, can_cast, complex64, complex128, dtype, float16, float32, float64, get_default_dtype, int8,
    int16, int32, int64, promote_types, result_type, set_default_dtype, uint8,
)
from ._tensor import Size, Tensor  # noqa: E402
from ._tensor_str import printoptions as _printoptions  # noqa: E402,F401
from ._tensor_str import get_printoptions, set_printoptions  # noqa: E402,F401
from .ops import pointwise as _pointwise  # noqa: E402,F401  (registers the pointwise ops)
from .ops import complex_ops as _complex_ops, fft as _fft_ops, linalg_functions as _linalg_functions  # noqa: E402,F401,E501
from .ops import shape as _shape, scatter as _scatter, sorting as _sorting  # noqa: E402,F401  (register their ops)
from .ops import pointwise_math  # noqa: F401,E402
from . import _registry  # noqa: E402
from . import _methods  # noqa: E402
from . import autograd  # noqa: E402
from . import cuda  # noqa: E402
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled  # noqa: E402
from .autograd.grad_mode import is_inference_mode_enabled  # noqa: E402
from .ops.creation import (  # noqa: E402
    arange, as_tensor, empty, empty_like, empty_permuted, empty_strided, eye, from_numpy, full, full_like, linspace,
    logspace, ones, ones_like, range, tensor, zeros, zeros_like,
)
from .ops.random import (  # noqa: E402
    Generator, bernoulli, default_generator, get_rng_state, initial_seed, manual_seed, multinomial, normal, rand,
    rand_like, randint, randint_like, randn, randn_like, randperm, seed, set_rng_state,
)
from .ops.conversion import clone, detach  # noqa: E402
from .ops.reduction import mean, sum  # noqa: E402
from .ops.linalg import matmul, mm  # noqa: E402
from . import fft, linalg  # noqa: E402  (the torch.fft and torch.linalg namespaces)
from . import special  # noqa: F401,E402  (the torch.special namespace)
from .ops.views import (  # noqa: E402
    adjoint, broadcast_to, chunk, diagonal, flatten, movedim, narrow, permute, ravel, reshape, select, split, squeeze,
    t, tensor_split, transpose, unbind, unflatten, unsafe_chunk, unsafe_split, unsafe_split_with_sizes, unsqueeze,
)
from .ops.views import as_strided, as_strided_, as_strided_scatter, imag, real  # noqa: E402
from ._methods import div  # noqa: E402

half, float, double, cfloat, cdouble = float16, float32, float64, complex64, complex128  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001
swapaxes = swapdims = transpose
moveaxis = movedim
divide = div
strided = "torch.strided"
from math import e, inf, nan, pi  # noqa: E402
from .ops.conversion import (  # noqa: E402
    channels_last, channels_last_3d, contiguous_format, memory_format, preserve_format,
)

from . import nn  # noqa: E402  (registers the nn.functional ops before methods are installed)
from . import optim  # noqa: E402
from . import utils  # noqa: E402
from .serialization import load, save  # noqa: E402
from .utils.dlpack import from_dlpack, to_dlpack  # noqa: E402
from .ops.removed import eig, lstsq, matrix_rank, solve, symeig  # noqa: E402

# torch.* aliases of nn.functional ops, further ops and runtime knobs (before methods are installed)
from .ops import aliases as _aliases, extras as _extras  # noqa: E402,F401
from .ops import spectral as _spectral  # noqa: E402,F401  (torch.stft, torch.istft)
from ._runtime import *  # noqa: E402,F401,F403

_methods.install()
autograd.install(Tensor)

# Every registered op is a public torch.* function.
for _short, _function in _registry.namespace_functions("torch").items():
    globals().setdefault(_short, _function)
del _short, _function
_extras.install_inplace_functions(globals())  # torch.abs_, torch.relu_, ...: the Tensor `_` methods


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def _tensor_input(name, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return input


def is_floating_point(input) -> bool:
    return _tensor_input("is_floating_point", input).dtype.is_floating_point


def is_complex(input) -> bool:
    return _tensor_input("is_complex", input).dtype.is_complex


def numel(input) -> int:
    return _tensor_input("numel", input).numel()


def is_signed(input) -> bool:
    return _tensor_input("is_signed", input).is_signed()


from ._missing import module_getattr as _module_getattr, tensor_getattr as _tensor_getattr  # noqa: E402

__getattr__ = _module_getattr("torch", "jtorch")
Tensor.__getattr__ = _tensor_getattr
