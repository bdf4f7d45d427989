namespace PruneGen.Methods.Emo;

/// <summary>
/// The uniform baseline for GPIR: the same pruning ratio in every sub-network. Fronts are discrete,
/// so "the same ratio rho" means each sub-network takes its member with the smallest ratio that is at
/// least rho (ties to the lower impairment), and rho is the smallest member ratio for which the
/// total gain reaches R*. GPIR searches a superset of these choices, so by its own objective it is
/// never worse.
/// </summary>
public static class UniformChoice
{
    /// <returns>False when no common ratio reaches R* (some sub-network runs out of members first).</returns>
    public static bool TryChoose(IReadOnlyList<GpirFront> fronts, long requiredGainMacs, out GpirChoice choice)
    {
        ArgumentNullException.ThrowIfNull(fronts);
        if (fronts.Count == 0) throw new ArgumentException("at least one sub-network front is needed", nameof(fronts));
        choice = null!;
        double[] ratios = fronts.SelectMany(f => Enumerable.Range(0, f.Members.Count).Select(f.PruningRatio)).Distinct().Order().ToArray();
        foreach (double rho in ratios)
        {
            var chosen = new int[fronts.Count];
            for (int k = 0; k < fronts.Count; k++)
            {
                chosen[k] = SmallestRatioAtLeast(fronts[k], rho);
                if (chosen[k] < 0) return false; // a larger rho leaves this sub-network without members too
            }
            long gain = 0;
            double impairment = 0;
            for (int k = 0; k < fronts.Count; k++)
            {
                gain += fronts[k].Members[chosen[k]].GainMacs;
                impairment += fronts[k].Members[chosen[k]].Impairment;
            }
            if (gain >= requiredGainMacs)
            {
                choice = new GpirChoice(chosen, impairment, gain);
                return true;
            }
        }
        return false;
    }

    private static int SmallestRatioAtLeast(GpirFront front, double rho)
    {
        int best = -1;
        for (int j = 0; j < front.Members.Count; j++)
        {
            if (front.PruningRatio(j) < rho) continue;
            if (best < 0 || front.Members[j].GainMacs < front.Members[best].GainMacs ||
                (front.Members[j].GainMacs == front.Members[best].GainMacs && front.Members[j].Impairment < front.Members[best].Impairment))
                best = j;
        }
        return best;
    }
}
