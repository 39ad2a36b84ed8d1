"""torch.autograd.graph.saved_tensors_hooks, save_on_cpu and disable_saved_tensors_hooks
against real torch: which tensors are packed (shape, requires_grad, grad_fn, grad mode),
when they are unpacked, and the gradients computed from the unpacked values."""
import numpy as np
import pytest
import torch

import jtorch as jt


def record_hooks(lib, calls):
    def pack(t):
        calls.append(("pack", tuple(t.shape), t.requires_grad, type(t.grad_fn).__name__, lib.is_grad_enabled()))
        return t

    def unpack(t):
        calls.append(("unpack", tuple(t.shape), lib.is_grad_enabled()))
        return t

    return lib.autograd.graph.saved_tensors_hooks(pack, unpack)


def chain(lib):
    calls = []
    x = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
    w = lib.tensor([1.5, 2.0, -0.5], requires_grad=True)
    with record_hooks(lib, calls):
        y = x * w
        z = y.sin()
        s = (z.exp() + 1).sum()
    packed = list(calls)
    s.backward()
    return packed, calls[len(packed):], x.grad.numpy(), w.grad.numpy()


def test_pack_and_unpack_calls_match_torch():
    t_packed, t_unpacked, t_gx, t_gw = chain(torch)
    j_packed, j_unpacked, j_gx, j_gw = chain(jt)
    assert j_packed == t_packed
    assert j_unpacked == t_unpacked
    np.testing.assert_allclose(j_gx, t_gx, rtol=1e-6)
    np.testing.assert_allclose(j_gw, t_gw, rtol=1e-6)


def unpacked_values_drive_backward(lib):
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(lambda t: t.clone(), lambda t: t * 0):
        b = a * 2
        c = b.sin()  # backward reads cos(unpacked b) = cos(0)
    c.sum().backward()
    return a.grad.numpy()


def test_backward_uses_unpacked_values():
    np.testing.assert_array_equal(unpacked_values_drive_backward(jt), unpacked_values_drive_backward(torch))


def inplace_after_pack(lib):
    """With hooks, a saved tensor modified in place is not version-checked (torch)."""
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        b = a * 2
        c = b.sin()
    b.mul_(0)
    c.sum().backward()
    return a.grad.numpy()


def test_no_version_check_for_packed_tensors():
    np.testing.assert_array_equal(inplace_after_pack(jt), inplace_after_pack(torch))


def test_save_on_cpu_gives_the_same_gradient():
    grads = []
    for lib in (torch, jt):
        a = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        with lib.autograd.graph.save_on_cpu():
            (a * a.exp()).sum().backward()
        grads.append(a.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-6)


def custom_function(lib):
    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x ** 2

    calls = []
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    with record_hooks(lib, calls):
        r = Cube.apply(a).sum()
    r.backward()
    return [c[0] for c in calls], a.grad.numpy()


def test_custom_function_saved_tensors_go_through_hooks():
    j_calls, j_grad = custom_function(jt)
    t_calls, t_grad = custom_function(torch)
    assert j_calls == t_calls
    np.testing.assert_array_equal(j_grad, t_grad)


@pytest.mark.parametrize("nesting", ["disable_inside_hooks", "hooks_inside_disable"])
def test_disable_saved_tensors_hooks(nesting):
    def run(lib):
        graph = lib.autograd.graph
        try:
            if nesting == "disable_inside_hooks":
                with graph.saved_tensors_hooks(lambda t: t, lambda t: t):
                    with graph.disable_saved_tensors_hooks("hooks are off here"):
                        pass
            else:
                with graph.disable_saved_tensors_hooks("hooks are off here"):
                    with graph.saved_tensors_hooks(lambda t: t, lambda t: t):
                        pass
        except RuntimeError as e:
            return str(e)
        return None

    assert run(jt) == run(torch) == "hooks are off here"


def test_hooks_do_not_leak_out_of_the_context():
    a = jt.tensor([1.0, 2.0], requires_grad=True)
    with record_hooks(jt, []):
        pass
    b = a * a
    b.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [2.0, 4.0])
    assert not jt.autograd.tape.SAVED_TENSORS_HOOKS
