using System;
using System.Collections.Generic;
using System.Globalization;

namespace PruneGen.Hosting.Configuration;

/// <summary>
/// Turns the text of a YAML scalar or a <c>--set</c> value into a typed value and checks its range.
/// Produces <see cref="long"/> for integers, <see cref="double"/> for numbers, <see cref="bool"/>,
/// and <see cref="string"/> for text and choices (the canonical choice name).
/// </summary>
public static class OptionValueParser
{
    /// <summary>Result of parsing one value: either <see cref="Value"/> or an error code and message.</summary>
    public readonly record struct Outcome(object? Value, string? ErrorCode, string? Error)
    {
        public bool Success => ErrorCode is null;
        internal static Outcome Ok(object value) => new(value, null, null);
        internal static Outcome Fail(string code, string message) => new(null, code, message);
    }

    /// <param name="spec">The option.</param>
    /// <param name="text">The scalar's text; null when the YAML value is empty.</param>
    /// <param name="quoted">
    /// True when the YAML scalar was quoted: a quoted "5" is text, so it is a type error for a numeric
    /// option (the config is typed, not stringly).
    /// </param>
    public static Outcome Parse(OptionSpec spec, string? text, bool quoted)
    {
        if (text is null || (!quoted && IsYamlNull(text)))
            return spec.Kind == OptionKind.Text && quoted
                ? Outcome.Ok("")
                : Outcome.Fail(ConfigErrorCodes.WrongType, $"option '{spec.Key}' expects {spec.Describe()}, but the value is empty");

        string shown = quoted ? $"\"{text}\"" : $"'{text}'";
        switch (spec.Kind)
        {
            case OptionKind.Integer:
                if (quoted || !TryParseInteger(text, out long integer))
                    return Outcome.Fail(ConfigErrorCodes.WrongType, $"option '{spec.Key}' expects an integer, got {shown}");
                return CheckRange(spec, integer, integer);
            case OptionKind.Number:
                if (quoted || !TryParseNumber(text, out double number))
                    return Outcome.Fail(ConfigErrorCodes.WrongType, $"option '{spec.Key}' expects a number, got {shown}");
                return CheckRange(spec, number, number);
            case OptionKind.Boolean:
                if (!quoted && (text is "true" or "True" or "TRUE")) return Outcome.Ok(true);
                if (!quoted && (text is "false" or "False" or "FALSE")) return Outcome.Ok(false);
                return Outcome.Fail(ConfigErrorCodes.WrongType, $"option '{spec.Key}' expects true or false, got {shown}");
            case OptionKind.Text:
                return Outcome.Ok(text);
            case OptionKind.Choice:
                IReadOnlyList<string> choices = spec.Choices ?? Array.Empty<string>();
                foreach (string c in choices)
                    if (string.Equals(c, text, StringComparison.OrdinalIgnoreCase)) return Outcome.Ok(c);
                string? near = Suggest(text, choices);
                return Outcome.Fail(ConfigErrorCodes.OutOfRange,
                    $"option '{spec.Key}' must be one of {string.Join(", ", choices)}; got {shown}" + (near is null ? "" : $" (did you mean '{near}'?)"));
            default:
                return Outcome.Fail(ConfigErrorCodes.WrongType, $"option '{spec.Key}' has an unsupported kind {spec.Kind}");
        }
    }

    private static Outcome CheckRange(OptionSpec spec, double value, object boxed)
    {
        if ((spec.Minimum is { } min && value < min) || (spec.Maximum is { } max && value > max) || double.IsNaN(value))
            return Outcome.Fail(ConfigErrorCodes.OutOfRange,
                $"option '{spec.Key}' must be {spec.Describe()}; got {FormatNumber(value)}");
        return Outcome.Ok(boxed);
    }

    /// <summary>YAML 1.2 core-schema nulls.</summary>
    public static bool IsYamlNull(string text) => text is "" or "~" or "null" or "Null" or "NULL";

    /// <summary>Decimal integers with an optional sign; underscores as digit separators (1_000).</summary>
    public static bool TryParseInteger(string text, out long value) =>
        long.TryParse(text.Replace("_", ""), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)
        && text.Length > 0 && text[0] != '_' && text[text.Length - 1] != '_';

    /// <summary>Decimal or exponent notation (0.1, 1e-3, 5); YAML's .inf/.nan are rejected on purpose.</summary>
    public static bool TryParseNumber(string text, out double value) =>
        double.TryParse(text.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out value)
        && !double.IsNaN(value) && !double.IsInfinity(value);

    /// <summary>Shortest round-trip invariant text of a number.</summary>
    public static string FormatNumber(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The closest candidate by edit distance, if it is close enough to be a plausible typo.</summary>
    public static string? Suggest(string text, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string c in candidates)
        {
            int d = EditDistance(text.ToLowerInvariant(), c.ToLowerInvariant());
            if (d < bestDistance) { best = c; bestDistance = d; }
        }
        return best is not null && bestDistance <= Math.Max(2, best.Length / 3) ? best : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
