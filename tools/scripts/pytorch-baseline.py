#!/usr/bin/env python3
"""The PyTorch baseline of `aimc bench train`: one epoch of a plain 784-256-10 MLP training loop on Fashion-MNIST,
batch 64, Adam, on the CPU (Debian's python3-torch). Prints one JSON object with samples_per_second."""
import gzip
import json
import sys
import time

import numpy as np
import torch

directory = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2


def idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


x = torch.tensor(idx(f"{directory}/train-images-idx3-ubyte.gz", 16).reshape(-1, 784) / 255.0, dtype=torch.float32)
y = torch.tensor(idx(f"{directory}/train-labels-idx1-ubyte.gz", 8).astype(np.int64))
torch.manual_seed(1)
torch.set_num_threads(threads)
model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()
order = torch.randperm(len(y))
start = time.perf_counter()
for i in range(0, len(y), 64):
    batch = order[i:i + 64]
    optimizer.zero_grad()
    loss = loss_fn(model(x[batch]), y[batch])
    loss.backward()
    optimizer.step()
seconds = time.perf_counter() - start
print(json.dumps({"framework": f"torch {torch.__version__}", "threads": threads, "samples": len(y),
                  "seconds": seconds, "samples_per_second": len(y) / seconds, "final_loss": loss.item()}))
