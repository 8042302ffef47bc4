using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fal.Reactive;

/// <summary>
/// An app input ready to send: its JSON at once when it holds no files; otherwise the files are uploaded when the body is
/// first needed (when a submit is subscribed, a run is called), in parallel, and the body with their URLs is kept, so a
/// resubscription (<c>Retry</c>) sends the same URLs without reading a stream twice.
/// </summary>
internal sealed class PreparedInput
{
    private readonly object? _input;
    private readonly InputFiles? _files; // null for a body with no files (the common case: nothing more to hold per request)
    private readonly object _gate = new();
    private byte[]? _body;
    private Task<byte[]>? _uploading;

    private PreparedInput(object? input, byte[] body, InputFiles? files)
    {
        _input = input;
        _files = files is { IsEmpty: false } ? files : null;
        _body = _files is null ? body : null;
    }

    /// <summary>An input already serialized (the JSON and typed overloads): no files to upload.</summary>
    public static PreparedInput FromBody(byte[] body) => new(input: null, body, files: null);

    /// <summary>
    /// A JSON node tree: serialized without reflection, unless the caller put <see cref="FileInfo"/>, <see cref="Stream"/>
    /// or <c>byte[]</c> values in it (<c>JsonValue.Create(file)</c>): those are uploaded, which needs the reflection-based
    /// path (not available in a trimmed app; there, upload first and put the URL in the tree).
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Only a tree holding CLR file values takes the reflection path; documented.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Only a tree holding CLR file values takes the reflection path; documented.")]
    public static PreparedInput Create(JsonNode? input) =>
        HasFileValues(input) ? Create((object?)input) : FromBody(FalJson.SerializeInput(input));

    private static bool HasFileValues(JsonNode? node) => node switch
    {
        JsonObject o => o.Any(p => HasFileValues(p.Value)),
        JsonArray a => a.Any(HasFileValues),
        JsonValue v => InputFiles.FileValueOf(v) is not null,
        _ => false,
    };

    /// <summary>Serializes the input; throws at the call for a missing file.</summary>
    [RequiresUnreferencedCode(FalJson.ReflectionMessage)]
    [RequiresDynamicCode(FalJson.ReflectionMessage)]
    public static PreparedInput Create(object? input)
    {
        var (body, files) = InputFiles.Collect(input);
        return new PreparedInput(input, body, files);
    }

    /// <summary>The body, uploading the input's files first when it has any.</summary>
    public ValueTask<byte[]> BodyAsync(FalStorage storage, CancellationToken cancellationToken)
    {
        if (_body is { } body)
        {
            return new(body);
        }

        lock (_gate)
        {
            // A failed or cancelled upload is tried again by the next caller; a finished one is shared.
            if (_uploading is null || _uploading.IsFaulted || _uploading.IsCanceled)
            {
                _uploading = UploadAsync(storage, cancellationToken);
            }

            return new(_uploading.WaitAsync(cancellationToken));
        }
    }

    // Only an input made by Create (itself marked as reflection-based) has files; FromBody's never reach here.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Files exist only in inputs from Create, which requires unreferenced code.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Files exist only in inputs from Create, which requires dynamic code.")]
    private async Task<byte[]> UploadAsync(FalStorage storage, CancellationToken cancellationToken)
    {
        var files = _files!;
        var uploads = files.Values.Select(v => InputFiles.UploadAsync(storage, v, cancellationToken)).ToArray();
        var urls = await Task.WhenAll(uploads).ConfigureAwait(false);
        var map = new Dictionary<object, string>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < urls.Length; i++)
        {
            map[files.Values[i]] = urls[i].AbsoluteUri;
        }

        var body = files.WithUrls(_input, map);
        _body = body;
        return body;
    }
}
