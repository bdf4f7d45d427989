using PruneGen.Layers;

namespace PruneGen.Tests.Mdp;

// Networks declared for the MDP, latency and importance tests; the generator builds them.

/// <summary>
/// The toy MDP instance: three prunable groups (the stem + stage stream, and each block's inner
/// conv), four chunks of 2 channels each, two removable blocks.
/// </summary>
[Network(InputChannels = 2, InputSize = 6, Classes = 3)]
public partial class ToyResNet
{
    [Conv(8), Prune(Step = 2)]
    public partial ConvBnRelu Stem { get; }

    [Stage(Width = 8, Blocks = 2), Prune(Step = 2), RemovableBlocks]
    public partial BasicStage Stage1 { get; }

    [Classifier]
    public partial Head Head { get; }
}

/// <summary>Two layers (a conv and the classifier): the smallest structure worth profiling.</summary>
[Network(InputChannels = 3, InputSize = 8, Classes = 4)]
public partial class TwoLayerNet
{
    [Conv(8), Prune(Step = 4)]
    public partial ConvBnRelu Conv1 { get; }

    [Classifier]
    public partial Head Head { get; }
}
