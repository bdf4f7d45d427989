using System.Globalization;
using PruneGen.Solvers;
using PruneGen.Structure;

namespace PruneGen.Methods.Mdp;

/// <summary>How MDP's program is solved; every choice proves the same optimum.</summary>
public enum MdpSearch
{
    /// <summary><see cref="StreamDecomposition"/> when the space decomposes within its limits, CBC otherwise.</summary>
    Auto,

    /// <summary>The MILP with CBC (warm-started by <see cref="GreedyStart"/>), whatever the space.</summary>
    Cbc,

    /// <summary><see cref="StreamDecomposition"/>; an error when the space does not decompose.</summary>
    Decomposition,
}

/// <summary>Settings of one MDP solve.</summary>
public sealed record MdpOptions
{
    /// <summary>
    /// Which exact solver runs. On residual networks the decomposition proves ResNet-56's optimum in
    /// milliseconds where CBC needs up to seconds; CBC remains for any other space, and the tests check
    /// that both find the same optimum.
    /// </summary>
    public MdpSearch Search { get; init; } = MdpSearch.Auto;

    /// <summary>r in Ψ = (1 − r) · T(current); ignored when <see cref="BudgetMs"/> is set.</summary>
    public double LatencyReduction { get; init; } = 0.5;

    /// <summary>An explicit budget Ψ in milliseconds.</summary>
    public double? BudgetMs { get; init; }

    /// <summary>Give the program block variables; false is the channel-only variant.</summary>
    public bool RemoveBlocks { get; init; } = true;

    /// <summary>
    /// CBC with its feasibility pump off: MDP's relaxation is tight (a handful of fractional binaries at
    /// the root), so diving finds the optimum quickly and the pump only costs time; over ResNet-20 and
    /// ResNet-56 at r = 0.3/0.5/0.7 (joint and channel-only) it cut CBC's total CPU time from 10.9 s to 6.4 s.
    /// </summary>
    public static CbcOptions DefaultCbcOptions { get; } = new() { ExtraArguments = ["feas", "off"] };

    public IMilpSolver Solver { get; init; } = new CbcSolver(DefaultCbcOptions);

    /// <summary>Add the valid inequalities that tighten CBC's relaxation (same optimum, far faster proof; see <see cref="MdpProgram.MaximiseImportance"/>).</summary>
    public bool StrengthenLinearisation { get; init; } = true;

    /// <summary>
    /// Start CBC from <see cref="GreedyStart"/>'s structure (a MIP start). Same optimum; on ResNet-56 it cuts
    /// CBC's time several-fold, because the proof, not the search for good structures, is what remains.
    /// </summary>
    public bool WarmStart { get; init; } = true;

    /// <summary>Receives warnings and a one-line summary of the solve.</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>An MDP plan with the solve behind it.</summary>
/// <param name="Status">Optimal, or TimeLimit (best feasible structure, see <see cref="PruningPlan.Warnings"/>).</param>
/// <param name="Gap">Relative optimality gap (0 when proven optimal).</param>
/// <param name="SolveTime">Wall-clock time of the solve, CBC's process start and file exchange included.</param>
/// <param name="SolverTime">The part CBC reports as its own wall-clock time, when it does.</param>
/// <param name="Solver">"cbc" or "decomposition".</param>
/// <param name="Variables">The MILP's variables (0 when the decomposition solved it without building the MILP).</param>
public sealed record MdpResult(
    string Method, int[] GroupWidths, bool[] BlocksKept, double CurrentLatencyMs, double BudgetMs, double PredictedLatencyMs,
    double KeptImportance, double CurrentImportance, IReadOnlyList<string> Warnings,
    MilpStatus Status, double Gap, TimeSpan SolveTime, TimeSpan? SolverTime, int Variables, int Constraints, string Solver = "cbc")
    : PruningPlan(Method, GroupWidths, BlocksKept, CurrentLatencyMs, BudgetMs, PredictedLatencyMs, KeptImportance, CurrentImportance, Warnings);

/// <summary>
/// Latency-constrained joint channel / block pruning in one shot (MDP, METHODS.md §2): builds the
/// integer program for the network's current state, solves it to proven optimality (by
/// <see cref="StreamDecomposition"/> on residual networks, by CBC otherwise; see <see cref="MdpSearch"/>)
/// and returns the widths and blocks to keep.
/// </summary>
public static class MdpPruner
{
    public static MdpResult Solve(IPrunableNetwork network, ImportanceScores scores, ILatencyTable table, MdpOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Solve(network.Structure, network.GroupWidths, network.BlocksKept, scores, table, options);
    }

