using System.Diagnostics;
using PruneGen.Torch;
using static PruneGen.Torch.torch;
using Parameter = PruneGen.Torch.torch.nn.Parameter;

namespace PruneGen.Benchmarks;

/// <summary>
/// Time of one SGD step (lr 0.1, momentum 0.9, weight decay 5e-4) over ResNet-20's parameter tensors
/// (Fashion-MNIST variant, 1×1 projection shortcuts: 65 tensors, ~272k values): the native optimizer
/// (one call per step) against a managed loop that issues the same ATen ops per parameter the way a
/// TorchSharp-style optimizer does. Both must end with equal parameters.
/// </summary>
internal static class OptimizerStepBenchmark
{
    /// <summary>Parameter shapes of ResNet-20 as in pytorch/train_throughput.py, in registration order.</summary>
    internal static List<long[]> ResNet20Shapes()
    {
        var shapes = new List<long[]> { new long[] { 16, 1, 3, 3 }, new long[] { 16 }, new long[] { 16 } };
        long cin = 16;
        foreach ((long width, long stride) in new[] { (16L, 1L), (32L, 2L), (64L, 2L) })
        {
            for (int i = 0; i < 3; i++)
            {
                long s = i == 0 ? stride : 1;
                shapes.Add([width, cin, 3, 3]); shapes.Add([width]); shapes.Add([width]);
                shapes.Add([width, width, 3, 3]); shapes.Add([width]); shapes.Add([width]);
                if (s != 1 || cin != width)
                {
                    shapes.Add([width, cin, 1, 1]); shapes.Add([width]); shapes.Add([width]);
                }
                cin = width;
            }
        }
        shapes.Add([10, 64]);
        shapes.Add([10]);
        return shapes;
    }

    /// <param name="args">[iterations (default 2000)] [libtorch threads (default 1)]</param>
    public static void Run(string[] args)
    {
        int iterations = args.Length > 0 ? int.Parse(args[0]) : 2000;
        set_num_threads(args.Length > 1 ? int.Parse(args[1]) : 1);
        List<long[]> shapes = ResNet20Shapes();
        Measure("resnet20", shapes, iterations);
        // The same number of one-element tensors: what remains is the per-call overhead.
        Measure("overhead (1 value per tensor)", shapes.Select(_ => new long[] { 1 }).ToList(), iterations);
    }

    private static void Measure(string label, List<long[]> shapes, int iterations)
    {
        const double lr = 0.1, momentum = 0.9, weightDecay = 5e-4;
        List<Parameter> Make()
        {
            manual_seed(0);
            var ps = new List<Parameter>();
            foreach (long[] shape in shapes)
            {
                using Tensor data = randn(shape);
                using Tensor grad = randn(shape);
                var p = new Parameter(data);
                p.backward(grad); // the gradient stays; every step reuses it
                ps.Add(p);
            }
            return ps;
        }

        List<Parameter> native = Make();
        List<Parameter> managed = Make();
        long values = native.Sum(p => p.numel());
        Console.WriteLine($"optimizer_step [{label}]: SGD(lr={lr}, momentum={momentum}, weight_decay={weightDecay}) over {native.Count} tensors, {values} values; " +
                          $"libtorch threads={get_num_threads()}, iterations={iterations}");

        using var sgd = optim.SGD(native, lr: lr, momentum: momentum, weight_decay: weightDecay);
        var buffers = new Tensor?[managed.Count];
        void ManagedStep()
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            for (int i = 0; i < managed.Count; i++)
            {
                Parameter p = managed[i];
                Tensor? grad = p.grad;
                if (grad is null) continue;
                Tensor d_p = grad.add(p, weightDecay);
                if (buffers[i] is null) buffers[i] = d_p.clone().DetachFromDisposeScope();
                else buffers[i]!.mul_(momentum).add_(d_p, 1 - 0.0);
                p.add_(buffers[i]!, -lr);
            }
        }

        // Warm up both, then time alternating rounds so that machine noise hits both alike.
        for (int i = 0; i < 50; i++)
        {
            sgd.step();
            ManagedStep();
        }
        var nativeTimes = new List<double>();
        var managedTimes = new List<double>();
        // Many short rounds: on a shared machine the minimum is the figure least disturbed by other load.
        const int rounds = 20;
        for (int r = 0; r < rounds; r++)
        {
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < iterations / rounds; i++) sgd.step();
            nativeTimes.Add(watch.Elapsed.TotalMicroseconds / (iterations / rounds));
            watch.Restart();
            for (int i = 0; i < iterations / rounds; i++) ManagedStep();
            managedTimes.Add(watch.Elapsed.TotalMicroseconds / (iterations / rounds));
        }

        bool same = native.Zip(managed).All(pair => pair.First.equal(pair.Second));
        double n = nativeTimes.Min(), m = managedTimes.Min();
        Console.WriteLine($"native_step_us: min={n:F1} median={Median(nativeTimes):F1}");
        Console.WriteLine($"managed_loop_step_us: min={m:F1} median={Median(managedTimes):F1}");
        Console.WriteLine($"speedup (min/min)={m / n:F2}x, (median/median)={Median(managedTimes) / Median(nativeTimes):F2}x; parameters equal after the same steps: {same}");

        foreach (Parameter p in native.Concat(managed)) p.Dispose();
        foreach (Tensor? b in buffers) b?.Dispose();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }
}
