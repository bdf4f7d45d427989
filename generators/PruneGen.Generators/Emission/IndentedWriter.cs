using System;
using System.Text;

namespace PruneGen.Generators.Emission;

/// <summary>Writes C# text line by line with four-space indentation and "\n" line ends (deterministic on every OS).</summary>
internal sealed class IndentedWriter
{
    private readonly StringBuilder _text = new();
    private int _depth;

    public IndentedWriter Line(string line = "")
    {
        if (line.Length > 0) _text.Append(' ', _depth * 4).Append(line);
        _text.Append('\n');
        return this;
    }

    /// <summary>Writes several lines (split on '\n'), each at the current indentation.</summary>
    public IndentedWriter Lines(string text)
    {
        foreach (string line in text.Split('\n')) Line(line);
        return this;
    }

    /// <summary>Writes <paramref name="header"/> and "{", indents until the returned scope is disposed, then writes "}" + <paramref name="closing"/>.</summary>
    public IDisposable Block(string header, string closing = "")
    {
        Line(header);
        Line("{");
        _depth++;
        return new Scope(this, closing);
    }

    public IndentedWriter Indent()
    {
        _depth++;
        return this;
    }

    public IndentedWriter Unindent()
    {
        _depth--;
        return this;
    }

    public override string ToString() => _text.ToString();

    private sealed class Scope(IndentedWriter writer, string closing) : IDisposable
    {
        public void Dispose()
        {
            writer._depth--;
            writer.Line("}" + closing);
        }
    }
}
