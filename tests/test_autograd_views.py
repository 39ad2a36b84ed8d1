"""Views under autograd against real torch: a view whose base (or a sibling view) was
modified in place reads from the base's new history (its grad_fn is regenerated as
AsStridedBackward0); outputs of unbind/split refuse in-place changes; `.data` writes are
invisible to autograd's version checks; the modified-saved-tensor error names its producer
as torch does. Each scenario runs on both libraries and compares values, gradients,
grad_fn names and the exact messages of errors."""
import gc
import weakref

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import jtorch as jt


def observe(x):
    if isinstance(x, (torch.Tensor, jt.Tensor)):
        try:
            grad_fn = None if x.grad_fn is None else x.grad_fn.name()
        except RuntimeError as error:  # reading it is torch's error for some views
            grad_fn = ("RuntimeError", str(error))
        return ("tensor", str(x.dtype), tuple(x.shape), x.detach().numpy().round(5).tolist(), x.requires_grad,
                grad_fn, x._version)
    if isinstance(x, (tuple, list)):
        return tuple(observe(v) for v in x)
    return x


def outcome(scenario, lib):
    log = []
    try:
        scenario(lib, log)
    except RuntimeError as error:
        log.append(("RuntimeError", str(error)))
    return [observe(v) for v in log]


def same(scenario):
    assert outcome(scenario, jt) == outcome(scenario, torch)


VIEWS = {
    "view": lambda y: y.view(2, 3),
    "slice": lambda y: y[1:4],
    "step_slice": lambda y: y[::2],
    "select": lambda y: y[2],
    "transpose_of_view": lambda y: y.view(2, 3).t(),
    "view_of_slice": lambda y: y[0:4].view(2, 2),
    "unsqueeze": lambda y: y.unsqueeze(0),
}
WRITES = {
    "base_mul": lambda lib, y, v, s: y.mul_(3),
    "base_add_tensor": lambda lib, y, v, s: y.add_(lib.arange(6.0)),
    "sibling_mul": lambda lib, y, v, s: s.mul_(5),
    "view_itself": lambda lib, y, v, s: v.mul_(2),
    "base_setitem": lambda lib, y, v, s: y.__setitem__(slice(0, 2), 7.0),
    "data_write": lambda lib, y, v, s: y.data.mul_(4),
    "base_copy": lambda lib, y, v, s: y.copy_(lib.ones(6) * 2),
}


@given(st.sampled_from(sorted(VIEWS)), st.sampled_from(sorted(WRITES)), st.booleans(), st.booleans())
def test_views_after_in_place_writes_match_torch(view, write, under_no_grad, leaf_base):
    def scenario(lib, log):
        x = lib.tensor([0.5, -1.0, 2.0, 3.0, -0.25, 1.5], requires_grad=True)
        y = x * 2 if not leaf_base else lib.zeros(6)
        v, sibling = VIEWS[view](y), y[3:6]
        log.append(v)
        if under_no_grad:
            with lib.no_grad():
                WRITES[write](lib, y, v, sibling)
        else:
            WRITES[write](lib, y, v, sibling)
            if leaf_base:
                y.mul_(x)  # the base gains history after the view was taken
        log.extend([v, y])
        if v.requires_grad:
            (v * v).sum().backward()
            log.append(x.grad)

    same(scenario)


def test_regenerated_grad_fn_reaches_the_base_history():
    def scenario(lib, log):
        x = lib.ones(4, requires_grad=True)
        y = x * 2
        v, w = y[1:3], y[0:2]
        w.mul_(5)
        log.append((v.grad_fn.name(), w.grad_fn.name(), y.grad_fn.name()))
        log.append([type(n).__name__ for n, _ in v.grad_fn.next_functions])
        (v * 1).sum().backward()
        log.append(x.grad)

    same(scenario)


MULTI = {
    "unbind": lambda t: t.unbind(0),
    "split": lambda t: t.split(2),
    "split_single": lambda t: t.split(6),
    "split_sizes": lambda t: t.split([1, 5]),
    "chunk": lambda t: t.chunk(3),
    "unbind_dim1": lambda t: t.view(2, 3).unbind(1),
}


