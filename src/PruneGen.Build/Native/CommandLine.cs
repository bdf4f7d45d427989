using System.Collections.Generic;
using System.Text;

namespace PruneGen.Build.Native;

/// <summary>
/// Joins arguments into one string that .NET's process launcher splits back into the same list.
/// netstandard2.0 has no ProcessStartInfo.ArgumentList, so quoting is done here; the same text is
/// what stamps record and logs show.
/// </summary>
internal static class CommandLine
{
    public static string Join(IEnumerable<string> arguments)
    {
        var text = new StringBuilder();
        foreach (string argument in arguments)
        {
            if (text.Length > 0) text.Append(' ');
            AppendQuoted(text, argument);
        }
        return text.ToString();
    }

    // The launcher follows the Windows argv rules: quotes group, and backslashes only escape when
    // they precede a quote.
    private static void AppendQuoted(StringBuilder text, string argument)
    {
        if (argument.Length > 0 && argument.IndexOfAny(new[] { ' ', '\t', '\n', '"', '\'' }) < 0)
        {
            text.Append(argument);
            return;
        }
        text.Append('"');
        int backslashes = 0;
        foreach (char c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }
            if (c == '"')
            {
                text.Append('\\', backslashes * 2 + 1);
            }
            else
            {
                text.Append('\\', backslashes);
            }
            backslashes = 0;
            text.Append(c);
        }
        text.Append('\\', backslashes * 2);
        text.Append('"');
    }
}
