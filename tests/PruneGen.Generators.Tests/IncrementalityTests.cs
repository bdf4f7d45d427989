using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using PruneGen.Generators.Tests.Infrastructure;

namespace PruneGen.Generators.Tests;

/// <summary>The pipeline's models are value-equatable, so edits that do not change a declaration stop before emission.</summary>
public class IncrementalityTests
{
    private static (GeneratorDriver Driver, CSharpCompilation Compilation) FirstRun(params string[] sources)
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(sources);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        return (driver, compilation);
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorDriver driver, string step) =>
        driver.GetRunResult().Results.Single().TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();

    [Fact]
    public void AddingAnUnrelatedFileLeavesEmissionCached()
    {
        var (driver, compilation) = FirstRun(Samples.ResNet20);
        CSharpCompilation edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Other; public class Unrelated { public int Answer => 42; }", GeneratorHarness.ParseOptions));
        driver = driver.RunGenerators(edited);
        Assert.All(Reasons(driver, TrackingNames.NetworkSources), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(Reasons(driver, TrackingNames.NetworkPlans), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public void EditingAMethodInTheNetworkFileLeavesEmissionUnchanged()
    {
        string original = Samples.ResNet20.Replace("public partial class ResNet20\n{", "public partial class ResNet20\n{\n    public int Helper() => 1;");
        Assert.Contains("Helper", original);
        var (driver, compilation) = FirstRun(original);
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        SyntaxTree edited = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(original.Replace("Helper() => 1", "Helper() => 2")));
        Assert.NotEqual(tree.ToString(), edited.ToString());
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, edited));
        // The declaration is parsed again (its file changed) but equals the previous one, so nothing downstream runs.
        Assert.All(Reasons(driver, TrackingNames.NetworkDeclarations), r => Assert.True(r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, r.ToString()));
        Assert.All(Reasons(driver, TrackingNames.NetworkSources), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public void ChangingAWidthRegeneratesTheNetwork()
    {
        var (driver, compilation) = FirstRun(Samples.ResNet20);
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        SyntaxTree edited = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Samples.ResNet20.Replace("Width = 64", "Width = 48")));
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, edited));
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(driver, TrackingNames.NetworkSources));
    }

    [Fact]
    public void ModelTypesHoldNoSymbolsSyntaxOrLocations()
    {
        // Everything that flows between pipeline steps must compare by value and must not pin a compilation.
        Type[] forbidden = [typeof(ISymbol), typeof(SyntaxNode), typeof(Location), typeof(SyntaxTree), typeof(Compilation), typeof(SemanticModel)];
        var modelTypes = typeof(TrackingNames).Assembly.GetTypes().Where(t => t.Namespace == "PruneGen.Generators.Model").ToArray();
        Assert.NotEmpty(modelTypes);
        foreach (Type type in modelTypes)
            foreach (var property in type.GetProperties())
                Assert.False(forbidden.Any(f => f.IsAssignableFrom(property.PropertyType)), $"{type.Name}.{property.Name} is a {property.PropertyType.Name}");
    }
}
