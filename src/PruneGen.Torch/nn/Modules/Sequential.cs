using static PruneGen.Torch.torch;

namespace PruneGen.Torch.Modules
{
    /// <summary>
    /// Runs its children in order, each on the previous one's output. Unnamed children are registered
    /// as "0", "1", … as in PyTorch, so state dict keys read "0.weight", "1.running_mean", ….
    /// </summary>
    /// <remarks>
    /// Intermediate outputs are disposed as soon as the next child has consumed them (the input never
    /// is), so a child must return a new tensor, its input, or an alias, not a tensor it keeps.
    /// </remarks>
    public partial class Sequential : nn.Module<Tensor, Tensor>
    {
        private readonly List<nn.Module<Tensor, Tensor>> _layers = new();

        public Sequential(params (string name, nn.Module<Tensor, Tensor> submodule)[] modules) : base(nameof(Sequential))
        {
            foreach (var (n, m) in modules) Add(n, m);
        }

        public Sequential(params nn.Module<Tensor, Tensor>[] modules) : base(nameof(Sequential))
        {
            foreach (var m in modules) append(m);
        }

        public int Count => _layers.Count;

        public nn.Module<Tensor, Tensor> this[int index] => _layers[index];

        /// <summary>Adds a child at the end, named by its position.</summary>
        public Sequential append(nn.Module<Tensor, Tensor> module)
        {
            Add(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
            return this;
        }

        /// <summary>Adds a named child at the end.</summary>
        public Sequential append(string name, nn.Module<Tensor, Tensor> module)
        {
            Add(name, module);
            return this;
        }

        private void Add(string name, nn.Module<Tensor, Tensor> module)
        {
            register_module(name, module);
            _layers.Add(module);
        }

        public override Tensor forward(Tensor input)
        {
            if (_layers.Count == 0) return input.alias();
            Tensor x = _layers[0].call(input);
            for (int i = 1; i < _layers.Count; i++)
            {
                Tensor next = _layers[i].call(x);
                // Autograd keeps what backward needs; the managed handle of the intermediate can go now.
                if (!ReferenceEquals(next, x) && !ReferenceEquals(x, input)) x.Dispose();
                x = next;
            }
            return x;
        }
    }
}

namespace PruneGen.Torch
{
    using PruneGen.Torch.Modules;

    public static partial class torch
    {
        public static partial class nn
        {
            public static Sequential Sequential(params (string name, Module<Tensor, Tensor> submodule)[] modules) => new(modules);

            public static Sequential Sequential(params Module<Tensor, Tensor>[] modules) => new(modules);

            public static Sequential Sequential(IEnumerable<Module<Tensor, Tensor>> modules) => new(modules.ToArray());
        }
    }
}
