using PruneGen.Torch.Modules;
using static PruneGen.Torch.torch;
using static PruneGen.Torch.Tests.NnTestData;

namespace PruneGen.Torch.Tests;

public class ModuleTests
{
    /// <summary>A custom module registering each kind of member explicitly.</summary>
    private sealed class ScaledConv : nn.Module<Tensor, Tensor>
    {
        public readonly Conv2d conv;
        public readonly nn.Parameter scale;

        public ScaledConv() : base(nameof(ScaledConv))
        {
            conv = nn.Conv2d(2, 3, 3, padding: 1);
            scale = new nn.Parameter(tensor(new float[] { 2f }));
            register_module("conv", conv);
            register_parameter("scale", scale);
            register_buffer("calls", tensor(new long[] { 0 }), persistent: false);
        }

        public override Tensor forward(Tensor input) => conv.call(input);
    }

    // The same network as in PyTorch:
    // nn.Sequential(nn.Conv2d(3,8,3), nn.BatchNorm2d(8), nn.ReLU(),
    //               nn.Sequential(nn.Conv2d(8,8,3,bias=False), nn.BatchNorm2d(8)),
    //               nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8,10))
    private static Sequential NestedNet() => nn.Sequential(
        nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(),
        nn.Sequential(nn.Conv2d(8, 8, 3, bias: false), nn.BatchNorm2d(8)),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 10));

    [Fact]
    public void NestedSequentialHasPyTorchsStateDictKeysInPyTorchsOrder()
    {
        using var net = NestedNet();
        // Keys printed by PyTorch 1.13 (/usr/bin/python3) for the same network.
        Assert.Equal(
            ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked",
             "3.0.weight", "3.1.weight", "3.1.bias", "3.1.running_mean", "3.1.running_var", "3.1.num_batches_tracked",
             "6.weight", "6.bias"],
            net.state_dict().Keys);
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "3.0.weight", "3.1.weight", "3.1.bias", "6.weight", "6.bias"],
            net.named_parameters().Select(p => p.name));
        Assert.Equal(["1.running_mean", "1.running_var", "1.num_batches_tracked", "3.1.running_mean", "3.1.running_var", "3.1.num_batches_tracked"],
            net.named_buffers().Select(b => b.name));
        Assert.Equal(["0", "1", "2", "3", "3.0", "3.1", "4", "5", "6"], net.named_modules().Select(m => m.name));
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6"], net.named_children().Select(m => m.name));
        Assert.Same(((Sequential)net[3])[1], net.get_submodule("3.1"));
        Assert.Same(((BatchNorm2d)((Sequential)net[3])[1]).weight, net.get_parameter("3.1.weight"));
        Assert.Null(net.get_parameter("3.7.weight"));
    }

    [Fact]
    public void CustomModuleRegistersParametersBuffersAndChildren()
    {
        using var m = new ScaledConv();
        Assert.Equal(["scale", "conv.weight", "conv.bias"], m.named_parameters().Select(p => p.name));
        Assert.Equal(["scale"], m.named_parameters(recurse: false).Select(p => p.name));
        Assert.Equal(["calls"], m.named_buffers().Select(b => b.name));
        Assert.DoesNotContain("calls", m.state_dict().Keys); // non-persistent
        Assert.Same(m.scale, m.get_parameter("scale"));
        Assert.True(m.has_parameter("conv.weight"));
        Assert.True(m.has_buffer("calls"));
    }

    [Fact]
    public void RegistrationRejectsDuplicateEmptyAndDottedNames()
    {
        using var m = new ScaledConv();
        using var p = new nn.Parameter(tensor(new float[] { 1 }));
        var duplicate = Assert.Throws<InvalidOperationException>(() => m.register_parameter("conv", p));
        Assert.Contains("'conv'", duplicate.Message);
        Assert.Throws<ArgumentException>(() => m.register_parameter("a.b", p));
        Assert.Throws<ArgumentException>(() => m.register_module("", nn.ReLU()));
        Assert.Throws<ArgumentException>(() => m.register_module("self", m));
    }

    [Fact]
    public void SharedParameterIsListedOnce()
    {
        using var a = nn.Linear(4, 4);
        var b = nn.Linear(4, 4);
        b.weight = a.weight; // weight tying
        using var net = nn.Sequential(a, b);
        Assert.Equal(["0.weight", "0.bias", "1.bias"], net.named_parameters().Select(p => p.name));
    }

    [Fact]
    public void LayersStartWithPyTorchsDefaultInitialisation()
    {
        manual_seed(0);
        using var conv = nn.Conv2d(16, 32, 3, groups: 2);
        double bound = 1 / Math.Sqrt(16 / 2 * 3 * 3); // 1/√fan_in for weight (kaiming a = √5) and bias
        float[] w = conv.weight.data<float>();
        Assert.Equal([32L, 8, 3, 3], conv.weight.shape);
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        double std = Math.Sqrt(w.Select(v => (double)v * v).Average());
        Assert.InRange(std, 0.95 * bound / Math.Sqrt(3), 1.05 * bound / Math.Sqrt(3)); // U(−b, b) has std b/√3
        Assert.All(conv.bias!.data<float>(), v => Assert.InRange(v, -bound, bound));
        Assert.True(conv.weight.requires_grad);

        using var bn = nn.BatchNorm2d(4);
        Assert.Equal([1f, 1, 1, 1], bn.weight!.data<float>());
        Assert.Equal([0f, 0, 0, 0], bn.bias!.data<float>());
        Assert.Equal([0f, 0, 0, 0], bn.running_mean!.data<float>());
        Assert.Equal([1f, 1, 1, 1], bn.running_var!.data<float>());
        Assert.Equal(ScalarType.Int64, bn.num_batches_tracked!.dtype);
        Assert.Empty(bn.num_batches_tracked.shape);
        Assert.False(bn.running_mean.requires_grad);
    }

    [Fact]
    public void LoadStateDictCopiesEveryEntry()
    {
        manual_seed(1);
        using var source = NestedNet();
        using var target = NestedNet();
        using (NewDisposeScope())
            source.call(Wave([2, 3, 6, 6], 0.3, 0.1)); // moves running statistics and counters away from their initial values
        var (missing, unexpected) = target.load_state_dict(source.state_dict());
        Assert.Empty(missing);
        Assert.Empty(unexpected);
        var expected = source.state_dict();
        foreach (var (key, value) in target.state_dict())
        {
            if (value.dtype == ScalarType.Int64) Assert.Equal(expected[key].data<long>(), value.data<long>());
            else Assert.Equal(expected[key].data<float>(), value.data<float>());
        }
        Assert.Equal(1L, target.get_buffer("1.num_batches_tracked")!.ToInt64());
    }

    [Fact]
    public void LoadStateDictNamesMissingAndUnexpectedKeys()
    {
        using var net = NestedNet();
        using var other = NestedNet();
        var partial = net.state_dict();
        partial.Remove("3.1.running_var");
        var e = Assert.Throws<ArgumentException>(() => other.load_state_dict(partial));
        Assert.Contains("missing", e.Message);
        Assert.Contains("\"3.1.running_var\"", e.Message);

        var extra = net.state_dict();
        using var stray = tensor(new float[] { 1 });
        extra["7.weight"] = stray;
        e = Assert.Throws<ArgumentException>(() => other.load_state_dict(extra));
        Assert.Contains("unexpected", e.Message);
        Assert.Contains("\"7.weight\"", e.Message);

        var (missing, unexpected) = other.load_state_dict(extra, strict: false);
        Assert.Empty(missing);
        Assert.Equal(["7.weight"], unexpected);
        (missing, _) = other.load_state_dict(partial, strict: false);
        Assert.Equal(["3.1.running_var"], missing);
    }

    [Fact]
    public void LoadStateDictRejectsWrongShapeAndDtypeWithoutCopyingAnything()
    {
        using var net = NestedNet();
        float[] before = net.get_parameter("0.weight")!.data<float>();

        var wrongShape = NestedNet().state_dict();
        using var narrow = tensor(new float[8 * 10 - 10], [7, 10]);
        wrongShape["6.weight"] = narrow;
        var e = Assert.Throws<ArgumentException>(() => net.load_state_dict(wrongShape));
        Assert.Contains("\"6.weight\"", e.Message);
        Assert.Contains("[7, 10]", e.Message);
        Assert.Contains("[10, 8]", e.Message);

        var wrongType = NestedNet().state_dict();
        using var doubles = tensor(new double[10], [10]);
        wrongType["6.bias"] = doubles;
        e = Assert.Throws<ArgumentException>(() => net.load_state_dict(wrongType));
        Assert.Contains("\"6.bias\"", e.Message);
        Assert.Contains("Float64", e.Message);

        Assert.Equal(before, net.get_parameter("0.weight")!.data<float>());
    }

    [Fact]
    public void TrainAndEvalPropagateToEveryDescendant()
    {
        using var net = NestedNet();
        Assert.True(net.training);
        net.eval();
        Assert.All(net.modules(), m => Assert.False(m.training));
        Assert.False(net.training);
        net.train();
        Assert.All(net.modules(), m => Assert.True(m.training));
    }

    [Fact]
    public void BatchNormModuleUpdatesStatisticsOnlyInTraining()
    {
        using var bn = nn.BatchNorm2d(2, momentum: 0.5);
        using var scope = NewDisposeScope();
        var x = Wave([4, 2, 3, 3], 0.7, 0.2, offset: 1);
        bn.call(x);
        Assert.Equal(1L, bn.num_batches_tracked!.ToInt64());
        float[] mean = bn.running_mean!.data<float>();
        Assert.All(mean, v => Assert.NotEqual(0f, v));
        bn.eval();
        var y1 = bn.call(x).data<float>();
        var y2 = bn.call(x).data<float>();
        Assert.Equal(mean, bn.running_mean.data<float>());
        Assert.Equal(1L, bn.num_batches_tracked.ToInt64());
        Assert.Equal(y1, y2);
        Assert.Throws<ArgumentException>(() => bn.call(Wave([2, 3], 0.1, 0)));
    }

    [Fact]
    public void ZeroGradDropsOrZeroesGradients()
    {
        using var net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2));
        using var scope = NewDisposeScope();
        var x = Wave([5, 3], 0.4, 0.3);
        nn.functional.mse_loss(net.call(x), tensor(new float[10], [5, 2])).backward();
        Assert.All(net.parameters(), p => Assert.NotNull(p.grad));
        net.zero_grad(set_to_none: false);
        Assert.All(net.parameters(), p => Assert.All(p.grad!.data<float>(), v => Assert.Equal(0f, v)));
        net.zero_grad();
        Assert.All(net.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void ToFloat64ConvertsFloatingTensorsInPlaceAndKeepsCounters()
    {
        using var net = NestedNet();
        nn.Parameter weight = net.get_parameter("0.weight")!;
        float[] values = weight.data<float>();
        var same = net.to(ScalarType.Float64);
        Assert.Same(net, same);
        Assert.Same(weight, net.get_parameter("0.weight")); // identity kept: optimizers keep working
        Assert.Equal(ScalarType.Float64, weight.dtype);
        Assert.True(weight.requires_grad);
        Assert.Equal(values.Select(v => (double)v), weight.data<double>());
        Assert.Equal(ScalarType.Float64, net.get_buffer("1.running_var")!.dtype);
        Assert.Equal(ScalarType.Int64, net.get_buffer("1.num_batches_tracked")!.dtype);
        using var scope = NewDisposeScope();
        Assert.Equal(ScalarType.Float64, net.call(tensor(new double[3 * 36], [1, 3, 6, 6])).dtype);
        Assert.Throws<ArgumentException>(() => net.to(ScalarType.Int32));
    }

    [Fact]
    public void DisposeReleasesTheWholeTree()
    {
        var net = NestedNet();
        var tensors = net.state_dict().Values.ToList();
        net.Dispose();
        Assert.All(tensors, t => Assert.True(t.IsInvalid));
    }

    [Fact]
    public void SequentialRunsChildrenInOrder()
    {
        using var first = nn.Linear(3, 4);
        using var second = nn.Linear(4, 2);
        using var scope = NewDisposeScope();
        var x = Wave([2, 3], 0.5, 0.5);
        var expected = second.call(nn.functional.relu(first.call(x))).data<float>();
        var net = nn.Sequential(("fc1", first), ("act", nn.ReLU()), ("fc2", second));
        Assert.Equal(expected, net.call(x).data<float>());
        Assert.Equal(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"], net.state_dict().Keys);
        Assert.False(x.IsInvalid); // the input is never disposed by Sequential
    }

    [Fact]
    public void ChannelsLastConversionRelaysOutFourDimensionalWeightsOnly()
    {
        using var net = NestedNet();
        nn.Parameter weight = net.get_parameter("0.weight")!;
        float[] values = weight.data<float>();
        Assert.Same(net, net.to(channels_last));
        Assert.Same(weight, net.get_parameter("0.weight"));
        Assert.True(weight.is_contiguous(channels_last));
        Assert.False(weight.is_contiguous());
        Assert.Equal(values, weight.data<float>()); // same values in logical order
        Assert.True(net.get_parameter("6.weight")!.is_contiguous()); // 2-D: untouched
        Assert.True(net.get_parameter("0.bias")!.is_contiguous());
    }

    [Fact]
    public void ChannelsLastInputStaysChannelsLastThroughConvBatchNormAndPooling()
    {
        manual_seed(5);
        using var net = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding: 1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 8, 3, padding: 1, groups: 2), nn.AvgPool2d(2), nn.AdaptiveAvgPool2d(1));
        using var reference = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding: 1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 8, 3, padding: 1, groups: 2), nn.AvgPool2d(2), nn.AdaptiveAvgPool2d(1));
        reference.load_state_dict(net.state_dict());
        net.to(channels_last);

        using var scope = NewDisposeScope();
        Tensor contiguousInput = Wave([2, 3, 8, 8], 0.21, 0.4);
        Tensor x = contiguousInput.contiguous(channels_last);
        for (int i = 0; i < net.Count - 1; i++) // the last output is (N, C, 1, 1): every layout is both
        {
            x = net[i].call(x);
            Assert.True(x.is_contiguous(channels_last), $"layer {i} ({net[i].GetName()}) returned a non-channels-last output");
        }
        float[] expected = reference.call(contiguousInput).data<float>();
        AssertClose(expected, net[^1].call(x), rtol: 1e-5, atol: 1e-6);
    }

    [Fact]
    public void ConversionKeepsAccumulatedGradientsUsable()
    {
        using var conv = nn.Conv2d(2, 4, 3);
        using var scope = NewDisposeScope();
        Tensor x = Wave([1, 2, 5, 5], 0.3, 0.2);
        nn.functional.mse_loss(conv.call(x), zeros(1, 4, 3, 3)).backward();
        float[] gradient = conv.weight.grad!.data<float>();
        conv.to(channels_last);
        Assert.True(conv.weight.grad!.is_contiguous(channels_last));
        Assert.Equal(gradient, conv.weight.grad!.data<float>());
        // A second backward accumulates into the converted gradient without complaint.
        nn.functional.mse_loss(conv.call(x.contiguous(channels_last)), zeros(1, 4, 3, 3)).backward();
        AssertClose(gradient.Select(g => 2 * g).ToArray(), conv.weight.grad!, rtol: 1e-5, atol: 1e-7);
    }

    [Fact]
    public void ForwardHooksSeeAndMayReplaceInputsAndOutputsUntilRemoved()
    {
        using var relu = nn.ReLU();
        using var scope = NewDisposeScope();
        var x = Floats([-1f, 2f], 2);
        var seen = new List<float[]>();
        var capture = relu.register_forward_hook((module, input, output) => { seen.Add(output.data<float>()); return null!; });
        var negate = relu.register_forward_pre_hook((module, input) => Floats(input.data<float>().Select(v => -v).ToArray(), 2));
        Assert.Equal([1f, 0f], relu.call(x).data<float>());
        Assert.Equal([1f, 0f], seen.Single());
        negate.remove();
        capture.remove();
        Assert.Equal([0f, 2f], relu.call(x).data<float>());
        Assert.Single(seen);
        Assert.Equal([0f, 2f], relu.forward(x).data<float>());
    }
}
