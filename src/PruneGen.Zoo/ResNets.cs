using PruneGen.Layers;

namespace PruneGen.Zoo;

/// <summary>
/// ResNet-20 for 1×28×28 inputs (Fashion-MNIST): 3×3 stem to 16 + BN + ReLU; three stages of three
/// basic blocks, widths 16/32/64, strides 1/2/2; 1×1 conv + BN projection where the shape changes;
/// global average pooling; linear to 10 classes. 272,186 parameters, 31,021,952 MACs.
/// Every channel group prunes in steps of 4 down to 4; every identity-shortcut block is removable.
/// </summary>
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

/// <summary>ResNet-56: ResNet-20's layout with nine basic blocks per stage (the solver-scale network).</summary>
[Network(InputChannels = 1, InputSize = 28, Classes = 10)]
public partial class ResNet56
{
    [Conv(16, Kernel = 3), Prune(Step = 4, Min = 4)]
    public partial ConvBnRelu Stem { get; }

    [Stage(Width = 16, Blocks = 9), Prune(Step = 4, Min = 4), RemovableBlocks]
    public partial BasicStage Stage1 { get; }

    [Stage(Width = 32, Blocks = 9, Stride = 2), Prune(Step = 4, Min = 4), RemovableBlocks]
    public partial BasicStage Stage2 { get; }

    [Stage(Width = 64, Blocks = 9, Stride = 2), Prune(Step = 4, Min = 4), RemovableBlocks]
    public partial BasicStage Stage3 { get; }

    [Classifier]
    public partial Head Head { get; }
}
