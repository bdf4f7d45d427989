using static PruneGen.Torch.Native.NativeMethods;

namespace PruneGen.Torch;

/// <summary>Static forms of the tensor operations (torch.add(x, y) == x.add(y)), as in TorchSharp.</summary>
public static partial class torch
{
    // ---- arithmetic ----------------------------------------------------------------------------
    public static Tensor add(Tensor left, Tensor right) => left.add(right);
    public static Tensor add(Tensor left, Tensor right, Scalar alpha) => left.add(right, alpha);
    public static Tensor add(Tensor left, Scalar right) => left.add(right);
    public static Tensor add(Tensor left, Scalar right, Scalar alpha) => left.add(right, alpha);
    public static Tensor sub(Tensor left, Tensor right) => left.sub(right);
    public static Tensor sub(Tensor left, Tensor right, Scalar alpha) => left.sub(right, alpha);
    public static Tensor sub(Tensor left, Scalar right) => left.sub(right);
    public static Tensor sub(Tensor left, Scalar right, Scalar alpha) => left.sub(right, alpha);
    public static Tensor mul(Tensor left, Tensor right) => left.mul(right);
    public static Tensor mul(Tensor left, Scalar right) => left.mul(right);
    public static Tensor div(Tensor left, Tensor right, RoundingMode? rounding_mode = null) => left.div(right, rounding_mode);
    public static Tensor div(Tensor left, Scalar right, RoundingMode? rounding_mode = null) => left.div(right, rounding_mode);
    public static Tensor remainder(Tensor left, Tensor right) => left.remainder(right);
    public static Tensor remainder(Tensor left, Scalar right) => left.remainder(right);
    public static Tensor pow(Tensor input, Tensor exponent) => input.pow(exponent);
    public static Tensor pow(Tensor input, Scalar exponent) => input.pow(exponent);
    public static Tensor pow(Scalar input, Tensor exponent) =>
        Tensor.Result(pg_pow_scalar_base(input.D, input.L, input.K, exponent.Handle), exponent);
    public static Tensor maximum(Tensor input, Tensor other) => input.maximum(other);
    public static Tensor minimum(Tensor input, Tensor other) => input.minimum(other);
    public static Tensor clamp(Tensor input, Scalar? min = null, Scalar? max = null) => input.clamp(min, max);
    public static Tensor clamp(Tensor input, Tensor? min = null, Tensor? max = null) => input.clamp(min, max);
    public static Tensor clip(Tensor input, Scalar? min = null, Scalar? max = null) => input.clamp(min, max);
    public static Tensor addcmul(Tensor input, Tensor tensor1, Tensor tensor2, Scalar value) => input.addcmul(tensor1, tensor2, value);
    public static Tensor addcdiv(Tensor input, Tensor tensor1, Tensor tensor2, Scalar value) => input.addcdiv(tensor1, tensor2, value);
    public static Tensor lerp(Tensor input, Tensor end, Scalar weight) => input.lerp(end, weight);
    public static Tensor lerp(Tensor input, Tensor end, Tensor weight) => input.lerp(end, weight);

    // ---- unary ---------------------------------------------------------------------------------
    public static Tensor neg(Tensor input) => input.neg();
    public static Tensor negative(Tensor input) => input.neg();
    public static Tensor abs(Tensor input) => input.abs();
    public static Tensor sqrt(Tensor input) => input.sqrt();
    public static Tensor rsqrt(Tensor input) => input.rsqrt();
    public static Tensor exp(Tensor input) => input.exp();
    public static Tensor log(Tensor input) => input.log();
    public static Tensor log1p(Tensor input) => input.log1p();
    public static Tensor sign(Tensor input) => input.sign();
    public static Tensor sigmoid(Tensor input) => input.sigmoid();
    public static Tensor tanh(Tensor input) => input.tanh();
    public static Tensor relu(Tensor input) => input.relu();
    public static Tensor reciprocal(Tensor input) => input.reciprocal();
    public static Tensor floor(Tensor input) => input.floor();
    public static Tensor ceil(Tensor input) => input.ceil();
    public static Tensor round(Tensor input) => input.round();
    public static Tensor square(Tensor input) => input.square();
    public static Tensor logical_not(Tensor input) => input.logical_not();
    public static Tensor isnan(Tensor input) => input.isnan();

    // ---- matrix products -------------------------------------------------------------------------
    public static Tensor matmul(Tensor input, Tensor other) => input.matmul(other);
    public static Tensor mm(Tensor input, Tensor mat2) => input.mm(mat2);
    public static Tensor bmm(Tensor input, Tensor batch2) => input.bmm(batch2);
    public static Tensor dot(Tensor input, Tensor other) => input.dot(other);
    public static Tensor outer(Tensor input, Tensor vec2) => input.outer(vec2);
    public static Tensor addmm(Tensor input, Tensor mat1, Tensor mat2, float beta = 1, float alpha = 1) => input.addmm(mat1, mat2, beta, alpha);

