"""Fit a third-order polynomial to sin(x) with torch.nn and torch.optim (the classic
PyTorch tutorial), starting from weights in a checkpoint so that runs are comparable.

    python examples/sin_fit.py [INIT.pt]             # real torch
    python -m jtorch examples/sin_fit.py [INIT.pt]   # jtorch

If INIT.pt does not exist, the freshly initialised weights are written there first, so
the second run (under the other library) starts from the same point and prints the same
losses.
"""
import math
import os
import sys

import torch

init_path = sys.argv[1] if len(sys.argv) > 1 else "sin_fit_init.pt"

x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)
p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)

torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
if os.path.exists(init_path):
    model.load_state_dict(torch.load(init_path))
else:
    torch.save(model.state_dict(), init_path)
loss_fn = torch.nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=2e-3, momentum=0.9)

for t in range(2000):
    y_pred = model(xx)
    loss = loss_fn(y_pred, y)
    if t % 100 == 99:
        print(t, f"{loss.item():.4f}")
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

linear_layer = model[0]
print(f"Result: y = {linear_layer.bias.item():.4f} + {linear_layer.weight[:, 0].item():.4f} x + "
      f"{linear_layer.weight[:, 1].item():.4f} x^2 + {linear_layer.weight[:, 2].item():.4f} x^3")
