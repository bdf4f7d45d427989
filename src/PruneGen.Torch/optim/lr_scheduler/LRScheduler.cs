using System.Globalization;
using PruneGen.Torch.Modules;

namespace PruneGen.Torch;

public static partial class torch
{
    public static partial class optim
    {
        /// <summary>
        /// Learning-rate schedules with TorchSharp's names. Each follows PyTorch 1.13's
        /// torch/optim/lr_scheduler.py: step() applies the chainable (recursive) form, step(epoch) the
        /// closed form; both give PyTorch's values when the schedule alone sets the learning rate.
        /// </summary>
        public static partial class lr_scheduler
        {
            /// <summary>Base of the schedulers: owns the epoch counter and writes each group's learning rate.</summary>
            public abstract class LRScheduler
            {
                internal Optimizer? _optimizer;
                internal int _last_epoch = -1;
                internal bool _verbose;
                protected int _step_count;
                internal List<double> _base_lrs = new();
                internal List<double> _last_lrs = new();

                /// <summary>For schedulers that only delegate (SequentialLR).</summary>
                protected LRScheduler() { }

                /// <summary>
                /// Records the base learning rates. With last_epoch = -1 a group's initial learning rate is
                /// set to its current rate unless one was recorded before (PyTorch's setdefault('initial_lr')).
                /// Derived constructors finish with <see cref="InitialStep"/>.
                /// </summary>
                protected LRScheduler(Optimizer optimizer, int last_epoch = -1, bool verbose = false)
                {
                    ArgumentNullException.ThrowIfNull(optimizer);
                    if (last_epoch < -1) throw new ArgumentOutOfRangeException(nameof(last_epoch), last_epoch, "last_epoch must be -1 (start) or a past epoch index");
                    _optimizer = optimizer;
                    _verbose = verbose;
                    _last_epoch = last_epoch;
                    if (last_epoch == -1)
                    {
                        foreach (ParamGroup g in optimizer.Groups)
                        {
                            if (!g.InitialLearningRateFixed) g.InitialLearningRate = g.LearningRate;
                        }
                    }
                    _base_lrs = optimizer.Groups.Select(g => g.InitialLearningRate).ToList();
                    _last_lrs = optimizer.Groups.Select(g => g.LearningRate).ToList();
                }

                internal Optimizer Optimizer => _optimizer ?? throw new InvalidOperationException("the scheduler has no optimizer");

                /// <summary>The index of the last epoch (or batch) stepped to; -1 before the first step.</summary>
                public int last_epoch => _last_epoch;

                /// <summary>Performs the step every scheduler takes on construction (PyTorch's _initial_step).</summary>
                protected internal void InitialStep()
                {
                    _step_count = 0;
                    step();
                }

                /// <summary>Advances the schedule by one epoch (or batch) and sets the groups' learning rates.</summary>
                public virtual void step() => step(null);

                /// <summary>
                /// Advances the schedule; with <paramref name="epoch"/> it jumps to that epoch using the
                /// closed form where the schedule has one (PyTorch's deprecated step(epoch)).
                /// </summary>
                public virtual void step(int? epoch)
                {
                    IReadOnlyList<ParamGroup> groups = Optimizer.Groups;
                    if (groups.Count != _base_lrs.Count)
                        throw new InvalidOperationException($"the optimizer has {groups.Count} parameter groups but the scheduler was created for {_base_lrs.Count}");
                    _step_count += 1;
                    double[] values;
                    if (epoch is null)
                    {
                        _last_epoch += 1;
                        values = get_lr().ToArray();
                    }
                    else
                    {
                        _last_epoch = epoch.Value;
                        values = get_closed_form_lr().ToArray();
                    }
                    for (int i = 0; i < groups.Count; i++)
                    {
                        groups[i].LearningRate = values[i];
                        if (_verbose)
                            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Adjusting learning rate of group {i} to {values[i]:E4}."));
                    }
                    _last_lrs = groups.Select(g => g.LearningRate).ToList();
                }

                /// <summary>The learning rates for the current epoch, chainable form (may read the groups' current rates).</summary>
                protected abstract IEnumerable<double> get_lr();

                /// <summary>The learning rates for the current epoch computed from the base rates alone.</summary>
                protected virtual IEnumerable<double> get_closed_form_lr() => get_lr();

