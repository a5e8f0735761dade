#!/usr/bin/env python3
"""Makes the PyTorch fixtures of AimcHil's state_dict interchange tests, in tests/AimcHil.Training.Tests/Fixtures/pytorch/.

Regenerate, from the repository root, with a python3 that has torch and numpy (Debian: apt-get install python3-torch;
no other package, the `safetensors` package is not needed: the format is written here with struct and json):

    python3 tools/scripts/make-pytorch-fixtures.py            # or /usr/bin/python3 where pyenv's python3 has no torch
    dotnet test tests/AimcHil.Training.Tests -c Release --filter FullyQualifiedName~Interchange

The files are the same on every run with the same torch version (seeded, one thread); the version is recorded in
mlp.json and conv.json. Every file is a few KB. What is written:

- mlp.safetensors, mlp.npz: the state_dict of nn.Sequential(Linear(16, 8), ReLU(), Linear(8, 3)) after 8 full-batch
  Adam steps on the dataset below ("0.weight" [8, 16], "0.bias" [8], "2.weight" [3, 8], "2.bias" [3]); the
  safetensors file carries __metadata__ {"format": "pt"} as safetensors.torch.save_file writes it.
- mlp-f16.safetensors, mlp-bf16.safetensors, mlp-f64.safetensors, mlp-f16.npz: the same state_dict after
  model.half(), model.bfloat16(), model.double() (the dtypes a reader must convert to float32).
- mlp-inputs.npy float32 [64, 16], mlp-labels.npy int64 [64]: the dataset (Gaussian inputs, labels from a fixed linear
  teacher); mlp-logits.npy float32 [64, 3]: the trained model's logits on it; mlp.json: its accuracy, the torch and
  numpy versions and the smallest gap between the two largest logits of an example (kept well above float32 rounding,
  so another implementation's argmax is the same as torch's).
- conv.safetensors, conv.npz: nn.Sequential(Conv2d(1, 2, 3), ReLU(), MaxPool2d(2), Flatten(), Linear(18, 3)) as seeded
  ("0.weight" [2, 1, 3, 3], "0.bias" [2], "4.weight" [3, 18], "4.bias" [3]); conv-inputs.npy float32 [16, 1, 8, 8],
  conv-logits.npy float32 [16, 3]; conv.json.
"""
import json
import struct
from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).resolve().parents[2] / "tests" / "AimcHil.Training.Tests" / "Fixtures" / "pytorch"

# safetensors' dtype names and the bytes of one element (https://github.com/huggingface/safetensors, format section).
DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16"}


def save_safetensors(path, state_dict, metadata):
    """The format as specified: u64 little-endian header length N, N bytes of UTF-8 JSON (padded with spaces to a
    multiple of 8, as the reference writer does), then the tensors' bytes back to back, little-endian, row-major."""
    header = {"__metadata__": metadata}
    chunks = []
    offset = 0
    for name, tensor in state_dict.items():
        tensor = tensor.detach().contiguous().cpu()
        # numpy has no bfloat16: reinterpret the 2-byte elements as int16 to get their bytes.
        raw = (tensor.view(torch.int16) if tensor.dtype == torch.bfloat16 else tensor).numpy().tobytes()
        assert len(raw) == tensor.numel() * tensor.element_size()
        header[name] = {"dtype": DTYPES[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def save_npz(path, state_dict):
    np.savez(path, **{k: v.detach().cpu().numpy() for k, v in state_dict.items()})


def mlp_fixture():
    generator = torch.Generator().manual_seed(20261207)
    inputs = torch.randn(64, 16, generator=generator)
    teacher = torch.randn(3, 16, generator=generator)
    labels = (inputs @ teacher.T).argmax(dim=1)

    torch.manual_seed(7)
    model = torch.nn.Sequential(torch.nn.Linear(16, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(8):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(inputs), labels).backward()
        optimizer.step()

    with torch.no_grad():
        logits = model(inputs)
    top2 = logits.topk(2, dim=1).values
    margin = (top2[:, 0] - top2[:, 1]).min().item()
    assert margin > 1e-3, f"two logits of an example are {margin} apart: another seed, please"
    accuracy = (logits.argmax(dim=1) == labels).float().mean().item()

    state = model.state_dict()
    save_safetensors(OUT / "mlp.safetensors", state, {"format": "pt"})
    save_npz(OUT / "mlp.npz", state)
    for dtype, suffix in [(torch.float16, "f16"), (torch.bfloat16, "bf16"), (torch.float64, "f64")]:
        save_safetensors(OUT / f"mlp-{suffix}.safetensors", {k: v.to(dtype) for k, v in state.items()}, {"format": "pt"})
    save_npz(OUT / "mlp-f16.npz", {k: v.half() for k, v in state.items()})
    np.save(OUT / "mlp-inputs.npy", inputs.numpy())
    np.save(OUT / "mlp-labels.npy", labels.numpy())
    np.save(OUT / "mlp-logits.npy", logits.numpy())
    write_json(OUT / "mlp.json", {"accuracy": accuracy, "correct": int(round(accuracy * len(labels))), "examples": len(labels),
                                  "min_top2_margin": margin, "steps": 8, **versions(), **shapes(state)})
    return accuracy


def conv_fixture():
    torch.manual_seed(11)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                                torch.nn.Linear(2 * 3 * 3, 3))
    inputs = torch.randn(16, 1, 8, 8, generator=torch.Generator().manual_seed(20261208))
    with torch.no_grad():
        logits = model(inputs)
    state = model.state_dict()
    save_safetensors(OUT / "conv.safetensors", state, {"format": "pt"})
    save_npz(OUT / "conv.npz", state)
    np.save(OUT / "conv-inputs.npy", inputs.numpy())
    np.save(OUT / "conv-logits.npy", logits.numpy())
    write_json(OUT / "conv.json", {**versions(), **shapes(state)})


def versions():
    return {"torch_version": torch.__version__, "numpy_version": np.__version__}


def shapes(state):
    return {"parameters": [{"name": k, "shape": list(v.shape)} for k, v in state.items()]}


def write_json(path, value):
    path.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    torch.set_num_threads(1)
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"mlp accuracy {mlp_fixture():.4f}")
    conv_fixture()
    for f in sorted(OUT.iterdir()):
        print(f"{f.stat().st_size:6d}  {f.relative_to(OUT.parents[3])}")
