using AimcHil.Hardware.Buses;

namespace AimcHil.Hardware.Tests.Drivers;

/// <summary>GPIO lines that record what was opened and written, and answer edge waits from a script.</summary>
internal sealed class ScriptedGpio : GpioController
{
    public override string Name => "/dev/gpiochip0";

    public Dictionary<int, PinMode> Opened { get; } = [];

    /// <summary>Everything done to the lines, in order: "open 5 Output High", "write 5 Low", "wait 6 Falling".</summary>
    public List<string> Log { get; } = [];

    /// <summary>Whether an edge wait sees its edge (false: it times out).</summary>
    public Func<int, PinEdge, TimeSpan, bool> EdgeArrives { get; set; } = (_, _, _) => true;

    public Dictionary<int, PinValue> Levels { get; } = [];

    public override void OpenPin(int pin, PinMode mode, PinValue initial = PinValue.Low)
    {
        Opened[pin] = mode;
        Log.Add($"open {pin} {mode} {initial}");
    }

    public override void ClosePin(int pin)
    {
        Opened.Remove(pin);
        Log.Add($"close {pin}");
    }

    public override PinValue Read(int pin) => Levels.GetValueOrDefault(pin);

    public override void Write(int pin, PinValue value)
    {
        Levels[pin] = value;
        Log.Add($"write {pin} {value}");
    }

    public override bool WaitForEdge(int pin, PinEdge edge, TimeSpan timeout)
    {
        Log.Add($"wait {pin} {edge}");
        return EdgeArrives(pin, edge, timeout);
    }
}
