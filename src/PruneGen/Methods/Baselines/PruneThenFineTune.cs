using System.Text.Json.Nodes;
using PruneGen.Data;
using PruneGen.Methods.Importance;
using PruneGen.Structure;
using PruneGen.Training;
using static PruneGen.Torch.torch;

namespace PruneGen.Methods.Baselines;

/// <summary>
/// A classic baseline under the same budget as dense training: train the full network for
/// <see cref="BaselineOptions.PruneEpoch"/> epochs, prune it once to
/// <see cref="BaselineOptions.TargetMacs"/> of the dense MACs by the chosen criterion, slim it
/// physically, and fine-tune for the remaining epochs of the run (same learning-rate schedule,
/// continued). Channels only: no block is removed. The optimizer is rebuilt over the slim network and
/// the momentum of every kept weight is carried over.
/// </summary>
/// <remarks>
/// At the pruning epoch the method adds the metrics <c>prune_macs</c>, <c>prune_params</c>,
/// <c>prune_macs_fraction</c>, <c>prune_target_fraction</c>, <c>optimizer_state_carried</c> and
/// <c>width_&lt;Group&gt;</c> per prunable group, and records the fact <c>pruning</c> (criterion,
/// target, achieved MACs and params, widths) for the run summary.
/// </remarks>
public sealed class PruneThenFineTune : TrainingMethod
{
    /// <summary>Name of the run-summary fact describing the pruning step.</summary>
    public const string PruningFact = "pruning";

    private TaylorImportance? _taylor;
    private (int Steps, double[]?[] Sums)? _restoredTaylor;
    private bool _pruned;

