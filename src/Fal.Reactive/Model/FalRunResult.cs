using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// The output of a direct run with the id fal gave it (<c>x-fal-request-id</c>), as the JS client's
/// <c>run</c> returns <c>{data, requestId}</c>: quote the id to fal's support, or find the run in its logs.
/// </summary>
/// <param name="RequestId">The request id, or <see langword="null"/> when fal's answer did not carry one.</param>
/// <param name="Result">The output JSON.</param>
public sealed record FalRunResult(string? RequestId, JsonElement Result)
{
    /// <summary>Deserializes <see cref="Result"/> into <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The app's output type.</typeparam>
    /// <param name="options">Serializer options; fal's snake_case names are matched by default.</param>
    /// <returns>The output.</returns>
    /// <exception cref="FalProtocolException">The output does not fit <typeparamref name="T"/>.</exception>
    public T GetResult<T>(JsonSerializerOptions? options = null) => FalJson.Deserialize<T>(Result, options, RequestId);
}
