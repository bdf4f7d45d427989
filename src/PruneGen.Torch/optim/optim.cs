using Parameter = PruneGen.Torch.torch.nn.Parameter;

namespace PruneGen.Torch;

public static partial class torch
{
    /// <summary>
    /// Optimizers and learning-rate schedules, with TorchSharp's names and signatures. The update math
    /// equals PyTorch 1.13's single-tensor implementations; each step runs natively over all parameters.
    /// </summary>
    public static partial class optim
    {
        /// <summary>Stochastic gradient descent, optionally with (Nesterov) momentum.</summary>
        /// <param name="parameters">Parameters to optimize.</param>
        /// <param name="lr">Learning rate.</param>
        /// <param name="momentum">Momentum factor (default 0).</param>
        /// <param name="dampening">Dampening for momentum (default 0).</param>
        /// <param name="weight_decay">L2 penalty (default 0).</param>
        /// <param name="nesterov">Enables Nesterov momentum (needs momentum &gt; 0 and no dampening).</param>
        /// <param name="maximize">Maximizes the objective instead of minimizing it.</param>
        public static Modules.SGD SGD(IEnumerable<Parameter> parameters, double lr, double momentum = 0, double dampening = 0,
            double weight_decay = 0, bool nesterov = false, bool maximize = false) =>
            new(parameters, lr, momentum, dampening, weight_decay, nesterov, maximize);

        /// <inheritdoc cref="SGD(IEnumerable{Parameter}, double, double, double, double, bool, bool)"/>
        public static Modules.SGD SGD(IEnumerable<(string name, Parameter parameter)> parameters, double lr, double momentum = 0,
            double dampening = 0, double weight_decay = 0, bool nesterov = false, bool maximize = false) =>
            new(parameters.Select(np => np.parameter), lr, momentum, dampening, weight_decay, nesterov, maximize);

        /// <summary>SGD over several parameter groups; options a group leaves unset come from these arguments.</summary>
        public static Modules.SGD SGD(IEnumerable<Modules.SGD.ParamGroup> parameters, double lr, double momentum = 0, double dampening = 0,
            double weight_decay = 0, bool nesterov = false, bool maximize = false) =>
            new(parameters, lr, momentum, dampening, weight_decay, nesterov, maximize);

        /// <summary>Adam (Kingma &amp; Ba), with an L2 penalty added to the gradient when weight_decay is set.</summary>
        /// <param name="parameters">Parameters to optimize.</param>
        /// <param name="lr">Learning rate (default 1e-3).</param>
        /// <param name="beta1">Decay of the running average of the gradient (default 0.9).</param>
        /// <param name="beta2">Decay of the running average of the squared gradient (default 0.999).</param>
        /// <param name="eps">Added to the denominator for numerical stability (default 1e-8).</param>
        /// <param name="weight_decay">L2 penalty (default 0).</param>
        /// <param name="amsgrad">Uses the AMSGrad variant (running maximum of the second moment).</param>
        /// <param name="maximize">Maximizes the objective instead of minimizing it.</param>
        public static Modules.Adam Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
            double eps = 1e-8, double weight_decay = 0, bool amsgrad = false, bool maximize = false) =>
            new(parameters, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize);

        /// <inheritdoc cref="Adam(IEnumerable{Parameter}, double, double, double, double, double, bool, bool)"/>
        public static Modules.Adam Adam(IEnumerable<(string name, Parameter parameter)> parameters, double lr = 1e-3, double beta1 = 0.9,
            double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0, bool amsgrad = false, bool maximize = false) =>
            new(parameters.Select(np => np.parameter), lr, beta1, beta2, eps, weight_decay, amsgrad, maximize);

        /// <summary>Adam over several parameter groups; options a group leaves unset come from these arguments.</summary>
        public static Modules.Adam Adam(IEnumerable<Modules.Adam.ParamGroup> parameters, double lr = 1e-3, double beta1 = 0.9,
            double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0, bool amsgrad = false, bool maximize = false) =>
            new(parameters, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize);

        /// <summary>AdamW (Loshchilov &amp; Hutter): Adam with weight decay decoupled from the gradient.</summary>
        /// <param name="parameters">Parameters to optimize.</param>
        /// <param name="lr">Learning rate (default 1e-3).</param>
        /// <param name="beta1">Decay of the running average of the gradient (default 0.9).</param>
        /// <param name="beta2">Decay of the running average of the squared gradient (default 0.999).</param>
        /// <param name="eps">Added to the denominator for numerical stability (default 1e-8).</param>
        /// <param name="weight_decay">Decoupled weight decay coefficient (default 0.01).</param>
        /// <param name="amsgrad">Uses the AMSGrad variant (running maximum of the second moment).</param>
        /// <param name="maximize">Maximizes the objective instead of minimizing it.</param>
        public static Modules.AdamW AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
            double eps = 1e-8, double weight_decay = 0.01, bool amsgrad = false, bool maximize = false) =>
            new(parameters, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize);

        /// <inheritdoc cref="AdamW(IEnumerable{Parameter}, double, double, double, double, double, bool, bool)"/>
        public static Modules.AdamW AdamW(IEnumerable<(string name, Parameter parameter)> parameters, double lr = 1e-3, double beta1 = 0.9,
            double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0.01, bool amsgrad = false, bool maximize = false) =>
            new(parameters.Select(np => np.parameter), lr, beta1, beta2, eps, weight_decay, amsgrad, maximize);

        /// <summary>AdamW over several parameter groups; options a group leaves unset come from these arguments.</summary>
        public static Modules.AdamW AdamW(IEnumerable<Modules.AdamW.ParamGroup> parameters, double lr = 1e-3, double beta1 = 0.9,
            double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0.01, bool amsgrad = false, bool maximize = false) =>
            new(parameters, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize);

        /// <summary>What learning-rate schedulers read and write on each parameter group.</summary>
        public interface ILearningRateController
        {
            /// <summary>The learning rate the next step uses.</summary>
            double LearningRate { get; set; }

            /// <summary>The learning rate schedules start from (PyTorch's initial_lr).</summary>
            double InitialLearningRate { get; set; }
        }

        /// <summary>A parameter group with a momentum that schedulers may cycle (SGD).</summary>
        public interface IMomentum
        {
            double Momentum { get; set; }
        }

        /// <summary>A parameter group with Adam-style betas; schedulers cycle beta1 as the momentum.</summary>
        public interface IBetas
        {
            (double, double) Betas { get; set; }
        }
    }
}
