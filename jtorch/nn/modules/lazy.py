"""Lazy modules: LazyConv1d/2d/3d, LazyConvTranspose1d/2d/3d, LazyBatchNorm1d/2d/3d and
LazyInstanceNorm1d/2d/3d, plus UninitializedBuffer. Their parameters (and running-stat
buffers) are uninitialised until the first forward, which infers in_channels/num_features
from the input, materialises them, initialises them as the non-lazy module does and turns
the module into that class (torch's `cls_to_become`)."""
from __future__ import annotations

from ..._tensor import Tensor
from ...ops.creation import empty
from .. import parameter as _parameter
from ..parameter import Parameter, UninitializedParameter, _share
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .normalization import (BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm1d, InstanceNorm2d,
                            InstanceNorm3d)

__all__ = ["LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyConv1d", "LazyConv2d", "LazyConv3d",
           "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d", "LazyInstanceNorm1d",
           "LazyInstanceNorm2d", "LazyInstanceNorm3d", "UninitializedBuffer"]


class UninitializedBuffer(Tensor):
    """A buffer without a shape yet (lazy modules); using it as a tensor is an error."""

    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        t = _share(cls, empty(0), requires_grad)
        t.persistent = persistent
        return t

    def __init__(self, requires_grad=False, device=None, dtype=None, persistent=True):
        pass

    def __repr__(self):
        return "<UninitializedBuffer>"

    __str__ = __repr__


if not hasattr(_parameter, "UninitializedBuffer"):  # torch.nn.parameter.UninitializedBuffer
    _parameter.UninitializedBuffer = UninitializedBuffer

_UNINITIALIZED = (UninitializedParameter, UninitializedBuffer)


class _LazyMixin:
    """torch's LazyModuleMixin, reduced to what these modules use."""

    cls_to_become = None

    def has_uninitialized_params(self):
        return any(isinstance(t, _UNINITIALIZED) for t in list(self._parameters.values()) +
                   list(self._buffers.values()))

    def _materialize(self, name, shape, buffer=False):
        factory = self.__dict__.get("_factory", {})
        value = getattr(self, name)
        if not isinstance(value, _UNINITIALIZED):
            return
        if buffer:
            self._buffers[name] = empty(shape, **factory)
        else:
            self._parameters[name] = Parameter(empty(shape, **factory), value.requires_grad)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        # torch's _lazy_load_hook: an uninitialised entry takes the loaded tensor's shape
        for name, value in list(self._parameters.items()) + list(self._buffers.items()):
            key = prefix + name
            if isinstance(value, _UNINITIALIZED) and key in state_dict:
                self._materialize(name, tuple(state_dict[key].shape), name in self._buffers)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)

    def forward(self, *args, **kwargs):
        self.initialize_parameters(*args, **kwargs)
        if self.has_uninitialized_params():
            raise RuntimeError(f"module {self._get_name()} has not been fully initialized")
        self.__dict__.pop("_factory", None)
        self.__class__ = self.cls_to_become
        return self.forward(*args, **kwargs)


# ================================================================ convolution
class _LazyConvMixin(_LazyMixin):
    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def _lazy_init(self, out_channels, bias, device, dtype):
        self._factory = {"device": device, "dtype": dtype}
        self.weight = UninitializedParameter()
        self.out_channels = out_channels
        if bias:
            self.bias = UninitializedParameter()

    def initialize_parameters(self, input, *args, **kwargs):
        if not self.has_uninitialized_params():
            return
        n = self._n
        name = type(self).__name__
        if input.dim() not in (n + 1, n + 2):
            raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to {name}, but got "
                               f"input of size: {input.shape}")
        self.in_channels = input.shape[1] if input.dim() == n + 2 else input.shape[0]
        if self.in_channels % self.groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if self.transposed:
            shape = (self.in_channels, self.out_channels // self.groups) + tuple(self.kernel_size)
        else:
            shape = (self.out_channels, self.in_channels // self.groups) + tuple(self.kernel_size)
        self._materialize("weight", shape)
        if self.bias is not None:
            self._materialize("bias", (self.out_channels,))
        self.reset_parameters()


def _lazy_conv(base):
    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        base.__init__(self, 0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode)
        self._lazy_init(out_channels, bias, device, dtype)

    return type("Lazy" + base.__name__, (_LazyConvMixin, base), {"__init__": __init__, "cls_to_become": base,
                                                                 "__module__": __name__})


def _lazy_conv_transpose(base):
    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True,
                 dilation=1, padding_mode="zeros", device=None, dtype=None):
        base.__init__(self, 0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation, padding_mode)
        self._lazy_init(out_channels, bias, device, dtype)

    return type("Lazy" + base.__name__, (_LazyConvMixin, base), {"__init__": __init__, "cls_to_become": base,
                                                                 "__module__": __name__})


LazyConv1d = _lazy_conv(Conv1d)
LazyConv2d = _lazy_conv(Conv2d)
LazyConv3d = _lazy_conv(Conv3d)
LazyConvTranspose1d = _lazy_conv_transpose(ConvTranspose1d)
LazyConvTranspose2d = _lazy_conv_transpose(ConvTranspose2d)
LazyConvTranspose3d = _lazy_conv_transpose(ConvTranspose3d)


# ================================================================ normalisation
class _LazyNormMixin(_LazyMixin):
    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None, *,
                 bias=True):
        self.cls_to_become.__init__(self, 0, eps, momentum, False, False, bias=False)
        self._factory = {"device": device, "dtype": dtype}
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = UninitializedParameter()
            if bias:
                self.bias = UninitializedParameter()
        if track_running_stats:
            from ...ops.creation import tensor
            from ... import _dtype
            self.running_mean = UninitializedBuffer()
            self.running_var = UninitializedBuffer()
            self.num_batches_tracked = tensor(0, dtype=_dtype.int64, device=device)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input, *args, **kwargs):
        if not self.has_uninitialized_params():
            return
        self.num_features = input.shape[1]
        if self.affine:
            self._materialize("weight", (self.num_features,))
            if self.bias is not None:
                self._materialize("bias", (self.num_features,))
        if self.track_running_stats:
            self._materialize("running_mean", (self.num_features,), True)
            self._materialize("running_var", (self.num_features,), True)
        self.reset_parameters()


def _lazy_norm(base, mixin):
    return type("Lazy" + base.__name__, (mixin, base), {"cls_to_become": base, "__module__": __name__})


LazyBatchNorm1d = _lazy_norm(BatchNorm1d, _LazyNormMixin)
LazyBatchNorm2d = _lazy_norm(BatchNorm2d, _LazyNormMixin)
LazyBatchNorm3d = _lazy_norm(BatchNorm3d, _LazyNormMixin)
LazyInstanceNorm1d = _lazy_norm(InstanceNorm1d, _LazyNormMixin)
LazyInstanceNorm2d = _lazy_norm(InstanceNorm2d, _LazyNormMixin)
LazyInstanceNorm3d = _lazy_norm(InstanceNorm3d, _LazyNormMixin)
