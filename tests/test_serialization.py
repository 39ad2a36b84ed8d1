"""torch.save/torch.load in torch's real file format, in both directions."""
import io
import pickle
import zipfile

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import jtorch as jt

DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool",
          "complex64", "complex128"]


def as_numpy(t):
    t = t.detach()
    if (isinstance(t, torch.Tensor) and t.dtype == torch.bfloat16) or (isinstance(t, jt.Tensor) and t.dtype is jt.bfloat16):
        t = t.float()
    return t.numpy()


@given(st.sampled_from(DTYPES), hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4), st.data())
def test_round_trip_both_ways(dtype, shape, data):
    # XLA flushes float32/bfloat16 subnormals to zero in every computation, `.to()` included
    # (README, "Differences"); subnormal bits themselves survive saving: see the test below.
    values = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-100, 100)))
    values[np.abs(values) < np.finfo(np.float32).tiny] = 0.0
    j = jt.tensor(values).to(getattr(jt, dtype))
    t = torch.tensor(values).to(getattr(torch, dtype))
    buf = io.BytesIO()
    jt.save({"x": j}, buf)
    buf.seek(0)
    loaded = torch.load(buf)["x"]
    assert loaded.dtype == t.dtype and loaded.shape == t.shape
    np.testing.assert_array_equal(as_numpy(loaded), as_numpy(t))
    buf = io.BytesIO()
    torch.save({"x": t}, buf)
    buf.seek(0)
    back = jt.load(buf)["x"]
    assert back.dtype is j.dtype and tuple(back.shape) == tuple(j.shape)
    np.testing.assert_array_equal(as_numpy(back), as_numpy(j))


def test_subnormal_bits_survive_both_ways():
    bits = np.array([1e-45, -1e-40, 1e-39, 0.0, -0.0], dtype=np.float32)
    buf = io.BytesIO()
    jt.save(jt.from_numpy(bits.copy()), buf)
    buf.seek(0)
    loaded = torch.load(buf).numpy()
    assert loaded.tobytes() == bits.tobytes()
    buf = io.BytesIO()
    torch.save(torch.from_numpy(bits.copy()), buf)
    buf.seek(0)
    assert jt.load(buf).numpy().tobytes() == bits.tobytes()


def test_views_share_storage_after_loading(tmp_path):
    base = jt.arange(12.0).reshape(3, 4)
    views = {"base": base, "row": base[1], "col": base[:, 2], "t": base.t(), "step": base.view(-1)[::3]}
    jt.save(views, tmp_path / "j.pt")
    loaded = torch.load(tmp_path / "j.pt")
    ptrs = {loaded[k].untyped_storage().data_ptr() for k in loaded}
    assert len(ptrs) == 1
    for k in views:
        assert loaded[k].stride() == views[k].stride() and loaded[k].storage_offset() == views[k].storage_offset()
    loaded["base"][1, 2] = -1.0
    assert loaded["row"][2].item() == -1.0 and loaded["col"][1].item() == -1.0

    tb = torch.arange(12.0).reshape(3, 4)
    torch.save({"base": tb, "col": tb[:, 2], "t": tb.t()}, tmp_path / "t.pt")
    ours = jt.load(tmp_path / "t.pt")
    assert ours["col"].stride() == tb[:, 2].stride() and ours["t"].stride() == tb.t().stride()
    ours["base"][1, 2] = -1.0
    assert ours["col"][1].item() == -1.0 and ours["t"][2, 1].item() == -1.0
    assert ours["col"].untyped_storage().data_ptr() == ours["base"].untyped_storage().data_ptr()


