using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PruneGen.Hosting.Configuration;

/// <summary>
/// Reads a YAML config into <see cref="ConfigEntry"/> items that keep each key's and value's line and
/// column (YamlDotNet's representation model keeps the marks that a deserializer would drop).
/// A config is one mapping of option keys to scalars.
/// </summary>
public static class YamlConfigReader
{
    public static ConfigSource ReadFile(string path)
    {
        if (!File.Exists(path))
            return new ConfigSource(path, [], [new(ConfigErrorCodes.Syntax, $"config file '{path}' does not exist", SourceLocation.Builtin(path))]);
        return ReadText(File.ReadAllText(path), path);
    }

    /// <param name="text">YAML text.</param>
    /// <param name="sourceName">The file name used in error locations.</param>
    public static ConfigSource ReadText(string text, string sourceName)
    {
        var stream = new YamlStream();
        var parser = new MarkTrackingParser(new Parser(new StringReader(text)));
        try
        {
            stream.Load(parser);
        }
        catch (Exception e) when (e is not YamlException)
        {
            // Some malformed inputs (an unterminated flow list at the end of the file) make YamlDotNet's
            // scanner throw without a mark; report them at the last place it parsed.
            return new ConfigSource(sourceName, [], [new(ConfigErrorCodes.Syntax, "YAML: the document ends inside an unfinished value (unclosed bracket or quote?)",
                At(sourceName, parser.LastEnd))]);
        }
        catch (YamlException e)
        {
            // YamlDotNet wraps some errors (e.g. duplicate keys) with the inner one holding the message.
            string message = Innermost(e).Message;
            string code = message.Contains("Duplicate key", StringComparison.OrdinalIgnoreCase) ? ConfigErrorCodes.DuplicateKey : ConfigErrorCodes.Syntax;
            Mark at = e.Start;
            return new ConfigSource(sourceName, [], [new(code, "YAML: " + message, SourceLocation.InFile(sourceName, (int)at.Line, (int)at.Column))]);
        }

        if (stream.Documents.Count == 0) return new ConfigSource(sourceName, [], []);
        if (stream.Documents.Count > 1)
        {
            Mark second = stream.Documents[1].RootNode.Start;
            return new ConfigSource(sourceName, [], [new(ConfigErrorCodes.BadShape, "a config file holds one YAML document", At(sourceName, second))]);
        }

        YamlNode root = stream.Documents[0].RootNode;
        if (root is YamlScalarNode { Value: null or "" or "~" or "null" }) return new ConfigSource(sourceName, [], []);
        if (root is not YamlMappingNode mapping)
            return new ConfigSource(sourceName, [], [new(ConfigErrorCodes.BadShape, "a config file is a mapping of option keys to values (key: value)", At(sourceName, root.Start))]);

        var entries = new List<ConfigEntry>();
        var diagnostics = new List<ConfigDiagnostic>();
        foreach ((YamlNode keyNode, YamlNode valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                diagnostics.Add(new(ConfigErrorCodes.BadShape, "option keys are plain names", At(sourceName, keyNode.Start)));
                continue;
            }
            SourceLocation keyAt = At(sourceName, keyNode.Start);
            // An empty value ("epochs:") has a zero-width node at the end of the key line; point at the key.
            SourceLocation valueAt = valueNode is YamlScalarNode { Value: null or "" } && valueNode.Start.Equals(valueNode.End)
                ? keyAt : At(sourceName, valueNode.Start);
            entries.Add(valueNode switch
            {
                YamlScalarNode s => new ConfigEntry(key, s.Value, s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted,
                    ConfigValueShape.Scalar, keyAt, valueAt),
                YamlMappingNode => new ConfigEntry(key, null, false, ConfigValueShape.Mapping, keyAt, valueAt),
                _ => new ConfigEntry(key, null, false, ConfigValueShape.Sequence, keyAt, valueAt),
            });
        }
        return new ConfigSource(sourceName, entries, diagnostics);
    }

    /// <summary>Remembers where the last successfully parsed event ended.</summary>
    private sealed class MarkTrackingParser(IParser inner) : IParser
    {
        public Mark LastEnd { get; private set; } = Mark.Empty;
        public YamlDotNet.Core.Events.ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            bool moved = inner.MoveNext();
            if (inner.Current is { } e) LastEnd = e.End;
            return moved;
        }
    }

    private static SourceLocation At(string source, Mark mark) => SourceLocation.InFile(source, (int)mark.Line, (int)mark.Column);

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
