using PruneGen.Training;

namespace PruneGen.Hosting.Tests.Training;

public class LearningRateScheduleTests
{
    [Fact]
    public void Cosine_starts_at_the_peak_halves_midway_and_ends_near_zero()
    {
        var s = new LearningRateSchedule(LearningRateScheduleKind.Cosine, totalSteps: 100);
        Assert.Equal(1.0, s.Factor(0), 12);
        Assert.Equal(0.5, s.Factor(50), 12);
        Assert.Equal(0.5 * (1 + Math.Cos(Math.PI * 0.99)), s.Factor(99), 12);
        for (int i = 1; i < 100; i++) Assert.True(s.Factor(i) < s.Factor(i - 1));
    }

    [Fact]
    public void Warmup_rises_linearly_then_the_schedule_spans_the_rest()
    {
        var s = new LearningRateSchedule(LearningRateScheduleKind.Cosine, totalSteps: 110, warmupSteps: 10);
        Assert.Equal(0.1, s.Factor(0), 12);
        Assert.Equal(0.5, s.Factor(4), 12);
        Assert.Equal(1.0, s.Factor(9), 12);
        Assert.Equal(1.0, s.Factor(10), 12);
        Assert.Equal(0.5, s.Factor(60), 12);
    }

    [Fact]
    public void Step_schedule_divides_by_ten_at_half_and_three_quarters()
    {
        var s = new LearningRateSchedule(LearningRateScheduleKind.Step, totalSteps: 100);
        Assert.Equal([1.0, 1.0, 0.1, 0.1, 0.01], new long[] { 0, 49, 50, 74, 75 }.Select(s.Factor));
    }

    [Fact]
    public void One_cycle_follows_pytorchs_defaults()
    {
        // OneCycleLR(max_lr, total_steps=100) with div_factor 25, final_div_factor 1e4, pct_start 0.3, cos annealing.
        var s = new LearningRateSchedule(LearningRateScheduleKind.OneCycle, totalSteps: 100);
        Assert.Equal(1.0 / 25, s.Factor(0), 12);
        Assert.Equal(1.0, s.Factor(29), 12);
        Assert.Equal(1.0 / 25 / 1e4, s.Factor(99), 15);
        // With 70 steps the peak is at step 20, so step 10 is half-way up the cosine rise.
        var t = new LearningRateSchedule(LearningRateScheduleKind.OneCycle, totalSteps: 70);
        Assert.Equal(1.0 / 25 + (1 - 1.0 / 25) / 2, t.Factor(10), 12);
        Assert.True(s.Factor(15) > s.Factor(5) && s.Factor(60) < s.Factor(30));
    }

    [Fact]
    public void Constant_is_flat_and_the_factor_is_a_pure_function_of_the_step()
    {
        var a = new LearningRateSchedule(LearningRateScheduleKind.Constant, 10);
        Assert.All(Enumerable.Range(0, 10), i => Assert.Equal(1.0, a.Factor(i)));
        var b = new LearningRateSchedule(LearningRateScheduleKind.Cosine, 37, 5);
        var c = new LearningRateSchedule(LearningRateScheduleKind.Cosine, 37, 5);
        Assert.Equal(Enumerable.Range(0, 37).Select(i => b.Factor(i)), Enumerable.Range(0, 37).Reverse().Select(i => c.Factor(i)).Reverse());
    }
}
