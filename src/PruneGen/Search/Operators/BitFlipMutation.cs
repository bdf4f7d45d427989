namespace PruneGen.Search.Operators;

/// <summary>Flips each bit independently with a fixed probability (standard: 1/length).</summary>
public sealed class BitFlipMutation : IMutation<bool[]>
{
    /// <param name="length">Bits per genome.</param>
    /// <param name="rate">Per-bit flip probability; null for 1/length.</param>
    public BitFlipMutation(int length, double? rate = null)
    {
        if (length < 1) throw new ArgumentOutOfRangeException(nameof(length), length, "a bit string needs at least one bit");
        double r = rate ?? 1.0 / length;
        if (!(r >= 0 && r <= 1)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "must lie in [0, 1]");
        (Length, Rate) = (length, r);
    }

    public int Length { get; }
    public double Rate { get; }

    public void Mutate(bool[] genome, SearchRandom random)
    {
        if (genome.Length != Length)
            throw new ArgumentException($"the genome has {genome.Length} bits; this mutation was made for {Length}");
        for (int i = 0; i < genome.Length; i++)
        {
            if (random.NextBool(Rate)) genome[i] = !genome[i];
        }
    }
}
