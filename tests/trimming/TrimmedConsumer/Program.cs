using System.Reactive.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Fal.Reactive;

// Runs two requests against the fal emulator whose queue, run and rest URLs are the arguments: one with a
// JsonNode input read as JsonElement, one with source-generated types both ways. Reflection-based JSON is off
// in a trimmed app: any path still needing it throws here.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: TrimmedConsumer <queue-url> <run-url> <rest-url>");
    return 2;
}

var options = new FalClientOptions
{
    Credentials = FalCredentials.FromKey("trimmed-consumer"),
    QueueUrl = new Uri(args[0]),
    RunUrl = new Uri(args[1]),
    RestUrl = new Uri(args[2]),
};
await using var fal = new FalClient(options);

var node = new JsonObject { ["prompt"] = "a trimmed consumer", ["num_images"] = 1 };
JsonElement raw = await fal.Submit("fal-ai/fast-sdxl", node).Results().FirstAsync();
Console.WriteLine($"JsonNode in, JsonElement out: {raw.GetProperty("images")[0].GetProperty("url").GetString()}");

var typed = await fal.Submit("fal-ai/fast-sdxl", new SdxlInput("typed", 2), AppJson.Default.SdxlInput)
    .Results(AppJson.Default.SdxlOutput)
    .FirstAsync();
Console.WriteLine($"typed in and out: {typed.Images.Length} images, seed {typed.Seed}");

var reflectionDisabled = !JsonSerializer.IsReflectionEnabledByDefault;
Console.WriteLine($"reflection-based JSON disabled: {reflectionDisabled}");
return typed.Images.Length == 2 && raw.ValueKind == JsonValueKind.Object && reflectionDisabled ? 0 : 1;

internal sealed record SdxlInput(string Prompt, int NumImages);

internal sealed record SdxlImage(string Url, int Width, int Height);

internal sealed record SdxlOutput(SdxlImage[] Images, long Seed);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SdxlInput))]
[JsonSerializable(typeof(SdxlOutput))]
internal sealed partial class AppJson : JsonSerializerContext;
