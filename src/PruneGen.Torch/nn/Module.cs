using static PruneGen.Torch.Native.NativeMethods;

namespace PruneGen.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>
        /// Base class of every network module: owns named parameters, buffers and child modules,
        /// registered explicitly (no reflection), and exposes them with PyTorch's dotted names
        /// ("features.0.weight") so state dicts line up with PyTorch checkpoints.
        /// </summary>
        /// <remarks>
        /// Partial and unsealed: other files add members (serialization, gates). A module owns what is
        /// registered in it; <see cref="Dispose()"/> releases it, children included. Conversions
        /// (<c>to(...)</c>) change the data of parameters in place, so references held elsewhere
        /// (optimizers) stay valid.
        /// </remarks>
        public partial class Module : IDisposable
        {
            // Insertion-ordered, as PyTorch's OrderedDicts; the order defines state_dict order.
            private readonly OrderedDictionary<string, Parameter> _parameters = new(StringComparer.Ordinal);
            private readonly OrderedDictionary<string, Tensor> _buffers = new(StringComparer.Ordinal);
            private readonly HashSet<string> _nonPersistentBuffers = new(StringComparer.Ordinal);
            private readonly OrderedDictionary<string, Module> _modules = new(StringComparer.Ordinal);
            private bool _training = true;
            private bool _disposed;

            /// <summary>The module's type name, for messages (e.g. "Conv2d").</summary>
            protected string name;

            protected Module(string name)
            {
                ArgumentNullException.ThrowIfNull(name);
                this.name = name;
            }

            public virtual string GetName() => name;

            // ---- registration ---------------------------------------------------------------------

            /// <summary>Adds a parameter under <paramref name="name"/>; the module then owns it.</summary>
            public virtual void register_parameter(string name, Parameter param)
            {
                ArgumentNullException.ThrowIfNull(param);
                CheckNewName(name, "parameter");
                _parameters.Add(name, param);
            }

            /// <summary>
            /// Adds a buffer (state that is not trained, e.g. BatchNorm's running mean); the module then
            /// owns it and takes it out of any dispose scope. Non-persistent buffers are left out of
            /// <see cref="state_dict"/>.
            /// </summary>
            public virtual void register_buffer(string name, Tensor tensor, bool persistent = true)
            {
                ArgumentNullException.ThrowIfNull(tensor);
                CheckNewName(name, "buffer");
                _buffers.Add(name, tensor.DetachFromDisposeScope());
                if (!persistent) _nonPersistentBuffers.Add(name);
            }

            /// <summary>Adds a child module; its members appear under "<paramref name="name"/>.".</summary>
            public virtual void register_module(string name, Module submodule)
            {
                ArgumentNullException.ThrowIfNull(submodule);
                if (ReferenceEquals(submodule, this)) throw new ArgumentException($"module '{name}' cannot be registered as a child of itself", nameof(submodule));
                CheckNewName(name, "module");
                _modules.Add(name, submodule);
            }

            /// <summary>Alias of <see cref="register_module"/>.</summary>
            public void add_module(string name, Module module) => register_module(name, module);

            /// <summary>
            /// Replaces (or, with null, removes) the parameter <paramref name="name"/>, registering it if
            /// it is new. A plain tensor is wrapped in a new <see cref="Parameter"/>. The old parameter
            /// is not disposed: whoever replaces it decides its fate.
            /// </summary>
            protected void ConditionallyRegisterParameter(string name, Tensor? value)
            {
                if (value is null)
                {
                    _parameters.Remove(name);
                    return;
                }
                Parameter p = value as Parameter ?? new Parameter(value);
                if (_parameters.ContainsKey(name)) _parameters[name] = p;
                else register_parameter(name, p);
            }

            /// <summary>Replaces (or, with null, removes) the buffer <paramref name="name"/>, registering it if it is new.</summary>
            protected void ConditionallyRegisterBuffer(string name, Tensor? value, bool persistent = true)
            {
                if (value is null)
                {
                    _buffers.Remove(name);
                    _nonPersistentBuffers.Remove(name);
                    return;
                }
                if (_buffers.ContainsKey(name))
                {
                    _buffers[name] = value.DetachFromDisposeScope();
                    if (persistent) _nonPersistentBuffers.Remove(name);
                    else _nonPersistentBuffers.Add(name);
                }
                else register_buffer(name, value, persistent);
            }

            private void CheckNewName(string name, string kind)
            {
                ArgumentNullException.ThrowIfNull(name);
                if (name.Length == 0) throw new ArgumentException($"{kind} name can't be empty", nameof(name));
                if (name.Contains('.')) throw new ArgumentException($"{kind} name can't contain \".\", got: {name}", nameof(name));
                if (_parameters.ContainsKey(name) || _buffers.ContainsKey(name) || _modules.ContainsKey(name))
                    throw new InvalidOperationException($"{GetName()} already has a member named '{name}'; cannot register a {kind} with that name");
            }

            // ---- enumeration ----------------------------------------------------------------------

            /// <summary>
            /// Parameters with dotted names, depth-first in registration order (own parameters before
            /// the children's). A parameter shared by several modules is listed once, under its first name.
            /// </summary>
            public virtual IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true)
            {
                var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
                foreach (var (prefix, module) in SelfAndDescendants(recurse))
                    foreach (var (n, p) in module._parameters)
                        if (seen.Add(p)) yield return (Join(prefix, n), p);
            }

            public virtual IEnumerable<Parameter> parameters(bool recurse = true)
            {
                foreach (var (_, p) in named_parameters(recurse)) yield return p;
            }

            /// <summary>Buffers with dotted names (persistent and non-persistent), in the order of <see cref="named_parameters"/>.</summary>
            public virtual IEnumerable<(string name, Tensor buffer)> named_buffers(bool recurse = true)
            {
                var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
                foreach (var (prefix, module) in SelfAndDescendants(recurse))
                    foreach (var (n, b) in module._buffers)
                        if (seen.Add(b)) yield return (Join(prefix, n), b);
            }

            public virtual IEnumerable<Tensor> buffers(bool recurse = true)
            {
                foreach (var (_, b) in named_buffers(recurse)) yield return b;
            }

            /// <summary>Direct children with their registration names.</summary>
            public virtual IEnumerable<(string name, Module module)> named_children()
            {
                foreach (var (n, m) in _modules) yield return (n, m);
            }

            public virtual IEnumerable<Module> children()
            {
                foreach (var (_, m) in _modules) yield return m;
            }

            /// <summary>
            /// Every descendant with its dotted name, depth-first pre-order as PyTorch lists them.
            /// Unlike PyTorch (and like TorchSharp) the module itself is not included.
            /// </summary>
            public virtual IEnumerable<(string name, Module module)> named_modules()
            {
                foreach (var (prefix, module) in SelfAndDescendants(recurse: true))
                    if (!ReferenceEquals(module, this)) yield return (prefix, module);
            }

            public virtual IEnumerable<Module> modules()
            {
                foreach (var (_, m) in named_modules()) yield return m;
            }

            /// <summary>The parameter at a dotted path ("layer1.0.weight"), or null if there is none.</summary>
            public virtual Parameter? get_parameter(string target) =>
                Resolve(target, out string last) is { } owner && owner._parameters.TryGetValue(last, out var p) ? p : null;

            /// <summary>The buffer at a dotted path, or null if there is none.</summary>
            public virtual Tensor? get_buffer(string target) =>
                Resolve(target, out string last) is { } owner && owner._buffers.TryGetValue(last, out var b) ? b : null;

            /// <summary>The descendant at a dotted path, or null if there is none.</summary>
            public virtual Module? get_submodule(string target) =>
                Resolve(target, out string last) is { } owner && owner._modules.TryGetValue(last, out var m) ? m : null;

            public virtual bool has_parameter(string target) => get_parameter(target) is not null;
            public virtual bool has_buffer(string target) => get_buffer(target) is not null;

            // Walks all but the last segment of a dotted path through registered children.
            private Module? Resolve(string target, out string last)
            {
                ArgumentNullException.ThrowIfNull(target);
                string[] parts = target.Split('.');
                last = parts[^1];
                Module current = this;
                for (int i = 0; i < parts.Length - 1; i++)
                    if (!current._modules.TryGetValue(parts[i], out current!)) return null;
                return current;
            }

            // Depth-first pre-order walk with dotted prefixes; each module instance once.
            private IEnumerable<(string prefix, Module module)> SelfAndDescendants(bool recurse)
            {
                yield return ("", this);
                if (!recurse) yield break;
                var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance) { this };
                var stack = new Stack<(string, Module)>();
                PushChildren(stack, "", this);
                while (stack.Count > 0)
                {
                    var (prefix, module) = stack.Pop();
                    if (!seen.Add(module)) continue;
                    yield return (prefix, module);
                    PushChildren(stack, prefix, module);
                }
            }

            private static void PushChildren(Stack<(string, Module)> stack, string prefix, Module module)
            {
                // Reverse so that the first registered child is visited first.
                for (int i = module._modules.Count - 1; i >= 0; i--)
                {
                    var (n, child) = module._modules.GetAt(i);
                    stack.Push((Join(prefix, n), child));
                }
            }

            private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

            // ---- state dict -----------------------------------------------------------------------

            /// <summary>
            /// Parameters and persistent buffers by dotted name. The values are the module's own tensors
            /// (not copies): do not dispose them.
            /// </summary>
            public virtual Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null, string? prefix = null)
            {
                destination ??= new Dictionary<string, Tensor>(StringComparer.Ordinal);
                string root = string.IsNullOrEmpty(prefix) ? "" : prefix;
                var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
                foreach (var (modulePrefix, module) in SelfAndDescendants(recurse: true))
                {
                    string p = Join(root, modulePrefix);
                    foreach (var (n, t) in module._parameters)
                        if (seen.Add(t)) destination.TryAdd(Join(p, n), t);
                    foreach (var (n, t) in module._buffers)
                        if (!module._nonPersistentBuffers.Contains(n) && seen.Add(t)) destination.TryAdd(Join(p, n), t);
                }
                return destination;
            }

            /// <summary>
            /// Copies tensors from <paramref name="source"/> into the parameters and persistent buffers of
            /// the same name. Every entry is checked before anything is copied: a shape or dtype mismatch
            /// always fails, and with <paramref name="strict"/> so does a missing or unexpected key; the
            /// exception names the offending keys. Keys in <paramref name="skip"/> are ignored.
            /// </summary>
            /// <returns>The keys the module has but the source lacks, and the source keys the module lacks.</returns>
            public virtual (IList<string> missing_keys, IList<string> unexpected_keys) load_state_dict(
                Dictionary<string, Tensor> source, bool strict = true, IList<string>? skip = null)
            {
                ArgumentNullException.ThrowIfNull(source);
                Dictionary<string, Tensor> destination = state_dict();
                bool Skipped(string key) => skip is not null && skip.Contains(key);

                var missing = destination.Keys.Where(k => !Skipped(k) && !source.ContainsKey(k)).ToList();
                var unexpected = source.Keys.Where(k => !Skipped(k) && !destination.ContainsKey(k)).ToList();
                var errors = new List<string>();
                if (strict && missing.Count > 0) errors.Add("missing key(s) in state_dict: " + string.Join(", ", missing.Select(k => $"\"{k}\"")));
                if (strict && unexpected.Count > 0) errors.Add("unexpected key(s) in state_dict: " + string.Join(", ", unexpected.Select(k => $"\"{k}\"")));

                var copies = new List<(Tensor to, Tensor from)>();
                foreach (var (key, target) in destination)
                {
                    if (Skipped(key) || !source.TryGetValue(key, out Tensor? value)) continue;
                    ArgumentNullException.ThrowIfNull(value, $"state_dict[\"{key}\"]");
                    long[] want = target.shape, got = value.shape;
                    if (!want.AsSpan().SequenceEqual(got))
                        errors.Add($"size mismatch for \"{key}\": the checkpoint has shape [{string.Join(", ", got)}], the module has [{string.Join(", ", want)}]");
                    else if (value.dtype != target.dtype)
                        errors.Add($"dtype mismatch for \"{key}\": the checkpoint has {value.dtype}, the module has {target.dtype}");
                    else
                        copies.Add((target, value));
                }
                if (errors.Count > 0)
                    throw new ArgumentException($"Error(s) in loading state_dict for {GetName()}: " + string.Join("; ", errors), nameof(source));

                using (no_grad())
                    foreach (var (to, from) in copies) to.copy_(from);
                return (missing, unexpected);
            }

            // ---- modes and gradients --------------------------------------------------------------

            /// <summary>True in training mode (the default), false after <see cref="eval"/>.</summary>
            public virtual bool training => _training;

            /// <summary>Sets training (true) or evaluation (false) mode on this module and every descendant.</summary>
            public virtual void train(bool train = true)
            {
                _training = train;
                foreach (var (_, m) in _modules) m.train(train);
            }

            public virtual void eval() => train(false);

            /// <summary>Drops the gradients of all parameters (set_to_none, PyTorch's default) or zeroes them in place.</summary>
            public virtual void zero_grad(bool set_to_none = true)
            {
                foreach (var p in parameters())
                {
                    if (set_to_none)
                    {
                        p.zero_grad();
                        continue;
                    }
                    using Tensor? g = p.grad;
                    if (g is not null) init.zeros_(g);
                }
            }

            /// <summary>Calls <paramref name="fn"/> on every descendant (children first) and then on this module.</summary>
            public virtual Module apply(Action<Module> fn)
            {
                ArgumentNullException.ThrowIfNull(fn);
                foreach (var (_, m) in _modules) m.apply(fn);
                fn(this);
                return this;
            }

            // ---- conversions (public entry points: ModuleExtensionMethods.to) ---------------------

            /// <summary>Moves every parameter and buffer to <paramref name="device"/> and converts floating-point ones to <paramref name="dtype"/>.</summary>
            protected internal virtual Module _to(Device device, ScalarType dtype) => Convert(dtype, device, null);

            protected internal virtual Module _to(DeviceType deviceType, int deviceIndex = -1) =>
                Convert(null, new Device(deviceType, deviceIndex), null);

            /// <summary>Converts floating-point parameters and buffers to <paramref name="dtype"/>; integer buffers (counters) keep theirs, as in PyTorch.</summary>
            protected internal virtual Module _to(ScalarType dtype) => Convert(dtype, null, null);

            /// <summary>Lays out every 4-D parameter and buffer (conv weights) in <paramref name="memoryFormat"/>.</summary>
            protected internal virtual Module _to(MemoryFormat memoryFormat) => Convert(null, null, memoryFormat);

            private Module Convert(ScalarType? dtype, Device? device, MemoryFormat? memoryFormat)
            {
                if (dtype is { } t && !IsFloatingPoint(t))
                    throw new ArgumentException($"modules can only be converted to floating-point types, not {t}", nameof(dtype));
                if (device is { type: DeviceType.CUDA } && !cuda.is_available())
                    throw new InvalidOperationException($"cannot move {GetName()} to {device}: CUDA is not available");
                if (memoryFormat == MemoryFormat.Preserve)
                    throw new ArgumentException("Preserve is not a target memory format", nameof(memoryFormat));
                var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
                foreach (var (_, module) in SelfAndDescendants(recurse: true))
                {
                    foreach (var (_, p) in module._parameters) ConvertOne(p);
                    foreach (var (_, b) in module._buffers) ConvertOne(b);
                }
                return this;

                void ConvertOne(Tensor tensor)
                {
                    if (!seen.Add(tensor)) return;
                    // Integer tensors (num_batches_tracked) move between devices but keep their type.
                    int typeCode = dtype is { } d && IsFloatingPoint(tensor.dtype) ? (int)d : -1;
                    Check(pg_nn_convert_in_place(tensor.Handle, typeCode, device is null ? -1 : (int)device.type,
                        device?.index ?? -1, memoryFormat is { } f ? (int)f : -1));
                }
            }

            private static bool IsFloatingPoint(ScalarType t) =>
                t is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64;

            // ---- lifetime ---------------------------------------------------------------------------

            /// <summary>Releases the native memory of every parameter and buffer of this module and its descendants.</summary>
            public void Dispose()
            {
                Dispose(true);
                GC.SuppressFinalize(this);
            }

            protected virtual void Dispose(bool disposing)
            {
                if (_disposed || !disposing) return;
                _disposed = true;
                foreach (var (_, p) in _parameters) p.Dispose();
                foreach (var (_, b) in _buffers) b.Dispose();
                foreach (var (_, m) in _modules) m.Dispose();
            }

            public override string ToString() => GetName();
        }

        /// <summary>A module whose forward takes one argument (TorchSharp's IModule).</summary>
        public interface IModule<T, TResult>
        {
            TResult call(T input1);
        }

        /// <summary>Base class of modules with a single-argument forward, e.g. <c>Module&lt;Tensor, Tensor&gt;</c>.</summary>
        public abstract partial class Module<T, TResult> : Module, IModule<T, TResult>
        {
            // Null until the first hook is registered, so call() costs nothing extra without hooks.
            private List<(object key, Func<Module<T, TResult>, T, T>)>? _preHooks;
            private List<(object key, Func<Module<T, TResult>, T, TResult, TResult>)>? _postHooks;

            protected Module(string name) : base(name) { }

            /// <summary>The computation; override it. Callers should use <see cref="call"/>, which also runs hooks.</summary>
            public abstract TResult forward(T input);

            /// <summary>Runs the forward pre-hooks, <see cref="forward"/>, then the forward hooks.</summary>
            public TResult call(T input)
            {
                if (_preHooks is null && _postHooks is null) return forward(input);
                if (_preHooks is not null)
                    foreach (var (_, hook) in _preHooks.ToArray()) input = hook(this, input) ?? input;
                TResult result = forward(input);
                if (_postHooks is not null)
                    foreach (var (_, hook) in _postHooks.ToArray()) result = hook(this, input, result) ?? result;
                return result;
            }

            /// <summary>
            /// Registers <paramref name="hook"/> to run before forward; a non-null return value replaces
            /// the input (e.g. for masking). Returns a handle whose <c>remove()</c> unregisters it.
            /// </summary>
            public HookRemover register_forward_pre_hook(Func<Module<T, TResult>, T, T> hook)
            {
                ArgumentNullException.ThrowIfNull(hook);
                object key = new();
                (_preHooks ??= new()).Add((key, hook));
                return new HookRemover(() => _preHooks.RemoveAll(h => h.key == key));
            }

            /// <summary>
            /// Registers <paramref name="hook"/> to run after forward with the input and output; a non-null
            /// return value replaces the output (e.g. to capture features at a cut point).
            /// </summary>
            public HookRemover register_forward_hook(Func<Module<T, TResult>, T, TResult, TResult> hook)
            {
                ArgumentNullException.ThrowIfNull(hook);
                object key = new();
                (_postHooks ??= new()).Add((key, hook));
                return new HookRemover(() => _postHooks.RemoveAll(h => h.key == key));
            }
        }

        /// <summary>Unregisters a forward hook (PyTorch's RemovableHandle).</summary>
        public sealed class HookRemover
        {
            private Action? _remove;

            internal HookRemover(Action remove) => _remove = remove;

            public void remove()
            {
                _remove?.Invoke();
                _remove = null;
            }
        }
    }
}
