using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// One live realtime connection, across reconnections: gets a token, opens the socket, sends queued inputs in
/// order, reads results, and re-opens the socket when it drops (back-off on the scheduler) or when the app
/// refuses an expired token. A normal close (the app's idle timeout) is re-opened on the next input, as the
/// official clients do. Every result and the one terminal error come from a single loop, so they never overlap.
/// </summary>
internal sealed partial class RealtimeSession : IDisposable
{
    private readonly object _gate = new();
    private readonly RealtimeSettings _settings;
    private readonly RealtimeTokenSource _tokens;
    private readonly FalRetryPolicy _backOff;
    private readonly Action<JsonElement, string?> _onResult;
    private readonly Action<Exception> _onError;
    private readonly CancellationTokenSource _cts = new();
    private readonly Queue<byte[]> _outbox = new();
    private IRealtimeSocket? _socket;
    private bool _running;
    private bool _pumping;
    private bool _ended;

    public RealtimeSession(RealtimeSettings settings, Action<JsonElement, string?> onResult, Action<Exception> onError)
    {
        _settings = settings;
        _tokens = new RealtimeTokenSource(settings.FetchToken, settings.TokenLifetime, settings.Scheduler);
        _backOff = new FalRetryPolicy(settings.Reconnect);
        _onResult = onResult;
        _onError = onError;
    }

    /// <summary>Connects (the first subscription does this).</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_ended || _running)
            {
                return;
            }

            _running = true;
        }

        _ = RunAsync();
    }

    /// <summary>Ends the session with an error (reported once, to the observers).</summary>
    public void Fail(Exception error)
    {
        if (End() is { } ended)
        {
            ended.Dispose();
            _onError(error);
        }
    }

    /// <summary>Closes the socket normally and stops every timer; reports nothing.</summary>
    public void Dispose() => End()?.Dispose();

    private Ending? End()
    {
        IRealtimeSocket? socket;
        lock (_gate)
        {
            if (_ended)
            {
                return null;
            }

            _ended = true;
            socket = _socket;
            _socket = null;
            _outbox.Clear();
        }

        _tokens.Dispose();
        return new Ending(this, socket);
    }

    private async Task RunAsync()
    {
        var ct = _cts.Token;
        var failures = 0;
        var refusals = 0;
        try
        {
            while (true)
            {
                // Header-auth mode (fal_client's use_jwt=False) sends the client's own Authorization header at the
                // handshake and no token; otherwise the temporary token goes in the URL.
                string? token = null, authorization = null;
                try
                {
                    if (_settings.HeaderAuthorization is { } header)
                    {
                        authorization = await header(ct).ConfigureAwait(false);
                    }
                    else
                    {
                        token = await _tokens.GetAsync(ct).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    Fail(RealtimeErrors.TokenFailed(_settings.AppId, e));
                    return;
                }

                var socket = _settings.CreateSocket();
                try
                {
                    await socket.ConnectAsync(_settings.Url(token), authorization, ct).ConfigureAwait(false);
                }
                catch (RealtimeRefusedException) when (!ct.IsCancellationRequested)
                {
                    // The gateway refused the token at the handshake (401/403): as an Unauthorized frame.
                    socket.Dispose();
                    if (Refused(token, ref refusals))
                    {
                        return;
                    }

                    continue;
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    socket.Dispose();
                    if (failures >= _settings.Reconnect.MaxRetries)
                    {
                        Fail(RealtimeErrors.CouldNotConnect(_settings.AppId, failures + 1, e));
                        return;
                    }

                    await SchedulerDelay.Delay(_settings.Scheduler, _backOff.Delay(failures++, retryAfter: null), ct).ConfigureAwait(false);
                    continue;
                }

                if (!Opened(socket))
                {
                    await socket.CloseAsync(CancellationToken.None).ConfigureAwait(false);
                    socket.Dispose();
                    return;
                }

                var end = await RealtimeReader.ReadAsync(socket, _settings.AppId, _settings.Codec, (message, requestId) =>
                {
                    failures = refusals = 0;
                    if (!Volatile.Read(ref _ended))
                    {
                        _onResult(message, requestId);
                    }
                }, ct).ConfigureAwait(false);
                lock (_gate)
                {
                    if (_socket == socket)
                    {
                        _socket = null;
                    }
                }

                if (end.Kind != RealtimeFrameKind.Close)
                {
                    // We end this connection (a refused token, an error frame): say so to the app.
                    await socket.CloseAsync(ct).ConfigureAwait(false);
                }

                socket.Dispose();
                if (Volatile.Read(ref _ended))
                {
                    // Disposed (the close we sent was answered) or failed elsewhere: nothing to re-open.
                    return;
                }

                if (end.Error is { } error)
                {
                    Fail(error);
                    return;
                }

                if (end.Unauthorized)
                {
                    if (Refused(token, ref refusals))
                    {
                        return;
                    }

                    continue;
                }

                if (end.CloseStatus == RealtimeFrame.NormalClosure)
                {
                    lock (_gate)
                    {
                        if (_outbox.Count == 0)
                        {
                            _running = false;
                            return;
                        }
                    }

                    continue;
                }

                if (failures >= _settings.Reconnect.MaxRetries)
                {
                    Fail(RealtimeErrors.Closed(_settings.AppId, end.CloseStatus, end.CloseReason, failures + 1));
                    return;
                }

                await SchedulerDelay.Delay(_settings.Scheduler, _backOff.Delay(failures++, retryAfter: null), ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Disposed: nothing to report.
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    /// <summary>
    /// The app refused the credentials: a token is dropped and fetched again once (an expired one is no error); the
    /// client's own header is what it is, so a refusal of it ends the session at once. True when the session ended.
    /// </summary>
    private bool Refused(string? token, ref int refusals)
    {
        if (token is not null)
        {
            _tokens.Invalidate(token);
        }

        if (token is null || ++refusals > 1)
        {
            Fail(RealtimeErrors.Unauthorized(_settings.AppId, headerAuth: token is null));
            return true;
        }

        return false;
    }

    /// <summary>
    /// Closing a disposed session: the normal close goes out first, then the read is cancelled (cancelling a
    /// <see cref="System.Net.WebSockets.ClientWebSocket"/> read aborts the connection, which the app would see as a drop).
    /// </summary>
    private sealed class Ending(RealtimeSession session, IRealtimeSocket? socket) : IDisposable
    {
        public void Dispose() => _ = CloseAsync();

        private async Task CloseAsync()
        {
            try
            {
                if (socket is not null)
                {
                    await socket.CloseAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
            finally
            {
                session._cts.Cancel();
                socket?.Dispose();
            }
        }
    }
}
