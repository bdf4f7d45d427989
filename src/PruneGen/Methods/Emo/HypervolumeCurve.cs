using System.Text.Json.Nodes;
using PruneGen.Search.Indicators;
using PruneGen.Search.Pareto;

namespace PruneGen.Methods.Emo;

/// <summary>
/// A search's hypervolume against evaluations in the whole-network space (error, MACs kept as a
/// fraction; reference <see cref="EmoPlanner.HypervolumeReference"/>): candidates are added as the
/// search puts them forward, and <see cref="Mark"/> records the hypervolume of all of them so far, both
/// of the counted error (after the candidates' repair) and of the untrained one. Beside it, the
/// hypervolume of only the candidates put forward since the previous mark: what the search offers at
/// that budget, which unlike the accumulated value does not grow with the number of marks.
/// </summary>
public sealed class HypervolumeCurve
{
    private readonly Dictionary<string, (CandidateScore Score, double Fraction)> _points = new();
    private readonly HashSet<string> _sinceMark = new();
    private readonly JsonArray _counted = new();
    private readonly JsonArray _untrained = new();
    private readonly JsonArray _atCheckpoint = new();

    public double Final { get; private set; }
    public double FinalUntrained { get; private set; }

    /// <summary>The hypervolume of the candidates put forward for the last mark alone (counted error).</summary>
    public double FinalAtCheckpoint { get; private set; }

    /// <summary>Puts a candidate forward for the next mark; a key already added keeps one point.</summary>
    public void Add(string key, CandidateScore score, double macsFraction)
    {
        _points[key] = (score, macsFraction);
        _sinceMark.Add(key);
    }

    /// <summary>
    /// Records, at <paramref name="evaluations"/>, the hypervolume of every candidate added so far and
    /// that of the candidates added since the previous mark.
    /// </summary>
    public void Mark(long evaluations)
    {
        Final = Compute(_points.Values, p => p.Score.Repaired);
        FinalUntrained = Compute(_points.Values, p => p.Score.Untrained);
        FinalAtCheckpoint = Compute(_sinceMark.Select(key => _points[key]), p => p.Score.Repaired);
        _counted.Add(new JsonArray(evaluations, Final));
        _untrained.Add(new JsonArray(evaluations, FinalUntrained));
        _atCheckpoint.Add(new JsonArray(evaluations, FinalAtCheckpoint));
        _sinceMark.Clear();
    }

    private static double Compute(IEnumerable<(CandidateScore Score, double Fraction)> points, Func<(CandidateScore Score, double Fraction), double> error) =>
        Hypervolume.Compute2D(points.Select(p => new[] { error(p), p.Fraction }).ToArray(),
            EmoPlanner.HypervolumeReference[0], EmoPlanner.HypervolumeReference[1]);

    /// <summary>Non-dominated (error, MACs fraction) pairs by increasing MACs.</summary>
    private JsonArray Front(Func<CandidateScore, double> error)
    {
        double[][] all = _points.Values.Select(p => new[] { error(p.Score), p.Fraction }).ToArray();
        return new JsonArray(Dominance.NonDominated(all).OrderBy(p => p[1]).Select(p => (JsonNode)new JsonArray(p[0], p[1])).ToArray());
    }

    /// <summary>
    /// The run summary's hypervolume facts: <c>hv_curve</c>, <c>hv_final</c> and <c>whole_front</c> of the
    /// counted (repaired) error, their <c>_untrained</c> twins, <c>hv_curve_at_checkpoint</c> (each mark's
    /// own candidates), and how the candidates were repaired.
    /// </summary>
    public void AddFacts(JsonObject facts, FeatureCache scoringImages, bool heldOut, CandidateScorer scorer, double seconds)
    {
        facts["hv_data"] = heldOut ? "holdout" : "calibration";
        facts["hv_images"] = scoringImages.Count;
        facts["hv_repair"] = RepairName(scorer.Repair);
        facts["hv_reference"] = new JsonArray(EmoPlanner.HypervolumeReference[0], EmoPlanner.HypervolumeReference[1]);
        facts["hv_curve"] = _counted.DeepClone();
        facts["hv_final"] = Final;
        facts["hv_curve_at_checkpoint"] = _atCheckpoint.DeepClone();
        facts["whole_front"] = Front(s => s.Repaired);
        facts["hv_curve_untrained"] = _untrained.DeepClone();
        facts["hv_final_untrained"] = FinalUntrained;
        facts["whole_front_untrained"] = Front(s => s.Untrained);
        facts["hv_networks"] = scorer.Count;
        facts["hv_seconds"] = seconds;
        facts["hv_repair_seconds"] = scorer.RepairSeconds;
    }

    /// <summary>
    /// The facts of a curve whose candidates are only the search's choices at the R* grid of
    /// <see cref="EmoOptions.HypervolumePoints"/>: <c>hv_curve_choices</c>, <c>hv_final_choices</c> and
    /// <c>hv_choices_networks</c> (distinct candidates). Divide and conquer's counted curve is such a curve;
    /// the whole-network search's counts its whole front, so both are compared at equal candidate counts too.
    /// With them <c>hv_curve_choices_at_checkpoint</c>, each mark's own choices.
    /// </summary>
    public void AddChoiceFacts(JsonObject facts)
    {
        facts["hv_curve_choices"] = _counted.DeepClone();
        facts["hv_final_choices"] = Final;
        facts["hv_curve_choices_at_checkpoint"] = _atCheckpoint.DeepClone();
        facts["hv_choices_networks"] = _points.Count;
    }

    /// <summary>The option value and fact of a repair: none, batch_norm or constraint_training.</summary>
    public static string RepairName(CandidateRepair repair) => repair switch
    {
        CandidateRepair.BatchNorm => "batch_norm",
        CandidateRepair.ConstraintTraining => "constraint_training",
        CandidateRepair.BatchNormThenConstraintTraining => "batch_norm_then_constraint_training",
        _ => "none",
    };
}
