using AimcHil.Hardware.Buses;
using AimcHil.Rig.Direct.Emulated;

namespace AimcHil.Rig.Tests.Direct.Emulated;

/// <summary>The GPIO model queues edges as the Linux character device does and hands host output edges to the parts.</summary>
public class EmulatedGpioTests
{
    [Fact]
    public void EdgesQueueFromTheMomentAnInputIsOpened()
    {
        var gpio = new EmulatedGpio();
        gpio.Drive(21, PinValue.High);
        gpio.OpenPin(21, PinMode.Input);

        Assert.Equal(PinValue.High, gpio.Read(21));
        Assert.False(gpio.WaitForEdge(21, PinEdge.Rising, TimeSpan.Zero)); // it rose before anyone listened
        gpio.Drive(21, PinValue.Low);
        gpio.Drive(21, PinValue.High);
        Assert.True(gpio.WaitForEdge(21, PinEdge.Rising, TimeSpan.Zero)); // the falling edge is dropped on the way
        Assert.False(gpio.WaitForEdge(21, PinEdge.Both, TimeSpan.Zero));
    }

    [Fact]
    public void PartsHearOnlyChangesOfTheHostsOutputs()
    {
        var gpio = new EmulatedGpio();
        var heard = new List<PinEdge>();
        gpio.Listen(20, heard.Add);
        gpio.OpenPin(20, PinMode.Output);

        gpio.Write(20, PinValue.High);
        gpio.Write(20, PinValue.High);
        gpio.Write(20, PinValue.Low);

        Assert.Equal([PinEdge.Rising, PinEdge.Falling], heard);
        Assert.Equal(2, gpio.OutputEdges);
    }

    [Fact]
    public async Task AWaitEndsWhenAPartDrivesTheLineFromAnotherThread()
    {
        var gpio = new EmulatedGpio();
        gpio.OpenPin(6, PinMode.Input);

        var later = Task.Delay(20).ContinueWith(_ => gpio.Drive(6, PinValue.High), TaskScheduler.Default);

        Assert.True(gpio.WaitForEdge(6, PinEdge.Rising, TimeSpan.FromSeconds(5)));
        await later;
    }

    [Fact]
    public void APartDrivingAHostOutputIsTwoDriversOnOneWire()
    {
        var gpio = new EmulatedGpio();
        gpio.OpenPin(21, PinMode.Output);

        var error = Assert.Throws<InvalidOperationException>(() => gpio.Drive(21, PinValue.High));

        Assert.Equal("emulated-gpiochip0: line 21 is driven by a part, but the host opened it as an output: two drivers on one wire; check the rig's line numbers", error.Message);
    }
}
