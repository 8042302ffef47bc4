using System.Globalization;
using System.Reactive.Concurrency;
using System.Text;
using System.Text.Json;
using System.Web;
using Fal.Reactive.Testing.Internal;

namespace Fal.Reactive.Testing;

// The HTTP face of the simulator: routing, authentication, the queue, run and status endpoints, faults, latency.
public sealed partial class FalSimulator
{
    /// <summary>
    /// Answers one HTTP call. The call is processed when it arrives; its answer is delivered
    /// <see cref="FalSimulatorOptions.Latency"/> later on the scheduler (at once when zero). A direct run is
    /// answered when it finishes; cancelling <paramref name="cancellationToken"/> before that abandons it.
    /// </summary>
    internal Task<SimulatorHttpResponse> SendAsync(SimulatorHttpRequest request, CancellationToken cancellationToken)
    {
        var (host, segments) = Locate(request.Url);
        var kind = Classify(host, request.Method, segments);
        var call = new CallRecord(_scheduler.Now, request.Method, request.Url, !string.IsNullOrEmpty(request.Header("Authorization")))
        {
            Kind = kind,
        };
        lock (_gate)
        {
            _calls.Add(call);
        }

        return Deliver(call, Route(request, call, segments, cancellationToken));
    }

    private Task<SimulatorHttpResponse> Route(SimulatorHttpRequest request, CallRecord call, string[] segments, CancellationToken cancellationToken)
    {
        if (RequiresKey(call.Kind) && Authorize(request) is { } unauthorized)
        {
            return Task.FromResult(unauthorized);
        }

        return call.Kind switch
        {
            FalCallKind.Submit or FalCallKind.Run or FalCallKind.Stream => Invoke(request, call, segments, cancellationToken),
            FalCallKind.Status or FalCallKind.StatusStream or FalCallKind.Result or FalCallKind.Cancel =>
                Task.FromResult(Mutate(d => Address(request, call, segments, d))),
            FalCallKind.UploadInitiate => Task.FromResult(InitiateUpload(request)),
            FalCallKind.UploadPut => Task.FromResult(PutUpload(request, segments)),
            FalCallKind.StorageToken => Task.FromResult(IssueStorageToken()),
            FalCallKind.CdnUpload => Task.FromResult(string.IsNullOrWhiteSpace(request.Header("Authorization"))
                ? SimulatorHttpResponse.Detail(401, "Missing authorization header.")
                : UploadToCdn(request)),
            FalCallKind.File => Task.FromResult(GetFile(segments)),
            _ => Task.FromResult(SimulatorHttpResponse.Detail(404, $"Path /{string.Join('/', segments)} not found")),
        };
    }

