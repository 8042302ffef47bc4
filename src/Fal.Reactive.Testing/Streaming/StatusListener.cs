
namespace Fal.Reactive.Testing;

/// <summary>An open <c>/status/stream</c>: which request it watches and what it has sent so far.</summary>
internal sealed class StatusListener(RequestRecord request, bool withLogs, SimulatorEventStream stream)
{
    public RequestRecord Request { get; } = request;

    public bool WithLogs { get; } = withLogs;

    public SimulatorEventStream Stream { get; } = stream;

    /// <summary>Gets or sets what the last event reported (state, position, log count), to send on change only.</summary>
    public (FalSimulatedRequestState State, int Position, int LogCount)? LastSent { get; set; }

    /// <summary>Gets or sets how many log lines were sent; each event carries only the new ones.</summary>
    public int SentLogs { get; set; }

    public IDisposable? KeepAlive { get; set; }
}
