using System.Runtime.CompilerServices;

namespace Fal.Reactive;

/// <summary>
/// One streaming run (<c>POST {run}/{app}/stream</c>) read as events, the one implementation behind
/// <see cref="FalClient.Stream(string, FalInput?, FalStreamOptions?)"/> and
/// <see cref="FalClient.StreamAsync(string, FalInput?, FalStreamOptions?, CancellationToken)"/>: each event with the request id, the whole-call and idle limits on the
/// scheduler, and a stream that ends before its final event reported as such, never as a normal end.
/// </summary>
internal static class StreamRun
{
    public static async IAsyncEnumerable<FalStreamEvent> ReadAsync(
        FalQueueApi api, FalStorage storage, FalAppId app, PreparedInput input, RunSettings options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        api.Transport.EnsureCredentials();
        using var deadline = new CallDeadline(api.Scheduler, options.Timeout, options.IdleTimeout, cancellationToken);
        var response = await OpenAsync(api, storage, app, input, options, deadline, cancellationToken).ConfigureAwait(false);
        using (response)
        {
            var requestId = FalErrors.RequestIdOf(response);
            var reader = new Reader(app, requestId, options, deadline, cancellationToken);
            var events = FalEventStream.ReadAsync(response, api.Options.MaxResultBytes, "stream", requestId, scheduler: null, idleTimeout: null, deadline.Token).GetAsyncEnumerator(deadline.Token);
            await using var eventsScope = events.ConfigureAwait(false);
            while (await reader.NextAsync(events).ConfigureAwait(false))
            {
                if (FalWire.ParseResult(events.Current, requestId ?? "(stream)") is { } data)
                {
                    var item = reader.Arrived(new FalStreamEvent(requestId, data));
                    // The consumer's own time with an event is not the stream's idleness.
                    deadline.Pause();
                    yield return item;
                    deadline.Touch();
                }
            }

            reader.EnsureFinished();
        }
    }

    private static async Task<HttpResponseMessage> OpenAsync(
        FalQueueApi api, FalStorage storage, FalAppId app, PreparedInput input, RunSettings options, CallDeadline deadline, CancellationToken cancellationToken)
    {
        try
        {
            // The input's files are uploaded first, within the call's limits.
            var body = await input.BodyAsync(storage, deadline.Token).ConfigureAwait(false);
            return await api.OpenStreamAsync(app, body, options, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (deadline.HasExpired && !cancellationToken.IsCancellationRequested)
        {
            throw Reader.TimedOut(app, requestId: null, options, deadline, e);
        }
    }

    private sealed class Reader(FalAppId app, string? requestId, RunSettings options, CallDeadline deadline, CancellationToken cancellationToken)
    {
        private FalStreamEvent? _last;
        private int _count;

        public static FalTimeoutException TimedOut(FalAppId app, string? requestId, RunSettings options, CallDeadline deadline, Exception inner)
        {
            var limit = deadline.IdleExpired ? options.IdleTimeout!.Value : options.Timeout!.Value;
            var what = deadline.IdleExpired ? $"sent no event for {limit}" : $"did not finish within {limit}";
            return new FalTimeoutException($"The stream of {app.Id}{Of(requestId)} {what}: closed (fal ends a run whose connection drops).", inner)
            {
                RequestId = requestId,
                Timeout = limit,
            };
        }

        public FalStreamEvent Arrived(FalStreamEvent item)
        {
            _count++;
            _last = item;
            return item;
        }

        public async ValueTask<bool> NextAsync(IAsyncEnumerator<byte[]> events)
        {
            try
            {
                return await events.MoveNextAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (deadline.HasExpired && !cancellationToken.IsCancellationRequested)
            {
                throw TimedOut(app, requestId, options, deadline, e);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is IOException or HttpRequestException)
            {
                throw new FalStreamEndedException($"The stream of {app.Id}{Of(requestId)} broke after {_count} event(s): {e.Message}", e)
                {
                    RequestId = requestId,
                    EventCount = _count,
                };
            }
        }

        /// <summary>fal closes the stream after the final output: a close before any event, or after a partial one, is an early end.</summary>
        public void EnsureFinished()
        {
            if (_last is null || _last.IsPartial)
            {
                var when = _last is null ? "before sending any event" : $"after {_count} event(s), the last one partial";
                throw new FalStreamEndedException($"The stream of {app.Id}{Of(requestId)} closed {when}: the final output never came.")
                {
                    RequestId = requestId,
                    EventCount = _count,
                };
            }
        }

        private static string Of(string? requestId) => requestId is null ? string.Empty : $" (request {requestId})";
    }
}
