using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Rig;

namespace AimcHil.Protocol.Tests;

/// <summary>An emulated chip served by a <see cref="DeviceServer"/> on one end of an in-memory duplex pipe, and a
/// <see cref="ProtocolChip"/> on the other: the virtual rig without a serial port.</summary>
internal sealed class VirtualRig : IDisposable
{
    private readonly Hardware.DuplexPipe _pipe = new();
    private CancellationTokenSource _stop = new();
    private Thread? _serving;

    public VirtualRig(IAimcChip deviceChip, HostSessionOptions? options = null, DeviceServerOptions? serverOptions = null)
    {
        Host = new LossyLine(_pipe.Host);
        Device = new LossyLine(_pipe.Device);
        Serve(deviceChip, serverOptions ?? new DeviceServerOptions());
        Chip = new ProtocolChip(new HostSession(Host, "virtual", options ?? new HostSessionOptions()));
    }

    public LossyLine Host { get; }

    public LossyLine Device { get; }

    public DeviceServer Server { get; private set; } = null!;

    public ProtocolChip Chip { get; }

    /// <summary>A small copy of the PCM preset: 2 tiles of 32×32, every non-ideality of the file kept.</summary>
    public static ChipPreset SmallPcm() =>
        RigFileReader.Read(Path.Combine(RepositoryPaths.Rigs, "pcm-current-256.yaml")).Chip! with { Rows = 32, Cols = 32, Tiles = 2 };

    /// <summary>Stops the server as a power cut would and starts another on the same line (the rig rebooted).</summary>
    public void Reboot(IAimcChip freshChip, DeviceServerOptions options)
    {
        _stop.Cancel();
        _serving?.Join(TimeSpan.FromSeconds(5));
        _stop = new CancellationTokenSource();
        Serve(freshChip, options);
    }

    public void Dispose()
    {
        Chip.Dispose();
        _stop.Cancel();
        _serving?.Join(TimeSpan.FromSeconds(5));
        _pipe.Dispose();
    }

    private void Serve(IAimcChip chip, DeviceServerOptions options)
    {
        Server = new DeviceServer(chip, Device, options);
        var server = Server;
        var token = _stop.Token;
        // A thread of its own, as a bridge's firmware has: xunit keeps the pool busy.
        _serving = new Thread(() => server.Run(token)) { IsBackground = true, Name = "virtual rig" };
        _serving.Start();
    }
}
