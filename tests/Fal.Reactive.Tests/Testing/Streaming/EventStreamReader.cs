using System.Text;

namespace Fal.Reactive.Tests.Testing.Streaming;

/// <summary>
/// Reads a server-sent event body without blocking: <see cref="Drain"/> collects what the simulator has produced
/// so far and leaves one read pending, which the scheduler completes inline when it produces more.
/// </summary>
internal sealed class EventStreamReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[8192];
    private readonly StringBuilder _text = new();
    private Task<int>? _pending;

    public bool Ended { get; private set; }

    public bool HasPendingRead => _pending is { IsCompleted: false };

    /// <summary>Returns all text read so far.</summary>
    public string Drain()
    {
        while (!Ended)
        {
            _pending ??= stream.ReadAsync(_buffer).AsTask();
            if (!_pending.IsCompleted)
            {
                break;
            }

            var count = _pending.GetAwaiter().GetResult();
            _pending = null;
            if (count == 0)
            {
                Ended = true;
            }
            else
            {
                _text.Append(Encoding.UTF8.GetString(_buffer, 0, count));
            }
        }

        return _text.ToString();
    }

    /// <summary>Returns the JSON payloads of the <c>data:</c> lines read so far.</summary>
    public IReadOnlyList<string> DataLines() =>
        [.. Drain().Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l["data: ".Length..])];
}
