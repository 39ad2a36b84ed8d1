"""torch dtypes over numpy/JAX dtypes, and torch's type-promotion rules.

Result dtypes are computed here from a table, never by JAX's weak-type lattice.
"""
from __future__ import annotations

import enum
import functools
from numbers import Number

import ml_dtypes
import numpy as np


class dtype:
    """A torch dtype (`torch.float32`, ...); wraps the numpy dtype JAX uses for it."""

    __slots__ = ("name", "np", "category", "itemsize", "is_floating_point", "is_complex", "is_signed", "abbr")
    __module__ = "torch"  # so that type(torch.float32) prints as <class 'torch.dtype'>

    def __new__(cls, *args, **kwargs):
        raise TypeError("cannot create 'torch.dtype' instances")

    @classmethod
    def _make(cls, name: str, np_dtype, category: int, abbr: str) -> dtype:
        self = object.__new__(cls)
        self.name = name
        self.np = np.dtype(np_dtype)
        self.category = category  # 0 bool, 1 integer, 2 floating, 3 complex
        self.itemsize = self.np.itemsize
        self.is_floating_point = category == 2
        self.is_complex = category == 3
        self.is_signed = name not in ("bool", "uint8")
        self.abbr = abbr
        return self

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))

    def to_real(self) -> dtype:
        """The real dtype of a complex dtype; any other dtype itself."""
        return {"complex64": float32, "complex128": float64}.get(self.name, self)

    def to_complex(self) -> dtype:
        """The complex dtype whose parts have this floating dtype (complex ones map to themselves).

        Differences from torch: float16 gives complex64, as jtorch has no complex32."""
        if self.category < FLOAT:
            raise RuntimeError(f"Unknown Complex ScalarType for {SCALAR_TYPE_NAMES[self.name]}")
        return complex128 if self.name in ("float64", "complex128") else complex64


BOOL, INT, FLOAT, COMPLEX = range(4)

bool = dtype._make("bool", np.bool_, BOOL, "b8")  # noqa: A001 - torch.bool
uint8 = dtype._make("uint8", np.uint8, INT, "u8")
int8 = dtype._make("int8", np.int8, INT, "i8")
int16 = dtype._make("int16", np.int16, INT, "i16")
int32 = dtype._make("int32", np.int32, INT, "i32")
int64 = dtype._make("int64", np.int64, INT, "i64")
float16 = dtype._make("float16", np.float16, FLOAT, "f16")
bfloat16 = dtype._make("bfloat16", ml_dtypes.bfloat16, FLOAT, "bf16")
float32 = dtype._make("float32", np.float32, FLOAT, "f32")
float64 = dtype._make("float64", np.float64, FLOAT, "f64")
complex64 = dtype._make("complex64", np.complex64, COMPLEX, "c64")
complex128 = dtype._make("complex128", np.complex128, COMPLEX, "c128")

ALL_DTYPES = (bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64, complex64, complex128)
ALIASES = {
    "half": float16, "float": float32, "double": float64, "cfloat": complex64, "cdouble": complex128,
    "short": int16, "int": int32, "long": int64, "uint8": uint8,
}
_BY_NAME = {d.name: d for d in ALL_DTYPES}
# torch's C++ ScalarType names, used in its error messages.
SCALAR_TYPE_NAMES = {
    "bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int", "int64": "Long",
    "float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double",
    "complex64": "ComplexFloat", "complex128": "ComplexDouble",
}
_BY_NUMPY = {d.np: d for d in ALL_DTYPES}


def _dtype_by_name(name: str) -> dtype:
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype) -> dtype:
    """The torch dtype of a numpy (or JAX) dtype; TypeError for ones torch lacks."""
    try:
        return _BY_NUMPY[np.dtype(np_dtype)]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).type.__name__}. The only supported types are: "
            "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint8, and bool."
        ) from None


# ---------------------------------------------------------------- default dtype
_default = {"float": float32}


def get_default_dtype() -> dtype:
    return _default["float"]


def set_default_dtype(d: dtype) -> None:
    """Set the dtype of float tensors created from Python floats. Implements `torch.set_default_dtype`."""
    if not isinstance(d, dtype):
        raise TypeError("invalid dtype object: only floating-point types are supported as the default type")
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default["float"] = d
    elementwise_dtypes.cache_clear()
    for clear in _DEFAULT_DTYPE_CACHES:
        clear()


_DEFAULT_DTYPE_CACHES: list = []


def on_default_dtype_change(clear) -> None:
    """Register `clear`, called when the default dtype changes (for caches of promotion results)."""
    _DEFAULT_DTYPE_CACHES.append(clear)


# ---------------------------------------------------------------- promotion
_INTS_BY_RANK = (uint8, int8, int16, int32, int64)


def _check_dtype(fn: str, arg: str, position: int, d) -> None:
    if not isinstance(d, dtype):
        raise TypeError(f"{fn}(): argument '{arg}' (position {position}) must be torch.dtype, not {type(d).__name__}")


@functools.cache
def promote_types(type1: dtype, type2: dtype) -> dtype:
    """The smallest dtype both dtypes cast to safely. Implements `torch.promote_types`."""
    _check_dtype("promote_types", "type1", 1, type1)
    _check_dtype("promote_types", "type2", 2, type2)
    return _promote(type1, type2)


