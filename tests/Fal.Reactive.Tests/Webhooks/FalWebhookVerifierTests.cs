using System.Net;
using System.Text;
using Fal.Reactive.Testing;
using Reason = Fal.Reactive.FalWebhookVerificationReason;

namespace Fal.Reactive.Tests.Webhooks;

/// <summary>Verification against vectors made with a known key: every failure is a typed result, never an exception.</summary>
public sealed class FalWebhookVerifierTests : IDisposable
{
    private readonly WebhookVectors _v = new();

    [Fact]
    public async Task SignedDelivery_IsVerifiedAndParsed()
    {
        var outcome = await _v.Verifier().VerifyAsync(_v.Sign(), WebhookVectors.Body);

        outcome.Reason.Should().Be(Reason.Verified, outcome.Message);
        outcome.IsVerified.Should().BeTrue();
        outcome.Webhook!.RequestId.Should().Be(WebhookVectors.RequestId);
        outcome.Webhook.Payload!.Value.GetProperty("seed").GetInt32().Should().Be(42);
    }

    [Fact]
    public async Task FixedVector_MatchesTheDocumentedMessage()
    {
        // Independent of the signer: the signature must be over "request\nuser\ntimestamp\nsha256hex(body)".
        var message = Encoding.UTF8.GetBytes($"{WebhookVectors.RequestId}\n{WebhookVectors.UserId}\n1795975200\n"
            + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(WebhookVectors.Body)));
        var signature = new byte[64];
        var seed = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Sign(seed, 0, message, 0, message.Length, signature, 0);
        var headers = new FalWebhookHeaders
        {
            RequestId = WebhookVectors.RequestId,
            UserId = WebhookVectors.UserId,
            Timestamp = "1795975200",
            Signature = Convert.ToHexString(signature), // upper-case hex is hex too
        };

