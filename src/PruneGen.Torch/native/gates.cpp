// Per-example gate multiply with a fused backward (PruneGen's own op; TorchSharp has no counterpart).
//
// y = x ⊙ m (or relu(x) ⊙ m), with x of shape [N, C, ...] and m of shape [N, K], K = C (one gate per example and
// channel) or K = 1 (one gate per example). Autograd's generic mul records the same forward, but its
// backward makes two full-size products and a reduction: grad_x = g ⊙ m, then (g ⊙ x) summed over
// the spatial dimensions for grad_m. Here one pass over g and x writes grad_x and accumulates grad_m,
// which is what made complexity-aware training's gates cost a fifth of a training step on CPU. The
// ReLU variant also takes the place of the ReLU before the gate (forward and backward in the same
// passes): it saves the pre-activation x, which the gate's gradient needs where the gate is 0.
//
// The fused backward covers float32 CPU tensors laid out contiguously or channels_last (anything else
// is made so first); other dtypes and devices take the same ATen ops autograd would.
#include "shim.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <vector>

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// m viewed so that it broadcasts over x: [N, K, 1, ...].
at::Tensor broadcastable(const at::Tensor& m, const at::Tensor& x) {
    std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
    shape[0] = m.size(0);
    shape[1] = m.size(1);
    return m.reshape(shape);
}

// Per example, x is a [K, P] slab (gate index outer: contiguous NCHW, 2-D input, or K = 1).
// GCC's -O2 does not vectorise these loops; the attribute asks for -O3, and for no-trapping-math,
// without which GCC keeps the comparisons of the ReLU variant as branches (the loop stays scalar).
// In the kernels below, with Relu: the gate's gradient reads relu(x), the input's gradient passes
// where x > 0 (ReLU's derivative at 0 is 0, as in ATen). The expressions are spelled out in the loops,
// branch-free (a 0/1 factor from the comparison): GCC does not inline a helper into a function
// with other optimize/target attributes, and a call or a data-dependent branch per element stops
// vectorisation (the sign of x is a coin flip, so a branch also mispredicts half the time).
template <bool Relu>
__attribute__((optimize("O3", "no-trapping-math"), target_clones("avx2", "default")))
void backward_gate_outer(const float* __restrict__ g, const float* __restrict__ x, const float* __restrict__ m, float* __restrict__ gx, float* __restrict__ gm,
                         int64_t begin, int64_t end, int64_t k_count, int64_t p_count) {
    constexpr int kLanes = 16;  // independent partial sums, so the reduction vectorises without reassociation flags
    for (int64_t n = begin; n < end; ++n) {
        for (int64_t k = 0; k < k_count; ++k) {
            const int64_t row = (n * k_count + k) * p_count;
            const float mk = m[n * k_count + k];
            float lanes[kLanes] = {};
            int64_t p = 0;
            for (; p + kLanes <= p_count; p += kLanes)
                for (int l = 0; l < kLanes; ++l) {
                    const float gv = g[row + p + l];
                    const float xv = x[row + p + l];
                    const float on = Relu ? (xv > 0.0f ? 1.0f : 0.0f) : 1.0f;
                    gx[row + p + l] = gv * mk * on;
                    lanes[l] += gv * (xv * on);
                }
            double sum = 0;
            for (; p < p_count; ++p) {
                const float xv = x[row + p];
                const float on = Relu ? (xv > 0.0f ? 1.0f : 0.0f) : 1.0f;
                gx[row + p] = g[row + p] * mk * on;
                sum += static_cast<double>(g[row + p]) * (xv * on);
            }
            for (int l = 0; l < kLanes; ++l) sum += lanes[l];
            gm[n * k_count + k] = static_cast<float>(sum);
        }
    }
}

