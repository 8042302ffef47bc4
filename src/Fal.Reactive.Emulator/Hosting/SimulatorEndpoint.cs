using System.Text.Json;
using Fal.Reactive.Testing;
using Microsoft.AspNetCore.Http.Features;

namespace Fal.Reactive.Emulator.Hosting;

/// <summary>
/// The thin adapter between Kestrel and the simulator: HttpContext → simulator request, simulator answer →
/// response (event streams flushed event by event). The emulator's own paths under <c>/_emulator/</c> are served here too.
/// </summary>
internal sealed class SimulatorEndpoint(FalSimulator simulator, FalEmulatorUrls urls, IReadOnlyCollection<string>? keys)
{
    private readonly HashSet<string>? _keys = keys is null ? null : new(keys, StringComparer.Ordinal);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Path.StartsWithSegments("/_emulator", out var rest))
        {
            await ControlEndpoints.HandleAsync(context, simulator, rest, _keys).ConfigureAwait(false);
            return;
        }

        Uri target;
        if (request.Headers["x-fal-target-url"] is [{ Length: > 0 } targetHeader, ..])
        {
            if (TargetUrl.Map(targetHeader, urls) is not { } mapped)
            {
                await WriteDetailAsync(context, 400, "Invalid x-fal-target-url: expected a fal.run, queue.fal.run, rest.fal.ai or v3.fal.media URL.").ConfigureAwait(false);
                return;
            }

            target = mapped;
        }
        else
        {
            // Rebased on the emulator's own origin: the Host header (localhost, 127.0.0.1) does not matter.
            target = new Uri(urls.Base, request.Path.ToUriComponent().TrimStart('/') + request.QueryString.ToUriComponent());
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.ToString();
        }

        var method = request.Method.ToUpperInvariant();
        byte[] body = [];
        // Refused on its headers (a missing or wrong key, no such endpoint): answered before a byte of the body is read,
        // so an unauthenticated caller cannot make the emulator hold up to MaxRequestBodySize per connection.
        if (!simulator.RefusesUnread(new SimulatorHttpRequest(method, target, headers, body)))
        {
            using var buffer = new MemoryStream();
            // Grows with what arrives: an announced Content-Length reserves nothing.
            await request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            body = buffer.ToArray();
        }

        // RequestAborted reaches the simulator: a client that vanishes mid-run abandons the run.
        var answer = await simulator.SendAsync(new SimulatorHttpRequest(method, target, headers, body), context.RequestAborted).ConfigureAwait(false);
        await WriteAsync(context, answer).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext context, SimulatorHttpResponse answer)
    {
        if (answer.DropConnection)
        {
            context.Abort();
            return;
        }

        var response = context.Response;
        response.StatusCode = answer.StatusCode;
        foreach (var (name, value) in answer.Headers)
        {
            response.Headers.Append(name, value);
        }

        if (answer.ContentType is not null)
        {
            response.ContentType = answer.ContentType;
        }

        if (answer.Events is not { } events)
        {
            await response.Body.WriteAsync(answer.Body, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        await using (events.ConfigureAwait(false))
        {
            response.Headers.CacheControl = "no-cache";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await response.StartAsync(context.RequestAborted).ConfigureAwait(false);
            var buffer = new byte[4096];
            int count;
            while ((count = await events.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                await response.Body.WriteAsync(buffer.AsMemory(0, count), context.RequestAborted).ConfigureAwait(false);
                await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }
    }

    internal static async Task WriteDetailAsync(HttpContext context, int statusCode, string detail)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, new Dictionary<string, string> { ["detail"] = detail }, cancellationToken: context.RequestAborted).ConfigureAwait(false);
    }
}
