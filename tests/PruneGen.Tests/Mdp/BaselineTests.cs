using PruneGen.Latency;
using PruneGen.Methods.Mdp;
using PruneGen.Structure;
using static PruneGen.Tests.Mdp.MdpTestKit;
using PruneGen.Zoo;

namespace PruneGen.Tests.Mdp;

/// <summary>The HALP-style and uniform-width baselines: within budget, in the same space as MDP, never better than its optimum.</summary>
public class BaselineTests
{
    private static readonly NetworkStructure Toy = ToyResNet.Structure;

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.6)]
    public void HalpStaysWithinTheBudgetKeepsBlocksAndNeverBeatsTheExactChannelOptimum(double r)
    {
        var random = new Random(21);
        ImportanceScores scores = RandomScores(Toy, random);
        LatencyTable table = OverheadTable(Toy, 0.01, 20);
        var log = new List<string>();

        PruningPlan halp = HalpPruner.Prune(Toy, Toy.FullGroupWidths(), Toy.AllBlocksKept(), scores, table, new HalpOptions { LatencyReduction = r, Steps = 3, Log = log.Add });
        MdpResult exact = MdpPruner.Solve(Toy, Toy.FullGroupWidths(), Toy.AllBlocksKept(), scores, table, new MdpOptions { LatencyReduction = r, RemoveBlocks = false });

        Assert.Equal("halp", halp.Method);
        Assert.True(halp.PredictedLatencyMs <= halp.BudgetMs, $"{halp.PredictedLatencyMs} > {halp.BudgetMs}");
        Assert.All(halp.BlocksKept, Assert.True);
        Assert.True(halp.KeptImportance <= exact.KeptImportance * (1 + 1e-12));
        Assert.Equal(Objective(Toy, scores, halp.GroupWidths, halp.BlocksKept), halp.KeptImportance, 12);
        Assert.All(Toy.PrunableGroups, g => Assert.True(g.IsReachable(halp.GroupWidths[g.Index])));
        Assert.Equal(3, log.Count(l => l.StartsWith("halp step", StringComparison.Ordinal)));
    }

    [Fact]
    public void HalpReachesABudgetNearTheFloorByHalvingAStepItsFrozenInputsCannotTake()
    {
        var random = new Random(23);
        ImportanceScores scores = RandomScores(Toy, random);
        LatencyTable table = OverheadTable(Toy, 0.01, 20);
        double smallest = BruteForce(Toy, scores, table, double.PositiveInfinity, removeBlocks: false).Smallest;
        double budget = smallest * 1.05;
        int[] full = Toy.FullGroupWidths();
        bool[] blocks = Toy.AllBlocksKept();
        // One step straight from full width cannot reach it: its inputs stay at full width.
        Assert.Throws<InfeasibleLatencyBudgetException>(() => HalpPruner.Step(Toy, full, blocks, (g, w) => scores[g].Kept(w), table, budget));

        var log = new List<string>();
        PruningPlan halp = HalpPruner.Prune(Toy, full, blocks, scores, table, new HalpOptions { BudgetMs = budget, Steps = 3, Log = log.Add });

        Assert.True(halp.PredictedLatencyMs <= budget, $"{halp.PredictedLatencyMs} > {budget}");
        Assert.Empty(halp.Warnings);
        Assert.InRange(log.Count(l => l.StartsWith("halp step", StringComparison.Ordinal)), 3, 6);
    }

    [Fact]
    public void AHalpStepChargesEachLayerAtItsFrozenInputWidth()
    {
        // One step from full width to a target that only the frozen-input estimate decides: the chosen
        // widths' estimate (inputs at full width) fits the target, and the step is the knapsack optimum
        // among all width choices whose estimate fits.
        var random = new Random(22);
        ImportanceScores scores = RandomScores(Toy, random);
        LatencyTable table = RandomTable(Toy, random);
        int[] full = Toy.FullGroupWidths();
        bool[] blocks = Toy.AllBlocksKept();
        // Element-wise terms (residual sums) read and write one group: their width is the group's own.
        double Estimate(int[] widths) => LatencyModel.Terms(Toy).Where(t => t.IsPresent(blocks)).Sum(t =>
            table.GetLatency(t.Key, t.Key.Depthwise ? widths[t.OutputGroup] : full[t.InputGroup], widths[t.OutputGroup]));
        double Value(int[] widths) => Toy.PrunableGroups.Sum(g => scores[g.Index].Kept(widths[g.Index]));
        // Halfway between the smallest estimate any widths reach and the full network's.
        double target = (AllStructures(Toy, removeBlocks: false).Min(s => Estimate(s.Widths)) + Estimate(full)) / 2;

        int[] step = HalpPruner.Step(Toy, full, blocks, (g, w) => scores[g].Kept(w), table, target);

        double best = AllStructures(Toy, removeBlocks: false).Where(s => Estimate(s.Widths) <= target).Max(s => Value(s.Widths));
        Assert.True(Estimate(step) <= target);
        Assert.Equal(best, Value(step), 12);
    }

    [Fact]
    public void UniformWidthTakesTheLargestRatioWithinTheBudget()
    {
        var random = new Random(23);
        ImportanceScores scores = RandomScores(Toy, random);
        LatencyTable table = OverheadTable(Toy, 0.01, 20);
        var space = new PruningSpace(Toy, Toy.FullGroupWidths(), Toy.AllBlocksKept());

        PruningPlan uniform = UniformWidth.ForReduction(Toy, Toy.FullGroupWidths(), Toy.AllBlocksKept(), table, 0.5, scores);
        MdpResult exact = MdpPruner.Solve(Toy, Toy.FullGroupWidths(), Toy.AllBlocksKept(), scores, table, new MdpOptions { LatencyReduction = 0.5, RemoveBlocks = false });

        Assert.True(uniform.PredictedLatencyMs <= uniform.BudgetMs);
        // Every prunable group of the toy is 8 wide with step 2: one width for all of them.
        Assert.Single(Toy.PrunableGroups.Select(g => uniform.GroupWidths[g.Index]).Distinct());
        int width = uniform.GroupWidths[Toy.PrunableGroups[0].Index];
        if (width < 8)
        {
            int[] wider = UniformWidth.AtRatio(space, (width + 2) / 8.0);
            Assert.True(LatencyModel.Predict(Toy, wider, Toy.AllBlocksKept(), table) > uniform.BudgetMs);
        }
        Assert.True(uniform.KeptImportance <= exact.KeptImportance * (1 + 1e-12));
    }

    [Fact]
    public void UniformWidthRoundsDownToTheStepAndNotBelowTheMinimum()
    {
        NetworkStructure resnet = PruneGen.Zoo.ResNet20.Structure;
        var space = new PruningSpace(resnet, resnet.FullGroupWidths(), resnet.AllBlocksKept());

        int[] half = UniformWidth.AtRatio(space, 0.5);
        int[] tiny = UniformWidth.AtRatio(space, 0.01);
        int[] odd = UniformWidth.AtRatio(space, 0.3);

        Assert.Equal(8, half[resnet.Group("Stage1").Index]);
        Assert.Equal(32, half[resnet.Group("Stage3").Index]);
        Assert.Equal(4, tiny[resnet.Group("Stage3").Index]);
        Assert.Equal(16, odd[resnet.Group("Stage3").Index]); // 0.3 x 64 = 19.2 -> 16
        Assert.Equal(1, half[resnet.Group("Input").Index]);
    }
}
