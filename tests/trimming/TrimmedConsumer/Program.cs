using System.Reactive.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Fal.Reactive;

// Calls every operation against the fal emulator whose queue, run and rest URLs are the arguments, each
// through its trimming-safe FalInput member: Submit with a JsonNode input read as JsonElement and with
// source-generated types both ways; SubmitAsync and the handle's typed GetAsync; RunAsync and Run; Stream and
// StreamAsync. Reflection-based JSON is off in a trimmed app: any path still needing it throws here.
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

var typed = await fal.Submit("fal-ai/fast-sdxl", FalInput.From(new SdxlInput("typed", 2), AppJson.Default.SdxlInput))
    .Results(AppJson.Default.SdxlOutput)
    .FirstAsync();
Console.WriteLine($"typed in and out: {typed.Images.Length} images, seed {typed.Seed}");

var handle = await fal.SubmitAsync("fal-ai/fast-sdxl", FalInput.From(new SdxlInput("handle", 1), AppJson.Default.SdxlInput));
var fromHandle = await handle.GetAsync(AppJson.Default.SdxlOutput);
Console.WriteLine($"SubmitAsync + GetAsync: {handle.RequestId}, {fromHandle.Images.Length} image");

var echo = new JsonObject { ["direct"] = true };
FalRunResult ran = await fal.RunAsync("emulator/echo", echo);
FalRunResult ranSync = fal.Run("emulator/echo", FalInput.FromUtf8Json("""{"sync":true}"""u8));
Console.WriteLine($"RunAsync: {ran.Result.GetProperty("direct").GetBoolean()} ({ran.RequestId}); Run: {ranSync.Result.GetProperty("sync").GetBoolean()}");

var story = new JsonObject { ["prompt"] = "a trimmed story" };
var streamed = await fal.Stream("fal-ai/any-llm", story).ToList();
var enumerated = 0;
await foreach (var e in fal.StreamAsync("fal-ai/any-llm", story))
{
    enumerated++;
}

Console.WriteLine($"Stream: {streamed.Count} events (last partial: {streamed[^1].IsPartial}); StreamAsync: {enumerated} events");

var reflectionDisabled = !JsonSerializer.IsReflectionEnabledByDefault;
Console.WriteLine($"reflection-based JSON disabled: {reflectionDisabled}");
var ok = typed.Images.Length == 2 && raw.ValueKind == JsonValueKind.Object && fromHandle.Images.Length == 1
    && ran.Result.GetProperty("direct").GetBoolean() && ranSync.Result.GetProperty("sync").GetBoolean()
    && streamed.Count > 0 && !streamed[^1].IsPartial && enumerated == streamed.Count;
return ok && reflectionDisabled ? 0 : 1;

internal sealed record SdxlInput(string Prompt, int NumImages);

internal sealed record SdxlImage(string Url, int Width, int Height);

internal sealed record SdxlOutput(SdxlImage[] Images, long Seed);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SdxlInput))]
[JsonSerializable(typeof(SdxlOutput))]
internal sealed partial class AppJson : JsonSerializerContext;
