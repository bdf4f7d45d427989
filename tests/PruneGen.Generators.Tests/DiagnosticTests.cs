using Microsoft.CodeAnalysis;
using PruneGen.Generators.Tests.Infrastructure;

namespace PruneGen.Generators.Tests;

/// <summary>One test per diagnostic: the ID, that the message names the member, and that it points at the user's declaration.</summary>
public class DiagnosticTests
{
    private static string Network(string members, string attribute = "[Network(InputChannels = 1, InputSize = 28, Classes = 10)]", string head = "[Classifier] public partial Head Head { get; }") =>
        Samples.Usings + $$"""
        namespace Samples;

        {{attribute}}
        public partial class Net
        {
        {{members}}
            {{head}}
        }
        """;

    /// <summary>Runs the generator, expects exactly one diagnostic with <paramref name="id"/>, and checks message and location.</summary>
    private static Diagnostic Expect(string id, string source, string messageContains, string locationContains, params string[] extraSources)
    {
        GeneratorResult result = GeneratorHarness.Run([source, .. extraSources]);
        Diagnostic[] matching = result.GeneratorDiagnostics.Where(d => d.Id == id).ToArray();
        Assert.True(matching.Length == 1, $"expected one {id}, got: {string.Join("; ", result.GeneratorDiagnostics)}");
        Diagnostic diagnostic = matching[0];
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains(messageContains, diagnostic.GetMessage());
        // The pipeline carries locations as plain data, so they come back as file + span locations.
        FileLinePositionSpan lines = diagnostic.Location.GetLineSpan();
        SyntaxTree tree = result.Output.SyntaxTrees.Single(t => t.FilePath == lines.Path);
        string located = tree.GetText().ToString(diagnostic.Location.SourceSpan);
        Assert.Equal(lines.StartLinePosition.Line, tree.GetText().Lines.GetLinePosition(diagnostic.Location.SourceSpan.Start).Line);
        Assert.Contains(locationContains, located);
        // A declaration with errors generates no network code (which would only add follow-up errors).
        Assert.DoesNotContain(result.Sources, s => s.HintName.Contains(".Module."));
        return diagnostic;
    }

    [Fact]
    public void PG0001_ClassNotPartial() =>
        Expect("PG0001", Samples.Usings + """
            [Network(InputChannels = 1, InputSize = 28, Classes = 10)]
            public class Plain
            {
            }
            """, "'Plain' must be declared partial", "Plain");

    [Fact]
    public void PG0002_LayerNotPartialProperty() =>
        Expect("PG0002", Network("    [Conv(16)] public ConvBnRelu Stem { get; } = null!;"), "Layer 'Stem' must be a partial get-only", "Stem");

    [Fact]
    public void PG0003_UnsupportedLayerType() =>
        Expect("PG0003", Network("    [Conv(16)] public partial int Stem { get; }"), "Layer 'Stem' has type 'int'", "Stem");

    [Fact]
    public void PG0003_StageOfAClassThatIsNotABlock() =>
        Expect("PG0003", Network("    [Stage(Width = 16)] public partial Stage<NotABlock> Body { get; }") + "\npublic class NotABlock : ResidualBlock { public NotABlock(BlockSpec s) : base(s) { } }",
            "must be a class marked [Block]", "Body");

    [Fact]
    public void PG0003_StageOfABlockWithErrors() =>
        Expect("PG0003", Network("    [Stage(Width = 16)] public partial Stage<BrokenBlock> Body { get; }"), "block 'BrokenBlock' has errors of its own", "Body",
            Samples.Usings + """
            namespace Samples;
            [Block]
            public class BrokenBlock : ResidualBlock
            {
                public BrokenBlock(BlockSpec spec) : base(spec) { }
            }
            """);

