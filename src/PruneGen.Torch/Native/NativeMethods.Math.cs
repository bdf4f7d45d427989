using System.Runtime.InteropServices;

namespace PruneGen.Torch.Native;

/// <summary>Op codes of pg_unary / pg_unary_; the numbers equal native/math.cpp's PgUnary.</summary>
internal enum UnaryOp
{
    Neg = 0, Abs, Sqrt, Rsqrt, Exp, Log, Sign, Sigmoid, Tanh, Relu,
    Reciprocal, Floor, Ceil, Round, Trunc, Log1p, Expm1, Sin, Cos, Square,
    Log2, Log10, Erf, LogicalNot, BitwiseNot, Frac, IsNan, IsInf, IsFinite,
}

/// <summary>Op codes of pg_binary*; the numbers equal native/math.cpp's PgBinary.</summary>
internal enum BinaryOp
{
    Mul = 0, Pow, Maximum, Minimum, Remainder, Fmod, Atan2,
    Eq, Ne, Lt, Le, Gt, Ge,
    LogicalAnd, LogicalOr, LogicalXor, BitwiseAnd, BitwiseOr, BitwiseXor,
    Matmul, Mm, Bmm, Dot, Mv, Outer,
}

/// <summary>P/Invoke declarations for native/math.cpp. Scalars cross as (double, long, kind); see Scalar.</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Library)] internal static partial IntPtr pg_unary(IntPtr t, UnaryOp op);
    [LibraryImport(Library)] internal static partial int pg_unary_(IntPtr t, UnaryOp op);
    [LibraryImport(Library)] internal static partial IntPtr pg_binary(IntPtr a, IntPtr b, BinaryOp op);
    [LibraryImport(Library)] internal static partial int pg_binary_(IntPtr a, IntPtr b, BinaryOp op);
    [LibraryImport(Library)] internal static partial IntPtr pg_binary_scalar(IntPtr a, double bD, long bL, int bK, BinaryOp op);
    [LibraryImport(Library)] internal static partial int pg_binary_scalar_(IntPtr a, double bD, long bL, int bK, BinaryOp op);
    [LibraryImport(Library)] internal static partial IntPtr pg_pow_scalar_base(double baseD, long baseL, int baseK, IntPtr exponent);

    [LibraryImport(Library)] internal static partial IntPtr pg_add(IntPtr a, IntPtr b, double alphaD, long alphaL, int alphaK, int subtract);
    [LibraryImport(Library)] internal static partial int pg_add_(IntPtr a, IntPtr b, double alphaD, long alphaL, int alphaK, int subtract);
    [LibraryImport(Library)] internal static partial IntPtr pg_add_scalar(IntPtr a, double bD, long bL, int bK, double alphaD, long alphaL, int alphaK, int subtract);
    [LibraryImport(Library)] internal static partial int pg_add_scalar_(IntPtr a, double bD, long bL, int bK, double alphaD, long alphaL, int alphaK, int subtract);
    [LibraryImport(Library)] internal static partial IntPtr pg_rsub_scalar(IntPtr a, double bD, long bL, int bK);
    [LibraryImport(Library)] internal static partial IntPtr pg_div(IntPtr a, IntPtr b, int roundingMode);
    [LibraryImport(Library)] internal static partial int pg_div_(IntPtr a, IntPtr b, int roundingMode);
    [LibraryImport(Library)] internal static partial IntPtr pg_div_scalar(IntPtr a, double bD, long bL, int bK, int roundingMode);
    [LibraryImport(Library)] internal static partial int pg_div_scalar_(IntPtr a, double bD, long bL, int bK, int roundingMode);
    [LibraryImport(Library)] internal static partial IntPtr pg_rdiv_scalar(IntPtr a, double bD, long bL, int bK);

    [LibraryImport(Library)] internal static partial IntPtr pg_clamp(IntPtr t, double minD, long minL, int minK, double maxD, long maxL, int maxK);
    [LibraryImport(Library)] internal static partial int pg_clamp_(IntPtr t, double minD, long minL, int minK, double maxD, long maxL, int maxK);
    [LibraryImport(Library)] internal static partial IntPtr pg_clamp_tensor(IntPtr t, IntPtr min, IntPtr max);
    [LibraryImport(Library)] internal static partial int pg_clamp_tensor_(IntPtr t, IntPtr min, IntPtr max);
    [LibraryImport(Library)] internal static partial IntPtr pg_addcmul(IntPtr t, IntPtr t1, IntPtr t2, double valueD, long valueL, int valueK);
    [LibraryImport(Library)] internal static partial int pg_addcmul_(IntPtr t, IntPtr t1, IntPtr t2, double valueD, long valueL, int valueK);
    [LibraryImport(Library)] internal static partial IntPtr pg_addcdiv(IntPtr t, IntPtr t1, IntPtr t2, double valueD, long valueL, int valueK);
    [LibraryImport(Library)] internal static partial int pg_addcdiv_(IntPtr t, IntPtr t1, IntPtr t2, double valueD, long valueL, int valueK);
    [LibraryImport(Library)] internal static partial IntPtr pg_lerp(IntPtr t, IntPtr end, double weightD, long weightL, int weightK);
    [LibraryImport(Library)] internal static partial int pg_lerp_(IntPtr t, IntPtr end, double weightD, long weightL, int weightK);
    [LibraryImport(Library)] internal static partial IntPtr pg_lerp_tensor(IntPtr t, IntPtr end, IntPtr weight);
    [LibraryImport(Library)] internal static partial int pg_lerp_tensor_(IntPtr t, IntPtr end, IntPtr weight);
    [LibraryImport(Library)]
    internal static partial IntPtr pg_addmm(IntPtr t, IntPtr m1, IntPtr m2, double betaD, long betaL, int betaK, double alphaD, long alphaL, int alphaK);

    [LibraryImport(Library)] internal static partial int pg_equal(IntPtr a, IntPtr b);
    [LibraryImport(Library)] internal static partial int pg_allclose(IntPtr a, IntPtr b, double rtol, double atol, int equalNan);
    [LibraryImport(Library)] internal static partial IntPtr pg_isclose(IntPtr a, IntPtr b, double rtol, double atol, int equalNan);
}
