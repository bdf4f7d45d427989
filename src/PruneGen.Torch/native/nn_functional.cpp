// torch.nn.functional, and the in-place conversion the Module system needs.
//
// Every functional op is a single ATen call. None of them calls contiguous(): ATen's CPU kernels
// for conv2d, batch_norm and pooling accept channels_last input and keep that layout in their
// output, which is markedly faster for training on CPU.
#include "shim.h"

namespace {

// A nullable handle as the optional tensor ATen expects (undefined tensor = absent).
inline c10::optional<at::Tensor> pg_optional(TensorHandle t) {
    return t ? c10::optional<at::Tensor>(*t) : c10::nullopt;
}

// dtype code < 0 means "keep the input's dtype".
inline c10::optional<at::ScalarType> pg_optional_dtype(int dtype) {
    return dtype < 0 ? c10::nullopt : c10::optional<at::ScalarType>(static_cast<at::ScalarType>(dtype));
}

}  // namespace

// ---- convolution and linear -------------------------------------------------------------------
PG_API TensorHandle pg_nn_conv2d(TensorHandle input, TensorHandle weight, TensorHandle bias,
                                 const int64_t* stride, int stride_len, const int64_t* padding, int padding_len,
                                 const int64_t* dilation, int dilation_len, int64_t groups) {
    PG_TENSOR(at::conv2d(*input, *weight, pg_optional(bias), pg_dims(stride, stride_len),
                         pg_dims(padding, padding_len), pg_dims(dilation, dilation_len), groups))
}

PG_API TensorHandle pg_nn_linear(TensorHandle input, TensorHandle weight, TensorHandle bias) {
    PG_TENSOR(at::linear(*input, *weight, pg_optional(bias)))
}

// ---- normalisation ------------------------------------------------------------------------------
// In training mode with running statistics, ATen updates running_mean / running_var in place:
// running = (1 - momentum) * running + momentum * batch_stat (unbiased variance).
PG_API TensorHandle pg_nn_batch_norm(TensorHandle input, TensorHandle running_mean, TensorHandle running_var,
                                     TensorHandle weight, TensorHandle bias, int training, double momentum, double eps) {
    PG_TENSOR(at::batch_norm(*input, pg_optional(weight), pg_optional(bias), pg_optional(running_mean),
                             pg_optional(running_var), training != 0, momentum, eps, /*cudnn_enabled=*/true))
}

// ---- activations ------------------------------------------------------------------------------
PG_API TensorHandle pg_nn_relu(TensorHandle input) { PG_TENSOR(at::relu(*input)) }
PG_API int pg_nn_relu_(TensorHandle input) { PG_STATUS(at::relu_(*input)) }
PG_API TensorHandle pg_nn_sigmoid(TensorHandle input) { PG_TENSOR(at::sigmoid(*input)) }
PG_API int pg_nn_sigmoid_(TensorHandle input) { PG_STATUS(at::sigmoid_(*input)) }
PG_API TensorHandle pg_nn_softmax(TensorHandle input, int64_t dim, int dtype) {
    PG_TENSOR(at::softmax(*input, dim, pg_optional_dtype(dtype)))
}
PG_API TensorHandle pg_nn_log_softmax(TensorHandle input, int64_t dim, int dtype) {
    PG_TENSOR(at::log_softmax(*input, dim, pg_optional_dtype(dtype)))
}
PG_API TensorHandle pg_nn_dropout(TensorHandle input, double p, int training) {
    PG_TENSOR(at::dropout(*input, p, training != 0))
}
PG_API int pg_nn_dropout_(TensorHandle input, double p, int training) {
    PG_STATUS(at::dropout_(*input, p, training != 0))
}

// ---- pooling ----------------------------------------------------------------------------------
// An empty stride means "equal to the kernel size" (ATen's convention, as in PyTorch).
PG_API TensorHandle pg_nn_max_pool2d(TensorHandle input, const int64_t* kernel, int kernel_len,
                                     const int64_t* stride, int stride_len, const int64_t* padding, int padding_len,
                                     const int64_t* dilation, int dilation_len, int ceil_mode) {
    PG_TENSOR(at::max_pool2d(*input, pg_dims(kernel, kernel_len), pg_dims(stride, stride_len),
                             pg_dims(padding, padding_len), pg_dims(dilation, dilation_len), ceil_mode != 0))
}

