using System.Text.Json.Nodes;
using PruneGen.Latency;
using PruneGen.Structure;
using PruneGen.Zoo;

namespace PruneGen.Experiments.Tests;

/// <summary>
/// The whole pipeline through the real entry point: the generated FashionMnist program runs the
/// synthetic smoke experiment once uninterrupted and once killed with SIGKILL mid-epoch and resumed;
/// both must end with the same metrics (CPU, deterministic mode, same seed).
/// </summary>
public sealed class KillAndResumeTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private readonly string _root = Directory.CreateTempSubdirectory("prunegen-experiments-tests-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // Small and fast: 2 epochs of 3 steps of 16 synthetic images, one thread, a checkpoint after every step
    // (so a kill inside epoch 2 leaves a mid-epoch checkpoint to resume from).
    private string[] RunArgs(string experiment, string outDir) =>
    [
        "run", experiment, "--out", outDir,
        "--set", "seed=7", "--set", "threads=1", "--set", "epochs=2", "--set", "steps_per_epoch=3", "--set", "batch_size=16",
        "--set", "train_subset=96", "--set", "test_subset=32", "--set", "checkpoint_every=1",
        "--set", "latency_batch=2", "--set", "latency_repeats=1",
        .. (experiment.Contains("-mdp", StringComparison.Ordinal) ? ["--set", $"latency_table={LatencyTable}"] : Array.Empty<string>()),
    ];

    // One table for both runs of a latency-targeted experiment: profiled once, so both solve the same program.
    private string LatencyTable => Path.Combine(_root, "latency", "ResNet20-b2-t1.json");

    // Dense training, and the L1 and MDP one-shot schedules killed after their pruning step (the resume rebuilds the slim network from the checkpoint's widths).
    [Theory]
    [InlineData("resnet20-smoke")]
    [InlineData("resnet20-l1-smoke")]
    [InlineData("resnet20-mdp-smoke")]
    public async Task Killed_mid_epoch_then_resumed_ends_with_the_same_metrics_as_an_uninterrupted_run(string experiment)
    {
        string whole = Path.Combine(_root, "whole"), killed = Path.Combine(_root, "killed");
        if (experiment.Contains("-mdp", StringComparison.Ordinal))
        {
            ExperimentsProgram.Result profiled = ExperimentsProgram.Run(Timeout, "profile-latency", "ResNet20", "--batch", "2", "--threads", "1", "--repeats", "3", "--out", LatencyTable);
            Assert.True(profiled.ExitCode == 0, $"profile-latency failed ({profiled.ExitCode}):\n{profiled.Output}\n{profiled.Error}");
        }

        // The uninterrupted run goes on beside the kill-and-resume sequence (they share nothing but the CPU).
        Task<ExperimentsProgram.Result> reference = Task.Run(() => ExperimentsProgram.Run(Timeout, RunArgs(experiment, whole)));

        string before = ExperimentsProgram.RunUntilKilled(line => line.StartsWith("epoch 2/2  step 2/3", StringComparison.Ordinal), Timeout, RunArgs(experiment, killed));
        Assert.Contains("epoch 1/2: train loss", before);
        Assert.False(File.Exists(Path.Combine(killed, "summary.json")), "the killed run must not have finished");

        ExperimentsProgram.Result resumed = ExperimentsProgram.Run(Timeout, "resume", killed);
        Assert.True(resumed.ExitCode == 0, $"resume failed ({resumed.ExitCode}):\n{resumed.Output}\n{resumed.Error}");
        Assert.Contains("report: ", resumed.Output);
        // It continued inside epoch 2 from the newest checkpoint instead of starting over.
        Assert.DoesNotContain("epoch 1/2  step", resumed.Output);
        Assert.Contains("epoch 2/2  step 3/3", resumed.Output);

        ExperimentsProgram.Result uninterrupted = await reference;
        Assert.True(uninterrupted.ExitCode == 0, $"run failed ({uninterrupted.ExitCode}):\n{uninterrupted.Output}\n{uninterrupted.Error}");

        // Every per-epoch figure that does not measure time must be identical, epoch by epoch.
        string[] exact = ["epoch", "step", "lr", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "macs", "params"];
        List<JsonObject> expected = EpochMetrics(whole), actual = EpochMetrics(killed);
        Assert.Equal(2, expected.Count);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            foreach (string key in exact)
                Assert.True(expected[i][key] is not null && expected[i][key]!.ToJsonString() == actual[i][key]?.ToJsonString(),
                    $"epoch {i + 1} {key}: uninterrupted {expected[i][key]?.ToJsonString()}, resumed {actual[i][key]?.ToJsonString()}");

        JsonObject a = Summary(whole), b = Summary(killed);
        foreach (string key in new[] { "test_accuracy", "dense_test_accuracy", "macs", "params", "steps" })
            Assert.Equal(a[key]?.ToJsonString(), b[key]?.ToJsonString());

        if (experiment.Contains("-l1", StringComparison.Ordinal))
        {
            // The pruning happened before the kill, and the resumed run kept the slim network: about half the dense MACs (target_macs 0.5).
            double fraction = (double)b["macs"]! / (double)b["dense_macs"]!;
            Assert.InRange(fraction, 0.35, 0.5);
            Assert.Contains("network replaced", before);
        }

        if (experiment.Contains("-mdp", StringComparison.Ordinal))
        {
            // Both runs reused the profiled table; the pruning happened before the kill.
            Assert.Contains("latency table: reusing", before);
            Assert.Contains("network replaced", before);
            Assert.Equal(a["predicted_latency_ms"]?.ToJsonString(), b["predicted_latency_ms"]?.ToJsonString());
            Assert.Equal(a["widths"]?.ToJsonString(), b["widths"]?.ToJsonString());
            Assert.Equal(a["removed_blocks"]?.ToJsonString(), b["removed_blocks"]?.ToJsonString());
            // The predicted latency is the table's sum over the final structure, recomputed here from the summary's widths and blocks.
            double predicted = (double)b["predicted_latency_ms"]!;
            Assert.Equal(PredictedFromSummary(b, LatencyTableFile.Load(LatencyTable)), predicted, 9);
            JsonNode pruning = b["facts"]!["pruning"]!;
            Assert.Equal("Optimal", (string?)pruning["solver"]!["status"]);
            Assert.True(predicted <= (double)pruning["budget_ms"]!, $"predicted {predicted} ms is over the budget {pruning["budget_ms"]} ms");
        }

        // The resumed run records both sessions and the same model size as a sidecar next to the weights.
        JsonObject runInfo = JsonNode.Parse(File.ReadAllText(Path.Combine(killed, "run.json")))!.AsObject();
        Assert.Equal("completed", (string?)runInfo["status"]);
        Assert.Equal(2, runInfo["sessions"]!.AsArray().Count);
        Assert.True(File.Exists(Path.Combine(killed, "model", "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(killed, "report.md")));
    }

    private static double PredictedFromSummary(JsonObject summary, ILatencyTable table)
    {
        NetworkStructure structure = ResNet20.Structure;
        int[] widths = structure.FullGroupWidths();
        foreach (GroupInfo group in structure.PrunableGroups) widths[group.Index] = (int)summary["widths"]![group.Name]!;
        string[] removed = summary["removed_blocks"]!.AsArray().Select(n => (string)n!).ToArray();
        bool[] blocks = structure.AllBlocksKept();
        foreach (BlockInfo block in structure.RemovableBlocks) blocks[block.Index] = !removed.Contains(block.WidthsName);
        return LatencyModel.Predict(structure, widths, blocks, table);
    }

    private static List<JsonObject> EpochMetrics(string run) =>
        File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Where(l => l.Trim().Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    private static JsonObject Summary(string run) => JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))!.AsObject();
}
