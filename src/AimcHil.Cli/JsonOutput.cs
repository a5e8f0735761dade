using System.Text.Json;
using System.Text.Json.Serialization;

namespace AimcHil.Cli;

/// <summary>The one JSON object a command prints with --json: snake_case keys, a stable public interface.</summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower), new NonFiniteAsNull() },
    };

    public static void Write<T>(T value) => Console.Out.WriteLine(Serialize(value));

    /// <summary>The JSON text <see cref="Write{T}"/> prints.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
