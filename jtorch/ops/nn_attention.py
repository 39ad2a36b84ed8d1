"""Attention: torch.nn.functional.scaled_dot_product_attention and multi_head_attention_forward.

Each is one jitted JAX function per configuration (projections, masking, softmax, dropout,
output projection), run through `apply_fn` as one autograd node. Dropout keep-masks are
drawn on the host from jtorch's generator and passed in, so values differ from torch's
dropout but the distribution and scaling match.
"""
from __future__ import annotations

import functools
import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._registry import apply_fn, broadcast_shapes, op
from .._tensor import Tensor
from ..autograd.grad_mode import STATE

_NS = "torch.nn.functional"

# c10's ScalarType names, as torch's attention errors print them
_C10_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
              "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
              "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
              "complex128": "c10::complex<double>"}


def _c10(dtype):
    return _C10_NAMES.get(dtype.name, dtype.name)


def _keep_mask(shape, p, device) -> Tensor:
    """A boolean keep-mask (each True with probability 1 - p) from jtorch's generator."""
    from .creation import place
    from .random import _stream

    shape = tuple(int(s) for s in shape)
    keep = _stream(None).random(shape, np.float32) >= p if p < 1 else np.zeros(shape, bool)
    return Tensor._make(place(keep, device), _dtype.bool, device)


def _matmul(a, b):
    return jnp.matmul(a, b)  # torch's float32 matmul precision: see ops/linalg.product


def _safe_softmax(x):
    """softmax over the last dim, with rows that are all -inf giving 0 (torch's _safe_softmax)."""
    masked = jnp.all(x == -jnp.inf, axis=-1, keepdims=True)
    y = jax.nn.softmax(jnp.where(masked, jnp.zeros_like(x), x), axis=-1)
    return jnp.where(masked, jnp.zeros_like(y), y)


def _float_mask(mask, dtype):
    """A boolean mask (True = take part) as an additive float mask."""
    if mask.dtype == jnp.bool_:
        return jnp.where(mask, jnp.zeros((), dtype), jnp.full((), -jnp.inf, dtype))
    return mask


# ================================================================ scaled_dot_product_attention
@functools.lru_cache(maxsize=256)
def _sdpa_fn(has_mask, has_keep, causal, scale, gqa_repeat, dropout_scale, compute):
    def fn(q, k, v, *rest):
        rest = list(rest)
        mask = rest.pop(0) if has_mask else None
        keep = rest.pop(0) if has_keep else None
        out_dtype = q.dtype
        q, k, v = (a.astype(compute) for a in (q, k, v))
        L, S = q.shape[-2], k.shape[-2]
        factor = math.sqrt(abs(scale))
        q = q * (-factor if scale < 0 else factor)
        if gqa_repeat > 1:
            k = jnp.repeat(k, gqa_repeat, axis=-3)
            v = jnp.repeat(v, gqa_repeat, axis=-3)
        attn = _matmul(q, jnp.swapaxes(k, -2, -1) * factor)
        if causal:
            # torch's flash kernel masks before scaling: a negative scale turns the -inf into +inf (NaN rows)
            fill = jnp.inf if causal == "flipped" else -jnp.inf
            attn = jnp.where(jnp.tril(jnp.ones((L, S), bool)), attn, jnp.asarray(fill, compute))
        if mask is not None:
            attn = attn + _float_mask(mask, compute).astype(compute)
        dead = jnp.all(attn == -jnp.inf, axis=-1, keepdims=True)  # rows that attend to nothing
        attn = _safe_softmax(attn)
        if keep is not None:
            attn = jnp.where(keep, attn * jnp.asarray(dropout_scale, compute), jnp.zeros((), compute))
        out = _matmul(attn, v)
        # a row that attends to nothing is +0.0 (not the -0.0 of 0 * negative values)
        return jnp.where(dead, jnp.zeros((), compute), out).astype(out_dtype)

    return jax.jit(fn)


