using System.Net.Http.Json;
using System.Text.Json;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Support;
using Microsoft.Reactive.Testing;

namespace Fal.Reactive.Tests.Testing;

/// <summary>A simulator on a TestScheduler behind an HttpClient, with one-line helpers for the protocol calls.</summary>
internal sealed class SimulatorHarness : IDisposable
{
    public const string Key = "sim-test-key-0123456789";

    private readonly FalHarness _harness;

    public SimulatorHarness(FalSimulatorOptions? options = null) =>
        _harness = FalHarness.WithKey(Key).Simulator(options).KeyOnHttp().Build();

    public TestScheduler Scheduler => _harness.Scheduler;

    public FalSimulator Simulator => _harness.Simulator;

    public HttpClient Http => _harness.Http;

    public static Uri Queue(string path) => new("https://queue.fal.run/" + path);

    public void Advance(TimeSpan time) => _harness.Advance(time);

    public void AdvanceTo(TimeSpan time) => Scheduler.AdvanceTo(time.Ticks);

    public async Task<JsonElement> SubmitAsync(string app, object? input = null, Action<HttpRequestMessage>? configure = null)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, Queue(app), input ?? new { }, configure);
        status.Should().Be(200, body.ToString());
        return body;
    }

    public Task<(int Status, JsonElement Body)> StatusAsync(JsonElement submitted, bool logs = false) =>
        GetAsync(submitted.GetProperty("status_url").GetString() + (logs ? "?logs=1" : "?logs=0"));

    public Task<(int Status, JsonElement Body)> ResultAsync(JsonElement submitted) =>
        GetAsync(submitted.GetProperty("response_url").GetString()!);

    public Task<(int Status, JsonElement Body)> CancelAsync(JsonElement submitted) =>
        SendAsync(HttpMethod.Put, new Uri(submitted.GetProperty("cancel_url").GetString()!), null);

    public Task<(int Status, JsonElement Body)> GetAsync(string url) => SendAsync(HttpMethod.Get, new Uri(url), null);

    public async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, Uri url, object? input, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (input is not null)
        {
            request.Content = JsonContent.Create(input);
        }

        configure?.Invoke(request);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = response.Content.Headers.ContentType?.MediaType == "application/json" ? JsonDocument.Parse(text).RootElement.Clone() : default;
        return ((int)response.StatusCode, body);
    }

    public void Dispose() => _harness.Dispose();
}
