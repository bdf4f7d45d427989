using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using PruneGen.Generators.Diagnostics;
using PruneGen.Generators.Model;
using PruneGen.Hosting.Configuration;

namespace PruneGen.Generators.Experiments;

/// <summary>A YAML config that belongs to the project (an AdditionalFiles item), as plain data.</summary>
internal sealed record ConfigFile(string Path, string Text);

/// <summary>
/// Build-time check of the project's YAML configs against the experiment each one names: unknown keys,
/// wrong types, out-of-range values and duplicates become PG0016 errors at the file's line and column.
/// The checks are hosting's own (<see cref="ConfigValidator"/>, linked as source), so build and run time
/// report the same PGCxxx problems.
/// </summary>
internal static class ConfigFileChecker
{
    /// <summary>
    /// The common keys as hosting's <c>CommonOptions</c> declares them (keys, kinds, ranges, choices). The
    /// experiments tests compare this table with the runtime's so the two cannot drift apart.
    /// </summary>
    public static readonly OptionSpec[] CommonSpecs =
    {
        new("epochs", OptionKind.Integer, "", "", 1, 100_000),
        new("steps_per_epoch", OptionKind.Integer, "", "", 0),
        new("batch_size", OptionKind.Integer, "", "", 1, 65_536),
        new("seed", OptionKind.Integer, "", "", 0),
        new("threads", OptionKind.Integer, "", "", 0, 1024),
        new("train_subset", OptionKind.Integer, "", "", 0),
        new("test_subset", OptionKind.Integer, "", "", 0),
        new("lr", OptionKind.Number, "", "", 0, 100),
        new("momentum", OptionKind.Number, "", "", 0, 1),
        new("weight_decay", OptionKind.Number, "", "", 0, 1),
        new("lr_schedule", OptionKind.Choice, "", "", Choices: new[] { "constant", "cosine", "step", "one_cycle" }),
        new("warmup_epochs", OptionKind.Integer, "", "", 0),
        new("checkpoint_every", OptionKind.Integer, "", "", 0),
        new("deterministic", OptionKind.Boolean, "", ""),
        new("channels_last", OptionKind.Boolean, "", ""),
        new("latency_batch", OptionKind.Integer, "", "", 1),
        new("latency_repeats", OptionKind.Integer, "", "", 1),
        new("latency_threads", OptionKind.Integer, "", "", 0, 1024),
    };

    public const string ExperimentKey = "experiment";

    public static bool IsConfig(string path) => path.EndsWith(".yaml", System.StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", System.StringComparison.OrdinalIgnoreCase);

    public static EquatableArray<DiagnosticInfo> Check(ConfigFile file, IReadOnlyList<ExperimentDeclaration> experiments)
    {
        var found = new List<DiagnosticInfo>();
        try
        {
            ConfigSource source = FlatYamlReader.Read(file.Text, file.Path);
            ConfigEntry? name = source.Entries.FirstOrDefault(e => e.Key == ExperimentKey);
            var diagnostics = new List<ConfigDiagnostic>(source.Diagnostics);
            if (name?.Text is null)
                diagnostics.Add(new(ConfigErrorCodes.ExperimentMismatch, $"the config does not name its experiment ('{ExperimentKey}: <name>')",
                    name?.KeyLocation ?? SourceLocation.InFile(file.Path, 1, 1)));
            else if (experiments.FirstOrDefault(e => e.Name == name.Text) is not { } experiment)
                diagnostics.Add(new(ConfigErrorCodes.ExperimentMismatch,
                    $"no experiment '{name.Text}' in this project" + (OptionValueParser.Suggest(name.Text, experiments.Select(e => e.Name)) is string near ? $" (did you mean '{near}'?)" : ""),
                    name.ValueLocation));
            else if (!experiment.HasErrors)
                diagnostics.AddRange(ConfigValidator.Validate(Specs(experiment), new[] { source }, new[] { ExperimentKey }).Diagnostics);
            foreach (ConfigDiagnostic d in diagnostics) found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidConfig, Locate(file, d.Location), d.Code, d.Message));
        }
        catch (System.Exception e)
        {
            found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, null, file.Path, e.Message));
        }
        return found.ToEquatableArray();
    }

    private static List<OptionSpec> Specs(ExperimentDeclaration experiment)
    {
        var specs = new List<OptionSpec>(CommonSpecs);
        foreach (OptionDeclaration o in experiment.Options)
        {
            OptionKind kind = o.Type switch
            {
                OptionType.Int or OptionType.Long => OptionKind.Integer,
                OptionType.Double => OptionKind.Number,
                OptionType.Bool => OptionKind.Boolean,
                OptionType.Text => OptionKind.Text,
                _ => OptionKind.Choice,
            };
            specs.Add(new OptionSpec(o.Key, kind, o.Description, o.DefaultLiteral, Bound(o.MinLiteral), Bound(o.MaxLiteral),
                kind == OptionKind.Choice ? o.Choices.Select(c => c.Key).ToArray() : null));
        }
        return specs;
    }

    private static double? Bound(string? literal) =>
        literal is null ? null : double.Parse(literal.TrimEnd('L'), NumberStyles.Float, CultureInfo.InvariantCulture);

    // SourceLocation is 1-based line/column in the file; Roslyn wants 0-based positions and a span.
    private static LocationInfo Locate(ConfigFile file, SourceLocation location)
    {
        SourceText text = SourceText.From(file.Text);
        int line = System.Math.Max(0, System.Math.Min(location.Line - 1, text.Lines.Count - 1));
        TextLine textLine = text.Lines[line];
        int column = System.Math.Max(0, System.Math.Min(location.Column - 1, textLine.End - textLine.Start));
        int start = textLine.Start + column;
        return new LocationInfo(file.Path, start, 0, line, column, line, column);
    }
}
