"""Differential tests (against real torch) for linalg and einsum results the generic
compat harness can't compare: decompositions defined only up to sign or phase (svd,
eig, eigh), multi-operand einsum, namespaces and error classes."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import jtorch as jt

RNG = np.random.default_rng(0)
SHAPES = [(3, 3), (2, 3, 3), (4, 2), (2, 4), (3, 1, 4)]


def pair(array, requires_grad=False):
    t = torch.tensor(array, requires_grad=requires_grad)
    j = jt.tensor(array, requires_grad=requires_grad)
    return t, j


def close(j, t, tol=1e-6):
    np.testing.assert_allclose(np.asarray(j.detach().numpy()), t.detach().numpy(), rtol=tol, atol=tol)


def random(shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("full_matrices", [False, True])
def test_svd_invariants(shape, full_matrices):
    t, j = pair(random(shape), requires_grad=True)
    tu, ts, tv = torch.linalg.svd(t, full_matrices=full_matrices)
    ju, js, jv = jt.linalg.svd(j, full_matrices=full_matrices)
    assert type(ju).__name__ == "Tensor" and type(jt.linalg.svd(j)).__name__ == "linalg_svd"
    for a, b in ((ju, tu), (js, ts), (jv, tv)):
        assert tuple(a.shape) == tuple(b.shape) and a.dtype.name == str(b.dtype)[6:]
    close(js, ts)
    close(ju.abs(), tu.abs())  # singular vectors agree up to sign
    close(jv.abs(), tv.abs())
    k = min(shape[-2:])
    recon = (ju[..., :k] * js[..., None, :]) @ jv[..., :k, :]
    close(recon, t)
    assert type(ju.grad_fn).__name__ == type(tu.grad_fn).__name__
    # a sign-invariant loss: gradients must agree
    (ts.sum() + (tu[..., :k] @ tv[..., :k, :]).pow(2).sum()).backward()
    (js.sum() + (ju[..., :k] @ jv[..., :k, :]).pow(2).sum()).backward()
    close(j.grad, t.grad, 1e-5)


def test_legacy_svd_returns_v():
    t, j = pair(random((4, 3)))
    tu, ts, tv = torch.svd(t)
    ju, js, jv = jt.svd(j)
    assert type(jt.svd(j)).__name__ == "svd" and jv.shape == tv.shape
    close(js, ts)
    close((ju * js) @ jv.mT, t)
    _, _, tv_full = torch.svd(t, some=False)
    assert tuple(jt.svd(j, some=False)[0].shape) == tuple(torch.svd(t, some=False)[0].shape)
    assert tuple(jt.svd(j, compute_uv=False)[2].shape) == tuple(torch.svd(t, compute_uv=False)[2].shape)
    close(jt.svd(j, compute_uv=False)[1], torch.svd(t, compute_uv=False)[1])


@pytest.mark.parametrize("uplo", ["L", "U"])
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
def test_eigh_invariants(shape, uplo):
    a = random(shape)  # not symmetric: only the UPLO triangle may be read
    t, j = pair(a, requires_grad=True)
    tw, tv = torch.linalg.eigh(t, UPLO=uplo)
    jw, jv = jt.linalg.eigh(j, UPLO=uplo)
    assert type(jt.linalg.eigh(j)).__name__ == "linalg_eigh"
    close(jw, tw)
    close(jv.abs(), tv.abs())
    assert type(jw.grad_fn).__name__ == type(tw.grad_fn).__name__
    # eigenvalues and the projector onto each eigenvector are sign-invariant
    weights, m = np.arange(shape[-1], dtype=np.float64), random(shape[-2:])
    # sum_k weights[k] * (eigenvalue_k + v_k^T M v_k) is unchanged by flipping any v_k
    ((tw + (tv * (torch.tensor(m) @ tv)).sum(-2)) @ torch.tensor(weights)).sum().backward()
    ((jw + (jv * (jt.tensor(m) @ jv)).sum(-2)) @ jt.tensor(weights)).sum().backward()
    close(j.grad, t.grad, 1e-5)


@pytest.mark.parametrize("shape", [(3, 3), (2, 2, 2)])
def test_eig_invariants(shape):
    t, j = pair(random(shape), requires_grad=True)
    tw, tv = torch.linalg.eig(t)
    jw, jv = jt.linalg.eig(j)
    assert jw.dtype is jt.complex128 and jv.dtype is jt.complex128
    assert type(jt.linalg.eig(j)).__name__ == "linalg_eig"
    order = lambda w: np.lexsort((np.round(w.imag, 8), np.round(w.real, 8)), axis=-1)  # noqa: E731
    tw_np, jw_np = tw.detach().numpy(), jw.detach().numpy()
    np.testing.assert_allclose(np.take_along_axis(jw_np, order(jw_np), -1),
                               np.take_along_axis(tw_np, order(tw_np), -1), atol=1e-8)
    # A v = w v, with unit-norm eigenvectors
    av = (j.to(jt.complex128) @ jv).detach().numpy()
    np.testing.assert_allclose(av, (jv * jw.unsqueeze(-2)).detach().numpy(), atol=1e-8)
    np.testing.assert_allclose(np.linalg.norm(jv.detach().numpy(), axis=-2), 1, atol=1e-8)
    close(jt.linalg.eigvals(j).abs().sort(-1).values if hasattr(jt.Tensor, "sort") else jw.abs(),
          torch.linalg.eigvals(t).abs().sort(-1).values if hasattr(jt.Tensor, "sort") else tw.abs())
    # gradient of a phase-invariant loss: sum of |eigenvalues|^2
    (tw.abs() ** 2).sum().backward()
    (jw.abs() ** 2).sum().backward()
    close(j.grad, t.grad, 1e-6)


@pytest.mark.parametrize("equation, shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]), ("i,i->", [(3,), (3,)]),
    ("i,j->ij", [(2,), (3,)]), ("ij,ij->ij", [(2, 3), (2, 3)]), ("...ij,...jk", [(2, 2, 3), (3, 2)]),
    ("ij,jk,kl->il", [(2, 3), (3, 2), (2, 2)]), ("ii->i", [(3, 3)]), ("ij->", [(2, 3)]), ("ij,kj->ik", [(2, 3), (4, 3)]),
])
def test_einsum(equation, shapes):
    arrays = [random(s) for s in shapes]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    js = [jt.tensor(a, requires_grad=True) for a in arrays]
    tr, jr = torch.einsum(equation, *ts), jt.einsum(equation, *js)
    close(jr, tr)
    close(jt.einsum(equation, js), torch.einsum(equation, ts))  # list form
    assert type(jr.grad_fn).__name__ == type(tr.grad_fn).__name__
    cot = random(tuple(tr.shape))
    tr.backward(torch.tensor(cot))
    jr.backward(jt.tensor(cot))
    for t, j in zip(ts, js):
        close(j.grad, t.grad)


def test_einsum_sublist_two_operands():
    a, b = random((2, 3)), random((3, 4))
    close(jt.einsum(jt.tensor(a), [0, 1], jt.tensor(b), [1, 2], [0, 2]),
          torch.einsum(torch.tensor(a), [0, 1], torch.tensor(b), [1, 2], [0, 2]))


def test_namespaces_and_errors():
    import jtorch.fft  # noqa: F401
    import jtorch.linalg  # noqa: F401

    assert issubclass(jt.linalg.LinAlgError, RuntimeError)
    with pytest.raises(jt.linalg.LinAlgError):
        jt.linalg.inv(jt.ones(3, 3))
    with pytest.raises(torch.linalg.LinAlgError):
        torch.linalg.inv(torch.ones(3, 3))
    with pytest.raises(jt.linalg.LinAlgError, match="positive-definite"):
        jt.linalg.cholesky(-jt.eye(2))
    with pytest.raises(jt.linalg.LinAlgError, match=r"Batch element 1"):
        jt.linalg.solve(jt.stack([jt.eye(2), jt.zeros(2, 2)]) if hasattr(jt, "stack") else None, jt.ones(2))
    info = jt.linalg.inv_ex(jt.ones(3, 3)).info
    assert info.item() == torch.linalg.inv_ex(torch.ones(3, 3)).info.item()
    result = jt.linalg.qr(jt.eye(2))
    assert result.Q is result[0] and repr(result).startswith("torch.return_types.linalg_qr(")


def test_complex_views_share_storage():
    z = jt.tensor([1 + 2j, 3 - 1j])
    r = jt.view_as_real(z)
    r[0, 1] = 7
    tz = torch.tensor([1 + 2j, 3 - 1j])
    torch.view_as_real(tz)[0, 1] = 7
    close(z.real, tz.real)
    close(z.imag, tz.imag)
    c = jt.conj(z)
    assert c.is_conj() and not z.is_conj()
    close(c.imag, torch.conj(tz).imag.resolve_neg())
    close(jt.conj_physical(z).imag, torch.conj_physical(tz).imag)


@pytest.mark.parametrize("name, kwargs", [
    ("ifft", {}), ("ifft", {"n": 5, "norm": "ortho"}), ("ihfft", {}), ("ihfft", {"n": 3, "norm": "forward"}),
    ("ihfft2", {}), ("ihfftn", {"dim": (0,)}), ("ihfftn", {"s": (2, 3), "norm": "ortho"}),
])
def test_conjugate_view_transforms(name, kwargs):
    """torch returns these (for real inputs) as conjugate views, which compat's harness can't read."""
    t, j = pair(random((3, 4)), requires_grad=True)
    tr, jr = getattr(torch.fft, name)(t, **kwargs), getattr(jt.fft, name)(j, **kwargs)
    assert jr.dtype is jt.complex128 and tuple(jr.shape) == tuple(tr.shape)
    np.testing.assert_allclose(jr.detach().resolve_conj().numpy(), tr.detach().resolve_conj().numpy(), atol=1e-10)
    assert type(jr.grad_fn).__name__ == type(tr.grad_fn).__name__
    cot = random(tuple(tr.shape)) + 1j * random(tuple(tr.shape))
    tr.backward(torch.tensor(cot))
    jr.backward(jt.tensor(cot))
    close(j.grad, t.grad, 1e-10)


def test_conj_of_complex():
    a = random((2, 3)) + 1j * random((2, 3))
    t, j = pair(a)
    tc, jc = torch.conj(t), jt.conj(j)
    assert jc.is_conj() and tc.is_conj()
    np.testing.assert_array_equal(jc.resolve_conj().numpy(), tc.resolve_conj().numpy())
    np.testing.assert_array_equal(jt.conj(jc).numpy(), a)
    with pytest.raises(RuntimeError, match="conjugate bit"):
        jc.numpy()
