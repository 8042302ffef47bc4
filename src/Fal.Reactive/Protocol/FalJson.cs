using System.Text.Json;

namespace Fal.Reactive;

/// <summary>The serializer settings fal's JSON needs: snake_case names both ways.</summary>
internal static class FalJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
    };

    public static byte[] SerializeInput(object? input) =>
        input switch
        {
            null => "{}"u8.ToArray(),
            JsonElement element => JsonSerializer.SerializeToUtf8Bytes(element, Options),
            _ => JsonSerializer.SerializeToUtf8Bytes(input, input.GetType(), Options),
        };

    public static T Deserialize<T>(JsonElement element, JsonSerializerOptions? options, string? requestId)
    {
        try
        {
            return element.Deserialize<T>(options ?? Options)
                ?? throw new FalProtocolException($"Request {requestId}: the output is null, expected {typeof(T).Name}.") { RequestId = requestId };
        }
        catch (JsonException e)
        {
            throw new FalProtocolException($"Request {requestId}: the output does not fit {typeof(T).Name}: {e.Message}", e) { RequestId = requestId };
        }
    }
}
