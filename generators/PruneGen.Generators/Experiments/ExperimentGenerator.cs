using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using PruneGen.Generators.Model;

namespace PruneGen.Generators.Experiments;

/// <summary>
/// The experiments half of PruneGen's generation: <c>[Experiment]</c> classes become option descriptors
/// and an experiment definition each; a project holding experiments gets a catalog and, when it is an
/// executable, the entry point (<c>ExperimentHost.Run</c>), so <c>dotnet build</c> yields the program.
/// </summary>
/// <remarks>
/// Parse (<see cref="ExperimentParser"/>) and emit (<see cref="ExperimentEmitter"/>) per class, with
/// value-equatable models between the steps; the program step collects the models with two flags of
/// the compilation (executable? hosting referenced?), so an edit inside a method body emits nothing.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class ExperimentGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ExperimentDeclaration> experiments = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownNames.ExperimentAttribute,
                static (node, _) => node is ClassDeclarationSyntax,
                static (context, token) => ExperimentParser.Parse(context, token))
            .WithTrackingName(TrackingNames.ExperimentDeclarations);

        IncrementalValuesProvider<GeneratorOutput> perExperiment = experiments
            .Select(static (e, _) => ExperimentEmitter.Emit(e))
            .WithTrackingName(TrackingNames.ExperimentSources);

        IncrementalValueProvider<(bool IsExecutable, bool HasHost)> project = context.CompilationProvider
            .Select(static (compilation, _) => (
                compilation.Options.OutputKind is OutputKind.ConsoleApplication or OutputKind.WindowsApplication,
                compilation.GetTypeByMetadataName("PruneGen.Hosting.ExperimentHost") is not null));

        IncrementalValueProvider<GeneratorOutput> program = experiments.Collect()
            .Combine(project)
            .Select(static (pair, _) => ExperimentEmitter.EmitProgram(
                new ExperimentProgram(pair.Left.ToEquatableArray(), pair.Right.IsExecutable, pair.Right.HasHost)))
            .WithTrackingName(TrackingNames.ExperimentProgram);

        // The project's YAML configs (AdditionalFiles) checked against the experiment each one names.
        IncrementalValuesProvider<ConfigFile> configs = context.AdditionalTextsProvider
            .Where(static file => ConfigFileChecker.IsConfig(file.Path))
            .Select(static (file, token) => new ConfigFile(file.Path, file.GetText(token)?.ToString() ?? ""));
        IncrementalValuesProvider<GeneratorOutput> configChecks = configs
            .Combine(experiments.Collect())
            .Select(static (pair, _) => new GeneratorOutput(EquatableArray<GeneratedFile>.Empty, ConfigFileChecker.Check(pair.Left, pair.Right)))
            .WithTrackingName(TrackingNames.ExperimentConfigs);

        context.RegisterSourceOutput(configChecks, static (context, output) => NetworkGenerator.Produce(context, output));
        context.RegisterSourceOutput(perExperiment, static (context, output) => NetworkGenerator.Produce(context, output));
        context.RegisterSourceOutput(program, static (context, output) => NetworkGenerator.Produce(context, output));
    }
}
