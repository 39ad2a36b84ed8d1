"""torch.nn.utils.rnn: PackedSequence and the pad/pack helpers.

Each data movement (packing, padding) is one jitted gather recorded as one autograd node
named as torch's; the index arrays are computed on the host from the lengths and passed
in as inputs, so a compile is keyed by shapes only.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from ... import _device, _dtype
from ..._registry import apply_fn, broadcast_shapes, convert, type_name
from ..._tensor import Tensor

__all__ = [
    "PackedSequence",
    "invert_permutation",
    "pack_padded_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "unpad_sequence",
    "pack_sequence",
    "unpack_sequence",
]


def _index_tensor(array, device) -> Tensor:
    """A non-differentiable int64 tensor holding the host index array `array`."""
    from ...ops.creation import place

    array = np.ascontiguousarray(array, dtype=np.int64)
    return Tensor._make(place(array, device), _dtype.int64, device)


def _host_ints(t) -> np.ndarray:
    return np.asarray(t.detach()._data).astype(np.int64)


def _cpu_long(values) -> Tensor:
    return _index_tensor(np.asarray(values, dtype=np.int64), _device.CPU)


class PackedSequence_(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


def bind(optional, fn):
    if optional is None:
        return None
    return fn(optional)


class PackedSequence(PackedSequence_):
    """Holds the data and list of `batch_sizes` of a packed sequence (torch.nn.utils.rnn.PackedSequence)."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        return super().__new__(cls, *_packed_sequence_init_args(data, batch_sizes, sorted_indices, unsorted_indices))

    def pin_memory(self):
        return self

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        non_blocking = kwargs.get("non_blocking", False)

        def call_to(t):
            return t.to(data.device, non_blocking=non_blocking)

        return type(self)(data, self.batch_sizes, bind(self.sorted_indices, call_to),
                          bind(self.unsorted_indices, call_to))

    def cuda(self, *args, **kwargs):
        kwargs.setdefault("device", "cuda") if not args else None
        return self.to(*args, **kwargs)

    def cpu(self, *args, **kwargs):
        return self.to("cpu")

    def double(self):
        return self.to(dtype=_dtype.float64)

    def float(self):
        return self.to(dtype=_dtype.float32)

    def half(self):
        return self.to(dtype=_dtype.float16)

    def long(self):
        return self.to(dtype=_dtype.int64)

    def int(self):
        return self.to(dtype=_dtype.int32)

    def short(self):
        return self.to(dtype=_dtype.int16)

    def char(self):
        return self.to(dtype=_dtype.int8)

    def byte(self):
        return self.to(dtype=_dtype.uint8)

    @property
    def is_cuda(self) -> bool:
        return self.data.is_cuda

    def is_pinned(self) -> bool:
        return False


PackedSequence.__module__ = "torch.nn.utils.rnn"
PackedSequence_.__module__ = "torch.nn.utils.rnn"


