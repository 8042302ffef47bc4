namespace Fal.Reactive;

/// <summary>One field error of a 422 answer (<c>{"loc": [...], "msg": "...", "type": "..."}</c>).</summary>
/// <param name="Loc">Where the error is, e.g. <c>["body", "prompt"]</c>.</param>
/// <param name="Msg">What is wrong.</param>
/// <param name="Type">The error type, e.g. <c>value_error.missing</c>.</param>
public sealed record FalValidationError(IReadOnlyList<string> Loc, string Msg, string? Type)
{
    /// <summary>The field the error is about: the last element of <see cref="Loc"/>.</summary>
    public string? Field => Loc.Count > 0 ? Loc[^1] : null;

    /// <inheritdoc/>
    public bool Equals(FalValidationError? other) =>
        other is not null && Loc.SequenceEqual(other.Loc) && Msg == other.Msg && Type == other.Type;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Loc.Count, Msg, Type);

    /// <inheritdoc/>
    public override string ToString() => $"{string.Join('.', Loc)}: {Msg}" + (Type is null ? string.Empty : $" ({Type})");
}
