using PruneGen.Gates;
using PruneGen.Structure;
using PruneGen.Torch;
using static PruneGen.Torch.torch;
using static PruneGen.Tests.Networks.NetworkTestKit;
using PruneGen.Zoo;

namespace PruneGen.Tests.Networks;

/// <summary>The generated ResNet-20: sizes, closed-form costs, their expectation under the gates, structure and widths.</summary>
[Collection(TorchGlobalState.Name)] // seeds the global generator: its draws must not interleave with other classes
public class ResNet20Tests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void HasExactly272186Parameters()
    {
        using var network = new ResNet20();
        // 272,186 is what PyTorch 1.13 counts for the same ResNet-20 (hand-written with torch.nn, 1x28x28 input).
        Assert.Equal(272_186, WeightCount(network));
        Assert.Equal(272_186, ResNet20.Params(ResNet20.Widths.Full));
        Assert.Equal(272_186, CostModel.Params(ResNet20.Structure, ResNet20.Structure.FullGroupWidths(), ResNet20.Structure.AllBlocksKept()));
    }

    [Fact]
    public void MacsOfTheFullNetworkEqualAnIndependentCountFromTheLayerShapes()
    {
        using var network = new ResNet20();
        // Count from the module's actual weights: each conv weight element is used once per output
        // position; ResNet-20 computes at 28x28 up to stage 1, 14x14 in stage 2 and 7x7 in stage 3.
        long macs = 0;
        foreach (var (name, parameter) in network.named_parameters())
        {
            if (name.EndsWith(".conv.weight", StringComparison.Ordinal))
            {
                int size = name.StartsWith("stage3", StringComparison.Ordinal) ? 7 : name.StartsWith("stage2", StringComparison.Ordinal) ? 14 : 28;
                macs += parameter.numel() * size * size;
            }
            else if (name == "head.linear.weight")
            {
                macs += parameter.numel();
            }
        }
        // PyTorch forward hooks on the hand-written network count the same 31,021,952.
        Assert.Equal(31_021_952, macs);
        Assert.Equal(macs, ResNet20.Macs(ResNet20.Widths.Full));
        Assert.Equal(macs, CostModel.Macs(ResNet20.Structure, ResNet20.Structure.FullGroupWidths(), ResNet20.Structure.AllBlocksKept()));
    }

    [Fact]
    public void ClosedFormCostsMatchTheGenericCostModelAtRandomWidths()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 50; trial++)
        {
            var widths = RandomWidths(random);
            Assert.Equal(CostModel.Macs(ResNet20.Structure, widths.ToGroupWidths(), widths.ToBlockFlags()), ResNet20.Macs(widths));
            Assert.Equal(CostModel.Params(ResNet20.Structure, widths.ToGroupWidths(), widths.ToBlockFlags()), ResNet20.Params(widths));
        }
    }

    [Fact]
    public void AnyValidWidthsBuildANetworkWhoseParameterCountIsTheClosedForm()
    {
        var random = new Random(11);
        for (int trial = 0; trial < 3; trial++)
        {
            var widths = RandomWidths(random);
            widths.Validate();
            using var network = new ResNet20(widths);
            Assert.Equal(ResNet20.Params(widths), WeightCount(network));
            using var scope = NewDisposeScope();
            network.eval();
            Tensor output = network.forward(torch.randn([2, 1, 28, 28]));
            Assert.Equal([2L, 10L], output.shape);
        }
    }

    [Fact]
    public void MonteCarloMeanOfSampledCostsIsWithinOnePercentOfTheExpectation()
    {
        torch.manual_seed(3);
        using var network = new ResNet20();
        using var scope = NewDisposeScope();
        using (no_grad())
            foreach (Gate gate in network.Gates.AllGates) gate.Theta.uniform_(0.2, 0.95);

        double expectedMacs = network.ExpectedMacs().ToDouble();
        double expectedParams = network.ExpectedParams().ToDouble();

        // Draw masks with the gates' own Sample mode: one row of ξ per "example". The block gates make
        // the cost's spread large (a block is a tenth of the network); 16000 samples put the standard
        // error of the mean near 0.2%, so the 1% bound is about five standard errors.
        const int samples = 16000;
        network.Gates.Mode = GateMode.Sample;
        network.Gates.BeginForward(torch.zeros([samples, 1]));
        NetworkStructure structure = ResNet20.Structure;
        float[][] units = network.Gates.Units.Select(g => g.LastSample!.data<float>()).ToArray();
        float[][] blocks = network.Gates.Blocks.Select(g => g.LastSample!.data<float>()).ToArray();
        double macs = 0, parameters = 0, paramsSquares = 0;
        int[] widths = structure.FullGroupWidths();
        bool[] kept = structure.AllBlocksKept();
        for (int s = 0; s < samples; s++)
        {
            for (int i = 0; i < structure.PrunableGroups.Count; i++)
            {
                int size = network.Gates.Units[i].Size, count = 0;
                for (int u = 0; u < size; u++) count += units[i][s * size + u] > 0.5f ? 1 : 0;
                widths[structure.PrunableGroups[i].Index] = count;
            }
            for (int j = 0; j < structure.RemovableBlocks.Count; j++)
                kept[structure.RemovableBlocks[j].Index] = blocks[j][s] > 0.5f;
            macs += CostModel.Macs(structure, widths, kept);
            double p = CostModel.Params(structure, widths, kept);
            parameters += p;
            paramsSquares += p * p;
        }
        macs /= samples;
        parameters /= samples;
        double paramsStandardError = Math.Sqrt((paramsSquares / samples - parameters * parameters) / samples);
        output.WriteLine($"E[MACs] closed form {expectedMacs:F0}, Monte-Carlo mean {macs:F0} ({samples} samples), ratio {macs / expectedMacs:F5}");
        output.WriteLine($"E[params] closed form {expectedParams:F0}, Monte-Carlo mean {parameters:F0}, ratio {parameters / expectedParams:F5} (standard error {paramsStandardError / expectedParams:P2})");
        Assert.InRange(macs / expectedMacs, 0.99, 1.01);
        Assert.InRange(parameters / expectedParams, 0.99, 1.01);
    }

    [Fact]
    public void ExpectedCostsAreExactAtDeterministicGatesAndDifferentiable()
    {
        using var network = new ResNet20();
        using var scope = NewDisposeScope();
        // θ = 1 everywhere: the expectation is the full network's cost.
        Assert.Equal(ResNet20.Macs(ResNet20.Widths.Full), network.ExpectedMacs().ToDouble(), 1e-6 * ResNet20.Macs(ResNet20.Widths.Full));
        Assert.Equal(ResNet20.Params(ResNet20.Widths.Full), network.ExpectedParams().ToDouble(), 1e-6 * ResNet20.Params(ResNet20.Widths.Full));

        // θ = 0 for block stage1.1: the expectation is the cost without that block.
        BlockGate stage1Block1 = network.Gates.Blocks[1];
        Assert.Equal("stage1_block1", stage1Block1.Name);
        using (no_grad()) stage1Block1.Theta.zero_();
        var without = ResNet20.Widths.Full with { Stage1Block1 = false };
        Assert.Equal(ResNet20.Macs(without), network.ExpectedMacs().ToDouble(), 1e-6 * ResNet20.Macs(without));

        // ∂E[MACs]/∂θ_block is the block's cost at the expected widths: 2 convs x 9 x 28² x 16 x 16.
        Tensor expected = network.ExpectedMacs();
        expected.backward();
        Assert.Equal(2.0 * 9 * 784 * 16 * 16, stage1Block1.Theta.grad!.ToDouble(), 1.0);
        // ∂E[MACs]/∂θ_u for a unit of stage 1's stream is the same for all its units (it only enters through Σθ).
        float[] streamGrad = network.Gates.Units[0].Theta.grad!.data<float>();
        Assert.All(streamGrad, g => Assert.Equal(streamGrad[0], g, 1e-3f));
        Assert.True(streamGrad[0] > 0);
    }

    [Fact]
    public void SampleModeKeepsTheSampledGatesAsLeavesWithGradients()
    {
        torch.manual_seed(5);
        using var network = new ResNet20();
        using var scope = NewDisposeScope();
        network.Gates.Mode = GateMode.Sample;
        Tensor output = network.forward(torch.randn([3, 1, 28, 28]));
        Tensor loss = output.sum();
        loss.backward();
        foreach (Gate gate in network.Gates.AllGates)
        {
            Tensor sample = gate.LastSample!;
            Assert.True(sample.requires_grad);
            Assert.Equal([3L, gate.Size], sample.shape);
            Assert.NotNull(sample.grad);
            Assert.Equal(sample.shape, sample.grad!.shape);
        }
    }

    [Fact]
    public void StructureHasTheExpectedGroupsStreamsAndCuts()
    {
        NetworkStructure s = ResNet20.Structure;
        Assert.Equal(12, s.PrunableGroups.Count);
        Assert.Equal(7, s.RemovableBlocks.Count); // every block with an identity shortcut
        GroupInfo stage1 = s.Group("Stage1");
        Assert.True(stage1.IsStream);
        // The stem writes into stage 1's stream, and so do the last convs of its blocks.
        Assert.Equal(["stem", "stage1.0.conv2", "stage1.1.conv2", "stage1.2.conv2"], stage1.Producers.Select(l => s.Layers[l].Name));
        // The projection shortcut and the block outputs of stage 2 are coupled.
        Assert.Contains("stage2.0.shortcut", s.Group("Stage2").Producers.Select(l => s.Layers[l].Name));
        Assert.Equal(s.Group("Stage2").Index, s.Layer("stage2.0.shortcut").OutputGroup);
        Assert.Equal(stage1.Index, s.Layer("stage2.0.shortcut").InputGroup);
        // Stages as sub-networks: each reads the previous cut.
        Assert.Equal(["Stage1", "Stage2", "Stage3"], s.Stages.Select(x => x.Name));
        Assert.Equal(stage1.Index, s.Stages[0].InputGroup);
        Assert.Equal(s.Stages[0].OutputGroup, s.Stages[1].InputGroup);
        Assert.Equal([28, 14, 7], s.Stages.Select(x => x.OutputSize));
    }

    [Fact]
    public void ForwardMembersChainToTheForwardPass()
    {
        torch.manual_seed(9);
        using var network = new ResNet20();
        network.eval();
        using var scope = NewDisposeScope();
        Tensor input = torch.randn([2, 1, 28, 28]);
        Tensor x = input;
        for (int m = 0; m < ResNet20.Structure.Members.Count; m++) x = network.ForwardMember(m, x);
        Assert.True(MaxAbsDifference(network.forward(input), x) < 1e-6);
    }

    [Fact]
    public void WidthsValidationNamesTheMember()
    {
        Assert.Empty(ResNet20.Widths.Full.Errors());
        var offGrid = ResNet20.Widths.Full with { Stage2 = 30 };
        var e = Assert.Throws<ArgumentException>(() => offGrid.Validate());
        Assert.Contains("Stage2 = 30", e.Message);
        Assert.Contains("multiple of 4 from 4 to 32", e.Message);
        var tooWide = ResNet20.Widths.Full with { Stage3Block1Conv1 = 65 };
        var bounds = Assert.Throws<ArgumentOutOfRangeException>(() => new ResNet20(tooWide));
        Assert.Equal("Stage3Block1Conv1", bounds.ParamName);
        // Off the step grid but within bounds (unit pruning reaches such widths): buildable.
        using var network = new ResNet20(offGrid);
        Assert.Equal(30, network.CurrentWidths.Stage2);
    }

    [Fact]
    public void SidecarRoundTripsAndRejectsForeignOrIncompleteFiles()
    {
        var widths = ResNet20.Widths.Full with { Stage1 = 8, Stage2Block1 = false };
        WidthsSidecar sidecar = WidthsSidecar.Parse(widths.ToSidecar().ToJson());
        Assert.Equal(widths, ResNet20.Widths.FromSidecar(sidecar));

        var missing = new WidthsSidecar("ResNet20", sidecar.Widths.Where(p => p.Key != "Stage3").ToDictionary(), sidecar.Blocks);
        Assert.Contains("width \"Stage3\" is missing", Assert.Throws<FormatException>(() => ResNet20.Widths.FromSidecar(missing)).Message);
        var foreign = new WidthsSidecar("Vgg", sidecar.Widths, sidecar.Blocks);
        Assert.Contains("'Vgg'", Assert.Throws<FormatException>(() => ResNet20.Widths.FromSidecar(foreign)).Message);
    }

    [Fact]
    public void LatencyKeysCoverEveryLayerAndPredictionSumsTheTable()
    {
        // 7 distinct conv signatures + the classifier + a residual sum per resolution + stage 1's first
        // block's relu copy (the only removable block whose input is not a block's ReLU output).
        Assert.Equal(12, ResNet20.LatencyKeys.Count);
        Assert.Equal(3, ResNet20.LatencyKeys.Count(k => k.Kind == LatencyKind.ResidualSumRelu));
        Assert.Equal(28, Assert.Single(ResNet20.LatencyKeys, k => k.Kind == LatencyKind.ReluCopy).InputSize);
        IReadOnlyList<LatencyGrid> generic = LatencyModel.Grids(ResNet20.Structure);
        Assert.Equal(generic.Select(g => g.Key), ResNet20.LatencyGrids.Select(g => g.Key));
        for (int k = 0; k < generic.Count; k++)
        {
            Assert.Equal(generic[k].Pairs, ResNet20.LatencyGrids[k].Pairs);
            Assert.Equal(generic[k].Layers, ResNet20.LatencyGrids[k].Layers);
        }
        // Stem (1 -> 4..16) and stage 1's convs (4..16 -> 4..16) share the 3x3/1 signature at 28x28.
        Assert.Equal(4 + 16, ResNet20.LatencyGrids[0].Pairs.Count);

        var table = new InMemoryLatencyTable();
        foreach (LatencyGrid grid in ResNet20.LatencyGrids)
            foreach (var (cin, cout) in grid.Pairs)
                table.Set(grid.Key, cin, cout, grid.Key.Kernel * 0.001 * cin * cout / grid.Key.Stride + 0.01);
        var random = new Random(13);
        for (int trial = 0; trial < 20; trial++)
        {
            var widths = RandomWidths(random);
            Assert.Equal(LatencyModel.Predict(ResNet20.Structure, widths.ToGroupWidths(), widths.ToBlockFlags(), table), ResNet20.PredictLatency(widths, table), 9);
        }
        var offGrid = ResNet20.Widths.Full with { Stage1 = 15 };
        Assert.Throws<MissingLatencyEntryException>(() => ResNet20.PredictLatency(offGrid, table));
    }

    [Fact]
    public void SummaryListsEveryLayerWithTotals()
    {
        using var network = new ResNet20(ResNet20.Widths.Full with { Stage3Block2 = false });
        string summary = network.Summary();
        Assert.Contains("stage2.0.shortcut", summary);
        Assert.Contains("(removed block)", summary);
        Assert.Contains(network.Params().ToString("N0", System.Globalization.CultureInfo.InvariantCulture), summary);
        Assert.Contains(network.Macs().ToString("N0", System.Globalization.CultureInfo.InvariantCulture), summary);
    }

    /// <summary>Random widths on the search grid with random block flags.</summary>
    internal static ResNet20.Widths RandomWidths(Random random)
    {
        int W(int full) => 4 * random.Next(1, full / 4 + 1);
        bool B() => random.NextDouble() < 0.5;
        return new ResNet20.Widths
        {
            Stage1 = W(16), Stage1Block0Conv1 = W(16), Stage1Block1Conv1 = W(16), Stage1Block2Conv1 = W(16),
            Stage2 = W(32), Stage2Block0Conv1 = W(32), Stage2Block1Conv1 = W(32), Stage2Block2Conv1 = W(32),
            Stage3 = W(64), Stage3Block0Conv1 = W(64), Stage3Block1Conv1 = W(64), Stage3Block2Conv1 = W(64),
            Stage1Block0 = B(), Stage1Block1 = B(), Stage1Block2 = B(), Stage2Block1 = B(), Stage2Block2 = B(), Stage3Block1 = B(), Stage3Block2 = B(),
        };
    }
}
