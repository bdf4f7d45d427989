using PruneGen.Experiments;
using PruneGen.Hosting.Runs;
using PruneGen.Training.Checkpoints;

namespace PruneGen.FashionMnist.Experiments;

/// <summary>
/// Options of every one-shot (prune once, then fine-tune) experiment on this dataset: when to prune
/// and, optionally, a trained dense network to start from. Deriving an [Experiment] class from it
/// adds its keys to the experiment's config.
/// </summary>
public abstract class OneShotOptions : ExperimentOptions
{
    /// <summary>Epochs before the single pruning step; the rest of the budget fine-tunes the slim network. 0: see <see cref="EffectivePruneEpoch"/>.</summary>
    [Option("epochs before the network is pruned (at the end of that epoch; 0 = 1 with dense_run, else a third of the epochs); the rest of the budget fine-tunes", Default = 0, Min = 0, Max = 100_000)]
    public int PruneEpoch { get; set; }

    /// <summary>A finished resnet20-dense (or same-network) run to start from: its final model is loaded before the first step.</summary>
    [Option("run folder of a finished dense run whose final model the run starts from ('' = train from scratch); then the epochs are importance + fine-tuning only", Default = "")]
    public string DenseRun { get; set; } = "";

    /// <summary>
    /// <see cref="PruneEpoch"/>, or when it is 0: 1 when starting from a trained network (one epoch of
    /// importance accumulation), else a third of the run's epochs (at least 1) trained dense from scratch.
    /// </summary>
    public int EffectivePruneEpoch => PruneEpoch > 0 ? PruneEpoch : DenseRun.Length > 0 ? 1 : Math.Max(1, Epochs / 3);

    /// <summary>The dense start <see cref="DenseRun"/> names, or null.</summary>
    protected DenseStart? StartingPoint() => DenseRun.Length > 0 ? new DenseStart(DenseRun, RunDirectory.ModelPathOf(DenseRun)) : null;
}

/// <summary>Options of the prune-then-fine-tune baselines at a MAC budget.</summary>
public abstract class PruningOptions : OneShotOptions
{
    /// <summary>The budget, stated as what is kept (not as a reduction): 0.5 keeps half the dense MACs.</summary>
    [Option("fraction of the dense network's MACs kept after pruning (0.5 = half the MACs, a 2x MAC reduction)", Default = 0.5, Min = 0.05, Max = 1.0)]
    public double TargetMacs { get; set; }
}
