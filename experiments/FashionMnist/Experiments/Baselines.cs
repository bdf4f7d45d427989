using PruneGen.Methods.Baselines;
using PruneGen.Training;
using PruneGen.Zoo;

namespace PruneGen.FashionMnist.Experiments;

/// <summary>
/// Prune-then-fine-tune baselines on ResNet-20 under the shared budget: dense training for
/// <c>prune_epoch</c> epochs, one pruning step to <c>target_macs</c> of the dense MACs (channels only),
/// fine-tuning for the remaining epochs. They differ only in how channels are ranked.
/// </summary>
public abstract class BaselineExperiment : PruningOptions
{
    protected abstract BaselineCriterion Criterion { get; }

    public TrainingMethod CreateMethod() => new PruneThenFineTune(CreateBaselineOptions());

    protected virtual BaselineOptions CreateBaselineOptions() =>
        new() { Criterion = Criterion, TargetMacs = TargetMacs, PruneEpoch = EffectivePruneEpoch, Seed = Seed, DenseStart = StartingPoint() };
}

[Experiment("resnet20-uniform", Network = typeof(ResNet20), Method = "uniform", Epochs = Budget.Epochs, BatchSize = Budget.BatchSize,
    Description = "the same keep ratio in every channel group, sized to target_macs")]
public partial class ResNet20Uniform : BaselineExperiment
{
    protected override BaselineCriterion Criterion => BaselineCriterion.Uniform;
}

[Experiment("resnet20-l1", Network = typeof(ResNet20), Method = "l1", Epochs = Budget.Epochs, BatchSize = Budget.BatchSize,
    Description = "channels ranked by the L1 norm of their filters")]
public partial class ResNet20L1 : BaselineExperiment
{
    protected override BaselineCriterion Criterion => BaselineCriterion.L1;
}

[Experiment("resnet20-bnscale", Network = typeof(ResNet20), Method = "bn-scale", Epochs = Budget.Epochs, BatchSize = Budget.BatchSize,
    Description = "channels ranked by their BatchNorm scale |gamma| (network slimming's criterion)")]
public partial class ResNet20BnScale : BaselineExperiment
{
    protected override BaselineCriterion Criterion => BaselineCriterion.BnScale;
}

[Experiment("resnet20-taylor", Network = typeof(ResNet20), Method = "taylor", Epochs = Budget.Epochs, BatchSize = Budget.BatchSize,
    Description = "channels ranked by first-order Taylor importance of their BatchNorm, over the last steps before pruning")]
public partial class ResNet20Taylor : BaselineExperiment
{
    [Option("training steps before pruning whose gradients score the channels", Default = 32, Min = 1, Max = 100_000)]
    public int TaylorBatches { get; set; }

    protected override BaselineCriterion Criterion => BaselineCriterion.Taylor;

    protected override BaselineOptions CreateBaselineOptions() => base.CreateBaselineOptions() with { TaylorBatches = TaylorBatches };
}

[Experiment("resnet20-random", Network = typeof(ResNet20), Method = "random", Epochs = Budget.Epochs, BatchSize = Budget.BatchSize,
    Description = "channels ranked at random, seeded (the control every criterion must beat)")]
public partial class ResNet20Random : BaselineExperiment
{
    protected override BaselineCriterion Criterion => BaselineCriterion.Random;
}

/// <summary>
/// The L1 baseline on the synthetic set in a few steps: a pruning smoke run that needs no dataset
/// package (dense epoch 1, prune to target_macs, fine-tune epoch 2). The integration test kills and
/// resumes it after the pruning step.
/// </summary>
[Experiment("resnet20-l1-smoke", Network = typeof(ResNet20), Method = "l1", Dataset = "synthetic", Epochs = 2, StepsPerEpoch = 4, BatchSize = 32,
    Description = "L1 prune-then-fine-tune on synthetic images, a few steps (smoke test of a pruning run)")]
[OptionDefault("prune_epoch", 1)]
public partial class ResNet20L1Smoke : BaselineExperiment
{
    protected override BaselineCriterion Criterion => BaselineCriterion.L1;
}
