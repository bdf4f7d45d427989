using PruneGen.Data;
using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Tests.Data;

public class DataLoaderTests
{
    private static ImageDataset Indexed(int count, int classes = 3, int channels = 1, int size = 2) =>
        ImageDatasetTests.Indexed(count, Enumerable.Range(0, count).Select(i => i % classes).ToArray(), channels, size);

    // Random bytes, so that a crop/flip of one image cannot accidentally equal another transform.
    private static ImageDataset RandomBytes(int count, int channels, int size, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[count * channels * size * size];
        random.NextBytes(pixels);
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)Math.Max((int)pixels[i], 1); // 0 is reserved for padding
        int[] labels = Enumerable.Range(0, count).Select(i => i % 10).ToArray();
        return ImageDataset.FromBytes("random", pixels, count, channels, size, size, labels, Enumerable.Range(0, 10).Select(k => $"c{k}").ToArray());
    }

    private static List<(float[] Images, long[] Labels, long[] Shape)> Collect(IEnumerable<Batch> batches)
    {
        var result = new List<(float[], long[], long[])>();
        foreach (Batch batch in batches)
        {
            using (batch) result.Add((batch.Images.data<float>(), batch.Labels.data<long>(), batch.Images.shape));
        }
        return result;
    }

    [Fact]
    public void BatchesHaveTheDocumentedShapesAndTypes()
    {
        var loader = new DataLoader(Indexed(10, channels: 3, size: 4), new DataLoaderOptions { BatchSize = 4 });
        Assert.Equal(3, loader.BatchesPerEpoch);
        var batches = loader.Epoch(0).ToList();
        try
        {
            Assert.Equal([4L, 3, 4, 4], batches[0].Images.shape);
            Assert.Equal(ScalarType.Float32, batches[0].Images.dtype);
            Assert.True(batches[0].Images.is_contiguous());
            Assert.Equal([4L], batches[0].Labels.shape);
            Assert.Equal(ScalarType.Int64, batches[0].Labels.dtype);
            Assert.Equal([2L, 3, 4, 4], batches[2].Images.shape); // partial last batch
            Assert.Equal([0, 1, 2], batches.Select(b => b.Index));
            Assert.Equal([4, 4, 2], batches.Select(b => b.Count));
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public void DropLastSkipsThePartialBatch()
    {
        var loader = new DataLoader(Indexed(10), new DataLoaderOptions { BatchSize = 4, DropLast = true });
        Assert.Equal(2, loader.BatchesPerEpoch);
        Assert.Equal(2, Collect(loader.Epoch(0)).Count);
    }

    [Fact]
    public void EachEpochVisitsEveryImageOnceInTheOrderItAnnounces()
    {
        var loader = new DataLoader(Indexed(23, classes: 4), new DataLoaderOptions { BatchSize = 5, Seed = 3 });
        int[] order = loader.EpochOrder(2);
        Assert.Equal(Enumerable.Range(0, 23), order.Order());
        var batches = Collect(loader.Epoch(2));
        // Images are constant, equal to their index: the first pixel of each image identifies it.
        int[] seen = batches.SelectMany(b => b.Images.Where((_, k) => k % 4 == 0).Select(v => (int)v)).ToArray();
        Assert.Equal(order, seen);
        Assert.Equal(order.Select(i => (long)(i % 4)), batches.SelectMany(b => b.Labels));
    }

    [Fact]
    public void EpochOrdersAreReproducibleAndDifferBetweenEpochsAndSeeds()
    {
        ImageDataset data = Indexed(100);
        var a = new DataLoader(data, new DataLoaderOptions { Seed = 1 });
        var b = new DataLoader(data, new DataLoaderOptions { Seed = 1 });
        var c = new DataLoader(data, new DataLoaderOptions { Seed = 2 });
        Assert.Equal(a.EpochOrder(5), b.EpochOrder(5));
        Assert.NotEqual(a.EpochOrder(5), a.EpochOrder(6));
        Assert.NotEqual(a.EpochOrder(5), c.EpochOrder(5));
        var sequential = new DataLoader(data, new DataLoaderOptions { Shuffle = false });
        Assert.Equal(Enumerable.Range(0, 100), sequential.EpochOrder(7));
    }

    [Fact]
    public void ResumingMidEpochYieldsTheRemainingBatchesOfAnUninterruptedRun()
    {
        ImageDataset data = RandomBytes(50, 1, 8, seed: 4);
        var options = new DataLoaderOptions
        {
            BatchSize = 8, Seed = 9, Normalization = Normalization.FashionMnist,
            Augmentation = Augmentation.CropAndFlip(2),
        };
        var uninterrupted = Collect(new DataLoader(data, options).Epoch(3));
        // A fresh loader (as after a restart) asked for epoch 3 from batch 4 on.
        var resumed = Collect(new DataLoader(data, options).Epoch(3, startBatch: 4));
        Assert.Equal(uninterrupted.Count - 4, resumed.Count);
        for (int i = 0; i < resumed.Count; i++)
        {
            Assert.Equal(uninterrupted[4 + i].Images, resumed[i].Images);
            Assert.Equal(uninterrupted[4 + i].Labels, resumed[i].Labels);
        }
        Assert.Empty(new DataLoader(data, options).Epoch(3, startBatch: 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(data, options).Epoch(3, startBatch: 8));
    }

    [Fact]
    public void AbandonedEnumerationLeavesTheLoaderUsable()
    {
        var loader = new DataLoader(RandomBytes(64, 1, 8, seed: 1), new DataLoaderOptions { BatchSize = 4 });
        foreach (Batch batch in loader.Epoch(0))
        {
            batch.Dispose();
            break;
        }
        Assert.Equal(16, Collect(loader.Epoch(0)).Count);
    }

    [Fact]
    public void NormalisationIsTorchvisionsToTensorThenNormalize()
    {
        byte[] values = [0, 1, 51, 128, 254, 255, 7, 200];
        var data = ImageDataset.FromBytes("values", values, 2, 1, 2, 2, [0, 1], ["a", "b"]);
        var loader = new DataLoader(data, new DataLoaderOptions { Shuffle = false, Normalization = Normalization.FashionMnist });
        float[] batch = Collect(loader.Epoch(0))[0].Images;
        for (int i = 0; i < values.Length; i++)
            Assert.Equal((values[i] / 255.0 - 0.2860) / 0.3530, batch[i], 1e-6);

        var raw = new DataLoader(data, new DataLoaderOptions { Shuffle = false });
        float[] unit = Collect(raw.Epoch(0))[0].Images;
        for (int i = 0; i < values.Length; i++) Assert.Equal(values[i] / 255.0, unit[i], 1e-7);
    }

    [Fact]
    public void FloatImagesAreNormalisedPerChannel()
    {
        var data = ImageDataset.FromFloats("f", [1f, 2f, 3f, 4f, 5f, 6f], 1, 3, 1, 2, [0], ["a"]);
        var normalization = new Normalization([1f, 2f, 3f], [0.5f, 2f, 4f]);
        float[] batch = Collect(new DataLoader(data, new DataLoaderOptions { Normalization = normalization }).Epoch(0))[0].Images;
        Assert.Equal([0f, 2f, 0.5f, 1f, 0.5f, 0.75f], batch);
    }

    [Fact]
    public void NormalisationMustMatchTheChannelCount()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new DataLoader(Indexed(4, channels: 3), new DataLoaderOptions { Normalization = Normalization.FashionMnist }));
        Assert.Contains("1 channel(s) but dataset 'indexed' has 3", e.Message);
    }

    [Fact]
    public void InvalidOptionsAreRejected()
    {
        ImageDataset data = Indexed(4, size: 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(data, new DataLoaderOptions { BatchSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(data, new DataLoaderOptions { Augmentation = new Augmentation(Padding: 5) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(data).Epoch(-1));
    }

    [Fact]
    public void AugmentationKeepsShapeAndIsSeeded()
    {
        ImageDataset data = RandomBytes(32, 3, 8, seed: 7);
        var options = new DataLoaderOptions { BatchSize = 16, Augmentation = Augmentation.CropAndFlip(2), AugmentationSeed = 100 };
        var a = Collect(new DataLoader(data, options).Epoch(0));
        var b = Collect(new DataLoader(data, options).Epoch(0));
        var c = Collect(new DataLoader(data, options with { AugmentationSeed = 101 }).Epoch(0));
        var plain = Collect(new DataLoader(data, options with { Augmentation = null }).Epoch(0));
        Assert.All(a, batch => Assert.Equal([16L, 3, 8, 8], batch.Shape));
        Assert.Equal(a.Select(x => x.Images), b.Select(x => x.Images));
        Assert.NotEqual(a[0].Images, c[0].Images);
        Assert.NotEqual(a[0].Images, plain[0].Images);
        // The augmentation stream is separate from the order: same order, same labels.
        Assert.Equal(a.Select(x => x.Labels), c.Select(x => x.Labels));
        // An epoch's augmentation differs from the next epoch's.
        var next = Collect(new DataLoader(data, options with { Shuffle = false }).Epoch(1));
        var first = Collect(new DataLoader(data, options with { Shuffle = false }).Epoch(0));
        Assert.NotEqual(first[0].Images, next[0].Images);
    }

    [Fact]
    public void IdentityAugmentationChangesNothing()
    {
        ImageDataset data = RandomBytes(8, 1, 5, seed: 3);
        var plain = Collect(new DataLoader(data, new DataLoaderOptions { Seed = 1 }).Epoch(0));
        var identity = Collect(new DataLoader(data, new DataLoaderOptions { Seed = 1, Augmentation = new Augmentation() }).Epoch(0));
        Assert.Equal(plain[0].Images, identity[0].Images);
    }

    [Fact]
    public void AugmentedImagesAreCropsOfTheZeroPaddedImageOrTheirMirrors()
    {
        const int channels = 2, size = 6, padding = 2;
        ImageDataset data = RandomBytes(24, channels, size, seed: 11);
        var options = new DataLoaderOptions
        {
            BatchSize = 24, Shuffle = false, Normalization = new Normalization([0.5f, 0.25f], [0.2f, 0.4f]),
            Augmentation = Augmentation.CropAndFlip(padding),
        };
        float[] batch = Collect(new DataLoader(data, options).Epoch(0))[0].Images;
        var found = new HashSet<(int, int, bool)>();
        int imageSize = channels * size * size;
        for (int i = 0; i < data.Count; i++)
        {
            float[] actual = batch[(i * imageSize)..((i + 1) * imageSize)];
            var matches = Candidates(data, i, size, padding, options.Normalization)
                .Where(candidate => candidate.Image.Zip(actual, (e, a) => Math.Abs(e - a)).Max() < 1e-5f)
                .ToList();
            Assert.True(matches.Count == 1, $"image {i}: {matches.Count} transforms match");
            found.Add(matches[0].Transform);
        }
        // 24 images over 50 possible transforms: several distinct ones, flips included and not.
        Assert.True(found.Count >= 10, $"only {found.Count} distinct transforms");
        Assert.Contains(found, t => t.Item3);
        Assert.Contains(found, t => !t.Item3);
    }

    // Every torchvision RandomCrop(padding) + optional flip of image i, written out naively.
    private static IEnumerable<((int, int, bool) Transform, float[] Image)> Candidates(ImageDataset data, int i, int size, int padding, Normalization n)
    {
        int channels = data.Channels;
        ReadOnlySpan<byte> all = data.BytePixels;
        byte[] source = all.Slice(i * data.ImageSize, data.ImageSize).ToArray();
        for (int top = 0; top <= 2 * padding; top++)
        for (int left = 0; left <= 2 * padding; left++)
        foreach (bool flip in new[] { false, true })
        {
            var image = new float[data.ImageSize];
            for (int c = 0; c < channels; c++)
            for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                int cropX = flip ? size - 1 - x : x;
                int sy = y + top - padding, sx = cropX + left - padding;
                int raw = sy >= 0 && sy < size && sx >= 0 && sx < size ? source[(c * size + sy) * size + sx] : 0;
                image[(c * size + y) * size + x] = (raw / 255f - n.Mean[c]) / n.Std[c];
            }
            yield return ((top, left, flip), image);
        }
    }

    [Fact]
    public void BatchTensorsJoinTheCallersDisposeScope()
    {
        var loader = new DataLoader(Indexed(8), new DataLoaderOptions { BatchSize = 4 });
        var batches = new List<Batch>();
        using (NewDisposeScope())
        {
            foreach (Batch batch in loader.Epoch(0)) batches.Add(batch);
            Assert.All(batches, b => Assert.False(b.Images.IsInvalid));
        }
        Assert.All(batches, b => Assert.True(b.Images.IsInvalid && b.Labels.IsInvalid));
    }

    [Fact]
    public void BatchDeconstructsIntoImagesAndLabels()
    {
        var loader = new DataLoader(Indexed(3), new DataLoaderOptions { Shuffle = false });
        foreach (var (images, labels) in loader.Epoch(0))
        {
            using (images) using (labels)
            {
                Assert.Equal([3L, 1, 2, 2], images.shape);
                Assert.Equal([0L, 1, 2], labels.data<long>());
            }
        }
    }

    [Fact]
    public void ChannelsLastBatchesHoldTheSameValuesInNhwcMemory()
    {
        ImageDataset data = RandomBytes(12, 3, 5, seed: 8);
        var options = new DataLoaderOptions
        {
            BatchSize = 5, Seed = 2, Normalization = new Normalization([0.4f, 0.5f, 0.6f], [0.2f, 0.25f, 0.3f]),
            Augmentation = Augmentation.CropAndFlip(1),
        };
        var loader = new DataLoader(data, options);
        var channelsLast = new DataLoader(data, options with { MemoryFormat = MemoryFormat.ChannelsLast });
        foreach (var (a, b) in loader.Epoch(1).Zip(channelsLast.Epoch(1)))
        {
            using (a) using (b)
            {
                Assert.Equal(a.Images.shape, b.Images.shape);
                Assert.True(b.Images.is_contiguous(MemoryFormat.ChannelsLast));
                Assert.False(b.Images.is_contiguous());
                Assert.Equal([3L * 5 * 5, 1, 5 * 3, 3], b.Images.stride()); // NHWC strides of an NCHW-shaped tensor
                Assert.Equal(a.Images.data<float>(), b.Images.data<float>()); // data<T> reads in logical (NCHW) order
                Assert.Equal(a.Labels.data<long>(), b.Labels.data<long>());
            }
        }
    }
}
