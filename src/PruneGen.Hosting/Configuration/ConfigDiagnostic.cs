using System;
using System.Collections.Generic;

namespace PruneGen.Hosting.Configuration;

/// <summary>Stable identifiers of configuration errors (the generator reports the same ids at build time).</summary>
public static class ConfigErrorCodes
{
    public const string Syntax = "PGC001";
    public const string UnknownKey = "PGC002";
    public const string WrongType = "PGC003";
    public const string OutOfRange = "PGC004";
    public const string DuplicateKey = "PGC005";
    public const string BadShape = "PGC006";
    public const string ExperimentMismatch = "PGC007";
}

/// <summary>One configuration error, with the place that caused it.</summary>
public sealed record ConfigDiagnostic(string Code, string Message, SourceLocation Location)
{
    /// <summary>The canonical one-line form: <c>file.yaml(3,8): error PGC003: ...</c>.</summary>
    public override string ToString() => $"{Location}: error {Code}: {Message}";
}

/// <summary>Thrown when a configuration has errors; carries all of them, not just the first.</summary>
public sealed class ConfigException : Exception
{
    public IReadOnlyList<ConfigDiagnostic> Diagnostics { get; }

    public ConfigException(IReadOnlyList<ConfigDiagnostic> diagnostics)
        : base(diagnostics.Count == 1
            ? diagnostics[0].ToString()
            // "\n", not Environment.NewLine: this file is also compiled into the generator, where analyzers may not read the environment (RS1035).
            : $"{diagnostics.Count} configuration errors:\n{string.Join("\n", diagnostics)}")
    {
        Diagnostics = diagnostics;
    }
}
