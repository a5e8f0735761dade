using System.Text.Json;
using System.Text.Json.Serialization;

namespace AimcHil.Characterization.Datasets;

/// <summary>The JSON spelling a dataset stores the chip description in: snake_case keys and enum values, as rig
/// files and the CLI's JSON outputs write them, so Python reads the same names everywhere.</summary>
internal static class DatasetJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },

        // A chip may report a non-ideality value that is not finite (an infinite retention time); JSON has no number
        // for it, so it is written as the string "Infinity" rather than failing the whole run.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string EnumName(Enum value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
