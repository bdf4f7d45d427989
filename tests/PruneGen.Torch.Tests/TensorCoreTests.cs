using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Torch.Tests;

public class TensorCoreTests
{
    [Fact]
    public void TensorFromArrayKeepsShapeTypeAndData()
    {
        using var t = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        Assert.Equal([2L, 3L], t.shape);
        Assert.Equal(ScalarType.Float32, t.dtype);
        Assert.Equal([1f, 2, 3, 4, 5, 6], t.data<float>());
        Assert.Equal(DeviceType.CPU, t.device_type);
    }

    [Fact]
    public void ShapeThatDoesNotMatchTheDataIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => tensor(new float[] { 1, 2 }, [3]));
        Assert.Contains("holds 3 elements but 2 were given", e.Message);
    }

    [Fact]
    public void ReadingWithTheWrongElementTypeIsRejected()
    {
        using var t = tensor(new long[] { 1, 2 });
        Assert.Throws<InvalidOperationException>(() => t.data<float>());
    }

    [Fact]
    public void DisposedTensorThrowsObjectDisposed()
    {
        var t = tensor(new float[] { 1 });
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => t.shape);
        Assert.Throws<ObjectDisposedException>(() => t.clone());
    }

    [Fact]
    public void DisposeScopeDisposesWhatItCreatedExceptWhatMovesOut()
    {
        using var source = tensor(new float[] { 1, 2, 3 });
        Tensor kept, dropped;
        using (var scope = NewDisposeScope())
        {
            dropped = source.clone();
            kept = source.clone().MoveToOuterDisposeScope();
            Assert.Equal(1, scope.Count);
        }
        Assert.True(dropped.IsInvalid);
        Assert.False(kept.IsInvalid);
        Assert.False(source.IsInvalid);
        kept.Dispose();
    }

    [Fact]
    public void NestedScopesMoveTensorsOneLevelOut()
    {
        Tensor inner;
        using (var outer = NewDisposeScope())
        {
            using (NewDisposeScope())
            {
                inner = tensor(new float[] { 1 }).MoveToOuterDisposeScope();
            }
            Assert.False(inner.IsInvalid);
            Assert.Equal(1, outer.Count);
        }
        Assert.True(inner.IsInvalid);
    }

    [Fact]
    public void ParameterIsAGradLeafOutsideScopes()
    {
        nn.Parameter p;
        using (NewDisposeScope())
        {
            p = new nn.Parameter(tensor(new float[] { 1, 2 }));
        }
        Assert.False(p.IsInvalid);
        Assert.True(p.requires_grad);
        p.Dispose();
    }

    [Fact]
    public void ThreadCountDefaultsToEveryCoreAndCanBeSet()
    {
        using var _ = tensor(new float[] { 1 }); // loads the library, which applies the default
        Assert.Equal(Environment.ProcessorCount, get_num_threads());
        set_num_threads(1);
        Assert.Equal(1, get_num_threads());
        set_num_threads(Environment.ProcessorCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => set_num_threads(0));
    }

    [Fact]
    public void NoGradScopeRestoresThePreviousMode()
    {
        Assert.True(is_grad_enabled());
        using (no_grad())
        {
            Assert.False(is_grad_enabled());
            using (enable_grad()) Assert.True(is_grad_enabled());
            Assert.False(is_grad_enabled());
        }
        Assert.True(is_grad_enabled());
    }

    [Fact]
    public void DeviceStringsParse()
    {
        Assert.Equal(CPU, device("cpu"));
        Assert.Equal(new Device(DeviceType.CUDA, 1), device("cuda:1"));
        Assert.Throws<ArgumentException>(() => device("tpu"));
    }
}
