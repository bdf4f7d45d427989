"""Reference values for FunctionalTests.cs, computed with PyTorch 1.13 (run with /usr/bin/python3).

Inputs are deterministic waves x[i] = sin(a*i + b) (float64 math, then float32), the same formula
the C# tests use (Wave in FunctionalTests.cs), so no random state has to match.
Prints C# array literals; paste them into the tests when an op's reference changes.
"""
import math
import torch
import torch.nn.functional as F


def wave(shape, a, b, dtype=torch.float32):
    n = math.prod(shape)
    return torch.tensor([math.sin(a * i + b) for i in range(n)], dtype=torch.float64).to(dtype).reshape(shape)


def show(name, t):
    vals = ", ".join(f"{v:.7g}f" for v in t.detach().flatten().tolist())
    print(f"// {name}: shape {list(t.shape)}\n[{vals}]")


x = wave((1, 4, 5, 5), 0.37, 0.1)
w = wave((4, 2, 3, 3), 0.71, 0.3)
b = wave((4,), 1.3, 0.2)
show("conv2d groups=2 stride=2 padding=1", F.conv2d(x, w, b, stride=2, padding=1, groups=2))

x2 = wave((1, 2, 5, 5), 0.53, -0.4)
w2 = wave((3, 2, 3, 3), 0.29, 0.8)
show("conv2d dilation=2 padding=1 no bias", F.conv2d(x2, w2, None, padding=1, dilation=2))

xb = wave((3, 2, 2, 2), 0.9, 0.5) * 2 + 0.3
rm = torch.tensor([0.1, -0.2]); rv = torch.tensor([1.5, 0.5])
gamma = torch.tensor([1.2, 0.7]); beta = torch.tensor([0.1, -0.3])
show("batch_norm training momentum=0.2", F.batch_norm(xb, rm, rv, gamma, beta, training=True, momentum=0.2, eps=1e-5))
show("running_mean after", rm)
show("running_var after", rv)
show("batch_norm eval (updated running stats)", F.batch_norm(xb, rm, rv, gamma, beta, training=False, eps=1e-5))

xp = wave((1, 1, 5, 5), 1.1, 0.0)
show("max_pool2d k=2", F.max_pool2d(xp, 2))
show("max_pool2d k=3 stride=2 padding=1 ceil", F.max_pool2d(xp, 3, stride=2, padding=1, ceil_mode=True))
show("avg_pool2d k=2", F.avg_pool2d(xp, 2))
show("avg_pool2d k=3 stride=2 padding=1 exclude pad", F.avg_pool2d(xp, 3, stride=2, padding=1, count_include_pad=False))
show("adaptive_avg_pool2d (2,3)", F.adaptive_avg_pool2d(xp, (2, 3)))

xl = wave((2, 3), 0.8, 0.1); wl = wave((4, 3), 0.45, 1.0); bl = wave((4,), 0.6, -0.5)
show("linear", F.linear(xl, wl, bl))

xs = wave((2, 4), 1.7, 0.3) * 3
show("softmax dim=1", F.softmax(xs, 1))
show("log_softmax dim=1", F.log_softmax(xs, 1))
show("log_softmax dim=0", F.log_softmax(xs, 0))
show("sigmoid", torch.sigmoid(xs))
show("relu", F.relu(xs))

logits = wave((3, 4), 0.77, 0.2) * 2
target = torch.tensor([1, 0, 3])
cw = torch.tensor([0.5, 1.0, 2.0, 1.5])
show("cross_entropy mean", F.cross_entropy(logits, target))
show("cross_entropy sum", F.cross_entropy(logits, target, reduction="sum"))
show("cross_entropy none", F.cross_entropy(logits, target, reduction="none"))
show("cross_entropy label_smoothing=0.1", F.cross_entropy(logits, target, label_smoothing=0.1))
show("cross_entropy weight", F.cross_entropy(logits, target, weight=cw))
show("cross_entropy weight + label_smoothing=0.2", F.cross_entropy(logits, target, weight=cw, label_smoothing=0.2))
show("cross_entropy ignore_index=0", F.cross_entropy(logits, target, ignore_index=0))
show("nll_loss of log_softmax", F.nll_loss(F.log_softmax(logits, 1), target))
mt = wave((3, 4), 0.33, 0.9)
show("mse_loss mean", F.mse_loss(logits, mt))
show("mse_loss sum", F.mse_loss(logits, mt, reduction="sum"))