@op(namespace=_NS, method=False, out=False)
def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """softmax(q k^T * scale + mask) v, with optional causal masking, dropout and grouped-query
    attention. Implements `torch.nn.functional.scaled_dot_product_attention`."""
    for name, t in (("query", query), ("key", key), ("value", value)):
        if not isinstance(t, Tensor):
            raise TypeError(f"scaled_dot_product_attention(): argument '{name}' must be Tensor, not "
                            f"{type(t).__name__}")
    if query.dim() < 2 or key.dim() < 2 or value.dim() < 2:
        raise RuntimeError("Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: "
                           f"{query.dim()} key.dim: {key.dim()} and value.dim: {value.dim()} instead.")
    if not (query.dtype is key.dtype is value.dtype):
        raise RuntimeError("Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{_c10(query.dtype)} key.dtype: {_c10(key.dtype)} and value.dtype: {_c10(value.dtype)} "
                           "instead.")
    if attn_mask is not None and attn_mask.dtype is not _dtype.bool and attn_mask.dtype is not query.dtype:
        raise RuntimeError("Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                           f"attn_mask.dtype: {_c10(attn_mask.dtype)} and  query.dtype: {_c10(query.dtype)} instead.")
    if query.dtype.category != _dtype.FLOAT:
        found = _TYPE_NAMES.get(query.dtype.name, query.dtype.name)
        raise RuntimeError(f"expected scalar type Float but found {found}")
    if not 0 <= dropout_p <= 1:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
    E = query.shape[-1]
    # torch's CPU flash kernel (which names the grad_fn): 4-D inputs of one head size and batch, matching heads
    # (or grouped), a 2-D or 4-D mask that needs no gradient, and no dropout; it takes a mask and is_causal together
    flash = query.dim() == 4 and key.dim() == 4 and value.dim() == 4 and dropout_p == 0 and \
        E == key.shape[-1] == value.shape[-1] and query.shape[0] == key.shape[0] == value.shape[0] and \
        key.shape[1] == value.shape[1] and (query.shape[1] == key.shape[1] or
                                            (enable_gqa and query.shape[1] % key.shape[1] == 0)) and \
        (attn_mask is None or attn_mask.dim() in (2, 4) and not (STATE.enabled and attn_mask.requires_grad))
    if is_causal and attn_mask is not None and not flash:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
    repeat = 1
    if enable_gqa and query.dim() >= 3 and key.dim() >= 3:
        hq, hk, hv = query.shape[-3], key.shape[-3], value.shape[-3]
        if hq != hk or hq != hv:
            if hq % hk != 0 or hk != hv:
                raise RuntimeError("Number of heads in key and value must divide the number of heads in ")
            repeat = hq // hk
    # the shapes of the two matmuls, with torch's broadcasting errors
    if key.shape[-1] != E:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{math.prod(query.shape[:-2])}, {E}] but got: [{math.prod(key.shape[:-2])}, "
                           f"{key.shape[-1]}].")
    k_batch = tuple(key.shape[:-2])
    if repeat > 1:
        k_batch = k_batch[:-1] + (k_batch[-1] * repeat,)
    batch = broadcast_shapes(tuple(query.shape[:-2]), k_batch)
    if value.shape[-2] != key.shape[-2]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{math.prod(batch)}, {key.shape[-2]}] but got: [{math.prod(value.shape[:-2])}, "
                           f"{value.shape[-2]}].")
    scores = batch + (query.shape[-2], key.shape[-2])
    if attn_mask is not None:
        broadcast_shapes(scores, tuple(attn_mask.shape))
    scale = 1.0 / math.sqrt(E) if scale is None else float(scale)
    tensors = [query, key, value]
    if attn_mask is not None:
        tensors.append(attn_mask)
    dropout_scale = None
    if dropout_p > 0:
        dropout_scale = 0.0 if dropout_p >= 1 else 1.0 / (1.0 - dropout_p)
        tensors.append(_keep_mask(scores, dropout_p, query.device))
    compute = jnp.float32 if query.dtype in (_dtype.float16, _dtype.bfloat16) else query.dtype.np
    causal = ("flipped" if flash and scale < 0 else True) if is_causal else False
    fn = _sdpa_fn(attn_mask is not None, dropout_p > 0, causal, scale, repeat, dropout_scale, np.dtype(compute))
    if flash:
        name = "ScaledDotProductFlashAttentionForCpuBackward0"
    else:
        name = "MmBackward0" if query.dim() == 2 else "UnsafeViewBackward0"
    return apply_fn(name, fn, tuple(tensors), query.dtype, saved=(query, key, value))


