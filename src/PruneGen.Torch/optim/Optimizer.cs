using System.Runtime.InteropServices;
using PruneGen.Torch.Modules;
using PruneGen.Torch.Native;
using static PruneGen.Torch.Native.NativeMethods;
using Parameter = PruneGen.Torch.torch.nn.Parameter;

namespace PruneGen.Torch;

public static partial class torch
{
    public static partial class optim
    {
        /// <summary>
        /// Base of the optimizers. Parameters, their per-parameter state (momentum buffers, moment
        /// estimates) and the update itself live in a native object: <see cref="step"/> is one call into
        /// libtorch for all parameters. Hyperparameters live here, per parameter group, so schedulers
        /// can change them between steps.
        /// </summary>
        /// <remarks>This file holds groups, stepping and per-parameter state; Optimizer.StateDict.cs holds checkpoints.</remarks>
        public abstract partial class Optimizer : IDisposable
        {
            private IntPtr _native;
            private readonly List<ParamGroup> _parameter_groups = new();

            /// <summary>Values that a parameter group does not set itself.</summary>
            protected readonly OptimizerOptions _defaults;

            private protected Optimizer(OptimizerKind kind, OptimizerOptions defaults)
            {
                _defaults = defaults;
                _native = Check(pg_optim_new((int)kind));
            }

            private IntPtr Native => _native != IntPtr.Zero
                ? _native
                : throw new ObjectDisposedException(GetType().Name, "the optimizer was disposed");

            /// <summary>The parameter groups, whose learning rates schedulers read and set.</summary>
            public IEnumerable<ILearningRateController> ParamGroups => _parameter_groups;

            internal IReadOnlyList<ParamGroup> Groups => _parameter_groups;

            /// <summary>Every parameter, group by group.</summary>
            public IEnumerable<Parameter> parameters() => _parameter_groups.SelectMany(g => g.ParameterList);

            /// <summary>Adds a group; its unset options are taken from the optimizer's defaults.</summary>
            public virtual void add_param_group(ParamGroup param_group)
            {
                ArgumentNullException.ThrowIfNull(param_group);
                if (param_group.Owner is not null) throw new ArgumentException("the parameter group already belongs to an optimizer", nameof(param_group));
                if (!param_group.HasOptions) param_group.Options = CreateOptions();
                OptimizerOptions options = param_group.Options;
                if (options.GetType() != _defaults.GetType())
                    throw new ArgumentException($"a {GetType().Name} parameter group needs {_defaults.GetType().FullName} options, not {options.GetType().FullName}", nameof(param_group));
                options.LearningRate ??= _defaults.LearningRate;
                CompleteOptions(options);
                ValidateOptions(options, _parameter_groups.Count);
                options.InitialLearningRate = param_group.InitialLearningRateFixed ? param_group.ExplicitInitialLearningRate : options.LearningRate!.Value;

                _parameter_groups.Add(param_group);
                param_group.Owner = this;
                try
                {
                    SyncParameters();
                }
                catch
                {
                    _parameter_groups.RemoveAt(_parameter_groups.Count - 1);
                    param_group.Owner = null;
                    throw;
                }
            }

            /// <summary>A new, empty options record of this optimizer's type.</summary>
            private protected abstract OptimizerOptions CreateOptions();

            /// <summary>Fills the options' unset values from <see cref="_defaults"/>.</summary>
            private protected abstract void CompleteOptions(OptimizerOptions options);

            /// <summary>Rejects invalid hyperparameters with a message naming the group.</summary>
            private protected abstract void ValidateOptions(OptimizerOptions options, int groupIndex);

            /// <summary>Names of the per-parameter state entries, as PyTorch names them.</summary>
            private protected abstract string[] StateKeys { get; }

            /// <summary>Entries that a non-empty state must contain.</summary>
            private protected virtual string[] RequiredStateKeys => [];

