#!/usr/bin/env python3
"""The PyTorch baselines of `aimc bench train`, on the CPU (Debian's python3-torch); each prints one JSON object.

plain (the default, as before): one epoch of a plain 784-256-10 MLP training loop on Fashion-MNIST, batch 64, Adam
(lr 1e-3), with samples_per_second:

    pytorch-baseline.py [DIR] [THREADS]

hil: the work of aimc's hil step that reprograms every step (`aimc bench train`, keys no_wires and lenet.no_wires),
in plain PyTorch:

    pytorch-baseline.py --mode hil --chip CHIP_JSON [--model mlp|lenet] [--steps N] [--warmup N] [--lr LR] [--batch B]
                        [--eval N] [DIR] [THREADS]

Every step, for each layer: the column scale s_j = max_i |W_ji| and the normalized weights clamp(W/s, -1, 1) on
differential pairs (G+ = max(w, 0), G- = max(-w, 0), states normalized to g_max); aihwkit's PCM programming noise
redrawn on every device, g = max(g_T + sigma_prog(g_T) xi, 0) with sigma_prog = (0.26348 + 1.9650 g_T - 1.1731 g_T^2)
/ 25 (docs/architecture.md section 4.2, normalized to g_max = 25 uS); read noise by the same law as the emulator's,
sigma = g Q_s(g) sqrt(ln((t + t_read)/(2 t_read))) at t = t0, its held (1/f) part drawn per device once per programming
and its white part output-referred, one more product of x^2 with sigma^2 (docs/architecture.md section 4.4, rule 2);
inputs through the DAC (codes rounded half away from zero, clipped), one product per tile block (the layer split into
blocks of the tile's rows), each block's column gain and offset (a fixed pattern drawn once), the ADC's bow-shaped
INL, rounding and clipping, partial sums added digitally; the backward pass the ideal one at the quantized inputs
(straight through the rounding, gW = gy^T x_q, gx = gy W), then Adam. The tiles' unused rows and columns are not
programmed here (aimc programs and reads whole tiles). CHIP_JSON carries the chip's numbers (aimc bench train passes
the rig's). The first --warmup steps are not timed.

--model lenet (aimc's `--model lenet`): nn.Sequential(Conv2d(1, 8, 5), ReLU, MaxPool2d(2), Conv2d(8, 16, 5), ReLU,
MaxPool2d(2), Flatten, Linear(256, 10)) with each conv run as aimc's AnalogConv2d runs it: its kernel an
(in kh kw) x out matrix on a tile, the patches cut by torch.nn.functional.unfold, every output position one MVM of its
patch through the same analog linear (programming and held read noise drawn once per step and layer, white read noise
per MVM, DAC, column pattern, ADC), the backward straight through (fold of the ideal patch gradients). DAC ranges:
1 for the first layer, the 0.999 quantile of its inputs on 1000 examples for the others, as aimc calibrates them.
--eval N: also the mean training loss of all steps and, after them, the accuracy of the analog forward on the first N
test examples (a check that the loop learns as aimc's hil training does; 0, the default, skips both).
"""
import argparse
import gzip
import json
import math
import time

import numpy as np
import torch

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("directory", nargs="?", default="/usr/share/datasets/fashion-mnist")
parser.add_argument("threads", nargs="?", type=int, default=2)
parser.add_argument("--mode", choices=["plain", "hil"], default="plain")
parser.add_argument("--chip", help="hil: the chip's numbers as JSON (see hil_step)")
parser.add_argument("--steps", type=int, default=100, help="hil: timed optimizer steps")
parser.add_argument("--warmup", type=int, default=5, help="hil: untimed steps first")
parser.add_argument("--lr", type=float, default=1e-4, help="hil: Adam's learning rate")
parser.add_argument("--batch", type=int, default=64)
parser.add_argument("--model", choices=["mlp", "lenet"], default="mlp", help="hil: aimc's built-in model")
parser.add_argument("--eval", type=int, default=0, help="hil: test examples to report the analog accuracy on")
args = parser.parse_args()


def idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


x = torch.tensor(idx(f"{args.directory}/train-images-idx3-ubyte.gz", 16).reshape(-1, 784) / 255.0, dtype=torch.float32)
y = torch.tensor(idx(f"{args.directory}/train-labels-idx1-ubyte.gz", 8).astype(np.int64))
torch.manual_seed(1)
torch.set_num_threads(args.threads)


def plain():
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
    return {"framework": f"torch {torch.__version__}", "threads": args.threads, "samples": len(y),
            "seconds": seconds, "samples_per_second": len(y) / seconds, "final_loss": loss.item()}


