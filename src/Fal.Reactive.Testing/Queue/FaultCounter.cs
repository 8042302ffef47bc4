using System.Security.Cryptography;

namespace Fal.Reactive.Testing;

/// <summary>Counts the scripted faults answered so far, to answer each one its scripted number of times.</summary>
internal sealed class FaultCounter(int maxKeys)
{
    // Keyed by a hash of the body, not the body (which may be large), and bounded: oldest keys are forgotten first.
    private readonly Dictionary<string, int> _answeredByBody = new(StringComparer.Ordinal);
    private readonly Queue<string> _keys = new();

    /// <summary>
    /// The fault to answer instead of a submit, run or stream call, if any. Counted per app path and body: a call
    /// creates no request to count on, and a client retrying a call sends the same path and body again.
    /// </summary>
    public ScriptFault? NextBodyFault(FalAppScript script, FalCallKind kind, string path, ReadOnlySpan<byte> body)
    {
        foreach (var fault in script.Faults)
        {
            if (fault.Kind != kind)
            {
                continue;
            }

            var key = $"{kind}|{path}|{Convert.ToHexString(SHA256.HashData(body))}";
            if (!_answeredByBody.TryGetValue(key, out var answered))
            {
                _keys.Enqueue(key);
                while (_keys.Count > maxKeys && _keys.TryDequeue(out var oldest))
                {
                    _answeredByBody.Remove(oldest);
                }
            }

            if (answered < fault.Count)
            {
                _answeredByBody[key] = answered + 1;
                return fault;
            }
        }

        return null;
    }

    /// <summary>The fault to answer instead of a status, status stream, result or cancel call: counted per request.</summary>
    public static ScriptFault? NextRequestFault(RequestRecord record, FalCallKind kind)
    {
        foreach (var fault in record.Script.Faults)
        {
            if (fault.Kind != kind)
            {
                continue;
            }

            record.FaultsAnswered.TryGetValue(kind, out var answered);
            if (answered < fault.Count)
            {
                record.FaultsAnswered[kind] = answered + 1;
                return fault;
            }
        }

        return null;
    }
}
