namespace PruneGen.Latency;

/// <summary>The one way PruneGen summarises repeated timings.</summary>
public static class Timings
{
    /// <summary>Median of <paramref name="milliseconds"/> (the mean of the middle two for an even count); the input is left unchanged.</summary>
    public static double Median(IEnumerable<double> milliseconds)
    {
        ArgumentNullException.ThrowIfNull(milliseconds);
        double[] sorted = milliseconds.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("a median needs at least one timing", nameof(milliseconds));
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
