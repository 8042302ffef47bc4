using System.Reactive.Concurrency;

namespace Fal.Reactive.Testing;

/// <summary>
/// An in-memory fal.ai queue: it holds the queue model (workers, positions, priorities, logs, cancellation,
/// start timeouts, webhooks, storage) and answers fal's HTTP protocol. All time runs on the
/// <see cref="IScheduler"/> given to it, so a <c>TestScheduler</c> drives a whole request life cycle in virtual time.
/// </summary>
/// <remarks>
/// <para>
/// Use <see cref="CreateHandler"/> to put it behind an <see cref="HttpClient"/>; the emulator serves the same
/// instance over Kestrel. The simulator is thread-safe. Give it a scheduler that queues scheduled work
/// (<c>TestScheduler</c>, <c>Scheduler.Default</c>, <c>TaskPoolScheduler</c>) rather than one that runs it inline.
/// </para>
/// <para>
/// Queue model: a submit enqueues; a free worker starts the oldest eligible request (<c>low</c> priority behind
/// <c>normal</c>), which completes <see cref="FalAppScript.RunTime"/> later. Direct calls to the run host
/// (<c>POST {run}/{app}</c>, <c>/stream</c>) start at once outside the worker pool and are answered when they finish.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var scheduler = new TestScheduler();
/// var sim = new FalSimulator(scheduler, new FalSimulatorOptions { Workers = 1 });
/// sim.MapApp("fal-ai/fast-sdxl", FalAppScript.Succeed(new { images = Array.Empty&lt;object&gt;() }, TimeSpan.FromSeconds(2)));
/// var http = new HttpClient(sim.CreateHandler());
/// </code>
/// </example>
public sealed partial class FalSimulator
{
    // The facade: it holds the one lock and delegates. Routing/ finds, classifies and authorises a call and shapes the
    // answers; Queue/ holds the requests and workers, Storage/ the files, Streaming/ the open event streams; Http/ is
    // the transport side (handler, latency). Those components are single-threaded: only touched while _gate is held.
    private readonly object _gate = new();
    private readonly IScheduler _scheduler;
    private readonly SimulatorHosts _hosts;
    private readonly SimulatorRouter _router;
    private readonly AppRegistry _apps = new();
    private readonly QueueModel _queue;
    private readonly FaultCounter _faults;
    private readonly WebhookOutbox _webhooks;
    private readonly StatusStreams _statusStreams;
    private readonly FileStore _files;
    private readonly CdnTokens _cdnTokens;
    private readonly Queue<CallRecord> _calls = new();
    private readonly FalSimulatorRetention _retention;
    private readonly AnswerDelivery _delivery;

    /// <summary>Initializes a new instance of the <see cref="FalSimulator"/> class.</summary>
    /// <param name="scheduler">The scheduler all simulated time runs on.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="scheduler"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid (no workers, a relative URL, a negative latency or retention limit).</exception>
    public FalSimulator(IScheduler scheduler, FalSimulatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        options ??= new FalSimulatorOptions();
        if (options.Workers < 1)
        {
            throw new ArgumentException("At least one worker is needed.", nameof(options));
        }

        if (options.Latency < TimeSpan.Zero || options.KeepAliveInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("Latency must not be negative and KeepAliveInterval must be positive.", nameof(options));
        }

        if (options.StorageTokenLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentException("StorageTokenLifetime must be positive.", nameof(options));
        }

        ArgumentNullException.ThrowIfNull(options.Retention, "options.Retention");
        options.Retention.Validate(nameof(options));
        _retention = options.Retention.Clone();
        _faults = new FaultCounter(Math.Max(1, _retention.MaxCalls));
        _scheduler = scheduler;
        _hosts = new SimulatorHosts(options);
        _router = new SimulatorRouter(_hosts, new KeyCheck(options.AcceptedKeys, new IssuedTokens(scheduler)));
        ArgumentException.ThrowIfNullOrEmpty(options.WebhookUserId, nameof(options));
        _webhooks = new WebhookOutbox(options.WebhookClient, options.WebhookSigningKey ?? FalWebhookSigningKey.Create(), options.WebhookUserId);
        var statusChanges = new StatusChanges();
        _queue = new QueueModel(scheduler, options.Workers, After, _webhooks, statusChanges, options.RequestIdGenerator);
        _statusStreams = new StatusStreams(scheduler, options.KeepAliveInterval, _hosts.Queue, _queue, statusChanges);
        _files = new FileStore(_hosts.Cdn, _retention);
        _cdnTokens = new CdnTokens(checkTokens: options.AcceptedKeys is not null, Math.Max(1, _retention.MaxCalls), options.StorageTokenLifetime);
        _delivery = new AnswerDelivery(scheduler, options.Latency, (call, statusCode) =>
        {
            lock (_gate)
            {
                call.StatusCode = statusCode;
            }
        });
    }

    /// <summary>Gets the queue host the simulator answers on and builds <c>status_url</c>s with.</summary>
    public Uri QueueUrl => _hosts.Queue;

    /// <summary>Gets the run host the simulator answers on.</summary>
    public Uri RunUrl => _hosts.Run;

    /// <summary>Gets the REST host the simulator answers on.</summary>
    public Uri RestUrl => _hosts.Rest;

    /// <summary>Gets the CDN host that receives uploads and serves files.</summary>
    public Uri CdnUrl => _hosts.Cdn;

    /// <summary>Gets the scheduler the simulator's time runs on.</summary>
    public IScheduler Scheduler => _scheduler;

    /// <summary>Gets fal's platform API host as the simulator serves it (the request listing).</summary>
    public Uri ApiUrl => _hosts.Api;

