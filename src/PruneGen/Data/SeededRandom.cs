namespace PruneGen.Data;

/// <summary>
/// A small, fully specified pseudo-random generator (SplitMix64). Unlike <see cref="Random"/>, its
/// sequence is fixed by this file alone, so data orders, augmentations and synthetic images are
/// bit-identical across .NET versions and machines. Independent streams are derived from a seed and
/// keys such as (epoch, batch index), which is what makes every epoch and batch reproducible in
/// isolation: a resumed run does not need to replay the draws that came before.
/// </summary>
internal struct SeededRandom
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;
    private ulong _state;

    public SeededRandom(long seed) => _state = Mix((ulong)seed);

    /// <summary>A stream keyed by the seed and up to three further keys (domain, epoch, index, ...).</summary>
    public static SeededRandom Derive(long seed, long key1, long key2 = 0, long key3 = 0)
    {
        ulong s = Mix((ulong)seed);
        s = Mix(s ^ Mix((ulong)key1 + Golden));
        s = Mix(s ^ Mix((ulong)key2 + unchecked(2 * Golden)));
        s = Mix(s ^ Mix((ulong)key3 + unchecked(3 * Golden)));
        return new SeededRandom { _state = s };
    }

    public ulong NextUInt64()
    {
        _state += Golden;
        return Mix(_state);
    }

    /// <summary>Uniform double in [0, 1) from the top 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, <paramref name="bound"/>), without modulo bias (Lemire's method).</summary>
    public int NextInt(int bound)
    {
        if (bound <= 0) throw new ArgumentOutOfRangeException(nameof(bound), bound, "bound must be positive");
        ulong range = (ulong)bound;
        ulong threshold = (0UL - range) % range;
        while (true)
        {
            ulong product = Math.BigMul(NextUInt64(), range, out ulong low);
            if (low >= threshold) return (int)product;
        }
    }

    /// <summary>Uniform integer in [<paramref name="min"/>, <paramref name="max"/>] (both inclusive).</summary>
    public int NextInt(int min, int max) => min + NextInt(max - min + 1);

    /// <summary>Uniform float in [0, 1) with 24 random bits (every value exactly representable).</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    public bool NextBool() => (NextUInt64() >> 63) != 0;

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle(Span<int> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
