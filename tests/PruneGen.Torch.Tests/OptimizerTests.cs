using PruneGen.Torch.Modules;
using static PruneGen.Torch.torch;
using Parameter = PruneGen.Torch.torch.nn.Parameter;

namespace PruneGen.Torch.Tests;

public partial class OptimizerTests : IDisposable
{
    private static readonly float[] P0 = [0.5f, -1.0f, 1.5f, 2.0f, -0.25f, 0.75f];
    private static readonly float[] P1 = [0.1f, -0.2f, 0.3f, -0.4f];
    private const int Steps = 5;

    private readonly string _directory = Directory.CreateTempSubdirectory("prunegen-optim-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Parameter Param(float[] values, params long[] shape)
    {
        using Tensor source = tensor(values, shape);
        return new Parameter(source);
    }

    /// <summary>The test gradient, in float32 and in the operation order of optimizer_reference.py.</summary>
    private static float[] GradientFor(float[] p, int step)
    {
        var g = new float[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            float x = p[i];
            float v = x * x * 0.5f;
            v -= x * 0.3f;
            float c = 0.1f * (step + 1) - 0.05f * i;
            g[i] = v + c;
        }
        return g;
    }

    /// <summary>Sets p.grad to <paramref name="values"/>: backward from a leaf writes the given gradient into it.</summary>
    private static void SetGradient(Parameter p, float[] values)
    {
        using Tensor g = tensor(values, p.shape);
        p.backward(g);
    }

    private static float[] Flatten(params Parameter[] ps) => ps.SelectMany(p => p.data<float>()).ToArray();

    private static float[][] Run(Func<Parameter, Parameter, optim.Optimizer> make, int lrChangeStep = -1, double newLr = 0)
    {
        using Parameter p0 = Param(P0, 2, 3);
        using Parameter p1 = Param(P1, 4);
        using optim.Optimizer opt = make(p0, p1);
        var rows = new List<float[]>();
        for (int t = 0; t < Steps; t++)
        {
            if (t == lrChangeStep)
            {
                foreach (optim.ILearningRateController g in opt.ParamGroups) g.LearningRate = newLr;
            }
            SetGradient(p0, GradientFor(p0.data<float>(), t));
            SetGradient(p1, GradientFor(p1.data<float>(), t));
            opt.step();
            opt.zero_grad();
            rows.Add(Flatten(p0, p1));
        }
        return rows.ToArray();
    }

    private static void AssertTrajectory(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int s = 0; s < expected.Length; s++)
        {
            for (int i = 0; i < expected[s].Length; i++)
            {
                float e = expected[s][i], a = actual[s][i];
                Assert.True(Math.Abs(e - a) <= 1e-6f * Math.Max(1f, Math.Abs(e)), $"after step {s + 1}, element {i}: expected {e:R}, got {a:R}");
            }
        }
    }

    // ---- update math equals PyTorch 1.13 --------------------------------------------------------

    [Fact]
    public void SgdMatchesPyTorch() => AssertTrajectory(SgdPlain, Run((a, b) => optim.SGD([a, b], lr: 0.1)));

    [Fact]
    public void SgdWithMomentumDampeningAndDecayFollowsALearningRateChange() =>
        AssertTrajectory(SgdMomentumDampeningDecayLrChange,
            Run((a, b) => optim.SGD([a, b], lr: 0.1, momentum: 0.9, dampening: 0.1, weight_decay: 0.01), lrChangeStep: 2, newLr: 0.05));

    [Fact]
    public void SgdNesterovMatchesPyTorch() =>
        AssertTrajectory(SgdNesterov, Run((a, b) => optim.SGD([a, b], lr: 0.05, momentum: 0.9, weight_decay: 5e-4, nesterov: true)));

    [Fact]
    public void SgdMaximizeMatchesPyTorch() =>
        AssertTrajectory(SgdMaximize, Run((a, b) => optim.SGD([a, b], lr: 0.1, momentum: 0.5, maximize: true)));

