namespace BlazorRequests.Requests;

/// <summary>What the page sets for a batch.</summary>
/// <param name="Concurrency">How many requests run at once: the <c>n</c> of <c>Merge(n)</c>.</param>
/// <param name="Deadline">Each request's deadline from its submit: <c>Timeout(DateTimeOffset)</c>, which disposes (cancels) it.</param>
/// <param name="Steps">The app's <c>num_inference_steps</c> (fast-sdxl: the emulator runs 40 ms a step).</param>
public sealed record BatchSettings(int Concurrency, TimeSpan Deadline, int Steps);
