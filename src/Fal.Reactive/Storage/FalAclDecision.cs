namespace Fal.Reactive;

/// <summary>An access decision on stored objects, as fal names them (<c>hide</c>, <c>forbid</c>, <c>allow</c>).</summary>
public enum FalAclDecision
{
    /// <summary><c>hide</c>: the object answers as if it did not exist.</summary>
    Hide,

    /// <summary><c>forbid</c>: the object answers with a refusal.</summary>
    Forbid,

    /// <summary><c>allow</c>: the object may be read.</summary>
    Allow,
}
