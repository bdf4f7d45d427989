namespace PruneGen.Hosting.Tests;

/// <summary>
/// Tests that seed or read libtorch's default generator or change its thread count share global state,
/// so they run one at a time (and never beside another class in this collection).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGlobalState
{
    public const string Name = "libtorch global state";
}