// divisor_override <= 0 means none.
PG_API TensorHandle pg_nn_avg_pool2d(TensorHandle input, const int64_t* kernel, int kernel_len,
                                     const int64_t* stride, int stride_len, const int64_t* padding, int padding_len,
                                     int ceil_mode, int count_include_pad, int64_t divisor_override) {
    PG_TENSOR(at::avg_pool2d(*input, pg_dims(kernel, kernel_len), pg_dims(stride, stride_len),
                             pg_dims(padding, padding_len), ceil_mode != 0, count_include_pad != 0,
                             divisor_override > 0 ? c10::optional<int64_t>(divisor_override) : c10::nullopt))
}

PG_API TensorHandle pg_nn_adaptive_avg_pool2d(TensorHandle input, const int64_t* output_size, int output_len) {
    PG_TENSOR(at::adaptive_avg_pool2d(*input, pg_dims(output_size, output_len)))
}

// ---- losses (reduction: 0 none, 1 mean, 2 sum, as at::Reduction) --------------------------------
PG_API TensorHandle pg_nn_cross_entropy(TensorHandle input, TensorHandle target, TensorHandle weight,
                                        int64_t reduction, int64_t ignore_index, double label_smoothing) {
    PG_TENSOR(at::cross_entropy_loss(*input, *target, pg_optional(weight), reduction, ignore_index, label_smoothing))
}

PG_API TensorHandle pg_nn_nll_loss(TensorHandle input, TensorHandle target, TensorHandle weight,
                                   int64_t reduction, int64_t ignore_index) {
    PG_TENSOR(at::nll_loss_nd(*input, *target, pg_optional(weight), reduction, ignore_index))
}

PG_API TensorHandle pg_nn_mse_loss(TensorHandle input, TensorHandle target, int64_t reduction) {
    PG_TENSOR(at::mse_loss(*input, *target, reduction))
}

// ---- services for the Module system -------------------------------------------------------------
// Converts a module's tensor in place, keeping the object identity that optimizers hold on to:
// the data is replaced (Tensor::set_data), and the accumulated gradient is converted the same way.
// dtype < 0 keeps the dtype, device_type < 0 keeps the device, memory_format < 0 keeps the layout;
// a memory format only applies to tensors of the rank it is defined for (4-D channels_last,
// 5-D channels_last_3d), as in PyTorch's Module.to(memory_format=...).
PG_API int pg_nn_convert_in_place(TensorHandle t, int dtype, int device_type, int device_index, int memory_format) {
    PG_TRY
    at::NoGradGuard no_grad;
    auto convert = [&](const at::Tensor& x) {
        at::Tensor y = x;
        if (device_type >= 0 || dtype >= 0) {
            at::Device device = device_type >= 0
                ? at::Device(static_cast<c10::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index))
                : x.device();
            at::ScalarType type = dtype >= 0 ? static_cast<at::ScalarType>(dtype) : x.scalar_type();
            y = y.to(device, type, /*non_blocking=*/false, /*copy=*/false, c10::MemoryFormat::Preserve);
        }
        if (memory_format >= 0) {
            auto format = static_cast<c10::MemoryFormat>(memory_format);
            bool applies = (format == c10::MemoryFormat::ChannelsLast && y.dim() == 4) ||
                           (format == c10::MemoryFormat::ChannelsLast3d && y.dim() == 5) ||
                           format == c10::MemoryFormat::Contiguous;
            if (applies) y = y.contiguous(format);
        }
        return y;
    };
    at::Tensor converted = convert(*t);
    if (!converted.is_same(*t)) t->set_data(converted);
    at::Tensor& grad = t->mutable_grad();
    if (grad.defined()) {
        at::Tensor g = convert(grad);
        if (!g.is_same(grad)) grad = g;
    }
    return 0;
    PG_CATCH(-1)
}
