using System.Text.Json;

namespace Fal.Reactive.Testing;

/// <summary>The JSON input of a submit, run or stream call, and fal's answer to one that is not JSON.</summary>
internal static class CallInput
{
    /// <summary>Parses the body; an empty body is <c>{}</c>.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> body, out JsonElement input)
    {
        if (body.IsEmpty)
        {
            input = SimulatorJson.EmptyObject;
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            input = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            input = default;
            return false;
        }
    }

    /// <summary>422 with one field error on <c>body</c>, as fal's validation answers.</summary>
    public static SimulatorHttpResponse InvalidJson() => SimulatorHttpResponse.Json(422, SimulatorJson.WriteObject(w =>
    {
        w.WriteStartArray("detail");
        w.WriteStartObject();
        w.WriteStartArray("loc");
        w.WriteStringValue("body");
        w.WriteEndArray();
        w.WriteString("msg", "Invalid JSON body");
        w.WriteString("type", "value_error.jsondecode");
        w.WriteEndObject();
        w.WriteEndArray();
    }));
}