    // ---- comparisons -----------------------------------------------------------------------------
    public static Tensor eq(Tensor left, Tensor right) => left.eq(right);
    public static Tensor eq(Tensor left, Scalar right) => left.eq(right);
    public static Tensor ne(Tensor left, Tensor right) => left.ne(right);
    public static Tensor ne(Tensor left, Scalar right) => left.ne(right);
    public static Tensor lt(Tensor left, Tensor right) => left.lt(right);
    public static Tensor lt(Tensor left, Scalar right) => left.lt(right);
    public static Tensor le(Tensor left, Tensor right) => left.le(right);
    public static Tensor le(Tensor left, Scalar right) => left.le(right);
    public static Tensor gt(Tensor left, Tensor right) => left.gt(right);
    public static Tensor gt(Tensor left, Scalar right) => left.gt(right);
    public static Tensor ge(Tensor left, Tensor right) => left.ge(right);
    public static Tensor ge(Tensor left, Scalar right) => left.ge(right);
    public static bool equal(Tensor input, Tensor other) => input.equal(other);
    public static bool allclose(Tensor input, Tensor other, double rtol = 1e-05, double atol = 1e-08, bool equal_nan = false) =>
        input.allclose(other, rtol, atol, equal_nan);
    public static Tensor isclose(Tensor input, Tensor other, double rtol = 1e-05, double atol = 1e-08, bool equal_nan = false) =>
        input.isclose(other, rtol, atol, equal_nan);
    public static Tensor logical_and(Tensor input, Tensor other) => input.logical_and(other);
    public static Tensor logical_or(Tensor input, Tensor other) => input.logical_or(other);

    // ---- reductions ------------------------------------------------------------------------------
    public static Tensor sum(Tensor input, ScalarType? type = null) => input.sum(type);
    public static Tensor sum(Tensor input, long dim, bool keepdim = false, ScalarType? type = null) => input.sum(dim, keepdim, type);
    public static Tensor sum(Tensor input, int dim, bool keepdim = false, ScalarType? type = null) => input.sum(dim, keepdim, type);
    public static Tensor sum(Tensor input, ReadOnlySpan<long> dim, bool keepdim = false, ScalarType? type = null) => input.sum(dim, keepdim, type);
    public static Tensor mean(Tensor input) => input.mean();
    public static Tensor mean(Tensor input, long[] dimensions, bool keepdim = false, ScalarType? type = null) => input.mean(dimensions, keepdim, type);
    public static Tensor mean(Tensor input, ReadOnlySpan<long> dimensions, bool keepdim = false, ScalarType? type = null) => input.mean(dimensions, keepdim, type);
    public static Tensor prod(Tensor input, ScalarType? type = null) => input.prod(type);
    public static Tensor prod(Tensor input, long dim, bool keepdim = false, ScalarType? type = null) => input.prod(dim, keepdim, type);
    public static Tensor prod(Tensor input, int dim, bool keepdim = false, ScalarType? type = null) => input.prod(dim, keepdim, type);
    public static Tensor std(Tensor input, bool unbiased = true) => input.std(unbiased);
    public static Tensor std(Tensor input, long[] dimensions, bool unbiased = true, bool keepdim = false, ScalarType? type = null) =>
        input.std(dimensions, unbiased, keepdim, type);
    public static Tensor var(Tensor input, bool unbiased = true) => input.var(unbiased);
    public static Tensor var(Tensor input, long[] dimensions, bool unbiased = true, bool keepdim = false, ScalarType? type = null) =>
        input.var(dimensions, unbiased, keepdim, type);
    public static Tensor norm(Tensor input, float p = 2.0f) => input.norm(p);
    public static Tensor norm(Tensor input, int dimension, bool keepdim = false, float p = 2.0f) => input.norm(dimension, keepdim, p);
    public static Tensor max(Tensor input) => input.max();
    public static Tensor max(Tensor input, Tensor other) => input.maximum(other);
    public static (Tensor values, Tensor indexes) max(Tensor input, long dim, bool keepdim = false) => input.max(dim, keepdim);
    public static Tensor min(Tensor input) => input.min();
    public static Tensor min(Tensor input, Tensor other) => input.minimum(other);
    public static (Tensor values, Tensor indexes) min(Tensor input, long dim, bool keepdim = false) => input.min(dim, keepdim);
    public static Tensor argmax(Tensor input) => input.argmax();
    public static Tensor argmax(Tensor input, long dim, bool keepdim = false) => input.argmax(dim, keepdim);
    public static Tensor argmin(Tensor input) => input.argmin();
    public static Tensor argmin(Tensor input, long dim, bool keepdim = false) => input.argmin(dim, keepdim);
    public static Tensor all(Tensor input) => input.all();
    public static Tensor all(Tensor input, long dim, bool keepdim = false) => input.all(dim, keepdim);
    public static Tensor any(Tensor input) => input.any();
    public static Tensor any(Tensor input, long dim, bool keepdim = false) => input.any(dim, keepdim);
    public static Tensor logsumexp(Tensor input, long dim, bool keepdim = false) => input.logsumexp(dim, keepdim);
    public static Tensor amax(Tensor input, ReadOnlySpan<long> dims, bool keepdim = false) => input.amax(dims, keepdim);
    public static Tensor amin(Tensor input, ReadOnlySpan<long> dims, bool keepdim = false) => input.amin(dims, keepdim);
    public static Tensor count_nonzero(Tensor input, long[]? dims = null) => input.count_nonzero(dims);
    public static (Tensor values, Tensor indexes) topk(Tensor input, int k, int dim = -1, bool largest = true, bool sorted = true) =>
        input.topk(k, dim, largest, sorted);
    public static (Tensor Values, Tensor Indices) sort(Tensor input, long dim = -1, bool descending = false, bool stable = false) =>
        input.sort(dim, descending, stable);
    public static Tensor argsort(Tensor input, long dim = -1, bool descending = false) => input.argsort(dim, descending);
    public static Tensor cumsum(Tensor input, long dim, ScalarType? type = null) => input.cumsum(dim, type);
}