_TYPE_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
               "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


# ================================================================ multi_head_attention_forward
def _canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    """torch.nn.functional._canonical_mask: checks the mask's dtype (a bool mask stays bool
    here; the kernels turn it into an additive -inf mask)."""
    if mask is not None:
        is_float = mask.dtype.category == _dtype.FLOAT
        if mask.dtype is not _dtype.bool and not is_float:
            raise AssertionError(f"only bool and floating types of {mask_name} are supported")
        if check_other and other_type is not None and mask.dtype is not other_type:
            warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. Use same type for both "
                          "instead.", stacklevel=3)
    return mask


def _canonical_float_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    """torch's _canonical_mask exactly: a bool mask becomes a float mask with -inf where True."""
    mask = _canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other)
    if mask is not None and mask.dtype is _dtype.bool:
        from .creation import zeros_like

        mask = zeros_like(mask, dtype=target_type).masked_fill_(mask, float("-inf"))
    return mask


def _none_or_dtype(input):
    if input is None:
        return None
    if isinstance(input, Tensor):
        return input.dtype
    raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")


def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    if query.dim() == 3:
        if key.dim() != 3 or value.dim() != 3:
            raise AssertionError("For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                                 f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise AssertionError("For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but "
                                 f"found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise AssertionError("For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found "
                                 f"{attn_mask.dim()}-D tensor instead")
        return True
    if query.dim() == 2:
        if key.dim() != 2 or value.dim() != 2:
            raise AssertionError("For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                                 f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise AssertionError("For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but "
                                 f"found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise AssertionError("For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but "
                                     f"found {attn_mask.dim()}-D tensor instead")
            if attn_mask.dim() == 3:
                expected = (num_heads, query.shape[0], key.shape[0])
                if tuple(attn_mask.shape) != expected:
                    raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got {attn_mask.shape}")
        return False
    raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received {query.dim()}-D query tensor")


_MHA_INPUTS = ("in_proj_weight", "q_proj_weight", "k_proj_weight", "v_proj_weight", "in_proj_bias", "bias_k",
               "bias_v", "out_proj_weight", "out_proj_bias", "attn_mask", "key_padding_mask", "static_k", "static_v",
               "keep")


