using System.Collections.Generic;
using System.Text;
using PruneGen.Hosting.Configuration;

namespace PruneGen.Generators.Experiments;

/// <summary>
/// Reads the YAML that experiment configs use, one mapping of keys to scalars, into hosting's
/// <see cref="ConfigEntry"/> items with 1-based line and column. The generator cannot carry YamlDotNet,
/// so this reader covers plain, single- and double-quoted scalars and comments, recognises nested
/// values (indented lines, flow [..] / {..}) as non-scalars, and reports other YAML as a syntax error.
/// </summary>
internal static class FlatYamlReader
{
    public static ConfigSource Read(string text, string path)
    {
        var entries = new List<ConfigEntry>();
        var diagnostics = new List<ConfigDiagnostic>();
        string[] lines = text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            int lineNumber = i + 1;
            if (i == 0 && line.Length > 0 && line[0] == '\uFEFF') line = line.Substring(1);
            string trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] == '#' || trimmed == "---" || trimmed == "...") continue;

            if (line[0] == ' ' || line[0] == '\t')
            {
                // An indented line belongs to the previous key's value: that value is a mapping or a list.
                if (entries.Count > 0 && entries[entries.Count - 1].Text is null && entries[entries.Count - 1].Shape == ConfigValueShape.Scalar)
                {
                    ConfigEntry last = entries[entries.Count - 1];
                    entries[entries.Count - 1] = last with { Shape = trimmed.StartsWith("-") ? ConfigValueShape.Sequence : ConfigValueShape.Mapping };
                }
                else if (entries.Count == 0 || entries[entries.Count - 1].Shape == ConfigValueShape.Scalar)
                {
                    diagnostics.Add(Syntax(path, lineNumber, line.Length - line.TrimStart().Length + 1, "unexpected indentation (a config is one mapping of option keys to values)"));
                }
                continue;
            }
            if (line[0] == '-')
            {
                diagnostics.Add(Syntax(path, lineNumber, 1, "a config is a mapping of option keys to values, not a list"));
                continue;
            }

            int colon = FindSeparator(line);
            if (colon < 0)
            {
                diagnostics.Add(Syntax(path, lineNumber, 1, "expected 'key: value'"));
                continue;
            }
            string key = line.Substring(0, colon).TrimEnd();
            if (key.Length >= 2 && (key[0] == '"' && key[key.Length - 1] == '"' || key[0] == '\'' && key[key.Length - 1] == '\'')) key = key.Substring(1, key.Length - 2);
            var keyLocation = SourceLocation.InFile(path, lineNumber, 1);

            int start = colon + 1;
            while (start < line.Length && (line[start] == ' ' || line[start] == '\t')) start++;
            var valueLocation = SourceLocation.InFile(path, lineNumber, start + 1);
            if (start >= line.Length || line[start] == '#')
            {
                entries.Add(new ConfigEntry(key, null, false, ConfigValueShape.Scalar, keyLocation, keyLocation));
                continue;
            }
            char first = line[start];
            if (first == '[' || first == '{')
            {
                entries.Add(new ConfigEntry(key, null, false, first == '[' ? ConfigValueShape.Sequence : ConfigValueShape.Mapping, keyLocation, valueLocation));
                continue;
            }
            if (first == '"' || first == '\'')
            {
                string? value = ReadQuoted(line, start, out int end);
                string rest = end < line.Length ? line.Substring(end).Trim() : "";
                if (value is null || rest.Length > 0 && rest[0] != '#')
                {
                    diagnostics.Add(Syntax(path, lineNumber, start + 1, value is null ? "unterminated quoted value" : "unexpected text after the quoted value"));
                    continue;
                }
                entries.Add(new ConfigEntry(key, value, true, ConfigValueShape.Scalar, keyLocation, valueLocation));
                continue;
            }
            if (first is '|' or '>' or '&' or '*' or '!')
            {
                diagnostics.Add(Syntax(path, lineNumber, start + 1, $"'{first}' (block scalars, anchors, aliases, tags) is not supported in experiment configs"));
                continue;
            }
            int comment = line.IndexOf(" #", start, System.StringComparison.Ordinal);
            string plain = (comment < 0 ? line.Substring(start) : line.Substring(start, comment - start)).Trim();
            entries.Add(new ConfigEntry(key, plain, false, ConfigValueShape.Scalar, keyLocation, valueLocation));
        }
        return new ConfigSource(path, entries, diagnostics);
    }

    private static ConfigDiagnostic Syntax(string path, int line, int column, string message) =>
        new(ConfigErrorCodes.Syntax, "YAML: " + message, SourceLocation.InFile(path, line, column));

    // The key's colon: the first ':' followed by a space or the end of the line, outside a quoted key.
    private static int FindSeparator(string line)
    {
        char quote = line[0] == '"' || line[0] == '\'' ? line[0] : '\0';
        int from = 0;
        if (quote != '\0')
        {
            from = line.IndexOf(quote, 1);
            if (from < 0) return -1;
        }
        for (int i = from; i < line.Length; i++)
            if (line[i] == ':' && (i + 1 == line.Length || line[i + 1] == ' ' || line[i + 1] == '\t')) return i;
        return -1;
    }

    private static string? ReadQuoted(string line, int start, out int end)
    {
        char quote = line[start];
        var value = new StringBuilder();
        for (int i = start + 1; i < line.Length; i++)
        {
            char c = line[i];
            if (quote == '\'' && c == '\'')
            {
                if (i + 1 < line.Length && line[i + 1] == '\'')
                {
                    value.Append('\'');
                    i++;
                    continue;
                }
                end = i + 1;
                return value.ToString();
            }
            if (quote == '"' && c == '\\' && i + 1 < line.Length)
            {
                char next = line[++i];
                value.Append(next switch { 'n' => '\n', 't' => '\t', '0' => '\0', _ => next });
                continue;
            }
            if (quote == '"' && c == '"')
            {
                end = i + 1;
                return value.ToString();
            }
            value.Append(c);
        }
        end = line.Length;
        return null;
    }
}
