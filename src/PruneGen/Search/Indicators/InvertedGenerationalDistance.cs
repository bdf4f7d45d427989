namespace PruneGen.Search.Indicators;

/// <summary>
/// Inverted generational distance: the mean, over a dense sample of the true Pareto front, of the
/// Euclidean distance to the nearest point of the approximation. Low values need both convergence
/// and coverage of the whole front.
/// </summary>
public static class InvertedGenerationalDistance
{
    public static double Compute(IReadOnlyList<double[]> approximation, IReadOnlyList<double[]> referenceFront)
    {
        ArgumentNullException.ThrowIfNull(approximation);
        ArgumentNullException.ThrowIfNull(referenceFront);
        if (approximation.Count == 0) throw new ArgumentException("the approximation set is empty", nameof(approximation));
        if (referenceFront.Count == 0) throw new ArgumentException("the reference front is empty", nameof(referenceFront));
        int d = referenceFront[0].Length;
        foreach (double[] p in approximation.Concat(referenceFront))
        {
            if (p.Length != d) throw new ArgumentException($"points have {p.Length} and {d} objectives; all must have the same number");
        }

        double sum = 0;
        foreach (double[] r in referenceFront)
        {
            double nearest = double.PositiveInfinity;
            foreach (double[] a in approximation)
            {
                double squared = 0;
                for (int m = 0; m < d; m++)
                {
                    double diff = a[m] - r[m];
                    squared += diff * diff;
                }
                nearest = Math.Min(nearest, squared);
            }
            sum += Math.Sqrt(nearest);
        }
        return sum / referenceFront.Count;
    }
}
