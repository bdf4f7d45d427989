#!/usr/bin/env python3
"""Side-by-side reference for PruneGen's train-throughput benchmark.

Trains the same ResNet-20 on Fashion-MNIST the same way as
`dotnet run -c Release --project tests/PruneGen.Benchmarks -- train-throughput`: same network, same
initialisation family, SGD (lr 0.1, momentum 0.9, weight decay 5e-4), batch of shuffled normalised
images from memory, forward + cross-entropy + backward + step. Prints `train_images_per_s=<value>`
as its last line. Run it with Debian's interpreter: /usr/bin/python3 (python3-torch).
"""
import argparse
import gzip
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + (x if self.shortcut is None else self.shortcut(x)))


class ResNet20(nn.Module):
    def __init__(self, in_channels=1, classes=10):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        blocks, cin = [], 16
        for width, stride in ((16, 1), (32, 2), (64, 2)):
            for i in range(3):
                blocks.append(BasicBlock(cin, width, stride if i == 0 else 1))
                cin = width
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        x = self.blocks(x)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=60)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--memory-format", choices=["channels_last", "contiguous"], default="channels_last")
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    images = read_idx(os.path.join(a.data, "train-images-idx3-ubyte.gz")).astype(np.float32) / 255.0
    labels = read_idx(os.path.join(a.data, "train-labels-idx1-ubyte.gz")).astype(np.int64)
    images = torch.from_numpy((images - 0.2860) / 0.3530).unsqueeze(1)
    labels = torch.from_numpy(labels)

    fmt = torch.channels_last if a.memory_format == "channels_last" else torch.contiguous_format
    model = ResNet20().to(memory_format=fmt)
    model.train()
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    gen = torch.Generator().manual_seed(a.seed)
    order = torch.randperm(images.shape[0], generator=gen)

    def step(i):
        idx = order[(i * a.batch) % (images.shape[0] - a.batch):][: a.batch]
        x = images.index_select(0, idx).contiguous(memory_format=fmt)
        y = labels.index_select(0, idx)
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    for i in range(a.warmup):
        step(i)
    # CPU time beside wall time: on a shared machine it is disturbed far less by other processes.
    cpu_start = time.process_time()
    start = time.perf_counter()
    for i in range(a.steps):
        loss = step(a.warmup + i)
    loss.item()
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    print(f"pytorch {torch.__version__} params={params} threads={a.threads} batch={a.batch} "
          f"memory_format={a.memory_format} steps={a.steps} seconds={elapsed:.2f} cpu_seconds={cpu:.2f} "
          f"images_per_cpu_s={a.steps * a.batch / cpu:.1f} final_loss={loss.item():.4f}")
    print(f"train_images_per_s={a.steps * a.batch / elapsed:.1f}")


if __name__ == "__main__":
    main()
