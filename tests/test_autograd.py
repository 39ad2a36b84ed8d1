"""Autograd against real torch: each scenario runs the same program on both libraries
and compares everything it observes (values, grads, grad_fn names, exceptions)."""
import gc
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import jtorch as jt


def observe(x):
    """A comparable description of a value produced by a scenario."""
    if isinstance(x, (torch.Tensor, jt.Tensor)):
        values = x.detach()
        return ("tensor", str(x.dtype).split(".")[-1], tuple(x.shape), values.numpy().round(5).tolist(),
                x.requires_grad, type(x.grad_fn).__name__ if x.grad_fn is not None else None)
    if isinstance(x, (tuple, list)):
        return tuple(observe(v) for v in x)
    if isinstance(x, BaseException):
        return ("error", next(c for c in type(x).__mro__ if c.__module__ == "builtins").__name__)
    return x


def run_both(scenario):
    def outcome(lib):
        log = []
        try:
            scenario(lib, log)
        except Exception as error:  # noqa: BLE001
            log.append(error)
        return [observe(v) for v in log]

    ours, theirs = outcome(jt), outcome(torch)
    assert ours == theirs


def test_article_walkthrough():
    def scenario(torch, log):
        a = torch.tensor([[0.5, -1.5], [2.0, 3.0]])
        a = ((a * 3) / (a - 1))
        log.append(a.requires_grad)
        a.requires_grad_(True)
        log.append(a.requires_grad)
        b = (a * a).sum()
        log.append(type(b.grad_fn).__name__)
        b.backward()
        log.append(a.grad)
        x = torch.ones(2, 2, requires_grad=True)
        out = (x * x * 3).mean()
        out.backward()
        log.append(x.grad)
        with torch.no_grad():
            log.append((x * 2).requires_grad)
        log.append(x.detach().requires_grad)
        x.grad.zero_()
        log.append(x.grad)
    run_both(scenario)


def test_grad_fn_graph_structure():
    def scenario(torch, log):
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        z = y + x
        log.append(type(z.grad_fn).__name__)
        log.append([type(n).__name__ if n is not None else None for n, _ in z.grad_fn.next_functions])
        mul_next = y.grad_fn.next_functions
        log.append([type(n).__name__ if n is not None else None for n, _ in mul_next])
        log.append(mul_next[0][0].variable is x)
        log.append(x.is_leaf, ) if False else log.append((x.is_leaf, y.is_leaf))
    run_both(scenario)


