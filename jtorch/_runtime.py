"""Runtime knobs: threads, determinism, matmul precision, anomaly mode, warn-always,
denormals, default tensor type, and the eager stand-ins for torch.compile / torch.cond
/ torch.vmap. They keep torch's state and validation; XLA decides the rest (thread
counts and determinism are recorded, not enforced)."""
from __future__ import annotations

import functools
import os
import warnings

__all__ = [
    "get_num_threads", "set_num_threads", "get_num_interop_threads", "set_num_interop_threads",
    "get_float32_matmul_precision", "set_float32_matmul_precision", "use_deterministic_algorithms",
    "are_deterministic_algorithms_enabled", "is_deterministic_algorithms_warn_only_enabled",
    "get_deterministic_debug_mode", "set_deterministic_debug_mode", "is_anomaly_enabled", "set_anomaly_enabled",
    "is_anomaly_check_nan_enabled", "set_warn_always", "is_warn_always_enabled", "set_flush_denormal", "typename",
    "is_storage", "set_default_tensor_type", "get_device", "compile", "cond", "vmap",
]

_STATE = {
    "num_threads": os.cpu_count() or 1,
    "interop_threads": os.cpu_count() or 1,
    "interop_set": False,
    "matmul_precision": "highest",
    "deterministic": False,
    "warn_only": False,
    "warn_always": False,
}


def get_num_threads() -> int:
    """The intra-op thread count torch would use (recorded only: XLA schedules its own threads)."""
    return _STATE["num_threads"]


def _check_int(name, value):
    if isinstance(value, bool) or not isinstance(value, _INT):
        raise RuntimeError(f"{name} expects an int, but got {type(value).__name__}")


_INT = int


def set_num_threads(int) -> None:  # noqa: A002  (torch's parameter name)
    """Implements `torch.set_num_threads` (recorded; XLA's thread pool is not resized)."""
    _check_int("set_num_threads", int)
    if int <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _STATE["num_threads"] = int


def get_num_interop_threads() -> int:
    return _STATE["interop_threads"]


def set_num_interop_threads(int) -> None:  # noqa: A002
    """Implements `torch.set_num_interop_threads` (recorded; allowed once, as in torch)."""
    _check_int("set_num_interop_threads", int)
    if int <= 0:
        raise RuntimeError("Expected positive number of threads")
    if _STATE["interop_set"]:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work has started or "
                           "set_num_interop_threads called")
    _STATE["interop_threads"] = int
    _STATE["interop_set"] = True


_PRECISIONS = ("highest", "high", "medium")


def get_float32_matmul_precision() -> str:
    return _STATE["matmul_precision"]


