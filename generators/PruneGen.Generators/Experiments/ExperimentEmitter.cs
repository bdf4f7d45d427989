using System.Collections.Generic;
using System.Linq;
using PruneGen.Generators.Diagnostics;
using PruneGen.Generators.Emission;
using PruneGen.Generators.Model;

namespace PruneGen.Generators.Experiments;

/// <summary>
/// Writes, per experiment, its option descriptors and <c>Definition</c>; per project, the catalog of
/// every experiment and the networks they use and, for an executable, <c>Main</c>.
/// </summary>
internal static class ExperimentEmitter
{
    private const string X = "global::PruneGen.Experiments.";
    private const string T = "global::PruneGen.Training.";
    private const string Collections = "global::System.Collections.Generic.";

    /// <summary>Namespace and class of the project-level file (internal, so one per assembly never clashes).</summary>
    public const string ProgramNamespace = "PruneGen.Generated";
    public const string ProgramClass = "ExperimentsProgram";

    public static GeneratorOutput Emit(ExperimentDeclaration experiment)
    {
        if (experiment.HasErrors) return new GeneratorOutput(EquatableArray<GeneratedFile>.Empty, experiment.Diagnostics);
        try
        {
            return new GeneratorOutput(new[] { new GeneratedFile(experiment.Type.HintPrefix + ".Experiment.g.cs", EmitExperiment(experiment)) },
                EquatableArray<DiagnosticInfo>.Empty);
        }
        catch (System.Exception e)
        {
            return new GeneratorOutput(EquatableArray<GeneratedFile>.Empty,
                new[] { DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, experiment.Type.Location, experiment.Type.Name, e.Message) });
        }
    }

    private static string EmitExperiment(ExperimentDeclaration e)
    {
        string self = e.Type.FullyQualifiedName;
        string definition = $"{X}Experiment<{self}>";
        var w = new IndentedWriter();
        using (Emission.Emit.Begin(w, e.Type, "experiment"))
        {
            using (w.Block($"partial class {e.Type.Name}"))
            {
                w.Line($"/// <summary>The experiment '{e.Name}' as the host runs it: {Escape(e.Network())} / {Escape(e.Method)} on {e.Dataset}.</summary>");
                w.Line($"public static {definition} Definition {{ get; }} = new {definition}(");
                w.Indent();
                w.Line($"{Naming.Literal(e.Name)}, {Naming.Literal(e.Description)}, {Naming.Literal(e.NetworkName)}, {Naming.Literal(e.Method)},");
                w.Line(Dataset(e.Dataset) + ",");
                w.Line($"new {X}ExperimentBudget(Epochs: {e.Epochs}, StepsPerEpoch: {e.StepsPerEpoch}, BatchSize: {e.BatchSize}, TrainSubset: {e.TrainSubset}),");
                w.Line($"static () => new {self}(),");
                w.Line("OptionDescriptors(),");
                w.Line("static (options, widths) =>");
                w.Line("{");
                w.Indent();
                w.Line($"var network = widths is null ? new {e.NetworkType}() : new {e.NetworkType}({e.NetworkType}.Widths.FromSidecar(widths));");
                w.Line($"return {T}TrainableNetwork.FromPrunable(network, network.CurrentWidths.ToSidecar());");
                w.Unindent();
                w.Line("},");
                w.Line("static options => options.CreateMethod());");
                w.Unindent();
                w.Line();
                w.Line("/// <summary>Every option of this experiment: the common keys, then the [Option] properties.</summary>");
                using (w.Block($"public static {Collections}IReadOnlyList<{X}OptionDescriptor<{self}>> OptionDescriptors()"))
                {
                    w.Line($"var options = new {Collections}List<{X}OptionDescriptor<{self}>>({X}CommonOptions.Descriptors<{self}>());");
                    foreach (OptionDeclaration o in e.Options) w.Line($"options.Add({Descriptor(self, o)});");
                    w.Line("return options;");
                }
            }
        }
        return w.ToString();
    }

    private static string Network(this ExperimentDeclaration e) => e.NetworkName;

    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static string Dataset(string name) => name switch
    {
        "fashion-mnist" => $"{X}ExperimentDataset.FashionMnist()",
        "fashion-mnist-plain" => $"{X}ExperimentDataset.FashionMnist(augment: false)",
        "synthetic" => $"{X}ExperimentDataset.Synthetic()",
        _ => throw new System.ArgumentException("unknown dataset " + name),
    };

    private static string Descriptor(string self, OptionDeclaration o)
    {
        string get = $"static o => o.{o.Property}", set = $"static (o, v) => o.{o.Property} = v";
        string head = $"{Naming.Literal(o.Key)}, {get}, {set}, {o.DefaultLiteral}, {Naming.Literal(o.Description)}";
        string range = (o.MinLiteral is null ? "" : ", min: " + o.MinLiteral) + (o.MaxLiteral is null ? "" : ", max: " + o.MaxLiteral);
        return o.Type switch
        {
            OptionType.Int => $"{X}Option.Int<{self}>({head}{range})",
            OptionType.Long => $"{X}Option.Long<{self}>({head}{range})",
            OptionType.Double => $"{X}Option.Double<{self}>({head}{range})",
            OptionType.Bool => $"{X}Option.Bool<{self}>({head})",
            OptionType.Text => $"{X}Option.Text<{self}>({head})",
            _ => $"{X}Option.Choice<{self}, {o.EnumType}>({head}, "
                 + string.Join(", ", o.Choices.Select(c => $"({Naming.Literal(c.Key)}, {o.EnumType}.{c.Member})")) + ")",
        };
    }

    /// <summary>The catalog (and <c>Main</c> for an executable) of every valid experiment; duplicate names are errors.</summary>
    public static GeneratorOutput EmitProgram(ExperimentProgram program)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var experiments = new List<ExperimentDeclaration>();
        var seen = new Dictionary<string, ExperimentDeclaration>();
        foreach (ExperimentDeclaration e in program.Experiments.OrderBy(e => e.Name, System.StringComparer.Ordinal).ThenBy(e => e.Type.HintPrefix, System.StringComparer.Ordinal))
        {
            if (e.HasErrors) continue;
            if (seen.TryGetValue(e.Name, out ExperimentDeclaration? first))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidExperiment, e.AttributeLocation, e.Name,
                    $"the name is already used by {first.Type.HintPrefix}; experiment names must be unique"));
                continue;
            }
            seen.Add(e.Name, e);
            experiments.Add(e);
        }
        if (program.Experiments.Count == 0 || !program.HasHost) return new GeneratorOutput(EquatableArray<GeneratedFile>.Empty, diagnostics.ToEquatableArray());

        var w = new IndentedWriter();
        w.Line("// <auto-generated/>");
        w.Line("// PruneGen: the catalog of this project's experiments" + (program.IsExecutable ? " and its entry point" : "") + ". Regenerated on every build; do not edit.");
        w.Line("#nullable enable");
        w.Line();
        using (w.Block("namespace " + ProgramNamespace))
        {
            w.Line("/// <summary>Every [Experiment] of this project, and the networks they use.</summary>");
            using (w.Block($"internal static class {ProgramClass}"))
            {
                using (w.Block($"public static {X}ExperimentCatalog CreateCatalog()"))
                {
                    w.Line($"var catalog = new {X}ExperimentCatalog();");
                    foreach (ExperimentDeclaration e in experiments) w.Line($"catalog.Add({e.Type.FullyQualifiedName}.Definition);");
                    foreach (ExperimentDeclaration e in experiments.GroupBy(e => e.NetworkType).Select(g => g.First()).OrderBy(e => e.NetworkName, System.StringComparer.Ordinal))
                    {
                        w.Line($"catalog.AddNetwork({Naming.Literal(e.NetworkName)}, static () =>");
                        w.Line("{");
                        w.Indent();
                        w.Line($"var network = new {e.NetworkType}();");
                        w.Line($"return {T}TrainableNetwork.FromPrunable(network, network.CurrentWidths.ToSidecar());");
                        w.Unindent();
                        w.Line("});");
                    }
                    w.Line("return catalog;");
                }
                if (program.IsExecutable)
                {
                    w.Line();
                    w.Line("/// <summary>The program: list, run, resume, report, summary, profile-latency.</summary>");
                    w.Line("public static int Main(string[] args) => global::PruneGen.Hosting.ExperimentHost.Run(args, CreateCatalog());");
                }
            }
        }
        return new GeneratorOutput(new[] { new GeneratedFile("PruneGen.Experiments.g.cs", w.ToString()) }, diagnostics.ToEquatableArray());
    }
}
