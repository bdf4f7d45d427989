namespace PruneGen.Generators.Tests;

/// <summary>Declarations the tests run the generator on (kept as text: they are the generator's input, not this project's code).</summary>
internal static class Samples
{
    public const string Usings = """
        using PruneGen;
        using PruneGen.Layers;

        """;

    /// <summary>ResNet-20 as in ARCHITECTURE.md (1x28x28 input, 10 classes).</summary>
    public const string ResNet20 = Usings + """
        namespace Samples;

        [Network(InputChannels = 1, InputSize = 28, Classes = 10)]
        public partial class ResNet20
        {
            [Conv(16, Kernel = 3), Prune(Step = 4, Min = 4)]
            public partial ConvBnRelu Stem { get; }

            [Stage(Width = 16, Blocks = 3), Prune(Step = 4, Min = 4), RemovableBlocks]
            public partial BasicStage Stage1 { get; }

            [Stage(Width = 32, Blocks = 3, Stride = 2), Prune(Step = 4, Min = 4), RemovableBlocks]
            public partial BasicStage Stage2 { get; }

            [Stage(Width = 64, Blocks = 3, Stride = 2), Prune(Step = 4, Min = 4), RemovableBlocks]
            public partial BasicStage Stage3 { get; }

            [Classifier]
            public partial Head Head { get; }
        }
        """;

    /// <summary>A small bottleneck ResNet: projection blocks made removable explicitly, the last stage's stream kept whole.</summary>
    public const string BottleneckResNet = Usings + """
        namespace Samples;

        [Network(InputChannels = 3, InputSize = 32, Classes = 100)]
        public partial class BottleneckResNet
        {
            [Conv(16, Kernel = 3), Prune(Step = 8)]
            public partial ConvBnRelu Stem { get; }

            [Stage(Width = 16, Blocks = 2), Prune(Step = 8), RemovableBlocks(0, 1)]
            public partial BottleneckStage Stage1 { get; }

            [Stage(Width = 32, Blocks = 2, Stride = 2), Prune(Step = 8, IncludeStream = false), RemovableBlocks(IncludeProjection = true)]
            public partial BottleneckStage Stage2 { get; }

            [Classifier]
            public partial Head Head { get; }
        }
        """;

    /// <summary>A VGG-style plain network: conv/pool stack, a hidden linear layer, the first conv frozen.</summary>
    public const string Vgg = Usings + """
        namespace Samples;

        [Network(InputChannels = 1, InputSize = 28, Classes = 10)]
        public partial class Vgg
        {
            [Conv(32), Prune(Step = 8), Frozen]
            public partial ConvBnRelu Conv1 { get; }

            [Pool(Kernel = 2)]
            public partial MaxPool Pool1 { get; }

            [Conv(64), Prune(Step = 8, Min = 16)]
            public partial ConvBnRelu Conv2 { get; }

            [Pool(Kernel = 2)]
            public partial MaxPool Pool2 { get; }

            [Conv(128), Prune(Step = 16)]
            public partial ConvBnRelu Conv3 { get; }

            [Conv(128, Kernel = 1), Prune(Step = 16)]
            public partial ConvBnRelu Conv4 { get; }

            public partial GlobalAvgPool Pool { get; }

            [Linear(256), Prune(Step = 32)]
            public partial LinearRelu Fc { get; }

            [Classifier]
            public partial Head Head { get; }
        }
        """;

    /// <summary>A MobileNetV2-style inverted residual block (expand, depthwise, linear projection; identity only where shapes match).</summary>
    public const string InvertedResidualBlock = Usings + """
        namespace Samples;

        [Block(Residual = Residual.IdentityOrNone, ReluAfterSum = false)]
        public partial class InvertedResidual
        {
            [Conv(Kernel = 1, Expansion = 4)]
            public partial ConvBnRelu Expand { get; }

            [Conv(Kernel = 3, Depthwise = true, Strided = true)]
            public partial ConvBnRelu Depthwise { get; }

            [Conv(Kernel = 1)]
            public partial ConvBn Project { get; }
        }
        """;

    public const string MobileNet = Usings + """
        namespace Samples;

        [Network(InputChannels = 3, InputSize = 32, Classes = 10)]
        public partial class MobileNet
        {
            [Conv(16, Stride = 2), Prune(Step = 8)]
            public partial ConvBnRelu Stem { get; }

            [Stage(Width = 16, Blocks = 2), Prune(Step = 8), RemovableBlocks]
            public partial Stage<InvertedResidual> Stage1 { get; }

            [Stage(Width = 24, Blocks = 2, Stride = 2), Prune(Step = 8), RemovableBlocks]
            public partial Stage<InvertedResidual> Stage2 { get; }

            [Classifier]
            public partial Head Head { get; }
        }
        """;
}
