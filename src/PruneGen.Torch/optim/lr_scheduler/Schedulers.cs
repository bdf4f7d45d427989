namespace PruneGen.Torch;

public static partial class torch
{
    public static partial class optim
    {
        public static partial class lr_scheduler
        {
            /// <summary>The scheduler implementations; create them through the factory methods of <see cref="lr_scheduler"/>.</summary>
            public static partial class impl
            {
                /// <summary>Decays the learning rate by gamma every step_size epochs.</summary>
                public sealed class StepLR : LRScheduler
                {
                    private readonly int _step_size;
                    private readonly double _gamma;

                    public StepLR(Optimizer optimizer, int step_size, double gamma = 0.1, int last_epoch = -1, bool verbose = false)
                        : base(optimizer, last_epoch, verbose)
                    {
                        if (step_size < 1) throw new ArgumentOutOfRangeException(nameof(step_size), step_size, "step_size must be at least 1");
                        _step_size = step_size;
                        _gamma = gamma;
                        InitialStep();
                    }

                    protected override IEnumerable<double> get_lr() =>
                        _last_epoch == 0 || _last_epoch % _step_size != 0
                            ? CurrentRates.ToList()
                            : CurrentRates.Select(lr => lr * _gamma).ToList();

                    protected override IEnumerable<double> get_closed_form_lr() =>
                        _base_lrs.Select(lr => lr * Math.Pow(_gamma, Math.Floor((double)_last_epoch / _step_size))).ToList();
                }

                /// <summary>
                /// Cosine annealing without restarts (SGDR's schedule):
                /// lr_t = eta_min + (lr_0 − eta_min)(1 + cos(π t / T_max)) / 2, applied recursively like PyTorch.
                /// </summary>
                public sealed class CosineAnnealingLR : LRScheduler
                {
                    private readonly double _T_max;
                    private readonly double _eta_min;

                    public CosineAnnealingLR(Optimizer optimizer, double T_max, double eta_min = 0, int last_epoch = -1, bool verbose = false)
                        : base(optimizer, last_epoch, verbose)
                    {
                        if (!(T_max > 0)) throw new ArgumentOutOfRangeException(nameof(T_max), T_max, "T_max must be positive");
                        _T_max = T_max;
                        _eta_min = eta_min;
                        InitialStep();
                    }

                    // The arithmetic below keeps PyTorch's operation order so that values agree to the last bit.
                    protected override IEnumerable<double> get_lr()
                    {
                        var lrs = CurrentRates.ToList();
                        if (_last_epoch == 0) return lrs;
                        if (_step_count == 1 && _last_epoch > 0)
                            return _base_lrs.Select(b => _eta_min + (b - _eta_min) * (1 + Math.Cos(_last_epoch * Math.PI / _T_max)) / 2).ToList();
                        if (PythonMod(_last_epoch - 1 - _T_max, 2 * _T_max) == 0)
                            return lrs.Select((lr, i) => lr + (_base_lrs[i] - _eta_min) * (1 - Math.Cos(Math.PI / _T_max)) / 2).ToList();
                        return lrs.Select(lr => (1 + Math.Cos(Math.PI * _last_epoch / _T_max)) / (1 + Math.Cos(Math.PI * (_last_epoch - 1) / _T_max))
                            * (lr - _eta_min) + _eta_min).ToList();
                    }

                    protected override IEnumerable<double> get_closed_form_lr() =>
                        _base_lrs.Select(b => _eta_min + (b - _eta_min) * (1 + Math.Cos(Math.PI * _last_epoch / _T_max)) / 2).ToList();

                    private static double PythonMod(double a, double b)
                    {
                        double r = a % b;
                        return r != 0 && (r < 0) != (b < 0) ? r + b : r;
                    }
                }

                /// <summary>Multiplies the initial learning rate by a factor moving linearly from start_factor to end_factor over total_iters epochs.</summary>
                public sealed class LinearLR : LRScheduler
                {
                    private readonly double _start_factor;
                    private readonly double _end_factor;
                    private readonly int _total_iters;

