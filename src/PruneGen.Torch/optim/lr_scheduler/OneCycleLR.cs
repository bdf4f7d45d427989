namespace PruneGen.Torch;

public static partial class torch
{
    public static partial class optim
    {
        public static partial class lr_scheduler
        {
            public static partial class impl
            {
                /// <summary>
                /// The 1cycle policy (Smith &amp; Topin), as PyTorch 1.13: two phases (up to max_lr, down to
                /// min_lr) or three (up, back down to the initial rate, then to min_lr), cosine or linear;
                /// momentum (SGD) or beta1 (Adam/AdamW) moves inversely between max_momentum and base_momentum.
                /// </summary>
                public sealed class OneCycleLR : LRScheduler
                {
                    public enum AnnealStrategy
                    {
                        Cos,
                        Linear,
                    }

                    private enum Rate { Initial, Max, Min }
                    private enum Momentum { Base, Max }

                    private readonly record struct Phase(double EndStep, Rate StartLr, Rate EndLr, Momentum StartMomentum, Momentum EndMomentum);

                    private readonly Phase[] _phases;
                    private readonly int _total_steps;
                    private readonly AnnealStrategy _anneal;
                    private readonly bool _cycle_momentum;
                    private readonly double[] _initial_lr, _max_lr, _min_lr, _base_momentum, _max_momentum;

                    public OneCycleLR(Optimizer optimizer, double max_lr, int total_steps = -1, int epochs = -1, int steps_per_epoch = -1,
                        double pct_start = 0.3, AnnealStrategy anneal_strategy = AnnealStrategy.Cos, bool cycle_momentum = true,
                        double base_momentum = 0.85, double max_momentum = 0.95, double div_factor = 25, double final_div_factor = 1e4,
                        bool three_phase = false, int last_epoch = -1, bool verbose = false)
                        : this(optimizer, Repeat(optimizer, max_lr), total_steps, epochs, steps_per_epoch, pct_start, anneal_strategy, cycle_momentum,
                            Repeat(optimizer, base_momentum), Repeat(optimizer, max_momentum), div_factor, final_div_factor, three_phase, last_epoch, verbose)
                    {
                    }

                    public OneCycleLR(Optimizer optimizer, IEnumerable<double> max_lr, int total_steps = -1, int epochs = -1, int steps_per_epoch = -1,
                        double pct_start = 0.3, AnnealStrategy anneal_strategy = AnnealStrategy.Cos, bool cycle_momentum = true,
                        IEnumerable<double>? base_momentum = null, IEnumerable<double>? max_momentum = null, double div_factor = 25,
                        double final_div_factor = 1e4, bool three_phase = false, int last_epoch = -1, bool verbose = false)
                        : base(Prepare(optimizer, max_lr, div_factor, last_epoch, out double[] maxLrs), last_epoch, verbose)
                    {
                        if (total_steps > 0) _total_steps = total_steps;
                        else if (total_steps != -1) throw new ArgumentOutOfRangeException(nameof(total_steps), total_steps, "total_steps must be positive");
                        else if (epochs > 0 && steps_per_epoch > 0) _total_steps = checked(epochs * steps_per_epoch);
                        else throw new ArgumentException("give total_steps, or positive epochs and steps_per_epoch");
                        if (!(pct_start >= 0 && pct_start <= 1)) throw new ArgumentOutOfRangeException(nameof(pct_start), pct_start, "pct_start must be in [0, 1]");
                        if (!(div_factor > 0) || !(final_div_factor > 0)) throw new ArgumentException("div_factor and final_div_factor must be positive");

                        _anneal = anneal_strategy;
                        _phases = three_phase
                            ?
                            [
                                new Phase(pct_start * _total_steps - 1, Rate.Initial, Rate.Max, Momentum.Max, Momentum.Base),
                                new Phase(2 * pct_start * _total_steps - 2, Rate.Max, Rate.Initial, Momentum.Base, Momentum.Max),
                                new Phase(_total_steps - 1, Rate.Initial, Rate.Min, Momentum.Max, Momentum.Max),
                            ]
                            :
                            [
                                new Phase(pct_start * _total_steps - 1, Rate.Initial, Rate.Max, Momentum.Max, Momentum.Base),
                                new Phase(_total_steps - 1, Rate.Max, Rate.Min, Momentum.Base, Momentum.Max),
                            ];

                        // The rates come from the arguments (PyTorch keeps them in the groups' dicts); resuming
                        // with last_epoch >= 0 therefore needs the same arguments as the original run.
                        int groups = optimizer.Groups.Count;
                        _max_lr = maxLrs;
                        _initial_lr = _max_lr.Select(m => m / div_factor).ToArray();
                        _min_lr = _initial_lr.Select(i => i / final_div_factor).ToArray();

                        _cycle_momentum = cycle_momentum;
                        _base_momentum = PerGroup(base_momentum, 0.85, groups, nameof(base_momentum));
                        _max_momentum = PerGroup(max_momentum, 0.95, groups, nameof(max_momentum));
                        if (cycle_momentum)
                        {
                            for (int i = 0; i < groups; i++)
                            {
                                if (optimizer.Groups[i].Options is not (Modules.SGD.Options or Modules.AdamBase.Options))
                                    throw new ArgumentException($"optimizer must support momentum with `cycle_momentum` option enabled (parameter group {i} has neither momentum nor betas)");
                                if (last_epoch == -1) SetMomentum(optimizer.Groups[i], _max_momentum[i]);
                            }
                        }
                        InitialStep();
                    }

