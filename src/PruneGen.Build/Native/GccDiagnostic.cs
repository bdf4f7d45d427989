using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace PruneGen.Build.Native;

internal enum DiagnosticKind { Error, Warning, Note }

/// <summary>One line of g++ output that names a problem, located where g++ located it.</summary>
internal sealed class GccDiagnostic
{
    public GccDiagnostic(DiagnosticKind kind, string? file, int line, int column, string message)
    {
        Kind = kind;
        File = file;
        Line = line;
        Column = column;
        Message = message;
    }

    public DiagnosticKind Kind { get; }
    public string? File { get; }
    public int Line { get; }
    public int Column { get; }
    public string Message { get; }

    // "file:line:col: error: text" (column optional), as g++ prints in the C locale.
    private static readonly Regex Located = new Regex(
        @"^(?<file>[^:\n]+):(?<line>\d+):(?:(?<col>\d+):)?\s+(?<kind>fatal error|error|warning|note):\s?(?<msg>.*)$",
        RegexOptions.CultureInvariant);

    // "g++: error: text" or "cc1plus: warning: text": a problem with no source position.
    private static readonly Regex Unlocated = new Regex(
        @"^(?<tool>[^:\s]+):\s+(?<kind>fatal error|error|warning|note):\s?(?<msg>.*)$",
        RegexOptions.CultureInvariant);

    public static List<GccDiagnostic> Parse(string output)
    {
        var diagnostics = new List<GccDiagnostic>();
        foreach (string raw in output.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            Match m = Located.Match(line);
            if (m.Success)
            {
                diagnostics.Add(new GccDiagnostic(KindOf(m.Groups["kind"].Value), m.Groups["file"].Value,
                    int.Parse(m.Groups["line"].Value, CultureInfo.InvariantCulture),
                    m.Groups["col"].Success ? int.Parse(m.Groups["col"].Value, CultureInfo.InvariantCulture) : 0,
                    m.Groups["msg"].Value));
                continue;
            }
            m = Unlocated.Match(line);
            if (m.Success)
            {
                diagnostics.Add(new GccDiagnostic(KindOf(m.Groups["kind"].Value), null, 0, 0,
                    m.Groups["tool"].Value + ": " + m.Groups["msg"].Value));
            }
        }
        return diagnostics;
    }

    private static DiagnosticKind KindOf(string kind) => kind switch
    {
        "warning" => DiagnosticKind.Warning,
        "note" => DiagnosticKind.Note,
        _ => DiagnosticKind.Error,
    };
}
