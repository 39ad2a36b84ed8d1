"""torch.device, tensor devices, `to`/`cpu`/`cuda` and torch.cuda, against real torch.

Real torch here is a CPU-only build, so the accelerator cases compare what both raise on a
machine without one; the GPU-only tests run where JAX has an accelerator.
"""
import pickle
import re

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import jtorch as jt

CPU_ONLY = not jt.cuda.is_available()
cpu_only = pytest.mark.skipif(not CPU_ONLY, reason="compares torch's CPU-only behaviour")
needs_gpu = pytest.mark.skipif(CPU_ONLY, reason="needs a JAX accelerator")


def outcome(fn, lib):
    """What `fn(lib)` gives: ("ok", value) or ("raise", type name, first line of the message)."""
    try:
        return ("ok", fn(lib))
    except Exception as e:  # noqa: BLE001 - any exception is an outcome to compare
        return ("raise", type(e).__name__, str(e).split("\n")[0])


def same(fn):
    expected, actual = outcome(fn, torch), outcome(fn, jt)
    assert actual == expected
    return expected


def describe(d):
    return repr(d), str(d), d.type, d.index


# ----------------------------------------------------------------- torch.device
VALID = ["cpu", "cuda", "cuda:1", "cpu:0", "cuda:0", "meta", "mps", "xpu:1", "hip", "fpga:3", "privateuseone",
         "cuda:127", b"cpu"]
INVALID = ["", "gpu", "CUDA", "cuda:-1", "cuda:x", "cuda:01", "cuda: 1", "cuda:1:2", ":1", "cuda:", "cpu ", "1",
           "cuda:99999999999", "cuda_x", "cu da"]


@pytest.mark.parametrize("text", VALID + INVALID)
def test_device_from_string(text):
    same(lambda lib: describe(lib.device(text)))


@pytest.mark.parametrize("args, kwargs", [
    (("cuda", 0), {}), (("cpu", 3), {}), (("cuda", None), {}), (("cuda", np.int64(2)), {}),
    ((), {"type": "cuda", "index": 2}), (("cuda",), {"index": 1}), (("cuda", -1), {}), (("cuda:1", 1), {}),
    (("cuda", 1.5), {}), (("cuda", True), {}),
    (("cpu", "x"), {}), ((None,), {}), ((1.5,), {}), ((True,), {}), ((), {}), (("cuda",), {"foo": 1}),
    ((), {"type": "cuda", "foo": 1}), (("cuda", 1, 2), {}), (("cuda",), {"index": 1.5}),
])
def test_device_from_arguments(args, kwargs):
    same(lambda lib: describe(lib.device(*args, **kwargs)))


def test_device_from_device_and_tensor_index():
    same(lambda lib: describe(lib.device(lib.device("cuda:2"))))
    same(lambda lib: describe(lib.device("cuda", lib.tensor(1))))
    same(lambda lib: describe(lib.device(lib.device("cpu"), 1)))


@cpu_only
@pytest.mark.parametrize("index", [0, 5, -1])
def test_int_device_needs_an_accelerator(index):
    same(lambda lib: describe(lib.device(index)))


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="cpudamx:019_ ", max_size=8))
def test_device_strings_parse_like_torch(text):
    # torch stores the index in an int8 and prints wrapped values from 128 on; jtorch keeps the index
    assume(not re.search(r"[1-9][0-9]{2}", text))
    same(lambda lib: describe(lib.device(text)))


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["cpu", "cuda", "meta", "xla", "mps"]), st.one_of(st.none(), st.integers(-3, 127)))
def test_device_type_and_index_like_torch(kind, index):
    same(lambda lib: describe(lib.device(kind, index)))


def test_device_equality_and_hash():
    for lib in (torch, jt):
        d = lib.device
        assert d("cuda:1") == d("cuda", 1) and hash(d("cuda:1")) == hash(d("cuda", 1))
        assert d("cuda") != d("cuda:0") and d("cpu") != d("cpu:0")
        assert {d("cuda", 1): 3}[d("cuda:1")] == 3
    same(lambda lib: lib.device("cpu") == "cpu")
    same(lambda lib: lib.device("cpu").__eq__("cpu"))
    same(lambda lib: lib.device("cpu") < lib.device("cuda"))
    same(lambda lib: lib.device("cpu") >= lib.device("cuda"))


def test_device_is_immutable():
    for name in ("type", "index", "foo"):
        def assign(lib, name=name):
            setattr(lib.device("cuda:1"), name, 3)

        same(assign)


def test_device_pickles():
    d = pickle.loads(pickle.dumps(jt.device("cuda:1")))
    assert d == jt.device("cuda", 1) and isinstance(d, jt.device)


def test_device_context_and_default_device():
    same(lambda lib: describe(lib.get_default_device()))
    for lib in (torch, jt):
        with lib.device("cpu") as d:
            assert repr(d) == "device(type='cpu')"
            assert lib.zeros(1).device == lib.device("cpu")


