using System.Buffers.Binary;
using System.IO.Compression;
using PruneGen.Data;

namespace PruneGen.Tests.Data;

public class IdxReaderTests
{
    private static IdxArray SampleImages()
    {
        var data = new byte[3 * 5 * 4];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i * 37 + 11);
        return new IdxArray([3, 5, 4], data);
    }

    private static byte[] Header(byte type, params uint[] sizes)
    {
        var header = new byte[4 + 4 * sizes.Length];
        header[2] = type;
        header[3] = (byte)sizes.Length;
        for (int i = 0; i < sizes.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 + 4 * i), sizes[i]);
        return header;
    }

    private static byte[] Gzip(byte[] plain)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Optimal)) gzip.Write(plain);
        return memory.ToArray();
    }

    private static IdxFormatException ReadFails(string path, byte[] content, int? dimensions = null)
    {
        File.WriteAllBytes(path, content);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(path, dimensions));
        Assert.Equal(path, e.FilePath);
        Assert.Contains(path, e.Message);
        return e;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ImagesAndLabelsRoundTripThroughFiles(bool gzip)
    {
        using var dir = new TempDirectory();
        IdxArray images = SampleImages();
        var labels = new IdxArray([3], [7, 0, 9]);
        IdxWriter.Write(dir.File("images"), images, gzip);
        IdxWriter.Write(dir.File("labels"), labels, gzip);

        IdxArray readImages = IdxReader.ReadImages(dir.File("images"));
        IdxArray readLabels = IdxReader.ReadLabels(dir.File("labels"));

        Assert.Equal([3, 5, 4], readImages.Shape);
        Assert.Equal(images.Data, readImages.Data);
        Assert.Equal([3], readLabels.Shape);
        Assert.Equal(labels.Data, readLabels.Data);
        // The gzip variant is really compressed (magic 1F 8B), the plain one starts with the IDX magic.
        byte[] raw = File.ReadAllBytes(dir.File("images"));
        Assert.Equal(gzip ? new byte[] { 0x1F, 0x8B } : new byte[] { 0, 0 }, raw[..2]);
        if (!gzip) Assert.Equal(0x00000803u, BinaryPrimitives.ReadUInt32BigEndian(raw));
    }

    [Fact]
    public void WrittenHeaderMatchesTheIdxSpecification()
    {
        using var memory = new MemoryStream();
        IdxWriter.Write(memory, new IdxArray([2], [5, 6]));
        Assert.Equal(new byte[] { 0, 0, 0x08, 1, 0, 0, 0, 2, 5, 6 }, memory.ToArray());
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<FileNotFoundException>(() => IdxReader.ReadLabels(dir.File("nope.gz")));
        Assert.Contains(dir.File("nope.gz"), e.Message);
    }

    [Fact]
    public void BadMagicIsRejected()
    {
        using var dir = new TempDirectory();
        byte[] content = [.. Header(0x08, 2), 1, 2];
        content[0] = 0x12;
        var e = ReadFails(dir.File("bad-magic"), content);
        Assert.Contains("not an IDX file", e.Message);
    }

    [Fact]
    public void OtherElementTypeIsRejected()
    {
        using var dir = new TempDirectory();
        var e = ReadFails(dir.File("floats"), [.. Header(0x0D, 1), 0, 0, 0x80, 0x3F]);
        Assert.Contains("element type code 0x0D (float32)", e.Message);
    }

    [Fact]
    public void UnexpectedDimensionCountIsRejected()
    {
        using var dir = new TempDirectory();
        string path = dir.File("labels");
        IdxWriter.Write(path, new IdxArray([2], [1, 2]), gzip: true);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(path));
        Assert.Contains("has 1 dimension(s)", e.Message);
        Assert.Contains("3 were expected (magic 0x00000803)", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void ZeroDimensionsAreRejected()
    {
        using var dir = new TempDirectory();
        var e = ReadFails(dir.File("rank0"), [0, 0, 0x08, 0]);
        Assert.Contains("declares 0 dimensions", e.Message);
    }

    [Fact]
    public void EmptyFileIsRejected()
    {
        using var dir = new TempDirectory();
        var e = ReadFails(dir.File("empty"), []);
        Assert.Contains("holds 0 bytes", e.Message);
    }

    [Fact]
    public void TruncatedHeaderIsRejected()
    {
        using var dir = new TempDirectory();
        var e = ReadFails(dir.File("short-header"), Header(0x08, 10, 28, 28)[..9]);
        Assert.Contains("truncated header", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedDataIsRejected(bool gzip)
    {
        using var dir = new TempDirectory();
        byte[] plain = [.. Header(0x08, 2, 3, 3), .. new byte[17]]; // 18 declared
        var e = ReadFails(dir.File("truncated"), gzip ? Gzip(plain) : plain);
        Assert.Contains("declares 18 data bytes", e.Message);
        Assert.Contains("holds only 17", e.Message);
    }

    [Fact]
    public void TruncatedGzipStreamIsRejected()
    {
        using var dir = new TempDirectory();
        var random = new Random(1);
        byte[] payload = new byte[4000];
        random.NextBytes(payload); // incompressible, so cutting the stream loses data
        byte[] gz = Gzip([.. Header(0x08, 4000), .. payload]);
        var e = ReadFails(dir.File("cut.gz"), gz[..(gz.Length / 2)]);
        Assert.True(e.Problem.Contains("truncated") || e.Problem.Contains("corrupt gzip"), e.Message);
    }

    [Fact]
    public void SurplusDataIsRejected()
    {
        using var dir = new TempDirectory();
        var e = ReadFails(dir.File("long"), [.. Header(0x08, 2), 1, 2, 3, 4]);
        Assert.Contains("2 unexpected byte(s) after the 2 data bytes", e.Message);
    }

    [Fact]
    public void CorruptGzipIsRejected()
    {
        using var dir = new TempDirectory();
        byte[] plain = [.. Header(0x08, 1000), .. Enumerable.Range(0, 1000).Select(i => (byte)(i % 7))];
        byte[] gz = Gzip(plain);
        for (int i = 12; i < gz.Length - 8; i++) gz[i] ^= 0x5A; // scramble the deflate body, keep the gzip header
        var e = ReadFails(dir.File("corrupt.gz"), gz);
        Assert.True(e.Problem.Contains("corrupt gzip") || e.Problem.Contains("truncated"), e.Message);
    }

    [Fact]
    public void GzipChecksumMismatchIsRejected()
    {
        using var dir = new TempDirectory();
        byte[] gz = Gzip([.. Header(0x08, 3), 1, 2, 3]);
        gz[^8] ^= 0xFF; // CRC32 in the gzip trailer
        var e = ReadFails(dir.File("crc.gz"), gz);
        Assert.Contains("corrupt gzip", e.Message);
    }
}
