using System.Buffers.Binary;
using System.IO.Compression;

namespace PruneGen.Data;

/// <summary>Writes unsigned-byte IDX files, gzip-compressed or plain (the inverse of <see cref="IdxReader"/>).</summary>
public static class IdxWriter
{
    public static void Write(string path, IdxArray array, bool gzip)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(array);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        if (gzip)
        {
            using var compressed = new GZipStream(file, CompressionLevel.Optimal);
            Write(compressed, array);
        }
        else
        {
            Write(file, array);
        }
    }

    public static void Write(Stream stream, IdxArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        byte[] header = new byte[4 + 4 * array.Shape.Length];
        header[2] = IdxReader.UnsignedByteType;
        header[3] = (byte)array.Shape.Length;
        for (int i = 0; i < array.Shape.Length; i++)
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 + 4 * i), (uint)array.Shape[i]);
        stream.Write(header);
        stream.Write(array.Data);
    }
}
