using System.Globalization;
using PruneGen.Solvers;
using PruneGen.Structure;

namespace PruneGen.Methods.Mdp;

/// <summary>Settings of the HALP-style baseline.</summary>
public sealed record HalpOptions
{
    /// <summary>r in Ψ = (1 − r) · T(current); ignored when <see cref="BudgetMs"/> is set.</summary>
    public double LatencyReduction { get; init; } = 0.5;

    public double? BudgetMs { get; init; }

    /// <summary>Knapsack steps; the target falls linearly from T(current) to Ψ over them.</summary>
    public int Steps { get; init; } = 5;

    public IMilpSolver Solver { get; init; } = new CbcSolver();

    public Action<string>? Log { get; init; }
}

/// <summary>
/// The HALP-style baseline (Shen et al., "Structural pruning via latency-saliency knapsack"): the same
/// importance and LUT as MDP, but each step freezes every layer's input width at its current value,
/// so a group's latency cost depends on its own width only, and solves a 0/1 knapsack over chunks
/// (exactly, as a multiple-choice knapsack on CBC: keeping the top-w channels of a group is one item
/// choice per group). Steps lower the target linearly from the current latency to the budget; it
/// never removes blocks.
/// </summary>
public static class HalpPruner
{
    public static PruningPlan Prune(NetworkStructure structure, IReadOnlyList<int> currentWidths, IReadOnlyList<bool> currentBlocks,
        ImportanceScores scores, ILatencyTable table, HalpOptions? options = null)
    {
        options ??= new HalpOptions();
        ArgumentNullException.ThrowIfNull(scores);
        if (options.Steps < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Steps, "HALP needs at least one step");
        double start = LatencyModel.Predict(structure, currentWidths, currentBlocks, table);
        double budget = options.BudgetMs ?? LatencyBudget.FromReduction(start, options.LatencyReduction);
        var startSpace = new PruningSpace(structure, currentWidths, currentBlocks);
        var warnings = new List<string>();

        int[] widths = currentWidths.ToArray();
        double latency = start;
        double? smallest = null;
        double Smallest() => smallest ??= MdpPruner.SmallestReachableLatency(startSpace, table, removeBlocks: false, options.Solver);
        // The planned steps, then (rarely: a LUT that is not monotone in c_in) up to as many again at Ψ
        // until the real LUT latency, with every input at its new width, is within the budget.
        for (int step = 1; step <= 2 * options.Steps; step++)
        {
            if (step > options.Steps && latency <= budget) break;
            double target = step <= options.Steps ? start - (start - budget) * step / options.Steps : budget;
            // With inputs frozen a step overstates what its cuts cost, so near the space's floor a step
            // can find no solution although the space reaches the target: halve it until one does.
            for (int halving = 0; ; halving++)
            {
                try
                {
                    widths = Step(structure, widths, currentBlocks, (g, w) => scores[g].Kept(w), table, target, options.Solver, Smallest, start);
                    break;
                }
                catch (InfeasibleLatencyBudgetException e) when (e.SmallestReachableMs <= budget && halving < 30)
                {
                    target = latency - (latency - target) / 2;
                }
                catch (InfeasibleLatencyBudgetException e) when (e.SmallestReachableMs <= budget)
                {
                    throw new MilpSolverException(string.Create(CultureInfo.InvariantCulture,
                        $"halp: its steps stall at {latency:G6} ms above the budget {budget:G6} ms: with each layer's input width frozen within a step no cut fits, although the space reaches {e.SmallestReachableMs:G6} ms with every width free"), e);
                }
            }
            latency = LatencyModel.Predict(structure, widths, currentBlocks, table);
            options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"halp step {step}: target {target:F3} ms, LUT latency {latency:F3} ms"));
        }
        if (latency > budget)
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"halp: LUT latency {latency:G6} ms is still above the budget {budget:G6} ms after {2 * options.Steps} steps"));
        foreach (string warning in warnings) options.Log?.Invoke("warning: " + warning);
        return new PruningPlan("halp", widths, currentBlocks.ToArray(), start, budget, latency,
            MdpProgram.KeptImportance(startSpace, scores, widths, currentBlocks), MdpProgram.KeptImportance(startSpace, scores, currentWidths, currentBlocks), warnings);
    }

    /// <summary>
    /// One knapsack step from <paramref name="currentWidths"/>: maximise Σ_g value(g, w_g) subject to the
    /// latency with every layer's input frozen at its current width being at most <paramref name="targetMs"/>.
    /// Widths only shrink. <paramref name="value"/>(g, w) is the importance of group g keeping w channels.
    /// </summary>
    public static int[] Step(NetworkStructure structure, IReadOnlyList<int> currentWidths, IReadOnlyList<bool> currentBlocks,
        Func<int, int, double> value, ILatencyTable table, double targetMs, IMilpSolver? solver = null,
        Func<double>? smallestReachable = null, double? startLatencyMs = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(table);
        var space = new PruningSpace(structure, currentWidths, currentBlocks);
        var model = new MilpModel("halp-knapsack");
        var y = new Variable[]?[structure.Groups.Count];
        var objective = new LinearExpression();
        foreach (GroupInfo group in structure.PrunableGroups)
        {
            if (space.Options(group.Index) is not { } options) continue;
            y[group.Index] = options.Select(w => model.AddBinary(string.Create(CultureInfo.InvariantCulture, $"y {group.Name} = {w}"))).ToArray();
            var oneHot = new LinearExpression();
            for (int k = 0; k < options.Count; k++)
            {
                oneHot.Add(y[group.Index]![k], 1);
                objective.Add(y[group.Index]![k], value(group.Index, options[k]));
            }
            model.AddConstraint($"one width for {group.Name}", oneHot, ConstraintSense.Equal, 1);
        }
        model.SetObjective(ObjectiveSense.Maximize, Normalised(objective));

        // Each term's cost belongs to its output group, at its input's current (frozen) width.
        var latency = new LinearExpression();
        double fixedLatency = 0;
        foreach (LatencyTerm term in LatencyModel.Terms(structure))
        {
            if (!term.IsPresent(currentBlocks)) continue;
            int inWidth = currentWidths[term.InputGroup];
            if (y[term.OutputGroup] is not { } outs)
            {
                fixedLatency += LatencyModel.Latency(term, currentWidths, table);
                continue;
            }
            IReadOnlyList<int> options = space.Options(term.OutputGroup)!;
            for (int k = 0; k < options.Count; k++)
                latency.Add(outs[k], table.GetLatency(term.Key, term.InputGroup == term.OutputGroup || term.Key.Depthwise ? options[k] : inWidth, options[k]));
        }
        model.AddConstraint("latency target", latency, ConstraintSense.LessOrEqual, targetMs * (1 - MdpProgram.BudgetMargin) - fixedLatency);

        MilpSolution solution = (solver ?? new CbcSolver()).Solve(model);
        if (solution.Status == MilpStatus.Infeasible)
        {
            double start = startLatencyMs ?? LatencyModel.Predict(structure, currentWidths, currentBlocks, table);
            double smallest = smallestReachable?.Invoke() ?? MdpPruner.SmallestReachableLatency(space, table, removeBlocks: false, solver);
            throw new InfeasibleLatencyBudgetException(targetMs, smallest, start, "; HALP-style pruning removes no blocks");
        }
        if (!solution.HasSolution) throw new MilpSolverException($"halp: CBC ended with '{solution.StatusText}'");

        int[] widths = currentWidths.ToArray();
        for (int g = 0; g < widths.Length; g++)
            if (y[g] is { } vars) widths[g] = space.Options(g)![Array.FindIndex(vars, solution.IsSet)];
        return widths;
    }

    // The same scaling as MDP's objective: the knapsack's values to ~1000 so CBC's tolerances are negligible.
    private static LinearExpression Normalised(LinearExpression objective)
    {
        double largest = objective.Terms.Select(t => Math.Abs(t.Coefficient)).DefaultIfEmpty(0).Max();
        return largest == 0 ? objective : objective.Scaled(1000 / largest);
    }
}
