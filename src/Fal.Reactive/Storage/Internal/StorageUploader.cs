using System.Buffers;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// Uploads a source the way fal_client does by default: a CDN token from the REST host (the key goes there only), then the
/// bytes straight to the CDN with the token (the token goes to the CDN only, see <see cref="CdnTrust"/>); in parts above
/// <see cref="FalStorageOptions.MultipartThreshold"/>. When the token cannot be had (refused, unreachable, or for an untrusted
/// host) it falls back, before any byte is sent, to the REST host's signed URLs (<c>storage/upload/initiate</c>, the JS client's flow).
/// Bytes and files (which can be read again) also fall back when the CDN POST itself fails after its retries, as fal_client does.
/// </summary>
internal sealed class StorageUploader(FalTransport transport)
{
    private readonly CdnTokenCache _tokens = new(transport);

    private FalClientOptions Options => transport.Options;

    public async Task<Uri> UploadAsync(UploadSource source, FalUploadOptions options, Action<FalUploadProgress>? onNext, CancellationToken cancellationToken)
    {
        transport.EnsureCredentials();
        var storage = Options.Storage;
        (byte[] Buffer, int Length)? first = null;
        try
        {
            var multipart = source.Length > storage.MultipartThreshold;
            if (source.Length is null)
            {
                // A stream of unknown length: read one part to learn whether there is more (memory stays one part).
                var buffer = ArrayPool<byte>.Shared.Rent(storage.PartSize);
                first = (buffer, await source.ReadBlockAsync(buffer.AsMemory(0, storage.PartSize), cancellationToken).ConfigureAwait(false));
                multipart = first.Value.Length == storage.PartSize;
                if (!multipart)
                {
                    using var read = UploadSource.FromBytes(buffer.AsMemory(0, first.Value.Length), source.FileName, source.ContentType);
                    return await UploadAsync(read, options, onNext, cancellationToken).ConfigureAwait(false);
                }
            }

            var progress = new UploadProgress(source.Length, options.Progress, onNext);
            var token = await TokenOrNullAsync(cancellationToken).ConfigureAwait(false);
            // The multipart upload returns the first part's buffer to the pool itself.
            var handOff = first;
            first = null;
            var url = multipart
                ? await UploadInPartsAsync(source, handOff, token, options.Lifecycle, progress, cancellationToken).ConfigureAwait(false)
                : await UploadWholeAsync(source, token, options.Lifecycle, progress, cancellationToken).ConfigureAwait(false);
            progress.Done(url);
            return url;
        }
        finally
        {
            if (first is { } unused)
            {
                ArrayPool<byte>.Shared.Return(unused.Buffer);
            }
        }
    }

    /// <summary>The CDN token, or null when uploads must use signed URLs instead.</summary>
    private async Task<CdnToken?> TokenOrNullAsync(CancellationToken cancellationToken)
    {
        if (!Options.Storage.UseCdnToken)
        {
            return null;
        }

        try
        {
            var token = await _tokens.GetAsync(cancellationToken).ConfigureAwait(false);
            return CdnTrust.IsTrusted(token.BaseUrl, Options.RestUrl) ? token : null;
        }
        catch (FalException e) when (e is not MissingCredentialsException)
        {
            // As fal_client falls back to its next repository: nothing was sent yet, the signed-URL flow still can be.
            return null;
        }
    }

    private async Task<Uri> UploadWholeAsync(UploadSource source, CdnToken? token, FalObjectLifecycle? lifecycle, UploadProgress progress, CancellationToken cancellationToken)
    {
        if (token is null)
        {
            var (uploadUrl, fileUrl) = await InitiateAsync("storage/upload/initiate", source, lifecycle, cancellationToken).ConfigureAwait(false);
            await SendOnceAsync("upload", () => new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = new SourceContent(source, progress) }, static (_, _) => true, cancellationToken).ConfigureAwait(false);
            return fileUrl;
        }

