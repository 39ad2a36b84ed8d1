"""Recurrent layers: RNN, LSTM, GRU and their cells.

A whole multi-layer (bidirectional, packed, dropout) recurrent forward is one jitted
JAX function per configuration — the time loop is a `lax.scan` — run through
`apply_fn`, so it records a single autograd node whose backward is the scan's VJP.

Differences from torch: the grad_fn of the outputs is "StackBackward0" for every mode
(torch's LSTM output reports its oneDNN/cat node), and inter-layer dropout masks come
from jtorch's generator (so their values differ from torch's).
"""
from __future__ import annotations

import functools
import math
import numbers
import warnings

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ... import _dtype
from ..._registry import apply_fn
from ..._tensor import Tensor
from .. import init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence, _index_tensor, _pad_index, _packed_layout, _host_ints
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_HIGHEST = lax.Precision.HIGHEST


_identity = jax.jit(lambda x: x)


def _mm(x, w):
    """x @ w.T at full float32 precision."""
    return jnp.matmul(x, w.T, precision=_HIGHEST)


def _cell(mode, x_gates, h, c, w_hh, b_hh, w_hr):
    """One recurrent step from precomputed input gates: (h', c'). Arrays may carry a
    leading direction axis (weights (D, G, H), states (D, B, H))."""
    gh = jnp.einsum("...bh,...gh->...bg", h, w_hh, precision=_HIGHEST)
    if b_hh is not None:
        gh = gh + b_hh[..., None, :]
    if mode == "RNN_TANH":
        return jnp.tanh(x_gates + gh), None
    if mode == "RNN_RELU":
        return jax.nn.relu(x_gates + gh), None
    if mode == "LSTM":
        gates = x_gates + gh
        i, f, g, o = jnp.split(gates, 4, axis=-1)
        c_new = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h_new = jax.nn.sigmoid(o) * jnp.tanh(c_new)
        if w_hr is not None:
            h_new = jnp.einsum("...bh,...ph->...bp", h_new, w_hr, precision=_HIGHEST)
        return h_new, c_new
    # GRU
    r_i, z_i, n_i = jnp.split(x_gates, 3, axis=-1)
    r_h, z_h, n_h = jnp.split(gh, 3, axis=-1)
    r = jax.nn.sigmoid(r_i + r_h)
    z = jax.nn.sigmoid(z_i + z_h)
    n = jnp.tanh(n_i + r * n_h)
    return (h - n) * z + n, None


def _reverser(reverse_index):
    """Time reversal of (T, B, ...) arrays: a flip, or per sequence for packed input."""

    def reverse(a):
        if reverse_index is None:
            return jnp.flip(a, 0)
        idx = reverse_index.reshape(reverse_index.shape + (1,) * (a.ndim - 2))
        return jnp.take_along_axis(a, idx, axis=0)

    return reverse


def _project(x, w_ih, b_ih, reverse):
    """Input gates of every step and direction, (D, T, B, G); the reverse direction's are
    time-reversed, so both directions then run forward in time."""
    gates = jnp.einsum("tbf,dgf->dtbg", x, w_ih, precision=_HIGHEST)
    if b_ih is not None:
        gates = gates + b_ih[:, None, None, :]
    if w_ih.shape[0] == 2:
        gates = jnp.stack([gates[0], reverse(gates[1])])
    return gates


def _recur(mode, gates, h0, c0, w_hh, b_hh, w_hr, valid, reverse):
    """The time loop of one layer, all directions at once (a single `lax.scan` whose state
    has a leading direction axis). Returns (output (T, B, D*H), h_T, c_T)."""
    lstm = mode == "LSTM"

    def step(carry, inp):
        h, c = carry
        g, m = inp
        h_new, c_new = _cell(mode, g, h, c, w_hh, b_hh, w_hr)
        if m is not None:
            keep = m[None, :, None]
            h_new = jnp.where(keep, h_new, h)
            if lstm:
                c_new = jnp.where(keep, c_new, c)
            return (h_new, c_new), jnp.where(keep, h_new, jnp.zeros_like(h_new))
        return (h_new, c_new), h_new

    (h_last, c_last), ys = lax.scan(step, (h0, c0), (jnp.moveaxis(gates, 1, 0), valid))
    directions = gates.shape[0]
    if directions == 2:  # ys: (T, D, B, H)
        ys = jnp.stack([ys[:, 0], reverse(ys[:, 1])], axis=1)
    steps, _, batch, hidden = ys.shape
    return jnp.moveaxis(ys, 1, 2).reshape(steps, batch, directions * hidden), h_last, c_last


