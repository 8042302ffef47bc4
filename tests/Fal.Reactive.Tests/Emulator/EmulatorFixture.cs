using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fal.Reactive.Emulator;

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
    public async Task<JsonElement> WaitCompletedAsync(JsonElement submitted)
    {
        var statusUrl = submitted.GetProperty("status_url").GetString() + "?logs=1";
        var deadline = DateTimeOffset.UtcNow + s_deadline;
        while (true)
        {
            var status = await Http.GetFromJsonAsync<JsonElement>(statusUrl);
            if (status.GetProperty("status").GetString() == "COMPLETED")
            {
                return status;
            }

            DateTimeOffset.UtcNow.Should().BeBefore(deadline, "the emulator's runs are short");
            await Task.Delay(20);
        }
    }

    /// <summary>Polls <c>/_emulator/requests</c> until the request reaches <paramref name="state"/>.</summary>
    public async Task<JsonElement> WaitStateAsync(string requestId, string state)
    {
        var deadline = DateTimeOffset.UtcNow + s_deadline;
        while (true)
        {
            var requests = await Http.GetFromJsonAsync<JsonElement>(new Uri(Emulator.BaseUrl, "_emulator/requests"));
            var request = requests.EnumerateArray().FirstOrDefault(r => r.GetProperty("request_id").GetString() == requestId);
            if (request.ValueKind == JsonValueKind.Object && request.GetProperty("state").GetString() == state)
            {
                return request;
            }

            DateTimeOffset.UtcNow.Should().BeBefore(deadline, $"request {requestId} should become {state}");
            await Task.Delay(20);
        }
    }
}
