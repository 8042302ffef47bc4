using System.Reflection;

namespace Fal.Reactive.Tests.Packages;

/// <summary>
/// Packages by dependency: the client references neither BouncyCastle (webhooks) nor MessagePack (realtime); each
/// feature package brings its own, and keeps the client's namespace so call sites read the same.
/// eng/check-packages.py checks the same on the packed .nuspec files.
/// </summary>
public class PackageLayeringTests
{
    private static readonly Assembly Core = typeof(FalClient).Assembly;
    private static readonly Assembly Webhooks = typeof(FalWebhookVerifier).Assembly;
    private static readonly Assembly Realtime = typeof(FalRealtimeOptions).Assembly;
    private static readonly Assembly AspNetCore = typeof(Fal.Reactive.AspNetCore.FalWebhookEndpointOptions).Assembly;

    [Fact]
    public void Core_ReferencesNeitherBouncyCastleNorMessagePack()
    {
        References(Core).Should().NotContain(["BouncyCastle.Cryptography", "MessagePack", "MessagePack.Annotations"]);
        References(Core).Should().NotContain(["Fal.Reactive.Webhooks", "Fal.Reactive.Realtime"]);
    }

    [Fact]
    public void WebhookAndRealtimeTypes_LiveInTheirOwnAssemblies_InTheClientsNamespace()
    {
        Webhooks.GetName().Name.Should().Be("Fal.Reactive.Webhooks");
        Realtime.GetName().Name.Should().Be("Fal.Reactive.Realtime");
        Webhooks.GetExportedTypes().Select(t => t.Namespace).Distinct().Should().Equal("Fal.Reactive");
        Realtime.GetExportedTypes().Select(t => t.Namespace).Distinct().Should().Equal("Fal.Reactive");
        References(Webhooks).Should().Contain("BouncyCastle.Cryptography").And.NotContain("MessagePack");
        References(Realtime).Should().Contain("MessagePack").And.NotContain("BouncyCastle.Cryptography");
    }

    [Fact]
    public void Core_HasNoWebhookOrRealtimeType()
    {
        Core.GetExportedTypes().Select(t => t.Name)
            .Where(n => n.StartsWith("FalWebhook", StringComparison.Ordinal) || n.StartsWith("FalRealtime", StringComparison.Ordinal))
            .Should().BeEmpty();
    }

    [Fact]
    public void AspNetCore_VerifiesThroughTheWebhookPackage_NotBouncyCastleDirectly()
    {
        References(AspNetCore).Should().Contain("Fal.Reactive.Webhooks").And.NotContain("BouncyCastle.Cryptography");
    }

    private static string?[] References(Assembly assembly) => [.. assembly.GetReferencedAssemblies().Select(a => a.Name)];
}
