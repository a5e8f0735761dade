using AimcHil.Numerics;
using AimcHil.Training.Layers;
using AimcHil.Training.Optimizers;

namespace AimcHil.Training.Tests.Optimizers;

public sealed class TrainingTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("aimc-training-");

    public static TheoryData<string> Optimizers => ["sgd", "adam"];

    public void Dispose() => _directory.Delete(recursive: true);

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void TinyMlpLearnsASeparableSet(string kind)
    {
        var problem = new ToyProblem(64, new SeededRandom(2024).Fork("data"));
        var model = Mlp.Create([2, 16, 2], new SeededRandom(2024).Fork("model"));
        var optimizer = Create(kind);
        var initial = problem.Loss(model);

        for (var step = 0; step < 50; step++)
        {
            problem.Step(model, optimizer);
        }

        var final = problem.Loss(model);
        Assert.True(final < 0.5 * initial, $"{kind}: loss {initial:g4} → {final:g4}");
        Assert.True(SoftmaxCrossEntropy.Accuracy(model.Forward(problem.Features, training: false), problem.Labels) >= 0.9);
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void ResumingFromACheckpointContinuesExactly(string kind)
    {
        var problem = new ToyProblem(32, new SeededRandom(5).Fork("data"));
        var uninterrupted = Mlp.Create([2, 8, 2], new SeededRandom(5).Fork("model"));
        var uninterruptedOptimizer = Create(kind);
        for (var step = 0; step < 6; step++)
        {
            problem.Step(uninterrupted, uninterruptedOptimizer);
        }

        var first = Mlp.Create([2, 8, 2], new SeededRandom(5).Fork("model"));
        var firstOptimizer = Create(kind);
        for (var step = 0; step < 3; step++)
        {
            problem.Step(first, firstOptimizer);
        }

        var checkpoint = Path.Combine(_directory.FullName, $"{kind}.ckpt");
        ModelState.Save(checkpoint, first.Parameters);
        var state = firstOptimizer.State();
        for (var step = 0; step < 3; step++)
        {
            // Training on after the export must not reach into the exported state.
            problem.Step(first, firstOptimizer);
        }

        var resumed = Mlp.Create([2, 8, 2], new SeededRandom(99).Fork("model"));
        ModelState.Load(checkpoint, resumed.Parameters);
        var resumedOptimizer = Create(kind);
        resumedOptimizer.Restore(state);
        for (var step = 0; step < 3; step++)
        {
            problem.Step(resumed, resumedOptimizer);
        }

        for (var i = 0; i < uninterrupted.Parameters.Count; i++)
        {
            Assert.Equal(uninterrupted.Parameters[i].Value, resumed.Parameters[i].Value);
        }

        Assert.Equal(uninterruptedOptimizer.State(), resumedOptimizer.State());
    }

    private static IOptimizer Create(string kind) => kind switch
    {
        "sgd" => new Sgd(0.05f, momentum: 0.9f),
        "adam" => new Adam(0.01f),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown optimizer"),
    };
}
