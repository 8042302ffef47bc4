using System.Diagnostics;

namespace Fal.Reactive.Testing;

// Serving one HTTP call: the router says what it is, the facade takes the lock and hands it to the model, the
// answer shapes come from Routing/. Nothing here holds state of its own.
public sealed partial class FalSimulator
{
    /// <summary>
    /// Answers one HTTP call. The call is processed when it arrives; its answer is delivered
    /// <see cref="FalSimulatorOptions.Latency"/> later on the scheduler (at once when zero). A direct run is
    /// answered when it finishes; cancelling <paramref name="cancellationToken"/> before that abandons it.
    /// </summary>
    internal Task<SimulatorHttpResponse> SendAsync(SimulatorHttpRequest request, CancellationToken cancellationToken)
    {
        var route = _router.Route(request);
        var call = new CallRecord(_scheduler.Now, request.Method, request.Url, !string.IsNullOrEmpty(request.Header("Authorization")))
        {
            Kind = route.Kind,
        };
        lock (_gate)
        {
            _calls.Enqueue(call);
            Trim();
        }

        var answer = route.Rejection is { } rejection ? Task.FromResult(rejection) : Serve(request, call, route, cancellationToken);
        return _delivery.Deliver(call, answer);
    }

    /// <summary>
    /// Whether the call would be refused on its method, URL and headers alone (no key, a wrong key, no endpoint): a host
    /// then answers it through <see cref="SendAsync"/> with an empty body instead of reading the body first.
    /// </summary>
    internal bool RefusesUnread(SimulatorHttpRequest request) => _router.Route(request).Rejection is not null;

    private Task<SimulatorHttpResponse> Serve(SimulatorHttpRequest request, CallRecord call, RoutedCall route, CancellationToken cancellationToken)
    {
        var segments = route.Segments;
        return call.Kind switch
        {
            FalCallKind.Submit or FalCallKind.Run or FalCallKind.Stream => Invoke(request, call, route, cancellationToken),
            FalCallKind.Status or FalCallKind.StatusStream or FalCallKind.Result or FalCallKind.Cancel =>
                Task.FromResult(Mutate(d => Address(request, call, route, d))),
            FalCallKind.UploadInitiate => Locked(now => StorageCalls.InitiateUpload(_files, request, now)),
            FalCallKind.MultipartInitiate => Locked(now => StorageCalls.InitiateUpload(_files, request, now, multipart: true)),
            FalCallKind.UploadPut => Locked(now => StorageCalls.PutUpload(_files, request, segments, now)),
            FalCallKind.StorageToken => Locked(now => StorageCalls.IssueToken(_files, _cdnTokens, now)),
            FalCallKind.CdnUpload => Locked(now => StorageCalls.UploadToCdn(_files, _cdnTokens, request, now)),
            FalCallKind.CdnMultipartCreate => Locked(now => MultipartCalls.Create(_files, _cdnTokens, request, now)),
            FalCallKind.MultipartPart => Locked(_ => MultipartCalls.PutPart(_files, request, segments)),
            FalCallKind.MultipartComplete => Locked(now => MultipartCalls.Complete(_files, request, segments, now)),
            FalCallKind.File => Locked(now => StorageCalls.GetFile(_files, segments, now)),
            FalCallKind.Jwks => Task.FromResult(_webhooks.Jwks()),
            FalCallKind.TemporaryToken => Task.FromResult(TokenCalls.Issue(_router.Keys, request, route.Owner)),
            FalCallKind.RequestListing => RequestListingAvailable
                ? Locked(now => RequestListing.Answer(_queue.Requests, request, route.Owner, now))
                : Task.FromResult(SimulatorHttpResponse.Detail(503, "The request listing is unavailable.")),
            _ => throw new UnreachableException($"The router refuses {call.Kind} calls."),
        };
    }

    private Task<SimulatorHttpResponse> Locked(Func<DateTimeOffset, SimulatorHttpResponse> serve)
    {
        lock (_gate)
        {
            var answer = serve(_scheduler.Now);
            Trim();
            return Task.FromResult(answer);
        }
    }

