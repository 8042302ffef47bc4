using System.Text.Json;
using Fal.Reactive.Testing.Http;
using Fal.Reactive.Testing.Internal;

namespace Fal.Reactive.Testing.Storage;

/// <summary>
/// The storage endpoints: the REST initiate flow (initiate, PUT to <c>upload_url</c>, GET <c>file_url</c>) and the
/// CDN flow (token, direct upload). Called under the facade's lock.
/// </summary>
internal static class StorageCalls
{
    /// <summary><c>POST {rest}storage/upload/initiate</c> with <c>{content_type, file_name}</c> → <c>{upload_url, file_url}</c>.</summary>
    public static SimulatorHttpResponse InitiateUpload(FileStore store, SimulatorHttpRequest request, DateTimeOffset now, bool multipart = false)
    {
        string? contentType = null;
        string? fileName = null;
        if (!request.Body.IsEmpty)
        {
            try
            {
                using var document = JsonDocument.Parse(request.Body);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    contentType = StringProperty(document.RootElement, "content_type");
                    fileName = StringProperty(document.RootElement, "file_name");
                }
            }
            catch (JsonException)
            {
                return SimulatorHttpResponse.Detail(422, "Invalid JSON body");
            }
        }

        var file = store.Create(
            string.IsNullOrEmpty(contentType) ? FileStore.DefaultContentType : contentType,
            string.IsNullOrEmpty(fileName) ? FileStore.DefaultFileName : fileName);
        ObjectLifecycle.Apply(file, request, now);
        if (multipart)
        {
            file.Parts = [];
        }

        return SimulatorHttpResponse.Json(200, SimulatorJson.WriteObject(w =>
        {
            w.WriteString("upload_url", new Uri(store.CdnUrl, multipart ? $"multipart/{file.Id}" : $"upload/{file.Id}").AbsoluteUri);
            w.WriteString("file_url", file.Url.AbsoluteUri);
        }));
    }

    /// <summary><c>PUT</c> to an <c>upload_url</c>: stores the bytes (no key needed: the URL is the credential).</summary>
    public static SimulatorHttpResponse PutUpload(FileStore store, SimulatorHttpRequest request, string[] segments)
    {
        if (!store.TryGet(segments[1], out var file) || file.Parts is not null)
        {
            return SimulatorHttpResponse.Detail(404, "Upload not found");
        }

        file.Content = request.Body.ToArray();
        if (request.Header("Content-Type") is { Length: > 0 } contentType)
        {
            file.ContentType = contentType;
        }

        return SimulatorHttpResponse.Bytes(200, "text/plain", ReadOnlyMemory<byte>.Empty);
    }

    /// <summary><c>GET</c> of a file URL: the bytes with their content type.</summary>
    public static SimulatorHttpResponse GetFile(FileStore store, string[] segments, DateTimeOffset now) =>
        !store.TryGet(segments[1], out var file) || file.Content is not { } content ? SimulatorHttpResponse.Detail(404, "File not found")
        : file.ExpiresAt <= now ? SimulatorHttpResponse.Detail(404, "File expired (its object lifecycle ended)")
        : SimulatorHttpResponse.Bytes(200, file.ContentType, content);

    /// <summary><c>POST {rest}storage/auth/token</c> → a CDN token for <c>POST {cdn}files/upload</c>.</summary>
    public static SimulatorHttpResponse IssueToken(FileStore store, DateTimeOffset now, TimeSpan lifetime) => SimulatorHttpResponse.Json(200, SimulatorJson.WriteObject(w =>
    {
        w.WriteString("token", "simulated-cdn-token-" + store.NextTokenNumber());
        w.WriteString("token_type", "Bearer");
        w.WriteString("base_url", store.CdnUrl.AbsoluteUri.TrimEnd('/'));
        w.WriteString("expires_at", SimulatorJson.Timestamp(now + lifetime));
    }));

    /// <summary><c>POST {cdn}files/upload</c>: raw bytes, <c>Content-Type</c> and <c>X-Fal-File-Name</c> → <c>{access_url}</c>.</summary>
    public static SimulatorHttpResponse UploadToCdn(FileStore store, SimulatorHttpRequest request, DateTimeOffset now)
    {
        var file = CreateFromHeaders(store, request, now);
        file.Content = request.Body.ToArray();
        return SimulatorHttpResponse.Json(200, SimulatorJson.WriteObject(w => w.WriteString("access_url", file.Url.AbsoluteUri)));
    }

    /// <summary>A slot named by the CDN call's <c>Content-Type</c> and <c>X-Fal-File-Name</c> headers, with its lifecycle.</summary>
    public static StoredFile CreateFromHeaders(FileStore store, SimulatorHttpRequest request, DateTimeOffset now)
    {
        var file = store.Create(
            request.Header("Content-Type") is { Length: > 0 } type ? type : FileStore.DefaultContentType,
            request.Header("X-Fal-File-Name") is { Length: > 0 } name ? name : FileStore.DefaultFileName);
        ObjectLifecycle.Apply(file, request, now);
        return file;
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
