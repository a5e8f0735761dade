using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Hardware;
using AimcHil.Protocol;

namespace AimcHil.Rig;

/// <summary>Opens a rig file and returns a ready chip, whatever stands behind it.</summary>
public static class RigConnector
{
    public static IAimcChip Open(string path, RigOptions? options = null) => Open(RigFileReader.Read(path), options);

    public static IAimcChip Open(RigFile rig, RigOptions? options = null)
    {
        options ??= new RigOptions();
        switch (rig.Kind)
        {
            case RigKind.Emulator:
                if (options.Port is not null)
                {
                    throw new AimcException($"{rig.Path}: --port applies to serial and tcp rigs, and this rig file is kind emulator (hil-rigs/virtual-serial.yaml reaches the emulator over a port)");
                }

                return OpenEmulator(rig, options);

            case RigKind.Serial:
            case RigKind.Tcp:
                if (options.Ideal)
                {
                    throw new AimcException($"{rig.Path}: --ideal switches an emulator's non-idealities off and this rig is reached over a link; start the virtual rig with 'aimc emulate --ideal' instead");
                }

                var port = options.Port ?? rig.Port
                    ?? throw new AimcException($"{rig.Path}: kind {rig.Kind.ToString().ToLowerInvariant()} needs 'port' (a tty such as /dev/ttyACM0, or HOST:PORT), or --port on the command line");
                return OpenBridge(rig, LinkAddress.Parse(port));

            case RigKind.Direct:
                if (options.Port is not null)
                {
                    throw new AimcException($"{rig.Path}: --port applies to serial and tcp rigs, and this rig file is kind direct (its buses are in the 'direct' section)");
                }

                return OpenDirect(rig, options);

            default:
                throw new AimcException($"{rig.Path}: rig kind '{rig.Kind}' cannot be opened by this version");
        }
    }

    /// <summary>The emulator a rig file describes, as the in-process chip (also what <c>aimc emulate</c> serves).</summary>
    public static EmulatedChip OpenEmulator(RigFile rig, RigOptions options)
    {
        var preset = rig.Chip ?? throw new AimcException($"{rig.Path}: kind {rig.Kind.ToString().ToLowerInvariant()} has no 'chip' section to emulate");
        if (options.Ideal)
        {
            preset = preset.Ideal();
        }

        try
        {
            return new EmulatedChip(preset, options.Seed ?? rig.Seed);
        }
        catch (AimcException e)
        {
            throw new AimcException($"{rig.Path}: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new AimcException($"{rig.Path}: {e.Message}", e);
        }
        catch (OutOfMemoryException)
        {
            // The budget check refuses what can never fit; this is a chip near the limit that still ran short.
            throw new AimcException($"{rig.Path}: the chip did not fit in memory ({MemoryBudget.Gigabytes(MemoryBudget.Available())} available): lower tiles, rows or cols");
        }
    }

    /// <summary>A TC1 test chip on a board's buses, or with <c>direct.emulated: true</c> on emulated buses wired to the
    /// emulator of the file's <c>chip</c> section (<see cref="Direct.Emulated.EmulatedBench"/>).</summary>
    public static Direct.DirectChip OpenDirect(RigFile rig, RigOptions options)
    {
        var config = rig.Direct
            ?? throw new AimcException($"{rig.Path}: kind direct needs a 'direct' section (register_spi, start_line, done_line, inputs, outputs; see hil-rigs/direct-tc1.md)");
        try
        {
            config.CheckLines();
        }
        catch (AimcException e)
        {
            throw new AimcException($"{rig.Path}: {e.Message}", e);
        }

        Direct.IDirectBuses buses;
        Direct.DirectChipDescription? description = null;
        if (config.Emulated)
        {
            if (rig.Chip is null)
            {
                throw new AimcException($"{rig.Path}: direct.emulated: true needs a 'chip' section: the emulator the emulated buses are wired to");
            }

            var emulator = OpenEmulator(rig, options);
            description = Direct.DirectChipDescription.Of(emulator);
            buses = new Direct.Emulated.EmulatedBench(config, emulator);
        }
        else
        {
            if (options.Ideal)
            {
                throw new AimcException($"{rig.Path}: --ideal switches an emulator's non-idealities off and this rig drives a real chip; set direct.emulated: true to run it against the emulator");
            }

            buses = new Direct.LinuxDirectBuses(config);
        }

        try
        {
            return new Direct.DirectChip(config, buses, description);
        }
        catch (AimcException e)
        {
            throw new AimcException($"{rig.Path}: {e.Message}", e);
        }
    }

    /// <summary>A protocol session with the bridge at <paramref name="address"/>, greeted and described.</summary>
    public static ProtocolChip OpenBridge(RigFile rig, LinkAddress address)
    {
        if (rig.TimeoutMs < 1 || rig.Attempts < 1 || rig.BaudRate < 1)
        {
            throw new AimcException($"{rig.Path}: timeout_ms, attempts and baud_rate must be positive");
        }

        var secret = rig.SecretFile is { } secretFile ? SharedSecret.Read(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(rig.Path) ?? ".", secretFile)) : null;
        var session = new HostSessionOptions { Timeout = TimeSpan.FromMilliseconds(rig.TimeoutMs), Attempts = rig.Attempts, Secret = secret, TargetFormat = rig.TargetFormat };
        Stream stream;
        if (address.IsTcp)
        {
            // The answer timeout is per request; a TCP handshake gets at least a second, since a short answer timeout on
            // a busy machine is no reason to blame the network.
            var connectMs = (int)Math.Clamp((long)rig.TimeoutMs * rig.Attempts, 1000, int.MaxValue);
            stream = TcpLink.Connect(address.TcpPort, address.Host!, connectMs).BaseStream;
        }
        else
        {
            var serial = new SerialPort(address.Text, rig.BaudRate);
            serial.Open();
            stream = serial.BaseStream;
        }

        try
        {
            return ProtocolChip.Open(stream, address.Text, session);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }
}
