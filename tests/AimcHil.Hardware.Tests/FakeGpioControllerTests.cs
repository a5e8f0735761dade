using AimcHil.Hardware.Buses;

namespace AimcHil.Hardware.Tests;

/// <summary>The fake GPIO chip: recorded outputs, test-driven inputs and edges queued like the Linux controller's.</summary>
public class FakeGpioControllerTests
{
    private const int ConvSt = 5;
    private const int Busy = 6;

    [Fact]
    public void OutputsAreRecordedInOrderAcrossPins()
    {
        using var gpio = new FakeGpioController();
        gpio.OpenPin(ConvSt, PinMode.Output, PinValue.High);
        gpio.OpenPin(7, PinMode.Output);
        gpio.Write(ConvSt, PinValue.Low);
        gpio.Write(7, PinValue.High);
        gpio.Write(ConvSt, PinValue.High);

        Assert.Equal([(ConvSt, PinValue.High), (7, PinValue.Low), (ConvSt, PinValue.Low), (7, PinValue.High), (ConvSt, PinValue.High)],
            gpio.Writes.Select(w => (w.Pin, w.Value)));
        Assert.Equal([0L, 1, 2, 3, 4], gpio.Writes.Select(w => w.Sequence));
        Assert.True(gpio.Writes.Zip(gpio.Writes.Skip(1)).All(p => p.First.At <= p.Second.At));
        Assert.Equal([PinValue.High, PinValue.Low, PinValue.High], gpio.WritesTo(ConvSt));
        Assert.Equal(PinValue.High, gpio.Read(ConvSt));
    }

    [Fact]
    public void InputsReadTheirBiasUntilDriven()
    {
        using var gpio = new FakeGpioController();
        gpio.OpenPin(1, PinMode.InputPullUp);
        gpio.OpenPin(2, PinMode.InputPullDown);
        Assert.Equal(PinValue.High, gpio.Read(1));
        Assert.Equal(PinValue.Low, gpio.Read(2));
        gpio.SetInput(1, PinValue.Low);
        Assert.Equal(PinValue.Low, gpio.Read(1));
    }

    [Fact]
    public void AnEdgeBeforeTheWaitIsNotMissedAndOnlyWantedEdgesCount()
    {
        using var gpio = new FakeGpioController();
        gpio.OpenPin(Busy, PinMode.Input);
        gpio.RaiseEdge(Busy, PinEdge.Rising);
        gpio.RaiseEdge(Busy, PinEdge.Falling);

        Assert.True(gpio.WaitForEdge(Busy, PinEdge.Falling, TimeSpan.Zero)); // the rising edge is dropped
        Assert.False(gpio.WaitForEdge(Busy, PinEdge.Both, TimeSpan.Zero));
    }

    [Fact]
    public void RaisingAnEdgeOnALineAlreadyThereGoesTheOtherWayFirst()
    {
        using var gpio = new FakeGpioController();
        gpio.OpenPin(Busy, PinMode.InputPullUp);
        gpio.RaiseEdge(Busy, PinEdge.Rising);
        Assert.True(gpio.WaitForEdge(Busy, PinEdge.Falling, TimeSpan.Zero));
        Assert.True(gpio.WaitForEdge(Busy, PinEdge.Rising, TimeSpan.Zero));
        Assert.Equal(PinValue.High, gpio.Read(Busy));
    }

    [Fact]
    public async Task AWaitEndsWhenTheTestDrivesTheLineLater()
    {
        using var gpio = new FakeGpioController();
        gpio.OpenPin(Busy, PinMode.Input);
        var driven = gpio.SetInputAfter(Busy, PinValue.High, TimeSpan.FromMilliseconds(20));
        Assert.True(gpio.WaitForEdge(Busy, PinEdge.Rising, TimeSpan.FromSeconds(10)));
        await driven;
        Assert.False(gpio.WaitForEdge(Busy, PinEdge.Rising, TimeSpan.FromMilliseconds(20)));
    }

    [Fact]
    public void AnOutputCanTriggerAnInput()
    {
        // An AD7606-like conversion: CONVST rising raises BUSY, which falls once the conversion is done.
        using var gpio = new FakeGpioController();
        gpio.OpenPin(ConvSt, PinMode.Output);
        gpio.OpenPin(Busy, PinMode.Input);
        gpio.OutputWritten += (pin, value) =>
        {
            if (pin == ConvSt && value == PinValue.High)
            {
                gpio.SetInput(Busy, PinValue.High);
                _ = gpio.SetInputAfter(Busy, PinValue.Low, TimeSpan.FromMilliseconds(5));
            }
        };

        gpio.Write(ConvSt, PinValue.High);
        Assert.Equal(PinValue.High, gpio.Read(Busy));
        Assert.True(gpio.WaitForEdge(Busy, PinEdge.Falling, TimeSpan.FromSeconds(10)));
        Assert.Equal(PinValue.Low, gpio.Read(Busy));
    }

    [Fact]
    public void MisuseIsReportedAsTheLinuxControllerDoes()
    {
        using var gpio = new FakeGpioController();
        Assert.Equal("fake-gpiochip: line 3 is not open; call OpenPin(3, …) first", Assert.Throws<InvalidOperationException>(() => gpio.Read(3)).Message);
        gpio.OpenPin(3, PinMode.Input);
        Assert.Throws<InvalidOperationException>(() => gpio.OpenPin(3, PinMode.Output));
        Assert.Equal("fake-gpiochip: line 3 is open as Input; open it as Output to drive it", Assert.Throws<InvalidOperationException>(() => gpio.Write(3, PinValue.High)).Message);
        gpio.OpenPin(4, PinMode.Output);
        Assert.Throws<InvalidOperationException>(() => gpio.WaitForEdge(4, PinEdge.Rising, TimeSpan.Zero));
        gpio.ClosePin(3);
        Assert.False(gpio.IsOpen(3));
    }
}
