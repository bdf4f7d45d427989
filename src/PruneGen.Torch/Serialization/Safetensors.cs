using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using static PruneGen.Torch.Native.NativeMethods;
using static PruneGen.Torch.torch;

namespace PruneGen.Torch.Serialization;

/// <summary>
/// Reads and writes the safetensors format (https://github.com/huggingface/safetensors): an unsigned
/// 64-bit little-endian header length N, N bytes of JSON header
/// <c>{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {string: string}}</c>,
/// then the data section, which the entries must cover exactly, without gaps or overlaps.
/// Files written here are readable by Python's safetensors and vice versa.
/// </summary>
public static class Safetensors
{
    /// <summary>Header lengths above this are refused (the reference implementation's limit), so a corrupt length cannot exhaust memory.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    /// <summary>Largest span handed to one read or write call.</summary>
    private const int ChunkBytes = 1 << 30;

    private static readonly (string Name, ScalarType Type)[] s_dtypes =
    [
        ("BOOL", ScalarType.Bool), ("U8", ScalarType.Byte), ("I8", ScalarType.Int8), ("I16", ScalarType.Int16),
        ("I32", ScalarType.Int32), ("I64", ScalarType.Int64), ("F16", ScalarType.Float16), ("BF16", ScalarType.BFloat16),
        ("F32", ScalarType.Float32), ("F64", ScalarType.Float64),
    ];

    /// <summary>Valid safetensors dtypes that have no PruneGen.Torch element type.</summary>
    private static readonly string[] s_unsupportedDtypes = ["U16", "U32", "U64", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64"];

    /// <summary>The safetensors dtype name of an element type.</summary>
    public static string DtypeName(ScalarType type)
    {
        foreach ((string name, ScalarType t) in s_dtypes)
        {
            if (t == type) return name;
        }
        throw new ArgumentOutOfRangeException(nameof(type), type, "element type has no safetensors dtype");
    }

    // ---- writing ------------------------------------------------------------------------------

    /// <summary>
    /// Writes <paramref name="tensors"/> (in the given order) and optional string metadata to
    /// <paramref name="path"/>. The file is written under a temporary name and renamed into place, so
    /// readers never see a partial file and a failed save leaves an existing file untouched.
    /// </summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);

        var entries = new List<(string Name, Tensor Tensor, string Dtype, long[] Shape, long Begin, long End)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        long offset = 0;
        foreach ((string name, Tensor tensor) in tensors)
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("tensor names must be non-empty", nameof(tensors));
            if (name == MetadataKey) throw new ArgumentException($"'{MetadataKey}' is reserved for the metadata and cannot name a tensor", nameof(tensors));
            if (!names.Add(name)) throw new ArgumentException($"tensor name '{name}' appears twice", nameof(tensors));
            ArgumentNullException.ThrowIfNull(tensor, $"tensors['{name}']");
            ScalarType type = tensor.dtype;
            string dtype = Array.Find(s_dtypes, d => d.Type == type).Name
                ?? throw new ArgumentException($"tensor '{name}' has element type {type}, which safetensors cannot store", nameof(tensors));
            long[] shape = tensor.shape;
            long bytes = checked(tensor.numel() * ElementSize(type));
            entries.Add((name, tensor, dtype, shape, offset, offset + bytes));
            offset += bytes;
        }

