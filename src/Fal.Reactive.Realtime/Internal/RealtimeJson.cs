namespace Fal.Reactive;

/// <summary>Why the realtime serializer's reflection is not reported where it happens.</summary>
internal static class RealtimeJson
{
    /// <summary>The client's own reflection message: a realtime input or output is serialized as a request's is.</summary>
    public const string ReflectionMessage = FalJson.ReflectionMessage;

    public const string Justification =
        "A realtime connection is only made by FalRealtimeClientExtensions.Realtime, which is marked [RequiresUnreferencedCode] and " +
        "[RequiresDynamicCode]: its caller has been warned, and these members run only for connections it made.";
}
