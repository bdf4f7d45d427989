namespace PruneGen.Data;

/// <summary>How an <see cref="ImageDataset"/> stores its pixels.</summary>
public enum PixelStorage
{
    /// <summary>One byte per value (0-255); batches scale it to [0, 1] before normalisation, as torchvision's ToTensor does.</summary>
    Byte,

    /// <summary>One float32 per value, used as is.</summary>
    Float32,
}

/// <summary>
/// An in-memory image classification set: every image stored once, channel-major ([C, H, W] per
/// image, images back to back) in a byte or float32 buffer, plus an integer label per image.
/// Immutable; subsets copy the selected images.
/// </summary>
public sealed class ImageDataset
{
    private readonly byte[]? _bytes;
    private readonly float[]? _floats;
    private readonly int[] _labels;
    private readonly string[] _classNames;

    private ImageDataset(string name, byte[]? bytes, float[]? floats, int count, int channels, int height, int width, int[] labels, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "image count cannot be negative");
        if (channels < 1 || height < 1 || width < 1)
            throw new ArgumentException($"image shape [{channels}, {height}, {width}] must be positive in every dimension");
        if (classNames.Count < 1) throw new ArgumentException("a dataset needs at least one class", nameof(classNames));
        long expected = (long)count * channels * height * width;
        long actual = bytes?.LongLength ?? floats!.LongLength;
        if (actual != expected)
            throw new ArgumentException($"{count} images of [{channels}, {height}, {width}] need {expected} pixel values but {actual} were given");
        if (labels.Length != count)
            throw new ArgumentException($"{count} images but {labels.Length} labels", nameof(labels));
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classNames.Count)
                throw new ArgumentException($"label {labels[i]} of image {i} is outside the {classNames.Count} classes", nameof(labels));
        }
        Name = name;
        _bytes = bytes;
        _floats = floats;
        Count = count;
        Channels = channels;
        Height = height;
        Width = width;
        _labels = labels;
        _classNames = [.. classNames];
    }

    /// <summary>Wraps byte pixels (not copied; do not modify them afterwards).</summary>
    public static ImageDataset FromBytes(string name, byte[] pixels, int count, int channels, int height, int width, int[] labels, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        return new(name, pixels, null, count, channels, height, width, labels, classNames);
    }

    /// <summary>Wraps float32 pixels (not copied; do not modify them afterwards).</summary>
    public static ImageDataset FromFloats(string name, float[] pixels, int count, int channels, int height, int width, int[] labels, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        return new(name, null, pixels, count, channels, height, width, labels, classNames);
    }

    public string Name { get; }
    public int Count { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }

    /// <summary>Values per image (C·H·W).</summary>
    public int ImageSize => Channels * Height * Width;

    public PixelStorage Storage => _bytes is not null ? PixelStorage.Byte : PixelStorage.Float32;

    /// <summary>The byte pixels; throws when the set stores float32.</summary>
    public ReadOnlySpan<byte> BytePixels => _bytes ?? throw new InvalidOperationException($"dataset '{Name}' stores float32 pixels, not bytes");

    /// <summary>The float32 pixels; throws when the set stores bytes.</summary>
    public ReadOnlySpan<float> FloatPixels => _floats ?? throw new InvalidOperationException($"dataset '{Name}' stores byte pixels, not float32");

    public ReadOnlySpan<int> Labels => _labels;
    public IReadOnlyList<string> ClassNames => _classNames;
    public int ClassCount => _classNames.Length;

    /// <summary>Image <paramref name="index"/> as [C, H, W] floats, bytes scaled to [0, 1] (not normalised).</summary>
    public float[] GetImage(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"dataset '{Name}' has {Count} images");
        var image = new float[ImageSize];
        if (_bytes is not null)
        {
            ReadOnlySpan<byte> source = _bytes.AsSpan(index * ImageSize, ImageSize);
            for (int i = 0; i < image.Length; i++) image[i] = source[i] / 255f;
        }
        else
        {
            _floats.AsSpan(index * ImageSize, ImageSize).CopyTo(image);
        }
        return image;
    }

    /// <summary>Number of images per class.</summary>
    public int[] ClassHistogram()
    {
        var histogram = new int[ClassCount];
        foreach (int label in _labels) histogram[label]++;
        return histogram;
    }

    /// <summary>A new dataset holding copies of the images at <paramref name="indices"/>, in that order.</summary>
    public ImageDataset Select(ReadOnlySpan<int> indices, string? name = null)
    {
        int size = ImageSize;
        var labels = new int[indices.Length];
        byte[]? bytes = _bytes is null ? null : GC.AllocateUninitializedArray<byte>(indices.Length * size);
        float[]? floats = _floats is null ? null : GC.AllocateUninitializedArray<float>(indices.Length * size);
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), index, $"dataset '{Name}' has {Count} images");
            labels[i] = _labels[index];
            if (bytes is not null) _bytes.AsSpan(index * size, size).CopyTo(bytes.AsSpan(i * size));
            else _floats.AsSpan(index * size, size).CopyTo(floats.AsSpan(i * size));
        }
        return new ImageDataset(name ?? $"{Name}[{indices.Length}]", bytes, floats, indices.Length, Channels, Height, Width, labels, _classNames);
    }

    /// <summary>
    /// The first <paramref name="count"/> images of a seeded shuffle (same seed, same subset).
    /// Stratified (the default) keeps class proportions: each class contributes its share of
    /// <paramref name="count"/> (largest remainders round), taken from that class in shuffled order;
    /// the result keeps the shuffled order.
    /// </summary>
    public ImageDataset Subset(int count, long seed, bool stratified = true)
    {
        if (count < 0 || count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"a subset of dataset '{Name}' holds 0 to {Count} images");
        int[] order = new int[Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        new SeededRandom(seed).Shuffle(order);
        if (!stratified) return Select(order.AsSpan(0, count), $"{Name}[{count} of seed {seed}]");

        int[] quota = StratifiedQuotas(ClassHistogram(), count);
        var chosen = new List<int>(count);
        foreach (int index in order)
        {
            if (quota[_labels[index]] > 0)
            {
                quota[_labels[index]]--;
                chosen.Add(index);
                if (chosen.Count == count) break;
            }
        }
        return Select(chosen.ToArray(), $"{Name}[{count} of seed {seed}, stratified]");
    }

    // Share of `count` per class, proportional to the histogram, rounded by largest remainder
    // (ties: lower class first) so that the quotas sum to exactly `count`.
    private static int[] StratifiedQuotas(int[] histogram, int count)
    {
        long total = histogram.Sum(h => (long)h);
        var quota = new int[histogram.Length];
        if (total == 0) return quota;
        var remainders = new (long Remainder, int Class)[histogram.Length];
        int assigned = 0;
        for (int c = 0; c < histogram.Length; c++)
        {
            long scaled = (long)histogram[c] * count;
            quota[c] = (int)(scaled / total);
            remainders[c] = (scaled % total, c);
            assigned += quota[c];
        }
        foreach (var (_, c) in remainders.OrderByDescending(r => r.Remainder).ThenBy(r => r.Class))
        {
            if (assigned == count) break;
            quota[c]++;
            assigned++;
        }
        return quota;
    }

    public override string ToString() => $"{Name}: {Count} images [{Channels}, {Height}, {Width}] ({Storage}), {ClassCount} classes";
}
