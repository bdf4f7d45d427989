using System.Collections.Generic;
using System.IO;
using System.Text;

namespace PruneGen.Build.Native;

/// <summary>
/// Reads the make-style dependency file g++ writes with -MMD: "target: prereq prereq \ ...", with
/// "\ " for a space inside a path and "$$" for a dollar sign.
/// </summary>
internal static class DepFile
{
    /// <summary>The prerequisites of the first rule, or null when the file is missing or unreadable.</summary>
    public static List<string>? ReadPrerequisites(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (IOException) { return null; }
        catch (System.UnauthorizedAccessException) { return null; }
        return ParsePrerequisites(text);
    }

    internal static List<string>? ParsePrerequisites(string text)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        bool targetSeen = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            char next = i + 1 < text.Length ? text[i + 1] : '\0';
            if (c == '\\' && (next == '\n' || next == '\r'))
            {
                // Line continuation: acts as a separator.
                i++;
                if (next == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                Flush(tokens, current);
                continue;
            }
            if (c == '\\' && (next == ' ' || next == '#'))
            {
                current.Append(next);
                i++;
                continue;
            }
            if (c == '$' && next == '$')
            {
                current.Append('$');
                i++;
                continue;
            }
            if (c == ':' && !targetSeen && (next == ' ' || next == '\t' || next == '\n' || next == '\r' || next == '\0'))
            {
                // End of the target; what is gathered so far is the target itself.
                current.Clear();
                tokens.Clear();
                targetSeen = true;
                continue;
            }
            if (c == '\n' && targetSeen)
            {
                // The first rule ends at an unescaped newline (-MP adds phony rules after it).
                Flush(tokens, current);
                return tokens;
            }
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            {
                Flush(tokens, current);
                continue;
            }
            current.Append(c);
        }
        Flush(tokens, current);
        return targetSeen ? tokens : null;
    }

    private static void Flush(List<string> tokens, StringBuilder current)
    {
        if (current.Length == 0) return;
        tokens.Add(current.ToString());
        current.Clear();
    }
}