    private (Uri? Host, string[] Segments) Locate(Uri url)
    {
        var left = url.GetLeftPart(UriPartial.Path);
        Uri? host = null;
        foreach (var candidate in (ReadOnlySpan<Uri>)[_queueUrl, _runUrl, _restUrl, _cdnUrl])
        {
            // Longest prefix wins: the emulator serves the run host under the queue host's root.
            if (left.StartsWith(candidate.AbsoluteUri, StringComparison.OrdinalIgnoreCase)
                && (host is null || candidate.AbsoluteUri.Length > host.AbsoluteUri.Length))
            {
                host = candidate;
            }
        }

        if (host is null)
        {
            return (null, left.Split('/', StringSplitOptions.RemoveEmptyEntries)[2..]);
        }

        // Empty segments are dropped, so trailing slashes (the fal SDK sends them) are accepted.
        var segments = left[host.AbsoluteUri.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        return (host, [.. segments.Select(Uri.UnescapeDataString)]);
    }

    private FalCallKind Classify(Uri? host, string method, string[] s)
    {
        if (host == _queueUrl)
        {
            var n = OwnerAliasLength(s);
            if (s.Length >= n + 2 && s[n] == "requests")
            {
                return (method, s.Length - n - 2) switch
                {
                    ("GET", 0) => FalCallKind.Result,
                    ("GET", 1) when s[^1] == "status" => FalCallKind.Status,
                    ("GET", 2) when s[^2] == "status" && s[^1] == "stream" => FalCallKind.StatusStream,
                    ("PUT", 1) when s[^1] == "cancel" => FalCallKind.Cancel,
                    _ => FalCallKind.Unknown,
                };
            }

            return method == "POST" && s.Length >= n ? FalCallKind.Submit : FalCallKind.Unknown;
        }

        if (host == _runUrl)
        {
            return method != "POST" || s.Length < OwnerAliasLength(s) ? FalCallKind.Unknown
                : s[^1] == "stream" ? FalCallKind.Stream
                : FalCallKind.Run;
        }

        if (host == _restUrl)
        {
            return (method, string.Join('/', s)) switch
            {
                ("POST", "storage/upload/initiate") => FalCallKind.UploadInitiate,
                ("POST", "storage/auth/token") => FalCallKind.StorageToken,
                _ => FalCallKind.Unknown,
            };
        }

        if (host == _cdnUrl)
        {
            return (method, s) switch
            {
                ("PUT", ["upload", _]) => FalCallKind.UploadPut,
                ("POST", ["files", "upload"]) => FalCallKind.CdnUpload,
                ("GET", ["files", _, ..]) => FalCallKind.File,
                _ => FalCallKind.Unknown,
            };
        }

        return FalCallKind.Unknown;
    }

    private static bool RequiresKey(FalCallKind kind) => kind is not (FalCallKind.Unknown or FalCallKind.UploadPut or FalCallKind.File or FalCallKind.CdnUpload);

    private SimulatorHttpResponse? Authorize(SimulatorHttpRequest request)
    {
        var header = request.Header("Authorization");
        if (string.IsNullOrWhiteSpace(header))
        {
            return SimulatorHttpResponse.Detail(401, "Missing credentials: send 'Authorization: Key <FAL_KEY>'.");
        }

        var key = header.StartsWith("Key ", StringComparison.OrdinalIgnoreCase) ? header[4..].Trim() : string.Empty;
        if (key.Length == 0)
        {
            return SimulatorHttpResponse.Detail(401, "Invalid authorization header: expected 'Key <FAL_KEY>'.");
        }

        // The key itself is never echoed, logged or recorded.
        return _acceptedKeys is null || _acceptedKeys.Contains(key) ? null : SimulatorHttpResponse.Detail(401, "Invalid API key.");
    }

    /// <summary>Submit, run and stream: parse the call, make the script (outside the lock), then enqueue or start.</summary>
    private Task<SimulatorHttpResponse> Invoke(SimulatorHttpRequest request, CallRecord call, string[] segments, CancellationToken cancellationToken)
    {
        if (!TryParseInput(request.Body, out var input))
        {
            return Task.FromResult(SimulatorHttpResponse.Json(422, SimulatorJson.WriteObject(w =>
            {
                w.WriteStartArray("detail");
                w.WriteStartObject();
                w.WriteStartArray("loc");
                w.WriteStringValue("body");
                w.WriteEndArray();
                w.WriteString("msg", "Invalid JSON body");
                w.WriteString("type", "value_error.jsondecode");
                w.WriteEndObject();
                w.WriteEndArray();
            })));
        }

        if (ParseQueueHeaders(request, call.Kind, out var headerError) is not { } headers)
        {
            return Task.FromResult(SimulatorHttpResponse.Detail(400, headerError));
        }

        Func<FalAppCall, FalAppScript>? factory;
        string appId;
        lock (_gate)
        {
            factory = MatchApp(segments, out appId);
        }

        if (factory is null)
        {
            return Task.FromResult(SimulatorHttpResponse.Detail(404, $"Application '{string.Join('/', segments.Take(OwnerAliasLength(segments)))}' not found"));
        }

        var appSegmentCount = appId.Split('/').Length;
        var path = segments.Length > appSegmentCount ? "/" + string.Join('/', segments[appSegmentCount..]) : string.Empty;
        var requestKind = call.Kind switch
        {
            FalCallKind.Submit => FalSimulatedRequestKind.Queue,
            FalCallKind.Stream => FalSimulatedRequestKind.Stream,
            _ => FalSimulatedRequestKind.Run,
        };
        var visibleHeaders = request.Headers
            .Where(h => !h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        var script = factory(new FalAppCall(appId, path, requestKind, input, visibleHeaders))
            ?? throw new InvalidOperationException($"The script factory of '{appId}' returned null.");

        var answer = new TaskCompletionSource<SimulatorHttpResponse>();
        var record = Mutate(d =>
        {
            if (BodyFault(script, call.Kind, request, segments) is { } fault)
            {
                answer.SetResult(fault);
                return null;
            }

            var ownerAliasLength = OwnerAliasLength(segments);
            var record = new RequestRecord
            {
                Id = NewRequestId(),
                AppId = appId,
                Path = path,
                OwnerAlias = string.Join('/', segments.Take(ownerAliasLength)),
                Kind = requestKind,
                Script = script,
                Input = input,
                LowPriority = headers.LowPriority,
                Hint = headers.Hint,
                WebhookUrl = headers.Webhook,
                StartTimeout = headers.StartTimeout,
                SubmittedAt = _scheduler.Now,
            };
            call.RequestId = record.Id;
            if (requestKind == FalSimulatedRequestKind.Queue)
            {
                Enqueue(record, d);
                answer.SetResult(SubmitResponse(record));
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
                Mutate(d => Abandon(record, d));
            });
            answer.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return answer.Task;
    }

    private void StartDirect(RequestRecord record, TaskCompletionSource<SimulatorHttpResponse> answer, DeferredActions deferred)
    {
        AddRecord(record);
        record.State = FalSimulatedRequestState.Running;
        if (record.Kind == FalSimulatedRequestKind.Stream && record.Script.IsSuccess)
        {
            // A succeeding stream answers at once; a failing one answers its error as JSON when it fails.
            var stream = new SimulatorEventStream();
            stream.OnClosed(() => Mutate(d => Abandon(record, d)));
            record.OutputStream = stream;
            answer.SetResult(SimulatorHttpResponse.EventStream(stream).WithHeader("x-fal-request-id", record.Id));
        }
        else
        {
            record.OnFinished = d =>
            {
                var response = ResultResponse(record);
                d.Add(() => answer.TrySetResult(response));
            };
        }

        Start(record, deferred);
    }

    private SimulatorHttpResponse SubmitResponse(RequestRecord record)
    {
        var responseUrl = ResponseUrl(record).AbsoluteUri;
        var body = SimulatorJson.WriteObject(w =>
        {
            w.WriteString("status", "IN_QUEUE");
            w.WriteString("request_id", record.Id);
            w.WriteString("response_url", responseUrl);
            w.WriteString("status_url", responseUrl + "/status");
            w.WriteString("cancel_url", responseUrl + "/cancel");
            w.WriteNumber("queue_position", Math.Max(0, _queue.IndexOf(record)));
            if (record.WebhookUrl is not null)
            {
                w.WriteString("gateway_request_id", record.Id);
            }
        });
        return SimulatorHttpResponse.Json(200, body).WithHeader("x-fal-request-id", record.Id);
    }

    /// <summary>Status, status stream, result and cancel: calls that address an existing queue request.</summary>
    private SimulatorHttpResponse Address(SimulatorHttpRequest request, CallRecord call, string[] s, DeferredActions deferred)
    {
        var n = OwnerAliasLength(s);
        var ownerAlias = string.Join('/', s.Take(n));
        var id = s[n + 1];
        if (!_requestsById.TryGetValue(id, out var record) || record.Kind != FalSimulatedRequestKind.Queue || record.OwnerAlias != ownerAlias)
        {
            return call.Kind == FalCallKind.Cancel
                ? SimulatorHttpResponse.Json(404, SimulatorJson.WriteObject(w =>
                {
                    w.WriteString("status", "NOT_FOUND");
                    w.WriteString("detail", $"Request {id} not found");
                }))
                : SimulatorHttpResponse.Detail(404, $"Request {id} not found");
        }

        call.RequestId = record.Id;
        if (RequestFault(record, call.Kind) is { } fault)
        {
            return fault;
        }

        var withLogs = LogsRequested(request.Url);
        switch (call.Kind)
        {
            case FalCallKind.Status:
                return SimulatorHttpResponse.Json(StatusCodeOf(record), StatusBody(record, withLogs)).WithHeader("x-fal-request-id", record.Id);
            case FalCallKind.StatusStream:
                return SimulatorHttpResponse.EventStream(OpenStatusStream(record, withLogs)).WithHeader("x-fal-request-id", record.Id);
            case FalCallKind.Result:
                return ResultResponse(record);
            default:
                var (statusCode, status) = Cancel(record, deferred);
                return SimulatorHttpResponse.Json(statusCode, SimulatorJson.WriteObject(w => w.WriteString("status", status)))
                    .WithHeader("x-fal-request-id", record.Id);
        }
    }

    /// <summary>The app's status, headers and body once finished; 400 before.</summary>
    private static SimulatorHttpResponse ResultResponse(RequestRecord record)
    {
        if (record.Outcome is not { } outcome)
        {
            return SimulatorHttpResponse.Detail(400, "Request is still in progress").WithHeader("x-fal-request-id", record.Id);
        }

        var response = SimulatorHttpResponse.Json(outcome.StatusCode, outcome.Body).WithHeader("x-fal-request-id", record.Id);
        foreach (var header in outcome.Headers)
        {
            response.WithHeader(header.Key, header.Value);
        }

        return response;
    }

    private Func<FalAppCall, FalAppScript>? MatchApp(string[] segments, out string appId)
    {
        for (var length = segments.Length; length >= OwnerAliasLength(segments); length--)
        {
            var candidate = string.Join('/', segments.Take(length));
            if (_apps.TryGetValue(candidate, out var factory))
            {
                appId = candidate;
                return factory;
            }
        }

        appId = string.Empty;
        return null;
    }

    private string NewRequestId()
    {
        // Deterministic, UUID-shaped: the same script gives the same ids, run after run.
        var n = ++_requestCount;
        return string.Create(CultureInfo.InvariantCulture, $"{n:x8}-5f1a-4000-8000-{n:x12}");
    }

    private static bool TryParseInput(ReadOnlyMemory<byte> body, out JsonElement input)
    {
        if (body.IsEmpty)
        {
            input = SimulatorJson.EmptyObject;
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            input = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            input = default;
            return false;
        }
    }

    private static bool LogsRequested(Uri url) =>
        HttpUtility.ParseQueryString(url.Query)["logs"] is { } logs
        && (logs == "1" || logs.Equals("true", StringComparison.OrdinalIgnoreCase));

    private sealed record QueueHeaders(bool LowPriority, string? Hint, TimeSpan? StartTimeout, Uri? Webhook);

    /// <summary>Reads X-Fal-Queue-Priority, X-Fal-Runner-Hint, X-Fal-Request-Timeout and fal_webhook; null (and why) when one is invalid.</summary>
    private static QueueHeaders? ParseQueueHeaders(SimulatorHttpRequest request, FalCallKind kind, out string error)
    {
        error = string.Empty;
        var priority = request.Header("X-Fal-Queue-Priority")?.Trim();
        var lowPriority = "low".Equals(priority, StringComparison.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(priority) && !lowPriority && !priority.Equals("normal", StringComparison.OrdinalIgnoreCase))
        {
            error = "Invalid X-Fal-Queue-Priority: expected 'normal' or 'low'.";
            return null;
        }

        TimeSpan? startTimeout = null;
        if (request.Header("X-Fal-Request-Timeout") is { } timeoutText)
        {
            if (!double.TryParse(timeoutText, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0 || seconds > 1e9)
            {
                error = "Invalid X-Fal-Request-Timeout: expected a positive number of seconds.";
                return null;
            }

            startTimeout = TimeSpan.FromSeconds(seconds);
        }

        Uri? webhook = null;
        if (kind == FalCallKind.Submit && HttpUtility.ParseQueryString(request.Url.Query)["fal_webhook"] is { } webhookText
            && !Uri.TryCreate(webhookText, UriKind.Absolute, out webhook))
        {
            error = "Invalid fal_webhook: expected an absolute URL.";
            return null;
        }

        return new QueueHeaders(lowPriority, request.Header("X-Fal-Runner-Hint"), startTimeout, webhook);
    }

    /// <summary>A scripted fault for submit, run or stream: counted per app path and body.</summary>
    private SimulatorHttpResponse? BodyFault(FalAppScript script, FalCallKind kind, SimulatorHttpRequest request, string[] segments)
    {
        foreach (var fault in script.Faults)
        {
            if (fault.Kind != kind)
            {
                continue;
            }

            var key = $"{kind}|{string.Join('/', segments)}|{Encoding.UTF8.GetString(request.Body.Span)}";
            _faultsAnsweredByBody.TryGetValue(key, out var answered);
            if (answered < fault.Count)
            {
                _faultsAnsweredByBody[key] = answered + 1;
                return FaultResponse(fault);
            }
        }

        return null;
    }

    /// <summary>A scripted fault for status, status stream, result or cancel: counted per request.</summary>
    private static SimulatorHttpResponse? RequestFault(RequestRecord record, FalCallKind kind)
    {
        foreach (var fault in record.Script.Faults)
        {
            if (fault.Kind != kind)
            {
                continue;
            }

            record.FaultsAnswered.TryGetValue(kind, out var answered);
            if (answered < fault.Count)
            {
                record.FaultsAnswered[kind] = answered + 1;
                return FaultResponse(fault);
            }
        }

        return null;
    }

    private static SimulatorHttpResponse FaultResponse(ScriptFault fault)
    {
        if (fault.DropConnection)
        {
            return SimulatorHttpResponse.Dropped();
        }

        var code = fault.StatusCode.ToString(CultureInfo.InvariantCulture);
        // 502/503/504 look like an ingress error: HTML from nginx, no x-fal-request-id.
        var response = fault.StatusCode is 502 or 503 or 504
            ? SimulatorHttpResponse.Bytes(fault.StatusCode, "text/html", Encoding.UTF8.GetBytes(
                $"<html>\r\n<head><title>{code} Service Unavailable</title></head>\r\n<body>\r\n<center><h1>{code}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"))
            : SimulatorHttpResponse.Detail(fault.StatusCode, $"Simulated transient failure ({code}).");
        if (fault.RetryAfter is { } retryAfter)
        {
            response.WithHeader("Retry-After", ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        }

        return response;
    }

    private Task<SimulatorHttpResponse> Deliver(CallRecord call, Task<SimulatorHttpResponse> answer)
    {
        if (answer.IsCompleted)
        {
            RecordAnswer(call, answer);
            return _latency == TimeSpan.Zero ? answer : Delay(answer);
        }

        var delivered = new TaskCompletionSource<SimulatorHttpResponse>();
        answer.ContinueWith(
            done =>
            {
                RecordAnswer(call, done);
                if (_latency == TimeSpan.Zero)
                {
                    Forward(done, delivered);
                }
                else
                {
                    _scheduler.Schedule(_latency, () => Inline.Run(() => Forward(done, delivered)));
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return delivered.Task;
    }

    private Task<SimulatorHttpResponse> Delay(Task<SimulatorHttpResponse> done)
    {
        var delivered = new TaskCompletionSource<SimulatorHttpResponse>();
        _scheduler.Schedule(_latency, () => Inline.Run(() => Forward(done, delivered)));
        return delivered.Task;
    }

    private static void Forward(Task<SimulatorHttpResponse> from, TaskCompletionSource<SimulatorHttpResponse> to)
    {
        if (from.IsCanceled)
        {
            to.TrySetCanceled();
        }
        else if (from.Exception is { } exception)
        {
            to.TrySetException(exception.InnerExceptions);
        }
        else
        {
            to.TrySetResult(from.Result);
        }
    }

    private void RecordAnswer(CallRecord call, Task<SimulatorHttpResponse> answer)
    {
        lock (_gate)
        {
            call.StatusCode = answer.IsCompletedSuccessfully && !answer.Result.DropConnection ? answer.Result.StatusCode : null;
        }
    }
}
