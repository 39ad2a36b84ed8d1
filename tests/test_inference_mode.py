"""Inference tensors against real torch: tensors whose storage was made in inference_mode
(views of them too, not views of normal tensors taken there) report is_inference(), refuse
in-place updates outside inference mode (after writing, as torch does), cannot be saved
for backward, cannot be set to require grad outside, and have no version counter."""
import pytest
import torch

import jtorch as jt


def outcome(fn, lib):
    try:
        value = fn(lib)
    except RuntimeError as error:
        return ("RuntimeError", str(error))
    if isinstance(value, (torch.Tensor, jt.Tensor)):
        return ("tensor", value.detach().tolist(), value.requires_grad, value.is_inference())
    return value


def made(lib):
    normal, leaf = lib.ones(3), lib.ones(3, requires_grad=True)
    with lib.inference_mode():
        made = {"fresh": lib.ones(3), "result": normal * 2, "view_of_normal": normal[0:2],
                "detached_normal": normal.detach(), "sum": normal.sum(), "random": lib.randn(2),
                "from_data": lib.tensor([1.0, 2.0]), "of_a_leaf": leaf * 2}
    return normal, leaf, made


def test_which_tensors_are_inference_tensors():
    def flags(lib):
        _, _, tensors = made(lib)
        return {k: (t.is_inference(), lib.is_inference(t), t.requires_grad) for k, t in tensors.items()}

    assert outcome(flags, jt) == outcome(flags, torch)


WRITES = {
    "add_": lambda lib, n, a: a.add_(1),
    "mul_under_no_grad": lambda lib, n, a: _no_grad(lib, lambda: a.mul_(2)),
    "setitem": lambda lib, n, a: a.__setitem__(0, 5.0),
    "out": lambda lib, n, a: lib.add(n, n, out=a),
    "copy_": lambda lib, n, a: a.copy_(n * 3),
    "zero_": lambda lib, n, a: a.zero_(),
    "through_a_view": lambda lib, n, a: a[1:].fill_(4),
    "inside_inference_mode": lambda lib, n, a: _inference(lib, lambda: a.add_(1)),
    "normal_inside_inference_mode": lambda lib, n, a: _inference(lib, lambda: n.add_(1)),
}


def _no_grad(lib, fn):
    with lib.no_grad():
        return fn()


def _inference(lib, fn):
    with lib.inference_mode():
        return fn()


@pytest.mark.parametrize("name", sorted(WRITES))
def test_in_place_updates_of_inference_tensors(name):
    def scenario(lib):
        normal, _, tensors = made(lib)
        a = tensors["fresh"]
        view = a[0:2]
        result = outcome(lambda lib: WRITES[name](lib, normal, a), lib)
        return result, a.tolist(), view.tolist(), normal.tolist()  # torch writes before it refuses

    assert scenario(jt) == scenario(torch)


USES = {
    "saved_for_backward": lambda lib, x, a: (x * a).sum(),
    "not_saved": lambda lib, x, a: (x + a).sum(),
    "requires_grad_": lambda lib, x, a: a.requires_grad_(),
    "requires_grad_inside": lambda lib, x, a: _inference(lib, lambda: lib.ones(2).requires_grad_()),
    "version": lambda lib, x, a: a._version,
    "clone_is_normal": lambda lib, x, a: a.clone().add_(1),
    "view_outside": lambda lib, x, a: a[0:2],
    "detach_outside": lambda lib, x, a: a.detach(),
}


@pytest.mark.parametrize("name", sorted(USES))
def test_uses_of_inference_tensors(name):
    def scenario(lib):
        _, leaf, tensors = made(lib)
        return outcome(lambda lib: USES[name](lib, leaf, tensors["fresh"]), lib)

    assert scenario(jt) == scenario(torch)
