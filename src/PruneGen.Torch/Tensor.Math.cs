using PruneGen.Torch.Native;
using static PruneGen.Torch.Native.NativeMethods;

namespace PruneGen.Torch;

public static partial class torch
{
    /// <summary>Rounding of <see cref="Tensor.div(Tensor, RoundingMode?)"/>: none (true division), toward zero, or down.</summary>
    public enum RoundingMode
    {
        None = 0,
        trunc = 1,
        floor = 2,
    }

    public partial class Tensor
    {
        // Binary ops broadcast their operands and promote dtypes as PyTorch does. A method ending in
        // '_' works in place and returns this tensor.

        // ---- add / sub (alpha scales the second operand) -----------------------------------------

        public Tensor add(Tensor other) => add(other, 1);
        public Tensor add(Tensor other, Scalar alpha) => Result(pg_add(Handle, other.Handle, alpha.D, alpha.L, alpha.K, 0), this, other);
        public Tensor add(Scalar scalar) => add(scalar, 1);
        public Tensor add(Scalar scalar, Scalar alpha) =>
            Result(pg_add_scalar(Handle, scalar.D, scalar.L, scalar.K, alpha.D, alpha.L, alpha.K, 0), this);
        public Tensor add_(Tensor other) => add_(other, 1);
        public Tensor add_(Tensor other, Scalar alpha) => InPlace(pg_add_(Handle, other.Handle, alpha.D, alpha.L, alpha.K, 0), other);
        public Tensor add_(Scalar scalar) => add_(scalar, 1);
        public Tensor add_(Scalar scalar, Scalar alpha) => InPlace(pg_add_scalar_(Handle, scalar.D, scalar.L, scalar.K, alpha.D, alpha.L, alpha.K, 0));

        public Tensor sub(Tensor other) => sub(other, 1);
        public Tensor sub(Tensor other, Scalar alpha) => Result(pg_add(Handle, other.Handle, alpha.D, alpha.L, alpha.K, 1), this, other);
        public Tensor sub(Scalar scalar) => sub(scalar, 1);
        public Tensor sub(Scalar scalar, Scalar alpha) =>
            Result(pg_add_scalar(Handle, scalar.D, scalar.L, scalar.K, alpha.D, alpha.L, alpha.K, 1), this);
        public Tensor sub_(Tensor other) => sub_(other, 1);
        public Tensor sub_(Tensor other, Scalar alpha) => InPlace(pg_add_(Handle, other.Handle, alpha.D, alpha.L, alpha.K, 1), other);
        public Tensor sub_(Scalar scalar) => sub_(scalar, 1);
        public Tensor sub_(Scalar scalar, Scalar alpha) => InPlace(pg_add_scalar_(Handle, scalar.D, scalar.L, scalar.K, alpha.D, alpha.L, alpha.K, 1));

        public Tensor subtract(Tensor other) => sub(other);
        public Tensor subtract(Scalar other) => sub(other);

        // ---- div ------------------------------------------------------------------------------

        /// <summary>Division; true division (float result) unless a rounding mode is given.</summary>
        public Tensor div(Tensor other, RoundingMode? rounding_mode = null) =>
            Result(pg_div(Handle, other.Handle, RoundingCode(rounding_mode)), this, other);
        public Tensor div(Scalar other, RoundingMode? rounding_mode = null) =>
            Result(pg_div_scalar(Handle, other.D, other.L, other.K, RoundingCode(rounding_mode)), this);
        public Tensor div_(Tensor other, RoundingMode? rounding_mode = null) =>
            InPlace(pg_div_(Handle, other.Handle, RoundingCode(rounding_mode)), other);
        public Tensor div_(Scalar other, RoundingMode? rounding_mode = null) =>
            InPlace(pg_div_scalar_(Handle, other.D, other.L, other.K, RoundingCode(rounding_mode)));
        public Tensor divide(Tensor other, RoundingMode? rounding_mode = null) => div(other, rounding_mode);
        public Tensor divide(Scalar other, RoundingMode? rounding_mode = null) => div(other, rounding_mode);