def _packed_sequence_init_args(data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
    if unsorted_indices is None:
        unsorted_indices = invert_permutation(sorted_indices)
    if batch_sizes is not None:
        if batch_sizes.device.type != "cpu":
            raise ValueError(
                "batch_sizes should always be on CPU. Instances of PackedSequence should never be created manually. "
                "They should be instantiated by functions like pack_sequence and pack_padded_sequences in "
                "nn.utils.rnn. https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")
        return data, batch_sizes, sorted_indices, unsorted_indices
    if not (isinstance(data, (list, tuple)) and len(data) == 2):
        raise AssertionError("Expected data to be a list or tuple of length 2")
    return data[0], data[1], sorted_indices, unsorted_indices


def _packed_sequence_init(data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
    data, batch_sizes, sorted_indices, unsorted_indices = _packed_sequence_init_args(
        data, batch_sizes, sorted_indices, unsorted_indices)
    return PackedSequence(data, batch_sizes, sorted_indices, unsorted_indices)


def invert_permutation(permutation):
    """The inverse of `permutation` (None for None)."""
    if permutation is None:
        return None
    perm = _host_ints(permutation)
    inverse = np.empty_like(perm)
    inverse[perm] = np.arange(perm.size)
    return _index_tensor(inverse, permutation.device)


# ---------------------------------------------------------------- kernels
@functools.lru_cache(maxsize=None)
def _gather_rows_fn():
    """(x, idx) -> rows idx of x with its first two dims flattened."""
    return jax.jit(lambda x, idx: x.reshape((-1,) + x.shape[2:])[idx])


@functools.lru_cache(maxsize=None)
def _pad_rows_fn(steps, batch, batch_first, padding):
    """(data, idx) -> data rows scattered into a (steps, batch, *) tensor (idx: row of each
    padded position, len(data) for padding)."""

    def pad(data, idx):
        fill = jnp.full((1,) + data.shape[1:], padding, data.dtype)
        out = jnp.concatenate([data, fill])[idx].reshape((steps, batch) + data.shape[1:])
        return jnp.swapaxes(out, 0, 1) if batch_first else out

    return jax.jit(pad)


def _batch_sizes_of(lengths: np.ndarray) -> np.ndarray:
    if lengths.size == 0:
        return np.zeros(0, np.int64)
    steps = np.arange(int(lengths.max()))
    return (lengths[None, :] > steps[:, None]).sum(1).astype(np.int64)


def _pack_padded(input, lengths, batch_first):
    if lengths.dim() != 1 or lengths.device.type != "cpu" or lengths.dtype is not _dtype.int64:
        raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got {lengths.dim()}D "
                           f"{lengths.device.type} {type_name(lengths.dtype)} tensor")
    if input.numel() == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    steps, batch = (input.shape[1], input.shape[0]) if batch_first else (input.shape[0], input.shape[1])
    lens = _host_ints(lengths)
    if lens.size != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {lens.size} "
                           f"(batch_size={batch})")
    if lens[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that "
                           "is <= 0")
    if np.any(lens[1:] > lens[:-1]):
        raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You "
                           "can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep "
                           "this requirement if you do not need ONNX exportability.")
    batch_sizes = _batch_sizes_of(lens)
    rows = []
    for t, size in enumerate(batch_sizes[:steps]):
        b = np.arange(size)
        rows.append(b * steps + t if batch_first else t * batch + b)
    idx = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    data = apply_fn("PackPaddedSequenceBackward0", _gather_rows_fn(), (input, _index_tensor(idx, input.device)),
                    input.dtype)
    return data, _cpu_long(batch_sizes)


def _packed_layout(batch_sizes: np.ndarray):
    """(lengths, offsets) of a packed sequence: each sequence's length and each step's
    first row in the packed data."""
    lengths = _batch_sizes_of(batch_sizes) if batch_sizes.size else np.zeros(0, np.int64)
    offsets = np.concatenate([[0], np.cumsum(batch_sizes)[:-1]]).astype(np.int64)
    return lengths, offsets


def _pad_index(batch_sizes: np.ndarray, steps: int, n_rows: int) -> np.ndarray:
    """For each position of a (steps, batch) padded layout, its row in the packed data
    (n_rows for padding)."""
    batch = int(batch_sizes[0]) if batch_sizes.size else 0
    _, offsets = _packed_layout(batch_sizes)
    idx = np.full((steps, batch), n_rows, np.int64)
    for t, size in enumerate(batch_sizes):
        idx[t, :size] = offsets[t] + np.arange(size)
    return idx.reshape(-1)


def _pad_packed(data, batch_sizes, batch_first, padding_value, total_length):
    sizes = _host_ints(batch_sizes)
    lengths, _ = _packed_layout(sizes)
    batch = int(sizes[0]) if sizes.size else 0
    idx = _pad_index(sizes, total_length, data.shape[0])
    padding = np.asarray(padding_value).astype(data.dtype.np).item() if data.dtype is not _dtype.bfloat16 else \
        float(padding_value)
    fn = _pad_rows_fn(total_length, batch, bool(batch_first), padding)
    name = "TransposeBackward0" if batch_first else "CopySlices"
    padded = apply_fn(name, fn, (data, _index_tensor(idx, data.device)), data.dtype)
    return padded, _cpu_long(lengths)