    /// <param name="options">Criterion, target and schedule.</param>
    /// <remarks>
    /// When the run has an evaluation set, the dense network is evaluated on it just before pruning; the
    /// result becomes the run fact <c>dense_test_accuracy</c> and the metric of the same name.
    /// </remarks>
    public PruneThenFineTune(BaselineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    public BaselineOptions Options { get; }

    public override string Name => BaselineOptions.MethodName(Options.Criterion);

    /// <summary>The selection made at the pruning epoch (null before, and after a resume past it).</summary>
    public ChannelSelection? Selection { get; private set; }

    public override void OnStart(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Network.Prunable is null)
            throw new InvalidOperationException($"the {Name} baseline needs a generated prunable network; '{context.Network.Name}' is a plain module");
        if (Options.PruneEpoch > context.Settings.Epochs)
            throw new ArgumentOutOfRangeException("prune_epoch", Options.PruneEpoch, $"prune_epoch {Options.PruneEpoch} is after the last of the run's {context.Settings.Epochs} epochs");
        if (Options.Criterion == BaselineCriterion.Taylor && !_pruned)
        {
            _taylor = new TaylorImportance(context.Network.Prunable);
            if (_restoredTaylor is { } saved) _taylor.Restore(saved.Steps, saved.Sums);
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
        if (AccumulatesTaylorNow(context)) _taylor!.Accumulate();
        context.Optimizer.step();
        return new StepResult(loss.ToDouble(), Accuracy.CountCorrect(logits, batch.Labels), batch.Count);
    }

    /// <summary>Taylor scores come from the last <see cref="BaselineOptions.TaylorBatches"/> steps of the last dense epoch.</summary>
    private bool AccumulatesTaylorNow(TrainingContext context)
    {
        if (_taylor is null || _pruned || context.Epoch != Options.PruneEpoch - 1) return false;
        long stepInEpoch = context.GlobalStep - (long)context.Epoch * context.StepsPerEpoch; // steps already taken this epoch
        return stepInEpoch >= context.StepsPerEpoch - Math.Min(Options.TaylorBatches, context.StepsPerEpoch);
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
        NetworkStructure structure = network.Structure;
        // The dense network's accuracy is measured here, the last moment it exists.
        if (context.EvaluationData is { } denseEvaluation)
        {
            EvaluationResult dense = Accuracy.Evaluate(context.Network.Module, denseEvaluation);
            context.Facts[Trainer.Facts.DenseTestAccuracy] = dense.Accuracy;
            metrics[Trainer.Facts.DenseTestAccuracy] = dense.Accuracy;
        }

        ChannelSelection selection = Select(network);
        IPrunableNetwork slim = network.Slim(selection.Masks);
        var module = (nn.Module<Tensor, Tensor>)slim;
        int carried;
        try
        {
            using SlimmedOptimizerState state = SlimmedOptimizerState.Capture(context.Optimizer, network, selection.Masks);
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
        Selection = selection;

        metrics["prune_macs"] = selection.Macs;
        metrics["prune_params"] = slim.Params();
        metrics["prune_macs_fraction"] = selection.MacsFraction;
        metrics["prune_target_fraction"] = Options.TargetMacs;
        metrics["optimizer_state_carried"] = carried;
        var widths = new JsonObject();
        foreach (GroupInfo group in structure.PrunableGroups)
        {
            metrics[$"width_{group.Name}"] = selection.Widths[group.Index];
            widths[group.Name] = selection.Widths[group.Index];
        }
        context.Facts[PruningFact] = new JsonObject
        {
            ["criterion"] = Name,
            ["target_macs"] = Options.TargetMacs,
            ["prune_epoch"] = Options.PruneEpoch,
            ["macs"] = selection.Macs,
            ["macs_fraction"] = selection.MacsFraction,
            ["params"] = slim.Params(),
            ["widths"] = widths,
        };
    }

    private ChannelSelection Select(IPrunableNetwork network) => Options.Criterion switch
    {
        BaselineCriterion.Uniform => UniformWidths.Select(network, Options.TargetMacs),
        BaselineCriterion.L1 => ChannelSelector.Select(network, ChannelScores.L1(network), Options.TargetMacs),
        BaselineCriterion.BnScale => ChannelSelector.Select(network, ChannelScores.BatchNormScale(network), Options.TargetMacs),
        BaselineCriterion.Random => ChannelSelector.Select(network, ChannelScores.Random(network, Options.Seed), Options.TargetMacs),
        BaselineCriterion.Taylor => _taylor is { Iterations: > 0 } taylor
            ? ChannelSelector.Select(network, taylor.Sums(), Options.TargetMacs)
            : throw new InvalidOperationException("Taylor pruning found no accumulated gradients (was the run resumed exactly at the pruning epoch's end?)"),
        _ => throw new InvalidOperationException($"unknown criterion {Options.Criterion}"),
    };

    public override JsonObject? SaveState()
    {
        var state = new JsonObject { ["pruned"] = _pruned };
        if (_taylor is { } taylor)
        {
            state["taylor_steps"] = taylor.Iterations;
            var sums = new JsonArray();
            foreach (double[]? group in taylor.Sums()) sums.Add(group is null ? null : new JsonArray(group.Select(v => (JsonNode?)v).ToArray()));
            state["taylor_sums"] = sums;
        }
        return state;
    }

    public override void LoadState(JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _pruned = state["pruned"]?.GetValue<bool>() ?? throw new FormatException($"the {Name} baseline's state has no \"pruned\" entry");
        if (state["taylor_sums"] is JsonArray sums)
        {
            int steps = state["taylor_steps"]?.GetValue<int>() ?? throw new FormatException("Taylor state without \"taylor_steps\"");
            double[]?[] values = sums.Select(g => g is JsonArray a ? a.Select(v => v!.GetValue<double>()).ToArray() : null).ToArray();
            _restoredTaylor = (steps, values);
        }
        // The trainer calls OnStart after LoadState; a live accumulator (not expected) is restored directly.
        if (_taylor is not null && _restoredTaylor is { } saved) _taylor.Restore(saved.Steps, saved.Sums);
    }
}
