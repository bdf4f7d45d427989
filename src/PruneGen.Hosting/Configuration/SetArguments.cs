namespace PruneGen.Hosting.Configuration;

/// <summary>
/// Parses <c>--set key=value</c> arguments. The value is read like an unquoted YAML scalar unless it is
/// wrapped in quotes (<c>--set name="5"</c> is the text 5), so <c>--set</c> and YAML type values the same way.
/// </summary>
public static class SetArguments
{
    public const string OptionName = "--set";

    public static ConfigSource Parse(IEnumerable<string> arguments)
    {
        var entries = new List<ConfigEntry>();
        var diagnostics = new List<ConfigDiagnostic>();
        foreach (string argument in arguments)
        {
            int eq = argument.IndexOf('=');
            var whole = SourceLocation.InArgument(OptionName, argument);
            if (eq < 0)
            {
                diagnostics.Add(new(ConfigErrorCodes.BadShape, $"expected key=value, got '{argument}'", whole));
                continue;
            }
            string key = argument[..eq].Trim();
            if (key.Length == 0)
            {
                diagnostics.Add(new(ConfigErrorCodes.BadShape, $"the key before '=' is missing in '{argument}'", whole));
                continue;
            }
            string raw = argument[(eq + 1)..].Trim();
            bool quoted = raw.Length >= 2 && ((raw[0] == '"' && raw[^1] == '"') || (raw[0] == '\'' && raw[^1] == '\''));
            string text = quoted ? raw[1..^1] : raw;
            entries.Add(new ConfigEntry(key, text.Length == 0 && !quoted ? null : text, quoted, ConfigValueShape.Scalar,
                whole, SourceLocation.InArgument(OptionName, argument, eq + 2)));
        }
        return new ConfigSource(OptionName, entries, diagnostics);
    }
}
