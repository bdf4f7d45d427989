namespace PruneGen.Search.Pareto;

/// <summary>Pareto dominance for minimised objectives.</summary>
public static class Dominance
{
    /// <summary>
    /// +1 when <paramref name="a"/> dominates <paramref name="b"/> (no worse in every objective, better
    /// in one), -1 when <paramref name="b"/> dominates <paramref name="a"/>, 0 when neither does
    /// (including equal points).
    /// </summary>
    public static int Compare(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"points have {a.Length} and {b.Length} objectives; they must have the same number");
        bool aBetter = false, bBetter = false;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] < b[i]) aBetter = true;
            else if (b[i] < a[i]) bBetter = true;
            if (aBetter && bBetter) return 0;
        }
        return aBetter ? 1 : bBetter ? -1 : 0;
    }

    public static bool Dominates(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => Compare(a, b) > 0;

    /// <summary>Indices (ascending) of the points no other point dominates. Equal points are all kept.</summary>
    public static int[] NonDominatedIndices(IReadOnlyList<double[]> points)
    {
        var kept = new List<int>();
        for (int i = 0; i < points.Count; i++)
        {
            bool dominated = false;
            for (int j = 0; j < points.Count && !dominated; j++)
                dominated = j != i && Compare(points[j], points[i]) > 0;
            if (!dominated) kept.Add(i);
        }
        return kept.ToArray();
    }

    /// <summary>The non-dominated points themselves (the same array objects, in input order).</summary>
    public static double[][] NonDominated(IReadOnlyList<double[]> points) =>
        NonDominatedIndices(points).Select(i => points[i]).ToArray();
}
