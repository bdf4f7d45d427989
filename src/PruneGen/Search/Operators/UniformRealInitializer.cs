namespace PruneGen.Search.Operators;

/// <summary>Initial real vectors drawn uniformly within the bounds.</summary>
public sealed class UniformRealInitializer(RealBounds bounds) : IPopulationInitializer<double[]>
{
    public double[] Create(int index, SearchRandom random)
    {
        var genome = new double[bounds.Count];
        for (int i = 0; i < genome.Length; i++) genome[i] = random.NextDouble(bounds.Lower(i), bounds.Upper(i));
        return genome;
    }
}
