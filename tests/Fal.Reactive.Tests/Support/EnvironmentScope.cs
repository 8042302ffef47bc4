namespace Fal.Reactive.Tests.Support;

/// <summary>
/// Sets or removes environment variables for a scope and restores them after. Scopes run one at a time across the
/// suite (the environment is process-wide); the gate is a semaphore, not a monitor, because a test may await inside
/// its scope and dispose it on another thread.
/// </summary>
internal sealed class EnvironmentScope : IDisposable
{
    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);
    private readonly Dictionary<string, string?> _saved;
    private int _disposed;

    private EnvironmentScope(string[] names)
    {
        if (!s_gate.Wait(s_wait))
        {
            throw new TimeoutException($"Another environment scope was held for over {s_wait.TotalSeconds} s: a test did not dispose its scope.");
        }

        _saved = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        foreach (var name in names)
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    public static EnvironmentScope Without(params string[] names) => new(names);

    public static EnvironmentScope With(params (string Name, string? Value)[] values)
    {
        var scope = new EnvironmentScope(values.Select(v => v.Name).ToArray());
        foreach (var (name, value) in values)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        return scope;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        s_gate.Release();
    }
}
