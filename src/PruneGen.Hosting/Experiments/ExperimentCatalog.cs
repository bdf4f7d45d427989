using PruneGen.Training;

namespace PruneGen.Experiments;

/// <summary>A network the command line can summarise or profile without running an experiment.</summary>
/// <param name="Name">e.g. "ResNet20".</param>
/// <param name="Create">Builds the full network.</param>
public sealed record NetworkDefinition(string Name, Func<TrainableNetwork> Create);

/// <summary>The experiments and networks of a program; a generated <c>Main</c> fills it and hands it to <see cref="Hosting.ExperimentHost"/>.</summary>
public sealed class ExperimentCatalog
{
    private readonly List<ExperimentDefinition> _experiments = new();
    private readonly List<NetworkDefinition> _networks = new();

    public IReadOnlyList<ExperimentDefinition> Experiments => _experiments;
    public IReadOnlyList<NetworkDefinition> Networks => _networks;

    public ExperimentCatalog Add(ExperimentDefinition experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        if (FindExperiment(experiment.Name) is not null) throw new ArgumentException($"experiment '{experiment.Name}' is registered twice", nameof(experiment));
        _experiments.Add(experiment);
        return this;
    }

    public ExperimentCatalog AddNetwork(NetworkDefinition network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (FindNetwork(network.Name) is not null) throw new ArgumentException($"network '{network.Name}' is registered twice", nameof(network));
        _networks.Add(network);
        return this;
    }

    public ExperimentCatalog AddNetwork(string name, Func<TrainableNetwork> create) => AddNetwork(new NetworkDefinition(name, create));

    public ExperimentDefinition? FindExperiment(string name) => _experiments.FirstOrDefault(e => e.Name == name);

    public NetworkDefinition? FindNetwork(string name) =>
        _networks.FirstOrDefault(n => n.Name == name) ?? _networks.FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase));
}
