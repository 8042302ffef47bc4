using System.Text.Json;
using Fal.Reactive.Testing;
using Fal.Reactive.Tests.Storage;

namespace Fal.Reactive.Tests.Parity;

/// <summary>
/// Both official clients send <c>initial_acl</c> in the object lifecycle (fal_client <c>_normalize_upload_lifecycle</c>,
/// the JS client's <c>buildObjectLifecycleHeaders</c>): <c>{"default":…,"rules":[{"user":…,"decision":…}]}</c>,
/// leaving out what is not set.
/// </summary>
public class StorageAclTests
{
    [Fact]
    public void Lifecycle_WithAnInitialAcl_SendsDefaultAndRules_InFalsShape()
    {
        var lifecycle = FalObjectLifecycle.OneHour with
        {
            InitialAcl = new FalStorageAcl(FalAclDecision.Forbid, [new FalAclRule("github|42", FalAclDecision.Allow), new FalAclRule("me\"\n", FalAclDecision.Hide)]),
        };

        using var doc = JsonDocument.Parse(lifecycle.HeaderValue!);
        doc.RootElement.GetProperty("expiration_duration_seconds").GetInt64().Should().Be(3600);
        var acl = doc.RootElement.GetProperty("initial_acl");
        acl.GetProperty("default").GetString().Should().Be("forbid");
        acl.GetProperty("rules").EnumerateArray().Select(r => (r.GetProperty("user").GetString(), r.GetProperty("decision").GetString()))
            .Should().Equal(("github|42", "allow"), ("me\"\n", "hide"));
        lifecycle.HeaderValue.Should().NotContain("\n", "a header value has no line break");
    }

    [Fact]
    public void Lifecycle_WithoutAcl_SendsOnlyTheExpiry_AndAnEmptyAclNothing()
    {
        FalObjectLifecycle.OneDay.HeaderValue.Should().Be("""{"expiration_duration_seconds":86400}""");
        (FalObjectLifecycle.OneDay with { InitialAcl = new FalStorageAcl(null, []) }).HeaderValue.Should().Be("""{"expiration_duration_seconds":86400}""");
        (FalObjectLifecycle.OneDay with { InitialAcl = new FalStorageAcl(FalAclDecision.Hide) }).HeaderValue
            .Should().Be("""{"expiration_duration_seconds":86400,"initial_acl":{"default":"hide"}}""");
    }

    [Fact]
    public async Task Upload_SendsTheAclInBothLifecycleHeaders_AsFalClient()
    {
        using var h = new StorageHarness();
        var lifecycle = FalObjectLifecycle.OneHour with { InitialAcl = new FalStorageAcl(FalAclDecision.Allow) };

        await h.Storage.UploadAsync(FalUploadContent.FromBytes([1, 2, 3], "application/octet-stream"), new FalUploadOptions { Lifecycle = lifecycle });

        var upload = h.Tap.Sent.Last();
        upload.Headers["X-Fal-Object-Lifecycle"].Should().Contain("\"initial_acl\":{\"default\":\"allow\"}");
        upload.Headers["X-Fal-Object-Lifecycle-Preference"].Should().Be(upload.Headers["X-Fal-Object-Lifecycle"]);
    }

    [Fact]
    public void Never_SendsNoExpiry_AndWithAnAclSendsTheAclAlone_AsTheJsClient()
    {
        FalObjectLifecycle.Never.ExpiresIn.Should().BeNull();
        FalObjectLifecycle.Never.HeaderValue.Should().BeNull("nothing set, nothing sent (buildObjectLifecycleHeaders sends no header)");
        (FalObjectLifecycle.Never with { InitialAcl = new FalStorageAcl(null, []) }).HeaderValue.Should().BeNull();
        (FalObjectLifecycle.Never with { InitialAcl = new FalStorageAcl(FalAclDecision.Forbid, [new FalAclRule("github|42", FalAclDecision.Allow)]) }).HeaderValue
            .Should().Be("""{"initial_acl":{"default":"forbid","rules":[{"user":"github|42","decision":"allow"}]}}""");
    }

    [Fact]
    public async Task AclWithoutExpiry_GoesOnTheWire_OnSubmitAndUpload_AndNeverAloneSendsNoHeader()
    {
        using var h = new StorageHarness();
        h.Simulator.MapApp("fal-ai/fast-sdxl", FalAppScript.Succeed(new { }, TimeSpan.FromSeconds(1)));
        var aclOnly = FalObjectLifecycle.Never with { InitialAcl = new FalStorageAcl(FalAclDecision.Hide) };

        await h.Client.SubmitAsync("fal-ai/fast-sdxl", new { prompt = "x" }, new FalEnqueueOptions { StorageLifecycle = aclOnly });
        await h.Client.SubmitAsync("fal-ai/fast-sdxl", new { prompt = "y" }, new FalEnqueueOptions { StorageLifecycle = FalObjectLifecycle.Never });
        var url = await h.Storage.UploadAsync(FalUploadContent.FromBytes([1, 2, 3], "application/octet-stream"), new FalUploadOptions { Lifecycle = aclOnly });

        h.Simulator.Requests.Select(r => r.ObjectLifecycle).Should().Equal("""{"initial_acl":{"default":"hide"}}""", null);
        var upload = h.Tap.Sent.Last();
        upload.Headers["X-Fal-Object-Lifecycle"].Should().Be("""{"initial_acl":{"default":"hide"}}""");
        upload.Headers["X-Fal-Object-Lifecycle-Preference"].Should().Be("""{"initial_acl":{"default":"hide"}}""");
        h.File(url).Lifecycle.Should().Be("""{"initial_acl":{"default":"hide"}}""");
    }
}