@cpu_only
def test_default_device_cuda_raises_on_creation():
    def run(lib):
        lib.set_default_device("cuda")
        try:
            return lib.zeros(1)
        finally:
            lib.set_default_device(None)

    same(run)
    same(lambda lib: describe(lib.get_default_device()))


# ----------------------------------------------------------------- tensor devices
@pytest.mark.parametrize("dev", ["cpu", "cpu:0", "cpu:1", None])
def test_creation_device(dev):
    def run(lib):
        d = lib.device(dev) if dev is not None else None
        made = [lib.zeros(2, device=dev), lib.ones(2, device=d), lib.tensor([1.0], device=dev),
                lib.arange(3, device=dev), lib.full((2,), 1.0, device=dev), lib.eye(2, device=dev),
                lib.empty(2, device=dev), lib.linspace(0, 1, 3, device=dev), lib.zeros_like(lib.ones(2), device=dev),
                lib.ones(1).new_zeros(2, device=dev)]
        return [describe(t.device) for t in made]

    same(run)


def test_tensor_device_queries():
    same(lambda lib: (lib.zeros(2).is_cuda, lib.zeros(2).is_cpu, lib.zeros(2).get_device(), str(lib.zeros(2).device)))


def summary(t):
    return str(t.dtype), str(t.device), tuple(t.shape), t.tolist(), t.requires_grad


TO_CALLS = [
    ((lambda lib: (lib.float64,)), {}),
    ((lambda lib: ("cpu",)), {}),
    ((lambda lib: ("cpu", lib.int32)), {}),
    ((lambda lib: (lib.device("cpu"), lib.float16)), {}),
    ((lambda lib: (lib.ones(1, dtype=lib.int8),)), {}),
    ((lambda lib: ()), {"dtype": "float64"}),
    ((lambda lib: ()), {"device": "cpu", "dtype": "int64"}),
    ((lambda lib: (lib.float64, False, True)), {}),
    ((lambda lib: ("cpu", lib.int32, True, True)), {}),
    ((lambda lib: (float,)), {}),
    ((lambda lib: (int,)), {}),
    ((lambda lib: (bool,)), {}),
    ((lambda lib: (complex,)), {}),
    ((lambda lib: (None,)), {}),
    ((lambda lib: (None, lib.float64)), {}),
    ((lambda lib: ("cpu", None)), {}),
    ((lambda lib: ()), {}),
    ((lambda lib: (lib.ones(1, dtype=lib.int32),)), {"non_blocking": True}),
    ((lambda lib: ()), {"tensor": "int32"}),
    # invalid combinations
    ((lambda lib: ("cpu", "cuda")), {}),
    ((lambda lib: (lib.float32, lib.float64)), {}),
    ((lambda lib: (lib.zeros(1), lib.float64)), {}),
    ((lambda lib: (lib.float32, "cpu")), {}),
    ((lambda lib: ([1],)), {}),
    ((lambda lib: (np.ones(1),)), {}),
    ((lambda lib: ()), {"foo": 1}),
    ((lambda lib: ("cpu", lib.float32)), {"foo": 2}),
    ((lambda lib: ()), {"device": "cpu", "foo": 1}),
    ((lambda lib: ()), {"dtype": "float"}),
    ((lambda lib: ()), {"device": 3.5}),
    ((lambda lib: (lib.float64,)), {"copy": True, "dtype": "float16"}),
    ((lambda lib: ("bogus",)), {}),
]


def _resolve(lib, kwargs):
    """Keyword values given by name ('float64', 'int32'): the library's dtype, or a tensor of it."""
    out = {}
    for key, value in kwargs.items():
        if key == "tensor":
            value = lib.ones(1, dtype=getattr(lib, value))
        elif key == "dtype" and isinstance(value, str) and value != "float":
            value = getattr(lib, value)
        out[key] = value
    return out


@pytest.mark.parametrize("make_args, kwargs", TO_CALLS)
def test_to(make_args, kwargs):
    same(lambda lib: summary(lib.tensor([1.5, -2.0]).to(*make_args(lib), **_resolve(lib, kwargs))))


def test_to_returns_self_when_nothing_changes():
    def run(lib):
        x = lib.zeros(2)
        w = lib.zeros(2, requires_grad=True)
        return (x.to("cpu") is x, x.cpu() is x, x.to(lib.float32) is x, x.to(x) is x, x.to() is x,
                x.to(lib.float32, copy=True) is x, x.double() is x, w.cpu() is w, w.to(lib.float32) is w)

    same(run)


def test_to_records_autograd():
    def run(lib):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        y = w.to(lib.float64)
        (y * y).sum().backward()
        return y.grad_fn.name(), str(y.dtype), w.grad.tolist(), str(w.grad.dtype)

    same(run)


def test_to_copy_does_not_alias():
    def run(lib):
        x = lib.zeros(2)
        y = x.to("cpu", copy=True)
        y.add_(1)
        return x.tolist(), y.tolist()

    same(run)


