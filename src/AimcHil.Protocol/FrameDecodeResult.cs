namespace AimcHil.Protocol;

/// <summary>A decoded frame, or why there is none.</summary>
public readonly record struct FrameDecodeResult(Frame? Frame, FrameRejection Rejection)
{
    public static FrameDecodeResult Ok(Frame frame) => new(frame, FrameRejection.None);

    public static FrameDecodeResult Fail(FrameRejection why) => new(null, why);
}
