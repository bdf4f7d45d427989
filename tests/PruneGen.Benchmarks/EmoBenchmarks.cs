using System.Diagnostics;
using System.Globalization;
using PruneGen.Methods.Emo;
using PruneGen.Search;
using PruneGen.Search.Indicators;
using PruneGen.Search.Operators;
using PruneGen.Search.Problems;

namespace PruneGen.Benchmarks;

/// <summary>
/// The EMO core's speed: NSGA-II on ZDT1-3 (30 variables, population 100, 250 generations, the
/// real-coded operators; evaluations are cheap, so this measures the engine), with the final fronts'
/// IGD and hypervolume; exact hypervolume on larger sets; GPIR at ResNet-20-sized MAC counts.
/// Everything is single-threaded and managed (no libtorch).
/// </summary>
internal static class EmoBenchmarks
{
    public static void Run(int repetitions)
    {
        if (repetitions < 1) throw new ArgumentOutOfRangeException(nameof(repetitions), repetitions, "at least one repetition");
        Console.WriteLine($"EMO core benchmarks ({repetitions} repetitions each; single thread; {Environment.ProcessorCount} logical CPUs)");
        foreach (Zdt problem in new[] { Zdt.Zdt1(), Zdt.Zdt2(), Zdt.Zdt3() }) Nsga2OnZdt(problem, repetitions);
        HypervolumeTimings(repetitions);
        GpirTimings(repetitions);
    }

    private static void Nsga2OnZdt(Zdt problem, int repetitions)
    {
        double[][] trueFront = problem.ParetoFront(1000);
        double[] reference = [1.1, 1.1];
        double trueHypervolume = Hypervolume.Compute2D(problem.ParetoFront(100_000), reference[0], reference[1]);
        // One untimed run compiles every path (JIT), so timings are of steady-state code.
        Solve(problem, seed: 0, new TimedEvaluator(problem.Evaluator()));

        for (int r = 1; r <= repetitions; r++)
        {
            var evaluator = new TimedEvaluator(problem.Evaluator());
            var watch = Stopwatch.StartNew();
            Nsga2Result<double[]> result = Solve(problem, seed: r, evaluator);
            watch.Stop();
            double[][] front = result.FrontObjectives();
            double seconds = watch.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  nsga2 {problem.Name} seed {r}: {result.Evaluations} evaluations in {seconds * 1000:F0} ms = {result.Evaluations / seconds:F0} evaluations/s " +
                $"(evaluator {evaluator.Elapsed.TotalMilliseconds:F1} ms); IGD {InvertedGenerationalDistance.Compute(front, trueFront):F5}; " +
                $"HV(1.1,1.1) {Hypervolume.Compute(front, reference):F5} of {trueHypervolume:F5}"));
        }
    }

    private static Nsga2Result<double[]> Solve(Zdt problem, long seed, IBatchEvaluator<double[]> evaluator) =>
        new Nsga2<double[]>(new UniformRealInitializer(problem.Bounds), new SimulatedBinaryCrossover(problem.Bounds),
                new PolynomialMutation(problem.Bounds),
                new Nsga2Options { PopulationSize = 100, Generations = 250, Seed = seed })
            .Run(evaluator);

    private sealed class TimedEvaluator(IBatchEvaluator<double[]> inner) : IBatchEvaluator<double[]>
    {
        private readonly Stopwatch _watch = new();
        public TimeSpan Elapsed => _watch.Elapsed;
        public int ObjectiveCount => inner.ObjectiveCount;

        public void Evaluate(IReadOnlyList<double[]> genomes, double[][] objectives)
        {
            _watch.Start();
            inner.Evaluate(genomes, objectives);
            _watch.Stop();
        }
    }

    // Points on the unit sphere's positive orthant: all mutually non-dominated, the hard case.
    private static double[][] SpherePoints(int count, int objectives, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            double[] p = Enumerable.Range(0, objectives).Select(_ => Math.Abs(random.NextDouble() - 0.5) + 1e-3).ToArray();
            double norm = Math.Sqrt(p.Sum(v => v * v));
            return p.Select(v => v / norm).ToArray();
        }).ToArray();
    }

    private static void HypervolumeTimings(int repetitions)
    {
        foreach ((int count, int objectives) in new[] { (10_000, 2), (100, 3), (200, 3), (50, 4), (30, 5) })
        {
            double[][] points = SpherePoints(count, objectives, seed: count + objectives);
            double[] reference = Enumerable.Repeat(1.1, objectives).ToArray();
            double value = Hypervolume.Compute(points, reference); // warm-up
            var times = new List<double>();
            for (int r = 0; r < repetitions; r++)
            {
                var watch = Stopwatch.StartNew();
                value = Hypervolume.Compute(points, reference);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  hypervolume {objectives}-D, {count} non-dominated points: {value:F6} in {Median(times):F2} ms (median)"));
        }
    }

    private static void GpirTimings(int repetitions)
    {
        var random = new Random(1);
        foreach ((int subNetworks, int members) in new[] { (3, 20), (3, 100), (5, 40) })
        {
            const long stageMacs = 13_590_528; // about one ResNet-20 stage on 28x28 inputs
            GpirFront[] fronts = Enumerable.Range(0, subNetworks).Select(k => new GpirFront($"stage{k}", stageMacs,
                Enumerable.Range(0, members).Select(j => new GpirMember(random.NextDouble() * 0.2, random.NextInt64(0, stageMacs + 1))).ToArray())).ToArray();
            long required = Gpir.MaxReachableGain(fronts) / 2;
            Gpir.Solve(fronts, required); // warm-up
            var times = new List<double>();
            for (int r = 0; r < repetitions; r++)
            {
                var watch = Stopwatch.StartNew();
                Gpir.Solve(fronts, required);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  gpir {subNetworks} sub-networks x {members} members, R* = {required} MACs: {Median(times):F2} ms (median, exact)"));
        }
    }

    private static double Median(List<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
