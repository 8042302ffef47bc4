using System.Text.Json;

namespace Fal.Reactive;

/// <summary>fal's run host (<see cref="FalClientOptions.RunUrl"/>): direct runs and streaming runs, no queue.</summary>
internal sealed class RunEndpoint(FalTransport transport)
{
    private static readonly Func<FalAnswer, (string?, JsonElement?)> s_run = static a =>
    {
        var requestId = FalErrors.RequestIdOf(a.Response);
        return (requestId, FalWire.ParseResult(a.Body, requestId ?? "(direct run)"));
    };

    public FalClientOptions Options => transport.Options;

    /// <summary>A direct run, with the request id fal answers with. Retried as a submit: only when nothing was enqueued.</summary>
    public ValueTask<(string? RequestId, JsonElement? Result)> RunAsync(bool async, FalAppId app, byte[] input, FalCallHeaders headers, CancellationToken cancellationToken) =>
        transport.SendAsync(
            async,
            new FalCall<(string?, JsonElement?)>
            {
                Operation = "run",
                Method = HttpMethod.Post,
                Url = new Uri(Options.RunUrl, app.SubmitPath),
                Body = input,
                Headers = headers,
                Retry = FalRetryRule.NothingEnqueued,
                MaxBytes = Options.MaxResultBytes,
                Scheduler = Options.Scheduler,
                Parse = s_run,
            },
            cancellationToken);

    /// <summary>
    /// Opens a streaming run (<c>POST {run}/{app}/stream</c>, server-sent events) and returns the response
    /// once its headers arrived; the caller reads the events and disposes it.
    /// </summary>
    public Task<HttpResponseMessage> OpenStreamAsync(FalAppId app, byte[] input, FalCallHeaders headers, CancellationToken cancellationToken)
    {
        var path = app.SubmitPath.EndsWith("/stream", StringComparison.Ordinal) ? app.SubmitPath : app.SubmitPath + "/stream";
        return transport.OpenEventStreamAsync(
            new FalCall<FalStreamEvent>
            {
                Operation = "stream",
                Method = HttpMethod.Post,
                Url = new Uri(Options.RunUrl, path),
                Body = input,
                Headers = headers,
                Scheduler = Options.Scheduler,
            },
            cancellationToken);
    }
}