    [Fact]
    public void NetworkAttributeOnTwoPartialDeclarationsDoesNotCrash()
    {
        GeneratorResult result = GeneratorHarness.Run(Samples.ResNet20, Samples.Usings + """
            namespace Samples;
            [Network(InputChannels = 1, InputSize = 28, Classes = 10)]
            public partial class ResNet20 { }
            """);
        Assert.DoesNotContain(result.Output.GetDiagnostics(), d => d.Id == "CS8785");
        Assert.Contains(result.Output.GetDiagnostics(), d => d.Id == "CS0579"); // the compiler's duplicate-attribute error
    }

    [Fact]
    public void PG0004_DepthwiseChannelMismatch() =>
        Expect("PG0004", Network("""
                [Conv(16)] public partial ConvBnRelu Stem { get; }
                [Conv(32, Depthwise = true)] public partial ConvBnRelu Dw { get; }
            """), "Channel mismatch at 'Dw'", "Dw");

    [Fact]
    public void PG0004_IdentityShortcutAcrossAShapeChange() =>
        Expect("PG0004", Network("""
                [Conv(16)] public partial ConvBnRelu Stem { get; }
                [Stage(Width = 32, Stride = 2)] public partial Stage<StrictBlock> Body { get; }
            """), "block 0 has an identity shortcut", "Body", Samples.Usings + """
            namespace Samples;
            [Block(Residual = Residual.Identity)]
            public partial class StrictBlock
            {
                [Conv(Strided = true)] public partial ConvBnRelu A { get; }
                [Conv] public partial ConvBn B { get; }
            }
            """);

    [Fact]
    public void PG0005_StepDoesNotDivideWidth() =>
        Expect("PG0005", Network("    [Conv(20), Prune(Step = 8)] public partial ConvBnRelu Stem { get; }"), "Prune step 8 on 'Stem' does not divide the 20 channels", "Prune(Step = 8)");

    [Fact]
    public void PG0006_MinimumAboveWidth() =>
        Expect("PG0006", Network("    [Conv(16), Prune(Step = 4, Min = 32)] public partial ConvBnRelu Stem { get; }"), "Prune minimum 32 on 'Stem' is above the 16 channels", "Min = 32");

    [Fact]
    public void PG0007_RemovableBlockWithoutShortcut() =>
        Expect("PG0007", Network("""
                [Conv(16)] public partial ConvBnRelu Stem { get; }
                [Stage(Width = 24, Blocks = 2, Stride = 2), RemovableBlocks(0)] public partial Stage<InvertedResidual> Body { get; }
            """), "block 0 has no shortcut, so removing it would change the shape", "RemovableBlocks(0)", Samples.InvertedResidualBlock);

    [Fact]
    public void PG0008_LayerNamedLikeAGeneratedMember() =>
        Expect("PG0008", Network("    [Conv(16)] public partial ConvBnRelu Macs { get; }"), "The name 'Macs'", "Macs");

    [Fact]
    public void PG0008_TwoGroupsWithTheSameName() =>
        Expect("PG0008", Network("""
                [Conv(16), Prune(Step = 4)] public partial ConvBnRelu Stage1Block0Conv1 { get; }
                [Stage(Width = 32, Stride = 2), Prune(Step = 4)] public partial BasicStage Stage1 { get; }
            """), "The name 'Stage1Block0Conv1'", "Stage1");

    [Fact]
    public void PG0009_KernelOutOfRange() =>
        Expect("PG0009", Network("    [Conv(16, Kernel = 0)] public partial ConvBnRelu Stem { get; }"), "Kernel = 0 on 'Stem' is out of range", "Kernel = 0");

    [Fact]
    public void PG0009_MissingNetworkSize() =>
        Expect("PG0009", Network("    [Conv(16)] public partial ConvBnRelu Stem { get; }", attribute: "[Network(InputChannels = 1, Classes = 10)]"),
            "InputSize = 0 on 'Net' is out of range", "Network(");

    [Fact]
    public void PG0010_MissingLayerAttribute() =>
        Expect("PG0010", Network("    public partial ConvBnRelu Stem { get; }"), "Layer 'Stem' of type ConvBnRelu needs a [Conv] attribute", "Stem");

