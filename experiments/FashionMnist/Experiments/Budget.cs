namespace PruneGen.FashionMnist.Experiments;

/// <summary>
/// The one training budget every ResNet-20 experiment on Fashion-MNIST shares, so that dense, baseline
/// and CAT runs compare at equal cost: pruning methods spend it as dense epochs plus fine-tuning.
/// Six epochs of the full training set take 10-20 minutes per run on one thread of a 2-core machine
/// and bring dense ResNet-20 to about 92% test accuracy; CAT's ν defaults are calibrated at this
/// budget (more epochs give θ more steps, so the same ν prunes more). Raise it with --set epochs=N.
/// </summary>
public static class Budget
{
    public const int Epochs = 6;
    public const int BatchSize = 128;
}
