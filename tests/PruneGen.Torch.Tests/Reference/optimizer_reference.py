# Reference trajectories for OptimizerTests, computed with PyTorch 1.13 (Debian python3-torch):
#   /usr/bin/python3 tests/PruneGen.Torch.Tests/Reference/optimizer_reference.py
# Gradients are a float32 function of the current parameters, evaluated with numpy in the same
# operation order as GradientFor in OptimizerTests.cs, so both sides feed identical gradients.
import numpy as np
import torch

P0 = [[0.5, -1.0, 1.5], [2.0, -0.25, 0.75]]
P1 = [0.1, -0.2, 0.3, -0.4]
STEPS = 5


def gradient(p, t):
    flat = p.detach().numpy().reshape(-1)
    g = np.empty_like(flat)
    for i, x in enumerate(flat):
        v = x * x * np.float32(0.5)
        v = v - x * np.float32(0.3)
        c = np.float32(0.1) * np.float32(t + 1) - np.float32(0.05) * np.float32(i)
        g[i] = v + c
    return torch.from_numpy(g.reshape(p.shape))


def run(field, name, make, lr_change=None):
    p0 = torch.tensor(P0, dtype=torch.float32, requires_grad=True)
    p1 = torch.tensor(P1, dtype=torch.float32, requires_grad=True)
    opt = make(p0, p1)
    rows = []
    for t in range(STEPS):
        if lr_change is not None and t == lr_change[0]:
            for g in opt.param_groups:
                g['lr'] = lr_change[1]
        p0.grad = gradient(p0, t)
        p1.grad = gradient(p1, t)
        opt.step()
        opt.zero_grad()
        rows.append([float(x) for x in torch.cat([p0.detach().reshape(-1), p1.detach().reshape(-1)])])
    print(f"    // {name}")
    print(f"    private static readonly float[][] {field} =")
    print("    [")
    for r in rows:
        print("        [" + ", ".join(repr(np.float32(x)) + "f" for x in r) + "],")
    print("    ];")


S = torch.optim
run("SgdPlain", "SGD lr=0.1", lambda a, b: S.SGD([a, b], lr=0.1))
run("SgdMomentumDampeningDecayLrChange", "SGD lr=0.1 momentum=0.9 dampening=0.1 weight_decay=0.01, lr 0.05 from step 3",
    lambda a, b: S.SGD([a, b], lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01), lr_change=(2, 0.05))
run("SgdNesterov", "SGD lr=0.05 momentum=0.9 nesterov weight_decay=5e-4", lambda a, b: S.SGD([a, b], lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4))
run("SgdMaximize", "SGD lr=0.1 momentum=0.5 maximize", lambda a, b: S.SGD([a, b], lr=0.1, momentum=0.5, maximize=True))
run("SgdTwoGroups", "SGD groups: [p0] lr=0.1 momentum=0.9, [p1] lr=0.01",
    lambda a, b: S.SGD([{'params': [a], 'momentum': 0.9}, {'params': [b], 'lr': 0.01}], lr=0.1))
run("AdamPlain", "Adam lr=0.01", lambda a, b: S.Adam([a, b], lr=0.01, foreach=False))
run("AdamDecayAmsgrad", "Adam lr=0.01 weight_decay=0.1 amsgrad", lambda a, b: S.Adam([a, b], lr=0.01, weight_decay=0.1, amsgrad=True, foreach=False))
run("AdamWPlain", "AdamW lr=0.01", lambda a, b: S.AdamW([a, b], lr=0.01, foreach=False))
run("AdamWAllOptions", "AdamW lr=0.02 betas=(0.8, 0.99) eps=1e-6 weight_decay=0.1 amsgrad maximize",
    lambda a, b: S.AdamW([a, b], lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, amsgrad=True, maximize=True, foreach=False))