// Per example, x is a [P, K] slab (channels_last: the gate index is the innermost dimension).
template <bool Relu>
__attribute__((optimize("O3", "no-trapping-math"), target_clones("avx2", "default")))
void backward_gate_inner(const float* __restrict__ g, const float* __restrict__ x, const float* __restrict__ m, float* __restrict__ gx, float* __restrict__ gm,
                         int64_t begin, int64_t end, int64_t k_count, int64_t p_count) {
    std::vector<float> acc(static_cast<size_t>(k_count));
    for (int64_t n = begin; n < end; ++n) {
        const float* mn = m + n * k_count;
        float* __restrict__ a = acc.data();
        for (int64_t k = 0; k < k_count; ++k) a[k] = 0;
        for (int64_t p = 0; p < p_count; ++p) {
            const int64_t row = (n * p_count + p) * k_count;
            for (int64_t k = 0; k < k_count; ++k) {
                const float gv = g[row + k];
                const float xv = x[row + k];
                const float on = Relu ? (xv > 0.0f ? 1.0f : 0.0f) : 1.0f;
                gx[row + k] = gv * mn[k] * on;
                a[k] += gv * (xv * on);
            }
        }
        for (int64_t k = 0; k < k_count; ++k) gm[n * k_count + k] = a[k];
    }
}

// Forward of the ReLU variant in one pass: y = max(x, 0) ⊙ m (x contiguous in its format, see backward).
template <bool Inner>
__attribute__((optimize("O3", "no-trapping-math"), target_clones("avx2", "default")))
void forward_relu_gate(const float* __restrict__ x, const float* __restrict__ m, float* __restrict__ y, int64_t begin, int64_t end, int64_t k_count, int64_t p_count) {
    for (int64_t n = begin; n < end; ++n) {
        const float* mn = m + n * k_count;
        const int64_t base = n * k_count * p_count;
        if (Inner) {
            for (int64_t p = 0; p < p_count; ++p)
                for (int64_t k = 0; k < k_count; ++k) {
                    const float v = x[base + p * k_count + k];
                    y[base + p * k_count + k] = v * (v > 0.0f ? 1.0f : 0.0f) * mn[k];
                }
        } else {
            for (int64_t k = 0; k < k_count; ++k)
                for (int64_t p = 0; p < p_count; ++p) {
                    const float v = x[base + k * p_count + p];
                    y[base + k * p_count + p] = v * (v > 0.0f ? 1.0f : 0.0f) * mn[k];
                }
        }
    }
}

// How the fused kernels see x: per example a [K, P] slab (outer) or a [P, K] slab (inner).
struct Layout {
    bool fused = false;
    bool inner = false;
    at::MemoryFormat format = at::MemoryFormat::Contiguous;
    int64_t n_count = 0, k_count = 0, p_count = 0, grain = 1;
};

Layout layout_of(const at::Tensor& x, const at::Tensor& m) {
    Layout l;
    l.fused = x.numel() > 0 && x.device().is_cpu() && x.scalar_type() == at::kFloat && m.scalar_type() == at::kFloat && x.dim() >= 2;
    if (!l.fused) return l;
    l.n_count = x.size(0);
    l.k_count = m.size(1);
    const int64_t per_example = x.numel() / l.n_count;
    l.p_count = per_example / l.k_count;
    // channels_last puts the gate (channel) index innermost. With K = 1 each example is one slab in
    // either layout, so x keeps its own (no copy, and the results come out in x's layout).
    const at::MemoryFormat own = x.suggest_memory_format();
    l.inner = l.k_count > 1 && x.dim() == 4 && own == at::MemoryFormat::ChannelsLast;
    l.format = l.k_count == 1 || l.inner ? own : at::MemoryFormat::Contiguous;
    l.grain = std::max<int64_t>(1, at::internal::GRAIN_SIZE / std::max<int64_t>(1, per_example));
    return l;
}

