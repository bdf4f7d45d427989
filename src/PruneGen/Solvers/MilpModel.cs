using System.Globalization;

namespace PruneGen.Solvers;

/// <summary>Whether the objective is maximised or minimised.</summary>
public enum ObjectiveSense
{
    Minimize,
    Maximize,
}

/// <summary>The relation of a linear constraint's left-hand side to its right-hand side.</summary>
public enum ConstraintSense
{
    LessOrEqual,
    GreaterOrEqual,
    Equal,
}

/// <summary>A variable of a <see cref="MilpModel"/>: its position in the model and the bounds it was declared with.</summary>
/// <param name="Index">Position in <see cref="MilpModel.Variables"/>; the LP file names it <c>x{Index}</c>.</param>
/// <param name="Label">Human-readable description (kept out of the LP file, whose names must be plain).</param>
public readonly record struct Variable(int Index, string Label, bool IsBinary, double Lower, double Upper)
{
    public override string ToString() => $"x{Index.ToString(CultureInfo.InvariantCulture)} ({Label})";
}

/// <summary>A linear expression: a sum of coefficient × variable terms (a variable may appear more than once; terms are summed).</summary>
public sealed class LinearExpression
{
    private readonly Dictionary<int, double> _terms = new();
    private readonly List<int> _order = new();

    /// <summary>Terms in first-added order with their summed coefficients (zero sums included).</summary>
    public IEnumerable<(int Variable, double Coefficient)> Terms => _order.Select(v => (v, _terms[v]));

    public int Count => _order.Count;

    public LinearExpression Add(Variable variable, double coefficient)
    {
        if (!double.IsFinite(coefficient))
            throw new ArgumentOutOfRangeException(nameof(coefficient), coefficient, $"the coefficient of {variable} must be finite");
        if (_terms.TryGetValue(variable.Index, out double existing))
        {
            _terms[variable.Index] = existing + coefficient;
        }
        else
        {
            _terms[variable.Index] = coefficient;
            _order.Add(variable.Index);
        }
        return this;
    }

    /// <summary>A copy with every coefficient multiplied by <paramref name="factor"/>.</summary>
    public LinearExpression Scaled(double factor)
    {
        if (!double.IsFinite(factor)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "the scale must be finite");
        var scaled = new LinearExpression();
        foreach (int v in _order)
        {
            scaled._terms[v] = _terms[v] * factor;
            scaled._order.Add(v);
        }
        return scaled;
    }

    /// <summary>The expression's value at a point given as one value per model variable.</summary>
    public double Evaluate(IReadOnlyList<double> values) => _order.Sum(v => _terms[v] * values[v]);
}

/// <summary>A linear constraint <c>Expression Sense Rhs</c>.</summary>
public sealed record LinearConstraint(string Name, LinearExpression Expression, ConstraintSense Sense, double Rhs)
{
    /// <summary>Whether the point satisfies the constraint within <paramref name="tolerance"/>.</summary>
    public bool IsSatisfied(IReadOnlyList<double> values, double tolerance = 1e-9)
    {
        double lhs = Expression.Evaluate(values);
        return Sense switch
        {
            ConstraintSense.LessOrEqual => lhs <= Rhs + tolerance,
            ConstraintSense.GreaterOrEqual => lhs >= Rhs - tolerance,
            _ => Math.Abs(lhs - Rhs) <= tolerance,
        };
    }
}

/// <summary>
/// A small mixed-integer linear program: binary and bounded continuous variables, one linear objective,
/// linear constraints. Enough for MDP's program and the knapsacks of its baselines; solved by
/// <see cref="CbcSolver"/> through an LP file.
/// </summary>
public sealed class MilpModel
{
    private readonly List<Variable> _variables = new();
    private readonly List<LinearConstraint> _constraints = new();

    public MilpModel(string name = "model")
    {
        Name = name;
    }

    public string Name { get; }
    public IReadOnlyList<Variable> Variables => _variables;
    public IReadOnlyList<LinearConstraint> Constraints => _constraints;
    public LinearExpression Objective { get; private set; } = new();
    public ObjectiveSense Sense { get; private set; } = ObjectiveSense.Maximize;

    /// <summary>A constant added to the objective (LP files carry none; solutions add it back).</summary>
    public double ObjectiveConstant { get; private set; }

    public Variable AddBinary(string label) => Add(label, isBinary: true, 0, 1);

    /// <summary>A continuous variable in [lower, upper].</summary>
    public Variable AddContinuous(string label, double lower, double upper)
    {
        if (!double.IsFinite(lower) || !double.IsFinite(upper) || lower > upper)
            throw new ArgumentOutOfRangeException(nameof(lower), $"variable '{label}': bounds [{lower}, {upper}] must be finite and ordered");
        return Add(label, isBinary: false, lower, upper);
    }

    private Variable Add(string label, bool isBinary, double lower, double upper)
    {
        var variable = new Variable(_variables.Count, label, isBinary, lower, upper);
        _variables.Add(variable);
        return variable;
    }

    public void SetObjective(ObjectiveSense sense, LinearExpression expression, double constant = 0)
    {
        ArgumentNullException.ThrowIfNull(expression);
        CheckOwned(expression);
        if (!double.IsFinite(constant)) throw new ArgumentOutOfRangeException(nameof(constant), constant, "the objective constant must be finite");
        Sense = sense;
        Objective = expression;
        ObjectiveConstant = constant;
    }

    public LinearConstraint AddConstraint(string name, LinearExpression expression, ConstraintSense sense, double rhs)
    {
        ArgumentNullException.ThrowIfNull(expression);
        CheckOwned(expression);
        if (!double.IsFinite(rhs)) throw new ArgumentOutOfRangeException(nameof(rhs), rhs, $"constraint '{name}': the right-hand side must be finite");
        var constraint = new LinearConstraint(name, expression, sense, rhs);
        _constraints.Add(constraint);
        return constraint;
    }

    /// <summary>
    /// A feasible point to start the search from (a MIP start), indexed like <see cref="Variables"/>; null
    /// for none. A good incumbent from the first node lets branch and bound prune at once, so the solve
    /// spends its time on the proof only. Solvers may ignore it; it never changes the optimum.
    /// </summary>
    public IReadOnlyList<double>? Start { get; private set; }

    /// <summary>Sets <see cref="Start"/>; the point must be feasible (checked), so a wrong start fails here and not in the solver.</summary>
    public void SetStart(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!IsFeasible(values, 1e-7))
            throw new ArgumentException($"the start point is not feasible for model '{Name}'", nameof(values));
        Start = values.ToArray();
    }

    /// <summary>The objective's value (constant included) at a point.</summary>
    public double EvaluateObjective(IReadOnlyList<double> values) => Objective.Evaluate(values) + ObjectiveConstant;

    /// <summary>Whether a point satisfies every bound, integrality and constraint within <paramref name="tolerance"/>.</summary>
    public bool IsFeasible(IReadOnlyList<double> values, double tolerance = 1e-9)
    {
        if (values.Count != _variables.Count) return false;
        foreach (Variable v in _variables)
        {
            double x = values[v.Index];
            if (x < v.Lower - tolerance || x > v.Upper + tolerance) return false;
            if (v.IsBinary && Math.Abs(x - Math.Round(x)) > tolerance) return false;
        }
        return _constraints.All(c => c.IsSatisfied(values, tolerance));
    }

    private void CheckOwned(LinearExpression expression)
    {
        foreach (var (variable, _) in expression.Terms)
            if (variable < 0 || variable >= _variables.Count)
                throw new ArgumentException($"the expression uses variable x{variable}, which model '{Name}' does not have", nameof(expression));
    }
}
