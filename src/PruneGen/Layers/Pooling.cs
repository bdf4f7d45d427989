using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Layers;

/// <summary>Max pooling without padding.</summary>
public sealed class MaxPool(string name, int kernel, int stride) : nn.Module<Tensor, Tensor>(name)
{
    public int Kernel { get; } = kernel;
    public int Stride { get; } = stride;

    public override Tensor forward(Tensor input) => nn.functional.max_pool2d(input, Kernel, Stride);
}

/// <summary>Average pooling without padding.</summary>
public sealed class AvgPool(string name, int kernel, int stride) : nn.Module<Tensor, Tensor>(name)
{
    public int Kernel { get; } = kernel;
    public int Stride { get; } = stride;

    public override Tensor forward(Tensor input) => nn.functional.avg_pool2d(input, Kernel, Stride);
}

/// <summary>Global average pooling to a flat (N, C) tensor.</summary>
public sealed class GlobalAvgPool(string name) : nn.Module<Tensor, Tensor>(name)
{
    public override Tensor forward(Tensor input) => Pooled(input);

    /// <summary>(N, C, H, W) → (N, C) by averaging; a flat input is returned as a new handle.</summary>
    internal static Tensor Pooled(Tensor input)
    {
        if (input.Dimensions != 4) return input.alias();
        using Tensor pooled = nn.functional.adaptive_avg_pool2d(input, 1);
        return pooled.flatten(1);
    }
}
