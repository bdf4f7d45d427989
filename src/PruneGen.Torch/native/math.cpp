// Pointwise arithmetic, comparisons and matrix products.
//
// Most element-wise ops share a few entry points selected by an op code (the managed enums
// UnaryOp / BinaryOp in Native/NativeMethods.Math.cs mirror these numbers). One switch costs
// nothing next to a kernel launch and keeps the ABI small.
#include "ops.h"

enum PgUnary {
    U_NEG = 0, U_ABS, U_SQRT, U_RSQRT, U_EXP, U_LOG, U_SIGN, U_SIGMOID, U_TANH, U_RELU,
    U_RECIPROCAL, U_FLOOR, U_CEIL, U_ROUND, U_TRUNC, U_LOG1P, U_EXPM1, U_SIN, U_COS, U_SQUARE,
    U_LOG2, U_LOG10, U_ERF, U_LOGICAL_NOT, U_BITWISE_NOT, U_FRAC, U_ISNAN, U_ISINF, U_ISFINITE,
};

static at::Tensor unary(const at::Tensor& t, int op) {
    switch (op) {
        case U_NEG: return t.neg();
        case U_ABS: return t.abs();
        case U_SQRT: return t.sqrt();
        case U_RSQRT: return t.rsqrt();
        case U_EXP: return t.exp();
        case U_LOG: return t.log();
        case U_SIGN: return t.sign();
        case U_SIGMOID: return t.sigmoid();
        case U_TANH: return t.tanh();
        case U_RELU: return t.relu();
        case U_RECIPROCAL: return t.reciprocal();
        case U_FLOOR: return t.floor();
        case U_CEIL: return t.ceil();
        case U_ROUND: return t.round();
        case U_TRUNC: return t.trunc();
        case U_LOG1P: return t.log1p();
        case U_EXPM1: return t.expm1();
        case U_SIN: return t.sin();
        case U_COS: return t.cos();
        case U_SQUARE: return t.square();
        case U_LOG2: return t.log2();
        case U_LOG10: return t.log10();
        case U_ERF: return t.erf();
        case U_LOGICAL_NOT: return t.logical_not();
        case U_BITWISE_NOT: return t.bitwise_not();
        case U_FRAC: return t.frac();
        case U_ISNAN: return t.isnan();
        case U_ISINF: return t.isinf();
        case U_ISFINITE: return t.isfinite();
        default: throw std::invalid_argument("unknown unary op code " + std::to_string(op));
    }
}

static void unary_(at::Tensor& t, int op) {
    switch (op) {
        case U_NEG: t.neg_(); return;
        case U_ABS: t.abs_(); return;
        case U_SQRT: t.sqrt_(); return;
        case U_RSQRT: t.rsqrt_(); return;
        case U_EXP: t.exp_(); return;
        case U_LOG: t.log_(); return;
        case U_SIGN: t.sign_(); return;
        case U_SIGMOID: t.sigmoid_(); return;
        case U_TANH: t.tanh_(); return;
        case U_RELU: t.relu_(); return;
        case U_RECIPROCAL: t.reciprocal_(); return;
        case U_FLOOR: t.floor_(); return;
        case U_CEIL: t.ceil_(); return;
        case U_ROUND: t.round_(); return;
        case U_TRUNC: t.trunc_(); return;
        case U_LOG1P: t.log1p_(); return;
        case U_EXPM1: t.expm1_(); return;
        case U_SIN: t.sin_(); return;
        case U_COS: t.cos_(); return;
        case U_SQUARE: t.square_(); return;
        case U_LOG2: t.log2_(); return;
        case U_LOG10: t.log10_(); return;
        case U_ERF: t.erf_(); return;
        case U_LOGICAL_NOT: t.logical_not_(); return;
        case U_BITWISE_NOT: t.bitwise_not_(); return;
        case U_FRAC: t.frac_(); return;
        default: throw std::invalid_argument("unary op code " + std::to_string(op) + " has no in-place form");
    }
}

PG_API TensorHandle pg_unary(TensorHandle t, int op) { PG_TENSOR(unary(*t, op)) }
PG_API int pg_unary_(TensorHandle t, int op) { PG_STATUS(unary_(*t, op)) }

