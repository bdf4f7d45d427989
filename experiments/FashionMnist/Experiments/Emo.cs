using PruneGen.Experiments;
using PruneGen.Methods.Emo;
using PruneGen.Training;
using PruneGen.Zoo;

namespace PruneGen.FashionMnist.Experiments;

/// <summary>
/// Divide-and-conquer evolutionary multi-objective pruning (METHODS.md §3) under the shared budget:
/// dense training for <c>prune_epoch</c> epochs, the search on cached calibration features at the
/// end of that epoch (R* = <c>macs_reduction</c> of the MACs removed), constraint training, slimming,
/// fine-tuning for the remaining epochs. With <c>dense_run</c> every variant starts from the same
/// trained network (e.g. a finished resnet20-dense run) and searches after one epoch. The <c>-whole</c> experiment is the whole-network NSGA-II
/// baseline at the same number of evaluations; compare the two with
/// <c>report &lt;run of resnet20-emo&gt; &lt;run of resnet20-emo-whole&gt;</c> (hypervolume-versus-evaluations
/// curves and fronts in one space, plotted from the runs' facts).
/// </summary>
public abstract class EmoExperiment : OneShotOptions
{
    [Option("R*: fraction of the dense network's MACs to remove (0.5 = half the MACs, a 2x MAC reduction)", Default = 0.5, Min = 0.0, Max = 0.95)]
    public double MacsReduction { get; set; }

    [Option("NSGA-II population of each search", Default = 20, Min = 2, Max = 10_000)]
    public int Population { get; set; }

    [Option("generations of each sub-network search (the whole-network search gets K*(generations+1)-1, the same evaluations)", Default = 20, Min = 0, Max = 100_000)]
    public int Generations { get; set; }

    [Option("training images whose features are cached and on which masks are scored (seeded, stratified)", Default = 2048, Min = 1, Max = 1_000_000)]
    public int CalibrationImages { get; set; }

    [Option("further training images, disjoint from the calibration ones, on which the hypervolume curves' candidates are scored (0: the calibration images)", Default = 1024, Min = 0, Max = 1_000_000)]
    public int HoldoutImages { get; set; }

    [Option("cross-network constraint training of the chosen sub-networks (false: the ablation)", Default = true)]
    public bool ConstraintTraining { get; set; }

    [Option("Adam steps of constraint training per sub-network", Default = 100, Min = 0, Max = 1_000_000)]
    public int ConstraintSteps { get; set; }

    [Option("Adam learning rate of constraint training", Default = 0.001, Min = 0.0, Max = 10.0)]
    public double ConstraintLr { get; set; }

    [Option("mu: weight of the feature-matching term of constraint training", Default = 1.0, Min = 0.0, Max = 1000.0)]
    public double Mu { get; set; }

    [Option("divide and conquer: hypervolume point every this many generations (and the last)", Default = 5, Min = 1, Max = 100_000)]
    public int HvEvery { get; set; }

    [Option("divide and conquer: R* values whose GPIR assemblies form the whole-network front of the hypervolume", Default = 16, Min = 1, Max = 1000)]
    public int HvPoints { get; set; }

    [Option("what is done to both searches' hypervolume candidates before they are scored: batch_norm (statistics re-estimated on the calibration images), constraint_training (as the chosen network; slow), batch_norm_then_constraint_training (statistics re-estimated, then constraint-trained: as the chosen network with search_batch_norm) or none (untrained scores are recorded either way)", Default = CandidateRepair.BatchNorm)]
    public CandidateRepair HvRepair { get; set; }

    [Option("both searches re-estimate the BatchNorm statistics of every mask they evaluate on the calibration images (a sub-network's on its cached input) before scoring it; false scores masks with the dense statistics, as METHODS.md states", Default = false)]
    public bool SearchBatchNorm { get; set; }

    [Option("divide and conquer scores every sub-network after the first on inputs that mix, per example, the dense features and those of its predecessor pruned to 1 - macs_reduction of its units by L1 magnitude; false scores on the dense features, as METHODS.md states", Default = false)]
    public bool SearchPrunedInputs { get; set; }

    [Option("divide and conquer: what scores each sub-network's masks: detector (the cut's feature detector, as METHODS.md states) or dense_tail (the dense rest of the network and its classifier)", Default = SubNetworkScoring.Detector)]
    public SubNetworkScoring SubNetworkScoring { get; set; }

    protected virtual EmoSearchKind Search => EmoSearchKind.DivideAndConquer;

    public TrainingMethod CreateMethod() => new EmoPruning(new EmoOptions
    {
        Search = Search,
        MacsReduction = MacsReduction,
        PruneEpoch = EffectivePruneEpoch,
        DenseStart = StartingPoint(),
        Population = Population,
        Generations = Generations,
        CalibrationImages = CalibrationImages,
        HoldoutImages = HoldoutImages,
        ConstraintTraining = ConstraintTraining,
        Constraint = new ConstraintTrainingOptions { Steps = ConstraintSteps, LearningRate = ConstraintLr, Mu = Mu },
        HypervolumeEvery = HvEvery,
        HypervolumePoints = HvPoints,
        HypervolumeRepair = HvRepair,
        SearchBatchNorm = SearchBatchNorm,
        SearchPrunedInputs = SearchPrunedInputs,
        SubNetworkScoring = SubNetworkScoring,
        Seed = Seed,
    });
}

