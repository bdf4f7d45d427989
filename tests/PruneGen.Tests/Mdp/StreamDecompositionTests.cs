using PruneGen.Latency;
using PruneGen.Methods.Mdp;
using PruneGen.Solvers;
using PruneGen.Structure;
using static PruneGen.Tests.Mdp.MdpTestKit;

namespace PruneGen.Tests.Mdp;

/// <summary>The decomposition solver against brute force on the toy, and against CBC on ResNet-20.</summary>
public class StreamDecompositionTests
{
    private static readonly NetworkStructure Toy = ToyResNet.Structure;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheOptimumEqualsBruteForceOnRandomInstances(bool removeBlocks)
    {
        var random = new Random(removeBlocks ? 303 : 404);
        var space = new PruningSpace(Toy, Toy.FullGroupWidths(), Toy.AllBlocksKept());
        int compared = 0, infeasible = 0;
        for (int instance = 0; instance < 6; instance++)
        {
            ImportanceScores scores = RandomScores(Toy, random);
            LatencyTable table = instance % 2 == 0 ? RandomTable(Toy, random) : OverheadTable(Toy, 0.005 + random.NextDouble() * 0.02, 10 + 20 * random.NextDouble());
            StreamDecomposition solver = StreamDecomposition.TryCreate(space, scores, table, removeBlocks)
                ?? throw new InvalidOperationException("the toy must decompose");
            Assert.Equal(Toy.RemovableBlocks.Count, solver.Components);
            double full = LatencyModel.Predict(Toy, Toy.FullGroupWidths(), Toy.AllBlocksKept(), table);
            foreach (double r in new[] { 0.1, 0.3, 0.5, 0.7, 0.9 })
            {
                double budget = (1 - r) * full;
                var (best, _) = BruteForce(Toy, scores, table, budget * (1 - MdpProgram.BudgetMargin), removeBlocks);
                var found = solver.Solve(budget);
                if (best is null)
                {
                    Assert.Null(found);
                    infeasible++;
                    continue;
                }
                string where = $"instance {instance}, r = {r}";
                Assert.True(found is not null, $"{where}: brute force found {best}, the decomposition nothing");
                var (widths, blocks, value) = found.Value;
                Assert.True(Math.Abs(best.Value - value) <= 1e-9 * best.Value, $"{where}: brute force {best}, decomposition {value}");
                Assert.Equal(value, Objective(Toy, scores, widths, blocks), 12);
                Assert.True(LatencyModel.Predict(Toy, widths, blocks, table) <= budget, $"{where}: over the budget");
                if (!removeBlocks) Assert.All(blocks, Assert.True);
                compared++;
            }
        }
        Assert.True(compared >= 12 && infeasible >= 1, $"{compared} feasible and {infeasible} infeasible instances compared");
    }

    [Fact]
    public void OnResNet20ItProvesTheSameOptimumAsCbc()
    {
        NetworkStructure structure = Zoo.ResNet20.Structure;
        var random = new Random(7);
        var space = new PruningSpace(structure, structure.FullGroupWidths(), structure.AllBlocksKept());
        int blocksRemoved = 0;
        for (int instance = 0; instance < 3; instance++)
        {
            // Instance 2: blocks that carry little importance and a large cost per operation, so the optimum removes some.
            ImportanceScores scores = instance == 2 ? WeakBlocks(structure, random) : RandomScores(structure, random);
            LatencyTable table = instance == 2 ? OverheadTable(structure, 0.5, 0.3) : OverheadTable(structure, 0.02, 8 + 4 * random.NextDouble());
            double full = LatencyModel.Predict(structure, structure.FullGroupWidths(), structure.AllBlocksKept(), table);
            StreamDecomposition solver = StreamDecomposition.TryCreate(space, scores, table, removeBlocks: true)!;
            Assert.Equal(structure.PrunableGroups.Where(g => g.IsStream).Aggregate(1L, (a, g) => a * g.ReachableWidths().Count), solver.HubCombinations);
            foreach (double r in new[] { 0.3, 0.6 })
            {
                double budget = (1 - r) * full;
                var (widths, blocks, value) = solver.Solve(budget)!.Value;
                MdpProgram program = MdpProgram.MaximiseImportance(space, scores, table, budget, removeBlocks: true);
                MilpSolution cbc = new CbcSolver(MdpOptions.DefaultCbcOptions).Solve(program.Model);
                Assert.Equal(MilpStatus.Optimal, cbc.Status);
                double cbcValue = cbc.Objective / program.ObjectiveScale;
                Assert.True(Math.Abs(cbcValue - value) <= 1e-7 * value, $"instance {instance}, r = {r}: CBC {cbcValue}, decomposition {value}");
                Assert.Equal(value, MdpProgram.KeptImportance(space, scores, widths, blocks), 9);
                Assert.True(LatencyModel.Predict(structure, widths, blocks, table) <= budget);
                blocksRemoved += blocks.Count(kept => !kept);
            }
        }
        Assert.True(blocksRemoved > 0, "no instance removed a block; the comparison would not cover block variables");
    }

