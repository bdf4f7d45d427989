using System.Runtime.InteropServices;
using PruneGen.Data;

namespace PruneGen.Tests.Data;

public class SyntheticImagesTests
{
    [Fact]
    public void SameSeedGivesBitIdenticalData()
    {
        ImageDataset a = SyntheticImages.Create(seed: 42, count: 64, classes: 5, channels: 2, size: 16);
        ImageDataset b = SyntheticImages.Create(seed: 42, count: 64, classes: 5, channels: 2, size: 16);
        Assert.True(MemoryMarshal.AsBytes(a.FloatPixels).SequenceEqual(MemoryMarshal.AsBytes(b.FloatPixels)));
        Assert.Equal(a.Labels.ToArray(), b.Labels.ToArray());
    }

    [Fact]
    public void OtherSeedOrSplitGivesOtherData()
    {
        ImageDataset a = SyntheticImages.Create(seed: 42, count: 16, size: 8);
        ImageDataset b = SyntheticImages.Create(seed: 43, count: 16, size: 8);
        ImageDataset t = SyntheticImages.Create(seed: 42, count: 16, size: 8, split: SyntheticSplit.Test);
        Assert.False(a.FloatPixels.SequenceEqual(b.FloatPixels));
        Assert.False(a.FloatPixels.SequenceEqual(t.FloatPixels));
    }

    [Fact]
    public void ShapeAndBalancedLabels()
    {
        ImageDataset d = SyntheticImages.Create(seed: 1, count: 100, classes: 4, channels: 3, size: 12);
        Assert.Equal((100, 3, 12, 12), (d.Count, d.Channels, d.Height, d.Width));
        Assert.Equal(PixelStorage.Float32, d.Storage);
        Assert.Equal([25, 25, 25, 25], d.ClassHistogram());
        Assert.Equal(4, d.ClassNames.Count);
    }

    [Fact]
    public void NoiseHasTheRequestedScale()
    {
        // The same samples with and without noise differ by the noise alone (same draws, same shifts).
        ImageDataset clean = SyntheticImages.Create(seed: 5, count: 200, size: 16, noise: 0f);
        ImageDataset noisy = SyntheticImages.Create(seed: 5, count: 200, size: 16, noise: 0.5f);
        double sum = 0, sumSquares = 0;
        ReadOnlySpan<float> c = clean.FloatPixels, n = noisy.FloatPixels;
        for (int i = 0; i < c.Length; i++)
        {
            double d = n[i] - c[i];
            sum += d;
            sumSquares += d * d;
        }
        double mean = sum / c.Length, std = Math.Sqrt(sumSquares / c.Length - mean * mean);
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(std, 0.49, 0.51);
    }

    [Fact]
    public void TestSamplesAreRecognisableFromTrainClassMeans()
    {
        // A nearest-class-mean classifier is far weaker than a CNN; if it separates the classes of
        // held-out samples, the set is learnable (the point of the set) and train/test share patterns.
        ImageDataset train = SyntheticImages.Create(seed: 9, count: 500, classes: 10, channels: 3, size: 16);
        ImageDataset test = SyntheticImages.Create(seed: 9, count: 200, classes: 10, channels: 3, size: 16, split: SyntheticSplit.Test);
        int size = train.ImageSize;
        var means = new double[train.ClassCount, size];
        var counts = train.ClassHistogram();
        for (int i = 0; i < train.Count; i++)
        {
            ReadOnlySpan<float> image = train.FloatPixels.Slice(i * size, size);
            for (int k = 0; k < size; k++) means[train.Labels[i], k] += image[k] / (double)counts[train.Labels[i]];
        }
        int correct = 0;
        for (int i = 0; i < test.Count; i++)
        {
            ReadOnlySpan<float> image = test.FloatPixels.Slice(i * size, size);
            int best = -1;
            double bestDistance = double.MaxValue;
            for (int c = 0; c < train.ClassCount; c++)
            {
                double distance = 0;
                for (int k = 0; k < size; k++) distance += (image[k] - means[c, k]) * (image[k] - means[c, k]);
                if (distance < bestDistance) (best, bestDistance) = (c, distance);
            }
            if (best == test.Labels[i]) correct++;
        }
        Assert.True(correct >= 0.9 * test.Count, $"nearest class mean got {correct} of {test.Count}");
    }

    [Fact]
    public void InvalidArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticImages.Create(0, 10, classes: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticImages.Create(0, 10, size: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticImages.Create(0, 10, noise: -1));
    }
}