struct GateMultiply : public torch::autograd::Function<GateMultiply> {
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& m, bool relu) {
        ctx->save_for_backward({x, m});
        ctx->saved_data["relu"] = relu;
        if (!relu) return x * broadcastable(m, x);
        const Layout l = layout_of(x, m);
        if (!l.fused) return at::relu(x).mul_(broadcastable(m, x));
        const at::Tensor xc = x.contiguous(l.format);
        const at::Tensor mc = m.contiguous();
        at::Tensor y = at::empty_like(xc, l.format);
        const float* xp = xc.data_ptr<float>();
        const float* mp = mc.data_ptr<float>();
        float* yp = y.data_ptr<float>();
        at::parallel_for(0, l.n_count, l.grain, [&](int64_t begin, int64_t end) {
            if (l.inner)
                forward_relu_gate<true>(xp, mp, yp, begin, end, l.k_count, l.p_count);
            else
                forward_relu_gate<false>(xp, mp, yp, begin, end, l.k_count, l.p_count);
        });
        return y;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        variable_list saved = ctx->get_saved_variables();
        const at::Tensor& x = saved[0];
        const at::Tensor& m = saved[1];
        at::Tensor g = grads[0];
        const bool relu = ctx->saved_data["relu"].toBool();
        if (!g.defined()) return {at::Tensor(), at::Tensor(), at::Tensor()};
        const Layout l = layout_of(x, m);
        const bool fused = l.fused && g.scalar_type() == at::kFloat;
        if (!fused) {
            at::Tensor gx;
            if (ctx->needs_input_grad(0)) {
                gx = g * broadcastable(m, x);
                if (relu) gx = at::threshold_backward(gx, x, 0);
            }
            at::Tensor gm;
            if (ctx->needs_input_grad(1)) {
                std::vector<int64_t> dims;
                for (int64_t d = m.size(1) == 1 ? 1 : 2; d < x.dim(); ++d) dims.push_back(d);
                at::Tensor product = g * (relu ? at::relu(x) : x);
                gm = (dims.empty() ? product : product.sum(dims)).reshape(m.sizes());
            }
            return {gx, gm, at::Tensor()};
        }

        const bool inner = l.inner;
        const at::MemoryFormat format = l.format;
        const int64_t k_count = l.k_count, p_count = l.p_count;
        const at::Tensor xc = x.contiguous(format);
        const at::Tensor gc = g.contiguous(format);
        const at::Tensor mc = m.contiguous();
        at::Tensor gx = at::empty_like(xc, format);
        at::Tensor gm = at::empty(m.sizes(), m.options());
        const float* gp = gc.data_ptr<float>();
        const float* xp = xc.data_ptr<float>();
        const float* mp = mc.data_ptr<float>();
        float* gxp = gx.data_ptr<float>();
        float* gmp = gm.data_ptr<float>();
        at::parallel_for(0, l.n_count, l.grain, [&](int64_t begin, int64_t end) {
            if (inner && relu)
                backward_gate_inner<true>(gp, xp, mp, gxp, gmp, begin, end, k_count, p_count);
            else if (inner)
                backward_gate_inner<false>(gp, xp, mp, gxp, gmp, begin, end, k_count, p_count);
            else if (relu)
                backward_gate_outer<true>(gp, xp, mp, gxp, gmp, begin, end, k_count, p_count);
            else
                backward_gate_outer<false>(gp, xp, mp, gxp, gmp, begin, end, k_count, p_count);
        });
        return {ctx->needs_input_grad(0) ? gx : at::Tensor(), ctx->needs_input_grad(1) ? gm : at::Tensor(), at::Tensor()};
    }
};

}  // namespace

// x: [N, C, ...]; m: [N, C] or [N, 1] on x's device and dtype. Returns x ⊙ m (relu(x) ⊙ m when relu
// is nonzero) broadcast along the trailing dimensions, recorded for autograd with the fused backward above.
PG_API TensorHandle pg_gate_multiply(TensorHandle x, TensorHandle m, int relu) {
    PG_TRY
    const at::Tensor& input = *x;
    const at::Tensor& gates = *m;
    TORCH_CHECK(input.dim() >= 2, "gate_multiply: input must have a batch and a channel dimension, got ", input.dim(), " dimension(s)");
    TORCH_CHECK(gates.dim() == 2, "gate_multiply: gates must have shape [batch, channels] or [batch, 1], got ", gates.sizes());
    TORCH_CHECK(gates.size(0) == input.size(0), "gate_multiply: gates have batch ", gates.size(0), " but the input has ", input.size(0));
    TORCH_CHECK(gates.size(1) == 1 || gates.size(1) == input.size(1), "gate_multiply: gates have ", gates.size(1),
                " columns but the input has ", input.size(1), " channels (expected 1 or ", input.size(1), ")");
    TORCH_CHECK(gates.scalar_type() == input.scalar_type(), "gate_multiply: gates are ", gates.scalar_type(), " but the input is ", input.scalar_type());
    TORCH_CHECK(gates.device() == input.device(), "gate_multiply: gates are on ", gates.device(), " but the input is on ", input.device());
    return pg_wrap(GateMultiply::apply(input, gates, relu != 0));
    PG_CATCH(nullptr)
}
