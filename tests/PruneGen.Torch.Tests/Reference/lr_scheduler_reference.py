# Reference schedules for LrSchedulerTests, computed with PyTorch 1.13 (Debian python3-torch):
#   /usr/bin/python3 tests/PruneGen.Torch.Tests/Reference/lr_scheduler_reference.py
# Each row is get_last_lr() (one value per parameter group) right after construction and after each
# scheduler.step(); OneCycleLR rows also list each group's momentum (SGD) or beta1 (Adam).
import warnings
import torch

warnings.simplefilter("ignore")


def optimizer(kind, lrs):
    params = [torch.zeros(1, requires_grad=True) for _ in lrs]
    groups = [{'params': [p], 'lr': lr} for p, lr in zip(params, lrs)]
    if kind == 'sgd':
        return torch.optim.SGD(groups, lr=lrs[0], momentum=0.9)
    return torch.optim.Adam(groups, lr=lrs[0])


def emit(field, comment, rows):
    print(f"    // {comment}")
    print(f"    private static readonly double[][] {field} =")
    print("    [")
    for r in rows:
        print("        [" + ", ".join(repr(float(x)) for x in r) + "],")
    print("    ];")


def schedule(field, comment, kind, lrs, make, steps, momentum=False):
    opt = optimizer(kind, lrs)
    sched = make(opt)

    def row():
        r = list(sched.get_last_lr())
        if momentum:
            r += [g['momentum'] if kind == 'sgd' else g['betas'][0] for g in opt.param_groups]
        return r

    rows = [row()]
    for _ in range(steps):
        opt.step()
        sched.step()
        rows.append(row())
    emit(field, comment, rows)


L = torch.optim.lr_scheduler
schedule("StepLRValues", "StepLR(step_size=3, gamma=0.5), lrs 0.1 and 0.02, 10 steps", 'sgd', [0.1, 0.02],
         lambda o: L.StepLR(o, step_size=3, gamma=0.5), 10)
schedule("CosineValues", "CosineAnnealingLR(T_max=10, eta_min=0.001), lrs 0.1 and 0.05, 25 steps (past T_max)", 'sgd', [0.1, 0.05],
         lambda o: L.CosineAnnealingLR(o, T_max=10, eta_min=0.001), 25)
schedule("LinearValues", "LinearLR(start_factor=0.1, end_factor=1.0, total_iters=4), lr 0.1, 8 steps", 'sgd', [0.1],
         lambda o: L.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=4), 8)
schedule("OneCycleValues", "OneCycleLR(max_lr=0.1, total_steps=20), SGD momentum 0.9, lr then momentum, 20 steps", 'sgd', [0.01],
         lambda o: L.OneCycleLR(o, max_lr=0.1, total_steps=20), 20, momentum=True)
schedule("OneCycleThreePhaseValues",
         "OneCycleLR(max_lr=[0.2, 0.1], epochs=3, steps_per_epoch=5, pct_start=0.25, anneal_strategy='linear', three_phase=True, "
         "base_momentum=0.8, max_momentum=0.9, div_factor=10, final_div_factor=100), Adam, lrs then beta1s, 15 steps",
         'adam', [0.01, 0.01],
         lambda o: L.OneCycleLR(o, max_lr=[0.2, 0.1], epochs=3, steps_per_epoch=5, pct_start=0.25, anneal_strategy='linear',
                                three_phase=True, base_momentum=0.8, max_momentum=0.9, div_factor=10., final_div_factor=100.),
         15, momentum=True)
schedule("WarmupCosineValues",
         "SequentialLR([LinearLR(start_factor=0.1, total_iters=3), CosineAnnealingLR(T_max=7, eta_min=0.0)], milestones=[3]), lr 0.1, 12 steps",
         'sgd', [0.1],
         lambda o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.1, total_iters=3), L.CosineAnnealingLR(o, T_max=7)], milestones=[3]), 12)

# Closed forms used by step(epoch): StepLR and CosineAnnealingLR jumped to epoch 7.
o = optimizer('sgd', [0.1])
s = L.StepLR(o, step_size=3, gamma=0.5)
s.step(7)
c_o = optimizer('sgd', [0.1])
c = L.CosineAnnealingLR(c_o, T_max=10, eta_min=0.001)
c.step(7)
emit("ClosedFormAtEpoch7", "StepLR(step_size=3, gamma=0.5).step(7) and CosineAnnealingLR(T_max=10, eta_min=0.001).step(7), lr 0.1",
     [[s.get_last_lr()[0], c.get_last_lr()[0]]])