    [Fact]
    public void SgdParameterGroupsUseTheirOwnOptionsAndDefaultsForTheRest() =>
        AssertTrajectory(SgdTwoGroups, Run((a, b) => optim.SGD(
            [new SGD.ParamGroup([a], new SGD.Options { momentum = 0.9 }), new SGD.ParamGroup([b], new SGD.Options { LearningRate = 0.01 })],
            lr: 0.1)));

    [Fact]
    public void AdamMatchesPyTorch() => AssertTrajectory(AdamPlain, Run((a, b) => optim.Adam([a, b], lr: 0.01)));

    [Fact]
    public void AdamWithDecayAndAmsgradMatchesPyTorch() =>
        AssertTrajectory(AdamDecayAmsgrad, Run((a, b) => optim.Adam([a, b], lr: 0.01, weight_decay: 0.1, amsgrad: true)));

    [Fact]
    public void AdamWMatchesPyTorch() => AssertTrajectory(AdamWPlain, Run((a, b) => optim.AdamW([a, b], lr: 0.01)));

    [Fact]
    public void AdamWWithEveryOptionMatchesPyTorch() =>
        AssertTrajectory(AdamWAllOptions, Run((a, b) => optim.AdamW([a, b], lr: 0.02, beta1: 0.8, beta2: 0.99, eps: 1e-6, weight_decay: 0.1, amsgrad: true, maximize: true)));

    // ---- groups, gradients, closure -------------------------------------------------------------

    [Fact]
    public void ParamGroupLearningRatesCanBeReadAndSet()
    {
        using Parameter a = Param([1f], 1);
        using Parameter b = Param([1f], 1);
        using var opt = optim.SGD([new SGD.ParamGroup([a]), new SGD.ParamGroup([b], lr: 0.5)], lr: 0.1);
        var groups = opt.ParamGroups.ToList();
        Assert.Equal([0.1, 0.5], groups.Select(g => g.LearningRate));
        Assert.Equal([0.1, 0.5], groups.Select(g => g.InitialLearningRate));
        groups[1].LearningRate = 0.25;
        SetGradient(a, [1f]);
        SetGradient(b, [1f]);
        opt.step();
        Assert.Equal(0.9f, a.data<float>()[0], 6);
        Assert.Equal(0.75f, b.data<float>()[0], 6);
        Assert.Equal(0.5, groups[1].InitialLearningRate);
        Assert.Equal([a, b], opt.parameters());
    }

    [Fact]
    public void ParametersWithoutGradientAreLeftAlone()
    {
        using Parameter a = Param([1f, 2f], 2);
        using Parameter b = Param([3f], 1);
        using var opt = optim.SGD([a, b], lr: 0.1, momentum: 0.9, weight_decay: 0.5);
        SetGradient(a, [1f, 1f]);
        opt.step();
        Assert.Equal([3f], b.data<float>());
        Assert.Empty(opt.GetState(b));
        Assert.Single(opt.GetState(a));
    }

    [Fact]
    public void ZeroGradDropsOrZeroesTheGradients()
    {
        using Parameter a = Param([1f, 2f], 2);
        using var opt = optim.SGD([a], lr: 0.1);
        SetGradient(a, [1f, 1f]);
        opt.zero_grad(set_to_none: false);
        using (Tensor? g = a.grad)
        {
            Assert.NotNull(g);
            Assert.Equal([0f, 0f], g.data<float>());
        }
        opt.zero_grad();
        Assert.Null(a.grad);
    }

    [Fact]
    public void StepRunsTheClosureWithGradientsEnabledAndReturnsItsLoss()
    {
        using Parameter a = Param([1f], 1);
        using var opt = optim.SGD([a], lr: 0.1);
        bool gradEnabled = false;
        Tensor? loss;
        using (no_grad())
        {
            loss = opt.step(() =>
            {
                gradEnabled = is_grad_enabled();
                SetGradient(a, [2f]);
                return tensor(7f);
            });
        }
        Assert.True(gradEnabled);
        Assert.Equal(7f, loss!.item<float>());
        Assert.Equal(0.8f, a.data<float>()[0], 6);
        loss.Dispose();
    }

    // ---- per-parameter state ----------------------------------------------------------------------

