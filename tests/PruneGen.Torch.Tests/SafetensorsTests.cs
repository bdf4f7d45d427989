using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using PruneGen.Torch.Serialization;
using static PruneGen.Torch.torch;

namespace PruneGen.Torch.Tests;

public class SafetensorsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("prunegen-safetensors-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    /// <summary>One tensor of every supported dtype, plus empty and 0-d ones.</summary>
    private static List<KeyValuePair<string, Tensor>> EveryDtype()
    {
        manual_seed(7);
        using Tensor normal = randn([2, 3]);
        return
        [
            new("f32", normal.clone()),
            new("f64", arange(0, 5, ScalarType.Float64)),
            new("f16", normal.to(ScalarType.Float16)),
            new("bf16", normal.to(ScalarType.BFloat16)),
            new("i64", tensor(new long[] { long.MinValue, -1, 0, long.MaxValue }, [2, 2])),
            new("i32", tensor(new[] { int.MinValue, 7, int.MaxValue })),
            new("i16", tensor(new short[] { short.MinValue, -3, short.MaxValue })),
            new("i8", tensor(new sbyte[] { sbyte.MinValue, -1, sbyte.MaxValue })),
            new("u8", tensor(new byte[] { 0, 128, 255 })),
            new("bool", tensor(new[] { true, false, true, true }, [2, 2])),
            new("empty", zeros([0, 4])),
            new("scalar", tensor(3.25)),
            new("scalar_bool", tensor(true)),
        ];
    }

    private static void DisposeAll(IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        foreach (var (_, t) in tensors) t.Dispose();
    }

    [Fact]
    public void EveryDtypeRoundTripsWithShapeValuesAndMetadata()
    {
        var tensors = EveryDtype();
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode ✓" };
        string file = PathOf("all.safetensors");
        Safetensors.Save(file, tensors, metadata);
        using SafetensorsContent loaded = Safetensors.Load(file);

        Assert.Equal(tensors.Select(t => t.Key), loaded.Tensors.Keys);
        Assert.Equal(metadata, loaded.Metadata);
        foreach (var (name, original) in tensors)
        {
            Tensor back = loaded.Tensors[name];
            Assert.Equal(original.dtype, back.dtype);
            Assert.Equal(original.shape, back.shape);
            Assert.True(original.equal(back), $"values of '{name}' changed");
        }
        DisposeAll(tensors);
    }

    [Fact]
    public void NonContiguousTensorsAreWrittenInRowMajorOrder()
    {
        using Tensor matrix = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        using Tensor transposed = matrix.t();
        string file = PathOf("t.safetensors");
        Safetensors.Save(file, [("t", transposed)]);
        using SafetensorsContent loaded = Safetensors.Load(file);
        Assert.Equal([3L, 2L], loaded.Tensors["t"].shape);
        Assert.Equal([1f, 4, 2, 5, 3, 6], loaded.Tensors["t"].data<float>());
    }

    /// <summary>A reader written from the format description only, to check our files independently of our reader.</summary>
    private static (JsonDocument Header, byte[] Data, long HeaderLength) ReadIndependently(string file)
    {
        byte[] bytes = File.ReadAllBytes(file);
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(0, 8));
        var header = JsonDocument.Parse(bytes.AsMemory(8, (int)n));
        return (header, bytes[(int)(8 + n)..], n);
    }

    [Fact]
    public void WrittenFilesFollowTheFormatDescription()
    {
        var tensors = EveryDtype();
        string file = PathOf("spec.safetensors");
        Safetensors.Save(file, tensors, new Dictionary<string, string> { ["k"] = "v" });
        (JsonDocument header, byte[] data, long n) = ReadIndependently(file);
        using (header)
        {
            Assert.Equal(0, (8 + n) % 8); // header padded so that the data starts aligned
            JsonElement root = header.RootElement;
            Assert.Equal("v", root.GetProperty("__metadata__").GetProperty("k").GetString());
            var expectedDtype = new Dictionary<string, string>
            {
                ["f32"] = "F32", ["f64"] = "F64", ["f16"] = "F16", ["bf16"] = "BF16", ["i64"] = "I64", ["i32"] = "I32",
                ["i16"] = "I16", ["i8"] = "I8", ["u8"] = "U8", ["bool"] = "BOOL", ["empty"] = "F32", ["scalar"] = "F64", ["scalar_bool"] = "BOOL",
            };
            long covered = 0;
            foreach (var (name, t) in tensors)
            {
                JsonElement entry = root.GetProperty(name);
                Assert.Equal(expectedDtype[name], entry.GetProperty("dtype").GetString());
                Assert.Equal(t.shape, entry.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
                long begin = entry.GetProperty("data_offsets")[0].GetInt64();
                long end = entry.GetProperty("data_offsets")[1].GetInt64();
                Assert.Equal(covered, begin); // written back to back, in order
                covered = end;
                ReadOnlySpan<byte> raw = data.AsSpan((int)begin, (int)(end - begin));
                switch (name)
                {
                    case "f32":
                        float[] floats = t.data<float>();
                        for (int i = 0; i < floats.Length; i++) Assert.Equal(floats[i], BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]));
                        break;
                    case "i64":
                        long[] longs = t.data<long>();
                        for (int i = 0; i < longs.Length; i++) Assert.Equal(longs[i], BinaryPrimitives.ReadInt64LittleEndian(raw[(8 * i)..]));
                        break;
                    case "bool":
                        Assert.Equal(new byte[] { 1, 0, 1, 1 }, raw.ToArray());
                        break;
                    case "scalar":
                        Assert.Equal(3.25, BinaryPrimitives.ReadDoubleLittleEndian(raw));
                        break;
                    case "empty":
                        Assert.Equal(0, raw.Length);
                        break;
                }
            }
            Assert.Equal(data.Length, covered);
        }
        DisposeAll(tensors);
    }

    [Fact]
    public void SavingReplacesTheFileAtomicallyAndLeavesNoTemporaryFiles()
    {
        string file = PathOf("model.safetensors");
        using Tensor a = tensor(new float[] { 1, 2 });
        Safetensors.Save(file, [("a", a)]);
        byte[] first = File.ReadAllBytes(file);

        // A save that fails leaves the previous file as it was.
        Assert.Throws<ArgumentException>(() => Safetensors.Save(file, [("a", a), ("a", a)]));
        Assert.Equal(first, File.ReadAllBytes(file));

        using Tensor b = tensor(new float[] { 3, 4, 5 });
        Safetensors.Save(file, [("b", b)]);
        Assert.Equal(["model.safetensors"], Directory.GetFiles(_directory).Select(Path.GetFileName));
        using SafetensorsContent loaded = Safetensors.Load(file);
        Assert.Equal(["b"], loaded.Tensors.Keys);
    }

    [Fact]
    public void InvalidNamesAreRejectedWhenSaving()
    {
        using Tensor a = tensor(new float[] { 1 });
        Assert.Contains("reserved", Assert.Throws<ArgumentException>(() => Safetensors.Save(PathOf("x"), [("__metadata__", a)])).Message);
        Assert.Contains("non-empty", Assert.Throws<ArgumentException>(() => Safetensors.Save(PathOf("x"), [("", a)])).Message);
        Assert.False(File.Exists(PathOf("x")));
    }

    // ---- corrupt files --------------------------------------------------------------------------

    private string WriteRaw(string header, int dataBytes, ulong? declaredLength = null)
    {
        string file = PathOf($"corrupt-{Guid.NewGuid():N}.safetensors");
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)json.Length);
        json.CopyTo(bytes, 8);
        File.WriteAllBytes(file, bytes);
        return file;
    }

    private static SafetensorsFormatException AssertCorrupt(string file, string? entry, string problem)
    {
        var e = Assert.Throws<SafetensorsFormatException>(() => Safetensors.Load(file));
        Assert.Equal(entry, e.Entry);
        Assert.Contains(problem, e.Problem);
        Assert.Contains(file, e.Message);
        if (entry is not null) Assert.Contains($"'{entry}'", e.Message);
        return e;
    }

    [Fact]
    public void AFileShorterThanTheLengthPrefixIsRejected()
    {
        string file = PathOf("short.safetensors");
        File.WriteAllBytes(file, [1, 2, 3]);
        AssertCorrupt(file, null, "3 bytes long, too short");
    }

    [Fact]
    public void AHeaderLengthBeyondTheFileIsRejected()
    {
        AssertCorrupt(WriteRaw("{}", 0, declaredLength: 1000), null, "header length 1000 reaches beyond the end of the file");
        AssertCorrupt(WriteRaw("{}", 0, declaredLength: ulong.MaxValue), null, "reaches beyond the end of the file");
    }

    [Fact]
    public void ATruncatedFileIsRejectedNamingTheEntryThatLostItsData()
    {
        using Tensor a = tensor(new float[] { 1, 2 });
        using Tensor b = tensor(new float[] { 3, 4, 5 });
        string file = PathOf("cut.safetensors");
        Safetensors.Save(file, [("a", a), ("b", b)]);
        byte[] bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..^4]);
        AssertCorrupt(file, "b", "reach beyond the data section");
        File.WriteAllBytes(file, bytes[..20]);
        AssertCorrupt(file, null, "reaches beyond the end of the file");
    }

    [Fact]
    public void InvalidJsonIsRejected()
    {
        AssertCorrupt(WriteRaw("{\"a\": {\"dtype\": \"F32\", ", 0), null, "not valid JSON");
        AssertCorrupt(WriteRaw("[1, 2]", 0), null, "must be a JSON object");
    }

    [Fact]
    public void UnknownAndUnsupportedDtypesAreRejected()
    {
        AssertCorrupt(WriteRaw("""{"w": {"dtype": "F33", "shape": [1], "data_offsets": [0, 4]}}""", 4), "w", "unknown dtype 'F33'");
        AssertCorrupt(WriteRaw("""{"w": {"dtype": "U16", "shape": [2], "data_offsets": [0, 4]}}""", 4), "w", "dtype 'U16' is valid safetensors but has no PruneGen.Torch element type");
    }

    [Fact]
    public void OffsetsOutOfRangeAreRejected()
    {
        AssertCorrupt(WriteRaw("""{"w": {"dtype": "F32", "shape": [250], "data_offsets": [0, 1000]}}""", 16), "w", "data_offsets [0, 1000] reach beyond the data section, which holds 16 bytes");
        AssertCorrupt(WriteRaw("""{"w": {"dtype": "F32", "shape": [1], "data_offsets": [8, 4]}}""", 8), "w", "end before they begin");
        AssertCorrupt(WriteRaw("""{"w": {"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}}""", 8), "w", "two non-negative integers");
    }

    [Fact]
    public void OverlappingOffsetsAreRejected() =>
        AssertCorrupt(WriteRaw("""
            {"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
             "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}
            """, 24), "b", "overlap those of 'a', which end at 16");

    [Fact]
    public void OffsetsThatDoNotMatchShapeAndDtypeAreRejected() =>
        AssertCorrupt(WriteRaw("""{"w": {"dtype": "F64", "shape": [2, 2], "data_offsets": [0, 16]}}""", 16), "w",
            "data_offsets [0, 16] hold 16 bytes but shape [2, 2] of F64 needs 32");

    [Fact]
    public void GapsAndUncoveredBytesAreRejected()
    {
        AssertCorrupt(WriteRaw("""
            {"a": {"dtype": "I32", "shape": [2], "data_offsets": [0, 8]},
             "b": {"dtype": "I32", "shape": [2], "data_offsets": [12, 20]}}
            """, 20), "b", "leave bytes 8..12 of the data section unused");
        AssertCorrupt(WriteRaw("""{"a": {"dtype": "I32", "shape": [2], "data_offsets": [0, 8]}}""", 12), null, "holds 12 bytes but the tensors cover only 8");
    }

    [Fact]
    public void MalformedEntriesAndMetadataAreRejected()
    {
        AssertCorrupt(WriteRaw("""{"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 0]}}""", 0), "w", "shape dimension 0 must be a non-negative integer, got -1");
        AssertCorrupt(WriteRaw("""{"w": {"dtype": "F32", "shape": [1]}}""", 0), "w", "'data_offsets' is missing");
        AssertCorrupt(WriteRaw("""{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4], "extra": 1}}""", 4), "w", "unexpected field 'extra'");
        AssertCorrupt(WriteRaw("""{"w": 5}""", 0), "w", "must be an object");
        AssertCorrupt(WriteRaw("""
            {"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
             "w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}
            """, 8), "w", "appears more than once");
        AssertCorrupt(WriteRaw("""{"__metadata__": {"epoch": 3}}""", 0), "__metadata__", "metadata value 'epoch' must be a string");
        AssertCorrupt(WriteRaw("""{"w": {"dtype": "F32", "shape": [4611686018427387904, 4], "data_offsets": [0, 0]}}""", 0), "w", "too many elements");
    }

    [Fact]
    public void EmptyFileWithOnlyMetadataLoads()
    {
        string file = WriteRaw("""{"__metadata__": {"a": "b"}}  """, 0);
        using SafetensorsContent content = Safetensors.Load(file);
        Assert.Empty(content.Tensors);
        Assert.Equal("b", content.Metadata["a"]);
    }

    // ---- module save / load -----------------------------------------------------------------------

    private static PruneGen.Torch.Modules.Sequential SmallNet(long hidden = 4) =>
        nn.Sequential(("conv", nn.Conv2d(1, hidden, 3)), ("bn", nn.BatchNorm2d(hidden)), ("fc", nn.Linear(hidden, 2)));

    [Fact]
    public void ModuleSaveAndLoadRestoreEveryParameterAndBuffer()
    {
        string file = PathOf("net.safetensors");
        manual_seed(1);
        using var saved = SmallNet();
        using (no_grad())
        {
            foreach (var (_, b) in saved.named_buffers()) b.add_(1); // make buffers differ from a fresh net
        }
        saved.save(file, metadata: new Dictionary<string, string> { ["widths"] = "4" });

        manual_seed(2);
        using var restored = SmallNet();
        restored.load(file);
        var expected = saved.state_dict();
        var actual = restored.state_dict();
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (key, t) in expected) Assert.True(t.equal(actual[key]), $"'{key}' differs after loading");

        using SafetensorsContent raw = Safetensors.Load(file);
        Assert.Equal("4", raw.Metadata["widths"]);
        Assert.Contains("bn.num_batches_tracked", raw.Tensors.Keys);
    }

    [Fact]
    public void LoadingIntoADifferentModuleNamesTheFileAndTheMismatches()
    {
        string file = PathOf("net.safetensors");
        using var saved = SmallNet(4);
        saved.save(file);

        using var wider = SmallNet(8);
        var e = Assert.Throws<InvalidDataException>(() => wider.load(file));
        Assert.Contains(file, e.Message);
        Assert.Contains("size mismatch for \"conv.weight\": the checkpoint has shape [4, 1, 3, 3], the module has [8, 1, 3, 3]", e.Message);

        using var doubles = SmallNet(4);
        doubles.to(ScalarType.Float64);
        Assert.Contains("dtype mismatch for \"conv.weight\"", Assert.Throws<InvalidDataException>(() => doubles.load(file)).Message);

        saved.save(file, skip: ["fc.bias"]);
        using var strict = SmallNet(4);
        Assert.Contains("missing key(s) in state_dict: \"fc.bias\"", Assert.Throws<InvalidDataException>(() => strict.load(file)).Message);
        strict.load(file, strict: false);
    }
}
