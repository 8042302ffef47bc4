using System.Globalization;
using System.Text.Json;
using Fal.Reactive.Testing.Internal;

namespace Fal.Reactive.Testing;

// Storage: the REST initiate flow (initiate, PUT to upload_url, GET file_url) and the CDN flow (token, direct upload).
public sealed partial class FalSimulator
{
    private const string DefaultContentType = "application/octet-stream";
    private const string DefaultFileName = "upload.bin";

    private StoredFile NewFile(string contentType, string fileName)
    {
        var id = (++_nextFile).ToString("x8", CultureInfo.InvariantCulture);
        var file = new StoredFile(id, new Uri(_cdnUrl, $"files/{id}/{Uri.EscapeDataString(fileName)}"), contentType, fileName);
        _files.Add(file);
        _filesById.Add(id, file);
        return file;
    }

    /// <summary><c>POST {rest}storage/upload/initiate</c> with <c>{content_type, file_name}</c> → <c>{upload_url, file_url}</c>.</summary>
    private SimulatorHttpResponse InitiateUpload(SimulatorHttpRequest request)
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

        lock (_gate)
        {
            var file = NewFile(string.IsNullOrEmpty(contentType) ? DefaultContentType : contentType, string.IsNullOrEmpty(fileName) ? DefaultFileName : fileName);
            return SimulatorHttpResponse.Json(200, SimulatorJson.WriteObject(w =>
            {
                w.WriteString("upload_url", new Uri(_cdnUrl, $"upload/{file.Id}").AbsoluteUri);
                w.WriteString("file_url", file.Url.AbsoluteUri);
            }));
        }
    }

    /// <summary><c>PUT</c> to an <c>upload_url</c>: stores the bytes (no key needed: the URL is the credential).</summary>
    private SimulatorHttpResponse PutUpload(SimulatorHttpRequest request, string[] segments)
    {
        lock (_gate)
        {
            if (!_filesById.TryGetValue(segments[1], out var file))
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
    }

    /// <summary><c>GET</c> of a file URL: the bytes with their content type.</summary>
    private SimulatorHttpResponse GetFile(string[] segments)
    {
        lock (_gate)
        {
            return _filesById.TryGetValue(segments[1], out var file) && file.Content is { } content
                ? SimulatorHttpResponse.Bytes(200, file.ContentType, content)
                : SimulatorHttpResponse.Detail(404, "File not found");
        }
    }

    /// <summary><c>POST {rest}storage/auth/token</c> → a CDN token for <c>POST {cdn}files/upload</c>.</summary>
    private SimulatorHttpResponse IssueStorageToken() => SimulatorHttpResponse.Json(200, SimulatorJson.WriteObject(w =>
    {
        w.WriteString("token", "simulated-cdn-token");
        w.WriteString("token_type", "Bearer");
        w.WriteString("base_url", _cdnUrl.AbsoluteUri.TrimEnd('/'));
        w.WriteString("expires_at", SimulatorJson.Timestamp(_scheduler.Now + TimeSpan.FromHours(1)));
    }));

    /// <summary><c>POST {cdn}files/upload</c>: raw bytes, <c>Content-Type</c> and <c>X-Fal-File-Name</c> → <c>{access_url}</c>.</summary>
    private SimulatorHttpResponse UploadToCdn(SimulatorHttpRequest request)
    {
        lock (_gate)
        {
            var file = NewFile(request.Header("Content-Type") is { Length: > 0 } type ? type : DefaultContentType, request.Header("X-Fal-File-Name") is { Length: > 0 } name ? name : DefaultFileName);
            file.Content = request.Body.ToArray();
            return SimulatorHttpResponse.Json(200, SimulatorJson.WriteObject(w => w.WriteString("access_url", file.Url.AbsoluteUri)));
        }
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
