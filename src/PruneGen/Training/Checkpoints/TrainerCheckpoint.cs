using System.Text.Json;
using System.Text.Json.Nodes;
using PruneGen.Structure;

namespace PruneGen.Training.Checkpoints;

/// <summary>
/// The trainer's own part of a checkpoint (<c>trainer.json</c>): where the run stands, the RNG state,
/// the partial-epoch sums, the metrics so far, the widths and the method's state. Model and optimizer
/// tensors sit beside it in safetensors files.
/// </summary>
internal sealed class TrainerCheckpoint
{
    public const string Format = "prunegen.trainer/1";
    public const string FileName = "trainer.json";
    public const string ModelFile = "model.safetensors";
    public const string OptimizerFile = "optimizer.safetensors";

    public required string Network { get; init; }
    public required string Method { get; init; }

    /// <summary>0-based epoch in progress; equals the epoch count once training is done.</summary>
    public required int Epoch { get; init; }

    /// <summary>Next batch of that epoch.</summary>
    public required int Batch { get; init; }

    public required long GlobalStep { get; init; }
    public required int Epochs { get; init; }
    public required int StepsPerEpoch { get; init; }
    public required double RunningLossSum { get; init; }
    public required long RunningCorrect { get; init; }
    public required long RunningCount { get; init; }
    public required double EpochSeconds { get; init; }
    public required double ElapsedSeconds { get; init; }
    public required byte[] RngState { get; init; }
    public required WidthsSidecar Widths { get; init; }
    public required IReadOnlyList<EpochMetrics> Metrics { get; init; }
    public required JsonObject Facts { get; init; }
    public JsonObject? MethodState { get; init; }

    public void Write(string folder)
    {
        var json = new JsonObject
        {
            ["format"] = Format,
            ["network"] = Network,
            ["method"] = Method,
            ["epoch"] = Epoch,
            ["batch"] = Batch,
            ["global_step"] = GlobalStep,
            ["epochs"] = Epochs,
            ["steps_per_epoch"] = StepsPerEpoch,
            ["running"] = new JsonObject
            {
                ["loss_sum"] = RunningLossSum,
                ["correct"] = RunningCorrect,
                ["count"] = RunningCount,
                ["seconds"] = EpochSeconds,
            },
            ["elapsed_seconds"] = ElapsedSeconds,
            ["rng_state"] = Convert.ToBase64String(RngState),
            ["widths"] = JsonNode.Parse(Widths.ToJson()),
            ["metrics"] = new JsonArray(Metrics.Select(m => (JsonNode)m.ToJson()).ToArray()),
            ["facts"] = Facts.DeepClone(),
            ["method_state"] = MethodState?.DeepClone(),
        };
        File.WriteAllText(Path.Combine(folder, FileName), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    public static TrainerCheckpoint Read(string folder)
    {
        string path = Path.Combine(folder, FileName);
        JsonObject json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException($"{path} is not a JSON object");
        string format = Get<string>(json, "format");
        if (format != Format) throw new FormatException($"{path} has format '{format}', expected '{Format}'");
        JsonObject running = json["running"] as JsonObject ?? throw new FormatException($"{path} lacks \"running\"");
        return new TrainerCheckpoint
        {
            Network = Get<string>(json, "network"),
            Method = Get<string>(json, "method"),
            Epoch = Get<int>(json, "epoch"),
            Batch = Get<int>(json, "batch"),
            GlobalStep = Get<long>(json, "global_step"),
            Epochs = Get<int>(json, "epochs"),
            StepsPerEpoch = Get<int>(json, "steps_per_epoch"),
            RunningLossSum = Get<double>(running, "loss_sum"),
            RunningCorrect = Get<long>(running, "correct"),
            RunningCount = Get<long>(running, "count"),
            EpochSeconds = Get<double>(running, "seconds"),
            ElapsedSeconds = Get<double>(json, "elapsed_seconds"),
            RngState = Convert.FromBase64String(Get<string>(json, "rng_state")),
            Widths = WidthsSidecar.Parse((json["widths"] ?? throw new FormatException($"{path} lacks \"widths\"")).ToJsonString()),
            Metrics = (json["metrics"] as JsonArray ?? throw new FormatException($"{path} lacks \"metrics\""))
                .Select(n => EpochMetrics.FromJson(n as JsonObject ?? throw new FormatException("a metrics entry is not an object"))).ToArray(),
            Facts = json["facts"] is JsonObject facts ? (JsonObject)facts.DeepClone() : new JsonObject(),
            MethodState = json["method_state"] is JsonObject state ? (JsonObject)state.DeepClone() : null,
        };
    }

    private static T Get<T>(JsonObject json, string name) =>
        json[name] is JsonValue value ? value.GetValue<T>() : throw new FormatException($"checkpoint entry \"{name}\" is missing");
}