// Binary ops without extra arguments; the second operand is a tensor or a scalar.
enum PgBinary {
    B_MUL = 0, B_POW, B_MAXIMUM, B_MINIMUM, B_REMAINDER, B_FMOD, B_ATAN2,
    B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE,
    B_LOGICAL_AND, B_LOGICAL_OR, B_LOGICAL_XOR, B_BITWISE_AND, B_BITWISE_OR, B_BITWISE_XOR,
    B_MATMUL, B_MM, B_BMM, B_DOT, B_MV, B_OUTER,
};

static at::Tensor binary(const at::Tensor& a, const at::Tensor& b, int op) {
    switch (op) {
        case B_MUL: return a.mul(b);
        case B_POW: return a.pow(b);
        case B_MAXIMUM: return at::maximum(a, b);
        case B_MINIMUM: return at::minimum(a, b);
        case B_REMAINDER: return a.remainder(b);
        case B_FMOD: return a.fmod(b);
        case B_ATAN2: return a.atan2(b);
        case B_EQ: return a.eq(b);
        case B_NE: return a.ne(b);
        case B_LT: return a.lt(b);
        case B_LE: return a.le(b);
        case B_GT: return a.gt(b);
        case B_GE: return a.ge(b);
        case B_LOGICAL_AND: return a.logical_and(b);
        case B_LOGICAL_OR: return a.logical_or(b);
        case B_LOGICAL_XOR: return a.logical_xor(b);
        case B_BITWISE_AND: return a.bitwise_and(b);
        case B_BITWISE_OR: return a.bitwise_or(b);
        case B_BITWISE_XOR: return a.bitwise_xor(b);
        case B_MATMUL: return a.matmul(b);
        case B_MM: return a.mm(b);
        case B_BMM: return a.bmm(b);
        case B_DOT: return a.dot(b);
        case B_MV: return a.mv(b);
        case B_OUTER: return a.outer(b);
        default: throw std::invalid_argument("unknown binary op code " + std::to_string(op));
    }
}

static void binary_(at::Tensor& a, const at::Tensor& b, int op) {
    switch (op) {
        case B_MUL: a.mul_(b); return;
        case B_POW: a.pow_(b); return;
        case B_REMAINDER: a.remainder_(b); return;
        case B_FMOD: a.fmod_(b); return;
        case B_EQ: a.eq_(b); return;
        case B_NE: a.ne_(b); return;
        case B_LT: a.lt_(b); return;
        case B_LE: a.le_(b); return;
        case B_GT: a.gt_(b); return;
        case B_GE: a.ge_(b); return;
        case B_LOGICAL_AND: a.logical_and_(b); return;
        case B_LOGICAL_OR: a.logical_or_(b); return;
        case B_LOGICAL_XOR: a.logical_xor_(b); return;
        case B_BITWISE_AND: a.bitwise_and_(b); return;
        case B_BITWISE_OR: a.bitwise_or_(b); return;
        case B_BITWISE_XOR: a.bitwise_xor_(b); return;
        default: throw std::invalid_argument("binary op code " + std::to_string(op) + " has no in-place form");
    }
}

static at::Tensor binary_scalar(const at::Tensor& a, const at::Scalar& b, int op) {
    switch (op) {
        case B_MUL: return a.mul(b);
        case B_POW: return a.pow(b);
        case B_REMAINDER: return a.remainder(b);
        case B_FMOD: return a.fmod(b);
        case B_EQ: return a.eq(b);
        case B_NE: return a.ne(b);
        case B_LT: return a.lt(b);
        case B_LE: return a.le(b);
        case B_GT: return a.gt(b);
        case B_GE: return a.ge(b);
        case B_BITWISE_AND: return a.bitwise_and(b);
        case B_BITWISE_OR: return a.bitwise_or(b);
        case B_BITWISE_XOR: return a.bitwise_xor(b);
        default: throw std::invalid_argument("binary op code " + std::to_string(op) + " has no scalar form");
    }
}

