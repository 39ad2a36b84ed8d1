"""The tutorial LeNet (1x32x32 input, two 5x5 convolutions with max-pooling, three linear
layers) trained on a synthetic dataset through a DataLoader, with cross-entropy and SGD
with momentum. Starts from weights in a checkpoint so that runs are comparable.

    python examples/lenet.py [INIT.pt]             # real torch
    python -m jtorch examples/lenet.py [INIT.pt]   # jtorch

If INIT.pt does not exist, the freshly initialised weights are written there first. The
synthetic images come from numpy's seeded generator, so both libraries see the same data
and, from the same weights, print the same losses.
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def synthetic_dataset(n=256, seed=0):
    """Images whose class is the brightest of ten horizontal bands, plus noise."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n)
    images = rng.normal(0.0, 0.5, (n, 1, 32, 32)).astype(np.float32)
    for i, label in enumerate(labels):
        images[i, 0, 3 * label:3 * label + 3, :] += 1.0
    return TensorDataset(torch.from_numpy(images), torch.from_numpy(labels))


def main():
    init_path = sys.argv[1] if len(sys.argv) > 1 else "lenet_init.pt"
    torch.manual_seed(0)
    net = Net()
    if os.path.exists(init_path):
        net.load_state_dict(torch.load(init_path))
    else:
        torch.save(net.state_dict(), init_path)
    loader = DataLoader(synthetic_dataset(), batch_size=32, shuffle=False)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.02, momentum=0.9)
    for epoch in range(5):
        running = 0.0
        for step, (inputs, labels) in enumerate(loader):
            optimizer.zero_grad()
            loss = criterion(net(inputs), labels)
            loss.backward()
            optimizer.step()
            running += loss.item()
            if step % 4 == 3:
                print(f"[{epoch + 1}, {step + 1}] loss: {running / 4:.4f}")
                running = 0.0
    with torch.no_grad():
        images, labels = next(iter(DataLoader(synthetic_dataset(64, seed=1), batch_size=64)))
        accuracy = (net(images).argmax(1) == labels).float().mean().item()
    print(f"accuracy on fresh samples: {accuracy:.4f}")


if __name__ == "__main__":
    main()
