"""Per-call time of tiny-tensor ops and throughput of large ops: jtorch vs torch eager,
un-jitted jax.numpy, and a cached jax.jit function called directly (the engine's floor).

Run: python benchmarks/bench_ops.py [--quick] [--device cuda]
"""
from __future__ import annotations

import argparse
import platform
import time

import jax
import jax.numpy as jnp
import numpy as np

import jtorch
from _device import torch_sync, use_device

try:
    import torch
except ImportError:  # torch is only a test dependency
    torch = None


def per_call(fn, min_time=0.3, repeats=5) -> float:
    """Median over `repeats` of the mean per-call seconds of `fn` (after a warm-up)."""
    for _ in range(3):
        fn()
    n, elapsed = 1, 0.0
    while elapsed < min_time / repeats:
        n *= 2
        start = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - start
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        samples.append((time.perf_counter() - start) / n)
    return float(np.median(samples))


def block(x):
    """Wait for a JAX result (jtorch Tensor or jax.Array)."""
    data = x._data if isinstance(x, jtorch.Tensor) else x
    return jax.block_until_ready(data)


def tiny_cases(on_cpu=True):
    a = np.random.rand(5, 3).astype(np.float32)
    b = np.random.rand(5, 3).astype(np.float32)
    jx, jy, jr = jtorch.tensor(a), jtorch.tensor(b), jtorch.empty(5, 3)
    ja, jb = jnp.asarray(a), jnp.asarray(b)
    jit_add = jax.jit(lambda p, q: p + q)
    jit_sum = jax.jit(lambda p: p.sum())
    jit_col = jax.jit(lambda p: p[:, 1])
    jit_flat = jax.jit(lambda p: p.reshape(15))
    na = np.random.rand(5, 3).astype(np.float32)
    cases = {  # (jtorch, un-jitted jnp, cached jit); every result is waited for
        "x + y": (lambda: block(jx + jy), lambda: block(ja + jb), lambda: block(jit_add(ja, jb))),
        "add(x, y, out=r)": (lambda: block(jtorch.add(jx, jy, out=jr)), lambda: block(ja + jb),
                             lambda: block(jit_add(ja, jb))),
        "y.add_(x)": (lambda: block(jy.add_(jx)), lambda: block(ja + jb), lambda: block(jit_add(ja, jb))),
        "x.sum()": (lambda: block(jx.sum()), lambda: block(ja.sum()), lambda: block(jit_sum(ja))),
        "x[:, 1]": (lambda: block(jx[:, 1]), lambda: block(ja[:, 1]), lambda: block(jit_col(ja))),
        "x.view(15)": (lambda: block(jx.view(15)), lambda: block(ja.reshape(15)), lambda: block(jit_flat(ja))),
        "x.numpy()": (lambda: jx.numpy(), lambda: np.asarray(ja), lambda: np.asarray(ja)),
        "from_numpy(a)": (lambda: jtorch.from_numpy(na), lambda: block(jnp.asarray(na)),
                          lambda: block(jnp.asarray(na))),
    }
    if torch is not None:
        tx, ty, tr = torch.tensor(a), torch.tensor(b), torch.empty(5, 3)
        sync = torch_sync(torch)
        torch_cases = {
            "x + y": lambda: tx + ty, "add(x, y, out=r)": lambda: torch.add(tx, ty, out=tr),
            "y.add_(x)": lambda: ty.add_(tx), "x.sum()": lambda: tx.sum(), "x[:, 1]": lambda: tx[:, 1],
            "x.view(15)": lambda: tx.view(15), "x.numpy()": lambda: tx.numpy(), "from_numpy(a)": lambda: torch.from_numpy(na),
        }
        torch_cases = {name: (lambda fn=fn: (fn(), sync())) for name, fn in torch_cases.items()}
    else:
        torch_cases = {}
    if not on_cpu:  # numpy() and from_numpy are CPU-only, in torch as in jtorch
        for name in ("x.numpy()", "from_numpy(a)"):
            cases.pop(name)
            torch_cases.pop(name, None)
    return cases, torch_cases


