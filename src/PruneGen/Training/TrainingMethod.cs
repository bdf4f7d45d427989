using System.Text.Json.Nodes;
using PruneGen.Data;
using static PruneGen.Torch.torch;

namespace PruneGen.Training;

/// <summary>What one training step produced.</summary>
/// <param name="Loss">Mean loss over the batch (what was minimised).</param>
/// <param name="Correct">Correctly classified examples in the batch.</param>
/// <param name="Count">Examples in the batch.</param>
public readonly record struct StepResult(double Loss, long Correct, long Count);

/// <summary>Loss and accuracy on an evaluation set.</summary>
public readonly record struct EvaluationResult(double Loss, double Accuracy, long Count);

/// <summary>
/// A training method plugged into the <see cref="Trainer"/>. The defaults are plain supervised
/// training (SGD with momentum and weight decay, cross-entropy); pruning methods override the hooks:
/// the train step (gate sampling, extra penalties), the end of an epoch (where the network may be
/// slimmed with <see cref="TrainingContext.ReplaceNetwork"/>), evaluation, and their own state for
/// checkpoints. Methods know nothing of the command line.
/// </summary>
public abstract class TrainingMethod
{
    /// <summary>Short name for logs and summaries, e.g. "dense", "cat".</summary>
    public abstract string Name { get; }

    /// <summary>Called once before the first step, after a fresh start or a resume (state already loaded).</summary>
    public virtual void OnStart(TrainingContext context) { }

    /// <summary>The optimizer over the current network; called again whenever the network is replaced.</summary>
    public virtual optim.Optimizer CreateOptimizer(TrainingContext context)
    {
        TrainerSettings s = context.Settings;
        return optim.SGD(context.Network.Module.parameters(), s.LearningRate, momentum: s.Momentum, weight_decay: s.WeightDecay);
    }

    /// <summary>One optimizer step on <paramref name="batch"/>. Runs inside a dispose scope owned by the trainer.</summary>
    public virtual StepResult TrainStep(TrainingContext context, Batch batch)
    {
        Tensor logits = context.Network.Module.call(batch.Images);
        Tensor loss = nn.functional.cross_entropy(logits, batch.Labels);
        context.Optimizer.zero_grad();
        loss.backward();
        context.Optimizer.step();
        return new StepResult(loss.ToDouble(), Accuracy.CountCorrect(logits, batch.Labels), batch.Count);
    }

    /// <summary>
    /// End of an epoch, before evaluation: a pruning method may remove structures here. Add named values
    /// to <paramref name="metrics"/> (they land in the metrics files and reports).
    /// </summary>
    public virtual void OnEpochEnd(TrainingContext context, IDictionary<string, double> metrics) { }

    /// <summary>Loss and accuracy of the current network on <paramref name="data"/> (evaluation mode, no gradients).</summary>
    public virtual EvaluationResult Evaluate(TrainingContext context, DataLoader data) => Accuracy.Evaluate(context.Network.Module, data);

    /// <summary>Called once after the last epoch (e.g. final slimming).</summary>
    public virtual void OnFinish(TrainingContext context) { }

    /// <summary>Method state for checkpoints (JSON-friendly values); null when the method has none.</summary>
    public virtual JsonObject? SaveState() => null;

    /// <summary>Restores what <see cref="SaveState"/> returned.</summary>
    public virtual void LoadState(JsonObject state) { }
}

/// <summary>Plain supervised training of the network as declared.</summary>
public sealed class DenseTraining : TrainingMethod
{
    public override string Name => "dense";
}
