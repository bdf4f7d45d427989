namespace PruneGen.Search.Operators;

/// <summary>
/// Initial pruning masks as EMO draws them: individual 0 is the unpruned network (all ones) when
/// <see cref="SeedAllOnes"/> is set; every other individual first draws its own keep probability
/// p ~ U(<see cref="MinKeep"/>, <see cref="MaxKeep"/>) and then keeps each unit with probability p,
/// so the population spans light to heavy pruning from the start.
/// </summary>
public sealed class KeepProbabilityInitializer : IPopulationInitializer<bool[]>
{
    public KeepProbabilityInitializer(int length, double minKeep = 0.2, double maxKeep = 1.0, bool seedAllOnes = true)
    {
        if (length < 1) throw new ArgumentOutOfRangeException(nameof(length), length, "a mask needs at least one bit");
        if (!(minKeep >= 0 && minKeep <= maxKeep && maxKeep <= 1))
            throw new ArgumentException($"keep probabilities must satisfy 0 <= min <= max <= 1; got [{minKeep}, {maxKeep}]");
        (Length, MinKeep, MaxKeep, SeedAllOnes) = (length, minKeep, maxKeep, seedAllOnes);
    }

    public int Length { get; }
    public double MinKeep { get; }
    public double MaxKeep { get; }
    public bool SeedAllOnes { get; }

    public bool[] Create(int index, SearchRandom random)
    {
        var mask = new bool[Length];
        if (index == 0 && SeedAllOnes)
        {
            Array.Fill(mask, true);
            return mask;
        }
        double keep = random.NextDouble(MinKeep, MaxKeep);
        for (int i = 0; i < mask.Length; i++) mask[i] = random.NextBool(keep);
        return mask;
    }
}
