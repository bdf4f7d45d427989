using System.Text.Json.Nodes;
using PruneGen.Torch.Native;
using static PruneGen.Torch.torch.optim;
using Parameter = PruneGen.Torch.torch.nn.Parameter;

namespace PruneGen.Torch.Modules;

/// <summary>
/// Stochastic gradient descent with optional (Nesterov) momentum, dampening and L2 weight decay.
/// Per parameter, as PyTorch 1.13 (torch/optim/sgd.py):
/// d = g + wd·p; buf = d on the first step, else momentum·buf + (1 − dampening)·d;
/// d = nesterov ? d + momentum·buf : buf; p −= lr·d.
/// </summary>
public class SGD : Optimizer, IMomentum
{
    private static readonly string[] s_stateKeys = ["momentum_buffer"];

    public SGD(IEnumerable<Parameter> parameters, double lr, double momentum = 0, double dampening = 0,
        double weight_decay = 0, bool nesterov = false, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, momentum, dampening, weight_decay, nesterov, maximize)
    {
    }

    public SGD(IEnumerable<ParamGroup> parameters, double lr, double momentum = 0, double dampening = 0,
        double weight_decay = 0, bool nesterov = false, bool maximize = false)
        : base(NativeMethods.OptimizerKind.Sgd, new Options
        {
            LearningRate = lr,
            InitialLearningRate = lr,
            momentum = momentum,
            dampening = dampening,
            weight_decay = weight_decay,
            nesterov = nesterov,
            maximize = maximize,
        })
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Validate((Options)_defaults, "");
        foreach (ParamGroup group in parameters) add_param_group(group);
    }

    /// <summary>The largest momentum over the groups; setting it sets every group's.</summary>
    public double Momentum
    {
        get => Groups.Select(g => ((Options)g.Options).momentum ?? 0).DefaultIfEmpty(((Options)_defaults).momentum ?? 0).Max();
        set
        {
            foreach (Modules.ParamGroup g in Groups) ((Options)g.Options).momentum = value;
        }
    }

    private protected override OptimizerOptions CreateOptions() => new Options();

    private protected override string[] StateKeys => s_stateKeys;

    private protected override void CompleteOptions(OptimizerOptions options)
    {
        var o = (Options)options;
        var d = (Options)_defaults;
        o.momentum ??= d.momentum;
        o.dampening ??= d.dampening;
        o.weight_decay ??= d.weight_decay;
        o.nesterov ??= d.nesterov;
        o.maximize ??= d.maximize;
    }

    private protected override void ValidateOptions(OptimizerOptions options, int groupIndex) =>
        Validate((Options)options, $"parameter group {groupIndex}: ");

    private static void Validate(Options o, string where)
    {
        if (!(o.LearningRate >= 0)) throw new ArgumentException($"{where}invalid learning rate: {o.LearningRate}");
        if (!(o.momentum >= 0)) throw new ArgumentException($"{where}invalid momentum value: {o.momentum}");
        if (!(o.weight_decay >= 0)) throw new ArgumentException($"{where}invalid weight_decay value: {o.weight_decay}");
        if (o.nesterov == true && (o.momentum <= 0 || o.dampening != 0))
            throw new ArgumentException($"{where}Nesterov momentum requires a momentum and zero dampening");
    }

    /// <summary>SGD hyperparameters of one parameter group (null: take the optimizer's default).</summary>
    public class Options : OptimizerOptions
    {
        public double? momentum;
        public double? dampening;
        public double? weight_decay;
        public bool? nesterov;
        public bool? maximize;

        public override void LoadStateDict(OptimizerOptions source)
        {
            base.LoadStateDict(source);
            var s = (Options)source;
            momentum = s.momentum;
            dampening = s.dampening;
            weight_decay = s.weight_decay;
            nesterov = s.nesterov;
            maximize = s.maximize;
        }

        internal override void Pack(ref NativeMethods.OptimizerGroupOptions native)
        {
            base.Pack(ref native);
            native.momentum = momentum ?? 0;
            native.dampening = dampening ?? 0;
            native.weight_decay = weight_decay ?? 0;
            native.nesterov = nesterov == true ? 1 : 0;
            native.maximize = maximize == true ? 1 : 0;
        }

        internal override void WriteJson(JsonObject json)
        {
            base.WriteJson(json);
            json["momentum"] = momentum;
            json["dampening"] = dampening;
            json["weight_decay"] = weight_decay;
            json["nesterov"] = nesterov;
            json["maximize"] = maximize;
        }

        internal override void ReadJson(JsonObject json)
        {
            base.ReadJson(json);
            momentum = ReadDouble(json, "momentum");
            dampening = ReadDouble(json, "dampening");
            weight_decay = ReadDouble(json, "weight_decay");
            nesterov = ReadBool(json, "nesterov");
            maximize = ReadBool(json, "maximize");
        }
    }

    /// <summary>An SGD parameter group; its momentum can be cycled by schedulers.</summary>
    public class ParamGroup : ParamGroup<Options>, IMomentum
    {
        public ParamGroup() { }

        public ParamGroup(IEnumerable<Parameter> parameters, Options? options = null) : base(parameters, options) { }

        public ParamGroup(IEnumerable<Parameter> parameters, double lr, double momentum = 0, double dampening = 0,
            double weight_decay = 0, bool nesterov = false, bool maximize = false)
            : base(parameters, new Options { LearningRate = lr, momentum = momentum, dampening = dampening, weight_decay = weight_decay, nesterov = nesterov, maximize = maximize })
        {
        }

        public double Momentum
        {
            get => Options.momentum ?? 0;
            set => Options.momentum = value;
        }
    }
}
