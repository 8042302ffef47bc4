using System.Net.Http.Headers;

namespace Fal.Reactive.Bench.SideBySide;

/// <summary>
/// A handler that taps status-stream answers (<c>…/requests/{id}/status/stream</c>): the time the bytes of the
/// COMPLETED event are read, before the client parses them and fetches the result. Other answers pass untouched.
/// </summary>
internal sealed class StreamEventTap(HttpMessageHandler inner, NoticeClock clock) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var segments = request.RequestUri!.Segments;
        if (segments is [.., var id, "status/", "stream"] && response.IsSuccessStatusCode)
        {
            var tapped = new StreamContent(new TapStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), () => clock.Event(id.TrimEnd('/'))));
            foreach (var (name, values) in response.Content.Headers)
            {
                tapped.Headers.TryAddWithoutValidation(name, values);
            }

            response.Content = tapped;
        }

        return response;
    }

    private sealed class TapStream(Stream inner, Action completed) : Stream
    {
        private static readonly byte[] s_completed = "\"COMPLETED\""u8.ToArray();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (buffer.Span[..read].IndexOf(s_completed) >= 0)
            {
                completed();
            }

            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
