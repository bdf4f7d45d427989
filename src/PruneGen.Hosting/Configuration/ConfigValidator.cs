using System;
using System.Collections.Generic;
using System.Linq;

namespace PruneGen.Hosting.Configuration;

/// <summary>A typed value bound to an option, with the place it came from.</summary>
public sealed record BoundValue(OptionSpec Spec, object Value, SourceLocation Origin);

/// <summary>The outcome of checking configuration sources against an experiment's options.</summary>
public sealed record ConfigBinding(IReadOnlyDictionary<string, BoundValue> Values, IReadOnlyList<ConfigDiagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Count > 0;

    /// <summary>Throws a <see cref="ConfigException"/> listing every error, if there is any.</summary>
    public ConfigBinding ThrowIfErrors()
    {
        if (HasErrors) throw new ConfigException(Diagnostics);
        return this;
    }
}

/// <summary>
/// Checks untyped entries against option specifications: unknown keys (with a suggestion), wrong
/// types, out-of-range values, duplicates, non-scalar values. Sources are applied in order, so a later
/// source overrides an earlier one (defaults &lt; config file &lt; <c>--set</c>). Depends only on the
/// BCL so the generator can link it and report the same errors at build time (these six files compile
/// for netstandard2.0 with only an IsExternalInit polyfill).
/// </summary>
public static class ConfigValidator
{
    public static ConfigBinding Validate(IReadOnlyList<OptionSpec> specs, IEnumerable<ConfigSource> sources, IReadOnlyCollection<string>? reservedKeys = null)
    {
        var byKey = new Dictionary<string, OptionSpec>(StringComparer.Ordinal);
        foreach (OptionSpec spec in specs) byKey[spec.Key] = spec;

        var values = new Dictionary<string, BoundValue>(StringComparer.Ordinal);
        var diagnostics = new List<ConfigDiagnostic>();
        foreach (ConfigSource source in sources)
        {
            diagnostics.AddRange(source.Diagnostics);
            var seen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
            foreach (ConfigEntry entry in source.Entries)
            {
                if (reservedKeys is not null && reservedKeys.Contains(entry.Key)) continue;
                if (seen.TryGetValue(entry.Key, out SourceLocation? first))
                {
                    diagnostics.Add(new(ConfigErrorCodes.DuplicateKey, $"option '{entry.Key}' is given twice (first at {first})", entry.KeyLocation));
                    continue;
                }
                seen[entry.Key] = entry.KeyLocation;

                if (!byKey.TryGetValue(entry.Key, out OptionSpec? spec))
                {
                    string? near = OptionValueParser.Suggest(entry.Key, byKey.Keys);
                    diagnostics.Add(new(ConfigErrorCodes.UnknownKey,
                        $"unknown option '{entry.Key}'" + (near is null ? "" : $" (did you mean '{near}'?)") + "; run 'list' to see every experiment's options",
                        entry.KeyLocation));
                    continue;
                }
                if (entry.Shape != ConfigValueShape.Scalar)
                {
                    diagnostics.Add(new(ConfigErrorCodes.BadShape,
                        $"option '{entry.Key}' expects {spec.Describe()}, not a {(entry.Shape == ConfigValueShape.Mapping ? "mapping" : "list")}",
                        entry.ValueLocation));
                    continue;
                }
                OptionValueParser.Outcome outcome = OptionValueParser.Parse(spec, entry.Text, entry.Quoted);
                if (!outcome.Success)
                {
                    diagnostics.Add(new(outcome.ErrorCode!, outcome.Error!, entry.ValueLocation));
                    continue;
                }
                values[entry.Key] = new BoundValue(spec, outcome.Value!, entry.ValueLocation);
            }
        }
        return new ConfigBinding(values, diagnostics);
    }
}
