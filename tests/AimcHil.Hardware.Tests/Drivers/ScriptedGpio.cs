using System.Device.Gpio;
using AimcHil.Hardware.Buses;

namespace AimcHil.Hardware.Tests.Drivers;

/// <summary>GPIO lines that record what was opened and written, and answer edge waits from a script; a
/// System.Device GpioDriver, handed to drivers as <see cref="Controller"/>.</summary>
internal sealed class ScriptedGpio : GpioDriver
{
    public ScriptedGpio() => Controller = new GpioController(this);

    /// <summary>The controller over these lines, what a converter driver takes.</summary>
    public GpioController Controller { get; }

    public Dictionary<int, PinMode> Opened { get; } = [];

    /// <summary>Everything done to the lines, in order: "open 5 Output High", "write 5 Low", "wait 6 Falling".</summary>
    public List<string> Log { get; } = [];

    /// <summary>Whether an edge wait sees its edge; false: it waits until its token is cancelled and times out.</summary>
    public Func<int, PinEventTypes, bool> EdgeArrives { get; set; } = (_, _) => true;

    public Dictionary<int, PinValue> Levels { get; } = [];

    public override System.Device.ComponentInformation QueryComponentInformation() => GpioChips.Describe(this, "scripted", "/dev/gpiochip0");

    protected override int PinCount => 64;

    protected override void OpenPin(int pinNumber) => Opened[pinNumber] = PinMode.Input;

    protected override void ClosePin(int pinNumber)
    {
        Opened.Remove(pinNumber);
        Log.Add($"close {pinNumber}");
    }

    protected override void SetPinMode(int pinNumber, PinMode mode) => SetPinMode(pinNumber, mode, PinValue.Low);

    protected override void SetPinMode(int pinNumber, PinMode mode, PinValue initialValue)
    {
        Opened[pinNumber] = mode;
        Log.Add($"open {pinNumber} {mode} {initialValue}");
    }

    protected override PinMode GetPinMode(int pinNumber) => Opened[pinNumber];

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

    protected override PinValue Read(int pinNumber) => Levels.GetValueOrDefault(pinNumber, PinValue.Low);

    protected override void Write(int pinNumber, PinValue value)
    {
        Levels[pinNumber] = value;
        Log.Add($"write {pinNumber} {value}");
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        Log.Add($"wait {pinNumber} {eventTypes}");
        if (EdgeArrives(pinNumber, eventTypes))
        {
            return new WaitForEventResult { EventTypes = eventTypes };
        }

        cancellationToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(10));
        return new WaitForEventResult { TimedOut = true };
    }

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) =>
        throw new NotSupportedException();

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) =>
        throw new NotSupportedException();
}
