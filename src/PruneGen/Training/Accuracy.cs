using PruneGen.Data;
using static PruneGen.Torch.torch;

namespace PruneGen.Training;

/// <summary>Classification accuracy and evaluation loops.</summary>
public static class Accuracy
{
    /// <summary>Number of rows of <paramref name="logits"/> [B, K] whose arg-max equals <paramref name="labels"/> [B].</summary>
    public static long CountCorrect(Tensor logits, Tensor labels)
    {
        long[] shape = logits.shape;
        if (shape.Length != 2) throw new ArgumentException($"logits must be [batch, classes], got [{string.Join(", ", shape)}]", nameof(logits));
        // Copy-out is cheap at classification sizes (B·K floats) and exact; ties go to the first index as in argmax.
        float[] values = logits.detach().data<float>();
        long[] targets = labels.data<long>();
        int classes = (int)shape[1];
        long correct = 0;
        for (int row = 0; row < targets.Length; row++)
        {
            int best = 0;
            float bestValue = values[row * classes];
            for (int k = 1; k < classes; k++)
            {
                float v = values[row * classes + k];
                if (v > bestValue) { best = k; bestValue = v; }
            }
            if (best == targets[row]) correct++;
        }
        return correct;
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
