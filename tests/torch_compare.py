"""Helpers shared by the differential tests."""
import pytest


def raises_like(fn_t, fn_j):
    """torch's call and jtorch's raise the same exception type with the same message."""
    with pytest.raises(Exception) as et:
        fn_t()
    with pytest.raises(Exception) as ej:
        fn_j()
    assert type(ej.value) is type(et.value)
    assert str(ej.value) == str(et.value)


def both(fn):
    """(type name, message) raised by fn(torch) and fn(jtorch), in that order; None where it returns."""
    import torch

    import jtorch

    out = []
    for lib in (torch, jtorch):
        try:
            fn(lib)
            out.append(None)
        except Exception as e:  # noqa: BLE001
            out.append((type(e).__name__, str(e)))
    return out


def assert_same_error(fn):
    """fn(torch) raises, and fn(jtorch) raises the same exception type with the same message."""
    t, j = both(fn)
    assert t is not None and t == j, (t, j)
