"""Specs for torch.special (jtorch/ops/special.py). torch.special has no Tensor methods or
in-place variants: function and out= only. float16/bfloat16 draws check torch's
NotImplementedError for the kernels that lack them."""
from compat.spec import OpSpec, binary, unary
from compat.strategies import FLOATS, INTS

DIFFERENTIABLE = ("entr", "erfcx", "log_ndtr", "ndtr", "i0e", "i1", "i1e")
NONDIFFERENTIABLE = ("bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0", "modified_bessel_i1",
                     "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0",
                     "scaled_modified_bessel_k1", "spherical_bessel_j0", "airy_ai")

SPECS = [
    *[unary(f"special.{n}", FLOATS + INTS, variants="fo") for n in DIFFERENTIABLE],
    unary("special.ndtri", FLOATS + INTS, domain="unit", variants="fo"),
    *[unary(f"special.{n}", FLOATS + INTS, grad=False, variants="fo") for n in NONDIFFERENTIABLE],
    binary("special.xlog1py", FLOATS + INTS, variants="fo"),
    # the derivative in the first operand is not implemented in torch: differentiate q only
    OpSpec("special.zeta", 2, ("float32", "float64"), "positive", variants="fo", grad=False, mix_dtypes=True,
           scalar_other=True),
    OpSpec("special.gammainc", 2, FLOATS, "positive", variants="fo", grad=False, mix_dtypes=True, scalar_other=True),
    OpSpec("special.gammaincc", 2, FLOATS, "positive", variants="fo", grad=False, mix_dtypes=True, scalar_other=True),
]
