using PruneGen.Gates;
using PruneGen.Structure;
using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Methods.Emo;

/// <summary>A whole-network candidate's error with the real classifier: as masked, and after constraint training (NaN when not trained).</summary>
public readonly record struct CandidateScore(double Untrained, double Trained)
{
    /// <summary>The error the hypervolume counts: after constraint training when there was some.</summary>
    public double Error => double.IsNaN(Trained) ? Untrained : Trained;
}

/// <summary>
/// Scores the whole-network candidates behind both searches' hypervolume curves (one mask per
/// sub-network) with the real classifier on the scoring images. Every candidate is scored as masked
/// and, when constraint options are given, also after the cross-network constraint training that the
/// chosen network gets (METHODS.md section 3: "assemble, constraint-train"), on its own copy of the
/// dense weights. Both searches' candidates go through the same scorer, so the curves compare the masks
/// the searches find, judged as the networks the method goes on with. Scores are memoised by mask.
/// </summary>
public sealed class CandidateScorer : IDisposable
{
    private readonly IPrunableNetwork _network;
    private readonly SubNetworkSplit _split;
    private readonly FeatureCache _calibration;
    private readonly FeatureCache _scoring;
    private readonly IReadOnlyList<FeatureDetector>? _detectors;
    private readonly ConstraintTrainingOptions? _constraint;
    private readonly MemoryFormat _memoryFormat;
    private readonly WholeNetworkProblem _untrained;
    private readonly Dictionary<string, CandidateScore> _scores = new();

    /// <param name="network">The dense network (not modified: trained candidates get copies).</param>
    /// <param name="scoring">Images the candidates are scored on (held-out, or the calibration ones).</param>
    /// <param name="detectors">D_1..D_K for constraint training; with <paramref name="constraint"/> null, candidates are scored untrained only.</param>
    public CandidateScorer(IPrunableNetwork network, SubNetworkSplit split, FeatureCache calibration, FeatureCache scoring,
        IReadOnlyList<FeatureDetector>? detectors, ConstraintTrainingOptions? constraint, MemoryFormat memoryFormat)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(scoring);
        if (constraint is not null && (detectors is null || detectors.Count != split.Parts.Count))
            throw new ArgumentException($"constraint-trained scoring needs one detector per sub-network ({split.Parts.Count})", nameof(detectors));
        (_network, _split, _calibration, _scoring, _detectors, _constraint, _memoryFormat) = (network, split, calibration, scoring, detectors, constraint, memoryFormat);
        _untrained = new WholeNetworkProblem(split, EmoPlanner.Copy(network, memoryFormat), scoring, memoryFormat);
    }

    /// <summary>Whether candidates are constraint-trained before the score the hypervolume counts.</summary>
    public bool Trains => _constraint is not null;

    /// <summary>Distinct candidates scored so far.</summary>
    public int Count => _scores.Count;

    /// <summary>Seconds spent constraint-training candidates.</summary>
    public double TrainingSeconds { get; private set; }

    public CandidateScore Score(IReadOnlyList<bool[]> partMasks)
    {
        ArgumentNullException.ThrowIfNull(partMasks);
        string key = string.Join("|", partMasks.Select(EvaluationArchive.Key));
        if (_scores.TryGetValue(key, out CandidateScore known)) return known;
        double untrained = _untrained.Error(partMasks);
        double trained = _constraint is null ? double.NaN : TrainedError(partMasks);
        return _scores[key] = new CandidateScore(untrained, trained);
    }

    private double TrainedError(IReadOnlyList<bool[]> partMasks)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        IPrunableNetwork copy = EmoPlanner.Copy(_network, _memoryFormat);
        // The problem owns the copy from here on and disposes it, also when training throws.
        using var problem = new WholeNetworkProblem(_split, copy, _scoring, _memoryFormat);
        copy.Gates.Mode = GateMode.FixedMasks;
        for (int k = 0; k < _split.Parts.Count; k++) _split.ApplyToGates(copy, k, partMasks[k]);
        ConstraintTraining.Run(copy, _split, _calibration, _detectors!, _constraint!);
        TrainingSeconds += clock.Elapsed.TotalSeconds;
        // Scored on a slimmed copy of the trained weights: the same outputs as the masked gates.
        return problem.Error(partMasks);
    }

    public void Dispose() => _untrained.Dispose();
}
