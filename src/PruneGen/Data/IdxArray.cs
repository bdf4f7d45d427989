namespace PruneGen.Data;

/// <summary>
/// The content of an unsigned-byte IDX file: its shape (e.g. [N, H, W] for images, [N] for labels)
/// and its elements in row-major order.
/// </summary>
public sealed class IdxArray
{
    public IdxArray(int[] shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (shape.Length is < 1 or > 255)
            throw new ArgumentException($"an IDX array has 1 to 255 dimensions, not {shape.Length}", nameof(shape));
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"negative dimension in shape [{string.Join(", ", shape)}]", nameof(shape));
            count *= d;
        }
        if (count != data.Length)
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] holds {count} elements but {data.Length} were given", nameof(data));
        Shape = shape;
        Data = data;
    }

    public int[] Shape { get; }
    public byte[] Data { get; }

    /// <summary>The first dimension: the number of items (images or labels).</summary>
    public int Count => Shape[0];

    public override string ToString() => $"IDX u8 [{string.Join(", ", Shape)}]";
}
