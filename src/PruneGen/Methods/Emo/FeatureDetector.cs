using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Methods.Emo;

/// <summary>
/// The feature detector D_k of a cut (METHODS.md section 3): global average pooling and a linear
/// layer to the classes, trained once on the dense features F_k to predict the label. It scores a
/// pruned sub-network's output without running the rest of the network. Once trained it is frozen.
/// </summary>
public sealed class FeatureDetector : IDisposable
{
    private readonly Tensor _weight; // [classes, channels]
    private readonly Tensor _bias;   // [classes]

    private FeatureDetector(Tensor weight, Tensor bias)
    {
        _weight = weight;
        _bias = bias;
    }

    public long Channels => _weight.size(1);

    /// <summary>[N, C, H, W] (pooled over H and W) or [N, C] features to [N, C].</summary>
    public static Tensor Pool(Tensor features) => features.dim() == 4 ? features.mean([2L, 3L]) : features.alias();

    /// <summary>Class scores [N, classes] of features [N, C, H, W] or [N, C]; differentiable in the features.</summary>
    public Tensor Logits(Tensor features)
    {
        using Tensor pooled = Pool(features);
        return nn.functional.linear(pooled, _weight, _bias);
    }

    /// <summary>Misclassified examples of one batch.</summary>
    public long CountErrors(Tensor features, Tensor labels)
    {
        using var scope = NewDisposeScope();
        return labels.size(0) - PruneGen.Training.Accuracy.CountCorrect(Logits(features), labels);
    }

    /// <summary>
    /// Multinomial logistic regression on the pooled features of every batch of cut <paramref name="cut"/>:
    /// full-batch Adam for <paramref name="steps"/> steps from zero weights (convex, so no seed is needed).
    /// </summary>
    public static FeatureDetector Train(FeatureCache cache, int cut, int classes, int steps = 200, double learningRate = 0.05)
    {
        ArgumentNullException.ThrowIfNull(cache);
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "a detector needs at least two classes");
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "the number of steps cannot be negative");
        using var scope = NewDisposeScope();
        Tensor pooled, labels;
        using (no_grad())
        {
            pooled = cat(cache.Features(cut).Select(Pool).ToList());
            labels = cat(Enumerable.Range(0, cache.Batches).Select(cache.Labels).ToList());
        }
        long channels = pooled.size(1);
        var weight = new nn.Parameter(zeros(classes, channels));
        var bias = new nn.Parameter(zeros(classes));
        using (optim.Optimizer adam = optim.Adam(new[] { weight, bias }, learningRate))
        {
            for (int step = 0; step < steps; step++)
            {
                using var stepScope = NewDisposeScope();
                Tensor loss = nn.functional.cross_entropy(nn.functional.linear(pooled, weight, bias), labels);
                adam.zero_grad();
                loss.backward();
                adam.step();
            }
        }
        Tensor w = weight.detach().clone().DetachFromDisposeScope();
        Tensor b2 = bias.detach().clone().DetachFromDisposeScope();
        weight.Dispose();
        bias.Dispose();
        return new FeatureDetector(w, b2);
    }

    public void Dispose()
    {
        _weight.Dispose();
        _bias.Dispose();
    }
}
