using static PruneGen.Torch.torch;

namespace PruneGen.Torch.Tests;

public class TensorShapeOpsTests
{
    private static Tensor Range(params long[] shape)
    {
        using var flat = arange(shape.Aggregate(1L, (a, b) => a * b), dtype: float32);
        return flat.reshape(shape);
    }

    [Fact]
    public void ViewSharesStorageWithItsBase()
    {
        using var x = Range(2, 3);
        using var v = x.view(3, 2);
        Assert.Equal([3L, 2L], v.shape);
        v.fill_(7);
        Assert.All(x.data<float>(), value => Assert.Equal(7f, value));
    }

    [Fact]
    public void ReshapeFlattenUnflattenRoundTrip()
    {
        using var x = Range(2, 3, 4);
        using var f = x.flatten(1);
        using var all = x.flatten();
        using var back = f.unflatten(1, 3, 4);
        using var inferred = x.reshape(-1, 4);
        Assert.Equal([2L, 12L], f.shape);
        Assert.Equal([24L], all.shape);
        Assert.True(back.equal(x));
        Assert.Equal([6L, 4L], inferred.shape);
    }

    [Fact]
    public void PermuteTransposeAndTMoveDimensions()
    {
        using var x = Range(2, 3);
        using var t = x.t();
        using var tr = x.transpose(0, 1);
        using var p = x.permute(1, 0);
        using var big = Range(2, 3, 4);
        using var rev = big.T;
        Assert.Equal([0f, 3, 1, 4, 2, 5], t.data<float>());
        Assert.True(tr.equal(t));
        Assert.True(p.equal(t));
        Assert.Equal([4L, 3L, 2L], rev.shape);
        Assert.False(t.is_contiguous());
    }

    [Fact]
    public void UnsqueezeAndSqueezeAddAndRemoveUnitDimensions()
    {
        using var x = Range(3);
        using var u = x.unsqueeze(0).unsqueeze(-1);
        using var s = u.squeeze();
        using var s0 = u.squeeze(0);
        Assert.Equal([1L, 3L, 1L], u.shape);
        Assert.Equal([3L], s.shape);
        Assert.Equal([3L, 1L], s0.shape);
    }

    [Fact]
    public void ChannelsLastKeepsValuesAndChangesStrides()
    {
        using var x = Range(2, 3, 4, 5);
        using var cl = x.contiguous(channels_last);
        using var viaTo = x.to(MemoryFormat.ChannelsLast);
        using var back = cl.contiguous();
        Assert.True(cl.is_contiguous(MemoryFormat.ChannelsLast));
        Assert.False(cl.is_contiguous());
        // NHWC strides for [2, 3, 4, 5]: channel stride 1, width stride C, height stride W*C, batch H*W*C.
        Assert.Equal([60L, 1L, 15L, 3L], cl.stride());
        Assert.True(viaTo.is_contiguous(MemoryFormat.ChannelsLast));
        Assert.True(cl.equal(x));
        Assert.True(back.is_contiguous());
        Assert.Equal(x.data<float>(), cl.data<float>());
    }

    [Fact]
    public void ExpandBroadcastsWithoutCopyingAndRepeatTiles()
    {
        using var x = tensor(new float[] { 1, 2 }, [2L, 1L]);
        using var e = x.expand(2, 3);
        using var r = x.repeat(1, 2);
        using var row = tensor(new float[] { 1, 2, 3 });
        using var ea = row.expand_as(e);
        Assert.Equal([1f, 1, 1, 2, 2, 2], e.data<float>());
        Assert.Equal([1L, 0L], e.stride()); // the expanded dim has stride 0: no copy
        Assert.Equal([1f, 1, 2, 2], r.data<float>());
        Assert.Equal([1f, 2, 3, 1, 2, 3], ea.data<float>());
    }

    [Fact]
    public void NarrowSliceAndSelectTakeViews()
    {
        using var x = Range(4, 5);
        using var n = x.narrow(1, 1, 2);
        using var s = x.slice(0, 0, 4, 2);
        using var row = x.select(0, 2);
        using var last = x.select(1, -1);
        using var indexed = x[1];
        using var element = x[3, 4];
        Assert.Equal([1f, 2, 6, 7, 11, 12, 16, 17], n.data<float>());
        Assert.Equal([0f, 1, 2, 3, 4, 10, 11, 12, 13, 14], s.data<float>());
        Assert.Equal([10f, 11, 12, 13, 14], row.data<float>());
        Assert.Equal([4f, 9, 14, 19], last.data<float>());
        Assert.Equal([5f, 6, 7, 8, 9], indexed.data<float>());
        Assert.Equal(19f, element.item<float>());

        using var zerosRow = zeros(5);
        x[0] = zerosRow;
        Assert.Equal(0f, x.sum(1).data<float>()[0]);
    }

