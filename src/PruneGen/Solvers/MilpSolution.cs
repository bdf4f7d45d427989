namespace PruneGen.Solvers;

/// <summary>How a solve ended.</summary>
public enum MilpStatus
{
    /// <summary>Proven optimal (within the solver's gap settings, zero by default).</summary>
    Optimal,
    /// <summary>The time limit stopped the search; <see cref="MilpSolution.Values"/> holds the best feasible point found.</summary>
    TimeLimit,
    /// <summary>The time limit stopped the search before any feasible point was found.</summary>
    TimeLimitNoSolution,
    /// <summary>Proven infeasible.</summary>
    Infeasible,
    Unbounded,
    /// <summary>Any other ending the solver reported (its text is in <see cref="MilpSolution.StatusText"/>).</summary>
    Other,
}

/// <summary>The outcome of one solve.</summary>
/// <param name="Values">One value per model variable (all zeros when the solve found no point).</param>
/// <param name="Objective">The objective at <see cref="Values"/>, constant included (NaN without a point).</param>
/// <param name="BestBound">The solver's proven bound on the optimum (equal to the objective when optimal; NaN when unknown).</param>
/// <param name="SolveTime">Wall-clock time of the solve, process start and file exchange included.</param>
/// <param name="StatusText">The solver's own first line of the solution, for messages.</param>
/// <param name="SolverTime">The wall-clock time the solver reports for itself (without process start and files), when it does.</param>
public sealed record MilpSolution(
    MilpStatus Status, double Objective, double BestBound, IReadOnlyList<double> Values, TimeSpan SolveTime, string StatusText,
    TimeSpan? SolverTime = null)
{
    /// <summary>Whether <see cref="Values"/> is a feasible point (optimal or the best one when stopped).</summary>
    public bool HasSolution => Status is MilpStatus.Optimal or MilpStatus.TimeLimit;

    /// <summary>Relative gap |bound − objective| / max(|objective|, 1e-10); 0 when optimal, NaN when unknown.</summary>
    public double Gap => Status == MilpStatus.Optimal ? 0
        : double.IsFinite(BestBound) && double.IsFinite(Objective) ? Math.Abs(BestBound - Objective) / Math.Max(Math.Abs(Objective), 1e-10)
        : double.NaN;

    public double Value(Variable variable) => Values[variable.Index];

    /// <summary>A binary variable's value rounded to 0/1.</summary>
    public bool IsSet(Variable variable) => Values[variable.Index] > 0.5;
}

/// <summary>A solver that could not run or whose output could not be read.</summary>
public sealed class MilpSolverException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Something that solves a <see cref="MilpModel"/> (CBC in the product; tests substitute their own).</summary>
public interface IMilpSolver
{
    MilpSolution Solve(MilpModel model);

    /// <summary>The wall-clock limit the solver applies, for messages; null when none.</summary>
    TimeSpan? TimeLimit { get; }
}
