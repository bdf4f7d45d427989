using PruneGen.Solvers;

namespace PruneGen.Tests.Solvers;

/// <summary>The LP writer and the CBC runner: optimal, infeasible and time-limited solves, and how CBC's files are read.</summary>
public class CbcSolverTests
{
    [Fact]
    public void RandomKnapsacksWithSideConstraintsMatchBruteForce()
    {
        var random = new Random(5);
        var solver = new CbcSolver();
        for (int trial = 0; trial < 6; trial++)
        {
            // Maximise a random objective over 10 binaries under two knapsack rows and one ">=" row;
            // negative coefficients and an objective constant exercise the writer's signs.
            int n = 10;
            var model = new MilpModel($"trial {trial}");
            Variable[] x = Enumerable.Range(0, n).Select(i => model.AddBinary($"item {i}")).ToArray();
            double[] value = x.Select(_ => random.NextDouble() * 10 - 2).ToArray();
            var objective = new LinearExpression();
            for (int i = 0; i < n; i++) objective.Add(x[i], value[i]);
            model.SetObjective(ObjectiveSense.Maximize, objective, constant: 1.5);
            for (int row = 0; row < 2; row++)
            {
                var weights = new LinearExpression();
                double total = 0;
                for (int i = 0; i < n; i++)
                {
                    double w = random.NextDouble() * 5;
                    weights.Add(x[i], w);
                    total += w;
                }
                model.AddConstraint($"capacity {row}", weights, ConstraintSense.LessOrEqual, total * 0.4);
            }
            model.AddConstraint("at least two", new LinearExpression().Add(x[0], 1).Add(x[1], 1).Add(x[2], 1).Add(x[3], 1), ConstraintSense.GreaterOrEqual, 2);

            MilpSolution solution = solver.Solve(model);

            double best = double.NegativeInfinity;
            for (int mask = 0; mask < 1 << n; mask++)
            {
                double[] point = Enumerable.Range(0, n).Select(i => (double)((mask >> i) & 1)).ToArray();
                if (model.IsFeasible(point)) best = Math.Max(best, model.EvaluateObjective(point));
            }
            Assert.Equal(MilpStatus.Optimal, solution.Status);
            Assert.True(model.IsFeasible(solution.Values, 1e-6), $"trial {trial}: CBC's point violates the model");
            Assert.Equal(best, solution.Objective, 6);
            Assert.Equal(0, solution.Gap);
        }
    }

    [Fact]
    public void ContinuousVariablesAndEqualitiesAreWrittenWithTheirBounds()
    {
        // min 2a + 3b with a + b = 1.5, 0.25 <= a <= 1, b in [0, 2]: the optimum puts a at its upper bound.
        var model = new MilpModel("bounds");
        Variable a = model.AddContinuous("a", 0.25, 1);
        Variable b = model.AddContinuous("b", 0, 2);
        model.SetObjective(ObjectiveSense.Minimize, new LinearExpression().Add(a, 2).Add(b, 3));
        model.AddConstraint("sum", new LinearExpression().Add(a, 1).Add(b, 1), ConstraintSense.Equal, 1.5);

        MilpSolution solution = new CbcSolver().Solve(model);

        Assert.Equal(MilpStatus.Optimal, solution.Status);
        Assert.Equal(1, solution.Value(a), 6);
        Assert.Equal(0.5, solution.Value(b), 6);
        Assert.Equal(3.5, solution.Objective, 6);
    }

    [Fact]
    public void AnInfeasibleModelIsReportedAsInfeasible()
    {
        var model = new MilpModel("infeasible");
        Variable x = model.AddBinary("x");
        Variable y = model.AddBinary("y");
        model.SetObjective(ObjectiveSense.Maximize, new LinearExpression().Add(x, 1).Add(y, 1));
        model.AddConstraint("too many", new LinearExpression().Add(x, 1).Add(y, 1), ConstraintSense.GreaterOrEqual, 3);

        MilpSolution solution = new CbcSolver().Solve(model);

        Assert.Equal(MilpStatus.Infeasible, solution.Status);
        Assert.False(solution.HasSolution);
        Assert.True(double.IsNaN(solution.Objective));
    }

    [Fact]
    public void TheTimeLimitReturnsTheBestFeasiblePointWithAGap()
    {
        // A 300-item, 10-row multidimensional knapsack with correlated values: far beyond what CBC
        // proves optimal in a second, and greedy heuristics find feasible points immediately.
        var random = new Random(2);
        int n = 300, rows = 10;
        var model = new MilpModel("hard knapsack");
        Variable[] x = Enumerable.Range(0, n).Select(i => model.AddBinary($"item {i}")).ToArray();
        var weights = new double[rows, n];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < n; i++) weights[r, i] = random.Next(1, 1000);
        var objective = new LinearExpression();
        for (int i = 0; i < n; i++)
        {
            double mean = Enumerable.Range(0, rows).Average(r => weights[r, i]);
            objective.Add(x[i], Math.Floor(mean) + random.Next(0, 50));
        }
        model.SetObjective(ObjectiveSense.Maximize, objective);
        for (int r = 0; r < rows; r++)
        {
            var row = new LinearExpression();
            double total = 0;
            for (int i = 0; i < n; i++)
            {
                row.Add(x[i], weights[r, i]);
                total += weights[r, i];
            }
            model.AddConstraint($"capacity {r}", row, ConstraintSense.LessOrEqual, Math.Floor(total / 4));
        }

