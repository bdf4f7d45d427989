using static PruneGen.Torch.Native.NativeMethods;

namespace PruneGen.Torch;

public static partial class torch
{
    public partial class Tensor
    {
        // C# operators; each is one native call. Any .NET number converts implicitly to Scalar, so
        // `2 * x`, `x / 3.0f` and `1 - x` work without extra overloads per numeric type.

        public static Tensor operator +(Tensor left, Tensor right) => left.add(right);
        public static Tensor operator +(Tensor left, Scalar right) => left.add(right);
        public static Tensor operator +(Scalar left, Tensor right) => right.add(left);

        public static Tensor operator -(Tensor left, Tensor right) => left.sub(right);
        public static Tensor operator -(Tensor left, Scalar right) => left.sub(right);
        public static Tensor operator -(Scalar left, Tensor right) => Result(pg_rsub_scalar(right.Handle, left.D, left.L, left.K), right);

        public static Tensor operator *(Tensor left, Tensor right) => left.mul(right);
        public static Tensor operator *(Tensor left, Scalar right) => left.mul(right);
        public static Tensor operator *(Scalar left, Tensor right) => right.mul(left);

        public static Tensor operator /(Tensor left, Tensor right) => left.div(right);
        public static Tensor operator /(Tensor left, Scalar right) => left.div(right);
        public static Tensor operator /(Scalar left, Tensor right) => Result(pg_rdiv_scalar(right.Handle, left.D, left.L, left.K), right);

        public static Tensor operator %(Tensor left, Tensor right) => left.remainder(right);
        public static Tensor operator %(Tensor left, Scalar right) => left.remainder(right);

        public static Tensor operator -(Tensor tensor) => tensor.neg();

        public static Tensor operator &(Tensor left, Tensor right) => left.bitwise_and(right);
        public static Tensor operator |(Tensor left, Tensor right) => left.bitwise_or(right);
        public static Tensor operator ^(Tensor left, Tensor right) => left.bitwise_xor(right);
        public static Tensor operator ~(Tensor tensor) => tensor.bitwise_not();
    }
}
