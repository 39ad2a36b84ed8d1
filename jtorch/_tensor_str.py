"""Tensor printing for jtorch: a numpy-only port of torch's ``repr(tensor)`` layout.

The output matches torch 2.13 character for character: the same float formatter
(integer / fixed / scientific modes), summarisation with ``...``, line wrapping
and the trailing ``device=``, ``dtype=``, ``size=``, ``grad_fn=`` suffixes.
Only numpy (and ml_dtypes values, via numpy casts) is needed here.
"""

import contextlib
import dataclasses
import math

import numpy as np

__all__ = ["set_printoptions", "get_printoptions", "printoptions", "format_tensor"]


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrintOptions()

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Set print options like ``torch.set_printoptions``.

    A ``profile`` ("default", "short", "full") is applied first, then explicit
    options override it. As in torch, ``sci_mode`` is always assigned, so
    omitting it resets it to automatic (None).
    """
    for name, value in _PROFILES.get(profile, {}).items():
        setattr(PRINT_OPTS, name, value)
    explicit = dict(precision=precision, threshold=threshold, edgeitems=edgeitems,
                    linewidth=linewidth)
    for name, value in explicit.items():
        if value is not None:
            setattr(PRINT_OPTS, name, value)
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict:
    """Current options, as keyword arguments accepted by set_printoptions."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options (same arguments as set_printoptions)."""
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


# ---------------------------------------------------------------------------
# dtype helpers

_ALIASES = {
    "float": "float32", "double": "float64", "half": "float16",
    "cfloat": "complex64", "cdouble": "complex128", "chalf": "complex32",
    "long": "int64", "int": "int32", "short": "int16",
}


def _dtype_name(dtype) -> str:
    name = str(dtype)
    name = name[len("torch."):] if name.startswith("torch.") else name
    return _ALIASES.get(name, name)


def _is_complex(name):
    return name.startswith("complex")


def _is_floating(name):
    return name.startswith(("float", "bfloat"))


# ---------------------------------------------------------------------------
# element formatting


class _Formatter:
    """Decides one common width and notation for all elements of a tensor."""

    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        if not floating:
            self.width = max([1] + [len(str(v)) for v in values.tolist()])
            return
        finite = values[np.isfinite(values) & (values != 0)]
        if finite.size == 0:
            return
        magnitude = np.abs(finite)
        lo, hi = float(magnitude.min()), float(magnitude.max())
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        if PRINT_OPTS.sci_mode is None:
            with np.errstate(over="ignore"):
                ratio = np.float64(hi) / np.float64(lo)
            self.sci_mode = bool(ratio > 1000.0 or hi > 1.0e8 or lo < 1.0e-4)
        else:
            self.sci_mode = PRINT_OPTS.sci_mode
        if self.sci_mode:
            spec, extra = f".{PRINT_OPTS.precision}e", 0
        elif self.int_mode:
            spec, extra = ".0f", 1  # room for the trailing "."
        else:
            spec, extra = f".{PRINT_OPTS.precision}f", 0
        for v in np.unique(finite).tolist():
            self.width = max(self.width, len(format(v, spec)) + extra)

    def format(self, value):
        """Format one Python scalar, right-aligned to the common width."""
        if not self.floating:
            text = f"{value}"
        elif self.sci_mode:
            text = format(value, f"{self.width}.{PRINT_OPTS.precision}e")
        elif self.int_mode:
            text = format(value, ".0f")
            if math.isfinite(value):
                text += "."
        else:
            text = format(value, f".{PRINT_OPTS.precision}f")
        return text.rjust(self.width)


def _format_value(value, real_fmt, imag_fmt):
    """Format a scalar; complex values join the real and imaginary parts."""
    if imag_fmt is None:
        return real_fmt.format(value)
    real = real_fmt.format(value.real)
    imag = (imag_fmt.format(value.imag) + "j").lstrip()
    return real + imag if imag[0] in "+-" else real + "+" + imag


# ---------------------------------------------------------------------------
# layout


def _summarized_values(arr):
    """Flat array of the elements that remain visible after summarisation."""
    edge = PRINT_OPTS.edgeitems
    if arr.ndim == 0:
        return arr.reshape(-1)
    if arr.ndim == 1:
        # note: edge == 0 keeps everything (arr[-0:] is the whole array), as in torch
        return np.concatenate([arr[:edge], arr[-edge:]]) if len(arr) > 2 * edge else arr
    if not edge:
        return arr.reshape(-1)[:0]
    rows = _visible_rows(len(arr), edge, summarize=True)
    return np.concatenate([_summarized_values(arr[i]) for i in rows if i is not None])


