using System.Device.Gpio;
using System.Device.Spi;
using AimcHil.Core;
using AimcHil.Hardware.Native;

namespace AimcHil.Hardware.Buses;

/// <summary>An SPI device through the Linux spidev driver (/dev/spidevB.C): mode, word size and clock set once at
/// open, each message one SPI_IOC_MESSAGE ioctl — or several when it exceeds spidev's buffer (see
/// <see cref="SpidevChunks"/>): then chip select is released between the parts and each part counts in
/// <see cref="SpiMessageDevice.Messages"/>.</summary>
public sealed unsafe class LinuxSpiDevice : SpiMessageDevice
{
    private const string BufferSizeParameter = "/sys/module/spidev/parameters/bufsiz";

    private int _fd;

    public LinuxSpiDevice(SpiConnectionSettings settings)
    {
        ConnectionSettings = settings;
        var path = settings.DevicePath;
        if (settings.DataBitLength is < 1 or > 32)
        {
            throw new AimcException($"{path}: {settings.DataBitLength} bits per word: must be 1 to 32 (8 for byte-wide devices)");
        }

        if (settings.ClockFrequency <= 0)
        {
            throw new AimcException($"{path}: clock {settings.ClockFrequency} Hz: must be a positive frequency, e.g. 1000000");
        }

        _fd = LibC.Open(path, LibC.ReadWrite | LibC.CloseOnExec);
        if (_fd < 0)
        {
            throw OpenFailure(path, LibC.LastError);
        }

        try
        {
            Configure(settings);
        }
        catch
        {
            _ = LibC.Close(_fd);
            _fd = -1;
            throw;
        }

        BufferSize = ReadBufferSize();
    }

    public override SpiConnectionSettings ConnectionSettings { get; }

    /// <summary>spidev's bounce buffer in bytes (module parameter bufsiz, read at open): the most one kernel message
    /// can move each way.</summary>
    public int BufferSize { get; }

    protected override void TransferCore(IReadOnlyList<SpiTransfer> segments)
    {
        if (_fd < 0)
        {
            throw new ObjectDisposedException(ConnectionSettings.DevicePath);
        }

        // An empty message makes no kernel call: CountAdditionalMessages(-1) cancels the one Transfer counts.
        var messages = SpidevChunks.Split(segments, BufferSize);
        foreach (var message in messages)
        {
            Send(message);
        }

        CountAdditionalMessages(messages.Count - 1);
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

    /// <summary>The records spidev gets for one kernel message: buffers are pinned addresses, an empty write sends
    /// zeros (tx_buf 0), an unwanted read is dropped (rx_buf 0); cs_change on a segment inside the message releases
    /// chip select after it, but on the last segment it would mean "keep selected", so it is never set there.</summary>
    internal static void Describe(ReadOnlySpan<SpiTransfer> message, Span<SpiIocTransfer> records, ReadOnlySpan<ulong> writeAddresses, ReadOnlySpan<ulong> readAddresses)
    {
        for (var i = 0; i < message.Length; i++)
        {
            var segment = message[i];
            records[i] = new SpiIocTransfer
            {
                TxBuffer = segment.Write.IsEmpty ? 0 : writeAddresses[i],
                RxBuffer = segment.Read.IsEmpty ? 0 : readAddresses[i],
                Length = (uint)segment.Length,
                DelayMicroseconds = segment.DelayMicroseconds,
                ChipSelectChange = (byte)(segment.DeselectAfter && i < message.Length - 1 ? 1 : 0),
            };
        }
    }

    private void Send(SpiTransfer[] message)
    {
        var pins = new System.Buffers.MemoryHandle[message.Length * 2];
        var writes = new ulong[message.Length];
        var reads = new ulong[message.Length];
        try
        {
            for (var i = 0; i < message.Length; i++)
            {
                pins[2 * i] = message[i].Write.Pin();
                pins[2 * i + 1] = message[i].Read.Pin();
                writes[i] = (ulong)pins[2 * i].Pointer;
                reads[i] = (ulong)pins[2 * i + 1].Pointer;
            }

            var records = new SpiIocTransfer[message.Length];
            Describe(message, records, writes, reads);
            fixed (SpiIocTransfer* first = records)
            {
                if (LibC.Ioctl(_fd, Spi.Message(message.Length), first) < 0)
                {
                    var errno = LibC.LastError;
                    throw new AimcException($"{ConnectionSettings.DevicePath}: SPI transfer of {message.Length} segment(s) failed: {Errno.Describe(errno)}: check the device node and dmesg");
                }
            }
        }
        finally
        {
            foreach (var pin in pins)
            {
                pin.Dispose();
            }
        }
    }

    private void Configure(SpiConnectionSettings settings)
    {
        var path = settings.DevicePath;
        // The mode word carries CPOL/CPHA in bits 0-1, SPI_CS_HIGH (bit 2) and SPI_LSB_FIRST (bit 3).
        var mode = (uint)settings.Mode
            | (settings.ChipSelectLineActiveState == PinValue.High ? Spi.ChipSelectHigh : 0u)
            | (settings.DataFlow == DataFlow.LsbFirst ? Spi.LsbFirst : 0u);
        // The u8 request carries the CPOL/CPHA bits; the 32-bit one is only needed for mode flags above bit 7.
        if (mode <= byte.MaxValue)
        {
            var mode8 = (byte)mode;
            Check(LibC.Ioctl(_fd, Spi.WriteMode, &mode8), path, $"SPI mode {settings.Mode}");
        }
        else
        {
            Check(LibC.Ioctl(_fd, Spi.WriteMode32, &mode), path, $"SPI mode {settings.Mode}");
        }

        var bits = (byte)settings.DataBitLength;
        Check(LibC.Ioctl(_fd, Spi.WriteBitsPerWord, &bits), path, $"{settings.DataBitLength} bits per word");
        var speed = (uint)settings.ClockFrequency;
        Check(LibC.Ioctl(_fd, Spi.WriteMaxSpeedHz, &speed), path, $"a {settings.ClockFrequency} Hz clock");
    }

    private static void Check(int result, string path, string what)
    {
        if (result < 0)
        {
            var errno = LibC.LastError;
            throw errno == Errno.NotATty
                ? new AimcException($"{path}: not an spidev device ({Errno.Describe(errno)}): give /dev/spidevB.C")
                : new AimcException($"{path}: the SPI controller refused {what} ({Errno.Describe(errno)}): pick a setting the controller supports");
        }
    }

    private static int ReadBufferSize()
    {
        try
        {
            return int.TryParse(File.ReadAllText(BufferSizeParameter).Trim(), out var size) && size >= Spi.BufferAlignment ? size : Spi.DefaultBufferSize;
        }
        catch (IOException)
        {
            return Spi.DefaultBufferSize;
        }
        catch (UnauthorizedAccessException)
        {
            return Spi.DefaultBufferSize;
        }
    }

    internal static AimcException OpenFailure(string path, int errno) => errno switch
    {
        Errno.NoEntry or Errno.NotDirectory or Errno.NoDevice or Errno.NoDeviceOrAddress =>
            new AimcException($"{path}: no such device: enable SPI (on a Raspberry Pi: dtparam=spi=on in /boot/firmware/config.txt, then reboot; ls /dev/spidev*)"),
        Errno.AccessDenied or Errno.NotPermitted =>
            new AimcException($"{path}: permission denied: add your user to the spi group (sudo usermod -aG spi $USER) and log in again"),
        _ => new AimcException($"{path}: cannot open: {Errno.Describe(errno)}"),
    };
}
