using PruneGen.Latency;
using PruneGen.Methods.Mdp;
using PruneGen.Solvers;
using PruneGen.Structure;
using static PruneGen.Tests.Mdp.MdpTestKit;

namespace PruneGen.Tests.Mdp;

/// <summary>MDP's integer program solved by CBC against exhaustive search, budgets, block removal, infeasibility and time limits.</summary>
public class MdpPrunerTests
{
    private static readonly NetworkStructure Toy = ToyResNet.Structure;

    [Fact]
    public void TheToyIsTheSizeTheBruteForceChecksAreMeantFor()
    {
        Assert.Equal(3, Toy.PrunableGroups.Count);
        Assert.All(Toy.PrunableGroups, g => Assert.Equal(4, g.ReachableWidths().Count));
        Assert.Equal(2, Toy.RemovableBlocks.Count);
        // Every kind of latency term the program linearises: layers and sums that go with their block,
        // and the first block's relu copy, which costs only while that block is removed (the second
        // block's input is the first one's ReLU output, so it passes its input on for free).
        IReadOnlyList<LatencyTerm> terms = LatencyModel.Terms(Toy);
        Assert.Equal(2, terms.Count(t => t.Key.Kind == LatencyKind.ResidualSumRelu && t.Block >= 0));
        LatencyTerm copy = Assert.Single(terms, t => t.WhileRemoved);
        Assert.Equal((LatencyKind.ReluCopy, Toy.RemovableBlocks[0].Index), (copy.Key.Kind, copy.Block));
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public void TheOptimumEqualsBruteForceOnRandomInstances(bool removeBlocks, bool strengthen)
    {
        var random = new Random((removeBlocks ? 101 : 202) + (strengthen ? 0 : 7));
        int compared = 0;
        for (int instance = 0; instance < 4; instance++)
        {
            ImportanceScores scores = RandomScores(Toy, random);
            LatencyTable table = instance % 2 == 0 ? RandomTable(Toy, random) : OverheadTable(Toy, 0.005 + random.NextDouble() * 0.02, 10 + 20 * random.NextDouble());
            double full = LatencyModel.Predict(Toy, Toy.FullGroupWidths(), Toy.AllBlocksKept(), table);
            foreach (double r in new[] { 0.15, 0.3, 0.5, 0.7 })
            {
                double budget = (1 - r) * full;
                var (best, smallest) = BruteForce(Toy, scores, table, budget, removeBlocks);
                var options = new MdpOptions { LatencyReduction = r, RemoveBlocks = removeBlocks, StrengthenLinearisation = strengthen, Search = MdpSearch.Cbc };
                if (best is null)
                {
                    var error = Assert.Throws<InfeasibleLatencyBudgetException>(() =>
                        MdpPruner.Solve(Toy, Toy.FullGroupWidths(), Toy.AllBlocksKept(), scores, table, options));
                    Assert.Equal(smallest, error.SmallestReachableMs, 9);
                    continue;
                }
                MdpResult result = MdpPruner.Solve(Toy, Toy.FullGroupWidths(), Toy.AllBlocksKept(), scores, table, options);

                string where = $"instance {instance}, r = {r}";
                Assert.Equal(MilpStatus.Optimal, result.Status);
                Assert.True(Math.Abs(best.Value - result.KeptImportance) <= 1e-9 * best.Value, $"{where}: brute force {best}, MDP {result.KeptImportance}");
                Assert.Equal(result.KeptImportance, Objective(Toy, scores, result.GroupWidths, result.BlocksKept), 12);
                Assert.True(result.PredictedLatencyMs <= budget, $"{where}: LUT latency {result.PredictedLatencyMs} above the budget {budget}");
                Assert.Equal(LatencyModel.Predict(Toy, result.GroupWidths, result.BlocksKept, table), result.PredictedLatencyMs);
                Assert.Equal(budget, result.BudgetMs, 12);
                Assert.Empty(result.Warnings);
                if (!removeBlocks) Assert.All(result.BlocksKept, Assert.True);
                compared++;
            }
        }
        Assert.True(compared >= 6, $"only {compared} feasible instances were compared");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EveryStructureIsAFeasiblePointOfTheProgramWithItsImportanceAndLutLatency(bool strengthen)
    {
        // The linearisation is exact at integer points: each structure, with every product variable at
        // its product, satisfies all rows (the strengthening equalities included), and the objective and
        // latency rows evaluate to the structure's importance and LUT latency.
        var random = new Random(9);
        ImportanceScores scores = RandomScores(Toy, random);
        LatencyTable table = RandomTable(Toy, random);
        var space = new PruningSpace(Toy, Toy.FullGroupWidths(), Toy.AllBlocksKept());
        MdpProgram program = MdpProgram.MaximiseImportance(space, scores, table, budgetMs: 1e9, removeBlocks: true, strengthen);

        foreach (var (widths, blocks) in AllStructures(Toy, removeBlocks: true))
        {
            double[] point = program.PointOf(widths, blocks);
            Assert.True(program.Model.IsFeasible(point), $"{string.Join(",", widths)} / {string.Join(",", blocks)} violates a row");
            Assert.Equal(Objective(Toy, scores, widths, blocks), program.Model.EvaluateObjective(point) / program.ObjectiveScale, 12);
            Assert.Equal(LatencyModel.Predict(Toy, widths, blocks, table), program.Latency.Evaluate(point) + program.FixedLatency, 9);
        }
        Assert.Equal(strengthen, program.Strengthened);
    }

    [Fact]
    public void AtHighReductionBlocksGoWhenAllowedAndTheChannelOnlyVariantSaysWhatItCanReach()
    {
        // Each operation costs 0.2 ms whatever its width, so thinning alone cannot go below 6 layers and
        // 2 residual sums x 0.2 ms; removing both blocks reaches r = 0.66.
        var random = new Random(3);
        ImportanceScores scores = RandomScores(Toy, random);
        LatencyTable table = OverheadTable(Toy, overheadMs: 0.2, msPerMegaMac: 2);
        const double r = 0.6;

        MdpResult joint = MdpPruner.Solve(Toy, Toy.FullGroupWidths(), Toy.AllBlocksKept(), scores, table, new MdpOptions { LatencyReduction = r });
        var channelsOnly = Assert.Throws<InfeasibleLatencyBudgetException>(() =>
            MdpPruner.Solve(Toy, Toy.FullGroupWidths(), Toy.AllBlocksKept(), scores, table, new MdpOptions { LatencyReduction = r, RemoveBlocks = false }));

        Assert.True(joint.BlocksRemoved(Toy.AllBlocksKept()) >= 1, "no block was removed at r = 0.6");
        Assert.True(joint.PredictedLatencyMs <= joint.BudgetMs);
        Assert.Equal(BruteForce(Toy, scores, table, double.PositiveInfinity, removeBlocks: false).Smallest, channelsOnly.SmallestReachableMs, 9);
        Assert.True(channelsOnly.SmallestReachableMs > channelsOnly.BudgetMs);
        Assert.Contains("smallest latency", channelsOnly.Message);
        Assert.Contains("channel-only", channelsOnly.Message);
    }

    [Theory]
    [InlineData(MdpSearch.Auto)]
    [InlineData(MdpSearch.Cbc)]
    public void AnUnreachableBudgetNamesTheSmallestReachableLatency(MdpSearch search)
    {
        var random = new Random(4);
        ImportanceScores scores = RandomScores(Toy, random);
        LatencyTable table = OverheadTable(Toy, 0.1, 1);
        double smallest = BruteForce(Toy, scores, table, double.PositiveInfinity, removeBlocks: true).Smallest;

        var error = Assert.Throws<InfeasibleLatencyBudgetException>(() =>
            MdpPruner.Solve(Toy, Toy.FullGroupWidths(), Toy.AllBlocksKept(), scores, table, new MdpOptions { BudgetMs = smallest * 0.9, Search = search }));

        Assert.Equal(smallest, error.SmallestReachableMs, 9);
        Assert.Contains($"{smallest:G6} ms", error.Message);
        Assert.Contains("largest reachable reduction", error.Message);
    }

    [Fact]
    public void AStopAtTheTimeLimitReturnsTheStructureWithAWarning()
    {
        var random = new Random(6);
        ImportanceScores scores = RandomScores(Toy, random);
        LatencyTable table = OverheadTable(Toy, 0.1, 1);
        var log = new List<string>();
        var options = new MdpOptions { LatencyReduction = 0.5, Solver = new StoppedAtTimeLimit(), Search = MdpSearch.Cbc, Log = log.Add };

        MdpResult result = MdpPruner.Solve(Toy, Toy.FullGroupWidths(), Toy.AllBlocksKept(), scores, table, options);

        Assert.Equal(MilpStatus.TimeLimit, result.Status);
        Assert.True(result.PredictedLatencyMs <= result.BudgetMs);
        string warning = Assert.Single(result.Warnings);
        Assert.Contains("time limit", warning);
        Assert.Contains("not a proven optimum", warning);
        Assert.Contains(log, l => l.StartsWith("warning:", StringComparison.Ordinal));
    }

    [Fact]
    public void TheResultBecomesMasksThatSlimTheNetworkToThePredictedLatency()
    {
        var random = new Random(8);
        using var module = new ToyResNet();
        IPrunableNetwork network = module;
        ImportanceScores scores = RandomScores(Toy, random);
        LatencyTable table = OverheadTable(Toy, 0.01, 20);
        MdpResult result = MdpPruner.Solve(network, scores, table, new MdpOptions { LatencyReduction = 0.6 });

        PruneMasks masks = scores.ToMasks(network.GroupWidths, network.BlocksKept, result.GroupWidths, result.BlocksKept);
        IPrunableNetwork slim = network.Slim(masks);
        try
        {
            Assert.Equal(result.BlocksKept, slim.BlocksKept);
            foreach (GroupInfo group in Toy.PrunableGroups)
                if (group.Producers.Any(p => CostModel.IsPresent(Toy.Layers[p], result.BlocksKept)))
                    Assert.Equal(result.GroupWidths[group.Index], slim.GroupWidths[group.Index]);
            Assert.Equal(result.PredictedLatencyMs, slim.PredictLatency(table), 12);
            // The kept channels are each group's most important ones.
            foreach (GroupInfo group in Toy.PrunableGroups)
            {
                if (masks.KeptIndices(group.Index) is not { } kept) continue;
                double least = kept.Min(c => scores[group.Index].Channels[(int)c]);
                double bestDropped = Enumerable.Range(0, group.Size).Where(c => !kept.Contains(c)).Max(c => scores[group.Index].Channels[c]);
                Assert.True(least >= bestDropped);
            }
        }
        finally
        {
            (slim as IDisposable)?.Dispose();
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheGreedyStartIsFeasibleAndTheWarmStartedSolveReachesTheSameOptimum(bool removeBlocks)
    {
        NetworkStructure s = PruneGen.Zoo.ResNet20.Structure;
        var random = new Random(removeBlocks ? 5 : 6);
        ImportanceScores scores = RandomScores(s, random);
        LatencyTable table = OverheadTable(s, 0.02, 1.28);
        var space = new PruningSpace(s, s.FullGroupWidths(), s.AllBlocksKept());
        double full = LatencyModel.Predict(s, s.FullGroupWidths(), s.AllBlocksKept(), table);
        foreach (double r in new[] { 0.3, 0.6 })
        {
            double budget = (1 - r) * full;
            var start = GreedyStart.Find(space, scores, table, budget, removeBlocks);
            Assert.NotNull(start);
            Assert.True(LatencyModel.Predict(s, start.Value.GroupWidths, start.Value.BlocksKept, table) <= budget * (1 - MdpProgram.BudgetMargin));
            if (!removeBlocks) Assert.All(start.Value.BlocksKept, Assert.True);
            // The start is a point of the program (SetStart checks feasibility) ...
            MdpProgram program = MdpProgram.MaximiseImportance(space, scores, table, budget, removeBlocks);
            program.Model.SetStart(program.PointOf(start.Value.GroupWidths, start.Value.BlocksKept));
            // ... and never changes the optimum, only how fast CBC proves it.
            MdpResult warm = MdpPruner.Solve(s, s.FullGroupWidths(), s.AllBlocksKept(), scores, table, new MdpOptions { LatencyReduction = r, RemoveBlocks = removeBlocks, Search = MdpSearch.Cbc });
            MdpResult cold = MdpPruner.Solve(s, s.FullGroupWidths(), s.AllBlocksKept(), scores, table, new MdpOptions { LatencyReduction = r, RemoveBlocks = removeBlocks, WarmStart = false, Search = MdpSearch.Cbc });
            Assert.Equal(MilpStatus.Optimal, warm.Status);
            Assert.Equal(cold.KeptImportance, warm.KeptImportance, 9);
            Assert.True(warm.KeptImportance >= MdpProgram.KeptImportance(space, scores, start.Value.GroupWidths, start.Value.BlocksKept) - 1e-12);
        }
    }

    [Fact]
    public void AnInfeasibleStartIsRefused()
    {
        var model = new MilpModel();
        Variable x = model.AddBinary("x");
        model.AddConstraint("x <= 0", new LinearExpression().Add(x, 1), ConstraintSense.LessOrEqual, 0);
        Assert.Throws<ArgumentException>(() => model.SetStart([1.0]));
        model.SetStart([0.0]);
        Assert.Equal([0.0], model.Start);
    }

    [Fact]
    public void ChunkImportanceIsTheImportanceOfTheTopChunks()
    {
        GroupInfo group = Toy.PrunableGroups[0];
        var importance = new GroupImportance(group, [0.1, 0.8, 0.3, 0.3, 0.05, 0.6, 0.2, 0.9]);
        // Ranked: 0.9, 0.8, 0.6, 0.3, 0.3, 0.2, 0.1, 0.05; chunks of 2.
        double[] chunks = importance.ChunkImportance();
        Assert.Equal(4, chunks.Length);
        Assert.Equal(1.7, chunks[0], 12);
        Assert.Equal(1.7 + 0.9, chunks[1], 12);
        Assert.Equal(1.7 + 0.9 + 0.5, chunks[2], 12);
        Assert.Equal(3.25, chunks[3], 12);
        Assert.Equal([false, true, false, false, false, true, false, true], importance.KeepMask(3));
        // Ties keep the lower channel index first.
        Assert.Equal([false, true, true, false, false, true, false, true], importance.KeepMask(4));
    }

    [Fact]
    public void WritersShareAGroupsImportanceByTheirWeights()
    {
        GroupInfo stream = Toy.PrunableGroups.First(g => g.Producers.Count > 1);
        double[] channels = Enumerable.Range(0, stream.Size).Select(c => 1.0 + c).ToArray();
        // Writer 0 carries every channel alone except channel 0, which all writers share equally (all-zero weights).
        double[][] weights = stream.Producers.Select((_, w) => Enumerable.Range(0, stream.Size).Select(c => c == 0 ? 0.0 : w == 0 ? 1.0 : 0.0).ToArray()).ToArray();
        var importance = new GroupImportance(stream, channels, weights);
        int n = stream.Producers.Count;
        // The top channel is the last (largest importance), carried by writer 0 alone.
        Assert.Equal(stream.Size, importance.WriterKept(0, 1));
        Assert.Equal(0, importance.WriterKept(1, 1));
        // All channels: channel 0 (importance 1) splits equally.
        Assert.Equal(importance.Kept(stream.Size) - 1 + 1.0 / n, importance.WriterKept(0, stream.Size), 12);
        Assert.Equal(1.0 / n, importance.WriterKept(n - 1, stream.Size), 12);
        // No weights: equal shares.
        var equal = new GroupImportance(stream, channels);
        Assert.Equal(importance.Kept(3) / n, equal.WriterKept(1, 3), 12);
        Assert.Throws<ArgumentException>(() => new GroupImportance(stream, channels, weights[..1]));
    }

    [Fact]
    public void RemovingABlockCostsItsShareOfTheStreamItWrites()
    {
        ImportanceScores scores = MdpTestKit.RandomScores(Toy, new Random(5));
        var space = new PruningSpace(Toy, Toy.FullGroupWidths(), Toy.AllBlocksKept());
        BlockInfo block = Toy.RemovableBlocks.First();
        bool[] without = Toy.AllBlocksKept();
        without[block.Index] = false;
        int[] widths = Toy.FullGroupWidths();
        double lost = MdpProgram.KeptImportance(space, scores, widths, Toy.AllBlocksKept()) - MdpProgram.KeptImportance(space, scores, widths, without);

        GroupInfo stream = Toy.Groups[block.OutputGroup];
        int writer = stream.Producers.ToList().FindIndex(p => Toy.Layers[p].Block == block.Index && !Toy.Layers[p].IsProjection);
        double own = Toy.PrunableGroups.Where(g => space.OwnerBlock(g.Index) == block.Index).Sum(g => scores[g.Index].Kept(widths[g.Index]));
        Assert.True(writer >= 0 && own > 0);
        Assert.Equal(own + scores[stream.Index].WriterKept(writer, widths[stream.Index]), lost, 12);
    }

    /// <summary>CBC's real solve relabelled as stopped by the time limit, to check how the pruner treats that ending.</summary>
    private sealed class StoppedAtTimeLimit : IMilpSolver
    {
        public TimeSpan? TimeLimit => TimeSpan.FromSeconds(0.5);

        public MilpSolution Solve(MilpModel model)
        {
            MilpSolution solved = new CbcSolver().Solve(model);
            return solved with { Status = MilpStatus.TimeLimit, BestBound = solved.Objective * 1.01, StatusText = "Stopped on time - objective value" };
        }
    }
}
