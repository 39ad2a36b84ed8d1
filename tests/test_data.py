"""torch.utils.data against torch: datasets, samplers, DataLoader batching and collation."""
import collections

import numpy as np
import pytest
import torch

import jtorch as jt


def observe(x):
    if isinstance(x, (torch.Tensor, jt.Tensor)):
        return ("T", str(x.dtype).split(".")[-1], tuple(x.shape), x.tolist())
    if isinstance(x, dict):
        return {k: observe(v) for k, v in x.items()}
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return (type(x).__name__,) + tuple(observe(v) for v in x)
    if isinstance(x, (list, tuple)):
        return [type(x).__name__] + [observe(v) for v in x]
    return x


Point = collections.namedtuple("Point", "x y")


def samples(lib):
    return [
        {"a": lib.tensor([1.0, 2.0]), "label": 3, "name": "s0", "w": 0.5, "np": np.array([1, 2]), "p": Point(1, 2.0),
         "flag": True},
        {"a": lib.tensor([3.0, 4.0]), "label": 4, "name": "s1", "w": 1.5, "np": np.array([3, 4]), "p": Point(3, 4.0),
         "flag": False},
    ]


def test_default_collate_matches():
    ours = jt.utils.data.default_collate(samples(jt))
    theirs = torch.utils.data.default_collate(samples(torch))
    assert observe(ours) == observe(theirs)
    assert observe(jt.utils.data.default_collate([(1, 2.0), (3, 4.0)])) == observe(
        torch.utils.data.default_collate([(1, 2.0), (3, 4.0)]))


@pytest.mark.parametrize("batch_size,drop_last", [(1, False), (3, False), (3, True), (10, False)])
def test_dataloader_sequential_batches(batch_size, drop_last):
    def run(lib):
        x = lib.arange(14.0).reshape(7, 2)
        y = lib.arange(7)
        ds = lib.utils.data.TensorDataset(x, y)
        dl = lib.utils.data.DataLoader(ds, batch_size=batch_size, drop_last=drop_last)
        return len(dl), [observe(b) for b in dl]

    assert run(jt) == run(torch)


def test_shuffle_is_a_permutation_and_reproducible():
    ds = jt.utils.data.TensorDataset(jt.arange(20))
    seen = [int(v) for (b,) in jt.utils.data.DataLoader(ds, batch_size=6, shuffle=True) for v in b]
    assert sorted(seen) == list(range(20))
    g1, g2 = jt.Generator().manual_seed(5), jt.Generator().manual_seed(5)
    a = [b[0].tolist() for b in jt.utils.data.DataLoader(ds, batch_size=4, shuffle=True, generator=g1)]
    b = [b[0].tolist() for b in jt.utils.data.DataLoader(ds, batch_size=4, shuffle=True, generator=g2)]
    assert a == b


def test_datasets_and_random_split():
    for lib in (jt, torch):
        ds = lib.utils.data.TensorDataset(lib.arange(10))
        cat = lib.utils.data.ConcatDataset([ds, ds])
        assert len(cat) == 20 and int(cat[12][0]) == 2 and int(cat[-1][0]) == 9
        sub = lib.utils.data.Subset(ds, [1, 3, 5])
        assert len(sub) == 3 and int(sub[2][0]) == 5
        parts = lib.utils.data.random_split(ds, [0.3, 0.7])
        assert [len(p) for p in parts] == [3, 7]
        assert sorted(int(p[i][0]) for p in parts for i in range(len(p))) == list(range(10))
        with pytest.raises(ValueError):
            lib.utils.data.random_split(ds, [3, 3])


def test_iterable_dataset_and_samplers():
    def run(lib):
        class Stream(lib.utils.data.IterableDataset):
            def __iter__(self):
                return iter(range(5))

        batches = [b.tolist() for b in lib.utils.data.DataLoader(Stream(), batch_size=2)]
        bs = list(lib.utils.data.BatchSampler(lib.utils.data.SequentialSampler(range(7)), 3, drop_last=False))
        custom = [observe(b) for b in lib.utils.data.DataLoader(list(range(6)), batch_sampler=[[0, 1], [5, 2, 3]])]
        collated = [b for b in lib.utils.data.DataLoader(["a", "b", "c"], batch_size=2, collate_fn=lambda x: x)]
        return batches, bs, custom, collated

    assert run(jt) == run(torch)
    with pytest.raises(ValueError):
        jt.utils.data.DataLoader(list(range(3)), sampler=[0, 1], shuffle=True)


def test_training_loop_over_loader():
    """The article's training procedure: a network, a dataset, a loss, backprop, an update."""
    def run(lib):
        lib.manual_seed(0)
        net = lib.nn.Sequential(lib.nn.Linear(2, 8), lib.nn.ReLU(), lib.nn.Linear(8, 1))
        with lib.no_grad():
            for i, p in enumerate(net.parameters()):
                p.copy_(lib.tensor(np.sin(np.arange(p.numel()) + i).reshape(tuple(p.shape)), dtype=lib.float32))
        x = lib.tensor(np.linspace(-1, 1, 32).reshape(16, 2), dtype=lib.float32)
        y = (x[:, :1] * 2 - x[:, 1:]).detach()
        loader = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(x, y), batch_size=4)
        opt = lib.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
        losses = []
        for _ in range(3):
            for xb, yb in loader:
                opt.zero_grad()
                loss = ((net(xb) - yb) ** 2).mean()
                loss.backward()
                opt.step()
                losses.append(loss.item())
        return losses

    np.testing.assert_allclose(run(jt), run(torch), rtol=1e-4)
