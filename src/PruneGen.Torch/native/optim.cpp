// Optimizers (SGD, Adam, AdamW) whose whole step runs here: one call updates every parameter, so a
// training step pays one P/Invoke instead of several per parameter. The update math repeats
// PyTorch 1.13's single-tensor code paths op for op (torch/optim/sgd.py, adam.py, adamw.py), which
// makes the results equal to PyTorch's, not merely close.
//
// The optimizer owns the per-parameter state tensors (momentum_buffer, exp_avg, ...). It holds its
// own reference to each parameter and recognises a parameter by its TensorImpl, so any handle to
// the same tensor (e.g. another managed Parameter object) finds the same state.
#include "shim.h"

#include <cmath>
#include <cstring>
#include <unordered_map>
#include <vector>

namespace {

enum OptimizerKind : int { kSgd = 0, kAdam = 1, kAdamW = 2 };

// Hyperparameters of one parameter group, passed on every step (the managed side owns them and a
// learning-rate scheduler changes them between steps). Layout mirrors NativeMethods.OptimizerGroupOptions.
struct GroupOptions {
    double lr, momentum, dampening, weight_decay, beta1, beta2, eps;
    int32_t nesterov, maximize, amsgrad, reserved;
};

struct ParamSlot {
    at::Tensor param;
    int group = 0;
    int64_t step = 0;            // Adam/AdamW: updates applied so far (PyTorch's state['step'])
    at::Tensor momentum_buffer;  // SGD with momentum
    at::Tensor exp_avg, exp_avg_sq, max_exp_avg_sq;  // Adam/AdamW; undefined until the first update
};

struct Optimizer {
    int kind;
    std::vector<ParamSlot> slots;
    std::unordered_map<const c10::TensorImpl*, size_t> index;  // TensorImpl -> position in slots