[Experiment("resnet20-emo", Network = typeof(ResNet20), Method = "emo", Epochs = Budget.Epochs, BatchSize = Budget.BatchSize,
    Description = "EMO divide and conquer: per-stage NSGA-II on cached features, GPIR to macs_reduction, constraint training, fine-tune")]
public partial class ResNet20Emo : EmoExperiment;

[Experiment("resnet20-emo-noconstraint", Network = typeof(ResNet20), Method = "emo", Epochs = Budget.Epochs, BatchSize = Budget.BatchSize,
    Description = "EMO ablation: resnet20-emo without cross-network constraint training")]
[OptionDefault("constraint_training", false)]
public partial class ResNet20EmoNoConstraint : EmoExperiment;

[Experiment("resnet20-emo-whole", Network = typeof(ResNet20), Method = "emo-whole", Epochs = Budget.Epochs, BatchSize = Budget.BatchSize,
    Description = "EMO baseline: one NSGA-II over the whole network's mask at the same evaluations, same fine-tune")]
public partial class ResNet20EmoWhole : EmoExperiment
{
    protected override EmoSearchKind Search => EmoSearchKind.WholeNetwork;
}

[Experiment("resnet56-emo", Network = typeof(ResNet56), Method = "emo", Epochs = Budget.Epochs, BatchSize = Budget.BatchSize,
    Description = "EMO divide and conquer on ResNet-56 (1008 bits in three stages of nine blocks)")]
public partial class ResNet56Emo : EmoExperiment;

[Experiment("resnet56-emo-whole", Network = typeof(ResNet56), Method = "emo-whole", Epochs = Budget.Epochs, BatchSize = Budget.BatchSize,
    Description = "EMO whole-network baseline on ResNet-56")]
public partial class ResNet56EmoWhole : EmoExperiment
{
    protected override EmoSearchKind Search => EmoSearchKind.WholeNetwork;
}

[Experiment("vgg-emo", Network = typeof(VggSmall), Method = "emo", Epochs = Budget.Epochs, BatchSize = Budget.BatchSize,
    Description = "EMO divide and conquer on the VGG-style network (sub-networks cut after each pooling layer)")]
public partial class VggEmo : EmoExperiment;

[Experiment("vgg-emo-whole", Network = typeof(VggSmall), Method = "emo-whole", Epochs = Budget.Epochs, BatchSize = Budget.BatchSize,
    Description = "EMO whole-network baseline on the VGG-style network")]
public partial class VggEmoWhole : EmoExperiment
{
    protected override EmoSearchKind Search => EmoSearchKind.WholeNetwork;
}

/// <summary>
/// EMO on the synthetic set in a few steps: dense epoch 1, a tiny search (population 4, 2
/// generations, 64 calibration images), constraint training, fine-tune epoch 2. The integration test
/// kills it after the search and resumes.
/// </summary>
[Experiment("resnet20-emo-smoke", Network = typeof(ResNet20), Method = "emo", Dataset = "synthetic", Epochs = 2, StepsPerEpoch = 4, BatchSize = 32,
    Description = "EMO divide and conquer on synthetic images, a few steps (smoke test of the search, constraint training and resume)")]
[OptionDefault("prune_epoch", 1)]
[OptionDefault("population", 4)]
[OptionDefault("generations", 2)]
[OptionDefault("calibration_images", 64)]
[OptionDefault("constraint_steps", 4)]
[OptionDefault("hv_every", 1)]
[OptionDefault("hv_points", 3)]
public partial class ResNet20EmoSmoke : EmoExperiment;

/// <summary>The whole-network baseline's smoke run: resnet20-emo-smoke's settings, one NSGA-II over the concatenated mask.</summary>
[Experiment("resnet20-emo-whole-smoke", Network = typeof(ResNet20), Method = "emo-whole", Dataset = "synthetic", Epochs = 2, StepsPerEpoch = 4, BatchSize = 32,
    Description = "EMO whole-network baseline on synthetic images, a few steps (compare with resnet20-emo-smoke at the same settings)")]
[OptionDefault("prune_epoch", 1)]
[OptionDefault("population", 4)]
[OptionDefault("generations", 2)]
[OptionDefault("calibration_images", 64)]
[OptionDefault("constraint_steps", 4)]
[OptionDefault("hv_every", 1)]
[OptionDefault("hv_points", 3)]
public partial class ResNet20EmoWholeSmoke : EmoExperiment
{
    protected override EmoSearchKind Search => EmoSearchKind.WholeNetwork;
}