    [Fact]
    public void AdamStateHasPyTorchsNamesAndValues()
    {
        using Parameter a = Param([1f, -1f], 2);
        using var opt = optim.Adam([a], lr: 0.1, amsgrad: true);
        Assert.Empty(opt.GetState(a));
        SetGradient(a, [2f, -4f]);
        opt.step();
        var state = opt.GetState(a);
        try
        {
            Assert.Equal(["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"], state.Keys);
            Assert.Equal(1f, state["step"].item<float>());
            Assert.Empty(state["step"].shape);
            // One step from zero: exp_avg = (1 - 0.9) g, exp_avg_sq = (1 - 0.999) g².
            Assert.Equal([0.2f, -0.4f], state["exp_avg"].data<float>(), (x, y) => Math.Abs(x - y) < 1e-6f);
            Assert.Equal([0.004f, 0.016f], state["exp_avg_sq"].data<float>(), (x, y) => Math.Abs(x - y) < 1e-7f);
        }
        finally
        {
            foreach (Tensor t in state.Values) t.Dispose();
        }
    }

    private static float[] ValueGradient(float[] p, int step) =>
        p.Select(x => x * x * 0.5f - x * 0.3f + 0.1f * (step + 1)).ToArray();

    public static TheoryData<string> OptimizerKinds => new() { "SGD", "Adam", "AdamW" };

    private static optim.Optimizer Make(string kind, params Parameter[] ps) => kind switch
    {
        "SGD" => optim.SGD(ps, lr: 0.1, momentum: 0.9, weight_decay: 0.01),
        "Adam" => optim.Adam(ps, lr: 0.05, weight_decay: 0.01, amsgrad: true),
        _ => optim.AdamW(ps, lr: 0.05),
    };

    private static void StepWith(optim.Optimizer opt, Parameter p, int t)
    {
        SetGradient(p, ValueGradient(p.data<float>(), t));
        opt.step();
        opt.zero_grad();
    }

    [Theory]
    [MemberData(nameof(OptimizerKinds))]
    public void StateCarriedToANewOptimizerContinuesTheSameTrajectory(string kind)
    {
        float[] start = [0.5f, -1f, 1.5f, 2f];
        using Parameter reference = Param(start, 4);
        using (optim.Optimizer opt = Make(kind, reference))
        {
            for (int t = 0; t < 5; t++) StepWith(opt, reference, t);
        }

        using Parameter resumed = Param(start, 4);
        IReadOnlyDictionary<string, Tensor> state;
        using (optim.Optimizer first = Make(kind, resumed))
        {
            for (int t = 0; t < 3; t++) StepWith(first, resumed, t);
            state = first.GetState(resumed);
        }
        using (optim.Optimizer second = Make(kind, resumed))
        {
            second.SetState(resumed, state);
            for (int t = 3; t < 5; t++) StepWith(second, resumed, t);
        }
        foreach (Tensor t in state.Values) t.Dispose();
        Assert.Equal(reference.data<float>(), resumed.data<float>());
    }

    [Theory]
    [MemberData(nameof(OptimizerKinds))]
    public void StateSavedToAFileResumesTheSameTrajectory(string kind)
    {
        float[] start = [0.5f, -1f, 1.5f, 2f];
        using Parameter reference = Param(start, 4);
        using (optim.Optimizer opt = Make(kind, reference))
        {
            for (int t = 0; t < 5; t++) StepWith(opt, reference, t);
        }

        string file = Path.Combine(_directory, "optimizer.safetensors");
        using Parameter resumed = Param(start, 4);
        using (optim.Optimizer first = Make(kind, resumed))
        {
            for (int t = 0; t < 3; t++) StepWith(first, resumed, t);
            first.ParamGroups.First().LearningRate *= 0.5;
            first.save_state_dict(file);
        }
        using (optim.Optimizer second = Make(kind, resumed))
        {
            second.load_state_dict(file);
            Assert.Equal(second.ParamGroups.First().InitialLearningRate * 0.5, second.ParamGroups.First().LearningRate, 12);
            second.ParamGroups.First().LearningRate *= 2;
            for (int t = 3; t < 5; t++) StepWith(second, resumed, t);
        }
        Assert.Equal(reference.data<float>(), resumed.data<float>());
    }

