using System.Text.Json.Nodes;
using PruneGen.Torch.Native;
using static PruneGen.Torch.torch.optim;
using Parameter = PruneGen.Torch.torch.nn.Parameter;

namespace PruneGen.Torch.Modules;

/// <summary>
/// Hyperparameters of one parameter group. Unset (null) values are filled from the optimizer's
/// defaults when the group is added. Each optimizer derives its own options type.
/// </summary>
public class OptimizerOptions
{
    public double? LearningRate { get; set; }
    public double InitialLearningRate { get; set; }

    /// <summary>Copies every value from <paramref name="source"/> (of the same options type).</summary>
    public virtual void LoadStateDict(OptimizerOptions source)
    {
        LearningRate = source.LearningRate;
        InitialLearningRate = source.InitialLearningRate;
    }

    /// <summary>A detached copy: later changes to this group do not show in it.</summary>
    internal OptimizerOptions Clone() => (OptimizerOptions)MemberwiseClone();

    /// <summary>Writes the values into the native step's per-group record.</summary>
    internal virtual void Pack(ref NativeMethods.OptimizerGroupOptions native) => native.lr = LearningRate ?? 0;

    /// <summary>Writes the values as PyTorch names them in an optimizer state dict's param_groups.</summary>
    internal virtual void WriteJson(JsonObject json)
    {
        json["lr"] = LearningRate;
        json["initial_lr"] = InitialLearningRate;
    }

    /// <summary>Reads what <see cref="WriteJson"/> wrote; a missing entry is an error naming it.</summary>
    internal virtual void ReadJson(JsonObject json)
    {
        LearningRate = ReadDouble(json, "lr");
        InitialLearningRate = ReadDouble(json, "initial_lr");
    }

    internal static double ReadDouble(JsonObject json, string name) =>
        json[name] is JsonValue v && v.TryGetValue(out double d)
            ? d
            : throw new InvalidDataException($"parameter group entry '{name}' is missing or not a number");

    internal static bool ReadBool(JsonObject json, string name) =>
        json[name] is JsonValue v && v.TryGetValue(out bool b)
            ? b
            : throw new InvalidDataException($"parameter group entry '{name}' is missing or not true/false");
}

/// <summary>A set of parameters that share hyperparameters (PyTorch's param_groups entry).</summary>
public class ParamGroup : ILearningRateController
{
    private IReadOnlyList<Parameter> _parameters = [];
    private OptimizerOptions? _options;
    private double _initialLearningRate;

    /// <summary>The optimizer this group belongs to, once added.</summary>
    internal Optimizer? Owner { get; set; }

    /// <summary>
    /// True once the initial learning rate was given explicitly or recorded by a scheduler; until then
    /// a new scheduler records the current rate (PyTorch's setdefault('initial_lr', lr)).
    /// </summary>
    internal bool InitialLearningRateFixed { get; set; }

    /// <summary>The group's parameters. Setting them on a group already in an optimizer re-registers them (state of parameters that stay is kept).</summary>
    public IEnumerable<Parameter> Parameters
    {
        get => _parameters;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            IReadOnlyList<Parameter> previous = _parameters;
            _parameters = value.ToList();
            try
            {
                Owner?.SyncParameters();
            }
            catch
            {
                _parameters = previous;
                throw;
            }
        }
    }

    public OptimizerOptions Options
    {
        get => _options ?? throw new InvalidOperationException("the parameter group has no options yet; add it to an optimizer first");
        set => _options = value;
    }

    internal bool HasOptions => _options is not null;

    /// <summary>
    /// The learning rate the next step uses. Not range-checked (as in PyTorch): a schedule may
    /// legitimately end below zero, e.g. OneCycleLR's linear anneal on its final step.
    /// </summary>
    public double LearningRate
    {
        get => Options.LearningRate ?? throw new InvalidOperationException("the parameter group has no learning rate");
        set => Options.LearningRate = value;
    }

    public double InitialLearningRate
    {
        get => _options?.InitialLearningRate ?? _initialLearningRate;
        set
        {
            _initialLearningRate = value;
            if (_options is not null) _options.InitialLearningRate = value;
            InitialLearningRateFixed = true;
        }
    }

    /// <summary>The initial learning rate set on the group itself (meaningful when <see cref="InitialLearningRateFixed"/>).</summary>
    internal double ExplicitInitialLearningRate => _initialLearningRate;

    internal IReadOnlyList<Parameter> ParameterList => _parameters;
}

/// <summary>A parameter group with a typed options record.</summary>
public class ParamGroup<TOptions> : ParamGroup where TOptions : OptimizerOptions
{
    public ParamGroup() { }

    public ParamGroup(IEnumerable<Parameter> parameters, TOptions? options = null)
    {
        Parameters = parameters;
        if (options is not null) base.Options = options;
    }

    public new TOptions Options
    {
        get => (TOptions)base.Options;
        set => base.Options = value;
    }
}
