using System.Buffers;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// Sends a source in parts: up to <see cref="FalStorageOptions.MaxConcurrentParts"/> at once, one pooled buffer of
/// <see cref="FalStorageOptions.PartSize"/> per part in flight (the next part is read only when a slot is free), each part
/// retried on transient failures by the transport's policy. The upload succeeds only when every part was acknowledged and
/// fal answered the completion with a success; anything else is a <see cref="FalUploadException"/>.
/// </summary>
internal sealed class MultipartUploader(FalTransport transport, MultipartTarget target, UploadProgress progress)
{
    private readonly FalStorageOptions _storage = transport.Options.Storage;

    /// <summary>Uploads the source; <paramref name="first"/> is a part already read (the caller read it to learn the size), or null.</summary>
    public async Task<Uri> RunAsync(UploadSource source, (byte[] Buffer, int Length)? first, CancellationToken cancellationToken)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var slots = new PartSlots(_storage.MaxConcurrentParts);
        var parts = new List<Task<(int PartNumber, string ETag)>>();
        try
        {
            for (var partNumber = 1; ; partNumber++)
            {
                await slots.WaitAsync(failed.Token).ConfigureAwait(false);
                var (buffer, length) = partNumber == 1 && first is { } read ? read : await ReadPartAsync(source, failed.Token).ConfigureAwait(false);
                if (length == 0 && partNumber > 1)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    slots.Release();
                    break;
                }

                parts.Add(SendPartAsync(partNumber, buffer, length, slots, failed));
                if (length < _storage.PartSize)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or FalUploadException)
        {
            failed.Cancel();
            await Task.WhenAll(parts.Select(p => p.ContinueWith(static _ => { }, TaskScheduler.Default))).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            // A failed part stopped the reading: report the part, not the cancellation it caused.
            throw FirstFailure(parts) ?? e;
        }

        (int PartNumber, string ETag)[] done;
        try
        {
            done = await Task.WhenAll(parts).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested && FirstFailure(parts) is { } failure)
        {
            throw failure;
        }

        await CompleteAsync(done, cancellationToken).ConfigureAwait(false);
        return target.FileUrl;
    }

    private async Task<(byte[], int)> ReadPartAsync(UploadSource source, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_storage.PartSize);
        try
        {
            return (buffer, await source.ReadBlockAsync(buffer.AsMemory(0, _storage.PartSize), cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private async Task<(int, string)> SendPartAsync(int partNumber, byte[] buffer, int length, PartSlots slots, CancellationTokenSource failed)
    {
        try
        {
            var etag = await transport.SendAsync(
                async: true,
                FalCall.Built("upload part", () => target.Part(partNumber, buffer, length), target.ETagOf, FalRetryRule.Transient, transport.Options.Scheduler),
                failed.Token).ConfigureAwait(false);
            progress.Add(length);
            return (partNumber, etag);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One lost part loses the file: stop reading and sending the others.
            failed.Cancel();
            throw new FalUploadException($"Part {partNumber} of the multipart upload failed after its retries: {e.Message} Nothing was stored.", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            slots.Release();
        }
    }

    private async Task CompleteAsync((int PartNumber, string ETag)[] parts, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("parts");
            foreach (var (partNumber, etag) in parts.OrderBy(p => p.PartNumber))
            {
                w.WriteStartObject();
                w.WriteNumber("partNumber", partNumber);
                w.WriteString("etag", etag);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        var body = buffer.WrittenSpan.ToArray();
        try
        {
            await transport.SendAsync(
                async: true,
                FalCall.Built("upload complete", () => target.Complete(body), static (_, _) => true, FalRetryRule.Transient, transport.Options.Scheduler),
                cancellationToken).ConfigureAwait(false);
        }
        catch (FalException e)
        {
            throw new FalUploadException($"fal did not complete the multipart upload of {parts.Length} parts: {e.Message} Nothing was stored.", e);
        }
    }

    private static FalUploadException? FirstFailure(List<Task<(int, string)>> parts) =>
        parts.Where(p => p.IsFaulted).Select(p => p.Exception!.InnerException).OfType<FalUploadException>().FirstOrDefault();
}