    [Fact]
    public void IndexSelectAndGatherPickEntries()
    {
        using var x = Range(3, 3);
        using var idx = tensor(new long[] { 2, 0 });
        using var rows = x.index_select(0, idx);
        using var gidx = tensor(new long[] { 2, 1, 0 }, [3L, 1L]);
        using var g = x.gather(1, gidx);
        Assert.Equal([6f, 7, 8, 0, 1, 2], rows.data<float>());
        Assert.Equal([2f, 4, 6], g.data<float>());
    }

    [Fact]
    public void ScatterIndexCopyAndIndexAddWriteEntries()
    {
        using var x = zeros(3);
        using var idx = tensor(new long[] { 2, 0 });
        using var src = tensor(new float[] { 5, 6 });
        x.scatter_(0, idx, src);
        Assert.Equal([6f, 0, 5], x.data<float>());
        x.index_add_(0, idx, src, 2);
        Assert.Equal([18f, 0, 15], x.data<float>());
        x.index_fill_(0, idx, -1);
        Assert.Equal([-1f, 0, -1], x.data<float>());
    }

    [Fact]
    public void MaskedFillMaskedSelectAndWhere()
    {
        using var x = tensor(new float[] { 1, -2, 3, -4 });
        using var mask = x.lt(0);
        using var filled = x.masked_fill(mask, 0);
        using var selected = x.masked_select(mask);
        using var other = full(4, 10f);
        using var w = where(mask, x, other);
        using var ws = where(mask, x, 0.5);
        using var method = x.where(mask, other);
        Assert.Equal([1f, 0, 3, 0], filled.data<float>());
        Assert.Equal([-2f, -4], selected.data<float>());
        Assert.Equal([10f, -2, 10, -4], w.data<float>());
        Assert.Equal([0.5f, -2, 0.5f, -4], ws.data<float>());
        Assert.Equal([10f, -2, 10, -4], method.data<float>());
        x.masked_fill_(mask, 9);
        Assert.Equal([1f, 9, 3, 9], x.data<float>());
    }

    [Fact]
    public void CatAndStackJoinTensors()
    {
        using var a = Range(2, 2);
        using var b = full(2, 2, 9f);
        using var c0 = cat([a, b]);
        using var c1 = cat(new List<Tensor> { a, b }, 1);
        using var s = stack([a, b], 0);
        using var s2 = stack(new[] { a, b }.AsEnumerable(), 2);
        Assert.Equal([4L, 2L], c0.shape);
        Assert.Equal([0f, 1, 9, 9, 2, 3, 9, 9], c1.data<float>());
        Assert.Equal([2L, 2L, 2L], s.shape);
        Assert.Equal([2L, 2L, 2L], s2.shape);
        Assert.Equal([0f, 9, 1, 9, 2, 9, 3, 9], s2.data<float>());
    }

    [Fact]
    public void SplitChunkAndUnbindCutTensors()
    {
        using var x = Range(5, 2);
        Tensor[] parts = x.split(2);
        Tensor[] sized = x.split([1L, 4L]);
        Tensor[] chunks = x.chunk(3);
        Tensor[] rows = x.unbind(1);
        try
        {
            Assert.Equal([2L, 2L, 1L], parts.Select(p => p.shape[0]));
            Assert.Equal([1L, 4L], sized.Select(p => p.shape[0]));
            Assert.Equal([2L, 2L, 1L], chunks.Select(p => p.shape[0]));
            Assert.Equal(2, rows.Length);
            Assert.Equal([8f, 9], parts[2].data<float>());
            Assert.Equal([1f, 3, 5, 7, 9], rows[1].data<float>());
        }
        finally
        {
            foreach (Tensor t in parts.Concat(sized).Concat(chunks).Concat(rows)) t.Dispose();
        }
    }

    [Fact]
    public void NonzeroListsIndicesOfNonZeroElements()
    {
        using var x = tensor(new float[] { 0, 1, 0, 2 }, [2L, 2L]);
        using var nz = x.nonzero();
        Assert.Equal([2L, 2L], nz.shape);
        Assert.Equal([0L, 1, 1, 1], nz.data<long>());
    }

    [Fact]
    public void FlipReversesDims()
    {
        using var x = Range(2, 2);
        using var f = x.flip(0, 1);
        Assert.Equal([3f, 2, 1, 0], f.data<float>());
    }
}
