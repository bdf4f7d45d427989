using System.Globalization;
using System.Text;

namespace PruneGen.Solvers;

/// <summary>
/// Writes a <see cref="MilpModel"/> in CPLEX LP format, the text format CBC reads. Variables are named
/// <c>x{index}</c> and rows <c>r{index}</c> (LP names must be plain); the model's labels go into comments
/// so a written file stays readable. Numbers use the invariant culture and round-trip precision.
/// </summary>
public static class LpFileWriter
{
    private const int TermsPerLine = 8;

    public static void Write(MilpModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        File.WriteAllText(path, ToText(model), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    public static string ToText(MilpModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Variables.Count == 0)
            throw new ArgumentException($"model '{model.Name}' has no variables; an LP file needs at least one", nameof(model));

        var text = new StringBuilder();
        text.Append(@"\ ").Append(Sanitize(model.Name)).Append(": ")
            .Append(model.Variables.Count).Append(" variables, ").Append(model.Constraints.Count).Append(" constraints\n");
        text.Append(model.Sense == ObjectiveSense.Maximize ? "Maximize\n" : "Minimize\n");
        text.Append(" obj:");
        AppendExpression(text, model.Objective);
        text.Append('\n');

        text.Append("Subject To\n");
        for (int i = 0; i < model.Constraints.Count; i++)
        {
            LinearConstraint constraint = model.Constraints[i];
            text.Append(@"\ ").Append(Sanitize(constraint.Name)).Append('\n');
            text.Append(" r").Append(i.ToString(CultureInfo.InvariantCulture)).Append(':');
            AppendExpression(text, constraint.Expression);
            text.Append(constraint.Sense switch
            {
                ConstraintSense.LessOrEqual => " <= ",
                ConstraintSense.GreaterOrEqual => " >= ",
                _ => " = ",
            });
            text.Append(Number(constraint.Rhs)).Append('\n');
        }

        // Continuous variables need explicit bounds (LP's default is [0, +inf)); binaries get theirs from the section below.
        text.Append("Bounds\n");
        foreach (Variable v in model.Variables.Where(v => !v.IsBinary))
            text.Append(' ').Append(Number(v.Lower)).Append(" <= x").Append(v.Index.ToString(CultureInfo.InvariantCulture))
                .Append(" <= ").Append(Number(v.Upper)).Append('\n');

        Variable[] binaries = model.Variables.Where(v => v.IsBinary).ToArray();
        if (binaries.Length > 0)
        {
            text.Append("Binaries\n");
            for (int i = 0; i < binaries.Length; i += TermsPerLine)
            {
                text.Append(' ');
                text.AppendJoin(' ', binaries.Skip(i).Take(TermsPerLine).Select(v => "x" + v.Index.ToString(CultureInfo.InvariantCulture)));
                text.Append('\n');
            }
        }
        text.Append("End\n");
        return text.ToString();
    }

    private static void AppendExpression(StringBuilder text, LinearExpression expression)
    {
        var terms = expression.Terms.Where(t => t.Coefficient != 0).ToArray();
        // LP needs at least one term on a row; "0 x0" keeps an empty row (or objective) well-formed.
        if (terms.Length == 0) terms = [(0, 0.0)];
        for (int i = 0; i < terms.Length; i++)
        {
            if (i > 0 && i % TermsPerLine == 0) text.Append("\n   ");
            var (variable, coefficient) = terms[i];
            text.Append(coefficient < 0 ? " - " : " + ")
                .Append(Number(Math.Abs(coefficient))).Append(" x").Append(variable.ToString(CultureInfo.InvariantCulture));
        }
    }

    internal static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    // Labels go into comments; a line break would end the comment early.
    private static string Sanitize(string label) => label.Replace('\n', ' ').Replace('\r', ' ');
}
