"""Random sampling against real torch: generators and seeding, and for every sampling op
the shapes, dtypes, requires_grad, grad_fn and errors torch gives, the ranges of the values
and their distributions on large samples (values themselves differ from torch's)."""
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import jtorch as jt

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
          "complex64", "complex128"]
FLOATS = ["float16", "bfloat16", "float32", "float64"]


def host(t) -> np.ndarray:
    t = t.detach()
    if str(t.dtype) == "torch.bfloat16":
        t = t.float()
    return t.numpy().copy()


def error_text(e) -> str:
    text = str(e).split("(Triggered internally")[0].split("\nException raised from")[0]
    return text.split(", but expected")[0].split("\n")[0].strip()


def outcome(fn, lib):
    """("ok", dtype, shape, requires_grad, grad_fn name) or ("raise", type, message)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = fn(lib)
    except Exception as e:  # noqa: BLE001 - any exception is an outcome to compare
        return ("raise", type(e).__name__, error_text(e))
    if isinstance(r, (torch.Tensor, jt.Tensor)):
        return ("ok", str(r.dtype), tuple(r.shape), r.requires_grad, type(r.grad_fn).__name__ if r.grad_fn else None)
    return ("ok", r)


def check(fn):
    assert outcome(fn, jt) == outcome(fn, torch)


def run(src):
    return lambda m: eval(src, {"m": m, "np": np})


# ----------------------------------------------------------------- generators and seeding
def test_manual_seed_returns_the_default_generator_and_repeats_streams():
    g = jt.manual_seed(123)
    assert isinstance(g, jt.Generator) and g is jt.default_generator
    assert jt.initial_seed() == 123
    ops = [lambda: jt.rand(3, 2), lambda: jt.randn(4, dtype=jt.float64), lambda: jt.randint(0, 100, (5,)),
           lambda: jt.randperm(7), lambda: jt.normal(0.0, 2.0, (3,)), lambda: jt.normal(jt.zeros(3), jt.ones(3)),
           lambda: jt.bernoulli(jt.full((6,), 0.5)), lambda: jt.multinomial(jt.ones(5), 3),
           lambda: jt.rand_like(jt.zeros(2)), lambda: jt.randn_like(jt.zeros(2, dtype=jt.complex64)),
           lambda: jt.randint_like(jt.zeros(3), 10)]
    jt.manual_seed(7)
    first = [host(op()) for op in ops]
    jt.manual_seed(7)
    second = [host(op()) for op in ops]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    jt.manual_seed(8)
    assert not np.array_equal(host(ops[0]()), first[0])
    assert not np.array_equal(host(jt.rand(3, 2)), host(jt.rand(3, 2)))  # the stream advances


@pytest.mark.parametrize("src", ["m.manual_seed(0)", "m.manual_seed(-1)", "m.manual_seed(2**64)",
                                 "m.manual_seed(2**64 - 1)", "m.manual_seed(-2**63 - 1)", "m.manual_seed(1.5)",
                                 "m.manual_seed('a')", "m.manual_seed(m.tensor(3))", "m.manual_seed(np.int64(3))"])
def test_manual_seed_arguments(src):
    def seeded(m):
        result = eval(src, {"m": m, "np": np})
        return type(result).__name__, m.initial_seed()

    check(seeded)


@pytest.mark.parametrize("src", [
    "m.Generator().initial_seed()", "m.Generator().manual_seed(5).initial_seed()",
    "m.Generator().manual_seed(-1).initial_seed()", "m.Generator().manual_seed(2**64)",
    "m.Generator().manual_seed(1.5)", "m.Generator().manual_seed('a')", "m.Generator().manual_seed(m.tensor(3))",
    "type(m.Generator().manual_seed(5)).__name__", "str(m.Generator().device)", "str(m.Generator('cpu').device)",
    "str(m.Generator(device=m.device('cpu')).device)", "m.Generator(device='meta')",
    "m.Generator().get_state().dtype == m.uint8", "m.Generator().set_state(m.zeros(3))",
    "m.Generator().set_state([1, 2])", "m.Generator().seed() >= 0",
])
def test_generator_api(src):
    check(run(src))


def test_seed_and_initial_seed():
    s = jt.seed()
    assert isinstance(s, int) and 0 <= s < 2**64 and jt.initial_seed() == s
    g = jt.Generator()
    assert g.seed() == g.initial_seed()


def test_generator_state_round_trip():
    g = jt.Generator().manual_seed(42)
    jt.rand(5, generator=g)
    state = g.get_state()
    a = [host(jt.rand(4, generator=g)), host(jt.randint(0, 10, (4,), generator=g)), host(jt.randperm(6, generator=g))]
    g.set_state(state)
    b = [host(jt.rand(4, generator=g)), host(jt.randint(0, 10, (4,), generator=g)), host(jt.randperm(6, generator=g))]
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert g.initial_seed() == 42
    # the global state round-trips too
    state = jt.get_rng_state()
    x = host(jt.randn(3))
    jt.set_rng_state(state)
    np.testing.assert_array_equal(host(jt.randn(3)), x)
    with pytest.raises(RuntimeError):
        g.set_state(jt.zeros(3, dtype=jt.uint8))


GENERATOR_OPS = {
    "rand": lambda g: jt.rand(3, generator=g),
    "randn": lambda g: jt.randn(3, generator=g),
    "randint": lambda g: jt.randint(0, 1000, (3,), generator=g),
    "randperm": lambda g: jt.randperm(10, generator=g),
    "normal": lambda g: jt.normal(0.0, 1.0, (3,), generator=g),
    "normal_tensors": lambda g: jt.normal(jt.zeros(3), jt.ones(3), generator=g),
    "bernoulli": lambda g: jt.bernoulli(jt.full((20,), 0.5), generator=g),
    "bernoulli_p": lambda g: jt.bernoulli(jt.zeros(20), 0.5, generator=g),
    "multinomial": lambda g: jt.multinomial(jt.ones(10), 5, generator=g),
    "multinomial_replacement": lambda g: jt.multinomial(jt.ones(10), 5, True, generator=g),
}


@pytest.mark.parametrize("name", GENERATOR_OPS)
def test_generator_streams_are_reproducible_and_independent_of_the_global_one(name):
    op = GENERATOR_OPS[name]
    jt.manual_seed(0)
    expected_global = host(jt.rand(5))
    a = host(op(jt.Generator().manual_seed(99)))
    jt.manual_seed(0)
    b = host(op(jt.Generator().manual_seed(99)))  # a draw from g leaves the global stream alone
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(host(jt.rand(5)), expected_global)
    g = jt.Generator().manual_seed(99)
    op(g)
    assert not np.array_equal(host(op(g)), a) or name.startswith("bernoulli")  # g advanced


# ----------------------------------------------------------------- shapes, dtypes and errors
CASES = [
    # rand / randn
    "m.rand(2, 3)", "m.rand((2, 3))", "m.rand([2, 3])", "m.rand(m.Size([2]))", "m.rand(())", "m.rand(0, 3)",
    "m.rand(size=(2,))", "m.rand()", "m.rand(-1)", "m.rand(2.5)", "m.rand(2, generator=m.Generator())",
    "m.rand(2, generator=5)", "m.rand(2, requires_grad=True)", "m.rand(2, device='cpu')",
    "m.rand(2, out=m.empty(3))", "m.rand(2, out=m.empty(3, dtype=m.float64))",
    "m.rand(2, dtype=m.float32, out=m.empty(3, dtype=m.float64))",
    "m.randn(2, 3)", "m.randn((2, 3))", "m.randn()", "m.randn(size=[4])", "m.randn(2, requires_grad=True)",
    "m.randn(2, out=m.empty(3))", "m.randn(2, dtype=float)",
    # *_like
    "m.rand_like(m.zeros(2, 3))", "m.rand_like(m.zeros(2, 3), dtype=m.float64)",
    "m.rand_like(m.zeros(2, 3), requires_grad=True)", "m.rand_like([1.0])", "m.randn_like(m.zeros(2, 3).t())",
    "m.randn_like(m.zeros(2, 3).t()).stride()", "m.rand_like(m.zeros(2, 3).t(), memory_format=m.contiguous_format)"
    ".stride()",
    "m.randint_like(m.zeros(2, 3), 10)", "m.randint_like(m.zeros(2, 3), 3, 10)", "m.randint_like(m.zeros(2, 3), 10, 3)",
    "m.randint_like(m.zeros(2, 3), low=3, high=10)", "m.randint_like(m.zeros(2, 3), high=10)",
    "m.randint_like(m.zeros(2, 3, dtype=m.int32), 10)", "m.randint_like(m.zeros(2, dtype=m.bool), 2)",
    "m.randint_like(m.zeros(2, dtype=m.bool), 10)", "m.randint_like(m.zeros(2, 3), 10, dtype=m.int64)",
    "m.randint_like(m.zeros(2, 3), 10, requires_grad=True)", "m.randint_like(m.zeros(2, dtype=m.complex64), 10)",
    # randint
    "m.randint(10, (3,))", "m.randint(3, 10, (3,))", "m.randint(10, size=(3,))", "m.randint(low=2, high=10, size=(3,))",
    "m.randint(high=10, size=(3,))", "m.randint(10, (2, 3))", "m.randint(10, m.Size([2, 3]))", "m.randint(10, [2, 3])",
    "m.randint(10, ())", "m.randint(10, (3,), dtype=m.int32)", "m.randint(10, (3,), dtype=m.float32)",
    "m.randint(10, (3,), dtype=m.float16)", "m.randint(10, (3,), dtype=m.bool)", "m.randint(2, (3,), dtype=m.bool)",
    "m.randint(-1, 1, (3,), dtype=m.bool)", "m.randint(10, (3,), dtype=m.uint8)", "m.randint(300, (3,), dtype=m.uint8)",
    "m.randint(-1, 300, (3,), dtype=m.uint8)", "m.randint(-200, 10, (3,), dtype=m.int8)",
    "m.randint(-2**40, 0, (3,), dtype=m.int16)", "m.randint(0, 2**40, (3,), dtype=m.int32)",
    "m.randint(0, 2**40, (3,))", "m.randint(0, 70000, (3,), dtype=m.float16)",
    "m.randint(0, 1e39, (3,))", "m.randint(10, (3,), dtype=m.complex64)", "m.randint(5, 5, (3,))",
    "m.randint(5, 4, (3,))", "m.randint(0, (3,))", "m.randint(10, 3)", "m.randint(10)", "m.randint(1.5, 10.5, (3,))",
    "m.randint(m.tensor(3), (3,))", "m.randint(np.int64(3), (3,))", "m.randint(2**63, (3,))",
    "m.randint(-2**63, 2**63 - 1, (3,))", "m.randint(10, (-1,))", "m.randint(10, (3,), requires_grad=True)",
    "m.randint(10, (3,), dtype=m.float32, requires_grad=True)", "m.randint(3, (3,), out=m.empty(0, dtype=m.int16))",
    "m.randint(3, (3,), dtype=m.int32, out=m.empty(0, dtype=m.int64))", "m.randint(5, (2,), out=m.empty(3))",
    # randperm
    "m.randperm(5)", "m.randperm(0)", "m.randperm(-1)", "m.randperm(5.5)", "m.randperm(m.tensor(3))",
    "m.randperm(n=3)", "m.randperm(5, dtype=m.int32)", "m.randperm(5, dtype=m.float32)",
    "m.randperm(5, dtype=m.float16)", "m.randperm(2049, dtype=m.float16)", "m.randperm(2050, dtype=m.float16)",
    "m.randperm(300, dtype=m.bfloat16)", "m.randperm(256, dtype=m.uint8)", "m.randperm(300, dtype=m.uint8)",
    "m.randperm(128, dtype=m.int8)", "m.randperm(129, dtype=m.int8)", "m.randperm(5, dtype=m.bool)",
    "m.randperm(5, dtype=m.complex64)", "m.randperm(5, requires_grad=True)",
    "m.randperm(5, dtype=m.float32, requires_grad=True)", "m.randperm(4, out=m.empty(3, dtype=m.int64))",
    "m.randperm(4, out=m.empty(3))",
    # normal
    "m.normal(m.zeros(3), m.ones(3))", "m.normal(m.zeros(3), 1.)", "m.normal(0., m.ones(3))", "m.normal(0., 1., (3,))",
    "m.normal(0., 1., size=(3,))", "m.normal(0, 1, (3,))", "m.normal(2, 3, size=(2,), generator=m.Generator())",
    "m.normal(0., 1., (3,), dtype=m.float64)", "m.normal(0., 1., (3,), dtype=m.int64)", "m.normal(0., 1.)",
    "m.normal(0., -1., (3,))", "m.normal(m.zeros(3), -1.)", "m.normal(m.zeros(3), -0.5)",
    "m.normal(m.zeros(3), float('nan'))", "m.normal(m.zeros(3), -m.ones(3))",
    "m.normal(m.zeros(3), m.tensor(float('nan')))",
    "m.normal(m.zeros(3), m.ones(2))", "m.normal(m.zeros(3, 1), m.ones(2))", "m.normal(m.zeros(2, 3), m.ones(3))",
    "m.normal(m.zeros(()), m.ones(()))", "m.normal(m.zeros(0), m.ones(0))",
    "m.normal(m.zeros(3), m.ones(3, dtype=m.float64))", "m.normal(m.zeros(3), m.ones(3, dtype=m.int64))",
    "m.normal(0., m.ones(3, dtype=m.int64))", "m.normal(m.zeros(3, dtype=m.int64), 1.)",
    "m.normal(m.zeros(3, dtype=m.float16), m.ones(3, dtype=m.float16))", "m.normal(m.zeros(3, dtype=m.bfloat16), 2.)",
    "m.normal(m.zeros(3, dtype=m.complex64), 1.)", "m.normal(0., m.ones(3, dtype=m.complex64))",
    "m.normal(m.zeros(3), m.ones(3, requires_grad=True))", "m.normal(m.zeros(3, requires_grad=True), 1.)",
    "m.normal(0., m.ones(3, requires_grad=True))", "m.normal(mean=m.zeros(3), std=m.ones(3))",
    "m.normal(mean=m.zeros(3))", "m.normal(m.zeros(3))", "m.normal(0., 1., (3,), requires_grad=True)",
    "m.normal(m.zeros(3), m.ones(3), out=m.empty(0))",
    "m.normal(m.zeros(3), m.ones(3), out=m.empty(0, dtype=m.float64))",
    "m.normal(0., 1., (3,), out=m.empty(0, dtype=m.float64))",
    "m.normal(0., 1., (3,), dtype=m.float32, out=m.empty(0, dtype=m.float64))",
    # bernoulli
    "m.bernoulli(m.full((3,), 0.5))", "m.bernoulli(m.full((3,), 0.5, dtype=m.float64))",
    "m.bernoulli(m.full((3,), 0.5, dtype=m.float16))", "m.bernoulli(m.full((3,), 0.5, dtype=m.bfloat16))",
    "m.bernoulli(m.full((3,), 1, dtype=m.int64))", "m.bernoulli(m.full((3,), 1, dtype=m.bool))",
    "m.bernoulli(m.full((3,), 0.5, dtype=m.complex64))", "m.bernoulli(m.full((3,), 1.5))",
    "m.bernoulli(m.full((3,), -0.5))", "m.bernoulli(m.full((3,), float('nan')))", "m.bernoulli(m.full((3,), 0.5), 0.3)",
    "m.bernoulli(m.full((3,), 0.5), p=0.3)", "m.bernoulli(m.full((3,), 0.5), 1)",
    "m.bernoulli(m.full((3,), 0.5), p=1.3)",
    "m.bernoulli(m.full((3,), 0.5), p=-0.1)", "m.bernoulli(m.full((3,), 0.5), p=float('nan'))",
    "m.bernoulli(m.full((3,), 1, dtype=m.int64), 0.3)", "m.bernoulli(m.full((3,), 1, dtype=m.bool), 0.3)",
    "m.bernoulli(m.full((3,), 0.5), m.full((3,), 0.2))", "m.bernoulli(m.full((3,), 0.5, requires_grad=True))",
    "m.bernoulli(m.full((3,), 0.5, requires_grad=True), 0.2)", "m.bernoulli(m.full((2, 3), 0.5), out=m.empty(0))",
    "m.bernoulli(m.full((3,), 0.5), out=m.empty(0, dtype=m.int64))", "m.bernoulli(m.zeros(0, 2))",
    "m.bernoulli([0.5])", "m.full((3,), 0.5).bernoulli()", "m.full((3,), 0.5).bernoulli(0.2)",
    # multinomial
    "m.multinomial(m.tensor([1., 2., 3.]), 2)", "m.multinomial(m.tensor([1., 2., 3.]), 3)",
    "m.multinomial(m.tensor([1., 2., 3.]), 4)", "m.multinomial(m.tensor([1., 2., 3.]), 4, replacement=True)",
    "m.multinomial(m.tensor([1., 2., 3.]), 4, True)", "m.multinomial(m.tensor([[1., 2., 3.], [1., 1., 1.]]), 2)",
    "m.multinomial(m.tensor([[1., 2., 3.], [1., 1., 1.]]), 5, True)", "m.multinomial(m.tensor([1., -2., 3.]), 2)",
    "m.multinomial(m.tensor([1., -2., 3.]), 2, True)", "m.multinomial(m.tensor([1., -2., 3.]), 1, True)",
    "m.multinomial(m.tensor([0., 0., 0.]), 2)", "m.multinomial(m.tensor([0., 0., 0.]), 2, True)",
    "m.multinomial(m.tensor([1., float('nan'), 3.]), 2)", "m.multinomial(m.tensor([1., float('nan'), 3.]), 2, True)",
    "m.multinomial(m.tensor([1., float('inf'), 3.]), 2)", "m.multinomial(m.tensor([1., float('inf'), 3.]), 2, True)",
    "m.multinomial(m.tensor([[1., 2.], [0., 0.]]), 1)", "m.multinomial(m.tensor([1, 2, 3]), 2)",
    "m.multinomial(m.tensor([1., 2., 3.]), 0)", "m.multinomial(m.tensor([1., 2., 3.]), -1)",
    "m.multinomial(m.tensor([1., 2., 3.]), 2.5)", "m.multinomial(m.tensor([1., 2., 3.]), m.tensor(2))",
    "m.multinomial(m.tensor([1., 2., 3.]), 2, replacement=1)", "m.multinomial(m.tensor(1.), 1)",
    "m.multinomial(m.ones(2, 2, 2), 1)", "m.multinomial(m.tensor([1., 0., 0.]), 2)",
    "m.multinomial(m.tensor([1., 0., 0.]), 2, replacement=True)", "m.multinomial(m.zeros(0), 1)",
    "m.multinomial(m.zeros(2, 0), 1)", "m.multinomial(m.zeros(0, 3) + 1, 1)",
    "m.multinomial(m.tensor([1., 2., 3.], dtype=m.float16), 2)",
    "m.multinomial(m.tensor([1., 2.], dtype=m.float64), 2)",
    "m.multinomial(m.tensor([1., 2., 3.], dtype=m.bfloat16), 2, True)",
    "m.multinomial(m.tensor([1., 2., 3.], requires_grad=True), 2)",
    "m.multinomial(m.tensor([1., 2., 3.]), 2, out=m.empty(5, dtype=m.int64))",
    "m.multinomial(m.tensor([1., 2., 3.]), 2, out=m.empty(0, dtype=m.int32))", "m.ones(3).multinomial(2)",
]


@pytest.mark.parametrize("src", CASES)
def test_shapes_dtypes_and_errors(src):
    check(run(src))


@pytest.mark.parametrize("dtype", DTYPES)
def test_dtypes(dtype):
    for op in ("rand(2, {})", "randn(2, {})", "randint(0, 2, (2,), {})", "randperm(3, {})", "normal(0., 1., (2,), {})",
               "rand_like(m.zeros(2, {}))", "randn_like(m.zeros(2, {}))", "randint_like(m.zeros(2, {}), 2)",
               "bernoulli(m.zeros(2, {}))", "bernoulli(m.zeros(2, {}), 0.5)", "multinomial(m.ones(2, {}), 1)",
               "normal(m.zeros(2, {}), 1.)", "normal(m.zeros(2), m.ones(2, {}))", "normal(0., m.ones(2, {}))"):
        check(run("m." + op.format(f"dtype=m.{dtype}")))


# ----------------------------------------------------------------- ranges of values
@pytest.mark.parametrize("dtype", FLOATS + ["complex64", "complex128"])
def test_rand_is_in_the_unit_interval(dtype):
    u = host(jt.rand(20000, dtype=getattr(jt, dtype)))
    for part in (u.real, u.imag) if np.iscomplexobj(u) else (u,):
        assert part.min() >= 0 and part.max() < 1
        assert 0.45 < part.mean() < 0.55


@given(bounds=st.tuples(st.integers(-1000, 1000), st.integers(1, 500)),
       dtype=st.sampled_from(["int64", "int32", "int16", "float32", "float64"]))
def test_randint_is_in_range(bounds, dtype):
    low, span = bounds
    values = host(jt.randint(low, low + span, (200,), dtype=getattr(jt, dtype)))
    assert values.min() >= low and values.max() < low + span
    assert np.array_equal(values, np.round(values))


@pytest.mark.parametrize("dtype", ["uint8", "int8", "bool", "float16", "bfloat16"])
def test_randint_covers_small_dtypes(dtype):
    info = {"uint8": (0, 256), "int8": (-128, 128), "bool": (0, 2), "float16": (-2048, 2049),
            "bfloat16": (-256, 257)}[dtype]
    values = host(jt.randint(*info, (5000,), dtype=getattr(jt, dtype))).astype(np.int64)
    assert values.min() >= info[0] and values.max() < info[1]
    assert len(np.unique(values)) > min(info[1] - info[0], 200) * 0.9


@given(n=st.integers(0, 300), dtype=st.sampled_from(["int64", "int32", "int16", "float32", "float64"]))
def test_randperm_is_a_permutation(n, dtype):
    values = host(jt.randperm(n, dtype=getattr(jt, dtype)))
    assert sorted(values.astype(np.int64).tolist()) == list(range(n))


def test_bernoulli_values_are_zero_or_one():
    p = jt.rand(50, 40)
    for dtype in FLOATS:
        b = host(jt.bernoulli(p.to(getattr(jt, dtype))))
        assert set(np.unique(b).tolist()) <= {0.0, 1.0}
    assert host(jt.bernoulli(jt.zeros(100))).sum() == 0
    assert host(jt.bernoulli(jt.ones(100))).sum() == 100
    assert host(jt.bernoulli(jt.zeros(100, dtype=jt.int32), 1.0)).tolist() == [1] * 100


@given(rows=st.integers(1, 4), categories=st.integers(1, 12), data=st.data())
def test_multinomial_without_replacement_draws_distinct_categories(rows, categories, data):
    num_samples = data.draw(st.integers(1, categories))
    weights = jt.rand(rows, categories) + 0.01
    samples = host(jt.multinomial(weights, num_samples))
    assert samples.shape == (rows, num_samples) and samples.dtype == np.int64
    for row in samples:
        assert len(set(row.tolist())) == num_samples and row.min() >= 0 and row.max() < categories


def test_multinomial_never_draws_zero_weights():
    weights = jt.tensor([[0., 3., 0., 1.], [2., 0., 0., 0.]])
    with_replacement = host(jt.multinomial(weights, 500, replacement=True))
    assert set(with_replacement[0].tolist()) == {1, 3} and set(with_replacement[1].tolist()) == {0}
    assert set(host(jt.multinomial(weights[0], 2)).tolist()) == {1, 3}


# ----------------------------------------------------------------- distributions
N = 200_000


@pytest.mark.parametrize("dtype", FLOATS)
def test_rand_and_randn_moments(dtype):
    jt.manual_seed(1)
    u = host(jt.rand(N, dtype=getattr(jt, dtype))).astype(np.float64)
    assert abs(u.mean() - 0.5) < 0.01 and abs(u.std() - 1 / math.sqrt(12)) < 0.01
    z = host(jt.randn(N, dtype=getattr(jt, dtype))).astype(np.float64)
    assert abs(z.mean()) < 0.02 and abs(z.std() - 1) < 0.02
    assert abs(np.mean(np.abs(z) < 1) - 0.6827) < 0.01  # it is normal, not just unit variance


def test_complex_randn_has_unit_variance_split_between_parts():
    z = host(jt.randn(N, dtype=jt.complex64))
    assert abs(z.real.var() - 0.5) < 0.02 and abs(z.imag.var() - 0.5) < 0.02
    assert abs(np.mean(np.abs(z) ** 2) - 1) < 0.02


def test_normal_overloads_have_the_requested_moments():
    mean, std = jt.tensor([-3.0, 0.0, 10.0]), jt.tensor([0.5, 1.0, 4.0])
    samples = host(jt.normal(mean.expand(N // 10, 3), std.expand(N // 10, 3)))
    np.testing.assert_allclose(samples.mean(0), [-3, 0, 10], atol=0.1)
    np.testing.assert_allclose(samples.std(0), [0.5, 1, 4], rtol=0.05)
    scalar = host(jt.normal(5.0, 2.0, (N,)))
    assert abs(scalar.mean() - 5) < 0.05 and abs(scalar.std() - 2) < 0.05
    tensor_mean = host(jt.normal(jt.full((N,), -2.0), 3.0))
    assert abs(tensor_mean.mean() + 2) < 0.05 and abs(tensor_mean.std() - 3) < 0.05
    tensor_std = host(jt.normal(1.0, jt.full((N,), 0.5)))
    assert abs(tensor_std.mean() - 1) < 0.02 and abs(tensor_std.std() - 0.5) < 0.02


def test_normal_gradients_are_torchs():
    mean = jt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    std = jt.tensor([0.5, 1.0, 2.0], requires_grad=True)
    out = jt.normal(mean, std)
    out.sum().backward()
    np.testing.assert_allclose(host(mean.grad), [1.0, 1.0, 1.0])
    np.testing.assert_allclose(host(std.grad), host((out - mean) / std), rtol=1e-5, atol=1e-6)
    p = jt.full((4,), 0.3, requires_grad=True)
    jt.bernoulli(p).sum().backward()
    assert host(p.grad).tolist() == [0.0] * 4


@pytest.mark.parametrize("high", [2, 7, 100])
def test_randint_is_uniform(high):
    counts = np.bincount(host(jt.randint(0, high, (N,))), minlength=high)
    expected = N / high
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < high - 1 + 6 * math.sqrt(2 * (high - 1))  # mean + 6 sd of the chi-square


def test_randperm_is_uniform():
    first = np.array([host(jt.randperm(5))[0] for _ in range(2000)])
    counts = np.bincount(first, minlength=5)
    assert counts.min() > 300 and counts.max() < 500


@pytest.mark.parametrize("p", [0.1, 0.5, 0.85])
def test_bernoulli_mean(p):
    assert abs(host(jt.bernoulli(jt.full((N,), p))).mean() - p) < 0.01
    assert abs(host(jt.bernoulli(jt.zeros(N), p)).mean() - p) < 0.01
    assert abs(host(jt.bernoulli(jt.full((N,), p, dtype=jt.float64))).mean() - p) < 0.01


def test_multinomial_frequencies_follow_the_weights():
    weights = np.array([1.0, 2.0, 3.0, 0.0, 4.0])
    samples = host(jt.multinomial(jt.tensor(weights), N, replacement=True))
    np.testing.assert_allclose(np.bincount(samples, minlength=5) / N, weights / weights.sum(), atol=0.01)
    # Without replacement, the first draw of each row follows the weights too.
    firsts = host(jt.multinomial(jt.tensor(weights).expand(N // 4, 5), 2))[:, 0]
    np.testing.assert_allclose(np.bincount(firsts, minlength=5) / (N // 4), weights / weights.sum(), atol=0.015)
