using System.Text.Json.Nodes;

namespace PruneGen.Hosting.Runs;

/// <summary>
/// The headline figures of a finished run (<c>summary.json</c>). MACs are multiply-accumulates per image;
/// latency is measured wall-clock of one forward pass at <see cref="LatencyBatch"/> images on
/// <see cref="Threads"/> threads (median of <see cref="LatencyRepeats"/> after warm-up).
/// </summary>
public sealed record RunSummary
{
    public required string Experiment { get; init; }
    public required string Network { get; init; }
    public required string Method { get; init; }
    public required string Dataset { get; init; }
    public required long Seed { get; init; }
    public required int Epochs { get; init; }
    public required long Steps { get; init; }
    public double? DenseTestAccuracy { get; init; }
    public required double TestAccuracy { get; init; }
    public required long DenseMacs { get; init; }
    public required long Macs { get; init; }
    public required long DenseParams { get; init; }
    public required long Params { get; init; }
    public required double LatencyMs { get; init; }

    /// <summary>The final structure's latency by the method's lookup table (latency-targeted methods), beside the measured <see cref="LatencyMs"/>.</summary>
    public double? PredictedLatencyMs { get; init; }
    public double? DenseLatencyMs { get; init; }
    public required int LatencyBatch { get; init; }
    public required int LatencyRepeats { get; init; }
    public required int Threads { get; init; }
    public required string Libtorch { get; init; }
    public required double WallSeconds { get; init; }
    public required IReadOnlyDictionary<string, int> Widths { get; init; }
    public required IReadOnlyDictionary<string, int> DenseWidths { get; init; }
    public required IReadOnlyList<string> RemovedBlocks { get; init; }

    /// <summary>The method's other run facts (e.g. <c>pruning</c>: what was removed and how it was chosen), as recorded.</summary>
    public JsonObject? Facts { get; init; }

    public JsonObject ToJson() => new()
    {
        ["experiment"] = Experiment,
        ["network"] = Network,
        ["method"] = Method,
        ["dataset"] = Dataset,
        ["seed"] = Seed,
        ["epochs"] = Epochs,
        ["steps"] = Steps,
        ["dense_test_accuracy"] = DenseTestAccuracy is { } d && double.IsFinite(d) ? d : null,
        ["test_accuracy"] = double.IsFinite(TestAccuracy) ? TestAccuracy : null,
        ["dense_macs"] = DenseMacs,
        ["macs"] = Macs,
        ["dense_params"] = DenseParams,
        ["params"] = Params,
        ["latency_ms"] = LatencyMs,
        ["predicted_latency_ms"] = PredictedLatencyMs,
        ["dense_latency_ms"] = DenseLatencyMs,
        ["latency_batch"] = LatencyBatch,
        ["latency_repeats"] = LatencyRepeats,
        ["threads"] = Threads,
        ["libtorch"] = Libtorch,
        ["wall_seconds"] = WallSeconds,
        ["widths"] = ToObject(Widths),
        ["dense_widths"] = ToObject(DenseWidths),
        ["removed_blocks"] = new JsonArray(RemovedBlocks.Select(b => (JsonNode)b).ToArray()),
        ["facts"] = Facts?.DeepClone(),
    };

    public static RunSummary FromJson(JsonObject json) => new()
    {
        Experiment = Str(json, "experiment"),
        Network = Str(json, "network"),
        Method = Str(json, "method"),
        Dataset = Str(json, "dataset"),
        Seed = json["seed"]?.GetValue<long>() ?? 0,
        Epochs = json["epochs"]?.GetValue<int>() ?? 0,
        Steps = json["steps"]?.GetValue<long>() ?? 0,
        DenseTestAccuracy = json["dense_test_accuracy"]?.GetValue<double>(),
        TestAccuracy = json["test_accuracy"]?.GetValue<double>() ?? double.NaN,
        DenseMacs = json["dense_macs"]?.GetValue<long>() ?? -1,
        Macs = json["macs"]?.GetValue<long>() ?? -1,
        DenseParams = json["dense_params"]?.GetValue<long>() ?? -1,
        Params = json["params"]?.GetValue<long>() ?? -1,
        LatencyMs = json["latency_ms"]?.GetValue<double>() ?? double.NaN,
        PredictedLatencyMs = json["predicted_latency_ms"]?.GetValue<double>(),
        DenseLatencyMs = json["dense_latency_ms"]?.GetValue<double>(),
        LatencyBatch = json["latency_batch"]?.GetValue<int>() ?? 0,
        LatencyRepeats = json["latency_repeats"]?.GetValue<int>() ?? 0,
        Threads = json["threads"]?.GetValue<int>() ?? 0,
        Libtorch = json["libtorch"]?.GetValue<string>() ?? "",
        WallSeconds = json["wall_seconds"]?.GetValue<double>() ?? double.NaN,
        Widths = FromObject(json["widths"]),
        DenseWidths = FromObject(json["dense_widths"]),
        RemovedBlocks = (json["removed_blocks"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToArray() ?? [],
        Facts = json["facts"] is JsonObject facts ? (JsonObject)facts.DeepClone() : null,
    };

    private static string Str(JsonObject json, string name) => json[name]?.GetValue<string>() ?? throw new FormatException($"summary lacks \"{name}\"");

    private static JsonObject ToObject(IReadOnlyDictionary<string, int> map)
    {
        var o = new JsonObject();
        foreach ((string k, int v) in map) o[k] = v;
        return o;
    }

    private static IReadOnlyDictionary<string, int> FromObject(JsonNode? node)
    {
        var map = new Dictionary<string, int>();
        if (node is JsonObject o)
            foreach ((string k, JsonNode? v) in o) map[k] = v!.GetValue<int>();
        return map;
    }
}
