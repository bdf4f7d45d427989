namespace PruneGen.Search.Operators;

/// <summary>
/// Uniform crossover of bit strings (pruning masks): with probability <see cref="Probability"/> the
/// parents are crossed, each bit then coming from either parent with equal chance (the two children
/// are complementary); otherwise the children are copies.
/// </summary>
public sealed class UniformCrossover : ICrossover<bool[]>
{
    public UniformCrossover(double probability = 0.9)
    {
        if (!(probability >= 0 && probability <= 1)) throw new ArgumentOutOfRangeException(nameof(probability), probability, "must lie in [0, 1]");
        Probability = probability;
    }

    public double Probability { get; }

    public (bool[] First, bool[] Second) Cross(bool[] first, bool[] second, SearchRandom random)
    {
        if (first.Length != second.Length)
            throw new ArgumentException($"parents have {first.Length} and {second.Length} bits; they must have the same length");
        bool[] a = (bool[])first.Clone(), b = (bool[])second.Clone();
        if (!random.NextBool(Probability)) return (a, b);
        for (int i = 0; i < a.Length; i++)
        {
            if (random.NextBool(0.5)) (a[i], b[i]) = (b[i], a[i]);
        }
        return (a, b);
    }
}
