using System.Text.Json;

namespace Fal.Reactive.Testing;

/// <summary>What an app script factory sees of a call: the app, the sub-path, the input and the headers.</summary>
public sealed class FalAppCall
{
    internal FalAppCall(string appId, string path, FalSimulatedRequestKind kind, JsonElement input, IReadOnlyDictionary<string, string> headers)
    {
        AppId = appId;
        Path = path;
        Kind = kind;
        Input = input;
        Headers = headers;
    }

    /// <summary>Gets the mapped app id, e.g. <c>fal-ai/fast-sdxl</c>.</summary>
    public string AppId { get; }

    /// <summary>Gets the sub-path after the app id, e.g. <c>/image-to-image</c> or <c>/stream</c>; empty when there is none.</summary>
    public string Path { get; }

    /// <summary>Gets how the request reached the simulator.</summary>
    public FalSimulatedRequestKind Kind { get; }

    /// <summary>Gets the JSON input (<c>{}</c> when the body was empty).</summary>
    public JsonElement Input { get; }

    /// <summary>Gets the request headers (case-insensitive names), without <c>Authorization</c>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }
}
