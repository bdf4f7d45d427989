using System.Globalization;
using System.Text.Json.Nodes;

namespace PruneGen.Hosting.Runs;

/// <summary>
/// One latency measurement of a finished run's final model, taken after the run by
/// <c>measure-latency</c> (so that all runs of a comparison are measured together, on a quiet machine,
/// at the batch sizes and thread counts the comparison needs). <see cref="LatencyMs"/> and
/// <see cref="DenseLatencyMs"/> are medians over <see cref="Rounds"/> rounds, each the median of
/// <see cref="Repeats"/> forward passes; rounds interleave all models so drift hits them alike.
/// </summary>
/// <param name="PredictedLatencyMs">The latency table's prediction for the model, when <c>measure-latency</c> was given a table
/// measured at this batch and thread count for this network; null otherwise.</param>
public sealed record LatencyRecord(int Batch, int Threads, int Repeats, int Rounds, double LatencyMs, double DenseLatencyMs,
    double LoadAverage, DateTimeOffset MeasuredUtc, double? PredictedLatencyMs = null)
{
    /// <summary>"b128/t2": the setting a record belongs to (a run keeps one record per setting).</summary>
    public string Setting => string.Create(CultureInfo.InvariantCulture, $"b{Batch}/t{Threads}");

    public JsonObject ToJson()
    {
        JsonObject json = Fields();
        if (PredictedLatencyMs is double predicted) json["predicted_latency_ms"] = predicted;
        return json;
    }

    private JsonObject Fields() => new()
    {
        ["batch"] = Batch,
        ["threads"] = Threads,
        ["repeats"] = Repeats,
        ["rounds"] = Rounds,
        ["latency_ms"] = LatencyMs,
        ["dense_latency_ms"] = DenseLatencyMs,
        ["load_average_1m"] = LoadAverage,
        ["measured_utc"] = MeasuredUtc.ToString("O", CultureInfo.InvariantCulture),
    };

    public static LatencyRecord FromJson(JsonObject json, string source)
    {
        T Get<T>(string name) => json[name] is JsonNode node ? node.GetValue<T>() : throw new FormatException($"{source}: a latency record lacks \"{name}\"");
        return new LatencyRecord(Get<int>("batch"), Get<int>("threads"), Get<int>("repeats"), Get<int>("rounds"),
            Get<double>("latency_ms"), Get<double>("dense_latency_ms"), Get<double>("load_average_1m"),
            DateTimeOffset.Parse(Get<string>("measured_utc"), CultureInfo.InvariantCulture),
            json["predicted_latency_ms"]?.GetValue<double>());
    }

    /// <summary>The 1-minute load average from /proc/loadavg (NaN where there is none): a busy machine inflates latency.</summary>
    public static double CurrentLoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }
}
