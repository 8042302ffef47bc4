using System.Net;
using System.Reactive.Concurrency;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;

namespace Fal.Reactive.Tests.Storage;

/// <summary>
/// A client on a <see cref="FalSimulator"/> for storage tests: small parts (so multipart runs on kilobytes), a tap in front of
/// the simulator that records what each call carried and can fail chosen calls, and the scheduler of the caller's choice.
/// </summary>
internal sealed class StorageHarness : IDisposable
{
    public const string Key = "storage-key-7e1d";

    private readonly FalHarness _harness;

    public StorageHarness(
        long multipartThreshold = 64 * 1024,
        int partSize = 16 * 1024,
        int maxConcurrentParts = 3,
        TimeSpan? latency = null,
        bool advancing = false,
        bool useCdnToken = true,
        TimeSpan? tokenLifetime = null)
    {
        _harness = FalHarness.WithKey(Key)
            .Simulator(new FalSimulatorOptions
            {
                Latency = latency ?? TimeSpan.Zero,
                StorageTokenLifetime = tokenLifetime ?? TimeSpan.FromHours(1),
            })
            .Handler(inner => Tap = new StorageTap(inner))
            .Advancing(advancing)
            .Client(o =>
            {
                o.Retry = new FalRetryOptions { MaxRetries = 2, Delay = TimeSpan.FromSeconds(1) };
                o.Storage = new FalStorageOptions
                {
                    MultipartThreshold = multipartThreshold,
                    PartSize = partSize,
                    MaxConcurrentParts = maxConcurrentParts,
                    UseCdnToken = useCdnToken,
                };
            })
            .Build();
    }

    public TestScheduler Scheduler => _harness.Scheduler;

    public FalSimulator Simulator => _harness.Simulator;

    public StorageTap Tap { get; private set; } = null!;

    public HttpClient Http => _harness.Http;

    public FalClient Client => _harness.Client;

    public FalStorage Storage => Client.Storage;

    public static byte[] Bytes(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 7 + i / 256))];

    public IReadOnlyList<FalCallKind> Kinds() => [.. Simulator.Calls.Select(c => c.Kind)];

    public FalSimulatedFile File(Uri url) =>
        Simulator.TryGetFile(url, out var file) ? file : throw new InvalidOperationException($"No file at {url}.");

    /// <summary>Advances virtual time in steps until the task ends (bounded: a stuck upload fails the test, it does not hang it).</summary>
    public async Task<T> RunAsync<T>(Task<T> task, TimeSpan step, int maxSteps = 1000)
    {
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            Scheduler.AdvanceBy(step.Ticks);
        }

        task.IsCompleted.Should().BeTrue("the upload finishes within {0} steps of virtual time", maxSteps);
        return await task;
    }

    public static HttpResponseMessage Status(HttpStatusCode status) => new(status) { Content = new StringContent("{\"detail\":\"tap\"}") };

    public void Dispose() => _harness.Dispose();
}

/// <summary>Records each call's URL and headers, counts parts in flight, and answers the calls <see cref="Answer"/> picks itself.</summary>
internal sealed class StorageTap(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly object _gate = new();
    private int _inFlight;

    public List<(HttpMethod Method, Uri Url, string? Authorization, Dictionary<string, string> Headers)> Sent { get; } = [];

    /// <summary>Gets or sets a function that answers a call instead of the simulator (returning null lets it through).</summary>
    public Func<HttpRequestMessage, HttpResponseMessage?>? Answer { get; set; }

    public int MaxPartsInFlight { get; private set; }

    /// <summary>Gets the CDN tokens the simulator issued, in order.</summary>
    public List<string> IssuedTokens { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        lock (_gate)
        {
            Sent.Add((request.Method, request.RequestUri!, headers.GetValueOrDefault("Authorization"), headers));
        }

        if (Answer?.Invoke(request) is { } answer)
        {
            answer.RequestMessage = request;
            return answer;
        }

        var part = request.Method == HttpMethod.Put && request.RequestUri!.AbsolutePath.Contains("/multipart/", StringComparison.Ordinal);
        if (part)
        {
            lock (_gate)
            {
                MaxPartsInFlight = Math.Max(MaxPartsInFlight, ++_inFlight);
            }
        }

        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (request.RequestUri!.AbsolutePath.EndsWith("/storage/auth/token", StringComparison.Ordinal) && response.IsSuccessStatusCode)
            {
                // The simulator's tokens are random: tests compare what the client sends with what it was issued.
                await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
                using var issued = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
                lock (_gate)
                {
                    IssuedTokens.Add(issued.RootElement.GetProperty("token").GetString()!);
                }
            }

            return response;
        }
        finally
        {
            if (part)
            {
                lock (_gate)
                {
                    _inFlight--;
                }
            }
        }
    }
}
