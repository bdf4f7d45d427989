namespace PruneGen.Torch;

public static partial class torch
{
    /// <summary>Element types; the values equal c10::ScalarType's so they cross the shim unchanged.</summary>
    public enum ScalarType : sbyte
    {
        Byte = 0,
        Int8 = 1,
        Int16 = 2,
        Int32 = 3,
        Int64 = 4,
        Float16 = 5,
        Float32 = 6,
        Float64 = 7,
        Bool = 11,
        BFloat16 = 15,
    }

    public const ScalarType uint8 = ScalarType.Byte;
    public const ScalarType int8 = ScalarType.Int8;
    public const ScalarType int16 = ScalarType.Int16;
    public const ScalarType int32 = ScalarType.Int32;
    public const ScalarType int64 = ScalarType.Int64;
    public const ScalarType float16 = ScalarType.Float16;
    public const ScalarType bfloat16 = ScalarType.BFloat16;
    public const ScalarType float32 = ScalarType.Float32;
    public const ScalarType float64 = ScalarType.Float64;
    public const ScalarType @bool = ScalarType.Bool;

    internal static int ElementSize(ScalarType type) => type switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unsupported element type"),
    };

    /// <summary>Memory layouts; values equal c10::MemoryFormat.</summary>
    public enum MemoryFormat
    {
        Contiguous = 0,
        Preserve = 1,
        ChannelsLast = 2,
        ChannelsLast3d = 3,
    }

    public const MemoryFormat contiguous_format = MemoryFormat.Contiguous;
    public const MemoryFormat channels_last = MemoryFormat.ChannelsLast;
    public const MemoryFormat preserve_format = MemoryFormat.Preserve;
}