    public static MdpResult Solve(NetworkStructure structure, IReadOnlyList<int> currentWidths, IReadOnlyList<bool> currentBlocks,
        ImportanceScores scores, ILatencyTable table, MdpOptions? options = null)
    {
        options ??= new MdpOptions();
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(table);
        var space = new PruningSpace(structure, currentWidths, currentBlocks);
        double current = LatencyModel.Predict(structure, currentWidths, currentBlocks, table);
        double budget = options.BudgetMs ?? LatencyBudget.FromReduction(current, options.LatencyReduction);
        string method = options.RemoveBlocks ? "mdp" : "mdp-channels";

        if (options.Search != MdpSearch.Cbc && SolveByDecomposition(space, scores, table, options, method, budget, current) is { } exact)
            return exact;

        MdpProgram program = MdpProgram.MaximiseImportance(space, scores, table, budget, options.RemoveBlocks, options.StrengthenLinearisation);
        if (options.WarmStart && GreedyStart.Find(space, scores, table, budget, options.RemoveBlocks) is { } start)
        {
            double[] point = program.PointOf(start.GroupWidths, start.BlocksKept);
            // A start the model rejects would be a bug in the greedy search, not in the solve: skip it.
            if (program.Model.IsFeasible(point, 1e-7)) program.Model.SetStart(point);
            else options.Log?.Invoke($"{method}: the greedy start is not feasible for the program; solving without it");
        }
        MilpSolution solution = options.Solver.Solve(program.Model);
        var warnings = new List<string>();
        switch (solution.Status)
        {
            case MilpStatus.Optimal:
                break;
            case MilpStatus.TimeLimit:
                warnings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{method}: CBC stopped at its time limit ({options.Solver.TimeLimit?.TotalSeconds:G4} s) with a relative gap of {solution.Gap:P2}; the structure is the best feasible one found, not a proven optimum"));
                break;
            case MilpStatus.Infeasible:
                throw Infeasible(space, table, options, budget, current);
            case MilpStatus.TimeLimitNoSolution:
                throw new MilpSolverException(string.Create(CultureInfo.InvariantCulture,
                    $"{method}: CBC found no structure within {budget:G6} ms before its time limit ({options.Solver.TimeLimit?.TotalSeconds:G4} s); raise the limit or the budget"));
            default:
                throw new MilpSolverException($"{method}: CBC ended with '{solution.StatusText}'");
        }

        var (widths, blocks) = program.Decode(solution);
        double predicted = LatencyModel.Predict(structure, widths, blocks, table);
        if (predicted > budget)
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"{method}: the chosen structure's LUT latency {predicted:G9} ms exceeds the budget {budget:G9} ms"));
        var result = new MdpResult(method, widths, blocks, current, budget, predicted,
            MdpProgram.KeptImportance(space, scores, widths, blocks), MdpProgram.KeptImportance(space, scores, currentWidths, currentBlocks),
            warnings, solution.Status, solution.Gap, solution.SolveTime, solution.SolverTime, program.Model.Variables.Count, program.Model.Constraints.Count, "cbc");
        foreach (string warning in warnings) options.Log?.Invoke("warning: " + warning);
        options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"{method}: {solution.Status} in {solution.SolveTime.TotalMilliseconds:F0} ms ({result.Variables} variables, {result.Constraints} constraints); LUT latency {current:F3} -> {predicted:F3} ms (budget {budget:F3}), {result.BlocksRemoved(currentBlocks)} blocks removed"));
        return result;
    }

    /// <summary>The optimum by <see cref="StreamDecomposition"/>; null when the space does not decompose and <see cref="MdpSearch.Auto"/> lets CBC take it.</summary>
    private static MdpResult? SolveByDecomposition(PruningSpace space, ImportanceScores scores, ILatencyTable table, MdpOptions options, string method, double budget, double current)
    {
        NetworkStructure structure = space.Structure;
        var started = System.Diagnostics.Stopwatch.StartNew();
        StreamDecomposition? decomposition = StreamDecomposition.TryCreate(space, scores, table, options.RemoveBlocks);
        if (decomposition is null)
        {
            if (options.Search == MdpSearch.Decomposition)
                throw new MilpSolverException($"{method}: {structure.Name}'s search space does not decompose over its residual streams within the solver's limits; use mdp_solver=cbc (MdpSearch.Cbc)");
            return null;
        }
        var found = decomposition.Solve(budget) ?? throw Infeasible(space, table, options, budget, current);
        started.Stop();
        double predicted = LatencyModel.Predict(structure, found.GroupWidths, found.BlocksKept, table);
        var result = new MdpResult(method, found.GroupWidths, found.BlocksKept, current, budget, predicted,
            MdpProgram.KeptImportance(space, scores, found.GroupWidths, found.BlocksKept), MdpProgram.KeptImportance(space, scores, space.CurrentWidths, space.CurrentBlocks),
            [], MilpStatus.Optimal, 0, started.Elapsed, started.Elapsed, 0, 0, "decomposition");
        options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"{method}: Optimal in {started.Elapsed.TotalMilliseconds:F0} ms (decomposition over {decomposition.HubCombinations} stream-width combinations x {decomposition.Components} blocks); LUT latency {current:F3} -> {predicted:F3} ms (budget {budget:F3}), {result.BlocksRemoved(space.CurrentBlocks)} blocks removed"));
        return result;
    }

    /// <summary>The smallest LUT latency the space reaches (an exact solve of the min-latency program).</summary>
    public static double SmallestReachableLatency(PruningSpace space, ILatencyTable table, bool removeBlocks, IMilpSolver? solver = null)
    {
        MdpProgram program = MdpProgram.MinimiseLatency(space, table, removeBlocks);
        MilpSolution solution = (solver ?? new CbcSolver(MdpOptions.DefaultCbcOptions)).Solve(program.Model);
        if (solution.Status != MilpStatus.Optimal)
            throw new MilpSolverException($"the smallest reachable latency could not be computed: CBC ended with '{solution.StatusText}'");
        var (widths, blocks) = program.Decode(solution);
        return LatencyModel.Predict(space.Structure, widths, blocks, table);
    }

    private static Exception Infeasible(PruningSpace space, ILatencyTable table, MdpOptions options, double budget, double current)
    {
        double smallest;
        try
        {
            smallest = SmallestReachableLatency(space, table, options.RemoveBlocks, options.Solver);
        }
        catch (MilpSolverException e)
        {
            return new MilpSolverException(string.Create(CultureInfo.InvariantCulture,
                $"the latency budget of {budget:G6} ms cannot be met, and the smallest reachable latency is unknown: {e.Message}"), e);
        }
        string detail = options.RemoveBlocks ? "" : "; block removal is off (channel-only variant)";
        return new InfeasibleLatencyBudgetException(budget, smallest, current, detail);
    }
}
