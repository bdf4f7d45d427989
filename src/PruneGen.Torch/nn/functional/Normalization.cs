using static PruneGen.Torch.Native.NativeMethods;

namespace PruneGen.Torch;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class functional
        {
            /// <summary>
            /// Batch normalisation over the channel dimension (dim 1). In training mode it normalises with
            /// the batch statistics and, when running statistics are given, updates them in place:
            /// running = (1 − momentum)·running + momentum·batch (the variance unbiased). In evaluation
            /// mode it normalises with the running statistics, which are then required.
            /// </summary>
            public static Tensor batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var,
                Tensor? weight = null, Tensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5)
            {
                if (!training && (running_mean is null || running_var is null))
                    throw new ArgumentException("batch_norm in evaluation mode needs running_mean and running_var");
                if ((running_mean is null) != (running_var is null))
                    throw new ArgumentException("batch_norm needs both running_mean and running_var, or neither");
                if (eps <= 0) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be positive");
                var result = Tensor.Result(pg_nn_batch_norm(input.Handle, running_mean?.Handle ?? IntPtr.Zero, running_var?.Handle ?? IntPtr.Zero,
                    weight?.Handle ?? IntPtr.Zero, bias?.Handle ?? IntPtr.Zero, training ? 1 : 0, momentum, eps), input, running_mean, running_var);
                GC.KeepAlive(weight);
                GC.KeepAlive(bias);
                return result;
            }
        }
    }
}
