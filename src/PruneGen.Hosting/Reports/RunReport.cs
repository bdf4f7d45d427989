using System.Globalization;
using System.Text;
using PruneGen.Hosting.Progress;
using PruneGen.Hosting.Reports.Svg;
using PruneGen.Hosting.Runs;
using PruneGen.Training;

namespace PruneGen.Hosting.Reports;

/// <summary>One run as a report sees it.</summary>
public sealed record ReportedRun(string Label, RunDirectory Directory, RunSummary? Summary, IReadOnlyList<EpochMetrics> Metrics)
{
    /// <summary>Loads a run; the default label is "experiment/folder" (run folders are named by time).</summary>
    public static ReportedRun Load(RunDirectory run, string? label = null)
    {
        RunSummary? summary = run.ReadSummary();
        string? experiment = summary?.Experiment ?? run.ReadRunInfo()?["experiment"]?.GetValue<string>();
        label ??= experiment is null || experiment == run.Name ? run.Name : $"{experiment}/{run.Name}";
        return new(label, run, summary, run.ReadMetrics());
    }
}

/// <summary>
/// Writes <c>report.md</c> and its SVG plots for one or several runs: a results table; accuracy vs MACs
/// and vs measured latency for every run (dense reference points included); training curves; per-layer
/// widths before and after; removed blocks; and θ trajectories when the metrics hold <c>theta/*</c> values.
/// </summary>
public static class RunReport
{
    /// <summary>Writes the report into <paramref name="outputDirectory"/>; returns the path of report.md.</summary>
    public static string Write(IReadOnlyList<ReportedRun> runs, string outputDirectory)
    {
        if (runs.Count == 0) throw new ArgumentException("a report needs at least one run", nameof(runs));
        Directory.CreateDirectory(outputDirectory);
        string plots = Path.Combine(outputDirectory, RunDirectory.PlotsFolder);
        Directory.CreateDirectory(plots);
        var md = new StringBuilder();
        string title = runs.Count == 1 ? $"Run {runs[0].Label}" : $"Comparison of {runs.Count} runs";
        md.Append("# ").Append(title).Append("\n\n");

        AppendTable(md, runs, outputDirectory);
        AppendRemeasuredLatency(md, runs);

        var finished = runs.Where(r => r.Summary is not null).ToList();
        if (finished.Count > 0)
        {
            md.Append("## Accuracy vs cost\n\n");
            md.Append("MACs are multiply-accumulates per image (convolutions and linear layers). Latency is measured wall-clock of one ")
              .Append("forward pass (median after warm-up) at the batch size and thread count given in the table; ")
              .Append("MAC ratios and latency ratios are different things and are reported separately.\n\n");
            Embed(md, plots, "accuracy_vs_macs", AccuracyVs(finished, "MACs per image", s => s.Macs, s => s.DenseMacs));
            Embed(md, plots, "accuracy_vs_latency", AccuracyVs(finished, "measured latency (ms per batch)", s => s.LatencyMs, s => s.DenseLatencyMs ?? double.NaN));
        }

        if (runs.Any(r => r.Metrics.Count > 0))
        {
            md.Append("## Training curves\n\n");
            Embed(md, plots, "test_accuracy", Curves(runs, MetricNames.TestAccuracy, "test accuracy"));
            Embed(md, plots, "train_loss", Curves(runs, MetricNames.TrainLoss, "training loss"));
            if (runs.Any(r => r.Metrics.Any(m => m[MetricNames.Macs] is > 0)))
                Embed(md, plots, "macs", Curves(runs, MetricNames.Macs, "MACs per image"));
        }

        var withWidths = finished.Where(r => r.Summary!.DenseWidths.Count > 0).ToList();
        if (withWidths.Count > 0)
        {
            md.Append("## Per-layer widths\n\n");
            foreach (ReportedRun run in withWidths)
                Embed(md, plots, $"widths_{Slug(run.Label)}", Widths(run));
        }

        if (finished.Count > 0)
        {
            md.Append("## Removed blocks\n\n");
            foreach (ReportedRun run in finished)
            {
                IReadOnlyList<string> removed = run.Summary!.RemovedBlocks;
                md.Append("- **").Append(run.Label).Append("**: ").Append(removed.Count == 0 ? "none" : string.Join(", ", removed)).Append('\n');
            }
            md.Append('\n');
        }

        var withTheta = runs.Where(r => ThetaNames(r).Count > 0).ToList();
        if (withTheta.Count > 0)
        {
            md.Append("## Gate probabilities (θ)\n\n");
            foreach (ReportedRun run in withTheta) Embed(md, plots, $"theta_{Slug(run.Label)}", Theta(run));
        }

        List<(string Name, SvgChart Chart)> factPlots = FactPlots(finished);
        if (factPlots.Count > 0)
        {
            md.Append("## Method plots\n\n");
            foreach ((string name, SvgChart chart) in factPlots) Embed(md, plots, $"fact_{Slug(name)}", chart);
        }

        string reportPath = Path.Combine(outputDirectory, RunDirectory.ReportFile);
        RunDirectory.WriteAtomically(reportPath, md.ToString());
        return reportPath;
    }

