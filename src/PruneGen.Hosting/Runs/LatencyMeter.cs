using System.Diagnostics;
using PruneGen.Latency;
using static PruneGen.Torch.torch;

namespace PruneGen.Hosting.Runs;

/// <summary>Wall-clock latency of one forward pass, the way PruneGen reports it: warm-up, then the median of repeats.</summary>
public static class LatencyMeter
{
    /// <summary>Median milliseconds of <paramref name="repeats"/> forward passes of a [batch, C, H, W] input in evaluation mode.</summary>
    public static double MeasureMilliseconds(nn.Module<Tensor, Tensor> module, int batch, int channels, int height, int width, int repeats, int warmup = 3,
        MemoryFormat memoryFormat = MemoryFormat.Contiguous)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        bool wasTraining = module.training;
        module.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            Tensor input = randn([batch, channels, height, width]);
            if (memoryFormat != MemoryFormat.Contiguous) input = input.contiguous(memoryFormat);
            for (int i = 0; i < warmup; i++)
            {
                using var step = NewDisposeScope();
                module.call(input);
            }
            var times = new double[repeats];
            for (int i = 0; i < repeats; i++)
            {
                using var step = NewDisposeScope();
                long start = Stopwatch.GetTimestamp();
                module.call(input);
                times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            return Timings.Median(times);
        }
        finally
        {
            module.train(wasTraining);
        }
    }
}
