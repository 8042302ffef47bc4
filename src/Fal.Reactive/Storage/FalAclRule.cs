namespace Fal.Reactive;

/// <summary>One user's access to stored objects (fal's <c>initial_acl.rules[]</c>).</summary>
/// <param name="User">The fal user the rule names, as fal spells it.</param>
/// <param name="Decision">What that user may do.</param>
public sealed record FalAclRule(string User, FalAclDecision Decision);