    private static void AppendTable(StringBuilder md, IReadOnlyList<ReportedRun> runs, string outputDirectory)
    {
        md.Append("| run | method | test acc | dense acc | MACs | MAC ratio | params | latency (ms) | latency ratio | batch / threads | wall |\n");
        md.Append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (ReportedRun run in runs)
        {
            string link = Path.GetRelativePath(outputDirectory, run.Directory.Path);
            if (run.Summary is not RunSummary s)
            {
                string status = run.Directory.ReadRunInfo()?["status"]?.GetValue<string>() ?? "unfinished";
                md.Append($"| [{run.Label}]({link}) | | ({status}) | | | | | | | | |\n");
                continue;
            }
            string macRatio = s.Macs > 0 && s.DenseMacs > 0 ? F(s.DenseMacs / (double)s.Macs, "0.00") + "×" : "-";
            string latencyRatio = s.DenseLatencyMs is double d && s.LatencyMs > 0 ? F(d / s.LatencyMs, "0.00") + "×" : "-";
            md.Append($"| [{run.Label}]({link}) | {s.Method} | {Units.Percent(s.TestAccuracy)} | {(s.DenseTestAccuracy is double a ? Units.Percent(a) : "-")} | ")
              .Append($"{Units.Count(s.Macs)} | {macRatio} | {Units.Count(s.Params)} | {F(s.LatencyMs, "0.00")} | {latencyRatio} | ")
              .Append($"{s.LatencyBatch} / {s.Threads} | {Units.Duration(TimeSpan.FromSeconds(double.IsFinite(s.WallSeconds) ? s.WallSeconds : 0))} |\n");
        }
        md.Append('\n');
    }

