using static PruneGen.Torch.torch;

namespace PruneGen.Torch.Tests;

/// <summary>
/// Bad input must surface as a .NET exception with libtorch's message (or an ArgumentException from
/// the managed checks), never as a crash, and must leave the binding usable.
/// </summary>
public class ErrorHandlingTests
{
    [Fact]
    public void WrongRankIsATorchException()
    {
        using var v = ones(3);
        var e = Assert.Throws<TorchException>(() => v.mm(v));
        Assert.Contains("must be a matrix", e.Message);
        using var m = ones(2, 3);
        Assert.Throws<TorchException>(() => m.bmm(m));
        Assert.Throws<TorchException>(() => ones(2, 3, 4).contiguous(channels_last));
    }

    [Fact]
    public void MismatchedShapesAreATorchException()
    {
        using var a = ones(2, 3);
        using var b = ones(4);
        var e = Assert.Throws<TorchException>(() => a + b);
        Assert.Contains("must match the size of tensor b (4)", e.Message);
        using var c = ones(2, 4);
        Assert.Throws<TorchException>(() => cat([a, c]));
        Assert.Throws<TorchException>(() => a.mm(a));
        Assert.Throws<TorchException>(() => a.view(5));
        using var t = a.t();
        Assert.Contains("view size is not compatible", Assert.Throws<TorchException>(() => t.view(6)).Message);
    }

    [Fact]
    public void BadDtypesAreATorchException()
    {
        using var f = ones(2, 3);
        using var l = ones(3, 2, dtype: int64);
        Assert.Contains("expected scalar type Float but found Long", Assert.Throws<TorchException>(() => f.mm(l)).Message);
        Assert.Contains("not implemented for 'Float'", Assert.Throws<TorchException>(() => f & f).Message);
        Assert.Contains("floating point", Assert.Throws<TorchException>(() => ones(2, dtype: int64, requires_grad: true)).Message);
        Assert.Throws<TorchException>(() => l.mean());
        using var i = tensor(new long[] { 2 });
        Assert.Contains("negative integer powers", Assert.Throws<TorchException>(() => i.pow(-1)).Message);
    }

