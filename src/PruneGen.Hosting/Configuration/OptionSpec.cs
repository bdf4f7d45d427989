using System;
using System.Collections.Generic;

namespace PruneGen.Hosting.Configuration;

/// <summary>The value types an experiment option can have.</summary>
public enum OptionKind
{
    /// <summary>A whole number (stored as int or long).</summary>
    Integer,
    /// <summary>A real number (stored as double or float).</summary>
    Number,
    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,
    /// <summary>Free text.</summary>
    Text,
    /// <summary>One of a fixed list of names (an enum).</summary>
    Choice,
}

/// <summary>
/// What the validator needs to know about one option: plain data, no delegates, so that the generator
/// can build the same specification from an attributed property at compile time.
/// </summary>
/// <param name="Key">snake_case name used in YAML files and <c>--set</c>.</param>
/// <param name="Kind">Value type.</param>
/// <param name="Description">One line for <c>list</c> and for comments in the resolved config.</param>
/// <param name="DefaultText">The default as YAML text.</param>
/// <param name="Minimum">Inclusive lower bound for numbers, if any.</param>
/// <param name="Maximum">Inclusive upper bound for numbers, if any.</param>
/// <param name="Choices">Allowed names for <see cref="OptionKind.Choice"/>.</param>
public sealed record OptionSpec(
    string Key,
    OptionKind Kind,
    string Description,
    string DefaultText,
    double? Minimum = null,
    double? Maximum = null,
    IReadOnlyList<string>? Choices = null)
{
    /// <summary>Human text for the accepted values, e.g. "integer in [1, 1000]".</summary>
    public string Describe()
    {
        string kind = Kind switch
        {
            OptionKind.Integer => "integer",
            OptionKind.Number => "number",
            OptionKind.Boolean => "true or false",
            OptionKind.Text => "text",
            OptionKind.Choice => "one of " + string.Join(", ", Choices ?? Array.Empty<string>()),
            _ => Kind.ToString(),
        };
        if (Minimum is null && Maximum is null) return kind;
        string lo = Minimum is { } min ? OptionValueParser.FormatNumber(min) : "-inf";
        string hi = Maximum is { } max ? OptionValueParser.FormatNumber(max) : "inf";
        return Minimum is not null && Maximum is not null ? $"{kind} in [{lo}, {hi}]" :
            Minimum is not null ? $"{kind} >= {lo}" : $"{kind} <= {hi}";
    }
}
