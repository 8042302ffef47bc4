using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Fal.Reactive.Testing;

/// <summary>
/// Multipart uploads, both flavours: fal_client's on the CDN (<c>POST files/upload/multipart</c> with the token →
/// <c>{access_url, uploadId}</c>; parts under <c>{access_url}/multipart/{uploadId}/{n}</c>) and the JS client's signed one
/// (<c>POST storage/upload/initiate-multipart</c> → <c>{upload_url, file_url}</c>; parts under <c>{upload_url}/{n}</c>). A part
/// answers its ETag as a header and as <c>{partNumber, etag}</c>; completion checks every listed part and its ETag, then
/// serves the file. Called under the facade's lock.
/// </summary>
internal static class MultipartCalls
{
    public static SimulatorHttpResponse Create(FileStore store, CdnTokens tokens, SimulatorHttpRequest request, DateTimeOffset now)
    {
        if (!tokens.Accepts(request.Header("Authorization"), now))
        {
            return StorageCalls.InvalidToken();
        }

        var file = StorageCalls.CreateFromHeaders(store, request, now);
        file.Parts = [];
        return SimulatorHttpResponse.Json(200, SimulatorJson.WriteObject(w =>
        {
            w.WriteString("access_url", file.Url.AbsoluteUri);
            w.WriteString("uploadId", file.Id);
        }));
    }

    /// <summary><c>PUT …/multipart/{id}/{n}</c> (either flavour): stores part n.</summary>
    public static SimulatorHttpResponse PutPart(FileStore store, SimulatorHttpRequest request, string[] segments)
    {
        if (Find(store, request, segments, out var file) is { } refused)
        {
            return refused;
        }

        if (!int.TryParse(segments[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var partNumber) || partNumber is < 1 or > 10_000)
        {
            return SimulatorHttpResponse.Detail(400, "Invalid part number: expected 1 to 10000.");
        }

        // Parts count against the retention's byte bound as they come, not only at completion.
        var buffered = file.Parts!.Where(p => p.Key != partNumber).Sum(p => (long)p.Value.Bytes.Length);
        if (!store.Fits(buffered + request.Body.Length))
        {
            return StorageCalls.TooLarge(store);
        }

        var bytes = request.Body.ToArray();
        var etag = "\"" + Convert.ToHexString(SHA256.HashData(bytes).AsSpan(0, 16)).ToLowerInvariant() + "\"";
        store.StorePart(file, partNumber, bytes, etag);
        return SimulatorHttpResponse.Json(200, SimulatorJson.WriteObject(w =>
        {
            w.WriteNumber("partNumber", partNumber);
            w.WriteString("etag", etag);
        })).WithHeader("ETag", etag);
    }

    /// <summary><c>POST …/complete</c> with <c>{"parts": [{partNumber, etag}]}</c>: every listed part must be stored with that ETag.</summary>
    public static SimulatorHttpResponse Complete(FileStore store, SimulatorHttpRequest request, string[] segments, DateTimeOffset now)
    {
        if (Find(store, request, segments, out var file) is { } refused)
        {
            return refused;
        }

        List<(int PartNumber, string ETag)> listed;
        try
        {
            listed = ReadParts(request.Body);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return SimulatorHttpResponse.Detail(422, "Invalid body: expected {\"parts\": [{\"partNumber\": n, \"etag\": \"...\"}]}.");
        }

        if (listed.Count == 0)
        {
            return SimulatorHttpResponse.Detail(400, "No parts listed.");
        }

        // A part listed twice would be joined twice: a 20-fold listing of one part is 20 parts' memory, not one.
        if (listed.GroupBy(p => p.PartNumber).FirstOrDefault(g => g.Count() > 1) is { } repeated)
        {
            return SimulatorHttpResponse.Detail(400, $"Part {repeated.Key} is listed more than once.");
        }

        foreach (var (partNumber, etag) in listed)
        {
            if (!file.Parts!.TryGetValue(partNumber, out var part) || part.ETag != etag)
            {
                return SimulatorHttpResponse.Detail(400, $"Part {partNumber} was not uploaded with ETag {etag}.");
            }
        }

        var content = new byte[listed.Sum(p => (long)file.Parts![p.PartNumber].Bytes.Length)];
        var offset = 0;
        foreach (var (partNumber, _) in listed.OrderBy(p => p.PartNumber))
        {
            var bytes = file.Parts![partNumber].Bytes;
            bytes.CopyTo(content, offset);
            offset += bytes.Length;
        }

        store.ReleaseParts(file);
        store.Store(file, content, now);
        file.PartCount = listed.Count;
        file.UploadSignature = null;
        return SimulatorHttpResponse.Json(200, SimulatorJson.WriteObject(w => w.WriteString("access_url", file.Url.AbsoluteUri)));
    }

    /// <summary>
    /// The upload addressed by <c>files/{id}/{name}/multipart/{id}/…</c> or <c>multipart/{id}/…</c>, while it is open:
    /// null and the file, or the refusal (404; 403 when a signed JS-flavour URL's signature does not match).
    /// </summary>
    private static SimulatorHttpResponse? Find(FileStore store, SimulatorHttpRequest request, string[] segments, out StoredFile file)
    {
        var signed = segments[0] == "multipart";
        var id = signed ? segments[1] : segments[4];
        if (!store.TryGet(id, out var found) || found.Parts is null || (!signed && segments[1] != id))
        {
            file = null!;
            return SimulatorHttpResponse.Detail(404, "Multipart upload not found");
        }

        file = found;
        // A signed upload needs its signature whichever path addresses it; the CDN flavour's id is its credential.
        return signed || found.UploadSignature is not null ? StorageCalls.RefuseSignature(found, request) : null;
    }

    private static List<(int, string)> ReadParts(ReadOnlyMemory<byte> body)
    {
        using var doc = JsonDocument.Parse(body);
        return [.. doc.RootElement.GetProperty("parts").EnumerateArray()
            .Select(p => (p.GetProperty("partNumber").GetInt32(), p.GetProperty("etag").GetString() ?? throw new FormatException()))];
    }
}
