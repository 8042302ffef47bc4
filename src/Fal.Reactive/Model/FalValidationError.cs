namespace Fal.Reactive;

/// <summary>
/// One field error of a 422 answer (<c>{"loc": [...], "msg": "...", "type": "...", "url": "..."}</c>): fal's model errors
/// carry a machine-readable <see cref="Type"/> (fal's own, e.g. <see cref="FalModelErrorTypes.ImageLoadError"/>, or
/// pydantic's, e.g. <c>value_error.missing</c>) and a link to its documentation in <see cref="Url"/>.
/// </summary>
/// <param name="Loc">Where the error is, e.g. <c>["body", "prompt"]</c>.</param>
/// <param name="Msg">What is wrong.</param>
/// <param name="Type">The error type, e.g. <c>value_error.missing</c>.</param>
public sealed record FalValidationError(IReadOnlyList<string> Loc, string Msg, string? Type)
{
    /// <summary>Gets the link to fal's documentation of the error type (e.g. <c>https://docs.fal.ai/errors/#image_load_error</c>); null when the answer has none.</summary>
    public string? Url { get; init; }

    /// <summary>The field the error is about: the last element of <see cref="Loc"/>.</summary>
    public string? Field => Loc.Count > 0 ? Loc[^1] : null;

    /// <inheritdoc/>
    public bool Equals(FalValidationError? other) =>
        other is not null && Loc.SequenceEqual(other.Loc) && Msg == other.Msg && Type == other.Type && Url == other.Url;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Loc.Count, Msg, Type);

    /// <inheritdoc/>
    public override string ToString() => $"{string.Join('.', Loc)}: {Msg}" + (Type is null ? string.Empty : $" ({Type})");
}