static void binary_scalar_(at::Tensor& a, const at::Scalar& b, int op) {
    switch (op) {
        case B_MUL: a.mul_(b); return;
        case B_POW: a.pow_(b); return;
        case B_REMAINDER: a.remainder_(b); return;
        case B_FMOD: a.fmod_(b); return;
        case B_EQ: a.eq_(b); return;
        case B_NE: a.ne_(b); return;
        case B_LT: a.lt_(b); return;
        case B_LE: a.le_(b); return;
        case B_GT: a.gt_(b); return;
        case B_GE: a.ge_(b); return;
        case B_BITWISE_AND: a.bitwise_and_(b); return;
        case B_BITWISE_OR: a.bitwise_or_(b); return;
        case B_BITWISE_XOR: a.bitwise_xor_(b); return;
        default: throw std::invalid_argument("binary op code " + std::to_string(op) + " has no in-place scalar form");
    }
}

PG_API TensorHandle pg_binary(TensorHandle a, TensorHandle b, int op) { PG_TENSOR(binary(*a, *b, op)) }
PG_API int pg_binary_(TensorHandle a, TensorHandle b, int op) { PG_STATUS(binary_(*a, *b, op)) }
PG_API TensorHandle pg_binary_scalar(TensorHandle a, PG_SCALAR_ARG(b), int op) { PG_TENSOR(binary_scalar(*a, PG_SCALAR(b), op)) }
PG_API int pg_binary_scalar_(TensorHandle a, PG_SCALAR_ARG(b), int op) { PG_STATUS(binary_scalar_(*a, PG_SCALAR(b), op)) }
// scalar ** tensor
PG_API TensorHandle pg_pow_scalar_base(PG_SCALAR_ARG(base), TensorHandle exponent) { PG_TENSOR(at::pow(PG_SCALAR(base), *exponent)) }

// ---- add / sub (with alpha) and div (with rounding mode) --------------------------------------
// `subtract` selects sub; alpha scales the second operand.
PG_API TensorHandle pg_add(TensorHandle a, TensorHandle b, PG_SCALAR_ARG(alpha), int subtract) {
    PG_TENSOR(subtract ? a->sub(*b, PG_SCALAR(alpha)) : a->add(*b, PG_SCALAR(alpha)))
}
PG_API int pg_add_(TensorHandle a, TensorHandle b, PG_SCALAR_ARG(alpha), int subtract) {
    PG_STATUS(subtract ? a->sub_(*b, PG_SCALAR(alpha)) : a->add_(*b, PG_SCALAR(alpha)))
}
PG_API TensorHandle pg_add_scalar(TensorHandle a, PG_SCALAR_ARG(b), PG_SCALAR_ARG(alpha), int subtract) {
    PG_TENSOR(subtract ? a->sub(PG_SCALAR(b), PG_SCALAR(alpha)) : a->add(PG_SCALAR(b), PG_SCALAR(alpha)))
}
PG_API int pg_add_scalar_(TensorHandle a, PG_SCALAR_ARG(b), PG_SCALAR_ARG(alpha), int subtract) {
    PG_STATUS(subtract ? a->sub_(PG_SCALAR(b), PG_SCALAR(alpha)) : a->add_(PG_SCALAR(b), PG_SCALAR(alpha)))
}
// scalar - tensor, in one kernel
PG_API TensorHandle pg_rsub_scalar(TensorHandle a, PG_SCALAR_ARG(b)) { PG_TENSOR(at::rsub(*a, PG_SCALAR(b))) }

// rounding: 0 = true division, 1 = "trunc", 2 = "floor"
static c10::optional<c10::string_view> rounding(int mode) {
    switch (mode) {
        case 0: return c10::nullopt;
        case 1: return c10::string_view("trunc");
        case 2: return c10::string_view("floor");
        default: throw std::invalid_argument("unknown rounding mode " + std::to_string(mode));
    }
}
PG_API TensorHandle pg_div(TensorHandle a, TensorHandle b, int mode) { PG_TENSOR(a->div(*b, rounding(mode))) }
PG_API int pg_div_(TensorHandle a, TensorHandle b, int mode) { PG_STATUS(a->div_(*b, rounding(mode))) }
PG_API TensorHandle pg_div_scalar(TensorHandle a, PG_SCALAR_ARG(b), int mode) { PG_TENSOR(a->div(PG_SCALAR(b), rounding(mode))) }
PG_API int pg_div_scalar_(TensorHandle a, PG_SCALAR_ARG(b), int mode) { PG_STATUS(a->div_(PG_SCALAR(b), rounding(mode))) }
// scalar / tensor
PG_API TensorHandle pg_rdiv_scalar(TensorHandle a, PG_SCALAR_ARG(b)) { PG_TENSOR(a->reciprocal().mul_(PG_SCALAR(b))) }