@pytest.mark.parametrize("name", sorted(MULTI))
def test_outputs_of_multi_output_views_refuse_in_place_writes(name):
    def direct(lib, log):
        x = lib.arange(6.0, requires_grad=True)
        pieces = MULTI[name](x * 1)
        pieces[-1].mul_(2)

    def view_of_piece(lib, log):
        x = lib.arange(6.0, requires_grad=True)
        piece = MULTI[name](x * 1)[0]
        piece.unsqueeze(0).add_(1)

    def base_then_use(lib, log):
        x = lib.arange(6.0, requires_grad=True)
        y = x * 1
        pieces = MULTI[name](y)
        log.append(pieces[0].detach())
        y.add_(1)
        log.append(pieces[0].detach())  # reading values is fine
        log.append(pieces[0] * 2)  # using it under autograd is torch's error

    def no_grad_write_then_grad_fn(lib, log):
        x = lib.arange(6.0, requires_grad=True)
        pieces = MULTI[name](x * 1)
        with lib.no_grad():
            pieces[0].add_(1)  # allowed
        log.append(pieces[0].requires_grad)
        log.append(pieces[0].grad_fn)

    def without_grad(lib, log):
        pieces = MULTI[name](lib.arange(6.0))
        pieces[0].add_(1)
        log.append(pieces)

    for scenario in (direct, view_of_piece, base_then_use, no_grad_write_then_grad_fn, without_grad):
        same(scenario)


def _double_function(lib):
    """A custom Function (same class name in both libraries) that saves its output."""

    def forward(ctx, a):
        out = a * 2
        ctx.save_for_backward(out)
        return out

    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * 2

    return type("Double", (lib.autograd.Function,), {"forward": staticmethod(forward),
                                                      "backward": staticmethod(backward)})


SAVED = {
    "own_result": lambda lib, x: (lambda y: (y.add_(1), y.sum()))(x.tanh())[1],
    "input_with_new_producer": lambda lib, x: (lambda y: (lambda z: (y.add_(1), z.sum()))(y * y))(x * 2)[1],
    "input_with_copyslices": lambda lib, x: (lambda y: (lambda z: (y[0:2].add_(1), z.sum()))(y * y))(x * 2)[1],
    "view_input_regenerated": lambda lib, x: _view_input(lib, x),
    "second_output_of_sort": lambda lib, x: (lambda v: (lambda w: (v.mul_(2), w.sum()))(v * v))(x.sort()[0])[1],
    "leaf_input": lambda lib, x: (lambda l: (lambda z: (l.add_(1), z.sum()))(x * l))(lib.ones(4))[1],
    "sum_dim": lambda lib, x: (lambda y: (lambda z: (y.add_(1), z.sum()))(y * y))(x.view(2, 2).sum(1))[1],
    "double": lambda lib, x: (lambda y: (lambda z: (y.add_(1), z.sum()))(y * y))(x.double())[1],
    "custom_function_output": lambda lib, x: (lambda y: (y.add_(1), y.sum()))(_double_function(lib).apply(x))[1],
    # (multiplying by 1 keeps the values: torch's backward would read a changed saved result)
    "data_write_is_not_a_modification": lambda lib, x: (lambda y: (y.data.mul_(1), y.sum()))(x.exp())[1],
}


def _view_input(lib, x):
    y = x * 2
    v = y.view(2, 2)
    z = v * v
    y.add_(1)
    return z.sum()


@pytest.mark.parametrize("name", sorted(SAVED))
def test_modified_saved_tensor_errors_match_torch(name):
    def scenario(lib, log):
        x = lib.tensor([0.5, -1.0, 2.0, 3.0], requires_grad=True)
        loss = SAVED[name](lib, x)
        loss.backward()
        log.append(x.grad)

    same(scenario)


