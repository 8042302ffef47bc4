#if !NET9_0_OR_GREATER
namespace System.Runtime.CompilerServices;

/// <summary>
/// The compiler's overload tie-breaker, in the framework from .NET 9 on. The C# compiler recognizes it by
/// name, so on net8.0 this copy keeps calls without options binding to the <c>FalRunOptions</c> overloads.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
internal sealed class OverloadResolutionPriorityAttribute(int priority) : Attribute
{
    /// <summary>Higher wins over lower among the applicable overloads of one type.</summary>
    public int Priority { get; } = priority;
}
#endif
