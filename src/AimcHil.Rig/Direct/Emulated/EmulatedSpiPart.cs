using System.Device.Spi;
using AimcHil.Core;
using AimcHil.Hardware.Buses;

namespace AimcHil.Rig.Direct.Emulated;

/// <summary>A register-level model of an SPI part: a message's segments are cut into chip-select frames, each frame is
/// answered as the part would answer it, and the answer lands in the segments' read buffers byte for byte.</summary>
/// <remarks>A frame is answered after all its MOSI bytes are known, which is sound because every part modelled here
/// decides what it shifts out from its state before the frame and from bits that come earlier in the frame.</remarks>
public abstract class EmulatedSpiPart : SpiMessageDevice
{
    private readonly object _gate = new();
    private readonly SpiMode[] _modes;
    private SpiConnectionSettings _settings;

    private protected EmulatedSpiPart(string part, SpiConnectionSettings settings, params SpiMode[] modes)
    {
        Part = part;
        _settings = settings;
        _modes = modes;
    }

    /// <summary>The part's name, e.g. AD7606.</summary>
    public string Part { get; }

    /// <summary>Chip-select frames answered so far.</summary>
    public long Frames { get; private set; }

    public override SpiConnectionSettings ConnectionSettings => _settings;

    /// <summary>The part and where it sits, for messages.</summary>
    public string Name => $"emulated {Part} on {_settings.DevicePath}";

    /// <summary>Takes the mode and clock the host opens the device with (a bus hands out the same part every time).</summary>
    internal void Reopen(SpiConnectionSettings settings) => _settings = settings;

    protected sealed override void TransferCore(IReadOnlyList<SpiTransfer> segments)
    {
        if (Array.IndexOf(_modes, _settings.Mode) < 0)
        {
            // A real part clocked on the wrong edges answers shifted garbage; saying so is kinder.
            throw new AimcException($"{Name}: clocked in SPI {_settings.Mode}, the part needs {string.Join(" or ", _modes)}; check the SPI mode the rig opens it with");
        }

        lock (_gate)
        {
            SpiMessages.ByFrame(segments, (mosi, miso, _) =>
            {
                Exchange(mosi, miso);
                Frames++;
            });
        }
    }

    /// <summary>Answers one chip-select frame: <paramref name="mosi"/> is every byte clocked in, <paramref name="miso"/>
    /// (zeroed, the same length) receives what the part drives out.</summary>
    private protected abstract void Exchange(ReadOnlySpan<byte> mosi, Span<byte> miso);
}
