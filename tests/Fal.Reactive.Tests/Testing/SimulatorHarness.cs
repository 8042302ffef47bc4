using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fal.Reactive.Testing;
using Microsoft.Reactive.Testing;

namespace Fal.Reactive.Tests.Testing;

/// <summary>A simulator on a TestScheduler behind an HttpClient, with one-line helpers for the protocol calls.</summary>
internal sealed class SimulatorHarness : IDisposable
{
    public const string Key = "sim-test-key-0123456789";

    public SimulatorHarness(FalSimulatorOptions? options = null)
    {
        Simulator = new FalSimulator(Scheduler, options);
        Http = new HttpClient(Simulator.CreateHandler());
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Key", Key);
    }

    public TestScheduler Scheduler { get; } = new();

    public FalSimulator Simulator { get; }

    public HttpClient Http { get; }

    public static Uri Queue(string path) => new("https://queue.fal.run/" + path);

    public void Advance(TimeSpan time) => Scheduler.AdvanceBy(time.Ticks);

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

    public void Dispose() => Http.Dispose();
}
