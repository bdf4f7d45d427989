using System.Text.Json.Nodes;
using PruneGen.Data;
using PruneGen.Methods.Importance;
using PruneGen.Structure;
using PruneGen.Training;
using PruneGen.Training.Checkpoints;
using static PruneGen.Torch.torch;

namespace PruneGen.Methods.Baselines;

/// <summary>When a one-shot schedule prunes, and what it starts from.</summary>
public sealed record OneShotSchedule
{
    /// <summary>Epochs before the single pruning step, which happens at the end of that epoch (option key <c>prune_epoch</c>); at least 1 and at most the run's epochs.</summary>
    public int PruneEpoch { get; init; } = 1;

    /// <summary>
    /// A trained network to start from (option key <c>dense_run</c>) instead of the freshly initialised
    /// one; the run's epochs are then importance accumulation and fine-tuning only. Null: train from scratch.
    /// </summary>
    public DenseStart? DenseStart { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (PruneEpoch < 1) throw new ArgumentOutOfRangeException("prune_epoch", PruneEpoch, "prune_epoch must be at least 1 (the network is pruned after that many dense epochs)");
    }
}

/// <summary>
/// The one-shot schedule every prune-once method shares: train the full network (from scratch, or
/// starting from a trained one, <see cref="OneShotSchedule.DenseStart"/>) for
/// <see cref="OneShotSchedule.PruneEpoch"/> epochs, accumulating Taylor importance over the last steps
/// before pruning when the <see cref="PruningStep"/> needs it; at the end of that epoch let the step
/// decide what to keep, slim the network physically, and fine-tune it for the remaining epochs of the
/// run (same learning-rate schedule, continued). The optimizer is rebuilt over the slim network and
/// the momentum of every kept weight is carried over.
/// </summary>
/// <remarks>
/// <para>
/// Slimming right after the decision is exactly equivalent to fine-tuning the full network with the
/// pruning masks enforced (METHODS.md §2's "apply masks and fine-tune with masks enforced"): a masked
/// unit's output is zero, so it contributes nothing forward and receives no gradient that could matter,
/// and its weights never influence the kept ones; the slim network computes the same function and
/// takes the same SGD steps on the kept weights (momentum carried, weight decay per element), only
/// faster. So the schedule slims at once instead of carrying masks.
/// </para>
/// <para>
/// At the pruning epoch the method adds the metrics <c>prune_macs</c>, <c>prune_params</c>,
/// <c>optimizer_state_carried</c>, <c>width_&lt;Group&gt;</c> per prunable group and
/// <c>prune_blocks_removed</c>, plus the step's own; and records the fact <c>pruning</c> (criterion,
/// prune epoch, MACs, params, widths, blocks kept/removed, and the step's entries) for the run summary.
/// When the run has an evaluation set, the dense network is evaluated just before pruning; the result
/// becomes the run fact <c>dense_test_accuracy</c> and the metric of the same name.
/// </para>
/// </remarks>
public sealed class PruneThenFineTune : TrainingMethod
{
    /// <summary>Name of the run-summary fact describing the pruning step.</summary>
    public const string PruningFact = "pruning";


    private TaylorImportance? _taylor;
    private (int Steps, double[]?[] Sums, double[][]?[] ProducerSums)? _restoredTaylor;
    private bool _pruned;
    private bool _resumed;

    /// <summary>A classic baseline: <paramref name="options"/> give the criterion, MAC target and schedule.</summary>
    public PruneThenFineTune(BaselineOptions options)
        : this(new MacsTargetStep(options ?? throw new ArgumentNullException(nameof(options))),
            new OneShotSchedule { PruneEpoch = options.PruneEpoch, DenseStart = options.DenseStart })
    {
    }

    public PruneThenFineTune(PruningStep step, OneShotSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(schedule);
        schedule.Validate();
        Step = step;
        Schedule = schedule;
    }

    public PruningStep Step { get; }

    public OneShotSchedule Schedule { get; }

    public override string Name => Step.Name;

    /// <summary>The decision taken at the pruning epoch (null before, and after a resume past it).</summary>
    public PruningDecision? Decision { get; private set; }

