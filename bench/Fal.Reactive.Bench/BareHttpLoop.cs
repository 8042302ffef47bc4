using System.Text.Json;

namespace Fal.Reactive.Bench;

/// <summary>
/// The yardstick: the same HTTP calls a request needs (submit, status until COMPLETED, result), written as a
/// plain HttpClient loop that parses each answer and does nothing else.
/// </summary>
internal static class BareHttpLoop
{
    public static async Task<JsonElement> RunAsync(HttpClient http, Uri queueUrl, Func<Task> wait, string app = "fal-ai/fast-sdxl", string input = """{"prompt":"a landscape"}""", Action<string>? completed = null)
    {
        using var submit = new HttpRequestMessage(HttpMethod.Post, new Uri(queueUrl, app))
        {
            Content = new StringContent(input, System.Text.Encoding.UTF8, "application/json"),
        };
        submit.Headers.TryAddWithoutValidation("Authorization", "Key bench");
        using var submitted = await http.SendAsync(submit).ConfigureAwait(false);
        using var answer = JsonDocument.Parse(await submitted.Content.ReadAsByteArrayAsync().ConfigureAwait(false));
        var statusUrl = answer.RootElement.GetProperty("status_url").GetString()!;
        var responseUrl = answer.RootElement.GetProperty("response_url").GetString()!;
        while (true)
        {
            await wait().ConfigureAwait(false);
            using var poll = new HttpRequestMessage(HttpMethod.Get, statusUrl + "?logs=0");
            poll.Headers.TryAddWithoutValidation("Authorization", "Key bench");
            using var polled = await http.SendAsync(poll).ConfigureAwait(false);
            using var status = JsonDocument.Parse(await polled.Content.ReadAsByteArrayAsync().ConfigureAwait(false));
            if (status.RootElement.GetProperty("status").GetString() == "COMPLETED")
            {
                completed?.Invoke(answer.RootElement.GetProperty("request_id").GetString()!);
                break;
            }
        }

        using var get = new HttpRequestMessage(HttpMethod.Get, responseUrl);
        get.Headers.TryAddWithoutValidation("Authorization", "Key bench");
        using var result = await http.SendAsync(get).ConfigureAwait(false);
        using var output = JsonDocument.Parse(await result.Content.ReadAsByteArrayAsync().ConfigureAwait(false));
        return output.RootElement.Clone();
    }
}