        (await _v.Verifier().VerifyAsync(headers, WebhookVectors.Body)).Reason.Should().Be(Reason.Verified);
    }

    [Fact]
    public async Task TamperedBody_IsBadSignature()
    {
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(WebhookVectors.Body).Replace("42", "43", StringComparison.Ordinal));

        var outcome = await _v.Verifier().VerifyAsync(_v.Sign(), tampered);

        outcome.Reason.Should().Be(Reason.BadSignature);
        outcome.Webhook.Should().BeNull();
    }

    [Fact]
    public async Task TamperedSignedHeader_IsBadSignature()
    {
        var headers = _v.Sign() with { RequestId = "someone-elses-request" };

        (await _v.Verifier().VerifyAsync(headers, WebhookVectors.Body)).Reason.Should().Be(Reason.BadSignature);
    }

    [Fact]
    public async Task SignedByAnotherKey_IsBadSignature()
    {
        var outcome = await _v.Verifier().VerifyAsync(_v.Sign(key: FalWebhookSigningKey.Create()), WebhookVectors.Body);

        outcome.Reason.Should().Be(Reason.BadSignature);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public async Task TimestampBeyondTolerance_IsStale(int seconds)
    {
        var outcome = await _v.Verifier().VerifyAsync(_v.Sign(time: _v.Scheduler.Now.AddSeconds(seconds)), WebhookVectors.Body);

        outcome.Reason.Should().Be(Reason.Stale);
        _v.Server.Fetches.Should().Be(0, "a stale delivery is refused before any key is fetched");
    }

    [Fact]
    public async Task TimestampWithinTolerance_IsVerified()
    {
        var outcome = await _v.Verifier().VerifyAsync(_v.Sign(time: _v.Scheduler.Now.AddSeconds(-299)), WebhookVectors.Body);

        outcome.Reason.Should().Be(Reason.Verified);
    }

    [Fact]
    public async Task ClockMovesOn_SameDeliveryBecomesStale()
    {
        var verifier = _v.Verifier(o => o.Tolerance = TimeSpan.FromMinutes(1));
        var headers = _v.Sign();
        (await verifier.VerifyAsync(headers, WebhookVectors.Body)).Reason.Should().Be(Reason.Verified);

        _v.Scheduler.AdvanceBy(TimeSpan.FromSeconds(61).Ticks);

        (await verifier.VerifyAsync(headers, WebhookVectors.Body)).Reason.Should().Be(Reason.Stale);
    }

    [Theory]
    [InlineData(FalWebhookHeaders.RequestIdHeader)]
    [InlineData(FalWebhookHeaders.UserIdHeader)]
    [InlineData(FalWebhookHeaders.TimestampHeader)]
    [InlineData(FalWebhookHeaders.SignatureHeader)]
    public async Task MissingHeader_IsMissingHeaderNamingIt(string header)
    {
        var signed = _v.Sign();
        var headers = FalWebhookHeaders.From(name => name == header ? null : name switch
        {
            FalWebhookHeaders.RequestIdHeader => signed.RequestId,
            FalWebhookHeaders.UserIdHeader => signed.UserId,
            FalWebhookHeaders.TimestampHeader => signed.Timestamp,
            _ => signed.Signature,
        });

        var outcome = await _v.Verifier().VerifyAsync(headers, WebhookVectors.Body);

        outcome.Reason.Should().Be(Reason.MissingHeader);
        outcome.Message.Should().Contain(header);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999999")]
    [InlineData("")]
    public async Task MalformedTimestamp_IsRejectedWithoutThrowing(string timestamp)
    {
        var outcome = await _v.Verifier().VerifyAsync(_v.Sign() with { Timestamp = timestamp }, WebhookVectors.Body);

        outcome.Reason.Should().Be(timestamp.Length == 0 ? Reason.MissingHeader : Reason.InvalidTimestamp);
    }

    [Theory]
    [InlineData("zz")]
    [InlineData("abcd")]
    [InlineData("not hex at all, but long enough to be 128 characters xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    public async Task MalformedSignature_IsInvalidSignature(string signature)
    {
        var outcome = await _v.Verifier().VerifyAsync(_v.Sign() with { Signature = signature }, WebhookVectors.Body);

        outcome.Reason.Should().Be(Reason.InvalidSignature);
        _v.Server.Fetches.Should().Be(0);
    }

    [Fact]
    public async Task SignedBodyThatIsNotAWebhook_IsInvalidPayload()
    {
        var body = Encoding.UTF8.GetBytes("""{"hello":"world"}""");

        var outcome = await _v.Verifier().VerifyAsync(_v.Sign(body), body);

        outcome.Reason.Should().Be(Reason.InvalidPayload);
        outcome.Message.Should().Contain("request_id");
    }

    [Fact]
    public async Task ExpectedUser_OtherUsersDeliveryIsUnexpectedUser()
    {
        var verifier = _v.Verifier(o => o.UserId = WebhookVectors.UserId);

        (await verifier.VerifyAsync(_v.Sign(userId: "someone-else"), WebhookVectors.Body)).Reason.Should().Be(Reason.UnexpectedUser);
        (await verifier.VerifyAsync(_v.Sign(), WebhookVectors.Body)).Reason.Should().Be(Reason.Verified);
    }

    [Fact]
    public async Task JwksAnswersAnError_IsJwksUnavailable()
    {
        _v.Server.Answer = () => new HttpResponseMessage(HttpStatusCode.BadGateway);

        var outcome = await _v.Verifier().VerifyAsync(_v.Sign(), WebhookVectors.Body);

        outcome.Reason.Should().Be(Reason.JwksUnavailable);
        outcome.Message.Should().Contain("502");
    }

    [Fact]
    public async Task JwksLargerThanTheBound_IsJwksUnavailable()
    {
        var verifier = _v.Verifier(o => o.MaxJwksBytes = 100);

        var outcome = await verifier.VerifyAsync(_v.Sign(), WebhookVectors.Body);

        outcome.Reason.Should().Be(Reason.JwksUnavailable);
        outcome.Message.Should().Contain("larger than 100 bytes");
    }

    [Fact]
    public async Task JwksNotAKeySet_IsJwksUnavailable()
    {
        _v.Server.Answer = () => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>maintenance</html>") };

        (await _v.Verifier().VerifyAsync(_v.Sign(), WebhookVectors.Body)).Reason.Should().Be(Reason.JwksUnavailable);
    }

    [Fact]
    public async Task JwksWithoutEd25519Keys_IsUnknownKey()
    {
        _v.Server.Answer = () => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("""{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"},{"kty":"OKP","crv":"X25519","x":"AAAA"}]}"""),
        };

        (await _v.Verifier().VerifyAsync(_v.Sign(), WebhookVectors.Body)).Reason.Should().Be(Reason.UnknownKey);
    }

    [Fact]
    public async Task JwksThatNeverAnswers_TimesOutOnTheSchedulerAsJwksUnavailable()
    {
        _v.Server.Hang = true;
        var verifier = _v.Verifier(o => o.JwksTimeout = TimeSpan.FromSeconds(10));

        var pending = verifier.VerifyAsync(_v.Sign(), WebhookVectors.Body).AsTask();
        _v.Scheduler.AdvanceBy(TimeSpan.FromSeconds(9).Ticks);
        pending.IsCompleted.Should().BeFalse();
        _v.Scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        var outcome = await pending.WaitAsync(TimeSpan.FromSeconds(10));

        outcome.Reason.Should().Be(Reason.JwksUnavailable);
        outcome.Message.Should().Contain("longer than 10 s");
    }

    [Fact]
    public async Task JwksFetch_SendsNoKey()
    {
        using var fal = new FalClient(_v.Http, new FalClientOptions { Credentials = FalCredentials.FromKey("secret-key-123"), Scheduler = _v.Scheduler });

        await fal.CreateWebhookVerifier(new FalWebhookVerifierOptions { JwksUrl = JwksServer.Url }).VerifyAsync(_v.Sign(), WebhookVectors.Body);

        _v.Server.Requests.Should().ContainSingle().Which.Headers.Authorization.Should().BeNull();
    }

    [Fact]
    public void ClientVerifier_DefaultsToTheKeySetUnderTheClientsRestHost()
    {
        using var fal = new FalClient(_v.Http, new FalClientOptions { RestUrl = new Uri("http://127.0.0.1:5000/_rest") });

        fal.CreateWebhookVerifier().JwksUrl.Should().Be(new Uri("http://127.0.0.1:5000/_rest/.well-known/jwks.json"));
        new FalWebhookVerifier(_v.Http).JwksUrl.Should().Be(new Uri("https://rest.fal.ai/.well-known/jwks.json"));
    }

    [Fact]
    public void InvalidOption_IsArgumentExceptionAtConstruction()
    {
        Action<FalWebhookVerifierOptions>[] invalid =
        [
            o => o.Tolerance = TimeSpan.FromSeconds(-1),
            o => o.JwksUrl = new Uri("/jwks.json", UriKind.Relative),
            o => o.JwksUrl = new Uri("ftp://keys.test/jwks.json"),
            o => o.MaxJwksBytes = 0,
            o => o.JwksTimeout = TimeSpan.Zero,
            o => o.UserId = string.Empty,
        ];

        foreach (var change in invalid)
        {
            var options = new FalWebhookVerifierOptions();
            change(options);
            var create = () => new FalWebhookVerifier(_v.Http, options);
            create.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("options");
        }
    }

    public void Dispose() => _v.Dispose();
}
