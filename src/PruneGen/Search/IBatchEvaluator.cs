namespace PruneGen.Search;

/// <summary>
/// Computes the objectives (all minimised) of a batch of genomes. The engine hands over a whole
/// generation at once so an implementation can evaluate in parallel, or on an accelerator, as it
/// sees fit. It is called from the engine's thread only and must not keep the arrays it is given.
/// </summary>
public interface IBatchEvaluator<TGenome>
{
    int ObjectiveCount { get; }

    /// <summary>Writes genome i's objectives into <c>objectives[i]</c> (preallocated, length <see cref="ObjectiveCount"/>).</summary>
    void Evaluate(IReadOnlyList<TGenome> genomes, double[][] objectives);
}

/// <summary>Objectives of one genome written into <paramref name="objectives"/> (all minimised).</summary>
public delegate void ObjectiveFunction<in TGenome>(TGenome genome, Span<double> objectives);

/// <summary>
/// A batch evaluator over a per-genome function, sequential or spread over threads. The function must
/// be thread-safe when <paramref name="maxDegreeOfParallelism"/> is above 1; results do not depend on
/// the degree, since each genome writes its own row.
/// </summary>
public sealed class FunctionEvaluator<TGenome>(int objectiveCount, ObjectiveFunction<TGenome> function, int maxDegreeOfParallelism = 1)
    : IBatchEvaluator<TGenome>
{
    public int ObjectiveCount { get; } = objectiveCount > 0
        ? objectiveCount
        : throw new ArgumentOutOfRangeException(nameof(objectiveCount), objectiveCount, "at least one objective is needed");

    private readonly int _degree = maxDegreeOfParallelism >= 1
        ? maxDegreeOfParallelism
        : throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "must be at least 1");

    public void Evaluate(IReadOnlyList<TGenome> genomes, double[][] objectives)
    {
        if (_degree == 1 || genomes.Count < 2)
        {
            for (int i = 0; i < genomes.Count; i++) function(genomes[i], objectives[i]);
            return;
        }
        Parallel.For(0, genomes.Count, new ParallelOptions { MaxDegreeOfParallelism = _degree },
            i => function(genomes[i], objectives[i]));
    }
}
