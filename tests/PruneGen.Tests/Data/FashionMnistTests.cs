using PruneGen.Data;

namespace PruneGen.Tests.Data;

/// <summary>Loads the real files of the Debian package dataset-fashion-mnist (installed by ./dev.sh setup and in CI).</summary>
public class FashionMnistTests
{
    // Loading and decompressing 60,000 images costs about a second; share it across the tests.
    private static readonly Lazy<ImageDataset> s_train = new(() => FashionMnist.Load(FashionMnistSplit.Train));

    [Fact]
    public void TrainSplitHas60000ImagesWith6000PerClass()
    {
        ImageDataset train = s_train.Value;
        Assert.Equal(60000, train.Count);
        Assert.Equal((1, 28, 28), (train.Channels, train.Height, train.Width));
        Assert.Equal(PixelStorage.Byte, train.Storage);
        Assert.All(train.ClassHistogram(), n => Assert.Equal(6000, n));
    }

    [Fact]
    public void TestSplitHas10000ImagesWith1000PerClass()
    {
        ImageDataset test = FashionMnist.Load(FashionMnistSplit.Test);
        Assert.Equal(10000, test.Count);
        Assert.Equal((1, 28, 28), (test.Channels, test.Height, test.Width));
        Assert.All(test.ClassHistogram(), n => Assert.Equal(1000, n));
    }

    [Fact]
    public void ClassNamesFollowLabelOrder()
    {
        Assert.Equal(10, FashionMnist.ClassNames.Count);
        Assert.Equal("T-shirt/top", FashionMnist.ClassNames[0]);
        Assert.Equal("Ankle boot", FashionMnist.ClassNames[9]);
        Assert.Equal(FashionMnist.ClassNames, s_train.Value.ClassNames);
    }

    [Fact]
    public void DefaultNormalisationMatchesTheTrainingSetStatistics()
    {
        // The 0.2860 / 0.3530 constants are recomputed from the pixels here, not copied.
        Normalization measured = Normalization.Compute(s_train.Value);
        Assert.Equal(FashionMnist.Normalization.Mean[0], measured.Mean[0], 1e-4f);
        Assert.Equal(FashionMnist.Normalization.Std[0], measured.Std[0], 1e-4f);
    }

    [Fact]
    public void MissingFilesNameThePathAndTheDebianPackage()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(FashionMnistSplit.Train, dir.Path));
        string expected = Path.Combine(dir.Path, "train-images-idx3-ubyte.gz");
        Assert.Equal(expected, e.FileName);
        Assert.Contains($"'{expected}' is missing", e.Message);
        Assert.Contains("dataset-fashion-mnist", e.Message);
        Assert.Contains("./dev.sh setup", e.Message);
    }

    [Fact]
    public void LoadsFromAConfiguredDirectoryAndChecksImagesAgainstLabels()
    {
        using var dir = new TempDirectory();
        IdxWriter.Write(dir.File("t10k-images-idx3-ubyte.gz"), new IdxArray([2, 2, 3], new byte[12]), gzip: true);
        // Plain (uncompressed) names are accepted when the .gz file is absent.
        IdxWriter.Write(dir.File("t10k-labels-idx1-ubyte"), new IdxArray([3], [1, 2, 3]), gzip: false);
        var e = Assert.Throws<IdxFormatException>(() => FashionMnist.Load(FashionMnistSplit.Test, dir.Path));
        Assert.Contains("holds 3 labels but", e.Message);
        Assert.Contains("holds 2 images", e.Message);

        IdxWriter.Write(dir.File("t10k-labels-idx1-ubyte"), new IdxArray([2], [4, 9]), gzip: false);
        ImageDataset tiny = FashionMnist.Load(FashionMnistSplit.Test, dir.Path);
        Assert.Equal(2, tiny.Count);
        Assert.Equal((2, 3), (tiny.Height, tiny.Width));
        Assert.Equal([4, 9], tiny.Labels.ToArray());
    }

    [Fact]
    public void StratifiedSubsetIsSeededAndKeepsClassProportions()
    {
        ImageDataset train = s_train.Value;
        ImageDataset a = train.Subset(1000, seed: 7);
        ImageDataset b = train.Subset(1000, seed: 7);
        ImageDataset c = train.Subset(1000, seed: 8);

        Assert.Equal(1000, a.Count);
        Assert.All(a.ClassHistogram(), n => Assert.Equal(100, n));
        Assert.True(a.BytePixels.SequenceEqual(b.BytePixels));
        Assert.Equal(a.Labels.ToArray(), b.Labels.ToArray());
        Assert.False(a.BytePixels.SequenceEqual(c.BytePixels));
    }
}
