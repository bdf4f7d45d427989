using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using PruneGen.Latency;
using PruneGen.Methods.Mdp;
using PruneGen.Solvers;
using PruneGen.Structure;
using PruneGen.Torch;
using PruneGen.Zoo;
using static PruneGen.Torch.torch;

namespace PruneGen.Benchmarks.Mdp;

/// <summary>
/// Benchmarks of the MDP core:
/// <list type="bullet">
/// <item><c>mdp-solve</c>: solve time of MDP's program (joint and channel-only; CBC and the stream decomposition) for ResNet-20 and
/// ResNet-56 (from PruneGen.Zoo) at several latency reductions, with a synthetic LUT (or a stored one) and random
/// importance, beside the HALP-style and uniform baselines on the same inputs.</item>
/// <item><c>profile-latency</c>: profiles a network's LUT (prints how long it took), then measures the
/// whole network's forward at a few widths next to the LUT's prediction.</item>
/// </list>
/// </summary>
public static class MdpBenchmarks
{
    public static IEnumerable<Command> Commands() => [SolveCommand(), ProfileCommand()];

    private static Command SolveCommand()
    {
        var network = new Option<string>("--network") { Description = "resnet20, resnet56 or all", DefaultValueFactory = _ => "all" };
        var reductions = new Option<string>("--reductions") { Description = "comma-separated latency reductions r", DefaultValueFactory = _ => "0.3,0.5,0.7" };
        var repeats = new Option<int>("--repeats") { Description = "solves per configuration (the median is reported)", DefaultValueFactory = _ => 3 };
        var lut = new Option<string?>("--lut") { Description = "a stored latency table to use instead of the synthetic one" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0 };
        var cbcArgs = new Option<string?>("--cbc-args") { Description = "comma-separated CBC arguments instead of MDP's defaults (e.g. 'feas,off,cuts,off')" };
        var keep = new Option<string?>("--keep-files") { Description = "keep each MDP solve's LP file, CBC log and solution under this folder (one subfolder per solve)" };
        var inner = new Option<double>("--inner-importance") { Description = "scale of the blocks' inner groups' importance against the streams' (below 1 makes removing blocks competitive)", DefaultValueFactory = _ => 1.0 };
        var warm = new Option<bool>("--warm-start") { Description = "start CBC from the greedy structure (MdpOptions.WarmStart)", DefaultValueFactory = _ => true };
        var command = new Command("mdp-solve", "Solve time of MDP's integer program (CBC and the stream decomposition) for ResNet-20 and ResNet-56") { network, reductions, repeats, lut, seed, cbcArgs, keep, warm, inner };
        command.SetAction(result =>
        {
            double[] rs = result.GetValue(reductions)!.Split(',').Select(r => double.Parse(r, CultureInfo.InvariantCulture)).ToArray();
            string which = result.GetValue(network)!;
            NetworkStructure[] structures = which switch
            {
                "resnet20" => [ResNet20.Structure],
                "resnet56" => [ResNet56.Structure],
                "all" => [ResNet20.Structure, ResNet56.Structure],
                _ => throw new ArgumentException($"--network: unknown value '{which}' (resnet20, resnet56 or all)"),
            };
            CbcOptions cbc = result.GetValue(cbcArgs) is { } extra
                ? MdpOptions.DefaultCbcOptions with { ExtraArguments = extra.Split(',', StringSplitOptions.RemoveEmptyEntries) }
                : MdpOptions.DefaultCbcOptions;
            foreach (NetworkStructure structure in structures)
                Solve(structure, rs, result.GetValue(repeats), result.GetValue(lut), result.GetValue(seed), cbc, result.GetValue(keep), result.GetValue(warm), result.GetValue(inner), Console.Out);
            return 0;
        });
        return command;
    }

