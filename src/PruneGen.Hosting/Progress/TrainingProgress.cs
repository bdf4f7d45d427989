using System.Diagnostics;
using System.Globalization;
using PruneGen.Training;
using Spectre.Console;

namespace PruneGen.Hosting.Progress;

/// <summary>
/// Shows training progress: live Spectre.Console bars on a terminal, plain lines otherwise (CI logs,
/// pipes). Both show loss, accuracy, learning rate, the time left and the live network size.
/// </summary>
public abstract class TrainingProgress : ITrainingObserver
{
    private readonly Stopwatch _clock = new();
    private long _sessionStartStep;
    private long _totalSteps;

    protected TrainingPlan Plan { get; private set; } = new(1, 1, 0, 0, []);

    /// <summary>Live bars when stdout is an interactive terminal, plain lines otherwise.</summary>
    public static TrainingProgress Create(TextWriter plainOutput)
    {
        bool interactive = !Console.IsOutputRedirected
            && AnsiConsole.Profile.Capabilities.Interactive
            && Environment.GetEnvironmentVariable("CI") is null
            && Environment.GetEnvironmentVariable("TERM") is not "dumb";
        return interactive ? new LiveTrainingProgress() : new PlainTrainingProgress(plainOutput);
    }

    /// <summary>Runs the training inside the display (live bars need to own the console meanwhile).</summary>
    public abstract T Run<T>(Func<T> work);

    public virtual void OnStart(TrainingPlan plan)
    {
        Plan = plan;
        _totalSteps = (long)plan.Epochs * plan.StepsPerEpoch;
        _sessionStartStep = (long)plan.StartEpoch * plan.StepsPerEpoch + plan.StartBatch;
        _clock.Restart();
    }

    /// <summary>Time left, from this session's mean step time (evaluation included as it happens).</summary>
    protected string EstimatedTimeLeft(long globalStep)
    {
        long done = globalStep - _sessionStartStep;
        if (done <= 0) return "?";
        double perStep = _clock.Elapsed.TotalSeconds / done;
        return Units.Duration(TimeSpan.FromSeconds(perStep * Math.Max(0, _totalSteps - globalStep)));
    }

    protected static string StepLine(in StepProgress s) => string.Create(CultureInfo.InvariantCulture,
        $"loss {s.RunningLoss:0.0000}  acc {Units.Percent(s.RunningAccuracy)}  lr {s.LearningRate:0.#####}  {Units.Count(s.Macs)} MACs  {Units.Count(s.Params)} params");

    protected static string EpochLine(EpochMetrics m, int epochs)
    {
        string Value(string name, Func<double, string> format) => m[name] is double v && !double.IsNaN(v) ? format(v) : "-";
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {m.Epoch}/{epochs}: train loss {Value(MetricNames.TrainLoss, v => v.ToString("0.0000", CultureInfo.InvariantCulture))}, " +
            $"train acc {Value(MetricNames.TrainAccuracy, Units.Percent)}, test acc {Value(MetricNames.TestAccuracy, Units.Percent)}, " +
            $"{Value(MetricNames.Macs, Units.Count)} MACs, {Value(MetricNames.Params, Units.Count)} params, " +
            $"{Value(MetricNames.EpochSeconds, v => v.ToString("0.0", CultureInfo.InvariantCulture))} s " +
            $"({Value(MetricNames.ImagesPerSecond, v => v.ToString("0", CultureInfo.InvariantCulture))} img/s)");
    }

    public abstract void OnStep(in StepProgress step);
    public abstract void OnEvaluating(int epoch);
    public abstract void OnEpochEnd(EpochMetrics metrics, IReadOnlyList<EpochMetrics> all);
    public abstract void OnCheckpoint(string path, bool midEpoch);
    public abstract void OnMessage(string message);
}

/// <summary>One line per tenth of an epoch and per epoch: readable in CI logs and through pipes.</summary>
public class PlainTrainingProgress(TextWriter output) : TrainingProgress
{
    private int _every = 1;

