"""Specs for torch.nn.functional.scaled_dot_product_attention (jtorch/ops/nn_attention.py).

Shapes are drawn consistently (shared batch dims, query length L, key length S, head
sizes), with an optional bool or float mask (as an operand, so its gradient is compared
too), is_causal, scale and grouped-query heads. Dropout is random and is tested in
tests/test_nn_transformer.py; multi_head_attention_forward takes a dozen weights and is
tested there as well. The sign of an exact zero from torch's matmul depends on its BLAS
path (shape-dependent: (4, 1) @ (1, 2) gives -0.0 where (1, 1) @ (1, 2) gives +0.0), so
values are drawn nonzero and every bool-mask row keeps a key: no output is an exact
zero made of signed-zero products.
"""
from hypothesis import strategies as st

from compat.spec import OpSpec
from compat.strategies import arrays

F = "nn.functional."


def sampler(fn):
    return lambda spec: st.composite(fn)(spec)


@sampler
def _sdpa(draw, spec):
    dtype = draw(st.sampled_from(spec.dtypes))
    ndim = draw(st.integers(2, 4))
    batch = tuple(draw(st.integers(1, 2)) for _ in range(ndim - 2))
    L, S, E = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(1, 4))
    Ev = draw(st.sampled_from([E, E + 1]))
    kwargs = {}
    k_batch = batch
    if ndim == 4 and draw(st.booleans()):  # grouped-query attention: fewer key/value heads
        heads = draw(st.sampled_from([2, 4]))
        batch = (batch[0], heads)
        k_batch = (batch[0], heads // 2)
        kwargs["enable_gqa"] = True
    # q, k in (-1, 1): a saturated softmax's float32 gradient is mostly rounding noise
    operands = [draw(arrays(dtype, batch + (L, E), "unit")), draw(arrays(dtype, k_batch + (S, E), "unit")),
                draw(arrays(dtype, k_batch + (S, Ev), "nonzero"))]
    dtypes = [dtype] * 3
    mask = draw(st.sampled_from([None, None, "bool", "float"]))
    if mask is not None:
        shape = draw(st.sampled_from([(L, S), (1, S), batch + (L, S)]))
        mask_dtype = "bool" if mask == "bool" else dtype
        values = draw(arrays(mask_dtype, shape, "small"))
        if mask == "bool":
            values[..., 0] = True
        operands.append(values)
        dtypes.append(mask_dtype)
    elif draw(st.booleans()):
        kwargs["is_causal"] = True
    if draw(st.integers(0, 3)) == 0:
        # not negative with is_causal: torch's flash kernel applies the causal -inf before the scale, which
        # gives NaN rows (reproduced in the values) whose gradient NaN pattern is particular to that kernel
        kwargs["scale"] = draw(st.sampled_from([0.5, 2.0] if kwargs.get("is_causal") else [0.5, 2.0, -1.0]))
    return operands, dtypes, (), kwargs


SPECS = [
    OpSpec(F + "scaled_dot_product_attention", dtypes=("float32", "float64"), variants="f", sample=_sdpa,
           tol=(1e-4, 1e-5)),
]
