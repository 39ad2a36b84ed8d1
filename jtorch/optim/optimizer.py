"""torch.optim.Optimizer: param groups, per-parameter state, state_dict in torch's layout.

Subclasses implement `_update(group, params, grads, states)` as ONE jitted function over
all parameters of a group (a pytree of arrays in, new arrays out); `step()` gathers the
arrays, calls it, and writes the results back into the parameters and state tensors.
"""
from __future__ import annotations

import copy
from collections import defaultdict
from itertools import chain

from .._tensor import Tensor
from ..autograd.grad_mode import no_grad


class _RequiredParameter:
    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


class Optimizer:
    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        self._step_hooks = {}
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, but "
                            f"got {type(params).__name__}")
        param_groups = list(params)
        if not param_groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __repr__(self):
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += "\n" + f"Parameter Group {i}"
            for key in sorted(group.keys()):
                if key != "params":
                    text += "\n" + f"    {key}: {group[key]}"
        return text + "\n)"

    def add_param_group(self, param_group):
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering of "
                            "tensors in sets will change between runs. Please use a list instead.")
        else:
            param_group["params"] = list(params)
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + type(param).__name__)
            if not param.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        existing = set()
        for group in self.param_groups:
            existing.update(id(p) for p in group["params"])
        if not existing.isdisjoint(id(p) for p in param_group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True):
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is not None:
                    if set_to_none:
                        p._grad = None
                    else:
                        p._grad.zero_()

    # ------------------------------------------------------------ stepping
    def step(self, closure=None):
        loss = None
        if closure is not None:
            from ..autograd.grad_mode import enable_grad

            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                params = [p for p in group["params"] if p._grad is not None]
                if not params:
                    continue
                self._step_group(group, params)
        return loss

    def _step_group(self, group, params):
        """Update `params` (those of `group` that have a grad) and their self.state."""
        raise NotImplementedError

    # ------------------------------------------------------------ state dicts
    def state_dict(self):
        index_of, start = {}, 0

        def pack(group):
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                index_of.setdefault(id(p), i)
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        groups = [pack(g) for g in self.param_groups]
        state = {index_of[id(p)]: v for p, v in self.state.items() if id(p) in index_of}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        state_dict = copy.deepcopy(state_dict) if not _has_tensors(state_dict) else _shallow_copy(state_dict)
        groups, saved_groups = self.param_groups, state_dict["param_groups"]
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip(chain.from_iterable(s["params"] for s in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))
        self.state = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in id_map:
                param = id_map[key]
                self.state[param] = {k: _cast_state(param, k, v) for k, v in value.items()}
        for group, saved in zip(groups, saved_groups):
            for k, v in saved.items():
                if k != "params":
                    group[k] = v

    def register_step_pre_hook(self, hook):
        raise NotImplementedError("optimizer step hooks are not supported yet")


def _has_tensors(d):
    return True


def _shallow_copy(state_dict):
    return {"state": {k: dict(v) for k, v in state_dict["state"].items()},
            "param_groups": [dict(g) for g in state_dict["param_groups"]]}


def _cast_state(param, key, value):
    """Like torch: state tensors follow the parameter's dtype/device, except `step`."""
    if isinstance(value, Tensor):
        if key == "step":
            return value
        if value.dtype.is_floating_point:
            return value.to(device=param.device, dtype=param.dtype)
        return value.to(param.device)
    return value