    /// <summary>
    /// Gets or sets whether <c>v1/models/requests/by-endpoint</c> answers (true, the default) or fails with 503: what a test
    /// of a durable batch's "listing unavailable" path sets.
    /// </summary>
    public bool RequestListingAvailable { get; set; } = true;

    /// <summary>
    /// Gets a snapshot of every request held, in arrival order: all the unfinished ones, and the finished ones that
    /// <see cref="FalSimulatorOptions.Retention"/> keeps.
    /// </summary>
    public IReadOnlyList<FalSimulatedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                Trim();
                return [.. _queue.Requests.Select(Snapshot)];
            }
        }
    }

    /// <summary>Gets a snapshot of the HTTP calls received that retention keeps (by default the last 10,000 of the last hour), in arrival order.</summary>
    public IReadOnlyList<FalRecordedCall> Calls
    {
        get
        {
            lock (_gate)
            {
                Trim();
                return [.. _calls.Select(c => c.ToSnapshot())];
            }
        }
    }

    /// <summary>Gets the webhooks sent that retention keeps (counted and aged as calls are), in order.</summary>
    public IReadOnlyList<FalWebhookDelivery> Webhooks
    {
        get
        {
            lock (_gate)
            {
                Trim();
                return [.. _webhooks.Sent];
            }
        }
    }

    /// <summary>Gets the key the simulator signs its webhooks with; its public half is served at <c>{rest}.well-known/jwks.json</c>.</summary>
    public FalWebhookSigningKey WebhookSigningKey => _webhooks.Key;

    /// <summary>Serves every request to <paramref name="appId"/> (and its sub-paths) with the same script.</summary>
    /// <param name="appId">The app id: <c>owner/alias</c>, optionally with a sub-path (<c>fal-ai/flux/dev</c>) or a namespace (<c>workflows/owner/alias</c>).</param>
    /// <param name="script">The script.</param>
    /// <returns>This simulator.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="script"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="appId"/> is not an app id.</exception>
    public FalSimulator MapApp(string appId, FalAppScript script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return MapApp(appId, _ => script);
    }

    /// <summary>
    /// Serves every request to <paramref name="appId"/> (and its sub-paths) with the script <paramref name="scriptFactory"/>
    /// makes from the call. The longest mapped app id that prefixes a request path wins; mapping an id again replaces it.
    /// </summary>
    /// <param name="appId">The app id, as for <see cref="MapApp(string, FalAppScript)"/>.</param>
    /// <param name="scriptFactory">Makes a script from the call; called outside the simulator's lock.</param>
    /// <returns>This simulator.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scriptFactory"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="appId"/> is not an app id.</exception>
    public FalSimulator MapApp(string appId, Func<FalAppCall, FalAppScript> scriptFactory)
    {
        ArgumentNullException.ThrowIfNull(appId);
        ArgumentNullException.ThrowIfNull(scriptFactory);
        var id = AppRegistry.NormalizeId(appId);
        lock (_gate)
        {
            _apps.Map(id, scriptFactory);
        }

        return this;
    }

    /// <summary>
    /// Accepts a temporary token issued elsewhere for the same model (the emulator's realtime host answers
    /// <c>POST {rest}tokens/</c>): from then on it stands in for the key it was issued with on HTTP calls too.
    /// Nothing happens when that key is refused.
    /// </summary>
    internal void AcceptToken(string? authorization, string token, IReadOnlyList<string> allowedApps, DateTimeOffset expiresAt)
    {
        if (_router.Keys.TryOwnerOfKey(authorization, out var owner))
        {
            _router.Keys.Tokens.Add(token, owner, allowedApps, expiresAt);
        }
    }

    /// <summary>Creates a handler that answers HTTP calls from this simulator, without a network.</summary>
    /// <returns>
    /// A handler that overrides both <c>Send</c> and <c>SendAsync</c>. With a zero <see cref="FalSimulatorOptions.Latency"/>,
    /// calls other than direct runs are answered synchronously. Calls to hosts the simulator does not serve are
    /// recorded and answered 404. A synchronous <c>Send</c> that must wait for scheduler time (a latency, a direct run)
    /// blocks until another thread advances the scheduler.
    /// </returns>
    public HttpMessageHandler CreateHandler() => new FalSimulatorHandler(this);

    /// <summary>Runs a change of the model under the lock, publishes the status changes, then runs the deferred work.</summary>
    private T Mutate<T>(Func<DeferredActions, T> change)
    {
        var deferred = new DeferredActions();
        T result;
        lock (_gate)
        {
            result = change(deferred);
            _statusStreams.PublishChanges(deferred);
            Trim();
        }

        deferred.Run();
        return result;
    }

    private void Mutate(Action<DeferredActions> change) => Mutate(deferred =>
    {
        change(deferred);
        return true;
    });

    /// <summary>Schedules a change of the model on the scheduler.</summary>
    private IDisposable After(TimeSpan dueTime, Action<DeferredActions> change) =>
        _scheduler.Schedule(dueTime, () => Mutate(change));

    private FalSimulatedRequest Snapshot(RequestRecord r) => new()
    {
        RequestId = r.Id,
        AppId = r.AppId,
        Path = r.Path,
        Kind = r.Kind,
        State = r.State,
        QueuePosition = _queue.PositionOf(r),
        SubmittedAt = r.SubmittedAt,
        StartedAt = r.StartedAt,
        CompletedAt = r.CompletedAt,
        ResultStatusCode = r.Outcome?.StatusCode,
        Priority = r.LowPriority ? "low" : "normal",
        Hint = r.Hint,
        WebhookUrl = r.WebhookUrl,
        StartTimeout = r.StartTimeout,
        ObjectLifecycle = r.ObjectLifecycle,
        Input = r.Input,
        CancelRequested = r.CancelRequested,
    };
}