                    private static IEnumerable<double> Repeat(Optimizer optimizer, double value)
                    {
                        ArgumentNullException.ThrowIfNull(optimizer);
                        return Enumerable.Repeat(value, optimizer.Groups.Count);
                    }

                    private static double[] PerGroup(IEnumerable<double>? values, double fallback, int groups, string name)
                    {
                        double[] result = values?.ToArray() ?? Enumerable.Repeat(fallback, groups).ToArray();
                        if (result.Length != groups) throw new ArgumentException($"expected {groups} values for {name}, got {result.Length}", name);
                        return result;
                    }

                    /// <summary>Runs before the base constructor: sets each group's initial rate to max_lr/div_factor.</summary>
                    private static Optimizer Prepare(Optimizer optimizer, IEnumerable<double> max_lr, double div_factor, int last_epoch, out double[] maxLrs)
                    {
                        ArgumentNullException.ThrowIfNull(optimizer);
                        ArgumentNullException.ThrowIfNull(max_lr);
                        maxLrs = PerGroup(max_lr, 0, optimizer.Groups.Count, nameof(max_lr));
                        if (last_epoch == -1)
                        {
                            for (int i = 0; i < maxLrs.Length; i++) optimizer.Groups[i].InitialLearningRate = maxLrs[i] / div_factor;
                        }
                        return optimizer;
                    }

                    /// <summary>Sets SGD's momentum or Adam's beta1 (checked on construction to be one of the two).</summary>
                    private static void SetMomentum(Modules.ParamGroup group, double momentum)
                    {
                        if (group.Options is Modules.AdamBase.Options adam) adam.beta1 = momentum;
                        else ((Modules.SGD.Options)group.Options).momentum = momentum;
                    }

                    private double Anneal(double start, double end, double pct) => _anneal == AnnealStrategy.Cos
                        ? end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1)
                        : (end - start) * pct + start;

                    private double RateOf(Rate rate, int group) => rate switch
                    {
                        Rate.Initial => _initial_lr[group],
                        Rate.Max => _max_lr[group],
                        _ => _min_lr[group],
                    };

                    private double MomentumOf(Momentum momentum, int group) => momentum == Momentum.Base ? _base_momentum[group] : _max_momentum[group];

                    protected override IEnumerable<double> get_lr()
                    {
                        int step = _last_epoch;
                        if (step > _total_steps)
                            throw new InvalidOperationException($"Tried to step {step + 1} times. The specified number of total steps is {_total_steps}");
                        var groups = Optimizer.Groups;
                        var lrs = new List<double>(groups.Count);
                        for (int g = 0; g < groups.Count; g++)
                        {
                            double start = 0, lr = 0, momentum = 0;
                            for (int p = 0; p < _phases.Length; p++)
                            {
                                Phase phase = _phases[p];
                                if (step <= phase.EndStep || p == _phases.Length - 1)
                                {
                                    double pct = (step - start) / (phase.EndStep - start);
                                    lr = Anneal(RateOf(phase.StartLr, g), RateOf(phase.EndLr, g), pct);
                                    if (_cycle_momentum) momentum = Anneal(MomentumOf(phase.StartMomentum, g), MomentumOf(phase.EndMomentum, g), pct);
                                    break;
                                }
                                start = phase.EndStep;
                            }
                            lrs.Add(lr);
                            if (_cycle_momentum) SetMomentum(groups[g], momentum);
                        }
                        return lrs;
                    }
                }
            }
        }
    }
}
