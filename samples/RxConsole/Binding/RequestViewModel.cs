using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Fal.Reactive;

namespace RxConsole.Binding;

/// <summary>
/// What a view binds to for one request: plain INotifyPropertyChanged properties, set from the statuses of
/// <c>fal.Submit(...).ObserveOn(uiContext)</c>, so every change (and every PropertyChanged) happens on the UI
/// thread. <see cref="Cancel"/> is what a Cancel button's command would call.
/// </summary>
internal sealed class RequestViewModel : INotifyPropertyChanged, IDisposable
{
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IDisposable? _subscription;
    private string _state = "Idle";
    private string? _requestId;
    private int? _queuePosition;
    private string? _lastLog;
    private bool _isBusy;
    private string? _imageUrl;
    private string? _error;

    public event PropertyChangedEventHandler? PropertyChanged;

    public string State { get => _state; private set => Set(ref _state, value); }

    public string? RequestId { get => _requestId; private set => Set(ref _requestId, value); }

    public int? QueuePosition { get => _queuePosition; private set => Set(ref _queuePosition, value); }

    public string? LastLog { get => _lastLog; private set => Set(ref _lastLog, value); }

    public bool IsBusy { get => _isBusy; private set => Set(ref _isBusy, value); }

    public string? ImageUrl { get => _imageUrl; private set => Set(ref _imageUrl, value); }

    public string? Error { get => _error; private set => Set(ref _error, value); }

    /// <summary>Completes when the request has ended, however it ended.</summary>
    public Task Finished => _finished.Task;

    /// <summary>Starts the request. <paramref name="statuses"/> must already be observed on the UI context.</summary>
    public void Start(IObservable<FalStatus> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        State = "Submitting";
        IsBusy = true;
        _subscription = statuses.Subscribe(Apply, Fail, () => _finished.TrySetResult());
    }

    /// <summary>The Cancel button: disposing the subscription cancels the request on the server.</summary>
    public void Cancel()
    {
        if (!IsBusy)
        {
            return;
        }

        _subscription?.Dispose();
        State = "Cancelled";
        QueuePosition = null;
        IsBusy = false;
        _finished.TrySetResult();
    }

    public void Dispose() => _subscription?.Dispose();

    private void Apply(FalStatus status)
    {
        RequestId = status.RequestId;
        switch (status)
        {
            case Queued queued:
                State = "Queued";
                QueuePosition = queued.Position;
                break;
            case InProgress running:
                State = "Running";
                QueuePosition = null;
                LastLog = running.Logs is [.., var last] ? last.Message : LastLog;
                break;
            case Completed completed:
                LastLog = completed.Logs is [.., var final] ? final.Message : LastLog;
                ImageUrl = completed.Result is { ValueKind: JsonValueKind.Object } result
                    && result.TryGetProperty("images", out var images)
                    && images.ValueKind == JsonValueKind.Array
                    && images.GetArrayLength() > 0
                    && images[0].TryGetProperty("url", out var url)
                    ? url.GetString()
                    : null;
                State = "Done";
                IsBusy = false;
                break;
        }
    }

    private void Fail(Exception error)
    {
        Error = error is FalHttpException http ? $"HTTP {http.StatusCode}: {http.Detail ?? http.Message}" : error.Message;
        State = "Failed";
        QueuePosition = null;
        IsBusy = false;
        _finished.TrySetResult();
    }

    private void Set<T>(ref T field, T value, [CallerMemberName] string name = "")
    {
        if (EqualityComparer<T>.Default.Equals(field, value))
        {
            return;
        }

        field = value;
        PropertyChanged?.Invoke(this, new PropertyChangedEventArgs(name));
    }
}
