using PruneGen.Data;
using PruneGen.Structure;
using static PruneGen.Torch.torch;

namespace PruneGen.Methods.Emo;

/// <summary>Settings of cross-network constraint training.</summary>
public sealed record ConstraintTrainingOptions
{
    /// <summary>Optimizer steps per pruned sub-network (one cached batch each, cycling through the cache).</summary>
    public int Steps { get; init; } = 100;

    /// <summary>Adam's step size: scale-free, so BatchNorm layers with small running variances cannot blow the steps up.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>μ, the weight of the feature-matching term.</summary>
    public double Mu { get; init; } = 1.0;

    /// <summary>Probability that an example's input comes from the pruned predecessor rather than the dense cache.</summary>
    public double PrunedInputFraction { get; init; } = 0.5;

    public long Seed { get; init; }
}

/// <summary>The optimised objective of one sub-network over the whole calibration cache, before and after.</summary>
/// <param name="Reverted">The steps raised the objective, so the weights were put back as they were.</param>
public sealed record ConstraintResult(string Name, double LossBefore, double LossAfter, bool Reverted = false);

/// <summary>
/// Cross-network constraint training (METHODS.md section 3): each pruned sub-network S_k, in forward
/// order, takes a few optimizer steps on
/// <c>CE(D_k(S_k(F̂_{k-1})), y) + μ · ‖S_k(F̂_{k-1}) − F_k‖² / dim</c>
/// with its detector D_k frozen. F̂_{k-1} mixes, example by example, the dense cached feature and the
/// output of the pruned (already constraint-trained) S_{k-1} on the dense feature before it, so S_k
/// learns to work after a pruned predecessor as well as after the dense one. The first sub-network
/// sees the images. The network runs with its fixed-mask gates set to the chosen masks and its
/// BatchNorm statistics frozen (evaluation mode): only weights move, and the cached targets F_k stay
/// comparable. Project's choices: Adam (a plain SGD step diverged where eval-mode BatchNorm divides by a
/// small running variance), steps cycling over the cached batches.
/// </summary>
public static class ConstraintTraining
{
    /// <param name="network">The network with <see cref="Gates.GateMode.FixedMasks"/> gates holding the chosen masks.</param>
    /// <param name="detectors">D_k for k = 1..K (detector k scores the output of part k).</param>
    public static IReadOnlyList<ConstraintResult> Run(IPrunableNetwork network, SubNetworkSplit split, FeatureCache cache,
        IReadOnlyList<FeatureDetector> detectors, ConstraintTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(detectors);
        ArgumentNullException.ThrowIfNull(options);
        if (detectors.Count != split.Parts.Count)
            throw new ArgumentException($"{split.Parts.Count} sub-networks need as many detectors; got {detectors.Count}", nameof(detectors));
        if (options.Steps < 0) throw new ArgumentOutOfRangeException(nameof(options), options.Steps, "constraint training steps cannot be negative");
        if (!(options.PrunedInputFraction is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.PrunedInputFraction, "the pruned-input fraction must lie in [0, 1]");

        var module = (nn.Module)network;
        bool wasTraining = module.training;
        module.eval();
        var results = new List<ConstraintResult>();
        try
        {
            for (int k = 0; k < split.Parts.Count; k++)
                results.Add(TrainPart(network, split, cache, detectors[k], k, options));
        }
        finally
        {
            module.train(wasTraining);
        }
        return results;
    }

    private static ConstraintResult TrainPart(IPrunableNetwork network, SubNetworkSplit split, FeatureCache cache, FeatureDetector detector, int part,
        ConstraintTrainingOptions options)
    {
        nn.Parameter[] parameters = PartParameters(network, split, part);
        double before = Objective(network, split, cache, detector, part, options);
        if (parameters.Length == 0 || options.Steps == 0) return new ConstraintResult(split.Parts[part].Name, before, before);
        Tensor[] saved;
        using (no_grad()) saved = parameters.Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
        try
        {
            var random = SeededRandom.Derive(options.Seed, 0x434F_4E53, part);
            using (optim.Optimizer adam = optim.Adam(parameters, options.LearningRate))
            {
                for (int step = 0; step < options.Steps; step++)
                {
                    using var scope = NewDisposeScope();
                    Tensor loss = Loss(network, split, cache, detector, part, step % cache.Batches, options, ref random);
                    adam.zero_grad();
                    loss.backward();
                    adam.step();
                }
                adam.zero_grad();
            }
            double after = Objective(network, split, cache, detector, part, options);
            if (after <= before) return new ConstraintResult(split.Parts[part].Name, before, after);
            // A few steps can overshoot; constraint training must not leave a sub-network worse by its own measure.
            using (no_grad())
                for (int i = 0; i < parameters.Length; i++) parameters[i].copy_(saved[i]);
            return new ConstraintResult(split.Parts[part].Name, before, Objective(network, split, cache, detector, part, options), Reverted: true);
        }
        finally
        {
            foreach (Tensor t in saved) t.Dispose();
        }
    }

    /// <summary>
    /// The objective of part <paramref name="part"/> averaged over every cached batch, with the input
    /// mixing drawn from a fixed stream (the same draws before and after training), without gradients.
    /// </summary>
    public static double Objective(IPrunableNetwork network, SubNetworkSplit split, FeatureCache cache, FeatureDetector detector, int part,
        ConstraintTrainingOptions options)
    {
        var random = SeededRandom.Derive(options.Seed, 0x4F42_4A45, part);
        double sum = 0;
        using var noGrad = no_grad();
        for (int b = 0; b < cache.Batches; b++)
        {
            using var scope = NewDisposeScope();
            sum += Loss(network, split, cache, detector, part, b, options, ref random).ToDouble() * cache.Labels(b).size(0);
        }
        return sum / cache.Count;
    }

    private static Tensor Loss(IPrunableNetwork network, SubNetworkSplit split, FeatureCache cache, FeatureDetector detector, int part, int batch,
        ConstraintTrainingOptions options, ref SeededRandom random)
    {
        Tensor input = MixedInput(network, split, cache, part, batch, options.PrunedInputFraction, ref random);
        Tensor output = MaskedForward.Run(network, split, part, part, input);
        Tensor ce = nn.functional.cross_entropy(detector.Logits(output), cache.Labels(batch));
        Tensor mse = nn.functional.mse_loss(output, cache.Feature(part + 1, batch));
        return ce + mse * options.Mu;
    }

    /// <summary>F̂ at the cut before <paramref name="part"/>: per example the dense feature or the pruned predecessor's output.</summary>
    private static Tensor MixedInput(IPrunableNetwork network, SubNetworkSplit split, FeatureCache cache, int part, int batch, double prunedFraction,
        ref SeededRandom random)
    {
        Tensor dense = cache.Feature(part, batch);
        bool[] fromPruned = DrawPrunedExamples(dense.size(0), prunedFraction, ref random);
        if (part == 0 || !fromPruned.Contains(true)) return dense.alias();
        Tensor pruned;
        using (no_grad()) pruned = MaskedForward.Run(network, split, part - 1, part - 1, cache.Feature(part - 1, batch));
        return MixPerExample(fromPruned, pruned, dense);
    }

    /// <summary>Which of <paramref name="count"/> examples take the pruned predecessor's feature, each with probability <paramref name="prunedFraction"/>.</summary>
    internal static bool[] DrawPrunedExamples(long count, double prunedFraction, ref SeededRandom random)
    {
        var fromPruned = new bool[count];
        for (long i = 0; i < count; i++) fromPruned[i] = random.NextDouble() < prunedFraction;
        return fromPruned;
    }

    /// <summary>Example i of <paramref name="pruned"/> where <paramref name="fromPruned"/>[i], else of <paramref name="dense"/>.</summary>
    internal static Tensor MixPerExample(bool[] fromPruned, Tensor pruned, Tensor dense)
    {
        long[] shape = Enumerable.Repeat(1L, (int)dense.dim()).ToArray();
        shape[0] = fromPruned.Length;
        return where(tensor(fromPruned, shape), pruned, dense);
    }

    /// <summary>The trainable parameters of part <paramref name="part"/>'s members (gates excluded).</summary>
    public static nn.Parameter[] PartParameters(IPrunableNetwork network, SubNetworkSplit split, int part)
    {
        var names = split.Parts[part].Members.Select(m => split.Structure.Members[m].ModuleName).ToHashSet();
        return ((nn.Module)network).named_children().Where(c => names.Contains(c.name)).SelectMany(c => c.module.parameters()).ToArray();
    }
}
