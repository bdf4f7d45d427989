namespace PruneGen.Search.Operators;

/// <summary>
/// Simulated binary crossover (SBX; Deb and Agrawal 1995) in the bounded form of Deb's NSGA-II
/// reference code: with probability <see cref="Probability"/> a pair is crossed, and then each
/// variable is recombined with probability 1/2, the spread factor's distribution narrowed near the
/// bounds so that children stay inside them. A larger distribution index keeps children nearer
/// their parents.
/// </summary>
public sealed class SimulatedBinaryCrossover : ICrossover<double[]>
{
    private readonly RealBounds _bounds;

    /// <param name="bounds">Variable bounds (children are kept within them).</param>
    /// <param name="probability">Chance that a pair is crossed at all (Deb's standard: 0.9).</param>
    /// <param name="distributionIndex">eta_c (Deb's standard: 15 to 20; here 20 by default, as in NSGA-II's paper).</param>
    public SimulatedBinaryCrossover(RealBounds bounds, double probability = 0.9, double distributionIndex = 20)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        if (!(probability >= 0 && probability <= 1)) throw new ArgumentOutOfRangeException(nameof(probability), probability, "must lie in [0, 1]");
        if (!(distributionIndex >= 0) || !double.IsFinite(distributionIndex))
            throw new ArgumentOutOfRangeException(nameof(distributionIndex), distributionIndex, "must be a finite non-negative number");
        (_bounds, Probability, DistributionIndex) = (bounds, probability, distributionIndex);
    }

    public double Probability { get; }
    public double DistributionIndex { get; }

    public (double[] First, double[] Second) Cross(double[] first, double[] second, SearchRandom random)
    {
        _bounds.CheckLength(first, "the first parent");
        _bounds.CheckLength(second, "the second parent");
        double[] a = (double[])first.Clone(), b = (double[])second.Clone();
        if (!random.NextBool(Probability)) return (a, b);

        double exponent = 1.0 / (DistributionIndex + 1);
        for (int i = 0; i < a.Length; i++)
        {
            if (!random.NextBool(0.5)) continue;
            double y1 = Math.Min(first[i], second[i]), y2 = Math.Max(first[i], second[i]);
            if (y2 - y1 <= 1e-14) continue; // identical genes: nothing to spread
            double lower = _bounds.Lower(i), upper = _bounds.Upper(i);
            double u = random.NextDouble();

            double c1 = 0.5 * (y1 + y2 - SpreadFactor(1 + 2 * (y1 - lower) / (y2 - y1), u, exponent) * (y2 - y1));
            double c2 = 0.5 * (y1 + y2 + SpreadFactor(1 + 2 * (upper - y2) / (y2 - y1), u, exponent) * (y2 - y1));
            c1 = Math.Clamp(c1, lower, upper);
            c2 = Math.Clamp(c2, lower, upper);
            if (random.NextBool(0.5)) (a[i], b[i]) = (c2, c1);
            else (a[i], b[i]) = (c1, c2);
        }
        return (a, b);
    }

    // beta_q from the polynomial spread distribution truncated so the child stays in bounds
    // (beta = distance to the bound relative to the parents' gap).
    private double SpreadFactor(double beta, double u, double exponent)
    {
        double alpha = 2 - Math.Pow(beta, -(DistributionIndex + 1));
        return u <= 1 / alpha
            ? Math.Pow(u * alpha, exponent)
            : Math.Pow(1 / (2 - u * alpha), exponent);
    }
}
