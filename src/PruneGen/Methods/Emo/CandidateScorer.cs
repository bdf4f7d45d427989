using PruneGen.Gates;
using PruneGen.Structure;
using PruneGen.Torch;
using PruneGen.Training;
using static PruneGen.Torch.torch;

namespace PruneGen.Methods.Emo;

/// <summary>What is done to a whole-network candidate before the score its search's hypervolume counts.</summary>
public enum CandidateRepair
{
    /// <summary>Scored as masked: the dense network's weights and BatchNorm statistics.</summary>
    None,

    /// <summary>
    /// BatchNorm statistics re-estimated on the calibration images (one forward pass, no gradient): the
    /// pruned network's activations no longer have the statistics its BatchNorm layers hold, so untouched
    /// candidates read as far worse than any fine-tuning leaves them.
    /// </summary>
    BatchNorm,

    /// <summary>The cross-network constraint training the chosen network gets (METHODS.md section 3: "assemble, constraint-train"); slow: hundreds of optimizer steps per candidate.</summary>
    ConstraintTraining,

    /// <summary>
    /// <see cref="BatchNorm"/>, then <see cref="ConstraintTraining"/> with the re-estimated statistics
    /// frozen: what the chosen network gets with <see cref="EmoOptions.SearchBatchNorm"/>. Constraint
    /// training alone keeps the dense statistics, which a pruned network's activations no longer have.
    /// </summary>
    BatchNormThenConstraintTraining,
}

public static class CandidateRepairExtensions
{
    /// <summary>The repair constraint-trains its candidates, so it needs the per-part detectors.</summary>
    public static bool ConstraintTrains(this CandidateRepair repair) =>
        repair is CandidateRepair.ConstraintTraining or CandidateRepair.BatchNormThenConstraintTraining;

    /// <summary>The repair re-estimates its candidates' BatchNorm statistics on the calibration images (first, when it also constraint-trains).</summary>
    public static bool ReestimatesBatchNorm(this CandidateRepair repair) =>
        repair is CandidateRepair.BatchNorm or CandidateRepair.BatchNormThenConstraintTraining;
}

/// <summary>A whole-network candidate's error with the real classifier: as masked, and after its repair (equal to it with <see cref="CandidateRepair.None"/>).</summary>
public readonly record struct CandidateScore(double Untrained, double Repaired);

/// <summary>
/// Scores the whole-network candidates behind both searches' hypervolume curves (one mask per
/// sub-network) with the real classifier on the scoring images, as masked and after the
/// <see cref="CandidateRepair"/> asked for, each on its own copy of the dense weights. Both searches'
/// candidates go through the same scorer, so the curves compare the masks the searches find, judged
/// alike. Scores are memoised by mask.
/// </summary>
public sealed class CandidateScorer : IDisposable
{
    private readonly IPrunableNetwork _network;
    private readonly SubNetworkSplit _split;
    private readonly FeatureCache _calibration;
    private readonly FeatureCache _scoring;
    private readonly IReadOnlyList<FeatureDetector>? _detectors;
    private readonly ConstraintTrainingOptions _constraint;
    private readonly MemoryFormat _memoryFormat;
    private readonly WholeNetworkProblem _untrained;
    // The untrained problem's copy of the dense weights (it owns it); BatchNorm repairs slim their candidates from it.
    private readonly IPrunableNetwork _dense;
    private readonly Dictionary<string, CandidateScore> _scores = new();
    private readonly Action<string>? _progress;
    private readonly TimeProvider _clock;
    private long _lastProgress;

    /// <summary>The longest silence while scoring: a constraint-trained repair takes seconds, and a curve needs a hundred or more.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMinutes(1);

