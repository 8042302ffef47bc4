using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// The poll answer a request gets most often (IN_QUEUE or IN_PROGRESS, no logs to read) read in one forward pass,
/// without building a document or a string: the status and the request id are compared in place.
/// </summary>
/// <remarks>
/// Anything else — COMPLETED, logs to read, a repeated or ill-typed field, JSON that is not well formed — is left to
/// <see cref="FalWire.ParseStatus"/>'s full reading, which holds the protocol's rules and its error messages; this
/// reader only ever answers with what that one would have answered.
/// </remarks>
internal static class StatusAnswerReader
{
    /// <summary>The status when the answer is one of the common shapes; false to read it in full.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, string requestId, bool withLogs, out FalStatus? status)
    {
        status = null;
        try
        {
            return TryReadCore(body, requestId, withLogs, out status);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryReadCore(ReadOnlySpan<byte> body, string requestId, bool withLogs, out FalStatus? status)
    {
        status = null;
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var kind = 0; // 1 IN_QUEUE, 2 IN_PROGRESS
        var position = -1;
        bool seenStatus = false, seenId = false, seenPosition = false, seenLogs = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("status"u8))
            {
                if (seenStatus || !reader.Read() || reader.TokenType != JsonTokenType.String)
                {
                    return false;
                }

                seenStatus = true;
                kind = reader.ValueTextEquals("IN_PROGRESS"u8) ? 2 : reader.ValueTextEquals("IN_QUEUE"u8) ? 1 : 0;
                if (kind == 0)
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("request_id"u8))
            {
                // Another request's id (or an odd type) is an error the full reading words.
                if (seenId || !reader.Read() || !(reader.TokenType == JsonTokenType.Null || (reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(requestId))))
                {
                    return false;
                }

                seenId = true;
            }
            else if (reader.ValueTextEquals("queue_position"u8))
            {
                if (seenPosition || !reader.Read())
                {
                    return false;
                }

                seenPosition = true;
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var p) && p >= 0)
                {
                    position = p;
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("logs"u8))
            {
                if (seenLogs || !reader.Read())
                {
                    return false;
                }

                seenLogs = true;
                // Logs asked for and sent: the full reading builds them.
                if (withLogs && reader.TokenType != JsonTokenType.Null)
                {
                    return false;
                }

                reader.Skip();
            }
            else
            {
                // Fields a poll does not use (metrics, timings, …): skipped whole.
                if (!reader.Read())
                {
                    return false;
                }

                reader.Skip();
            }
        }

        // The object must end here, with nothing after it.
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            return false;
        }

        switch (kind)
        {
            case 1 when position >= 0:
                status = new Queued(requestId, position);
                return true;
            case 2:
                status = new InProgress(requestId, withLogs ? [] : null);
                return true;
            default:
                return false;
        }
    }
}
