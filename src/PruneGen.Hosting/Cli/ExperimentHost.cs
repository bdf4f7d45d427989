using System.CommandLine;
using System.Globalization;
using System.Text;
using PruneGen.Data;
using PruneGen.Experiments;
using PruneGen.Hosting.Configuration;
using PruneGen.Hosting.Progress;
using PruneGen.Hosting.Reports;
using PruneGen.Hosting.Runs;
using PruneGen.Latency;
using PruneGen.Structure;
using PruneGen.Training;
using PruneGen.Torch;

namespace PruneGen.Hosting;

/// <summary>
/// The command line of an experiments program. A generated <c>Main</c> is one line:
/// <c>return ExperimentHost.Run(args, catalog);</c>. Verbs: <c>list</c>, <c>run</c>, <c>resume</c>,
/// <c>report</c>, <c>summary</c>, <c>profile-latency</c>, <c>measure-latency</c>.
/// </summary>
public static class ExperimentHost
{
    /// <summary>Parses <paramref name="args"/>, runs the verb and returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    public static int Run(string[] args, ExperimentCatalog catalog, TextWriter? output = null, TextWriter? error = null,
        Func<TextWriter, TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(catalog);
        output ??= Console.Out;
        error ??= Console.Error;
        var verbs = new Verbs(catalog, output, error, progress, args);
        RootCommand root = verbs.Build();
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    private sealed class Verbs(ExperimentCatalog catalog, TextWriter output, TextWriter error, Func<TextWriter, TrainingProgress>? progress, string[] args)
    {
        public RootCommand Build()
        {
            var root = new RootCommand("PruneGen experiments: train, prune, resume and compare runs.");

            var listName = new Argument<string?>("experiment") { Description = "show every option of this experiment", Arity = ArgumentArity.ZeroOrOne };
            var list = new Command("list", "List the experiments and networks (and one experiment's options).") { listName };
            list.SetAction(p => Guard(() => List(p.GetValue(listName))));
            root.Subcommands.Add(list);

            var runName = new Argument<string>("experiment") { Description = "the experiment to run (see 'list')" };
            var set = new Option<string[]>("--set") { Description = "override one option: --set key=value (repeatable)", Arity = ArgumentArity.ZeroOrMore };
            var config = new Option<string?>("--config") { Description = "YAML file of option values (typed and checked)" };
            var outDir = new Option<string?>("--out") { Description = "run folder (default runs/<experiment>/<timestamp>)" };
            var run = new Command("run", "Run an experiment in a new run folder.") { runName, set, config, outDir };
            run.SetAction(p => Guard(() => RunExperiment(p.GetValue(runName)!, p.GetValue(set) ?? [], p.GetValue(config), p.GetValue(outDir))));
            root.Subcommands.Add(run);

            var resumeDir = new Argument<string>("run-dir") { Description = "the run folder to continue" };
            var resume = new Command("resume", "Continue an interrupted run from its newest intact checkpoint.") { resumeDir };
            resume.SetAction(p => Guard(() => Resume(p.GetValue(resumeDir)!)));
            root.Subcommands.Add(resume);

            var reportDirs = new Argument<string[]>("run-dir") { Description = "one or more run folders", Arity = ArgumentArity.OneOrMore };
            var reportOut = new Option<string?>("--out") { Description = "where to write a comparison (default: the run folder for one run, reports/<timestamp> for several)" };
            var report = new Command("report", "Write report.md with SVG plots for one run, or a comparison of several.") { reportDirs, reportOut };
            report.SetAction(p => Guard(() => Report(p.GetValue(reportDirs)!, p.GetValue(reportOut))));
            root.Subcommands.Add(report);

            var summaryNetwork = new Argument<string>("network") { Description = "a network name (see 'list')" };
            var summary = new Command("summary", "Print a network's per-layer table (widths, MACs, parameters).") { summaryNetwork };
            summary.SetAction(p => Guard(() => Summary(p.GetValue(summaryNetwork)!)));
            root.Subcommands.Add(summary);

            var profileNetwork = new Argument<string>("network") { Description = "a network name (see 'list')" };
            var profileBatch = new Option<int>("--batch") { Description = "batch size the table is measured at", DefaultValueFactory = _ => 128 };
            var profileThreads = new Option<int>("--threads") { Description = "libtorch threads", DefaultValueFactory = _ => Environment.ProcessorCount };
            var profileRepeats = new Option<int>("--repeats") { Description = "timed passes per entry (the entry is their median)", DefaultValueFactory = _ => 10 };
            var profileOut = new Option<string?>("--out") { Description = "table file (default latency/<network>-b<batch>-t<threads>.json); reused when its key matches" };
            var profile = new Command("profile-latency", "Measure (or reuse) the network's bilayer latency lookup table on this machine.")
                { profileNetwork, profileBatch, profileThreads, profileRepeats, profileOut };
            profile.SetAction(p => Guard(() => ProfileLatency(p.GetValue(profileNetwork)!, new LatencyProfilerOptions
            {
                Batch = p.GetValue(profileBatch),
                Threads = p.GetValue(profileThreads),
                Repeats = p.GetValue(profileRepeats),
            }, p.GetValue(profileOut))));
            root.Subcommands.Add(profile);

            var measureDirs = new Argument<string[]>("run-dir") { Description = "finished run folders", Arity = ArgumentArity.OneOrMore };
            var measureBatches = new Option<int[]>("--batch") { Description = "batch sizes (repeatable)", DefaultValueFactory = _ => [128], AllowMultipleArgumentsPerToken = true };
            var measureThreads = new Option<int[]>("--threads") { Description = "libtorch thread counts (repeatable)", DefaultValueFactory = _ => [Environment.ProcessorCount], AllowMultipleArgumentsPerToken = true };
            var measureRepeats = new Option<int>("--repeats") { Description = "timed passes per model and round (their median)", DefaultValueFactory = _ => 20 };
            var measureRounds = new Option<int>("--rounds") { Description = "rounds over all models, interleaved (the median round is kept)", DefaultValueFactory = _ => 3 };
            var measureTables = new Option<string[]>("--latency-table")
            {
                Description = "latency tables (repeatable): each model is also predicted by the one measured for its network at the batch and threads being timed",
                DefaultValueFactory = _ => [],
            };
            var measure = new Command("measure-latency",
                "Measure the final models of finished runs (and their dense networks) together, interleaved; writes latency.json into each run folder.")
                { measureDirs, measureBatches, measureThreads, measureRepeats, measureRounds, measureTables };
            measure.SetAction(p => Guard(() => MeasureLatency(p.GetValue(measureDirs)!, p.GetValue(measureBatches)!, p.GetValue(measureThreads)!,
                p.GetValue(measureRepeats), p.GetValue(measureRounds), p.GetValue(measureTables)!)));
            root.Subcommands.Add(measure);
            return root;
        }

        // Expected failures (bad input, missing files) are one line on stderr, not a stack trace.
        private int Guard(Func<int> verb)
        {
            try
            {
                return verb();
            }
            catch (ConfigException e)
            {
                foreach (ConfigDiagnostic d in e.Diagnostics) error.WriteLine(d.ToString());
                return ExitCodes.Usage;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or FormatException or InvalidOperationException or ArgumentException or NotSupportedException)
            {
                error.WriteLine("error: " + e.Message);
                if (Environment.GetEnvironmentVariable("PRUNEGEN_DEBUG") is not null) error.WriteLine(e);
                return ExitCodes.Failure;
            }
        }

        private int List(string? name)
        {
            if (name is not null)
            {
                ExperimentDefinition experiment = FindExperiment(name);
                output.WriteLine($"{experiment.Name}: {experiment.Description}");
                output.WriteLine($"  network {experiment.Network}, method {experiment.Method}, dataset {experiment.Dataset.Name}");
                output.WriteLine();
                int keyWidth = experiment.OptionSpecs.Max(s => s.Key.Length), typeWidth = experiment.OptionSpecs.Max(s => s.Describe().Length);
                int defaultWidth = experiment.OptionSpecs.Max(s => s.DefaultText.Length);
                output.WriteLine($"  {"option".PadRight(keyWidth)}  {"type".PadRight(typeWidth)}  {"default".PadRight(defaultWidth)}  description");
                foreach (OptionSpec spec in experiment.OptionSpecs)
                    output.WriteLine($"  {spec.Key.PadRight(keyWidth)}  {spec.Describe().PadRight(typeWidth)}  {spec.DefaultText.PadRight(defaultWidth)}  {spec.Description}");
                return ExitCodes.Success;
            }
            output.WriteLine("Experiments:");
            int width = catalog.Experiments.Select(e => e.Name.Length).DefaultIfEmpty(0).Max();
            foreach (ExperimentDefinition e in catalog.Experiments)
                output.WriteLine($"  {e.Name.PadRight(width)}  {e.Network} / {e.Method} on {e.Dataset.Name}, {e.Budget.Epochs} epochs: {e.Description}");
            if (catalog.Experiments.Count == 0) output.WriteLine("  (none)");
            output.WriteLine();
            output.WriteLine("Networks: " + (catalog.Networks.Count == 0 ? "(none)" : string.Join(", ", catalog.Networks.Select(n => n.Name))));
            output.WriteLine();
            output.WriteLine("Every experiment accepts epochs, steps_per_epoch, batch_size, seed, threads, train_subset and more;");
            output.WriteLine("'list <experiment>' shows all its options. Set them with --set key=value or --config file.yaml.");
            return ExitCodes.Success;
        }

        private int RunExperiment(string name, string[] sets, string? configPath, string? outDir)
        {
            ExperimentDefinition definition = FindExperiment(name);
            var sources = new List<ConfigSource>();
            if (configPath is not null)
            {
                ConfigSource file = YamlConfigReader.ReadFile(configPath);
                sources.Add(CheckExperimentKey(file, definition.Name));
            }
            sources.Add(SetArguments.Parse(sets));
            ResolvedExperiment experiment = definition.Resolve(sources);

            string path = outDir ?? RunDirectory.DefaultPath(Directory.GetCurrentDirectory(), definition.Name, DateTime.Now);
            RunDirectory run = RunDirectory.Create(path);
            run.WriteConfig(experiment.ToYaml());
            return Execute(experiment, run, resume: false);
        }

        private int Resume(string path)
        {
            RunDirectory run = RunDirectory.Open(path);
            return Execute(ResolveRecorded(run), run, resume: true);
        }

        /// <summary>The experiment a run folder's resolved config names, with the recorded options.</summary>
        private ResolvedExperiment ResolveRecorded(RunDirectory run)
        {
            ConfigSource config = YamlConfigReader.ReadFile(run.ConfigPath);
            ConfigEntry? key = config.Entries.FirstOrDefault(e => e.Key == ExperimentDefinition.ExperimentKey);
            if (key?.Text is null)
                throw new ConfigException([new(ConfigErrorCodes.ExperimentMismatch, $"the config does not name its experiment ('{ExperimentDefinition.ExperimentKey}: <name>')",
                    key?.KeyLocation ?? SourceLocation.InFile(run.ConfigPath, 1, 1))]);
            return FindExperiment(key.Text).Resolve([config]);
        }

        private int MeasureLatency(string[] paths, int[] batches, int[] threadCounts, int repeats, int rounds, string[] tablePaths)
        {
            LatencyTable[] tables = tablePaths.Select(LatencyTableFile.Load).ToArray();
            if (batches.Any(b => b < 1)) throw new ArgumentException("--batch must be at least 1");
            if (threadCounts.Any(t => t < 1)) throw new ArgumentException("--threads must be at least 1");
            if (repeats < 1 || rounds < 1) throw new ArgumentException("--repeats and --rounds must be at least 1");
            var models = new List<MeasuredModel>();
            try
            {
                var denseByNetwork = new Dictionary<string, MeasuredModel>();
                foreach (string path in paths)
                {
                    RunDirectory run = RunDirectory.Open(path);
                    if (!File.Exists(run.ModelPath) || !File.Exists(run.WidthsPath))
                        throw new FileNotFoundException($"run folder '{run.Path}' has no final model ({run.ModelPath}); is the run finished?", run.ModelPath);
                    ResolvedExperiment experiment = ResolveRecorded(run);
                    ImageDataset test = experiment.Definition.Dataset.Load(experiment.Options).Test;
                    var format = experiment.Options.ChannelsLast ? Torch.torch.MemoryFormat.ChannelsLast : Torch.torch.MemoryFormat.Contiguous;
                    TrainableNetwork network = experiment.CreateNetwork(WidthsSidecar.Load(run.WidthsPath));
                    Checkpoint.LoadWeights(network.Module, run.ModelPath);
                    if (experiment.Options.ChannelsLast) network.Module.to(format);
                    string denseKey = $"{network.Name}/{test.Channels}x{test.Height}x{test.Width}/{format}";
                    if (!denseByNetwork.TryGetValue(denseKey, out MeasuredModel? dense))
                    {
                        TrainableNetwork denseNetwork = experiment.CreateNetwork(null);
                        if (experiment.Options.ChannelsLast) denseNetwork.Module.to(format);
                        dense = denseByNetwork[denseKey] = new MeasuredModel($"{network.Name} (dense)", null, denseNetwork, test.Channels, test.Height, test.Width, format, null);
                        models.Add(dense);
                    }
                    models.Add(new MeasuredModel(run.Name, run, network, test.Channels, test.Height, test.Width, format, dense));
                }

                foreach (int threads in threadCounts)
                {
                    Torch.torch.set_num_threads(threads);
                    foreach (int batch in batches)
                    {
                        var times = models.ToDictionary(m => m, _ => new List<double>());
                        for (int round = 0; round < rounds; round++)
                            foreach (MeasuredModel m in models)
                                times[m].Add(LatencyMeter.MeasureMilliseconds(m.Network.Module, batch, m.Channels, m.Height, m.Width, repeats, memoryFormat: m.Format));
                        double load = LatencyRecord.CurrentLoadAverage();
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"batch {batch}, {threads} threads, median of {rounds} rounds x {repeats} passes (load average {load:0.00}):"));
                        foreach (MeasuredModel m in models)
                        {
                            double latency = Timings.Median(times[m]);
                            string line = string.Create(CultureInfo.InvariantCulture, $"  {m.Label,-40} {latency,9:0.000} ms");
                            double? predicted = Predict(m.Network, tables, batch, threads);
                            if (predicted is double lut)
                                line += string.Create(CultureInfo.InvariantCulture, $"  (LUT {lut:0.000} ms, measured / LUT {latency / lut:0.000})");
                            if (m.Run is not null && m.Dense is not null)
                            {
                                double dense = Timings.Median(times[m.Dense]);
                                m.Run.AddLatency(new LatencyRecord(batch, threads, repeats, rounds, latency, dense, load, DateTimeOffset.UtcNow, predicted));
                                line += string.Create(CultureInfo.InvariantCulture, $"  ({dense / latency:0.00}x faster than dense)");
                            }
                            output.WriteLine(line);
                        }
                    }
                }
                output.WriteLine($"wrote {RunDirectory.LatencyFile} into {paths.Length} run folder(s)");
                return ExitCodes.Success;
            }
            finally
            {
                foreach (MeasuredModel m in models) m.Network.Dispose();
            }
        }

        // The prediction of the table measured for this network at this batch and thread count, if one was given.
        private static double? Predict(TrainableNetwork network, LatencyTable[] tables, int batch, int threads)
        {
            if (network.Prunable is not { } prunable) return null;
            string signature = StructureSignature.Of(prunable.Structure);
            LatencyTable? table = tables.FirstOrDefault(t => t.Key.Batch == batch && t.Key.Threads == threads && t.Key.Signature == signature);
            return table is null ? null : prunable.PredictLatency(table);
        }

        private sealed record MeasuredModel(string Label, RunDirectory? Run, TrainableNetwork Network, int Channels, int Height, int Width,
            Torch.torch.MemoryFormat Format, MeasuredModel? Dense);

        private int Execute(ResolvedExperiment experiment, RunDirectory run, bool resume)
        {
            using var stop = new StopSignal(message => error.WriteLine(message));
            var runner = new ExperimentRunner(output, progress);
            try
            {
                return runner.Execute(experiment, run, resume, stop.Token, args);
            }
            catch (Exception e) when (e is not ConfigException)
            {
                var info = run.ReadRunInfo();
                if (info is not null)
                {
                    info["status"] = "failed";
                    info["error"] = e.Message;
                    run.WriteRunInfo(info);
                }
                throw;
            }
        }

        private static ConfigSource CheckExperimentKey(ConfigSource file, string experiment)
        {
            ConfigEntry? key = file.Entries.FirstOrDefault(e => e.Key == ExperimentDefinition.ExperimentKey);
            if (key is null || key.Text == experiment) return file;
            var diagnostic = new ConfigDiagnostic(ConfigErrorCodes.ExperimentMismatch,
                $"this config is for experiment '{key.Text}', not '{experiment}'", key.ValueLocation);
            return file with { Diagnostics = [.. file.Diagnostics, diagnostic] };
        }

        private int Report(string[] paths, string? outDir)
        {
            var runs = paths.Select(p => RunDirectory.Open(p)).ToList();
            var reported = runs.Select(r => ReportedRun.Load(r)).ToList();
            // Labels name the runs in tables and legends; make repeated ones unique.
            var seen = new Dictionary<string, int>();
            for (int i = 0; i < reported.Count; i++)
            {
                int n = seen[reported[i].Label] = seen.GetValueOrDefault(reported[i].Label) + 1;
                if (n > 1) reported[i] = reported[i] with { Label = $"{reported[i].Label} ({n})" };
            }
            string target = outDir ?? (runs.Count == 1 ? runs[0].Path
                : Path.Combine(Directory.GetCurrentDirectory(), "reports", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
            string report = RunReport.Write(reported, target);
            output.WriteLine($"report: {report}");
            return ExitCodes.Success;
        }

        private int Summary(string name)
        {
            NetworkDefinition network = FindNetwork(name);
            using TrainableNetwork instance = network.Create();
            output.Write(instance.Summary());
            return ExitCodes.Success;
        }

        private int ProfileLatency(string name, LatencyProfilerOptions options, string? path)
        {
            options.Validate();
            NetworkDefinition network = FindNetwork(name);
            using TrainableNetwork instance = network.Create();
            NetworkStructure structure = instance.Prunable?.Structure
                ?? throw new ArgumentException($"network '{name}' is not a generated network: it has no structure to profile");
            path ??= LatencyTableFile.DefaultPath(network.Name, options.Batch, options.Threads);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            LatencyTable table = LatencyProfiler.LoadOrProfile(path, structure, options, output.WriteLine);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"profile-latency {name}: {table.Count} entries, batch {options.Batch}, {options.Threads} threads, median of {options.Repeats}; took {clock.Elapsed.TotalSeconds:F1} s; table: {Path.GetFullPath(path)}"));
            return ExitCodes.Success;
        }

        private ExperimentDefinition FindExperiment(string name)
        {
            ExperimentDefinition? found = catalog.FindExperiment(name);
            if (found is not null) return found;
            string? near = OptionValueParser.Suggest(name, catalog.Experiments.Select(e => e.Name));
            throw new ArgumentException($"unknown experiment '{name}'" + (near is null ? "" : $" (did you mean '{near}'?)") + "; 'list' shows them");
        }

        private NetworkDefinition FindNetwork(string name)
        {
            NetworkDefinition? found = catalog.FindNetwork(name);
            if (found is not null) return found;
            string? near = OptionValueParser.Suggest(name, catalog.Networks.Select(n => n.Name));
            throw new ArgumentException($"unknown network '{name}'" + (near is null ? "" : $" (did you mean '{near}'?)") + "; 'list' shows them");
        }
    }
}