            /// <summary>Hands the current parameter lists to the native optimizer (state of parameters that remain is kept).</summary>
            internal unsafe void SyncParameters()
            {
                int count = _parameter_groups.Sum(g => g.ParameterList.Count);
                var handles = new IntPtr[count];
                var groups = new int[count];
                int i = 0;
                for (int g = 0; g < _parameter_groups.Count; g++)
                {
                    foreach (Parameter p in _parameter_groups[g].ParameterList)
                    {
                        if (p is null) throw new ArgumentException($"parameter group {g} contains a null parameter");
                        handles[i] = p.Handle;
                        groups[i++] = g;
                    }
                }
                fixed (IntPtr* h = handles)
                fixed (int* gr = groups)
                {
                    int status = pg_optim_set_params(Native, h, gr, count);
                    if (status < 0) throw new ArgumentException(LastErrorMessage());
                }
                GC.KeepAlive(_parameter_groups);
            }

            /// <summary>
            /// Replaces the parameters of a single-group optimizer, e.g. with those of a physically
            /// slimmed network. Parameters that stay (the same tensor) keep their state; new ones start
            /// without state (set it with <see cref="SetState"/>).
            /// </summary>
            public void ReplaceParameters(IEnumerable<Parameter> parameters)
            {
                if (_parameter_groups.Count != 1)
                    throw new InvalidOperationException($"the optimizer has {_parameter_groups.Count} parameter groups; pass one parameter list per group");
                ReplaceParameters([parameters]);
            }

            /// <summary>Replaces the parameters of every group (one list per group, in group order).</summary>
            public void ReplaceParameters(IReadOnlyList<IEnumerable<Parameter>> parametersPerGroup)
            {
                ArgumentNullException.ThrowIfNull(parametersPerGroup);
                if (parametersPerGroup.Count != _parameter_groups.Count)
                    throw new ArgumentException($"the optimizer has {_parameter_groups.Count} parameter groups but {parametersPerGroup.Count} parameter lists were given", nameof(parametersPerGroup));
                var previous = _parameter_groups.Select(g => g.ParameterList).ToList();
                var owners = _parameter_groups.Select(g => g.Owner).ToList();
                try
                {
                    // Detach while assigning so that the native list is rebuilt once, not per group.
                    for (int g = 0; g < _parameter_groups.Count; g++)
                    {
                        _parameter_groups[g].Owner = null;
                        _parameter_groups[g].Parameters = parametersPerGroup[g];
                    }
                    SyncParameters();
                }
                catch
                {
                    for (int g = 0; g < _parameter_groups.Count; g++) _parameter_groups[g].Parameters = previous[g];
                    throw;
                }
                finally
                {
                    for (int g = 0; g < _parameter_groups.Count; g++) _parameter_groups[g].Owner = owners[g];
                }
            }

            /// <summary>One update of every parameter that has a gradient.</summary>
            /// <param name="closure">Optional: re-evaluates the model and returns the loss (run with gradients enabled).</param>
            /// <returns>The closure's loss, or null.</returns>
            public virtual unsafe Tensor? step(Func<Tensor>? closure = null)
            {
                Tensor? loss = null;
                if (closure is not null)
                {
                    using (enable_grad()) loss = closure();
                }
                int n = _parameter_groups.Count;
                Span<OptimizerGroupOptions> packed = n <= 16 ? stackalloc OptimizerGroupOptions[16] : new OptimizerGroupOptions[n];
                for (int g = 0; g < n; g++)
                {
                    packed[g] = default;
                    _parameter_groups[g].Options.Pack(ref packed[g]);
                }
                fixed (OptimizerGroupOptions* p = packed) Check(pg_optim_step(Native, p, n));
                return loss;
            }

            /// <summary>
            /// Clears the gradients: drops them (default, cheapest: the next backward writes fresh ones) or
            /// zeroes them in place. Parameters without a gradient are skipped by <see cref="step"/>, so
            /// the two differ for parameters that the next backward pass does not reach.
            /// </summary>
            public virtual void zero_grad(bool set_to_none = true) => Check(pg_optim_zero_grad(Native, set_to_none ? 1 : 0));

            // ---- per-parameter state -----------------------------------------------------------

