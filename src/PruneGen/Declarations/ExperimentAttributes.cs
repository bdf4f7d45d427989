namespace PruneGen;

/// <summary>
/// Declares an experiment: a <c>partial</c> class deriving from <c>PruneGen.Experiments.ExperimentOptions</c>
/// (directly or through a shared options class). The class is the experiment's typed options: its
/// <see cref="OptionAttribute"/> properties (its own and its base classes') become config keys next to
/// the common ones. It names the network, the method, the dataset and the default budget here, and
/// builds its training method in an instance method <c>TrainingMethod CreateMethod()</c> that reads
/// the resolved options. The generator emits the option descriptors, the experiment definition
/// (<c>static Definition</c>) and, for a program, the catalog and <c>Main</c>.
/// </summary>
/// <example>
/// <code>
/// [Experiment("resnet20-dense", Network = typeof(ResNet20), Method = "dense", Epochs = 30,
///     Description = "ResNet-20 trained without pruning (the reference point)")]
/// public partial class ResNet20Dense : ExperimentOptions
/// {
///     public TrainingMethod CreateMethod() => new DenseTraining();
/// }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ExperimentAttribute : Attribute
{
    /// <param name="name">The experiment's name on the command line, kebab-case (e.g. "resnet20-l1").</param>
    public ExperimentAttribute(string name) => Name = name;

    public string Name { get; }

    /// <summary>A <c>[Network]</c> class (from the zoo or this project). Required.</summary>
    public Type? Network { get; set; }

    /// <summary>The method's short name for listings and reports, e.g. "dense", "l1". Required.</summary>
    public string Method { get; set; } = "";

    /// <summary>
    /// "fashion-mnist" (crop-and-flip augmentation), "fashion-mnist-plain" (no augmentation) or
    /// "synthetic" (the deterministic synthetic set, 1×28×28, 10 classes: for tests and smoke runs).
    /// </summary>
    public string Dataset { get; set; } = "fashion-mnist";

    /// <summary>One line for <c>list</c>.</summary>
    public string Description { get; set; } = "";

    /// <summary>Default training epochs (the budget). Required, at least 1.</summary>
    public int Epochs { get; set; }

    /// <summary>Default optimizer steps per epoch (0 = the whole training set).</summary>
    public int StepsPerEpoch { get; set; }

    /// <summary>Default mini-batch size.</summary>
    public int BatchSize { get; set; } = 128;

    /// <summary>Default number of training images (0 = all).</summary>
    public int TrainSubset { get; set; }
}

/// <summary>
/// A typed option of an experiment (on a public read-write property of type int, long, double, bool,
/// string or an enum). The config key is the property name in snake_case unless <see cref="Key"/> says
/// otherwise; enum values are their member names in snake_case.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class OptionAttribute : Attribute
{
    /// <param name="description">One line for <c>list &lt;experiment&gt;</c> and the resolved config.</param>
    public OptionAttribute(string description) => Description = description;

    public string Description { get; }

    /// <summary>The config key (default: the property name in snake_case).</summary>
    public string? Key { get; set; }

    /// <summary>The default value, of the property's type (an enum member for an enum). Required.</summary>
    public object? Default { get; set; }

    /// <summary>Smallest accepted value (numbers only; NaN = no bound).</summary>
    public double Min { get; set; } = double.NaN;

    /// <summary>Largest accepted value (numbers only; NaN = no bound).</summary>
    public double Max { get; set; } = double.NaN;
}

/// <summary>
/// Gives one of the experiment's <see cref="OptionAttribute"/> options (typically inherited from a shared
/// options class) a different default in this experiment, e.g. <c>[OptionDefault("prune_epoch", 1)]</c>.
/// The value is checked against the option's type and range at build time. Common keys take their
/// defaults from the budget (<see cref="ExperimentAttribute.Epochs"/>, ...).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class OptionDefaultAttribute : Attribute
{
    public OptionDefaultAttribute(string key, object value)
    {
        Key = key;
        Value = value;
    }

    public string Key { get; }
    public object Value { get; }
}
