using System.Diagnostics;
using System.Text.Json.Nodes;
using PruneGen.Search.Indicators;
using PruneGen.Torch;
using PruneGen.Structure;
using static PruneGen.Torch.torch;

namespace PruneGen.Methods.Emo;

/// <summary>
/// What a search chose: one mask per sub-network, how the chosen network is repaired before it is
/// slimmed (statistics re-estimated, then constraint training by the detectors when there are any),
/// and the facts for the run summary.
/// </summary>
public sealed class EmoPlan : IDisposable
{
    internal EmoPlan(bool[][] partMasks, bool reestimatesBatchNorm, IReadOnlyList<FeatureDetector> detectors, JsonObject facts)
    {
        PartMasks = partMasks;
        ReestimatesBatchNorm = reestimatesBatchNorm;
        Detectors = detectors;
        Facts = facts;
    }

    /// <summary>The chosen mask of every sub-network (bits as in <see cref="SubNetworkSplit"/>).</summary>
    public IReadOnlyList<bool[]> PartMasks { get; }

    /// <summary>Whether the chosen network's BatchNorm statistics are re-estimated on the calibration images before anything else.</summary>
    public bool ReestimatesBatchNorm { get; }

    /// <summary>
    /// D_1..D_K, by which the chosen network is constraint-trained: divide and conquer's own; the
    /// whole-network search's only when its candidates were constraint-trained for the curve, else empty.
    /// </summary>
    public IReadOnlyList<FeatureDetector> Detectors { get; }

    public JsonObject Facts { get; }

    public void Dispose()
    {
        foreach (FeatureDetector d in Detectors) d.Dispose();
    }
}

/// <summary>
/// The search half of EMO on a trained, unpruned network and its cached calibration features:
/// divide and conquer (a detector per cut, one NSGA-II per sub-network in parallel, GPIR at R*) or
/// the whole-network baseline (one NSGA-II over the concatenated mask at the same number of
/// evaluations, scored by the real classifier, the front member closest to R* that meets it).
/// <para>
/// Both record a hypervolume-versus-evaluations curve in the same objective space: (whole-network
/// error, whole-network MACs kept as a fraction), reference point (1, 1), with the error of the real
/// classifier on held-out training images that neither search sees (the calibration images when there
/// are none; a search scored on the very images it optimised overfits them). The points at a budget
/// are every candidate the search has put forward so far: for the whole-network search, the members of
/// its (calibration) front; for divide and conquer, the networks GPIR assembles from the sub-network
/// fronts at <see cref="EmoOptions.HypervolumePoints"/> values of R* (evenly spaced up to the largest
/// reachable gain, plus the dense network). Both are taken at divide and conquer's checkpoints
/// (every <see cref="EmoOptions.HypervolumeEvery"/> generations; the whole-network search after the
/// same number of evaluations). These scoring evaluations are not counted as search evaluations.
/// The whole-network search also records the curve of only its choices at the same R* grid
/// (<c>hv_curve_choices</c>), so the two can be compared at equal candidate counts as well.
/// </para>
/// </summary>
public static class EmoPlanner
{
    /// <summary>Reference point of every hypervolume: error 1, all MACs kept.</summary>
    public static readonly double[] HypervolumeReference = [1.0, 1.0];

    /// <param name="memoryFormat">Layout for the problems' network copies (that of the cached features).</param>
    /// <param name="holdout">
    /// Images neither search sees (inputs only), on which the candidates behind the hypervolume curves are
    /// scored; null scores them on the calibration images.
    /// </param>
    public static EmoPlan Plan(IPrunableNetwork network, SubNetworkSplit split, FeatureCache cache, EmoOptions options, Action<string>? log = null,
        MemoryFormat memoryFormat = MemoryFormat.Contiguous, FeatureCache? holdout = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        split.RequireFullWidths(network);
        log ??= _ => { };
        return options.Search == EmoSearchKind.DivideAndConquer
            ? DivideAndConquer(network, split, cache, options, log, memoryFormat, holdout)
            : WholeNetwork(network, split, cache, options, log, memoryFormat, holdout);
    }

    /// <summary>A copy of the network with the same weights, for a problem to own.</summary>
    public static IPrunableNetwork Copy(IPrunableNetwork network, MemoryFormat memoryFormat = MemoryFormat.Contiguous)
    {
        IPrunableNetwork copy = network.Slim(network.NewMasks());
        var module = (nn.Module)copy;
        if (memoryFormat != MemoryFormat.Contiguous) module.to(memoryFormat);
        module.eval();
        return copy;
    }

