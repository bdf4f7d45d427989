using System.Globalization;
using System.Text.Json;
using PruneGen.Structure;

namespace PruneGen.Latency;

/// <summary>
/// Reads and writes latency tables as JSON: the key, how the table was measured, and per operation its
/// entries as <c>[c_in, c_out, milliseconds]</c>, one per line. Written with an explicit writer (no
/// reflection), atomically (a temporary file renamed into place).
/// </summary>
public static class LatencyTableFile
{
    public const string Format = "prunegen-latency-table";
    public const int Version = 1;

    /// <summary>
    /// Where a network's table lives unless told otherwise, relative to the current folder:
    /// <c>latency/&lt;network&gt;-b&lt;batch&gt;-t&lt;threads&gt;.json</c> (the <c>profile-latency</c> verb and
    /// latency-targeted runs share it, so a table profiled once is reused while its key matches).
    /// </summary>
    public static string DefaultPath(string network, int batch, int threads) =>
        Path.Combine("latency", string.Create(CultureInfo.InvariantCulture, $"{network}-b{batch}-t{threads}.json"));

    public static void Save(LatencyTable table, string path)
    {
        ArgumentNullException.ThrowIfNull(table);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        string temporary = path + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        using (var stream = File.Create(temporary))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            Write(json, table);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads a table written by <see cref="Save"/>.</summary>
    public static LatencyTable Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException e)
        {
            throw new FileNotFoundException($"no latency table at '{path}'", path, e);
        }
        try
        {
            using JsonDocument document = JsonDocument.Parse(bytes);
            return Read(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"'{path}' is not a readable latency table: {e.Message}", e);
        }
    }

    /// <summary>Reads a table and checks that it was measured for <paramref name="expected"/>; a mismatch names every differing field.</summary>
    public static LatencyTable Load(string path, LatencyTableKey expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        LatencyTable table = Load(path);
        IReadOnlyList<string> differences = table.Key.Differences(expected);
        if (differences.Count > 0) throw new LatencyTableMismatchException(path, differences);
        return table;
    }

    private static void Write(Utf8JsonWriter json, LatencyTable table)
    {
        json.WriteStartObject();
        json.WriteString("format", Format);
        json.WriteNumber("version", Version);
        json.WriteString("network", table.Network);

        json.WriteStartObject("key");
        json.WriteString("device", table.Key.Device);
        json.WriteNumber("threads", table.Key.Threads);
        json.WriteNumber("batch", table.Key.Batch);
        json.WriteString("libtorch", table.Key.LibTorchVersion);
        json.WriteString("memory_format", table.Key.MemoryFormat);
        json.WriteString("signature", table.Key.Signature);
        json.WriteString("statistic", table.Key.Statistic);
        json.WriteEndObject();

        json.WriteStartObject("measurement");
        json.WriteNumber("warmup", table.Measurement.Warmup);
        json.WriteNumber("repeats", table.Measurement.Repeats);
        json.WriteNumber("profiling_seconds", Math.Round(table.Measurement.ProfilingSeconds, 3));
        json.WriteString("created_utc", table.Measurement.CreatedUtc.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        json.WriteEndObject();

        json.WriteStartArray("operations");
        foreach (LatencyOperation op in table.Operations)
        {
            json.WriteStartObject();
            json.WriteString("description", op.ToString());
            json.WriteString("kind", KindName(op.Key.Kind));
            json.WriteNumber("kernel", op.Key.Kernel);
            json.WriteNumber("stride", op.Key.Stride);
            json.WriteNumber("padding", op.Key.Padding);
            json.WriteNumber("input_size", op.Key.InputSize);
            json.WriteBoolean("depthwise", op.Key.Depthwise);
            json.WriteBoolean("batch_norm", op.BatchNorm);
            json.WriteBoolean("relu", op.Relu);
            json.WriteBoolean("bias", op.Bias);
            json.WriteStartArray("entries");
            foreach (var ((i, o), ms) in table.EntriesOf(op.Key))
                json.WriteRawValue(string.Create(CultureInfo.InvariantCulture, $"[{i}, {o}, {ms:R}]"));
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static LatencyTable Read(JsonElement root)
    {
        string format = root.GetProperty("format").GetString() ?? "";
        if (format != Format) throw new FormatException($"format is '{format}', expected '{Format}'");
        int version = root.GetProperty("version").GetInt32();
        if (version != Version) throw new FormatException($"version {version} is not supported (this build reads version {Version})");

        JsonElement k = root.GetProperty("key");
        var key = new LatencyTableKey(
            RequiredString(k, "device"), k.GetProperty("threads").GetInt32(), k.GetProperty("batch").GetInt32(),
            RequiredString(k, "libtorch"), RequiredString(k, "memory_format"), RequiredString(k, "signature"), RequiredString(k, "statistic"));
        JsonElement m = root.GetProperty("measurement");
        var measurement = new LatencyMeasurement(
            m.GetProperty("warmup").GetInt32(), m.GetProperty("repeats").GetInt32(), m.GetProperty("profiling_seconds").GetDouble(),
            DateTimeOffset.Parse(RequiredString(m, "created_utc"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
        var table = new LatencyTable(key, RequiredString(root, "network"), measurement);

        foreach (JsonElement o in root.GetProperty("operations").EnumerateArray())
        {
            string kindName = RequiredString(o, "kind");
            LatencyKind kind = Enum.GetValues<LatencyKind>().Where(k => KindName(k) == kindName).Cast<LatencyKind?>().FirstOrDefault()
                ?? throw new FormatException($"unknown operation kind '{kindName}'");
            var operation = new LatencyOperation(
                new LatencyKey(kind, o.GetProperty("kernel").GetInt32(), o.GetProperty("stride").GetInt32(), o.GetProperty("padding").GetInt32(),
                    o.GetProperty("input_size").GetInt32(), o.GetProperty("depthwise").GetBoolean()),
                o.GetProperty("batch_norm").GetBoolean(), o.GetProperty("relu").GetBoolean(), o.GetProperty("bias").GetBoolean());
            foreach (JsonElement entry in o.GetProperty("entries").EnumerateArray())
            {
                if (entry.GetArrayLength() != 3) throw new FormatException($"an entry of {operation} is not [c_in, c_out, milliseconds]: {entry.GetRawText()}");
                table.Set(operation, entry[0].GetInt32(), entry[1].GetInt32(), entry[2].GetDouble());
            }
        }
        return table;
    }

    /// <summary>The kind as the file spells it: conv, linear, residual-sum, residual-sum-relu, relu-copy.</summary>
    public static string KindName(LatencyKind kind) => kind switch
    {
        LatencyKind.Conv => "conv",
        LatencyKind.Linear => "linear",
        LatencyKind.ResidualSum => "residual-sum",
        LatencyKind.ResidualSumRelu => "residual-sum-relu",
        LatencyKind.ReluCopy => "relu-copy",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no file name for this kind"),
    };

    private static string RequiredString(JsonElement element, string name) =>
        element.GetProperty(name).GetString() ?? throw new FormatException($"'{name}' must be a string");
}
