using System.Text.Json.Nodes;
using PruneGen.Data;
using PruneGen.Gates;
using PruneGen.Structure;
using PruneGen.Training;
using static PruneGen.Torch.torch;

namespace PruneGen.Methods.Emo;

/// <summary>
/// Divide-and-conquer evolutionary multi-objective pruning (EMO-DIR, METHODS.md section 3) as a
/// training method, under the same budget as the prune-then-fine-tune baselines: dense training for
/// <see cref="EmoOptions.PruneEpoch"/> epochs; then, at the end of that epoch, the features at the
/// network's cuts are cached for a seeded, stratified calibration subset of the training images,
/// the search runs (<see cref="EmoPlanner"/>), the chosen sub-networks are constraint-trained
/// (<see cref="ConstraintTraining"/>, unless switched off for the ablation), and the network is
/// slimmed and fine-tuned for the rest of the run. With <see cref="EmoSearchKind.WholeNetwork"/> it
/// is the whole-network baseline: same calibration, same evaluations, same fine-tuning; its choice gets
/// the repair its hypervolume candidates got (statistics re-estimated by default), not divide and
/// conquer's constraint training unless the candidates got that too.
/// </summary>
/// <remarks>
/// Everything happens inside one end-of-epoch hook, before the trainer's checkpoint: a resumed run
/// finds the slim network, the facts and the state "pruned" in the checkpoint and does not search
/// again. Facts: <c>emo</c> (the search: fronts, evaluations and evaluations/s, search time,
/// hypervolume curve, GPIR choice with impairments and gains, constraint training before/after) and
/// <c>plots</c> (the hypervolume-versus-evaluations curve and the whole-network front, drawn by the
/// run report); metrics at the pruning epoch: <c>prune_macs</c>, <c>prune_macs_fraction</c>,
/// <c>emo_evaluations</c>, <c>emo_evaluations_per_second</c>, <c>emo_search_seconds</c>,
/// <c>emo_hv_final</c>, <c>masked_test_accuracy</c> (the choice as masked), <c>_after_batch_norm</c>
/// (when its statistics are re-estimated) and <c>_before_constraint</c> / <c>_after_constraint</c>.
/// </remarks>
public sealed class EmoPruning : TrainingMethod
{
    public const string SearchFact = "emo";
    public const string PlotsFact = "plots";

    private bool _pruned;
    private bool _resumed;

    public EmoPruning(EmoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    public EmoOptions Options { get; }

    public override string Name => Options.Search == EmoSearchKind.WholeNetwork ? "emo-whole" : "emo";

    public override void OnStart(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Network.Prunable is null)
            throw new InvalidOperationException($"EMO needs a generated prunable network; '{context.Network.Name}' is a plain module");
        if (Options.PruneEpoch > context.Settings.Epochs)
            throw new ArgumentOutOfRangeException("prune_epoch", Options.PruneEpoch, $"prune_epoch {Options.PruneEpoch} is after the last of the run's {context.Settings.Epochs} epochs");
        Options.DenseStart?.StartFresh(context, _resumed);
    }

