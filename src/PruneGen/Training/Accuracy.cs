using PruneGen.Data;
using static PruneGen.Torch.torch;

namespace PruneGen.Training;

/// <summary>Classification accuracy and evaluation loops.</summary>
public static class Accuracy
{
    /// <summary>Number of rows of <paramref name="logits"/> [B, K] whose arg-max equals <paramref name="labels"/> [B].</summary>
    public static long CountCorrect(Tensor logits, Tensor labels)
    {
        if (logits.dim() != 2) throw new ArgumentException($"logits must be [batch, classes], got [{string.Join(", ", logits.shape)}]", nameof(logits));
        using var scope = NewDisposeScope();
        return logits.detach().argmax(1).eq(labels).sum().ToInt64();
    }

    /// <summary>Mean cross-entropy and accuracy of <paramref name="model"/> over every batch of <paramref name="data"/>.</summary>
    public static EvaluationResult Evaluate(nn.Module<Tensor, Tensor> model, DataLoader data, int epoch = 0)
    {
        bool wasTraining = model.training;
        model.eval();
        double lossSum = 0;
        long correct = 0, count = 0;
        try
        {
            using var noGrad = no_grad();
            foreach (Batch batch in data.Epoch(epoch))
            {
                using var scope = NewDisposeScope();
                Tensor logits = model.call(batch.Images);
                Tensor loss = nn.functional.cross_entropy(logits, batch.Labels, reduction: nn.Reduction.Sum);
                lossSum += loss.ToDouble();
                correct += CountCorrect(logits, batch.Labels);
                count += batch.Count;
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        return count == 0 ? new EvaluationResult(double.NaN, double.NaN, 0) : new EvaluationResult(lossSum / count, (double)correct / count, count);
    }
}
