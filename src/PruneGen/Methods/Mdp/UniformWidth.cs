using PruneGen.Structure;

namespace PruneGen.Methods.Mdp;

/// <summary>
/// The uniform-width baseline at a latency budget: every prunable group keeps the same fraction ρ of
/// its current width (rounded down to its step, at least its minimum), with the largest ρ whose LUT
/// latency fits the budget. Blocks stay.
/// </summary>
public static class UniformWidth
{
    /// <summary>The widths at ratio ρ: each group's largest allowed width ≤ ρ · current (its smallest one when none is).</summary>
    public static int[] AtRatio(PruningSpace space, double ratio)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (!double.IsFinite(ratio) || ratio <= 0 || ratio > 1)
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "the width ratio must lie in (0, 1]");
        int[] widths = space.CurrentWidths.ToArray();
        for (int g = 0; g < widths.Length; g++)
        {
            if (space.Options(g) is not { } options) continue;
            // The tolerance keeps ρ = w / current from rounding below w.
            double limit = ratio * space.CurrentWidths[g] + 1e-9;
            widths[g] = options.Where(w => w <= limit).DefaultIfEmpty(options[0]).Max();
        }
        return widths;
    }

    /// <summary>The largest uniform ratio within <paramref name="budgetMs"/>; <paramref name="scores"/> (optional) only fill in the kept importance.</summary>
    public static PruningPlan ForBudget(NetworkStructure structure, IReadOnlyList<int> currentWidths, IReadOnlyList<bool> currentBlocks,
        ILatencyTable table, double budgetMs, ImportanceScores? scores = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        var space = new PruningSpace(structure, currentWidths, currentBlocks);
        double current = LatencyModel.Predict(structure, currentWidths, currentBlocks, table);
        // Every ratio at which some group's width changes, largest first.
        double[] ratios = structure.PrunableGroups
            .Where(g => space.Options(g.Index) is not null)
            .SelectMany(g => space.Options(g.Index)!.Select(w => (double)w / currentWidths[g.Index]))
            .Append(1.0).Distinct().OrderDescending().ToArray();
        double smallest = double.PositiveInfinity;
        foreach (double ratio in ratios)
        {
            int[] widths = AtRatio(space, ratio);
            double latency = LatencyModel.Predict(structure, widths, currentBlocks, table);
            smallest = Math.Min(smallest, latency);
            if (latency > budgetMs) continue;
            double kept = scores is null ? double.NaN : MdpProgram.KeptImportance(space, scores, widths, currentBlocks);
            double full = scores is null ? double.NaN : MdpProgram.KeptImportance(space, scores, currentWidths, currentBlocks);
            return new PruningPlan("uniform", widths, currentBlocks.ToArray(), current, budgetMs, latency, kept, full, []);
        }
        throw new InfeasibleLatencyBudgetException(budgetMs, smallest, current, "; uniform width scaling keeps every block");
    }

    public static PruningPlan ForReduction(NetworkStructure structure, IReadOnlyList<int> currentWidths, IReadOnlyList<bool> currentBlocks,
        ILatencyTable table, double reduction, ImportanceScores? scores = null)
    {
        double current = LatencyModel.Predict(structure, currentWidths, currentBlocks, table);
        return ForBudget(structure, currentWidths, currentBlocks, table, LatencyBudget.FromReduction(current, reduction), scores);
    }
}
