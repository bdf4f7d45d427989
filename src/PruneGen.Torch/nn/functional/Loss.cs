using static PruneGen.Torch.Native.NativeMethods;

namespace PruneGen.Torch;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class functional
        {
            /// <summary>
            /// Cross-entropy between logits <paramref name="input"/> (N, C, ...) and class indices (N, ...)
            /// or class probabilities (N, C, ...). With <paramref name="label_smoothing"/> ε the target is
            /// (1 − ε)·one_hot + ε/C.
            /// </summary>
            public static Tensor cross_entropy(Tensor input, Tensor target, Tensor? weight = null, long ignore_index = -100,
                Reduction reduction = Reduction.Mean, double label_smoothing = 0.0)
            {
                if (label_smoothing is < 0 or > 1 || double.IsNaN(label_smoothing))
                    throw new ArgumentOutOfRangeException(nameof(label_smoothing), label_smoothing, "label_smoothing must be between 0 and 1");
                return Tensor.Result(pg_nn_cross_entropy(input.Handle, target.Handle, weight?.Handle ?? IntPtr.Zero,
                    (long)CheckReduction(reduction), ignore_index, label_smoothing), input, target, weight);
            }

            /// <summary>Negative log-likelihood of class indices <paramref name="target"/> under log-probabilities <paramref name="input"/>.</summary>
            public static Tensor nll_loss(Tensor input, Tensor target, Tensor? weight = null, long ignore_index = -100,
                Reduction reduction = Reduction.Mean) =>
                Tensor.Result(pg_nn_nll_loss(input.Handle, target.Handle, weight?.Handle ?? IntPtr.Zero, (long)CheckReduction(reduction), ignore_index),
                    input, target, weight);

            /// <summary>Squared error (input − target)², reduced as asked.</summary>
            public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                Tensor.Result(pg_nn_mse_loss(input.Handle, target.Handle, (long)CheckReduction(reduction)), input, target);

            private static Reduction CheckReduction(Reduction reduction) =>
                reduction is Reduction.None or Reduction.Mean or Reduction.Sum
                    ? reduction
                    : throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "unknown reduction");
        }
    }
}
