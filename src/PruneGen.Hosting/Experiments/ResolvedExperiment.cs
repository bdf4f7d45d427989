using System.Text;
using PruneGen.Hosting.Configuration;
using PruneGen.Training;

namespace PruneGen.Experiments;

/// <summary>One option's final value; <see cref="Origin"/> is null when it is the default.</summary>
public sealed record ResolvedOption(OptionSpec Spec, string Yaml, object Plain, SourceLocation? Origin);

/// <summary>An experiment with its options bound: what a run executes and records.</summary>
public sealed class ResolvedExperiment
{
    internal ResolvedExperiment(ExperimentDefinition definition, ExperimentOptions options, IReadOnlyList<ResolvedOption> values,
        NetworkFactory createNetwork, Func<TrainingMethod> createMethod)
    {
        Definition = definition;
        Options = options;
        Values = values;
        CreateNetwork = createNetwork;
        CreateMethod = createMethod;
    }

    public ExperimentDefinition Definition { get; }

    /// <summary>The typed options (the experiment's own options class).</summary>
    public ExperimentOptions Options { get; }

    public IReadOnlyList<ResolvedOption> Values { get; }
    public NetworkFactory CreateNetwork { get; }
    public Func<TrainingMethod> CreateMethod { get; }

    /// <summary>
    /// The resolved config as YAML: the experiment's name and every option with its value, each
    /// commented with its accepted values and where a non-default value came from. Reading it back
    /// (<c>resume</c>, <c>--config</c>) reproduces the same options.
    /// </summary>
    public string ToYaml()
    {
        var text = new StringBuilder();
        text.Append("# Resolved configuration of this run: every option, with where non-default values came from.\n");
        text.Append($"# Re-run with: run {Definition.Name} --config <this file>\n");
        text.Append($"{ExperimentDefinition.ExperimentKey}: {Definition.Name}\n");
        int width = Values.Max(v => v.Spec.Key.Length + 2 + v.Yaml.Length);
        foreach (ResolvedOption v in Values)
        {
            string line = $"{v.Spec.Key}: {v.Yaml}";
            string origin = v.Origin is null ? "" : $"; from {v.Origin}";
            text.Append(line.PadRight(width)).Append("  # ").Append(v.Spec.Describe()).Append(origin).Append(" - ").Append(v.Spec.Description).Append('\n');
        }
        return text.ToString();
    }
}
