using System.Globalization;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Emulator.Apps;

/// <summary>
/// <c>fal-ai/any-llm</c>: <c>{prompt, model?}</c> → <c>{output, partial: false, error: null}</c>. Through
/// <c>/stream</c> it sends a growing <c>{output, partial: true}</c> every 20 ms per word, then the final output.
/// </summary>
internal static class AnyLlmApp
{
    public const string AppId = "fal-ai/any-llm";

    private static readonly TimeSpan s_wordTime = TimeSpan.FromMilliseconds(20);

    public static FalAppScript Script(FalAppCall call)
    {
        var input = new InputReader(call.Input);
        var prompt = input.RequiredString("prompt");
        var model = input.OptionalString("model") ?? "google/gemini-flash-1.5";
        if (input.HasErrors)
        {
            return input.Failure();
        }

        var answer = string.Create(CultureInfo.InvariantCulture, $"You asked: \"{prompt}\". This is a simulated answer from {model}, served by the Fal.Reactive emulator.");
        var words = answer.Split(' ');
        var partials = Enumerable.Range(1, words.Length)
            .Select(n => (s_wordTime * n, (object?)new { output = string.Join(' ', words.Take(n)), partial = true, error = (string?)null }))
            .ToArray();
        return FalAppScript.Succeed(new { output = answer, partial = false, error = (string?)null }, s_wordTime * (words.Length + 1))
            .WithStreamEvents(partials)
            .WithLogs((TimeSpan.Zero, $"Generating with {model}"));
    }
}