        try
        {
            return source.CanRewind
                ? await transport.SendAsync(async: true, FalCall.Built("upload", () => CdnUpload(token, source, lifecycle, progress, rewind: true), static (_, body) => AccessUrl(body).Url, FalRetryRule.Upload, Options.Scheduler), cancellationToken).ConfigureAwait(false)
                : await SendOnceAsync("upload", () => CdnUpload(token, source, lifecycle, progress, rewind: false), static (_, body) => AccessUrl(body).Url, cancellationToken).ConfigureAwait(false);
        }
        catch (FalException e) when (source.CanRewind && e is not FalUploadException && !cancellationToken.IsCancellationRequested)
        {
            // As fal_client's fal_v3 -> fal chain: any failure of the CDN attempt falls back to the REST host's signed
            // URL when the bytes can be sent again. A caller's stream cannot: its failure is reported below.
            if (e is FalHttpException { StatusCode: 401 or 403 })
            {
                _tokens.Invalidate(token);
            }

            source.Rewind();
            progress.Restart();
            return await UploadWholeAsync(source, token: null, lifecycle, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (FalHttpException e) when (e.StatusCode is 401 or 403)
        {
            _tokens.Invalidate(token);
            throw;
        }
    }

    /// <summary>The CDN POST; each attempt of a rewindable source starts from its first byte.</summary>
    private static HttpRequestMessage CdnUpload(CdnToken token, UploadSource source, FalObjectLifecycle? lifecycle, UploadProgress progress, bool rewind)
    {
        if (rewind)
        {
            source.Rewind();
            progress.Restart();
        }

        var request = CdnRequest(token, "files/upload", source, lifecycle);
        request.Content = new SourceContent(source, progress);
        return request;
    }

    private async Task<Uri> UploadInPartsAsync(
        UploadSource source, (byte[] Buffer, int Length)? first, CdnToken? token, FalObjectLifecycle? lifecycle, UploadProgress progress, CancellationToken cancellationToken)
    {
        MultipartTarget target;
        if (token is null)
        {
            var (uploadUrl, fileUrl) = await InitiateAsync("storage/upload/initiate-multipart", source, lifecycle, cancellationToken).ConfigureAwait(false);
            target = new SignedMultipartTarget(uploadUrl, fileUrl);
        }
        else
        {
            var (accessUrl, uploadId) = await transport.SendAsync(
                async: true,
                FalCall.Built("upload initiate", () => CdnRequest(token, "files/upload/multipart", source, lifecycle), static (_, body) => AccessUrl(body), FalRetryRule.Transient, Options.Scheduler),
                cancellationToken).ConfigureAwait(false);
            if (uploadId is null || !CdnTrust.IsTrusted(accessUrl, Options.RestUrl))
            {
                throw new FalProtocolException($"The multipart upload answer has no uploadId, or names a host that may not receive the CDN token ({accessUrl.GetLeftPart(UriPartial.Authority)}).");
            }

            target = new CdnMultipartTarget(token, accessUrl, uploadId, source.ContentType);
        }

        return await new MultipartUploader(transport, target, progress).RunAsync(source, first, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>POST {rest}{path}?storage_type=fal-cdn-v3</c> with the key: a signed URL to send the bytes to, and the file's URL.</summary>
    private Task<(Uri UploadUrl, Uri FileUrl)> InitiateAsync(string path, UploadSource source, FalObjectLifecycle? lifecycle, CancellationToken cancellationToken)
    {
        var url = new Uri(Options.RestUrl, path + "?storage_type=fal-cdn-v3");
        var body = JsonSerializer.SerializeToUtf8Bytes(new FalUploadRequest(source.ContentType, source.FileName), FalJsonContext.Default.FalUploadRequest);
        var call = FalCall.Built(
            "upload initiate",
            () =>
            {
                var request = transport.CreateRequest(HttpMethod.Post, url, body, headers: null);
                AddLifecycle(request, lifecycle);
                return request;
            },
            static (_, answer) => FalWire.ParseUploadInitiate(answer),
            FalRetryRule.Transient,
            Options.Scheduler);
        return transport.SendAsync(async: true, call, cancellationToken).AsTask();
    }

    /// <summary>A call carrying a source's bytes: sent once (the source is read once); a stream that ended early is reported as such.</summary>
    private async Task<T> SendOnceAsync<T>(string operation, Func<HttpRequestMessage> create, Func<HttpResponseMessage, byte[], T> onSuccess, CancellationToken cancellationToken)
    {
        try
        {
            return await transport.SendAsync(async: true, FalCall.Built(operation, create, onSuccess, FalRetryRule.Never, Options.Scheduler), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Find<FalUploadException>(e) is { } ended && !ReferenceEquals(ended, e))
        {
            throw ended;
        }
    }

    private static HttpRequestMessage CdnRequest(CdnToken token, string path, UploadSource source, FalObjectLifecycle? lifecycle)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, token.Url(path));
        request.Headers.TryAddWithoutValidation("Authorization", token.AuthorizationValue);
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        request.Headers.TryAddWithoutValidation("X-Fal-File-Name", source.FileName);
        if (path.EndsWith("multipart", StringComparison.Ordinal))
        {
            request.Content = new ByteArrayContent([]);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", source.ContentType);
        }

        AddLifecycle(request, lifecycle);
        return request;
    }

    /// <summary>fal_client sends both lifecycle headers on uploads; the JS client the first.</summary>
    private static void AddLifecycle(HttpRequestMessage request, FalObjectLifecycle? lifecycle)
    {
        if (lifecycle?.HeaderValue is { } value)
        {
            request.Headers.TryAddWithoutValidation("X-Fal-Object-Lifecycle", value);
            request.Headers.TryAddWithoutValidation("X-Fal-Object-Lifecycle-Preference", value);
        }
    }

    private static (Uri Url, string? UploadId) AccessUrl(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("access_url", out var access) && access.ValueKind == JsonValueKind.String
                && Uri.TryCreate(access.GetString(), UriKind.Absolute, out var url))
            {
                var uploadId = root.TryGetProperty("uploadId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
                return (url, uploadId);
            }
        }
        catch (JsonException)
        {
        }

        throw new FalProtocolException("The CDN upload answer has no absolute access_url.");
    }

    private static T? Find<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}
