using System.Device.Gpio;
using System.Device.I2c;
using System.Device.Spi;
using AimcHil.Core;
using AimcHil.Hardware.Buses;
using AimcHil.Hardware.Native;

namespace AimcHil.Hardware.Tests;

/// <summary>What CI can check of the Linux buses without the devices: the messages when a node is missing or
/// refused, argument checks, and the records each ioctl is given.</summary>
public unsafe class LinuxBusTests
{
    [Fact]
    public void AMissingSpidevNodeSaysHowToEnableSpi()
    {
        var e = Assert.Throws<AimcException>(() => new LinuxSpiDevice(new SpiConnectionSettings(97, 3)));
        Assert.Equal("/dev/spidev97.3: no such device: enable SPI (on a Raspberry Pi: dtparam=spi=on in /boot/firmware/config.txt, then reboot; ls /dev/spidev*)", e.Message);
    }

    [Fact]
    public void AMissingI2cNodeSaysHowToEnableI2c()
    {
        var e = Assert.Throws<AimcException>(() => new LinuxI2cDevice(new I2cConnectionSettings(97, 0x48)));
        Assert.Equal("/dev/i2c-97: no such device: enable I2C (on a Raspberry Pi: dtparam=i2c_arm=on in /boot/firmware/config.txt, then reboot; ls /dev/i2c-*)", e.Message);
    }

    [Fact]
    public void AMissingGpioChipSaysHowToFindOne()
    {
        var e = Assert.Throws<AimcException>(() => new LinuxGpioDriver(97));
        Assert.Equal("/dev/gpiochip97: no such device: this machine has no such GPIO chip (ls /dev/gpiochip*; gpiodetect names them)", e.Message);
    }

    [Fact]
    public void PermissionDeniedNamesTheGroupToJoin()
    {
        Assert.Equal("/dev/spidev0.0: permission denied: add your user to the spi group (sudo usermod -aG spi $USER) and log in again",
            LinuxSpiDevice.OpenFailure("/dev/spidev0.0", Errno.AccessDenied).Message);
        Assert.Equal("/dev/i2c-1: permission denied: add your user to the i2c group (sudo usermod -aG i2c $USER) and log in again",
            LinuxI2cDevice.OpenFailure(new I2cConnectionSettings(1, 0x48), Errno.AccessDenied).Message);
        Assert.Equal("/dev/gpiochip0: permission denied: add your user to the gpio group (sudo usermod -aG gpio $USER) and log in again",
            LinuxGpioDriver.OpenFailure("/dev/gpiochip0", Errno.NotPermitted).Message);
    }

    [Fact]
    public void ANackNamesTheAddressAndHowToScanTheBus()
    {
        var settings = new I2cConnectionSettings(1, 0x48);
        const string Expected = "no device answered at address 0x48 on /dev/i2c-1: check wiring and address (i2cdetect -y 1)";
        Assert.Equal(Expected, LinuxI2cDevice.TransactionFailure(settings, Errno.RemoteIO).Message);
        Assert.Equal(Expected, LinuxI2cDevice.TransactionFailure(settings, Errno.NoDeviceOrAddress).Message);
    }

    [Fact]
    public void BadSettingsAreRefusedBeforeTheNodeIsOpened()
    {
        Assert.Equal("/dev/i2c-1: address 0x80: a 7-bit I2C address is 0x00 to 0x7F (i2cdetect -y 1 lists the ones that answer)",
            Assert.Throws<AimcException>(() => new LinuxI2cDevice(new I2cConnectionSettings(1, 0x80))).Message);
        Assert.Equal("/dev/spidev0.0: clock 0 Hz: must be a positive frequency, e.g. 1000000",
            Assert.Throws<AimcException>(() => new LinuxSpiDevice(new SpiConnectionSettings(0, 0) { ClockFrequency = 0 })).Message);
        Assert.Equal("/dev/spidev0.0: 0 bits per word: must be 1 to 32 (8 for byte-wide devices)",
            Assert.Throws<AimcException>(() => new LinuxSpiDevice(new SpiConnectionSettings(0, 0) { DataBitLength = 0 })).Message);
    }

