extern alias generators;

using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using PruneGen.Experiments;
using generators::PruneGen.Generators.Experiments;
using PruneGen.Hosting.Configuration;

namespace PruneGen.Experiments.Tests;

/// <summary>
/// The [Experiment] generator on source samples, compiled against the real PruneGen, hosting and zoo
/// assemblies: valid declarations compile and load into working experiment definitions; bad ones
/// give PG0001/PG0014/PG0015 at the declaration.
/// </summary>
public sealed class ExperimentGeneratorTests
{
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.CSharp13);

    private static readonly ImmutableArray<MetadataReference> References = BuildReferences();

    private static ImmutableArray<MetadataReference> BuildReferences()
    {
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetDirectoryName(p) == framework)
            .Append(typeof(NetworkAttribute).Assembly.Location)
            .Append(typeof(PruneGen.Torch.torch).Assembly.Location)
            .Append(typeof(ExperimentCatalog).Assembly.Location)
            .Append(typeof(PruneGen.Zoo.ResNet20).Assembly.Location)
            .Distinct()
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }

    private const string Usings = """
        using PruneGen;
        using PruneGen.Experiments;
        using PruneGen.Training;
        using PruneGen.Zoo;
        namespace Samples;

        """;

    private static (ImmutableArray<Diagnostic> Generator, Compilation Output) Run(string source, OutputKind kind = OutputKind.DynamicallyLinkedLibrary,
        params (string Path, string Text)[] configs)
    {
        var compilation = CSharpCompilation.Create("Samples", [CSharpSyntaxTree.ParseText(Usings + source, Parse, path: "Sample.cs")], References,
            new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable, generalDiagnosticOption: ReportDiagnostic.Error));
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new ExperimentGenerator().AsSourceGenerator()],
                additionalTexts: configs.Select(c => (AdditionalText)new InMemoryText(c.Path, c.Text)), parseOptions: Parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        return (driver.GetRunResult().Diagnostics, output);
    }

    private const string Valid = """
        public enum Criterion { L1Norm, BnScale }

        public abstract class SharedOptions : ExperimentOptions
        {
            [Option("fraction of dense MACs kept", Default = 0.5, Min = 0.05, Max = 1.0)]
            public double TargetMacs { get; set; }
        }

        [Experiment("resnet20-sample", Network = typeof(ResNet20), Method = "sample", Dataset = "synthetic", Epochs = 3, BatchSize = 16,
            Description = "a sample")]
        [OptionDefault("target_macs", 0.25)]
        public partial class Sample : SharedOptions
        {
            [Option("fine-tuning epochs", Default = 2, Min = 0, Max = 100)] public int FineTuneEpochs { get; set; }
            [Option("ranking", Default = Criterion.BnScale)] public Criterion Ranking { get; set; }
            [Option("keep the stem", Key = "keep_stem", Default = true)] public bool KeepStemUnpruned { get; set; }
            [Option("a label", Default = "x y")] public string Label { get; set; } = "";
            [Option("a big count", Default = 5)] public long Big { get; set; }
            public TrainingMethod CreateMethod() => new DenseTraining();
        }
        """;

    [Fact]
    public void A_valid_experiment_compiles_and_its_generated_definition_describes_every_option()
    {
        (ImmutableArray<Diagnostic> generator, Compilation output) = Run(Valid);
        Assert.Empty(generator);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));

        // Load the compiled sample and read what the generator emitted (the test may use reflection; the generated code does not).
        using var image = new MemoryStream();
        Assert.True(output.Emit(image).Success);
        Assembly assembly = new AssemblyLoadContext("samples", isCollectible: true).LoadFromStream(new MemoryStream(image.ToArray()));
        var definition = (ExperimentDefinition)assembly.GetType("Samples.Sample")!.GetProperty("Definition")!.GetValue(null)!;

        Assert.Equal(("resnet20-sample", "ResNet20", "sample", "a sample"), (definition.Name, definition.Network, definition.Method, definition.Description));
        Assert.Equal(new ExperimentBudget(Epochs: 3, StepsPerEpoch: 0, BatchSize: 16, TrainSubset: 0), definition.Budget);
        OptionSpec Spec(string key) => definition.OptionSpecs.Single(s => s.Key == key);
        // Common keys first, with the budget as defaults; then the base class's option, then the class's own in declaration order.
        Assert.Equal("epochs", definition.OptionSpecs[0].Key);
        Assert.Equal("3", Spec("epochs").DefaultText);
        string[] own = definition.OptionSpecs.Select(s => s.Key).SkipWhile(k => k != "target_macs").ToArray();
        Assert.Equal(["target_macs", "fine_tune_epochs", "ranking", "keep_stem", "label", "big"], own);
        // [OptionDefault] replaced the shared option's default 0.5 for this experiment.
        Assert.Equal((OptionKind.Number, "0.25", (double?)0.05, (double?)1.0), (Spec("target_macs").Kind, Spec("target_macs").DefaultText, Spec("target_macs").Minimum, Spec("target_macs").Maximum));
        Assert.Equal(["l1_norm", "bn_scale"], Spec("ranking").Choices!);
        Assert.Equal("bn_scale", Spec("ranking").DefaultText);
        Assert.Equal("true", Spec("keep_stem").DefaultText);

        // The generated descriptors bind typed values: an out-of-range value is refused with its key, a valid one lands in the property.
        var tooLow = Assert.Throws<ConfigException>(() => definition.Resolve([SetArguments.Parse(["target_macs=0.01"])]));
        Assert.Contains(tooLow.Diagnostics, d => d.Message.Contains("target_macs"));
        ResolvedExperiment resolved = definition.Resolve([SetArguments.Parse(["target_macs=0.75", "ranking=l1_norm", "epochs=7"])]);
        Assert.Equal(0.75, (double)resolved.Options.GetType().GetProperty("TargetMacs")!.GetValue(resolved.Options)!);
        Assert.Equal("L1Norm", resolved.Options.GetType().GetProperty("Ranking")!.GetValue(resolved.Options)!.ToString());
        Assert.Equal(7, resolved.Options.Epochs);
        Assert.Equal("dense", resolved.CreateMethod().Name);
    }

    [Fact]
    public void An_executable_gets_a_catalog_and_Main_and_a_library_only_the_catalog()
    {
        (_, Compilation exe) = Run(Valid, OutputKind.ConsoleApplication);
        Assert.Empty(exe.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        SyntaxTree program = exe.SyntaxTrees.Single(t => t.FilePath.EndsWith("PruneGen.Experiments.g.cs", StringComparison.Ordinal));
        Assert.Contains("public static int Main(string[] args) => global::PruneGen.Hosting.ExperimentHost.Run(args, CreateCatalog());", program.ToString());
        Assert.Contains("catalog.Add(global::Samples.Sample.Definition);", program.ToString());
        Assert.Contains("catalog.AddNetwork(\"ResNet20\"", program.ToString());

        (_, Compilation library) = Run(Valid);
        string catalog = library.SyntaxTrees.Single(t => t.FilePath.EndsWith("PruneGen.Experiments.g.cs", StringComparison.Ordinal)).ToString();
        Assert.DoesNotContain("Main(", catalog);
    }

    [Fact]
    public void Editing_a_method_body_or_adding_an_unrelated_file_emits_nothing_again()
    {
        var compilation = CSharpCompilation.Create("Samples", [CSharpSyntaxTree.ParseText(Usings + Valid, Parse, path: "Sample.cs")], References,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication));
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new ExperimentGenerator().AsSourceGenerator()], parseOptions: Parse,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true)).RunGenerators(compilation);

        SyntaxTree tree = compilation.SyntaxTrees.Single();
        string edited = (Usings + Valid).Replace("CreateMethod() => new DenseTraining();", "CreateMethod() { return new DenseTraining(); }");
        Assert.NotEqual(Usings + Valid, edited);
        CSharpCompilation next = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(edited)))
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other; public class Unrelated { }", Parse));
        driver = driver.RunGenerators(next);

        IncrementalStepRunReason[] Reasons(string step) =>
            driver.GetRunResult().Results.Single().TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
        Assert.All(Reasons(TrackingNamesOf.Declarations), r => Assert.True(r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, r.ToString()));
        Assert.All(Reasons(TrackingNamesOf.Sources), r => Assert.True(r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, r.ToString()));
        Assert.All(Reasons(TrackingNamesOf.Program), r => Assert.True(r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, r.ToString()));
    }

    private static class TrackingNamesOf
    {
        public const string Declarations = generators::PruneGen.Generators.TrackingNames.ExperimentDeclarations;
        public const string Sources = generators::PruneGen.Generators.TrackingNames.ExperimentSources;
        public const string Program = generators::PruneGen.Generators.TrackingNames.ExperimentProgram;
    }

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path => path;
        public override Microsoft.CodeAnalysis.Text.SourceText GetText(CancellationToken cancellationToken = default) => Microsoft.CodeAnalysis.Text.SourceText.From(text);
    }

    [Fact]
    public void A_valid_project_config_builds_without_diagnostics()
    {
        const string yaml = "# quick run\nexperiment: resnet20-sample\ntarget_macs: 0.3   # a comment\nranking: l1_norm\nepochs: 5\nlabel: \"a # b\"\nkeep_stem: false\n";
        (ImmutableArray<Diagnostic> generator, _) = Run(Valid, configs: ("/p/configs/quick.yaml", yaml));
        Assert.Empty(generator);
    }

    [Fact]
    public void A_bad_project_config_fails_the_build_at_the_yaml_line_and_column()
    {
        const string yaml = "experiment: resnet20-sample\ntarget_macs: 2.0\nepoch: 3\nranking: fastest\nbatch_size: \"16\"\n";
        (ImmutableArray<Diagnostic> generator, _) = Run(Valid, configs: ("/p/configs/bad.yaml", yaml));
        Assert.All(generator, d => Assert.Equal(("PG0016", DiagnosticSeverity.Error, "/p/configs/bad.yaml"), (d.Id, d.Severity, d.Location.GetLineSpan().Path)));
        // (0-based line, 0-based column, what the message says), in file order.
        var found = generator.Select(d => (d.Location.GetLineSpan().StartLinePosition.Line, d.Location.GetLineSpan().StartLinePosition.Character, d.GetMessage()))
            .OrderBy(d => d.Line).ToArray();
        Assert.Equal(4, found.Length);
        Assert.Equal((1, 13), (found[0].Line, found[0].Character));
        Assert.StartsWith("PGC004", found[0].Item3);
        Assert.Contains("target_macs", found[0].Item3);
        Assert.Equal((2, 0), (found[1].Line, found[1].Character));
        Assert.StartsWith("PGC002", found[1].Item3);
        Assert.Contains("did you mean 'epochs'", found[1].Item3);
        Assert.Equal((3, 9), (found[2].Line, found[2].Character));
        Assert.Contains("fastest", found[2].Item3);
        Assert.Equal((4, 12), (found[3].Line, found[3].Character));
        Assert.StartsWith("PGC003", found[3].Item3);
    }

    [Fact]
    public void A_project_config_for_an_unknown_experiment_is_an_error_and_other_files_are_ignored()
    {
        (ImmutableArray<Diagnostic> generator, _) = Run(Valid, OutputKind.DynamicallyLinkedLibrary,
            ("/p/configs/other.yaml", "experiment: resnet20-sampel\n"), ("/p/notes.txt", "epoch: x"));
        Diagnostic d = Assert.Single(generator);
        Assert.Equal("PG0016", d.Id);
        Assert.Contains("did you mean 'resnet20-sample'", d.GetMessage());
    }

    [Fact]
    public void The_build_time_check_knows_every_common_key_with_the_runtime_types_and_ranges()
    {
        // Every common key at its runtime default must pass; below its runtime minimum it must fail as out of range.
        var runtime = CommonOptions.Descriptors<ExperimentOptions>().Select(d => d.Spec).ToArray();
        string defaults = "experiment: resnet20-sample\n" + string.Concat(runtime.Select(s => $"{s.Key}: {s.DefaultText}\n"));
        Assert.Empty(Run(Valid, configs: ("/p/defaults.yaml", defaults)).Generator);
        foreach (OptionSpec spec in runtime.Where(s => s.Minimum is not null))
        {
            string below = spec.Kind == OptionKind.Integer ? (spec.Minimum!.Value - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : "-0.5";
            Diagnostic d = Assert.Single(Run(Valid, configs: ("/p/low.yaml", $"experiment: resnet20-sample\n{spec.Key}: {below}\n")).Generator);
            Assert.StartsWith("PGC004", d.GetMessage());
        }
        foreach (OptionSpec spec in runtime.Where(s => s.Maximum is not null))
        {
            string above = spec.Kind == OptionKind.Integer ? (spec.Maximum!.Value + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : (spec.Maximum!.Value + 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Diagnostic d = Assert.Single(Run(Valid, configs: ("/p/high.yaml", $"experiment: resnet20-sample\n{spec.Key}: {above}\n")).Generator);
            Assert.StartsWith("PGC004", d.GetMessage());
        }
        foreach (OptionSpec spec in runtime.Where(s => s.Choices is not null))
            Assert.Single(Run(Valid, configs: ("/p/choice.yaml", $"experiment: resnet20-sample\n{spec.Key}: not_a_choice\n")).Generator);
    }

    public static TheoryData<string, string, string> BadDeclarations => new()
    {
        { """[Experiment("ResNet_20", Network = typeof(ResNet20), Method = "m", Epochs = 1)] public partial class A : ExperimentOptions { public TrainingMethod CreateMethod() => new DenseTraining(); }""", "PG0014", "kebab-case" },
        { """[Experiment("a", Network = typeof(string), Method = "m", Epochs = 1)] public partial class A : ExperimentOptions { public TrainingMethod CreateMethod() => new DenseTraining(); }""", "PG0014", "is not a [Network] class" },
        { """[Experiment("a", Method = "m", Epochs = 1)] public partial class A : ExperimentOptions { public TrainingMethod CreateMethod() => new DenseTraining(); }""", "PG0014", "name the network" },
        { """[Experiment("a", Network = typeof(ResNet20), Method = "m", Epochs = 1, Dataset = "mnist")] public partial class A : ExperimentOptions { public TrainingMethod CreateMethod() => new DenseTraining(); }""", "PG0014", "unknown dataset 'mnist'" },
        { """[Experiment("a", Network = typeof(ResNet20), Method = "m")] public partial class A : ExperimentOptions { public TrainingMethod CreateMethod() => new DenseTraining(); }""", "PG0014", "at least one epoch" },
        { """[Experiment("a", Network = typeof(ResNet20), Method = "m", Epochs = 1)] public partial class A : ExperimentOptions { }""", "PG0014", "CreateMethod()" },
        { """[Experiment("a", Network = typeof(ResNet20), Method = "m", Epochs = 1)] public partial class A { public TrainingMethod CreateMethod() => new DenseTraining(); }""", "PG0014", "must derive from PruneGen.Experiments.ExperimentOptions" },
        { """[Experiment("a", Network = typeof(ResNet20), Method = "m", Epochs = 1)] public class A : ExperimentOptions { public TrainingMethod CreateMethod() => new DenseTraining(); }""", "PG0001", "partial" },
        { """[Experiment("a", Network = typeof(ResNet20), Method = "m", Epochs = 1)] public partial class A : ExperimentOptions { [Option("d", Default = 1.5)] public decimal X { get; set; } public TrainingMethod CreateMethod() => new DenseTraining(); }""", "PG0015", "not an option type" },
        { """[Experiment("a", Network = typeof(ResNet20), Method = "m", Epochs = 1)] public partial class A : ExperimentOptions { [Option("d", Default = 2.0, Max = 1.0)] public double X { get; set; } public TrainingMethod CreateMethod() => new DenseTraining(); }""", "PG0015", "above Max" },
        { """[Experiment("a", Network = typeof(ResNet20), Method = "m", Epochs = 1)] public partial class A : ExperimentOptions { [Option("d", Default = "no")] public int X { get; set; } public TrainingMethod CreateMethod() => new DenseTraining(); }""", "PG0015", "does not have the option's type int" },
        { """[Experiment("a", Network = typeof(ResNet20), Method = "m", Epochs = 1)] public partial class A : ExperimentOptions { [Option("d")] public int X { get; set; } public TrainingMethod CreateMethod() => new DenseTraining(); }""", "PG0015", "give the option a default" },
        { """[Experiment("a", Network = typeof(ResNet20), Method = "m", Epochs = 1)] public partial class A : ExperimentOptions { [Option("d", Default = 1)] public int Seed2 { get; set; } [Option("e", Key = "seed", Default = 1)] public int Y { get; set; } public TrainingMethod CreateMethod() => new DenseTraining(); }""", "PG0015", "common option" },
        { """[Experiment("a", Network = typeof(ResNet20), Method = "m", Epochs = 1)] public partial class A : ExperimentOptions { [Option("d", Default = 1)] public int X { get; init; } public TrainingMethod CreateMethod() => new DenseTraining(); }""", "PG0015", "{ get; set; }" },
        { """
          [Experiment("a", Network = typeof(ResNet20), Method = "m", Epochs = 1)] public partial class A : ExperimentOptions { public TrainingMethod CreateMethod() => new DenseTraining(); }
          [Experiment("a", Network = typeof(ResNet20), Method = "m", Epochs = 1)] public partial class B : ExperimentOptions { public TrainingMethod CreateMethod() => new DenseTraining(); }
          """, "PG0014", "already used by Samples.A" },
        { """[Experiment("a", Network = typeof(ResNet20), Method = "m", Epochs = 1), OptionDefault("x", 5)] public partial class A : ExperimentOptions { [Option("d", Default = 1.0, Max = 2.0)] public double X { get; set; } public TrainingMethod CreateMethod() => new DenseTraining(); }""", "PG0015", "above Max" },
        { """[Experiment("a", Network = typeof(ResNet20), Method = "m", Epochs = 1), OptionDefault("y", 5)] public partial class A : ExperimentOptions { [Option("d", Default = 1.0)] public double X { get; set; } public TrainingMethod CreateMethod() => new DenseTraining(); }""", "PG0015", "no [Option] has this key; the experiment's options are x" },
        { """[Experiment("a", Network = typeof(ResNet20), Method = "m", Epochs = 1), OptionDefault("x", true)] public partial class A : ExperimentOptions { [Option("d", Default = 1)] public int X { get; set; } public TrainingMethod CreateMethod() => new DenseTraining(); }""", "PG0015", "does not have the option's type int" },
    };

    [Theory]
    [MemberData(nameof(BadDeclarations))]
    public void A_bad_declaration_is_a_build_error_with_its_id_and_what_is_wrong(string source, string id, string fragment)
    {
        (ImmutableArray<Diagnostic> generator, _) = Run(source);
        Diagnostic d = Assert.Single(generator, d => d.Id == id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains(fragment, d.GetMessage(), StringComparison.Ordinal);
        Assert.Equal("Sample.cs", d.Location.GetLineSpan().Path);
    }
}
