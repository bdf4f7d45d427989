namespace PruneGen.Methods.Emo;

/// <summary>Per-sub-network NSGA-II settings; defaults are EMO-DIR's (METHODS.md section 3).</summary>
public sealed record EmoSearchOptions
{
    public int PopulationSize { get; init; } = 20;
    public int Generations { get; init; } = 20;
    public double CrossoverProbability { get; init; } = 0.9;

    /// <summary>Per-bit flip probability; null for 1/mask length.</summary>
    public double? MutationRate { get; init; }

    /// <summary>Range of the per-individual keep probability of the initial masks (individual 0 is unpruned).</summary>
    public double MinKeep { get; init; } = 0.2;
    public double MaxKeep { get; init; } = 1.0;

    /// <summary>Sub-network k searches with a stream derived from (Seed, k), so searches are independent and reproducible.</summary>
    public long Seed { get; init; }

    /// <summary>Sub-network searches run at the same time (each evaluates its own batches).</summary>
    public int MaxParallelSearches { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// libtorch threads each search's worker uses while it evaluates (libtorch's thread count belongs to
    /// the OS thread, so each worker sets it for itself and restores it after); 0 leaves it as it is.
    /// </summary>
    public int ThreadsPerSearch { get; init; }
}
