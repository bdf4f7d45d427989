namespace PruneGen.Data;

/// <summary>
/// Per-channel normalisation <c>(x - mean) / std</c>, applied while batches are assembled. For byte
/// datasets x is the pixel scaled to [0, 1] (torchvision's ToTensor then Normalize), so mean and std
/// are on that scale.
/// </summary>
public sealed class Normalization
{
    public Normalization(IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count == 0 || mean.Count != std.Count)
            throw new ArgumentException($"normalisation needs one mean and one std per channel; got {mean.Count} means and {std.Count} stds");
        for (int c = 0; c < std.Count; c++)
        {
            if (!(std[c] > 0) || !float.IsFinite(std[c])) throw new ArgumentException($"std of channel {c} must be positive and finite, not {std[c]}", nameof(std));
            if (!float.IsFinite(mean[c])) throw new ArgumentException($"mean of channel {c} must be finite, not {mean[c]}", nameof(mean));
        }
        Mean = [.. mean];
        Std = [.. std];
    }

    public IReadOnlyList<float> Mean { get; }
    public IReadOnlyList<float> Std { get; }
    public int Channels => Mean.Count;

    /// <summary>Fashion-MNIST's training-set statistics (mean 0.2860, std 0.3530).</summary>
    public static Normalization FashionMnist { get; } = new([0.2860f], [0.3530f]);

    /// <summary>
    /// Mean and (population) standard deviation per channel over every pixel of the dataset, on the
    /// scale batches use (bytes divided by 255). Accumulated in double, so exact enough for 10^8 pixels.
    /// </summary>
    public static Normalization Compute(ImageDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int channels = dataset.Channels, plane = dataset.Height * dataset.Width;
        var sum = new double[channels];
        var sumSquares = new double[channels];
        for (int i = 0; i < dataset.Count; i++)
        {
            for (int c = 0; c < channels; c++)
            {
                int offset = (i * channels + c) * plane;
                double s = 0, q = 0;
                if (dataset.Storage == PixelStorage.Byte)
                {
                    // Integer sums are exact; scale once at the end.
                    long si = 0, qi = 0;
                    foreach (byte v in dataset.BytePixels.Slice(offset, plane)) { si += v; qi += v * v; }
                    s = si / 255.0;
                    q = qi / (255.0 * 255.0);
                }
                else
                {
                    foreach (float v in dataset.FloatPixels.Slice(offset, plane)) { s += v; q += (double)v * v; }
                }
                sum[c] += s;
                sumSquares[c] += q;
            }
        }
        double n = (double)dataset.Count * plane;
        var mean = new float[channels];
        var std = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double m = sum[c] / n;
            mean[c] = (float)m;
            std[c] = (float)Math.Sqrt(Math.Max(sumSquares[c] / n - m * m, 0));
        }
        return new Normalization(mean, std);
    }

    public override string ToString() =>
        $"mean [{string.Join(", ", Mean.Select(m => m.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)))}], " +
        $"std [{string.Join(", ", Std.Select(s => s.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)))}]";
}
