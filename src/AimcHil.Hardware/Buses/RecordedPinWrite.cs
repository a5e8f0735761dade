using System.Device.Gpio;

namespace AimcHil.Hardware.Buses;

/// <summary>One output write a <see cref="RecordingGpioDriver"/> saw.</summary>
/// <param name="Sequence">Position among all writes of the controller, from 0: orders writes across pins.</param>
/// <param name="At">Time since the controller was created.</param>
public sealed record RecordedPinWrite(long Sequence, TimeSpan At, int Pin, PinValue Value);
