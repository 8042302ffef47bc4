namespace Fal.Reactive;

/// <summary>
/// How many status streams a client may have open at once. A stream holds its connection for the whole request:
/// past the connection cap (<see cref="FalClientOptions.MaxConnectionsPerServer"/>) streams would take every
/// connection and the polls, results and cancels behind them would wait for good, so a request that finds no slot
/// polls instead.
/// </summary>
internal sealed class StatusStreamSlots(int capacity)
{
    private int _open;

    /// <summary>Takes a slot; false when all are taken (the request polls).</summary>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _open) <= capacity)
        {
            return true;
        }

        Interlocked.Decrement(ref _open);
        return false;
    }

    /// <summary>Gives back a slot taken by <see cref="TryEnter"/>.</summary>
    public void Exit() => Interlocked.Decrement(ref _open);
}
