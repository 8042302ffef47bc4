namespace RxConsole;

/// <summary>One prompt of the batch, numbered from 1 in the order given.</summary>
internal sealed record PromptJob(int Number, string Prompt);

/// <summary>Where the prompts come from: the command line, a file, or the built-in defaults.</summary>
internal static class PromptSource
{
    public static readonly IReadOnlyList<string> Defaults =
    [
        "a red fox curled up in fresh snow, morning light",
        "a lighthouse on a cliff at dusk, long exposure",
        "a bowl of ramen, steam rising, studio photo",
        "an isometric pixel-art city block at night",
        "a watercolor of a hot-air balloon over vineyards",
        "a macro photo of a dewdrop on a spider web",
        "a cozy reading nook with a cat, warm lamp light",
        "a retro-futuristic train crossing a desert",
    ];

    /// <summary>The prompts from the file (one per line; blank lines and lines starting with # skipped), then the arguments; the defaults when neither a file nor an argument is given (an empty file is refused by <see cref="SampleOptions.Parse"/>).</summary>
    public static IReadOnlyList<PromptJob> Load(SampleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var prompts = new List<string>();
        if (options.PromptFile is { } file)
        {
            prompts.AddRange(ReadFile(file));
        }

        prompts.AddRange(options.Prompts.Where(p => !string.IsNullOrWhiteSpace(p)));
        if (prompts.Count == 0)
        {
            prompts.AddRange(Defaults);
        }

        return prompts.Select((prompt, i) => new PromptJob(i + 1, prompt)).ToList();
    }

    /// <summary>A prompts file's prompts: one per line, blank lines and lines starting with # skipped.</summary>
    public static IReadOnlyList<string> ReadFile(string file) =>
        File.ReadLines(file)
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToList();
}
