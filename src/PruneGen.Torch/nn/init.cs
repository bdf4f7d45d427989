namespace PruneGen.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>
        /// In-place initialisers (PyTorch's torch.nn.init). They do not record autograd history, so
        /// they can be applied to parameters directly. Each returns its argument.
        /// </summary>
        public static class init
        {
            public enum NonlinearityType
            {
                Linear = 0,
                Conv1D = 1,
                Conv2D = 2,
                Conv3D = 3,
                ConvTranspose1D = 4,
                ConvTranspose2D = 5,
                ConvTranspose3D = 6,
                Sigmoid = 7,
                Tanh = 8,
                ReLU = 9,
                LeakyReLU = 10,
            }

            public enum FanInOut
            {
                FanIn = 0,
                FanOut = 1,
            }

            /// <summary>
            /// The gain PyTorch recommends for a nonlinearity: 1 for linear/conv/sigmoid, 5/3 for tanh,
            /// √2 for ReLU and √(2 / (1 + slope²)) for leaky ReLU (slope <paramref name="param"/>, default 0.01).
            /// </summary>
            public static double calculate_gain(NonlinearityType nonlinearity, double? param = null) => nonlinearity switch
            {
                NonlinearityType.Linear or NonlinearityType.Conv1D or NonlinearityType.Conv2D or NonlinearityType.Conv3D
                    or NonlinearityType.ConvTranspose1D or NonlinearityType.ConvTranspose2D or NonlinearityType.ConvTranspose3D
                    or NonlinearityType.Sigmoid => 1.0,
                NonlinearityType.Tanh => 5.0 / 3.0,
                NonlinearityType.ReLU => Math.Sqrt(2.0),
                NonlinearityType.LeakyReLU => Math.Sqrt(2.0 / (1 + Math.Pow(param ?? 0.01, 2))),
                _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, "unknown nonlinearity"),
            };

            public static Tensor uniform_(Tensor tensor, double low = 0, double high = 1)
            {
                if (!(low <= high)) throw new ArgumentException($"uniform_ needs low <= high, got low = {low}, high = {high}");
                using (no_grad()) tensor.uniform_(low, high);
                return tensor;
            }

            public static Tensor normal_(Tensor tensor, double mean = 0, double std = 1)
            {
                if (!(std >= 0)) throw new ArgumentOutOfRangeException(nameof(std), std, "std must be non-negative");
                using (no_grad()) tensor.normal_(mean, std);
                return tensor;
            }

            public static Tensor constant_(Tensor tensor, Scalar val)
            {
                using (no_grad()) tensor.fill_(val);
                return tensor;
            }

            public static Tensor zeros_(Tensor tensor) => constant_(tensor, 0);

            public static Tensor ones_(Tensor tensor) => constant_(tensor, 1);

            /// <summary>
            /// He initialisation, uniform: U(−b, b) with b = gain·√(3 / fan), gain from
            /// <paramref name="nonlinearity"/> with negative slope <paramref name="a"/>.
            /// </summary>
            public static Tensor kaiming_uniform_(Tensor tensor, double a = 0, FanInOut mode = FanInOut.FanIn,
                NonlinearityType nonlinearity = NonlinearityType.LeakyReLU)
            {
                if (tensor.numel() == 0) return tensor; // PyTorch: initialising an empty tensor is a no-op
                double bound = Math.Sqrt(3.0) * KaimingStd(tensor, a, mode, nonlinearity);
                return uniform_(tensor, -bound, bound);
            }

            /// <summary>He initialisation, normal: N(0, std²) with std = gain / √fan.</summary>
            public static Tensor kaiming_normal_(Tensor tensor, double a = 0, FanInOut mode = FanInOut.FanIn,
                NonlinearityType nonlinearity = NonlinearityType.LeakyReLU)
            {
                if (tensor.numel() == 0) return tensor;
                return normal_(tensor, 0, KaimingStd(tensor, a, mode, nonlinearity));
            }

            /// <summary>Glorot initialisation, uniform: U(−b, b) with b = gain·√(6 / (fan_in + fan_out)).</summary>
            public static Tensor xavier_uniform_(Tensor tensor, double gain = 1.0)
            {
                var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
                double bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
                return uniform_(tensor, -bound, bound);
            }

            /// <summary>Glorot initialisation, normal: std = gain·√(2 / (fan_in + fan_out)).</summary>
            public static Tensor xavier_normal_(Tensor tensor, double gain = 1.0)
            {
                var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
                return normal_(tensor, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)));
            }

            /// <summary>
            /// Fan-in and fan-out as PyTorch computes them: a 2-D weight (out, in) gives (in, out); a conv
            /// weight (out, in, k…) multiplies both by the receptive field size Πk.
            /// </summary>
            public static (long fanIn, long fanOut) CalculateFanInAndFanOut(Tensor tensor)
            {
                long[] shape = tensor.shape;
                if (shape.Length < 2)
                    throw new ArgumentException($"fan in and fan out cannot be computed for a tensor with {shape.Length} dimension(s); at least 2 are needed");
                long receptiveField = 1;
                for (int i = 2; i < shape.Length; i++) receptiveField *= shape[i];
                return (shape[1] * receptiveField, shape[0] * receptiveField);
            }

            private static double KaimingStd(Tensor tensor, double a, FanInOut mode, NonlinearityType nonlinearity)
            {
                var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
                long fan = mode == FanInOut.FanIn ? fanIn : fanOut;
                return calculate_gain(nonlinearity, a) / Math.Sqrt(fan);
            }
        }
    }
}
