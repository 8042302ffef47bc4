using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text.Json;
using BlazorRequests.Binding;
using Fal.Reactive;
using Microsoft.AspNetCore.Components;

namespace BlazorRequests.Components.Realtime;

/// <summary>
/// The realtime mode: the page's typing goes through <see cref="ThrottleExtensions.ThrottleLatest"/> into
/// <c>fal.Realtime(...)</c>, and its results are bound to the image. Switching the mode off (or leaving the page)
/// disposes this component: the result binding is the connection's last subscriber, so the WebSocket closes.
/// </summary>
public sealed partial class RealtimePanel
{
    /// <summary>@fal-ai/client's default realtime <c>throttleInterval</c>.</summary>
    public static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(128);

    private readonly Subject<string> _typing = new();
    private FalRealtimeConnection<object, JsonElement>? _connection;
    private IDisposable? _sending;

    /// <summary>Gets or sets the backend (injected).</summary>
    [Inject]
    public required SampleBackend Backend { get; set; }

    /// <summary>Gets or sets the prompt to send first, when the mode is switched on.</summary>
    [Parameter]
    public string? InitialPrompt { get; set; }

    private string? ImageUrl { get; set; }

    private string? Prompt { get; set; }

    private int Results { get; set; }

    private string? ErrorType { get; set; }

    private string? Error { get; set; }

    /// <summary>A change of the prompt box (on the render context).</summary>
    public void Type(string text)
    {
        if (!IsDisposed && !string.IsNullOrWhiteSpace(text))
        {
            _typing.OnNext(text.Trim());
        }
    }

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        _connection = Backend.Client.Realtime(SampleBackend.DefaultRealtimeApp, new FalRealtimeOptions { MaxBuffering = 2 });
        Bind(_connection, Show, Fail);              // the first subscriber connects (a token, then the WebSocket)
        _sending = _typing
            .ThrottleLatest(Pace, Backend.Scheduler)
            .Select(prompt => (object)new { prompt })
            .Subscribe(_connection);                 // each paced change is one frame
        if (InitialPrompt is { } first)
        {
            Type(first);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sending?.Dispose();
        }

        base.Dispose(disposing);                     // the result binding: the last subscriber, so the socket closes
        if (disposing)
        {
            _connection?.Dispose();
            _typing.Dispose();
        }
    }

    private void Show(FalRealtimeResult<JsonElement> result)
    {
        Results++;
        var output = result.Output;
        if (output.ValueKind == JsonValueKind.Object && output.TryGetProperty("images", out var images) && images.GetArrayLength() > 0)
        {
            ImageUrl = images[0].GetProperty("url").GetString();
        }

        Prompt = output.ValueKind == JsonValueKind.Object && output.TryGetProperty("prompt", out var p) ? p.GetString() : Prompt;
    }

    private void Fail(Exception error)
    {
        ErrorType = error.GetType().Name;
        Error = error.Message;
    }
}
