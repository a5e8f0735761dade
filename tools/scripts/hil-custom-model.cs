#:project ../../src/AimcHil.Training
#:project ../../src/AimcHil.Rig
#:property PublishAot=false
// A model of your own, trained in software, mapped onto a rig's tiles and fine-tuned with the chip in the loop.
// Usage (from the repository root): dotnet run tools/scripts/hil-custom-model.cs [-- RIG.yaml]
using AimcHil.Numerics;
using AimcHil.Rig;
using AimcHil.Training.Data;
using AimcHil.Training.Interchange;
using AimcHil.Training.Layers;
using AimcHil.Training.Runs;

var rigPath = args.Length > 0 ? args[0] : "hil-rigs/fmnist-hil-1.yaml";
var random = new SeededRandom(7);

// Any nn.Sequential-like stack of our layers: an 8-channel 5×5 convolution at stride 2 (14×14 = 196 positions, one MVM each),
// 2×2 average pooling (which also averages the chip's read noise), a 392-32-10 head.
var model = new Sequential(
    new Conv2d("conv", 1, 8, 5, random.Fork("conv"), stride: 2, padding: 2),
    new Relu(),
    new AvgPool2d(2),
    new Flatten(),
    new Linear("fc1", 8 * 7 * 7, 32, random.Fork("fc1")),
    new Relu(),
    new Linear("fc2", 32, 10, random.Fork("fc2")));
model.Bind(new ImageShape(1, 28, 28));

var (train, test) = FashionMnist.Load();
var progress = new Progress<TrainingProgress>(p =>
{
    if (p.Batch % 200 == 0)
    {
        Console.Error.WriteLine($"  epoch {p.Epoch}/{p.Epochs} batch {p.Batch}/{p.Batches} loss {p.Loss:F3}");
    }
});

// 1. Software training: the chip is not needed.
var software = new Trainer(new TrainingOptions { Mode = TrainingMode.Software, Epochs = 2 }, train, test, null, model).Run(progress);
Console.WriteLine($"software: {software.SoftwareTestAccuracy:P2}");

// 2. The same weights deployed as they are, then fine-tuned with the forward pass measured on the chip.
using var chip = RigConnector.Open(rigPath);
var naive = new Trainer(new TrainingOptions { Mode = TrainingMode.Naive, Epochs = 0 }, train, test, chip, model).Run();
Console.WriteLine($"naive on {chip.Info.Name}: {naive.ChipTestAccuracy:P2}, {naive.MvmsPerSample} tile MVMs per image");

var hil = new TrainingOptions { Mode = TrainingMode.Hil, Epochs = 1, LearningRate = 1e-4f, Reprogram = "delta:0.005", TrainLimit = 6400 };
var tuned = new Trainer(hil, train, test, chip, model).Run(progress);
Console.WriteLine($"hil on {chip.Info.Name}: {tuned.ChipTestAccuracy:P2} ({tuned.ProgrammingPulses} pulses, {tuned.SamplesPerSecond:F0} samples/s)");

// 3. The weights, with PyTorch's names, for torch.nn.Module.load_state_dict.
StateDict.Save("runs/custom-model.safetensors", model.Parameters, "hil-custom-model.cs");
Console.WriteLine("weights: runs/custom-model.safetensors");
