using static PruneGen.Torch.torch;

namespace PruneGen.Torch.Modules
{
    /// <summary>2-D max pooling; the stride defaults to the kernel size.</summary>
    public partial class MaxPool2d : nn.Module<Tensor, Tensor>
    {
        public MaxPool2d(long[] kernel_size, long[]? stride = null, long[]? padding = null, long[]? dilation = null, bool ceil_mode = false)
            : base(nameof(MaxPool2d))
        {
            ArgumentNullException.ThrowIfNull(kernel_size);
            this.kernel_size = kernel_size;
            this.stride = stride ?? kernel_size;
            this.padding = padding ?? [0];
            this.dilation = dilation ?? [1];
            this.ceil_mode = ceil_mode;
            nn.functional.CheckSpatial(this.kernel_size, nameof(kernel_size), minimum: 1);
            nn.functional.CheckSpatial(this.stride, nameof(stride), minimum: 1);
            nn.functional.CheckSpatial(this.padding, nameof(padding), minimum: 0);
            nn.functional.CheckSpatial(this.dilation, nameof(dilation), minimum: 1);
        }

        public long[] kernel_size { get; }
        public long[] stride { get; }
        public long[] padding { get; }
        public long[] dilation { get; }
        public bool ceil_mode { get; }

        public override Tensor forward(Tensor input) => nn.functional.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode);
    }

    /// <summary>2-D average pooling; the stride defaults to the kernel size.</summary>
    public partial class AvgPool2d : nn.Module<Tensor, Tensor>
    {
        public AvgPool2d(long[] kernel_size, long[]? stride = null, long[]? padding = null, bool ceil_mode = false,
            bool count_include_pad = true, long? divisor_override = null)
            : base(nameof(AvgPool2d))
        {
            ArgumentNullException.ThrowIfNull(kernel_size);
            this.kernel_size = kernel_size;
            this.stride = stride ?? kernel_size;
            this.padding = padding ?? [0];
            this.ceil_mode = ceil_mode;
            this.count_include_pad = count_include_pad;
            this.divisor_override = divisor_override;
            nn.functional.CheckSpatial(this.kernel_size, nameof(kernel_size), minimum: 1);
            nn.functional.CheckSpatial(this.stride, nameof(stride), minimum: 1);
            nn.functional.CheckSpatial(this.padding, nameof(padding), minimum: 0);
            if (divisor_override is <= 0)
                throw new ArgumentOutOfRangeException(nameof(divisor_override), divisor_override, "divisor_override must be positive");
        }

        public long[] kernel_size { get; }
        public long[] stride { get; }
        public long[] padding { get; }
        public bool ceil_mode { get; }
        public bool count_include_pad { get; }
        public long? divisor_override { get; }

        public override Tensor forward(Tensor input) =>
            nn.functional.avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override);
    }

    /// <summary>Average pooling to a fixed output size (H, W); (1, 1) is global average pooling.</summary>
    public partial class AdaptiveAvgPool2d : nn.Module<Tensor, Tensor>
    {
        public AdaptiveAvgPool2d(long[] output_size) : base(nameof(AdaptiveAvgPool2d))
        {
            ArgumentNullException.ThrowIfNull(output_size);
            nn.functional.CheckSpatial(output_size, nameof(output_size), minimum: 1);
            this.output_size = output_size;
        }

        public long[] output_size { get; }

        public override Tensor forward(Tensor input) => nn.functional.adaptive_avg_pool2d(input, output_size);
    }
}

namespace PruneGen.Torch
{
    using PruneGen.Torch.Modules;

    public static partial class torch
    {
        public static partial class nn
        {
            public static MaxPool2d MaxPool2d(long kernel_size, long? stride = null, long? padding = null, long? dilation = null, bool ceil_mode = false) =>
                new([kernel_size], stride is { } s ? [s] : null, [padding ?? 0], [dilation ?? 1], ceil_mode);

            public static MaxPool2d MaxPool2d((long, long) kernel_size, (long, long)? stride = null, (long, long)? padding = null,
                (long, long)? dilation = null, bool ceil_mode = false) =>
                new([kernel_size.Item1, kernel_size.Item2], stride is { } s ? [s.Item1, s.Item2] : null,
                    padding is { } p ? [p.Item1, p.Item2] : null, dilation is { } d ? [d.Item1, d.Item2] : null, ceil_mode);

            public static MaxPool2d MaxPool2d(long[] kernel_size, long[]? stride = null, long[]? padding = null, long[]? dilation = null, bool ceil_mode = false) =>
                new(kernel_size, stride, padding, dilation, ceil_mode);

            public static AvgPool2d AvgPool2d(long kernel_size, long? stride = null, long padding = 0, bool ceil_mode = false,
                bool count_include_pad = true, long? divisor_override = null) =>
                new([kernel_size], stride is { } s ? [s] : null, [padding], ceil_mode, count_include_pad, divisor_override);

            public static AvgPool2d AvgPool2d((long, long) kernel_size, (long, long)? stride = null, (long, long)? padding = null,
                bool ceil_mode = false, bool count_include_pad = true, long? divisor_override = null) =>
                new([kernel_size.Item1, kernel_size.Item2], stride is { } s ? [s.Item1, s.Item2] : null,
                    padding is { } p ? [p.Item1, p.Item2] : null, ceil_mode, count_include_pad, divisor_override);

            public static AvgPool2d AvgPool2d(long[] kernel_size, long[]? stride = null, long[]? padding = null, bool ceil_mode = false,
                bool count_include_pad = true, long? divisor_override = null) =>
                new(kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override);

            public static AdaptiveAvgPool2d AdaptiveAvgPool2d(long output_size) => new([output_size, output_size]);

            public static AdaptiveAvgPool2d AdaptiveAvgPool2d((long, long) output_size) => new([output_size.Item1, output_size.Item2]);

            public static AdaptiveAvgPool2d AdaptiveAvgPool2d(long[] output_size) => new(output_size);
        }
    }
}
