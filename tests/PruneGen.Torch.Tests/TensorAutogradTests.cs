using static PruneGen.Torch.torch;

namespace PruneGen.Torch.Tests;

/// <summary>Gradients through binding ops, derived by hand.</summary>
public class TensorAutogradTests
{
    [Fact]
    public void GradientOfSumOfSquaresIsTwiceTheInput()
    {
        using var x = tensor(new float[] { 1, -2, 3 }, requires_grad: true);
        using var y = (x * x).sum();
        y.backward();
        using var g = x.grad!;
        Assert.Equal([2f, -4, 6], g.data<float>());
    }

    [Fact]
    public void GradientOfMeanOfPowerAndScalarOps()
    {
        // d/dx mean(3 * x^3 + 1) = 9 x^2 / n
        using var x = tensor(new float[] { 1, 2 }, requires_grad: true);
        using var y = (3 * x.pow(3) + 1).mean();
        y.backward();
        using var g = x.grad!;
        Assert.Equal([4.5f, 18f], g.data<float>());
    }

    [Fact]
    public void GradientOfMatmulSumIsOnesTimesTheOtherTransposed()
    {
        // d/dA sum(A @ B) = 1 @ B^T: every row equals the row sums of B.
        using var a = ones(2, 3, requires_grad: true);
        using var b = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [3L, 2L]);
        using var y = a.matmul(b).sum();
        y.backward();
        using var g = a.grad!;
        Assert.Equal([3f, 7, 11, 3, 7, 11], g.data<float>());
    }

    [Fact]
    public void ClampAndMaskedFillBlockGradientsWhereTheyCut()
    {
        using var x = tensor(new float[] { -1, 0.5f, 2 }, requires_grad: true);
        using var mask = tensor(new bool[] { false, false, true });
        using var y = x.clamp(0, 1).masked_fill(mask, 0).sum();
        y.backward();
        using var g = x.grad!;
        Assert.Equal([0f, 1, 0], g.data<float>());
    }

    [Fact]
    public void GradientsFlowThroughShapeOpsAndIndexSelect()
    {
        using var x = arange(6, dtype: float32).requires_grad_();
        using var idx = tensor(new long[] { 0, 0, 2 });
        using var y = x.view(2, 3).t().index_select(0, idx).sum();
        y.backward();
        using var g = x.grad!;
        // column 0 taken twice, column 2 once: rows of the [2,3] view
        Assert.Equal([2f, 0, 1, 2, 0, 1], g.data<float>());
    }

    [Fact]
    public void NoGradScopeStopsRecording()
    {
        using var x = ones(2, requires_grad: true);
        using (no_grad())
        {
            using var y = x * 2;
            Assert.False(y.requires_grad);
        }
        using var z = x * 2;
        Assert.True(z.requires_grad);
    }
}
