"""gradcheck / gradgradcheck: analytical gradients against central finite differences."""
from __future__ import annotations

import numpy as np

from .. import autograd


class GradcheckError(RuntimeError):
    pass


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _numerical_jacobian(func, inputs, index, eps):
    """d outputs / d inputs[index] by central differences, as numpy (out_numel, in_numel) per output."""
    from ..ops.creation import tensor

    x = inputs[index]
    base = x.detach().numpy(force=True).astype(x.dtype.np)
    columns = []
    for k in range(base.size):
        values = []
        for sign in (1, -1):
            moved = base.copy().reshape(-1)
            moved[k] += sign * eps
            args = list(inputs)
            args[index] = tensor(moved.reshape(base.shape), dtype=x.dtype).requires_grad_(x.requires_grad)
            outs = _as_tuple(func(*args))
            values.append([o.detach().numpy(force=True).reshape(-1).astype(np.float64) for o in outs])
        columns.append([(p - m) / (2 * eps) for p, m in zip(*values)])
    n_out = len(columns[0]) if columns else len(_as_tuple(func(*inputs)))
    return [np.stack([c[j] for c in columns], axis=1) if columns else None for j in range(n_out)]


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True, fast_mode=False,
              masked=None):
    """True when the analytical Jacobian of `func` at `inputs` matches finite differences."""
    from .functional import jacobian

    inputs = _as_tuple(inputs)
    diff_positions = [i for i, x in enumerate(inputs) if getattr(x, "requires_grad", False)]
    for i in diff_positions:
        def partial(x, i=i):
            args = list(inputs)
            args[i] = x
            return func(*args)

        analytical = _as_tuple(jacobian(partial, inputs[i]))
        numerical = _numerical_jacobian(func, inputs, i, eps)
        for j, (a, n) in enumerate(zip(analytical, numerical)):
            a = a.detach().numpy(force=True).reshape(n.shape[0] if n is not None else 0, -1)
            if n is not None and not np.allclose(a, n, rtol=rtol, atol=atol):
                if raise_exception:
                    raise GradcheckError(
                        f"Jacobian mismatch for output {j} with respect to input {i},\nnumerical:{n}\nanalytical:{a}\n")
                return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, gen_non_contig_grad_outputs=False,
                  raise_exception=True, **kwargs):
    """gradcheck of the function (inputs) -> vector-Jacobian product with fixed grad_outputs."""
    from ..ops.random import randn_like

    inputs = _as_tuple(inputs)
    outputs = _as_tuple(func(*inputs))
    if grad_outputs is None:
        grad_outputs = tuple(randn_like(o, dtype=o.dtype) for o in outputs)
    grad_outputs = _as_tuple(grad_outputs)
    diff = [x for x in inputs if getattr(x, "requires_grad", False)]

    def first_order(*args):
        outs = _as_tuple(func(*args))
        xs = [a for a in args if getattr(a, "requires_grad", False)]
        grads = autograd.grad(outs, xs, grad_outputs, create_graph=True, allow_unused=True)
        from ..ops.creation import zeros_like

        return tuple(zeros_like(x) if g is None else g for g, x in zip(grads, xs))

    if not diff:
        return True
    return gradcheck(first_order, inputs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception)
