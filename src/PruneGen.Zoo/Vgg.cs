using PruneGen.Layers;

namespace PruneGen.Zoo;

/// <summary>
/// A VGG-style plain network for 1×28×28 inputs: three pairs of 3×3 conv + BN + ReLU (32, 64, 128
/// channels) with 2×2 max pooling after the first two pairs, global average pooling, a hidden linear
/// layer of 128 units and the classifier. Every conv and the hidden layer prune in steps of 4.
/// </summary>
[Network(InputChannels = 1, InputSize = 28, Classes = 10)]
public partial class VggSmall
{
    [Conv(32), Prune(Step = 4, Min = 4)]
    public partial ConvBnRelu Conv1 { get; }

    [Conv(32), Prune(Step = 4, Min = 4)]
    public partial ConvBnRelu Conv2 { get; }

    [Pool(Kernel = 2)]
    public partial MaxPool Pool1 { get; }

    [Conv(64), Prune(Step = 4, Min = 4)]
    public partial ConvBnRelu Conv3 { get; }

    [Conv(64), Prune(Step = 4, Min = 4)]
    public partial ConvBnRelu Conv4 { get; }

    [Pool(Kernel = 2)]
    public partial MaxPool Pool2 { get; }

    [Conv(128), Prune(Step = 4, Min = 4)]
    public partial ConvBnRelu Conv5 { get; }

    [Conv(128), Prune(Step = 4, Min = 4)]
    public partial ConvBnRelu Conv6 { get; }

    public partial GlobalAvgPool Pool { get; }

    [Linear(128), Prune(Step = 4, Min = 4)]
    public partial LinearRelu Fc { get; }

    [Classifier]
    public partial Head Head { get; }
}
