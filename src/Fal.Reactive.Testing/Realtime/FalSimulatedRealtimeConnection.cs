using System.Net.WebSockets;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fal.Reactive.Testing;

/// <summary>
/// One realtime connection a <see cref="FalRealtimeSimulator"/> accepted: what the client sent, what it got, how it
/// ended; and controls to push a frame, close it, or drop it as a network failure would.
/// </summary>
/// <remarks>
/// The app answers one input at a time, each after its processing time on the simulator's scheduler, as fal's
/// realtime template does. Inputs that arrive meanwhile wait; with <see cref="MaxBuffering"/> set, only that many
/// wait and the oldest is dropped for a newer one (fal's <c>max_buffering</c>). Inputs are binary frames (fal's
/// template reads binary frames only); results are binary frames in the app's format (msgpack unless the app
/// takes JSON), with the input's <c>request_id</c> for an app of JSON inputs. fal's own frames are JSON text
/// whatever the app's format: an app that throws, a text input frame and an undecodable one all answer
/// <c>{"type":"x-fal-error","error":"INTERNAL_ERROR","reason":…}</c> and close the connection normally, as fal's
/// template does.
/// </remarks>
public sealed partial class FalSimulatedRealtimeConnection
{
    /// <summary>RFC 6455 7.4.1: the status reported for a connection that ended without a close frame.</summary>
    public const int AbnormalClosure = 1006;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly object _gate = new();
    private readonly WebSocket _socket;
    private readonly IScheduler _scheduler;
    private readonly RealtimeApp? _app;
    private readonly Queue<(JsonElement Json, object? Raw)> _waiting = new();
    private readonly List<JsonElement> _inputs = [];
    private IDisposable? _idle;
    private bool _busy;
    private bool _inputEnded;
    private Task _sending = Task.CompletedTask;

    internal FalSimulatedRealtimeConnection(string appId, Uri url, string? token, int? maxBuffering, WebSocket socket, IScheduler scheduler, RealtimeApp? app)
    {
        AppId = appId;
        Url = url;
        Token = token;
        MaxBuffering = maxBuffering;
        _socket = socket;
        _scheduler = scheduler;
        _app = app;
        OpenedAt = scheduler.Now;
    }

    /// <summary>Gets the app id the connection is to.</summary>
    public string AppId { get; }

    /// <summary>Gets the URL the client opened (its query holds the temporary token, never a key).</summary>
    public Uri Url { get; }

    /// <summary>Gets the token the client presented (<c>fal_jwt_token</c>); null for header auth.</summary>
    public string? Token { get; }

    /// <summary>Gets a value indicating whether the client authenticated with its key in the <c>Authorization</c> header (fal_client's <c>use_jwt=False</c>).</summary>
    public bool HeaderAuth { get; internal set; }

    /// <summary>Gets the <c>max_buffering</c> the client asked for.</summary>
    public int? MaxBuffering { get; }

    /// <summary>Gets when the connection was opened, on the simulator's clock.</summary>
    public DateTimeOffset OpenedAt { get; }

    /// <summary>Gets a value indicating whether the token was refused (an <c>Unauthorized</c> frame, then a close).</summary>
    public bool Refused { get; private set; }

    /// <summary>Gets a value indicating whether the connection is still open.</summary>
    public bool IsOpen { get { lock (_gate) { return CloseStatus is null; } } }

    /// <summary>Gets the close status once closed (1000 normal, 1006 dropped).</summary>
    public int? CloseStatus { get; private set; }

    /// <summary>Gets a value indicating whether the client closed the connection (rather than the app or a drop).</summary>
    public bool ClosedByClient { get; private set; }

    /// <summary>Gets the inputs received, decoded to JSON (a msgpack <c>bin</c> as base64), in order (dropped ones included).</summary>
    public IReadOnlyList<JsonElement> Inputs { get { lock (_gate) { return [.. _inputs]; } } }

    /// <summary>Gets how many inputs came as text frames (fal's template refuses them: the first one ends the session).</summary>
    public int TextInputCount { get; private set; }