        byte[] header = WriteHeader(entries.Select(e => (e.Name, e.Dtype, e.Shape, e.Begin, e.End)), metadata);

        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                stream.Write(length);
                stream.Write(header);
                foreach (var e in entries) WriteData(stream, e.Tensor, e.End - e.Begin);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temporary); } catch (IOException) { /* best effort; the original error matters more */ }
            throw;
        }
    }

    /// <inheritdoc cref="Save(string, IEnumerable{KeyValuePair{string, Tensor}}, IReadOnlyDictionary{string, string}?)"/>
    public static void Save(string path, IEnumerable<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        Save(path, tensors.Select(t => KeyValuePair.Create(t.Name, t.Tensor)), metadata);

    private static byte[] WriteHeader(IEnumerable<(string Name, string Dtype, long[] Shape, long Begin, long End)> entries,
        IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new MemoryStream();
        // Relaxed escaping keeps non-ASCII names readable; the output is still valid JSON.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach ((string key, string value) in metadata)
                {
                    ArgumentNullException.ThrowIfNull(value, $"metadata['{key}']");
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            foreach (var e in entries)
            {
                json.WriteStartObject(e.Name);
                json.WriteString("dtype", e.Dtype);
                json.WriteStartArray("shape");
                foreach (long d in e.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(e.Begin);
                json.WriteNumberValue(e.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        // Pad with spaces so that the data section starts 8-byte aligned (as the reference writer does).
        int padding = (int)((8 - (buffer.Length % 8)) % 8);
        for (int i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    private static unsafe void WriteData(Stream stream, Tensor tensor, long bytes)
    {
        if (bytes == 0) return;
        IntPtr contiguous = Check(pg_serialization_cpu_contiguous(tensor.Handle));
        try
        {
            byte* data = (byte*)Check(pg_serialization_data_ptr(contiguous));
            for (long done = 0; done < bytes;)
            {
                int chunk = (int)Math.Min(ChunkBytes, bytes - done);
                stream.Write(new ReadOnlySpan<byte>(data + done, chunk));
                done += chunk;
            }
        }
        finally
        {
            pg_tensor_free(contiguous);
        }
        GC.KeepAlive(tensor);
    }

    // ---- reading ------------------------------------------------------------------------------

    private readonly record struct Entry(string Name, ScalarType Type, long[] Shape, long Begin, long End);

    /// <summary>
    /// Reads a safetensors file into CPU tensors. Everything is validated before any tensor is
    /// created: a truncated file, a header length beyond the file, invalid JSON, an unknown dtype,
    /// offsets out of range, overlapping, leaving gaps or not matching shape × dtype size each raise a
    /// <see cref="SafetensorsFormatException"/> naming the file and the entry.
    /// </summary>
    public static SafetensorsContent Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = RandomAccess.GetLength(file);
        if (length < 8)
            throw new SafetensorsFormatException(path, null, $"the file is {length} bytes long, too short for the 8-byte header length that starts a safetensors file");

        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(file, prefix, 0, path, null);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(length - 8))
            throw new SafetensorsFormatException(path, null, $"the header length {headerLength} reaches beyond the end of the file ({length} bytes; the file may be truncated)");
        if (headerLength > MaxHeaderBytes)
            throw new SafetensorsFormatException(path, null, $"the header length {headerLength} exceeds the limit of {MaxHeaderBytes} bytes");
        if (headerLength < 2)
            throw new SafetensorsFormatException(path, null, $"the header length {headerLength} is too small for a JSON object");

        byte[] header = new byte[headerLength];
        ReadExactly(file, header, 8, path, null);
        long dataStart = 8 + (long)headerLength;
        long dataLength = length - dataStart;

        (List<Entry> entries, Dictionary<string, string> metadata) = ParseHeader(header, dataLength, path);
        CheckCoverage(entries, dataLength, path);

        var tensors = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (Entry e in entries) tensors.Add(e.Name, ReadTensor(file, e, dataStart, path));
        }
        catch
        {
            foreach (Tensor t in tensors.Values) t.Dispose();
            throw;
        }
        return new SafetensorsContent(tensors, metadata);
    }

    private static (List<Entry>, Dictionary<string, string>) ParseHeader(byte[] header, long dataLength, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(path, null, $"the header is not valid JSON: {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw new SafetensorsFormatException(path, null, $"the header is not valid UTF-8 JSON: {e.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafetensorsFormatException(path, null, $"the header must be a JSON object, not {document.RootElement.ValueKind}");

            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                string name = property.Name;
                if (!seen.Add(name)) throw new SafetensorsFormatException(path, name, "the entry appears more than once in the header");
                if (name == MetadataKey)
                {
                    ParseMetadata(property.Value, metadata, path);
                    continue;
                }
                entries.Add(ParseEntry(name, property.Value, dataLength, path));
            }
            return (entries, metadata);
        }
    }

    private static void ParseMetadata(JsonElement value, Dictionary<string, string> metadata, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException(path, MetadataKey, $"the metadata must be an object of strings, not {value.ValueKind}");
        foreach (JsonProperty item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new SafetensorsFormatException(path, MetadataKey, $"metadata value '{item.Name}' must be a string, not {item.Value.ValueKind}");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw new SafetensorsFormatException(path, MetadataKey, $"metadata key '{item.Name}' appears more than once");
        }
    }

    private static Entry ParseEntry(string name, JsonElement value, long dataLength, string path)
    {
        SafetensorsFormatException Bad(string problem) => new(path, name, problem);

        if (value.ValueKind != JsonValueKind.Object) throw Bad($"the entry must be an object, not {value.ValueKind}");
        JsonElement? dtypeElement = null, shapeElement = null, offsetsElement = null;
        foreach (JsonProperty field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtypeElement is null: dtypeElement = field.Value; break;
                case "shape" when shapeElement is null: shapeElement = field.Value; break;
                case "data_offsets" when offsetsElement is null: offsetsElement = field.Value; break;
                case "dtype" or "shape" or "data_offsets": throw Bad($"field '{field.Name}' appears more than once");
                default: throw Bad($"unexpected field '{field.Name}' (an entry has dtype, shape and data_offsets)");
            }
        }
        if (dtypeElement is not { ValueKind: JsonValueKind.String } dtypeValue) throw Bad("field 'dtype' is missing or not a string");
        if (shapeElement is not { ValueKind: JsonValueKind.Array } shapeValue) throw Bad("field 'shape' is missing or not an array");
        if (offsetsElement is not { ValueKind: JsonValueKind.Array } offsetsValue) throw Bad("field 'data_offsets' is missing or not an array");

        string dtype = dtypeValue.GetString()!;
        int known = Array.FindIndex(s_dtypes, d => d.Name == dtype);
        if (known < 0)
        {
            throw Bad(Array.IndexOf(s_unsupportedDtypes, dtype) >= 0
                ? $"dtype '{dtype}' is valid safetensors but has no PruneGen.Torch element type"
                : $"unknown dtype '{dtype}' (expected one of {string.Join(", ", s_dtypes.Select(d => d.Name))})");
        }
        ScalarType type = s_dtypes[known].Type;

        var shape = new long[shapeValue.GetArrayLength()];
        long elements = 1;
        int i = 0;
        foreach (JsonElement d in shapeValue.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long size) || size < 0)
                throw Bad($"shape dimension {i} must be a non-negative integer, got {d.GetRawText()}");
            shape[i++] = size;
            try
            {
                elements = checked(elements * size);
            }
            catch (OverflowException)
            {
                throw Bad($"shape [{string.Join(", ", shapeValue.EnumerateArray().Select(x => x.GetRawText()))}] has too many elements");
            }
        }
        if (shape.Length > 64) throw Bad($"shape has {shape.Length} dimensions; at most 64 are supported");

        if (offsetsValue.GetArrayLength() != 2) throw Bad($"data_offsets must be [begin, end], got {offsetsValue.GetRawText()}");
        if (!offsetsValue[0].TryGetNonNegative(out long begin) || !offsetsValue[1].TryGetNonNegative(out long end))
            throw Bad($"data_offsets must be two non-negative integers, got {offsetsValue.GetRawText()}");
        if (end < begin) throw Bad($"data_offsets [{begin}, {end}] end before they begin");
        if (end > dataLength) throw Bad($"data_offsets [{begin}, {end}] reach beyond the data section, which holds {dataLength} bytes (the file may be truncated)");

        long expected;
        try
        {
            expected = checked(elements * ElementSize(type));
        }
        catch (OverflowException)
        {
            throw Bad($"shape [{string.Join(", ", shape)}] of {dtype} is too large");
        }
        if (end - begin != expected)
            throw Bad($"data_offsets [{begin}, {end}] hold {end - begin} bytes but shape [{string.Join(", ", shape)}] of {dtype} needs {expected}");
        return new Entry(name, type, shape, begin, end);
    }

    private static bool TryGetNonNegative(this JsonElement element, out long value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value) && value >= 0;
    }

    /// <summary>The entries, ordered by offset, must tile the data section exactly (no gaps, no overlaps).</summary>
    private static void CheckCoverage(List<Entry> entries, long dataLength, string path)
    {
        var ordered = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long position = 0;
        string? previous = null;
        foreach (Entry e in ordered)
        {
            if (e.Begin < position)
                throw new SafetensorsFormatException(path, e.Name, $"data_offsets [{e.Begin}, {e.End}] overlap those of '{previous}', which end at {position}");
            if (e.Begin > position)
                throw new SafetensorsFormatException(path, e.Name, $"data_offsets [{e.Begin}, {e.End}] leave bytes {position}..{e.Begin} of the data section unused");
            position = e.End;
            previous = e.Name;
        }
        if (position != dataLength)
            throw new SafetensorsFormatException(path, null, $"the data section holds {dataLength} bytes but the tensors cover only {position}");
    }

    private static unsafe Tensor ReadTensor(SafeFileHandle file, Entry e, long dataStart, string path)
    {
        Tensor tensor;
        fixed (long* sizes = e.Shape)
            tensor = new Tensor(pg_serialization_empty((int)e.Type, sizes, e.Shape.Length));
        try
        {
            long bytes = e.End - e.Begin;
            if (bytes > 0)
            {
                byte* data = (byte*)Check(pg_serialization_data_ptr(tensor.Handle));
                for (long done = 0; done < bytes;)
                {
                    int chunk = (int)Math.Min(ChunkBytes, bytes - done);
                    ReadExactly(file, new Span<byte>(data + done, chunk), dataStart + e.Begin + done, path, e.Name);
                    done += chunk;
                }
            }
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    private static void ReadExactly(SafeFileHandle file, Span<byte> destination, long offset, string path, string? entry)
    {
        while (destination.Length > 0)
        {
            int read = RandomAccess.Read(file, destination, offset);
            if (read == 0) throw new SafetensorsFormatException(path, entry, "the file ended early (it changed while being read?)");
            destination = destination[read..];
            offset += read;
        }
    }
}