def large_cases():
    """(jtorch, the same calls in un-jitted jax.numpy, one jax.jit of the whole expression)."""
    n = 2048
    a = np.random.rand(n, n).astype(np.float32)
    b = np.random.rand(n, n).astype(np.float32)
    v = np.random.rand(4 * 1024 * 1024).astype(np.float32)
    jx, jy, jv = jtorch.tensor(a), jtorch.tensor(b), jtorch.tensor(v)
    ja, jb, jva = jnp.asarray(a), jnp.asarray(b), jnp.asarray(v)
    jit_mm = jax.jit(jnp.matmul)
    jit_ew = jax.jit(lambda p: p * 2 + 1)
    jit_exp = jax.jit(jnp.exp)
    jit_sum = jax.jit(jnp.sum)
    jit_softmax = jax.jit(lambda p: jax.nn.softmax(p, axis=-1))
    return {
        "matmul 2048x2048": (lambda: block(jx @ jy), lambda: block(ja @ jb), lambda: block(jit_mm(ja, jb))),
        "x * 2 + 1 on 4M floats": (lambda: block(jv * 2 + 1), lambda: block(jva * 2 + 1),
                                   lambda: block(jit_ew(jva))),
        "exp on 4M floats": (lambda: block(jv.exp()), lambda: block(jnp.exp(jva)), lambda: block(jit_exp(jva))),
        "sum of 4M floats": (lambda: block(jv.sum()), lambda: block(jnp.sum(jva)), lambda: block(jit_sum(jva))),
        "softmax 2048x2048": (lambda: block(jtorch.softmax(jx, -1)), lambda: block(jax.nn.softmax(ja, axis=-1)),
                              lambda: block(jit_softmax(ja))),
    }


def main():
    global torch
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="shorter timing loops")
    parser.add_argument("--device", default="cpu", help="cpu, or cuda (JAX's accelerator) for all libraries")
    args = parser.parse_args()
    torch = use_device(args.device, torch)
    min_time = 0.1 if args.quick else 0.5
    print(f"machine: {platform.machine()}, {platform.processor() or platform.platform()}, "
          f"jax {jax.__version__} on {jax.config.jax_default_device.device_kind}, torch {torch.__version__ if torch else 'absent'}")
    cases, torch_cases = tiny_cases(args.device == "cpu")
    print(f"\n{'tiny op (5x3 float32)':24} {'jtorch':>9} {'torch':>9} {'jnp':>9} {'jit floor':>9} {'jtorch/floor':>12}")
    for name, (ours, raw, floor) in cases.items():
        t_ours = per_call(ours, min_time)
        t_raw = per_call(raw, min_time)
        t_floor = per_call(floor, min_time)
        t_torch = per_call(torch_cases[name], min_time) if name in torch_cases else float("nan")
        print(f"{name:24} {t_ours*1e6:8.1f}µ {t_torch*1e6:8.1f}µ {t_raw*1e6:8.1f}µ {t_floor*1e6:8.1f}µ "
              f"{t_ours/t_floor:11.2f}x")
    print(f"\n{'large op':24} {'jtorch':>9} {'jnp':>9} {'jit':>9} {'jtorch/jnp':>10} {'jtorch/jit':>10}")
    for name, (ours, raw, fused) in large_cases().items():
        t_ours, t_raw, t_fused = (per_call(f, min_time, 3) for f in (ours, raw, fused))
        print(f"{name:24} {t_ours*1e3:7.2f}ms {t_raw*1e3:7.2f}ms {t_fused*1e3:7.2f}ms {t_ours/t_raw:9.2f}x "
              f"{t_ours/t_fused:9.2f}x")


if __name__ == "__main__":
    main()
