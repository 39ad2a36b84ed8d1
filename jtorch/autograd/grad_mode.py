"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode (context managers and decorators)."""
from __future__ import annotations

import functools
import inspect


class _State:
    enabled = True
    inference = False


STATE = _State()


def is_grad_enabled() -> bool:
    return STATE.enabled


def is_inference_mode_enabled() -> bool:
    return STATE.inference


class _GradMode:
    """Base for grad-mode objects usable as `with` blocks and as decorators."""

    def _enter_value(self):
        raise NotImplementedError

    def __enter__(self):
        self._saved = (STATE.enabled, STATE.inference)
        self._apply()
        return None

    def __exit__(self, *exc):
        STATE.enabled, STATE.inference = self._saved
        return False

    def __call__(self, fn):
        if inspect.isclass(fn):
            raise NotImplementedError("decorating a class with a grad mode is not supported")

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)

        return wrapper

    def clone(self):
        return type(self)()


class no_grad(_GradMode):
    def __init__(self, orig_func=None):
        self._orig = orig_func

    def _apply(self):
        STATE.enabled = False


class enable_grad(_GradMode):
    def __init__(self, orig_func=None):
        self._orig = orig_func

    def _apply(self):
        STATE.enabled = True


class set_grad_enabled(_GradMode):
    """Sets grad mode on construction (as torch does) and restores it on exit."""

    def __init__(self, mode: bool):
        self._prev = STATE.enabled
        self._mode = bool(mode)
        STATE.enabled = self._mode

    def __enter__(self):
        self._saved = (self._prev, STATE.inference)
        STATE.enabled = self._mode

    def _apply(self):
        STATE.enabled = self._mode

    def clone(self):
        return set_grad_enabled(self._mode)

    def __call__(self, fn):
        STATE.enabled = self._prev
        return super().__call__(fn)


class inference_mode(_GradMode):
    def __init__(self, mode: bool = True):
        self._mode = mode

    def _apply(self):
        if self._mode:
            STATE.enabled = False
            STATE.inference = True

    def clone(self):
        return inference_mode(self._mode)
