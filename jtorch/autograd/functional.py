"""torch.autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp, built on autograd.grad."""
from __future__ import annotations

from .. import autograd


def _tuple(x):
    return (tuple(x), True) if isinstance(x, (tuple, list)) else ((x,), False)


def _prepare(inputs, create_graph):
    return tuple(x.detach().requires_grad_(True) if not create_graph or not x.requires_grad else x
                 for x in inputs)


def _grads(outputs, inputs, grad_outputs, create_graph, strict=False):
    needed = [o for o in outputs if o.requires_grad]
    if not needed:
        return tuple(None for _ in inputs)
    gos = [g for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    return autograd.grad(needed, inputs, gos, retain_graph=True, create_graph=create_graph, allow_unused=True)


def _zeros_for(grads, inputs):
    from ..ops.creation import zeros_like

    return tuple(zeros_like(x) if g is None else g for g, x in zip(grads, inputs))


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J)."""
    inputs, is_tuple = _tuple(inputs)
    inputs = _prepare(inputs, create_graph)
    outputs, out_tuple = _tuple(func(*inputs))
    if v is None:
        if any(o.numel() != 1 for o in outputs):
            raise RuntimeError("The vector v can only be None if the user-provided function returns a single "
                               "Tensor with a single element.")
        from ..ops.creation import ones_like

        v = tuple(ones_like(o) for o in outputs)
    v, _ = _tuple(v)
    grads = _zeros_for(_grads(outputs, inputs, v, create_graph), inputs)
    outs = tuple(o if create_graph else o.detach() for o in outputs)
    grads = tuple(g if create_graph else g.detach() for g in grads)
    return (outs if out_tuple else outs[0]), (grads if is_tuple else grads[0])


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """d func(inputs) / d inputs, one row of vector-Jacobian products per output element."""
    from ..ops.creation import zeros
    from ..ops.shape_helpers import stack_rows

    inputs, is_tuple = _tuple(inputs)
    inputs = _prepare(inputs, create_graph)
    outputs, out_tuple = _tuple(func(*inputs))
    result = []
    for out in outputs:
        rows = []
        flat = out.reshape(-1)
        for i in range(flat.numel()):
            if out.requires_grad:
                grads = autograd.grad(flat[i], inputs, retain_graph=True, create_graph=create_graph,
                                      allow_unused=True)
            else:
                grads = (None,) * len(inputs)
            rows.append(_zeros_for(grads, inputs))
        per_input = []
        for k, x in enumerate(inputs):
            if rows:
                block = stack_rows([r[k].reshape(-1) for r in rows]).reshape(tuple(out.shape) + tuple(x.shape))
            else:
                block = zeros(tuple(out.shape) + tuple(x.shape), dtype=x.dtype)
            per_input.append(block if create_graph else block.detach())
        result.append(tuple(per_input) if is_tuple else per_input[0])
    return tuple(result) if out_tuple else result[0]


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    inputs_t, is_tuple = _tuple(inputs)

    def gradient(*xs):
        out = func(*xs)
        if out.numel() != 1:
            raise RuntimeError("The function given to hessian should return a single Tensor with a single element.")
        grads = autograd.grad(out, xs, create_graph=True, allow_unused=True)
        grads = _zeros_for(grads, xs)
        return grads if is_tuple else grads[0]

    return jacobian(gradient, inputs_t if is_tuple else inputs_t[0], create_graph=create_graph)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v), by the double-vjp trick."""
    from ..ops.creation import ones_like, zeros_like

    inputs, is_tuple = _tuple(inputs)
    inputs = _prepare(inputs, True)
    outputs, out_tuple = _tuple(func(*inputs))
    if v is None:
        if any(x.numel() != 1 for x in inputs):
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                               "single Tensor with a single element.")
        v = tuple(ones_like(x) for x in inputs)
    v, _ = _tuple(v)
    dummies = tuple(zeros_like(o).requires_grad_(True) for o in outputs)
    grads = _zeros_for(_grads(outputs, inputs, dummies, True), inputs)
    diff = [(g, vi) for g, vi in zip(grads, v) if g.requires_grad]
    if diff:
        jv = autograd.grad([g for g, _ in diff], dummies, [vi for _, vi in diff], create_graph=create_graph,
                           allow_unused=True)
    else:
        jv = (None,) * len(outputs)
    jv = tuple(g if create_graph else g.detach() for g in _zeros_for(jv, outputs))
    outs = tuple(o if create_graph else o.detach() for o in outputs)
    return (outs if out_tuple else outs[0]), (jv if out_tuple else jv[0])


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    inputs_t, is_tuple = _tuple(inputs)
    inputs_t = _prepare(inputs_t, True)
    out = func(*inputs_t)
    grads = _zeros_for(autograd.grad(out, inputs_t, create_graph=True, allow_unused=True), inputs_t)
    v, _ = _tuple(v)
    diff = [(g, vi) for g, vi in zip(grads, v) if g.requires_grad]
    result = autograd.grad([g for g, _ in diff], inputs_t, [vi for _, vi in diff], create_graph=create_graph,
                           allow_unused=True) if diff else (None,) * len(inputs_t)
    result = tuple(g if create_graph else g.detach() for g in _zeros_for(result, inputs_t))
    out = out if create_graph else out.detach()
    return out, (result if is_tuple else result[0])


hvp = vhp  # the Hessian of a scalar function is symmetric, so v^T H == H v