def _visible_rows(n, edge, summarize):
    """Row indices to print along one axis; None marks the ``...`` row."""
    if summarize and n > 2 * edge:
        return list(range(edge)) + [None] + list(range(n - edge, n))
    return list(range(n))


def _vector_str(arr, indent, summarize, real_fmt, imag_fmt):
    item_len = real_fmt.width + 2
    if imag_fmt is not None:
        item_len += imag_fmt.width + 1
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / item_len))
    edge = PRINT_OPTS.edgeitems

    def fmt(values):
        return [_format_value(v, real_fmt, imag_fmt) for v in values.tolist()]

    if summarize and not edge:
        items = ["..."]
    elif summarize and len(arr) > 2 * edge:
        items = fmt(arr[:edge]) + [" ..."] + fmt(arr[-edge:])
    else:
        items = fmt(arr)
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _block_str(arr, indent, summarize, real_fmt, imag_fmt):
    """Nested-bracket text of ``arr``; continuation lines are indented by ``indent``."""
    if arr.ndim == 0:
        return _format_value(arr.item(), real_fmt, imag_fmt)
    if arr.ndim == 1:
        return _vector_str(arr, indent, summarize, real_fmt, imag_fmt)
    parts = [
        "..." if i is None else _block_str(arr[i], indent + 1, summarize, real_fmt, imag_fmt)
        for i in _visible_rows(len(arr), PRINT_OPTS.edgeitems, summarize)
    ]
    separator = "," + "\n" * (arr.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(parts) + "]"


def _contents_str(arr, dtype, indent):
    """The bracketed body of a non-empty tensor."""
    summarize = arr.size > PRINT_OPTS.threshold

    def formatter(part, floating):
        return _Formatter(_summarized_values(part) if summarize else part.reshape(-1), floating)

    if _is_complex(dtype):
        real_fmt, imag_fmt = formatter(arr.real, True), formatter(arr.imag, True)
    else:
        real_fmt, imag_fmt = formatter(arr, _is_floating(dtype)), None
    return _block_str(arr, indent, summarize, real_fmt, imag_fmt)


def _as_printable(values, dtype):
    """Cast ``values`` so that ``tolist()`` yields Python bool/int/float/complex."""
    arr = np.asarray(values)
    if _is_complex(dtype):
        return arr.astype(np.complex128)
    if _is_floating(dtype):
        return arr.astype(np.float64)
    if dtype == "bool":
        return arr.astype(bool)
    return arr if arr.dtype.kind in "iu" else arr.astype(np.int64)


def _add_suffixes(text, suffixes, indent):
    """Append ``, suffix`` items, wrapping onto new lines past the line width."""
    pieces = [text]
    line_len = len(text) - text.rfind("\n") + 1  # torch's (slightly generous) count
    for suffix in suffixes:
        if line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            pieces.append(",\n" + " " * indent + suffix)
            line_len = indent + len(suffix)
        else:
            pieces.append(", " + suffix)
            line_len += len(suffix) + 2
    return "".join(pieces) + ")"


def format_tensor(values, *, dtype, default_dtype="float32", device=None,
                  requires_grad=False, grad_fn=None, extra_suffixes=()) -> str:
    """Return what torch's ``repr`` prints for a dense tensor.

    values: numpy array with the tensor's shape and values.
    dtype / default_dtype: torch dtype names ("float32", "bfloat16", ...).
    device: None for the CPU; any other value is printed as ``device='...'``.
    grad_fn: node class name (e.g. "MulBackward0"); it hides ``requires_grad``.
    extra_suffixes: further ``name=value`` strings appended last.
    """
    dtype, default_dtype = _dtype_name(dtype), _dtype_name(default_dtype)
    arr = _as_printable(values, dtype)
    prefix = "tensor("
    indent = len(prefix)
    suffixes = [] if device is None else [f"device='{device}'"]
    size_suffix = "size=" + str(tuple(int(n) for n in arr.shape))
    if arr.size == 0:
        # torch shows the shape unless it is (0,), and always a non-default dtype
        if arr.ndim != 1:
            suffixes.append(size_suffix)
        if dtype != default_dtype:
            suffixes.append(f"dtype=torch.{dtype}")
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(size_suffix)
        default_complex = "complex128" if default_dtype == "float64" else "complex64"
        if dtype not in (default_dtype, default_complex, "int64", "bool"):
            suffixes.append(f"dtype=torch.{dtype}")
        body = _contents_str(arr, dtype, indent)
    if grad_fn is not None:
        name = grad_fn if isinstance(grad_fn, str) else type(grad_fn).__name__
        suffixes.append(f"grad_fn=<{name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    suffixes.extend(extra_suffixes)
    return _add_suffixes(prefix + body, suffixes, indent)