                /// <summary>The learning rates the last step set, one per parameter group.</summary>
                public IEnumerable<double> get_last_lr() => _last_lrs;

                /// <summary>The groups' current learning rates.</summary>
                private protected IEnumerable<double> CurrentRates => Optimizer.Groups.Select(g => g.LearningRate);
            }

            /// <summary>Decays the learning rate by gamma every step_size epochs.</summary>
            public static LRScheduler StepLR(Optimizer optimizer, int step_size, double gamma = 0.1, int last_epoch = -1, bool verbose = false) =>
                new impl.StepLR(optimizer, step_size, gamma, last_epoch, verbose);

            /// <summary>Anneals the learning rate from its initial value to eta_min along a half cosine over T_max epochs.</summary>
            public static LRScheduler CosineAnnealingLR(Optimizer optimizer, double T_max, double eta_min = 0, int last_epoch = -1, bool verbose = false) =>
                new impl.CosineAnnealingLR(optimizer, T_max, eta_min, last_epoch, verbose);

            /// <summary>
            /// Scales the learning rate by a factor moving linearly from start_factor to end_factor over
            /// total_iters epochs (a linear warm-up with the defaults' shape). Note: TorchSharp's
            /// end_factor default is 5; PyTorch's, used here, is 1.
            /// </summary>
            public static LRScheduler LinearLR(Optimizer optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0, int total_iters = 5,
                int last_epoch = -1, bool verbose = false) =>
                new impl.LinearLR(optimizer, start_factor, end_factor, total_iters, last_epoch, verbose);

            /// <summary>
            /// The 1cycle policy: the learning rate rises from max_lr/div_factor to max_lr, then falls to
            /// max_lr/(div_factor·final_div_factor); momentum (SGD) or beta1 (Adam) moves inversely.
            /// Step it after every batch. Give total_steps, or epochs and steps_per_epoch.
            /// </summary>
            public static LRScheduler OneCycleLR(Optimizer optimizer, double max_lr, int total_steps = -1, int epochs = -1, int steps_per_epoch = -1,
                double pct_start = 0.3, impl.OneCycleLR.AnnealStrategy anneal_strategy = impl.OneCycleLR.AnnealStrategy.Cos,
                bool cycle_momentum = true, double base_momentum = 0.85, double max_momentum = 0.95, double div_factor = 25,
                double final_div_factor = 1e4, bool three_phase = false, int last_epoch = -1, bool verbose = false) =>
                new impl.OneCycleLR(optimizer, max_lr, total_steps, epochs, steps_per_epoch, pct_start, anneal_strategy, cycle_momentum,
                    base_momentum, max_momentum, div_factor, final_div_factor, three_phase, last_epoch, verbose);

            /// <summary>OneCycleLR with per-group maximum learning rates and momenta.</summary>
            public static LRScheduler OneCycleLR(Optimizer optimizer, IEnumerable<double> max_lr, int total_steps = -1, int epochs = -1,
                int steps_per_epoch = -1, double pct_start = 0.3, impl.OneCycleLR.AnnealStrategy anneal_strategy = impl.OneCycleLR.AnnealStrategy.Cos,
                bool cycle_momentum = true, IEnumerable<double>? base_momentum = null, IEnumerable<double>? max_momentum = null,
                double div_factor = 25, double final_div_factor = 1e4, bool three_phase = false, int last_epoch = -1, bool verbose = false) =>
                new impl.OneCycleLR(optimizer, max_lr, total_steps, epochs, steps_per_epoch, pct_start, anneal_strategy, cycle_momentum,
                    base_momentum, max_momentum, div_factor, final_div_factor, three_phase, last_epoch, verbose);

            /// <summary>
            /// Runs schedulers one after another, switching at the milestones (e.g. a linear warm-up, then
            /// cosine annealing). All must drive <paramref name="optimizer"/>; there is one milestone fewer than schedulers.
            /// </summary>
            public static LRScheduler SequentialLR(Optimizer optimizer, IEnumerable<LRScheduler> schedulers, IEnumerable<int> milestones, int last_epoch = -1) =>
                new impl.SequentialLR(optimizer, schedulers, milestones, last_epoch);
        }
    }
}
