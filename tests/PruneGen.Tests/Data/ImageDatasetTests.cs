using PruneGen.Data;

namespace PruneGen.Tests.Data;

public class ImageDatasetTests
{
    // Image i is filled with the value i, so every image can be identified from its pixels.
    internal static ImageDataset Indexed(int count, int[] labels, int channels = 1, int size = 2)
    {
        int imageSize = channels * size * size;
        var pixels = new float[count * imageSize];
        for (int i = 0; i < count; i++) pixels.AsSpan(i * imageSize, imageSize).Fill(i);
        string[] names = Enumerable.Range(0, labels.Max() + 1).Select(k => $"c{k}").ToArray();
        return ImageDataset.FromFloats("indexed", pixels, count, channels, size, size, labels, names);
    }

    private static int[] ImageIds(ImageDataset d) => Enumerable.Range(0, d.Count).Select(i => (int)d.GetImage(i)[0]).ToArray();

    [Fact]
    public void ConstructionValidatesSizesAndLabels()
    {
        var e1 = Assert.Throws<ArgumentException>(() => ImageDataset.FromBytes("x", new byte[7], 2, 1, 2, 2, [0, 0], ["a"]));
        Assert.Contains("need 8 pixel values but 7", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => ImageDataset.FromBytes("x", new byte[8], 2, 1, 2, 2, [0, 3], ["a", "b"]));
        Assert.Contains("label 3 of image 1 is outside the 2 classes", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => ImageDataset.FromBytes("x", new byte[8], 2, 1, 2, 2, [0], ["a"]));
        Assert.Contains("2 images but 1 labels", e3.Message);
    }

    [Fact]
    public void SelectCopiesImagesAndLabelsInOrder()
    {
        ImageDataset d = Indexed(5, [0, 1, 2, 0, 1]);
        ImageDataset s = d.Select([4, 0, 4]);
        Assert.Equal([4, 0, 4], ImageIds(s));
        Assert.Equal([1, 0, 1], s.Labels.ToArray());
        Assert.Equal(d.ClassNames, s.ClassNames);
    }

    [Fact]
    public void UnstratifiedSubsetIsAPrefixOfTheSeededShuffle()
    {
        ImageDataset d = Indexed(50, Enumerable.Range(0, 50).Select(i => i % 3).ToArray());
        int[] all = ImageIds(d.Subset(50, seed: 3, stratified: false));
        int[] first = ImageIds(d.Subset(20, seed: 3, stratified: false));
        Assert.Equal(Enumerable.Range(0, 50), all.Order());
        Assert.NotEqual(Enumerable.Range(0, 50), all);
        Assert.Equal(all[..20], first);
    }

    [Fact]
    public void StratifiedSubsetRoundsClassSharesByLargestRemainder()
    {
        // Classes of 5, 3 and 2 images; 5 of 10 gives shares 2.5, 1.5, 1 -> 3, 1, 1 (tie goes to the lower class).
        ImageDataset d = Indexed(10, [0, 0, 0, 0, 0, 1, 1, 1, 2, 2]);
        ImageDataset s = d.Subset(5, seed: 11);
        Assert.Equal([3, 1, 1], s.ClassHistogram());
        // The chosen images keep their order in the seeded shuffle.
        int[] shuffled = ImageIds(d.Subset(10, seed: 11, stratified: false));
        int[] chosen = ImageIds(s);
        Assert.Equal(shuffled.Where(chosen.Contains), chosen);
    }

    [Fact]
    public void SubsetLargerThanTheDatasetIsRejected()
    {
        ImageDataset d = Indexed(4, [0, 1, 0, 1]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => d.Subset(5, seed: 0));
        Assert.Contains("0 to 4 images", e.Message);
    }
}
