"""In-place random fills (Tensor.uniform_, normal_, ...), drawn from jtorch's generator."""
from __future__ import annotations

from .. import _dtype
from .._registry import check_inplace_allowed
from .random import rand, randint, randn


def _fill(self, values):
    check_inplace_allowed(self)
    return self.copy_(values)


def uniform_(self, from_=0.0, to=1.0, *, generator=None):
    """Fill with samples uniform on [from_, to)."""
    u = rand(self._shape, generator=generator, dtype=self.dtype if self.dtype.category >= 2 else None,
             device=self.device)
    return _fill(self, u * (to - from_) + from_)


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    n = randn(self._shape, generator=generator, dtype=self.dtype if self.dtype.category >= 2 else None,
              device=self.device)
    return _fill(self, n * std + mean)


def bernoulli_(self, p=0.5, *, generator=None):
    u = rand(self._shape, generator=generator, device=self.device)
    return _fill(self, (u < p).to(self.dtype))


def random_(self, from_=0, to=None, *, generator=None):
    if to is None:
        from_, to = 0, from_ if from_ else (2 ** 24 if self.dtype.is_floating_point else 2 ** 31)
    return _fill(self, randint(from_, to, self._shape, generator=generator, device=self.device))


def exponential_(self, lambd=1.0, *, generator=None):
    u = rand(self._shape, generator=generator, dtype=self.dtype, device=self.device)
    return _fill(self, -((1 - u).log()) / lambd)


def geometric_(self, p, *, generator=None):
    u = rand(self._shape, generator=generator, dtype=_dtype.float64, device=self.device)
    return _fill(self, ((1 - u).log() / __import__("math").log1p(-p)).ceil() if hasattr(u, "ceil") else u)


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    import math

    u = rand(self._shape, generator=generator, dtype=self.dtype, device=self.device)
    return _fill(self, ((u - 0.5) * math.pi).tan() * sigma + median if hasattr(u, "tan") else u)


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    n = randn(self._shape, generator=generator, dtype=self.dtype, device=self.device)
    return _fill(self, (n * std + mean).exp())


METHODS = {f.__name__: f for f in (uniform_, normal_, bernoulli_, random_, exponential_, geometric_, cauchy_,
                                   log_normal_)}