def test_data_alias_has_its_own_version_counter():
    def scenario(lib, log):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 1
        d = y.data
        log.append((y._version, d._version))
        d.add_(1)
        d[0:2].mul_(2)
        log.append((y._version, d._version, d.detach()._version))
        y.add_(1)
        log.append((y._version, d._version, y.detach()._version))
        log.extend([y, d])

    same(scenario)


def test_cpp_node_names():
    def scenario(lib, log):
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        y[0:1].add_(1)
        log.append((y.grad_fn.name(), type(y.grad_fn).__name__))
        acc = (x * 1).grad_fn.next_functions[0][0]
        log.append((acc.name(), type(acc).__name__))

    same(scenario)


def test_a_node_keeps_no_reference_to_its_saved_output():
    """exp saves its result; torch's node does not hold that tensor, so dropping the tensor
    frees it without the cyclic garbage collector."""
    x = jt.ones(3, requires_grad=True)
    gc.disable()
    try:
        y = x.exp()
        node, ref = y.grad_fn, weakref.ref(y)
        del y
        assert ref() is None
        assert node.next_functions[0][0].variable is x
    finally:
        gc.enable()


NO_GRAD_VIEWS = {
    "in_place_in_grad_mode": lambda lib, x, y, v: v.add_(1),
    "in_place_of_a_leaf_view": lambda lib, x, y, v: _leaf_view(lib, x).mul_(2),
    "in_place_under_no_grad": lambda lib, x, y, v: _no_grad(lib, lambda: v.mul_(2)),
    "base_modified_then_grad_fn": lambda lib, x, y, v: (y.mul_(2), v.requires_grad, v.detach(), v.grad_fn),
    "base_modified_under_no_grad_then_is_leaf": lambda lib, x, y, v: (_no_grad(lib, lambda: y.add_(1)), v.is_leaf),
    "base_modified_then_used": lambda lib, x, y, v: (y.mul_(2), v * 2),
    "used_in_grad_mode": lambda lib, x, y, v: _backward_through(v, x),
    "view_of_it_under_no_grad": lambda lib, x, y, v: _no_grad(lib, lambda: v[0:1]),
    "plain_tensor": lambda lib, x, y, v: (lambda p: (p, p.add_(1)))(_no_grad(lib, lambda: lib.zeros(3)[0:2])),
}


def _no_grad(lib, fn):
    with lib.no_grad():
        return fn()


def _leaf_view(lib, x):
    with lib.no_grad():
        return x[0:2]


def _backward_through(v, x):
    loss = (v * 2).sum()
    loss.backward()
    return loss.grad_fn.name(), v.grad, x.grad


@pytest.mark.parametrize("name", sorted(NO_GRAD_VIEWS))
def test_views_made_in_no_grad_mode_match_torch(name):
    """torch: a view made in no_grad mode of a tensor that requires grad requires grad too
    (a leaf whose gradient goes nowhere); modifying it in place, or using it after its base
    was modified, with grad mode enabled, is an error."""
    def scenario(lib, log):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 1
        with lib.no_grad():
            v = y[0:2]
        log.append((v.requires_grad, v.is_leaf, v.grad_fn))
        log.append(NO_GRAD_VIEWS[name](lib, x, y, v))

    same(scenario)


def test_custom_function_saved_outputs_come_back_as_new_tensors_of_the_node():
    def scenario(lib, log):
        seen = {}

        def forward(ctx, a):
            out = a * 2
            ctx.save_for_backward(out, a)
            seen["out"], seen["a"] = out, a
            return out

        def backward(ctx, g):
            out, a = ctx.saved_tensors
            log.append((out is seen["out"], a is seen["a"], out.grad_fn.name(), out.requires_grad, out._version))
            log.append(out)
            return g * out

        double = type("Double", (lib.autograd.Function,), {"forward": staticmethod(forward),
                                                           "backward": staticmethod(backward)})
        x = lib.tensor([1.0, -2.0, 0.5], requires_grad=True)
        double.apply(x).sum().backward()
        log.append(x.grad)

    same(scenario)
    x = jt.ones(3, requires_grad=True)
    gc.disable()
    try:  # the node keeps no reference to its own output
        out = _double_function(jt).apply(x)
        ref = weakref.ref(out)
        loss = out.sum()
        del out
        assert ref() is None
        loss.backward()
        assert x.grad.tolist() == [2.0, 2.0, 2.0]
    finally:
        gc.enable()


