namespace PruneGen.Search.Pareto;

/// <summary>
/// Non-dominated sorting: front 0 holds the points nothing dominates, front r the points dominated
/// only by points in fronts before r (the ranking NSGA-II selects on). The fronts are defined by
/// dominance alone, so any correct algorithm gives the same answer; this one is the efficient
/// non-dominated sort (ENS, Zhang et al. 2015): visit the points in lexicographic order, so a point
/// can only be dominated by points already placed, and put each into the first front that holds
/// none of its dominators. With two objectives only a front's last point needs checking (it has
/// the front's lowest second objective), which makes the sort O(N log N + N * fronts).
/// </summary>
public static class NonDominatedSorting
{
    /// <summary>Fronts as lists of point indices, each in ascending index order.</summary>
    public static int[][] Sort(IReadOnlyList<double[]> points) => Sort(points, out _);

    /// <summary>Fronts, plus each point's front number in <paramref name="ranks"/>.</summary>
    public static int[][] Sort(IReadOnlyList<double[]> points, out int[] ranks)
    {
        ArgumentNullException.ThrowIfNull(points);
        int n = points.Count;
        ranks = new int[n];
        if (n == 0) return [];
        int m = points[0].Length;
        if (m == 0) throw new ArgumentException("points have no objectives", nameof(points));
        // One contiguous row-major copy: the inner loops then touch memory in order.
        var values = new double[n * m];
        for (int i = 0; i < n; i++)
        {
            double[] p = points[i];
            if (p.Length != m)
                throw new ArgumentException($"point {i} has {p.Length} objectives, point 0 has {m}", nameof(points));
            for (int k = 0; k < m; k++)
            {
                if (double.IsNaN(p[k])) throw new ArgumentException($"point {i} has NaN in objective {k}", nameof(points));
                values[i * m + k] = p[k];
            }
        }

        int[] order = LexicographicOrder(values, n, m);
        var fronts = new List<List<int>>();
        foreach (int p in order)
        {
            int front = 0;
            while (front < fronts.Count && DominatedByFront(values, m, fronts[front], p)) front++;
            if (front == fronts.Count) fronts.Add([]);
            fronts[front].Add(p);
            ranks[p] = front;
        }

        var result = new int[fronts.Count][];
        for (int f = 0; f < result.Length; f++)
        {
            result[f] = fronts[f].ToArray();
            Array.Sort(result[f]);
        }
        return result;
    }

    private static int[] LexicographicOrder(double[] values, int n, int m)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Array.Sort(order, (a, b) =>
        {
            for (int k = 0; k < m; k++)
            {
                int c = values[a * m + k].CompareTo(values[b * m + k]);
                if (c != 0) return c;
            }
            return a.CompareTo(b);
        });
        return order;
    }

    // Every member of the front precedes p lexicographically, so p cannot dominate it; a member q
    // dominates p exactly when q <= p in every objective and q != p.
    private static bool DominatedByFront(double[] values, int m, List<int> front, int p)
    {
        if (m == 2)
        {
            // The last member has the front's lowest f2 (and f1 <= p's): if any member dominates p, it does.
            int q = front[^1];
            double qf1 = values[q * 2], qf2 = values[q * 2 + 1], pf1 = values[p * 2], pf2 = values[p * 2 + 1];
            return qf2 <= pf2 && (qf1 < pf1 || qf2 < pf2);
        }
        // Later members were placed more recently and are nearer p in the order: more likely dominators.
        for (int i = front.Count - 1; i >= 0; i--)
        {
            if (WeaklyDominatesAndDiffers(values, m, front[i], p)) return true;
        }
        return false;
    }

    private static bool WeaklyDominatesAndDiffers(double[] values, int m, int q, int p)
    {
        bool differs = false;
        int qo = q * m, po = p * m;
        for (int k = 0; k < m; k++)
        {
            double a = values[qo + k], b = values[po + k];
            if (a > b) return false;
            if (a < b) differs = true;
        }
        return differs;
    }
}
