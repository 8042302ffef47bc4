using System.Text.Json;
using System.Text.Json.Serialization;

namespace RxConsole;

/// <summary>One request in the report: its outcome and the images saved from it.</summary>
internal sealed record RequestReport(RequestOutcome Outcome, IReadOnlyList<SavedImage> Images)
{
    /// <summary>Succeeded, with at least one image, every one saved.</summary>
    public bool Ok => Outcome.IsSuccess && Images.Count > 0 && Images.All(i => i.Error is null);
}

/// <summary>What the batch did: written to summary.json and printed as the summary table.</summary>
internal sealed record BatchReport(
    string App,
    string Backend,
    int Concurrency,
    TimeSpan Timeout,
    bool CancelledByUser,
    TimeSpan Elapsed,
    IReadOnlyList<RequestReport> Requests,
    IReadOnlyDictionary<string, int>? EmulatorStates)
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public bool AllOk => Requests.All(r => r.Ok);

    public int Count(OutcomeKind kind) => Requests.Count(r => r.Outcome.Kind == kind);

    /// <summary>Writes summary.json into <paramref name="directory"/> and returns its path.</summary>
    public async Task<string> WriteJsonAsync(string directory)
    {
        var file = Path.Combine(directory, "summary.json");
        var document = new
        {
            App,
            Backend,
            Concurrency,
            TimeoutSeconds = Timeout.TotalSeconds,
            CancelledByUser,
            ElapsedSeconds = Math.Round(Elapsed.TotalSeconds, 3),
            AllSucceeded = AllOk,
            Counts = Enum.GetValues<OutcomeKind>().ToDictionary(k => RequestOutcome.Label(k).Replace(' ', '_'), Count),
            EmulatorRequestStates = EmulatorStates,
            Requests = Requests.Select(r => new
            {
                r.Outcome.Job.Number,
                r.Outcome.Job.Prompt,
                Outcome = RequestOutcome.Label(r.Outcome.Kind).Replace(' ', '_'),
                r.Outcome.RequestId,
                ElapsedSeconds = Math.Round(r.Outcome.Elapsed.TotalSeconds, 3),
                InferenceTimeSeconds = r.Outcome.Completed?.Metrics.InferenceTime,
                r.Outcome.Reason,
                Seed = r.Outcome.Result is { ValueKind: JsonValueKind.Object } result && result.TryGetProperty("seed", out var seed) ? seed : (JsonElement?)null,
                Images = r.Images,
            }),
        };
        await using var stream = File.Create(file);
        await JsonSerializer.SerializeAsync(stream, document, s_json).ConfigureAwait(false);
        return file;
    }
}
