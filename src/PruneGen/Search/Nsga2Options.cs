namespace PruneGen.Search;

/// <summary>Size, length and seed of an NSGA-II run; operators are passed separately.</summary>
public sealed record Nsga2Options
{
    /// <summary>Parents per generation (mu); each generation also makes this many children (lambda).</summary>
    public int PopulationSize { get; init; } = 100;

    /// <summary>Generations after the initial population; evaluations = PopulationSize * (Generations + 1).</summary>
    public int Generations { get; init; } = 250;

    /// <summary>Fixes every random draw: the same seed, operators and evaluator give the same run.</summary>
    public long Seed { get; init; }

    /// <summary>Keep every generation's first front (objective values only) in the result's history.</summary>
    public bool RecordHistory { get; init; } = true;

    internal void Validate()
    {
        if (PopulationSize < 2)
            throw new ArgumentOutOfRangeException(nameof(PopulationSize), PopulationSize, "NSGA-II needs a population of at least 2 (tournaments pick two individuals)");
        if (Generations < 0)
            throw new ArgumentOutOfRangeException(nameof(Generations), Generations, "the number of generations cannot be negative");
    }
}

/// <summary>The first front after a generation, and how many evaluations it took to get there.</summary>
/// <param name="Generation">0 for the initial population.</param>
/// <param name="Evaluations">Evaluations since the start of the run, this generation's included.</param>
/// <param name="Front">Objective vectors of the first front, sorted lexicographically (copies).</param>
public sealed record GenerationRecord(int Generation, long Evaluations, double[][] Front);

/// <summary>What an NSGA-II run produced.</summary>
public sealed class Nsga2Result<TGenome>
{
    internal Nsga2Result(IReadOnlyList<Individual<TGenome>> population, long evaluations, IReadOnlyList<GenerationRecord> history)
    {
        Population = population;
        Front = population.Where(i => i.Rank == 0).OrderBy(i => i.Values, LexicographicComparer.Instance).ToArray();
        Evaluations = evaluations;
        History = history;
    }

    /// <summary>The final population, ordered by rank, then by decreasing crowding distance.</summary>
    public IReadOnlyList<Individual<TGenome>> Population { get; }

    /// <summary>The final population's non-dominated individuals, sorted lexicographically by objectives.</summary>
    public IReadOnlyList<Individual<TGenome>> Front { get; }

    /// <summary>Genomes evaluated in total.</summary>
    public long Evaluations { get; }

    /// <summary>One record per generation (empty when <see cref="Nsga2Options.RecordHistory"/> is off).</summary>
    public IReadOnlyList<GenerationRecord> History { get; }

    /// <summary>The first front's objective vectors (copies), in <see cref="Front"/>'s order.</summary>
    public double[][] FrontObjectives() => Front.Select(i => i.Values.ToArray()).ToArray();
}

internal sealed class LexicographicComparer : IComparer<double[]>
{
    public static readonly LexicographicComparer Instance = new();

    public int Compare(double[]? x, double[]? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        for (int i = 0; i < Math.Min(x.Length, y.Length); i++)
        {
            int c = x[i].CompareTo(y[i]);
            if (c != 0) return c;
        }
        return x.Length.CompareTo(y.Length);
    }
}