def set_float32_matmul_precision(precision: str) -> None:
    """Implements `torch.set_float32_matmul_precision`: also sets JAX's default matmul
    precision ('highest' -> float32, 'high' -> tf32-like, 'medium' -> bfloat16)."""
    if precision not in _PRECISIONS:
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    import jax
    jax.config.update("jax_default_matmul_precision",
                      {"highest": "highest", "high": "tensorfloat32", "medium": "bfloat16"}[precision])
    _STATE["matmul_precision"] = precision


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Implements `torch.use_deterministic_algorithms` (jtorch's CPU kernels are deterministic anyway)."""
    if not isinstance(mode, bool):
        raise TypeError(f"_set_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not "
                        f"{type(mode).__name__}")
    _STATE["deterministic"] = mode
    _STATE["warn_only"] = bool(warn_only) if mode else False


def are_deterministic_algorithms_enabled() -> bool:
    return _STATE["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _STATE["warn_only"]


_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def set_deterministic_debug_mode(debug_mode) -> None:
    """Implements `torch.set_deterministic_debug_mode` (0/'default', 1/'warn', 2/'error')."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError(f"invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got "
                               f"{debug_mode}")
        debug_mode = _DEBUG_MODES[debug_mode]
    elif not isinstance(debug_mode, int):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode).__name__}")
    if debug_mode == 0:
        use_deterministic_algorithms(False)
    elif debug_mode == 1:
        use_deterministic_algorithms(True, warn_only=True)
    elif debug_mode == 2:
        use_deterministic_algorithms(True)
    else:
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")


def get_deterministic_debug_mode() -> int:
    if _STATE["deterministic"]:
        return 1 if _STATE["warn_only"] else 2
    return 0


def is_anomaly_enabled() -> bool:
    """Implements `torch.is_anomaly_enabled` (the flag only: jtorch's autograd does not
    check for anomalies)."""
    return _STATE.get("anomaly", False)


def is_anomaly_check_nan_enabled() -> bool:
    return _STATE.get("anomaly_check_nan", True)


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """Implements `torch.set_anomaly_enabled` (recorded)."""
    _STATE["anomaly"] = bool(enabled)
    _STATE["anomaly_check_nan"] = bool(check_nan)


def set_warn_always(b: bool) -> None:
    """Implements `torch.set_warn_always` (recorded; jtorch's warnings go through Python's `warnings`)."""
    _STATE["warn_always"] = bool(b)


def is_warn_always_enabled() -> bool:
    return _STATE["warn_always"]


def set_flush_denormal(mode: bool) -> bool:
    """Implements `torch.set_flush_denormal`: False (not supported), as torch returns on CPUs without SSE3."""
    return False


def typename(obj) -> str:
    """torch's type name: 'torch.FloatTensor' for tensors, else the qualified class name."""
    from ._tensor import Tensor
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    qualname = ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = obj.__class__.__module__ or ""
        qualname = obj.__class__.__qualname__
    if module in {"", "builtins"}:
        return qualname
    return f"{module}.{qualname}"


def is_storage(obj) -> bool:
    """Implements `torch.is_storage`: jtorch has no user-visible storage objects beyond its
    own `_Storage`, so only those count."""
    from ._tensor import _Storage
    return isinstance(obj, _Storage)


_TENSOR_TYPES = {"torch.FloatTensor": "float32", "torch.DoubleTensor": "float64", "torch.HalfTensor": "float16",
                 "torch.BFloat16Tensor": "bfloat16"}


def set_default_tensor_type(t) -> None:
    """Implements `torch.set_default_tensor_type` (deprecated in torch): sets the default
    floating dtype from 'torch.FloatTensor'-style names."""
    from . import _dtype
    warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                  "torch.set_default_dtype() and torch.set_default_device() as alternatives.", UserWarning,
                  stacklevel=2)
    name = t if isinstance(t, str) else getattr(t, "__name__", None)
    if isinstance(t, str) or name is None:
        key = t
    else:
        key = f"torch.{name}"
    if key not in _TENSOR_TYPES:
        if isinstance(key, str) and key.startswith("torch.") and key.endswith("Tensor"):
            raise TypeError("only floating-point types are supported as the default type")
        raise ModuleNotFoundError(f"No module named '{key.rsplit('.', 1)[0] if '.' in key else key}'")
    _dtype.set_default_dtype(getattr(_dtype, _TENSOR_TYPES[key]))


def get_device(input) -> int:
    """The CUDA device index, or -1 for a CPU tensor. Implements `torch.get_device`."""
    return input.get_device()


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None,
            disable=False):
    """Implements `torch.compile` eagerly: returns `model` itself for modules (torch returns
    an OptimizedModule wrapper) and a functools.wraps wrapper for functions; no tracing or
    fusion happens (jtorch's ops are already XLA-compiled one by one)."""
    if model is None:
        return lambda m: compile(m, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                                 options=options, disable=disable)
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    from .nn.modules.module import Module
    if isinstance(model, Module):
        return model

    @functools.wraps(model)
    def compiled(*args, **kwargs):
        return model(*args, **kwargs)

    compiled._torchdynamo_orig_callable = model
    return compiled


def cond(pred, true_fn, false_fn, operands=()):
    """Implements `torch.cond` eagerly: runs true_fn(*operands) or false_fn(*operands)
    by the value of `pred` (a bool or a one-element tensor)."""
    from ._tensor import Tensor
    if isinstance(pred, Tensor):
        if pred.numel() != 1:
            raise RuntimeError(f"Expected pred to be bool or single-element tensor, but got {pred}.")
        pred = bool(pred.item())
    elif not isinstance(pred, (bool, int)):
        raise RuntimeError(f"Expected pred to be bool or tensor, but got {pred}.")
    if not (callable(true_fn) and callable(false_fn)):
        raise RuntimeError("Expect both branches to be callable.")
    if not isinstance(operands, (tuple, list)):
        raise RuntimeError(f"Expect operands to be a tuple of possibly nested dict/list/tuple that only consists of "
                           f"tensor leaves, but got {operands}.")
    return true_fn(*operands) if pred else false_fn(*operands)


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """Implements `torch.vmap` by a Python loop over the mapped dim (stacking the results):
    the values of torch's batched function, without its speed."""
    @functools.wraps(func)
    def mapped(*args):
        from .ops.shape import stack
        dims = in_dims if isinstance(in_dims, (tuple, list)) else (in_dims,) * len(args)
        if len(dims) != len(args):
            raise ValueError(f"vmap({func.__name__}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible "
                             f"with the structure of `inputs`. in_dims has structure {dims} but inputs has "
                             f"{len(args)} leaves.")
        sizes = {a.shape[d] for a, d in zip(args, dims) if d is not None}
        if not sizes:
            raise ValueError(f"vmap({func.__name__}, in_dims={in_dims}, ...)(<inputs>): at least one input must be "
                             "batched (in_dims not None)")
        if len(sizes) > 1:
            raise ValueError(f"vmap({func.__name__}, in_dims={in_dims}, ...)(<inputs>): Expected all tensors to have "
                             f"the same size in the mapped dimension, got sizes {sorted(sizes)} for the mapped "
                             "dimension")
        n = sizes.pop()
        results = [func(*(a.select(d, i) if d is not None else a for a, d in zip(args, dims))) for i in range(n)]
        if isinstance(results[0], tuple):
            outs = out_dims if isinstance(out_dims, (tuple, list)) else (out_dims,) * len(results[0])
            return tuple(stack([r[k] for r in results], o) for k, o in enumerate(outs))
        return stack(results, out_dims)

    return mapped
