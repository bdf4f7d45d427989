using PruneGen.Torch.Modules;
using static PruneGen.Torch.torch;
using static PruneGen.Torch.torch.optim.lr_scheduler;
using Parameter = PruneGen.Torch.torch.nn.Parameter;

namespace PruneGen.Torch.Tests;

public partial class LrSchedulerTests : IDisposable
{
    private readonly List<Parameter> _parameters = new();

    public void Dispose()
    {
        foreach (Parameter p in _parameters) p.Dispose();
    }

    private Parameter NewParameter(float value = 1f)
    {
        using Tensor source = tensor(new[] { value });
        var p = new Parameter(source);
        _parameters.Add(p);
        return p;
    }

    /// <summary>One parameter group per learning rate, as the reference script builds them.</summary>
    private optim.Optimizer Sgd(params double[] lrs) =>
        optim.SGD(lrs.Select(lr => new SGD.ParamGroup([NewParameter()], lr: lr)), lr: lrs[0], momentum: 0.9);

    private optim.Optimizer Adam(params double[] lrs) =>
        optim.Adam(lrs.Select(lr => new AdamBase.ParamGroup([NewParameter()], lr: lr)), lr: lrs[0]);

    private static double[] Row(optim.Optimizer opt, LRScheduler scheduler, bool momentum)
    {
        var row = scheduler.get_last_lr().ToList();
        if (momentum)
        {
            row.AddRange(opt switch
            {
                SGD sgd => sgd.ParamGroups.Select(g => ((optim.IMomentum)g).Momentum),
                _ => opt.ParamGroups.Select(g => ((optim.IBetas)g).Betas.Item1),
            });
        }
        return row.ToArray();
    }

    private static double[][] Schedule(optim.Optimizer opt, LRScheduler scheduler, int steps, bool momentum = false)
    {
        var rows = new List<double[]> { Row(opt, scheduler, momentum) };
        for (int i = 0; i < steps; i++)
        {
            opt.step();
            scheduler.step();
            rows.Add(Row(opt, scheduler, momentum));
        }
        return rows.ToArray();
    }

    private static void AssertRows(double[][] expected, double[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int s = 0; s < expected.Length; s++)
        {
            Assert.Equal(expected[s].Length, actual[s].Length);
            for (int i = 0; i < expected[s].Length; i++)
            {
                double e = expected[s][i], a = actual[s][i];
                Assert.True(Math.Abs(e - a) <= 1e-14 * Math.Max(1e-3, Math.Abs(e)), $"row {s}, value {i}: expected {e:R}, got {a:R}");
            }
        }
    }

    // ---- values equal PyTorch 1.13 ----------------------------------------------------------------

    [Fact]
    public void StepLRMatchesPyTorch()
    {
        using var opt = Sgd(0.1, 0.02);
        AssertRows(StepLRValues, Schedule(opt, StepLR(opt, step_size: 3, gamma: 0.5), 10));
    }

    [Fact]
    public void CosineAnnealingLRMatchesPyTorchPastTMax()
    {
        using var opt = Sgd(0.1, 0.05);
        AssertRows(CosineValues, Schedule(opt, CosineAnnealingLR(opt, T_max: 10, eta_min: 0.001), 25));
    }

    [Fact]
    public void LinearLRMatchesPyTorch()
    {
        using var opt = Sgd(0.1);
        AssertRows(LinearValues, Schedule(opt, LinearLR(opt, start_factor: 0.1, end_factor: 1.0, total_iters: 4), 8));
    }

    [Fact]
    public void OneCycleLRMatchesPyTorchIncludingMomentum()
    {
        using var opt = Sgd(0.01);
        AssertRows(OneCycleValues, Schedule(opt, OneCycleLR(opt, max_lr: 0.1, total_steps: 20), 20, momentum: true));
    }

    [Fact]
    public void OneCycleLRThreePhaseLinearMatchesPyTorchIncludingBeta1()
    {
        using var opt = Adam(0.01, 0.01);
        var scheduler = OneCycleLR(opt, max_lr: [0.2, 0.1], epochs: 3, steps_per_epoch: 5, pct_start: 0.25,
            anneal_strategy: impl.OneCycleLR.AnnealStrategy.Linear, three_phase: true, base_momentum: [0.8, 0.8], max_momentum: [0.9, 0.9],
            div_factor: 10, final_div_factor: 100);
        AssertRows(OneCycleThreePhaseValues, Schedule(opt, scheduler, 15, momentum: true));
    }

    [Fact]
    public void LinearWarmupThenCosineMatchesPyTorch()
    {
        using var opt = Sgd(0.1);
        var scheduler = SequentialLR(opt, [LinearLR(opt, start_factor: 0.1, total_iters: 3), CosineAnnealingLR(opt, T_max: 7)], [3]);
        AssertRows(WarmupCosineValues, Schedule(opt, scheduler, 12));
    }

    [Fact]
    public void StepWithAnEpochUsesTheClosedForm()
    {
        using var a = Sgd(0.1);
        var step = StepLR(a, step_size: 3, gamma: 0.5);
        step.step(7);
        using var b = Sgd(0.1);
        var cosine = CosineAnnealingLR(b, T_max: 10, eta_min: 0.001);
        cosine.step(7);
        AssertRows(ClosedFormAtEpoch7, [[step.get_last_lr().Single(), cosine.get_last_lr().Single()]]);
        Assert.Equal(7, step.last_epoch);
    }

    // ---- behaviour --------------------------------------------------------------------------------

    [Fact]
    public void TheOptimizerStepsWithTheScheduledRate()
    {
        Parameter p = NewParameter(1f);
        using var opt = optim.SGD([p], lr: 1.0);
        var scheduler = StepLR(opt, step_size: 1, gamma: 0.5);
        scheduler.step();
        using (Tensor g = tensor(new[] { 1f })) p.backward(g);
        opt.step();
        Assert.Equal(0.5f, p.data<float>()[0]);
        Assert.Equal(1.0, opt.ParamGroups.Single().InitialLearningRate);
    }

    [Fact]
    public void OneCycleRefusesToStepPastTotalSteps()
    {
        using var opt = Sgd(0.01);
        var scheduler = OneCycleLR(opt, max_lr: 0.1, total_steps: 3);
        for (int i = 0; i < 3; i++) scheduler.step();
        var e = Assert.Throws<InvalidOperationException>(() => scheduler.step());
        Assert.Equal("Tried to step 5 times. The specified number of total steps is 3", e.Message);
    }

    [Fact]
    public void InvalidSchedulesAreRejected()
    {
        using var opt = Sgd(0.1);
        using var other = Sgd(0.1);
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearLR(opt, start_factor: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => StepLR(opt, step_size: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CosineAnnealingLR(opt, T_max: 0));
        Assert.Contains("give total_steps", Assert.Throws<ArgumentException>(() => OneCycleLR(opt, max_lr: 0.1)).Message);
        Assert.Contains("need 1 milestones, got 0", Assert.Throws<ArgumentException>(() =>
            SequentialLR(opt, [StepLR(opt, 1), StepLR(opt, 1)], [])).Message);
        Assert.Contains("scheduler 1 drives a different optimizer", Assert.Throws<ArgumentException>(() =>
            SequentialLR(opt, [StepLR(opt, 1), StepLR(other, 1)], [2])).Message);
    }
}
