using System.Text;
using System.Text.Json;

namespace PruneGen.Structure;

/// <summary>
/// The small JSON file saved next to a checkpoint that records a pruned network's widths and kept
/// blocks, so that the network can be rebuilt at the right size before its weights are loaded:
/// <c>{"network": "ResNet20", "widths": {"Stage1": 12, ...}, "blocks": {"Stage1Block1": false, ...}}</c>.
/// </summary>
public sealed class WidthsSidecar
{
    public WidthsSidecar(string network, IReadOnlyDictionary<string, int> widths, IReadOnlyDictionary<string, bool> blocks)
    {
        Network = network;
        Widths = widths;
        Blocks = blocks;
    }

    public string Network { get; }
    public IReadOnlyDictionary<string, int> Widths { get; }
    public IReadOnlyDictionary<string, bool> Blocks { get; }

    /// <summary>
    /// The sidecar of any generated network, built from its structure: the same names and values as the
    /// generated <c>CurrentWidths.ToSidecar()</c>, for code that only knows <see cref="IPrunableNetwork"/>.
    /// </summary>
    public static WidthsSidecar Of(IPrunableNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        NetworkStructure s = network.Structure;
        int[] widths = network.GroupWidths;
        bool[] blocks = network.BlocksKept;
        return new WidthsSidecar(s.Name,
            s.PrunableGroups.ToDictionary(g => g.Name, g => widths[g.Index]),
            s.RemovableBlocks.ToDictionary(b => b.WidthsName, b => blocks[b.Index]));
    }

    /// <summary>"run/model.safetensors" -> "run/model.widths.json".</summary>
    public static string PathFor(string checkpointPath) => Path.ChangeExtension(checkpointPath, ".widths.json");

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("network", Network);
            writer.WriteStartObject("widths");
            foreach (var (name, width) in Widths) writer.WriteNumber(name, width);
            writer.WriteEndObject();
            writer.WriteStartObject("blocks");
            foreach (var (name, kept) in Blocks) writer.WriteBoolean(name, kept);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the file atomically (temporary file, then rename).</summary>
    public void Save(string path)
    {
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, ToJson());
        File.Move(temporary, path, overwrite: true);
    }

    public static WidthsSidecar Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"widths sidecar '{path}' does not exist", path);
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new FormatException($"widths sidecar '{path}' is not valid: {e.Message}", e);
        }
    }

    public static WidthsSidecar Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException("the root must be a JSON object");
        string network = Required(root, "network").GetString() ?? throw new FormatException("\"network\" must be a string");
        var widths = new Dictionary<string, int>();
        foreach (JsonProperty p in Required(root, "widths").EnumerateObject())
            widths[p.Name] = p.Value.TryGetInt32(out int w) ? w : throw new FormatException($"width \"{p.Name}\" must be an integer");
        var blocks = new Dictionary<string, bool>();
        foreach (JsonProperty p in Required(root, "blocks").EnumerateObject())
            blocks[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new FormatException($"block flag \"{p.Name}\" must be true or false"),
            };
        return new WidthsSidecar(network, widths, blocks);
    }

    /// <summary>Throws a <see cref="FormatException"/> unless the sidecar holds exactly these widths and block flags.</summary>
    public void RequireExactly(IReadOnlyCollection<string> groupNames, IReadOnlyCollection<string> blockNames)
    {
        var problems = new List<string>();
        problems.AddRange(groupNames.Where(n => !Widths.ContainsKey(n)).Select(n => $"width \"{n}\" is missing"));
        problems.AddRange(Widths.Keys.Where(n => !groupNames.Contains(n)).Select(n => $"width \"{n}\" is not a group of {Network}"));
        problems.AddRange(blockNames.Where(n => !Blocks.ContainsKey(n)).Select(n => $"block flag \"{n}\" is missing"));
        problems.AddRange(Blocks.Keys.Where(n => !blockNames.Contains(n)).Select(n => $"block flag \"{n}\" is not a removable block of {Network}"));
        if (problems.Count > 0) throw new FormatException($"the widths sidecar does not match {Network}: " + string.Join("; ", problems));
    }

    private static JsonElement Required(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) ? value : throw new FormatException($"the \"{name}\" entry is missing");
}
