using System.Buffers;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// Reads a status answer with logs as it arrives and keeps only the newest entries of its top-level <c>logs</c>
/// array: fal sends every line so far on each poll, so a long run's answer grows past any fixed bound while what a
/// status keeps does not. The answer comes back as JSON of the same shape (the kept entries as sent, the rest of the
/// answer byte for byte) for <see cref="FalWire.ParseStatus"/>'s reading, with the count of entries left out.
/// </summary>
/// <remarks>
/// Held while reading: a buffer that grows to the largest token or entry (from 4 KiB), what is kept (pooled arrays,
/// one per entry, returned as older entries go) and the rest of the answer. The bound applies to what is kept: the
/// rest of the answer plus the kept entries stay within <c>limit</c> bytes (the oldest entries go first), and a single
/// entry, or the rest of the answer, over it is refused with <see cref="FalProtocolException"/>. Entries not kept
/// are read through, never stored; the time such an answer may take is the attempt's bound.
/// </remarks>
internal sealed class StatusLogTail : IDisposable
{
    private const int FirstBufferSize = 4 * 1024;

    private readonly long _limit;
    private readonly int _maxLines;
    private readonly string _requestId;
    private readonly Queue<(byte[] Bytes, int Length)> _kept = new();
    private readonly ArrayBufferWriter<byte> _rest = new(256);
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(FirstBufferSize);
    private int _end;          // bytes in the buffer
    private int _consumed;     // bytes the reader has consumed
    private int _copyFrom;     // outside the logs array: the first byte not yet copied to _rest
    private int _entryStart = -1;
    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = FalWire.MaxDepth });
    private Mode _mode;
    private bool _logsSeen;
    private int _logsAt = -1;  // where in _rest the kept entries go (just after the array's '[')
    private long _keptBytes;
    private int _omitted;

    private StatusLogTail(long limit, int maxLines, string requestId)
    {
        _limit = limit;
        _maxLines = maxLines;
        _requestId = requestId;
    }

    private enum Mode
    {
        Outside,
        AfterLogsName,
        InLogs,
    }

    /// <summary>The answer with at most <paramref name="maxLines"/> log entries (the newest), and how many were left out.</summary>
    public static async ValueTask<(byte[] Body, int Omitted)> ReadAsync(
        bool async, HttpContent content, long limit, int maxLines, string requestId, CancellationToken cancellationToken)
    {
        using var stream = async
            ? await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false)
            : content.ReadAsStream(cancellationToken);
        return await ReadAsync(async, stream, limit, maxLines, requestId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The same, from a stream.</summary>
    public static async ValueTask<(byte[] Body, int Omitted)> ReadAsync(
        bool async, Stream stream, long limit, int maxLines, string requestId, CancellationToken cancellationToken)
    {
        using var tail = new StatusLogTail(limit, maxLines, requestId);
        while (true)
        {
            tail.MakeRoom();
            var read = async
                ? await stream.ReadAsync(tail._buffer.AsMemory(tail._end), cancellationToken).ConfigureAwait(false)
                : stream.Read(tail._buffer.AsSpan(tail._end));
            tail._end += read;
            tail.Advance(isFinalBlock: read == 0);
            if (read == 0)
            {
                return (tail.Result(), tail._omitted);
            }
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        while (_kept.TryDequeue(out var entry))
        {
            ArrayPool<byte>.Shared.Return(entry.Bytes);
        }
    }

    /// <summary>Reads the tokens that have fully arrived, keeping entries and copying the rest of the answer.</summary>
    private void Advance(bool isFinalBlock)
    {
        var reader = new Utf8JsonReader(_buffer.AsSpan(_consumed, _end - _consumed), isFinalBlock, _state);
        try
        {
            while (reader.Read())
            {
                var start = _consumed + (int)reader.TokenStartIndex;
                var end = _consumed + (int)reader.BytesConsumed;
                switch (_mode)
                {
                    case Mode.Outside:
                        if (!_logsSeen && reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("logs"u8))
                        {
                            _mode = Mode.AfterLogsName;
                        }

                        break;
                    case Mode.AfterLogsName:
                        _logsSeen = true;
                        if (reader.TokenType == JsonTokenType.StartArray)
                        {
                            // Up to and including '[': the kept entries go right after it.
                            CopyRest(end);
                            _logsAt = _rest.WrittenCount;
                            _mode = Mode.InLogs;
                        }
                        else
                        {
                            // null, or something the full reading refuses: copied as it is.
                            _mode = Mode.Outside;
                        }

                        break;
                    case Mode.InLogs:
                        Entry(ref reader, start, end);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            throw new FalProtocolException($"Request {_requestId}: the status answer is not JSON: {e.Message}", e) { RequestId = _requestId };
        }

        _consumed += (int)reader.BytesConsumed;
        _state = reader.CurrentState;
        if (_mode != Mode.InLogs)
        {
            CopyRest(_consumed);
        }
    }

    /// <summary>A token inside the logs array: an entry starts, ends (and is kept), or the array ends.</summary>
    private void Entry(ref Utf8JsonReader reader, int start, int end)
    {
        if (reader.CurrentDepth == 1)
        {
            // The array's ']': the rest of the answer is copied from here on.
            _mode = Mode.Outside;
            _copyFrom = start;
            return;
        }

        if (reader.CurrentDepth != 2)
        {
            return;
        }

        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                _entryStart = start;
                return;
            case JsonTokenType.EndObject or JsonTokenType.EndArray:
                Keep(_buffer.AsSpan(_entryStart, end - _entryStart));
                _entryStart = -1;
                return;
            default:
                // A bare value (which the full reading refuses as an entry): kept as it is.
                Keep(_buffer.AsSpan(start, end - start));
                return;
        }
    }

    private void Keep(ReadOnlySpan<byte> entry)
    {
        if (entry.Length > _limit)
        {
            throw TooLarge("a log entry of " + entry.Length + " bytes, more than the bound");
        }

        if (_maxLines == 0)
        {
            _omitted = _omitted == int.MaxValue ? _omitted : _omitted + 1;
            return;
        }

        var bytes = ArrayPool<byte>.Shared.Rent(entry.Length);
        entry.CopyTo(bytes);
        _kept.Enqueue((bytes, entry.Length));
        _keptBytes += entry.Length + 1;
        Trim();
    }

    /// <summary>The oldest entries go while more than the lines or the bytes allowed are kept.</summary>
    private void Trim()
    {
        while (_kept.Count > _maxLines || (_kept.Count > 0 && _keptBytes + _rest.WrittenCount > _limit))
        {
            var (bytes, length) = _kept.Dequeue();
            _keptBytes -= length + 1;
            _omitted = _omitted == int.MaxValue ? _omitted : _omitted + 1;
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Copies the answer outside the logs array, up to <paramref name="upTo"/>, into the rest.</summary>
    private void CopyRest(int upTo)
    {
        if (upTo <= _copyFrom)
        {
            return;
        }

        if (_rest.WrittenCount + (long)(upTo - _copyFrom) > _limit)
        {
            throw TooLarge("more than the bound besides its logs");
        }

        _rest.Write(_buffer.AsSpan(_copyFrom, upTo - _copyFrom));
        _copyFrom = upTo;
        Trim();
    }

    /// <summary>Before a read: drops what is done with, keeping an unfinished entry and the unread bytes; grows the buffer when that fills it.</summary>
    private void MakeRoom()
    {
        // Outside the array everything consumed was copied already (_copyFrom == _consumed).
        var keep = _entryStart >= 0 ? _entryStart : _consumed;
        if (keep > 0)
        {
            _buffer.AsSpan(keep, _end - keep).CopyTo(_buffer);
            _end -= keep;
            _consumed -= keep;
            _copyFrom = Math.Max(0, _copyFrom - keep);
            if (_entryStart >= 0)
            {
                _entryStart -= keep;
            }
        }

        if (_end < _buffer.Length)
        {
            return;
        }

        // One token, or one entry, fills the buffer: more room, up to the bound (and what one read adds).
        if (_buffer.Length > _limit)
        {
            throw TooLarge(_entryStart >= 0 ? "a log entry longer than the bound" : "a single value longer than the bound");
        }

        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, _buffer.Length * 2L));
        _buffer.AsSpan(0, _end).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    /// <summary>The answer as JSON again: the rest of it, with the kept entries in the logs array.</summary>
    private byte[] Result()
    {
        var rest = _rest.WrittenSpan;
        if (_logsAt < 0)
        {
            return rest.ToArray();
        }

        var body = new byte[rest.Length + Math.Max(0, _keptBytes - 1)];
        rest[.._logsAt].CopyTo(body);
        var at = _logsAt;
        var first = true;
        foreach (var (bytes, length) in _kept)
        {
            if (!first)
            {
                body[at++] = (byte)',';
            }

            first = false;
            bytes.AsSpan(0, length).CopyTo(body.AsSpan(at));
            at += length;
        }

        rest[_logsAt..].CopyTo(body.AsSpan(at));
        return body;
    }

    private FalProtocolException TooLarge(string what) =>
        new($"Request {_requestId}: the status answer holds {what} of {_limit} bytes (FalClientOptions.MaxStatusBytes, which bounds what a status keeps); it was not read further.")
        {
            RequestId = _requestId,
        };
}