                    public LinearLR(Optimizer optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0, int total_iters = 5,
                        int last_epoch = -1, bool verbose = false)
                        : base(optimizer, last_epoch, verbose)
                    {
                        // PyTorch 1.13 accepts start_factor = 0 but then divides by zero on the second step.
                        if (!(start_factor > 0 && start_factor <= 1))
                            throw new ArgumentOutOfRangeException(nameof(start_factor), start_factor, "start_factor must be in (0, 1]");
                        if (!(end_factor >= 0 && end_factor <= 1))
                            throw new ArgumentOutOfRangeException(nameof(end_factor), end_factor, "end_factor must be in [0, 1]");
                        if (total_iters < 1) throw new ArgumentOutOfRangeException(nameof(total_iters), total_iters, "total_iters must be at least 1");
                        _start_factor = start_factor;
                        _end_factor = end_factor;
                        _total_iters = total_iters;
                        InitialStep();
                    }

                    protected override IEnumerable<double> get_lr()
                    {
                        var lrs = CurrentRates.ToList();
                        if (_last_epoch == 0) return lrs.Select(lr => lr * _start_factor).ToList();
                        if (_last_epoch > _total_iters) return lrs;
                        return lrs.Select(lr => lr * (1.0 + (_end_factor - _start_factor) /
                            (_total_iters * _start_factor + (_last_epoch - 1) * (_end_factor - _start_factor)))).ToList();
                    }

                    protected override IEnumerable<double> get_closed_form_lr() =>
                        _base_lrs.Select(b => b * (_start_factor + (_end_factor - _start_factor) * Math.Min(_total_iters, _last_epoch) / _total_iters)).ToList();
                }

                /// <summary>Runs schedulers one after another, switching at the milestones.</summary>
                public sealed class SequentialLR : LRScheduler
                {
                    private readonly List<LRScheduler> _schedulers;
                    private readonly List<int> _milestones;

                    public SequentialLR(Optimizer optimizer, IEnumerable<LRScheduler> schedulers, IEnumerable<int> milestones, int last_epoch = -1)
                    {
                        ArgumentNullException.ThrowIfNull(optimizer);
                        _schedulers = schedulers?.ToList() ?? throw new ArgumentNullException(nameof(schedulers));
                        _milestones = milestones?.ToList() ?? throw new ArgumentNullException(nameof(milestones));
                        if (_schedulers.Count == 0) throw new ArgumentException("at least one scheduler is needed", nameof(schedulers));
                        for (int i = 0; i < _schedulers.Count; i++)
                        {
                            if (_schedulers[i] is null) throw new ArgumentException($"scheduler {i} is null", nameof(schedulers));
                            if (!ReferenceEquals(_schedulers[i]._optimizer, optimizer))
                                throw new ArgumentException($"scheduler {i} drives a different optimizer; all schedulers must belong to the one passed in", nameof(schedulers));
                        }
                        if (_milestones.Count != _schedulers.Count - 1)
                            throw new ArgumentException($"{_schedulers.Count} schedulers need {_schedulers.Count - 1} milestones, got {_milestones.Count}", nameof(milestones));
                        for (int i = 1; i < _milestones.Count; i++)
                        {
                            if (_milestones[i] <= _milestones[i - 1]) throw new ArgumentException("milestones must increase", nameof(milestones));
                        }

                        _optimizer = optimizer;
                        _last_epoch = last_epoch + 1;
                        _base_lrs = optimizer.Groups.Select(g => g.InitialLearningRate).ToList();
                        // Each scheduler already took its initial step on construction: undo those and
                        // start again from the initial rates with the first scheduler only.
                        foreach (Modules.ParamGroup g in optimizer.Groups) g.LearningRate = g.InitialLearningRate;
                        foreach (LRScheduler s in _schedulers) s._last_epoch -= 1;
                        _schedulers[0].InitialStep();
                        _last_lrs = _schedulers[0].get_last_lr().ToList();
                    }

                    public override void step(int? epoch)
                    {
                        if (epoch is not null) throw new NotSupportedException("SequentialLR steps one epoch at a time; it has no closed form");
                        _last_epoch += 1;
                        int index = _milestones.Count(m => m <= _last_epoch); // bisect_right
                        LRScheduler scheduler = _schedulers[index];
                        if (index > 0 && _milestones[index - 1] == _last_epoch) scheduler.step(0);
                        else scheduler.step();
                        _last_lrs = scheduler.get_last_lr().ToList();
                    }

                    protected override IEnumerable<double> get_lr() => _last_lrs;
                }
            }
        }
    }
}
