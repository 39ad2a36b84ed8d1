"""Autograd cost: a chain of 50 elementwise ops on a 5x3 tensor with .sum().backward(),
and LeNet (the 60-minute blitz network) forward+backward at batch 1 and 64.

Compared in one process: jtorch, torch eager, JAX with jax.vjp traced afresh per op,
a minimal reference tape (below: the floor of jtorch's design — a jitted forward and a
jitted vjp per op, cached by shape and dtype, and a reverse loop), and one
jax.jit(jax.value_and_grad(...)) of the whole computation.

Run: python benchmarks/bench_autograd.py [--quick] [--device cuda]
"""
from __future__ import annotations

import argparse
import functools
import platform
import time

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

import jtorch
from _device import torch_sync, use_device

try:
    import torch
except ImportError:
    torch = None


# ----------------------------------------------------------------- the minimal reference tape
class MiniTape:
    """About 40 lines: each op runs a cached jitted forward and records (vjp, inputs)."""

    def __init__(self):
        self.records = []

    @staticmethod
    @functools.lru_cache(maxsize=None)
    def _compiled(fn):
        forward = jax.jit(fn)
        backward = jax.jit(lambda args, ct: jax.vjp(fn, *args)[1](ct))
        return forward, backward

    def op(self, fn, *args):
        forward, backward = self._compiled(fn)
        out = forward(*args)
        self.records.append((backward, args, len(self.records)))
        return out, len(self.records) - 1

    def backward(self, parents, seed):
        """parents[i]: for op i, the record index (or leaf name) of each argument."""
        grads = {len(self.records) - 1: seed}
        leaves = {}
        for backward, args, index in reversed(self.records):
            ct = grads.pop(index, None)
            if ct is None:
                continue
            for parent, g in zip(parents[index], backward(args, ct)):
                target = leaves if isinstance(parent, str) else grads
                target[parent] = target[parent] + g if parent in target else g
        self.records.clear()
        return leaves


# ----------------------------------------------------------------- the 50-op chain
def chain_ops():
    """Fifty unary steps, cycling through mul, add, sin, tanh, exp-ish."""
    steps = []
    for i in range(50):
        steps.append(("mul", "add", "sin", "tanh", "sub")[i % 5])
    return steps


def chain_jtorch(x):
    for s in chain_ops():
        x = {"mul": lambda t: t * 1.01, "add": lambda t: t + 0.1, "sin": lambda t: t.sin(),
             "tanh": lambda t: t.tanh(), "sub": lambda t: t - 0.05}[s](x)
    return x.sum()


def chain_torch(x):
    for s in chain_ops():
        x = {"mul": lambda t: t * 1.01, "add": lambda t: t + 0.1, "sin": lambda t: t.sin(),
             "tanh": lambda t: t.tanh(), "sub": lambda t: t - 0.05}[s](x)
    return x.sum()


JAX_STEPS = {"mul": lambda t: t * 1.01, "add": lambda t: t + 0.1, "sin": jnp.sin, "tanh": jnp.tanh,
             "sub": lambda t: t - 0.05}


def chain_jax(x):
    for s in chain_ops():
        x = JAX_STEPS[s](x)
    return x.sum()


def chain_vjp_per_op(x):
    """Eager JAX autodiff with jax.vjp traced afresh for every op."""
    pullbacks = []
    for s in chain_ops():
        x, pb = jax.vjp(JAX_STEPS[s], x)
        pullbacks.append(pb)
    total, pb = jax.vjp(jnp.sum, x)
    g = pb(jnp.ones_like(total))[0]
    for pb in reversed(pullbacks):
        g = pb(g)[0]
    return g


def chain_minitape(tape, x):
    parents = []
    current = "x"
    for s in chain_ops():
        x, index = tape.op(JAX_STEPS[s], x)
        parents.append((current,))
        current = index
    total, index = tape.op(jnp.sum, x)
    parents.append((current,))
    return tape.backward(parents, jnp.ones_like(total))["x"]


# ----------------------------------------------------------------- LeNet
def lenet_params(seed=0):
    rng = np.random.default_rng(seed)
    shapes = [(6, 1, 5, 5), (6,), (16, 6, 5, 5), (16,), (120, 400), (120,), (84, 120), (84,), (10, 84), (10,)]
    return [(rng.standard_normal(s) * 0.1).astype(np.float32) for s in shapes]


def build_lenet(lib):
    nn, F = lib.nn, lib.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = lib.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    net = Net()
    with lib.no_grad():
        for p, v in zip(net.parameters(), lenet_params()):
            p.copy_(lib.tensor(v))
    return net


def _conv(x, w, b):
    out = lax.conv_general_dilated(x, w, (1, 1), "VALID", dimension_numbers=("NCHW", "OIHW", "NCHW"))
    return out + b.reshape(1, -1, 1, 1)


