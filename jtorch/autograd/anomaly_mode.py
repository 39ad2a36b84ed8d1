"""torch.autograd.anomaly_mode: detect_anomaly and set_detect_anomaly.

The flag is jtorch._runtime's (`torch.is_anomaly_enabled` / `torch.set_anomaly_enabled`);
while it is on with check_nan, `run_backward` calls `check_nan` on every node's input
gradients and raises torch's error for a NaN. Differences from torch: the forward
traceback of the failing op is not recorded or printed."""
from __future__ import annotations

import warnings

import jax.numpy as jnp
import numpy as np

from .. import _runtime

__all__ = ["detect_anomaly", "set_detect_anomaly"]


def check_nan(node, input_grads):
    """torch's engine check: a NaN in a backward function's outputs is an error."""
    if not _runtime.is_anomaly_check_nan_enabled():
        return
    for i, g in enumerate(input_grads):
        if g is None:
            continue
        array = getattr(g, "_data", g)
        if bool(np.asarray(jnp.isnan(array).any())):
            raise RuntimeError(f"Function '{type(node).__name__}' returned nan values in its {i}th output.")


class detect_anomaly:
    """Context manager enabling anomaly detection. Implements `torch.autograd.detect_anomaly`."""

    def __init__(self, check_nan=True) -> None:
        self.prev = _runtime.is_anomaly_enabled()
        self.check_nan = check_nan
        self.prev_check_nan = _runtime.is_anomaly_check_nan_enabled()
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
                      "enabled for debugging.", stacklevel=2)

    def __enter__(self) -> None:
        _runtime.set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *args) -> None:
        _runtime.set_anomaly_enabled(self.prev, self.prev_check_nan)


class set_detect_anomaly:
    """Set anomaly detection on or off (also a context manager restoring the previous
    setting). Implements `torch.autograd.set_detect_anomaly`."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = _runtime.is_anomaly_enabled()
        self.prev_check_nan = _runtime.is_anomaly_check_nan_enabled()
        _runtime.set_anomaly_enabled(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *args) -> None:
        _runtime.set_anomaly_enabled(self.prev, self.prev_check_nan)
