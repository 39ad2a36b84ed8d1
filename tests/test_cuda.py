"""jtorch on JAX's accelerator ('cuda'): the same programs on the GPU give torch's results.

Real torch here is a CPU build, so each test runs jtorch on the accelerator and compares
with torch on the CPU (values, dtypes, shapes, errors, printing, gradients, training).
These tests need a JAX accelerator and are skipped without one. `JTORCH_TEST_ACCELERATOR=cpu`
runs the same checks with jtorch on the CPU (to check the tests themselves on any machine).
"""
import io
import os

import numpy as np
import pytest
import torch

import jtorch as jt

ACCEL = os.environ.get("JTORCH_TEST_ACCELERATOR", "cuda")
ON_GPU = ACCEL == "cuda"
pytestmark = pytest.mark.skipif(ON_GPU and not jt.cuda.is_available(), reason="needs a JAX accelerator")
DEVICE = "cuda:0" if ON_GPU else "cpu"


def to_accel(t: torch.Tensor) -> jt.Tensor:
    """torch CPU tensor -> jtorch tensor on the accelerator."""
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16
        return jt.tensor(t.detach().float().numpy()).to(ACCEL, jt.bfloat16)
    return jt.tensor(t.detach().numpy()).to(ACCEL)


def same(j: jt.Tensor, t: torch.Tensor, rtol=1e-6, atol=1e-7):
    assert str(j.device) == DEVICE
    assert str(j.dtype) == str(t.dtype) and tuple(j.shape) == tuple(t.shape)
    if t.dtype == torch.bfloat16:
        j, t = j.float(), t.float()
    np.testing.assert_allclose(j.detach().cpu().numpy(), t.detach().numpy(), rtol=rtol, atol=atol, equal_nan=True)


def test_factories_land_on_the_accelerator():
    for make in (lambda lib: lib.zeros(2, 3, device=ACCEL), lambda lib: lib.arange(5, device=ACCEL),
                 lambda lib: lib.full((2,), 7, device=ACCEL, dtype=lib.float64),
                 lambda lib: lib.tensor([[1, 2], [3, 4]], device=ACCEL, dtype=lib.int16),
                 lambda lib: lib.eye(3, device=ACCEL), lambda lib: lib.linspace(0, 1, 5, device=ACCEL)):
        j, t = make(jt), make(_TorchCPU())
        same(j, t, rtol=0, atol=0)
    for rand in (jt.rand, jt.randn):
        r = rand(1000, device=ACCEL)
        assert str(r.device) == DEVICE and r.dtype is jt.float32
    r = jt.randint(0, 10, (1000,), device=ACCEL)
    assert r.dtype is jt.int64 and 0 <= r.min().item() and r.max().item() < 10
    assert jt.randperm(50, device=ACCEL).sort().values.tolist() == list(range(50))
    assert str(jt.zeros_like(r).device) == DEVICE and str(r.new_ones(2).device) == DEVICE


class _TorchCPU:
    """torch with device= mapped to the CPU, so one lambda builds both expected and actual."""

    def __getattr__(self, name):
        fn = getattr(torch, name)
        if not callable(fn) or isinstance(fn, type):
            return fn

        def call(*args, **kwargs):
            if "device" in kwargs:
                kwargs["device"] = "cpu"
            return fn(*args, **kwargs)
        return call


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "float16", "bfloat16", "bool",
                                   "complex64"])