    public override void OnStart(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Network.Prunable is null)
            throw new InvalidOperationException($"the {Name} method needs a generated prunable network; '{context.Network.Name}' is a plain module");
        if (Schedule.PruneEpoch > context.Settings.Epochs)
            throw new ArgumentOutOfRangeException("prune_epoch", Schedule.PruneEpoch, $"prune_epoch {Schedule.PruneEpoch} is after the last of the run's {context.Settings.Epochs} epochs");
        // A resumed run continues from its checkpoint's weights, which already started from the dense run.
        Schedule.DenseStart?.StartFresh(context, _resumed);
        if (!_pruned)
        {
            Step.Prepare(context.Network.Prunable, context.Observer.OnMessage);
            if (Step.ImportanceSteps is not null)
            {
                _taylor = new TaylorImportance(context.Network.Prunable);
                if (_restoredTaylor is { } saved) _taylor.Restore(saved.Steps, saved.Sums, saved.ProducerSums);
            }
        }
        _restoredTaylor = null;
    }

    public override StepResult TrainStep(TrainingContext context, Batch batch)
    {
        Tensor logits = context.Network.Module.call(batch.Images);
        Tensor loss = nn.functional.cross_entropy(logits, batch.Labels);
        context.Optimizer.zero_grad();
        loss.backward();
        // Gradients of the loss alone: weight decay is applied inside step().
        if (AccumulatesImportanceNow(context)) _taylor!.Accumulate();
        context.Optimizer.step();
        return new StepResult(loss.ToDouble(), Accuracy.CountCorrect(logits, batch.Labels), batch.Count);
    }

    /// <summary>Importance comes from the last <see cref="PruningStep.ImportanceSteps"/> steps of the pruning epoch.</summary>
    private bool AccumulatesImportanceNow(TrainingContext context)
    {
        if (_taylor is null || _pruned || context.Epoch != Schedule.PruneEpoch - 1) return false;
        long stepInEpoch = context.GlobalStep - (long)context.Epoch * context.StepsPerEpoch; // steps already taken this epoch
        return stepInEpoch >= context.StepsPerEpoch - Math.Min(Step.ImportanceSteps!.Value, context.StepsPerEpoch);
    }

    public override void OnEpochEnd(TrainingContext context, IDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metrics);
        if (!_pruned && context.Epoch == Schedule.PruneEpoch - 1) Prune(context, metrics);
    }

    private void Prune(TrainingContext context, IDictionary<string, double> metrics)
    {
        IPrunableNetwork network = context.Network.Prunable!;
        NetworkStructure structure = network.Structure;
        context.RecordDenseAccuracy(metrics);

        if (_taylor is { Iterations: 0 })
            throw new InvalidOperationException($"{Name} found no accumulated importance (was the run resumed exactly at the pruning epoch's end?)");
        bool[] blocksBefore = network.BlocksKept;
        PruningDecision decision = Step.Decide(network, _taylor, context.Observer.OnMessage);
        IPrunableNetwork slim = network.Slim(decision.Masks);
        var module = (nn.Module<Tensor, Tensor>)slim;
        int carried;
        try
        {
            using SlimmedOptimizerState state = SlimmedOptimizerState.Capture(context.Optimizer, network, decision.Masks);
            context.ReplaceNetwork(TrainableNetwork.FromPrunable(slim)); // disposes the dense network and rebuilds the optimizer
            carried = state.ApplyTo(context.Optimizer, module);
        }
        catch
        {
            if (!ReferenceEquals(context.Network.Module, module)) module.Dispose();
            throw;
        }
        _pruned = true;
        _taylor = null;
        Decision = decision;

        int[] widths = slim.GroupWidths;
        bool[] blocks = slim.BlocksKept;
        metrics["prune_macs"] = slim.Macs();
        metrics["prune_params"] = slim.Params();
        metrics["optimizer_state_carried"] = carried;
        var widthsFact = new JsonObject();
        foreach (GroupInfo group in structure.PrunableGroups)
        {
            metrics[$"width_{group.Name}"] = widths[group.Index];
            widthsFact[group.Name] = widths[group.Index];
        }
        string[] removed = structure.RemovableBlocks.Where(b => blocksBefore[b.Index] && !blocks[b.Index]).Select(b => b.WidthsName).ToArray();
        string[] kept = structure.RemovableBlocks.Where(b => blocks[b.Index]).Select(b => b.WidthsName).ToArray();
        metrics["prune_blocks_removed"] = removed.Length;
        foreach ((string name, double value) in decision.Metrics) metrics[name] = value;

        var fact = new JsonObject
        {
            ["criterion"] = Name,
            ["prune_epoch"] = Schedule.PruneEpoch,
            ["macs"] = slim.Macs(),
            ["params"] = slim.Params(),
            ["widths"] = widthsFact,
            ["blocks_kept"] = new JsonArray(kept.Select(b => (JsonNode?)b).ToArray()),
            ["blocks_removed"] = new JsonArray(removed.Select(b => (JsonNode?)b).ToArray()),
        };
        foreach ((string name, JsonNode? value) in decision.Fact) fact[name] = value?.DeepClone();
        Step.Describe(slim, fact, metrics, context.Facts);
        context.Facts[PruningFact] = fact;
    }

    public override JsonObject? SaveState()
    {
        var state = new JsonObject { ["pruned"] = _pruned };
        if (_taylor is { } taylor)
        {
            state["taylor_steps"] = taylor.Iterations;
            var sums = new JsonArray();
            foreach (double[]? group in taylor.Sums()) sums.Add(group is null ? null : new JsonArray(group.Select(v => (JsonNode?)v).ToArray()));
            state["taylor_sums"] = sums;
            var producerSums = new JsonArray();
            foreach (double[][]? group in taylor.ProducerSums())
                producerSums.Add(group is null ? null : new JsonArray(group.Select(p => (JsonNode?)new JsonArray(p.Select(v => (JsonNode?)v).ToArray())).ToArray()));
            state["taylor_producer_sums"] = producerSums;
        }
        return state;
    }

    public override void LoadState(JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _resumed = true;
        _pruned = state["pruned"]?.GetValue<bool>() ?? throw new FormatException($"the {Name} method's state has no \"pruned\" entry");
        if (state["taylor_sums"] is JsonArray sums)
        {
            int steps = state["taylor_steps"]?.GetValue<int>() ?? throw new FormatException("Taylor state without \"taylor_steps\"");
            double[]?[] values = sums.Select(g => g is JsonArray a ? a.Select(v => v!.GetValue<double>()).ToArray() : null).ToArray();
            JsonArray producerSums = state["taylor_producer_sums"] as JsonArray
                ?? throw new FormatException("Taylor state without \"taylor_producer_sums\" (a checkpoint written before writers' shares were kept: resume from the checkpoint before the pruning epoch)");
            double[][]?[] producers = producerSums
                .Select(g => g is JsonArray a ? a.Select(p => p!.AsArray().Select(v => v!.GetValue<double>()).ToArray()).ToArray() : null)
                .ToArray();
            _restoredTaylor = (steps, values, producers);
        }
        // The trainer calls OnStart after LoadState; a live accumulator (not expected) is restored directly.
        if (_taylor is not null && _restoredTaylor is { } saved) _taylor.Restore(saved.Steps, saved.Sums, saved.ProducerSums);
    }
}