            /// <summary>
            /// Copies of the optimizer's state for <paramref name="parameter"/>, by PyTorch's names
            /// (SGD: momentum_buffer; Adam/AdamW: step, exp_avg, exp_avg_sq, max_exp_avg_sq). Empty when
            /// the parameter has not been updated yet. The caller owns the tensors.
            /// </summary>
            public IReadOnlyDictionary<string, Tensor> GetState(Parameter parameter)
            {
                ArgumentNullException.ThrowIfNull(parameter);
                var state = new Dictionary<string, Tensor>();
                foreach (string key in StateKeys)
                {
                    IntPtr h = pg_optim_state_get(Native, parameter.Handle, key);
                    if (h == IntPtr.Zero)
                    {
                        string error = LastErrorMessage();
                        if (error.Length > 0)
                        {
                            foreach (Tensor t in state.Values) t.Dispose();
                            throw new ArgumentException(error, nameof(parameter));
                        }
                        continue;
                    }
                    state[key] = new Tensor(h);
                }
                GC.KeepAlive(parameter);
                return state;
            }

            /// <summary>
            /// Replaces the optimizer's state for <paramref name="parameter"/> with copies of
            /// <paramref name="state"/> (converted to the parameter's type and device; shapes must equal
            /// the parameter's). An empty dictionary clears the state.
            /// </summary>
            public void SetState(Parameter parameter, IReadOnlyDictionary<string, Tensor> state)
            {
                ArgumentNullException.ThrowIfNull(parameter);
                ArgumentNullException.ThrowIfNull(state);
                ValidateState(parameter, state, "");
                IntPtr native = Native;
                Check(pg_optim_state_clear(native, parameter.Handle));
                foreach (string key in StateKeys)
                {
                    if (!state.TryGetValue(key, out Tensor? value)) continue;
                    if (pg_optim_state_set(native, parameter.Handle, key, value.Handle) < 0)
                        throw new ArgumentException(LastErrorMessage(), nameof(state));
                }
                GC.KeepAlive(parameter);
                GC.KeepAlive(state);
            }

            /// <summary>Checks keys and shapes before anything is written, so a bad state changes nothing.</summary>
            private void ValidateState(Parameter parameter, IReadOnlyDictionary<string, Tensor> state, string where)
            {
                string owner = GetType().Name;
                foreach (string key in state.Keys)
                {
                    if (Array.IndexOf(StateKeys, key) < 0)
                        throw new ArgumentException($"{where}unknown {owner} state entry '{key}'; expected {string.Join(", ", StateKeys.Select(k => $"'{k}'"))}", nameof(state));
                }
                if (state.Count > 0)
                {
                    foreach (string key in RequiredStateKeys)
                    {
                        if (!state.ContainsKey(key))
                            throw new ArgumentException($"{where}{owner} state needs {string.Join(", ", RequiredStateKeys.Select(k => $"'{k}'"))}; '{key}' is missing", nameof(state));
                    }
                }
                long[] shape = parameter.shape;
                foreach ((string key, Tensor value) in state)
                {
                    if (value is null) throw new ArgumentException($"{where}state entry '{key}' is null", nameof(state));
                    if (key == "step")
                    {
                        if (value.numel() != 1) throw new ArgumentException($"{where}state entry 'step' must hold one number, got shape [{string.Join(", ", value.shape)}]", nameof(state));
                        continue;
                    }
                    long[] s = value.shape;
                    if (!s.AsSpan().SequenceEqual(shape))
                        throw new ArgumentException($"{where}state entry '{key}' has shape [{string.Join(", ", s)}] but the parameter has shape [{string.Join(", ", shape)}]", nameof(state));
                }
            }

            private static string LastErrorMessage()
            {
                string message = Marshal.PtrToStringUTF8(pg_last_error()) ?? "";
                pg_clear_error();
                return message.Trim();
            }

            // ---- lifetime -------------------------------------------------------------------------

            public void Dispose()
            {
                Dispose(true);
                GC.SuppressFinalize(this);
            }

            ~Optimizer() => Dispose(false);

            protected virtual void Dispose(bool disposing)
            {
                IntPtr h = Interlocked.Exchange(ref _native, IntPtr.Zero);
                if (h != IntPtr.Zero) pg_optim_free(h);
            }
        }
    }
}
