using AimcHil.Core;

namespace AimcHil.Core.Tests;

/// <summary>MvmError against hand-computed exact products and errors.</summary>
public sealed class MvmErrorTests
{
    [Fact]
    public void ExactIsTheSumOfWeightsTimesNormalizedCodes()
    {
        // W = [[0.5, -1], [0.25, 1]], x = [127, -127]/127 = [1, -1]: column 0 is 0.5 − 0.25, column 1 is −1 − 1.
        var weights = new Grid<float>(2, 2, [0.5f, -1f, 0.25f, 1f]);
        var inputs = new Grid<int>(1, 2, [127, -127]);

        var exact = MvmError.Exact(weights, inputs, 127);

        Assert.Equal([0.25, -2.0], exact.Data);
    }

    [Fact]
    public void InputsOfAnotherLengthAreOneLine()
    {
        var error = Assert.Throws<AimcException>(() => MvmError.Exact(new Grid<float>(3, 1), new Grid<int>(1, 2), 127));
        Assert.Equal("inputs have 2 values per vector but the weights have 3 rows", error.Message);
    }

    [Fact]
    public void MeasuresInLsbAndInFullScale()
    {
        // Two outputs, 0.5 MAC per code: codes 3 and −1 read 1.5 and −0.5 against exact 1.0 and 0.0, so errors of
        // 0.5 MAC each: 1 LSB each, 0.5/8 of an 8-MAC full scale.
        var result = new MvmResult
        {
            Codes = new Grid<int>(1, 2, [3, -1]),
            MacPerCode = [0.5, 0.5],
            MacOffset = [0, 0],
            SaturatedOutputs = 0,
        };
        var exact = new Grid<double>(1, 2, [1.0, 0.0]);

        var error = MvmError.Measure(result, exact, 8);

        Assert.Equal(1.0, error.RmsLsb, 12);
        Assert.Equal(1.0, error.MaxAbsLsb, 12);
        Assert.Equal(0.0625, error.RmsRelativeFullScale, 12);
        Assert.Equal(0.0625, error.MaxAbsRelativeFullScale, 12);
        Assert.Equal(2, error.Outputs);
    }

    [Fact]
    public void ComparesOnlyTheColumnsTheExactValuesCover()
    {
        var result = new MvmResult
        {
            Codes = new Grid<int>(1, 3, [2, 0, 100]),
            MacPerCode = [1, 1, 1],
            MacOffset = [0, 0, 0],
            SaturatedOutputs = 0,
        };

        var error = MvmError.Measure(result, new Grid<double>(1, 2, [2, 0]), 1);

        Assert.Equal(0, error.MaxAbsLsb);
        Assert.Throws<ArgumentException>(() => MvmError.Measure(result, new Grid<double>(1, 4), 1));
    }
}
