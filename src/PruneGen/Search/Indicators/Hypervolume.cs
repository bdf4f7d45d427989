using PruneGen.Search.Pareto;

namespace PruneGen.Search.Indicators;

/// <summary>
/// Exact hypervolume of minimised objective vectors: the measure of the region dominated by the set
/// and bounded by the reference point. Points that are not strictly better than the reference in
/// every objective add nothing and are ignored.
/// </summary>
public static class Hypervolume
{
    /// <summary>Any number of objectives: the 2-D sweep for two, WFG-style recursion above.</summary>
    public static double Compute(IReadOnlyList<double[]> points, IReadOnlyList<double> reference)
    {
        double[][] relevant = Prepare(points, reference);
        if (relevant.Length == 0) return 0;
        return reference.Count switch
        {
            1 => reference[0] - relevant.Min(p => p[0]),
            2 => Sweep2D(relevant, reference[0], reference[1]),
            _ => Wfg(Dominance.NonDominated(relevant), reference.ToArray(), reference.Count),
        };
    }

    /// <summary>
    /// Two objectives, O(n log n): sort by the first objective and add the staircase's rectangles.
    /// </summary>
    public static double Compute2D(IReadOnlyList<double[]> points, double reference0, double reference1)
    {
        double[][] relevant = Prepare(points, [reference0, reference1]);
        return relevant.Length == 0 ? 0 : Sweep2D(relevant, reference0, reference1);
    }

    /// <summary>
    /// The hypervolume of each recorded generation's first front against the evaluations spent to
    /// reach it: the curve for comparing searches at equal evaluation budgets.
    /// </summary>
    public static (long Evaluations, double Hypervolume)[] OverEvaluations(IReadOnlyList<GenerationRecord> history, IReadOnlyList<double> reference)
    {
        ArgumentNullException.ThrowIfNull(history);
        return history.Select(record => (record.Evaluations, Compute(record.Front, reference))).ToArray();
    }

    private static double[][] Prepare(IReadOnlyList<double[]> points, IReadOnlyList<double> reference)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(reference);
        int d = reference.Count;
        if (d == 0) throw new ArgumentException("the reference point has no objectives", nameof(reference));
        for (int m = 0; m < d; m++)
        {
            if (!double.IsFinite(reference[m]))
                throw new ArgumentException($"reference objective {m} is {reference[m]}; it must be finite", nameof(reference));
        }
        var relevant = new List<double[]>(points.Count);
        for (int i = 0; i < points.Count; i++)
        {
            double[] p = points[i];
            if (p.Length != d)
                throw new ArgumentException($"point {i} has {p.Length} objectives; the reference point has {d}", nameof(points));
            bool inside = true;
            for (int m = 0; m < d; m++)
            {
                if (double.IsNaN(p[m])) throw new ArgumentException($"point {i} has NaN in objective {m}", nameof(points));
                inside &= p[m] < reference[m];
            }
            if (inside) relevant.Add(p);
        }
        return relevant.ToArray();
    }

    // Sorted by the first objective (then the second), the points that lower the best second
    // objective so far form the staircase; each step adds the strip up to the next step.
    private static double Sweep2D(double[][] points, double r0, double r1)
    {
        var sorted = (double[][])points.Clone();
        Array.Sort(sorted, (a, b) => a[0] != b[0] ? a[0].CompareTo(b[0]) : a[1].CompareTo(b[1]));
        var steps = new List<double[]>(sorted.Length);
        foreach (double[] p in sorted)
        {
            if (steps.Count == 0 || p[1] < steps[^1][1]) steps.Add(p); // otherwise dominated (or equal)
        }
        double volume = 0;
        for (int i = 0; i < steps.Count; i++)
        {
            double nextX = i + 1 < steps.Count ? steps[i + 1][0] : r0;
            volume += (nextX - steps[i][0]) * (r1 - steps[i][1]);
        }
        return volume;
    }

    /// <summary>
    /// WFG (While, Bradstreet and Barone 2012) over the first <paramref name="d"/> objectives of a
    /// non-dominated set: HV(S) = sum over k of p_k's box minus the part of it already covered by
    /// the points after it. With the points ordered by objective d-1 descending, every box
    /// "p_k joined with a later point" shares p_k's last objective, so that covered part is a slab
    /// of thickness (r - p_k) times a (d-1)-dimensional hypervolume: the recursion drops a
    /// dimension each level and ends in the 2-D sweep.
    /// </summary>
    private static double Wfg(double[][] points, double[] reference, int d)
    {
        if (points.Length == 0) return 0;
        if (d == 2) return Sweep2D(points, reference[0], reference[1]);
        if (points.Length == 1) return Box(points[0], reference, d);

        int last = d - 1;
        var sorted = (double[][])points.Clone();
        Array.Sort(sorted, (a, b) => b[last].CompareTo(a[last]));
        double volume = 0;
        var limit = new List<double[]>(sorted.Length);
        for (int k = 0; k < sorted.Length; k++)
        {
            double[] p = sorted[k];
            double slab = reference[last] - p[last];
            if (slab <= 0) continue;
            limit.Clear();
            for (int j = k + 1; j < sorted.Length; j++)
            {
                var joined = new double[last];
                for (int m = 0; m < last; m++) joined[m] = Math.Max(p[m], sorted[j][m]);
                limit.Add(joined);
            }
            double covered = limit.Count == 0 ? 0 : Wfg(Dominance.NonDominated(limit), reference, last);
            volume += slab * (Box(p, reference, last) - covered);
        }
        return volume;
    }

    private static double Box(double[] p, double[] reference, int d)
    {
        double volume = 1;
        for (int m = 0; m < d; m++) volume *= reference[m] - p[m];
        return volume;
    }
}
