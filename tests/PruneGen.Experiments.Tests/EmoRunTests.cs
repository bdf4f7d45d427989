using System.Text.Json.Nodes;

namespace PruneGen.Experiments.Tests;

/// <summary>
/// The EMO smoke experiment through the real entry point: dense epoch 1, the search, constraint
/// training and slimming at its end, fine-tuning in epoch 2. Run once uninterrupted and once killed
/// inside epoch 2 (after the search) and resumed: the resumed run must not search again, and both
/// must end with the same metrics and the same search facts in summary.json.
/// </summary>
public sealed class EmoRunTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);

    private readonly string _root = Directory.CreateTempSubdirectory("prunegen-emo-tests-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string[] RunArgs(string outDir) =>
    [
        "run", "resnet20-emo-smoke", "--out", outDir,
        "--set", "seed=7", "--set", "threads=1", "--set", "epochs=2", "--set", "steps_per_epoch=3", "--set", "batch_size=16",
        "--set", "train_subset=96", "--set", "test_subset=32", "--set", "checkpoint_every=1",
        "--set", "latency_batch=2", "--set", "latency_repeats=1",
    ];

    [Fact]
    public async Task Killed_after_the_search_then_resumed_keeps_the_search_and_ends_like_an_uninterrupted_run()
    {
        string whole = Path.Combine(_root, "whole"), killed = Path.Combine(_root, "killed");
        Task<ExperimentsProgram.Result> reference = Task.Run(() => ExperimentsProgram.Run(Timeout, RunArgs(whole)));

        string before = ExperimentsProgram.RunUntilKilled(line => line.StartsWith("epoch 2/2  step 2/3", StringComparison.Ordinal), Timeout, RunArgs(killed));
        Assert.Contains("EMO: 3 sub-network searches", before);
        Assert.Contains("EMO: constraint training", before);
        Assert.Contains("network replaced", before);

        ExperimentsProgram.Result resumed = ExperimentsProgram.Run(Timeout, "resume", killed);
        Assert.True(resumed.ExitCode == 0, $"resume failed ({resumed.ExitCode}):\n{resumed.Output}\n{resumed.Error}");
        Assert.DoesNotContain("EMO:", resumed.Output); // the search is in the checkpoint, not redone
        Assert.Contains("epoch 2/2  step 3/3", resumed.Output);

        ExperimentsProgram.Result uninterrupted = await reference;
        Assert.True(uninterrupted.ExitCode == 0, $"run failed ({uninterrupted.ExitCode}):\n{uninterrupted.Output}\n{uninterrupted.Error}");

        List<JsonObject> expected = EpochMetrics(whole), actual = EpochMetrics(killed);
        Assert.Equal(2, expected.Count);
        Assert.Equal(expected.Count, actual.Count);
        string[] exact = ["train_loss", "test_accuracy", "macs", "params", "emo_evaluations", "emo_hv_final", "masked_test_accuracy_after_constraint"];
        for (int i = 0; i < expected.Count; i++)
            foreach (string key in exact)
                Assert.Equal(expected[i][key]?.ToJsonString(), actual[i][key]?.ToJsonString());
        Assert.NotNull(expected[0]["emo_evaluations_per_second"]);

        JsonObject a = Summary(whole), b = Summary(killed);
        foreach (string key in new[] { "test_accuracy", "macs", "params" })
            Assert.Equal(a[key]?.ToJsonString(), b[key]?.ToJsonString());
        JsonObject search = b["facts"]!["emo"]!.AsObject();
        foreach (string key in new[] { "hv_curve", "whole_front", "parts", "gpir", "evaluations" })
            Assert.Equal(a["facts"]!["emo"]![key]!.ToJsonString(), search[key]!.ToJsonString());

        // The search reached R* = 0.5 and the slim network has the MACs the closed form gave the choice.
        Assert.True(search["reached"]!.GetValue<bool>());
        Assert.Equal(search["macs"]!.GetValue<long>(), b["macs"]!.GetValue<long>());
        Assert.True(b["macs"]!.GetValue<double>() <= 0.5 * b["dense_macs"]!.GetValue<double>());
        Assert.Equal(3 * (1 + 4 * 3), search["evaluations"]!.GetValue<int>()); // K * (dense + population * (generations + 1))
        Assert.Equal(3, search["hv_curve"]!.AsArray().Count);
        Assert.Contains("fact_emo_hypervolume.svg", File.ReadAllText(Path.Combine(killed, "report.md")));
    }

    [Fact]
    public async Task Whole_network_baseline_smoke_run_spends_the_same_evaluations_and_reports_both_plots()
    {
        string dnc = Path.Combine(_root, "dnc"), whole = Path.Combine(_root, "whole-network");
        string[] args = RunArgs(dnc);
        Task<ExperimentsProgram.Result> first = Task.Run(() => ExperimentsProgram.Run(Timeout, args));
        string[] wholeArgs = [.. RunArgs(whole)];
        wholeArgs[1] = "resnet20-emo-whole-smoke";
        ExperimentsProgram.Result second = ExperimentsProgram.Run(Timeout, wholeArgs);
        Assert.True(second.ExitCode == 0, $"run failed ({second.ExitCode}):\n{second.Output}\n{second.Error}");
        ExperimentsProgram.Result firstResult = await first;
        Assert.True(firstResult.ExitCode == 0, $"run failed ({firstResult.ExitCode}):\n{firstResult.Output}\n{firstResult.Error}");
        Assert.Contains("EMO whole-network baseline: 336 bits", second.Output);

        JsonObject a = Summary(dnc)["facts"]!["emo"]!.AsObject(), b = Summary(whole)["facts"]!["emo"]!.AsObject();
        Assert.Equal("whole_network", b["search"]!.GetValue<string>());
        Assert.Equal(a["evaluations"]!.GetValue<long>() - 2, b["evaluations"]!.GetValue<long>()); // 3 dense references against 1
        Assert.Equal(a["hv_curve"]!.AsArray().Count, b["hv_curve"]!.AsArray().Count);

        // One report over both runs overlays their hypervolume curves and fronts.
        string report = Path.Combine(_root, "report");
        ExperimentsProgram.Result written = ExperimentsProgram.Run(Timeout, "report", dnc, whole, "--out", report);
        Assert.True(written.ExitCode == 0, $"report failed ({written.ExitCode}):\n{written.Output}\n{written.Error}");
        string svg = File.ReadAllText(Path.Combine(report, "plots", "fact_emo_hypervolume.svg"));
        Assert.Contains("dnc", svg);
        Assert.Contains("whole-network", svg);
        Assert.Contains("after batch_norm repair", svg);
        Assert.Contains("untrained", svg);
    }

    private static List<JsonObject> EpochMetrics(string run) =>
        File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Where(l => l.Trim().Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    private static JsonObject Summary(string run) => JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))!.AsObject();
}
