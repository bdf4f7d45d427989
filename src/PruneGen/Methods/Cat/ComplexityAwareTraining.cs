using System.Globalization;
using System.Text.Json.Nodes;
using PruneGen.Data;
using PruneGen.Gates;
using PruneGen.Structure;
using PruneGen.Training;
using static PruneGen.Torch.torch;

namespace PruneGen.Methods.Cat;

/// <summary>
/// Complexity-aware training (METHODS.md §1) on any generated network: Bernoulli unit and block gates
/// sampled per example, weights by the trainer's SGD (θ excluded), θ by a projected step with the
/// complexity penalty γ; after every epoch the structures whose θ fell to θ_tol or below are removed for
/// good and the network physically slimmed, with the momentum of kept weights carried over. After the
/// decision epoch (<see cref="CatOptions.DecisionEpoch"/>, by default the last) θ is rounded (θ &lt; 0.5
/// removed, survivors set to 1), so the network handed back is the deterministic one; epochs after it
/// train that network with its gates off. Evaluation always uses the deterministic network (gates in
/// Hard mode).
/// </summary>
public sealed class ComplexityAwareTraining : TrainingMethod
{
    /// <summary>Metric names this method adds to every epoch (θ statistics are taken before the epoch's pruning).</summary>
    public static class Metrics
    {
        public const string ExpectedMacs = "cat/expected_macs";
        public const string ExpectedParams = "cat/expected_params";
        public const string DeterministicMacs = "cat/deterministic_macs";
        public const string DeterministicParams = "cat/deterministic_params";
        public const string RemovedUnits = "cat/removed_units";
        public const string RemovedBlocks = "cat/removed_blocks";
        public const string PinnedLayers = "cat/pinned_layers";
        /// <summary>Mean factor on γ over the epoch's steps (1 without a MACs target; see <see cref="CatOptions.MacsReduction"/>).</summary>
        public const string Pressure = "cat/pressure";
        /// <summary>Fraction of live θ strictly inside (θ_tol, 1 − θ_tol), before this epoch's pruning.</summary>
        public const string Undecided = "cat/theta_undecided";
        /// <summary>Prefix of the 10-bin θ histogram (fractions of live θ): cat/theta_hist/0 covers [0, 0.1), ..., /9 covers [0.9, 1].</summary>
        public const string HistogramPrefix = "cat/theta_hist/";
        public const int HistogramBins = 10;
    }

    private readonly HashSet<string> _pinned = new();
    private GateUpdater? _updater;

