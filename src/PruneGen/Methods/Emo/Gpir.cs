namespace PruneGen.Methods.Emo;

/// <summary>
/// Global performance impairment ranking (EMO-DIR, METHODS.md section 3): choose one member per
/// sub-network front minimising the summed impairment subject to the summed MAC gain reaching R*.
/// This is a multiple-choice knapsack, solved exactly by dynamic programming over the integer gains:
/// sub-network by sub-network, keep the partial choices that are Pareto-optimal in (gain, impairment),
/// with gains capped at R* (any surplus beyond R* is worth nothing). No gain is rounded, so the result
/// equals brute force; the number of kept states is at most min(R* + 1, product of front sizes) and in
/// practice a few thousand, since dominated partial choices are dropped at every step.
/// </summary>
public static class Gpir
{
    /// <summary>Sum over sub-networks of the largest gain in each front.</summary>
    public static long MaxReachableGain(IReadOnlyList<GpirFront> fronts)
    {
        ArgumentNullException.ThrowIfNull(fronts);
        long total = 0;
        foreach (GpirFront front in fronts) total = checked(total + front.Members.Max(m => m.GainMacs));
        return total;
    }

    /// <summary>
    /// R* as a MAC count from a reduction ratio of the whole network's MACs, rounded up so the ratio
    /// is met. The product is formed in decimal: 0.3 * 10 in doubles is 3.0000000000000004, which
    /// would round up to 4.
    /// </summary>
    public static long RequiredGain(double reductionRatio, long networkMacs)
    {
        if (!(reductionRatio >= 0 && reductionRatio <= 1))
            throw new ArgumentOutOfRangeException(nameof(reductionRatio), reductionRatio, "the MAC reduction ratio R* must lie in [0, 1]");
        if (networkMacs <= 0) throw new ArgumentOutOfRangeException(nameof(networkMacs), networkMacs, "the network's MACs must be positive");
        return (long)decimal.Ceiling((decimal)reductionRatio * networkMacs);
    }

    /// <summary>The exact optimum (equal impairments are resolved deterministically, towards earlier members).</summary>
    /// <exception cref="InfeasibleGainException">when <paramref name="requiredGainMacs"/> exceeds <see cref="MaxReachableGain"/>.</exception>
    public static GpirChoice Solve(IReadOnlyList<GpirFront> fronts, long requiredGainMacs)
    {
        ArgumentNullException.ThrowIfNull(fronts);
        if (fronts.Count == 0) throw new ArgumentException("GPIR needs at least one sub-network front", nameof(fronts));
        if (requiredGainMacs < 0)
            throw new ArgumentOutOfRangeException(nameof(requiredGainMacs), requiredGainMacs, "the required gain R* cannot be negative");
        long reachable = MaxReachableGain(fronts);
        if (requiredGainMacs > reachable) throw new InfeasibleGainException(requiredGainMacs, reachable);

        // layers[k] holds the Pareto states after choosing for sub-networks 0..k-1.
        var layers = new List<State[]> { new[] { new State(0, 0, -1, -1) } };
        for (int k = 0; k < fronts.Count; k++)
        {
            State[] previous = layers[^1];
            IReadOnlyList<GpirMember> members = fronts[k].Members;
            var candidates = new State[previous.Length * members.Count];
            int c = 0;
            for (int s = 0; s < previous.Length; s++)
            {
                for (int j = 0; j < members.Count; j++)
                {
                    long gain = Math.Min(previous[s].Gain + members[j].GainMacs, requiredGainMacs);
                    candidates[c++] = new State(gain, previous[s].Impairment + members[j].Impairment, s, j);
                }
            }
            layers.Add(ParetoStates(candidates));
        }

        // The first state has the largest (capped) gain and, among those, the lowest impairment.
        State[] last = layers[^1];
        int index = 0;
        var chosen = new int[fronts.Count];
        for (int k = fronts.Count; k >= 1; k--)
        {
            State state = layers[k][index];
            chosen[k - 1] = state.Member;
            index = state.Parent;
        }
        long totalGain = 0;
        double totalImpairment = 0;
        for (int k = 0; k < fronts.Count; k++)
        {
            totalGain += fronts[k].Members[chosen[k]].GainMacs;
            totalImpairment += fronts[k].Members[chosen[k]].Impairment;
        }
        return new GpirChoice(chosen, totalImpairment, totalGain);
    }

    /// <summary>States no other state beats in both gain (higher) and impairment (lower), by decreasing gain.</summary>
    private static State[] ParetoStates(State[] candidates)
    {
        Array.Sort(candidates, (a, b) =>
        {
            if (a.Gain != b.Gain) return b.Gain.CompareTo(a.Gain);
            if (a.Impairment != b.Impairment) return a.Impairment.CompareTo(b.Impairment);
            return a.Parent != b.Parent ? a.Parent.CompareTo(b.Parent) : a.Member.CompareTo(b.Member);
        });
        var kept = new List<State>();
        double best = double.PositiveInfinity;
        foreach (State state in candidates)
        {
            if (state.Impairment < best)
            {
                kept.Add(state);
                best = state.Impairment;
            }
        }
        return kept.ToArray();
    }

    private readonly record struct State(long Gain, double Impairment, int Parent, int Member);
}