        MilpSolution solution = new CbcSolver(new CbcOptions { TimeLimit = TimeSpan.FromSeconds(1) }).Solve(model);

        Assert.Equal(MilpStatus.TimeLimit, solution.Status);
        Assert.True(solution.HasSolution);
        Assert.True(model.IsFeasible(solution.Values, 1e-6));
        Assert.True(solution.Gap > 0, $"gap {solution.Gap}");
        Assert.True(solution.BestBound >= solution.Objective);
        Assert.True(solution.SolveTime < TimeSpan.FromSeconds(20), $"solve took {solution.SolveTime}");
    }

    [Fact]
    public void SolutionFilesAreReadForEveryEnding()
    {
        var model = new MilpModel("read");
        model.AddBinary("a");
        model.AddBinary("b");
        model.SetObjective(ObjectiveSense.Maximize, new LinearExpression().Add(model.Variables[0], 2).Add(model.Variables[1], 1));

        // CBC 2.10's own lines (captured from runs of coinor-cbc 2.10.8).
        MilpSolution stopped = CbcSolver.ReadSolution(model,
            ["Stopped on time - objective value 2.00000000", "      0 x0                     1                       2"],
            "Result - Stopped on time limit\n\nObjective value:                2.00000000\nUpper bound:                    3.0\nGap:                            -0.5\n", TimeSpan.Zero);
        Assert.Equal(MilpStatus.TimeLimit, stopped.Status);
        Assert.Equal([1.0, 0.0], stopped.Values);
        Assert.Equal(2, stopped.Objective);
        Assert.Equal(3, stopped.BestBound);
        Assert.Equal(0.5, stopped.Gap, 12);

        MilpSolution noPoint = CbcSolver.ReadSolution(model,
            ["Stopped on time (no integer solution - continuous used) - objective value 24.35578612", "      0 x0                     0.5             -0.23"],
            "No feasible solution found\nUpper bound:                    24.207\n", TimeSpan.Zero);
        Assert.Equal(MilpStatus.TimeLimitNoSolution, noPoint.Status);
        Assert.False(noPoint.HasSolution);

        Assert.Equal(MilpStatus.Infeasible, CbcSolver.ParseStatus("Integer infeasible - objective value 0.00000000"));
        Assert.Equal(MilpStatus.Unbounded, CbcSolver.ParseStatus("Unbounded - objective value 0"));
        Assert.Equal(MilpStatus.Other, CbcSolver.ParseStatus("Stopped on nodes - objective value 1"));

        var unknown = Assert.Throws<MilpSolverException>(() => CbcSolver.ReadSolution(model,
            ["Optimal - objective value 2", "      0 y7                     1                       2"], "", TimeSpan.Zero));
        Assert.Contains("y7", unknown.Message);
    }

    [Fact]
    public void AMissingExecutableSaysHowToInstallCbc()
    {
        var model = new MilpModel("any");
        model.SetObjective(ObjectiveSense.Maximize, new LinearExpression().Add(model.AddBinary("x"), 1));
        var solver = new CbcSolver(new CbcOptions { Executable = "/nonexistent/cbc" });

        var error = Assert.Throws<MilpSolverException>(() => solver.Solve(model));

        Assert.Contains("/nonexistent/cbc", error.Message);
        Assert.Contains("coinor-cbc", error.Message);
    }

    [Fact]
    public void TheLpFileNamesVariablesPlainlyAndKeepsLabelsInComments()
    {
        var model = new MilpModel("text");
        Variable a = model.AddBinary("y Stage1 = 4");
        Variable b = model.AddContinuous("p layer", 0, 1);
        model.SetObjective(ObjectiveSense.Maximize, new LinearExpression().Add(a, 1.5).Add(b, -0.25));
        model.AddConstraint("budget\nwith a line break", new LinearExpression().Add(a, 2).Add(b, 1e-7), ConstraintSense.LessOrEqual, 3);

        string text = LpFileWriter.ToText(model);

        Assert.Contains("Maximize\n obj: + 1.5 x0 - 0.25 x1\n", text);
        Assert.Contains("\\ budget with a line break\n r0: + 2 x0 + 1E-07 x1 <= 3\n", text);
        Assert.Contains(" 0 <= x1 <= 1\n", text);
        Assert.Contains("Binaries\n x0\n", text);
        Assert.EndsWith("End\n", text);
    }
}