    /// <param name="network">The dense network (not modified: repaired candidates get copies).</param>
    /// <param name="calibration">The calibration features: inputs of BatchNorm re-estimation and of constraint training.</param>
    /// <param name="scoring">Images the candidates are scored on (held-out, or the calibration ones).</param>
    /// <param name="detectors">D_1..D_K; needed only by the repairs that constraint-train.</param>
    /// <param name="progress">Told how far scoring has got, at most once per <see cref="ProgressInterval"/>.</param>
    /// <param name="clock">Measures that interval (the system clock when null).</param>
    public CandidateScorer(IPrunableNetwork network, SubNetworkSplit split, FeatureCache calibration, FeatureCache scoring, CandidateRepair repair,
        IReadOnlyList<FeatureDetector>? detectors, ConstraintTrainingOptions constraint, MemoryFormat memoryFormat, Action<string>? progress = null,
        TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(scoring);
        ArgumentNullException.ThrowIfNull(constraint);
        if (!Enum.IsDefined(repair)) throw new ArgumentOutOfRangeException(nameof(repair), repair, "unknown candidate repair");
        if (repair.ConstraintTrains() && (detectors is null || detectors.Count != split.Parts.Count))
            throw new ArgumentException($"constraint-trained scoring needs one detector per sub-network ({split.Parts.Count})", nameof(detectors));
        (_network, _split, _calibration, _scoring, _detectors, _constraint, _memoryFormat) = (network, split, calibration, scoring, detectors, constraint, memoryFormat);
        Repair = repair;
        _progress = progress;
        _clock = clock ?? TimeProvider.System;
        _lastProgress = _clock.GetTimestamp();
        _dense = EmoPlanner.Copy(network, memoryFormat);
        _untrained = new WholeNetworkProblem(split, _dense, scoring, memoryFormat);
    }

    public CandidateRepair Repair { get; }

    /// <summary>Distinct candidates scored so far.</summary>
    public int Count => _scores.Count;

    /// <summary>Seconds spent repairing candidates (not scoring them).</summary>
    public double RepairSeconds { get; private set; }

    public CandidateScore Score(IReadOnlyList<bool[]> partMasks)
    {
        ArgumentNullException.ThrowIfNull(partMasks);
        string key = EvaluationArchive.AssemblyKey(partMasks);
        if (_scores.TryGetValue(key, out CandidateScore known)) return known;
        double untrained = _untrained.Error(partMasks);
        double repaired = Repair == CandidateRepair.None ? untrained : RepairedError(partMasks);
        var score = _scores[key] = new CandidateScore(untrained, repaired);
        if (_progress is not null && _clock.GetElapsedTime(_lastProgress) >= ProgressInterval)
        {
            _progress($"EMO: {_scores.Count} candidates scored ({HypervolumeCurve.RepairName(Repair)} repair: {RepairSeconds:0} s so far)");
            _lastProgress = _clock.GetTimestamp();
        }
        return score;
    }

    private double RepairedError(IReadOnlyList<bool[]> partMasks)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (Repair.ConstraintTrains())
        {
            // Training changes the weights: a copy of its own, which the problem owns from here on and disposes, also when the repair throws.
            IPrunableNetwork copy = EmoPlanner.Copy(_network, _memoryFormat);
            using var problem = new WholeNetworkProblem(_split, copy, _scoring, _memoryFormat);
            copy.Gates.Mode = GateMode.FixedMasks;
            for (int k = 0; k < _split.Parts.Count; k++) _split.ApplyToGates(copy, k, partMasks[k]);
            if (Repair.ReestimatesBatchNorm())
                BatchNormRecalibration.Run((nn.Module<Tensor, Tensor>)copy, _calibration.Features(0));
            ConstraintTraining.Run(copy, _split, _calibration, _detectors!, _constraint);
            RepairSeconds += clock.Elapsed.TotalSeconds;
            // Scored on a slimmed copy of the trained weights: the same outputs as the masked gates.
            return problem.Error(partMasks);
        }
        // BatchNorm repair leaves the weights alone and re-estimates statistics on a new slimmed network.
        IPrunableNetwork slim = MaskedForward.BatchNormRepaired(_dense, _split, partMasks, _calibration, 0, _split.Parts.Count - 1, throughTail: true, _memoryFormat);
        try
        {
            RepairSeconds += clock.Elapsed.TotalSeconds;
            return WholeNetworkProblem.ClassifierError(slim, _split, _scoring);
        }
        finally
        {
            ((nn.Module)slim).Dispose();
        }
    }

    public void Dispose() => _untrained.Dispose();
}
