using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PruneGen.Training;

namespace PruneGen.Hosting.Runs;

/// <summary>
/// The folder of one run:
/// <code>
/// config.yaml          resolved configuration (every option; resume reads it)
/// run.json             status (running / interrupted / completed / failed), command, machine
/// metrics.csv          one row per epoch
/// metrics.jsonl        one JSON object per epoch
/// checkpoints/         step-NNNNNNNNNN/ folders (the newest two)
/// model/               final model: model.safetensors + model.widths.json
/// summary.json         headline figures (accuracy, MACs, params, latency, widths, removed blocks)
/// latency.json         later latency measurements of the final model (measure-latency), one per batch/threads
/// report.md, plots/    the report with SVG plots
/// </code>
/// </summary>
public sealed class RunDirectory
{
    public const string ConfigFile = "config.yaml";
    public const string RunInfoFile = "run.json";
    public const string MetricsCsvFile = "metrics.csv";
    public const string MetricsJsonFile = "metrics.jsonl";
    public const string SummaryFile = "summary.json";
    public const string LatencyFile = "latency.json";
    public const string ReportFile = "report.md";
    public const string CheckpointsFolder = "checkpoints";
    public const string ModelFolder = "model";
    public const string PlotsFolder = "plots";

    // Without the trailing separator a user may type ("runs/a/"), so that Name is the folder name.
    private RunDirectory(string path) => Path = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));

    public string Path { get; }
    public string Name => System.IO.Path.GetFileName(Path);
    public string ConfigPath => File(ConfigFile);
    public string CheckpointsPath => File(CheckpointsFolder);
    public string ModelPath => ModelPathOf(Path);
    public string WidthsPath => Structure.WidthsSidecar.PathFor(ModelPath);
    public string SummaryPath => File(SummaryFile);
    public string ReportPath => File(ReportFile);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Where the run folder <paramref name="runFolder"/> keeps its final model (written when the run completes; the widths sidecar lies next to it).</summary>
    public static string ModelPathOf(string runFolder) => System.IO.Path.Combine(System.IO.Path.GetFullPath(runFolder), ModelFolder, "model.safetensors");

    /// <summary><c>runs/&lt;experiment&gt;/&lt;yyyyMMdd-HHmmss&gt;</c> under <paramref name="root"/>, with a suffix if that exists.</summary>
    public static string DefaultPath(string root, string experiment, DateTime now)
    {
        string basePath = System.IO.Path.Combine(root, "runs", experiment, now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        string path = basePath;
        for (int i = 2; Directory.Exists(path); i++) path = $"{basePath}-{i}";
        return path;
    }

    /// <summary>Creates a new run folder; an existing non-empty folder is refused (use resume for it).</summary>
    public static RunDirectory Create(string path)
    {
        if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any())
            throw new IOException($"run folder '{path}' already exists and is not empty; resume it with 'resume {path}' or choose another --out");
        Directory.CreateDirectory(path);
        return new RunDirectory(path);
    }

    /// <summary>Opens an existing run folder (it must hold a resolved config).</summary>
    public static RunDirectory Open(string path)
    {
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"run folder '{path}' does not exist");
        var run = new RunDirectory(path);
        if (!System.IO.File.Exists(run.ConfigPath))
            throw new FileNotFoundException($"'{path}' is not a run folder: it has no {ConfigFile}", run.ConfigPath);
        return run;
    }

    public void WriteConfig(string yaml) => WriteAtomically(ConfigPath, yaml);

    /// <summary>Rewrites both metrics files from the full list (so a resumed run drops epochs a checkpoint does not cover).</summary>
    public void WriteMetrics(IReadOnlyList<EpochMetrics> metrics)
    {
        WriteAtomically(File(MetricsJsonFile), EpochMetrics.ToJsonLines(metrics));
        WriteAtomically(File(MetricsCsvFile), EpochMetrics.ToCsv(metrics));
    }

    public IReadOnlyList<EpochMetrics> ReadMetrics()
    {
        string path = File(MetricsJsonFile);
        return System.IO.File.Exists(path) ? EpochMetrics.ParseJsonLines(System.IO.File.ReadAllText(path)) : [];
    }

    public void WriteSummary(RunSummary summary) => WriteAtomically(SummaryPath, summary.ToJson().ToJsonString(Indented));

    public RunSummary? ReadSummary() =>
        System.IO.File.Exists(SummaryPath) ? RunSummary.FromJson(JsonNode.Parse(System.IO.File.ReadAllText(SummaryPath)) as JsonObject
            ?? throw new FormatException($"{SummaryPath} is not a JSON object")) : null;

    /// <summary>The run's <c>measure-latency</c> records, one per batch/threads setting (none before the first).</summary>
    public IReadOnlyList<LatencyRecord> ReadLatencies()
    {
        string path = File(LatencyFile);
        if (!System.IO.File.Exists(path)) return [];
        JsonArray records = JsonNode.Parse(System.IO.File.ReadAllText(path))?["measurements"] as JsonArray
            ?? throw new FormatException($"{path} has no \"measurements\" array");
        return records.Select(r => LatencyRecord.FromJson(r as JsonObject ?? throw new FormatException($"{path}: a measurement is not an object"), path)).ToList();
    }

    /// <summary>Adds <paramref name="record"/>, replacing an earlier one of the same batch/threads setting.</summary>
    public void AddLatency(LatencyRecord record)
    {
        var records = ReadLatencies().Where(r => r.Setting != record.Setting).Append(record)
            .OrderByDescending(r => r.Batch).ThenBy(r => r.Threads).Select(r => (JsonNode)r.ToJson()).ToArray();
        WriteAtomically(File(LatencyFile), new JsonObject { ["measurements"] = new JsonArray(records) }.ToJsonString(Indented));
    }

    /// <summary>Records the run's status and how it was started (updated as the run goes).</summary>
    public void WriteRunInfo(JsonObject info) => WriteAtomically(File(RunInfoFile), info.ToJsonString(Indented));

    public JsonObject? ReadRunInfo() =>
        System.IO.File.Exists(File(RunInfoFile)) ? JsonNode.Parse(System.IO.File.ReadAllText(File(RunInfoFile))) as JsonObject : null;

    internal static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Temporary file, then rename: readers never see half a file.</summary>
    public static void WriteAtomically(string path, string content)
    {
        string? folder = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        string temporary = path + ".tmp";
        System.IO.File.WriteAllText(temporary, content);
        System.IO.File.Move(temporary, path, overwrite: true);
    }
}
