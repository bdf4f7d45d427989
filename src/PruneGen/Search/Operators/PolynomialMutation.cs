namespace PruneGen.Search.Operators;

/// <summary>
/// Deb's bounded polynomial mutation (the NSGA-II reference code's version, which scales the
/// perturbation by the distance to the nearer bound): each variable mutates with probability
/// <see cref="Probability"/>; the distribution index sets how local the perturbation is.
/// </summary>
public sealed class PolynomialMutation : IMutation<double[]>
{
    private readonly RealBounds _bounds;

    /// <param name="bounds">Variable bounds (mutants are kept within them).</param>
    /// <param name="probability">Per-variable mutation probability; null for the standard 1/length.</param>
    /// <param name="distributionIndex">eta_m (standard: 20).</param>
    public PolynomialMutation(RealBounds bounds, double? probability = null, double distributionIndex = 20)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        double p = probability ?? 1.0 / bounds.Count;
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(probability), probability, "must lie in [0, 1]");
        if (!(distributionIndex >= 0) || !double.IsFinite(distributionIndex))
            throw new ArgumentOutOfRangeException(nameof(distributionIndex), distributionIndex, "must be a finite non-negative number");
        (_bounds, Probability, DistributionIndex) = (bounds, p, distributionIndex);
    }

    public double Probability { get; }
    public double DistributionIndex { get; }

    public void Mutate(double[] genome, SearchRandom random)
    {
        _bounds.CheckLength(genome, "the genome");
        double exponent = 1.0 / (DistributionIndex + 1);
        for (int i = 0; i < genome.Length; i++)
        {
            if (!random.NextBool(Probability)) continue;
            double lower = _bounds.Lower(i), upper = _bounds.Upper(i), range = upper - lower;
            double y = genome[i];
            double u = random.NextDouble();
            double delta;
            if (u <= 0.5)
            {
                double xy = 1 - (y - lower) / range;
                double value = 2 * u + (1 - 2 * u) * Math.Pow(xy, DistributionIndex + 1);
                delta = Math.Pow(value, exponent) - 1;
            }
            else
            {
                double xy = 1 - (upper - y) / range;
                double value = 2 * (1 - u) + 2 * (u - 0.5) * Math.Pow(xy, DistributionIndex + 1);
                delta = 1 - Math.Pow(value, exponent);
            }
            genome[i] = Math.Clamp(y + delta * range, lower, upper);
        }
    }
}
