using PruneGen.Hosting.Configuration;
using PruneGen.Structure;
using PruneGen.Training;

namespace PruneGen.Experiments;

/// <summary>
/// An experiment: a network, a training method with typed options, a dataset and a budget. This is the
/// runtime contract that generated <c>[Experiment]</c> classes fill in; the host runs it.
/// </summary>
public abstract class ExperimentDefinition
{
    /// <summary>Reserved config key naming the experiment (written into every resolved config).</summary>
    public const string ExperimentKey = "experiment";

    private protected ExperimentDefinition(string name, string description, string network, string method, ExperimentDataset dataset, ExperimentBudget budget)
    {
        if (!IsKebabCase(name)) throw new ArgumentException($"experiment name '{name}' must be kebab-case (lower-case letters, digits, '-')", nameof(name));
        ArgumentException.ThrowIfNullOrEmpty(network);
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(budget);
        Name = name;
        Description = description;
        Network = network;
        Method = method;
        Dataset = dataset;
        Budget = budget;
    }

    public string Name { get; }
    public string Description { get; }

    /// <summary>The network's name (as in the catalog's networks, e.g. "ResNet20").</summary>
    public string Network { get; }

    /// <summary>The method's name, e.g. "dense", "cat", "l1".</summary>
    public string Method { get; }

    public ExperimentDataset Dataset { get; }
    public ExperimentBudget Budget { get; }

    /// <summary>Every option (common keys first) as plain specifications, defaults as this experiment sets them.</summary>
    public abstract IReadOnlyList<OptionSpec> OptionSpecs { get; }

    /// <summary>
    /// Checks <paramref name="sources"/> (config file, <c>--set</c> arguments, in increasing precedence)
    /// against the options and binds them. Throws <see cref="ConfigException"/> listing every error.
    /// </summary>
    public abstract ResolvedExperiment Resolve(IEnumerable<ConfigSource> sources);

    public static bool IsKebabCase(string name) =>
        name.Length > 0 && char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') && !name.EndsWith('-');
}

/// <summary>An experiment whose options are a <typeparamref name="TOptions"/> object.</summary>
public sealed class Experiment<TOptions> : ExperimentDefinition where TOptions : ExperimentOptions
{
    private readonly Func<TOptions> _createOptions;
    private readonly Func<TOptions, WidthsSidecar?, TrainableNetwork> _createNetwork;
    private readonly Func<TOptions, TrainingMethod> _createMethod;

    /// <param name="createOptions">A new options object (its property values are overwritten by the defaults).</param>
    /// <param name="options">Descriptors of every option, the common ones (<see cref="CommonOptions.Descriptors{T}"/>) included.</param>
    /// <param name="createNetwork">Network factory: full size for null widths, else the widths of a checkpoint.</param>
    /// <param name="createMethod">The training method for the resolved options.</param>
    public Experiment(string name, string description, string network, string method, ExperimentDataset dataset, ExperimentBudget budget,
        Func<TOptions> createOptions, IEnumerable<OptionDescriptor<TOptions>> options,
        Func<TOptions, WidthsSidecar?, TrainableNetwork> createNetwork, Func<TOptions, TrainingMethod> createMethod)
        : base(name, description, network, method, dataset, budget)
    {
        ArgumentNullException.ThrowIfNull(createOptions);
        ArgumentNullException.ThrowIfNull(createNetwork);
        ArgumentNullException.ThrowIfNull(createMethod);
        Schema = new OptionSchema<TOptions>(options);
        foreach (string key in new[] { CommonOptions.Epochs, CommonOptions.StepsPerEpoch, CommonOptions.BatchSize, CommonOptions.Seed, CommonOptions.Threads, CommonOptions.TrainSubset })
            if (Schema.Find(key) is null) throw new ArgumentException($"experiment '{name}' lacks the common option '{key}'; include CommonOptions.Descriptors<T>()", nameof(options));
        if (Schema.Find(ExperimentKey) is not null) throw new ArgumentException($"'{ExperimentKey}' is a reserved key", nameof(options));
        _createOptions = createOptions;
        _createNetwork = createNetwork;
        _createMethod = createMethod;

        TOptions defaults = CreateDefaults();
        OptionSpecs = Schema.Descriptors.Select(d => d.Spec with { DefaultText = d.FormatYaml(defaults) }).ToArray();
    }

    public OptionSchema<TOptions> Schema { get; }
    public override IReadOnlyList<OptionSpec> OptionSpecs { get; }

    /// <summary>Options at their defaults, with this experiment's budget applied.</summary>
    public TOptions CreateDefaults()
    {
        TOptions options = _createOptions();
        foreach (OptionDescriptor<TOptions> d in Schema.Descriptors) d.ApplyDefault(options);
        Budget.ApplyTo(options);
        return options;
    }

    public override ResolvedExperiment Resolve(IEnumerable<ConfigSource> sources)
    {
        ConfigBinding binding = ConfigValidator.Validate(Schema.Specs, sources.ToArray(), [ExperimentKey]).ThrowIfErrors();
        TOptions options = CreateDefaults();
        foreach ((string key, BoundValue value) in binding.Values) Schema.Find(key)!.SetParsed(options, value.Value);
        var values = Schema.Descriptors
            .Select(d => new ResolvedOption(d.Spec, d.FormatYaml(options), d.GetPlain(options), binding.Values.GetValueOrDefault(d.Key)?.Origin))
            .ToArray();
        return new ResolvedExperiment(this, options, values, widths => _createNetwork(options, widths), () => _createMethod(options));
    }
}