def test_pointwise_and_reductions(dtype):
    g = torch.Generator().manual_seed(0)
    a = (torch.randn(4, 5, generator=g) * 4).to(getattr(torch, dtype))
    b = (torch.randn(5, generator=g) * 4 + 0.5).to(getattr(torch, dtype))
    ja, jb = to_accel(a), to_accel(b)
    loose = dict(rtol=1e-2, atol=1e-2) if dtype in ("float16", "bfloat16") else dict(rtol=2e-6, atol=1e-6)
    same(ja + jb, a + b, **loose)
    same(ja * jb, a * b, **loose)
    same(ja == jb, a == b)
    same(ja.sum(), a.sum(), **loose)
    same(ja.sum(0), a.sum(0), **loose)
    if dtype != "bool":
        same(ja - jb, a - b, **loose)
        same(ja.abs(), a.abs(), **loose)
        if dtype != "complex64":
            same(ja.max(1).values, a.max(1).values, **loose)
            same(ja.argmax(1), a.argmax(1))
            same(ja.sort(1).values, a.sort(1).values, **loose)
            same(ja.cumsum(1), a.cumsum(1), **loose)
    if dtype in ("float32", "float64", "complex64"):
        same(ja / jb, a / b, **loose)
        same(ja.exp(), a.exp(), rtol=1e-5, atol=1e-6)
        same(ja.mean(), a.mean(), **loose)
        if dtype != "complex64":
            same(ja.var(1), a.var(1), rtol=1e-5, atol=1e-6)
            same(jt.sigmoid(ja), torch.sigmoid(a), **loose)
            same(jt.where(ja > 0, ja, jb), torch.where(a > 0, a, b), **loose)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_matmul_and_conv_are_full_precision(dtype):
    """torch's float32 matmul default is full precision ('highest'); no TensorFloat-32."""
    g = torch.Generator().manual_seed(1)
    a = torch.randn(64, 256, generator=g, dtype=getattr(torch, dtype))
    b = torch.randn(256, 32, generator=g, dtype=getattr(torch, dtype))
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == "float32" else dict(rtol=1e-12, atol=1e-12)
    same(to_accel(a) @ to_accel(b), a @ b, **tol)
    x = torch.randn(2, 3, 12, 12, generator=g, dtype=getattr(torch, dtype))
    w = torch.randn(4, 3, 3, 3, generator=g, dtype=getattr(torch, dtype))
    same(jt.nn.functional.conv2d(to_accel(x), to_accel(w), padding=1),
         torch.nn.functional.conv2d(x, w, padding=1), **tol)


def test_float32_matmul_precision_is_torchs_knob():
    """'high' lets a GPU use TensorFloat-32 (as torch's does); back to 'highest', results are exact again."""
    g = torch.Generator().manual_seed(4)
    a, b = torch.randn(128, 512, generator=g), torch.randn(512, 64, generator=g)
    assert jt.get_float32_matmul_precision() == "highest"
    try:
        jt.set_float32_matmul_precision("high")
        same(to_accel(a) @ to_accel(b), a @ b, rtol=2e-2, atol=2e-1)
    finally:
        jt.set_float32_matmul_precision("highest")
    # sums of 512 products of size ~1 differ by summation order only (TensorFloat-32: ~1e-2)
    same(to_accel(a) @ to_accel(b), a @ b, rtol=1e-5, atol=1e-4)
    same(jt.nn.functional.linear(to_accel(a), to_accel(b.t())), a @ b, rtol=1e-5, atol=1e-4)


def test_views_inplace_and_out_on_the_accelerator():
    base_t = torch.arange(12.0).reshape(3, 4)
    base_j = to_accel(base_t)
    for lib, base in ((torch, base_t), (jt, base_j)):
        col = base[:, 1]
        col.mul_(10)
        base.t()[2].add_(1)
        v = base.view(12)
        v[0] = -5
        lib.add(base[0], 1, out=base[2])
        base += 1
    same(base_j, base_t, rtol=0, atol=0)
    assert base_j.view(12)._base is base_j and base_j[:, 1]._version == base_j._version


def test_mixed_devices():
    if not ON_GPU:
        pytest.skip("mixes the CPU with the accelerator")
    x = jt.ones(3, device="cuda")
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        x + jt.ones(3)
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        jt.mm(jt.ones(2, 2, device="cuda"), jt.ones(2, 2))
    # torch lets a 0-d CPU tensor join an accelerator op, as it would a Python scalar
    z = x + jt.tensor(2.0)
    assert str(z.device) == DEVICE and z.tolist() == [3.0, 3.0, 3.0]
    assert x.to("cuda") is x and x.cuda() is x and x.to("cpu") is not x
    assert x.cpu().device == jt.device("cpu") and x.to("cuda:0", jt.float64).device == x.device
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        np.asarray(x)


def test_printing_suffixes():
    if not ON_GPU:
        pytest.skip("the device suffix is printed for accelerator tensors only")
    # torch's format for accelerator tensors: device first, then dtype, then autograd suffixes
    assert repr(jt.tensor([1.0, 2.0], device="cuda")) == "tensor([1., 2.], device='cuda:0')"
    assert repr(jt.tensor([1, 2], device="cuda", dtype=jt.int32)) == \
        "tensor([1, 2], device='cuda:0', dtype=torch.int32)"
    assert repr(jt.tensor(3.0, device="cuda", requires_grad=True)) == \
        "tensor(3., device='cuda:0', requires_grad=True)"
    assert repr(jt.zeros(0, device="cuda")) == "tensor([], device='cuda:0')"
    assert repr(jt.ones(2, device="cuda", requires_grad=True) * 2) == \
        "tensor([2., 2.], device='cuda:0', grad_fn=<MulBackward0>)"