def test_module_and_optimizer_state_round_trip(tmp_path):
    tm = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
    torch.save(tm.state_dict(), tmp_path / "m.pt")
    jm = jt.nn.Sequential(jt.nn.Linear(3, 4), jt.nn.ReLU(), jt.nn.Linear(4, 1))
    assert repr(jm.load_state_dict(jt.load(tmp_path / "m.pt"))) == "<All keys matched successfully>"
    x = np.linspace(-1, 1, 6).reshape(2, 3).astype(np.float32)
    np.testing.assert_allclose(jm(jt.tensor(x)).detach().numpy(), tm(torch.tensor(x)).detach().numpy(), rtol=1e-6, atol=1e-6)

    opt = jt.optim.Adam(jm.parameters(), lr=0.01)
    jm(jt.tensor(x)).sum().backward()
    opt.step()
    jt.save({"model": jm.state_dict(), "opt": opt.state_dict()}, tmp_path / "ckpt.pt")
    ckpt = torch.load(tmp_path / "ckpt.pt")
    tm.load_state_dict(ckpt["model"])
    topt = torch.optim.Adam(tm.parameters(), lr=0.01)
    topt.load_state_dict(ckpt["opt"])
    assert topt.state_dict()["param_groups"] == opt.state_dict()["param_groups"]
    np.testing.assert_array_equal(topt.state[next(tm.parameters())]["exp_avg"].numpy(),
                                  opt.state[next(jm.parameters())]["exp_avg"].numpy())


def test_parameters_dtypes_devices_and_plain_data(tmp_path):
    obj = {"p": jt.nn.Parameter(jt.ones(2)), "frozen": jt.nn.Parameter(jt.ones(1), requires_grad=False),
           "dtype": jt.float16, "device": jt.device("cpu"), "size": jt.Size([2, 3]), "list": [1, 2.5, "s", None],
           "nested": {"t": jt.tensor([True, False])}}
    jt.save(obj, tmp_path / "o.pt")
    t = torch.load(tmp_path / "o.pt")
    assert isinstance(t["p"], torch.nn.Parameter) and t["p"].requires_grad and not t["frozen"].requires_grad
    assert t["dtype"] is torch.float16 and t["device"] == torch.device("cpu") and t["size"] == torch.Size([2, 3])
    assert t["list"] == [1, 2.5, "s", None] and t["nested"]["t"].tolist() == [True, False]
    back = jt.load(tmp_path / "o.pt")
    assert isinstance(back["p"], jt.nn.Parameter) and back["dtype"] is jt.float16 and back["size"] == jt.Size([2, 3])


def test_weights_only_refuses_code(tmp_path):
    """A crafted checkpoint whose pickle calls os.system must not run it."""
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            import os
            return (os.system, (f"touch {marker}",))

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps({"x": Evil()}, protocol=2))
        archive.writestr("archive/version", b"3\n")
    for lib in (torch, jt):
        buf.seek(0)
        with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
            lib.load(buf)
    assert not marker.exists()


def test_map_location_and_cuda_checkpoint(tmp_path):
    t = torch.ones(2)
    torch.save({"x": t}, tmp_path / "c.pt")
    assert jt.load(tmp_path / "c.pt", map_location="cpu")["x"].device == jt.device("cpu")
    assert jt.load(tmp_path / "c.pt", map_location=jt.device("cpu"))["x"].tolist() == [1.0, 1.0]
    assert jt.load(tmp_path / "c.pt", map_location={"cpu": "cpu"})["x"].tolist() == [1.0, 1.0]


def test_whole_module_pickle_with_weights_only_false(tmp_path):
    jm = jt.nn.Linear(2, 3)
    jt.save(jm, tmp_path / "whole.pt")
    loaded = jt.load(tmp_path / "whole.pt", weights_only=False)
    assert isinstance(loaded, jt.nn.Linear) and repr(loaded) == repr(jm)
    np.testing.assert_array_equal(loaded.weight.detach().numpy(), jm.weight.detach().numpy())
    tl = torch.load(tmp_path / "whole.pt", weights_only=False)  # torch finds the same class path
    assert isinstance(tl, torch.nn.Linear) and tl.weight.shape == (3, 2)