        private static int RoundingCode(RoundingMode? mode) => mode switch
        {
            null or RoundingMode.None => 0,
            RoundingMode.trunc => 1,
            RoundingMode.floor => 2,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown rounding mode"),
        };

        public Tensor multiply(Tensor other) => mul(other);
        public Tensor multiply(Scalar other) => mul(other);

        // ---- element-wise binary ops (tensor or scalar operand) ------------------------------------

        public Tensor mul(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.Mul), this, other);
        public Tensor mul(Scalar other) => Result(pg_binary_scalar(Handle, other.D, other.L, other.K, BinaryOp.Mul), this);
        public Tensor mul_(Tensor other) => InPlace(pg_binary_(Handle, other.Handle, BinaryOp.Mul), other);
        public Tensor mul_(Scalar other) => InPlace(pg_binary_scalar_(Handle, other.D, other.L, other.K, BinaryOp.Mul));
        public Tensor pow(Tensor exponent) => Result(pg_binary(Handle, exponent.Handle, BinaryOp.Pow), this, exponent);
        public Tensor pow(Scalar exponent) => Result(pg_binary_scalar(Handle, exponent.D, exponent.L, exponent.K, BinaryOp.Pow), this);
        public Tensor pow_(Tensor exponent) => InPlace(pg_binary_(Handle, exponent.Handle, BinaryOp.Pow), exponent);
        public Tensor pow_(Scalar exponent) => InPlace(pg_binary_scalar_(Handle, exponent.D, exponent.L, exponent.K, BinaryOp.Pow));
        public Tensor remainder(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.Remainder), this, other);
        public Tensor remainder(Scalar other) => Result(pg_binary_scalar(Handle, other.D, other.L, other.K, BinaryOp.Remainder), this);
        public Tensor remainder_(Tensor other) => InPlace(pg_binary_(Handle, other.Handle, BinaryOp.Remainder), other);
        public Tensor remainder_(Scalar other) => InPlace(pg_binary_scalar_(Handle, other.D, other.L, other.K, BinaryOp.Remainder));
        public Tensor fmod(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.Fmod), this, other);
        public Tensor fmod(Scalar other) => Result(pg_binary_scalar(Handle, other.D, other.L, other.K, BinaryOp.Fmod), this);
        public Tensor fmod_(Tensor other) => InPlace(pg_binary_(Handle, other.Handle, BinaryOp.Fmod), other);
        public Tensor fmod_(Scalar other) => InPlace(pg_binary_scalar_(Handle, other.D, other.L, other.K, BinaryOp.Fmod));
        public Tensor eq(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.Eq), this, other);
        public Tensor eq(Scalar other) => Result(pg_binary_scalar(Handle, other.D, other.L, other.K, BinaryOp.Eq), this);
        public Tensor eq_(Tensor other) => InPlace(pg_binary_(Handle, other.Handle, BinaryOp.Eq), other);
        public Tensor eq_(Scalar other) => InPlace(pg_binary_scalar_(Handle, other.D, other.L, other.K, BinaryOp.Eq));
        public Tensor ne(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.Ne), this, other);
        public Tensor ne(Scalar other) => Result(pg_binary_scalar(Handle, other.D, other.L, other.K, BinaryOp.Ne), this);
        public Tensor ne_(Tensor other) => InPlace(pg_binary_(Handle, other.Handle, BinaryOp.Ne), other);
        public Tensor ne_(Scalar other) => InPlace(pg_binary_scalar_(Handle, other.D, other.L, other.K, BinaryOp.Ne));
        public Tensor lt(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.Lt), this, other);
        public Tensor lt(Scalar other) => Result(pg_binary_scalar(Handle, other.D, other.L, other.K, BinaryOp.Lt), this);
        public Tensor lt_(Tensor other) => InPlace(pg_binary_(Handle, other.Handle, BinaryOp.Lt), other);
        public Tensor lt_(Scalar other) => InPlace(pg_binary_scalar_(Handle, other.D, other.L, other.K, BinaryOp.Lt));
        public Tensor le(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.Le), this, other);
        public Tensor le(Scalar other) => Result(pg_binary_scalar(Handle, other.D, other.L, other.K, BinaryOp.Le), this);
        public Tensor le_(Tensor other) => InPlace(pg_binary_(Handle, other.Handle, BinaryOp.Le), other);
        public Tensor le_(Scalar other) => InPlace(pg_binary_scalar_(Handle, other.D, other.L, other.K, BinaryOp.Le));
        public Tensor gt(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.Gt), this, other);
        public Tensor gt(Scalar other) => Result(pg_binary_scalar(Handle, other.D, other.L, other.K, BinaryOp.Gt), this);
        public Tensor gt_(Tensor other) => InPlace(pg_binary_(Handle, other.Handle, BinaryOp.Gt), other);
        public Tensor gt_(Scalar other) => InPlace(pg_binary_scalar_(Handle, other.D, other.L, other.K, BinaryOp.Gt));
        public Tensor ge(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.Ge), this, other);
        public Tensor ge(Scalar other) => Result(pg_binary_scalar(Handle, other.D, other.L, other.K, BinaryOp.Ge), this);
        public Tensor ge_(Tensor other) => InPlace(pg_binary_(Handle, other.Handle, BinaryOp.Ge), other);
        public Tensor ge_(Scalar other) => InPlace(pg_binary_scalar_(Handle, other.D, other.L, other.K, BinaryOp.Ge));
        public Tensor bitwise_and(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.BitwiseAnd), this, other);
        public Tensor bitwise_and(Scalar other) => Result(pg_binary_scalar(Handle, other.D, other.L, other.K, BinaryOp.BitwiseAnd), this);
        public Tensor bitwise_and_(Tensor other) => InPlace(pg_binary_(Handle, other.Handle, BinaryOp.BitwiseAnd), other);
        public Tensor bitwise_and_(Scalar other) => InPlace(pg_binary_scalar_(Handle, other.D, other.L, other.K, BinaryOp.BitwiseAnd));
        public Tensor bitwise_or(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.BitwiseOr), this, other);
        public Tensor bitwise_or(Scalar other) => Result(pg_binary_scalar(Handle, other.D, other.L, other.K, BinaryOp.BitwiseOr), this);
        public Tensor bitwise_or_(Tensor other) => InPlace(pg_binary_(Handle, other.Handle, BinaryOp.BitwiseOr), other);
        public Tensor bitwise_or_(Scalar other) => InPlace(pg_binary_scalar_(Handle, other.D, other.L, other.K, BinaryOp.BitwiseOr));
        public Tensor bitwise_xor(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.BitwiseXor), this, other);
        public Tensor bitwise_xor(Scalar other) => Result(pg_binary_scalar(Handle, other.D, other.L, other.K, BinaryOp.BitwiseXor), this);
        public Tensor bitwise_xor_(Tensor other) => InPlace(pg_binary_(Handle, other.Handle, BinaryOp.BitwiseXor), other);
        public Tensor bitwise_xor_(Scalar other) => InPlace(pg_binary_scalar_(Handle, other.D, other.L, other.K, BinaryOp.BitwiseXor));
        public Tensor logical_and(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.LogicalAnd), this, other);
        public Tensor logical_and_(Tensor other) => InPlace(pg_binary_(Handle, other.Handle, BinaryOp.LogicalAnd), other);
        public Tensor logical_or(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.LogicalOr), this, other);
        public Tensor logical_or_(Tensor other) => InPlace(pg_binary_(Handle, other.Handle, BinaryOp.LogicalOr), other);
        public Tensor logical_xor(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.LogicalXor), this, other);
        public Tensor logical_xor_(Tensor other) => InPlace(pg_binary_(Handle, other.Handle, BinaryOp.LogicalXor), other);
        public Tensor maximum(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.Maximum), this, other);
        public Tensor minimum(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.Minimum), this, other);
        public Tensor atan2(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.Atan2), this, other);
        public Tensor matmul(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.Matmul), this, other);
        public Tensor mm(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.Mm), this, other);
        public Tensor bmm(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.Bmm), this, other);
        public Tensor dot(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.Dot), this, other);
        public Tensor mv(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.Mv), this, other);
        public Tensor outer(Tensor other) => Result(pg_binary(Handle, other.Handle, BinaryOp.Outer), this, other);

        // ---- element-wise unary ops ------------------------------------------------------------

        public Tensor neg() => Result(pg_unary(Handle, UnaryOp.Neg), this);
        public Tensor neg_() => InPlace(pg_unary_(Handle, UnaryOp.Neg));
        public Tensor abs() => Result(pg_unary(Handle, UnaryOp.Abs), this);
        public Tensor abs_() => InPlace(pg_unary_(Handle, UnaryOp.Abs));
        public Tensor sqrt() => Result(pg_unary(Handle, UnaryOp.Sqrt), this);
        public Tensor sqrt_() => InPlace(pg_unary_(Handle, UnaryOp.Sqrt));
        public Tensor rsqrt() => Result(pg_unary(Handle, UnaryOp.Rsqrt), this);
        public Tensor rsqrt_() => InPlace(pg_unary_(Handle, UnaryOp.Rsqrt));
        public Tensor exp() => Result(pg_unary(Handle, UnaryOp.Exp), this);
        public Tensor exp_() => InPlace(pg_unary_(Handle, UnaryOp.Exp));
        public Tensor log() => Result(pg_unary(Handle, UnaryOp.Log), this);
        public Tensor log_() => InPlace(pg_unary_(Handle, UnaryOp.Log));
        public Tensor sign() => Result(pg_unary(Handle, UnaryOp.Sign), this);
        public Tensor sign_() => InPlace(pg_unary_(Handle, UnaryOp.Sign));
        public Tensor sigmoid() => Result(pg_unary(Handle, UnaryOp.Sigmoid), this);
        public Tensor sigmoid_() => InPlace(pg_unary_(Handle, UnaryOp.Sigmoid));
        public Tensor tanh() => Result(pg_unary(Handle, UnaryOp.Tanh), this);
        public Tensor tanh_() => InPlace(pg_unary_(Handle, UnaryOp.Tanh));
        public Tensor relu() => Result(pg_unary(Handle, UnaryOp.Relu), this);
        public Tensor relu_() => InPlace(pg_unary_(Handle, UnaryOp.Relu));
        public Tensor reciprocal() => Result(pg_unary(Handle, UnaryOp.Reciprocal), this);
        public Tensor reciprocal_() => InPlace(pg_unary_(Handle, UnaryOp.Reciprocal));
        public Tensor floor() => Result(pg_unary(Handle, UnaryOp.Floor), this);
        public Tensor floor_() => InPlace(pg_unary_(Handle, UnaryOp.Floor));
        public Tensor ceil() => Result(pg_unary(Handle, UnaryOp.Ceil), this);
        public Tensor ceil_() => InPlace(pg_unary_(Handle, UnaryOp.Ceil));
        public Tensor round() => Result(pg_unary(Handle, UnaryOp.Round), this);
        public Tensor round_() => InPlace(pg_unary_(Handle, UnaryOp.Round));
        public Tensor trunc() => Result(pg_unary(Handle, UnaryOp.Trunc), this);
        public Tensor trunc_() => InPlace(pg_unary_(Handle, UnaryOp.Trunc));
        public Tensor log1p() => Result(pg_unary(Handle, UnaryOp.Log1p), this);
        public Tensor log1p_() => InPlace(pg_unary_(Handle, UnaryOp.Log1p));
        public Tensor expm1() => Result(pg_unary(Handle, UnaryOp.Expm1), this);
        public Tensor expm1_() => InPlace(pg_unary_(Handle, UnaryOp.Expm1));
        public Tensor sin() => Result(pg_unary(Handle, UnaryOp.Sin), this);
        public Tensor sin_() => InPlace(pg_unary_(Handle, UnaryOp.Sin));
        public Tensor cos() => Result(pg_unary(Handle, UnaryOp.Cos), this);
        public Tensor cos_() => InPlace(pg_unary_(Handle, UnaryOp.Cos));
        public Tensor square() => Result(pg_unary(Handle, UnaryOp.Square), this);
        public Tensor square_() => InPlace(pg_unary_(Handle, UnaryOp.Square));
        public Tensor log2() => Result(pg_unary(Handle, UnaryOp.Log2), this);
        public Tensor log2_() => InPlace(pg_unary_(Handle, UnaryOp.Log2));
        public Tensor log10() => Result(pg_unary(Handle, UnaryOp.Log10), this);
        public Tensor log10_() => InPlace(pg_unary_(Handle, UnaryOp.Log10));
        public Tensor erf() => Result(pg_unary(Handle, UnaryOp.Erf), this);
        public Tensor erf_() => InPlace(pg_unary_(Handle, UnaryOp.Erf));
        public Tensor logical_not() => Result(pg_unary(Handle, UnaryOp.LogicalNot), this);
        public Tensor logical_not_() => InPlace(pg_unary_(Handle, UnaryOp.LogicalNot));
        public Tensor bitwise_not() => Result(pg_unary(Handle, UnaryOp.BitwiseNot), this);
        public Tensor bitwise_not_() => InPlace(pg_unary_(Handle, UnaryOp.BitwiseNot));
        public Tensor frac() => Result(pg_unary(Handle, UnaryOp.Frac), this);
        public Tensor frac_() => InPlace(pg_unary_(Handle, UnaryOp.Frac));
        public Tensor isnan() => Result(pg_unary(Handle, UnaryOp.IsNan), this);
        public Tensor isinf() => Result(pg_unary(Handle, UnaryOp.IsInf), this);
        public Tensor isfinite() => Result(pg_unary(Handle, UnaryOp.IsFinite), this);

        public Tensor negative() => neg();
        public Tensor absolute() => abs();

        // ---- clamp -----------------------------------------------------------------------------

        /// <summary>Limits every element to [<paramref name="min"/>, <paramref name="max"/>]; either bound may be omitted.</summary>
        public Tensor clamp(Scalar? min = null, Scalar? max = null)
        {
            CheckBounds(min.HasValue || max.HasValue);
            Unpack(min, out double minD, out long minL, out int minK);
            Unpack(max, out double maxD, out long maxL, out int maxK);
            return Result(pg_clamp(Handle, minD, minL, minK, maxD, maxL, maxK), this);
        }

        public Tensor clamp_(Scalar? min = null, Scalar? max = null)
        {
            CheckBounds(min.HasValue || max.HasValue);
            Unpack(min, out double minD, out long minL, out int minK);
            Unpack(max, out double maxD, out long maxL, out int maxK);
            return InPlace(pg_clamp_(Handle, minD, minL, minK, maxD, maxL, maxK));
        }

        /// <summary>Element-wise bounds taken from (broadcast) tensors.</summary>
        public Tensor clamp(Tensor? min = null, Tensor? max = null)
        {
            CheckBounds(min is not null || max is not null);
            return Result(pg_clamp_tensor(Handle, min?.Handle ?? IntPtr.Zero, max?.Handle ?? IntPtr.Zero), this, min, max);
        }

        public Tensor clamp_(Tensor? min = null, Tensor? max = null)
        {
            CheckBounds(min is not null || max is not null);
            return InPlace(pg_clamp_tensor_(Handle, min?.Handle ?? IntPtr.Zero, max?.Handle ?? IntPtr.Zero), min, max);
        }

        public Tensor clamp_min(Scalar min) => clamp(min, null);
        public Tensor clamp_max(Scalar max) => clamp(null, max);
        public Tensor clamp_min_(Scalar min) => clamp_(min, null);
        public Tensor clamp_max_(Scalar max) => clamp_(null, max);
        public Tensor clip(Scalar? min = null, Scalar? max = null) => clamp(min, max);

        private static void CheckBounds(bool any)
        {
            if (!any) throw new ArgumentException("clamp needs at least one of 'min' and 'max'");
        }

        // ---- fused updates -------------------------------------------------------------------------

        /// <summary>this + value * tensor1 * tensor2.</summary>
        public Tensor addcmul(Tensor tensor1, Tensor tensor2) => addcmul(tensor1, tensor2, 1);
        public Tensor addcmul(Tensor tensor1, Tensor tensor2, Scalar value) =>
            Result(pg_addcmul(Handle, tensor1.Handle, tensor2.Handle, value.D, value.L, value.K), this, tensor1, tensor2);
        public Tensor addcmul_(Tensor tensor1, Tensor tensor2) => addcmul_(tensor1, tensor2, 1);
        public Tensor addcmul_(Tensor tensor1, Tensor tensor2, Scalar value) =>
            InPlace(pg_addcmul_(Handle, tensor1.Handle, tensor2.Handle, value.D, value.L, value.K), tensor1, tensor2);

        /// <summary>this + value * tensor1 / tensor2.</summary>
        public Tensor addcdiv(Tensor tensor1, Tensor tensor2) => addcdiv(tensor1, tensor2, 1);
        public Tensor addcdiv(Tensor tensor1, Tensor tensor2, Scalar value) =>
            Result(pg_addcdiv(Handle, tensor1.Handle, tensor2.Handle, value.D, value.L, value.K), this, tensor1, tensor2);
        public Tensor addcdiv_(Tensor tensor1, Tensor tensor2) => addcdiv_(tensor1, tensor2, 1);
        public Tensor addcdiv_(Tensor tensor1, Tensor tensor2, Scalar value) =>
            InPlace(pg_addcdiv_(Handle, tensor1.Handle, tensor2.Handle, value.D, value.L, value.K), tensor1, tensor2);

        /// <summary>this + weight * (end - this).</summary>
        public Tensor lerp(Tensor end, Scalar weight) => Result(pg_lerp(Handle, end.Handle, weight.D, weight.L, weight.K), this, end);
        public Tensor lerp(Tensor end, Tensor weight) => Result(pg_lerp_tensor(Handle, end.Handle, weight.Handle), this, end, weight);
        public Tensor lerp_(Tensor end, Scalar weight) => InPlace(pg_lerp_(Handle, end.Handle, weight.D, weight.L, weight.K), end);
        public Tensor lerp_(Tensor end, Tensor weight) => InPlace(pg_lerp_tensor_(Handle, end.Handle, weight.Handle), end, weight);

        /// <summary>beta * this + alpha * (mat1 @ mat2).</summary>
        public Tensor addmm(Tensor mat1, Tensor mat2, float beta = 1, float alpha = 1) =>
            Result(pg_addmm(Handle, mat1.Handle, mat2.Handle, beta, 0, Scalar.FloatingKind, alpha, 0, Scalar.FloatingKind), this, mat1, mat2);

        // ---- whole-tensor comparisons ---------------------------------------------------------

        /// <summary>True when both tensors have the same shape and elements.</summary>
        public bool equal(Tensor other)
        {
            bool result = Check(pg_equal(Handle, other.Handle)) == 1;
            GC.KeepAlive(other);
            return result;
        }

        /// <summary>True when |this - other| &lt;= atol + rtol * |other| holds for every element.</summary>
        public bool allclose(Tensor other, double rtol = 1e-05, double atol = 1e-08, bool equal_nan = false)
        {
            bool result = Check(pg_allclose(Handle, other.Handle, rtol, atol, equal_nan ? 1 : 0)) == 1;
            GC.KeepAlive(other);
            return result;
        }

        public Tensor isclose(Tensor other, double rtol = 1e-05, double atol = 1e-08, bool equal_nan = false) =>
            Result(pg_isclose(Handle, other.Handle, rtol, atol, equal_nan ? 1 : 0), this, other);
    }
}
