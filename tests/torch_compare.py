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
