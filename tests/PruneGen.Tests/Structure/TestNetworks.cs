using PruneGen.Layers;

namespace PruneGen.Tests.Networks;

// Networks declared for the run-time tests; the generator (referenced as an analyzer) builds them.

// ResNet-20 comes from PruneGen.Zoo: the one declaration the benchmark and the experiments use too.

/// <summary>MobileNetV2-style inverted residual: 1x1 expand, 3x3 depthwise, linear 1x1 projection; identity where shapes match.</summary>
[Block(Residual = Residual.IdentityOrNone, ReluAfterSum = false)]
public partial class InvertedResidual
{
    [Conv(Kernel = 1, Expansion = 3)]
    public partial ConvBnRelu Expand { get; }

    [Conv(Kernel = 3, Depthwise = true, Strided = true)]
    public partial ConvBnRelu Depthwise { get; }

    [Conv(Kernel = 1)]
    public partial ConvBn Project { get; }
}

[Network(InputChannels = 1, InputSize = 16, Classes = 5)]
public partial class TinyMobileNet
{
    [Conv(8), Prune(Step = 2)]
    public partial ConvBnRelu Stem { get; }

    [Stage(Width = 8, Blocks = 2), Prune(Step = 2), RemovableBlocks]
    public partial Stage<InvertedResidual> Stage1 { get; }

    [Stage(Width = 12, Blocks = 2, Stride = 2), Prune(Step = 2), RemovableBlocks]
    public partial Stage<InvertedResidual> Stage2 { get; }

    [Classifier]
    public partial Head Head { get; }
}

/// <summary>A bottleneck network whose projection blocks are removable too.</summary>
[Network(InputChannels = 2, InputSize = 12, Classes = 4)]
public partial class TinyBottleneckNet
{
    [Conv(8), Prune(Step = 2)]
    public partial ConvBnRelu Stem { get; }

    [Stage(Width = 4, Blocks = 2), Prune(Step = 2), RemovableBlocks(IncludeProjection = true)]
    public partial BottleneckStage Stage1 { get; }

    [Stage(Width = 6, Blocks = 2, Stride = 2), Prune(Step = 2), RemovableBlocks(IncludeProjection = true)]
    public partial BottleneckStage Stage2 { get; }

    [Classifier]
    public partial Head Head { get; }
}

/// <summary>A plain VGG-style network with pooling and a hidden linear layer.</summary>
[Network(InputChannels = 1, InputSize = 16, Classes = 6)]
public partial class TinyVgg
{
    [Conv(8), Prune(Step = 2)]
    public partial ConvBnRelu Conv1 { get; }

    [Pool(Kernel = 2)]
    public partial MaxPool Pool1 { get; }

    [Conv(16), Prune(Step = 4)]
    public partial ConvBnRelu Conv2 { get; }

    [Pool(Kernel = 2)]
    public partial AvgPool Pool2 { get; }

    [Conv(16, Kernel = 1), Prune(Step = 4)]
    public partial ConvBn Conv3 { get; }

    public partial GlobalAvgPool Pool { get; }

    [Linear(12), Prune(Step = 3)]
    public partial LinearRelu Fc { get; }

    [Classifier]
    public partial Head Head { get; }
}