    ParamSlot& find(const at::Tensor& param) {
        auto it = index.find(param.unsafeGetTensorImpl());
        if (it == index.end()) throw std::invalid_argument("the parameter is not managed by this optimizer");
        return slots[it->second];
    }
};

void sgd_update(ParamSlot& s, const at::Tensor& grad, const GroupOptions& o) {
    at::Tensor d_p = o.maximize ? grad.neg() : grad;
    if (o.weight_decay != 0) d_p = d_p.add(s.param, o.weight_decay);
    if (o.momentum != 0) {
        if (!s.momentum_buffer.defined()) {
            s.momentum_buffer = d_p.clone().detach();
        } else {
            s.momentum_buffer.mul_(o.momentum).add_(d_p, 1 - o.dampening);
        }
        d_p = o.nesterov ? d_p.add(s.momentum_buffer, o.momentum) : s.momentum_buffer;
    }
    s.param.add_(d_p, -o.lr);
}

void adam_update(ParamSlot& s, const at::Tensor& grad_in, const GroupOptions& o, bool decoupled_decay) {
    if (!s.exp_avg.defined()) {
        s.step = 0;
        s.exp_avg = at::zeros_like(s.param, at::MemoryFormat::Preserve);
    }
    // A state set from outside may lack the second moment (or the AMSGrad maximum when amsgrad was
    // switched on later); start those at zero like a fresh state would.
    if (!s.exp_avg_sq.defined()) s.exp_avg_sq = at::zeros_like(s.param, at::MemoryFormat::Preserve);
    if (o.amsgrad && !s.max_exp_avg_sq.defined()) s.max_exp_avg_sq = at::zeros_like(s.param, at::MemoryFormat::Preserve);

    at::Tensor grad = o.maximize ? grad_in.neg() : grad_in;
    s.step += 1;
    if (decoupled_decay) {
        s.param.mul_(1 - o.lr * o.weight_decay);
    } else if (o.weight_decay != 0) {
        grad = grad.add(s.param, o.weight_decay);
    }
    s.exp_avg.mul_(o.beta1).add_(grad, 1 - o.beta1);
    s.exp_avg_sq.mul_(o.beta2).addcmul_(grad, grad, 1 - o.beta2);

    const double step = static_cast<double>(s.step);
    const double bias_correction1 = 1 - std::pow(o.beta1, step);
    const double bias_correction2 = 1 - std::pow(o.beta2, step);
    const double step_size = o.lr / bias_correction1;
    const double bias_correction2_sqrt = std::sqrt(bias_correction2);

    at::Tensor denom;
    if (o.amsgrad) {
        at::maximum_out(s.max_exp_avg_sq, s.max_exp_avg_sq, s.exp_avg_sq);
        denom = (s.max_exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(o.eps);
    } else {
        denom = (s.exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(o.eps);
    }
    s.param.addcdiv_(s.exp_avg, denom, -step_size);
}

at::Tensor* state_field(ParamSlot& s, int kind, const std::string& key) {
    if (kind == kSgd) {
        if (key == "momentum_buffer") return &s.momentum_buffer;
    } else {
        if (key == "exp_avg") return &s.exp_avg;
        if (key == "exp_avg_sq") return &s.exp_avg_sq;
        if (key == "max_exp_avg_sq") return &s.max_exp_avg_sq;
    }
    return nullptr;
}

std::string shape_string(at::IntArrayRef sizes) {
    std::string text = "[";
    for (size_t i = 0; i < sizes.size(); ++i) text += (i ? ", " : "") + std::to_string(sizes[i]);
    return text + "]";
}

}  // namespace

typedef Optimizer* OptimizerHandle;

PG_API OptimizerHandle pg_optim_new(int kind) {
    PG_TRY
    if (kind < kSgd || kind > kAdamW) throw std::invalid_argument("unknown optimizer kind " + std::to_string(kind));
    auto* o = new Optimizer();
    o->kind = kind;
    return o;
    PG_CATCH(nullptr)
}

PG_API void pg_optim_free(OptimizerHandle o) { delete o; }

// Replaces the parameter list. A parameter that was already managed keeps its state; state of
// parameters no longer listed is dropped. groups[i] is the parameter group of params[i].
PG_API int pg_optim_set_params(OptimizerHandle o, const TensorHandle* params, const int32_t* groups, int count) {
    PG_TRY
    std::vector<ParamSlot> next;
    std::unordered_map<const c10::TensorImpl*, size_t> next_index;
    next.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
        const at::Tensor& p = *params[i];
        if (!p.is_leaf())
            throw std::invalid_argument("parameter " + std::to_string(i) + " is not a leaf tensor; an optimizer can only update leaf tensors");
        if (!p.is_floating_point())
            throw std::invalid_argument("parameter " + std::to_string(i) + " has element type " + std::string(c10::toString(p.scalar_type())) +
                                        "; optimizers update floating-point tensors only");
        const c10::TensorImpl* impl = p.unsafeGetTensorImpl();
        if (!next_index.emplace(impl, next.size()).second)
            throw std::invalid_argument("parameter " + std::to_string(i) + " appears more than once in the optimizer's parameter groups");
        auto old = o->index.find(impl);
        if (old != o->index.end()) {
            next.push_back(std::move(o->slots[old->second]));
        } else {
            next.emplace_back();
            next.back().param = p;
        }
        next.back().group = groups[i];
    }
    o->slots = std::move(next);
    o->index = std::move(next_index);
    return 0;
    PG_CATCH(-1)
}

// One update of every parameter that has a gradient (parameters without one are skipped, as in PyTorch).
PG_API int pg_optim_step(OptimizerHandle o, const GroupOptions* groups, int group_count) {
    PG_TRY
    at::NoGradGuard no_grad;
    for (ParamSlot& s : o->slots) {
        if (s.group < 0 || s.group >= group_count) throw std::logic_error("parameter group index out of range");
        const at::Tensor& grad = s.param.grad();
        if (!grad.defined()) continue;
        if (grad.is_sparse()) throw std::invalid_argument("sparse gradients are not supported");
        const GroupOptions& opt = groups[s.group];
        switch (o->kind) {
            case kSgd: sgd_update(s, grad, opt); break;
            case kAdam: adam_update(s, grad, opt, false); break;
            case kAdamW: adam_update(s, grad, opt, true); break;
        }
    }
    return 0;
    PG_CATCH(-1)
}

// set_to_none drops the gradients; otherwise they are zeroed in place (PyTorch 1.13's two modes).
PG_API int pg_optim_zero_grad(OptimizerHandle o, int set_to_none) {
    PG_TRY
    for (ParamSlot& s : o->slots) {
        at::Tensor& g = s.param.mutable_grad();
        if (!g.defined()) continue;
        if (set_to_none) {
            g = at::Tensor();
        } else {
            if (g.grad_fn()) g = g.detach(); else g.requires_grad_(false);
            g.zero_();
        }
    }
    return 0;
    PG_CATCH(-1)
}

// A copy of one state entry of `param`; nullptr with an empty error when the entry does not exist
// (yet). "step" is returned as a 0-d float32 tensor, the way PyTorch 1.13 stores it.
PG_API TensorHandle pg_optim_state_get(OptimizerHandle o, TensorHandle param, const char* key) {
    PG_TRY
    ParamSlot& s = o->find(*param);
    std::string name(key);
    if (name == "step") {
        if (o->kind == kSgd || !s.exp_avg.defined()) { pg_set_error(""); return nullptr; }
        return pg_wrap(at::scalar_tensor(static_cast<double>(s.step), at::TensorOptions().dtype(at::kFloat)));
    }
    at::Tensor* field = state_field(s, o->kind, name);
    if (field == nullptr) throw std::invalid_argument("unknown optimizer state entry '" + name + "'");
    if (!field->defined()) { pg_set_error(""); return nullptr; }
    return pg_wrap(field->detach().clone());
    PG_CATCH(nullptr)
}

// Drops all state of `param` (the next step starts it afresh).
PG_API int pg_optim_state_clear(OptimizerHandle o, TensorHandle param) {
    PG_TRY
    ParamSlot& s = o->find(*param);
    s.step = 0;
    s.momentum_buffer = at::Tensor();
    s.exp_avg = at::Tensor();
    s.exp_avg_sq = at::Tensor();
    s.max_exp_avg_sq = at::Tensor();
    return 0;
    PG_CATCH(-1)
}

// Sets one state entry of `param` to a copy of `value`, converted to the parameter's element type,
// device and memory layout (as PyTorch's Optimizer.load_state_dict does). The shape must match.
PG_API int pg_optim_state_set(OptimizerHandle o, TensorHandle param, const char* key, TensorHandle value) {
    PG_TRY
    ParamSlot& s = o->find(*param);
    std::string name(key);
    const at::Tensor& v = *value;
    if (name == "step") {
        if (o->kind == kSgd) throw std::invalid_argument("SGD has no 'step' state entry");
        if (v.numel() != 1) throw std::invalid_argument("state entry 'step' must hold one number, got shape " + shape_string(v.sizes()));
        double step = v.item<double>();
        if (!(step >= 0) || step != std::floor(step) || step > 9.0e15)
            throw std::invalid_argument("state entry 'step' must be a non-negative whole number, got " + std::to_string(step));
        s.step = static_cast<int64_t>(step);
        return 0;
    }
    at::Tensor* field = state_field(s, o->kind, name);
    if (field == nullptr) throw std::invalid_argument("unknown optimizer state entry '" + name + "'");
    if (!v.sizes().equals(s.param.sizes()))
        throw std::invalid_argument("state entry '" + name + "' has shape " + shape_string(v.sizes()) +
                                    " but the parameter has shape " + shape_string(s.param.sizes()));
    at::NoGradGuard no_grad;
    at::Tensor copy = at::empty_like(s.param, at::MemoryFormat::Preserve);
    copy.copy_(v.detach());
    *field = std::move(copy);
    return 0;
    PG_CATCH(-1)
}
