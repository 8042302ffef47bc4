using System.Globalization;
using System.Text;
using System.Text.Json;
using Fal.Reactive.Emulator.Imaging;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Emulator.Realtime;

/// <summary>
/// The emulator's built-in realtime apps: <c>fal-ai/fast-lcm-diffusion</c> answers each prompt with a PNG the
/// emulator serves (fal's realtime text-to-image app), and <c>emulator/echo</c> answers each input with itself at once
/// (msgpack values as they are; JSON at <c>/realtime/json</c>; also at <c>/ws</c>); <c>emulator/fail</c> fails every input.
/// </summary>
internal static class RealtimeApps
{
    public const string Image = "fal-ai/fast-lcm-diffusion";
    public const string Echo = "emulator/echo";

    /// <summary>Fails every input, as the HTTP <c>emulator/fail</c>: fal's template answers INTERNAL_ERROR and closes.</summary>
    public const string Fail = "emulator/fail";

    /// <summary>A few LCM steps: fast enough for interactive use, slow enough that max_buffering matters.</summary>
    public static readonly TimeSpan ImageTime = TimeSpan.FromMilliseconds(60);

    public static IReadOnlyList<string> Ids { get; } = [Image, Echo, Fail];

    public static void Map(FalRealtimeSimulator realtime, FalSimulator files)
    {
        // The echo keeps msgpack values as they are (bin stays bytes, as fal's template); it is also at /realtime/json
        // with fal's JSON codec (as fal's own e2e app) and at /ws, another socket an app declares (ws_connect(path="ws")).
        realtime
            .MapApp(Image, input => CreateImage(files, input), ImageTime)
            .MapMessagePackApp(Echo, input => input)
            .MapApp(Echo, input => input, new FalRealtimeAppOptions { Path = "/realtime/json", JsonMessages = true })
            .MapMessagePackApp(Echo, input => input, new FalRealtimeAppOptions { Path = "/ws" })
            .MapApp(Fail, _ => throw new InvalidOperationException("emulator/fail fails every realtime input, as asked"));
    }

    private static object CreateImage(FalSimulator files, JsonElement input)
    {
        if (input.ValueKind != JsonValueKind.Object || !input.TryGetProperty("prompt", out var p) || p.ValueKind != JsonValueKind.String)
        {
            throw new ArgumentException("field required: prompt (a string)");
        }

        var prompt = p.GetString()!;
        var seed = input.TryGetProperty("seed", out var s) && s.TryGetInt64(out var given) ? given : StableHash(prompt);
        const int size = 128;
        var file = files.AddFile(GradientImage.CreatePng(size, size, seed), "image/png", string.Create(CultureInfo.InvariantCulture, $"realtime-{seed}.png"));
        return new
        {
            images = new[] { new { url = file.Url.AbsoluteUri, width = size, height = size, content_type = "image/png" } },
            seed,
            prompt,
            has_nsfw_concepts = new[] { false },
            timings = new { inference = ImageTime.TotalSeconds },
        };
    }

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
