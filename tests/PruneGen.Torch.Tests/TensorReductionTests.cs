using static PruneGen.Torch.torch;

namespace PruneGen.Torch.Tests;

public class TensorReductionTests
{
    // x = [[1, 2, 3], [4, 5, 6]]
    private static Tensor X() => tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2L, 3L]);

    [Fact]
    public void SumOverAllAndOverDims()
    {
        using var x = X();
        using var all = x.sum();
        using var rows = x.sum(1);
        using var keep = x.sum(1, keepdim: true);
        using var both = x.sum([0L, 1L]);
        using var wide = x.sum(type: float64);
        Assert.Empty(all.shape);
        Assert.Equal(21f, all.item<float>());
        Assert.Equal([6f, 15], rows.data<float>());
        Assert.Equal([2L, 1L], keep.shape);
        Assert.Equal(21f, both.item<float>());
        Assert.Equal(ScalarType.Float64, wide.dtype);
    }

    [Fact]
    public void LiteralZeroIsADimensionNotAnElementType()
    {
        // C# would bind sum(0) to sum(ScalarType? type) without the int overload (see Tensor.Reductions.cs).
        using var x = X();
        using var columns = x.sum(0);
        using var products = x.prod(0);
        Assert.Equal([5f, 7, 9], columns.data<float>());
        Assert.Equal([4f, 10, 18], products.data<float>());
    }

    [Fact]
    public void MeanProdAndIntegerSums()
    {
        using var x = X();
        Assert.Equal(3.5f, x.mean().item<float>());
        using var m = x.mean([1L], keepdim: true);
        Assert.Equal([2f, 5], m.data<float>());
        Assert.Equal(720f, x.prod().item<float>());
        using var ints = tensor(new long[] { 1, 2, 3 });
        Assert.Equal(6L, ints.sum().item<long>());
        Assert.Equal(ScalarType.Int64, ints.sum().dtype);
    }

    [Fact]
    public void StdVarAndNormMatchPyTorch()
    {
        // Reference values from PyTorch 1.13 (/usr/bin/python3): x.std() = 1.8708, x.var(0) = [4.5]*3,
        // x.std(0, unbiased=False) = [1.5]*3, x.norm() = 9.5394, x.norm(dim=1) = [3.7417, 8.7750].
        using var x = X();
        Assert.Equal(1.8708, x.std().item<float>(), 4);
        Assert.Equal([4.5f, 4.5f, 4.5f], x.var(0).data<float>());
        Assert.Equal([1.5f, 1.5f, 1.5f], x.std(0, unbiased: false).data<float>());
        Assert.Equal(3.5f, x.var().item<float>());
        Assert.Equal(9.5394, x.norm().item<float>(), 4);
        float[] rowNorms = x.norm(1).data<float>();
        Assert.Equal(3.7417, rowNorms[0], 4);
        Assert.Equal(8.7750, rowNorms[1], 4);
        Assert.Equal(21f, x.norm(p: 1).item<float>());
    }

    [Fact]
    public void MaxAndMinReturnValuesAndIndexes()
    {
        using var x = tensor(new float[] { 3, 9, 1, 7, 2, 8 }, [2L, 3L]);
        Assert.Equal(9f, x.max().item<float>());
        Assert.Equal(1f, x.min().item<float>());
        var (values, indexes) = x.max(1);
        using (values)
        using (indexes)
        {
            Assert.Equal([9f, 8], values.data<float>());
            Assert.Equal([1L, 2L], indexes.data<long>());
        }
        var (minValues, minIndexes) = x.min(0, keepdim: true);
        using (minValues)
        using (minIndexes)
        {
            Assert.Equal([1L, 3L], minValues.shape);
            Assert.Equal([3f, 2, 1], minValues.data<float>());
            Assert.Equal([0L, 1, 0], minIndexes.data<long>());
        }
        Assert.Equal(1L, x.argmax().item<long>());
        Assert.Equal([1L, 2L], x.argmax(1).data<long>());
        Assert.Equal([2L, 1L], x.argmin(1).data<long>());
        using var other = full(2, 3, 5f);
        Assert.Equal([5f, 9, 5, 7, 5, 8], x.max(other).data<float>());
    }

    [Fact]
    public void TopkSortAndArgsort()
    {
        using var x = tensor(new float[] { 1, 5, 3, 2 });
        var (top, topIdx) = x.topk(2);
        Assert.Equal([5f, 3], top.data<float>());   // PyTorch: values=[5, 3], indices=[1, 2]
        Assert.Equal([1L, 2L], topIdx.data<long>());
        var (low, lowIdx) = x.topk(1, largest: false);
        Assert.Equal([1f], low.data<float>());
        Assert.Equal([0L], lowIdx.data<long>());
        var (sorted, order) = x.sort(descending: true);
        Assert.Equal([5f, 3, 2, 1], sorted.data<float>());
        Assert.Equal([1L, 2, 3, 0], order.data<long>());
        Assert.Equal([0L, 3, 2, 1], x.argsort().data<long>());
        foreach (var t in new[] { top, topIdx, low, lowIdx, sorted, order }) t.Dispose();
    }

    [Fact]
    public void AllAnyAlongDimsAndScans()
    {
        using var b = tensor(new bool[] { true, false, true, true }, [2L, 2L]);
        Assert.Equal([true, false], b.all(0).data<bool>());
        Assert.Equal([true, true], b.any(1).data<bool>());
        using var x = X();
        Assert.Equal([1f, 3, 6, 4, 9, 15], x.cumsum(1).data<float>());
        Assert.Equal(5L, x.count_nonzero().item<long>() - 1);
        // log(e^1 + e^2 + e^3) = 3.4076 (PyTorch 1.13 reference)
        Assert.Equal(3.4076, x.logsumexp(1).data<float>()[0], 4);
    }
}
