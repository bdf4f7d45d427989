using PruneGen.Layers;

namespace PruneGen.Benchmarks.Mdp;

// The networks the MDP benchmarks solve and profile; the generator builds them.

/// <summary>ResNet-20 for Fashion-MNIST as in ARCHITECTURE.md (three stages of three basic blocks).</summary>
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

/// <summary>ResNet-56: the same stages with nine basic blocks each (the solver-scale problem of issue 6).</summary>
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
