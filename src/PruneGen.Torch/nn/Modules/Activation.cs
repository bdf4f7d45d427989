using static PruneGen.Torch.torch;

namespace PruneGen.Torch.Modules
{
    /// <summary>max(x, 0), optionally in place.</summary>
    public partial class ReLU : nn.Module<Tensor, Tensor>
    {
        public ReLU(bool inplace = false) : base(nameof(ReLU)) => this.inplace = inplace;

        public bool inplace { get; }

        public override Tensor forward(Tensor input) => nn.functional.relu(input, inplace);
    }

    /// <summary>Zeroes elements with probability p and rescales the rest in training mode; the identity in evaluation mode.</summary>
    public partial class Dropout : nn.Module<Tensor, Tensor>
    {
        public Dropout(double p = 0.5, bool inplace = false) : base(nameof(Dropout))
        {
            if (p is < 0 or > 1 || double.IsNaN(p))
                throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be between 0 and 1");
            this.p = p;
            this.inplace = inplace;
        }

        public double p { get; }
        public bool inplace { get; }

        public override Tensor forward(Tensor input) => nn.functional.dropout(input, p, training, inplace);
    }

    /// <summary>Returns its input (as a new handle to the same tensor).</summary>
    public partial class Identity : nn.Module<Tensor, Tensor>
    {
        public Identity() : base(nameof(Identity)) { }

        public override Tensor forward(Tensor input) => input.alias();
    }

    /// <summary>Flattens dimensions start_dim..end_dim into one (by default all but the batch dimension).</summary>
    public partial class Flatten : nn.Module<Tensor, Tensor>
    {
        public Flatten(long start_dim = 1, long end_dim = -1) : base(nameof(Flatten))
        {
            this.start_dim = start_dim;
            this.end_dim = end_dim;
        }

        public long start_dim { get; }
        public long end_dim { get; }

        public override Tensor forward(Tensor input) => input.flatten(start_dim, end_dim);
    }
}

namespace PruneGen.Torch
{
    using PruneGen.Torch.Modules;

    public static partial class torch
    {
        public static partial class nn
        {
            public static ReLU ReLU(bool inplace = false) => new(inplace);
            public static Dropout Dropout(double p = 0.5, bool inplace = false) => new(p, inplace);
            public static Identity Identity() => new();
            public static Flatten Flatten(long startDim = 1, long endDim = -1) => new(startDim, endDim);
        }
    }
}
