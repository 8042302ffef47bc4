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
            ({ } x, { } y) => JsonElement.DeepEquals(x, y),
            _ => false,
        };

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
}
