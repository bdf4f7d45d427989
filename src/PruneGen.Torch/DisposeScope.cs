namespace PruneGen.Torch;

public static partial class torch
{
    /// <summary>
    /// Collects every tensor created on this thread while it is the innermost scope and disposes
    /// them when it is disposed, except those moved out (<see cref="Tensor.MoveToOuterDisposeScope"/>)
    /// or detached. Scopes nest; a training step inside one releases all its temporaries at once.
    /// </summary>
    public sealed class DisposeScope : IDisposable
    {
        [ThreadStatic] private static DisposeScope? t_current;

        private readonly List<Tensor> _tensors = new();
        private bool _disposed;

        internal DisposeScope? Outer { get; }

        internal static DisposeScope? Current => t_current;

        internal DisposeScope()
        {
            Outer = t_current;
            t_current = this;
        }

        internal void Attach(Tensor tensor)
        {
            tensor.OwningScope = this;
            _tensors.Add(tensor);
        }

        /// <summary>Stops tracking a tensor. The list entry is skipped at dispose time (O(1) here).</summary>
        internal void Forget(Tensor tensor)
        {
            if (ReferenceEquals(tensor.OwningScope, this)) tensor.OwningScope = null;
        }

        /// <summary>Number of live tensors this scope will dispose.</summary>
        public int Count => _tensors.Count(t => ReferenceEquals(t.OwningScope, this) && !t.IsInvalid);

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            foreach (Tensor t in _tensors)
            {
                if (ReferenceEquals(t.OwningScope, this))
                {
                    t.OwningScope = null;
                    t.Dispose();
                }
            }
            _tensors.Clear();
            // Scopes must be disposed innermost first; restore the enclosing one.
            if (ReferenceEquals(t_current, this)) t_current = Outer;
        }
    }

    /// <summary>Opens a dispose scope on this thread (use with <c>using</c>).</summary>
    public static DisposeScope NewDisposeScope() => new();
}
