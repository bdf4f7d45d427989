namespace PruneGen.Methods.Emo;

/// <summary>Which search EMO runs.</summary>
public enum EmoSearchKind
{
    /// <summary>EMO-DIR: one NSGA-II per sub-network on cached features, in parallel, then GPIR.</summary>
    DivideAndConquer,

    /// <summary>The baseline: one NSGA-II over the whole network's concatenated mask, scored by the real classifier.</summary>
    WholeNetwork,
}

/// <summary>What scores a sub-network's output during divide and conquer's searches.</summary>
public enum SubNetworkScoring
{
    /// <summary>The cut's feature detector D_k (METHODS.md): cheap, and blind to how the rest of the network uses the feature.</summary>
    Detector,

    /// <summary>
    /// The dense rest of the network and its classifier: a mask's impairment is the whole network's
    /// error change with only that sub-network pruned. Each evaluation runs the later sub-networks too.
    /// </summary>
    DenseTail,
}

/// <summary>Options of <see cref="EmoPruning"/> (the option keys of the experiments in parentheses).</summary>
public sealed record EmoOptions
{
    public EmoSearchKind Search { get; init; } = EmoSearchKind.DivideAndConquer;

    /// <summary>R*: the fraction of the whole network's MACs to remove (<c>macs_reduction</c>).</summary>
    public double MacsReduction { get; init; } = 0.5;

    /// <summary>Dense epochs before the search, which runs at the end of that epoch (<c>prune_epoch</c>).</summary>
    public int PruneEpoch { get; init; } = 10;

    /// <summary>A trained network to start from instead of training one (<c>dense_run</c>); the epochs before the search then only continue its training.</summary>
    public PruneGen.Training.Checkpoints.DenseStart? DenseStart { get; init; }

    /// <summary>NSGA-II population per search (<c>population</c>).</summary>
    public int Population { get; init; } = 20;

    /// <summary>
    /// Generations of each sub-network search (<c>generations</c>). The whole-network search gets
    /// K·(generations + 1) − 1 generations of the same population: the same number of evaluations.
    /// </summary>
    public int Generations { get; init; } = 20;

    /// <summary>Training images whose features are cached and on which masks are scored (<c>calibration_images</c>).</summary>
    public int CalibrationImages { get; init; } = 2048;

    public int CalibrationBatch { get; init; } = 256;

    /// <summary>
    /// Further training images, disjoint from the calibration ones, on which the hypervolume curves'
    /// candidates are scored (<c>holdout_images</c>; 0 scores them on the calibration images).
    /// </summary>
    public int HoldoutImages { get; init; } = 1024;

    /// <summary>Full-batch Adam steps of each feature detector.</summary>
    public int DetectorSteps { get; init; } = 200;

    /// <summary>Cross-network constraint training of the chosen sub-networks (<c>constraint_training</c>; off for the ablation).</summary>
    public bool ConstraintTraining { get; init; } = true;

    public ConstraintTrainingOptions Constraint { get; init; } = new();

    /// <summary>Hypervolume-versus-evaluations points of divide and conquer: every this many generations (and the last).</summary>
    public int HypervolumeEvery { get; init; } = 5;

    /// <summary>R* values (evenly spaced up to the largest reachable gain) whose GPIR assemblies form divide and conquer's whole-network front.</summary>
    public int HypervolumePoints { get; init; } = 16;

    /// <summary>
    /// What is done to the candidates behind both searches' hypervolume curves before they are scored
    /// (<c>hv_repair</c>; constraint training only with <see cref="ConstraintTraining"/>). Untrained
    /// scores are recorded beside them either way.
    /// </summary>
    public CandidateRepair HypervolumeRepair { get; init; } = CandidateRepair.BatchNorm;

    /// <summary>
    /// Both searches re-estimate the BatchNorm statistics of every mask they evaluate on the calibration
    /// images before scoring it: a sub-network's own on its cached input (with
    /// <see cref="SubNetworkScoring.DenseTail"/>, also the dense tail's), the whole network's on the
    /// images (<c>search_batch_norm</c>). Off (the default, as METHODS.md states): masks are scored with
    /// the dense network's statistics. On, the searches' objectives match the hypervolume's BatchNorm
    /// repair; each evaluation costs about one more forward pass.
    /// </summary>
    public bool SearchBatchNorm { get; init; }

    /// <summary>
    /// Divide and conquer scores every sub-network after the first on mixed inputs: per example the
    /// dense feature or the output of its predecessor pruned to 1 − R* of its units by L1 magnitude
    /// (<c>search_pruned_inputs</c>; <see cref="PrunedPredecessorInputs"/>; the mixing share is
    /// <see cref="ConstraintTrainingOptions.PrunedInputFraction"/>). Off (the default, as METHODS.md
    /// states): on the dense features. The whole-network search is unaffected.
    /// </summary>
    public bool SearchPrunedInputs { get; init; }

    /// <summary>
    /// What scores each sub-network's masks in divide and conquer (<c>sub_network_scoring</c>): its
    /// detector (the default, as METHODS.md states) or the dense tail of the network. The detectors
    /// are trained either way, for constraint training.
    /// </summary>
    public SubNetworkScoring SubNetworkScoring { get; init; } = SubNetworkScoring.Detector;

    /// <summary>Threads for the searches (0: libtorch's current count); sub-network searches share them out.</summary>
    public int Threads { get; init; }

    public long Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Search)) throw new ArgumentOutOfRangeException(nameof(Search), Search, "unknown EMO search");
        if (!(MacsReduction >= 0 && MacsReduction < 1))
            throw new ArgumentOutOfRangeException("macs_reduction", MacsReduction, "macs_reduction (R*) is the fraction of MACs removed and must lie in [0, 1)");
        if (PruneEpoch < 1) throw new ArgumentOutOfRangeException("prune_epoch", PruneEpoch, "prune_epoch must be at least 1");
        if (Population < 2) throw new ArgumentOutOfRangeException("population", Population, "NSGA-II needs a population of at least 2");
        if (Generations < 0) throw new ArgumentOutOfRangeException("generations", Generations, "generations cannot be negative");
        if (CalibrationImages < 1) throw new ArgumentOutOfRangeException("calibration_images", CalibrationImages, "at least one calibration image is needed");
        if (HoldoutImages < 0) throw new ArgumentOutOfRangeException("holdout_images", HoldoutImages, "cannot be negative");
        if (CalibrationBatch < 1) throw new ArgumentOutOfRangeException("calibration_batch", CalibrationBatch, "the calibration batch must hold at least one image");
        if (DetectorSteps < 0) throw new ArgumentOutOfRangeException("detector_steps", DetectorSteps, "detector steps cannot be negative");
        if (HypervolumeEvery < 1) throw new ArgumentOutOfRangeException("hv_every", HypervolumeEvery, "must be at least 1");
        if (HypervolumePoints < 1) throw new ArgumentOutOfRangeException("hv_points", HypervolumePoints, "must be at least 1");
        if (!Enum.IsDefined(HypervolumeRepair)) throw new ArgumentOutOfRangeException("hv_repair", HypervolumeRepair, "unknown repair: none, batch_norm, constraint_training or batch_norm_then_constraint_training");
        if (!Enum.IsDefined(SubNetworkScoring)) throw new ArgumentOutOfRangeException("sub_network_scoring", SubNetworkScoring, "unknown sub-network scoring: detector or dense_tail");
        if (Threads < 0) throw new ArgumentOutOfRangeException("threads", Threads, "cannot be negative");
        ArgumentNullException.ThrowIfNull(Constraint);
    }
}
