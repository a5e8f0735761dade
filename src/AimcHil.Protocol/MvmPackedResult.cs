using AimcHil.Core;

namespace AimcHil.Protocol;

/// <summary>A decoded MVM_PACKED answer: the result, its scales' CRC, and whether the scales came on the wire.</summary>
public sealed record MvmPackedResult(MvmResult Result, uint ScalesCrc, bool ScalesSent);
