using System.Net.Http.Headers;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>Where a multipart upload's parts and completion go, and how a part's ETag comes back: two flavours of fal's protocol.</summary>
internal abstract class MultipartTarget(Uri fileUrl)
{
    /// <summary>Gets the URL the file is served at once the upload completes.</summary>
    public Uri FileUrl { get; } = fileUrl;

    public abstract HttpRequestMessage Part(int partNumber, byte[] buffer, int length);

    public abstract string ETagOf(HttpResponseMessage response, byte[] body);

    public abstract HttpRequestMessage Complete(byte[] parts);

    protected static ByteArrayContent Bytes(byte[] buffer, int length, string? contentType)
    {
        var content = new ByteArrayContent(buffer, 0, length);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return content;
    }

    protected static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}

/// <summary>
/// fal_client's CDN multipart (<c>POST {cdn}/files/upload/multipart</c> → <c>access_url</c>, <c>uploadId</c>): parts are
/// <c>PUT {access_url}/multipart/{uploadId}/{n}</c> answering an <c>ETag</c> header, then <c>POST …/complete</c>; each with the CDN token.
/// </summary>
internal sealed class CdnMultipartTarget(CdnToken token, Uri accessUrl, string uploadId, string contentType) : MultipartTarget(accessUrl)
{
    private readonly string _base = accessUrl.AbsoluteUri.TrimEnd('/') + "/multipart/" + Uri.EscapeDataString(uploadId) + "/";

    public override HttpRequestMessage Part(int partNumber, byte[] buffer, int length)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, new Uri(_base + partNumber)) { Content = Bytes(buffer, length, contentType) };
        request.Headers.TryAddWithoutValidation("Authorization", token.AuthorizationValue);
        // Compressed answers may lose the ETag header (fal_client asks for identity too).
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "identity");
        return request;
    }

    public override string ETagOf(HttpResponseMessage response, byte[] body) =>
        response.Headers.ETag?.ToString()
        ?? (response.Headers.TryGetValues("ETag", out var values) ? values.FirstOrDefault() : null)
        ?? throw new FalProtocolException("A multipart part answer has no ETag header.");

    public override HttpRequestMessage Complete(byte[] parts)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base + "complete")) { Content = Json(parts) };
        request.Headers.TryAddWithoutValidation("Authorization", token.AuthorizationValue);
        return request;
    }
}

/// <summary>
/// The JS client's multipart (<c>POST {rest}storage/upload/initiate-multipart</c> → <c>upload_url</c>, <c>file_url</c>): parts are
/// <c>PUT {upload_url path}/{n}{query}</c> answering <c>{partNumber, etag}</c>, then <c>POST {path}/complete{query}</c>. The signed URL is
/// the credential: neither the key nor a token goes there.
/// </summary>
internal sealed class SignedMultipartTarget(Uri uploadUrl, Uri fileUrl) : MultipartTarget(fileUrl)
{
    public override HttpRequestMessage Part(int partNumber, byte[] buffer, int length) =>
        new(HttpMethod.Put, Under(partNumber.ToString(System.Globalization.CultureInfo.InvariantCulture))) { Content = Bytes(buffer, length, contentType: null) };

    public override string ETagOf(HttpResponseMessage response, byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("etag", out var etag) && etag.ValueKind == JsonValueKind.String)
            {
                return etag.GetString()!;
            }
        }
        catch (JsonException)
        {
        }

        throw new FalProtocolException("A multipart part answer has no etag.");
    }

    public override HttpRequestMessage Complete(byte[] parts) => new(HttpMethod.Post, Under("complete")) { Content = Json(parts) };

    private Uri Under(string segment) => new(uploadUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + segment + uploadUrl.Query);
}