def _pool(x):
    return lax.reduce_window(x, -jnp.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")


def _flatten(t):
    return t.reshape(t.shape[0], -1)


def _linear(t, w, b):
    return t @ w.T + b


def lenet_jax(params, x):
    c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b, f3w, f3b = params
    x = _pool(jax.nn.relu(_conv(x, c1w, c1b)))
    x = _pool(jax.nn.relu(_conv(x, c2w, c2b)))
    x = x.reshape(x.shape[0], -1)
    x = jax.nn.relu(x @ f1w.T + f1b)
    x = jax.nn.relu(x @ f2w.T + f2b)
    return (x @ f3w.T + f3b).sum()


def lenet_minitape(tape, params, x):
    c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b, f3w, f3b = params
    names = ["c1w", "c1b", "c2w", "c2b", "f1w", "f1b", "f2w", "f2b", "f3w", "f3b"]
    parents = []

    def op(fn, *args_and_parents):
        args = [a for a, _ in args_and_parents]
        out, index = tape.op(fn, *args)
        parents.append(tuple(p for _, p in args_and_parents))
        return out, index

    h = op(_conv, (x, "x"), (c1w, names[0]), (c1b, names[1]))
    h = op(jax.nn.relu, h)
    h = op(_pool, h)
    h = op(_conv, h, (c2w, names[2]), (c2b, names[3]))
    h = op(jax.nn.relu, h)
    h = op(_pool, h)
    h = op(_flatten, h)
    for w, b, wn, bn, act in ((f1w, f1b, names[4], names[5], True), (f2w, f2b, names[6], names[7], True),
                              (f3w, f3b, names[8], names[9], False)):
        h = op(_linear, h, (w, wn), (b, bn))
        if act:
            h = op(jax.nn.relu, h)
    total = op(jnp.sum, h)
    return tape.backward(parents, jnp.ones_like(total[0]))


# ----------------------------------------------------------------- timing
def per_call(fn, min_time):
    for _ in range(3):
        fn()
    n, elapsed = 1, 0.0
    while elapsed < min_time:
        n *= 2
        start = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - start
    return elapsed / n


def row(name, times, reference="minimal tape"):
    ours = times["jtorch"]
    cells = "  ".join(f"{k} {v * 1e3:8.3f}ms" for k, v in times.items())
    ratios = f"jtorch/{reference} {ours / times[reference]:5.2f}x"
    if "torch" in times:
        ratios += f"  jtorch/torch {ours / times['torch']:5.2f}x"
    print(f"{name:18} {cells}\n{'':18} {ratios}")


def main():
    global torch
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--device", default="cpu", help="cpu, or cuda (JAX's accelerator) for all libraries")
    args = parser.parse_args()
    torch = use_device(args.device, torch)
    min_time = 0.2 if args.quick else 1.0
    print(f"machine: {platform.machine()}, jax {jax.__version__} on {jax.config.jax_default_device.device_kind}, "
          f"torch {torch.__version__ if torch else 'absent'}")

    values = np.linspace(-1, 1, 15, dtype=np.float32).reshape(5, 3)
    tape = MiniTape()
    jx = jnp.asarray(values)
    whole = jax.jit(jax.value_and_grad(chain_jax))

    def run_jtorch():
        x = jtorch.tensor(values, requires_grad=True)
        chain_jtorch(x).backward()
        return jax.block_until_ready(x.grad._data)

    times = {"jtorch": per_call(run_jtorch, min_time),
             "minimal tape": per_call(lambda: jax.block_until_ready(chain_minitape(tape, jx)), min_time),
             "jax.vjp per op": per_call(lambda: jax.block_until_ready(chain_vjp_per_op(jx)), min_time),
             "jit(value_and_grad)": per_call(lambda: jax.block_until_ready(whole(jx)), min_time)}
    sync = torch_sync(torch)
    if torch is not None:
        def run_torch():
            x = torch.tensor(values, requires_grad=True)
            chain_torch(x).backward()
            sync()
            return x.grad
        times["torch"] = per_call(run_torch, min_time)
    row("50-op chain", times)

    jnet = build_lenet(jtorch)
    tnet = build_lenet(torch) if torch is not None else None
    params = [jnp.asarray(v) for v in lenet_params()]
    grad_fn = jax.jit(jax.grad(lenet_jax))
    for batch in (1, 64):
        data = np.cos(np.arange(batch * 32 * 32) * 0.1).reshape(batch, 1, 32, 32).astype(np.float32)
        jdata, xdata = jtorch.tensor(data), jnp.asarray(data)

        def run_jtorch():
            jnet.zero_grad()
            jnet(jdata).sum().backward()
            return jax.block_until_ready(jnet.fc3.weight.grad._data)

        times = {"jtorch": per_call(run_jtorch, min_time),
                 "minimal tape": per_call(lambda: jax.block_until_ready(lenet_minitape(tape, params, xdata)["c1w"]),
                                          min_time),
                 "jit(grad)": per_call(lambda: jax.block_until_ready(grad_fn(params, xdata)), min_time)}
        if tnet is not None:
            tdata = torch.tensor(data)

            def run_torch():
                tnet.zero_grad()
                tnet(tdata).sum().backward()
                sync()
            times["torch"] = per_call(run_torch, min_time)
        row(f"LeNet batch {batch}", times)


if __name__ == "__main__":
    main()
