"""torch.optim.Optimizer: param groups, per-parameter state, state_dict in torch's layout.

Subclasses implement `_update(group, params, grads, states)` as ONE jitted function over
all parameters of a group (a pytree of arrays in, new arrays out); `step()` gathers the
arrays, calls it, and writes the results back into the parameters and state tensors.
"""
from __future__ import annotations

import functools
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
        state_dict = _shallow_copy(state_dict)  # like torch, tensors are kept (not copied) when they already fit
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

    # ------------------------------------------------------------ step hooks
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:
            cls.step = _with_step_hooks(cls.__dict__["step"])

    def register_step_pre_hook(self, hook):
        """hook(optimizer, args, kwargs) before each step; it may return (args, kwargs)."""
        return _register_hook(self.__dict__.setdefault("_optimizer_step_pre_hooks", {}), hook)

    def register_step_post_hook(self, hook):
        """hook(optimizer, args, kwargs) after each step."""
        return _register_hook(self.__dict__.setdefault("_optimizer_step_post_hooks", {}), hook)


_GLOBAL_PRE_HOOKS: dict = {}
_GLOBAL_POST_HOOKS: dict = {}


def register_optimizer_step_pre_hook(hook):
    """A step pre-hook for every optimizer (torch.optim.optimizer.register_optimizer_step_pre_hook)."""
    return _register_hook(_GLOBAL_PRE_HOOKS, hook)


def register_optimizer_step_post_hook(hook):
    """A step post-hook for every optimizer."""
    return _register_hook(_GLOBAL_POST_HOOKS, hook)


def _register_hook(hooks, hook):
    """Register `hook` in `hooks`; the handle (torch's RemovableHandle) removes it."""
    from ..nn.modules.module import RemovableHandle

    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle


def _with_step_hooks(step):
    """`step` running the global and the optimizer's pre-hooks before it and post-hooks after."""
    if getattr(step, "_hooked", False):
        return step

    @functools.wraps(step)
    def hooked(*args, **kwargs):  # as torch: the hooks see args with the optimizer first
        self = args[0]
        for hook in (*_GLOBAL_PRE_HOOKS.values(), *self.__dict__.get("_optimizer_step_pre_hooks", {}).values()):
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"{step} must return None or a tuple of (new_args, new_kwargs), but got "
                                       f"{result}.")
                args, kwargs = result
        out = step(*args, **kwargs)
        for hook in (*self.__dict__.get("_optimizer_step_post_hooks", {}).values(), *_GLOBAL_POST_HOOKS.values()):
            hook(self, args, kwargs)
        return out

    hooked._hooked = True
    return hooked


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


Optimizer.step = _with_step_hooks(Optimizer.step)
