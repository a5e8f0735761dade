namespace AimcHil.Protocol;

/// <summary>Why a receiver dropped the bytes between two delimiters.</summary>
public enum FrameRejection
{
    None,
    Cobs,
    Short,
    Crc,
    Length,
    TooLarge,
    Version,
    Kind,
}
