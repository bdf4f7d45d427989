namespace PruneGen.Training;

/// <summary>
/// The learning rate as a pure function of the global step. Being stateless is deliberate: a resumed
/// run, or an optimizer rebuilt after the network was slimmed, gets exactly the rate an uninterrupted
/// run would use from nothing but the step count (which the checkpoint stores).
/// </summary>
public sealed class LearningRateSchedule
{
    public LearningRateSchedule(LearningRateScheduleKind kind, long totalSteps, long warmupSteps = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(totalSteps);
        if (warmupSteps < 0 || warmupSteps > totalSteps) throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "warm-up must lie within the run");
        Kind = kind;
        TotalSteps = totalSteps;
        WarmupSteps = warmupSteps;
    }

    public LearningRateScheduleKind Kind { get; }
    public long TotalSteps { get; }
    public long WarmupSteps { get; }

    /// <summary>Multiplier of each group's peak learning rate for the step about to be taken (0-based).</summary>
    public double Factor(long step)
    {
        if (step < WarmupSteps) return (step + 1) / (double)WarmupSteps;
        long length = TotalSteps - WarmupSteps;
        if (length <= 0) return 1;
        double t = Math.Clamp((step - WarmupSteps) / (double)length, 0, 1);
        switch (Kind)
        {
            case LearningRateScheduleKind.Constant:
                return 1;
            case LearningRateScheduleKind.Cosine:
                return 0.5 * (1 + Math.Cos(Math.PI * t));
            case LearningRateScheduleKind.Step:
                return t < 0.5 ? 1 : t < 0.75 ? 0.1 : 0.01;
            case LearningRateScheduleKind.OneCycle:
            {
                // PyTorch's OneCycleLR phases: up to the peak at step 0.3·N - 1, down to the minimum at N - 1.
                const double start = 1.0 / 25, end = start / 1e4;
                double position = step - WarmupSteps;
                double peakAt = Math.Max(1, 0.3 * length - 1), lastAt = Math.Max(peakAt + 1, length - 1);
                return position <= peakAt
                    ? Anneal(start, 1, position / peakAt)
                    : Anneal(1, end, Math.Min(1, (position - peakAt) / (lastAt - peakAt)));
            }
            default:
                throw new InvalidOperationException($"unknown schedule {Kind}");
        }
    }

    private static double Anneal(double from, double to, double fraction) => to + (from - to) / 2 * (1 + Math.Cos(Math.PI * fraction));
}