    [Fact]
    public void SlimmedParameterKeepsTheStateOfItsRemainingElements()
    {
        // Adam is elementwise, so a parameter cut down to some elements, with the matching slice of its
        // state, must follow exactly the trajectory those elements follow in the uncut parameter.
        float[] start = [0.5f, -1f, 1.5f, 2f, -0.25f, 0.75f];
        int[] kept = [0, 2, 5];
        using Parameter full = Param(start, 6);
        using Parameter other = Param([1f, 2f], 2);
        using var opt = optim.Adam([full, other], lr: 0.05, weight_decay: 0.01);
        for (int t = 0; t < 3; t++)
        {
            SetGradient(other, [1f, 1f]);
            StepWith(opt, full, t);
        }

        using Parameter slim = Param(kept.Select(i => full.data<float>()[i]).ToArray(), kept.Length);
        var state = opt.GetState(full);
        var sliced = state.ToDictionary(kv => kv.Key, kv => kv.Key == "step"
            ? kv.Value
            : tensor(kept.Select(i => kv.Value.data<float>()[i]).ToArray(), [kept.Length]));
        opt.ReplaceParameters([slim, other]);
        opt.SetState(slim, sliced);
        Assert.Single(opt.GetState(other)["step"].data<float>(), 3f);
        Assert.Throws<ArgumentException>(() => opt.GetState(full));

        using Parameter reference = Param(start, 6);
        using (var refOpt = optim.Adam([reference], lr: 0.05, weight_decay: 0.01))
        {
            for (int t = 0; t < 5; t++) StepWith(refOpt, reference, t);
        }
        for (int t = 3; t < 5; t++) StepWith(opt, slim, t);

        float[] expected = kept.Select(i => reference.data<float>()[i]).ToArray();
        Assert.Equal(expected, slim.data<float>());
        foreach (Tensor t in state.Values.Concat(sliced.Values)) t.Dispose();
    }

    [Fact]
    public void ReplacingParametersKeepsStateOnlyForThoseThatRemain()
    {
        using Parameter a = Param([1f], 1);
        using Parameter b = Param([2f], 1);
        using Parameter c = Param([3f], 1);
        using var opt = optim.SGD([a, b], lr: 0.1, momentum: 0.9);
        SetGradient(a, [1f]);
        SetGradient(b, [1f]);
        opt.step();
        opt.ReplaceParameters([b, c]);
        Assert.Single(opt.GetState(b));
        Assert.Empty(opt.GetState(c));
        Assert.Equal([b, c], opt.parameters());
        opt.ReplaceParameters([a, b]);
        Assert.Empty(opt.GetState(a)); // a's state was dropped when it left
    }

    [Fact]
    public void StateDictionaryRoundTripsOptionsAndState()
    {
        using Parameter a = Param([1f, 2f], 2);
        using var opt = optim.Adam([a], lr: 0.01, beta1: 0.8);
        SetGradient(a, [1f, -1f]);
        opt.step();
        using optim.Optimizer.StateDictionary dict = opt.state_dict();
        Assert.Equal("Adam", dict.OptimizerName);
        Assert.Equal([1], dict.ParameterCounts);
        Assert.Equal(0.8, ((AdamBase.Options)dict.Options[0]).beta1);
        Assert.Equal(1f, dict.State[0]["step"].item<float>());

        using Parameter b = Param([1f, 2f], 2);
        using var other = optim.Adam([b], lr: 0.5);
        other.load_state_dict(dict);
        Assert.Equal(0.01, other.ParamGroups.Single().LearningRate);
        Assert.Equal((0.8, 0.999), other.Betas);
        Assert.Equal(dict.State[0]["exp_avg"].data<float>(), other.GetState(b)["exp_avg"].data<float>());
    }

    // ---- errors ---------------------------------------------------------------------------------

