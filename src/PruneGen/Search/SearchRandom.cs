using PruneGen.Data;

namespace PruneGen.Search;

/// <summary>
/// The random source of one search. It wraps the project's fully specified generator
/// (<see cref="SeededRandom"/>) so a seed gives the same run on every machine and .NET version,
/// and it is a reference type so the engine and the operators it calls share one stream.
/// Not thread-safe: only the engine's own thread draws from it (evaluation never does).
/// </summary>
public sealed class SearchRandom
{
    private SeededRandom _generator;

    public SearchRandom(long seed) => _generator = new SeededRandom(seed);

    /// <summary>
    /// A seed for an independent stream keyed by <paramref name="key"/> (e.g. one search per
    /// sub-network): nearby keys give unrelated streams.
    /// </summary>
    public static long DeriveSeed(long seed, long key)
    {
        SeededRandom derived = SeededRandom.Derive(seed, key);
        return (long)derived.NextUInt64();
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (_generator.NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform double in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public double NextDouble(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Uniform integer in [0, <paramref name="bound"/>).</summary>
    public int NextInt(int bound) => _generator.NextInt(bound);

    /// <summary>True with probability <paramref name="probability"/>.</summary>
    public bool NextBool(double probability) => NextDouble() < probability;
}
