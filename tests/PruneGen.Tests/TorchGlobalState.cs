namespace PruneGen.Tests;

/// <summary>
/// Tests that seed libtorch's process-wide generator and compare runs drawn from it (training runs,
/// resumed against uninterrupted ones, gate sampling), or set its thread count: they run one at a
/// time and never beside other test classes, whose draws would otherwise interleave with theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGlobalState
{
    public const string Name = "libtorch global state";
}
