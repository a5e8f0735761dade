using System.Collections.Concurrent;
using System.Device.I2c;

namespace AimcHil.Hardware.Buses;

/// <summary>An I2C device for driver tests: records every transaction (golden bytes), answers reads from a queue of
/// canned responses or else from <see cref="Responder"/> (else zeros), and can refuse to acknowledge, throwing the
/// same <see cref="AimcHil.Core.AimcException"/> a real bus does.</summary>
public sealed class RecordingI2cDevice(I2cConnectionSettings? settings = null) : I2cTransactionDevice
{
    private readonly List<RecordedI2cTransaction> _recorded = [];
    private readonly ConcurrentQueue<byte[]> _responses = new();
    private int _nacks;

    public override I2cConnectionSettings ConnectionSettings { get; } = settings ?? new I2cConnectionSettings(1, 0x48);

    /// <summary>Completed transactions in order (NACKed ones are not recorded; see <see cref="Nacks"/>).</summary>
    public IReadOnlyList<RecordedI2cTransaction> Recorded => _recorded;

    /// <summary>Answers a read when no canned response is queued: given the bytes written in the same transaction
    /// and the number of bytes wanted, returns exactly that many bytes. Keep register state in the closure.</summary>
    public Func<byte[], int, byte[]>? Responder { get; set; }

    /// <summary>False makes every transaction fail as if nothing were at the address (unplugged device).</summary>
    public bool Answers { get; set; } = true;

    /// <summary>Transactions refused so far (by <see cref="Answers"/> or <see cref="NackNext"/>).</summary>
    public int Nacks { get; private set; }

    /// <summary>Every byte written, all transactions concatenated.</summary>
    public byte[] AllWritten => [.. _recorded.SelectMany(t => t.Written)];

    /// <summary>Queues the bytes the next read returns; each read takes one response, which must have its length.</summary>
    /// <summary>Whether the device was disposed (a driver built to own its bus disposes it with itself).</summary>
    public bool Disposed { get; private set; }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }

    public void EnqueueResponse(params byte[] response) => _responses.Enqueue(response);

    /// <summary>The next <paramref name="count"/> transactions are not acknowledged (a glitch), later ones are.</summary>
    public void NackNext(int count = 1) => _nacks += count;

    protected override void WriteReadCore(ReadOnlySpan<byte> write, Span<byte> read)
    {
        if (!Answers || _nacks > 0)
        {
            _nacks = Math.Max(0, _nacks - 1);
            Nacks++;
            throw LinuxI2cDevice.NoAnswer(ConnectionSettings);
        }

        var written = write.ToArray();
        var answer = read.IsEmpty ? [] : Answer(written, read.Length);
        answer.CopyTo(read);
        _recorded.Add(new RecordedI2cTransaction(written, answer));
    }

    private byte[] Answer(byte[] written, int length)
    {
        var answer = _responses.TryDequeue(out var canned) ? canned : Responder?.Invoke(written, length) ?? new byte[length];
        if (answer.Length != length)
        {
            throw new InvalidOperationException($"{ConnectionSettings.DevicePath} 0x{ConnectionSettings.DeviceAddress:X2}: the test answered {answer.Length} bytes to a read of {length}");
        }

        return answer;
    }
}
