namespace PruneGen.Methods.Mdp;

/// <summary>
/// What a latency-targeted pruning method chose: the widths of every group and the blocks kept, with
/// the LUT latency it predicts against the budget. Apply it with <see cref="ImportanceScores.ToMasks"/>.
/// </summary>
/// <param name="Method">"mdp", "mdp-channels", "halp", "uniform".</param>
/// <param name="GroupWidths">Width of every group, indexed like the structure's groups.</param>
/// <param name="BlocksKept">Indexed like the structure's blocks.</param>
/// <param name="CurrentLatencyMs">LUT latency of the network before pruning, T(full) for a dense one.</param>
/// <param name="BudgetMs">Ψ.</param>
/// <param name="PredictedLatencyMs">LUT latency of the chosen structure (≤ Ψ).</param>
/// <param name="KeptImportance">Importance of the kept channels, by MDP's objective (comparable across methods).</param>
/// <param name="CurrentImportance">The same for the unpruned network.</param>
public record PruningPlan(
    string Method, int[] GroupWidths, bool[] BlocksKept, double CurrentLatencyMs, double BudgetMs, double PredictedLatencyMs,
    double KeptImportance, double CurrentImportance, IReadOnlyList<string> Warnings)
{
    public int BlocksRemoved(IReadOnlyList<bool> currentBlocks) => currentBlocks.Where((kept, b) => kept && !BlocksKept[b]).Count();
}

/// <summary>A latency budget below what the search space can reach.</summary>
public sealed class InfeasibleLatencyBudgetException(double budgetMs, double smallestReachableMs, double currentMs, string detail)
    : Exception(FormattableString.Invariant(
        $"the latency budget of {budgetMs:G6} ms cannot be met: the smallest latency this search space reaches is {smallestReachableMs:G6} ms (the network is at {currentMs:G6} ms, so the largest reachable reduction is r = {1 - smallestReachableMs / currentMs:F4}){detail}"))
{
    public double BudgetMs { get; } = budgetMs;
    public double SmallestReachableMs { get; } = smallestReachableMs;
    public double CurrentMs { get; } = currentMs;
}

/// <summary>Turns a requested reduction into a budget: Ψ = (1 − r) · T(current).</summary>
public static class LatencyBudget
{
    public static double FromReduction(double currentLatencyMs, double reduction)
    {
        if (!double.IsFinite(reduction) || reduction < 0 || reduction >= 1)
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "the latency reduction r must lie in [0, 1)");
        if (!double.IsFinite(currentLatencyMs) || currentLatencyMs <= 0)
            throw new ArgumentOutOfRangeException(nameof(currentLatencyMs), currentLatencyMs, "the network's latency must be positive");
        return (1 - reduction) * currentLatencyMs;
    }
}
