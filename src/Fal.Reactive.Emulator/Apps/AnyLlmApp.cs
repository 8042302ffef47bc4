using System.Globalization;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Emulator.Apps;

/// <summary>
/// <c>fal-ai/any-llm</c> as fal documents it: <c>{prompt, model?, system_prompt?, reasoning?}</c> →
/// <c>{output, reasoning?, partial: false, error: null}</c>; <c>model</c> is a <c>vendor/name</c> id (default
/// <c>google/gemini-flash-1.5</c>), anything else a 422 field error. Through <c>/stream</c> it sends a growing
/// <c>{output, partial: true}</c> every 20 ms per word, then the final output.
/// </summary>
internal static class AnyLlmApp
{
    public const string AppId = "fal-ai/any-llm";

    public const string DefaultModel = "google/gemini-flash-1.5";

    private static readonly TimeSpan s_wordTime = TimeSpan.FromMilliseconds(20);

    public static FalAppScript Script(FalAppCall call)
    {
        var input = new InputReader(call.Input);
        var prompt = input.RequiredString("prompt");
        var model = input.OptionalString("model") ?? DefaultModel;
        var system = input.OptionalString("system_prompt");
        var reasoning = input.Boolean("reasoning", fallback: false);
        if (!IsModelId(model))
        {
            input.AddError("model", "value is not a valid model id: expected '<vendor>/<model>', e.g. 'google/gemini-flash-1.5'", "value_error");
        }

        if (input.HasErrors)
        {
            return input.Failure();
        }

        var persona = system is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" (as told: {system})");
        var answer = string.Create(CultureInfo.InvariantCulture, $"You asked: \"{prompt}\". This is a simulated answer from {model}{persona}, served by the Fal.Reactive emulator.");
        var words = answer.Split(' ');
        var partials = Enumerable.Range(1, words.Length)
            .Select(n => (s_wordTime * n, (object?)new { output = string.Join(' ', words.Take(n)), partial = true, error = (string?)null }))
            .ToArray();
        object final = reasoning
            ? new { output = answer, reasoning = $"Simulated reasoning of {model}.", partial = false, error = (string?)null }
            : new { output = answer, partial = false, error = (string?)null };
        return FalAppScript.Succeed(final, s_wordTime * (words.Length + 1))
            .WithStreamEvents(partials)
            .WithLogs((TimeSpan.Zero, $"Generating with {model}"));
    }

    private static bool IsModelId(string model)
    {
        var slash = model.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < model.Length - 1 && !model.Any(char.IsWhiteSpace);
    }
}
