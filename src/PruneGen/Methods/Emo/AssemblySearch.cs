using PruneGen.Search;

namespace PruneGen.Methods.Emo;

/// <summary>
/// Measured assembly (<see cref="EmoOptions.AssemblyGenerations"/>): after the sub-network searches,
/// an NSGA-II over assemblies, one member of each sub-network's front per genome, scored on the whole
/// network (<see cref="WholeNetworkProblem"/>: the real classifier on the calibration images) and its
/// MACs. GPIR ranks assemblies by summed impairments, each measured with the rest of the network
/// dense; on a plain network the impairments of pruned stages compound, so the sum under-states what
/// a heavily pruned assembly loses. This search measures the assemblies instead, starting from GPIR's.
/// Every assembly it scores is a counted evaluation, recorded in the problem's archive in order.
/// <para>
/// A genome holds one index per sub-network into its front ordered by increasing error (so by
/// decreasing MACs): neighbouring indices are neighbouring trade-offs. Variation: uniform crossover of
/// the indices, and a mutation that moves each index by one or two places with probability 1/K.
/// </para>
/// </summary>
public static class AssemblySearch
{
    /// <param name="fronts">Each sub-network's front (ordered by increasing error, as <see cref="EvaluationArchive.Front"/> gives it).</param>
    /// <param name="seeds">Genomes of the initial population (e.g. GPIR's assemblies); the rest is drawn uniformly. At most the population.</param>
    /// <returns>The evaluations made (population × (generations + 1)).</returns>
    public static long Run(WholeNetworkProblem problem, IReadOnlyList<IReadOnlyList<ArchivedMask>> fronts, IReadOnlyList<int[]> seeds,
        int population, int generations, long seed)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(fronts);
        ArgumentNullException.ThrowIfNull(seeds);
        if (fronts.Count == 0 || fronts.Any(f => f.Count == 0)) throw new ArgumentException("every sub-network needs a non-empty front", nameof(fronts));
        int[] sizes = fronts.Select(f => f.Count).ToArray();
        foreach (int[] s in seeds)
            if (s.Length != sizes.Length || s.Where((j, k) => j < 0 || j >= sizes[k]).Any())
                throw new ArgumentException($"seed assembly [{string.Join(", ", s)}] does not index the {sizes.Length} fronts of sizes [{string.Join(", ", sizes)}]", nameof(seeds));
        if (seeds.Count > population) throw new ArgumentException($"{seeds.Count} seed assemblies do not fit a population of {population}", nameof(seeds));

        var variation = new IndexVariation(sizes, seeds);
        var nsga = new Nsga2<int[]>(variation, variation, variation,
            new Nsga2Options { PopulationSize = population, Generations = generations, Seed = SearchRandom.DeriveSeed(seed, fronts.Count + 1), RecordHistory = false });
        return nsga.Run(new AssemblyEvaluator(problem, fronts)).Evaluations;
    }

    /// <summary>The concatenated whole-network mask of an assembly.</summary>
    public static bool[] Concatenate(IReadOnlyList<IReadOnlyList<ArchivedMask>> fronts, IReadOnlyList<int> indices) =>
        Enumerable.Range(0, fronts.Count).SelectMany(k => fronts[k][indices[k]].Mask).ToArray();

    private sealed class AssemblyEvaluator(WholeNetworkProblem problem, IReadOnlyList<IReadOnlyList<ArchivedMask>> fronts) : IBatchEvaluator<int[]>
    {
        public int ObjectiveCount => 2;

        public void Evaluate(IReadOnlyList<int[]> genomes, double[][] objectives)
        {
            bool[][] masks = genomes.Select(g => Concatenate(fronts, g)).ToArray();
            var errors = new double[masks.Length];
            problem.EvaluateErrors(masks, errors);
            for (int i = 0; i < masks.Length; i++)
            {
                objectives[i][0] = errors[i];
                objectives[i][1] = (double)problem.Macs(masks[i]) / problem.DenseMacs;
            }
        }
    }

    private sealed class IndexVariation(int[] sizes, IReadOnlyList<int[]> seeds)
        : IPopulationInitializer<int[]>, ICrossover<int[]>, IMutation<int[]>
    {
        private const double CrossoverProbability = 0.9;

        public int[] Create(int index, SearchRandom random) =>
            index < seeds.Count ? (int[])seeds[index].Clone() : sizes.Select(random.NextInt).ToArray();

        public (int[] First, int[] Second) Cross(int[] first, int[] second, SearchRandom random)
        {
            int[] a = (int[])first.Clone(), b = (int[])second.Clone();
            if (!random.NextBool(CrossoverProbability)) return (a, b);
            for (int k = 0; k < a.Length; k++)
                if (random.NextBool(0.5)) (a[k], b[k]) = (b[k], a[k]);
            return (a, b);
        }

        public void Mutate(int[] genome, SearchRandom random)
        {
            for (int k = 0; k < genome.Length; k++)
            {
                if (sizes[k] < 2 || !random.NextBool(1.0 / genome.Length)) continue;
                int step = random.NextInt(2) + 1;
                genome[k] = Math.Clamp(genome[k] + (random.NextBool(0.5) ? step : -step), 0, sizes[k] - 1);
            }
        }
    }
}
