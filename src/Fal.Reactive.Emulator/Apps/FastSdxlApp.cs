using System.Globalization;
using System.Text;
using System.Text.Json;
using Fal.Reactive.Emulator.Imaging;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Emulator.Apps;

/// <summary>
/// <c>fal-ai/fast-sdxl</c> (and its sub-paths): fal's text-to-image input and output shapes, with real PNG files
/// served by the emulator. Runs 40 ms per inference step and logs every 5 steps.
/// </summary>
internal static class FastSdxlApp
{
    public const string AppId = "fal-ai/fast-sdxl";

    private static readonly TimeSpan s_stepTime = TimeSpan.FromMilliseconds(40);

    private static readonly Dictionary<string, (int Width, int Height)> s_sizes = new(StringComparer.Ordinal)
    {
        ["square_hd"] = (1024, 1024),
        ["square"] = (512, 512),
        ["portrait_4_3"] = (768, 1024),
        ["portrait_16_9"] = (576, 1024),
        ["landscape_4_3"] = (1024, 768),
        ["landscape_16_9"] = (1024, 576),
    };

    public static FalAppScript Script(FalSimulator simulator, FalAppCall call)
    {
        var input = new InputReader(call.Input);
        var prompt = input.RequiredString("prompt");
        var steps = input.Integer("num_inference_steps", 25, 1, 100);
        var count = input.Integer("num_images", 1, 1, 4);
        var seed = input.OptionalLong("seed") ?? StableHash(prompt);
        var (width, height) = ImageSize(input);
        if (input.HasErrors)
        {
            return input.Failure();
        }

        var runTime = s_stepTime * steps;
        var images = Enumerable.Range(0, count).Select(i =>
        {
            var png = GradientImage.CreatePng(width, height, seed + i);
            var file = simulator.AddFile(png, "image/png", string.Create(CultureInfo.InvariantCulture, $"{seed + i}.png"));
            return new { url = file.Url.AbsoluteUri, width, height, content_type = "image/png" };
        }).ToArray();
        var output = new
        {
            images,
            seed,
            has_nsfw_concepts = images.Select(_ => false).ToArray(),
            prompt,
            timings = new { inference = runTime.TotalSeconds },
        };

        var logs = Enumerable.Range(1, steps / 5)
            .Select(chunk => (s_stepTime * chunk * 5, string.Create(CultureInfo.InvariantCulture, $"Step {chunk * 5}/{steps}")))
            .Prepend((TimeSpan.Zero, "Loading model fast-sdxl"))
            .ToArray();
        return FalAppScript.Succeed(output, runTime).WithLogs(logs);
    }

    private static (int Width, int Height) ImageSize(InputReader input)
    {
        if (!input.TryGet("image_size", out var size))
        {
            // Smaller than fal's square_hd default: the emulator's images are for tests, not for looking at.
            return (256, 256);
        }

        if (size.ValueKind == JsonValueKind.String && s_sizes.TryGetValue(size.GetString()!, out var preset))
        {
            return preset;
        }

        if (size.ValueKind == JsonValueKind.Object
            && size.TryGetProperty("width", out var w) && w.TryGetInt32(out var width) && width is >= 16 and <= 2048
            && size.TryGetProperty("height", out var h) && h.TryGetInt32(out var height) && height is >= 16 and <= 2048)
        {
            return (width, height);
        }

        input.AddError("image_size", "value is not a valid image size: a preset name or {width, height} from 16 to 2048", "value_error");
        return (256, 256);
    }

    /// <summary>FNV-1a of the prompt: the same prompt gives the same seed and image, run after run.</summary>
    private static long StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash & 0x7FFFFFFF;
    }
}