    private static Command ProfileCommand()
    {
        var network = new Option<string>("--network") { Description = "resnet20 or resnet56", DefaultValueFactory = _ => "resnet20" };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 128 };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 2 };
        var warmup = new Option<int>("--warmup") { DefaultValueFactory = _ => 3 };
        var repeats = new Option<int>("--repeats") { DefaultValueFactory = _ => 10 };
        var format = new Option<string>("--memory-format") { Description = "channels_last or contiguous", DefaultValueFactory = _ => "channels_last" };
        var statistic = new Option<string>("--statistic") { Description = "median or min of the timed passes", DefaultValueFactory = _ => "median" };
        var output = new Option<string?>("--out") { Description = "the LUT file (reused when its key matches; default: <network>.lut.json in the current folder)" };
        var check = new Option<bool>("--check") { Description = "then time the whole network at widths 1.0/0.75/0.5/0.25 against the LUT's prediction", DefaultValueFactory = _ => true };
        var command = new Command("profile-latency", "Profile a network's bilayer latency table and report how long it took") { network, batch, threads, warmup, repeats, format, statistic, output, check };
        command.SetAction(result =>
        {
            string which = result.GetValue(network)!;
            MemoryFormat memoryFormat = result.GetValue(format) switch
            {
                "channels_last" => MemoryFormat.ChannelsLast,
                "contiguous" => MemoryFormat.Contiguous,
                var other => throw new ArgumentException($"--memory-format: unknown value '{other}' (channels_last or contiguous)"),
            };
            var options = new LatencyProfilerOptions
            {
                Batch = result.GetValue(batch), Threads = result.GetValue(threads), Warmup = result.GetValue(warmup),
                Repeats = result.GetValue(repeats), MemoryFormat = memoryFormat,
                Statistic = result.GetValue(statistic) switch
                {
                    "median" => LatencyStatistic.Median,
                    "min" => LatencyStatistic.Minimum,
                    var other => throw new ArgumentException($"--statistic: unknown value '{other}' (median or min)"),
                },
            };
            Func<IPrunableNetwork> create = which switch
            {
                "resnet20" => () => new ResNet20(),
                "resnet56" => () => new ResNet56(),
                _ => throw new ArgumentException($"--network: unknown value '{which}' (resnet20 or resnet56)"),
            };
            string path = result.GetValue(output) ?? $"{which}.lut.json";
            Profile(create, options, path, result.GetValue(check), Console.Out);
            return 0;
        });
        return command;
    }

    private static void Solve(NetworkStructure structure, double[] reductions, int repeats, string? lutPath, int seed, CbcOptions cbc, string? keepFiles, bool warmStart, double innerImportance, TextWriter output)
    {
        var random = new Random(seed);
        ILatencyTable table = lutPath is null ? SyntheticTable(structure, random) : LatencyTableFile.Load(lutPath);
        ImportanceScores scores = RandomScores(structure, random, innerImportance);
        int[] widths = structure.FullGroupWidths();
        bool[] blocks = structure.AllBlocksKept();
        double full = LatencyModel.Predict(structure, widths, blocks, table);
        output.WriteLine(Invariant($"== {structure.Name}: {structure.Layers.Count} layers, {structure.PrunableGroups.Count} prunable groups, {structure.RemovableBlocks.Count} removable blocks; LUT {(lutPath ?? "synthetic (0.02 ms per operation + 1 ms per 100 MMAC or 4 M summed elements at batch 128, ±5% noise)")}: T(full) = {full:F3} ms; random importance (seed {seed}, inner groups x{innerImportance:G3}); CBC {CbcVersion()} with [{string.Join(' ', cbc.ExtraArguments)}], {(warmStart ? "greedy warm start" : "no warm start")}"));
        output.WriteLine("r     method        solver         status    total_ms solve_ms  cbc_ms  vars   rows   budget_ms  predicted_ms  blocks_removed  importance_kept");
        foreach (double r in reductions)
        {
            foreach (bool removeBlocks in new[] { true, false })
            {
                foreach (MdpSearch search in new[] { MdpSearch.Cbc, MdpSearch.Decomposition })
                {
                    var runs = new List<MdpResult>();
                    var totals = new List<double>();
                    string method = removeBlocks ? "mdp" : "mdp-channels";
                    try
                    {
                        for (int i = 0; i < repeats; i++)
                        {
                            long started = Stopwatch.GetTimestamp();
                            string? folder = keepFiles is null ? null : Path.Combine(keepFiles, Invariant($"{structure.Name}-r{r:F2}-{method}"));
                            var solver = new CbcSolver(cbc with { KeepFilesIn = folder });
                            runs.Add(MdpPruner.Solve(structure, widths, blocks, scores, table,
                                new MdpOptions { LatencyReduction = r, RemoveBlocks = removeBlocks, Solver = solver, WarmStart = warmStart, Search = search }));
                            totals.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        }
                    }
                    catch (InfeasibleLatencyBudgetException e)
                    {
                        // Channel-only pruning cannot reach high reductions when every layer has a floor cost.
                        output.WriteLine(Invariant($"{r,-5:F2} {method,-13} {search.ToString().ToLowerInvariant(),-14} infeasible: smallest reachable {e.SmallestReachableMs:F3} ms > budget {e.BudgetMs:F3} ms"));
                        continue;
                    }
                    MdpResult m = runs[0];
                    double solveMs = Median(runs.Select(x => x.SolveTime.TotalMilliseconds));
                    double cbcMs = m.Solver == "cbc" ? Median(runs.Select(x => x.SolverTime?.TotalMilliseconds ?? double.NaN)) : double.NaN;
                    output.WriteLine(Invariant($"{r,-5:F2} {m.Method,-13} {m.Solver,-14} {m.Status,-9} {Median(totals),8:F0} {solveMs,8:F0}  {(double.IsNaN(cbcMs) ? "-" : cbcMs.ToString("F0", CultureInfo.InvariantCulture)),6}  {m.Variables,-6} {m.Constraints,-6} {m.BudgetMs,9:F3}  {m.PredictedLatencyMs,12:F3}  {m.BlocksRemoved(blocks),14}  {m.KeptImportance / m.CurrentImportance,15:P3}"));
                }
            }
            var baselines = new (string Name, Func<PruningPlan> Plan)[]
            {
                ("halp", () => HalpPruner.Prune(structure, widths, blocks, scores, table, new HalpOptions { LatencyReduction = r })),
                ("uniform", () => UniformWidth.ForReduction(structure, widths, blocks, table, r, scores)),
            };
            foreach (var (name, plan) in baselines)
            {
                var stopwatch = Stopwatch.StartNew();
                try
                {
                    PruningPlan p = plan();
                    output.WriteLine(Invariant($"{r,-5:F2} {p.Method,-13} {"-",-14} {"-",-9} {stopwatch.Elapsed.TotalMilliseconds,8:F0} {"-",8}  {"-",6}  {"-",-6} {"-",-6} {p.BudgetMs,9:F3}  {p.PredictedLatencyMs,12:F3}  {p.BlocksRemoved(blocks),14}  {p.KeptImportance / p.CurrentImportance,15:P3}"));
                }
                catch (InfeasibleLatencyBudgetException e)
                {
                    // Neither baseline removes blocks: high reductions can lie beyond their reach.
                    output.WriteLine(Invariant($"{r,-5:F2} {name,-13} {"-",-14} infeasible: smallest reachable {e.SmallestReachableMs:F3} ms > budget {e.BudgetMs:F3} ms"));
                }
            }
        }
        output.WriteLine("total_ms: wall-clock of MdpPruner.Solve (cbc: program, greedy start, CBC; decomposition: the whole solve); solve_ms: the CBC part (LP file, process, solution file) or the decomposition; cbc_ms: CBC's own wall-clock; halp: all 5 knapsack steps");
    }

    private static void Profile(Func<IPrunableNetwork> create, LatencyProfilerOptions options, string path, bool check, TextWriter output)
    {
        IPrunableNetwork network = create();
        using var module = (nn.Module)network;
        NetworkStructure structure = network.Structure;
        int entries = LatencyModel.Grids(structure).Sum(g => g.Pairs.Count);
        output.WriteLine(Invariant($"== profile-latency {structure.Name}: {entries} entries, batch {options.Batch}, {options.Threads} threads, {LatencyProfiler.MemoryFormatName(options.MemoryFormat)}, warm-up {options.Warmup}, {LatencyProfiler.StatisticName(options.Statistic)} of {options.Repeats}; libtorch {torch.__version__}"));
        var stopwatch = Stopwatch.StartNew();
        LatencyTable table = LatencyProfiler.LoadOrProfile(path, structure, options, line => output.WriteLine("  " + line));
        output.WriteLine(Invariant($"profiling_seconds={table.Measurement.ProfilingSeconds:F1} (this run: {stopwatch.Elapsed.TotalSeconds:F1} s; table at {path})"));
        if (!check) return;

        // The whole network (eval, no grad, same layout and threads) against the LUT's sum of layers.
        output.WriteLine("width  predicted_ms  measured_ms  measured/predicted");
        var space = new PruningSpace(structure, network.GroupWidths, network.BlocksKept);
        int previousThreads = get_num_threads();
        set_num_threads(options.Threads);
        try
        {
            foreach (double ratio in new[] { 1.0, 0.75, 0.5, 0.25 })
            {
                int[] widths = UniformWidth.AtRatio(space, ratio);
                var masks = new PruneMasks(structure, network.GroupWidths, network.BlocksKept);
                foreach (GroupInfo group in structure.PrunableGroups)
                    if (widths[group.Index] < network.GroupWidths[group.Index])
                        masks.KeepUnits(group.Index, Enumerable.Range(0, network.GroupWidths[group.Index]).Select(c => c < widths[group.Index]).ToArray());
                IPrunableNetwork slim = network.Slim(masks);
                using var slimModule = (nn.Module<Tensor, Tensor>)slim;
                double predicted = slim.PredictLatency(table);
                double measured = MeasureNetwork(slimModule, structure, options);
                output.WriteLine(Invariant($"{ratio,-5:F2}  {predicted,12:F2}  {measured,11:F2}  {measured / predicted,18:F3}"));
            }
        }
        finally
        {
            set_num_threads(previousThreads);
        }
    }

    private static double MeasureNetwork(nn.Module<Tensor, Tensor> network, NetworkStructure structure, LatencyProfilerOptions options)
    {
        using var scope = NewDisposeScope();
        using var grad = no_grad();
        network.eval();
        Tensor input = randn([options.Batch, structure.InputChannels, structure.InputSize, structure.InputSize]);
        if (options.MemoryFormat == MemoryFormat.ChannelsLast)
        {
            network.to(MemoryFormat.ChannelsLast);
            input = input.contiguous(MemoryFormat.ChannelsLast);
        }
        var times = new double[options.Repeats];
        for (int i = 0; i < options.Warmup + options.Repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            using (network.forward(input)) { }
            if (i >= options.Warmup) times[i - options.Warmup] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return options.Statistic == LatencyStatistic.Minimum ? times.Min() : Median(times);
    }

    /// <summary>
    /// A LUT shaped like measured CPU tables: a fixed cost per operation, a part proportional to MACs
    /// (to elements for residual sums and copies, at the rate measured ones run), and noise.
    /// </summary>
    private static LatencyTable SyntheticTable(NetworkStructure structure, Random random)
    {
        var key = new LatencyTableKey("synthetic", 2, 128, "none", "channels_last", StructureSignature.Of(structure));
        var table = new LatencyTable(key, structure.Name, new LatencyMeasurement(0, 1, 0, DateTimeOffset.UtcNow));
        foreach (LatencyGrid grid in LatencyModel.Grids(structure))
        {
            LatencyOperation op = LatencyOperation.Of(structure, grid);
            foreach (var (i, o) in grid.Pairs)
            {
                double work = grid.Key.IsElementWise
                    ? 128.0 * o * grid.Key.InputSize * grid.Key.InputSize / 4e6
                    : CostModel.LayerMacs(structure.Layers[grid.Layers[0]], i, o) * 128.0 / 100e6;
                table.Set(op, i, o, (0.02 + work) * (0.95 + 0.1 * random.NextDouble()));
            }
        }
        return table;
    }

    // Exponential channel scores, shared among a group's writers by random weights.
    private static ImportanceScores RandomScores(NetworkStructure structure, Random random, double innerScale)
    {
        var groups = new GroupImportance?[structure.Groups.Count];
        foreach (GroupInfo group in structure.PrunableGroups)
        {
            double scale = group.IsStream ? 1e-3 : 1e-3 * innerScale;
            double[] channels = Enumerable.Range(0, group.Size).Select(_ => -Math.Log(1 - random.NextDouble()) * scale).ToArray();
            double[][] writers = group.Producers.Select(_ => Enumerable.Range(0, group.Size).Select(_ => random.NextDouble()).ToArray()).ToArray();
            groups[group.Index] = new GroupImportance(group, channels, writers);
        }
        return new ImportanceScores(structure, groups);
    }

    private static string CbcVersion()
    {
        try
        {
            var start = new ProcessStartInfo(new CbcOptions().Executable, "-quit") { RedirectStandardOutput = true, UseShellExecute = false };
            using Process process = Process.Start(start)!;
            string text = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return text.Split('\n').FirstOrDefault(l => l.StartsWith("Version:", StringComparison.Ordinal))?[8..].Trim() ?? "?";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not found";
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