    [Fact]
    public void SpiRecordsCarryBuffersLengthsDelaysAndChipSelectChangesInsideTheMessageOnly()
    {
        SpiTransfer[] message =
        [
            new(new byte[] { 1, 2, 3 }, new byte[3], DeselectAfter: true, DelayMicroseconds: 5),
            new(new byte[2], Memory<byte>.Empty),
            new(ReadOnlyMemory<byte>.Empty, new byte[4], DeselectAfter: true),
        ];
        var records = new SpiIocTransfer[3];
        LinuxSpiDevice.Describe(message, records, [0x1000, 0x2000, 0x3000], [0x4000, 0x5000, 0x6000]);

        Assert.Equal((0x1000UL, 0x4000UL, 3u, (ushort)5, (byte)1), (records[0].TxBuffer, records[0].RxBuffer, records[0].Length, records[0].DelayMicroseconds, records[0].ChipSelectChange));
        Assert.Equal((0x2000UL, 0UL, 2u, (byte)0), (records[1].TxBuffer, records[1].RxBuffer, records[1].Length, records[1].ChipSelectChange));
        // On the last record cs_change would keep chip select asserted after the message: never set there.
        Assert.Equal((0UL, 0x6000UL, 4u, (byte)0), (records[2].TxBuffer, records[2].RxBuffer, records[2].Length, records[2].ChipSelectChange));
        // Speed and word size 0 mean the device's settings from open.
        Assert.All(records, r => Assert.Equal((0u, (byte)0), (r.SpeedHz, r.BitsPerWord)));
    }

    [Fact]
    public void AWriteThenReadIsTwoI2cMessagesTheSecondFlaggedRead()
    {
        var messages = stackalloc I2cMessage[2];
        byte w = 0x01;
        var r = stackalloc byte[2];
        Assert.Equal(2, LinuxI2cDevice.Describe(0x48, &w, 1, r, 2, messages));
        Assert.Equal((0x48, 0, 1), (messages[0].Address, messages[0].Flags, messages[0].Length));
        Assert.True(messages[0].Buffer == &w);
        Assert.Equal((0x48, 1, 2), (messages[1].Address, messages[1].Flags, messages[1].Length));
        Assert.True(messages[1].Buffer == r);

        Assert.Equal(1, LinuxI2cDevice.Describe(0x48, &w, 1, null, 0, messages));
        Assert.Equal(0, messages[0].Flags);
        Assert.Equal(1, LinuxI2cDevice.Describe(0x48, null, 0, r, 2, messages));
        Assert.Equal(1, messages[0].Flags);
        // Neither: an empty write, which is how an address is probed.
        Assert.Equal(1, LinuxI2cDevice.Describe(0x48, null, 0, null, 0, messages));
        Assert.Equal((0, 0), (messages[0].Flags, messages[0].Length));
    }

    [Fact]
    public void AnOutputLineRequestCarriesItsInitialLevel()
    {
        var request = LinuxGpioDriver.Describe(17, LinuxGpioDriver.Flags(PinMode.Output), PinValue.High);
        Assert.Equal(17u, request.Offsets[0]);
        Assert.Equal(1u, request.LineCount);
        Assert.Equal("aimc", new string((sbyte*)request.Consumer));
        Assert.Equal(Gpio.Output, request.Config.Flags);
        Assert.Equal(1u, request.Config.AttributeCount);
        Assert.Equal(GpioLineAttribute.OutputValuesId, request.Config.Attributes[0].Attribute.Id);
        Assert.Equal(1UL, request.Config.Attributes[0].Attribute.Values);
        Assert.Equal(1UL, request.Config.Attributes[0].Mask);

        var input = LinuxGpioDriver.Describe(4, LinuxGpioDriver.Flags(PinMode.InputPullUp) | Gpio.EdgeRising | Gpio.EdgeFalling, PinValue.High);
        Assert.Equal(Gpio.Input | Gpio.BiasPullUp | Gpio.EdgeRising | Gpio.EdgeFalling, input.Config.Flags);
        Assert.Equal(0u, input.Config.AttributeCount);
        Assert.Equal(Gpio.Input | Gpio.BiasPullDown, LinuxGpioDriver.Flags(PinMode.InputPullDown));
        Assert.Equal(Gpio.Input, LinuxGpioDriver.Flags(PinMode.Input));
    }

    [Fact]
    public void EdgeEventsMatchTheEdgesAskedFor()
    {
        Assert.Equal(PinEventTypes.Rising, LinuxGpioDriver.Edge(GpioLineEvent.RisingEdge));
        Assert.Equal(PinEventTypes.Falling, LinuxGpioDriver.Edge(GpioLineEvent.FallingEdge));
        Assert.Equal(PinEventTypes.None, LinuxGpioDriver.Edge(7));
    }

    [Fact]
    public void ANodeThatIsNotAGpioChipFailsWithAClearMessage()
    {
        // /dev/null opens but answers every ioctl with ENOTTY: the line request names the line and the errno.
        using var controller = new GpioController(new LinuxGpioDriver("/dev/null"));
        var e = Assert.Throws<AimcException>(() => controller.OpenPin(4, PinMode.Input));
        Assert.StartsWith("/dev/null: cannot open line 4: ", e.Message);
        Assert.Throws<InvalidOperationException>(() => controller.Read(4));
    }
}
