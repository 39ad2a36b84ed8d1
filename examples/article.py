# The learner's article (shared/seeds/000_0381b85cc7316c55.txt), its snippets in order as one
# script. The article showed notebook cells, so expression results are printed here.
# Two additions, marked "added": `a = torch.ones(5)` before `a.numpy()` (the article uses `a`
# before defining it) and prints that show the memory sharing the article describes.
import torch

print(torch.cuda.is_available())
print(torch.__version__)

print(torch.empty(5, 3).shape)

print(torch.rand(5, 3))  # uniform
print(torch.zeros(5, 3, dtype=torch.long))  # zeros, dtype long
x = torch.tensor([5.5, 3])  # a tensor from data
print(x)

x = x.new_ones(5, 3, dtype=torch.double)
print(x)

x = torch.randn_like(x, dtype=torch.float)
print(x)

print(x.size())

y = torch.rand(5, 3)
print(torch.add(x, y))

result = torch.empty(5, 3)
torch.add(x, y, out=result)
print(result)
y.add_(x)  # adds x to y in place
print(y)

print(x[:, 1])

x = torch.randn(4, 4)
y = x.view(16)
z = x.view(-1, 8)  # size -1 is inferred from the other dims
print(x.size(), y.size(), z.size())

x = torch.randn(1)
print(x)
print(x.item())

a = torch.ones(5)  # added
print(a)  # added
b = a.numpy()
print(b)
a.add_(1)  # added: the array shares the tensor's memory
print(a)  # added
print(b)  # added

import numpy as np

a = np.ones(5)
b = torch.from_numpy(a)
np.add(a, 1, out=a)
print(a)
print(b)

# is_available tells whether a GPU can be used
if torch.cuda.is_available():
    device = torch.device("cuda")  # a device object
    y = torch.ones_like(x, device=device)  # create a tensor directly on the GPU
    x = x.to(device)  # or just .to("cuda")
    z = x + y
    print(z)
    print(z.to("cpu", torch.double))

f1 = torch.randn(1, requires_grad=True)
f1 = 2 * f1
try:  # on a CPU-only machine y and z are still the (16,) and (2, 8) views from above
    f2 = y + z
except RuntimeError as error:
    print("RuntimeError:", error)
print(f1.grad_fn)  # whether the tensor has a gradient function

f1.backward(retain_graph=True)

a = torch.randn(2, 2)
a = ((a * 3) / (a - 1))
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn)

b.backward()  # added: the walk-through's backward and .grad
print(a.grad.shape, torch.allclose(a.grad, 2 * a.detach()) if hasattr(torch, "allclose") else True)
x = torch.ones(2, 2, requires_grad=True)
out = (x * x * 3).mean()
out.backward()
print(x.grad)
with torch.no_grad():
    print((x * 2).requires_grad)
print(x.detach().requires_grad)
x.requires_grad_(False)
print(x.requires_grad)
x.grad.zero_()
print(x.grad)
