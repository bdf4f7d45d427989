using static PruneGen.Torch.Native.NativeMethods;

namespace PruneGen.Torch;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class functional
        {
            /// <summary>
            /// 2-D max pooling. The stride defaults to the kernel size (as in PyTorch). A channels_last
            /// input keeps its layout.
            /// </summary>
            public static unsafe Tensor max_pool2d(Tensor input, long[] kernel_size, long[]? stride = null,
                long[]? padding = null, long[]? dilation = null, bool ceil_mode = false)
            {
                ArgumentNullException.ThrowIfNull(kernel_size);
                stride ??= [];
                padding ??= [0];
                dilation ??= [1];
                CheckSpatial(kernel_size, nameof(kernel_size), minimum: 1);
                if (stride.Length > 0) CheckSpatial(stride, nameof(stride), minimum: 1);
                CheckSpatial(padding, nameof(padding), minimum: 0);
                CheckSpatial(dilation, nameof(dilation), minimum: 1);
                fixed (long* k = kernel_size, s = stride, p = padding, d = dilation)
                    return Tensor.Result(pg_nn_max_pool2d(input.Handle, k, kernel_size.Length, s, stride.Length,
                        p, padding.Length, d, dilation.Length, ceil_mode ? 1 : 0), input);
            }

            public static Tensor max_pool2d(Tensor input, long kernel_size, long? stride = null,
                long? padding = null, long? dilation = null, bool ceil_mode = false) =>
                max_pool2d(input, [kernel_size], stride is { } s ? [s] : null, [padding ?? 0], [dilation ?? 1], ceil_mode);

            /// <summary>2-D average pooling; the stride defaults to the kernel size. A channels_last input keeps its layout.</summary>
            public static unsafe Tensor avg_pool2d(Tensor input, long[] kernel_size, long[]? stride = null,
                long[]? padding = null, bool ceil_mode = false, bool count_include_pad = true, long? divisor_override = null)
            {
                ArgumentNullException.ThrowIfNull(kernel_size);
                stride ??= [];
                padding ??= [0];
                CheckSpatial(kernel_size, nameof(kernel_size), minimum: 1);
                if (stride.Length > 0) CheckSpatial(stride, nameof(stride), minimum: 1);
                CheckSpatial(padding, nameof(padding), minimum: 0);
                if (divisor_override is <= 0)
                    throw new ArgumentOutOfRangeException(nameof(divisor_override), divisor_override, "divisor_override must be positive");
                fixed (long* k = kernel_size, s = stride, p = padding)
                    return Tensor.Result(pg_nn_avg_pool2d(input.Handle, k, kernel_size.Length, s, stride.Length, p, padding.Length,
                        ceil_mode ? 1 : 0, count_include_pad ? 1 : 0, divisor_override ?? 0), input);
            }

            public static Tensor avg_pool2d(Tensor input, long kernel_size, long? stride = null, long padding = 0,
                bool ceil_mode = false, bool count_include_pad = true, long? divisor_override = null) =>
                avg_pool2d(input, [kernel_size], stride is { } s ? [s] : null, [padding], ceil_mode, count_include_pad, divisor_override);

            /// <summary>Average pooling to a fixed (H, W) output size; one value means a square output.</summary>
            public static unsafe Tensor adaptive_avg_pool2d(Tensor input, long[] output_size)
            {
                ArgumentNullException.ThrowIfNull(output_size);
                CheckSpatial(output_size, nameof(output_size), minimum: 1);
                long* size = stackalloc long[2];
                size[0] = output_size[0];
                size[1] = output_size[^1];
                return Tensor.Result(pg_nn_adaptive_avg_pool2d(input.Handle, size, 2), input);
            }

            public static Tensor adaptive_avg_pool2d(Tensor input, long output_size) => adaptive_avg_pool2d(input, [output_size]);
        }
    }
}
