using System.Device;
using System.Device.Gpio;

namespace AimcHil.Hardware.Buses;

/// <summary>A System.Device.Gpio.GpioDriver over another GpioController, so a layer can stand between a driver and the
/// chip (counting calls, sharing a line among parts) and still be handed out as a GpioController:
/// <c>new GpioController(new MyLayer(inner))</c>. Every call goes through to <paramref name="inner"/>; disposing the
/// layer leaves the inner controller open.</summary>
public class LayeredGpioDriver(GpioController inner) : GpioDriver
{
    /// <summary>The controller the layer sits on.</summary>
    protected GpioController Inner { get; } = inner;

    public override ComponentInformation QueryComponentInformation()
    {
        var info = new ComponentInformation(this, GetType().Name);
        info.AddSubComponent(Inner.QueryComponentInformation());
        return info;
    }

    protected override int PinCount => Inner.PinCount;

    protected override void OpenPin(int pinNumber) => Inner.OpenPin(pinNumber);

    protected override void ClosePin(int pinNumber)
    {
        if (Inner.IsPinOpen(pinNumber))
        {
            Inner.ClosePin(pinNumber);
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode) => Inner.SetPinMode(pinNumber, mode);

    /// <summary>Through the inner controller's OpenPin(pin, mode, level), the one public call that sets a mode and the
    /// output's initial level together.</summary>
    protected override void SetPinMode(int pinNumber, PinMode mode, PinValue initialValue) => Inner.OpenPin(pinNumber, mode, initialValue);

    protected override PinMode GetPinMode(int pinNumber) => Inner.GetPinMode(pinNumber);

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => Inner.IsPinModeSupported(pinNumber, mode);

    protected override PinValue Read(int pinNumber) => Inner.Read(pinNumber);

    protected override void Write(int pinNumber, PinValue value) => Inner.Write(pinNumber, value);

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        Inner.WaitForEvent(pinNumber, eventTypes, cancellationToken);

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) =>
        Inner.RegisterCallbackForPinValueChangedEvent(pinNumber, eventTypes, callback);

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) =>
        Inner.UnregisterCallbackForPinValueChangedEvent(pinNumber, callback);
}
