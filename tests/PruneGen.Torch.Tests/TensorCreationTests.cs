using static PruneGen.Torch.torch;

namespace PruneGen.Torch.Tests;

public class TensorCreationTests
{
    [Fact]
    public void ZerosAndOnesHaveTheShapeAndTheDefaultFloatType()
    {
        using var z = zeros(2, 3);
        using var o = ones([4L], dtype: float64);
        Assert.Equal([2L, 3L], z.shape);
        Assert.Equal(ScalarType.Float32, z.dtype);
        Assert.All(z.data<float>(), v => Assert.Equal(0f, v));
        Assert.Equal(ScalarType.Float64, o.dtype);
        Assert.Equal([1.0, 1, 1, 1], o.data<double>());
    }

    [Fact]
    public void ShapeOverloadsForOneToFourDimensionsAgree()
    {
        using var a = zeros(2L, 3L, 4L, 5L);
        using var b = zeros(new long[] { 2, 3, 4, 5 });
        using var c = empty(2, 3, 4, 5);
        using var d = rand(2, 3, 4);
        Assert.Equal(b.shape, a.shape);
        Assert.Equal(b.shape, c.shape);
        Assert.Equal([2L, 3L, 4L], d.shape);
    }

    [Fact]
    public void RequiresGradOptionMakesALeafThatRecordsGradients()
    {
        using var x = ones(3, requires_grad: true);
        Assert.True(x.requires_grad);
    }

    [Fact]
    public void FullInfersTheElementTypeFromTheValueLikePyTorch()
    {
        using var i = full(2, 2, 7);
        using var f = full(2, 2, 0.5);
        using var b = full([3L], true);
        using var d = full(3, 7, dtype: float64);
        Assert.Equal(ScalarType.Int64, i.dtype);
        Assert.Equal([7L, 7, 7, 7], i.data<long>());
        Assert.Equal(ScalarType.Float32, f.dtype);
        Assert.Equal(ScalarType.Bool, b.dtype);
        Assert.Equal([7.0, 7, 7], d.data<double>());
    }

    [Fact]
    public void ArangeIsIntegralForIntegralArgumentsAndFloatOtherwise()
    {
        using var i = arange(5);
        using var f = arange(0, 1, 0.25);
        using var s = arange(10, 0, -3);
        Assert.Equal(ScalarType.Int64, i.dtype);
        Assert.Equal([0L, 1, 2, 3, 4], i.data<long>());
        Assert.Equal(ScalarType.Float32, f.dtype);
        Assert.Equal([0f, 0.25f, 0.5f, 0.75f], f.data<float>());
        Assert.Equal([10L, 7, 4, 1], s.data<long>());
    }

    [Fact]
    public void LinspaceIncludesBothEnds()
    {
        using var t = linspace(0, 1, 5);
        Assert.Equal([0f, 0.25f, 0.5f, 0.75f, 1f], t.data<float>());
    }

    [Fact]
    public void EyeIsOneOnTheDiagonal()
    {
        using var square = eye(3, dtype: int64);
        using var wide = eye(2, 3);
        Assert.Equal([1L, 0, 0, 0, 1, 0, 0, 0, 1], square.data<long>());
        Assert.Equal([2L, 3L], wide.shape);
        Assert.Equal([1f, 0, 0, 0, 1, 0], wide.data<float>());
    }

    [Fact]
    public void RandIsUniformOnTheUnitIntervalAndRandnIsStandardNormal()
    {
        manual_seed(1);
        using var u = rand(20000);
        using var n = randn(20000);
        float[] us = u.data<float>();
        Assert.All(us, v => Assert.InRange(v, 0f, 0.99999999f));
        // For 20000 samples the standard errors are 0.002 (uniform mean) and 0.007 (normal mean).
        Assert.InRange(us.Average(), 0.49, 0.51);
        float[] ns = n.data<float>();
        Assert.InRange(ns.Average(), -0.03, 0.03);
        Assert.InRange(Math.Sqrt(ns.Select(v => (double)v * v).Average()), 0.97, 1.03);
    }

    [Fact]
    public void ManualSeedMakesRandomTensorsReproducible()
    {
        manual_seed(42);
        using var a = randn(5);
        manual_seed(42);
        using var b = randn(5);
        Assert.Equal(a.data<float>(), b.data<float>());
    }

    [Fact]
    public void RandintStaysInRangeAndIsInt64()
    {
        using var t = randint(3, 7, [1000L]);
        Assert.Equal(ScalarType.Int64, t.dtype);
        long[] values = t.data<long>();
        Assert.All(values, v => Assert.InRange(v, 3L, 6L));
        Assert.Equal(4, values.Distinct().Count());
        using var high = randint(2, new long[] { 10 }, dtype: int32);
        Assert.Equal(ScalarType.Int32, high.dtype);
    }

    [Fact]
    public void RandpermIsAPermutation()
    {
        using var p = randperm(50);
        long[] values = p.data<long>();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), values.Order());
    }

    [Fact]
    public void BernoulliDrawsOnesWithTheGivenProbabilities()
    {
        using var certain = tensor(new float[] { 0, 1, 0, 1 });
        using var draws = bernoulli(certain);
        Assert.Equal([0f, 1, 0, 1], draws.data<float>());

        manual_seed(3);
        using var p = full(20000, 0.3f);
        using var sample = p.bernoulli();
        // Standard error of the mean is 0.0032.
        Assert.InRange(sample.data<float>().Average(), 0.28, 0.32);
        Assert.All(sample.data<float>(), v => Assert.True(v == 0f || v == 1f));

        using var inPlace = empty(20000).bernoulli_(0.75);
        Assert.InRange(inPlace.data<float>().Average(), 0.73, 0.77);
    }

    [Fact]
    public void LikeFactoriesKeepShapeAndTypeUnlessTold()
    {
        using var source = ones(2, 3, dtype: float64);
        using var z = zeros_like(source);
        using var f = source.full_like(2.5);
        using var l = ones_like(source, dtype: int64);
        using var e = empty_like(source);
        using var r = rand_like(source);
        using var ri = randint_like(source, 0, 5);
        Assert.Equal(source.shape, z.shape);
        Assert.Equal(ScalarType.Float64, z.dtype);
        Assert.Equal([2.5, 2.5, 2.5, 2.5, 2.5, 2.5], f.data<double>());
        Assert.Equal(ScalarType.Int64, l.dtype);
        Assert.Equal(source.shape, e.shape);
        Assert.Equal(source.shape, r.shape);
        Assert.All(ri.data<double>(), v => Assert.InRange(v, 0, 4));
    }

    [Fact]
    public void MultiDimensionalArraysKeepTheirShapeAndRowMajorOrder()
    {
        using var t = tensor(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal([2L, 3L], t.shape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], t.data<float>());
        using var d = tensor(new long[,,] { { { 1 }, { 2 } } }, dtype: float64);
        Assert.Equal([1L, 2L, 1L], d.shape);
        Assert.Equal([1.0, 2.0], d.data<double>());
        using var g = tensor(new float[] { 1, 2 }, [2L], float64, requires_grad: true);
        Assert.True(g.requires_grad);
        Assert.Equal(ScalarType.Float64, g.dtype);
    }
}
