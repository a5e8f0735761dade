using AimcHil.Emulator;

namespace AimcHil.Protocol.Tests;

/// <summary>A device server driven one frame at a time, as a firmware unit test drives its session.</summary>
internal sealed class FrameByFrame : IDisposable
{
    private readonly MemoryStream _wire = new();
    private readonly DeviceServer _server;

    public FrameByFrame(DeviceServerOptions options)
    {
        _server = new DeviceServer(new EmulatedChip(VirtualRig.SmallPcm(), 1), _wire, options with { AnnounceBoot = false, Log = Log.Add });
    }

    public List<string> Log { get; } = [];

    public void Dispose() => _wire.Dispose();

    public static Frame Hello(byte major, byte minor) => Request(1, Opcode.Hello, new HelloRequest(major, minor, 4096, 8).Encode());

    public static Frame Request(ushort sequence, Opcode opcode, byte[] payload) => new(FrameKind.Request, sequence, opcode, FrameFlags.None, payload);

    /// <summary>The last frame the server sent in answer to <paramref name="request"/>.</summary>
    public Frame Ask(Frame request)
    {
        _wire.SetLength(0);
        _server.Handle(request);
        return new FrameDecoder().Push(_wire.ToArray()).Last();
    }
}
