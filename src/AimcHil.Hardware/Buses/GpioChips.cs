using System.Device;
using System.Device.Gpio;

namespace AimcHil.Hardware.Buses;

/// <summary>The name of the chip behind a System.Device GpioController, for messages: a GpioController does not carry
/// one, so our drivers put it in their component information and messages read it from there.</summary>
public static class GpioChips
{
    private const string ChipProperty = "Chip";

    extension(GpioController controller)
    {
        /// <summary>The chip's name (e.g. /dev/gpiochip0) when one of our drivers is behind the controller, else
        /// "the GPIO controller".</summary>
        public string ChipName => Find(controller.QueryComponentInformation()) ?? "the GPIO controller";
    }

    /// <summary>A driver's component information carrying its chip's name.</summary>
    public static ComponentInformation Describe(GpioDriver driver, string description, string chip)
    {
        var info = new ComponentInformation(driver, description);
        info.Properties[ChipProperty] = chip;
        return info;
    }

    private static string? Find(ComponentInformation info)
    {
        if (info.Properties.TryGetValue(ChipProperty, out var chip))
        {
            return chip;
        }

        foreach (var sub in info.SubComponents)
        {
            if (Find(sub) is { } found)
            {
                return found;
            }
        }

        return null;
    }
}