    private static EmoPlan DivideAndConquer(IPrunableNetwork network, SubNetworkSplit split, FeatureCache cache, EmoOptions options, Action<string> log,
        MemoryFormat memoryFormat, FeatureCache? holdout)
    {
        int K = split.Parts.Count;
        var detectors = new List<FeatureDetector>();
        var problems = new List<SubNetworkProblem>();
        FeatureCache? prunedInputs = null;
        try
        {
            detectors.AddRange(TrainDetectors(split, cache, options));
            if (options.SearchPrunedInputs)
                prunedInputs = PrunedPredecessorInputs.Build(network, split, cache, 1 - options.MacsReduction, options.Constraint.PrunedInputFraction,
                    options.SearchBatchNorm, options.Seed, memoryFormat);
            for (int k = 0; k < K; k++)
            {
                if (split.Parts[k].BitCount == 0)
                    throw new InvalidOperationException($"sub-network '{split.Parts[k].Name}' of {split.Structure.Name} has no prunable unit inside it; EMO needs every sub-network to have some");
                problems.Add(new SubNetworkProblem(split, k, Copy(network, memoryFormat), prunedInputs ?? cache, detectors[k], memoryFormat, options.SearchBatchNorm,
                    options.SubNetworkScoring));
            }

            int threads = options.Threads > 0 ? options.Threads : get_num_threads();
            int parallel = Math.Max(1, Math.Min(K, threads));
            var searchOptions = new EmoSearchOptions
            {
                PopulationSize = options.Population,
                Generations = options.Generations,
                Seed = options.Seed,
                MaxParallelSearches = parallel,
                ThreadsPerSearch = Math.Max(1, threads / parallel),
            };
            log($"EMO: {K} sub-network searches ({string.Join(", ", split.Parts.Select(p => $"{p.Name} {p.BitCount} bits"))}), " +
                $"population {options.Population}, {options.Generations} generations, {parallel} in parallel on {threads} threads");
            var clock = Stopwatch.StartNew();
            IReadOnlyList<SubNetworkSearchResult> results = DivideAndConquerSearch.Run(problems, searchOptions);
            double seconds = clock.Elapsed.TotalSeconds;
            long evaluations = results.Sum(r => r.Evaluations);
            log($"EMO: {evaluations} evaluations in {seconds:0.0} s ({evaluations / Math.Max(seconds, 1e-9):0.0}/s)");

            // Assemblies are scored with the real classifier on the held-out images (or the calibration ones).
            using var scorer = Scorer(network, split, cache, holdout, detectors, options, memoryFormat, log);

            // The choice at R*, from the fronts of everything each search evaluated.
            IReadOnlyList<ArchivedMask>[] fronts = problems.Select(p => p.Archive.Front()).ToArray();
            GpirFront[] gpirFronts = ToGpirFronts(split, problems, fronts);
            long required = Gpir.RequiredGain(options.MacsReduction, split.FullMacs);
            long reachable = Gpir.MaxReachableGain(gpirFronts);
            bool reached = required <= reachable;
            if (!reached) log($"EMO: R* = {options.MacsReduction} needs {required:N0} MACs removed but the fronts reach only {reachable:N0}; taking the largest reachable gain");
            GpirChoice choice = Gpir.Solve(gpirFronts, Math.Min(required, reachable));
            bool[][] chosen = Enumerable.Range(0, K).Select(k => fronts[k][choice.MemberIndices[k]].Mask).ToArray();
            double uniform = UniformChoice.TryChoose(gpirFronts, Math.Min(required, reachable), out GpirChoice uniformChoice) ? uniformChoice.TotalImpairment : double.NaN;

            // Hypervolume in the whole-network space against evaluations: every assembly evaluated so far counts.
            var hvClock = Stopwatch.StartNew();
            var curve = new HypervolumeCurve();
            foreach (int g in HypervolumeCheckpoints(options))
            {
                int prefix = 1 + options.Population * (g + 1);
                foreach ((string key, bool[][] masks) in Assemble(split, problems, problems.Select(p => p.Archive.Front(prefix)).ToArray(), options.HypervolumePoints))
                    curve.Add(key, scorer.Score(masks), (double)split.WholeMacs(masks) / split.FullMacs);
                curve.Mark((long)prefix * K);
            }
            double hvSeconds = hvClock.Elapsed.TotalSeconds;
            log($"EMO: hypervolume curve from {scorer.Count} assembled networks evaluated with the classifier in {hvSeconds:0.0} s" +
                $" ({scorer.Repair} repair: {scorer.RepairSeconds:0.0} s); final {curve.Final:0.000} ({curve.FinalUntrained:0.000} untrained)");

            CandidateScore chosenScore = scorer.Score(chosen);
            long chosenMacs = split.WholeMacs(chosen);
            var parts = new JsonArray();
            for (int k = 0; k < K; k++)
            {
                ArchivedMask pick = fronts[k][choice.MemberIndices[k]];
                parts.Add(new JsonObject
                {
                    ["name"] = split.Parts[k].Name,
                    ["bits"] = split.Parts[k].BitCount,
                    ["dense_macs"] = problems[k].DenseMacs,
                    ["dense_error"] = results[k].DenseError,
                    ["evaluations"] = results[k].Evaluations,
                    ["front"] = Pairs(fronts[k].Select(c => (c.Error, (double)c.Macs / problems[k].DenseMacs))),
                    ["chosen"] = new JsonObject
                    {
                        ["error"] = pick.Error,
                        ["impairment"] = gpirFronts[k].Members[choice.MemberIndices[k]].Impairment,
                        ["gain_macs"] = gpirFronts[k].Members[choice.MemberIndices[k]].GainMacs,
                        ["kept_units"] = pick.Mask.Count(b => b),
                        ["removed_blocks"] = new JsonArray(split.Decode(k, pick.Mask).RemovedBlocks.Select(b => (JsonNode)split.Structure.Blocks[b].Name).ToArray()),
                    },
                });
            }
            var facts = new JsonObject
            {
                ["search"] = "divide_and_conquer",
                ["macs_reduction"] = options.MacsReduction,
                ["required_gain_macs"] = required,
                ["reached"] = reached,
                ["gain_macs"] = choice.TotalGainMacs,
                ["achieved_reduction"] = (double)(split.FullMacs - chosenMacs) / split.FullMacs,
                ["calibration_images"] = cache.Count,
                ["search_batch_norm"] = options.SearchBatchNorm,
                ["search_pruned_inputs"] = options.SearchPrunedInputs,
                ["sub_network_scoring"] = options.SubNetworkScoring == SubNetworkScoring.DenseTail ? "dense_tail" : "detector",
                ["population"] = options.Population,
                ["generations"] = options.Generations,
                ["evaluations"] = evaluations,
                ["search_seconds"] = seconds,
                ["evaluations_per_second"] = evaluations / Math.Max(seconds, 1e-9),
                ["threads"] = threads,
                ["parallel_searches"] = parallel,
                ["parts"] = parts,
                ["gpir"] = new JsonObject
                {
                    ["total_impairment"] = choice.TotalImpairment,
                    ["uniform_total_impairment"] = double.IsFinite(uniform) ? uniform : null,
                },
                ["choice_error"] = chosenScore.Untrained,
                ["choice_error_repaired"] = chosenScore.Repaired,
            };
            curve.AddFacts(facts, holdout ?? cache, holdout is not null, scorer, hvSeconds);
            curve.AddChoiceFacts(facts); // every candidate divide and conquer puts forward is its choice at some R*
            return new EmoPlan(chosen, options.SearchBatchNorm, detectors.ToArray(), facts);
        }
        catch
        {
            foreach (FeatureDetector d in detectors) d.Dispose();
            throw;
        }
        finally
        {
            foreach (SubNetworkProblem p in problems) p.Dispose();
            prunedInputs?.Dispose();
        }
    }