    /// <summary>Gets how many results the app sent.</summary>
    public int ResultCount { get; private set; }

    /// <summary>Gets how many inputs the app dropped because <see cref="MaxBuffering"/> were already waiting.</summary>
    public int DroppedCount { get; private set; }

    /// <summary>Gets the <c>error</c> of the <c>x-fal-error</c> frame the app ended the session with (<c>INTERNAL_ERROR</c>, <c>TIMEOUT</c>), if it did.</summary>
    public string? EndedWithError { get; private set; }

    /// <summary>Sends a JSON text frame to the client (e.g. an <c>x-fal-message</c> or <c>x-fal-error</c>).</summary>
    /// <param name="message">Any object serializable to JSON.</param>
    public void SendJson(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (IsOpen)
        {
            Send(JsonSerializer.SerializeToUtf8Bytes(message, s_json), WebSocketMessageType.Text);
        }
    }

    /// <summary>Closes the connection from the app's side; 1006 drops it without a close frame, as a network failure does.</summary>
    /// <param name="status">The close status: 1000 (normal, e.g. an idle timeout), 1011 (server error), 1006 (dropped).</param>
    /// <param name="reason">The close reason.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is not a status a close frame may carry, nor 1006.</exception>
    public void Close(int status = 1000, string? reason = null)
    {
        if (status is < 1000 or > 4999 or 1004 or 1005 or 1015)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A close status is 1000-4999, not 1004, 1005 or 1015 (RFC 6455 7.4); 1006 drops the connection.");
        }

        lock (_gate)
        {
            if (CloseStatus is not null)
            {
                return;
            }

            CloseStatus = status;
            _waiting.Clear();
        }

        Interlocked.Exchange(ref _idle, null)?.Dispose();
        if (status == AbnormalClosure)
        {
            // No close frame: the connection just goes away.
            _socket.Abort();
            return;
        }