    /// <summary>The <c>measure-latency</c> records: all runs measured together, interleaved, after training.</summary>
    private static void AppendRemeasuredLatency(StringBuilder md, IReadOnlyList<ReportedRun> runs)
    {
        var measured = runs.Select(r => (Run: r, Records: r.Directory.ReadLatencies())).Where(x => x.Records.Count > 0).ToList();
        if (measured.Count == 0) return;
        md.Append("## Latency measured after training\n\n");
        md.Append("By `measure-latency`: every model of the comparison in interleaved rounds, the median round kept; ")
          .Append("the dense network of the same architecture is measured in the same rounds.\n\n");
        md.Append("LUT: the latency table's prediction for the same model, where `measure-latency` was given a table for its network, batch and threads.\n\n");
        md.Append("| run | batch / threads | latency (ms) | LUT (ms) | measured / LUT | dense (ms) | speed-up | load avg | measured |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        foreach ((ReportedRun run, IReadOnlyList<LatencyRecord> records) in measured)
            foreach (LatencyRecord r in records)
                md.Append($"| {run.Label} | {r.Batch} / {r.Threads} | {F(r.LatencyMs, "0.000")} | ")
                  .Append(r.PredictedLatencyMs is double lut ? $"{F(lut, "0.000")} | {F(r.LatencyMs / lut, "0.000")} | " : "- | - | ")
                  .Append($"{F(r.DenseLatencyMs, "0.000")} | ")
                  .Append($"{F(r.DenseLatencyMs / r.LatencyMs, "0.00")}× | {F(r.LoadAverage, "0.00")} | {r.MeasuredUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} |\n");
        md.Append('\n');
    }

    private static SvgChart AccuracyVs(IReadOnlyList<ReportedRun> runs, string xLabel, Func<RunSummary, double> pruned, Func<RunSummary, double> dense)
    {
        var chart = new SvgChart($"Test accuracy vs {xLabel}", xLabel, "test accuracy");
        var densePoints = runs.Where(r => r.Summary!.DenseTestAccuracy is not null && double.IsFinite(dense(r.Summary!)))
            .Select(r => (dense(r.Summary!), r.Summary!.DenseTestAccuracy!.Value)).Distinct().ToList();
        if (densePoints.Count > 0) chart.Add("dense reference", SeriesKind.Scatter, densePoints);
        foreach (ReportedRun run in runs)
            chart.Add(run.Label, SeriesKind.Scatter, [(pruned(run.Summary!), run.Summary!.TestAccuracy)]);
        return chart;
    }

    private static SvgChart Curves(IReadOnlyList<ReportedRun> runs, string metric, string label)
    {
        var chart = new SvgChart($"{label} per epoch", "epoch", label) { IntegerX = true };
        foreach (ReportedRun run in runs)
        {
            var points = run.Metrics.Where(m => m[metric] is double v && double.IsFinite(v)).Select(m => ((double)m.Epoch, m[metric]!.Value)).ToList();
            if (points.Count > 0) chart.Add(run.Label, SeriesKind.Line, points);
        }
        return chart;
    }

    private static SvgChart Widths(ReportedRun run)
    {
        RunSummary s = run.Summary!;
        string[] groups = s.DenseWidths.Keys.ToArray();
        var chart = new SvgChart($"Widths of {run.Label}: before and after", "channel group", "channels") { XCategories = groups };
        chart.Add("before", SeriesKind.Bar, groups.Select((g, i) => ((double)i, (double)s.DenseWidths[g])));
        chart.Add("after", SeriesKind.Bar, groups.Select((g, i) => ((double)i, s.Widths.TryGetValue(g, out int w) ? w : 0.0)));
        return chart;
    }

    private static IReadOnlyList<string> ThetaNames(ReportedRun run) =>
        run.Metrics.SelectMany(m => m.Values.Keys).Where(k => k.StartsWith(MetricNames.ThetaPrefix, StringComparison.Ordinal)).Distinct().ToList();

    private static SvgChart Theta(ReportedRun run)
    {
        var chart = new SvgChart($"θ trajectories of {run.Label}", "epoch", "mean θ") { IntegerX = true };
        foreach (string name in ThetaNames(run))
            chart.Add(name[MetricNames.ThetaPrefix.Length..], SeriesKind.Line,
                run.Metrics.Where(m => m[name] is double v && double.IsFinite(v)).Select(m => ((double)m.Epoch, m[name]!.Value)));
        return chart;
    }

    /// <summary>
    /// Charts a method described in its facts under <c>plots</c>: <c>{ name: { title, x, y, kind: line|scatter,
    /// series: { label: [[x, y], ...] } } }</c>. Charts of the same name from several runs are overlaid,
    /// each series labelled with its run (e.g. two searches' hypervolume curves in one chart).
    /// </summary>
    private static List<(string Name, SvgChart Chart)> FactPlots(IReadOnlyList<ReportedRun> runs)
    {
        var charts = new List<(string Name, SvgChart Chart)>();
        foreach (ReportedRun run in runs)
        {
            if (run.Summary?.Facts?["plots"] is not System.Text.Json.Nodes.JsonObject plots) continue;
            foreach ((string name, System.Text.Json.Nodes.JsonNode? node) in plots)
            {
                if (node is not System.Text.Json.Nodes.JsonObject plot || plot["series"] is not System.Text.Json.Nodes.JsonObject series) continue;
                int at = charts.FindIndex(c => c.Name == name);
                if (at < 0)
                {
                    charts.Add((name, new SvgChart((string?)plot["title"] ?? name, (string?)plot["x"] ?? "x", (string?)plot["y"] ?? "y")));
                    at = charts.Count - 1;
                }
                SeriesKind kind = (string?)plot["kind"] == "scatter" ? SeriesKind.Scatter : SeriesKind.Line;
                foreach ((string label, System.Text.Json.Nodes.JsonNode? points) in series)
                {
                    if (points is not System.Text.Json.Nodes.JsonArray array) continue;
                    var xy = array.OfType<System.Text.Json.Nodes.JsonArray>().Where(p => p.Count >= 2)
                        .Select(p => (p[0]!.GetValue<double>(), p[1]!.GetValue<double>())).ToList();
                    string seriesName = runs.Count == 1 ? label : series.Count == 1 ? run.Label : $"{run.Label}: {label}";
                    if (xy.Count > 0) charts[at].Chart.Add(seriesName, kind, xy);
                }
            }
        }
        return charts.Where(c => c.Chart.Series.Count > 0).ToList();
    }

    private static void Embed(StringBuilder md, string plots, string name, SvgChart chart)
    {
        chart.Save(Path.Combine(plots, name + ".svg"));
        md.Append("![").Append(chart.Title).Append("](").Append(RunDirectory.PlotsFolder).Append('/').Append(name).Append(".svg)\n\n");
    }

    private static string Slug(string label) => new(label.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());

    private static string F(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
