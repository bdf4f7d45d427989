using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using PruneGen.Hosting.Progress;
using PruneGen.Hosting.Runs;
using PruneGen.Training;
using static PruneGen.Torch.torch;

namespace PruneGen.Hosting.Tests.Cli;

[Collection(TorchGlobalState.Name)]
public sealed class ExperimentHostTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("prunegen-host-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (int Code, string Out, string Err) Host(params string[] args) => Host(null, args);

    /// <param name="progress">
    /// The run's progress, given the output writer and a reader of the error text so far (the error writer
    /// is synchronised: the signal handler writes to it from its own thread).
    /// </param>
    private (int Code, string Out, string Err) Host(Func<TextWriter, Func<string>, TrainingProgress>? progress, params string[] args)
    {
        var output = new StringWriter();
        var errorText = new StringWriter();
        TextWriter error = TextWriter.Synchronized(errorText);
        string ErrorSoFar() { lock (error) return errorText.ToString(); } // the synchronised writer locks on itself
        int code = ExperimentHost.Run(args, TinyCatalog.Create(), output, error, w => progress is null ? new PlainTrainingProgress(w) : progress(w, ErrorSoFar));
        return (code, output.ToString(), errorText.ToString());
    }

    private string Dir(string name) => Path.Combine(_root, name);

    [Fact]
    public void Run_writes_every_file_of_a_run_folder()
    {
        string run = Dir("run");
        var (code, output, error) = Host("run", "tiny-halve", "--set", "threads=1", "--set", "checkpoint_every=4", "--out", run);
        Assert.True(code == 0, error + output);
        Assert.Contains("report: ", output);

        foreach (string file in new[] { "config.yaml", "run.json", "metrics.csv", "metrics.jsonl", "summary.json", "report.md",
                     "model/model.safetensors", "model/model.widths.json" })
            Assert.True(File.Exists(Path.Combine(run, file)), $"{file} is missing");
        Assert.NotEmpty(Directory.GetDirectories(Path.Combine(run, "checkpoints"), "step-*"));

        // Metrics: one row / line per epoch, with the trainer's and the method's values.
        string[] csv = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        Assert.Equal(4, csv.Length);
        Assert.StartsWith("epoch,step,lr,train_loss,train_accuracy,test_loss,test_accuracy,macs,params", csv[0]);
        Assert.Contains("theta/conv", csv[0]);
        string[] jsonl = File.ReadAllLines(Path.Combine(run, "metrics.jsonl"));
        Assert.Equal(3, jsonl.Length);
        Assert.Equal(3, JsonNode.Parse(jsonl[2])!["epoch"]!.GetValue<int>());

        // Summary: every headline figure; the halved network is smaller than the dense one.
        JsonObject summary = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))!;
        foreach (string key in new[] { "dense_test_accuracy", "test_accuracy", "dense_macs", "macs", "dense_params", "params", "latency_ms",
                     "latency_batch", "threads", "wall_seconds", "widths", "removed_blocks" })
            Assert.True(summary.ContainsKey(key), $"summary.json lacks {key}");
        Assert.True(summary["macs"]!.GetValue<long>() < summary["dense_macs"]!.GetValue<long>());
        Assert.Equal(4, summary["widths"]!["conv"]!.GetValue<int>());
        Assert.Equal(8, summary["dense_widths"]!["conv"]!.GetValue<int>());
        Assert.Equal(1, summary["threads"]!.GetValue<int>());
        Assert.True(summary["latency_ms"]!.GetValue<double>() > 0);
        Assert.InRange(summary["test_accuracy"]!.GetValue<double>(), 0, 1);
        Assert.Equal("completed", JsonNode.Parse(File.ReadAllText(Path.Combine(run, "run.json")))!["status"]!.GetValue<string>());

        // Final model: the sidecar rebuilds the slimmed network, which loads the weights.
        var sidecar = Structure.WidthsSidecar.Load(Path.Combine(run, "model/model.widths.json"));
        using (var network = Training.TinyNetwork.FromSidecar(sidecar))
            Structure.Checkpoint.LoadWeights(network.Module, Path.Combine(run, "model/model.safetensors"));

        // Report: every embedded plot exists and is well-formed SVG.
        string report = File.ReadAllText(Path.Combine(run, "report.md"));
        var plots = System.Text.RegularExpressions.Regex.Matches(report, @"\((plots/[^)]+\.svg)\)").Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("plots/accuracy_vs_macs.svg", plots);
        Assert.Contains("plots/accuracy_vs_latency.svg", plots);
        Assert.Contains(plots, p => p.StartsWith("plots/widths_"));
        Assert.Contains(plots, p => p.StartsWith("plots/theta_"));
        foreach (string plot in plots) XDocument.Load(Path.Combine(run, plot));
        if (Environment.GetEnvironmentVariable("KEEP_RUN") is { } keep) CopyDir(run, keep);
    }

    [Fact]
    public void Resolved_config_reads_back_to_the_same_options()
    {
        string run = Dir("config");
        Assert.Equal(0, Host("run", "tiny-dense", "--set", "threads=1", "--set", "lr=0.02", "--set", "lr_schedule=step", "--out", run).Code);
        string yaml = File.ReadAllText(Path.Combine(run, "config.yaml"));
        Assert.Contains("experiment: tiny-dense", yaml);
        Assert.Contains("from --set lr=0.02", yaml);

        var definition = TinyCatalog.Create().FindExperiment("tiny-dense")!;
        var again = definition.Resolve([PruneGen.Hosting.Configuration.YamlConfigReader.ReadFile(Path.Combine(run, "config.yaml"))]);
        Assert.Equal(0.02, again.Options.LearningRate);
        Assert.Equal(LearningRateScheduleKind.Step, again.Options.LrSchedule);
        Assert.Equal(2, again.Options.Epochs); // the experiment's budget, not the common default
        Assert.Equal(yaml.Split('\n').Count(l => l.Contains(':')), again.ToYaml().Split('\n').Count(l => l.Contains(':')));
    }

    [Fact]
    public void Config_file_values_apply_and_set_overrides_them()
    {
        string config = Path.Combine(_root, "c.yaml");
        File.WriteAllText(config, "experiment: tiny-dense\nepochs: 1\nthreads: 1\nkeep_width: 2\n");
        string run = Dir("cfg");
        Assert.Equal(0, Host("run", "tiny-dense", "--config", config, "--set", "seed=3", "--out", run).Code);
        string yaml = File.ReadAllText(Path.Combine(run, "config.yaml"));
        Assert.Contains($"from {config}(2,9)", yaml);
        Assert.Single(File.ReadAllLines(Path.Combine(run, "metrics.jsonl")));
    }

    [Fact]
    public void Bad_options_are_reported_with_their_place_and_nothing_runs()
    {
        string config = Path.Combine(_root, "bad.yaml");
        File.WriteAllText(config, "epochs: 2\nbatch_size: big\nlrr: 0.1\n");
        var (code, _, error) = Host("run", "tiny-dense", "--config", config, "--set", "epochs=0", "--out", Dir("bad"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"{config}(2,13): error PGC003: option 'batch_size' expects an integer, got 'big'", error);
        Assert.Contains($"{config}(3,1): error PGC002: unknown option 'lrr' (did you mean 'lr'?)", error);
        Assert.Contains("--set epochs=0: error PGC004", error);
        Assert.False(Directory.Exists(Dir("bad")));
    }

    [Fact]
    public void Config_for_another_experiment_is_refused()
    {
        string config = Path.Combine(_root, "other.yaml");
        File.WriteAllText(config, "experiment: tiny-halve\nepochs: 1\n");
        var (code, _, error) = Host("run", "tiny-dense", "--config", config);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"{config}(1,13): error PGC007", error);
    }

    [Fact]
    public void Unknown_experiment_and_network_suggest_the_nearest_name()
    {
        var (code, _, error) = Host("run", "tiny-dence");
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("unknown experiment 'tiny-dence' (did you mean 'tiny-dense'?)", error);
        (code, _, error) = Host("summary", "Tinny");
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("did you mean 'Tiny'", error);
    }

    [Fact]
    public void Existing_run_folder_is_not_overwritten()
    {
        string run = Dir("exists");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "keep.txt"), "x");
        var (code, _, error) = Host("run", "tiny-dense", "--out", run);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("already exists", error);
        Assert.Equal(["keep.txt"], Directory.GetFiles(run).Select(Path.GetFileName));
    }

    [Fact]
    public void List_shows_experiments_networks_and_one_experiments_options()
    {
        var (code, output, _) = Host("list");
        Assert.Equal(0, code);
        Assert.Contains("tiny-dense", output);
        Assert.Contains("tiny-halve", output);
        Assert.Contains("Networks: Tiny", output);

        (code, output, _) = Host("list", "tiny-halve");
        Assert.Equal(0, code);
        string epochs = output.Split('\n').Single(l => l.TrimStart().StartsWith("epochs "));
        Assert.Contains("integer in [1, 100000]", epochs);
        Assert.Contains(" 3 ", epochs); // the budget's default
        Assert.Contains(output.Split('\n'), l => l.TrimStart().StartsWith("keep_width") && l.Contains("integer in [1, 8]"));
    }

    [Fact]
    public void Summary_prints_the_network_and_profile_latency_needs_a_generated_network()
    {
        var (code, output, _) = Host("summary", "Tiny");
        Assert.Equal(0, code);
        Assert.Contains("Tiny:", output);
        Assert.Contains("conv.weight", output);

        // Tiny is written by hand: it has no generated structure, hence no latency keys to measure.
        (code, output, string error) = Host("profile-latency", "Tiny");
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("network 'Tiny' is not a generated network", error);
    }

    [Fact]
    public void Ctrl_c_checkpoints_and_resume_ends_like_an_uninterrupted_run()
    {
        string reference = Dir("reference"), interrupted = Dir("interrupted");
        Assert.Equal(0, Host("run", "tiny-halve", "--set", "threads=1", "--out", reference).Code);

        // A real SIGINT to this process at step 8 (mid-epoch 2, after the slimming); the host's handler
        // turns it into a clean stop with a checkpoint.
        (int number, string name) = SignalAtStep.Choose();
        var (code, output, error) = Host((w, error) => new SignalAtStep(w, error, 8, number, name), "run", "tiny-halve", "--set", "threads=1", "--out", interrupted);
        Assert.True(code == ExitCodes.Interrupted, output + error);
        Assert.Contains($"{name}: stopping after the current step", error);
        Assert.Contains($"continue with: resume {interrupted}", output);
        Assert.Equal("interrupted", JsonNode.Parse(File.ReadAllText(Path.Combine(interrupted, "run.json")))!["status"]!.GetValue<string>());
        Assert.Single(File.ReadAllLines(Path.Combine(interrupted, "metrics.jsonl")));

        (code, output, error) = Host("resume", interrupted);
        Assert.True(code == 0, output + error);
        Assert.Contains("resumed from step-0000000008", output);

        // Same weights, byte for byte, and the same metrics apart from timings.
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference, "model/model.safetensors")), File.ReadAllBytes(Path.Combine(interrupted, "model/model.safetensors")));
        static string[] WithoutTimings(string path) => File.ReadAllLines(path).Select(line =>
        {
            var json = (JsonObject)JsonNode.Parse(line)!;
            json.Remove(MetricNames.EpochSeconds);
            json.Remove(MetricNames.ImagesPerSecond);
            return json.ToJsonString();
        }).ToArray();
        Assert.Equal(WithoutTimings(Path.Combine(reference, "metrics.jsonl")), WithoutTimings(Path.Combine(interrupted, "metrics.jsonl")));
        JsonNode runInfo = JsonNode.Parse(File.ReadAllText(Path.Combine(interrupted, "run.json")))!;
        Assert.Equal("completed", runInfo["status"]!.GetValue<string>());
        Assert.Equal(2, runInfo["sessions"]!.AsArray().Count);
    }

    [Fact]
    public void Report_compares_several_runs()
    {
        string a = Dir("a"), b = Dir("b"), compare = Dir("compare");
        Assert.Equal(0, Host("run", "tiny-dense", "--set", "threads=1", "--set", "epochs=1", "--out", a).Code);
        Assert.Equal(0, Host("run", "tiny-halve", "--set", "threads=1", "--set", "epochs=2", "--out", b).Code);
        var (code, output, _) = Host("report", a, b, "--out", compare);
        Assert.Equal(0, code);
        string report = File.ReadAllText(Path.Combine(compare, "report.md"));
        Assert.Contains("Comparison of 2 runs", report);
        Assert.Contains("[tiny-dense/a](../a)", report);
        Assert.Contains("[tiny-halve/b](../b)", report);
        XDocument svg = XDocument.Load(Path.Combine(compare, "plots", "accuracy_vs_macs.svg"));
        var names = svg.Descendants().Where(e => (string?)e.Attribute("class") == "series").Select(e => (string)e.Attribute("data-name")!).ToList();
        Assert.Contains("tiny-dense/a", names);
        Assert.Contains("tiny-halve/b", names);
        Assert.Contains("dense reference", names);
    }

    private static void CopyDir(string from, string to)
    {
        foreach (string f in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, f));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(f, target, true);
        }
    }

    /// <summary>Sends a stop signal to this very process after a given step, as a user pressing Ctrl-C would.</summary>
    private sealed class SignalAtStep(TextWriter output, Func<string> errorSoFar, int step, int signal, string name) : PlainTrainingProgress(output)
    {
        /// <summary>
        /// SIGINT, unless this process started with SIGINT ignored (tests run as a background job of a
        /// non-interactive shell, or under nohup), where no handler can see it: then SIGTERM, the other
        /// signal the host turns into a stop.
        /// </summary>
        public static (int Number, string Name) Choose()
        {
            string? ignored = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
            bool sigintIgnored = ignored is not null && (Convert.ToUInt64(ignored["SigIgn:".Length..].Trim(), 16) & (1UL << (2 - 1))) != 0;
            return sigintIgnored ? (15, "SIGTERM") : (2, "SIGINT");
        }

        public override void OnStep(in StepProgress s)
        {
            base.OnStep(s);
            if (s.GlobalStep == step)
            {
                Assert.Equal(0, kill(Environment.ProcessId, signal));
                // The handler runs on another thread, late on a busy machine: wait until it has recorded the
                // request (its message is the sign) before the next step.
                Assert.True(SpinWait.SpinUntil(() => errorSoFar().Contains(name, StringComparison.Ordinal), TimeSpan.FromSeconds(60)),
                    $"the {name} handler did not run within 60 s");
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int kill(int pid, int signal);
    }
}