        Chain(socket => socket.CloseOutputAsync((WebSocketCloseStatus)status, reason, CancellationToken.None));
    }

    /// <summary>Refuses the token: the <c>Unauthorized</c> frame the JS client reads as "token expired", then a normal close.</summary>
    internal void Refuse()
    {
        Refused = true;
        SendJson(new { status = "error", error = "Unauthorized" });
        Close(1000, "Unauthorized");
    }

    /// <summary>The connection is served: the idle clock of <see cref="FalRealtimeAppOptions.SessionTimeout"/> starts.</summary>
    internal void Opened() => RestartIdleClock();

    /// <summary>fal's template ends a session with an <c>x-fal-error</c> text frame and a normal close.</summary>
    private void EndWith(string error, string reason)
    {
        lock (_gate)
        {
            if (CloseStatus is not null)
            {
                return;
            }

            EndedWithError = error;
        }

        SendJson(new Dictionary<string, string> { ["type"] = "x-fal-error", ["error"] = error, ["reason"] = reason });
        Close();
    }

    /// <summary>A whole message from the client.</summary>
    private void Receive(byte[] frame, bool text)
    {
        lock (_gate)
        {
            if (CloseStatus is not null || _inputEnded)
            {
                // After the idle timeout fal's template reads no more inputs.
                return;
            }

            TextInputCount += text ? 1 : 0;
        }

        if (text)
        {
            // fal's template reads with receive_bytes(), which fails on a text frame with KeyError('bytes').
            EndWith("INTERNAL_ERROR", "'bytes' (fal's realtime apps read binary frames only; this was a text frame)");
            return;
        }

        JsonElement json;
        object? raw = null;
        try
        {
            json = RealtimeWire.ReadJson(frame, _app?.Options.JsonMessages == true);
            if (_app?.Raw is not null)
            {
                raw = RealtimeWire.ReadRaw(frame);
            }
        }
        catch (FormatException e)
        {
            EndWith("INTERNAL_ERROR", "The frame is " + e.Message);
            return;
        }

        (JsonElement, object?)? start = null;
        lock (_gate)
        {
            if (CloseStatus is not null)
            {
                return;
            }

            _inputs.Add(json);
            _waiting.Enqueue((json, raw));
            if (MaxBuffering is { } max && _waiting.Count > max)
            {
                _waiting.Dequeue();
                DroppedCount++;
            }

            if (!_busy)
            {
                _busy = true;
                start = _waiting.Dequeue();
            }
        }

        RestartIdleClock();
        if (start is { } first)
        {
            Schedule(first);
        }
    }

    /// <summary>fal's template waits <c>session_timeout</c> for each input; when none comes it stops reading.</summary>
    private void RestartIdleClock()
    {
        if (_app?.Options.SessionTimeout is not { } timeout)
        {
            return;
        }

        var timer = _scheduler.Schedule(this, timeout, static (IScheduler unused, FalSimulatedRealtimeConnection self) =>
        {
            bool idle;
            lock (self._gate)
            {
                self._inputEnded = true;
                idle = !self._busy;
            }

            if (idle)
            {
                self.TimedOut();
            }

            return Disposable.Empty;
        });
        Interlocked.Exchange(ref _idle, timer)?.Dispose();
        if (!IsOpen)
        {
            Interlocked.Exchange(ref _idle, null)?.Dispose();
        }
    }

    /// <summary>The inputs it held are answered: the app says so and closes.</summary>
    private void TimedOut() => EndWith("TIMEOUT", "no inputs, reconnect when needed!");

    /// <summary>The app works on one input at a time; the buffer holds the ones waiting, not the one in progress.</summary>
    private void Schedule((JsonElement Json, object? Raw) item) =>
        _scheduler.Schedule((Self: this, Item: item), _app?.Options.ProcessingTime ?? TimeSpan.Zero, static (IScheduler unused, (FalSimulatedRealtimeConnection Self, (JsonElement, object?) Item) state) =>
        {
            state.Self.Answer(state.Item);
            return Disposable.Empty;
        });

    private void Answer((JsonElement Json, object? Raw) item)
    {
        lock (_gate)
        {
            if (CloseStatus is not null)
            {
                _busy = false;
                return;
            }
        }

        byte[] reply;
        try
        {
            reply = Compute(item);
        }
        catch (Exception e)
        {
            // fal's template: the app's exception ends the session, as INTERNAL_ERROR with the exception's message.
            lock (_gate)
            {
                _busy = false;
            }

            EndWith("INTERNAL_ERROR", e.Message);
            return;
        }

        lock (_gate)
        {
            if (CloseStatus is not null)
            {
                _busy = false;
                return;
            }

            ResultCount++;
        }

        Send(reply, WebSocketMessageType.Binary);
        if (_app?.Options.EmitTimings == true)
        {
            // x-fal messages go out as JSON text whatever the app's format (fal's template says so too).
            SendJson(new { type = "x-fal-message", action = "timings", timing = _app.Options.ProcessingTime.TotalSeconds });
        }

        (JsonElement, object?)? next = null;
        bool timedOut;
        lock (_gate)
        {
            if (CloseStatus is null && _waiting.Count > 0)
            {
                next = _waiting.Dequeue();
            }
            else
            {
                _busy = false;
            }

            timedOut = next is null && _inputEnded;
        }

        if (next is { } following)
        {
            Schedule(following);
        }
        else if (timedOut)
        {
            TimedOut();
        }
    }

    /// <summary>The app's answer to one input, encoded in its format.</summary>
    private byte[] Compute((JsonElement Json, object? Raw) item)
    {
        if (_app?.Raw is { } raw)
        {
            // As fal keeps bytes: the msgpack values in, the output's msgpack out.
            return RealtimeWire.WriteRaw(raw(item.Raw));
        }

        var input = item.Json;
        var requestId = input.ValueKind == JsonValueKind.Object && input.TryGetProperty("request_id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;
        var output = _app?.Json is { } app ? JsonSerializer.SerializeToNode(app(input), s_json) : null;
        var reply = output as JsonObject ?? new JsonObject { ["output"] = output };
        if (requestId is not null)
        {
            reply["request_id"] = requestId;
        }

        return RealtimeWire.Write(reply, _app?.Options.JsonMessages == true);
    }
}