def test_backward_errors():
    def non_scalar(torch, log):
        x = torch.ones(3, requires_grad=True)
        (x * 2).backward()

    def no_grad_fn(torch, log):
        torch.ones(2).sum().backward()

    def twice(torch, log):
        x = torch.ones(3, requires_grad=True)
        y = (x * x).sum()
        y.backward()
        log.append(x.grad)
        y.backward()

    def retained(torch, log):
        x = torch.ones(3, requires_grad=True)
        y = (x * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        log.append(x.grad)

    def leaf_inplace(torch, log):
        x = torch.ones(3, requires_grad=True)
        x.add_(1)

    def leaf_view_inplace(torch, log):
        x = torch.ones(3, requires_grad=True)
        x[0:2].mul_(2)

    def int_requires_grad(torch, log):
        torch.ones(3, dtype=torch.int64).requires_grad_(True)

    def nonleaf_flag(torch, log):
        x = torch.ones(3, requires_grad=True)
        (x * 2).requires_grad_(False)

    for scenario in (non_scalar, no_grad_fn, twice, retained, leaf_inplace, leaf_view_inplace, int_requires_grad,
                     nonleaf_flag):
        run_both(scenario)


def test_modified_saved_tensor_raises():
    def scenario(torch, log):
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1
        z = y * y
        y.add_(1)
        z.sum().backward()
    run_both(scenario)


def test_inplace_through_views_rewrites_base_history():
    def scenario(torch, log):
        x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        base = torch.zeros(4)
        view = base[1:]
        view.mul_(2)
        view.add_(x * x)
        log.append(type(base.grad_fn).__name__.split("::")[-1])
        base.sum().backward()
        log.append(x.grad)
        y = x * 1
        y[0:2].mul_(3)
        (y * y).sum().backward()
        log.append(x.grad)
        w = x * 1
        w.t_() if False else None
        w.mul_(2)
        log.append(type(w.grad_fn).__name__)
    run_both(scenario)


def test_accumulation_over_paths_and_calls():
    def scenario(torch, log):
        x = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
        y = x * x + x * 3 - x / 2
        y.sum().backward()
        log.append(x.grad)
        (x * 4).sum().backward()
        log.append(x.grad)
        x.grad = None
        (x.exp() * x.sin()).sum().backward()
        log.append(x.grad)
    run_both(scenario)


def test_higher_order():
    def scenario(torch, log):
        x = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
        y = (x * x * x).sum()
        g, = torch.autograd.grad(y, x, create_graph=True)
        log.append(g.detach())
        g2, = torch.autograd.grad(g.sum(), x, create_graph=True)
        log.append(g2.detach())
        g3, = torch.autograd.grad(g2.sum(), x)
        log.append(g3)
        z = (x.sin() * x).sum()
        gz, = torch.autograd.grad(z, x, create_graph=True)
        gz.sum().backward()
        log.append(x.grad)
    run_both(scenario)


def test_autograd_grad_options():
    def scenario(torch, log):
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        w = torch.tensor([3.0, 4.0], requires_grad=True)
        y = (x * 2).sum()
        log.append(torch.autograd.grad(y, (x, w), allow_unused=True, retain_graph=True))
        log.append(torch.autograd.grad(y, (x, w), materialize_grads=True, retain_graph=True))
        h = x * w
        log.append(torch.autograd.grad(h, w, grad_outputs=torch.tensor([1.0, -1.0])))
        torch.autograd.grad(y, w)
    run_both(scenario)


def test_hooks_and_retain_grad():
    def scenario(torch, log):
        x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2
        y.retain_grad()
        log.append(y.retains_grad)
        y.register_hook(lambda g: g * 10)
        seen = []
        x.register_hook(lambda g: seen.append(g.clone()))
        (y * y).sum().backward()
        log.append(y.grad)
        log.append(x.grad)
        log.append(seen)
        calls = []
        x.register_post_accumulate_grad_hook(lambda t: calls.append(t.grad.clone()))
        (x * 1).sum().backward()
        log.append(calls)
    run_both(scenario)


def test_non_leaf_grad_warns():
    x = jt.ones(2, requires_grad=True)
    y = x * 2
    with pytest.warns(UserWarning, match="is not a leaf Tensor"):
        assert y.grad is None
    tx = torch.ones(2, requires_grad=True)
    with pytest.warns(UserWarning, match="is not a leaf Tensor"):
        assert (tx * 2).grad is None


def test_grad_modes():
    def scenario(torch, log):
        x = torch.ones(2, requires_grad=True)
        with torch.no_grad():
            log.append((x * 2).requires_grad)
            with torch.enable_grad():
                log.append((x * 2).requires_grad)
        with torch.set_grad_enabled(False):
            log.append(torch.is_grad_enabled())
        log.append(torch.is_grad_enabled())
        torch.set_grad_enabled(False)
        log.append((x * 2).requires_grad)
        torch.set_grad_enabled(True)

        @torch.no_grad()
        def f(t):
            return t * 2

        log.append(f(x).requires_grad)
        with torch.inference_mode():
            log.append((x * 2).requires_grad)
            log.append(torch.is_inference_mode_enabled())
        log.append(torch.is_inference_mode_enabled())
        with torch.no_grad():
            x.mul_(2)  # how optimizers update leaves
        log.append(x)
    run_both(scenario)


def test_custom_function():
    def scenario(torch, log):
        class Exp(torch.autograd.Function):
            @staticmethod
            def forward(ctx, i):
                result = i.exp()
                ctx.save_for_backward(result)
                return result

            @staticmethod
            def backward(ctx, grad_output):
                result, = ctx.saved_tensors
                return grad_output * result

        class Scale(torch.autograd.Function):
            @staticmethod
            def forward(x, k):
                return x * k

            @staticmethod
            def setup_context(ctx, inputs, output):
                ctx.k = inputs[1]
                ctx.flags = ctx.needs_input_grad

            @staticmethod
            def backward(ctx, g):
                return g * ctx.k, None

        x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
        y = Exp.apply(x)
        log.append(type(y.grad_fn).__name__)
        z = Scale.apply(y, 3.0)
        z.sum().backward()
        log.append(x.grad)
        log.append(z.grad_fn.flags)
    run_both(scenario)


def test_functional_api():
    def scenario(torch, log):
        F = torch.autograd.functional
        x = torch.tensor([1.0, 2.0], dtype=torch.float64)
        v = torch.tensor([1.0, -1.0], dtype=torch.float64)
        cube = lambda a: (a * a * a).sum()
        log.append(F.jacobian(lambda a: a * a, x))
        log.append(F.hessian(cube, x))
        log.append(F.vjp(lambda a: a * 2, x, v))
        log.append(F.jvp(lambda a: a * a, x, v))
        log.append(F.hvp(cube, x, v))
        log.append(F.vhp(cube, x, v))
        log.append(torch.autograd.gradcheck(lambda a: (a * a).sin(), (x.requires_grad_(),)))
    run_both(scenario)


@given(st.lists(st.floats(-3, 3), min_size=1, max_size=6), st.lists(st.floats(-3, 3), min_size=1, max_size=6))
def test_chain_gradients_hypothesis(xs, cs):
    n = min(len(xs), len(cs))

    def scenario(torch, log):
        x = torch.tensor(xs[:n], dtype=torch.float64, requires_grad=True)
        c = torch.tensor(cs[:n], dtype=torch.float64)
        y = (x * c - x.exp() / (1 + x * x)).sin() * x
        y.backward(c)
        log.append(x.grad)
    run_both(scenario)


def test_graph_released_after_backward():
    """Saved arrays are freed by backward; nothing keeps the node's inputs alive."""
    x = jt.ones(1000, requires_grad=True)
    y = (x * x).sum()
    node = y.grad_fn
    y.backward()
    assert node._inputs is None and node._freed
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_no_recording_under_no_grad():
    x = jt.ones(3, requires_grad=True)
    with jt.no_grad():
        y = x * 2 + 1
    assert y.grad_fn is None and not y.requires_grad


def test_training_loop_memory_is_flat():
    """10,000 small training steps keep resident memory flat (generous bound)."""
    import resource

    w = jt.zeros(8, requires_grad=True)
    data = jt.ones(8)

    def step():
        loss = ((w * data - 1.0) * (w * data - 1.0)).sum()
        loss.backward()
        with jt.no_grad():
            w.sub_(w.grad * 0.01)
        w.grad = None

    for _ in range(500):
        step()
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(10_000):
        step()
    gc.collect()
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 50, f"resident memory grew by {grown_mb:.1f} MB"
    np.testing.assert_allclose(w.detach().numpy(), np.full(8, 1.0), atol=1e-3)


@pytest.mark.parametrize("create_graph", [False, True])
def test_only_the_gradients_leading_to_inputs_are_computed(create_graph):
    """torch computes just the gradients that reach `inputs=`: an op whose other
    derivative is not implemented (igammac wrt its first argument) still differentiates."""
    def scenario(torch, log):
        a = torch.tensor([2.0, 3.0], requires_grad=True)
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        h = (x * 0.25).cos()
        out = (torch.special.gammaincc(a, x) * h + a.sin()).sum()
        def values(grads):  # (the names of double-backward nodes are another matter)
            return [(g.detach(), g.requires_grad) for g in grads]
        log.append(values(torch.autograd.grad(out, x, retain_graph=True, create_graph=create_graph)))
        log.append(values(torch.autograd.grad(out, [h, x], retain_graph=True, create_graph=create_graph)))
        out.backward(inputs=[x], retain_graph=True, create_graph=create_graph)
        log.append((values([x.grad]), a.grad))
        log.append(torch.autograd.grad(out, a))  # the missing derivative is needed now
    run_both(scenario)