class Chip:
    """The chip's numbers and fixed patterns. CHIP_JSON keys: rows, cols (a tile), dac_bits, adc_bits, adc_range_mac,
    adc_inl_peak_lsb, gain_sigma, offset_sigma_full_scale (column mismatch), programming_noise_scale,
    read_noise_scale, t0_seconds, t_read_seconds (PCM), mvm_seconds (one read)."""

    def __init__(self, spec, shapes):
        self.rows, self.cols = spec["rows"], spec["cols"]
        self.dac_max = 2 ** (spec["dac_bits"] - 1) - 1
        self.adc_min, self.adc_max = -2 ** (spec["adc_bits"] - 1), 2 ** (spec["adc_bits"] - 1) - 1
        self.full_scale = spec["adc_range_mac"]
        self.lsb = self.full_scale / 2 ** (spec["adc_bits"] - 1)
        self.inl = spec["adc_inl_peak_lsb"]
        scale = spec["programming_noise_scale"] / 25.0
        self.prog = [scale * 0.26348, scale * 1.9650, scale * -1.1731]
        band = math.log((spec["t0_seconds"] + spec["t_read_seconds"]) / (2 * spec["t_read_seconds"]))
        self.read_probe = spec["read_noise_scale"] * 0.0088 * math.sqrt(band) if band > 0 else 0.0
        self.read_cap = 0.2 / 0.0088
        window = max(spec["mvm_seconds"], 2 * spec["t_read_seconds"])
        self.white = min(max(math.log(window / (2 * spec["t_read_seconds"])) / band, 0.0), 1.0) if band > 0 else 1.0
        self.held_scale = math.sqrt(1 - self.white)
        # One read-out pattern per tile block of each (inputs, outputs) layer: column gain 1 + sigma xi, offset
        # sigma FS xi (MAC units).
        self.blocks = []
        for inputs, outputs in shapes:
            layer = []
            for r0 in range(0, inputs, self.rows):
                gain = 1 + spec["gain_sigma"] * torch.randn(outputs)
                offset = spec["offset_sigma_full_scale"] * self.full_scale * torch.randn(outputs)
                layer.append((r0, min(inputs, r0 + self.rows), gain, offset))
            self.blocks.append(layer)

    def program(self, target):
        """One pulse per device: target + sigma_prog(target) xi, clipped at 0."""
        sigma = self.prog[0] + target * (self.prog[1] + target * self.prog[2])
        return (target + sigma * torch.randn_like(target)).clamp_(min=0)

    def read_sigma(self, g):
        """sigma = |g| min(|g|^-0.65, 0.2/0.0088) 0.0088 scale sqrt(band): the drift-free device's read noise."""
        return g.pow(-0.65).clamp_(max=self.read_cap).mul_(g).mul_(self.read_probe)

    def adc(self, analog):
        position = analog / self.lsb + self.inl * (1 - analog.square().clamp(max=self.full_scale ** 2) / self.full_scale ** 2)
        return position.round_().clamp_(self.adc_min, self.adc_max)


class AnalogLinear(torch.autograd.Function):
    """Forward as the chip measures it, backward the ideal VJP at the quantized inputs (straight through)."""

    @staticmethod
    def forward(ctx, inputs, weight, bias, chip, blocks, input_range):
        with torch.no_grad():
            scale = weight.abs().amax(dim=1).clamp_(min=1e-12)
            normalized = (weight / scale[:, None]).clamp_(-1, 1).t()
            g_plus = chip.program(normalized.clamp(min=0))
            g_minus = chip.program((-normalized).clamp(min=0))
            s_plus, s_minus = chip.read_sigma(g_plus), chip.read_sigma(g_minus)
            held = s_plus * torch.randn_like(s_plus) + s_minus * torch.randn_like(s_minus)
            programmed = g_plus - g_minus + chip.held_scale * held
            variance = chip.white * (s_plus.square() + s_minus.square())
            codes = (inputs * (chip.dac_max / input_range)).abs().add_(0.5).floor_().mul_(torch.sign(inputs))
            codes.clamp_(-chip.dac_max, chip.dac_max)
            features = codes / chip.dac_max
            out = bias.expand(inputs.shape[0], -1).clone()
            for r0, r1, gain, offset in blocks:
                block = features[:, r0:r1]
                mac = block @ programmed[r0:r1]
                std = (block.square() @ variance[r0:r1]).sqrt_()
                mac.addcmul_(std, torch.randn_like(std))
                out.add_(chip.adc(mac.mul_(gain).add_(offset)).mul_(scale * (chip.lsb * input_range)))
        ctx.save_for_backward(codes * (input_range / chip.dac_max), weight)
        return out

    @staticmethod
    def backward(ctx, grad):
        quantized, weight = ctx.saved_tensors
        return grad @ weight, grad.t() @ quantized, grad.sum(0), None, None, None


def he_uniform(*shape):
    """aimc's initialization: He-uniform weights (fan_in = everything but the first dimension), zero biases."""
    weight = torch.empty(*shape).uniform_(-math.sqrt(6 / math.prod(shape[1:])), math.sqrt(6 / math.prod(shape[1:])))
    return weight.requires_grad_(), torch.zeros(shape[0], requires_grad=True)


