"""torch.special: the functions registered under the "torch.special" namespace
(jtorch/ops/special.py), and torch.special's aliases of torch.* functions, looked up on
jtorch when first used (so an alias works as soon as its torch-level op exists)."""
from __future__ import annotations

from ._registry import namespace_functions
from .ops import special as _special  # noqa: F401  (registers the special functions)

globals().update(namespace_functions("torch.special"))

# torch.special.<alias> is torch.<target>.
_ALIASES = {
    "digamma": "digamma", "psi": "digamma", "erf": "erf", "erfc": "erfc", "erfinv": "erfinv", "exp2": "exp2",
    "expm1": "expm1", "expit": "sigmoid", "gammaln": "lgamma", "i0": "i0", "log1p": "log1p",
    "log_softmax": "log_softmax", "logit": "logit", "logsumexp": "logsumexp", "multigammaln": "mvlgamma",
    "polygamma": "polygamma", "round": "round", "sinc": "sinc", "softmax": "softmax", "xlogy": "xlogy",
}

from ._missing import NotImplementedInJtorch as _NotImplementedInJtorch  # noqa: E402
from ._missing import module_getattr as _module_getattr  # noqa: E402

_missing = _module_getattr("torch.special", "jtorch.special")


def __getattr__(name):
    target = _ALIASES.get(name)
    if target is not None:
        import jtorch

        try:
            return getattr(jtorch, target)
        except AttributeError:
            if name in ("softmax", "log_softmax"):  # until torch.softmax exists: the functional one
                return _functional_softmax(name)
            raise _NotImplementedInJtorch(f"jtorch does not implement torch.special.{name} yet") from None
    return _missing(name)


def _functional_softmax(name):
    from .nn import functional

    fn = getattr(functional, name)

    def softmax(input, dim, *, dtype=None):
        return fn(input, dim, dtype=dtype)

    softmax.__name__ = softmax.__qualname__ = name
    return softmax


def __dir__():
    return sorted(set(globals()) | set(_ALIASES))
