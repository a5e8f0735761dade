using System.Device.I2c;
using AimcHil.Core;
using AimcHil.Hardware.Native;

namespace AimcHil.Hardware.Buses;

/// <summary>An I2C device through the Linux i2c-dev driver (/dev/i2c-N): every transaction is one I2C_RDWR ioctl,
/// a write-then-read two messages joined by a repeated start, so no other master can slip in between.</summary>
public sealed unsafe class LinuxI2cDevice : I2cTransactionDevice
{
    private int _fd;

    public LinuxI2cDevice(I2cConnectionSettings settings)
    {
        ConnectionSettings = settings;
        if (settings.DeviceAddress is < 0 or > I2c.MaxAddress)
        {
            throw new AimcException($"{settings.DevicePath}: address 0x{settings.DeviceAddress:X}: a 7-bit I2C address is 0x00 to 0x7F (i2cdetect -y {settings.BusId} lists the ones that answer)");
        }

        _fd = LibC.Open(settings.DevicePath, LibC.ReadWrite | LibC.CloseOnExec);
        if (_fd < 0)
        {
            throw OpenFailure(settings, LibC.LastError);
        }
    }

    public override I2cConnectionSettings ConnectionSettings { get; }

    protected override void WriteReadCore(ReadOnlySpan<byte> write, Span<byte> read)
    {
        if (_fd < 0)
        {
            throw new ObjectDisposedException(ConnectionSettings.DevicePath);
        }

        if (write.Length > I2c.MaxMessageLength || read.Length > I2c.MaxMessageLength)
        {
            throw new ArgumentException($"i2c-dev moves at most {I2c.MaxMessageLength} bytes per message: write {write.Length}, read {read.Length}");
        }

        fixed (byte* writeBuffer = write)
        fixed (byte* readBuffer = read)
        {
            var messages = stackalloc I2cMessage[2];
            var count = Describe(ConnectionSettings.DeviceAddress, writeBuffer, write.Length, readBuffer, read.Length, messages);
            var transaction = new I2cTransaction { Messages = messages, Count = (uint)count };
            if (LibC.Ioctl(_fd, I2c.ReadWrite, &transaction) < 0)
            {
                throw TransactionFailure(ConnectionSettings, LibC.LastError);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (_fd >= 0)
        {
            _ = LibC.Close(_fd);
            _fd = -1;
        }

        base.Dispose(disposing);
    }

    /// <summary>Fills the I2C_RDWR messages for one transaction and returns how many: the write (if any), then the
    /// read (if any); with neither, one empty write, which is an address probe (what i2cdetect -q does).</summary>
    internal static int Describe(int address, byte* write, int writeLength, byte* read, int readLength, I2cMessage* messages)
    {
        var count = 0;
        if (writeLength > 0 || readLength == 0)
        {
            messages[count++] = new I2cMessage { Address = (ushort)address, Flags = 0, Length = (ushort)writeLength, Buffer = write };
        }

        if (readLength > 0)
        {
            messages[count++] = new I2cMessage { Address = (ushort)address, Flags = I2cMessage.Read, Length = (ushort)readLength, Buffer = read };
        }

        return count;
    }

    /// <summary>What a missing acknowledge means to the user; shared with <see cref="RecordingI2cDevice"/> so driver
    /// tests see the real message.</summary>
    internal static AimcException NoAnswer(I2cConnectionSettings settings) =>
        new($"no device answered at address 0x{settings.DeviceAddress:X2} on {settings.DevicePath}: check wiring and address (i2cdetect -y {settings.BusId})");

    internal static AimcException TransactionFailure(I2cConnectionSettings settings, int errno) => errno switch
    {
        // Adapters report a NACK differently: EREMOTEIO (most, the Pi's included) or ENXIO (some SMBus controllers).
        Errno.RemoteIO or Errno.NoDeviceOrAddress => NoAnswer(settings),
        Errno.TimedOut or Errno.TryAgain =>
            new AimcException($"{settings.DevicePath}: the bus timed out or lost arbitration talking to 0x{settings.DeviceAddress:X2} ({Errno.Describe(errno)}): check pull-ups and that no device holds SDA low"),
        _ => new AimcException($"{settings.DevicePath}: I2C transaction with 0x{settings.DeviceAddress:X2} failed: {Errno.Describe(errno)}"),
    };

    internal static AimcException OpenFailure(I2cConnectionSettings settings, int errno) => errno switch
    {
        Errno.NoEntry or Errno.NotDirectory or Errno.NoDevice or Errno.NoDeviceOrAddress =>
            new AimcException($"{settings.DevicePath}: no such device: enable I2C (on a Raspberry Pi: dtparam=i2c_arm=on in /boot/firmware/config.txt, then reboot; ls /dev/i2c-*)"),
        Errno.AccessDenied or Errno.NotPermitted =>
            new AimcException($"{settings.DevicePath}: permission denied: add your user to the i2c group (sudo usermod -aG i2c $USER) and log in again"),
        _ => new AimcException($"{settings.DevicePath}: cannot open: {Errno.Describe(errno)}"),
    };
}
