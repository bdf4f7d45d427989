namespace PruneGen;

/// <summary>
/// A convolution followed by batch normalisation, on a <see cref="Layers.ConvBn"/> or
/// <see cref="Layers.ConvBnRelu"/> property. The conv has no bias (the BN supplies it).
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class ConvAttribute : Attribute
{
    /// <summary>Inside a <c>[Block]</c>: writes the block's width (or see <see cref="Expansion"/>).</summary>
    public ConvAttribute() { }

    /// <summary>Writes <paramref name="channels"/> output channels.</summary>
    public ConvAttribute(int channels) => Channels = channels;

    /// <summary>Output channels; 0 means "the block's width" inside a block.</summary>
    public int Channels { get; }

    /// <summary>Square kernel size (default 3).</summary>
    public int Kernel { get; set; } = 3;

    /// <summary>Stride (default 1). Inside a block, prefer <see cref="Strided"/> to take the stage's stride.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Zero padding; -1 (default) means Kernel / 2, which keeps the size for odd kernels.</summary>
    public int Padding { get; set; } = -1;

    /// <summary>Depthwise convolution (groups = channels): output channels equal the input channels.</summary>
    public bool Depthwise { get; set; }

    /// <summary>Inside a block: output channels are this multiple of the block's input channels.</summary>
    public int Expansion { get; set; }

    /// <summary>Inside a block: this conv uses the stride of the stage (in the stage's first block).</summary>
    public bool Strided { get; set; }
}

/// <summary>
/// A stage of residual blocks at one resolution, on a <see cref="Layers.BasicStage"/>,
/// <see cref="Layers.BottleneckStage"/> (expansion 4) or <c>Stage&lt;TBlock&gt;</c> property.
/// The first block carries the stride; later blocks have stride 1.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class StageAttribute : Attribute
{
    /// <summary>
    /// Block width: the output channels of a basic block, the inner width of a bottleneck (its output is
    /// 4 x Width), the width a custom block's convs write by default. Required, at least 1.
    /// </summary>
    public int Width { get; set; }

    /// <summary>Number of blocks (default 1).</summary>
    public int Blocks { get; set; } = 1;

    /// <summary>Stride of the first block (default 1).</summary>
    public int Stride { get; set; } = 1;
}

/// <summary>Max or average pooling without padding, on a <see cref="Layers.MaxPool"/> or <see cref="Layers.AvgPool"/> property.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class PoolAttribute : Attribute
{
    /// <summary>Square window (default 2).</summary>
    public int Kernel { get; set; } = 2;

    /// <summary>Stride; 0 (default) means equal to the kernel.</summary>
    public int Stride { get; set; }
}

/// <summary>
/// A hidden fully-connected layer followed by ReLU, on a <see cref="Layers.LinearRelu"/> property.
/// Its input must be 1x1 spatially (after a <see cref="Layers.GlobalAvgPool"/> or enough pooling).
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class LinearAttribute : Attribute
{
    public LinearAttribute(int features) => Features = features;

    /// <summary>Output features (units).</summary>
    public int Features { get; }
}

/// <summary>
/// The classifier, on a <see cref="Layers.Head"/> property: global average pooling (when the input is
/// larger than 1x1), flatten, and a linear layer to the network's classes. Optional on a Head property.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class ClassifierAttribute : Attribute
{
}
