using PruneGen.Search.Operators;

namespace PruneGen.Search.Problems;

/// <summary>
/// The ZDT bi-objective test problems (Zitzler, Deb and Thiele 2000) used to validate NSGA-II:
/// variables in [0, 1], f1 = x1, g = 1 + 9/(n-1) * sum(x2..xn), f2 = g * h(f1, g). The Pareto
/// front is g = 1 (x2..xn = 0): ZDT1 convex, ZDT2 concave, ZDT3 five disconnected pieces.
/// </summary>
public sealed class Zdt
{
    private readonly Func<double, double, double> _h;

    private Zdt(string name, int variables, Func<double, double, double> h)
    {
        if (variables < 2) throw new ArgumentOutOfRangeException(nameof(variables), variables, "ZDT problems need at least 2 variables");
        (Name, Variables, _h) = (name, variables, h);
        Bounds = RealBounds.Uniform(variables, 0, 1);
    }

    public static Zdt Zdt1(int variables = 30) => new("ZDT1", variables, (f1, g) => 1 - Math.Sqrt(f1 / g));
    public static Zdt Zdt2(int variables = 30) => new("ZDT2", variables, (f1, g) => 1 - (f1 / g) * (f1 / g));
    public static Zdt Zdt3(int variables = 30) =>
        new("ZDT3", variables, (f1, g) => 1 - Math.Sqrt(f1 / g) - f1 / g * Math.Sin(10 * Math.PI * f1));

    public string Name { get; }
    public int Variables { get; }
    public RealBounds Bounds { get; }

    public void Evaluate(ReadOnlySpan<double> x, Span<double> objectives)
    {
        if (x.Length != Variables) throw new ArgumentException($"{Name} has {Variables} variables; got {x.Length}", nameof(x));
        double sum = 0;
        for (int i = 1; i < x.Length; i++) sum += x[i];
        double f1 = x[0];
        double g = 1 + 9 * sum / (Variables - 1);
        objectives[0] = f1;
        objectives[1] = g * _h(f1, g);
    }

    public IBatchEvaluator<double[]> Evaluator(int maxDegreeOfParallelism = 1) =>
        new FunctionEvaluator<double[]>(2, (x, f) => Evaluate(x, f), maxDegreeOfParallelism);

    /// <summary>
    /// The true Pareto front sampled at <paramref name="samples"/> evenly spaced f1 in [0, 1] on
    /// g = 1, keeping only the non-dominated samples (which is what cuts ZDT3's curve into its
    /// pieces). Sorted by f1.
    /// </summary>
    public double[][] ParetoFront(int samples = 10_000)
    {
        if (samples < 2) throw new ArgumentOutOfRangeException(nameof(samples), samples, "at least 2 samples are needed");
        var front = new List<double[]>(samples);
        double bestF2 = double.PositiveInfinity;
        // Ascending f1: a sample is non-dominated exactly when its f2 is below every earlier f2.
        for (int i = 0; i < samples; i++)
        {
            double f1 = (double)i / (samples - 1);
            double f2 = _h(f1, 1);
            if (f2 < bestF2)
            {
                front.Add([f1, f2]);
                bestF2 = f2;
            }
        }
        return front.ToArray();
    }

    public override string ToString() => $"{Name} ({Variables} variables)";
}
