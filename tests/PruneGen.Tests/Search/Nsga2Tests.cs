using PruneGen.Search;
using PruneGen.Search.Indicators;
using PruneGen.Search.Operators;
using PruneGen.Search.Problems;

namespace PruneGen.Tests.Search;

public class Nsga2Tests
{
    private static Nsga2<double[]> Zdt1Search(Zdt problem, int population, int generations, long seed) => new(
        new UniformRealInitializer(problem.Bounds),
        new SimulatedBinaryCrossover(problem.Bounds),
        new PolynomialMutation(problem.Bounds),
        new Nsga2Options { PopulationSize = population, Generations = generations, Seed = seed });

    /// <summary>Counts the calls and batch sizes the engine makes.</summary>
    private sealed class CountingEvaluator(IBatchEvaluator<double[]> inner) : IBatchEvaluator<double[]>
    {
        public List<int> BatchSizes { get; } = [];
        public int ObjectiveCount => inner.ObjectiveCount;

        public void Evaluate(IReadOnlyList<double[]> genomes, double[][] objectives)
        {
            BatchSizes.Add(genomes.Count);
            inner.Evaluate(genomes, objectives);
        }
    }

    [Fact]
    public void CountsEvaluationsAndRecordsEveryGeneration()
    {
        Zdt problem = Zdt.Zdt1(10);
        var evaluator = new CountingEvaluator(problem.Evaluator());
        Nsga2Result<double[]> result = Zdt1Search(problem, population: 12, generations: 7, seed: 1).Run(evaluator);

        Assert.Equal(Enumerable.Repeat(12, 8), evaluator.BatchSizes); // one batch per generation, initial included
        Assert.Equal(96, result.Evaluations);
        Assert.Equal(Enumerable.Range(0, 8), result.History.Select(h => h.Generation));
        Assert.Equal(Enumerable.Range(1, 8).Select(g => 12L * g), result.History.Select(h => h.Evaluations));
        Assert.Equal(12, result.Population.Count);
        Assert.Equal(result.FrontObjectives(), result.History[^1].Front);
        Assert.All(result.Front, i => Assert.Equal(0, i.Rank));
    }

    [Fact]
    public void SameSeedGivesTheSameRunAndAnotherSeedAnotherRun()
    {
        Zdt problem = Zdt.Zdt2(8);
        double[][] Run(long seed) => Zdt1Search(problem, 20, 15, seed).Run(problem.Evaluator()).FrontObjectives();
        double[][] first = Run(42), again = Run(42), other = Run(43);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void ParallelEvaluationGivesTheSameRunAsSequential()
    {
        Zdt problem = Zdt.Zdt3(12);
        Nsga2Result<double[]> sequential = Zdt1Search(problem, 40, 20, 5).Run(problem.Evaluator());
        Nsga2Result<double[]> parallel = Zdt1Search(problem, 40, 20, 5).Run(problem.Evaluator(maxDegreeOfParallelism: 4));
        Assert.Equal(sequential.FrontObjectives(), parallel.FrontObjectives());
        Assert.Equal(sequential.History.Select(h => h.Front), parallel.History.Select(h => h.Front));
    }

    [Fact]
    public void SurvivalIsElitist()
    {
        // The extremes of the first front have infinite crowding distance and so always survive: the
        // best value of each objective never gets worse. (Hypervolume itself may dip when crowding
        // truncates an overfull first front, so only its overall rise is checked.)
        Zdt problem = Zdt.Zdt1(30);
        Nsga2Result<double[]> result = Zdt1Search(problem, 20, 60, 3).Run(problem.Evaluator());
        for (int g = 1; g < result.History.Count; g++)
        {
            double[][] before = result.History[g - 1].Front, after = result.History[g].Front;
            for (int m = 0; m < 2; m++) Assert.True(after.Min(p => p[m]) <= before.Min(p => p[m]));
        }
        (long Evaluations, double Hypervolume)[] curve = Hypervolume.OverEvaluations(result.History, [1.1, 11]);
        Assert.Equal(result.History.Select(h => h.Evaluations), curve.Select(c => c.Evaluations));
        Assert.True(curve[^1].Hypervolume > curve[0].Hypervolume);
    }

    [Fact]
    public void OddPopulationSizesWork()
    {
        Zdt problem = Zdt.Zdt1(5);
        Nsga2Result<double[]> result = Zdt1Search(problem, 7, 5, 1).Run(problem.Evaluator());
        Assert.Equal(7, result.Population.Count);
        Assert.Equal(42, result.Evaluations);
    }

    [Fact]
    public void CallbackSeesEachGenerationAndCancellationStopsTheRun()
    {
        Zdt problem = Zdt.Zdt1(5);
        var seen = new List<int>();
        using var cancel = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => Zdt1Search(problem, 10, 50, 1).Run(problem.Evaluator(), record =>
        {
            seen.Add(record.Generation);
            if (record.Generation == 3) cancel.Cancel();
        }, cancel.Token));
        Assert.Equal([0, 1, 2, 3], seen);
    }

    [Fact]
    public void NonFiniteObjectivesNameTheGenomeAndGeneration()
    {
        var evaluator = new FunctionEvaluator<double[]>(2, (x, f) =>
        {
            f[0] = x[0];
            f[1] = x[0] > 0.5 ? double.NaN : 1;
        });
        var e = Assert.Throws<InvalidOperationException>(() => Zdt1Search(Zdt.Zdt1(4), 10, 3, 1).Run(evaluator));
        Assert.Matches(@"objective 1 = NaN for genome \d+ in generation 0", e.Message);
    }

    private sealed class ReturnsParent : ICrossover<double[]>
    {
        public (double[] First, double[] Second) Cross(double[] first, double[] second, SearchRandom random) => (first, (double[])second.Clone());
    }

    [Fact]
    public void CrossoverThatReturnsAParentIsCaught()
    {
        Zdt problem = Zdt.Zdt1(4);
        var nsga = new Nsga2<double[]>(new UniformRealInitializer(problem.Bounds), new ReturnsParent(), new PolynomialMutation(problem.Bounds),
            new Nsga2Options { PopulationSize = 4, Generations = 1 });
        Assert.Contains("ReturnsParent returned a parent", Assert.Throws<InvalidOperationException>(() => nsga.Run(problem.Evaluator())).Message);
    }

    [Fact]
    public void InvalidOptionsAreRejected()
    {
        Zdt problem = Zdt.Zdt1(4);
        Assert.Equal("PopulationSize", Assert.Throws<ArgumentOutOfRangeException>(() => Zdt1Search(problem, 1, 3, 0)).ParamName);
        Assert.Equal("Generations", Assert.Throws<ArgumentOutOfRangeException>(() => Zdt1Search(problem, 4, -1, 0)).ParamName);
    }
}
