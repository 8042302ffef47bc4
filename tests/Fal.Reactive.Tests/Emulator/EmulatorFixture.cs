using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fal.Reactive.Emulator;
using Fal.Reactive.Tests.Support;

namespace Fal.Reactive.Tests.Emulator;

/// <summary>One emulator on a free loopback port, shared by a test class, with a keyed HttpClient.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(15);

    public FalEmulator Emulator { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync()
    {
        Emulator = await FalEmulator.StartAsync(new FalEmulatorOptions { Port = 0, Workers = 2 });
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Key", "emulator-test-key");
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
    }

    public async Task<JsonElement> SubmitAsync(string app, object input)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(Emulator.QueueUrl, app), input);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Polls the status until COMPLETED; bounded, because the emulator's runs take tens of milliseconds.</summary>
    public Task<JsonElement> WaitCompletedAsync(JsonElement submitted)
    {
        var statusUrl = submitted.GetProperty("status_url").GetString() + "?logs=1";
        return Eventually.Value(
            () => Http.GetFromJsonAsync<JsonElement>(statusUrl),
            static status => status.GetProperty("status").GetString() == "COMPLETED",
            "the request to complete (the emulator's runs are short)",
            s_deadline);
    }

    /// <summary>Polls <c>/_emulator/requests</c> until the request reaches <paramref name="state"/>.</summary>
    public Task<JsonElement> WaitStateAsync(string requestId, string state) =>
        Eventually.Value(
            async () =>
            {
                var requests = await Http.GetFromJsonAsync<JsonElement>(new Uri(Emulator.BaseUrl, "_emulator/requests"));
                return requests.EnumerateArray().FirstOrDefault(r => r.GetProperty("request_id").GetString() == requestId);
            },
            request => request.ValueKind == JsonValueKind.Object && request.GetProperty("state").GetString() == state,
            $"request {requestId} to become {state}",
            s_deadline);
}