# ---------------------------------------------------------------- public API
def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Packs a Tensor containing padded sequences of variable length."""
    from ...ops.creation import as_tensor

    if not isinstance(lengths, Tensor):
        lengths = as_tensor(lengths, dtype=_dtype.int64, device="cpu")
    else:
        lengths = lengths.to(dtype=_dtype.int64)
    if enforce_sorted:
        sorted_indices = None
    else:
        from ...ops.sorting import sort

        lengths, sorted_indices = sort(lengths, descending=True, stable=True)
        sorted_indices = sorted_indices.to(input.device)
        batch_dim = 0 if batch_first else 1
        input = input.index_select(batch_dim, sorted_indices)
    data, batch_sizes = _pack_padded(input, lengths, batch_first)
    return _packed_sequence_init(data, batch_sizes, sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Pad a packed batch of variable length sequences; returns (padded, lengths)."""
    max_seq_length = sequence.batch_sizes.size(0)
    if total_length is not None:
        if total_length < max_seq_length:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, but "
                             f"got total_length={total_length} and max sequence length being {max_seq_length}")
        max_seq_length = total_length
    padded_output, lengths = _pad_packed(sequence.data, sequence.batch_sizes, batch_first, padding_value,
                                         max_seq_length)
    unsorted_indices = sequence.unsorted_indices
    if unsorted_indices is not None:
        batch_dim = 0 if batch_first else 1
        return padded_output.index_select(batch_dim, unsorted_indices), lengths[unsorted_indices.cpu()]
    return padded_output, lengths


@functools.lru_cache(maxsize=256)
def _pad_sequence_fn(lengths, batch_first, left, padding, dtype):
    longest = max(lengths)

    def pad(*seqs):
        rows = []
        for n, s in zip(lengths, seqs):
            s = convert(s, dtype)
            trailing = s.shape[1:]
            fill = jnp.full((longest - n,) + trailing, padding, dtype.np)
            rows.append(jnp.concatenate([fill, s] if left else [s, fill]))
        out = jnp.stack(rows)  # (batch, longest, *)
        return out if batch_first else jnp.swapaxes(out, 0, 1)

    return jax.jit(pad)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Pad a list of variable length Tensors with `padding_value`."""
    if not isinstance(sequences, Iterable):
        raise RuntimeError(f"pad_sequence: Expected iterable for input sequences, but got arg of type: "
                           f"{type(sequences)}")
    sequences = tuple(sequences)
    if len(sequences) == 0:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    first = sequences[0]
    if first.dim() == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    trailing = tuple(first.shape[1:])
    lengths = []
    expanded = []
    for s in sequences:
        if s.dim() == 0:
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        target = (s.shape[0],) + trailing
        shape = broadcast_shapes(target, tuple(s.shape))
        if shape != target:
            raise RuntimeError(f"output with shape {list(target)} doesn't match the broadcast shape {list(shape)}")
        expanded.append(s if tuple(s.shape) == target else s.expand(*target))
        lengths.append(s.shape[0])
    dtype = first.dtype
    padding = float(padding_value) if dtype.category >= _dtype.FLOAT else \
        np.asarray(padding_value).astype(dtype.np).item()
    fn = _pad_sequence_fn(tuple(lengths), bool(batch_first), padding_side == "left", padding, dtype)
    return apply_fn("CopySlices", fn, tuple(expanded), dtype)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Unpad a padded Tensor into a list of variable length Tensors."""
    from ...ops.creation import arange

    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    max_length = padded_sequences.shape[1]
    idx = arange(max_length, device=lengths.device)
    unpadded = []
    for seq, length in zip(padded_sequences, lengths, strict=True):
        mask = idx < length
        unpadded.append(seq[mask])
    return unpadded


def pack_sequence(sequences, enforce_sorted=True):
    """Packs a list of variable length Tensors."""
    lengths = _cpu_long([v.size(0) for v in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """Unpack a PackedSequence into a list of variable length Tensors."""
    padded_sequences, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded_sequences, lengths, batch_first=True)
