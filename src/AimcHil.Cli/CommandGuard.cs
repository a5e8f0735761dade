using AimcHil.Core;
using AimcHil.Numerics;

namespace AimcHil.Cli;

/// <summary>Runs a command body so that a user's mistake prints one line and a non-zero exit, never a stack trace.</summary>
internal static class CommandGuard
{
    public const int UserError = 2;

    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (AimcException e)
        {
            return Fail(e.Message);
        }
        catch (NpyFormatException e)
        {
            return Fail(e.Message);
        }
        catch (IOException e)
        {
            return Fail(e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            return Fail(e.Message);
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"aimc: error: {message.ReplaceLineEndings(" ")}");
        return UserError;
    }
}
