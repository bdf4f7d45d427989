using static PruneGen.Torch.torch;

namespace PruneGen.Torch.Modules
{
    /// <summary>
    /// Fully connected layer y = x Wᵀ + b with weight (out, in) and optional bias (out), initialised as
    /// PyTorch does (both U(−1/√in, 1/√in)).
    /// </summary>
    public partial class Linear : nn.Module<Tensor, Tensor>
    {
        private nn.Parameter _weight;
        private nn.Parameter? _bias;

        public Linear(long in_features, long out_features, bool hasBias = true, Device? device = null, ScalarType? dtype = null)
            : base(nameof(Linear))
        {
            ModuleTensors.CheckPositive(in_features, nameof(in_features));
            ModuleTensors.CheckPositive(out_features, nameof(out_features));
            this.in_features = in_features;
            this.out_features = out_features;
            _weight = ModuleTensors.NewParameter([out_features, in_features], device, dtype,
                w => nn.init.kaiming_uniform_(w, a: Math.Sqrt(5)));
            register_parameter("weight", _weight);
            if (hasBias)
            {
                double bound = 1 / Math.Sqrt(in_features);
                _bias = ModuleTensors.NewParameter([out_features], device, dtype, b => nn.init.uniform_(b, -bound, bound));
                register_parameter("bias", _bias);
            }
        }

        public long in_features { get; }
        public long out_features { get; }

        public nn.Parameter weight
        {
            get => _weight;
            set
            {
                ArgumentNullException.ThrowIfNull(value, nameof(weight));
                ConditionallyRegisterParameter(nameof(weight), value);
                _weight = value;
            }
        }

        public nn.Parameter? bias
        {
            get => _bias;
            set { ConditionallyRegisterParameter(nameof(bias), value); _bias = value; }
        }

        public override Tensor forward(Tensor input) => nn.functional.linear(input, _weight, _bias);
    }
}

namespace PruneGen.Torch
{
    using PruneGen.Torch.Modules;

    public static partial class torch
    {
        public static partial class nn
        {
            public static Linear Linear(long inputSize, long outputSize, bool hasBias = true, Device? device = null, ScalarType? dtype = null) =>
                new(inputSize, outputSize, hasBias, device, dtype);
        }
    }
}
