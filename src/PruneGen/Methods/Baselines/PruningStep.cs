using System.Text.Json.Nodes;
using PruneGen.Methods.Importance;
using PruneGen.Structure;

namespace PruneGen.Methods.Baselines;

/// <summary>
/// The one decision of a one-shot schedule (<see cref="PruneThenFineTune"/>): which channels and blocks
/// to keep. The schedule owns everything around it (Taylor accumulation, the dense accuracy fact,
/// slimming, carrying optimizer state, resume); a step only chooses.
/// </summary>
/// <remarks>
/// Steps: <see cref="MacsTargetStep"/> (the classic baselines at a fraction of the dense MACs) and the
/// latency-target planners in <c>PruneGen.Methods.Mdp.LatencyTargetStep</c> (MDP, channel-only MDP,
/// HALP-style, uniform width to a latency).
/// </remarks>
public abstract class PruningStep
{
    /// <summary>The method's name in logs, checkpoints and facts, e.g. "l1" or "mdp".</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Training steps at the end of the pruning epoch whose Taylor importance the decision needs (capped at
    /// the steps of an epoch); null when it needs none.
    /// </summary>
    public virtual int? ImportanceSteps => null;

    /// <summary>
    /// Called when a run starts (fresh or resumed) before its network is pruned: validate, load what the
    /// decision needs (a latency table). Failing here fails the run before any training step.
    /// </summary>
    public virtual void Prepare(IPrunableNetwork network, Action<string> log) { }

    /// <summary>Chooses what to keep in <paramref name="network"/>. <paramref name="importance"/> is set when <see cref="ImportanceSteps"/> is.</summary>
    public abstract PruningDecision Decide(IPrunableNetwork network, TaylorImportance? importance, Action<string> log);

    /// <summary>
    /// After slimming: adds what only this step knows about the slim network to the pruning fact, the
    /// epoch's metrics and the run's facts (e.g. its LUT-predicted latency).
    /// </summary>
    public virtual void Describe(IPrunableNetwork slim, JsonObject pruningFact, IDictionary<string, double> metrics, JsonObject runFacts) { }
}

/// <summary>What a <see cref="PruningStep"/> decided.</summary>
/// <param name="Masks">Kept channels and blocks, relative to the network's current widths.</param>
/// <param name="Fact">Entries for the run's <c>pruning</c> fact (the schedule adds epoch, MACs, params, widths, blocks).</param>
/// <param name="Metrics">Entries for the pruning epoch's metrics.</param>
public sealed record PruningDecision(PruneMasks Masks, JsonObject Fact, IReadOnlyDictionary<string, double> Metrics);

/// <summary>The classic baselines' step: channels ranked by a criterion, removed down to a fraction of the dense MACs.</summary>
public sealed class MacsTargetStep : PruningStep
{
    public MacsTargetStep(BaselineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    public BaselineOptions Options { get; }

    public override string Name => BaselineOptions.MethodName(Options.Criterion);

    public override int? ImportanceSteps => Options.Criterion == BaselineCriterion.Taylor ? Options.TaylorBatches : null;

    /// <summary>The selection made (null before the decision).</summary>
    public ChannelSelection? Selection { get; private set; }

    public override PruningDecision Decide(IPrunableNetwork network, TaylorImportance? importance, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(network);
        ChannelSelection selection = Options.Criterion switch
        {
            BaselineCriterion.Uniform => UniformWidths.Select(network, Options.TargetMacs),
            BaselineCriterion.L1 => ChannelSelector.Select(network, ChannelScores.L1(network), Options.TargetMacs),
            BaselineCriterion.BnScale => ChannelSelector.Select(network, ChannelScores.BatchNormScale(network), Options.TargetMacs),
            BaselineCriterion.Random => ChannelSelector.Select(network, ChannelScores.Random(network, Options.Seed), Options.TargetMacs),
            BaselineCriterion.Taylor => ChannelSelector.Select(network, importance!.Sums(), Options.TargetMacs),
            _ => throw new InvalidOperationException($"unknown criterion {Options.Criterion}"),
        };
        Selection = selection;
        var fact = new JsonObject { ["target_macs"] = Options.TargetMacs, ["macs_fraction"] = selection.MacsFraction };
        var metrics = new Dictionary<string, double>
        {
            ["prune_macs_fraction"] = selection.MacsFraction,
            ["prune_target_fraction"] = Options.TargetMacs,
        };
        return new PruningDecision(selection.Masks, fact, metrics);
    }
}
