namespace PruneGen.FashionMnist.Experiments;

/// <summary>
/// The one training budget every ResNet-20 experiment on Fashion-MNIST shares, so that dense, baseline
/// and CAT runs compare at equal cost: pruning methods spend it as dense epochs plus fine-tuning.
/// </summary>
public static class Budget
{
    public const int Epochs = 30;
    public const int BatchSize = 128;
}
