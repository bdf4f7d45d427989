using System.Text.Json.Nodes;

namespace PruneGen.Experiments.Tests;

/// <summary><c>measure-latency</c> on real finished runs: one record per batch/threads setting, the report shows them.</summary>
public sealed class MeasureLatencyTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private readonly string _root = Directory.CreateTempSubdirectory("prunegen-measure-latency-tests-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string[] TinyRun(string experiment, string outDir) =>
    [
        "run", experiment, "--out", outDir,
        "--set", "threads=1", "--set", "epochs=2", "--set", "steps_per_epoch=2", "--set", "batch_size=16",
        "--set", "train_subset=64", "--set", "test_subset=32", "--set", "latency_batch=2", "--set", "latency_repeats=1",
    ];

    [Fact]
    public void Measures_pruned_and_dense_runs_per_setting_and_replaces_an_earlier_record_of_the_same_setting()
    {
        string dense = Path.Combine(_root, "dense"), pruned = Path.Combine(_root, "pruned");
        Assert.Equal(0, ExperimentsProgram.Run(Timeout, TinyRun("resnet20-smoke", dense)).ExitCode);
        Assert.Equal(0, ExperimentsProgram.Run(Timeout, [.. TinyRun("resnet20-l1-smoke", pruned), "--set", "target_macs=0.3"]).ExitCode);

        // A trailing separator, as shell completion types it, still names the run by its folder.
        string[] measure = ["measure-latency", dense, pruned + Path.DirectorySeparatorChar, "--batch", "8", "--batch", "1", "--threads", "1", "--repeats", "2", "--rounds", "2"];
        ExperimentsProgram.Result first = ExperimentsProgram.Run(Timeout, measure);
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("batch 8, 1 threads, median of 2 rounds x 2 passes", first.Output);
        Assert.Contains("ResNet20 (dense)", first.Output);
        Assert.Matches(@"\n  pruned +[0-9.]+ ms", first.Output);
        Assert.DoesNotContain("LUT", first.Output);
        // Again with a latency table measured at batch 8 on 1 thread: the batch-8 records get its prediction.
        string table = Path.Combine(_root, "ResNet20-b8-t1.json");
        ExperimentsProgram.Result profiled = ExperimentsProgram.Run(Timeout, "profile-latency", "ResNet20", "--batch", "8", "--threads", "1", "--repeats", "1", "--out", table);
        Assert.True(profiled.ExitCode == 0, profiled.Error);
        ExperimentsProgram.Result second = ExperimentsProgram.Run(Timeout, [.. measure, "--latency-table", table]);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Matches(@"\n  pruned +[0-9.]+ ms  \(LUT [0-9.]+ ms, measured / LUT [0-9.]+\)", second.Output);

        foreach (string run in new[] { dense, pruned })
        {
            var records = (JsonArray)JsonNode.Parse(File.ReadAllText(Path.Combine(run, "latency.json")))!["measurements"]!;
            // Measured twice at two settings: one record each, the second measurement replacing the first.
            Assert.Equal([8, 1], records.Select(r => r!["batch"]!.GetValue<int>()));
            Assert.All(records, r => Assert.True(r!["latency_ms"]!.GetValue<double>() > 0 && r["dense_latency_ms"]!.GetValue<double>() > 0));
            Assert.True(records[0]!["predicted_latency_ms"]!.GetValue<double>() > 0);
            Assert.Null(records[1]!["predicted_latency_ms"]); // no table was measured at batch 1
        }

        ExperimentsProgram.Result report = ExperimentsProgram.Run(Timeout, "report", dense, pruned, "--out", Path.Combine(_root, "report"));
        Assert.Equal(0, report.ExitCode);
        string markdown = File.ReadAllText(Path.Combine(_root, "report", "report.md"));
        Assert.Contains("## Latency measured after training", markdown);
        Assert.Contains("| 1 / 1 |", markdown);
        Assert.Contains("measured / LUT", markdown);
    }

    [Fact]
    public void An_unfinished_run_folder_is_a_clear_error_naming_it()
    {
        string folder = Path.Combine(_root, "not-a-run");
        Directory.CreateDirectory(folder);
        ExperimentsProgram.Result result = ExperimentsProgram.Run(Timeout, "measure-latency", folder);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("not-a-run", result.Error);
    }
}
