using System.Globalization;
using System.Text.Json;
using Fal.Reactive.Testing;

namespace Fal.Reactive.Emulator.Apps;

/// <summary>Reads an app's JSON input field by field, collecting pydantic-style 422 field errors as fal apps report them.</summary>
internal sealed class InputReader
{
    private readonly JsonElement _input;
    private readonly List<FalFieldError> _errors = [];

    public InputReader(JsonElement input)
    {
        _input = input;
        if (input.ValueKind != JsonValueKind.Object)
        {
            _errors.Add(new FalFieldError(["body"], "value is not a valid dict", "type_error.dict") { Url = DocsUrl("type_error.dict") });
        }
    }

    public bool HasErrors => _errors.Count > 0;

    /// <summary>A 422 script with every field error found.</summary>
    public FalAppScript Failure() => FalAppScript.Fail(422, _errors);

    public bool TryGet(string name, out JsonElement value)
    {
        value = default;
        return _input.ValueKind == JsonValueKind.Object
            && _input.TryGetProperty(name, out value)
            && value.ValueKind != JsonValueKind.Null;
    }

    public string RequiredString(string name)
    {
        if (!TryGet(name, out var value))
        {
            AddError(name, "field required", "value_error.missing");
            return string.Empty;
        }

        return StringValue(name, value);
    }

    public string? OptionalString(string name) => TryGet(name, out var value) ? StringValue(name, value) : null;

    public int Integer(string name, int fallback, int min, int max)
    {
        if (!TryGet(name, out var value))
        {
            return fallback;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            AddError(name, "value is not a valid integer", "type_error.integer");
            return fallback;
        }

        return InRange(name, number, min, max) ? number : fallback;
    }

    public long? OptionalLong(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
        {
            return number;
        }

        AddError(name, "value is not a valid integer", "type_error.integer");
        return null;
    }

    public double Number(string name, double fallback, double min, double max)
    {
        if (!TryGet(name, out var value))
        {
            return fallback;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            AddError(name, "value is not a valid float", "type_error.float");
            return fallback;
        }

        var number = value.GetDouble();
        return InRange(name, number, min, max) ? number : fallback;
    }

    public bool Boolean(string name, bool fallback)
    {
        if (!TryGet(name, out var value))
        {
            return fallback;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        AddError(name, "value could not be parsed to a boolean", "type_error.bool");
        return fallback;
    }

    /// <summary>Adds a field error on <c>body.{name}</c>, with fal's documentation link for its type (fal's model errors carry one).</summary>
    public void AddError(string name, string message, string type) =>
        _errors.Add(new FalFieldError(["body", name], message, type) { Url = DocsUrl(type) });

    /// <summary>fal's documentation of an error type: <c>https://docs.fal.ai/errors/#{type}</c>, as fal's model errors link it.</summary>
    public static string DocsUrl(string type) => "https://docs.fal.ai/errors/#" + type;

    private string StringValue(string name, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString()!;
        }

        AddError(name, "str type expected", "type_error.str");
        return string.Empty;
    }

    private bool InRange(string name, double number, double min, double max)
    {
        if (number < min)
        {
            AddError(name, $"ensure this value is greater than or equal to {min.ToString(CultureInfo.InvariantCulture)}", "value_error.number.not_ge");
            return false;
        }

        if (number > max)
        {
            AddError(name, $"ensure this value is less than or equal to {max.ToString(CultureInfo.InvariantCulture)}", "value_error.number.not_le");
            return false;
        }

        return true;
    }
}