    [Fact]
    public void PG0011_AttributeOnTheWrongLayer() =>
        Expect("PG0011", Network("    [Conv(16), Stage(Width = 16)] public partial ConvBnRelu Stem { get; }"), "[Stage] does not apply to 'Stem'", "Stage(Width = 16)");

    [Fact]
    public void PG0012_LinearLayerOnASpatialInput() =>
        Expect("PG0012", Network("""
                [Conv(16)] public partial ConvBnRelu Stem { get; }
                [Linear(64)] public partial LinearRelu Fc { get; }
            """), "a linear layer needs a 1x1 input but receives 28x28", "Fc");

    [Fact]
    public void PG0012_NetworkWithoutHead() =>
        Expect("PG0012", Network("    [Conv(16)] public partial ConvBnRelu Stem { get; }", head: ""), "needs a Head", "Net");

    [Fact]
    public void PG0013_NetworkWithABaseClass() =>
        Expect("PG0013", Samples.Usings + """
            public class Base { }
            [Network(InputChannels = 1, InputSize = 28, Classes = 10)]
            public partial class Derived : Base
            {
                [Classifier] public partial Head Head { get; }
            }
            """, "must not declare a base class", "Derived");

    [Fact]
    public void PG0013_NestedNetwork() =>
        Expect("PG0013", Samples.Usings + """
            public partial class Outer
            {
                [Network(InputChannels = 1, InputSize = 28, Classes = 10)]
                public partial class Inner
                {
                    [Classifier] public partial Head Head { get; }
                }
            }
            """, "must be a top-level class", "Inner");

    [Fact]
    public void EveryDescriptorHasAStableIdAndIsAnError()
    {
        var ids = PruneGen.Generators.Diagnostics.DiagnosticDescriptors.All.Select(d => d.Id).ToArray();
        Assert.Equal(ids.Distinct().Count(), ids.Length);
        Assert.All(PruneGen.Generators.Diagnostics.DiagnosticDescriptors.All, d => Assert.Matches("^PG[0-9]{4}$", d.Id));
        Assert.All(PruneGen.Generators.Diagnostics.DiagnosticDescriptors.All, d => Assert.Equal(DiagnosticSeverity.Error, d.DefaultSeverity));
    }

    /// <summary>Half-written and broken declarations must never make the generator throw into the compiler (CS8785).</summary>
    [Theory]
    [InlineData("[Network] public partial class A { [Conv( public partial ConvBnRelu X { get; } }")]
    [InlineData("[Network(InputChannels = 1, InputSize = 28, Classes = 10)] public partial class A { [Stage(Width = 8)] public partial Stage<Missing> S { get; } [Classifier] public partial Head H { get; } }")]
    [InlineData("[Network(InputChannels = 1, InputSize = 28, Classes = 10)] public partial class A { [Conv(8, Kernel = 99, Padding = 0)] public partial ConvBnRelu C { get; } [Classifier] public partial Head H { get; } }")]
    [InlineData("[Network(InputChannels = 1, InputSize = 2, Classes = 10)] public partial class A { [Stage(Width = 8, Blocks = 4, Stride = 4)] public partial BasicStage S { get; } [Pool(Kernel = 4)] public partial MaxPool P { get; } [Classifier] public partial Head H { get; } }")]
    [InlineData("[Block] public partial class B { } [Network(InputChannels = 1, InputSize = 8, Classes = 1)] public partial class A { [Stage(Width = 8)] public partial Stage<B> S { get; } [Classifier] public partial Head H { get; } }")]
    [InlineData("[Network(InputChannels = -1, InputSize = 8, Classes = 1)] public partial class A<T> { [RemovableBlocks(7)] public partial Head H { get; } }")]
    public void BrokenDeclarationsNeverCrashTheGenerator(string declaration)
    {
        GeneratorResult result = GeneratorHarness.Run(Samples.Usings + declaration);
        Assert.DoesNotContain(result.Output.GetDiagnostics().Concat(result.GeneratorDiagnostics), d => d.Id is "CS8785" or "PG9999");
        Assert.NotEmpty(result.GeneratorDiagnostics.Concat(result.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)));
    }
}