def quantile_range(values):
    """The DAC range aimc calibrates: the 0.999 quantile of a layer's inputs (1 when it is not positive)."""
    values = values.flatten().sort().values
    value = values[max(0, math.ceil(0.999 * len(values)) - 1)].item()
    return value if value > 0 else 1.0


def analog_conv(inputs, weight, bias, chip, blocks, input_range):
    """A Conv2d as aimc's AnalogConv2d: the kernel an (in kh kw) x out matrix, each output position one MVM of its
    unfolded patch through AnalogLinear."""
    n, _, height, width = inputs.shape
    outputs, _, kh, kw = weight.shape
    patches = torch.nn.functional.unfold(inputs, (kh, kw)).transpose(1, 2).reshape(-1, weight[0].numel())
    out = AnalogLinear.apply(patches, weight.reshape(outputs, -1), bias, chip, blocks, input_range)
    return out.reshape(n, -1, outputs).transpose(1, 2).reshape(n, outputs, height - kh + 1, width - kw + 1)


def mlp(chip_spec):
    """The 784-256-10 MLP: its parameters, its forward pass on the chip and the chip."""
    chip = Chip(chip_spec, [(784, 256), (256, 10)])
    (w1, b1), (w2, b2) = he_uniform(256, 784), he_uniform(10, 256)
    with torch.no_grad():
        hidden_range = quantile_range(torch.relu(x[:1000] @ w1.t() + b1))

    def forward(images):
        h = torch.relu(AnalogLinear.apply(images, w1, b1, chip, chip.blocks[0], 1.0))
        return AnalogLinear.apply(h, w2, b2, chip, chip.blocks[1], hidden_range)

    return [w1, b1, w2, b2], forward


def lenet(chip_spec):
    """aimc's lenet for 1 x 28 x 28 images: its parameters, its forward pass on the chip and the chip."""
    chip = Chip(chip_spec, [(25, 8), (200, 16), (256, 10)])
    (c1, d1), (c2, d2), (w3, b3) = he_uniform(8, 1, 5, 5), he_uniform(16, 8, 5, 5), he_uniform(10, 256)
    pool = torch.nn.functional.max_pool2d
    with torch.no_grad():
        images = x[:1000].reshape(-1, 1, 28, 28)
        first = pool(torch.relu(torch.nn.functional.conv2d(images, c1, d1)), 2)
        second = pool(torch.relu(torch.nn.functional.conv2d(first, c2, d2)), 2)
        ranges = [1.0, quantile_range(first), quantile_range(second)]

    def forward(images):
        h = pool(torch.relu(analog_conv(images.reshape(-1, 1, 28, 28), c1, d1, chip, chip.blocks[0], ranges[0])), 2)
        h = pool(torch.relu(analog_conv(h, c2, d2, chip, chip.blocks[1], ranges[1])), 2)
        return AnalogLinear.apply(h.flatten(1), w3, b3, chip, chip.blocks[2], ranges[2])

    return [c1, d1, c2, d2, w3, b3], forward


def hil():
    parameters, forward = (lenet if args.model == "lenet" else mlp)(json.loads(args.chip))
    optimizer = torch.optim.Adam(parameters, lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    order = torch.randperm(len(y))
    total = args.warmup + args.steps
    start = None
    losses = []
    for step in range(total):
        if step == args.warmup:
            start = time.perf_counter()
        i = (step * args.batch) % (len(y) - args.batch)
        batch = order[i:i + args.batch]
        optimizer.zero_grad()
        loss = loss_fn(forward(x[batch]), y[batch])
        loss.backward()
        optimizer.step()
        if args.eval > 0:
            losses.append(loss.item())
    seconds = time.perf_counter() - start
    samples = args.steps * args.batch
    result = {"framework": f"torch {torch.__version__}", "threads": args.threads, "mode": "hil", "model": args.model,
              "steps": args.steps, "warmup_steps": args.warmup, "samples": samples, "seconds": seconds,
              "samples_per_second": samples / seconds, "final_loss": loss.item()}
    if args.eval > 0:
        test_x = torch.tensor(idx(f"{args.directory}/t10k-images-idx3-ubyte.gz", 16).reshape(-1, 784) / 255.0,
                              dtype=torch.float32)[:args.eval]
        test_y = torch.tensor(idx(f"{args.directory}/t10k-labels-idx1-ubyte.gz", 8).astype(np.int64))[:args.eval]
        with torch.no_grad():
            predicted = torch.cat([forward(test_x[k:k + 256]).argmax(1) for k in range(0, len(test_y), 256)])
        result["mean_loss"] = sum(losses) / len(losses)
        result["test_examples"] = len(test_y)
        result["test_accuracy"] = (predicted == test_y).double().mean().item()
    return result


if args.mode == "hil":
    if args.chip is None:
        parser.error("--mode hil needs --chip")
    print(json.dumps(hil()))
else:
    print(json.dumps(plain()))
