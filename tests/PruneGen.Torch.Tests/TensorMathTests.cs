using static PruneGen.Torch.torch;

namespace PruneGen.Torch.Tests;

public class TensorMathTests
{
    private static void Close(float[] expected, Tensor actual, float tolerance = 1e-5f)
    {
        float[] values = actual.data<float>();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < values.Length; i++)
            Assert.True(Math.Abs(expected[i] - values[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {values[i]}");
    }

    [Fact]
    public void AddAndSubSupportAlphaAndScalars()
    {
        using var a = tensor(new float[] { 1, 2, 3 });
        using var b = tensor(new float[] { 10, 20, 30 });
        using var sum = a.add(b);
        using var scaled = a.add(b, 0.5);
        using var diff = a.sub(b, 2);
        using var plusScalar = a.add(1);
        using var minusScalar = a.sub(1.5f);
        Assert.Equal([11f, 22, 33], sum.data<float>());
        Assert.Equal([6f, 12, 18], scaled.data<float>());
        Assert.Equal([-19f, -38, -57], diff.data<float>());
        Assert.Equal([2f, 3, 4], plusScalar.data<float>());
        Assert.Equal([-0.5f, 0.5f, 1.5f], minusScalar.data<float>());
    }

    [Fact]
    public void BinaryOpsBroadcast()
    {
        using var column = tensor(new float[] { 1, 2 }, [2L, 1L]);
        using var row = tensor(new float[] { 10, 20, 30 });
        using var sum = column + row;
        using var product = column * row;
        Assert.Equal([2L, 3L], sum.shape);
        Assert.Equal([11f, 21, 31, 12, 22, 32], sum.data<float>());
        Assert.Equal([10f, 20, 30, 20, 40, 60], product.data<float>());
    }

    [Fact]
    public void OperatorsAcceptScalarsOnEitherSide()
    {
        using var x = tensor(new float[] { 1, 2, 4 });
        using var a = 1 - x;
        using var b = x - 1;
        using var c = 2 * x;
        using var d = x * 0.5;
        using var e = 8 / x;
        using var f = x / 2;
        using var g = 3L + x;
        using var h = -x;
        using var i = x % 3;
        Assert.Equal([0f, -1, -3], a.data<float>());
        Assert.Equal([0f, 1, 3], b.data<float>());
        Assert.Equal([2f, 4, 8], c.data<float>());
        Assert.Equal([0.5f, 1, 2], d.data<float>());
        Assert.Equal([8f, 4, 2], e.data<float>());
        Assert.Equal([0.5f, 1, 2], f.data<float>());
        Assert.Equal([4f, 5, 7], g.data<float>());
        Assert.Equal([-1f, -2, -4], h.data<float>());
        Assert.Equal([1f, 2, 1], i.data<float>());
    }

    [Fact]
    public void IntegerDivisionIsTrueDivisionUnlessARoundingModeIsGiven()
    {
        using var a = tensor(new long[] { 7, -7 });
        using var b = tensor(new long[] { 2, 2 });
        using var t = a / b;
        using var floor = a.div(b, RoundingMode.floor);
        using var trunc = a.div(2, RoundingMode.trunc);
        Assert.Equal(ScalarType.Float32, t.dtype);
        Assert.Equal([3.5f, -3.5f], t.data<float>());
        Assert.Equal([3L, -4L], floor.data<long>());
        Assert.Equal([3L, -3L], trunc.data<long>());
    }

    [Fact]
    public void IntegerTensorPlusFloatScalarPromotesToFloat()
    {
        using var a = tensor(new long[] { 1, 2 });
        using var b = a + 0.5;
        using var c = a * 2;
        Assert.Equal(ScalarType.Float32, b.dtype);
        Assert.Equal([1.5f, 2.5f], b.data<float>());
        Assert.Equal(ScalarType.Int64, c.dtype);
        Assert.Equal([2L, 4L], c.data<long>());
    }

    [Fact]
    public void UnaryFunctionsMatchTheirDefinitions()
    {
        using var x = tensor(new float[] { 1, 4, 9 });
        using var s = tensor(new float[] { -2, 0, 3 });
        Close([1, 2, 3], x.sqrt());
        Close([1, 0.5f, 1f / 3], x.rsqrt());
        Close([MathF.E, MathF.Exp(4), MathF.Exp(9)], x.exp(), 1e-2f);
        Close([0, MathF.Log(4), MathF.Log(9)], x.log());
        Close([-1, 0, 1], s.sign());
        Close([2, 0, 3], s.abs());
        Close([2, 0, -3], s.neg());
        Close([1, 16, 81], x.pow(2));
        Close([1, 2, 3], x.pow(0.5));
        using var e = tensor(new float[] { 0, 1, 2 });
        Close([1, 4, 81], x.pow(e));
        Close([2, 4, 8], torch.pow(2, tensor(new float[] { 1, 2, 3 })));
        Close([0, 0, 3], s.relu());
        Close([0.5f, 0.5f, 0.5f], zeros(3).sigmoid());
    }

    [Fact]
    public void ClampAcceptsEitherBoundAlone()
    {
        using var x = tensor(new float[] { -2, 0.5f, 3 });
        Close([-1, 0.5f, 1], x.clamp(-1, 1));
        Close([0, 0.5f, 3], x.clamp(min: 0));
        Close([-2, 0.5f, 2], x.clamp(max: 2));
        using var lo = tensor(new float[] { 0, 1, 0 });
        Close([0, 1, 3], x.clamp(lo, null));
        x.clamp_(max: 0);
        Assert.Equal([-2f, 0, 0], x.data<float>());
    }

    [Fact]
    public void InPlaceOpsModifyTheTensorAndReturnIt()
    {
        using var x = tensor(new float[] { 1, 2, 3 });
        using var y = tensor(new float[] { 1, 1, 1 });
        Assert.Same(x, x.add_(y));
        Assert.Equal([2f, 3, 4], x.data<float>());
        x.mul_(2).sub_(1).div_(y.mul(0.5));
        Assert.Equal([6f, 10, 14], x.data<float>());
        x.add_(y, -6);
        Assert.Equal([0f, 4, 8], x.data<float>());
        x.zero_();
        Assert.Equal([0f, 0, 0], x.data<float>());
        x.fill_(2.5);
        Assert.Equal([2.5f, 2.5f, 2.5f], x.data<float>());
        using var source = tensor(new long[] { 7 });
        x.copy_(source); // broadcast and converted to float
        Assert.Equal([7f, 7, 7], x.data<float>());
    }

    [Fact]
    public void InPlaceOnAViewWritesThroughToItsBase()
    {
        using var x = zeros(2, 3);
        using (var row = x.select(0, 1)) row.add_(5);
        Assert.Equal([0f, 0, 0, 5, 5, 5], x.data<float>());
    }

    [Fact]
    public void FusedUpdatesComputeTheirFormulas()
    {
        using var x = tensor(new float[] { 1, 1 });
        using var a = tensor(new float[] { 2, 3 });
        using var b = tensor(new float[] { 4, 6 });
        x.addcmul_(a, b, 0.5);    // 1 + 0.5 * a * b
        Assert.Equal([5f, 10], x.data<float>());
        x.addcdiv_(b, a, 2);      // + 2 * b / a
        Assert.Equal([9f, 14], x.data<float>());
        using var end = tensor(new float[] { 19, 24 });
        x.lerp_(end, 0.5);        // x + 0.5 * (end - x)
        Assert.Equal([14f, 19], x.data<float>());
    }

    [Fact]
    public void MatrixProductsMatchHandComputedValues()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2L, 3L]);
        using var b = tensor(new float[] { 1, 0, 0, 1, 1, 1 }, [3L, 2L]);
        using var mm = a.mm(b);
        using var mat = a.matmul(b);
        using var v = tensor(new float[] { 1, 1, 1 });
        using var mv = a.matmul(v);
        // [1 2 3; 4 5 6] @ [1 0; 0 1; 1 1] = [4 5; 10 11]
        Assert.Equal([4f, 5, 10, 11], mm.data<float>());
        Assert.True(mat.equal(mm));
        Assert.Equal([6f, 15], mv.data<float>());
        using var batch = stack([a, a]);
        using var bb = stack([b, b]);
        using var bmm = batch.bmm(bb);
        Assert.Equal([2L, 2L, 2L], bmm.shape);
        Assert.Equal([4f, 5, 10, 11, 4, 5, 10, 11], bmm.data<float>());
    }

    [Fact]
    public void ComparisonsGiveBoolTensors()
    {
        using var a = tensor(new float[] { 1, 2, 3 });
        using var b = tensor(new float[] { 3, 2, 1 });
        using var eq = a.eq(b);
        using var lt = a.lt(b);
        using var ge = a.ge(2);
        using var ne = a.ne(2L);
        Assert.Equal(ScalarType.Bool, eq.dtype);
        Assert.Equal([false, true, false], eq.data<bool>());
        Assert.Equal([true, false, false], lt.data<bool>());
        Assert.Equal([false, true, true], ge.data<bool>());
        Assert.Equal([true, false, true], ne.data<bool>());
        Assert.Equal([false, true, true], a.gt(1).data<bool>());
        Assert.Equal([true, true, false], a.le(b).data<bool>());
    }

    [Fact]
    public void AllAnyEqualAndAllclose()
    {
        using var a = tensor(new float[] { 1, 2, 3 });
        using var b = tensor(new float[] { 1, 2, 3.000001f });
        using var mask = tensor(new bool[] { true, false });
        Assert.True(a.equal(a.clone()));
        Assert.False(a.equal(b));
        Assert.True(a.allclose(b));
        Assert.False(a.allclose(b, rtol: 0, atol: 0));
        Assert.False(mask.all().item<bool>());
        Assert.True(mask.any().item<bool>());
        using var zerosTensor = zeros(2);
        Assert.False(a.equal(zerosTensor)); // different shapes are simply unequal
    }

    [Fact]
    public void ConversionsChangeTypeAndKeepValues()
    {
        using var x = tensor(new float[] { 1.7f, -1.7f, 0 });
        using var l = x.@long();
        using var d = x.to(float64);
        using var b = x.@bool();
        using var same = x.to_type(float32);
        using var onCpu = x.cpu();
        using var viaDevice = x.to(CPU);
        using var both = x.to(float64, CPU);
        Assert.Equal([1L, -1L, 0L], l.data<long>());
        Assert.Equal(ScalarType.Float64, d.dtype);
        Assert.Equal(1.7, d.data<double>()[0], 6);
        Assert.Equal([true, true, false], b.data<bool>());
        Assert.Equal(ScalarType.Float32, same.dtype);
        Assert.Equal(DeviceType.CPU, onCpu.device_type);
        Assert.Equal(DeviceType.CPU, viaDevice.device_type);
        Assert.Equal(ScalarType.Float64, both.dtype);
        using var i = x.type(int32);
        Assert.Equal([1, -1, 0], i.data<int>());
    }

    [Fact]
    public void ConversionWithoutChangeSharesDataAndCopyDoesNot()
    {
        using var x = zeros(2);
        using var same = x.to(float32);
        using var copy = x.to(float32, copy: true);
        x.fill_(1);
        Assert.Equal([1f, 1], same.data<float>());
        Assert.Equal([0f, 0], copy.data<float>());
    }

    [Fact]
    public void SmallIntegerAndBoolTypesWorkThroughOps()
    {
        using var u = tensor(new byte[] { 250, 3 });
        using var i = tensor(new int[] { -4, 9 });
        using var wrapped = u + 10;                 // uint8 arithmetic wraps, as in PyTorch
        using var widened = u.sum();                // integral sums accumulate in int64
        using var product = i * 2;
        using var flags = tensor(new bool[] { true, false });
        using var count = flags.sum();
        Assert.Equal(ScalarType.Byte, wrapped.dtype);
        Assert.Equal([(byte)4, (byte)13], wrapped.data<byte>());
        Assert.Equal(253L, widened.item<long>());
        Assert.Equal(ScalarType.Int32, product.dtype);
        Assert.Equal([-8, 18], product.data<int>());
        Assert.Equal(1L, count.item<long>());
        using var asFloat = i.@float();
        Assert.Equal([-4f, 9f], asFloat.data<float>());
    }
}
