using System.Device.Gpio;
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
        gpio.Controller.OpenPin(21, PinMode.Input);

        Assert.Equal(PinValue.High, gpio.Controller.Read(21));
        Assert.True(gpio.Controller.WaitForEvent(21, PinEventTypes.Rising, TimeSpan.Zero).TimedOut); // it rose before anyone listened
        gpio.Drive(21, PinValue.Low);
        gpio.Drive(21, PinValue.High);
        Assert.False(gpio.Controller.WaitForEvent(21, PinEventTypes.Rising, TimeSpan.Zero).TimedOut); // the falling edge is dropped on the way
        Assert.True(gpio.Controller.WaitForEvent(21, PinEventTypes.Rising | PinEventTypes.Falling, TimeSpan.Zero).TimedOut);
    }

    [Fact]
    public void PartsHearOnlyChangesOfTheHostsOutputs()
    {
        var gpio = new EmulatedGpio();
        var heard = new List<PinEventTypes>();
        gpio.Listen(20, heard.Add);
        gpio.Controller.OpenPin(20, PinMode.Output);

        gpio.Controller.Write(20, PinValue.High);
        gpio.Controller.Write(20, PinValue.High);
        gpio.Controller.Write(20, PinValue.Low);

        Assert.Equal([PinEventTypes.Rising, PinEventTypes.Falling], heard);
        Assert.Equal(2, gpio.OutputEdges);
    }

    [Fact]
    public async Task AWaitEndsWhenAPartDrivesTheLineFromAnotherThread()
    {
        var gpio = new EmulatedGpio();
        gpio.Controller.OpenPin(6, PinMode.Input);

        var later = Task.Delay(20).ContinueWith(_ => gpio.Drive(6, PinValue.High), TaskScheduler.Default);

        Assert.False(gpio.Controller.WaitForEvent(6, PinEventTypes.Rising, TimeSpan.FromSeconds(5)).TimedOut);
        await later;
    }

    [Fact]
    public void APartDrivingAHostOutputIsTwoDriversOnOneWire()
    {
        var gpio = new EmulatedGpio();
        gpio.Controller.OpenPin(21, PinMode.Output);

        var error = Assert.Throws<InvalidOperationException>(() => gpio.Drive(21, PinValue.High));

        Assert.Equal("emulated-gpiochip0: line 21 is driven from outside, but the host opened it as an output: two drivers on one wire; check the line numbers", error.Message);
    }
}
