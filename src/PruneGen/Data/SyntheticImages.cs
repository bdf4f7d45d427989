namespace PruneGen.Data;

/// <summary>Which sample stream of a synthetic set to draw: both use the same class patterns.</summary>
public enum SyntheticSplit
{
    Train,
    Test,
}

/// <summary>
/// A deterministic synthetic image classification set for tests and smoke runs. Each class owns a
/// smooth random pattern per channel (a coarse 4×4 grid of values in [-1, 1], bilinearly upsampled);
/// a sample is its class pattern, randomly shifted by up to size/8 pixels and scaled in contrast
/// (0.75 to 1.25), plus approximately Gaussian noise of standard deviation <c>noise</c>.
/// Labels cycle through the classes (sample i has class i mod classes), so every prefix is balanced.
/// </summary>
/// <remarks>
/// Everything derives from the seed through <see cref="SeededRandom"/> and plain float additions and
/// multiplications (no transcendental functions), so the same arguments give bit-identical pixels on
/// any machine. The train and test streams share the class patterns and differ in the samples.
/// <para>
/// Difficulty is set by <c>noise</c>. Checked with PyTorch 1.13 on 5,000 training / 1,000 test
/// images of 3×32×32 (seed 1): a two-conv CNN (8 and 16 channels, SGD lr 0.05, batch 64) reaches
/// 99.9% test accuracy after 100 steps at the default noise 0.5, and about 90% after 300 steps at
/// noise 2.0.
/// </para>
/// </remarks>
public static class SyntheticImages
{
    private const int GridSize = 4;
    private const long PatternDomain = 0x5041_5454; // distinct stream keys for patterns and samples
    private const long SampleDomain = 0x5341_4D50;

    public static ImageDataset Create(long seed, int count, int classes = 10, int channels = 3, int size = 32, float noise = 0.5f, SyntheticSplit split = SyntheticSplit.Train)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "sample count cannot be negative");
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "a classification set needs at least 2 classes");
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "at least one channel is needed");
        if (size < GridSize) throw new ArgumentOutOfRangeException(nameof(size), size, $"images must be at least {GridSize} pixels wide");
        if (!(noise >= 0) || !float.IsFinite(noise)) throw new ArgumentOutOfRangeException(nameof(noise), noise, "noise must be a finite, non-negative standard deviation");
        if ((long)count * channels * size * size > Array.MaxLength)
            throw new ArgumentException($"{count} images of [{channels}, {size}, {size}] do not fit in one array");

        int maxShift = size / 8;
        int extended = size + 2 * maxShift;
        float[][] patterns = new float[classes][];
        for (int k = 0; k < classes; k++) patterns[k] = ClassPattern(seed, k, channels, extended);

        int plane = size * size, imageSize = channels * plane;
        var pixels = new float[count * imageSize];
        var labels = new int[count];
        // sqrt(3): the sum of four U(0,1) draws minus 2 has variance 1/3.
        const float unitScale = 1.7320508f;
        for (int i = 0; i < count; i++)
        {
            int label = i % classes;
            labels[i] = label;
            var random = SeededRandom.Derive(seed, SampleDomain + (int)split, i);
            int dy = random.NextInt(-maxShift, maxShift);
            int dx = random.NextInt(-maxShift, maxShift);
            float contrast = 0.75f + 0.5f * random.NextFloat();
            float[] pattern = patterns[label];
            Span<float> image = pixels.AsSpan(i * imageSize, imageSize);
            for (int c = 0; c < channels; c++)
            {
                for (int y = 0; y < size; y++)
                {
                    int row = (c * extended + y + maxShift + dy) * extended + maxShift + dx;
                    for (int x = 0; x < size; x++)
                    {
                        float gaussian = (random.NextFloat() + random.NextFloat() + random.NextFloat() + random.NextFloat() - 2f) * unitScale;
                        image[c * plane + y * size + x] = contrast * pattern[row + x] + noise * gaussian;
                    }
                }
            }
        }
        string[] names = Enumerable.Range(0, classes).Select(k => $"class {k}").ToArray();
        return ImageDataset.FromFloats($"synthetic-{split.ToString().ToLowerInvariant()}-seed{seed}", pixels, count, channels, size, size, labels, names);
    }

    // [channels, extended, extended] pattern of one class: a GridSize² grid per channel, bilinearly
    // upsampled (pixel centres mapped onto the grid, clamped at the borders).
    private static float[] ClassPattern(long seed, int label, int channels, int extended)
    {
        var random = SeededRandom.Derive(seed, PatternDomain, label);
        var grid = new float[channels * GridSize * GridSize];
        for (int i = 0; i < grid.Length; i++) grid[i] = 2f * random.NextFloat() - 1f;

        var pattern = new float[channels * extended * extended];
        float scale = (float)GridSize / extended;
        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < extended; y++)
            {
                Interpolation(y, scale, out int y0, out int y1, out float wy);
                for (int x = 0; x < extended; x++)
                {
                    Interpolation(x, scale, out int x0, out int x1, out float wx);
                    int g = c * GridSize * GridSize;
                    float top = grid[g + y0 * GridSize + x0] * (1f - wx) + grid[g + y0 * GridSize + x1] * wx;
                    float bottom = grid[g + y1 * GridSize + x0] * (1f - wx) + grid[g + y1 * GridSize + x1] * wx;
                    pattern[(c * extended + y) * extended + x] = top * (1f - wy) + bottom * wy;
                }
            }
        }
        return pattern;
    }

    private static void Interpolation(int pixel, float scale, out int lower, out int upper, out float weight)
    {
        float u = Math.Clamp((pixel + 0.5f) * scale - 0.5f, 0f, GridSize - 1);
        lower = Math.Min((int)u, GridSize - 2);
        upper = lower + 1;
        weight = u - lower;
    }
}
