namespace PruneGen.Search.Operators;

/// <summary>Box constraints of a real-vector genome: variable i lies in [Lower[i], Upper[i]].</summary>
public sealed class RealBounds
{
    private readonly double[] _lower, _upper;

    public RealBounds(IReadOnlyList<double> lower, IReadOnlyList<double> upper)
    {
        if (lower.Count != upper.Count)
            throw new ArgumentException($"{lower.Count} lower bounds but {upper.Count} upper bounds");
        if (lower.Count == 0) throw new ArgumentException("a real genome needs at least one variable");
        for (int i = 0; i < lower.Count; i++)
        {
            if (!double.IsFinite(lower[i]) || !double.IsFinite(upper[i]) || !(lower[i] < upper[i]))
                throw new ArgumentException($"variable {i}: bounds [{lower[i]}, {upper[i]}] must be finite with lower < upper");
        }
        _lower = lower.ToArray();
        _upper = upper.ToArray();
    }

    /// <summary>The same interval [<paramref name="lower"/>, <paramref name="upper"/>] for every variable.</summary>
    public static RealBounds Uniform(int variables, double lower, double upper)
    {
        if (variables < 1) throw new ArgumentOutOfRangeException(nameof(variables), variables, "at least one variable is needed");
        return new RealBounds(Enumerable.Repeat(lower, variables).ToArray(), Enumerable.Repeat(upper, variables).ToArray());
    }

    public int Count => _lower.Length;
    public double Lower(int i) => _lower[i];
    public double Upper(int i) => _upper[i];

    internal void CheckLength(double[] genome, string role)
    {
        if (genome.Length != _lower.Length)
            throw new ArgumentException($"{role} has {genome.Length} variables; the bounds have {_lower.Length}");
    }
}
