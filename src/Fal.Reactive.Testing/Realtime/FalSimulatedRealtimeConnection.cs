using System.Net.WebSockets;
using System.Reactive.Concurrency;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fal.Reactive.Testing;

/// <summary>
/// One realtime connection a <see cref="FalRealtimeSimulator"/> accepted: what the client sent, what it got, how it
/// ended; and controls to push a frame, close it, or drop it as a network failure would.
/// </summary>
/// <remarks>
/// The app answers one input at a time, each after its processing time on the simulator's scheduler. Inputs that
/// arrive meanwhile wait; with <see cref="MaxBuffering"/> set, only that many wait and the oldest is dropped for a
/// newer one (fal's <c>max_buffering</c>). An answer goes back in the input's format: msgpack for a binary frame,
/// JSON text for a text frame, with the input's <c>request_id</c>. An app that throws answers an
/// <c>x-fal-error</c> frame (<c>APP_ERROR</c>, the exception's message as the reason).
/// </remarks>
public sealed partial class FalSimulatedRealtimeConnection
{
    /// <summary>RFC 6455 7.4.1: the status reported for a connection that ended without a close frame.</summary>
    public const int AbnormalClosure = 1006;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly object _gate = new();
    private readonly WebSocket _socket;
    private readonly IScheduler _scheduler;
    private readonly Func<JsonElement, object?>? _app;
    private readonly TimeSpan _processingTime;
    private readonly Queue<(JsonElement Input, bool Binary)> _waiting = new();
    private readonly List<JsonElement> _inputs = [];
    private bool _busy;
    private Task _sending = Task.CompletedTask;

    internal FalSimulatedRealtimeConnection(
        string appId, Uri url, string? token, int? maxBuffering, WebSocket socket, IScheduler scheduler, Func<JsonElement, object?>? app, TimeSpan processingTime)
    {
        AppId = appId;
        Url = url;
        Token = token;
        MaxBuffering = maxBuffering;
        _socket = socket;
        _scheduler = scheduler;
        _app = app;
        _processingTime = processingTime;
        OpenedAt = scheduler.Now;
    }

    /// <summary>Gets the app id the connection is to.</summary>
    public string AppId { get; }

    /// <summary>Gets the URL the client opened (its query holds the temporary token, never a key).</summary>
    public Uri Url { get; }

    /// <summary>Gets the token the client presented (<c>fal_jwt_token</c>).</summary>
    public string? Token { get; }

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

    /// <summary>Gets the inputs received, decoded to JSON, in order (dropped ones included).</summary>
    public IReadOnlyList<JsonElement> Inputs { get { lock (_gate) { return [.. _inputs]; } } }

    /// <summary>Gets how many inputs came as JSON text frames (the others were msgpack binary frames).</summary>
    public int TextInputCount { get; private set; }

    /// <summary>Gets how many results the app sent.</summary>
    public int ResultCount { get; private set; }

    /// <summary>Gets how many inputs the app dropped because <see cref="MaxBuffering"/> were already waiting.</summary>
    public int DroppedCount { get; private set; }

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

    /// <summary>A whole message from the client.</summary>
    private void Receive(byte[] frame, bool text)
    {
        JsonElement input;
        try
        {
            input = RealtimeWire.Read(frame, text);
        }
        catch (FormatException e)
        {
            SendJson(new Dictionary<string, string> { ["type"] = "x-fal-error", ["error"] = "INVALID_INPUT", ["reason"] = "The frame is " + e.Message });
            return;
        }

        (JsonElement Input, bool Binary)? start = null;
        lock (_gate)
        {
            if (CloseStatus is not null)
            {
                return;
            }

            _inputs.Add(input);
            TextInputCount += text ? 1 : 0;
            _waiting.Enqueue((input, !text));
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

        if (start is { } first)
        {
            Schedule(first);
        }
    }

    /// <summary>The app works on one input at a time; the buffer holds the ones waiting, not the one in progress.</summary>
    private void Schedule((JsonElement Input, bool Binary) item) =>
        _scheduler.Schedule((Self: this, Item: item), _processingTime, static (IScheduler unused, (FalSimulatedRealtimeConnection Self, (JsonElement, bool) Item) state) =>
        {
            state.Self.Answer(state.Item);
            return System.Reactive.Disposables.Disposable.Empty;
        });

    private void Answer((JsonElement Input, bool Binary) item)
    {
        lock (_gate)
        {
            if (CloseStatus is not null)
            {
                _busy = false;
                return;
            }
        }

        var (reply, isResult) = Answer(item.Input);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(reply, s_json);
        lock (_gate)
        {
            if (CloseStatus is not null)
            {
                _busy = false;
                return;
            }

            ResultCount += isResult ? 1 : 0;
        }

        if (item.Binary)
        {
            Send(RealtimeWire.ToMessagePack(bytes), WebSocketMessageType.Binary);
        }
        else
        {
            Send(bytes, WebSocketMessageType.Text);
        }

        (JsonElement Input, bool Binary)? next = null;
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
        }

        if (next is { } following)
        {
            Schedule(following);
        }
    }

    private (JsonObject Reply, bool IsResult) Answer(JsonElement input)
    {
        var requestId = input.ValueKind == JsonValueKind.Object && input.TryGetProperty("request_id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;
        JsonObject reply;
        var isResult = true;
        try
        {
            var output = _app is null ? null : JsonSerializer.SerializeToNode(_app(input), s_json);
            reply = output as JsonObject ?? new JsonObject { ["output"] = output };
        }
        catch (Exception e)
        {
            reply = new JsonObject { ["type"] = "x-fal-error", ["error"] = "APP_ERROR", ["reason"] = e.Message };
            isResult = false;
        }

        if (requestId is not null)
        {
            reply["request_id"] = requestId;
        }

        return (reply, isResult);
    }
}
