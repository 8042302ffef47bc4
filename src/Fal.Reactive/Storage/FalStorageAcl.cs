using System.Text.Json;

namespace Fal.Reactive;

/// <summary>
/// The access rules fal gives stored objects when it creates them (fal's <c>initial_acl</c>, fal_client's
/// <c>StorageACL</c>, the JS client's <c>initialAcl</c>): a default decision and per-user rules over it.
/// </summary>
/// <param name="Default">The decision for anyone no rule names; null leaves fal's default.</param>
/// <param name="Rules">Per-user decisions, sent in this order.</param>
public sealed record FalStorageAcl(FalAclDecision? Default, IReadOnlyList<FalAclRule> Rules)
{
    /// <summary>Only a default decision.</summary>
    /// <param name="defaultDecision">The decision for everyone.</param>
    public FalStorageAcl(FalAclDecision defaultDecision)
        : this(defaultDecision, [])
    {
    }

    /// <summary>Whether nothing is set: no default and no rule (nothing is sent).</summary>
    internal bool IsEmpty => Default is null && (Rules is null || Rules.Count == 0);

    /// <summary>Writes <c>"initial_acl":{…}</c>, leaving out what is not set (as both official clients do).</summary>
    internal void Write(Utf8JsonWriter w)
    {
        if (IsEmpty)
        {
            return;
        }

        w.WriteStartObject("initial_acl");
        if (Default is { } decision)
        {
            w.WriteString("default", Wire(decision));
        }

        if (Rules is { Count: > 0 })
        {
            w.WriteStartArray("rules");
            foreach (var rule in Rules)
            {
                w.WriteStartObject();
                w.WriteString("user", rule.User);
                w.WriteString("decision", Wire(rule.Decision));
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static string Wire(FalAclDecision decision) => decision switch
    {
        FalAclDecision.Hide => "hide",
        FalAclDecision.Forbid => "forbid",
        FalAclDecision.Allow => "allow",
        _ => throw new ArgumentOutOfRangeException(nameof(decision), decision, "Unknown access decision."),
    };
}
