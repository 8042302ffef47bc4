using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Web;

namespace Fal.Reactive.Testing;

/// <summary>
/// The storage endpoints: the REST initiate flow (initiate, PUT to <c>upload_url</c>, GET <c>file_url</c>) and the
/// CDN flow (token, direct upload). Called under the facade's lock.
/// </summary>
internal static class StorageCalls
{
    /// <summary>The query parameter of an upload URL that carries its one-time secret (as a signed storage URL does).</summary>
    public const string SignatureParameter = "signature";

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
            string.IsNullOrEmpty(fileName) ? FileStore.DefaultFileName : fileName,
            now);
        ObjectLifecycle.Apply(file, request, now);
        if (multipart)
        {
            file.Parts = [];
        }

        // Signed like a plain upload URL: the JS client keeps the query on every part and on the completion.
        file.UploadSignature = RandomNumberGenerator.GetHexString(32, lowercase: true);
        var path = multipart ? $"multipart/{file.Id}" : $"upload/{file.Id}";
        return SimulatorHttpResponse.Json(200, SimulatorJson.WriteObject(w =>
        {
            w.WriteString("upload_url", new Uri(store.CdnUrl, $"{path}?{SignatureParameter}={file.UploadSignature}").AbsoluteUri);
            w.WriteString("file_url", file.Url.AbsoluteUri);
        }));
    }

    /// <summary>
    /// <c>PUT</c> to an <c>upload_url</c>: stores the bytes. No key is needed: the URL's signature is the credential, good
    /// for one upload, so nobody else can overwrite the file (403 for a wrong or used signature).
    /// </summary>
    public static SimulatorHttpResponse PutUpload(FileStore store, SimulatorHttpRequest request, string[] segments, DateTimeOffset now)
    {
        if (!store.TryGet(segments[1], out var file) || file.Parts is not null)
        {
            return SimulatorHttpResponse.Detail(404, "Upload not found");
        }

        if (RefuseSignature(file, request) is { } refused)
        {
            return refused;
        }

        if (!store.Fits(request.Body.Length))
        {
            return TooLarge(store);
        }

        file.UploadSignature = null;
        store.Store(file, request.Body.ToArray(), now);
        if (request.Header("Content-Type") is { Length: > 0 } contentType)
        {
            file.ContentType = contentType;
        }

        return SimulatorHttpResponse.Bytes(200, "text/plain", ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>403 when the call's <c>signature</c> is missing or wrong, or the signed URL was used up; null when it matches.</summary>
    public static SimulatorHttpResponse? RefuseSignature(StoredFile file, SimulatorHttpRequest request)
    {
        if (file.UploadSignature is null)
        {
            return SimulatorHttpResponse.Detail(403, "This upload URL has already been used.");
        }

        var signature = HttpUtility.ParseQueryString(request.Url.Query)[SignatureParameter] ?? string.Empty;
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature), Encoding.ASCII.GetBytes(file.UploadSignature))
            ? null
            : SimulatorHttpResponse.Detail(403, "Invalid upload signature.");
    }

    /// <summary><c>GET</c> of a file URL: the bytes with their content type.</summary>
    public static SimulatorHttpResponse GetFile(FileStore store, string[] segments, DateTimeOffset now) =>
        !store.TryGet(segments[1], out var file) || file.Content is not { } content ? SimulatorHttpResponse.Detail(404, "File not found")
        : file.ExpiresAt <= now ? SimulatorHttpResponse.Detail(404, "File expired (its object lifecycle ended)")
        : SimulatorHttpResponse.Bytes(200, file.ContentType, content);

    /// <summary><c>POST {rest}storage/auth/token</c> → a CDN token for <c>POST {cdn}files/upload</c>.</summary>
    public static SimulatorHttpResponse IssueToken(FileStore store, CdnTokens tokens, DateTimeOffset now) => SimulatorHttpResponse.Json(200, SimulatorJson.WriteObject(w =>
    {
        w.WriteString("token", tokens.Issue(now));
        w.WriteString("token_type", "Bearer");
        w.WriteString("base_url", store.CdnUrl.AbsoluteUri.TrimEnd('/'));
        w.WriteString("expires_at", SimulatorJson.Timestamp(now + tokens.Lifetime));
    }));

    /// <summary><c>POST {cdn}files/upload</c>: raw bytes, <c>Content-Type</c> and <c>X-Fal-File-Name</c> → <c>{access_url}</c>.</summary>
    public static SimulatorHttpResponse UploadToCdn(FileStore store, CdnTokens tokens, SimulatorHttpRequest request, DateTimeOffset now)
    {
        if (!tokens.Accepts(request.Header("Authorization"), now))
        {
            return InvalidToken();
        }

        if (!store.Fits(request.Body.Length))
        {
            return TooLarge(store);
        }

        var file = CreateFromHeaders(store, request, now);
        store.Store(file, request.Body.ToArray(), now);
        return SimulatorHttpResponse.Json(200, SimulatorJson.WriteObject(w => w.WriteString("access_url", file.Url.AbsoluteUri)));
    }

    /// <summary>A slot named by the CDN call's <c>Content-Type</c> and <c>X-Fal-File-Name</c> headers, with its lifecycle.</summary>
    public static StoredFile CreateFromHeaders(FileStore store, SimulatorHttpRequest request, DateTimeOffset now)
    {
        var file = store.Create(
            request.Header("Content-Type") is { Length: > 0 } type ? type : FileStore.DefaultContentType,
            request.Header("X-Fal-File-Name") is { Length: > 0 } name ? name : FileStore.DefaultFileName,
            now);
        ObjectLifecycle.Apply(file, request, now);
        return file;
    }

    /// <summary>The CDN's answer to a missing, unknown or expired token.</summary>
    public static SimulatorHttpResponse InvalidToken() => SimulatorHttpResponse.Detail(401, "Invalid or expired CDN token.");

    /// <summary>The answer to an upload over the retention's byte bound.</summary>
    public static SimulatorHttpResponse TooLarge(FileStore store) =>
        SimulatorHttpResponse.Detail(413, string.Create(CultureInfo.InvariantCulture, $"The file is larger than the storage keeps ({store.MaxFileBytes} bytes)."));

    private static string? StringProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
