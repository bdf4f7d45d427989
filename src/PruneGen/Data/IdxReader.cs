using System.Buffers.Binary;
using System.IO.Compression;

namespace PruneGen.Data;

/// <summary>
/// Reads IDX files (the MNIST / Fashion-MNIST container), gzip-compressed or plain; compression is
/// recognised by the gzip magic bytes, not the file name. Only unsigned-byte elements are supported,
/// which is what image and label files use. Every structural problem (bad magic, other element type,
/// unexpected rank, truncated or surplus data, corrupt gzip) raises an <see cref="IdxFormatException"/>
/// naming the file and the problem.
/// </summary>
/// <remarks>
/// Layout: bytes 0-1 are zero, byte 2 the element type (0x08 = unsigned byte), byte 3 the number of
/// dimensions d, then d big-endian 32-bit sizes, then the elements in row-major order.
/// </remarks>
public static class IdxReader
{
    /// <summary>IDX element type code of unsigned bytes.</summary>
    public const byte UnsignedByteType = 0x08;

    /// <summary>Reads images: an unsigned-byte IDX file of shape [N, H, W] (magic 0x00000803).</summary>
    public static IdxArray ReadImages(string path) => Read(path, expectedDimensions: 3);

    /// <summary>Reads labels: an unsigned-byte IDX file of shape [N] (magic 0x00000801).</summary>
    public static IdxArray ReadLabels(string path) => Read(path, expectedDimensions: 1);

    /// <summary>Reads an unsigned-byte IDX file, optionally requiring a number of dimensions.</summary>
    public static IdxArray Read(string path, int? expectedDimensions = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"IDX file '{path}' does not exist", path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return Read(file, path, expectedDimensions);
    }

    /// <summary>Reads from a stream; <paramref name="name"/> is used in error messages.</summary>
    public static IdxArray Read(Stream stream, string name, int? expectedDimensions = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        if (expectedDimensions is < 1 or > 255)
            throw new ArgumentOutOfRangeException(nameof(expectedDimensions), expectedDimensions, "an IDX file has 1 to 255 dimensions");

        Span<byte> start = stackalloc byte[2];
        int peeked = stream.ReadAtLeast(start, 2, throwOnEndOfStream: false);
        bool gzip = peeked == 2 && start[0] == 0x1F && start[1] == 0x8B;
        // Put the peeked bytes back in front of the rest without requiring a seekable stream.
        Stream source = new PrefixedStream(start[..peeked].ToArray(), stream);
        if (gzip) source = new GZipStream(source, CompressionMode.Decompress);
        try
        {
            return ReadDecompressed(source, name, expectedDimensions, gzip);
        }
        catch (InvalidDataException e)
        {
            // GZipStream reports corrupt compressed data (bad block, CRC or length mismatch) this way.
            throw new IdxFormatException(name, $"corrupt gzip data ({e.Message})", e);
        }
        finally
        {
            if (gzip) source.Dispose();
        }
    }

    private static IdxArray ReadDecompressed(Stream source, string name, int? expectedDimensions, bool gzip)
    {
        string what = gzip ? "decompressed data" : "file";
        Span<byte> magic = stackalloc byte[4];
        int got = source.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (got < 4)
            throw new IdxFormatException(name, $"truncated: the {what} holds {got} bytes, fewer than the 4-byte IDX magic number");
        if (magic[0] != 0 || magic[1] != 0)
            throw new IdxFormatException(name, $"not an IDX file: magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(magic):X8} does not start with two zero bytes");
        if (magic[2] != UnsignedByteType)
            throw new IdxFormatException(name, $"element type code 0x{magic[2]:X2} ({TypeName(magic[2])}) is not supported; only unsigned bytes (0x08) are");
        int rank = magic[3];
        if (rank == 0)
            throw new IdxFormatException(name, "the magic number declares 0 dimensions");
        if (expectedDimensions is int expected && rank != expected)
            throw new IdxFormatException(name, $"has {rank} dimension(s) (magic 0x{BinaryPrimitives.ReadUInt32BigEndian(magic):X8}) but {expected} were expected (magic 0x{0x800 + expected:X8})");

        byte[] header = new byte[4 * rank];
        got = source.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got < header.Length)
            throw new IdxFormatException(name, $"truncated header: {rank} dimension sizes need {header.Length} bytes, only {got} present");
        int[] shape = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4 * i));
            if (size > int.MaxValue)
                throw new IdxFormatException(name, $"dimension {i} has an implausible size {size}");
            shape[i] = (int)size;
            count *= size;
            if (count > Array.MaxLength)
                throw new IdxFormatException(name, $"shape [{string.Join(", ", header.Chunk(4).Select(c => BinaryPrimitives.ReadUInt32BigEndian(c)))}] declares more elements than fit in memory");
        }

        byte[] data = GC.AllocateUninitializedArray<byte>((int)count);
        got = source.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (got < data.Length)
            throw new IdxFormatException(name, $"truncated: shape [{string.Join(", ", shape)}] declares {data.Length} data bytes but the {what} holds only {got}");
        long surplus = CountRemaining(source);
        if (surplus > 0)
            throw new IdxFormatException(name, $"{surplus} unexpected byte(s) after the {data.Length} data bytes declared by shape [{string.Join(", ", shape)}]");
        return new IdxArray(shape, data);
    }

    private static long CountRemaining(Stream source)
    {
        Span<byte> scratch = stackalloc byte[4096];
        long total = 0;
        int n;
        while ((n = source.Read(scratch)) > 0) total += n;
        return total;
    }

    private static string TypeName(byte code) => code switch
    {
        0x08 => "unsigned byte",
        0x09 => "signed byte",
        0x0B => "int16",
        0x0C => "int32",
        0x0D => "float32",
        0x0E => "float64",
        _ => "unknown type",
    };

    /// <summary>A read-only stream that yields a few already-read bytes before the rest of another stream.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream rest) : Stream
    {
        private int _position;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position < prefix.Length)
            {
                int n = Math.Min(buffer.Length, prefix.Length - _position);
                prefix.AsSpan(_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }
            return rest.Read(buffer);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
