using PruneGen.Torch;

namespace PruneGen.Data;

/// <summary>How a <see cref="DataLoader"/> batches, orders, normalises and augments.</summary>
public sealed record DataLoaderOptions
{
    public int BatchSize { get; init; } = 128;

    /// <summary>Shuffle every epoch (order fixed by <see cref="Seed"/> and the epoch number); otherwise dataset order.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of the epoch orders: epoch e of seed s always visits the images in the same order.</summary>
    public long Seed { get; init; }

    /// <summary>Skip the last batch of an epoch when it is smaller than <see cref="BatchSize"/>.</summary>
    public bool DropLast { get; init; }

    /// <summary>Per-channel normalisation applied while assembling; null leaves values as stored (bytes scaled to [0, 1]).</summary>
    public Normalization? Normalization { get; init; }

    /// <summary>Random crop / flip; null for none (evaluation).</summary>
    public Augmentation? Augmentation { get; init; }

    /// <summary>Seed of the augmentation draws (default: derived from <see cref="Seed"/>). Each (epoch, batch) has its own stream.</summary>
    public long? AugmentationSeed { get; init; }

    /// <summary>Layout of the images tensor: contiguous NCHW, or channels-last (NHWC in memory, same [B, C, H, W] shape).</summary>
    public torch.MemoryFormat MemoryFormat { get; init; } = torch.MemoryFormat.Contiguous;
}
