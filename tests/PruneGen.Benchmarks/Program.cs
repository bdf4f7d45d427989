using PruneGen.Benchmarks;

// Usage: dotnet run -c Release --project tests/PruneGen.Benchmarks -- <benchmark> [arguments]
switch (args.FirstOrDefault())
{
    case "optimizer-step":
        OptimizerStepBenchmark.Run(args[1..]);
        break;
    default:
        Console.WriteLine("benchmarks: optimizer-step [iterations] [threads]");
        break;
}
