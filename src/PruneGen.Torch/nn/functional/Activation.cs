using static PruneGen.Torch.Native.NativeMethods;

namespace PruneGen.Torch;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class functional
        {
            /// <summary>max(x, 0); with <paramref name="inplace"/> the input is overwritten and returned.</summary>
            public static Tensor relu(Tensor x, bool inplace = false) =>
                inplace ? x.InPlace(pg_nn_relu_(x.Handle)) : Tensor.Result(pg_nn_relu(x.Handle), x);

            /// <summary>1 / (1 + e^−x); with <paramref name="inplace"/> the input is overwritten and returned.</summary>
            public static Tensor sigmoid(Tensor input, bool inplace = false) =>
                inplace ? input.InPlace(pg_nn_sigmoid_(input.Handle)) : Tensor.Result(pg_nn_sigmoid(input.Handle), input);

            /// <summary>Softmax along <paramref name="dim"/>, computed in <paramref name="dtype"/> when given.</summary>
            public static Tensor softmax(Tensor input, long dim, ScalarType? dtype = null) =>
                Tensor.Result(pg_nn_softmax(input.Handle, dim, dtype is { } t ? (int)t : -1), input);

            /// <summary>log(softmax(x)) along <paramref name="dim"/>, computed stably.</summary>
            public static Tensor log_softmax(Tensor input, long dim, ScalarType? dtype = null) =>
                Tensor.Result(pg_nn_log_softmax(input.Handle, dim, dtype is { } t ? (int)t : -1), input);

            /// <summary>
            /// Zeroes each element with probability <paramref name="p"/> and scales the rest by 1/(1 − p)
            /// when <paramref name="training"/>; the identity otherwise.
            /// </summary>
            public static Tensor dropout(Tensor input, double p = 0.5, bool training = true, bool inplace = false)
            {
                if (p is < 0 or > 1 || double.IsNaN(p))
                    throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be between 0 and 1");
                return inplace
                    ? input.InPlace(pg_nn_dropout_(input.Handle, p, training ? 1 : 0))
                    : Tensor.Result(pg_nn_dropout(input.Handle, p, training ? 1 : 0), input);
            }
        }
    }
}
