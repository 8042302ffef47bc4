using System.Text;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>Value equality for the parts of a status that records compare by reference.</summary>
internal static class FalValueEquality
{
    public static bool LogsEqual(IReadOnlyList<FalLog>? a, IReadOnlyList<FalLog>? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null || a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!Equals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    public static bool JsonEqual(JsonElement? a, JsonElement? b) =>
        (a, b) switch
        {
            (null, null) => true,
            ({ } x, { } y) => DeepEquals(x, y),
            _ => false,
        };

#if NET9_0_OR_GREATER
    private static bool DeepEquals(JsonElement x, JsonElement y) => JsonElement.DeepEquals(x, y);
#else
    // JsonElement.DeepEquals is .NET 9+: the same structural rule (object members by name, in any order;
    // arrays in order; numbers by their text once normalized, as DeepEquals compares them).
    private static bool DeepEquals(JsonElement x, JsonElement y)
    {
        if (x.ValueKind != y.ValueKind)
        {
            return false;
        }

        switch (x.ValueKind)
        {
            case JsonValueKind.Object:
                var count = 0;
                foreach (var property in x.EnumerateObject())
                {
                    count++;
                    if (!y.TryGetProperty(property.Name, out var other) || !DeepEquals(property.Value, other))
                    {
                        return false;
                    }
                }

                return count == y.EnumerateObject().Count();
            case JsonValueKind.Array:
                if (x.GetArrayLength() != y.GetArrayLength())
                {
                    return false;
                }

                using (var a = x.EnumerateArray())
                using (var b = y.EnumerateArray())
                {
                    while (a.MoveNext() && b.MoveNext())
                    {
                        if (!DeepEquals(a.Current, b.Current))
                        {
                            return false;
                        }
                    }
                }

                return true;
            case JsonValueKind.String:
                return x.ValueEquals(y.GetString());
            case JsonValueKind.Number:
                return x.GetRawText() == y.GetRawText()
                    || (x.TryGetDecimal(out var m) && y.TryGetDecimal(out var n) && m == n)
                    || x.GetDouble().Equals(y.GetDouble());
            default:
                return true;
        }
    }
#endif

    public static void PrintLogs(StringBuilder builder, IReadOnlyList<FalLog>? logs)
    {
        if (logs is null)
        {
            builder.Append("null");
            return;
        }

        builder.Append('[');
        for (var i = 0; i < logs.Count; i++)
        {
            builder.Append(i == 0 ? "\"" : ", \"").Append(logs[i].Message).Append('"');
        }

        builder.Append(']');
    }

    /// <summary>The count of log entries left out, when there are any.</summary>
    public static void PrintOmitted(StringBuilder builder, int omitted)
    {
        if (omitted > 0)
        {
            builder.Append(", OmittedLogCount = ").Append(omitted);
        }
    }
}
