using System.Text.Json.Nodes;
using PruneGen.Torch.Native;
using static PruneGen.Torch.torch.optim;
using Parameter = PruneGen.Torch.torch.nn.Parameter;

namespace PruneGen.Torch.Modules;

/// <summary>
/// What Adam and AdamW share: options (betas, eps, weight decay, AMSGrad) and per-parameter state
/// (step, exp_avg, exp_avg_sq, max_exp_avg_sq). They differ only in how weight decay is applied.
/// </summary>
public abstract class AdamBase : Optimizer, IBetas
{
    private static readonly string[] s_stateKeys = ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"];
    private static readonly string[] s_requiredStateKeys = ["step", "exp_avg", "exp_avg_sq"];

    private protected AdamBase(NativeMethods.OptimizerKind kind, IEnumerable<ParamGroup> parameters, double lr, double beta1, double beta2,
        double eps, double weight_decay, bool amsgrad, bool maximize)
        : base(kind, new Options
        {
            LearningRate = lr,
            InitialLearningRate = lr,
            beta1 = beta1,
            beta2 = beta2,
            eps = eps,
            weight_decay = weight_decay,
            amsgrad = amsgrad,
            maximize = maximize,
        })
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Validate((Options)_defaults, "");
        foreach (ParamGroup group in parameters) add_param_group(group);
    }

    /// <summary>The first group's betas; setting them sets every group's.</summary>
    public (double, double) Betas
    {
        get
        {
            var o = (Options)(Groups.Count > 0 ? Groups[0].Options : _defaults);
            return (o.beta1 ?? 0, o.beta2 ?? 0);
        }
        set
        {
            foreach (Modules.ParamGroup g in Groups)
            {
                var o = (Options)g.Options;
                (o.beta1, o.beta2) = value;
            }
        }
    }

    private protected override OptimizerOptions CreateOptions() => new Options();

    private protected override string[] StateKeys => s_stateKeys;

    private protected override string[] RequiredStateKeys => s_requiredStateKeys;

    private protected override void CompleteOptions(OptimizerOptions options)
    {
        var o = (Options)options;
        var d = (Options)_defaults;
        o.beta1 ??= d.beta1;
        o.beta2 ??= d.beta2;
        o.eps ??= d.eps;
        o.weight_decay ??= d.weight_decay;
        o.amsgrad ??= d.amsgrad;
        o.maximize ??= d.maximize;
    }

    private protected override void ValidateOptions(OptimizerOptions options, int groupIndex) =>
        Validate((Options)options, $"parameter group {groupIndex}: ");

    private static void Validate(Options o, string where)
    {
        if (!(o.LearningRate >= 0)) throw new ArgumentException($"{where}invalid learning rate: {o.LearningRate}");
        if (!(o.eps >= 0)) throw new ArgumentException($"{where}invalid epsilon value: {o.eps}");
        if (!(o.beta1 >= 0 && o.beta1 < 1)) throw new ArgumentException($"{where}invalid beta parameter at index 0: {o.beta1}");
        if (!(o.beta2 >= 0 && o.beta2 < 1)) throw new ArgumentException($"{where}invalid beta parameter at index 1: {o.beta2}");
        if (!(o.weight_decay >= 0)) throw new ArgumentException($"{where}invalid weight_decay value: {o.weight_decay}");
    }

    /// <summary>Adam/AdamW hyperparameters of one parameter group (null: take the optimizer's default).</summary>
    public class Options : OptimizerOptions
    {
        public double? beta1;
        public double? beta2;
        public double? eps;
        public double? weight_decay;
        public bool? amsgrad;
        public bool? maximize;

        public override void LoadStateDict(OptimizerOptions source)
        {
            base.LoadStateDict(source);
            var s = (Options)source;
            beta1 = s.beta1;
            beta2 = s.beta2;
            eps = s.eps;
            weight_decay = s.weight_decay;
            amsgrad = s.amsgrad;
            maximize = s.maximize;
        }

        internal override void Pack(ref NativeMethods.OptimizerGroupOptions native)
        {
            base.Pack(ref native);
            native.beta1 = beta1 ?? 0;
            native.beta2 = beta2 ?? 0;
            native.eps = eps ?? 0;
            native.weight_decay = weight_decay ?? 0;
            native.amsgrad = amsgrad == true ? 1 : 0;
            native.maximize = maximize == true ? 1 : 0;
        }

        internal override void WriteJson(JsonObject json)
        {
            base.WriteJson(json);
            json["betas"] = new JsonArray(beta1, beta2);
            json["eps"] = eps;
            json["weight_decay"] = weight_decay;
            json["amsgrad"] = amsgrad;
            json["maximize"] = maximize;
        }

        internal override void ReadJson(JsonObject json)
        {
            base.ReadJson(json);
            if (json["betas"] is not JsonArray { Count: 2 } betas || betas[0] is not JsonValue b1 || betas[1] is not JsonValue b2 ||
                !b1.TryGetValue(out double v1) || !b2.TryGetValue(out double v2))
                throw new InvalidDataException("parameter group entry 'betas' is missing or not a pair of numbers");
            (beta1, beta2) = (v1, v2);
            eps = ReadDouble(json, "eps");
            weight_decay = ReadDouble(json, "weight_decay");
            amsgrad = ReadBool(json, "amsgrad");
            maximize = ReadBool(json, "maximize");
        }
    }

    /// <summary>An Adam/AdamW parameter group; schedulers cycle its beta1 as the momentum.</summary>
    public class ParamGroup : ParamGroup<Options>, IBetas
    {
        public ParamGroup() { }

        public ParamGroup(IEnumerable<Parameter> parameters, Options? options = null) : base(parameters, options) { }

        public ParamGroup(IEnumerable<Parameter> parameters, double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
            double weight_decay = 0, bool amsgrad = false, bool maximize = false)
            : base(parameters, new Options { LearningRate = lr, beta1 = beta1, beta2 = beta2, eps = eps, weight_decay = weight_decay, amsgrad = amsgrad, maximize = maximize })
        {
        }

        public (double, double) Betas
        {
            get => (Options.beta1 ?? 0, Options.beta2 ?? 0);
            set => (Options.beta1, Options.beta2) = value;
        }
    }
}

/// <summary>
/// Adam with the L2 penalty added to the gradient. Per parameter, as PyTorch 1.13 (torch/optim/adam.py):
/// g += wd·p; m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²; (AMSGrad: v̂ = max(v̂, v));
/// p −= lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps).
/// </summary>
public class Adam : AdamBase
{
    public Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weight_decay = 0, bool amsgrad = false, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, beta1, beta2, eps, weight_decay, amsgrad, maximize)
    {
    }

    public Adam(IEnumerable<ParamGroup> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weight_decay = 0, bool amsgrad = false, bool maximize = false)
        : base(NativeMethods.OptimizerKind.Adam, parameters, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize)
    {
    }
}

/// <summary>
/// AdamW: Adam with decoupled weight decay, p *= 1 − lr·wd before the moment updates, as PyTorch 1.13
/// (torch/optim/adamw.py). The default weight decay is 0.01.
/// </summary>
public class AdamW : AdamBase
{
    public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weight_decay = 0.01, bool amsgrad = false, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, beta1, beta2, eps, weight_decay, amsgrad, maximize)
    {
    }

    public AdamW(IEnumerable<ParamGroup> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weight_decay = 0.01, bool amsgrad = false, bool maximize = false)
        : base(NativeMethods.OptimizerKind.AdamW, parameters, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize)
    {
    }
}
