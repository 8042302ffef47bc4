using System.Runtime.CompilerServices;

namespace Fal.Reactive;

/// <summary>
/// One streaming run (<c>POST {run}/{app}/stream</c>) read as events, the one implementation behind
/// <see cref="FalClient.Stream(string, FalInput?, FalStreamOptions?)"/> and
/// <see cref="FalClient.StreamAsync(string, FalInput?, FalStreamOptions?, CancellationToken)"/>: each event with the request id, the whole-call and idle limits on the
/// scheduler (<see cref="CallDeadline"/>, <see cref="IdleTimeout"/>), and a stream that ends before its final
/// event reported as such, never as a normal end.
/// </summary>
internal static class StreamCall
{
    public static async IAsyncEnumerable<FalStreamEvent> ReadAsync(
        FalClientContext context, FalStorage storage, FalAppId app, PreparedInput input, RunSettings options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        context.Transport.EnsureCredentials();
        using var deadline = new CallDeadline(context.Scheduler, options.Timeout, cancellationToken);
        using var idle = options.IdleTimeout is { } limit
            ? new IdleTimeout(context.Scheduler, limit, $"The stream of {app.Id}", anyBytesCount: false, "closed (fal ends a run whose connection drops).")
            : null;
        var response = await OpenAsync(context, storage, app, input, options, deadline, idle, cancellationToken).ConfigureAwait(false);
        using (response)
        {
            var requestId = FalErrors.RequestIdOf(response);
            if (idle is not null)
            {
                idle.RequestId = requestId;
            }

            var reader = new Reader(app, requestId, options, deadline, cancellationToken);
            // Silence past the idle limit ends the reads with FalTimeoutException (the body's IdleTimeout throws it).
            var events = FalEventStream.ReadAsync(response, context.Options.MaxResultBytes, "stream", requestId, idle, deadline.Token).GetAsyncEnumerator(deadline.Token);
            await using var eventsScope = events.ConfigureAwait(false);
            while (await reader.NextAsync(events).ConfigureAwait(false))
            {
                if (FalWire.ParseResult(events.Current, requestId ?? "(stream)") is { } data)
                {
                    // The consumer's own time with an event is not the stream's idleness: the next wait starts with the next read.
                    yield return reader.Arrived(new FalStreamEvent(requestId, data));
                }
            }

            reader.EnsureFinished();
        }
    }

    private static async Task<HttpResponseMessage> OpenAsync(
        FalClientContext context, FalStorage storage, FalAppId app, PreparedInput input, RunSettings options, CallDeadline deadline, IdleTimeout? idle, CancellationToken cancellationToken)
    {
        try
        {
            // The input's files are uploaded first, within the call's limits: the wait for the first event starts here.
            var token = idle?.Watch(deadline.Token) ?? deadline.Token;
            var body = await input.BodyAsync(storage, token).ConfigureAwait(false);
            return await context.RunHost.OpenStreamAsync(app, body, options.CallHeaders, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (idle?.Expired == true && !cancellationToken.IsCancellationRequested)
        {
            throw idle.TimedOut(e);
        }
        catch (OperationCanceledException e) when (deadline.HasExpired && !cancellationToken.IsCancellationRequested)
        {
            throw Reader.TimedOut(app, requestId: null, options, e);
        }
    }

    private sealed class Reader(FalAppId app, string? requestId, RunSettings options, CallDeadline deadline, CancellationToken cancellationToken)
    {
        private FalStreamEvent? _last;
        private int _count;

        /// <summary>The whole-call limit ran out (<see cref="FalStreamOptions.Timeout"/>).</summary>
        public static FalTimeoutException TimedOut(FalAppId app, string? requestId, RunSettings options, Exception inner)
        {
            var limit = options.Timeout!.Value;
            return new FalTimeoutException($"The stream of {app.Id}{Of(requestId)} did not finish within {limit}: closed (fal ends a run whose connection drops).", inner)
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
                throw TimedOut(app, requestId, options, e);
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
