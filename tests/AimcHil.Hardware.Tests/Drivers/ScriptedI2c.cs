using System.Device.I2c;
using AimcHil.Hardware.Buses;

namespace AimcHil.Hardware.Tests.Drivers;

/// <summary>An I2C device that records every transaction (bytes written, bytes asked for) and answers reads from a script.</summary>
internal sealed class ScriptedI2c(I2cConnectionSettings settings, Func<byte[], int, byte[]> respond) : I2cTransactionDevice
{
    public override I2cConnectionSettings ConnectionSettings => settings;

    public List<(byte[] Written, int ReadLength)> Log { get; } = [];

    protected override void WriteReadCore(ReadOnlySpan<byte> write, Span<byte> read)
    {
        var written = write.ToArray();
        var reply = respond(written, read.Length);
        Assert.Equal(read.Length, reply.Length);
        reply.CopyTo(read);
        Log.Add((written, read.Length));
    }
}