    [Fact]
    public void FromAnAlreadyPrunedStateItProvesTheSameOptimumAsCbc()
    {
        // A second pruning step: one block already gone, a stream and an inner group already narrower.
        NetworkStructure structure = Zoo.ResNet20.Structure;
        int[] widths = structure.FullGroupWidths();
        widths[structure.Group("Stage3").Index] = 48;
        widths[structure.Group("Stage2Block2Conv1").Index] = 20;
        bool[] blocks = structure.AllBlocksKept();
        blocks[structure.RemovableBlocks[3].Index] = false;
        var space = new PruningSpace(structure, widths, blocks);
        var random = new Random(9);
        ImportanceScores scores = RandomScores(structure, random);
        var current = new ImportanceScores(structure, structure.Groups.Select(g => scores.Groups[g.Index] is { } full
            ? new GroupImportance(g, full.Channels.Take(widths[g.Index]).ToArray()) : null).ToArray());
        LatencyTable table = OverheadTable(structure, 0.1, 1);
        double now = LatencyModel.Predict(structure, widths, blocks, table);
        StreamDecomposition solver = StreamDecomposition.TryCreate(space, current, table, removeBlocks: true)!;
        foreach (double r in new[] { 0.2, 0.5 })
        {
            double budget = (1 - r) * now;
            var (w, b, value) = solver.Solve(budget)!.Value;
            MdpProgram program = MdpProgram.MaximiseImportance(space, current, table, budget, removeBlocks: true);
            MilpSolution cbc = new CbcSolver(MdpOptions.DefaultCbcOptions).Solve(program.Model);
            double cbcValue = cbc.Objective / program.ObjectiveScale;
            Assert.True(Math.Abs(cbcValue - value) <= 1e-7 * value, $"r = {r}: CBC {cbcValue}, decomposition {value}");
            Assert.False(b[structure.RemovableBlocks[3].Index]);
            Assert.All(structure.PrunableGroups, g => Assert.True(w[g.Index] <= widths[g.Index]));
            Assert.True(LatencyModel.Predict(structure, w, b, table) <= budget);
        }
    }

    // Inner groups score 1% of the streams, and the streams' importance sits with their first writer.
    private static ImportanceScores WeakBlocks(NetworkStructure structure, Random random)
    {
        var groups = new GroupImportance?[structure.Groups.Count];
        foreach (GroupInfo group in structure.PrunableGroups)
        {
            double scale = group.IsStream ? 1 : 0.01;
            double[] channels = Enumerable.Range(0, group.Size).Select(_ => scale * (0.5 + random.NextDouble())).ToArray();
            double[][] writers = group.Producers.Select((_, w) => Enumerable.Repeat(w == 0 ? 1.0 : 0.01, group.Size).ToArray()).ToArray();
            groups[group.Index] = new GroupImportance(group, channels, writers);
        }
        return new ImportanceScores(structure, groups);
    }

    [Fact]
    public void ResNet56DecomposesIntoItsBlocks()
    {
        var (space, scores, table) = FullWidthInstance(Zoo.ResNet56.Structure, seed: 1);
        StreamDecomposition? solver = StreamDecomposition.TryCreate(space, scores, table, removeBlocks: true);
        // ResNet-56's three streams have few widths: it decomposes into its 27 blocks.
        Assert.NotNull(solver);
        Assert.Equal(27, solver.Components);
        Assert.True(solver.HubCombinations <= StreamDecomposition.MaxHubCombinations);
    }

    [Fact]
    public void APlainChainDoesNotDecomposeAndAskingForTheDecompositionSaysSo()
    {
        NetworkStructure structure = Zoo.VggSmall.Structure;
        var (space, scores, table) = FullWidthInstance(structure, seed: 2);
        // Without streams every conv links two decisions: one component of all groups, far over the limit.
        Assert.Null(StreamDecomposition.TryCreate(space, scores, table, removeBlocks: true));
        var error = Assert.Throws<MilpSolverException>(() => MdpPruner.Solve(structure, structure.FullGroupWidths(), structure.AllBlocksKept(), scores, table,
            new MdpOptions { LatencyReduction = 0.5, Search = MdpSearch.Decomposition }));
        Assert.Contains("does not decompose", error.Message);
        Assert.Contains("VggSmall", error.Message);
    }

    private static (PruningSpace Space, ImportanceScores Scores, LatencyTable Table) FullWidthInstance(NetworkStructure structure, int seed) =>
        (new PruningSpace(structure, structure.FullGroupWidths(), structure.AllBlocksKept()), RandomScores(structure, new Random(seed)), OverheadTable(structure, 0.02, 10));
}