@functools.lru_cache(maxsize=256)
def _rnn_fn(mode, num_layers, bidirectional, has_bias, has_proj, packed, has_hx, hidden_size, real_hidden,
            dropout_scale):
    """The jitted forward of a whole recurrent module.

    Arguments: x, [h0, [c0]], *weights, [pad_idx, pack_idx, lengths], [dropout masks].
    x is (T, B, F) time-major, or (N, F) packed data; returns (output, h_n[, c_n]).
    Each layer is one time loop over both directions at once (a scan over layers was
    measured to compile slower than this unrolled loop up to about four layers)."""
    lstm = mode == "LSTM"
    directions = 2 if bidirectional else 1
    per_layer = 2 + 2 * has_bias + has_proj
    n_dropout = num_layers - 1 if dropout_scale is not None else 0

    def stacked(weights, kind, layer):
        """The layer's weights of `kind` (0 w_ih, 1 w_hh, 2 b_ih, 3 b_hh, 4 w_hr), stacked
        over directions (None where absent)."""
        present = kind < 2 or (kind < 4 and has_bias) or (kind == 4 and has_proj)
        if not present:
            return None
        pos = kind if kind < 4 else 2 + 2 * has_bias  # [w_ih, w_hh, (b_ih, b_hh), (w_hr)]
        return jnp.stack([weights[(layer * directions + d) * per_layer + pos] for d in range(directions)])

    def fn(x, *args):
        args = list(args)
        if has_hx:
            h0 = args.pop(0)
            c0 = args.pop(0) if lstm else None
        weights = [args.pop(0) for _ in range(num_layers * directions * per_layer)]
        if packed:
            pad_idx, pack_idx, lengths = args.pop(0), args.pop(0), args.pop(0)
        masks = [args.pop(0) for _ in range(n_dropout)]
        dtype = x.dtype
        if packed:
            batch = lengths.shape[0]
            steps = pad_idx.shape[0] // batch
            rows = jnp.concatenate([x, jnp.zeros((1,) + x.shape[1:], dtype)])
            x = rows[pad_idx].reshape(steps, batch, x.shape[-1])
            t = jnp.arange(steps)[:, None]
            valid = t < lengths[None, :]  # (T, B)
            reverse = _reverser(jnp.where(valid, lengths[None, :] - 1 - t, t))
        else:
            steps, batch = x.shape[0], x.shape[1]
            valid = None
            reverse = _reverser(None)
        if not has_hx:
            h0 = jnp.zeros((num_layers * directions, batch, real_hidden), dtype)
            c0 = jnp.zeros((num_layers * directions, batch, hidden_size), dtype) if lstm else None
        h0 = h0.reshape((num_layers, directions) + h0.shape[1:])
        c0 = c0.reshape((num_layers, directions) + c0.shape[1:]) if lstm else None
        h_n, c_n = [], []
        out = x
        for layer in range(num_layers):
            if layer and masks:
                out = jnp.where(masks[layer - 1], out * jnp.asarray(dropout_scale, dtype), jnp.zeros((), dtype))
            w_ih, w_hh, b_ih, b_hh, w_hr = (stacked(weights, kind, layer) for kind in range(5))
            out, h_last, c_last = _recur(mode, _project(out, w_ih, b_ih, reverse), h0[layer],
                                         c0[layer] if lstm else None, w_hh, b_hh, w_hr, valid, reverse)
            h_n.append(h_last)
            c_n.append(c_last)
        h_n = jnp.stack(h_n)
        h_n = h_n.reshape((num_layers * directions, batch, real_hidden))
        if packed:
            out = out.reshape((steps * batch,) + out.shape[2:])[pack_idx]
        if lstm:
            return out, h_n, jnp.stack(c_n).reshape((num_layers * directions, batch, hidden_size))
        return out, h_n

    return jax.jit(fn)


