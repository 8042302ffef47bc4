namespace Fal.Reactive.Tests.Support;

/// <summary>Removes environment variables for a scope and restores them after.</summary>
internal sealed class EnvironmentScope : IDisposable
{
    private static readonly object s_gate = new();
    private readonly Dictionary<string, string?> _saved;

    private EnvironmentScope(string[] names)
    {
        Monitor.Enter(s_gate);
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
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        Monitor.Exit(s_gate);
    }
}
