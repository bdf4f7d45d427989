namespace PruneGen.Data;

public enum FashionMnistSplit
{
    /// <summary>60,000 training images.</summary>
    Train,

    /// <summary>10,000 test images (the "t10k" files).</summary>
    Test,
}

/// <summary>
/// Fashion-MNIST (28×28 grey-scale, 10 classes) from the IDX files of the Debian package
/// <c>dataset-fashion-mnist</c>; nothing is downloaded. Images are kept as bytes.
/// </summary>
public static class FashionMnist
{
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";
    public const string DebianPackage = "dataset-fashion-mnist";

    /// <summary>Class names in label order (as in the dataset's documentation).</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The usual normalisation (training-set mean 0.2860, std 0.3530).</summary>
    public static Normalization Normalization => Normalization.FashionMnist;

    /// <summary>The gzip file names of a split: (images, labels).</summary>
    public static (string Images, string Labels) FileNames(FashionMnistSplit split) => split switch
    {
        FashionMnistSplit.Train => ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
        FashionMnistSplit.Test => ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "unknown Fashion-MNIST split"),
    };

    /// <summary>
    /// Loads a split from <paramref name="directory"/> (default <see cref="DefaultDirectory"/>).
    /// Uncompressed copies (the names without ".gz") are used when the gzip files are absent.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message names it and the Debian package.</exception>
    /// <exception cref="IdxFormatException">A file is corrupt, or images and labels disagree.</exception>
    public static ImageDataset Load(FashionMnistSplit split, string? directory = null)
    {
        directory ??= DefaultDirectory;
        var (imagesName, labelsName) = FileNames(split);
        string imagesPath = Locate(directory, imagesName);
        string labelsPath = Locate(directory, labelsName);

        IdxArray images = IdxReader.ReadImages(imagesPath);
        IdxArray labels = IdxReader.ReadLabels(labelsPath);
        if (images.Count != labels.Count)
            throw new IdxFormatException(labelsPath, $"holds {labels.Count} labels but '{imagesPath}' holds {images.Count} images");
        var classOf = new int[labels.Count];
        for (int i = 0; i < classOf.Length; i++)
        {
            classOf[i] = labels.Data[i];
            if (classOf[i] >= ClassNames.Count)
                throw new IdxFormatException(labelsPath, $"label {classOf[i]} of item {i} is not one of the {ClassNames.Count} Fashion-MNIST classes");
        }
        string name = $"fashion-mnist-{split.ToString().ToLowerInvariant()}";
        return ImageDataset.FromBytes(name, images.Data, images.Count, 1, images.Shape[1], images.Shape[2], classOf, ClassNames);
    }

    private static string Locate(string directory, string gzipName)
    {
        string path = Path.Combine(directory, gzipName);
        if (File.Exists(path)) return path;
        string plain = Path.Combine(directory, Path.GetFileNameWithoutExtension(gzipName));
        if (File.Exists(plain)) return plain;
        throw new FileNotFoundException(
            $"Fashion-MNIST file '{path}' is missing (nor is an uncompressed '{Path.GetFileName(plain)}' there). " +
            $"Install the Debian package {DebianPackage} (./dev.sh setup does), or point the data directory at a folder holding " +
            "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz.",
            path);
    }
}