def _dropout_masks(shape, p, count, device):
    """`count` boolean keep-masks (keep probability 1 - p) from jtorch's generator."""
    from ...ops.creation import place
    from ...ops.random import _stream

    masks = []
    for _ in range(count):
        keep = _stream(None).random(shape, np.float32) >= p if p < 1 else np.zeros(shape, bool)
        masks.append(Tensor._make(place(keep, device), _dtype.bool, device))
    return masks


class RNNBase(Module):
    """Base class for RNN modules (RNN, LSTM, GRU): parameters, checks and the shared forward."""

    __constants__ = ["mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout",
                     "bidirectional", "proj_size"]
    __jit_unused_properties__ = ["all_weights"]

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        from ...ops.creation import empty

        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an element "
                             "being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and "
                          f"num_layers={num_layers}", stacklevel=2)
        if not isinstance(bias, bool):
            raise TypeError(f"bias should be of type bool, got: {type(bias).__name__}")
        if not isinstance(batch_first, bool):
            raise TypeError(f"batch_first should be of type bool, got: {type(batch_first).__name__}")
        if not isinstance(input_size, int):
            raise TypeError(f"input_size should be of type int, got: {type(input_size).__name__}")
        if input_size <= 0:
            raise ValueError("input_size must be greater than zero")
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        gate_size = {"LSTM": 4 * hidden_size, "GRU": 3 * hidden_size, "RNN_TANH": hidden_size,
                     "RNN_RELU": hidden_size}.get(mode)
        if gate_size is None:
            raise ValueError("Unrecognized RNN mode: " + mode)
        self._flat_weights_names = []
        self._all_weights = []
        real_hidden_size = proj_size if proj_size > 0 else hidden_size
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input_size = input_size if layer == 0 else real_hidden_size * num_directions
                shapes = [(gate_size, layer_input_size), (gate_size, real_hidden_size)]
                names = ["weight_ih_l{}{}", "weight_hh_l{}{}"]
                if bias:
                    shapes += [(gate_size,), (gate_size,)]
                    names += ["bias_ih_l{}{}", "bias_hh_l{}{}"]
                if proj_size > 0:
                    shapes.append((proj_size, hidden_size))
                    names.append("weight_hr_l{}{}")
                suffix = "_reverse" if direction == 1 else ""
                names = [n.format(layer, suffix) for n in names]
                for name, shape in zip(names, shapes):
                    setattr(self, name, Parameter(empty(shape, device=device, dtype=dtype)))
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self):
        return [getattr(self, name) if hasattr(self, name) else None for name in self._flat_weights_names]

    def flatten_parameters(self) -> None:
        """A no-op (torch uses it to pack cuDNN weights)."""

    def _init_flat_weights(self) -> None:
        pass

    def _update_flat_weights(self) -> None:
        pass

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def check_input(self, input, batch_sizes) -> None:
        weight_dtype = self._flat_weights[0].dtype
        if input.dtype != weight_dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight_dtype}). Convert "
                             f"input: input.to({weight_dtype}), or convert model: model.to({input.dtype})")
        expected_input_dim = 2 if batch_sizes is not None else 3
        if input.dim() != expected_input_dim:
            raise RuntimeError(f"input must have {expected_input_dim} dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got "
                               f"{input.size(-1)}")

    def get_expected_hidden_size(self, input, batch_sizes):
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (self.num_layers * num_directions, mini_batch, hidden)

    def check_hidden_size(self, hx, expected_hidden_size, msg="Expected hidden size {}, got {}") -> None:
        if tuple(hx.size()) != tuple(expected_hidden_size):
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.size())))

    def check_forward_args(self, input, hidden, batch_sizes) -> None:
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def permute_hidden(self, hx, permutation):
        if permutation is None:
            return hx
        return hx.index_select(1, permutation)

    def extra_repr(self) -> str:
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    @property
    def all_weights(self):
        return [[getattr(self, weight) for weight in weights] for weights in self._all_weights]

    def __setstate__(self, state):
        super().__setstate__(state)
        if "proj_size" not in state:
            self.proj_size = 0

    # ------------------------------------------------------------ the kernel call
    def _run(self, input, hx, batch_sizes):
        """The recurrent forward on time-major `input` (or packed data when `batch_sizes`
        is given) from initial state `hx` (None, a tensor, or (h, c) for LSTM)."""
        lstm = self.mode == "LSTM"
        weights = self._flat_weights
        packed = batch_sizes is not None
        tensors = [input]
        if hx is not None:
            tensors += list(hx) if lstm else [hx]
        tensors += weights
        if packed:
            sizes = _host_ints(batch_sizes)
            lengths, _ = _packed_layout(sizes)
            steps, batch = sizes.size, int(sizes[0])
            pad_idx = _pad_index(sizes, steps, input.shape[0])
            pack_idx = np.full(input.shape[0], 0, np.int64)
            valid = pad_idx < input.shape[0]
            pack_idx[pad_idx[valid]] = np.nonzero(valid)[0]
            tensors += [_index_tensor(pad_idx, input.device), _index_tensor(pack_idx, input.device),
                        _index_tensor(lengths, input.device)]
        else:
            steps, batch = input.shape[0], input.shape[1]
        num_directions = 2 if self.bidirectional else 1
        dropout_scale = None
        if self.training and self.dropout > 0 and self.num_layers > 1:
            p = self.dropout
            dropout_scale = 0.0 if p >= 1 else 1.0 / (1.0 - p)
            width = (self.proj_size or self.hidden_size) * num_directions
            tensors += _dropout_masks((steps, batch, width), p, self.num_layers - 1, input.device)
        fn = _rnn_fn(self.mode, self.num_layers, bool(self.bidirectional), bool(self.bias), self.proj_size > 0,
                     packed, hx is not None, self.hidden_size, self.proj_size or self.hidden_size, dropout_scale)
        dtype = input.dtype
        n_out = 3 if lstm else 2
        n_saved = 1 + (0 if hx is None else n_out - 1) + len(weights)
        result = apply_fn("StackBackward0", fn, tuple(tensors), (dtype,) * n_out, saved=tuple(tensors[:n_saved]))
        output = result[0]
        if self.bidirectional and not packed and output.requires_grad:
            output = apply_fn("CatBackward0", _identity, (output,), dtype)  # torch cats the two directions last
        return output, (result[1:] if lstm else result[1])

    def _forward_common(self, input, hx):
        """torch's RNN/GRU forward (LSTM overrides)."""
        name = {"RNN_TANH": "RNN", "RNN_RELU": "RNN"}.get(self.mode, self.mode)
        num_directions = 2 if self.bidirectional else 1
        orig_input = input
        if isinstance(orig_input, PackedSequence):
            input, batch_sizes, sorted_indices, unsorted_indices = input
            if hx is not None:
                hx = self.permute_hidden(hx, sorted_indices)
        else:
            batch_sizes = None
            if input.dim() not in (2, 3):
                raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D "
                                 f"{'tensor ' if name == 'RNN' else ''}instead")
            is_batched = input.dim() == 3
            batch_dim = 0 if self.batch_first else 1
            if not is_batched:
                input = input.unsqueeze(batch_dim)
                if hx is not None:
                    if hx.dim() != 2:
                        raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got {hx.dim()}-D "
                                           "tensor")
                    hx = hx.unsqueeze(1)
            elif hx is not None and hx.dim() != 3:
                raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got {hx.dim()}-D tensor")
            sorted_indices = unsorted_indices = None
        if hx is not None:
            self.check_forward_args(input, hx, batch_sizes)
        else:
            self.check_input(input, batch_sizes)
        run_input = input.transpose(0, 1) if batch_sizes is None and self.batch_first else input
        output, hidden = self._run(run_input, hx, batch_sizes)
        if batch_sizes is None and self.batch_first:
            output = output.transpose_(0, 1)  # in place, as torch's RNN/GRU kernel (TransposeBackward1)
        if isinstance(orig_input, PackedSequence):
            return PackedSequence(output, batch_sizes, sorted_indices, unsorted_indices), \
                self.permute_hidden(hidden, unsorted_indices)
        if not is_batched:
            output = output.squeeze(batch_dim)
            hidden = hidden.squeeze(1)
        return output, self.permute_hidden(hidden, unsorted_indices)


