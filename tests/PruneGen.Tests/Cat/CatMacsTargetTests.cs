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
            fraction = network.ExpectedMacs().ToDouble() / CostModel.Macs(s, s.FullGroupWidths(), s.AllBlocksKept());
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
