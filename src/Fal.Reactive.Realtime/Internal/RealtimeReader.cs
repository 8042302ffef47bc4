using System.Text.Json;

namespace Fal.Reactive;

/// <summary>Reads one connection's frames until it ends: a close, a refused token, or an error.</summary>
internal static class RealtimeReader
{
    public static async Task<RealtimeReadEnd> ReadAsync(IRealtimeSocket socket, string appId, IFalRealtimeCodec codec, Action<JsonElement, string?> onResult, CancellationToken ct)
    {
        while (true)
        {
            var frame = await socket.ReceiveAsync(ct).ConfigureAwait(false);
            if (frame.Kind == RealtimeFrameKind.Close)
            {
                return new RealtimeReadEnd(RealtimeFrameKind.Close, frame.CloseStatus, frame.CloseReason, Unauthorized: false, Error: null);
            }

            RealtimeMessage meaning;
            try
            {
                meaning = RealtimeCodec.Read(frame, codec);
            }
            catch (FormatException e)
            {
                return RealtimeReadEnd.Failed(new FalProtocolException($"Realtime app {appId}: {e.Message}", e));
            }

            switch (meaning.Kind)
            {
                case RealtimeMessageKind.Unauthorized:
                    return new RealtimeReadEnd(RealtimeFrameKind.Text, 0, null, Unauthorized: true, Error: null);
                case RealtimeMessageKind.Error:
                    return RealtimeReadEnd.Failed(RealtimeErrors.FromFrame(appId, meaning));
                case RealtimeMessageKind.Result:
                    onResult(meaning.Message, meaning.RequestId);
                    break;
            }
        }
    }
}

/// <summary>How a connection's frames ended: the close frame (<see cref="Kind"/> Close), a refused token, or an error that ends the session.</summary>
internal readonly record struct RealtimeReadEnd(RealtimeFrameKind Kind, int CloseStatus, string? CloseReason, bool Unauthorized, Exception? Error)
{
    public static RealtimeReadEnd Failed(Exception error) => new(RealtimeFrameKind.Text, 0, null, Unauthorized: false, error);
}