class RNN(RNNBase):
    """Multi-layer Elman RNN with tanh or ReLU non-linearity."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(mode, *args, **kwargs)

    def forward(self, input, hx=None):
        return self._forward_common(input, hx)


class LSTM(RNNBase):
    """Multi-layer long short-term memory RNN (with optional projections)."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def get_expected_cell_size(self, input, batch_sizes):
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        return (self.num_layers * num_directions, mini_batch, self.hidden_size)

    def check_forward_args(self, input, hidden, batch_sizes):
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    def permute_hidden(self, hx, permutation):
        if permutation is None:
            return hx
        return hx[0].index_select(1, permutation), hx[1].index_select(1, permutation)

    def forward(self, input, hx=None):
        orig_input = input
        batch_sizes = None
        if isinstance(orig_input, PackedSequence):
            input, batch_sizes, sorted_indices, unsorted_indices = input
            if hx is not None:
                hx = self.permute_hidden(hx, sorted_indices)
                self.check_forward_args(input, hx, batch_sizes)
            else:
                self.check_input(input, batch_sizes)
        else:
            if input.dim() not in (2, 3):
                raise ValueError(f"LSTM: Expected input to be 2D or 3D, got {input.dim()}D instead")
            is_batched = input.dim() == 3
            batch_dim = 0 if self.batch_first else 1
            if not is_batched:
                input = input.unsqueeze(batch_dim)
            sorted_indices = unsorted_indices = None
            if hx is None:
                self.check_input(input, batch_sizes)
            else:
                if is_batched:
                    if hx[0].dim() != 3 or hx[1].dim() != 3:
                        raise RuntimeError("For batched 3-D input, hx and cx should also be 3-D but got "
                                           f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
                else:
                    if hx[0].dim() != 2 or hx[1].dim() != 2:
                        raise RuntimeError("For unbatched 2-D input, hx and cx should also be 2-D but got "
                                           f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
                    hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
                self.check_forward_args(input, hx, batch_sizes)
        run_input = input.transpose(0, 1) if batch_sizes is None and self.batch_first else input
        output, hidden = self._run(run_input, None if hx is None else tuple(hx), batch_sizes)
        hidden = tuple(hidden)
        if batch_sizes is None and self.batch_first:
            output = output.transpose(0, 1)
        if isinstance(orig_input, PackedSequence):
            return PackedSequence(output, batch_sizes, sorted_indices, unsorted_indices), \
                self.permute_hidden(hidden, unsorted_indices)
        if not is_batched:
            output = output.squeeze(batch_dim)
            hidden = (hidden[0].squeeze(1), hidden[1].squeeze(1))
        return output, self.permute_hidden(hidden, unsorted_indices)


class GRU(RNNBase):
    """Multi-layer gated recurrent unit RNN."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input, hx=None):
        return self._forward_common(input, hx)


# ================================================================ cells
@functools.lru_cache(maxsize=64)
def _cell_fn(mode, has_bias, has_hx, hidden_size):
    """Jitted single step: (x, [h, [c]], w_ih, w_hh, [b_ih, b_hh]) -> h' (LSTM: (c', o))."""

    def fn(x, *args):
        args = list(args)
        if has_hx:
            h = args.pop(0)
            c = args.pop(0) if mode == "LSTM" else None
        else:
            h = jnp.zeros((x.shape[0], hidden_size), x.dtype)
            c = h if mode == "LSTM" else None
        w_ih, w_hh = args[0], args[1]
        b_ih, b_hh = (args[2], args[3]) if has_bias else (None, None)
        gi = _mm(x, w_ih)
        if b_ih is not None:
            gi = gi + b_ih
        if mode == "LSTM":
            gates = gi + _mm(h, w_hh) + (b_hh if b_hh is not None else 0)
            i, f, g, o = jnp.split(gates, 4, axis=-1)
            c_new = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            return c_new, jax.nn.sigmoid(o)
        return _cell(mode, gi, h, c, w_hh, b_hh, None)[0]

    return jax.jit(fn)


class RNNCellBase(Module):
    __constants__ = ["input_size", "hidden_size", "bias"]

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        from ...ops.creation import empty

        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(empty((num_chunks * hidden_size, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(empty((num_chunks * hidden_size, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, device=device, dtype=dtype))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _check_dims(self, input, hx, name):
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None and not isinstance(hx, (tuple, list)) and hx.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected hidden to be 1D or 2D, got {hx.dim()}D instead")

    def _check_cell_args(self, input, hiddens):
        if input.size(1) != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} expected {self.input_size}")
        for hx in hiddens:
            if input.size(0) != hx.size(0):
                raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden0 batch size {hx.size(0)}")
            if hx.size(1) != self.hidden_size:
                raise RuntimeError(f"hidden0 has inconsistent hidden_size: got {hx.size(1)}, expected "
                                   f"{self.hidden_size}")
        if input.dtype is not self.weight_ih.dtype:
            from ..._registry import type_name

            raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {type_name(input.dtype)} and "
                               f"{type_name(self.weight_ih.dtype)}")

    def _weights(self):
        w = [self.weight_ih, self.weight_hh]
        if self.bias:
            w += [self.bias_ih, self.bias_hh]
        return w


class RNNCell(RNNCellBase):
    """An Elman RNN cell with tanh or ReLU non-linearity."""

    __constants__ = ["input_size", "hidden_size", "bias", "nonlinearity"]

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        self._check_dims(input, hx, "RNNCell")
        is_batched = input.dim() == 2
        if not is_batched:
            input = input.unsqueeze(0)
        if hx is not None and not is_batched:
            hx = hx.unsqueeze(0)
        if self.nonlinearity == "tanh":
            mode, name = "RNN_TANH", "TanhBackward0"
        elif self.nonlinearity == "relu":
            mode, name = "RNN_RELU", "ReluBackward0"
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        self._check_cell_args(input, () if hx is None else (hx,))
        tensors = (input,) + (() if hx is None else (hx,)) + tuple(self._weights())
        ret = apply_fn(name, _cell_fn(mode, bool(self.bias), hx is not None, self.hidden_size), tensors,
                       input.dtype)
        return ret if is_batched else ret.squeeze(0)


class LSTMCell(RNNCellBase):
    """A long short-term memory cell."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        from ...ops.pointwise import tanh

        if input.dim() not in (1, 2):
            raise ValueError(f"LSTMCell: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None:
            for idx, value in enumerate(hx):
                if value.dim() not in (1, 2):
                    raise ValueError(f"LSTMCell: Expected hx[{idx}] to be 1D or 2D, got {value.dim()}D instead")
        is_batched = input.dim() == 2
        if not is_batched:
            input = input.unsqueeze(0)
        if hx is not None:
            hx = (hx[0].unsqueeze(0), hx[1].unsqueeze(0)) if not is_batched else tuple(hx)
        self._check_cell_args(input, () if hx is None else hx)
        tensors = (input,) + (() if hx is None else hx) + tuple(self._weights())
        c, o = apply_fn("AddBackward0", _cell_fn("LSTM", bool(self.bias), hx is not None, self.hidden_size),
                        tensors, (input.dtype, input.dtype))
        h = o * tanh(c)
        if not is_batched:
            return h.squeeze(0), c.squeeze(0)
        return h, c


class GRUCell(RNNCellBase):
    """A gated recurrent unit cell."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        self._check_dims(input, hx, "GRUCell")
        is_batched = input.dim() == 2
        if not is_batched:
            input = input.unsqueeze(0)
        if hx is not None and not is_batched:
            hx = hx.unsqueeze(0)
        self._check_cell_args(input, () if hx is None else (hx,))
        tensors = (input,) + (() if hx is None else (hx,)) + tuple(self._weights())
        ret = apply_fn("AddBackward0", _cell_fn("GRU", bool(self.bias), hx is not None, self.hidden_size), tensors,
                       input.dtype)
        return ret if is_batched else ret.squeeze(0)
