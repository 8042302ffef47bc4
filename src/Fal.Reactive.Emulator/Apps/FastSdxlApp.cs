using System.Globalization;
using System.Text;
using System.Text.Json;
using Fal.Reactive.Emulator.Imaging;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Emulator.Apps;

/// <summary>
/// <c>fal-ai/fast-sdxl</c>: fal's documented input and output shapes for text-to-image and
/// <c>/image-to-image</c> (<c>image_url</c> as an http(s) URL or a data URI, <c>strength</c>), with real PNG files
/// served by the emulator. Sizes as fal computes them: <c>image_size</c> a preset (default <c>square_hd</c>,
/// 1024×1024) or <c>{width, height}</c> (each 512 when left out); image-to-image without one keeps the input
/// image's size when the emulator can read it. Runs 40 ms per inference step and logs every 5 steps.
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

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int Width, int Height, long Seed), byte[]> s_pngs = new();

    public static FalAppScript Script(FalSimulator simulator, FalAppCall call)
    {
        var input = new InputReader(call.Input);
        var prompt = input.RequiredString("prompt");
        input.OptionalString("negative_prompt");
        var steps = input.Integer("num_inference_steps", 25, 1, 100);
        var count = input.Integer("num_images", 1, 1, 8);
        input.Number("guidance_scale", 7.5, 0, 20);
        input.Boolean("enable_safety_checker", fallback: true);
        var seed = input.OptionalLong("seed") ?? StableHash(prompt);
        (int Width, int Height)? source = null;
        if (call.Path.TrimStart('/') == "image-to-image")
        {
            source = ImageInput.Read(input, simulator, "image_url");
            input.Number("strength", 0.95, 0.05, 1);
        }

        var (width, height) = ImageSize(input, source);
        if (input.HasErrors)
        {
            return input.Failure();
        }

        var runTime = s_stepTime * steps;
        var images = Enumerable.Range(0, count).Select(i =>
        {
            var png = Png(width, height, seed + i);
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

    private static (int Width, int Height) ImageSize(InputReader input, (int Width, int Height)? source)
    {
        if (!input.TryGet("image_size", out var size) || size.ValueKind == JsonValueKind.Null)
        {
            // fal's default is square_hd; image-to-image keeps the input image's size (clamped to what the emulator draws).
            return source is { } s ? (Math.Clamp(s.Width, 16, 2048), Math.Clamp(s.Height, 16, 2048)) : s_sizes["square_hd"];
        }

        if (size.ValueKind == JsonValueKind.String && s_sizes.TryGetValue(size.GetString()!, out var preset))
        {
            return preset;
        }

        if (size.ValueKind == JsonValueKind.Object
            && Dimension(size, "width") is { } width
            && Dimension(size, "height") is { } height)
        {
            return (width, height);
        }

        input.AddError("image_size", "value is not a valid image size: a preset name or {width, height} from 16 to 2048", "value_error");
        return (256, 256);
    }

    /// <summary>
    /// The PNG of a size and seed, drawn once: fal's 1024×1024 default costs milliseconds to encode, and a load run
    /// that sends one prompt thousands of times should not pay that (nor hold a copy) per request.
    /// </summary>
    private static byte[] Png(int width, int height, long seed)
    {
        if (s_pngs.Count > 256)
        {
            s_pngs.Clear();
        }

        return s_pngs.GetOrAdd((width, height, seed), static key => GradientImage.CreatePng(key.Width, key.Height, key.Seed));
    }

    /// <summary>One side of fal's ImageSize object: 512 when left out, else an integer from 16 to 2048 (the emulator's cap).</summary>
    private static int? Dimension(JsonElement size, string name) =>
        !size.TryGetProperty(name, out var value) ? 512
        : value.TryGetInt32(out var pixels) && pixels is >= 16 and <= 2048 ? pixels
        : null;

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
