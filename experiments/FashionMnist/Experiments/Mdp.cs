using PruneGen.Latency;
using PruneGen.Methods.Baselines;
using PruneGen.Methods.Mdp;
using static PruneGen.Torch.torch;
using PruneGen.Training;
using PruneGen.Zoo;

namespace PruneGen.FashionMnist.Experiments;

/// <summary>
/// Latency-constrained one-shot pruning (MDP, METHODS.md §2) and its baselines in the same schedule:
/// train dense for <c>prune_epoch</c> epochs (or load a trained network with <c>dense_run</c> and
/// accumulate importance for one epoch), accumulate Taylor importance over the last
/// <c>importance_steps</c> steps of that epoch, choose a structure whose LUT latency is at most
/// (1 − <c>latency_reduction</c>) · LUT(dense), slim, fine-tune for the remaining epochs. The LUT is
/// measured on this machine at <c>latency_batch</c> and the run's threads (or reused from
/// <c>latency_table</c> when its key matches); summary.json reports the LUT-predicted latency
/// (<c>predicted_latency_ms</c>) beside the measured one.
/// </summary>
public abstract class LatencyExperiment : OneShotOptions
{
    [Option("latency reduction r: the budget is (1 - r) times the dense network's LUT latency", Default = 0.5, Min = 0.0, Max = 0.99)]
    public double LatencyReduction { get; set; }

    [Option("Taylor importance window: the last N training steps of the pruning epoch (0 = the whole epoch)", Default = 0, Min = 0, Max = 10_000_000)]
    public int ImportanceSteps { get; set; }

    [Option("latency lookup table file ('' = latency/<network>-b<latency_batch>-t<latency_threads>.json); reused when its key matches, else profiled and written", Default = "")]
    public string LatencyTable { get; set; } = "";

    protected abstract LatencyPlanner Planner { get; }

    public TrainingMethod CreateMethod() =>
        new PruneThenFineTune(new LatencyTargetStep(CreateLatencyOptions()), new OneShotSchedule { PruneEpoch = EffectivePruneEpoch, DenseStart = StartingPoint() });

    protected virtual LatencyTargetOptions CreateLatencyOptions() => new()
    {
        Planner = Planner,
        LatencyReduction = LatencyReduction,
        ImportanceSteps = ImportanceSteps,
        LatencyTablePath = LatencyTable.Length > 0 ? LatencyTable : null,
        // The table is measured as the run measures its final latency: same threads, batch and layout.
        Profiler = new LatencyProfilerOptions
        {
            Batch = LatencyBatch,
            Threads = EffectiveLatencyThreads,
            MemoryFormat = ChannelsLast ? MemoryFormat.ChannelsLast : MemoryFormat.Contiguous,
        },
    };
}

/// <summary>An experiment whose planner is MDP's exact program (joint or channel-only).</summary>
public abstract class MdpExperiment : LatencyExperiment
{
    [Option("exact solver of the program: auto (the stream decomposition on residual networks, CBC otherwise), cbc or decomposition", Default = MdpSearch.Auto)]
    public MdpSearch MdpSolver { get; set; }

    protected override LatencyTargetOptions CreateLatencyOptions() => base.CreateLatencyOptions() with { Search = MdpSolver };
}

[Experiment("resnet20-mdp", Network = typeof(ResNet20), Method = "mdp", Epochs = Budget.Epochs, BatchSize = Budget.BatchSize,
    Description = "MDP: channels and blocks chosen jointly by an exact integer program at a latency budget")]
public partial class ResNet20Mdp : MdpExperiment
{
    protected override LatencyPlanner Planner => LatencyPlanner.Mdp;
}

[Experiment("resnet20-mdp-channels", Network = typeof(ResNet20), Method = "mdp-channels", Epochs = Budget.Epochs, BatchSize = Budget.BatchSize,
    Description = "MDP without block removal (channels only) at the same latency budget")]
public partial class ResNet20MdpChannels : MdpExperiment
{
    protected override LatencyPlanner Planner => LatencyPlanner.MdpChannels;
}

[Experiment("resnet20-halp", Network = typeof(ResNet20), Method = "halp", Epochs = Budget.Epochs, BatchSize = Budget.BatchSize,
    Description = "HALP-style latency knapsack (input widths frozen per step) at the same latency budget")]
public partial class ResNet20Halp : LatencyExperiment
{
    [Option("knapsack steps from the dense latency down to the budget", Default = 5, Min = 1, Max = 1000)]
    public int HalpSteps { get; set; }

    protected override LatencyPlanner Planner => LatencyPlanner.Halp;

    protected override LatencyTargetOptions CreateLatencyOptions() => base.CreateLatencyOptions() with { HalpSteps = HalpSteps };
}

[Experiment("resnet20-uniform-latency", Network = typeof(ResNet20), Method = "uniform-latency", Epochs = Budget.Epochs, BatchSize = Budget.BatchSize,
    Description = "one width ratio for every group, the largest within the same latency budget")]
public partial class ResNet20UniformLatency : LatencyExperiment
{
    protected override LatencyPlanner Planner => LatencyPlanner.Uniform;
}

[Experiment("resnet56-mdp", Network = typeof(ResNet56), Method = "mdp", Epochs = Budget.Epochs, BatchSize = Budget.BatchSize,
    Description = "MDP on ResNet-56 (27 removable blocks): the solver at scale")]
public partial class ResNet56Mdp : MdpExperiment
{
    protected override LatencyPlanner Planner => LatencyPlanner.Mdp;
}

/// <summary>
/// MDP on the synthetic set in a few steps: importance over epoch 1, the solve at its end, fine-tuning in
/// epoch 2. The integration test kills and resumes it after the pruning step (set latency_batch small:
/// the LUT is profiled at that batch).
/// </summary>
[Experiment("resnet20-mdp-smoke", Network = typeof(ResNet20), Method = "mdp", Dataset = "synthetic", Epochs = 2, StepsPerEpoch = 4, BatchSize = 32,
    Description = "MDP one-shot on synthetic images, a few steps (smoke test of a latency-targeted run)")]
[OptionDefault("prune_epoch", 1)]
public partial class ResNet20MdpSmoke : MdpExperiment
{
    protected override LatencyPlanner Planner => LatencyPlanner.Mdp;
}
