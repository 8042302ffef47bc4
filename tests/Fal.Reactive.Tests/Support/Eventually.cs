namespace Fal.Reactive.Tests.Support;

/// <summary>
/// The one way a real-thread test waits for something another thread or process does: poll a condition, and fail
/// with the reason when it has not held within the bound (never time out silently, never hang the suite).
/// </summary>
internal static class Eventually
{
    /// <summary>The bound when a test names none: generous, because a loaded CI machine is slow, not wrong.</summary>
    public static readonly TimeSpan DefaultBound = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan s_pause = TimeSpan.FromMilliseconds(10);

    /// <summary>Waits until <paramref name="condition"/> holds; fails with <paramref name="because"/> after <paramref name="bound"/>.</summary>
    public static Task Until(Func<bool> condition, string because, TimeSpan? bound = null) =>
        Value(() => Task.FromResult(condition()), static held => held, because, bound);

    /// <summary>Waits until <paramref name="read"/> gives a value that is not null, and returns it.</summary>
    public static async Task<T> NotNull<T>(Func<T?> read, string because, TimeSpan? bound = null)
        where T : class =>
        (await Value(() => Task.FromResult(read()), static v => v is not null, because, bound))!;

    /// <summary>Reads <paramref name="read"/> until <paramref name="done"/> accepts its value, and returns that value.</summary>
    public static async Task<T> Value<T>(Func<Task<T>> read, Func<T, bool> done, string because, TimeSpan? bound = null)
    {
        var limit = bound ?? DefaultBound;
        var deadline = DateTimeOffset.UtcNow + limit;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw new Xunit.Sdk.XunitException($"Waited {limit.TotalSeconds:0.#} s for {because}; the last value was {value?.ToString() ?? "null"}.");
            }

            await Task.Delay(s_pause);
        }
    }
}
