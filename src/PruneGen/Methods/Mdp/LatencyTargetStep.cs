using System.Globalization;
using System.Text.Json.Nodes;
using PruneGen.Latency;
using PruneGen.Methods.Baselines;
using PruneGen.Methods.Importance;
using PruneGen.Solvers;
using PruneGen.Structure;
using PruneGen.Training;

namespace PruneGen.Methods.Mdp;

/// <summary>Which planner chooses the structure at a latency budget (METHODS.md §2 and its baselines).</summary>
public enum LatencyPlanner
{
    /// <summary>MDP's integer program over channels and blocks, solved to proven optimality.</summary>
    Mdp,

    /// <summary>The same program without block variables.</summary>
    MdpChannels,

    /// <summary>HALP-style knapsack steps with input widths frozen; no blocks.</summary>
    Halp,

    /// <summary>One width ratio for every group, the largest within the budget; no blocks.</summary>
    Uniform,
}

/// <summary>Options of a latency-targeted one-shot step.</summary>
public sealed record LatencyTargetOptions
{
    public LatencyPlanner Planner { get; init; } = LatencyPlanner.Mdp;

    /// <summary>r in Ψ = (1 − r) · LUT(dense) (option key <c>latency_reduction</c>), in [0, 1).</summary>
    public double LatencyReduction { get; init; } = 0.5;

    /// <summary>Taylor window: the last N steps of the pruning epoch (option key <c>importance_steps</c>); 0 = the whole epoch.</summary>
    public int ImportanceSteps { get; init; }

    /// <summary>HALP only: knapsack steps from the dense latency down to Ψ (option key <c>halp_steps</c>).</summary>
    public int HalpSteps { get; init; } = 5;

    /// <summary>
    /// The LUT file (option key <c>latency_table</c>): reused when its key matches this machine, the
    /// profiler options and the network; otherwise profiled and written there. Null: <see cref="LatencyTableFile.DefaultPath"/>.
    /// </summary>
    public string? LatencyTablePath { get; init; }

    /// <summary>How the LUT is profiled (batch = the run's <c>latency_batch</c>, threads = the run's threads).</summary>
    public LatencyProfilerOptions Profiler { get; init; } = new();

    /// <summary>A table to use as it is, instead of loading or profiling one (tests, tables from elsewhere).</summary>
    public ILatencyTable? Table { get; init; }

    /// <summary>MDP planners only: which exact solver runs (option key <c>mdp_solver</c>).</summary>
    public MdpSearch Search { get; init; } = MdpSearch.Auto;

    /// <summary>The MILP solver; null: CBC with the planners' defaults.</summary>
    public IMilpSolver? Solver { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Planner)) throw new ArgumentOutOfRangeException(nameof(Planner), Planner, "unknown latency planner");
        if (!Enum.IsDefined(Search)) throw new ArgumentOutOfRangeException("mdp_solver", Search, "unknown MDP solver (auto, cbc or decomposition)");
        if (!double.IsFinite(LatencyReduction) || LatencyReduction < 0 || LatencyReduction >= 1)
            throw new ArgumentOutOfRangeException("latency_reduction", LatencyReduction, "latency_reduction r must lie in [0, 1) (the budget is (1 - r) times the dense network's LUT latency)");
        if (ImportanceSteps < 0) throw new ArgumentOutOfRangeException("importance_steps", ImportanceSteps, "importance_steps must be 0 (one epoch) or positive");
        if (HalpSteps < 1) throw new ArgumentOutOfRangeException("halp_steps", HalpSteps, "HALP needs at least one step");
        ArgumentNullException.ThrowIfNull(Profiler);
        Profiler.Validate();
    }

    /// <summary>The method name: "mdp", "mdp-channels", "halp" or "uniform-latency".</summary>
    public static string MethodName(LatencyPlanner planner) => planner switch
    {
        LatencyPlanner.Mdp => "mdp",
        LatencyPlanner.MdpChannels => "mdp-channels",
        LatencyPlanner.Halp => "halp",
        LatencyPlanner.Uniform => "uniform-latency",
        _ => throw new ArgumentOutOfRangeException(nameof(planner), planner, "unknown latency planner"),
    };
}

