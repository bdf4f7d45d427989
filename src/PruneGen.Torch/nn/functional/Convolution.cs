using static PruneGen.Torch.Native.NativeMethods;

namespace PruneGen.Torch;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class functional
        {
            /// <summary>
            /// 2-D convolution of a (N, C_in, H, W) input with a (C_out, C_in / groups, kH, kW) weight.
            /// Arrays of one element apply to both spatial dimensions. A channels_last input keeps its
            /// layout in the output.
            /// </summary>
            public static unsafe Tensor conv2d(Tensor input, Tensor weight, Tensor? bias = null,
                long[]? strides = null, long[]? padding = null, long[]? dilation = null, long groups = 1)
            {
                strides ??= [1];
                padding ??= [0];
                dilation ??= [1];
                CheckSpatial(strides, nameof(strides), minimum: 1);
                CheckSpatial(padding, nameof(padding), minimum: 0);
                CheckSpatial(dilation, nameof(dilation), minimum: 1);
                if (groups < 1) throw new ArgumentOutOfRangeException(nameof(groups), groups, "groups must be at least 1");
                fixed (long* s = strides, p = padding, d = dilation)
                    return Tensor.Result(pg_nn_conv2d(input.Handle, weight.Handle, bias?.Handle ?? IntPtr.Zero,
                        s, strides.Length, p, padding.Length, d, dilation.Length, groups), input, weight, bias);
            }

            /// <summary>y = x Wᵀ + b over the last dimension of <paramref name="input"/>.</summary>
            public static Tensor linear(Tensor input, Tensor weights, Tensor? bias = null) =>
                Tensor.Result(pg_nn_linear(input.Handle, weights.Handle, bias?.Handle ?? IntPtr.Zero), input, weights, bias);

            /// <summary>Checks a per-spatial-dimension argument of a 2-D op: one or two values, each at least <paramref name="minimum"/>.</summary>
            internal static void CheckSpatial(long[] values, string name, long minimum)
            {
                if (values.Length is not (1 or 2))
                    throw new ArgumentException($"{name} must have 1 or 2 elements for a 2-D operation, got {values.Length}", name);
                foreach (long v in values)
                    if (v < minimum)
                        throw new ArgumentOutOfRangeException(name, v, $"every element of {name} must be at least {minimum}");
            }
        }
    }
}
