using System.Device.Gpio;
using AimcHil.Hardware.Buses;

namespace AimcHil.Hardware.Tests;

/// <summary>The recording GPIO driver behind a System.Device GpioController: recorded outputs, test-driven inputs and
/// edges queued like the Linux driver's.</summary>
public class RecordingGpioDriverTests
{
    private const int ConvSt = 5;
    private const int Busy = 6;
    private static readonly TimeSpan Now = TimeSpan.Zero;

    [Fact]
    public void OutputsAreRecordedInOrderAcrossPins()
    {
        var fake = new RecordingGpioDriver();
        using var gpio = new GpioController(fake);
        gpio.OpenPin(ConvSt, PinMode.Output, PinValue.High);
        gpio.OpenPin(7, PinMode.Output, PinValue.Low);
        gpio.Write(ConvSt, PinValue.Low);
        gpio.Write(7, PinValue.High);
        gpio.Write(ConvSt, PinValue.High);

        Assert.Equal([(ConvSt, PinValue.High), (7, PinValue.Low), (ConvSt, PinValue.Low), (7, PinValue.High), (ConvSt, PinValue.High)],
            fake.Writes.Select(w => (w.Pin, w.Value)));
        Assert.Equal([0L, 1, 2, 3, 4], fake.Writes.Select(w => w.Sequence));
        Assert.True(fake.Writes.Zip(fake.Writes.Skip(1)).All(p => p.First.At <= p.Second.At));
        Assert.Equal([PinValue.High, PinValue.Low, PinValue.High], fake.WritesTo(ConvSt));
        Assert.Equal(PinValue.High, gpio.Read(ConvSt));
    }

    [Fact]
    public void InputsReadTheirBiasUntilDriven()
    {
        var fake = new RecordingGpioDriver();
        using var gpio = new GpioController(fake);
        gpio.OpenPin(1, PinMode.InputPullUp);
        gpio.OpenPin(2, PinMode.InputPullDown);
        Assert.Equal(PinValue.High, gpio.Read(1));
        Assert.Equal(PinValue.Low, gpio.Read(2));
        fake.SetInput(1, PinValue.Low);
        Assert.Equal(PinValue.Low, gpio.Read(1));
    }

    [Fact]
    public void AnEdgeBeforeTheWaitIsNotMissedAndOnlyWantedEdgesCount()
    {
        var fake = new RecordingGpioDriver();
        using var gpio = new GpioController(fake);
        gpio.OpenPin(Busy, PinMode.Input);
        fake.RaiseEdge(Busy, PinEventTypes.Rising);
        fake.RaiseEdge(Busy, PinEventTypes.Falling);

        var falling = gpio.WaitForEvent(Busy, PinEventTypes.Falling, Now); // the rising edge is dropped
        Assert.Equal((false, PinEventTypes.Falling), (falling.TimedOut, falling.EventTypes));
        Assert.True(gpio.WaitForEvent(Busy, PinEventTypes.Rising | PinEventTypes.Falling, Now).TimedOut);
    }

    [Fact]
    public void RaisingAnEdgeOnALineAlreadyThereGoesTheOtherWayFirst()
    {
        var fake = new RecordingGpioDriver();
        using var gpio = new GpioController(fake);
        gpio.OpenPin(Busy, PinMode.InputPullUp);
        fake.RaiseEdge(Busy, PinEventTypes.Rising);
        Assert.False(gpio.WaitForEvent(Busy, PinEventTypes.Falling, Now).TimedOut);
        Assert.False(gpio.WaitForEvent(Busy, PinEventTypes.Rising, Now).TimedOut);
        Assert.Equal(PinValue.High, gpio.Read(Busy));
    }

    [Fact]
    public async Task AWaitEndsWhenTheTestDrivesTheLineLater()
    {
        var fake = new RecordingGpioDriver();
        using var gpio = new GpioController(fake);
        gpio.OpenPin(Busy, PinMode.Input);
        var driven = fake.SetInputAfter(Busy, PinValue.High, TimeSpan.FromMilliseconds(20));
        Assert.False(gpio.WaitForEvent(Busy, PinEventTypes.Rising, TimeSpan.FromSeconds(10)).TimedOut);
        await driven;
        Assert.True(gpio.WaitForEvent(Busy, PinEventTypes.Rising, TimeSpan.FromMilliseconds(20)).TimedOut);
    }

    [Fact]
    public void AnOutputCanTriggerAnInput()
    {
        // An AD7606-like conversion: CONVST rising raises BUSY, which falls once the conversion is done.
        var fake = new RecordingGpioDriver();
        using var gpio = new GpioController(fake);
        gpio.OpenPin(ConvSt, PinMode.Output, PinValue.Low);
        gpio.OpenPin(Busy, PinMode.Input);
        fake.OutputWritten += (pin, value) =>
        {
            if (pin == ConvSt && value == PinValue.High)
            {
                fake.SetInput(Busy, PinValue.High);
                _ = fake.SetInputAfter(Busy, PinValue.Low, TimeSpan.FromMilliseconds(5));
            }
        };

        gpio.Write(ConvSt, PinValue.High);
        Assert.Equal(PinValue.High, gpio.Read(Busy));
        Assert.False(gpio.WaitForEvent(Busy, PinEventTypes.Falling, TimeSpan.FromSeconds(10)).TimedOut);
        Assert.Equal(PinValue.Low, gpio.Read(Busy));
    }

    [Fact]
    public void MisuseIsReportedAsTheLinuxDriverDoes()
    {
        var fake = new RecordingGpioDriver();
        using var gpio = new GpioController(fake);
        gpio.OpenPin(3, PinMode.Input);
        Assert.True(fake.IsOpen(3));
        gpio.OpenPin(4, PinMode.Output);
        Assert.Equal("fake-gpiochip: line 4 is an output: wait for edges on an input line",
            Assert.Throws<InvalidOperationException>(() => gpio.WaitForEvent(4, PinEventTypes.Rising, Now)).Message);
        Assert.Equal("fake-gpiochip: line 4 is driven from outside, but the host opened it as an output: two drivers on one wire; check the line numbers",
            Assert.Throws<InvalidOperationException>(() => fake.SetInput(4, PinValue.High)).Message);
        Assert.Equal("fake-gpiochip", gpio.ChipName);
        gpio.ClosePin(3);
        Assert.False(fake.IsOpen(3));
    }
}
