using static PruneGen.Torch.torch;

namespace PruneGen.Torch.Tests;

/// <summary>
/// <see cref="Fused.gate_multiply"/> and <see cref="Fused.relu_gate_multiply"/> against the compositions
/// they replace, <c>[relu](x) * m.view(N, K, 1, 1)</c> with autograd's generic backward: same output
/// (in the input's memory format), same gradients for the input and the gates.
/// </summary>
public class FusedGateMultiplyTests
{
    public static TheoryData<long[], bool, bool, ScalarType, bool> Cases
    {
        get
        {
            var cases = new TheoryData<long[], bool, bool, ScalarType, bool>();
            foreach ((long[] shape, bool perExample, bool channelsLast, ScalarType dtype) in Shapes)
                foreach (bool relu in new[] { false, true })
                    cases.Add(shape, perExample, channelsLast, dtype, relu);
            return cases;
        }
    }

    private static readonly (long[], bool, bool, ScalarType)[] Shapes =
    [
        // shape of x, one gate per example (K = 1) instead of per channel, channels_last, dtype
        ([5, 6, 7, 3], false, false, ScalarType.Float32),
        ([5, 6, 7, 3], false, true, ScalarType.Float32),
        ([5, 6, 7, 3], true, false, ScalarType.Float32),
        ([5, 6, 7, 3], true, true, ScalarType.Float32),
        ([4, 40, 9, 9], false, true, ScalarType.Float32),   // more than one vector of channels, a remainder of the 16 lanes
        ([3, 5], false, false, ScalarType.Float32),         // features of a linear layer
        ([3, 5], true, false, ScalarType.Float32),
        ([5, 6, 7, 3], false, true, ScalarType.Float64),    // not fused: ATen's ops
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTheBroadcastProductAndItsGradients(long[] shape, bool perExample, bool channelsLast, ScalarType dtype, bool relu)
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        Tensor x0 = randn(shape, dtype: dtype);
        if (channelsLast) x0 = x0.contiguous(channels_last);
        Tensor m0 = full([shape[0], perExample ? 1 : shape[1]], 0.5, dtype: dtype).bernoulli();
        Tensor upstream = randn(shape, dtype: dtype);

        Tensor x1 = x0.detach().requires_grad_(), m1 = m0.detach().requires_grad_();
        Tensor fused = relu ? Fused.relu_gate_multiply(x1, m1) : Fused.gate_multiply(x1, m1);
        (fused * upstream).sum().backward();

        Tensor x2 = x0.detach().requires_grad_(), m2 = m0.detach().requires_grad_();
        long[] view = Enumerable.Repeat(1L, shape.Length).ToArray();
        (view[0], view[1]) = (m0.size(0), m0.size(1));
        Tensor plain = (relu ? x2.relu() : x2) * m2.view(view);
        (plain * upstream).sum().backward();

        Assert.True(fused.equal(plain), "outputs differ");
        Assert.Equal(plain.is_contiguous(), fused.is_contiguous());
        Assert.Equal(plain.is_contiguous(channels_last), fused.is_contiguous(channels_last));
        Assert.True(x1.grad!.equal(x2.grad!), "input gradients differ");
        // The gate gradient is a sum over up to 5 * 7 * 3 products, summed in another order: float rounding only.
        Assert.True(m1.grad!.allclose(m2.grad!, rtol: 1e-5, atol: 1e-5), "gate gradients differ");
        Assert.Equal(channelsLast, x1.grad!.is_contiguous(channels_last) && !x1.grad!.is_contiguous());
    }

    [Fact]
    public void GatesWithoutGradientLeaveOnlyTheInputGradient()
    {
        using var scope = NewDisposeScope();
        Tensor x = ones([2, 3, 2, 2], requires_grad: true);
        Tensor m = tensor(new float[] { 1, 0, 1, 0, 1, 1 }, [2L, 3L]);
        Fused.gate_multiply(x, m).sum().backward();
        Assert.Null(m.grad);
        Assert.Equal(new float[] { 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1 }, x.grad!.data<float>());
    }

    [Fact]
    public void BadShapesAreATorchException()
    {
        using var scope = NewDisposeScope();
        Tensor x = ones(2, 3, 4, 4);
        Assert.Contains("columns", Assert.Throws<TorchException>(() => Fused.gate_multiply(x, ones(2, 2))).Message);
        Assert.Contains("batch", Assert.Throws<TorchException>(() => Fused.gate_multiply(x, ones(3, 3))).Message);
        Assert.Contains("shape", Assert.Throws<TorchException>(() => Fused.gate_multiply(x, ones(2, 3, 1))).Message);
        Assert.Contains("Double", Assert.Throws<TorchException>(() => Fused.gate_multiply(x, ones(2, 3, dtype: float64))).Message);
    }
}