def _promote(a: dtype, b: dtype) -> dtype:
    if a is b:
        return a
    if a.category != b.category:
        lo, hi = (a, b) if a.category < b.category else (b, a)
        if hi.is_complex and lo.is_floating_point and lo.itemsize > hi.itemsize // 2:
            return complex128
        return hi
    if a.category == INT:
        if uint8 in (a, b):  # uint8 with a signed int needs the next signed size up
            other = b if a is uint8 else a
            return int16 if other is int8 else other
        return max(a, b, key=lambda d: d.itemsize)
    if {a, b} == {float16, bfloat16}:
        return float32
    return max(a, b, key=lambda d: d.itemsize)


class Promote(enum.Enum):
    """torch's elementwise type-promotion kinds (torch._prims_common names)."""

    DEFAULT = 0
    NO_OPMATH = 1
    INT_TO_FLOAT = 2
    ALWAYS_BOOL = 3
    COMPLEX_TO_FLOAT = 4
    BOOL_TO_LONG = 5


def number_category(x) -> int:
    if isinstance(x, (builtins_bool, np.bool_)):
        return BOOL
    if isinstance(x, (int, np.integer)):
        return INT
    if isinstance(x, (float, np.floating)):
        return FLOAT
    if isinstance(x, (complex, np.complexfloating)):
        return COMPLEX
    raise TypeError(f"expected a Tensor or a Number, got {type(x).__name__}")


builtins_bool = type(True)


def operand_key(x):
    """A hashable description of one operand for `elementwise_dtypes`: a Tensor gives
    (dtype, is_zero_dim); a Python number gives its category; None is skipped."""
    d = getattr(x, "dtype", None)
    if isinstance(d, dtype):
        return (d, x.ndim == 0)
    if x is None:
        return None
    return number_category(x)


def _computation_dtype(d: dtype) -> dtype:
    # torch computes half-precision math in float32 (its "opmath" type) and rounds once.
    return float32 if d in (float16, bfloat16) else d


@functools.cache
def elementwise_dtypes(keys: tuple, kind: Promote) -> tuple[dtype, dtype]:
    """(computation dtype, result dtype) for operands described by `operand_key`.

    The category of the result (bool < integer < floating < complex) is the highest
    category among all operands. Within that category the dtype comes from the tensors
    of that category: tensors with one or more dims win over zero-dim tensors, and
    Python numbers count only for their category (a float scalar gives the default
    dtype, a complex one its complex partner, an int scalar int64). `kind` then adjusts
    the result as torch's ELEMENTWISE_TYPE_PROMOTION_KIND does.
    """
    keys = [k for k in keys if k is not None]
    highest = BOOL
    for k in keys:
        highest = max(highest, k if isinstance(k, int) else k[0].category)

    def highest_tensor_dtype(accept, as_complex=False):
        best = {True: None, False: None}  # keyed by is_zero_dim
        for k in keys:
            if isinstance(k, int) or not accept(k[0]):
                continue
            d = k[0].to_complex() if as_complex and k[0].is_floating_point else k[0]
            prev = best[k[1]]
            best[k[1]] = d if prev is None else _promote(prev, d)
        return best[False] if best[False] is not None else best[True]

    if highest == FLOAT:
        result = highest_tensor_dtype(lambda d: d.is_floating_point) or get_default_dtype()
    elif highest == COMPLEX:
        result = highest_tensor_dtype(lambda d: d.category >= FLOAT, as_complex=True)
        result = result or get_default_dtype().to_complex()
    elif highest == INT:
        result = highest_tensor_dtype(lambda d: d.category == INT) or int64
    else:
        result = bool

    if kind is Promote.NO_OPMATH:
        return result, result
    if kind is Promote.ALWAYS_BOOL:
        # Comparisons and tests are exact in any dtype: torch evaluates them on operands cast
        # to the common dtype (so a float16 tensor == 0.1 compares with float16(0.1)).
        return result, bool
    if kind is Promote.INT_TO_FLOAT and result.category <= INT:
        result = get_default_dtype()
    elif kind is Promote.COMPLEX_TO_FLOAT and result.is_complex:
        return _computation_dtype(result), result.to_real()
    elif kind is Promote.BOOL_TO_LONG and result is bool:
        return int64, int64
    return _computation_dtype(result), result


def result_type(tensor, other) -> dtype:
    """The dtype an arithmetic op on the two operands (Tensors or Numbers) returns.
    Implements `torch.result_type`."""
    try:
        keys = (operand_key(tensor), operand_key(other))
    except TypeError:
        keys = None
    if keys is None or None in keys:
        raise TypeError(
            f"result_type() received an invalid combination of arguments - got ({_type_names(tensor, other)}), "
            "but expected one of: (Tensor tensor, Tensor other), (Number scalar, Tensor tensor), "
            "(Tensor tensor, Number other), (Number scalar1, Number scalar2)"
        )
    return elementwise_dtypes(keys, Promote.NO_OPMATH)[1]


def _type_names(*args) -> str:
    return ", ".join("Tensor" if isinstance(getattr(a, "dtype", None), dtype) else type(a).__name__ for a in args)


def can_cast(from_: dtype, to: dtype) -> bool:
    """Whether torch's type promotion may cast `from_` to `to`: a cast may not lower the
    category (complex -> float, float -> int, int -> bool); within one any cast is allowed.
    Implements `torch.can_cast`."""
    _check_dtype("can_cast", "from_", 1, from_)
    _check_dtype("can_cast", "to", 2, to)
    return from_.category <= to.category


def is_number(x) -> bool:
    return isinstance(x, Number) and not hasattr(x, "dtype") or isinstance(x, np.generic)
