using static PruneGen.Torch.torch;

namespace PruneGen.Torch.Modules
{
    /// <summary>
    /// 2-D convolution layer. Parameters: weight (out, in / groups, kH, kW) and optional bias (out),
    /// initialised as PyTorch does: kaiming_uniform_(a = √5) for the weight, U(−1/√fan_in, 1/√fan_in)
    /// for the bias.
    /// </summary>
    public partial class Conv2d : nn.Module<Tensor, Tensor>
    {
        private nn.Parameter _weight;
        private nn.Parameter? _bias;
        // The geometry as the functional op takes it, built once rather than on every forward.
        private readonly long[] _stride, _padding, _dilation;

        public Conv2d(long in_channels, long out_channels, (long, long) kernel_size, (long, long) stride, (long, long) padding,
            (long, long) dilation, long groups = 1, bool bias = true, Device? device = null, ScalarType? dtype = null)
            : base(nameof(Conv2d))
        {
            ModuleTensors.CheckPositive(in_channels, nameof(in_channels));
            ModuleTensors.CheckPositive(out_channels, nameof(out_channels));
            ModuleTensors.CheckPositive(groups, nameof(groups));
            if (in_channels % groups != 0) throw new ArgumentException($"in_channels ({in_channels}) must be divisible by groups ({groups})");
            if (out_channels % groups != 0) throw new ArgumentException($"out_channels ({out_channels}) must be divisible by groups ({groups})");
            ModuleTensors.CheckPositive(kernel_size.Item1, nameof(kernel_size));
            ModuleTensors.CheckPositive(kernel_size.Item2, nameof(kernel_size));
            ModuleTensors.CheckPositive(stride.Item1, nameof(stride));
            ModuleTensors.CheckPositive(stride.Item2, nameof(stride));
            ModuleTensors.CheckPositive(dilation.Item1, nameof(dilation));
            ModuleTensors.CheckPositive(dilation.Item2, nameof(dilation));
            if (padding.Item1 < 0 || padding.Item2 < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, "padding must be non-negative");

            this.in_channels = in_channels;
            this.out_channels = out_channels;
            this.kernel_size = kernel_size;
            this.stride = stride;
            this.padding = padding;
            this.dilation = dilation;
            this.groups = groups;
            _stride = [stride.Item1, stride.Item2];
            _padding = [padding.Item1, padding.Item2];
            _dilation = [dilation.Item1, dilation.Item2];

            // PyTorch's reset_parameters: bound 1/√fan_in for both weight (via kaiming a = √5) and bias.
            _weight = ModuleTensors.NewParameter([out_channels, in_channels / groups, kernel_size.Item1, kernel_size.Item2], device, dtype,
                w => nn.init.kaiming_uniform_(w, a: Math.Sqrt(5)));
            register_parameter("weight", _weight);
            if (bias)
            {
                double bound = 1 / Math.Sqrt(in_channels / groups * kernel_size.Item1 * kernel_size.Item2);
                _bias = ModuleTensors.NewParameter([out_channels], device, dtype, b => nn.init.uniform_(b, -bound, bound));
                register_parameter("bias", _bias);
            }
        }

        public long in_channels { get; }
        public long out_channels { get; }
        public (long, long) kernel_size { get; }
        public (long, long) stride { get; }
        public (long, long) padding { get; }
        public (long, long) dilation { get; }
        public long groups { get; }

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
            set
            {
                ConditionallyRegisterParameter(nameof(bias), value);
                _bias = value;
            }
        }

        public override Tensor forward(Tensor input) =>
            nn.functional.conv2d(input, _weight, _bias, _stride, _padding, _dilation, groups);
    }
}

namespace PruneGen.Torch
{
    using PruneGen.Torch.Modules;

    public static partial class torch
    {
        public static partial class nn
        {
            /// <summary>Padding modes of convolutions; only zero padding is implemented.</summary>
            public enum PaddingModes
            {
                Zeros = 0,
                Reflect = 1,
                Replicate = 2,
                Circular = 3,
            }

            /// <summary>A 2-D convolution layer with a square kernel (TorchSharp's signature).</summary>
            public static Conv2d Conv2d(long in_channels, long out_channels, long kernelSize, long stride = 1, long padding = 0,
                long dilation = 1, PaddingModes padding_mode = PaddingModes.Zeros, long groups = 1, bool bias = true,
                Device? device = null, ScalarType? dtype = null)
            {
                CheckPaddingMode(padding_mode);
                return new Conv2d(in_channels, out_channels, (kernelSize, kernelSize), (stride, stride), (padding, padding),
                    (dilation, dilation), groups, bias, device, dtype);
            }

            /// <summary>A 2-D convolution layer with a rectangular kernel.</summary>
            public static Conv2d Conv2d(long in_channels, long out_channels, (long, long) kernelSize, (long, long)? stride = null,
                (long, long)? padding = null, (long, long)? dilation = null, PaddingModes padding_mode = PaddingModes.Zeros,
                long groups = 1, bool bias = true, Device? device = null, ScalarType? dtype = null)
            {
                CheckPaddingMode(padding_mode);
                return new Conv2d(in_channels, out_channels, kernelSize, stride ?? (1, 1), padding ?? (0, 0), dilation ?? (1, 1),
                    groups, bias, device, dtype);
            }

            private static void CheckPaddingMode(PaddingModes mode)
            {
                if (mode != PaddingModes.Zeros)
                    throw new NotSupportedException($"padding mode {mode} is not implemented; only Zeros is");
            }
        }
    }
}