def test_backward_from_a_view_made_in_no_grad_mode():
    def scenario(lib, log):
        x = lib.ones(3, requires_grad=True)
        y = x * 1
        with lib.no_grad():
            v = y[0:2]
        v.sum().backward()  # runs; the gradient goes nowhere
        log.append((v.grad, x.grad))
        v.backward(lib.ones(2))

    same(scenario)


DETACHES = {
    "detach_of_a_view_is_no_view": lambda lib: (lambda v: (v.detach()._base is None, v.detach()._is_view(),
                                                           v._is_view()))(lib.ones(3, requires_grad=True)[0:2]),
    "detach__of_a_view": lambda lib: lib.zeros(3)[0:2].detach_(),
    "detach__of_a_grad_view": lambda lib: (lib.ones(3, requires_grad=True) * 1)[0:2].detach_(),
    "detach__of_a_detached_view": lambda lib: lib.ones(3, requires_grad=True)[0:2].detach().detach_(),
    "detach__of_a_result": lambda lib: (lib.ones(3, requires_grad=True) * 1).detach_(),
    "parameter_of_a_view": lambda lib: lib.nn.Parameter(lib.ones(4)[0:2])._base is None,
    "write_through_detached_view": lambda lib: (lambda b: (b[1:3].detach().fill_(5), b))(lib.zeros(4))[1],
}


@pytest.mark.parametrize("name", sorted(DETACHES))
def test_detach_and_views_match_torch(name):
    def scenario(lib, log):
        log.append(DETACHES[name](lib))

    same(scenario)


def _hooked(lib, x, y, v):
    seen = []
    v.register_hook(lambda g: seen.append(g.sum().item()))
    y.mul_(3)
    (v * 1).sum().backward()
    return seen


REGENERATED = {
    "retain_grad_carries_over": lambda lib, x, y, v: (v.retain_grad(), y.mul_(3), (v * 1).sum().backward(), v.grad),
    "hooks_of_the_old_grad_fn_are_dropped": _hooked,
    "printed": lambda lib, x, y, v: (y.mul_(3), repr(v))[1],
    "base_zeroed_under_no_grad": lambda lib, x, y, v: (_no_grad(lib, y.zero_), (v * 1).sum().backward()),
    "outer_view_after_inner_view_write": lambda lib, x, y, v: (lambda w: (w[0].mul_(5), (w * w).sum().backward(),
                                                                          w.grad_fn.name()))(y.view(2, 2))[2],
}


@pytest.mark.parametrize("name", sorted(REGENERATED))
def test_regenerated_views_keep_what_torch_keeps(name):
    def scenario(lib, log):
        x = lib.ones(4, requires_grad=True)
        y = x * 2
        v = y[1:3]
        log.append(REGENERATED[name](lib, x, y, v))
        log.append(x.grad)

    same(scenario)


def test_views_of_a_view_whose_base_gained_history():
    """The cached view/index plans must not skip the refresh of a stale view."""
    def scenario(lib, log):
        x = lib.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
        plain = lib.zeros(4)
        plain.stride()  # (jtorch: its layout key now equals the view's below)
        for _ in range(3):  # plans for the layout of `v` below, made from a plain tensor
            plain[1:3, ...], plain.view(2, 2)
        for _ in range(3):
            buf = lib.zeros(4)
            v = buf[0:4]
            buf.mul_(x)  # the base gains history after the view was taken
            w, u = v[1:3, ...], v.view(2, 2)
            log.append((w.requires_grad, w.grad_fn.name() if w.grad_fn is not None else None,
                        u.requires_grad, u.grad_fn.name() if u.grad_fn is not None else None))
            x.grad = None
            (w.sum() + u.sum()).backward()
            log.append(x.grad)

    same(scenario)


