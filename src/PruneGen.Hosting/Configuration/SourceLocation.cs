using System;
using System.Collections.Generic;

namespace PruneGen.Hosting.Configuration;

/// <summary>
/// Where a configuration value came from: a YAML file (line and column, 1-based) or a command-line
/// argument such as <c>--set lr=0.1</c>. Kept free of YamlDotNet types so the same checks can run
/// inside the generator and be reported as build errors.
/// </summary>
public sealed record SourceLocation(string Source, int Line, int Column, string? Argument = null)
{
    /// <summary>A location inside a file.</summary>
    public static SourceLocation InFile(string path, int line, int column) => new(path, line, column);

    /// <summary>A location inside one command-line argument (column counts from the argument's first character).</summary>
    public static SourceLocation InArgument(string option, string argument, int column = 1) => new(option, 0, column, argument);

    /// <summary>A value with no better origin (defaults, budgets).</summary>
    public static SourceLocation Builtin(string what) => new(what, 0, 0);

    public bool IsFile => Argument is null && Line > 0;

    /// <summary>MSBuild's canonical origin form for files, <c>path(line,col)</c>; <c>--set key=value</c> for arguments.</summary>
    public override string ToString() =>
        Argument is not null ? $"{Source} {Argument}" :
        Line > 0 ? $"{Source}({Line},{Column})" :
        Source;
}
