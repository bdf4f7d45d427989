using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PruneGen.Data;

/// <summary>
/// Fills a batch buffer from dataset images in one pass per value: gather, scale, normalise, crop
/// with zero padding and flip are fused, so the only other copy is the one into the tensor.
/// Stateless between calls, so concurrent enumerations of one loader may share it.
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
    private readonly ByteMap[]? _byteMaps;  // per channel: the normalised value of each byte
    private readonly FloatMap[] _floatMaps;

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
        _floatMaps = Enumerable.Range(0, channels).Select(c => new FloatMap(_scale[c], _offset[c])).ToArray();
        if (dataset.Storage == PixelStorage.Byte)
        {
            _byteMaps = new ByteMap[channels];
            for (int c = 0; c < channels; c++)
            {
                // Same float arithmetic as torchvision's ToTensor then Normalize: (v / 255 - mean) / std.
                float mean = normalization?.Mean[c] ?? 0f, std = normalization?.Std[c] ?? 1f;
                var table = new float[256];
                for (int v = 0; v < 256; v++) table[v] = (v / 255f - mean) / std;
                _byteMaps[c] = new ByteMap(table);
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
            if (_byteMaps is not null)
                WriteImage(_dataset.BytePixels.Slice(index * size, size), destination, _byteMaps!, shiftY, shiftX, flip);
            else
                WriteImage(_dataset.FloatPixels.Slice(index * size, size), destination, _floatMaps, shiftY, shiftX, flip);
        }
    }

    // Output pixel (c, y, x) reads source (c, y + shiftY, x' + shiftX) with x' = flip ? W-1-x : x;
    // outside the source it is the normalised value of a zero pixel (the crop's padding).
    private void WriteImage<TPixel, TMap>(ReadOnlySpan<TPixel> source, Span<float> destination, TMap[] maps, int shiftY, int shiftX, bool flip)
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
            TMap map = maps[c];
            float padding = _offset[c];
            ReadOnlySpan<TPixel> sourcePlane = source.Slice(c * plane, plane);
            // Fast path: whole unshifted, unflipped NCHW plane in one run.
            if (xStride == 1 && !flip && shiftX == 0 && shiftY == 0)
            {
                map.MapRun(sourcePlane, destination.Slice(c * channelStride, plane));
                continue;
            }
            for (int y = 0; y < height; y++)
            {
                Span<float> row = destination[(c * channelStride + y * rowStride)..];
                int sourceY = y + shiftY;
                if (sourceY < 0 || sourceY >= height || first >= end)
                {
                    for (int x = 0; x < width; x++) row[x * xStride] = padding;
                    continue;
                }
                ReadOnlySpan<TPixel> sourceRow = sourcePlane.Slice(sourceY * width, width);
                for (int x = 0; x < first; x++) row[x * xStride] = padding;
                if (flip)
                {
                    int mirror = width - 1 + shiftX;
                    for (int x = first; x < end; x++) row[x * xStride] = map.Map(sourceRow[mirror - x]);
                }
                else if (xStride == 1)
                {
                    map.MapRun(sourceRow[(first + shiftX)..(end + shiftX)], row[first..end]);
                }
                else
                {
                    for (int x = first; x < end; x++) row[x * xStride] = map.Map(sourceRow[x + shiftX]);
                }
                for (int x = end; x < width; x++) row[x * xStride] = padding;
            }
        }
    }

    // One channel's value mapping. Struct maps let the JIT specialise WriteImage per storage type
    // (no virtual call per pixel) and keep the channel's table or coefficients in registers.
    private interface IPixelMap<TPixel>
    {
        float Map(TPixel value);

        /// <summary>Maps a contiguous run (destination.Length values).</summary>
        void MapRun(ReadOnlySpan<TPixel> source, Span<float> destination);
    }

    private readonly struct ByteMap(float[] table) : IPixelMap<byte>
    {
        // A byte indexes a 256-entry table, so the lookup needs no bounds check.
        public float Map(byte value) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(table), value);

        public void MapRun(ReadOnlySpan<byte> source, Span<float> destination)
        {
            ref float t = ref MemoryMarshal.GetArrayDataReference(table);
            source = source[..destination.Length];
            for (int i = 0; i < source.Length; i++) destination[i] = Unsafe.Add(ref t, source[i]);
        }
    }

    private readonly struct FloatMap(float scale, float offset) : IPixelMap<float>
    {
        public float Map(float value) => value * scale + offset;

        public void MapRun(ReadOnlySpan<float> source, Span<float> destination)
        {
            source = source[..destination.Length];
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var s = new Vector<float>(scale);
                var o = new Vector<float>(offset);
                for (; i <= source.Length - Vector<float>.Count; i += Vector<float>.Count)
                    (new Vector<float>(source[i..]) * s + o).CopyTo(destination[i..]);
            }
            for (; i < source.Length; i++) destination[i] = source[i] * scale + offset;
        }
    }
}
