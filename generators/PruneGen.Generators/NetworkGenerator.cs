using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using PruneGen.Generators.Analysis;
using PruneGen.Generators.Emission;
using PruneGen.Generators.Model;
using PruneGen.Generators.Parsing;

namespace PruneGen.Generators;

/// <summary>
/// The PruneGen source generator: declared networks become gated, strongly typed modules.
/// </summary>
/// <remarks>
/// Pipeline, one value-equatable stage after another so that unrelated edits stop early:
/// <list type="number">
/// <item><b>Parse</b> (<see cref="DeclarationParser"/>): <c>ForAttributeWithMetadataName</c> finds each
/// <c>[Network]</c> / <c>[Block]</c> class; the symbols are read into records of plain data
/// (<see cref="NetworkDeclaration"/>): attribute values, member order, locations as file/line data.
/// No symbol or syntax survives this step.</item>
/// <item><b>Analyze</b> (<see cref="NetworkAnalyzer"/>): the layers are followed in order, channel
/// groups are derived (a layer's output with its BN and every consumer's input; residual sums merge
/// groups into streams), the search space is resolved per group, and every check that needs the
/// channel flow runs. Result: a <see cref="NetworkPlan"/> or diagnostics.</item>
/// <item><b>Emit</b> (<see cref="NetworkEmitter"/>): the plan becomes four files per network (Widths,
/// module, structure, costs) and one per block class, written with an indented writer.</item>
/// <item><b>Output</b>: files are added and diagnostics (PG0001...) reported at the user's declaration.
/// Any exception becomes PG9999 instead of reaching the compiler.</item>
/// </list>
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<GeneratorOutput> networks = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownNames.NetworkAttribute,
                static (node, _) => node is ClassDeclarationSyntax,
                static (context, token) => DeclarationParser.ParseNetwork(context, token))
            .WithTrackingName(TrackingNames.NetworkDeclarations)
            .Select(static (declaration, _) => NetworkAnalyzer.Analyze(declaration))
            .WithTrackingName(TrackingNames.NetworkPlans)
            .Select(static (plan, _) => NetworkEmitter.Emit(plan))
            .WithTrackingName(TrackingNames.NetworkSources);

        IncrementalValuesProvider<GeneratorOutput> blocks = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownNames.BlockAttribute,
                static (node, _) => node is ClassDeclarationSyntax,
                static (context, token) => DeclarationParser.ParseBlock(context, token))
            .WithTrackingName(TrackingNames.BlockDeclarations)
            .Select(static (declaration, _) => NetworkEmitter.Emit(BlockEmitter.Plan(declaration)))
            .WithTrackingName(TrackingNames.BlockSources);

        context.RegisterSourceOutput(networks, static (context, output) => Produce(context, output));
        context.RegisterSourceOutput(blocks, static (context, output) => Produce(context, output));
    }

    internal static void Produce(SourceProductionContext context, GeneratorOutput output)
    {
        foreach (DiagnosticInfo diagnostic in output.Diagnostics) context.ReportDiagnostic(diagnostic.ToDiagnostic());
        foreach (GeneratedFile file in output.Files)
        {
            try
            {
                context.AddSource(file.HintName, file.Text);
            }
            catch (System.ArgumentException)
            {
                // The same class reached twice (e.g. [Network] on two partial declarations, which the
                // compiler already reports as a duplicate attribute): its files were added the first time.
            }
        }
    }
}

/// <summary>Step names for incrementality tests (<c>GeneratorDriverRunResult.Results[i].TrackedSteps</c>).</summary>
public static class TrackingNames
{
    public const string NetworkDeclarations = nameof(NetworkDeclarations);
    public const string NetworkPlans = nameof(NetworkPlans);
    public const string NetworkSources = nameof(NetworkSources);
    public const string BlockDeclarations = nameof(BlockDeclarations);
    public const string BlockSources = nameof(BlockSources);
    public const string ExperimentDeclarations = nameof(ExperimentDeclarations);
    public const string ExperimentSources = nameof(ExperimentSources);
    public const string ExperimentProgram = nameof(ExperimentProgram);
    public const string ExperimentConfigs = nameof(ExperimentConfigs);
}