    public override void OnEpochEnd(TrainingContext context, IDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metrics);
        if (!_pruned && context.Epoch == Options.PruneEpoch - 1) Prune(context, metrics);
    }

    private void Prune(TrainingContext context, IDictionary<string, double> metrics)
    {
        IPrunableNetwork network = context.Network.Prunable!;
        var module = (nn.Module<Tensor, Tensor>)network;
        context.RecordDenseAccuracy(metrics);

        var split = SubNetworkSplit.Of(network.Structure);
        split.RequireFullWidths(network);
        DataLoader train = context.TrainingData ?? throw new InvalidOperationException("EMO draws its calibration images from the training set, but the trainer gave none");
        // One seeded, stratified draw: its first images calibrate, the rest are held out for scoring.
        int calibrationCount = Math.Min(Options.CalibrationImages, train.Dataset.Count);
        int holdoutCount = Math.Min(Options.HoldoutImages, train.Dataset.Count - calibrationCount);
        ImageDataset drawn = train.Dataset.Subset(calibrationCount + holdoutCount, Options.Seed);
        DataLoader Loader(int from, int count, string name) => new(
            drawn.Select(Enumerable.Range(from, count).ToArray(), $"{train.Dataset.Name} {name}"),
            train.Options with { BatchSize = Options.CalibrationBatch, Shuffle = false, DropLast = false, Augmentation = null, MemoryFormat = MemoryFormat.Contiguous });

        MemoryFormat layout = context.Settings.MemoryFormat;
        using FeatureCache cache = FeatureCache.Build(network, split, Loader(0, calibrationCount, "calibration"), layout);
        using FeatureCache? holdout = holdoutCount > 0 ? FeatureCache.Build(network, split, Loader(calibrationCount, holdoutCount, "holdout"), layout, inputsOnly: true) : null;
        context.Observer.OnMessage($"EMO: cached the features at {split.Parts.Count} cuts for {cache.Count} calibration images ({holdout?.Count ?? 0} held out)");
        using EmoPlan plan = EmoPlanner.Plan(network, split, cache, Options, context.Observer.OnMessage, layout, holdout);
        JsonObject facts = plan.Facts;

        // The assembled network with masks enforced by the gates, before and after constraint training.
        GateMode mode = network.Gates.Mode;
        network.Gates.Mode = GateMode.FixedMasks;
        for (int k = 0; k < split.Parts.Count; k++) split.ApplyToGates(network, k, plan.PartMasks[k]);
        var constraint = new JsonObject { ["enabled"] = Options.ConstraintTraining && plan.Detectors.Count > 0 };
        var chosen = new JsonObject { ["batch_norm_reestimated"] = plan.ReestimatesBatchNorm };
        try
        {
            double? masked = MaskedAccuracy(context, module), before = masked;
            if (masked is double m) { chosen["test_accuracy_masked"] = m; metrics["masked_test_accuracy"] = m; }
            // The chosen network starts from the statistics it was judged with (search_batch_norm, or the
            // whole-network search's candidate repair).
            if (plan.ReestimatesBatchNorm)
            {
                BatchNormRecalibration.Run(module, cache.Features(0));
                before = MaskedAccuracy(context, module);
                if (before is double r) { chosen["test_accuracy_after_batch_norm"] = r; metrics["masked_test_accuracy_after_batch_norm"] = r; }
            }
            if (before is double b) { constraint["test_accuracy_before"] = b; metrics["masked_test_accuracy_before_constraint"] = b; }
            if (Options.ConstraintTraining && plan.Detectors.Count > 0)
            {
                ConstraintTrainingOptions constraintOptions = Options.Constraint with { Seed = Options.Seed };
                var clock = System.Diagnostics.Stopwatch.StartNew();
                IReadOnlyList<ConstraintResult> results = ConstraintTraining.Run(network, split, cache, plan.Detectors, constraintOptions);
                constraint["seconds"] = clock.Elapsed.TotalSeconds;
                constraint["steps"] = constraintOptions.Steps;
                constraint["mu"] = constraintOptions.Mu;
                constraint["learning_rate"] = constraintOptions.LearningRate;
                constraint["parts"] = new JsonArray(results.Select(r => (JsonNode)new JsonObject
                {
                    ["name"] = r.Name,
                    ["loss_before"] = r.LossBefore,
                    ["loss_after"] = r.LossAfter,
                    ["reverted"] = r.Reverted,
                }).ToArray());
                double? after = MaskedAccuracy(context, module);
                if (after is double a) { constraint["test_accuracy_after"] = a; metrics["masked_test_accuracy_after_constraint"] = a; }
                context.Observer.OnMessage($"EMO: constraint training ({clock.Elapsed.TotalSeconds:0.0} s) " + string.Join(", ", results.Select(r => $"{r.Name} {r.LossBefore:0.000} -> {r.LossAfter:0.000}{(r.Reverted ? " (reverted)" : "")}")));
            }
        }
        finally
        {
            for (int k = 0; k < split.Parts.Count; k++) split.ApplyToGates(network, k, null);
            network.Gates.Mode = mode;
        }
        facts["chosen_network"] = chosen;
        facts["constraint_training"] = constraint;

        PruneMasks masks = split.ToPruneMasks(network, plan.PartMasks);
        IPrunableNetwork slim = network.Slim(masks);
        var slimModule = (nn.Module<Tensor, Tensor>)slim;
        int carried;
        try
        {
            using SlimmedOptimizerState state = SlimmedOptimizerState.Capture(context.Optimizer, network, masks);
            context.ReplaceNetwork(TrainableNetwork.FromPrunable(slim)); // disposes the dense network and rebuilds the optimizer
            carried = state.ApplyTo(context.Optimizer, slimModule);
        }
        catch
        {
            if (!ReferenceEquals(context.Network.Module, slimModule)) slimModule.Dispose();
            throw;
        }
        _pruned = true;

        long denseMacs = split.FullMacs;
        facts["macs"] = slim.Macs();
        facts["params"] = slim.Params();
        facts["optimizer_state_carried"] = carried;
        context.Facts[SearchFact] = facts;
        context.Facts[PlotsFact] = Plots(facts);

        metrics["prune_macs"] = slim.Macs();
        metrics["prune_macs_fraction"] = (double)slim.Macs() / denseMacs;
        metrics["emo_evaluations"] = facts["evaluations"]!.GetValue<long>();
        metrics["emo_evaluations_per_second"] = facts["evaluations_per_second"]!.GetValue<double>();
        metrics["emo_search_seconds"] = facts["search_seconds"]!.GetValue<double>();
        metrics["emo_hv_final"] = facts["hv_final"]!.GetValue<double>();
        metrics["emo_hv_final_choices"] = facts["hv_final_choices"]!.GetValue<double>();
    }

    private static double? MaskedAccuracy(TrainingContext context, nn.Module<Tensor, Tensor> module) =>
        context.EvaluationData is { } data ? Accuracy.Evaluate(module, data).Accuracy : null;

    /// <summary>
    /// Plot facts for the run report: named charts, each with labelled series of (x, y) points. Runs
    /// reported together overlay the series of charts with the same name. The curve and front of the
    /// repaired candidates sit beside the untrained ones, so the report shows what the repair changes.
    /// </summary>
    private static JsonObject Plots(JsonObject facts)
    {
        string data = facts["hv_data"]?.GetValue<string>() == "holdout" ? "held-out" : "calibration";
        string none = HypervolumeCurve.RepairName(CandidateRepair.None);
        string repair = facts["hv_repair"]?.GetValue<string>() ?? none;
        static JsonArray MacsThenError(JsonNode front) =>
            new(front.AsArray().Select(p => (JsonNode)new JsonArray(p![1]!.GetValue<double>(), p[0]!.GetValue<double>())).ToArray());
        var curves = new JsonObject();
        var fronts = new JsonObject();
        if (repair != none)
        {
            curves[$"after {repair} repair"] = facts["hv_curve"]!.DeepClone();
            fronts[$"after {repair} repair"] = MacsThenError(facts["whole_front"]!);
        }
        if (facts["search"]?.GetValue<string>() == "whole_network") // divide and conquer's choices curve is its curve
            curves["its choices at the R* grid only"] = facts["hv_curve_choices"]!.DeepClone();
        curves["untrained"] = facts["hv_curve_untrained"]!.DeepClone();
        fronts["untrained"] = MacsThenError(facts["whole_front_untrained"]!);
        return new()
        {
            ["emo_hypervolume"] = Chart("Search hypervolume vs evaluations", "evaluations", $"hypervolume of ({data} error, MACs kept), ref. (1, 1)", "line", curves),
            ["emo_front"] = Chart("Whole-network front found by the search", "MACs kept (fraction)", $"{data} error", "scatter", fronts),
        };
    }

    private static JsonObject Chart(string title, string x, string y, string kind, JsonObject series) =>
        new() { ["title"] = title, ["x"] = x, ["y"] = y, ["kind"] = kind, ["series"] = series };

    public override JsonObject? SaveState() => new() { ["pruned"] = _pruned };

    public override void LoadState(JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _resumed = true;
        _pruned = state["pruned"]?.GetValue<bool>() ?? throw new FormatException("EMO's state has no \"pruned\" entry");
    }
}
