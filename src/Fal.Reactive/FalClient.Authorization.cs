using System.Reactive.Concurrency;

namespace Fal.Reactive;

// The client's own Authorization header, for a realtime socket in header-auth mode (fal_client's use_jwt=False).
public partial class FalClient
{
    /// <summary>
    /// The <c>Authorization</c> value HTTP calls send (a token source's token refreshed when due), for a WebSocket
    /// handshake that cannot go through the HTTP call path. Never logged nor put into an exception.
    /// </summary>
    /// <exception cref="MissingCredentialsException">No key was given or found.</exception>
    /// <exception cref="InvalidOperationException">Proxy mode: the proxy holds the key, and does not carry WebSockets.</exception>
    internal async ValueTask<string> AuthorizationHeaderAsync(IScheduler scheduler, CancellationToken cancellationToken)
    {
        var credentials = Context.Transport.EnsureCredentials()
            ?? throw new InvalidOperationException("Header auth needs the client's own credentials; in proxy mode the proxy holds the key (use temporary tokens).");
        await credentials.PrepareAsync(async: true, scheduler, cancellationToken).ConfigureAwait(false);
        return credentials.AuthorizationHeaderValue;
    }
}
