namespace PruneGen.Data;

/// <summary>
/// Fills a batch buffer from dataset images in one pass per value: gather, scale, normalise, crop
/// with zero padding and flip are fused, so the only other copy is the one into the tensor.
/// Stateless between calls (safe to run on a background thread while the caller reads another buffer).
/// </summary>
internal sealed class BatchAssembler
{
    private const long AugmentationDomain = 0x4155_474D;

    private readonly ImageDataset _dataset;
    private readonly Augmentation? _augmentation;
    private readonly long _augmentationSeed;
    private readonly bool _channelsLast;
    private readonly float[] _scale;       // value * scale + offset, per channel
    private readonly float[] _offset;
    private readonly float[][]? _byteTable; // per channel: the normalised value of each byte

    public BatchAssembler(ImageDataset dataset, Normalization? normalization, Augmentation? augmentation, long augmentationSeed, bool channelsLast)
    {
        _dataset = dataset;
        _augmentation = augmentation is { IsIdentity: false } ? augmentation : null;
        _augmentationSeed = augmentationSeed;
        _channelsLast = channelsLast;
        int channels = dataset.Channels;
        if (normalization is not null && normalization.Channels != channels)
            throw new ArgumentException($"normalisation has {normalization.Channels} channel(s) but dataset '{dataset.Name}' has {channels}");
        float toUnit = dataset.Storage == PixelStorage.Byte ? 1f / 255f : 1f;
        _scale = new float[channels];
        _offset = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            float mean = normalization?.Mean[c] ?? 0f, std = normalization?.Std[c] ?? 1f;
            _scale[c] = toUnit / std;
            _offset[c] = -mean / std;
        }
        if (dataset.Storage == PixelStorage.Byte)
        {
            _byteTable = new float[channels][];
            for (int c = 0; c < channels; c++)
            {
                // Same arithmetic as torchvision (x/255 - mean)/std, in float.
                float mean = normalization?.Mean[c] ?? 0f, std = normalization?.Std[c] ?? 1f;
                _byteTable[c] = new float[256];
                for (int v = 0; v < 256; v++) _byteTable[c][v] = (v / 255f - mean) / std;
            }
        }
    }

    /// <summary>Writes images <paramref name="indices"/> into <paramref name="images"/> ([B, C, H, W] or [B, H, W, C]) and their labels.</summary>
    public void Assemble(ReadOnlySpan<int> indices, int epoch, int batchIndex, Span<float> images, Span<long> labels)
    {
        int size = _dataset.ImageSize;
        ReadOnlySpan<int> datasetLabels = _dataset.Labels;
        var random = SeededRandom.Derive(_augmentationSeed, AugmentationDomain, epoch, batchIndex);
        for (int j = 0; j < indices.Length; j++)
        {
            int index = indices[j];
            labels[j] = datasetLabels[index];
            int shiftY = 0, shiftX = 0;
            bool flip = false;
            if (_augmentation is { } a)
            {
                // Draw order is part of the reproducibility contract: crop y, crop x, then flip.
                if (a.Padding > 0)
                {
                    shiftY = random.NextInt(-a.Padding, a.Padding);
                    shiftX = random.NextInt(-a.Padding, a.Padding);
                }
                if (a.HorizontalFlip) flip = random.NextBool();
            }
            Span<float> destination = images.Slice(j * size, size);
            if (_byteTable is not null)
                WriteImage(_dataset.BytePixels.Slice(index * size, size), destination, new ByteMap(_byteTable), shiftY, shiftX, flip);
            else
                WriteImage(_dataset.FloatPixels.Slice(index * size, size), destination, new FloatMap(_scale, _offset), shiftY, shiftX, flip);
        }
    }

    // Output pixel (c, y, x) reads source (c, y + shiftY, x' + shiftX) with x' = flip ? W-1-x : x;
    // outside the source it is the normalised value of a zero pixel (the crop's padding).
    private void WriteImage<TPixel, TMap>(ReadOnlySpan<TPixel> source, Span<float> destination, TMap map, int shiftY, int shiftX, bool flip)
        where TMap : struct, IPixelMap<TPixel>
    {
        int channels = _dataset.Channels, height = _dataset.Height, width = _dataset.Width, plane = height * width;
        int channelStride = _channelsLast ? 1 : plane;
        int xStride = _channelsLast ? channels : 1;
        int rowStride = width * xStride;
        // Output columns whose source column lies inside the image.
        int first = flip ? Math.Max(0, shiftX) : Math.Max(0, -shiftX);
        int end = flip ? Math.Min(width, width + shiftX) : Math.Min(width, width - shiftX);
        for (int c = 0; c < channels; c++)
        {
            float padding = _offset[c];
            for (int y = 0; y < height; y++)
            {
                Span<float> row = destination[(c * channelStride + y * rowStride)..];
                int sourceY = y + shiftY;
                if (sourceY < 0 || sourceY >= height || first >= end)
                {
                    for (int x = 0; x < width; x++) row[x * xStride] = padding;
                    continue;
                }
                ReadOnlySpan<TPixel> sourceRow = source.Slice(c * plane + sourceY * width, width);
                for (int x = 0; x < first; x++) row[x * xStride] = padding;
                if (flip)
                {
                    int mirror = width - 1 + shiftX;
                    for (int x = first; x < end; x++) row[x * xStride] = map.Map(sourceRow[mirror - x], c);
                }
                else if (xStride == 1)
                {
                    ReadOnlySpan<TPixel> from = sourceRow[(first + shiftX)..(end + shiftX)];
                    Span<float> to = row[first..end];
                    for (int x = 0; x < to.Length; x++) to[x] = map.Map(from[x], c);
                }
                else
                {
                    for (int x = first; x < end; x++) row[x * xStride] = map.Map(sourceRow[x + shiftX], c);
                }
                for (int x = end; x < width; x++) row[x * xStride] = padding;
            }
        }
    }

    // Struct maps let the JIT specialise WriteImage per storage type (no virtual call per pixel).
    private interface IPixelMap<TPixel>
    {
        float Map(TPixel value, int channel);
    }

    private readonly struct ByteMap(float[][] table) : IPixelMap<byte>
    {
        public float Map(byte value, int channel) => table[channel][value];
    }

    private readonly struct FloatMap(float[] scale, float[] offset) : IPixelMap<float>
    {
        public float Map(float value, int channel) => value * scale[channel] + offset[channel];
    }
}
