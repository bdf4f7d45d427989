using PruneGen.Training;
using PruneGen.Gates;
using PruneGen.Methods.Cat;
using PruneGen.Structure;
using PruneGen.Tests.Networks;
using static PruneGen.Torch.torch;
using static PruneGen.Tests.Networks.NetworkTestKit;
using PruneGen.Zoo;

namespace PruneGen.Tests.Cat;

/// <summary>
/// Checks of METHODS.md §1 without training: γ, slimming by θ, pruning rules, momentum carry-over.
/// (The Monte-Carlo check of the closed-form expectations lives with the structure tests:
/// ResNet20Tests.MonteCarloMeanOfSampledCostsIsWithinOnePercentOfTheExpectation.)
/// </summary>
[Collection(TorchGlobalState.Name)]
public class CatGateTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void GammaAtAlphaHalfIsTheGradientOfNuTimesComplexity()
    {
        manual_seed(4);
        using var network = new ResNet20();
        using var scope = NewDisposeScope();
        using (no_grad())
            foreach (Gate gate in network.Gates.AllGates) gate.Theta.uniform_(0.1, 1.0);
        const double nu = 3.0;
        var updater = new GateUpdater(new CatOptions { Nu = nu, Alpha = 0.5, Beta = 0.3 }, ResNet20.Structure);
        float[][] gamma = updater.Gamma(network);

        // Autograd of ν·C, computed here on its own.
        Tensor c = updater.Complexity(network) * nu;
        c.backward();
        Gate[] gates = network.Gates.AllGates.ToArray();
        for (int i = 0; i < gates.Length; i++)
        {
            float[] reference = gates[i].Theta.grad!.data<float>();
            for (int u = 0; u < reference.Length; u++)
                Assert.True(Math.Abs(reference[u] - gamma[i][u]) <= 1e-6 + 1e-4 * Math.Abs(reference[u]), $"{gates[i].Name}[{u}]: γ {gamma[i][u]} vs autograd {reference[u]}");
        }

        // Independent of autograd: C is multilinear in θ, so ∂C/∂θ_u = C(θ_u = 1) − C(θ_u = 0).
        foreach ((Gate gate, int i) in new[] { (gates[0], 0), (gates[1], 1), (gates[^1], gates.Length - 1) })
        {
            using (no_grad())
            {
                float saved = gate.Theta.data<float>()[0];
                SetTheta(gate, 0, 1.0f);
                double high = updater.Complexity(network).ToDouble();
                SetTheta(gate, 0, 0.0f);
                double low = updater.Complexity(network).ToDouble();
                SetTheta(gate, 0, saved);
                Assert.Equal(nu * (high - low), gamma[i][0], 1e-4 * Math.Abs(nu * (high - low)) + 1e-7);
            }
        }
    }

    [Fact]
    public void GammaSplitsBetweenUnitsAndBlocksByAlpha()
    {
        using var network = new ResNet20();
        var half = new GateUpdater(new CatOptions { Nu = 1, Alpha = 0.5 }, ResNet20.Structure).Gamma(network);
        var blocky = new GateUpdater(new CatOptions { Nu = 1, Alpha = 0.8 }, ResNet20.Structure).Gamma(network);
        int units = network.Gates.Units.Count;
        Assert.Equal(2 * 0.2 * half[0][0], blocky[0][0], 1e-6);
        Assert.Equal(2 * 0.8 * half[units][0], blocky[units][0], 1e-6);
    }

    public static TheoryData<string> Networks => new() { nameof(ResNet20), nameof(TinyBottleneckNet), nameof(CatTinyResNet) };

    [Theory]
    [MemberData(nameof(Networks))]
    public void NetworkSlimmedByRoundedThetaComputesWhatTheHardGatedNetworkComputes(string name)
    {
        for (int trial = 0; trial < 3; trial++)
        {
            manual_seed(50 + trial);
            (nn.Module<Tensor, Tensor> module, IPrunableNetwork network, long[] shape) = name switch
            {
                nameof(ResNet20) => Pair(new ResNet20(), [3, 1, 28, 28]),
                nameof(TinyBottleneckNet) => Pair(new TinyBottleneckNet(), [3, 2, 12, 12]),
                _ => Pair(new CatTinyResNet(), [3, 1, 8, 8]),
            };
            using var full = module;
            RandomizeBatchNorm(full);
            full.eval();
            using var scope = NewDisposeScope();
            using (no_grad())
                foreach (Gate gate in network.Gates.AllGates)
                {
                    // θ near 0 or 1, as after training; a few units of every group survive.
                    gate.Theta.uniform_(0, 1);
                    gate.Theta.copy_(gate.Theta.gt(0.35).to(ScalarType.Float32) * 0.98 + 0.01);
                }
            Tensor input = randn(shape);
            network.Gates.Mode = GateMode.Hard;
            Tensor masked = full.forward(input);

            var pinned = new HashSet<string>();
            PruneDecision decision = CatPruning.Decide(network, 0.5, inclusive: false, pinned);
            Assert.Empty(decision.NewlyPinned);
            IPrunableNetwork slimNetwork = CatPruning.Slim(network, decision);
            using var slim = (nn.Module<Tensor, Tensor>)slimNetwork;
            slim.eval();
            Assert.True(slimNetwork.Macs() < network.Macs());
            Tensor slimmed = slim.forward(input);
            double difference = MaxAbsDifference(masked, slimmed);
            output.WriteLine($"{name} trial {trial}: removed {decision.UnitsRemoved} units, {decision.BlocksRemoved} blocks; MACs {slimNetwork.Macs()} of {network.Macs()}; max diff {difference:E2}");
            Assert.True(difference < 1e-4, $"{name}: max |hard-gated - slim| = {difference}");
        }
    }

    /// <summary>
    /// theta_on: θ at or above the threshold gives ξ = 1 for every example, θ below it is still drawn,
    /// and the certain ξ still get their per-example derivative (the θ step reads it); block gates are
    /// sampled whatever their θ.
    /// </summary>
    [Theory, InlineData(0.9, true), InlineData(1.0, false)]
    public void GatesAtOrAboveThetaOnAreOnForEveryExampleAndKeepTheirDerivative(double thetaOn, bool certain)
    {
        manual_seed(11);
        using var network = new ResNet20();
        using var scope = NewDisposeScope();
        UnitGate gate = network.Gates.Units[0];
        using (no_grad())
        {
            float[] theta = Enumerable.Range(0, gate.Size).Select(u => u < gate.Size / 2 ? 0.95f : 0.8f).ToArray();
            using Tensor values = tensor(theta);
            gate.Theta.copy_(values);
            network.Gates.Blocks[0].Theta.fill_(0.92);
        }
        network.Gates.Mode = GateMode.Sample;
        network.Gates.UnitsCertainAbove = thetaOn;
        Tensor logits = network.call(randn(256, 1, 28, 28));
        logits.square().sum().backward();

        int half = gate.Size / 2;
        float[,] xi = ToMatrix(gate.LastSample!);
        float[,] gradient = ToMatrix(gate.LastSample!.grad!);
        int offHigh = 0, offLow = 0;
        double gradientHigh = 0;
        for (int n = 0; n < xi.GetLength(0); n++)
            for (int u = 0; u < gate.Size; u++)
            {
                if (u < half) { offHigh += xi[n, u] == 0 ? 1 : 0; gradientHigh += Math.Abs(gradient[n, u]); }
                else offLow += xi[n, u] == 0 ? 1 : 0;
            }
        output.WriteLine($"theta_on {thetaOn}: units at 0.95 off {offHigh} times, units at 0.8 off {offLow} times (of {256 * half} each)");
        // 256 examples x 8 units: P(no zero at all) is 0.95^2048 at θ = 0.95; the block at 0.92: 0.92^256 ≈ 5e-10.
        if (certain) Assert.Equal(0, offHigh);
        else Assert.True(offHigh > 0);
        Assert.True(offLow > 0);
        float[,] block = ToMatrix(network.Gates.Blocks[0].LastSample!);
        Assert.Contains(0f, block.Cast<float>());
        Assert.True(gradientHigh > 0, "the always-on gates must still record ∂loss/∂ξ");
        Assert.Throws<ArgumentOutOfRangeException>(() => network.Gates.UnitsCertainAbove = 0.5);
    }

    [Fact]
    public void ThetaOnIsReadFromItsKeyAndRejectedOutsideItsRange()
    {
        Assert.Equal(0.9, CatOptions.FromValues(new Dictionary<string, double> { ["theta_on"] = 0.9 }).ThetaOn);
        Assert.Equal(1.0, new CatOptions().ThetaOn);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CatOptions.FromValues(new Dictionary<string, double> { ["theta_on"] = 0.4 }));
        Assert.Contains("theta_on", error.Message);
        var unknown = Assert.Throws<ArgumentException>(() => CatOptions.FromValues(new Dictionary<string, double> { ["theta_of"] = 0.9 }));
        Assert.Contains("theta_on", unknown.Message);
    }

    private static float[,] ToMatrix(Tensor t)
    {
        float[] flat = t.detach().cpu().data<float>().ToArray();
        int rows = (int)t.shape[0], columns = (int)t.shape[1];
        var matrix = new float[rows, columns];
        for (int i = 0; i < flat.Length; i++) matrix[i / columns, i % columns] = flat[i];
        return matrix;
    }

    private static void SetTheta(Gate gate, int unit, float value)
    {
        float[] values = gate.Theta.data<float>().ToArray();
        values[unit] = value;
        using Tensor t = tensor(values);
        using (no_grad()) gate.Theta.copy_(t);
    }

    private static (nn.Module<Tensor, Tensor>, IPrunableNetwork, long[]) Pair<T>(T network, long[] shape) where T : nn.Module<Tensor, Tensor>, IPrunableNetwork =>
        (network, network, shape);

    [Fact]
    public void SecantEstimateAddsHalfTheSquaredPerExampleDerivativeTowardsTheOtherGateValue()
    {
        using var scope = NewDisposeScope();
        // Two examples; the unit is on in the first, off in the second. Gradients are of the batch mean,
        // so the per-example derivatives are 0.2 and -0.4.
        Tensor xi = tensor(new float[] { 1, 0 }).reshape(2, 1);
        Tensor gradient = tensor(new float[] { 0.1f, -0.2f }).reshape(2, 1);
        float tangent = GateUpdater.EstimateThetaGradient(ThetaEstimator.Tangent, xi, gradient).item<float>();
        float secant = GateUpdater.EstimateThetaGradient(ThetaEstimator.Secant, xi, gradient).item<float>();
        Assert.Equal(-0.1f, tangent, 1e-6f);
        // mean of (0.2 - ½·0.2²) and (-0.4 + ½·0.4²).
        Assert.Equal(((0.2f - 0.02f) + (-0.4f + 0.08f)) / 2, secant, 1e-6f);
    }

    /// <summary>
    /// For a network in training (every θ = 1, so every ξ = 1) each unit's estimate is compared with the
    /// exact loss(unit on) − loss(unit off) on the same batch. Median |error| over the 72 units, tangent
    /// vs secant: 1 epoch 2.1e-4 vs 2.0e-4 (the network is still nearly linear in ξ), 3 epochs 1.5e-2
    /// vs 7.5e-3, 10 epochs 7.3e-3 vs 2.4e-3, 30 epochs 7.4e-4 vs 7.4e-4 (training examples fitted:
    /// g² ≈ 0, and the empirical Fisher no longer sees the curvature).
    /// </summary>
    [Theory, InlineData(3), InlineData(10)]
    public void SecantEstimateTracksTheExactCostOfRemovingAUnitBetterThanTheTangent(int trainEpochs)
    {
        set_num_threads(1);
        manual_seed(4);
        using var network = new CatTinyResNet();
        network.train();
        using var optimizer = optim.SGD(CatPruning.Weights(network).Select(w => w.Parameter), 0.05, momentum: 0.9, weight_decay: 5e-4);
        var loader = CatTestKit.Train();
        network.Gates.Mode = GateMode.Off;
        for (int epoch = 0; epoch < trainEpochs; epoch++)
            foreach (var batch in loader.Epoch(epoch))
                using (batch)
                using (NewDisposeScope())
                {
                    optimizer.zero_grad();
                    nn.functional.cross_entropy(network.forward(batch.Images), batch.Labels).backward();
                    optimizer.step();
                }
        network.eval();
        using var scope = NewDisposeScope();
        using var all = CatTestKit.Train(count: 256, batch: 256).Epoch(0).First();
        network.Gates.Mode = GateMode.Sample;
        Tensor loss = nn.functional.cross_entropy(network.forward(all.Images), all.Labels);
        loss.backward();
        double full = loss.item<float>();
        var tangentErrors = new List<double>();
        var secantErrors = new List<double>();
        var costs = new List<double>();
        // Every estimate first: a masked forward releases the samples.
        var estimates = network.Gates.Units.Select(gate =>
        {
            Tensor xi = gate.LastSample!.detach();
            Assert.Equal(1f, xi.min().item<float>());
            Tensor gradient = gate.LastSample!.grad!;
            return (Tangent: GateUpdater.EstimateThetaGradient(ThetaEstimator.Tangent, xi, gradient).data<float>().ToArray(),
                Secant: GateUpdater.EstimateThetaGradient(ThetaEstimator.Secant, xi, gradient).data<float>().ToArray());
        }).ToArray();
        network.Gates.Mode = GateMode.FixedMasks;
        foreach ((UnitGate gate, var (tangent, secant)) in network.Gates.Units.Zip(estimates))
        {
            for (int u = 0; u < gate.Size; u++)
            {
                gate.SetFixedMask(Enumerable.Range(0, gate.Size).Select(k => k != u).ToArray());
                double off;
                using (no_grad()) off = nn.functional.cross_entropy(network.forward(all.Images), all.Labels).item<float>();
                gate.SetFixedMask(null);
                double exact = full - off; // ∂J/∂θ_u: negative when the unit helps
                costs.Add(-exact);
                tangentErrors.Add(Math.Abs(tangent[u] - exact));
                secantErrors.Add(Math.Abs(secant[u] - exact));
            }
        }
        double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
        output.WriteLine($"{costs.Count} units: median removal cost {Median(costs):E2}, median |error| tangent {Median(tangentErrors):E2}, secant {Median(secantErrors):E2}");
        Assert.True(Median(costs) > 0, "removing a unit of a trained network should usually cost loss");
        Assert.True(Median(secantErrors) < 0.7 * Median(tangentErrors),
            $"secant median error {Median(secantErrors):E2} vs tangent {Median(tangentErrors):E2}");
    }

    [Fact]
    public void AnEmptiedLayerTakesItsRemovableBlockElseItsBestUnitStays()
    {
        using var network = new CatTinyResNet();
        NetworkStructure s = CatTinyResNet.Structure;
        int inner = s.PrunableGroups.ToList().FindIndex(g => CatPruning.OwningBlock(s, g) >= 0);
        int stream = s.PrunableGroups.ToList().FindIndex(g => g.IsStream);
        using (no_grad())
        {
            network.Gates.Units[inner].Theta.zero_();
            network.Gates.Units[stream].Theta.zero_();
            SetTheta(network.Gates.Units[stream], 2, 0.0005f);
        }
        PruneDecision decision = CatPruning.Decide(network, 1e-3, inclusive: true, new HashSet<string>());
        Assert.Equal(1, decision.BlocksRemoved);
        Assert.Equal([network.Gates.Units[stream].Name], decision.NewlyPinned);
        using var slim = (CatTinyResNet)CatPruning.Slim(network, decision);
        Assert.Equal(1, ((IPrunableNetwork)slim).GroupWidths[s.PrunableGroups[stream].Index]);
        Assert.Equal(1f, slim.Gates.Units[stream].Theta.data<float>()[0]);
        Assert.False(((IPrunableNetwork)slim).BlocksKept[CatPruning.OwningBlock(s, s.PrunableGroups[inner])]);

        // Pinned layers are left alone afterwards; removed blocks never come back.
        PruneDecision again = CatPruning.Decide(slim, 1e-3, inclusive: true, new HashSet<string>(decision.NewlyPinned));
        Assert.False(again.Slims);
    }

    [Fact]
    public void MomentumOfKeptWeightsIsCarriedOverBySlicing()
    {
        manual_seed(9);
        using var network = new CatTinyResNet();
        using var scope = NewDisposeScope();
        using var optimizer = optim.SGD(CatPruning.Weights(network).Select(w => w.Parameter), 0.1, momentum: 0.9);
        Tensor loss = network.forward(randn([4, 1, 8, 8])).square().mean();
        loss.backward();
        optimizer.step();
        PruneMasks masks = RandomMasks(network, new Random(3), keepUnit: 0.6, keepBlock: 0.7);
        using SlimmedOptimizerState state = SlimmedOptimizerState.Capture(optimizer, network, masks);
        using var slim = network.Slim(masks);
        using var slimOptimizer = optim.SGD(CatPruning.Weights(slim).Select(w => w.Parameter), 0.1, momentum: 0.9);
        state.ApplyTo(slimOptimizer, slim);
        var old = CatPruning.Weights(network).ToDictionary(w => w.Name, w => w.Parameter);
        foreach ((string name, nn.Parameter p) in CatPruning.Weights(slim))
        {
            IReadOnlyDictionary<string, Tensor> carried = slimOptimizer.GetState(p);
            Assert.True(carried.ContainsKey("momentum_buffer"), $"no momentum for '{name}'");
            Assert.Equal(p.shape, carried["momentum_buffer"].shape);
            // The classifier's bias is never pruned: its momentum is carried over unchanged.
            if (p.shape.SequenceEqual(old[name].shape))
                Assert.Equal(optimizer.GetState(old[name])["momentum_buffer"].data<float>(), carried["momentum_buffer"].data<float>());
        }
        // The network's own weights are untouched by the momentum shuffle.
        Tensor again = network.forward(zeros([1, 1, 8, 8]));
        Assert.All(again.data<float>(), v => Assert.True(float.IsFinite(v)));
    }
}