    public ComplexityAwareTraining(CatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    public override string Name => "cat";

    public CatOptions Options { get; }

    /// <summary>Unit gates pinned at one unit (θ = 1 for good).</summary>
    public IReadOnlyCollection<string> Pinned => _pinned;

    private static IPrunableNetwork Prunable(TrainingContext context) =>
        context.Network.Prunable ?? throw new InvalidOperationException($"CAT needs a generated (prunable) network; '{context.Network.Name}' is a plain module");

    private GateUpdater Updater(TrainingContext context)
    {
        if (_updater is null)
        {
            _updater = new GateUpdater(Options, Prunable(context).Structure);
            foreach (string name in _pinned) _updater.Frozen.Add(name);
        }
        return _updater;
    }

    public override void OnStart(TrainingContext context)
    {
        if (Options.DecisionEpoch > context.Settings.Epochs)
            throw new ArgumentException($"decision_epoch {Options.DecisionEpoch} lies after the last epoch ({context.Settings.Epochs}); use 0 for the last epoch or a number up to {context.Settings.Epochs}");
        Updater(context);
    }

    /// <summary>0-based index of the epoch after which θ is rounded.</summary>
    private int DecisionIndex(TrainingContext context) => (Options.DecisionEpoch == 0 ? context.Settings.Epochs : Options.DecisionEpoch) - 1;

    /// <summary>Whether the gates are decided (training the deterministic network without gates).</summary>
    private bool Decided(TrainingContext context) => context.Epoch > DecisionIndex(context);

    /// <summary>SGD (the trainer's momentum and weight decay) over the weights only: θ has its own projected update.</summary>
    public override optim.Optimizer CreateOptimizer(TrainingContext context)
    {
        TrainerSettings s = context.Settings;
        return optim.SGD(CatPruning.Weights(context.Network.Module).Select(w => w.Parameter), s.LearningRate, momentum: s.Momentum, weight_decay: s.WeightDecay);
    }

    public override StepResult TrainStep(TrainingContext context, Batch batch)
    {
        if (Decided(context))
        {
            // The decided network: gates off, the plain weight step.
            Prunable(context).Gates.Mode = GateMode.Off;
            return base.TrainStep(context, batch);
        }
        double factor = Options.ThetaFollowsSchedule ? context.Schedule.Factor(context.GlobalStep) : 1.0;
        (Tensor loss, Tensor logits) = Updater(context).Step(Prunable(context), context.Optimizer, batch.Images, batch.Labels, factor);
        return new StepResult(loss.ToDouble(), Accuracy.CountCorrect(logits, batch.Labels), batch.Count);
    }

    public override void OnEpochEnd(TrainingContext context, IDictionary<string, double> metrics)
    {
        IPrunableNetwork network = Prunable(context);
        network.Gates.Mode = GateMode.Off;
        AddThetaStatistics(network, metrics);
        if (Decided(context))
        {
            AddStructureStatistics(network, metrics);
            return;
        }
        metrics[Metrics.Pressure] = Updater(context).TakeMeanPressure();

        // The decision epoch rounds θ: what remains is exactly the deterministic network that was evaluated during training.
        bool last = context.Epoch == DecisionIndex(context);
        PruneDecision decision = last
            ? Round(network)
            : CatPruning.Decide(network, Options.ThetaTol, inclusive: true, _pinned);
        foreach (string name in decision.NewlyPinned)
        {
            _pinned.Add(name);
            Updater(context).Frozen.Add(name);
        }
        if (decision.Slims)
        {
            // Momentum of kept weights carries over, sliced exactly as the weights are.
            using SlimmedOptimizerState state = SlimmedOptimizerState.Capture(context.Optimizer, network, decision.Masks);
            IPrunableNetwork slim = CatPruning.Slim(network, decision);
            context.ReplaceNetwork(TrainableNetwork.FromPrunable(slim));
            state.ApplyTo(context.Optimizer, context.Network.Module);
            network = Prunable(context);
        }
        else
        {
            CatPruning.Pin(network, decision.NewlyPinned);
        }
        if (last) KeepSurvivors(network);
        AddStructureStatistics(network, metrics);
        RecalibrateBatchNorm(context, network);
        if (last) RecordFinalFacts(context, metrics);
    }

    /// <summary>
    /// The rounding to the deterministic network: θ &lt; 0.5 removed, or with a MACs target the
    /// structures in θ order that fit it (<see cref="CatPruning.DecideWithinMacs"/>).
    /// </summary>
    private PruneDecision Round(IPrunableNetwork network)
    {
        if (Options.MacsReduction == 0) return CatPruning.Decide(network, 0.5, inclusive: false, _pinned);
        return CatPruning.DecideWithinMacs(network, Options.TargetMacs(network.Structure), Options.ThetaTol, _pinned);
    }

    /// <summary>After the rounding every remaining θ is 1: the deterministic network, decided for good.</summary>
    private static void KeepSurvivors(IPrunableNetwork network)
    {
        using (no_grad())
            foreach (Gate gate in network.Gates.AllGates) gate.Theta.fill_(1.0);
    }

    /// <summary>
    /// Re-estimates every BatchNorm's running statistics on the deterministic network (θ rounded) from
    /// the first <see cref="CatOptions.BatchNormRecalibrationBatches"/> batches of the epoch just
    /// finished, as a cumulative average (momentum 1/k at the k-th batch). The loader's batches are a
    /// pure function of (seed, epoch, batch), so a resumed run recalibrates identically.
    /// </summary>
    private void RecalibrateBatchNorm(TrainingContext context, IPrunableNetwork network)
    {
        int batches = Options.BatchNormRecalibrationBatches;
        if (batches == 0 || context.TrainingData is not { } data) return;
        GateMode gates = network.Gates.Mode;
        network.Gates.Mode = GateMode.Hard;
        try
        {
            // Batches own their tensors: each is disposed once the recalibration pass has used it.
            IEnumerable<Tensor> Inputs()
            {
                foreach (Batch batch in data.Epoch(context.Epoch).Take(batches))
                    using (batch)
                        yield return batch.Images;
            }
            BatchNormRecalibration.Run((nn.Module<Tensor, Tensor>)context.Network.Module, Inputs());
        }
        finally
        {
            network.Gates.Mode = gates;
        }
    }

    /// <summary>Fact key of the run summary's CAT section (final θ histogram before rounding, removed units and blocks).</summary>
    public const string FinalFact = "cat";

    private void RecordFinalFacts(TrainingContext context, IDictionary<string, double> metrics)
    {
        var histogram = new JsonArray();
        for (int b = 0; b < Metrics.HistogramBins; b++)
            histogram.Add(metrics[Metrics.HistogramPrefix + b.ToString(CultureInfo.InvariantCulture)]);
        context.Facts[FinalFact] = new JsonObject
        {
            ["options"] = Options.ToString(),
            ["decision_epoch"] = context.Epoch + 1,
            ["removed_units"] = metrics[Metrics.RemovedUnits],
            ["removed_blocks"] = metrics[Metrics.RemovedBlocks],
            ["pinned_layers"] = metrics[Metrics.PinnedLayers],
            ["theta_histogram_before_rounding"] = histogram,
            ["theta_undecided_before_rounding"] = metrics[Metrics.Undecided],
        };
        if (Options.MacsReduction > 0)
            context.Facts[FinalFact]!["macs_target"] = Math.Floor(Options.TargetMacs(Prunable(context).Structure));
    }

    /// <summary>Loss and accuracy of the deterministic network (θ rounded).</summary>
    public override EvaluationResult Evaluate(TrainingContext context, DataLoader data)
    {
        IPrunableNetwork network = Prunable(context);
        GateMode before = network.Gates.Mode;
        network.Gates.Mode = GateMode.Hard;
        try
        {
            return Accuracy.Evaluate(context.Network.Module, data);
        }
        finally
        {
            network.Gates.Mode = before;
        }
    }

    public override void OnFinish(TrainingContext context) => Prunable(context).Gates.Mode = GateMode.Off;

    public override JsonObject? SaveState() => new()
    {
        ["options"] = Options.ToString(),
        ["pinned"] = new JsonArray(_pinned.Order(StringComparer.Ordinal).Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
    };

    public override void LoadState(JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _pinned.Clear();
        if (state["pinned"] is JsonArray pinned)
            foreach (JsonNode? node in pinned)
                if (node?.GetValue<string>() is { } name) _pinned.Add(name);
        _updater = null; // rebuilt with the restored frozen set on the next use
    }

    private void AddThetaStatistics(IPrunableNetwork network, IDictionary<string, double> metrics)
    {
        float[] theta = CatPruning.LiveThetas(network);
        double tol = Options.ThetaTol;
        metrics[Metrics.Undecided] = theta.Length == 0 ? 0 : theta.Count(t => t > tol && t < 1 - tol) / (double)theta.Length;
        var counts = new int[Metrics.HistogramBins];
        foreach (float t in theta) counts[Math.Clamp((int)(t * Metrics.HistogramBins), 0, Metrics.HistogramBins - 1)]++;
        for (int b = 0; b < counts.Length; b++)
            metrics[Metrics.HistogramPrefix + b.ToString(CultureInfo.InvariantCulture)] = theta.Length == 0 ? 0 : counts[b] / (double)theta.Length;
    }

    private void AddStructureStatistics(IPrunableNetwork network, IDictionary<string, double> metrics)
    {
        NetworkStructure s = network.Structure;
        using (NewDisposeScope())
        using (no_grad())
        {
            metrics[Metrics.ExpectedMacs] = network.ExpectedMacs().ToDouble();
            metrics[Metrics.ExpectedParams] = network.ExpectedParams().ToDouble();
        }
        (int[] widths, bool[] blocks) = DeterministicWidths(network);
        metrics[Metrics.DeterministicMacs] = CostModel.Macs(s, widths, blocks);
        metrics[Metrics.DeterministicParams] = CostModel.Params(s, widths, blocks);
        bool[] kept = network.BlocksKept;
        int[] current = network.GroupWidths;
        metrics[Metrics.RemovedUnits] = s.PrunableGroups.Where(g => CatPruning.IsAlive(s, g, kept)).Sum(g => g.Size - current[g.Index]);
        metrics[Metrics.RemovedBlocks] = s.RemovableBlocks.Count(b => !kept[b.Index]);
        metrics[Metrics.PinnedLayers] = _pinned.Count;
    }

    /// <summary>Widths and block flags of the deterministic network (θ ≥ 0.5 kept), indexed like the structure.</summary>
    public static (int[] GroupWidths, bool[] BlocksKept) DeterministicWidths(IPrunableNetwork network)
    {
        NetworkStructure s = network.Structure;
        int[] widths = network.GroupWidths;
        bool[] blocks = network.BlocksKept;
        for (int i = 0; i < s.PrunableGroups.Count; i++)
            widths[s.PrunableGroups[i].Index] = CatPruning.ThetaValues(network.Gates.Units[i]).Count(t => t >= 0.5f);
        for (int j = 0; j < s.RemovableBlocks.Count; j++)
            if (CatPruning.ThetaValues(network.Gates.Blocks[j])[0] < 0.5f) blocks[s.RemovableBlocks[j].Index] = false;
        return (widths, blocks);
    }
}
