using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PruneGen.Training;

/// <summary>Names of the metrics the trainer itself records every epoch; methods add their own.</summary>
public static class MetricNames
{
    public const string LearningRate = "lr";
    public const string TrainLoss = "train_loss";
    public const string TrainAccuracy = "train_accuracy";
    public const string TestLoss = "test_loss";
    public const string TestAccuracy = "test_accuracy";
    public const string Macs = "macs";
    public const string Params = "params";
    public const string EpochSeconds = "epoch_seconds";
    public const string ImagesPerSecond = "train_images_per_s";

    /// <summary>Prefix of gate probability trajectories (e.g. <c>theta/Stage1</c> = mean θ of that group); reports plot them.</summary>
    public const string ThetaPrefix = "theta/";
}

/// <summary>
/// The metrics of one finished epoch: a few fixed fields and an ordered dictionary of named values,
/// so methods can add their own (gate statistics, θ means, removed units).
/// </summary>
public sealed class EpochMetrics
{
    public EpochMetrics(int epoch, long step, IEnumerable<KeyValuePair<string, double>> values)
    {
        Epoch = epoch;
        Step = step;
        Values = new OrderedDictionary<string, double>(values);
    }

    /// <summary>1-based number of the epoch.</summary>
    public int Epoch { get; }

    /// <summary>Global optimizer steps done by the end of the epoch.</summary>
    public long Step { get; }

    public OrderedDictionary<string, double> Values { get; }

    public double? this[string name] => Values.TryGetValue(name, out double v) ? v : null;

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["epoch"] = Epoch, ["step"] = Step };
        // JSON has no NaN/Infinity: write null so every line stays valid JSON.
        foreach ((string name, double value) in Values) json[name] = double.IsFinite(value) ? JsonValue.Create(value) : null;
        return json;
    }

    public static EpochMetrics FromJson(JsonObject json)
    {
        int epoch = json["epoch"]?.GetValue<int>() ?? throw new FormatException("metrics entry without \"epoch\"");
        long step = json["step"]?.GetValue<long>() ?? throw new FormatException("metrics entry without \"step\"");
        var values = new List<KeyValuePair<string, double>>();
        foreach ((string name, JsonNode? node) in json)
        {
            if (name is "epoch" or "step") continue;
            values.Add(new(name, node is null ? double.NaN : node.GetValue<double>()));
        }
        return new EpochMetrics(epoch, step, values);
    }

    /// <summary>One compact JSON object per line.</summary>
    public static string ToJsonLines(IEnumerable<EpochMetrics> metrics)
    {
        var sb = new StringBuilder();
        foreach (EpochMetrics m in metrics) sb.Append(m.ToJson().ToJsonString()).Append('\n');
        return sb.ToString();
    }

    public static IReadOnlyList<EpochMetrics> ParseJsonLines(string text)
    {
        var list = new List<EpochMetrics>();
        foreach (string line in text.Split('\n'))
        {
            if (line.Trim().Length == 0) continue;
            list.Add(FromJson(JsonNode.Parse(line) as JsonObject ?? throw new FormatException("a metrics line is not a JSON object")));
        }
        return list;
    }

    /// <summary>
    /// CSV with a header of epoch, step and the union of every value name in first-seen order; a value an
    /// epoch lacks is an empty cell.
    /// </summary>
    public static string ToCsv(IReadOnlyList<EpochMetrics> metrics)
    {
        var columns = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (EpochMetrics m in metrics)
            foreach (string name in m.Values.Keys)
                if (seen.Add(name)) columns.Add(name);

        var sb = new StringBuilder();
        sb.Append("epoch,step");
        foreach (string c in columns) sb.Append(',').Append(CsvField(c));
        sb.Append('\n');
        foreach (EpochMetrics m in metrics)
        {
            sb.Append(m.Epoch.ToString(CultureInfo.InvariantCulture)).Append(',').Append(m.Step.ToString(CultureInfo.InvariantCulture));
            foreach (string c in columns)
            {
                sb.Append(',');
                if (m.Values.TryGetValue(c, out double v) && double.IsFinite(v)) sb.Append(v.ToString("R", CultureInfo.InvariantCulture));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string CsvField(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
