using System.Net.Http.Headers;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Tests.Testing.Routing;

/// <summary>With configured keys, a request belongs to the key that made it: the others get 404, as for an unknown id.</summary>
public class SimulatorKeyScopingTests
{
    private const string Alice = "alice-key-0001";
    private const string Bob = "bob-key-0002";

    private static void As(HttpRequestMessage request, string key) => request.Headers.Authorization = new AuthenticationHeaderValue("Key", key);

    private static SimulatorHarness Create(IReadOnlyCollection<string>? keys)
    {
        var h = new SimulatorHarness(new FalSimulatorOptions { AcceptedKeys = keys, Workers = 1 });
        h.Simulator.MapApp("emulator/slow", FalAppScript.Succeed(new { done = true }, TimeSpan.FromSeconds(10)));
        return h;
    }

    [Fact]
    public async Task WithKeys_AnotherKeysRequest_Is404ForStatusStreamResultAndCancel()
    {
        using var h = Create([Alice, Bob]);
        var (_, submitted) = await h.SendAsync(HttpMethod.Post, SimulatorHarness.Queue("emulator/slow"), new { }, r => As(r, Alice));
        var url = submitted.GetProperty("response_url").GetString()!;

        var status = await h.SendAsync(HttpMethod.Get, new Uri(url + "/status"), null, r => As(r, Bob));
        var stream = await h.SendAsync(HttpMethod.Get, new Uri(url + "/status/stream"), null, r => As(r, Bob));
        var result = await h.SendAsync(HttpMethod.Get, new Uri(url), null, r => As(r, Bob));
        var cancel = await h.SendAsync(HttpMethod.Put, new Uri(url + "/cancel"), null, r => As(r, Bob));

        new[] { status.Status, stream.Status, result.Status, cancel.Status }.Should().AllBeEquivalentTo(404);
        h.Simulator.Requests.Should().ContainSingle().Which.CancelRequested.Should().BeFalse();
        (await h.SendAsync(HttpMethod.Get, new Uri(url + "/status"), null, r => As(r, Alice))).Status.Should().Be(202);
        (await h.SendAsync(HttpMethod.Put, new Uri(url + "/cancel"), null, r => As(r, Alice))).Status.Should().Be(202);
    }

    [Fact]
    public async Task WithoutKeys_AnyKeyAddressesAnyRequest()
    {
        using var h = Create(null);
        var (_, submitted) = await h.SendAsync(HttpMethod.Post, SimulatorHarness.Queue("emulator/slow"), new { }, r => As(r, Alice));

        var status = await h.SendAsync(HttpMethod.Get, new Uri(submitted.GetProperty("status_url").GetString()!), null, r => As(r, Bob));

        status.Status.Should().Be(202, "without configured keys there is nothing to scope by");
    }
}