LOCKED_MAKERS = {  # views torch locks (its CreationMeta other than DEFAULT) and some it does not
    "select": lambda t: t[0],
    "select_cached_plan": lambda t: [t[0] for _ in range(3)][-1],  # (jtorch reuses an index plan)
    "unbind": lambda t: t.unbind()[0],
    "split": lambda t: t.split(1)[1],
    "split_sizes": lambda t: t.split([1, 1])[0],
    "chunk": lambda t: t.chunk(2)[1],
    "tensor_split": lambda t: t.tensor_split(2)[0][0],
    "view_of_unbind": lambda t: t.unbind()[0][::1],
}
LOCKED_USES = {
    "mul_by_grad_tensor": lambda lib, x, v, w: v.mul_(w),
    "add_scalar": lambda lib, x, v, w: v.add_(1),
    "copy_from_grad_tensor": lambda lib, x, v, w: v.copy_(w),
    "setitem_grad_tensor": lambda lib, x, v, w: v.__setitem__(slice(None), w),
    "zero_": lambda lib, x, v, w: v.zero_(),
    "base_mul_by_grad_then_grad_fn": lambda lib, x, v, w: (x.mul_(w[0]), _grad_fn_name(v)),
    "base_mul_by_grad_then_used": lambda lib, x, v, w: (x.mul_(w[0]), v * 2),
    "base_mul_by_grad_then_used_with_grad": lambda lib, x, v, w: (x.mul_(w[0]), v * w),
    "base_mul_by_grad_then_requires_grad": lambda lib, x, v, w: (x.mul_(w[0]), v.requires_grad),
    "base_add_then_grad_fn": lambda lib, x, v, w: (x.add_(1), _grad_fn_name(v), v * w),
    "view_of_it_mul_by_grad": lambda lib, x, v, w: v.unsqueeze(0).mul_(w),
    "requires_grad_then_base_add_then_used": lambda lib, x, v, w: (v.requires_grad_(), x.add_(1), v * 2),
}


def _grad_fn_name(t):
    return None if t.grad_fn is None else t.grad_fn.name()


@pytest.mark.parametrize("mode", ["grad", "no_grad", "inference_mode"])
@pytest.mark.parametrize("use", sorted(LOCKED_USES))
@pytest.mark.parametrize("make", sorted(LOCKED_MAKERS))
def test_locked_views_of_tensors_without_grad_match_torch(make, use, mode):
    """torch locks views made in no_grad or inference mode, and outputs of unbind/split
    made in grad mode, even of a tensor that does not require grad: with grad mode on, an
    op that records may not modify them in place, and once their base gained history,
    reading their grad_fn or using them under autograd is an error."""
    def scenario(lib, log):
        x, w = lib.ones(2, 3), lib.full((3,), 2.0, requires_grad=True)
        context = {"grad": lib.enable_grad, "no_grad": lib.no_grad, "inference_mode": lib.inference_mode}[mode]
        with context():
            v = LOCKED_MAKERS[make](x)
        log.append((v.requires_grad, _grad_fn_name(v)))
        log.append(LOCKED_USES[use](lib, x, v, w))
        log.extend([v, x])

    same(scenario)


INFERENCE_VIEW_USES = {
    "mul_by_grad_tensor": lambda lib, v, w: v.mul_(w),
    "add_scalar": lambda lib, v, w: v.add_(1),
    "times_grad_tensor": lambda lib, v, w: v * w,
}


@pytest.mark.parametrize("use", sorted(INFERENCE_VIEW_USES))
@pytest.mark.parametrize("inference_base", [True, False])
def test_views_made_in_inference_mode_match_torch(use, inference_base):
    """A view made in inference mode of a normal tensor is locked (torch's "created in
    inference mode" error); one of an inference tensor is an inference tensor instead."""
    def scenario(lib, log):
        w = lib.ones(3, requires_grad=True)
        x = lib.ones(2, 3)
        with lib.inference_mode():
            if inference_base:
                x = lib.ones(2, 3)
            v = x[0]
        log.append((v.requires_grad, v.is_inference()))
        log.append(INFERENCE_VIEW_USES[use](lib, v, w))

    same(scenario)
