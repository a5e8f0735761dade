namespace AimcHil.Numerics;

/// <summary>A .npy file or array the user supplied cannot be read or written as asked; the message names the file
/// (when there is one) and says what is wrong, so it can be shown to the user as is.</summary>
public sealed class NpyFormatException : Exception
{
    public NpyFormatException(string message)
        : base(message)
    {
        Problem = message;
    }

    public NpyFormatException(string message, Exception inner)
        : base(message, inner)
    {
        Problem = message;
    }

    /// <summary>Creates the exception with the message "path: problem", or just the problem when there is no path.</summary>
    public NpyFormatException(string? filePath, string problem)
        : base(filePath is null ? problem : $"{filePath}: {problem}")
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>The file involved, when the array came from or was going to a path.</summary>
    public string? FilePath { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }
}
