namespace PruneGen.Search;

/// <summary>A genome with its objectives (minimised) and its place in the population's ordering.</summary>
public sealed class Individual<TGenome>
{
    internal Individual(TGenome genome, double[] objectives)
    {
        Genome = genome;
        Values = objectives;
    }

    public TGenome Genome { get; }

    /// <summary>Objective values, all minimised.</summary>
    public IReadOnlyList<double> Objectives => Values;

    /// <summary>Non-dominated front number within the last population it belonged to (0 = best).</summary>
    public int Rank { get; internal set; }

    /// <summary>Crowding distance within its front (+infinity at the front's extremes).</summary>
    public double Crowding { get; internal set; }

    // The engine's view: never written after evaluation.
    internal double[] Values { get; }
}