    /// <summary>Submit, run and stream: parse the call, make the script (outside the lock), then enqueue or start.</summary>
    private Task<SimulatorHttpResponse> Invoke(SimulatorHttpRequest request, CallRecord call, RoutedCall route, CancellationToken cancellationToken)
    {
        var segments = route.Segments;
        if (!CallInput.TryParse(request.Body, out var input))
        {
            return Task.FromResult(CallInput.InvalidJson());
        }

        if (QueueHeaders.Parse(request, call.Kind, out var headerError) is not { } headers)
        {
            return Task.FromResult(SimulatorHttpResponse.Detail(400, headerError));
        }

        Func<FalAppCall, FalAppScript>? factory;
        string appId;
        lock (_gate)
        {
            factory = _apps.Match(segments, out appId);
        }

        if (factory is null)
        {
            return Task.FromResult(QueueAnswers.AppNotFound(segments));
        }

        var appCall = AppCalls.Create(appId, segments, call.Kind, input, request.Headers);
        var script = factory(appCall) ?? throw new InvalidOperationException($"The script factory of '{appId}' returned null.");

        var answer = new TaskCompletionSource<SimulatorHttpResponse>();
        var record = Mutate(d =>
        {
            if (_faults.NextBodyFault(script, call.Kind, string.Join('/', segments), request.Body.Span) is { } fault)
            {
                answer.SetResult(FaultAnswers.Answer(fault));
                return null;
            }

            var record = new RequestRecord
            {
                Id = _queue.NewRequestId(),
                AppId = appId,
                Path = appCall.Path,
                OwnerAlias = AppPath.OwnerAlias(segments),
                Owner = route.Owner,
                Kind = appCall.Kind,
                Script = script,
                Input = input,
                LowPriority = headers.LowPriority,
                Hint = headers.Hint,
                WebhookUrl = headers.Webhook,
                StartTimeout = headers.StartTimeout,
                ObjectLifecycle = ObjectLifecycle.Of(request),
                SubmittedAt = _scheduler.Now,
            };
            call.RequestId = record.Id;
            if (appCall.Kind == FalSimulatedRequestKind.Queue)
            {
                _queue.Enqueue(record, d);
                answer.SetResult(QueueAnswers.Submitted(_hosts.Queue, record, _queue.PositionOf(record) ?? 0));
            }
            else
            {
                StartDirect(record, answer, d);
            }

            return record;
        });

        if (record is not null && !answer.Task.IsCompleted && cancellationToken.CanBeCanceled)
        {
            // The client went away before the answer: the run stops, as fal cancels a dropped direct call.
            var registration = cancellationToken.Register(() =>
            {
                answer.TrySetCanceled(cancellationToken);
                Mutate(d => _queue.Abandon(record, d));
            });
            answer.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return answer.Task;
    }

    /// <summary>A direct call: a succeeding stream answers its event stream at once; anything else answers when it finishes.</summary>
    private void StartDirect(RequestRecord record, TaskCompletionSource<SimulatorHttpResponse> answer, DeferredActions deferred)
    {
        if (record.Kind == FalSimulatedRequestKind.Stream && record.Script.IsSuccess)
        {
            // A failing stream answers its error as JSON when it fails.
            var stream = new SimulatorEventStream();
            stream.OnClosed(() => Mutate(d => _queue.Abandon(record, d)));
            record.OutputStream = stream;
            answer.SetResult(SimulatorHttpResponse.EventStream(stream).WithHeader(QueueAnswers.RequestIdHeader, record.Id));
        }
        else
        {
            record.OnFinished = d =>
            {
                var response = QueueAnswers.Result(record);
                d.Add(() => answer.TrySetResult(response));
            };
        }

        _queue.StartDirect(record, deferred);
    }

    /// <summary>
    /// Status, status stream, result and cancel: calls that address an existing queue request. Another key's request
    /// is answered as an unknown one (404): its existence is not revealed either.
    /// </summary>
    private SimulatorHttpResponse Address(SimulatorHttpRequest request, CallRecord call, RoutedCall route, DeferredActions deferred)
    {
        var segments = route.Segments;
        var id = segments[AppPath.OwnerAliasLength(segments) + 1];
        if (!_queue.TryGet(id, out var record) || record.Kind != FalSimulatedRequestKind.Queue
            || record.OwnerAlias != AppPath.OwnerAlias(segments) || record.Owner != route.Owner)
        {
            return QueueAnswers.RequestNotFound(id, call.Kind);
        }

        call.RequestId = record.Id;
        if (FaultCounter.NextRequestFault(record, call.Kind) is { } fault)
        {
            return FaultAnswers.Answer(fault);
        }

        var withLogs = QueueHeaders.LogsRequested(request.Url);
        switch (call.Kind)
        {
            case FalCallKind.Status:
                return StatusAnswers.Polled(_hosts.Queue, record, _queue.PositionOf(record), withLogs);
            case FalCallKind.StatusStream:
                var listener = _statusStreams.Open(record, withLogs);
                listener.Stream.OnClosed(() => Mutate(_ => _statusStreams.Close(listener)));
                return SimulatorHttpResponse.EventStream(listener.Stream).WithHeader(QueueAnswers.RequestIdHeader, record.Id);
            case FalCallKind.Result:
                return QueueAnswers.Result(record);
            default:
                var (statusCode, status) = _queue.Cancel(record, deferred);
                return QueueAnswers.Cancel(record, statusCode, status);
        }
    }
}
