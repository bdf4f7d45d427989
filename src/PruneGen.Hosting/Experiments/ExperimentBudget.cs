namespace PruneGen.Experiments;

/// <summary>
/// An experiment's default training budget: it replaces the common options' defaults, and config files
/// or <c>--set</c> override it in turn.
/// </summary>
public sealed record ExperimentBudget(int Epochs, int StepsPerEpoch = 0, int BatchSize = 128, int TrainSubset = 0)
{
    internal void ApplyTo(ExperimentOptions options)
    {
        options.Epochs = Epochs;
        options.StepsPerEpoch = StepsPerEpoch;
        options.BatchSize = BatchSize;
        options.TrainSubset = TrainSubset;
    }
}
