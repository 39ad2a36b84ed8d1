"""torch.linalg: every op registered under the "torch.linalg" namespace, and LinAlgError."""
from __future__ import annotations

from ._registry import namespace_functions
from .ops import linalg as _products  # noqa: F401  (registers multi_dot)
from .ops import linalg_more as _more  # noqa: F401  (registers cond, lu_solve, ldl_*, ...)
from .ops.linalg_functions import LinAlgError  # noqa: F401
from .ops.linalg import matmul  # noqa: F401  (torch.linalg.matmul is torch.matmul)

globals().update(namespace_functions("torch.linalg"))


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """Alias of `torch.diagonal` with matrix defaults. Implements `torch.linalg.diagonal`."""
    from .ops.views import diagonal as _diagonal

    return _diagonal(A, offset, dim1, dim2)


from ._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr("torch.linalg", "jtorch.linalg")
