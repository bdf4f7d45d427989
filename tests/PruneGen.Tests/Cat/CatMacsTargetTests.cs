using PruneGen.Gates;
using PruneGen.Methods.Cat;
using PruneGen.Structure;
using PruneGen.Training;
using PruneGen.Zoo;
using static PruneGen.Torch.torch;
using Metrics = PruneGen.Methods.Cat.ComplexityAwareTraining.Metrics;

namespace PruneGen.Tests.Cat;

/// <summary>The MACs target of CAT (<see cref="CatOptions.MacsReduction"/>): the pressure's fade and the budget-keeping rounding.</summary>
[Collection(TorchGlobalState.Name)]
public class CatMacsTargetTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData(0.0, 0.10, 1.0)]
    [InlineData(0.5, 0.90, 1.0)]
    [InlineData(0.5, 0.50, 1.0)]
    [InlineData(0.5, 0.49, 0.5)]
    [InlineData(0.5, 0.48, 0.0)]
    [InlineData(0.5, 0.20, 0.0)]
    public void PressureIsFullAboveTheTargetAndFadesToZeroOverTheBandBelowIt(double reduction, double macsFraction, double expected)
    {
        Assert.Equal(0.02, CatOptions.TargetBand);
        Assert.Equal(expected, new CatOptions { MacsReduction = reduction }.PressureAt(macsFraction), 9);
    }

    [Fact]
    public void MacsReductionIsReadFromItsKeyAndRejectedOutsideItsRange()
    {
        Assert.Equal(0.5, CatOptions.FromValues(new Dictionary<string, double> { ["macs_reduction"] = 0.5 }).MacsReduction);
        Assert.Equal(0.0, new CatOptions().MacsReduction);
        foreach (double bad in new[] { -0.1, 1.0 })
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => CatOptions.FromValues(new Dictionary<string, double> { ["macs_reduction"] = bad }));
            Assert.Contains("macs_reduction", error.Message);
        }
    }

    [Fact]
    public void GammaIsScaledByThePressureAtTheExpectedMacs()
    {
        manual_seed(4);
        using var network = new ResNet20();
        using (no_grad())
            foreach (Gate gate in network.Gates.AllGates) gate.Theta.uniform_(0.1, 1.0);
        NetworkStructure s = ResNet20.Structure;
        double fraction;
        using (NewDisposeScope())
        using (no_grad())
            fraction = network.ExpectedMacs().ToDouble() / CostModel.FullMacs(s);
        float[][] plain = new GateUpdater(new CatOptions { Nu = 2 }, s).Gamma(network);

        // Targets placing the expected MACs above the target, in the middle of the band, and below it.
        foreach ((double target, double scale) in new[] { (fraction - 0.1, 1.0), (fraction + CatOptions.TargetBand / 2, 0.5), (fraction + 0.1, 0.0) })
        {
            var updater = new GateUpdater(new CatOptions { Nu = 2, MacsReduction = 1 - target }, s);
            float[][] gamma = updater.Gamma(network);
            Assert.Equal(scale, updater.LastPressure, 6);
            for (int i = 0; i < gamma.Length; i++)
                for (int u = 0; u < gamma[i].Length; u++)
                    Assert.True(Math.Abs(gamma[i][u] - scale * plain[i][u]) <= 1e-6 + 1e-4 * Math.Abs(plain[i][u]), $"target {target:F3}, gate {i}[{u}]: γ {gamma[i][u]} vs {scale} × {plain[i][u]}");
        }
        Assert.Contains(plain, g => g.Any(v => v > 0));
    }

    /// <summary>
    /// The rounding under a budget keeps the highest-θ structures that fit: it keeps a block below
    /// θ = 0.5 that fits (the plain rounding would drop it) and drops a block above 0.5 that does not.
    /// </summary>
    [Fact]
    public void RoundingWithinABudgetKeepsTheHighestThetaStructuresThatFit()
    {
        using var network = new CatTinyResNet();
        NetworkStructure s = CatTinyResNet.Structure;
        Assert.True(s.RemovableBlocks.Count >= 3, "the tiny network needs three removable blocks");
        Gate[] blocks = network.Gates.Blocks.Cast<Gate>().ToArray();
        double full = CostModel.FullMacs(s);
        double WithoutBlocks(params int[] removed)
        {
            bool[] kept = s.AllBlocksKept();
            foreach (int j in removed) kept[s.RemovableBlocks[j].Index] = false;
            return CostModel.Macs(s, s.FullGroupWidths(), kept);
        }
        bool[] Kept(PruneDecision d) => s.RemovableBlocks.Select(b => d.Masks.BlocksKept()[b.Index]).ToArray();
        var none = new HashSet<string>();

        // θ 0.2 and 0.3 for two blocks, a budget with room for all but one block: only the 0.2 block goes.
        SetBlockThetas(blocks, 0.2f, 0.3f);
        PruneDecision plain = CatPruning.Decide(network, 0.5, inclusive: false, none);
        Assert.Equal(new[] { false, false }, Kept(plain)[..2]);
        PruneDecision fits = CatPruning.DecideWithinMacs(network, WithoutBlocks(0), 1e-3, none);
        Assert.Equal(new[] { false, true }, Kept(fits)[..2]);
        Assert.All(Kept(fits)[2..], Assert.True);
        Assert.Equal(0, fits.UnitsRemoved);

        // θ 0.6 and 0.7: the plain rounding keeps both; a budget without room for one removes the 0.6 block.
        SetBlockThetas(blocks, 0.6f, 0.7f);
        Assert.All(Kept(CatPruning.Decide(network, 0.5, inclusive: false, none)), Assert.True);
        PruneDecision cut = CatPruning.DecideWithinMacs(network, WithoutBlocks(0), 1e-3, none);
        Assert.Equal(new[] { false, true }, Kept(cut)[..2]);
        Assert.True(CostModel.Macs(s, cut.Masks.KeptWidths(), cut.Masks.BlocksKept()) <= WithoutBlocks(0));

        // A budget nothing below θ = 1 can meet: everything below 1 goes, and the result says it is above.
        PruneDecision short_ = CatPruning.DecideWithinMacs(network, 0.01 * full, 1e-3, none);
        Assert.Equal(new[] { false, false }, Kept(short_)[..2]);
        Assert.True(CostModel.Macs(s, short_.Masks.KeptWidths(), short_.Masks.BlocksKept()) > 0.01 * full);
    }

    private static void SetBlockThetas(Gate[] blocks, float first, float second)
    {
        using (no_grad())
        {
            foreach (Gate gate in blocks) gate.Theta.fill_(1.0);
            blocks[0].Theta.fill_(first);
            blocks[1].Theta.fill_(second);
        }
    }

    /// <summary>
    /// With a fixed strong ν the tiny network is pruned far past a wanted level; the same ν with a
    /// target stops at it: the result meets the target and keeps more MACs than the fixed-ν run.
    /// </summary>
    [Fact]
    public void TheTargetStopsAStrongPenaltyAtTheWantedMacs()
    {
        long full = CatTinyResNet.Macs(CatTinyResNet.Widths.Full);
        const double reduction = 0.4;
        long free = Train(new CatOptions { Nu = 4, ThetaLr = 1 });
        long held = Train(new CatOptions { Nu = 4, ThetaLr = 1, MacsReduction = reduction });
        double target = (1 - reduction) * full;
        Assert.True(free < target - 0.1 * full, $"the fixed nu should overshoot the target by more than 10% of the MACs: {free} of {full}");
        Assert.True(held <= target, $"the target run kept {held} MACs, above its target {target:F0}");
        Assert.True(held >= target - 0.1 * full, $"the target run fell more than 10% of the MACs below its target: {held} vs {target:F0}");
    }

    private long Train(CatOptions options)
    {
        TrainingOutcome outcome = CatTestKit.Run(options, epochs: 10);
        using (outcome.Network)
        {
            output.WriteLine($"{options}: MACs {outcome.Network.Macs} of {CatTinyResNet.Macs(CatTinyResNet.Widths.Full)}");
            foreach (EpochMetrics m in outcome.Metrics)
                output.WriteLine($"  epoch {m.Epoch}: E[macs] {m[Metrics.ExpectedMacs]:F0}, det {m[Metrics.DeterministicMacs]}, pressure {m[Metrics.Pressure]:F3}");
            if (options.MacsReduction > 0)
            {
                var facts = Assert.IsType<System.Text.Json.Nodes.JsonObject>(outcome.Facts[ComplexityAwareTraining.FinalFact]);
                Assert.True(facts["macs_target"]!.GetValue<double>() > 0);
            }
            return outcome.Network.Macs;
        }
    }
}