    private static EmoPlan WholeNetwork(IPrunableNetwork network, SubNetworkSplit split, FeatureCache cache, EmoOptions options, Action<string> log,
        MemoryFormat memoryFormat, FeatureCache? holdout)
    {
        int K = split.Parts.Count;
        int generations = K * (options.Generations + 1) - 1;
        int threads = options.Threads > 0 ? options.Threads : get_num_threads();
        using var problem = new WholeNetworkProblem(split, Copy(network, memoryFormat), cache, memoryFormat, options.SearchBatchNorm);
        var searchOptions = new EmoSearchOptions { PopulationSize = options.Population, Generations = generations, Seed = options.Seed };
        log($"EMO whole-network baseline: {split.TotalBits} bits, population {options.Population}, {generations} generations on {threads} threads");
        int before = get_num_threads();
        if (options.Threads > 0) set_num_threads(options.Threads);
        var clock = Stopwatch.StartNew();
        SubNetworkSearchResult result;
        try
        {
            result = SubNetworkSearch.Run(problem, searchOptions);
        }
        finally
        {
            if (options.Threads > 0) set_num_threads(before);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        log($"EMO whole-network baseline: {result.Evaluations} evaluations in {seconds:0.0} s ({result.Evaluations / Math.Max(seconds, 1e-9):0.0}/s)");

        // Hypervolume at divide and conquer's checkpoints: every front member put forward so far, scored
        // with the classifier on the held-out images (the calibration images when none), and trained as
        // divide and conquer's assemblies are (detectors trained here only for that).
        var hvClock = Stopwatch.StartNew();
        FeatureDetector[] detectors = RepairOf(options).ConstraintTrains() ? TrainDetectors(split, cache, options) : [];
        var curve = new HypervolumeCurve();
        // Beside it, only the networks the search would choose at the R* values divide and conquer
        // assembles at: the same number of candidates per checkpoint, picked by the same rule.
        var choices = new HypervolumeCurve();
        try
        {
            using var scorer = Scorer(network, split, cache, holdout, detectors, options, memoryFormat, log);
            foreach (int g in HypervolumeCheckpoints(options))
            {
                int prefix = 1 + options.Population * K * (g + 1); // after generation K*(g+1) - 1: divide and conquer's evaluations at its generation g
                IReadOnlyList<ArchivedMask> frontSoFar = problem.Archive.Front(prefix);
                foreach (ArchivedMask c in frontSoFar)
                    curve.Add(EvaluationArchive.Key(c.Mask), scorer.Score(split.SplitMask(c.Mask)), (double)c.Macs / split.FullMacs);
                foreach (ArchivedMask c in ChoicesAtEvenGains(frontSoFar, split.FullMacs, options.HypervolumePoints))
                    choices.Add(EvaluationArchive.Key(c.Mask), scorer.Score(split.SplitMask(c.Mask)), (double)c.Macs / split.FullMacs);
                curve.Mark(prefix);
                choices.Mark(prefix);
            }
            double hvSeconds = hvClock.Elapsed.TotalSeconds;
            log($"EMO whole-network baseline: hypervolume curve from {scorer.Count} front members scored in {hvSeconds:0.0} s" +
                $" ({scorer.Repair} repair: {scorer.RepairSeconds:0.0} s); final {curve.Final:0.000} ({curve.FinalUntrained:0.000} untrained)," +
                $" {choices.Final:0.000} from its choices at {options.HypervolumePoints} R* values");
            IReadOnlyList<ArchivedMask> front = problem.Archive.Front();
            long required = Gpir.RequiredGain(options.MacsReduction, split.FullMacs);
            ArchivedMask? pick = ChooseAtGain(front, split.FullMacs, required);
            bool reached = pick is not null;
            pick ??= front.OrderBy(c => c.Macs).ThenBy(c => c.Error).First();
            if (!reached) log($"EMO whole-network baseline: no front member removes {required:N0} MACs; taking the one that removes most");
            bool[][] chosen = split.SplitMask(pick.Mask);
            CandidateScore chosenScore = scorer.Score(chosen);

            var facts = new JsonObject
            {
                ["search"] = "whole_network",
                ["macs_reduction"] = options.MacsReduction,
                ["required_gain_macs"] = required,
                ["reached"] = reached,
                ["gain_macs"] = split.FullMacs - pick.Macs,
                ["achieved_reduction"] = (double)(split.FullMacs - pick.Macs) / split.FullMacs,
                ["calibration_images"] = cache.Count,
                ["search_batch_norm"] = options.SearchBatchNorm,
                ["population"] = options.Population,
                ["generations"] = generations,
                ["evaluations"] = result.Evaluations,
                ["search_seconds"] = seconds,
                ["evaluations_per_second"] = result.Evaluations / Math.Max(seconds, 1e-9),
                ["threads"] = threads,
                ["dense_error"] = result.DenseError,
                ["calibration_error"] = pick.Error,
                ["choice_error"] = chosenScore.Untrained,
                ["choice_error_repaired"] = chosenScore.Repaired,
            };
            curve.AddFacts(facts, holdout ?? cache, holdout is not null, scorer, hvSeconds);
            choices.AddChoiceFacts(facts);
            // The baseline's choice gets the repair its candidates got for the curve, so it starts
            // fine-tuning as the network it was judged as (divide and conquer's gets its constraint training).
            var plan = new EmoPlan(chosen, options.SearchBatchNorm || RepairOf(options).ReestimatesBatchNorm(), detectors, facts);
            detectors = []; // the plan owns them now
            return plan;
        }
        finally
        {
            foreach (FeatureDetector d in detectors) d.Dispose();
        }
    }

    private static GpirFront[] ToGpirFronts(SubNetworkSplit split, IReadOnlyList<SubNetworkProblem> problems, IReadOnlyList<IReadOnlyList<ArchivedMask>> fronts) =>
        Enumerable.Range(0, problems.Count).Select(k =>
        {
            double dense = problems[k].Archive.Entries[0].Error; // the search evaluates the dense mask first
            return new GpirFront(split.Parts[k].Name, problems[k].DenseMacs,
                fronts[k].Select(c => new GpirMember(c.Error - dense, problems[k].DenseMacs - c.Macs)).ToArray());
        }).ToArray();

    /// <summary>Divide and conquer's generations at which both curves are marked: every <see cref="EmoOptions.HypervolumeEvery"/>-th and the last.</summary>
    private static IEnumerable<int> HypervolumeCheckpoints(EmoOptions options) =>
        Enumerable.Range(0, options.Generations + 1).Where(g => g % options.HypervolumeEvery == 0 || g == options.Generations);

    /// <summary>GPIR assemblies at evenly spaced R* (dense included), each once: key and masks.</summary>
    private static IEnumerable<(string Key, bool[][] Masks)> Assemble(SubNetworkSplit split, IReadOnlyList<SubNetworkProblem> problems,
        IReadOnlyList<IReadOnlyList<ArchivedMask>> fronts, int count)
    {
        GpirFront[] gpir = ToGpirFronts(split, problems, fronts);
        long reachable = Gpir.MaxReachableGain(gpir);
        var seen = new HashSet<string>();
        for (int i = 0; i <= count; i++)
        {
            GpirChoice choice = Gpir.Solve(gpir, reachable * i / count);
            bool[][] masks = Enumerable.Range(0, fronts.Count).Select(k => fronts[k][choice.MemberIndices[k]].Mask).ToArray();
            string key = EvaluationArchive.AssemblyKey(masks);
            if (seen.Add(key)) yield return (key, masks);
        }
    }

    /// <summary>
    /// The whole-network search's choice at a required gain: the front member that removes the fewest
    /// MACs while removing at least <paramref name="required"/> (lowest error among equals); null when
    /// none does.
    /// </summary>
    private static ArchivedMask? ChooseAtGain(IReadOnlyList<ArchivedMask> front, long fullMacs, long required) =>
        front.Where(c => fullMacs - c.Macs >= required).OrderByDescending(c => c.Macs).ThenBy(c => c.Error).FirstOrDefault();

    /// <summary>
    /// The whole-network search's choices at <paramref name="count"/> + 1 evenly spaced gains up to the
    /// largest its front reaches, each once: the counterpart of <see cref="Assemble"/>.
    /// </summary>
    public static IEnumerable<ArchivedMask> ChoicesAtEvenGains(IReadOnlyList<ArchivedMask> front, long fullMacs, int count)
    {
        long reachable = front.Max(c => fullMacs - c.Macs);
        var seen = new HashSet<string>();
        for (int i = 0; i <= count; i++)
        {
            ArchivedMask pick = ChooseAtGain(front, fullMacs, reachable * i / count)!; // the member of largest gain always qualifies
            if (seen.Add(EvaluationArchive.Key(pick.Mask))) yield return pick;
        }
    }

    /// <summary>The repair of the hypervolume's candidates, less its constraint training where the run does not constraint-train its choice (the ablation).</summary>
    private static CandidateRepair RepairOf(EmoOptions options) => options.ConstraintTraining ? options.HypervolumeRepair : options.HypervolumeRepair switch
    {
        CandidateRepair.ConstraintTraining => CandidateRepair.None,
        CandidateRepair.BatchNormThenConstraintTraining => CandidateRepair.BatchNorm,
        CandidateRepair other => other,
    };

    private static FeatureDetector[] TrainDetectors(SubNetworkSplit split, FeatureCache cache, EmoOptions options)
    {
        var detectors = new List<FeatureDetector>();
        try
        {
            for (int k = 0; k < split.Parts.Count; k++)
                detectors.Add(FeatureDetector.Train(cache, k + 1, split.Structure.Classes, options.DetectorSteps));
            return detectors.ToArray();
        }
        catch
        {
            foreach (FeatureDetector d in detectors) d.Dispose();
            throw;
        }
    }

    private static CandidateScorer Scorer(IPrunableNetwork network, SubNetworkSplit split, FeatureCache cache, FeatureCache? holdout,
        IReadOnlyList<FeatureDetector> detectors, EmoOptions options, MemoryFormat memoryFormat, Action<string> log) =>
        new(network, split, cache, holdout ?? cache, RepairOf(options), detectors, options.Constraint with { Seed = options.Seed }, memoryFormat, log);

    private static JsonArray Pairs(IEnumerable<(double X, double Y)> points) =>
        new(points.Select(p => (JsonNode)new JsonArray(p.X, p.Y)).ToArray());
}
