using System.Diagnostics.CodeAnalysis;
using System.Reactive.Disposables;
using System.Reactive.Subjects;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// A connection to a fal realtime app: an observer of inputs (each <see cref="OnNext"/> sends one) and an
/// observable of results. Cold and reference-counted: the first subscription connects (token, WebSocket), later
/// ones share the connection, and disposing the last one closes it. Inputs sent while nobody is subscribed are
/// dropped (nobody would see their results).
/// </summary>
/// <remarks>
/// <para>
/// The token is refreshed before it expires without dropping the connection; a dropped connection is re-opened
/// with back-off on the scheduler (<see cref="FalRealtimeOptions.Reconnect"/>); an idle connection the app closed
/// is re-opened by the next input (fal's <c>TIMEOUT</c> notice is no error). The sequence ends with
/// <see cref="FalRealtimeException"/> (an <c>x-fal-error</c> text frame, e.g. fal's <c>INTERNAL_ERROR</c> for an
/// exception in the app, after which fal closes the socket: no reconnection),
/// <see cref="FalRealtimeUnauthorizedException"/> or <see cref="FalRealtimeConnectionClosedException"/>;
/// <c>Retry()</c> reconnects.
/// </para>
/// <para>
/// Realtime inputs are frames, not queued requests: the app may drop older inputs in favour of newer ones
/// (<see cref="FalRealtimeOptions.MaxBuffering"/>), and inputs in flight when a connection drops get no result.
/// Pace fast inputs with plain Rx, e.g. <c>prompts.Sample(TimeSpan.FromMilliseconds(128)).Subscribe(connection)</c>
/// (the JS client throttles to 128 ms by default).
/// </para>
/// </remarks>
/// <typeparam name="TInput">The input type (serialized to JSON, snake_case by default).</typeparam>
/// <typeparam name="TOutput">The output type (<see cref="JsonElement"/> for raw JSON).</typeparam>
public sealed class FalRealtimeConnection<TInput, TOutput> : IObservable<FalRealtimeResult<TOutput>>, IObserver<TInput>, IDisposable
{
    private readonly object _gate = new();
    private readonly RealtimeSettings _settings;
    private readonly JsonSerializerOptions _json;
    private Subject<FalRealtimeResult<TOutput>>? _results;
    private RealtimeSession? _session;
    private int _subscribers;
    private bool _disposed;

    internal FalRealtimeConnection(RealtimeSettings settings, JsonSerializerOptions json)
    {
        _settings = settings;
        // The msgpack codec sends byte arrays as bin: they are set aside while the input is serialized.
        _json = settings.Codec is MessagePackRealtimeCodec ? new JsonSerializerOptions(json) { Converters = { new RealtimeBytes() } } : json;
    }

    /// <summary>The app this connection is to.</summary>
    public string AppId => _settings.AppId;

    /// <summary>Connects on the first subscription; results (and the terminal error) go to every subscriber.</summary>
    /// <param name="observer">The observer of results.</param>
    /// <returns>Disposing it unsubscribes; the last one closes the connection.</returns>
    public IDisposable Subscribe(IObserver<FalRealtimeResult<TOutput>> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        Subject<FalRealtimeResult<TOutput>> results;
        RealtimeSession? owner;
        RealtimeSession? start = null;
        lock (_gate)
        {
            if (_disposed)
            {
                observer.OnCompleted();
                return Disposable.Empty;
            }

            if (_session is null)
            {
                var subject = new Subject<FalRealtimeResult<TOutput>>();
                RealtimeSession? session = null;
                session = new RealtimeSession(
                    _settings,
                    (message, requestId) => subject.OnNext(new FalRealtimeResult<TOutput>(requestId, Read(message, requestId))),
                    error =>
                    {
                        Ended(session!);
                        subject.OnError(error);
                    });
                _results = subject;
                _session = start = session;
            }

            results = _results!;
            owner = _session;
            _subscribers++;
        }

        var subscription = results.Subscribe(observer);
        start?.Start();
        return Disposable.Create(() =>
        {
            subscription.Dispose();
            RealtimeSession? close = null;
            lock (_gate)
            {
                if (_session == owner && --_subscribers == 0)
                {
                    close = owner;
                    _session = null;
                    _results = null;
                }
            }

            close?.Dispose();
        });
    }

    /// <summary>Sends an input, with a request id its result will carry.</summary>
    /// <param name="input">The input.</param>
    /// <param name="requestId">Added to the input as <c>request_id</c>; null to send the input as it is.</param>
    /// <exception cref="ArgumentException">A request id was given for an input that is not a JSON object.</exception>
    public void Send(TInput input, string? requestId = null)
    {
        if (requestId is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(requestId);
        }

        RealtimeSession? session;
        lock (_gate)
        {
            session = _session;
        }

        if (session is null)
        {
            return;
        }

        var frame = RealtimeCodec.EncodeInput(input, typeof(TInput), requestId, _json, _settings.Codec);
        session.Send(frame);
    }

    /// <summary>Sends an input as it is (see <see cref="Send"/>).</summary>
    /// <param name="value">The input.</param>
    public void OnNext(TInput value) => Send(value);

    /// <summary>The inputs ended: nothing to do, results of inputs already sent still arrive.</summary>
    public void OnCompleted()
    {
    }

    /// <summary>The inputs failed: the error ends the results too, and the connection closes.</summary>
    /// <param name="error">The error.</param>
    public void OnError(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        RealtimeSession? session;
        lock (_gate)
        {
            session = _session;
        }

        session?.Fail(error);
    }

    /// <summary>Closes the connection and completes every subscriber.</summary>
    public void Dispose()
    {
        RealtimeSession? session;
        Subject<FalRealtimeResult<TOutput>>? results;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            session = _session;
            results = _results;
            _session = null;
            _results = null;
        }

        session?.Dispose();
        results?.OnCompleted();
    }

    private void Ended(RealtimeSession session)
    {
        lock (_gate)
        {
            if (_session == session)
            {
                _session = null;
                _results = null;
                _subscribers = 0;
            }
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = RealtimeJson.Justification)]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = RealtimeJson.Justification)]
    private TOutput Read(JsonElement message, string? requestId)
    {
        if (message is TOutput raw)
        {
            return raw;
        }

        try
        {
            return message.Deserialize<TOutput>(_json)
                ?? throw new FalProtocolException($"Realtime app {AppId}: a result is null, expected {typeof(TOutput).Name}.") { RequestId = requestId };
        }
        catch (JsonException e)
        {
            throw new FalProtocolException($"Realtime app {AppId}: a result does not fit {typeof(TOutput).Name}: {e.Message}", e) { RequestId = requestId };
        }
    }
}
