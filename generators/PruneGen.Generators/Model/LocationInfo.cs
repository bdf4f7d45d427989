using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace PruneGen.Generators.Model;

/// <summary>
/// A source location as plain data (file, span, line span). Roslyn's <see cref="Location"/> holds a
/// syntax tree, which would keep old compilations alive and break the model's value equality.
/// </summary>
internal sealed record LocationInfo(string FilePath, int Start, int Length, int StartLine, int StartColumn, int EndLine, int EndColumn)
{
    public static LocationInfo? From(Location? location)
    {
        if (location is null || location.SourceTree is null) return null;
        FileLinePositionSpan lines = location.GetLineSpan();
        return new LocationInfo(lines.Path ?? "", location.SourceSpan.Start, location.SourceSpan.Length,
            lines.StartLinePosition.Line, lines.StartLinePosition.Character, lines.EndLinePosition.Line, lines.EndLinePosition.Character);
    }

    public static LocationInfo? From(SyntaxReference? reference) => reference is null ? null : From(reference.GetSyntax().GetLocation());

    public Location ToLocation() => Location.Create(FilePath, new TextSpan(Start, Length),
        new LinePositionSpan(new LinePosition(StartLine, StartColumn), new LinePosition(EndLine, EndColumn)));
}