    public override T Run<T>(Func<T> work) => work();

    public override void OnStart(TrainingPlan plan)
    {
        base.OnStart(plan);
        _every = Math.Max(1, plan.StepsPerEpoch / 10);
        string from = plan.StartEpoch > 0 || plan.StartBatch > 0 ? $" (resuming at epoch {plan.StartEpoch + 1}, batch {plan.StartBatch})" : "";
        output.WriteLine($"training: {plan.Epochs} epochs of {plan.StepsPerEpoch} steps{from}");
        output.Flush();
    }

    public override void OnStep(in StepProgress s)
    {
        if (s.Batch % _every != 0 && s.Batch != s.StepsInEpoch) return;
        output.WriteLine($"epoch {s.Epoch + 1}/{Plan.Epochs}  step {s.Batch}/{s.StepsInEpoch}  {StepLine(s)}  eta {EstimatedTimeLeft(s.GlobalStep)}");
        output.Flush();
    }

    public override void OnEvaluating(int epoch) { }

    public override void OnEpochEnd(EpochMetrics metrics, IReadOnlyList<EpochMetrics> all)
    {
        output.WriteLine(EpochLine(metrics, Plan.Epochs));
        output.Flush();
    }

    public override void OnCheckpoint(string path, bool midEpoch) { }

    public override void OnMessage(string message)
    {
        output.WriteLine(message);
        output.Flush();
    }
}

/// <summary>Spectre.Console live bars: one for epochs, one for the steps of the current epoch.</summary>
public sealed class LiveTrainingProgress : TrainingProgress
{
    private ProgressContext? _context;
    private ProgressTask? _epochs;
    private ProgressTask? _steps;

    public override T Run<T>(Func<T> work)
    {
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .Start(context =>
            {
                _context = context;
                result = work();
                if (_steps is not null)
                {
                    _steps.Description = _epochs is not null && _epochs.Value >= _epochs.MaxValue ? "done" : "stopped";
                    _steps.StopTask();
                }
                _epochs?.StopTask();
            });
        return result;
    }

    public override void OnStart(TrainingPlan plan)
    {
        base.OnStart(plan);
        if (_context is null) return;
        _epochs = _context.AddTask(EpochDescription(plan.StartEpoch, "?"), maxValue: plan.Epochs);
        _epochs.Value = plan.StartEpoch;
        _steps = _context.AddTask("steps", maxValue: plan.StepsPerEpoch);
        _steps.Value = plan.StartBatch;
    }

    private string EpochDescription(int epoch, string eta) => Markup.Escape($"epoch {Math.Min(epoch + 1, Plan.Epochs)}/{Plan.Epochs}  eta {eta}");

    public override void OnStep(in StepProgress s)
    {
        if (_steps is null || _epochs is null) return;
        _steps.Value = s.Batch;
        _steps.Description = Markup.Escape($"step {s.Batch}/{s.StepsInEpoch}  {StepLine(s)}");
        _epochs.Description = EpochDescription(s.Epoch, EstimatedTimeLeft(s.GlobalStep));
    }

    public override void OnEvaluating(int epoch)
    {
        if (_steps is not null) _steps.Description = Markup.Escape($"evaluating epoch {epoch + 1}...");
    }

    public override void OnEpochEnd(EpochMetrics metrics, IReadOnlyList<EpochMetrics> all)
    {
        AnsiConsole.MarkupLine(Markup.Escape(EpochLine(metrics, Plan.Epochs)));
        if (_epochs is not null) _epochs.Value = metrics.Epoch;
        if (_steps is not null && metrics.Epoch < Plan.Epochs) _steps.Value = 0;
    }

    public override void OnCheckpoint(string path, bool midEpoch) { }

    public override void OnMessage(string message) => AnsiConsole.MarkupLine("[grey]" + Markup.Escape(message) + "[/]");
}