@functools.lru_cache(maxsize=256)
def _mha_fn(present, num_heads, add_zero_attn, need_weights, causal, dropout_scale):
    """The jitted core of multi_head_attention_forward on batched, sequence-first inputs.
    `present` names the optional inputs passed after (query, key, value)."""

    def fn(query, key, value, *rest):
        a = dict(zip(present, rest))
        dtype = query.dtype
        L, N, E = query.shape
        H = num_heads
        hd = E // H
        if "in_proj_weight" in a:
            w_q, w_k, w_v = jnp.split(a["in_proj_weight"], 3)
        else:
            w_q, w_k, w_v = a["q_proj_weight"], a["k_proj_weight"], a["v_proj_weight"]
        b_q = b_k = b_v = None
        if "in_proj_bias" in a:
            b_q, b_k, b_v = jnp.split(a["in_proj_bias"], 3)

        def project(x, w, b):
            y = _matmul(x, w.T)
            return y if b is None else y + b

        # with a static key (value) the key (value) projection is unused, as in torch
        q = project(query, w_q, b_q)
        k = None if "static_k" in a else project(key, w_k, b_k)
        v = None if "static_v" in a else project(value, w_v, b_v)
        attn_mask = a.get("attn_mask")
        kpm = a.get("key_padding_mask")
        if attn_mask is not None:
            attn_mask = _float_mask(~attn_mask if attn_mask.dtype == jnp.bool_ else attn_mask, dtype).astype(dtype)
            if attn_mask.ndim == 2:
                attn_mask = attn_mask[None]
        if kpm is not None:
            kpm = _float_mask(~kpm if kpm.dtype == jnp.bool_ else kpm, dtype).astype(dtype)

        def pad_masks(attn_mask, kpm):
            pad = lambda m: jnp.concatenate([m, jnp.zeros(m.shape[:-1] + (1,), m.dtype)], axis=-1)  # noqa: E731
            return (None if attn_mask is None else pad(attn_mask)), (None if kpm is None else pad(kpm))

        if "bias_k" in a:
            k = jnp.concatenate([k, jnp.broadcast_to(a["bias_k"], (1, N, E))])
            v = jnp.concatenate([v, jnp.broadcast_to(a["bias_v"], (1, N, E))])
            attn_mask, kpm = pad_masks(attn_mask, kpm)
        q = jnp.swapaxes(q.reshape(L, N * H, hd), 0, 1)
        k = a["static_k"] if "static_k" in a else jnp.swapaxes(k.reshape(k.shape[0], N * H, hd), 0, 1)
        v = a["static_v"] if "static_v" in a else jnp.swapaxes(v.reshape(v.shape[0], N * H, hd), 0, 1)
        if add_zero_attn:
            k = jnp.concatenate([k, jnp.zeros((N * H, 1, hd), k.dtype)], axis=1)
            v = jnp.concatenate([v, jnp.zeros((N * H, 1, hd), v.dtype)], axis=1)
            attn_mask, kpm = pad_masks(attn_mask, kpm)
        S = k.shape[1]
        if kpm is not None:
            kpm = jnp.broadcast_to(kpm.reshape(N, 1, 1, S), (N, H, 1, S)).reshape(N * H, 1, S)
            attn_mask = kpm if attn_mask is None else attn_mask + kpm
        keep = a.get("keep")
        if need_weights:
            scores = _matmul(q * math.sqrt(1.0 / float(hd)), jnp.swapaxes(k, -2, -1))
            if attn_mask is not None:
                scores = attn_mask + scores
            weights = jax.nn.softmax(scores, axis=-1)
            if keep is not None:
                weights = jnp.where(keep, weights * jnp.asarray(dropout_scale, dtype), jnp.zeros((), dtype))
            out = _matmul(weights, v)  # (N*H, L, hd)
            out = jnp.swapaxes(out, 0, 1).reshape(L * N, E)
        else:
            factor = math.sqrt(1.0 / math.sqrt(hd))
            scores = _matmul(q * factor, jnp.swapaxes(k, -2, -1) * factor)
            if causal:
                scores = scores + _float_mask(jnp.tril(jnp.ones((L, S), bool)), dtype)
            if attn_mask is not None:
                scores = scores + attn_mask
            weights = _safe_softmax(scores)
            if keep is not None:
                weights = jnp.where(keep, weights * jnp.asarray(dropout_scale, dtype), jnp.zeros((), dtype))
            out = _matmul(weights, v).reshape(N, H, L, hd)
            out = jnp.transpose(out, (2, 0, 1, 3)).reshape(L * N, E)
        out = _matmul(out, a["out_proj_weight"].T)
        if "out_proj_bias" in a:
            out = out + a["out_proj_bias"]
        out = out.reshape(L, N, out.shape[-1])
        if need_weights:
            return out, weights.reshape(N, H, L, S)
        return out

    return jax.jit(fn)


def _check_key_padding_mask(key_padding_mask_shape, src_len, bsz):
    if key_padding_mask_shape[0] != bsz:
        raise AssertionError(f"Expected key_padded_mask.shape[0] to be {bsz}, but got {key_padding_mask_shape[0]}")
    if key_padding_mask_shape[1] != src_len:
        raise AssertionError(f"Expected key_padded_mask.shape[1] to be {src_len}, but got {key_padding_mask_shape[1]}")


