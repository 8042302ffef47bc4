
namespace Fal.Reactive.Testing;

/// <summary>
/// Work collected while the simulator holds its lock and run after it is released: waking readers,
/// completing answers, posting webhooks. Those run user continuations inline, which may call back in.
/// </summary>
internal sealed class DeferredActions
{
    private List<Action>? _actions;

    public void Add(Action? action)
    {
        if (action is not null)
        {
            (_actions ??= []).Add(action);
        }
    }

    public void Run()
    {
        if (_actions is null)
        {
            return;
        }

        InlineContinuations.Run(() =>
        {
            foreach (var action in _actions)
            {
                action();
            }
        });
    }
}