/// <summary>
/// The pruning step of MDP's one-shot schedule (METHODS.md §2) and of its baselines in the same run:
/// with the network's bilayer LUT and the Taylor importance accumulated before pruning, a planner
/// chooses widths (and, for MDP, blocks) whose LUT latency is within Ψ = (1 − r) · LUT(dense); each
/// group keeps its most important channels. Used with <see cref="PruneThenFineTune"/>.
/// </summary>
/// <remarks>
/// The uniform baseline needs no importance to choose widths; it uses the same Taylor ranking to choose
/// which channels of each group stay, so the baselines differ from MDP only in the planner.
/// Facts: the <c>pruning</c> fact gains planner, budget, LUT (path and key), dense and predicted LUT
/// latency, kept importance, and for MDP the solve (status, objective, gap, times, variables,
/// constraints); the run fact <see cref="Trainer.Facts.PredictedLatencyMs"/> is the LUT latency of the
/// slim network, which the run summary shows next to the measured latency.
/// </remarks>
public sealed class LatencyTargetStep : PruningStep
{
    private ILatencyTable? _table;
    private JsonObject? _tableFact;

    public LatencyTargetStep(LatencyTargetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    public LatencyTargetOptions Options { get; }

    public override string Name => LatencyTargetOptions.MethodName(Options.Planner);

    public override int? ImportanceSteps => Options.ImportanceSteps == 0 ? int.MaxValue : Options.ImportanceSteps;

    /// <summary>The plan chosen (null before the decision).</summary>
    public PruningPlan? Plan { get; private set; }

    /// <summary>The latency table in use (null before <see cref="Prepare"/>).</summary>
    public ILatencyTable? Table => _table;

    public override void Prepare(IPrunableNetwork network, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(log);
        if (_table is not null) return;
        if (Options.Table is { } given)
        {
            _table = given;
            _tableFact = new JsonObject { ["source"] = "given" };
            return;
        }
        LatencyProfilerOptions profiler = Options.Profiler;
        string path = Options.LatencyTablePath is { Length: > 0 } p ? p
            : LatencyTableFile.DefaultPath(network.Structure.Name, profiler.Batch, profiler.Threads);
        LatencyTable table = LatencyProfiler.LoadOrProfile(path, network.Structure, profiler, log);
        _table = table;
        LatencyTableKey key = table.Key;
        _tableFact = new JsonObject
        {
            ["path"] = Path.GetFullPath(path),
            ["device"] = key.Device,
            ["threads"] = key.Threads,
            ["batch"] = key.Batch,
            ["memory_format"] = key.MemoryFormat,
            ["statistic"] = key.Statistic,
            ["entries"] = table.Count,
        };
    }

    public override PruningDecision Decide(IPrunableNetwork network, TaylorImportance? importance, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(log);
        if (importance is null) throw new InvalidOperationException($"{Name} needs the Taylor importance accumulated before pruning");
        if (_table is null) Prepare(network, log);
        ILatencyTable table = _table!;
        NetworkStructure structure = network.Structure;
        int[] widths = network.GroupWidths;
        bool[] blocks = network.BlocksKept;
        ImportanceScores scores = importance.Scores();
        double r = Options.LatencyReduction;

        PruningPlan plan;
        try
        {
            plan = Choose(structure, widths, blocks, scores, table, r, log);
        }
        catch (Exception e) when (e is InfeasibleLatencyBudgetException or MilpSolverException)
        {
            // A run stopped by its own settings: one clear line, not a crash (the run can be resumed with other options).
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{Name} at latency_reduction {r:G4}: {e.Message}"), e);
        }
        Plan = plan; // the planners log their own warnings

        var fact = new JsonObject
        {
            ["planner"] = Name,
            ["latency_reduction"] = r,
            ["budget_ms"] = plan.BudgetMs,
            ["dense_predicted_latency_ms"] = plan.CurrentLatencyMs,
            ["plan_predicted_latency_ms"] = plan.PredictedLatencyMs,
            ["importance_steps"] = importance.Iterations,
            ["kept_importance"] = plan.KeptImportance,
            ["kept_importance_fraction"] = plan.KeptImportance / plan.CurrentImportance,
            ["latency_table"] = _tableFact?.DeepClone(),
            ["warnings"] = new JsonArray(plan.Warnings.Select(w => (JsonNode?)w).ToArray()),
        };
        if (plan is MdpResult solve)
        {
            fact["solver"] = new JsonObject
            {
                ["name"] = solve.Solver,
                ["status"] = solve.Status.ToString(),
                ["objective"] = solve.KeptImportance,
                ["gap"] = solve.Gap,
                ["solve_seconds"] = solve.SolveTime.TotalSeconds,
                ["solver_seconds"] = solve.SolverTime?.TotalSeconds,
                ["variables"] = solve.Variables,
                ["constraints"] = solve.Constraints,
            };
        }
        var metrics = new Dictionary<string, double>
        {
            ["prune_budget_ms"] = plan.BudgetMs,
            ["prune_dense_predicted_latency_ms"] = plan.CurrentLatencyMs,
            ["prune_kept_importance_fraction"] = plan.KeptImportance / plan.CurrentImportance,
        };
        if (plan is MdpResult timed) metrics["prune_solve_seconds"] = timed.SolveTime.TotalSeconds;
        log(string.Create(CultureInfo.InvariantCulture,
            $"{Name}: LUT latency {plan.CurrentLatencyMs:F3} -> {plan.PredictedLatencyMs:F3} ms (budget {plan.BudgetMs:F3} ms, r = {r:G4}), {plan.BlocksRemoved(blocks)} blocks removed, {plan.KeptImportance / plan.CurrentImportance:P1} of the importance kept"));
        return new PruningDecision(scores.ToMasks(widths, blocks, plan.GroupWidths, plan.BlocksKept), fact, metrics);
    }

    public override void Describe(IPrunableNetwork slim, JsonObject pruningFact, IDictionary<string, double> metrics, JsonObject runFacts)
    {
        ArgumentNullException.ThrowIfNull(slim);
        ArgumentNullException.ThrowIfNull(pruningFact);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(runFacts);
        // The slim network itself, not the plan: what the summary compares with the measured latency.
        double predicted = LatencyModel.Predict(slim.Structure, slim.GroupWidths, slim.BlocksKept, _table!);
        pruningFact[Trainer.Facts.PredictedLatencyMs] = predicted;
        metrics["prune_" + Trainer.Facts.PredictedLatencyMs] = predicted;
        runFacts[Trainer.Facts.PredictedLatencyMs] = predicted;
    }

    private PruningPlan Choose(NetworkStructure structure, int[] widths, bool[] blocks, ImportanceScores scores, ILatencyTable table, double r, Action<string> log) =>
        Options.Planner switch
        {
            LatencyPlanner.Mdp or LatencyPlanner.MdpChannels => MdpPruner.Solve(structure, widths, blocks, scores, table, WithSolver(new MdpOptions
            {
                LatencyReduction = r,
                RemoveBlocks = Options.Planner == LatencyPlanner.Mdp,
                Search = Options.Search,
                Log = log,
            })),
            LatencyPlanner.Halp => HalpPruner.Prune(structure, widths, blocks, scores, table, new HalpOptions
            {
                LatencyReduction = r,
                Steps = Options.HalpSteps,
                Solver = Options.Solver ?? new CbcSolver(),
                Log = log,
            }),
            LatencyPlanner.Uniform => UniformWidth.ForReduction(structure, widths, blocks, table, r, scores),
            _ => throw new InvalidOperationException($"unknown planner {Options.Planner}"),
        };

    private MdpOptions WithSolver(MdpOptions options) => Options.Solver is { } solver ? options with { Solver = solver } : options;
}
