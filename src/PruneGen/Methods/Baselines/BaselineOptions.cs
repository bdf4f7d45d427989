using PruneGen.Training.Checkpoints;

namespace PruneGen.Methods.Baselines;

/// <summary>How a prune-then-fine-tune baseline ranks channels (or, for uniform, sets widths).</summary>
public enum BaselineCriterion
{
    /// <summary>The same keep ratio in every prunable group (rounded to the step, minimum respected).</summary>
    Uniform,

    /// <summary>Σ|W| of every filter writing the channel (coupled groups sum over their members).</summary>
    L1,

    /// <summary>Σ|γ| over the BatchNorms of the channel's group.</summary>
    BnScale,

    /// <summary>First-order Taylor on BN: |Σ γ·∂L/∂γ + β·∂L/∂β| accumulated over the last training steps before pruning.</summary>
    Taylor,

    /// <summary>Seeded random scores (the control every criterion must beat).</summary>
    Random,
}

/// <summary>
/// Options of a prune-then-fine-tune baseline: dense training for <see cref="PruneEpoch"/> epochs, one
/// pruning step down to <see cref="TargetMacs"/> of the dense MACs, then fine-tuning for the rest of
/// the run's epochs (so dense + fine-tune epochs equal the dense baseline's budget).
/// </summary>
public sealed record BaselineOptions
{
    public BaselineCriterion Criterion { get; init; } = BaselineCriterion.L1;

    /// <summary>Fraction of the dense network's MACs to keep, in (0, 1] (option key <c>target_macs</c>).</summary>
    public double TargetMacs { get; init; } = 0.5;

    /// <summary>Dense epochs before the network is pruned, at the end of that epoch (option key <c>prune_epoch</c>); at least 1 and at most the run's epochs.</summary>
    public int PruneEpoch { get; init; } = 1;

    /// <summary>Taylor only: the last N training steps before pruning whose gradients are accumulated (capped at the steps of an epoch).</summary>
    public int TaylorBatches { get; init; } = 32;

    /// <summary>Random only: the seed of the channel scores.</summary>
    public long Seed { get; init; }

    /// <summary>A trained network to start from instead of training one (option key <c>dense_run</c>; see <see cref="OneShotSchedule.DenseStart"/>).</summary>
    public DenseStart? DenseStart { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Criterion)) throw new ArgumentOutOfRangeException(nameof(Criterion), Criterion, "unknown pruning criterion");
        if (!(TargetMacs > 0 && TargetMacs <= 1))
            throw new ArgumentOutOfRangeException("target_macs", TargetMacs, "target_macs is the fraction of dense MACs to keep and must lie in (0, 1]");
        if (PruneEpoch < 1) throw new ArgumentOutOfRangeException("prune_epoch", PruneEpoch, "prune_epoch must be at least 1 (the network is pruned after that many dense epochs)");
        if (TaylorBatches < 1) throw new ArgumentOutOfRangeException("taylor_batches", TaylorBatches, "Taylor importance needs at least one batch");
    }

    /// <summary>The method name used in logs and checkpoints, e.g. "l1" or "bnscale" (as in the experiment names resnet20-l1, resnet20-bnscale).</summary>
    public static string MethodName(BaselineCriterion criterion) => criterion switch
    {
        BaselineCriterion.Uniform => "uniform",
        BaselineCriterion.L1 => "l1",
        BaselineCriterion.BnScale => "bnscale",
        BaselineCriterion.Taylor => "taylor",
        BaselineCriterion.Random => "random",
        _ => throw new ArgumentOutOfRangeException(nameof(criterion), criterion, "unknown pruning criterion"),
    };
}
