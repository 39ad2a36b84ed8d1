"""Training-step throughput: LeNet at batch 64 and an MLP 784-512-512-10 at batch 128,
cross-entropy loss, SGD with momentum and Adam; plus `optimizer.step()` alone over a
model of 100 parameter tensors.

Compared in one process: jtorch eager, torch eager, and a hand-written JAX step
(`jax.jit` of value_and_grad plus the optimizer update) — the compiled ceiling.

Run: python benchmarks/bench_training.py [--quick] [--device cuda]
"""
from __future__ import annotations

import argparse
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


def steps_per_second(step, seconds):
    step()
    step()  # compile / warm up
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        step()
        count += 1
    return count / (time.perf_counter() - start)


# ----------------------------------------------------------------- models in torch's API
def build(lib, kind):
    nn, F = lib.nn, lib.nn.functional

    class LeNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1, self.conv2 = nn.Conv2d(1, 6, 5), nn.Conv2d(6, 16, 5)
            self.fc1, self.fc2, self.fc3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = lib.flatten(x, 1)
            return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))

    def mlp():
        return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))

    return LeNet() if kind == "lenet" else mlp()


def data(kind, batch, seed=0):
    rng = np.random.default_rng(seed)
    shape = (batch, 1, 32, 32) if kind == "lenet" else (batch, 784)
    return rng.standard_normal(shape).astype(np.float32), rng.integers(0, 10, batch)


def library_step(lib, kind, optimizer_name, batch):
    model = build(lib, kind)
    x, y = data(kind, batch)
    x, y = lib.tensor(x), lib.tensor(y)
    if optimizer_name == "sgd":
        optimizer = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    else:
        optimizer = lib.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = lib.nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


# ----------------------------------------------------------------- the hand-written JAX step
def jax_forward(kind, params, x):
    if kind == "lenet":
        c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b, f3w, f3b = params
        conv = lambda t, w, b: lax.conv_general_dilated(t, w, (1, 1), "VALID",  # noqa: E731
                                                        dimension_numbers=("NCHW", "OIHW", "NCHW")) + b[:, None, None]
        pool = lambda t: lax.reduce_window(t, -jnp.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")  # noqa: E731
        x = pool(jax.nn.relu(conv(x, c1w, c1b)))
        x = pool(jax.nn.relu(conv(x, c2w, c2b))).reshape(x.shape[0], -1)
        x = jax.nn.relu(x @ f1w.T + f1b)
        x = jax.nn.relu(x @ f2w.T + f2b)
        return x @ f3w.T + f3b
    w1, b1, w2, b2, w3, b3 = params
    x = jax.nn.relu(x @ w1.T + b1)
    x = jax.nn.relu(x @ w2.T + b2)
    return x @ w3.T + b3


def jax_step(kind, optimizer_name, batch):
    model = build(jtorch, kind)
    params = [p.detach()._data for p in model.parameters()]
    x, y = data(kind, batch)
    x, y = jnp.asarray(x), jnp.asarray(y)

    def loss_fn(params):
        logits = jax_forward(kind, params, x)
        return -jnp.take_along_axis(jax.nn.log_softmax(logits), y[:, None], 1).mean()

    @jax.jit
    def sgd(params, buf):
        loss, grads = jax.value_and_grad(loss_fn)(params)
        buf = [0.9 * b + g for b, g in zip(buf, grads)]
        return loss, [p - 0.01 * b for p, b in zip(params, buf)], buf

    @jax.jit
    def adam(params, state):
        m, v, t = state
        loss, grads = jax.value_and_grad(loss_fn)(params)
        t = t + 1
        m = [0.9 * a + 0.1 * g for a, g in zip(m, grads)]
        v = [0.999 * a + 0.001 * g * g for a, g in zip(v, grads)]
        lr = 1e-3 * jnp.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        new = [p - lr * a / (jnp.sqrt(b) + 1e-8) for p, a, b in zip(params, m, v)]
        return loss, new, (m, v, t)

    zeros = [jnp.zeros_like(p) for p in params]
    state = {"params": params, "opt": zeros if optimizer_name == "sgd" else (zeros, zeros, 0.0)}
    update = sgd if optimizer_name == "sgd" else adam

    def step():
        loss, state["params"], state["opt"] = update(state["params"], state["opt"])
        return float(loss)

    return step


# ----------------------------------------------------------------- optimizer.step() alone
def optimizer_only(lib, optimizer_name, count=100):
    rng = np.random.default_rng(0)
    params = []
    for i in range(count):
        shape = (64, 64) if i % 2 == 0 else (64,)
        p = lib.tensor(rng.standard_normal(shape).astype(np.float32), requires_grad=True)
        p.grad = lib.tensor(rng.standard_normal(shape).astype(np.float32))
        params.append(p)
    if optimizer_name == "sgd":
        optimizer = lib.optim.SGD(params, lr=0.01, momentum=0.9)
    else:
        optimizer = lib.optim.Adam(params, lr=1e-3)

    def step():
        optimizer.step()
        float(params[0].detach()[0, 0])  # wait for the result

    return step


def main():
    global torch
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--device", default="cpu", help="cpu, or cuda (JAX's accelerator) for all libraries")
    args = parser.parse_args()
    torch = use_device(args.device, torch)
    seconds = 0.5 if args.quick else 2.0
    print(f"# training steps/s ({platform.processor() or platform.machine()}, jax {jax.__version__} on {jax.config.jax_default_device.device_kind}, "
          f"{'torch ' + torch.__version__ if torch else 'no torch'})")
    print("| workload | jtorch eager | torch eager | JAX jit step | jtorch / torch | jtorch / JAX |")
    print("|---|---|---|---|---|---|")
    for kind, batch in (("lenet", 64), ("mlp", 128)):
        for optimizer_name in ("sgd", "adam"):
            ours = steps_per_second(library_step(jtorch, kind, optimizer_name, batch), seconds)
            theirs = steps_per_second(library_step(torch, kind, optimizer_name, batch), seconds) if torch else float("nan")
            ceiling = steps_per_second(jax_step(kind, optimizer_name, batch), seconds)
            print(f"| {kind} b{batch} {optimizer_name} | {ours:.1f} | {theirs:.1f} | {ceiling:.1f} | "
                  f"{ours / theirs:.2f}x | {ours / ceiling:.2f}x |")
    print()
    print("# optimizer.step() alone, 100 parameter tensors (64x64 and 64), µs per step")
    print("| optimizer | jtorch | torch (default, foreach) | torch / jtorch |")
    print("|---|---|---|---|")
    for optimizer_name in ("sgd", "adam"):
        ours = 1e6 / steps_per_second(optimizer_only(jtorch, optimizer_name), seconds)
        theirs = 1e6 / steps_per_second(optimizer_only(torch, optimizer_name), seconds) if torch else float("nan")
        print(f"| {optimizer_name} | {ours:.0f} | {theirs:.0f} | {theirs / ours:.2f}x |")


if __name__ == "__main__":
    main()