@op(namespace=_NS, method=False, out=False)
def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    """Forward method for MultiheadAttention. Implements `torch.nn.functional.multi_head_attention_forward`."""
    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", _none_or_dtype(attn_mask), "attn_mask",
                                       query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                           "method `generate_square_subsequent_mask` to create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, check_other=False)
        if key_padding_mask is not None:
            is_causal = False
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match value's "
                                 f"{value.shape[:2]}")
    elif tuple(key.shape) != tuple(value.shape):
        raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")
    inputs = {}
    if not use_separate_proj_weight:
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        inputs["in_proj_weight"] = in_proj_weight
    else:
        for name, w in (("q", q_proj_weight), ("k", k_proj_weight), ("v", v_proj_weight)):
            if w is None:
                raise AssertionError(f"use_separate_proj_weight is True but {name}_proj_weight is None")
        Eq, Ek, Ev = query.size(-1), key.size(-1), value.size(-1)
        for label, w, shape in (("query", q_proj_weight, (Eq, Eq)), ("key", k_proj_weight, (Eq, Ek)),
                                ("value", v_proj_weight, (Eq, Ev))):
            if tuple(w.shape) != shape:
                raise AssertionError(f"expecting {label} weights shape of {shape}, but got {w.shape}")
        if in_proj_bias is not None and tuple(in_proj_bias.shape) != (3 * Eq,):
            raise AssertionError(f"expecting query bias shape of {(Eq,)}, but got "
                                 f"{in_proj_bias.chunk(3)[0].shape}")
        inputs.update(q_proj_weight=q_proj_weight, k_proj_weight=k_proj_weight, v_proj_weight=v_proj_weight)
    if in_proj_bias is not None:
        inputs["in_proj_bias"] = in_proj_bias
    if attn_mask is not None:
        if attn_mask.dim() == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(tgt_len, src_len)}.")
        elif attn_mask.dim() == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(bsz * num_heads, tgt_len, src_len)}.")
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")
    n_keys, mask_pads = src_len, 0
    if bias_k is not None and bias_v is not None:
        if static_k is not None:
            raise AssertionError("bias cannot be added to static key.")
        if static_v is not None:
            raise AssertionError("bias cannot be added to static value.")
        inputs.update(bias_k=bias_k, bias_v=bias_v)
        n_keys += 1
        mask_pads += 1
    else:
        if bias_k is not None:
            raise AssertionError("bias_k is set but bias_v is None")
        if bias_v is not None:
            raise AssertionError("bias_v is set but bias_k is None")
    for name, static in (("static_k", static_k), ("static_v", static_v)):
        if static is not None:
            if static.size(0) != bsz * num_heads:
                raise AssertionError(f"expecting {name}.size(0) of {bsz * num_heads}, but got {static.size(0)}")
            if static.size(2) != head_dim:
                raise AssertionError(f"expecting {name}.size(2) of {head_dim}, but got {static.size(2)}")
            inputs[name] = static
    if static_k is not None:
        n_keys = static_k.size(1)
    if add_zero_attn:
        n_keys += 1
        mask_pads += 1
    if key_padding_mask is not None:
        _check_key_padding_mask((key_padding_mask.shape[0], key_padding_mask.shape[1] + mask_pads), n_keys, bsz)
    inputs["out_proj_weight"] = out_proj_weight
    if out_proj_bias is not None:
        inputs["out_proj_bias"] = out_proj_bias
    if attn_mask is not None:
        inputs["attn_mask"] = attn_mask
    if key_padding_mask is not None:
        inputs["key_padding_mask"] = key_padding_mask
    if not training:
        dropout_p = 0.0
    dropout_scale = None
    if dropout_p > 0.0:
        dropout_scale = 0.0 if dropout_p >= 1 else 1.0 / (1.0 - dropout_p)
        inputs["keep"] = _keep_mask((bsz * num_heads, tgt_len, n_keys), dropout_p, query.device)
    if need_weights and is_causal and attn_mask is None:
        raise AssertionError("FIXME: is_causal not implemented for need_weights")
    causal = bool(is_causal) and attn_mask is None and not need_weights
    present = tuple(n for n in _MHA_INPUTS if n in inputs)
    fn = _mha_fn(present, num_heads, bool(add_zero_attn), bool(need_weights), causal, dropout_scale)
    # a static key/value replaces the projected one, so key/value get no gradient (None, as in torch)
    key_in = query if static_k is not None else key
    value_in = query if static_v is not None else value
    tensors = (query, key_in, value_in) + tuple(inputs[n] for n in present)
    saved = (query, key_in, value_in) + tuple(inputs[n] for n in present if n != "keep")
    if need_weights:
        out, weights = apply_fn("ViewBackward0", fn, tensors, (query.dtype, query.dtype), saved=saved)
        if average_attn_weights:
            weights = weights.mean(dim=1)
        if not is_batched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        return out, weights
    out = apply_fn("ViewBackward0", fn, tensors, query.dtype, saved=saved)
    if not is_batched:
        out = out.squeeze(1)
    return out, None