@pytest.mark.parametrize("dtype, name", [
    (None, None), ("float64", None), (None, "torch.DoubleTensor"), (None, "torch.BoolTensor"), (None, "FloatTensor"),
    (None, "torch.Foo"),
])
def test_type(dtype, name):
    def run(lib):
        x = lib.tensor([1.5, 0.0])
        if dtype is None and name is None:
            return x.type(), x.half().type(), x.bool().type()
        return summary(x.type(getattr(lib, dtype) if dtype else name))

    same(run)


# ----------------------------------------------------------------- no accelerator
CUDA_CALLS = [
    lambda lib: lib.zeros(1, device="cuda"),
    lambda lib: lib.zeros(1, device="cuda:1"),
    lambda lib: lib.zeros(1, device=lib.device("cuda")),
    lambda lib: lib.zeros(1, device=0),
    lambda lib: lib.tensor([1.0], device="cuda"),
    lambda lib: lib.arange(3, device="cuda"),
    lambda lib: lib.randn(2, device="cuda"),
    lambda lib: lib.full((2,), 1.0, device="cuda"),
    lambda lib: lib.eye(2, device="cuda"),
    lambda lib: lib.ones_like(lib.ones(2), device="cuda"),
    lambda lib: lib.ones(1).new_ones(2, device="cuda"),
    lambda lib: lib.as_tensor(np.ones(2), device="cuda"),
    lambda lib: lib.zeros(1).to("cuda"),
    lambda lib: lib.zeros(1).to("cuda:1"),
    lambda lib: lib.zeros(1).to(device="cuda"),
    lambda lib: lib.zeros(1).to(lib.device("cuda"), lib.float64),
    lambda lib: lib.zeros(1).to(0),
    lambda lib: lib.zeros(1).to(device=0),
    lambda lib: lib.zeros(1).cuda(),
    lambda lib: lib.zeros(1).cuda(0),
    lambda lib: lib.zeros(1).cuda(device=1),
    lambda lib: lib.zeros(1).cuda("cuda:1"),
    lambda lib: lib.zeros(1).cuda("cpu"),
    lambda lib: lib.zeros(1).cuda(lib.device("cpu:0")),
    lambda lib: lib.zeros(1).cuda(-1),
    lambda lib: lib.zeros(1).to("mps"),
    lambda lib: lib.zeros(1).to("hip"),
    lambda lib: lib.zeros(1).to("xpu"),
    lambda lib: lib.cuda.current_device(),
    lambda lib: lib.cuda.get_device_name(),
    lambda lib: lib.cuda.get_device_name(0),
    lambda lib: lib.cuda.get_device_capability(),
    lambda lib: lib.cuda.get_device_properties(0),
    lambda lib: lib.cuda.synchronize(),
    lambda lib: lib.cuda.init(),
    lambda lib: lib.cuda.set_device(None),
    lambda lib: lib.cuda.device("cpu"),
]


@cpu_only
@pytest.mark.parametrize("call", CUDA_CALLS)
def test_cuda_without_accelerator(call):
    def run(lib):
        result = call(lib)
        return summary(result) if isinstance(result, lib.Tensor) else result

    same(run)


@cpu_only
def test_cuda_queries_without_accelerator():
    same(lambda lib: (lib.cuda.is_available(), lib.cuda.device_count(), lib.cuda.is_initialized(),
                      lib.cuda.memory_allocated(), lib.cuda.max_memory_allocated(), lib.cuda.memory_reserved(),
                      lib.cuda.empty_cache(), lib.cuda.is_bf16_supported()))
    same(lambda lib: (lib.cuda.manual_seed(0), lib.cuda.manual_seed_all(0)))


@cpu_only
def test_cuda_device_context_without_accelerator():
    def enter(lib, index):
        with lib.cuda.device(index):
            return lib.zeros(1).tolist()

    same(lambda lib: enter(lib, 0))
    same(lambda lib: enter(lib, -1))


@cpu_only
def test_cuda_manual_seed_leaves_cpu_stream_alone():
    jt.manual_seed(0)
    first = jt.rand(3).tolist()
    jt.manual_seed(0)
    jt.cuda.manual_seed(123)
    assert jt.rand(3).tolist() == first


# ----------------------------------------------------------------- with an accelerator
@needs_gpu
def test_cuda_round_trip():
    x = jt.arange(6.0).reshape(2, 3)
    y = x.cuda()
    assert y.device == jt.device("cuda", 0) and y.is_cuda and y.get_device() == 0
    assert x.to("cuda").device == y.device and jt.zeros(1, device="cuda").device == y.device
    assert (y * 2).cpu().tolist() == (x * 2).tolist()
    assert y.to("cpu", jt.float64).dtype is jt.float64
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        y.numpy()
    np.testing.assert_array_equal(y.numpy(force=True), x.numpy())
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        x + y.reshape(3, 2).t()
    assert jt.cuda.current_device() == 0 and jt.cuda.device_count() >= 1
    assert isinstance(jt.cuda.get_device_name(), str)
    jt.cuda.synchronize()
