using PruneGen.Search.Pareto;

namespace PruneGen.Search;

/// <summary>
/// NSGA-II (Deb, Pratap, Agarwal and Meyarivan, 2002), minimising every objective: binary tournament
/// on (rank, crowding distance), crossover and mutation make as many children as there are parents,
/// and elitist (mu + lambda) survival keeps the best fronts of parents and children together, the
/// last admitted front truncated by crowding distance. The genome type and its operators are
/// plugged in; the evaluator sees a whole generation per call. A run is a pure function of the
/// seed, the operators and the evaluator's values.
/// </summary>
public sealed class Nsga2<TGenome>
{
    private readonly IPopulationInitializer<TGenome> _initializer;
    private readonly ICrossover<TGenome> _crossover;
    private readonly IMutation<TGenome> _mutation;
    private readonly Nsga2Options _options;

    public Nsga2(IPopulationInitializer<TGenome> initializer, ICrossover<TGenome> crossover, IMutation<TGenome> mutation, Nsga2Options options)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        ArgumentNullException.ThrowIfNull(crossover);
        ArgumentNullException.ThrowIfNull(mutation);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (_initializer, _crossover, _mutation, _options) = (initializer, crossover, mutation, options);
    }

    public Nsga2Options Options => _options;

    /// <param name="evaluator">Objectives of each generation's new genomes.</param>
    /// <param name="onGeneration">Called after each generation (0 = initial population), e.g. for progress.</param>
    /// <param name="cancellationToken">Checked between generations.</param>
    public Nsga2Result<TGenome> Run(IBatchEvaluator<TGenome> evaluator, Action<GenerationRecord>? onGeneration = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        if (evaluator.ObjectiveCount < 1)
            throw new ArgumentException($"the evaluator declares {evaluator.ObjectiveCount} objectives; at least one is needed", nameof(evaluator));

        int size = _options.PopulationSize;
        var random = new SearchRandom(_options.Seed);
        var history = new List<GenerationRecord>();
        long evaluations = 0;

        var genomes = new TGenome[size];
        for (int i = 0; i < size; i++)
            genomes[i] = _initializer.Create(i, random) ?? throw new InvalidOperationException($"the initialiser returned null for individual {i}");
        Individual<TGenome>[] population = Evaluate(evaluator, genomes, generation: 0, ref evaluations);
        population = Survive(population, size);
        Record(0);

        for (int generation = 1; generation <= _options.Generations; generation++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TGenome[] children = MakeChildren(population, random);
            Individual<TGenome>[] offspring = Evaluate(evaluator, children, generation, ref evaluations);
            population = Survive([.. population, .. offspring], size);
            Record(generation);
        }
        return new Nsga2Result<TGenome>(population, evaluations, history);

        void Record(int generation)
        {
            if (!_options.RecordHistory && onGeneration is null) return;
            double[][] front = population.Where(i => i.Rank == 0).Select(i => i.Values.ToArray())
                .Order(LexicographicComparer.Instance).ToArray();
            var record = new GenerationRecord(generation, evaluations, front);
            if (_options.RecordHistory) history.Add(record);
            onGeneration?.Invoke(record);
        }
    }

    private static Individual<TGenome>[] Evaluate(IBatchEvaluator<TGenome> evaluator, TGenome[] genomes, int generation, ref long evaluations)
    {
        int objectiveCount = evaluator.ObjectiveCount;
        var objectives = new double[genomes.Length][];
        for (int i = 0; i < objectives.Length; i++) objectives[i] = new double[objectiveCount];
        evaluator.Evaluate(genomes, objectives);
        evaluations += genomes.Length;

        var individuals = new Individual<TGenome>[genomes.Length];
        for (int i = 0; i < genomes.Length; i++)
        {
            double[] values = objectives[i];
            if (values is null || values.Length != objectiveCount)
                throw new InvalidOperationException($"the evaluator replaced the objective row of genome {i} in generation {generation}; it must fill the given arrays of length {objectiveCount}");
            for (int m = 0; m < objectiveCount; m++)
            {
                // NaN breaks dominance and infinities break crowding distances; both mean a broken evaluation.
                if (!double.IsFinite(values[m]))
                    throw new InvalidOperationException($"the evaluator gave objective {m} = {values[m]} for genome {i} in generation {generation}; objectives must be finite numbers");
            }
            individuals[i] = new Individual<TGenome>(genomes[i], values);
        }
        return individuals;
    }

    /// <summary>
    /// Parents by binary tournament, crossed and mutated, until there are as many children as
    /// parents. As in Deb's reference code, tournaments are drawn from shuffled passes over the
    /// population (each pass pairs every individual once), so every individual, the front's
    /// extremes included, competes equally often; partial passes fill the remainder.
    /// </summary>
    private TGenome[] MakeChildren(Individual<TGenome>[] population, SearchRandom random)
    {
        int n = population.Length;
        var children = new TGenome[n];
        var order = new int[n];
        int position = n; // forces a shuffle on the first draw
        for (int i = 0; i < n; i += 2)
        {
            Individual<TGenome> first = Tournament(), second = Tournament();
            (TGenome a, TGenome b) = _crossover.Cross(first.Genome, second.Genome, random);
            if (ReferenceEquals(a, first.Genome) || ReferenceEquals(a, second.Genome) || ReferenceEquals(b, first.Genome) || ReferenceEquals(b, second.Genome))
                throw new InvalidOperationException($"{_crossover.GetType().Name} returned a parent object as a child; crossovers must return new genomes");
            _mutation.Mutate(a, random);
            children[i] = a;
            if (i + 1 < n)
            {
                _mutation.Mutate(b, random);
                children[i + 1] = b;
            }
        }
        return children;

        Individual<TGenome> Tournament()
        {
            if (position + 2 > n)
            {
                for (int k = 0; k < n; k++) order[k] = k;
                for (int k = n - 1; k > 0; k--)
                {
                    int j = random.NextInt(k + 1);
                    (order[k], order[j]) = (order[j], order[k]);
                }
                position = 0;
            }
            Individual<TGenome> a = population[order[position]], b = population[order[position + 1]];
            position += 2;
            return Better(a, b, random);
        }
    }

    /// <summary>The crowded comparison: lower rank wins, then larger crowding distance, then a coin flip.</summary>
    private static Individual<TGenome> Better(Individual<TGenome> a, Individual<TGenome> b, SearchRandom random)
    {
        if (a.Rank != b.Rank) return a.Rank < b.Rank ? a : b;
        if (a.Crowding != b.Crowding) return a.Crowding > b.Crowding ? a : b;
        return random.NextBool(0.5) ? a : b;
    }

    /// <summary>
    /// Elitist survival: whole fronts while they fit, then the most spread-out members of the next.
    /// Sets every survivor's rank and crowding distance; survivors come out ordered by both.
    /// </summary>
    private static Individual<TGenome>[] Survive(Individual<TGenome>[] candidates, int size)
    {
        var points = new double[candidates.Length][];
        for (int i = 0; i < candidates.Length; i++) points[i] = candidates[i].Values;
        int[][] fronts = NonDominatedSorting.Sort(points);

        var survivors = new List<Individual<TGenome>>(size);
        for (int rank = 0; rank < fronts.Length && survivors.Count < size; rank++)
        {
            int[] front = fronts[rank];
            double[] crowding = CrowdingDistance.Compute(points, front);
            var order = new int[front.Length];
            for (int k = 0; k < order.Length; k++) order[k] = k;
            // Most isolated first; ties by position so the cut is deterministic.
            Array.Sort(order, (a, b) => crowding[a] != crowding[b] ? crowding[b].CompareTo(crowding[a]) : a.CompareTo(b));
            int take = Math.Min(front.Length, size - survivors.Count);
            for (int k = 0; k < take; k++)
            {
                Individual<TGenome> individual = candidates[front[order[k]]];
                individual.Rank = rank;
                individual.Crowding = crowding[order[k]];
                survivors.Add(individual);
            }
        }
        return survivors.ToArray();
    }
}
