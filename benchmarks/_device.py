"""`--device` for the benchmarks: run jtorch, torch and raw JAX on one device ('cpu', or
'cuda' = JAX's accelerator and torch's CUDA when this torch build has it)."""
from __future__ import annotations

import jax

import jtorch


def use_device(name, torch):
    """Make `name` the default device of all three libraries; returns torch, or None where
    torch can't run there (a CPU-only build asked for 'cuda')."""
    jtorch.set_default_device(name)
    jax.config.update("jax_default_device", jax.devices("gpu" if name == "cuda" else "cpu")[0])
    if torch is not None and name == "cuda":
        if not torch.cuda.is_available():
            return None
        torch.set_default_device("cuda")
    return torch


def torch_sync(torch):
    """A function that waits for torch's queued GPU work (a no-op on the CPU)."""
    if torch is not None and torch.get_default_device().type == "cuda":
        return torch.cuda.synchronize
    return lambda: None
