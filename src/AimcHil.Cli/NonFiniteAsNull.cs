using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AimcHil.Cli;

/// <summary>Writes NaN and infinities as JSON null: JSON has no such numbers, and a string "NaN" breaks every reader
/// that expects a number under that key (null is how --json says "not applicable").</summary>
internal sealed class NonFiniteAsNull : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert == typeof(double) || typeToConvert == typeof(float);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        typeToConvert == typeof(double) ? new Number<double>() : new Number<float>();

    private sealed class Number<T> : JsonConverter<T>
        where T : IFloatingPointIeee754<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            T.CreateChecked(reader.GetDouble());

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            if (!T.IsFinite(value))
            {
                writer.WriteNullValue();
            }
            else if (value is float single)
            {
                // As float, so 0.1f prints as 0.1, not as the double it widens to.
                writer.WriteNumberValue(single);
            }
            else
            {
                writer.WriteNumberValue(double.CreateChecked(value));
            }
        }
    }
}
