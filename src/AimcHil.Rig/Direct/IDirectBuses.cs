using System.Device.Gpio;
using AimcHil.Core;
using AimcHil.Hardware.Buses;

namespace AimcHil.Rig.Direct;

/// <summary>The buses a direct rig's parts sit on: the Linux kernel's on a real board, or the register-level emulation
/// wired to the emulator; the drivers and DirectChip run unchanged on either.</summary>
public interface IDirectBuses : IDisposable
{
    /// <summary>The SPI device at bus / chip select, opened with that mode and clock.</summary>
    SpiMessageDevice Spi(SpiBusConfig device);

    /// <summary>The I2C device at bus / address.</summary>
    I2cTransactionDevice I2c(int bus, int address);

    /// <summary>The GPIO chip the rig's control lines are on.</summary>
    GpioController Gpio { get; }

    /// <summary>The time the chip behind the buses lives in when the bench keeps its own: on an emulated bench the
    /// emulator's virtual clock (its devices age by it, and it jumps, as over the virtual rig); null on a board, where
    /// the chip ages in wall time.</summary>
    IChipClock? ChipClock => null;
}
