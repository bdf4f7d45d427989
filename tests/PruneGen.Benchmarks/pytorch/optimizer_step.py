#!/usr/bin/env python3
"""Side-by-side reference for `dotnet run -c Release --project tests/PruneGen.Benchmarks -- optimizer-step`:
one torch.optim.SGD step (lr 0.1, momentum 0.9, weight decay 5e-4) over the parameter tensors of
ResNet-20 (the network of train_throughput.py), single-tensor path unless --foreach. Run with
/usr/bin/python3 (python3-torch).
"""
import argparse
import time

import torch


def resnet20_shapes():
    shapes = [(16, 1, 3, 3), (16,), (16,)]
    cin = 16
    for width, stride in ((16, 1), (32, 2), (64, 2)):
        for i in range(3):
            s = stride if i == 0 else 1
            shapes += [(width, cin, 3, 3), (width,), (width,), (width, width, 3, 3), (width,), (width,)]
            if s != 1 or cin != width:
                shapes += [(width, cin, 1, 1), (width,), (width,)]
            cin = width
    return shapes + [(10, 64), (10,)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--foreach", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    params = []
    for shape in resnet20_shapes():
        p = torch.randn(shape, requires_grad=True)
        p.grad = torch.randn(shape)
        params.append(p)
    opt = torch.optim.SGD(params, lr=0.1, momentum=0.9, weight_decay=5e-4, foreach=args.foreach)
    for _ in range(50):
        opt.step()
    rounds, per = 20, args.iterations // 20
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(per):
            opt.step()
        times.append((time.perf_counter() - start) / per * 1e6)
    times.sort()
    print(f"tensors={len(params)} values={sum(p.numel() for p in params)} threads={torch.get_num_threads()} foreach={args.foreach}")
    print(f"pytorch_step_us: min={times[0]:.1f} median={times[len(times) // 2]:.1f}")


if __name__ == "__main__":
    main()
