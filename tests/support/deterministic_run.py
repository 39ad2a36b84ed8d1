"""Run a script under real torch or jtorch with the random ops made deterministic, so
the two outputs can be compared line for line.

usage: python deterministic_run.py torch|jtorch SCRIPT
"""
import math
import runpy
import sys


def _values(shape):
    n = math.prod(shape)
    return [round(math.sin(1.7 * i + 0.3) * 2.5, 6) for i in range(n)]


def patch(mod):
    """Replace mod.rand/randn/*_like with functions giving fixed values of the right shape."""

    def make(shape, dtype=None, device=None, requires_grad=False, **_):
        t = mod.tensor(_values(shape), dtype=dtype or mod.get_default_dtype()).reshape(shape)
        if device is not None:
            t = t.to(device)
        return t.requires_grad_(requires_grad)

    def sized(*size, **kwargs):
        shape = tuple(size[0]) if len(size) == 1 and not isinstance(size[0], int) else size
        return make(shape, **kwargs)

    def like(t, **kwargs):
        kwargs.setdefault("dtype", t.dtype)
        return make(tuple(t.shape), **kwargs)

    mod.rand = mod.randn = sized
    mod.rand_like = mod.randn_like = like


def main():
    which, script = sys.argv[1], sys.argv[2]
    if which == "jtorch":
        from jtorch._import_hook import install

        install()
    import torch

    patch(torch)
    sys.argv = sys.argv[2:]
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