    [Fact]
    public void UndefinedEnumValuesAreRejectedBeforeReachingLibtorch()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => zeros(2, dtype: (ScalarType)42));
        using var x = ones(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.to((ScalarType)(-3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.contiguous((MemoryFormat)9));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.div(x, (RoundingMode)7));
        Assert.Throws<ArgumentException>(() => zeros(2, device: new Device(DeviceType.CPU, 3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.to(new Device((DeviceType)7)));
    }

    [Fact]
    public void OutOfRangeDimsAreATorchException()
    {
        using var x = ones(2, 3);
        Assert.Contains("Dimension out of range", Assert.Throws<TorchException>(() => x.sum(5)).Message);
        Assert.Throws<TorchException>(() => x.transpose(0, 2));
        Assert.Throws<TorchException>(() => x.unsqueeze(4));
        Assert.Throws<TorchException>(() => x.max(-3));
        Assert.Throws<TorchException>(() => x.flatten(3));
    }

    [Fact]
    public void OutOfRangeIndicesAreATorchException()
    {
        using var x = zeros(3);
        using var bad = tensor(new long[] { 5 });
        using var negative = tensor(new long[] { -1 });
        using var one = ones(1);
        Assert.Contains("index out of range", Assert.Throws<TorchException>(() => x.index_select(0, bad)).Message);
        Assert.Throws<TorchException>(() => x.index_select(0, negative));
        Assert.Contains("out of range", Assert.Throws<TorchException>(() => x.select(0, 5)).Message);
        Assert.Contains("out of bounds", Assert.Throws<TorchException>(() => x.gather(0, bad)).Message);
        Assert.Throws<TorchException>(() => x.scatter_(0, bad, one));
        Assert.Throws<TorchException>(() => x.index_add_(0, bad, one));
        Assert.Throws<TorchException>(() => x.index_copy_(0, bad, one));
        Assert.Throws<TorchException>(() => x.index_fill_(0, bad, 1));
        Assert.Throws<TorchException>(() => x.take(bad));
        Assert.Throws<TorchException>(() => x.narrow(0, 2, 5));
        Assert.Throws<TorchException>(() => x.topk(5));
        Assert.Throws<TorchException>(() => x[7]);
        Assert.Throws<TorchException>(() => x.as_strided([10L], [1L]));
    }

    [Fact]
    public void IntegerDivisionByZeroIsATorchExceptionNotASignal()
    {
        using var a = tensor(new long[] { 1, 2 });
        using var zero = tensor(new long[] { 0, 0 });
        Assert.Contains("ZeroDivisionError", Assert.Throws<TorchException>(() => a % 0).Message);
        Assert.Throws<TorchException>(() => a.remainder(zero));
        Assert.Throws<TorchException>(() => a.fmod(0));
        Assert.Throws<TorchException>(() => a.div(zero, RoundingMode.floor));
        Assert.Throws<TorchException>(() => a.clone().div_(0, RoundingMode.trunc));
        using var trueDivision = a / zero; // floats: inf, as in PyTorch
        Assert.All(trueDivision.data<float>(), v => Assert.True(float.IsPositiveInfinity(v)));
    }

    [Fact]
    public void ImpossibleSizesAndArgumentsAreATorchException()
    {
        Assert.Contains("overflow", Assert.Throws<TorchException>(() => zeros(1L << 62, 4L)).Message);
        Assert.Throws<TorchException>(() => zeros(-1));
        Assert.Throws<TorchException>(() => arange(0, 5, step: 0));
        Assert.Throws<TorchException>(() => randint(5, 3, [2L]));
        Assert.Throws<TorchException>(() => randperm(-1));
        Assert.Throws<TorchException>(() => linspace(0, 1, -2));
        using var p = tensor(new float[] { 2 });
        Assert.Throws<TorchException>(() => p.bernoulli());
        using var x = ones(3);
        Assert.Throws<TorchException>(() => x.split(0));
        Assert.Throws<TorchException>(() => x.chunk(0));
        Assert.Throws<TorchException>(() => x.unflatten(0, 2, 2));
        using var empty = zeros(0);
        Assert.Throws<TorchException>(() => empty.max());
    }

    [Fact]
    public void InPlaceOnALeafThatRequiresGradIsATorchException()
    {
        using var w = ones(2, requires_grad: true);
        Assert.Contains("leaf Variable", Assert.Throws<TorchException>(() => w.add_(1)).Message);
        using (no_grad()) w.add_(1); // allowed without recording
        Assert.Equal([2f, 2f], w.data<float>());
    }

    [Fact]
    public void ManagedArgumentChecksComeFirst()
    {
        using var x = ones(3);
        Assert.Throws<ArgumentException>(() => cat(Array.Empty<Tensor>()));
        Assert.Throws<ArgumentException>(() => stack(new Tensor[] { x, null! }));
        Assert.Throws<ArgumentNullException>(() => zeros((long[])null!));
        Assert.Throws<ArgumentException>(() => x.clamp((Scalar?)null, null));
    }

    [Fact]
    public void CudaWithoutACudaBuildIsATorchException()
    {
        if (cuda.is_available()) return; // only meaningful on a CPU-only libtorch
        using var x = ones(2);
        Assert.Throws<TorchException>(() => x.cuda());
        Assert.Throws<TorchException>(() => zeros(2, device: CUDA));
    }

    [Fact]
    public void ErrorMessagesCarryNoCppBacktrace()
    {
        using var x = ones(2, 3);
        var e = Assert.Throws<TorchException>(() => x.sum(7));
        Assert.DoesNotContain("Exception raised from", e.Message);
        Assert.DoesNotContain("frame #", e.Message);
    }

    [Fact]
    public void DisposedTensorsThrowObjectDisposedWhereverTheyAppear()
    {
        using var live = ones(2);
        var dead = ones(2);
        dead.Dispose();
        Assert.Throws<ObjectDisposedException>(() => dead.add(live));
        Assert.Throws<ObjectDisposedException>(() => live.add(dead));
        Assert.Throws<ObjectDisposedException>(() => live + dead);
        Assert.Throws<ObjectDisposedException>(() => dead * 2);
        Assert.Throws<ObjectDisposedException>(() => live.add_(dead));
        Assert.Throws<ObjectDisposedException>(() => dead.sum());
        Assert.Throws<ObjectDisposedException>(() => dead.max(0));
        Assert.Throws<ObjectDisposedException>(() => dead.view(2));
        Assert.Throws<ObjectDisposedException>(() => live.index_select(0, dead));
        Assert.Throws<ObjectDisposedException>(() => where(dead, live, live));
        Assert.Throws<ObjectDisposedException>(() => cat([live, dead]));
        Assert.Throws<ObjectDisposedException>(() => live.clamp(dead, null));
        Assert.Throws<ObjectDisposedException>(() => live.copy_(dead));
        Assert.Throws<ObjectDisposedException>(() => dead.split(1));
        Assert.Throws<ObjectDisposedException>(() => zeros_like(dead));
        Assert.Throws<ObjectDisposedException>(() => dead.to(float64));
        Assert.Throws<ObjectDisposedException>(() => live.equal(dead));
        Assert.Throws<ObjectDisposedException>(() => live.addcmul_(live, dead, 1));
    }

    [Fact]
    public void AFailingOpInsideADisposeScopeLeaksNothingAndLeavesTheScopeUsable()
    {
        Tensor a, b, c;
        using (var scope = NewDisposeScope())
        {
            a = ones(2, 3);
            b = ones(4);
            Assert.Equal(2, scope.Count);
            Assert.Throws<TorchException>(() => a + b);
            Assert.Throws<TorchException>(() => a.max(9));       // two-result op
            Assert.Throws<TorchException>(() => a.split(0, 5));   // list-result op
            Assert.Equal(2, scope.Count);                         // the failures registered nothing
            c = a * 2;                                            // the scope still works
            Assert.Equal(3, scope.Count);
            Assert.Equal(12f, c.sum().item<float>());
        }
        Assert.True(a.IsInvalid);
        Assert.True(b.IsInvalid);
        Assert.True(c.IsInvalid);

        // A later op does not see a stale error.
        using var next = ones(2) + 1;
        Assert.Equal([2f, 2f], next.data<float>());
    }
}