def test_autograd_on_the_accelerator():
    g = torch.Generator().manual_seed(2)
    a = torch.randn(3, 4, generator=g, requires_grad=True)
    w = torch.randn(4, 2, generator=g, requires_grad=True)
    ja = to_accel(a).requires_grad_()
    jw = to_accel(w).requires_grad_()
    for lib, x, y in ((torch, a, w), (jt, ja, jw)):
        out = lib.tanh(x @ y).pow(2).sum() + (x[:, :2] * 3).mean()
        out.backward()
    same(ja.grad, a.grad, rtol=1e-5, atol=1e-6)
    same(jw.grad, w.grad, rtol=1e-5, atol=1e-6)
    assert ja.grad_fn is None and str(ja.grad.device) == DEVICE


def _mlp(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(6, 16), lib.nn.ReLU(), lib.nn.Linear(16, 3))


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_training_on_the_accelerator_matches_torch(optimizer):
    model_t = _mlp(torch)
    model_j = _mlp(jt)
    model_j.load_state_dict({k: jt.tensor(v.numpy()) for k, v in model_t.state_dict().items()})
    model_j.to(ACCEL)
    assert all(str(p.device) == DEVICE for p in model_j.parameters())
    kwargs = {"lr": 0.05, "momentum": 0.9} if optimizer == "SGD" else {"lr": 0.01}
    opt_t = getattr(torch.optim, optimizer)(model_t.parameters(), **kwargs)
    opt_j = getattr(jt.optim, optimizer)(model_j.parameters(), **kwargs)
    g = torch.Generator().manual_seed(3)
    x = torch.randn(32, 6, generator=g)
    y = torch.randint(0, 3, (32,), generator=g)
    jx, jy = to_accel(x), to_accel(y)
    for _ in range(5):
        losses = []
        for lib, model, opt, inp, target in ((torch, model_t, opt_t, x, y), (jt, model_j, opt_j, jx, jy)):
            opt.zero_grad()
            loss = lib.nn.functional.cross_entropy(model(inp), target)
            loss.backward()
            opt.step()
            losses.append(loss)
        same(losses[1], losses[0], rtol=1e-5, atol=1e-6)
    for p_t, p_j in zip(model_t.parameters(), model_j.parameters()):
        same(p_j, p_t, rtol=1e-4, atol=1e-5)
    for state in opt_j.state.values():
        for value in state.values():
            if isinstance(value, jt.Tensor) and value.dim() > 0:
                assert str(value.device) == DEVICE


def test_save_and_load_keep_the_device():
    x = jt.arange(6.0, device=ACCEL).reshape(2, 3)
    buffer = io.BytesIO()
    jt.save({"x": x, "y": x[1]}, buffer)
    buffer.seek(0)
    loaded = jt.load(buffer)
    assert str(loaded["x"].device) == DEVICE and loaded["x"].tolist() == x.tolist()
    buffer.seek(0)
    loaded = jt.load(buffer, map_location="cpu")
    assert loaded["x"].device == jt.device("cpu")
    buffer.seek(0)
    from_torch = torch.load(buffer, map_location="cpu")
    assert from_torch["x"].tolist() == x.tolist() and from_torch["y"].tolist() == [3.0, 4.0, 5.0]


def test_cuda_module_queries():
    if not ON_GPU:
        pytest.skip("torch.cuda queries need the accelerator")
    assert jt.cuda.is_available() and jt.cuda.device_count() >= 1 and jt.cuda.current_device() == 0
    assert isinstance(jt.cuda.get_device_name(0), str)
    jt.cuda.synchronize()
    jt.cuda.manual_seed(5)
    first = jt.rand(3, device="cuda").tolist()
    jt.cuda.manual_seed(5)
    assert jt.rand(3, device="cuda").tolist() == first
    assert jt.cuda.memory_allocated() >= 0 and jt.cuda.max_memory_allocated() >= 0
    jt.cuda.empty_cache()
    with jt.cuda.device(0):
        assert jt.zeros(1, device="cuda").device == jt.device("cuda", 0)
    assert jt.ones(2).pin_memory().device == jt.device("cpu")
