namespace Fal.Reactive.Emulator.Hosting;

/// <summary>The emulator's origin and the paths standing for fal's hosts.</summary>
internal sealed record FalEmulatorUrls(Uri Base)
{
    public Uri Queue => Base;

    public Uri Run { get; } = new(Base, "_run/");

    public Uri Rest { get; } = new(Base, "_rest/");

    public Uri Cdn { get; } = new(Base, "_cdn/");

    public Uri Api { get; } = new(Base, "_api/");
}
