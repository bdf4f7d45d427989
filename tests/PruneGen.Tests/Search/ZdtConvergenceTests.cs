using PruneGen.Search;
using PruneGen.Search.Indicators;
using PruneGen.Search.Operators;
using PruneGen.Search.Problems;
using Xunit.Abstractions;

namespace PruneGen.Tests.Search;

/// <summary>NSGA-II with SBX and polynomial mutation reaches the known ZDT fronts (issue 7's acceptance check).</summary>
public class ZdtConvergenceTests(ITestOutputHelper output)
{
    public static TheoryData<string, long> ProblemsAndSeeds()
    {
        var data = new TheoryData<string, long>();
        foreach (string problem in new[] { "ZDT1", "ZDT2", "ZDT3" })
            foreach (long seed in new long[] { 1, 2, 3 })
                data.Add(problem, seed);
        return data;
    }

    internal static Zdt Problem(string name) => name switch
    {
        "ZDT1" => Zdt.Zdt1(),
        "ZDT2" => Zdt.Zdt2(),
        "ZDT3" => Zdt.Zdt3(),
        _ => throw new ArgumentException(name),
    };

    internal static Nsga2Result<double[]> Solve(Zdt problem, long seed, int population = 100, int generations = 250, bool recordHistory = false)
    {
        var nsga = new Nsga2<double[]>(
            new UniformRealInitializer(problem.Bounds),
            new SimulatedBinaryCrossover(problem.Bounds),
            new PolynomialMutation(problem.Bounds),
            new Nsga2Options { PopulationSize = population, Generations = generations, Seed = seed, RecordHistory = recordHistory });
        return nsga.Run(problem.Evaluator());
    }

    // Seeds 1-3 were not picked. Measured over seeds 1-100: ZDT1 and ZDT2 always reach IGD < 0.006;
    // ZDT3 misses its fifth front piece (f1 near 0.83-0.85, IGD about 0.035) in 4 of 100 runs, a known
    // NSGA-II trait: once the population sits on g = 1 the piece is too far for SBX/mutation to reach.
    [Theory]
    [MemberData(nameof(ProblemsAndSeeds))]
    public void ReachesTheKnownFrontWithIgdBelowOneHundredth(string name, long seed)
    {
        Zdt problem = Problem(name);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Nsga2Result<double[]> result = Solve(problem, seed);
        watch.Stop();

        Assert.Equal(100L * 251, result.Evaluations);
        double igd = InvertedGenerationalDistance.Compute(result.FrontObjectives(), problem.ParetoFront(1000));
        output.WriteLine($"{name} seed {seed}: IGD {igd:F5}, front {result.Front.Count} points, {watch.ElapsedMilliseconds} ms");
        Assert.True(igd < 0.01, $"{name} seed {seed}: IGD {igd} is not below 0.01");
    }
}
