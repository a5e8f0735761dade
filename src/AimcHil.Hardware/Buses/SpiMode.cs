namespace AimcHil.Hardware.Buses;

/// <summary>SPI clock polarity and phase, as System.Device.Spi.SpiMode: Mode0 = CPOL 0, CPHA 0 … Mode3 = CPOL 1, CPHA 1.</summary>
public enum SpiMode
{
    Mode0 = 0,
    Mode1 = 1,
    Mode2 = 2,
    Mode3 = 3,
}
