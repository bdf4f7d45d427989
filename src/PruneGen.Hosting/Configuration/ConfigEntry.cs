using System;
using System.Collections.Generic;

namespace PruneGen.Hosting.Configuration;

/// <summary>The shape of a configuration value; options only take scalars.</summary>
public enum ConfigValueShape
{
    Scalar,
    Mapping,
    Sequence,
}

/// <summary>
/// One <c>key: value</c> pair as read from a YAML file or a <c>--set</c> argument, before typing.
/// </summary>
/// <param name="Key">The key as written.</param>
/// <param name="Text">The scalar text (null for an empty value or a non-scalar).</param>
/// <param name="Quoted">Whether the scalar was quoted (then it is text, never a number or boolean).</param>
/// <param name="Shape">Scalar, mapping or sequence.</param>
/// <param name="KeyLocation">Where the key starts.</param>
/// <param name="ValueLocation">Where the value starts (the key's location if the value is empty).</param>
public sealed record ConfigEntry(
    string Key,
    string? Text,
    bool Quoted,
    ConfigValueShape Shape,
    SourceLocation KeyLocation,
    SourceLocation ValueLocation);

/// <summary>The entries of one source (a file or the list of <c>--set</c> arguments), plus errors found while reading it.</summary>
public sealed record ConfigSource(string Name, IReadOnlyList<ConfigEntry> Entries, IReadOnlyList<ConfigDiagnostic> Diagnostics);
