using PruneGen.Search;
using PruneGen.Search.Operators;

namespace PruneGen.Methods.Emo;

/// <summary>A pruning mask of one sub-network with its measured error and MACs.</summary>
public sealed record PruningCandidate(bool[] Mask, double Error, long Macs);

/// <summary>What one sub-network's search found.</summary>
public sealed class SubNetworkSearchResult
{
    internal SubNetworkSearchResult(ISubNetworkProblem problem, double denseError, IReadOnlyList<PruningCandidate> front,
        long evaluations, IReadOnlyList<GenerationRecord> history)
    {
        (Name, DenseMacs, DenseError, Front, Evaluations, History) = (problem.Name, problem.DenseMacs, denseError, front, evaluations, history);
    }

    public string Name { get; }
    public long DenseMacs { get; }

    /// <summary>Error of the unpruned sub-network (the zero of the impairments).</summary>
    public double DenseError { get; }

    /// <summary>The final Pareto front in (error, MACs), by increasing error; duplicate masks removed.</summary>
    public IReadOnlyList<PruningCandidate> Front { get; }

    /// <summary>Masks evaluated, the unpruned reference included.</summary>
    public long Evaluations { get; }

    /// <summary>Per-generation first fronts in (error, remaining MAC fraction), for hypervolume-versus-evaluations curves.</summary>
    public IReadOnlyList<GenerationRecord> History { get; }

    /// <summary>The front as GPIR sees it: impairment over the dense error, gain in MACs removed.</summary>
    public GpirFront ToGpirFront() =>
        new(Name, DenseMacs, Front.Select(c => new GpirMember(c.Error - DenseError, DenseMacs - c.Macs)).ToArray());
}

/// <summary>
/// EMO's search of one sub-network: NSGA-II over bit masks (uniform crossover, bit-flip mutation,
/// the unpruned mask seeded and the rest drawn with a keep probability from U(min, max)) minimising
/// (error, fraction of the sub-network's MACs kept).
/// </summary>
public static class SubNetworkSearch
{
    public static SubNetworkSearchResult Run(ISubNetworkProblem problem, EmoSearchOptions options, long streamKey = 0,
        Action<GenerationRecord>? onGeneration = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        if (problem.MaskLength < 1)
            throw new ArgumentException($"sub-network '{problem.Name}' has {problem.MaskLength} prunable units; there is nothing to search", nameof(problem));
        if (problem.DenseMacs <= 0)
            throw new ArgumentException($"sub-network '{problem.Name}' reports {problem.DenseMacs} dense MACs; they must be positive", nameof(problem));

        var evaluator = new MaskEvaluator(problem);
        bool[] dense = Enumerable.Repeat(true, problem.MaskLength).ToArray();
        var denseObjectives = new[] { new double[2] };
        evaluator.Evaluate([dense], denseObjectives);

        // Derive the sub-network's own seed so parallel searches share no random stream.
        long seed = SearchRandom.DeriveSeed(options.Seed, streamKey);
        var nsga = new Nsga2<bool[]>(
            new KeepProbabilityInitializer(problem.MaskLength, options.MinKeep, options.MaxKeep, seedAllOnes: true),
            new UniformCrossover(options.CrossoverProbability),
            new BitFlipMutation(problem.MaskLength, options.MutationRate),
            new Nsga2Options { PopulationSize = options.PopulationSize, Generations = options.Generations, Seed = seed });
        Nsga2Result<bool[]> result = nsga.Run(evaluator, onGeneration, cancellationToken);

        var front = new List<PruningCandidate>();
        var seen = new HashSet<string>();
        foreach (Individual<bool[]> individual in result.Front)
        {
            if (!seen.Add(new string(individual.Genome.Select(b => b ? '1' : '0').ToArray()))) continue;
            front.Add(new PruningCandidate((bool[])individual.Genome.Clone(), individual.Objectives[0], problem.Macs(individual.Genome)));
        }
        return new SubNetworkSearchResult(problem, denseObjectives[0][0], front, result.Evaluations + 1, result.History);
    }

    /// <summary>(error, kept MAC fraction) of each mask; errors come from the problem in one batch.</summary>
    private sealed class MaskEvaluator(ISubNetworkProblem problem) : IBatchEvaluator<bool[]>
    {
        public int ObjectiveCount => 2;

        public void Evaluate(IReadOnlyList<bool[]> genomes, double[][] objectives)
        {
            var errors = new double[genomes.Count];
            problem.EvaluateErrors(genomes, errors);
            for (int i = 0; i < genomes.Count; i++)
            {
                long macs = problem.Macs(genomes[i]);
                if (macs < 0 || macs > problem.DenseMacs)
                    throw new InvalidOperationException($"sub-network '{problem.Name}': a mask gives {macs} MACs, outside [0, {problem.DenseMacs}]");
                objectives[i][0] = errors[i];
                objectives[i][1] = (double)macs / problem.DenseMacs;
            }
        }
    }
}

/// <summary>
/// Divide and conquer: one independent <see cref="SubNetworkSearch"/> per sub-network, run in
/// parallel. Sub-network k's random stream depends only on (seed, k), so the results do not depend
/// on how many searches run at once.
/// </summary>
public static class DivideAndConquerSearch
{
    public static IReadOnlyList<SubNetworkSearchResult> Run(IReadOnlyList<ISubNetworkProblem> problems, EmoSearchOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(options);
        if (problems.Count == 0) throw new ArgumentException("at least one sub-network is needed", nameof(problems));
        if (options.MaxParallelSearches < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxParallelSearches, "MaxParallelSearches must be at least 1");

        var results = new SubNetworkSearchResult[problems.Count];
        Parallel.For(0, problems.Count,
            new ParallelOptions { MaxDegreeOfParallelism = options.MaxParallelSearches, CancellationToken = cancellationToken },
            k =>
            {
                int before = PruneGen.Torch.torch.get_num_threads();
                if (options.ThreadsPerSearch > 0) PruneGen.Torch.torch.set_num_threads(options.ThreadsPerSearch);
                try
                {
                    results[k] = SubNetworkSearch.Run(problems[k], options, streamKey: k, cancellationToken: cancellationToken);
                }
                finally
                {
                    if (options.ThreadsPerSearch > 0) PruneGen.Torch.torch.set_num_threads(before);
                }
            });
        return results;
    }
}