    [Fact]
    public void InvalidHyperparametersAreRejected()
    {
        using Parameter a = Param([1f], 1);
        Assert.Contains("learning rate", Assert.Throws<ArgumentException>(() => optim.SGD([a], lr: -1)).Message);
        Assert.Contains("Nesterov", Assert.Throws<ArgumentException>(() => optim.SGD([a], lr: 0.1, nesterov: true)).Message);
        Assert.Contains("beta parameter at index 1", Assert.Throws<ArgumentException>(() => optim.Adam([a], beta2: 1.0)).Message);
        Assert.Contains("parameter group 1", Assert.Throws<ArgumentException>(() =>
            optim.SGD([new SGD.ParamGroup([a]), new SGD.ParamGroup([], new SGD.Options { momentum = -1 })], lr: 0.1)).Message);
    }

    [Fact]
    public void UnsuitableParametersAreRejectedWithTheirIndex()
    {
        using Parameter a = Param([1f], 1);
        var duplicate = Assert.Throws<ArgumentException>(() => optim.SGD([a, a], lr: 0.1));
        Assert.Contains("parameter 1 appears more than once", duplicate.Message);

        using Tensor ints = tensor(new long[] { 1, 2 });
        using var intParam = new Parameter(ints, requires_grad: false);
        var integer = Assert.Throws<ArgumentException>(() => optim.Adam([a, intParam]));
        Assert.Contains("parameter 1 has element type Long", integer.Message);
    }

    [Fact]
    public void BadStateIsRejectedBeforeAnythingChanges()
    {
        using Parameter a = Param([1f, 2f], 2);
        using var opt = optim.Adam([a]);
        SetGradient(a, [1f, 1f]);
        opt.step();
        using Tensor wrongShape = tensor(new float[] { 1, 2, 3 });
        using Tensor step = tensor(4f);
        using Tensor ok = tensor(new float[] { 0, 0 });

        var shape = Assert.Throws<ArgumentException>(() => opt.SetState(a, new Dictionary<string, Tensor> { ["step"] = step, ["exp_avg"] = ok, ["exp_avg_sq"] = wrongShape }));
        Assert.Contains("'exp_avg_sq' has shape [3] but the parameter has shape [2]", shape.Message);
        var missing = Assert.Throws<ArgumentException>(() => opt.SetState(a, new Dictionary<string, Tensor> { ["step"] = step, ["exp_avg"] = ok }));
        Assert.Contains("'exp_avg_sq' is missing", missing.Message);
        var unknown = Assert.Throws<ArgumentException>(() => opt.SetState(a, new Dictionary<string, Tensor> { ["momentum_buffer"] = ok }));
        Assert.Contains("unknown Adam state entry 'momentum_buffer'", unknown.Message);

        Assert.Equal(1f, opt.GetState(a)["step"].item<float>()); // unchanged by the failed calls
        using Parameter stranger = Param([1f], 1);
        Assert.Contains("not managed", Assert.Throws<ArgumentException>(() => opt.GetState(stranger)).Message);
    }

    [Fact]
    public void StateOfAnotherOptimizerTypeOrShapeIsRejected()
    {
        using Parameter a = Param([1f, 2f], 2);
        using var sgd = optim.SGD([a], lr: 0.1, momentum: 0.9);
        SetGradient(a, [1f, 1f]);
        sgd.step();
        using var dict = sgd.state_dict();
        using var adam = optim.Adam([a]);
        Assert.Contains("belongs to a SGD optimizer, not Adam", Assert.Throws<ArgumentException>(() => adam.load_state_dict(dict)).Message);

        using Parameter b = Param([1f, 2f, 3f], 3);
        using var other = optim.SGD([b], lr: 0.1, momentum: 0.9);
        var e = Assert.Throws<ArgumentException>(() => other.load_state_dict(dict));
        Assert.Contains("parameter 0: state entry 'momentum_buffer' has shape [2] but the parameter has shape [3]", e.Message);
    }

    [Fact]
    public void ADisposedOptimizerCannotStep()
    {
        using Parameter a = Param([1f], 1);
        var opt = optim.SGD([a], lr: 0.1);
        opt.Dispose();
        Assert.Throws<ObjectDisposedException>(() => opt.step());
    }
}
