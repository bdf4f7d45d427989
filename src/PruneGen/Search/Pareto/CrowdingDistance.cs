namespace PruneGen.Search.Pareto;

/// <summary>
/// NSGA-II's crowding distance: for each objective, the gap between a point's two neighbours along
/// that objective, normalised by the objective's range within the front, summed over objectives.
/// The extreme points of every objective get +infinity so the front's ends are always kept.
/// </summary>
public static class CrowdingDistance
{
    /// <summary>Distances of <paramref name="front"/>'s points, aligned with <paramref name="front"/>.</summary>
    public static double[] Compute(IReadOnlyList<double[]> points, ReadOnlySpan<int> front)
    {
        int n = front.Length;
        var distance = new double[n];
        if (n == 0) return distance;
        if (n <= 2)
        {
            Array.Fill(distance, double.PositiveInfinity);
            return distance;
        }

        int objectives = points[front[0]].Length;
        var order = new int[n];
        var keys = new double[n];
        for (int m = 0; m < objectives; m++)
        {
            for (int k = 0; k < n; k++)
            {
                order[k] = k;
                keys[k] = points[front[k]][m];
            }
            // Ties are broken by position so the result does not depend on the sort's stability.
            Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
            double min = keys[order[0]], max = keys[order[n - 1]];
            distance[order[0]] = double.PositiveInfinity;
            distance[order[n - 1]] = double.PositiveInfinity;
            double range = max - min;
            if (range <= 0) continue; // every point equal in this objective: it separates nothing
            for (int k = 1; k < n - 1; k++)
                distance[order[k]] += (keys[order[k + 1]] - keys[order[k - 1]]) / range;
        }
        return distance;
    }
}