// ---- clamp, fused updates, selection ------------------------------------------------------------
PG_API TensorHandle pg_clamp(TensorHandle t, PG_SCALAR_ARG(min), PG_SCALAR_ARG(max)) { PG_TENSOR(t->clamp(PG_OPT_SCALAR(min), PG_OPT_SCALAR(max))) }
PG_API int pg_clamp_(TensorHandle t, PG_SCALAR_ARG(min), PG_SCALAR_ARG(max)) { PG_STATUS(t->clamp_(PG_OPT_SCALAR(min), PG_OPT_SCALAR(max))) }
PG_API TensorHandle pg_clamp_tensor(TensorHandle t, TensorHandle min, TensorHandle max) { PG_TENSOR(t->clamp(pg_opt_tensor(min), pg_opt_tensor(max))) }
PG_API int pg_clamp_tensor_(TensorHandle t, TensorHandle min, TensorHandle max) { PG_STATUS(t->clamp_(pg_opt_tensor(min), pg_opt_tensor(max))) }

PG_API TensorHandle pg_addcmul(TensorHandle t, TensorHandle t1, TensorHandle t2, PG_SCALAR_ARG(value)) { PG_TENSOR(t->addcmul(*t1, *t2, PG_SCALAR(value))) }
PG_API int pg_addcmul_(TensorHandle t, TensorHandle t1, TensorHandle t2, PG_SCALAR_ARG(value)) { PG_STATUS(t->addcmul_(*t1, *t2, PG_SCALAR(value))) }
PG_API TensorHandle pg_addcdiv(TensorHandle t, TensorHandle t1, TensorHandle t2, PG_SCALAR_ARG(value)) { PG_TENSOR(t->addcdiv(*t1, *t2, PG_SCALAR(value))) }
PG_API int pg_addcdiv_(TensorHandle t, TensorHandle t1, TensorHandle t2, PG_SCALAR_ARG(value)) { PG_STATUS(t->addcdiv_(*t1, *t2, PG_SCALAR(value))) }
PG_API TensorHandle pg_lerp(TensorHandle t, TensorHandle end, PG_SCALAR_ARG(weight)) { PG_TENSOR(t->lerp(*end, PG_SCALAR(weight))) }
PG_API int pg_lerp_(TensorHandle t, TensorHandle end, PG_SCALAR_ARG(weight)) { PG_STATUS(t->lerp_(*end, PG_SCALAR(weight))) }
PG_API TensorHandle pg_lerp_tensor(TensorHandle t, TensorHandle end, TensorHandle weight) { PG_TENSOR(t->lerp(*end, *weight)) }
PG_API int pg_lerp_tensor_(TensorHandle t, TensorHandle end, TensorHandle weight) { PG_STATUS(t->lerp_(*end, *weight)) }
// beta * t + alpha * (m1 @ m2)
PG_API TensorHandle pg_addmm(TensorHandle t, TensorHandle m1, TensorHandle m2, PG_SCALAR_ARG(beta), PG_SCALAR_ARG(alpha)) {
    PG_TENSOR(t->addmm(*m1, *m2, PG_SCALAR(beta), PG_SCALAR(alpha)))
}

// ---- whole-tensor comparisons returning a bool ---------------------------------------------------
PG_API int pg_equal(TensorHandle a, TensorHandle b) { PG_TRY return a->equal(*b) ? 1 : 0; PG_CATCH(-1) }
PG_API int pg_allclose(TensorHandle a, TensorHandle b, double rtol, double atol, int equal_nan) {
    PG_TRY return a->allclose(*b, rtol, atol, equal_nan != 0) ? 1 : 0; PG_CATCH(-1)
}
PG_API TensorHandle pg_isclose(TensorHandle a, TensorHandle b, double rtol, double atol, int equal_nan) {
    PG_TENSOR(a->isclose(*b, rtol, atol, equal_nan != 0))
}
