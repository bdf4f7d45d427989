using PruneGen.Experiments;

namespace PruneGen.FashionMnist.Experiments;

/// <summary>
/// Options shared by every prune-then-fine-tune experiment on this dataset. Deriving an [Experiment]
/// class from it adds its keys to the experiment's config.
/// </summary>
public abstract class PruningOptions : ExperimentOptions
{
    /// <summary>The budget, stated as what is kept (not as a reduction): 0.5 keeps half the dense MACs.</summary>
    [Option("fraction of the dense network's MACs kept after pruning (0.5 = half the MACs, a 2x MAC reduction)", Default = 0.5, Min = 0.05, Max = 1.0)]
    public double TargetMacs { get; set; }

    /// <summary>Dense epochs before the single pruning step; the rest of the budget fine-tunes the slim network.</summary>
    [Option("dense epochs before the network is pruned (at the end of that epoch); the rest of the budget fine-tunes", Default = 10, Min = 1, Max = 100_000)]
    public int PruneEpoch { get; set; }
}
